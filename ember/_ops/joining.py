"""Joining and rearranging: cat/stack and the *stack family, repeat/tile/repeat_interleave, flip/roll/rot90,
tril/triu, meshgrid/cartesian_prod/combinations, block_diag, atleast_{1,2,3}d, diag/diag_embed/diagflat and
narrow_copy, matching torch 2.x (type promotion across inputs, torch's legacy skipping of empty 1-D tensors
in cat, error types and wording).  Each differentiable op is a Primitive with its derivative beside it.
"""
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor, _wrap, _wrap_dim
from . import views as _views
from ._helpers import inplace, shape_arg, write_out
from .indexing import index_select
from .._device import xp_of as _xp

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
           "tile", "repeat_interleave", "flip", "fliplr", "flipud", "roll", "rot90", "tril", "triu", "meshgrid",
           "cartesian_prod", "combinations", "block_diag", "atleast_1d", "atleast_2d", "atleast_3d", "diag",
           "diag_embed", "diagflat", "narrow_copy"]




def _contig(a):
    return a if a.flags.c_contiguous else _xp(a).ascontiguousarray(a)


def _tensor_list(tensors, op, what="tuple of Tensors"):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be {what}, not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def _promoted(tensors):
    """torch's result dtype of several tensors (NumPy dtype), or None when they already agree."""
    first = tensors[0]._data.dtype
    if all(t._data.dtype == first for t in tensors):
        return None
    dims, zeros = [], []
    for t in tensors:
        (zeros if t._data.ndim == 0 else dims).append(t.dtype)
    return D.result_type_of(dims, zeros, ()).np


# ----------------------------------------------------------------------------------------------------
# cat / stack

def _cat_fwd(*xs):
    *arrays, dim, keep, sizes = xs
    parts = [a for a, k in zip(arrays, keep) if k]
    if not parts:
        return _xp(arrays[0]).empty((0,), arrays[0].dtype)
    return _xp(parts[0]).concatenate(parts, axis=dim)


def _cat_grad(ctx, g):
    dim, keep, sizes = ctx.args
    out = []
    off = 0
    for k, n, meta in zip(keep, sizes, ctx._in_meta):
        if not k:
            out.append(_wrap(_xp(g._data).zeros((0,), g._data.dtype)) if meta is not None else None)
            continue
        out.append(g.narrow(dim, off, n) if meta is not None else None)
        off += n
    return tuple(out)


_CAT = Primitive("CatBackward0", _cat_fwd, _cat_grad)


def cat(tensors, dim=0, *, out=None):
    """``torch.cat``: concatenate along ``dim``, promoting dtypes; 1-D empty tensors are skipped (legacy)."""
    if _amp.active:
        return _amp.run("cat", cat, tensors, dim, out=out)
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    keep = tuple(not (t._data.ndim == 1 and t._data.shape[0] == 0) for t in tensors)
    ref = next((t for t, k in zip(tensors, keep) if k), tensors[0])
    rs = ref._data.shape
    d = _wrap_dim(dim, len(rs))
    for i, (t, k) in enumerate(zip(tensors, keep)):
        if not k:
            continue
        s = t._data.shape
        if len(s) != len(rs):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(rs)} and {len(s)}")
        for j in range(len(rs)):
            if j != d and s[j] != rs[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {rs[j]} but "
                                   f"got size {s[j]} for tensor number {i} in the list.")
    sizes = tuple(t._data.shape[d] if k else 0 for t, k in zip(tensors, keep))
    r = apply(_CAT, tuple(tensors), (d, keep, sizes), _promoted(tensors))
    return r if out is None else write_out(r, out)


def concat(tensors, dim=0, *, out=None):
    return cat(tensors, dim, out=out)


def concatenate(tensors, axis=0, out=None, *, dim=None):
    return cat(tensors, axis if dim is None else dim, out=out)


def _stack_fwd(*xs):
    *arrays, dim = xs
    return _xp(arrays[0]).stack(arrays, axis=dim)


def _stack_grad(ctx, g):
    dim = ctx.args[0]
    return tuple(g.select(dim, i) if meta is not None else None for i, meta in enumerate(ctx._in_meta))


_STACK = Primitive("StackBackward0", _stack_fwd, _stack_grad)


def stack(tensors, dim=0, *, out=None):
    """``torch.stack``: join equal-shaped tensors along a new dimension ``dim`` (dtypes promoted)."""
    if _amp.active:
        return _amp.run("stack", stack, tensors, dim, out=out)
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    d = _wrap_dim(dim, len(s0) + 1)
    r = apply(_STACK, tuple(tensors), (d,), _promoted(tensors))
    return r if out is None else write_out(r, out)


