"""View copies, their inverses (the ``*_scatter`` ops) and the ``unsafe_*`` splits.

``torch.permute_copy(x, dims)`` and the other ``*_copy`` ops are the view op followed by a fresh
contiguous copy: ember runs the view op itself (its checks, errors and derivative) and gives the copy the
view's node renamed as torch names it (``PermuteBackward0_copy``).  ``diagonal_scatter``/``select_scatter``/
``slice_scatter``/``as_strided_scatter`` return ``input`` with the viewed region replaced by ``src``; as
torch they copy ``input``'s whole storage and keep its strides and storage offset (torch's
``clone_preserve_strides``).  ``unsafe_split``/``unsafe_chunk``/``unsafe_split_with_sizes`` return the
pieces without view tracking (they may be modified in place), sharing the input's memory as torch's do.
"""
import numpy as np

from .._prim import Primitive, apply
from .._storage import root_and_offset, torch_strides
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.graph import _sequence, node_type
from . import views as _views
from ._helpers import _state, write_out
from .._device import xp_of as _xp

__all__ = ["view_copy", "permute_copy", "transpose_copy", "t_copy", "expand_copy", "diagonal_copy", "select_copy",
           "slice_copy", "squeeze_copy", "unsqueeze_copy", "unfold_copy", "unbind_copy", "split_copy",
           "split_with_sizes_copy", "alias_copy", "detach_copy", "as_strided_copy", "view_as_real_copy",
           "view_as_complex_copy", "diagonal_scatter", "select_scatter", "slice_scatter", "as_strided_scatter",
           "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes"]


def _check_tensor(x, fn):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


_not_implemented = {}


def _with_out(name, inputs, compute, out):
    """``out=`` for a copy/scatter op as torch's generated kernels do it: an ``out`` requiring grad is refused;
    inputs requiring grad give ``out`` a node whose backward raises (one output only)."""
    outs = out if isinstance(out, (list, tuple)) else (out,)
    grad = _state.enabled
    if grad and any(isinstance(o, Tensor) and o._requires_grad for o in outs):
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    with _no_grad():
        r = compute()
    if isinstance(r, tuple):
        if len(outs) != len(r):
            raise RuntimeError(f"{name}() expected an out= list of {len(r)} tensors, but got {len(outs)}")
        for x, o in zip(r, outs):
            write_out(x, o)
        return None
    write_out(r, out)
    if grad and any(t._requires_grad for t in inputs):
        prim = _not_implemented.get(name)
        if prim is None:
            prim = _not_implemented[name] = Primitive("NotImplemented", lambda *a: a[-1], _raise_not_implemented(name))
        h = apply(prim, inputs, (out._data,))
        out._grad_fn, out._output_nr, out._requires_grad = h._grad_fn, 0, True
    return out


def _raise_not_implemented(name):
    def bwd(ctx, *grads):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return bwd


class _no_grad:
    def __enter__(self):
        self.prev, _state.enabled = _state.enabled, False

    def __exit__(self, *exc):
        _state.enabled = self.prev


# ----------------------------------------------------------------------------------------------------
# *_copy: the view op, then a contiguous copy carrying the view's (renamed) node

_CLONE = Primitive("CloneBackward0", lambda a: a.copy(), lambda c, g: (g,))


def _fresh(v, mark):
    """A contiguous copy of the view ``v``; its node (made after sequence number ``mark``) becomes ``<name>_copy``."""
    fn = v._grad_fn
    if fn is None or fn._seq <= mark:
        return apply(_CLONE, (v,)) if v._requires_grad and _state.enabled else _wrap(v._data.copy())
    name = type(fn).__name__
    if not name.endswith("_copy"):
        fn.__class__ = node_type(name + "_copy")
    r = _wrap(v._data.copy())
    r._grad_fn = fn
    r._output_nr = v._output_nr
    r._requires_grad = True
    return r


def _copy_op(name, view_fn):
    """``torch.<name>(input, *args, out=None)``: ``view_fn(input, *args)`` copied."""
    def op(input, *args, out=None, **kwargs):
        _check_tensor(input, name)
        if out is not None:
            return _with_out(name, (input,), lambda: op(input, *args, **kwargs), out)
        mark = next(_sequence)
        v = view_fn(input, *args, **kwargs)
        if isinstance(v, tuple):
            return tuple(_fresh(x, mark) for x in v)
        return _fresh(v, mark)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.{name}``: as the view op, but the result is a fresh contiguous tensor."
    return op