def _nonempty(tensors, op):
    tensors = _tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None):
    rep = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(rep, 0 if rep[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None):
    tensors = _nonempty(tensors, "column_stack")
    cols = [t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(cols, 1, out=out)


# ----------------------------------------------------------------------------------------------------
# repeat / tile / repeat_interleave

def _repeat_fwd(a, reps):
    lead = len(reps) - a.ndim
    return _contig(_xp(a).tile(a.reshape((1,) * lead + a.shape), reps))


def _repeat_grad(ctx, g):
    reps = ctx.args[0]
    shape = ctx._in_meta[0][0]
    padded = (1,) * (len(reps) - len(shape)) + tuple(shape)
    inter = []
    for r, s in zip(reps, padded):
        inter += [r, s]
    summed = g.reshape(inter).sum(tuple(range(0, 2 * len(reps), 2)))
    return (summed.reshape(shape),)


_REPEAT = Primitive("RepeatBackward0", _repeat_fwd, _repeat_grad)


def _repeat(self, *sizes):
    """``Tensor.repeat(*sizes)``: tile the tensor ``sizes[i]`` times along each dimension."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = shape_arg(sizes)
    a = self._data
    if len(reps) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    padded = (1,) * (len(reps) - a.ndim) + a.shape
    target = [r * s for r, s in zip(reps, padded)]
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(target)}: {target}")
    return apply(_REPEAT, (self,), (reps,))


def tile(input, dims):
    """``torch.tile``: ``repeat`` with ``dims`` padded with leading ones to the tensor's rank."""
    dims = shape_arg((dims,))
    n = input._data.ndim
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return _repeat(input, dims)


def _repeats_vector(rep):
    """``torch.repeat_interleave(repeats)``: ``arange(len(repeats))`` with element i repeated repeats[i] times."""
    r = rep._data
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{_tname(r.dtype)}'")
    if r.size and int(r.min()) < 0:
        raise RuntimeError("repeats can not be negative")
    if type(r) is np.ndarray:
        return np.repeat(np.arange(r.size, dtype=r.dtype), r)
    # CuPy's repeat takes host repeats only: the positions through a search of the running totals
    xp = _xp(r)
    return xp.searchsorted(xp.cumsum(r), xp.arange(int(r.sum()), dtype=r.dtype), side="right").astype(r.dtype)


def _tname(npd):
    return scalar_type_name(D._FROM_NP[np.dtype(npd)])


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """``torch.repeat_interleave``: repeat each element (or slice along ``dim``) ``repeats`` times; with only a
    repeats tensor, the indices repeated.  Tensor repeats go through ``index_select`` (as in torch)."""
    if repeats is None:
        return _wrap(_repeats_vector(input))
    x = input if dim is not None else input.reshape(-1)
    d = _wrap_dim(0 if dim is None else dim, input._data.ndim)
    if not isinstance(repeats, Tensor):
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        shape = list(x._data.shape)
        x1 = x.unsqueeze(d + 1)
        shape.insert(d + 1, repeats)
        return x1.expand(shape).contiguous().flatten(d, d + 1)
    r = repeats._data
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{_tname(r.dtype)}'")
    n = x._data.shape[d] if x._data.ndim else 1
    if r.size == 1:
        r = _xp(r).full(n, int(r.reshape(-1)[0]), r.dtype)
    elif r.shape[0] != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{r.shape[0]} and input.size({d}) = {n}")
    idx = _repeats_vector(_wrap(r)).astype(np.int64, copy=False)
    if output_size is not None and output_size != idx.size:
        raise RuntimeError("allocated size does not match required size")
    return index_select(x, d, _wrap(idx))


# ----------------------------------------------------------------------------------------------------
# flip / roll / rot90

_FLIP = Primitive("FlipBackward0", lambda a, dims: _contig(_xp(a).flip(a, dims)) if dims and a.ndim else a.copy(),
                  lambda ctx, g: (flip(g, ctx.args[0]),))


def _dims_list(dims, ndim, op, what="dims"):
    if not isinstance(dims, (tuple, list, Tensor)):
        raise TypeError(f"{op}(): argument '{what}' (position 2) must be tuple of ints, not {type(dims).__name__}")
    out = []
    for x in dims:
        d = _wrap_dim(x, ndim)
        if d in out:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(out)


def flip(input, dims):
    """``torch.flip``: a copy with the entries reversed along each of ``dims``."""
    return apply(_FLIP, (input,), (_dims_list(dims, input._data.ndim, "flip"),))


def _flip_method(self, *dims, **kwargs):
    """``Tensor.flip(*dims)`` or ``flip(dims=...)``: the method also takes the dims unpacked."""
    if "dims" in kwargs:
        if dims:
            raise TypeError("flip() got multiple values for argument 'dims'")
        dims = (kwargs.pop("dims"),)
    if kwargs:
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return flip(self, dims)


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def _roll_fwd(a, shifts, dims):
    if dims is None:
        return _xp(a).roll(a, shifts[0])
    return _contig(_xp(a).roll(a, shifts, dims))


_ROLL = Primitive("RollBackward0", _roll_fwd,
                  lambda ctx, g: (roll(g, tuple(-s for s in ctx.args[0]), ctx.args[1]),))


def roll(input, shifts, dims=None):
    """``torch.roll``: shift entries circularly along ``dims`` (over the flattened tensor when None)."""
    shifts = (int(shifts),) if not isinstance(shifts, (tuple, list)) else tuple(int(s) for s in shifts)
    if dims is not None and not isinstance(dims, (tuple, list)):
        dims = (dims,)
    if not shifts:
        raise RuntimeError("`shifts` required")
    nd = input._data.ndim
    if dims is None or len(dims) == 0:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return apply(_ROLL, (input,), (shifts, None))
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if nd == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return apply(_ROLL, (input,), (shifts, tuple(_wrap_dim(d, nd) for d in dims)))


def _rot90_fwd(a, k, d0, d1):
    xp = _xp(a)
    if k == 1:
        return _contig(xp.flip(a, d1)).swapaxes(d0, d1)
    if k == 2:
        return _contig(xp.flip(a, (d0, d1)))
    if k == 3:
        return _contig(xp.flip(a, d0)).swapaxes(d0, d1)
    return a.copy(order="K")


_ROT90 = Primitive("Rot90Backward0", _rot90_fwd,
                   lambda ctx, g: (rot90(g, -ctx.args[0], (ctx.args[1], ctx.args[2])),))


def rot90(input, k=1, dims=(0, 1)):
    """``torch.rot90``: rotate by 90 degrees ``k`` times in the plane ``dims`` (from dims[0] towards dims[1])."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = _wrap_dim(dims[0], nd), _wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return apply(_ROT90, (input,), (int(k) % 4, d0, d1))


# ----------------------------------------------------------------------------------------------------
# tril / triu

def _tri_fwd(a, k, lower):
    xp = _xp(a)
    m, n = a.shape[-2:]
    mask = xp.tri(m, n, k, dtype=bool) if lower else ~xp.tri(m, n, k - 1, dtype=bool)
    return xp.where(mask, a, xp.zeros((), a.dtype))


_TRIL = Primitive("TrilBackward0", lambda a, k: _tri_fwd(a, k, True), lambda ctx, g: (tril(g, ctx.args[0]),))
_TRIU = Primitive("TriuBackward0", lambda a, k: _tri_fwd(a, k, False), lambda ctx, g: (triu(g, ctx.args[0]),))


def tril(input, diagonal=0, *, out=None):
    """``torch.tril``: zero the entries above the ``diagonal``-th diagonal of the last two dimensions."""
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    r = apply(_TRIL, (input,), (int(diagonal),))
    return r if out is None else write_out(r, out)


def triu(input, diagonal=0, *, out=None):
    """``torch.triu``: zero the entries below the ``diagonal``-th diagonal of the last two dimensions."""
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    r = apply(_TRIU, (input,), (int(diagonal),))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# grids and products

def _varargs(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def meshgrid(*tensors, indexing=None):
    """``torch.meshgrid``: expanded views (``ExpandBackward0``); 'ij' by default with torch's warning,
    'xy' swaps the first two output dimensions."""
    tensors = _varargs(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"meshgrid(): expected Tensor, got {type(t).__name__}")
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t!r}")
    dt = tensors[0]._data.dtype
    if any(t._data.dtype != dt for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    n = len(tensors)
    pos = list(range(n))
    if indexing == "xy" and n >= 2:
        pos[0], pos[1] = 1, 0
    shape = [0] * n
    for t, p in zip(tensors, pos):
        shape[p] = t._data.size
    grids = []
    for t, p in zip(tensors, pos):
        view_shape = [1] * n
        view_shape[p] = -1
        grids.append(t.view(view_shape).expand(shape))
    return tuple(grids)


def cartesian_prod(*tensors):
    """``torch.cartesian_prod``: rows of all combinations (meshgrid 'ij', flattened, stacked)."""
    tensors = _varargs(tensors)
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.flatten() for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """``torch.combinations``: rows of length-``r`` combinations of a 1-D tensor, in lexicographic order."""
    a = input._data
    if a.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(a.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(_xp(a).empty((0,), a.dtype))
    n = a.shape[0]
    grid = np.indices((n,) * r).reshape(r, -1)
    if r > 1:
        order = np.less_equal if with_replacement else np.less
        grid = grid[:, np.all(order(grid[:-1], grid[1:]), axis=0)]
    return stack([input[_wrap(grid[k])] for k in range(r)], 1)


def _block_diag_fwd(*xs):
    *arrays, shapes = xs
    rows = sum(h for h, w in shapes)
    cols = sum(w for h, w in shapes)
    out = _xp(arrays[0]).zeros((rows, cols), arrays[0].dtype)
    r0 = c0 = 0
    for a, (h, w) in zip(arrays, shapes):
        out[r0:r0 + h, c0:c0 + w] = a.reshape(h, w)
        r0 += h
        c0 += w
    return out


def _block_diag_grad(ctx, g):
    shapes = ctx.args[0]
    out = []
    r0 = c0 = 0
    for (h, w), meta in zip(shapes, ctx._in_meta):
        out.append(g[r0:r0 + h, c0:c0 + w].reshape(meta[0]) if meta is not None else None)
        r0 += h
        c0 += w
    return tuple(out)


_BLOCK_DIAG = Primitive("BlockDiagBackward0", _block_diag_fwd, _block_diag_grad)


def block_diag(*tensors):
    """``torch.block_diag``: tensors (0-, 1- or 2-D) along the diagonal of a zero matrix; dtypes promoted."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"block_diag(): argument 'tensors' must be tuple of Tensors, not {type(t).__name__}")
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t._data.ndim} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), D.get_default_dtype().np))
    shapes = tuple((1, 1) if t._data.ndim == 0 else (1, t._data.shape[0]) if t._data.ndim == 1 else t._data.shape
                   for t in tensors)
    return apply(_BLOCK_DIAG, tuple(tensors), (shapes,), _promoted(list(tensors)))


# ----------------------------------------------------------------------------------------------------
# atleast_nd

def _atleast(tensors, fn):
    if len(tensors) == 1:
        t = tensors[0]
        if isinstance(t, Tensor):
            return fn(t)
        return tuple(fn(x) for x in t)
    return tuple(fn(x) for x in tensors)


def _at1(t):
    return t.reshape(1) if t._data.ndim == 0 else t


def _at2(t):
    nd = t._data.ndim
    return t.reshape(1, 1) if nd == 0 else t.unsqueeze(0) if nd == 1 else t


def _at3(t):
    nd = t._data.ndim
    if nd == 0:
        return t.reshape(1, 1, 1)
    if nd == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if nd == 2 else t


def atleast_1d(*tensors):
    """``torch.atleast_1d``: 0-d tensors become shape (1,) views; one tensor in, one out, else a tuple."""
    return _atleast(tensors, _at1)


def atleast_2d(*tensors):
    return _atleast(tensors, _at2)


def atleast_3d(*tensors):
    return _atleast(tensors, _at3)


# ----------------------------------------------------------------------------------------------------
# diagonals

def _diag_embed_fwd(a, offset, d1, d2):
    xp = _xp(a)
    length = a.shape[-1]
    n = length + abs(offset)
    batch = iter(a.shape[:-1])
    shape = [n if i in (d1, d2) else next(batch) for i in range(a.ndim + 1)]
    out = xp.zeros(shape, a.dtype)
    r = xp.arange(length)
    xp.moveaxis(out, (d1, d2), (-2, -1))[..., r + max(-offset, 0), r + max(offset, 0)] = a
    return out