def _int_arg(value, fn, arg, pos):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, Tensor) and value._data.ndim == 0 and value._data.dtype.kind in "iu":
            return int(value.item())
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be int, not {type(value).__name__}")
    return int(value)


def _slice_args(input, dim=0, start=None, end=None, step=1):
    """torch's ``slice`` checks; (dim, start, end, step) with the bounds clamped into the dim."""
    a = input._data
    if a.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, a.ndim)
    step = int(step)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    size = a.shape[d]
    lo, hi = _views._slice_bounds(0 if start is None else int(start), size if end is None else int(end), size)
    return d, lo, hi, step


def _slice_at(input, d, lo, hi, step):
    return apply(_views.INDEX_VIEW, (input,), ((slice(None),) * d + (slice(lo, hi, step), Ellipsis),))


def slice_view(input, dim=0, start=None, end=None, step=1):
    """torch's ``Tensor.slice(dim, start, end, step)`` (a ``SliceBackward0`` view)."""
    return _slice_at(input, *_slice_args(input, dim, start, end, step))


def _view_shape_copy(input, size):
    from .. import _dtype as D
    if isinstance(size, D.dtype):
        return input.view(size)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"view_copy(): argument 'size' (position 2) must be tuple of ints, not "
                        f"{type(size).__name__}")
    shape = _views._infer_shape(_views.shape_arg((size,)), input._data.size)
    return apply(_VIEW_COPY, (input,), (shape,))


# view_copy has reshape semantics (a non-viewable input is fine), so it is its own primitive
_VIEW_COPY = Primitive("ViewBackward0_copy", lambda a, shape: a.copy().reshape(shape),
                       lambda c, g: (g.reshape(c._in_meta[0][0]),))


def _split_int(input, split_size, dim=0):
    return _views.split(input, _int_arg(split_size, "split_copy", "split_size", 2), dim)


def _view_as_complex_checked(input):
    if _state.enabled and input._requires_grad:
        raise RuntimeError("view_as_complex_copy does not support automatic differentiation for outputs with complex "
                           "dtype.")
    return _views.view_as_complex(input)


def _detach_copy_grad(ctx, g):
    raise RuntimeError("derivative for aten::detach_copy is not implemented")


_DETACH_COPY = Primitive("NotImplemented", lambda a: a.copy(), _detach_copy_grad)


def detach_copy(input, *, out=None):
    """``torch.detach_copy``: a fresh copy; as torch, an input requiring grad gives a result whose backward
    raises (``NotImplemented`` node)."""
    _check_tensor(input, "detach_copy")
    if out is not None:
        return _with_out("detach_copy", (input,), lambda: detach_copy(input), out)
    return apply(_DETACH_COPY, (input,))


view_copy = _copy_op("view_copy", _view_shape_copy)
permute_copy = _copy_op("permute_copy", lambda input, dims: _views.permute(input, *dims))
transpose_copy = _copy_op("transpose_copy", _views.transpose)
t_copy = _copy_op("t_copy", _views.t)
expand_copy = _copy_op("expand_copy", lambda input, size, *, implicit=False: _views.expand(input, *size))
diagonal_copy = _copy_op("diagonal_copy", _views.diagonal)
select_copy = _copy_op("select_copy", _views.select)
slice_copy = _copy_op("slice_copy", slice_view)
squeeze_copy = _copy_op("squeeze_copy", _views.squeeze)
unsqueeze_copy = _copy_op("unsqueeze_copy", _views.unsqueeze)
unfold_copy = _copy_op("unfold_copy", _views.unfold)
unbind_copy = _copy_op("unbind_copy", _views.unbind)
split_copy = _copy_op("split_copy", _split_int)
split_with_sizes_copy = _copy_op("split_with_sizes_copy", _views.split_with_sizes)
alias_copy = _copy_op("alias_copy", _views._alias)
as_strided_copy = _copy_op("as_strided_copy", _views.as_strided)
view_as_real_copy = _copy_op("view_as_real_copy", _views.view_as_real)
view_as_complex_copy = _copy_op("view_as_complex_copy", _view_as_complex_checked)


# ----------------------------------------------------------------------------------------------------
# *_scatter: input with a viewed region replaced by src