_DIAG_EMBED = Primitive("DiagEmbedBackward0", _diag_embed_fwd,
                        lambda ctx, g: (g.diagonal(*ctx.args),))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """``torch.diag_embed``: the last dimension of ``input`` placed on the ``offset`` diagonal of the planes
    ``(dim1, dim2)`` of a new zero tensor with one more dimension."""
    nd = input._data.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(_DIAG_EMBED, (input,), (int(offset), d1, d2))


def _diagonal_scatter_fwd(g, shape, offset):
    out = _xp(g).zeros(shape, g.dtype)
    r = _xp(g).arange(g.shape[0])
    out[r + max(-offset, 0), r + max(offset, 0)] = g
    return out


_DIAGONAL_SCATTER = Primitive("DiagonalBackwardBackward0", _diagonal_scatter_fwd,
                              lambda ctx, g: (apply(_DIAGONAL_COPY, (g,), (ctx.args[1],)),))
_DIAGONAL_COPY = Primitive("DiagonalBackward0_copy", lambda a, offset: a.diagonal(offset).copy(),
                           lambda ctx, g: (apply(_DIAGONAL_SCATTER, (g,), (ctx._in_meta[0][0], ctx.args[0])),))


def diag(input, diagonal=0, *, out=None):
    """``torch.diag``: a 1-D tensor becomes a diagonal matrix; a 2-D tensor gives (a copy of) its diagonal."""
    nd = input._data.ndim
    if nd == 1:
        r = apply(_DIAG_EMBED, (input,), (int(diagonal), 0, 1))
    elif nd == 2:
        r = apply(_DIAGONAL_COPY, (input,), (int(diagonal),))
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    return r if out is None else write_out(r, out)