def _clone_preserve_strides(a):
    """torch's ``clone_preserve_strides``: the whole storage copied and viewed with ``a``'s sizes, strides and
    storage offset; a plain clone when ``a`` has internal overlap (a stride-0 dim of size > 1)."""
    st = torch_strides(a)
    if any(s == 0 and n > 1 for s, n in zip(st, a.shape)):
        return _views._clone_preserve_fwd(a)
    root, off = root_and_offset(a)
    item = a.itemsize
    xp = _xp(a)
    span = sum(s * (n - 1) for s, n in zip(root.strides, root.shape)) + root.itemsize if root.size else 0
    if span % item or off % item:
        return _views._clone_preserve_fwd(a)
    flat = xp.lib.stride_tricks.as_strided(root, shape=(span // root.itemsize,), strides=(root.itemsize,))
    buf = flat.copy().view(a.dtype) if flat.dtype != a.dtype else flat.copy()
    return _views._make(buf, a.shape, st, off // item, writeable=True)


def _scatter_fwd(a, src, view_fn, args):
    out = _clone_preserve_strides(a)
    view_fn(_wrap(out), *args)._data[...] = src
    return out


def _check_src(region_shape, src):
    if tuple(region_shape) != src._data.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(region_shape)}")


def _view_scatter_grad(ctx, g):
    view_fn, args = ctx.args
    gi = _SCATTERS[view_fn](g, g.new_zeros(ctx._in_meta[1][0]), *args) if ctx.next_functions[0][0] is not None \
        else None
    gs = view_fn(g, *args) if ctx.next_functions[1][0] is not None else None
    return gi, gs


def _scatter_op(name, op_name, view_fn, normalise):
    """``torch.<op_name>(input, src, *view_args, out=None)``; ``normalise`` checks the view arguments as the view
    op does and returns them in the form ``view_fn`` takes."""
    prim = Primitive(name, _scatter_fwd, _view_scatter_grad)

    def op(input, src, *args, **kwargs):
        _check_tensor(input, op_name)
        if not isinstance(src, Tensor):
            raise TypeError(f"{op_name}(): argument 'src' (position 2) must be Tensor, not {type(src).__name__}")
        args = normalise(input, *args, **kwargs)
        _check_src(view_fn(input.detach(), *args)._data.shape, src)
        return apply(prim, (input, src), (view_fn, args))
    op.__name__ = op.__qualname__ = op_name
    return op


def _diag_args(input, offset=0, dim1=0, dim2=1):
    n = input._data.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return (int(offset), d1, d2)


def _select_args(input, dim, index):
    _views.select(input.detach(), dim, index)  # torch's checks and messages
    d = _wrap_dim(dim, input._data.ndim)
    index = int(index)
    return (d, index + input._data.shape[d] if index < 0 else index)


_diagonal_scatter = _scatter_op("DiagonalScatterBackward0", "diagonal_scatter", _views.diagonal, _diag_args)
_select_scatter = _scatter_op("SelectScatterBackward0", "select_scatter", _views.select, _select_args)
_slice_scatter = _scatter_op("SliceScatterBackward0", "slice_scatter", _slice_at, _slice_args)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """``torch.diagonal_scatter``: ``input`` with ``diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    return _diagonal_scatter(input, src, offset, dim1, dim2)


def select_scatter(input, src, dim, index):
    """``torch.select_scatter``: ``input`` with ``select(dim, index)`` replaced by ``src``."""
    return _select_scatter(input, src, dim, index)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, out=None):
    """``torch.slice_scatter``: ``input`` with ``slice(dim, start, end, step)`` replaced by ``src``."""
    if out is not None:
        return _with_out("slice_scatter", (input, src), lambda: _slice_scatter(input, src, dim, start, end, step), out)
    return _slice_scatter(input, src, dim, start, end, step)



_SCATTERS = {_views.diagonal: _diagonal_scatter, _views.select: _select_scatter, _slice_at: _slice_scatter}


def _strided_maps(shape, strides, offset, size, stride, region_offset):
    """For an output laid out as (shape, strides, offset) and its as_strided region: the output element (flat
    row-major index, -1 for none) each region element writes, and which output elements are overwritten."""
    out_pos = _views._positions(shape, strides, offset).reshape(-1)
    reg_pos = _views._positions(size, stride, region_offset).reshape(-1)
    span = 1 + max(int(out_pos.max()) if out_pos.size else 0, int(reg_pos.max()) if reg_pos.size else 0)
    lookup = np.full(span, -1, np.int64)
    lookup[out_pos] = np.arange(out_pos.size)
    idx = lookup[reg_pos]
    covered = np.zeros(out_pos.size, bool)
    covered[idx[idx >= 0]] = True
    return idx.reshape(size), covered.reshape(shape)


def _as_strided_scatter_fwd(a, src, out, size, stride, delta, geometry):
    _views._make(out, size, stride, delta, writeable=True)[...] = src
    return out


def _as_strided_scatter_grad(ctx, g):
    from .indexing import take
    out, size, stride, delta, (shape, strides, offset) = ctx.args
    idx, covered = _strided_maps(shape, strides, offset, size, stride, offset + delta)
    xp = _xp(g._data)
    gi = g * _wrap(xp.asarray(~covered)) if ctx.next_functions[0][0] is not None else None
    gs = None
    if ctx.next_functions[1][0] is not None:
        gs = take(g, _wrap(xp.asarray(np.maximum(idx, 0)))) * _wrap(xp.asarray(idx >= 0))
    return gi, gs


_AS_STRIDED_SCATTER = Primitive("AsStridedScatterBackward0", _as_strided_scatter_fwd, _as_strided_scatter_grad)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """``torch.as_strided_scatter``: ``input`` with ``as_strided(size, stride, storage_offset)`` of its storage
    replaced by ``src``.  Unlike torch 2.13 (whose formula returns the gradient at the overwritten elements
    instead of elsewhere), the gradient for ``input`` is zero exactly where ``src`` was written."""
    _check_tensor(input, "as_strided_scatter")
    if not isinstance(src, Tensor):
        raise TypeError(f"as_strided_scatter(): argument 'src' (position 2) must be Tensor, not "
                        f"{type(src).__name__}")
    if _state.enabled and input._requires_grad and not input.is_contiguous():
        raise RuntimeError("!self.requires_grad() || self.is_contiguous() INTERNAL ASSERT FAILED: as_strided_scatter "
                           "is currently only supported for contiguous inputs")
    a = input._data
    buf = _clone_preserve_strides(a)
    probe = _wrap(buf)
    size, stride, delta = _views._as_strided_args(probe, size, stride, storage_offset)
    _check_src(size, src)
    geometry = (a.shape, probe.stride(), probe.storage_offset())
    return apply(_AS_STRIDED_SCATTER, (input, src), (buf, size, stride, delta, geometry))


# ----------------------------------------------------------------------------------------------------
# unsafe splits: the pieces of split/chunk without view tracking

_unsafe_prims = {}


def _unsafe(name, pieces, input, d):
    n = len(pieces)
    if n == 0:
        return ()
    bounds, lo = [], 0
    for p in pieces:
        hi = lo + p._data.shape[d]
        bounds.append((lo, hi))
        lo = hi
    key = (name, n)
    prim = _unsafe_prims.get(key)
    if prim is None:
        fwd = _views._split_fwd if n > 1 else (lambda a, bounds, dim: _views._split_fwd(a, bounds, dim)[0])
        prim = _unsafe_prims[key] = Primitive(name, fwd, _views._split_grad, nout=n)
    r = apply(prim, (input,), (tuple(bounds), d))
    return r if n > 1 else (r,)


def unsafe_split(input, split_size, dim=0):
    """``torch.unsafe_split``: ``split``'s pieces, not tracked as views (``UnsafeSplitBackward0``)."""
    _check_tensor(input, "unsafe_split")
    split_size = _int_arg(split_size, "unsafe_split", "split_size", 2)
    pieces = _views.split(input.detach(), split_size, dim)
    return _unsafe("UnsafeSplitBackward0", pieces, input, _wrap_dim(dim, input._data.ndim))


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``torch.unsafe_split_with_sizes``: ``split_with_sizes``' pieces, not tracked as views."""
    _check_tensor(input, "unsafe_split_with_sizes")
    pieces = _views.split_with_sizes(input.detach(), split_sizes, dim)
    return _unsafe("UnsafeSplitWithSizesBackward0", pieces, input, _wrap_dim(dim, input._data.ndim))


def unsafe_chunk(input, chunks, dim=0):
    """``torch.unsafe_chunk``: ``chunk``'s pieces, not tracked as views (``UnsafeSplitBackward0``)."""
    _check_tensor(input, "unsafe_chunk")
    pieces = _views.chunk(input.detach(), chunks, dim)
    return _unsafe("UnsafeSplitBackward0", pieces, input, _wrap_dim(dim, input._data.ndim))


def _bind():
    for name in ("diagonal_scatter", "select_scatter", "slice_scatter", "as_strided_scatter", "unsafe_chunk",
                 "unsafe_split", "unsafe_split_with_sizes"):
        setattr(Tensor, name, globals()[name])


_bind()