def diagflat(input, offset=0):
    """``torch.diagflat``: the flattened input on the ``offset`` diagonal of a square matrix."""
    return apply(_DIAG_EMBED, (input.reshape(-1),), (int(offset), 0, 1))


_NARROW_COPY = Primitive("NarrowCopyBackward0", lambda a, idx: a[idx].copy(),
                         lambda ctx, g: (apply(_views._INDEX_SCATTER, (g,), (ctx.args[0], ctx._in_meta[0][0])),))


def narrow_copy(input, dim, start, length):
    """``torch.narrow_copy``: a contiguous copy of ``narrow(input, dim, start, length)``."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, a.ndim)
    start = int(start)
    size = a.shape[d]
    if start < 0:
        start += size
    if start < 0 or start > size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return apply(_NARROW_COPY, (input,), ((slice(None),) * d + (slice(start, start + length),),))


# ----------------------------------------------------------------------------------------------------
# product of the other elements (prod's derivative when the input has zeros)

def _prod_except_fwd(a):
    xp = _xp(a)
    if a.shape[-1] == 0:
        return a.copy()
    ones = xp.ones(a.shape[:-1] + (1,), a.dtype)
    left = xp.cumprod(xp.concatenate([ones, a[..., :-1]], -1), -1)
    right = xp.cumprod(xp.concatenate([ones, xp.flip(a[..., 1:], -1)], -1), -1)
    return left * xp.flip(right, -1)


def _prod_except_grad(ctx, g):
    x, = ctx.saved
    from .elementwise import where
    n = x._data.shape[-1]
    eye = _wrap(_xp(x._data).eye(n, dtype=bool))
    # row i holds x with x_i replaced by 1: its products-of-others are the products over all k != i, j
    rows = where(eye, 1, x.unsqueeze(-2))
    pairs = apply(_PROD_EXCEPT, (rows,))
    return (where(eye, 0, g.unsqueeze(-1) * pairs).sum(-2),)


_PROD_EXCEPT = Primitive("ProdExceptSelfBackward0", _prod_except_fwd, _prod_except_grad, save_inputs=True)


def _prod_except_self(x, dims):
    """For every element, the product of the other elements of its slice over ``dims`` (same shape as ``x``),
    computed without division so zeros are exact; differentiable (its derivative uses the same op)."""
    nd = x._data.ndim
    dims = sorted({_wrap_dim(d, nd) for d in dims}) if nd else []
    keep = [d for d in range(nd) if d not in dims]
    perm = keep + dims
    xt = x.permute(perm) if perm != list(range(nd)) else x
    kept = [x._data.shape[d] for d in keep]
    red = [x._data.shape[d] for d in dims]
    n = 1
    for s in red:
        n *= s
    r = apply(_PROD_EXCEPT, (xt.reshape(kept + [n]),)).reshape(kept + red)
    return r.permute(tuple(np.argsort(perm).tolist())) if perm != list(range(nd)) else r


# ----------------------------------------------------------------------------------------------------

def _bind():
    Tensor.repeat = _repeat
    Tensor.flip = _flip_method
    for name in ("tile", "repeat_interleave", "fliplr", "flipud", "roll", "rot90", "tril", "triu", "diag",
                 "diag_embed", "diagflat", "narrow_copy"):
        setattr(Tensor, name, globals()[name])
    Tensor.tril_ = inplace(tril)
    Tensor.triu_ = inplace(triu)


_bind()
