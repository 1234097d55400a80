"""Views and shape ops: each output shares its input's storage and version counter, as in torch.

view/reshape/transpose/permute/squeeze/unsqueeze/expand/narrow/select/unfold/as_strided/flatten/
unflatten/movedim/diagonal/split/chunk/tensor_split/unbind/view_as_real/view_as_complex/view(dtype),
``contiguous``/``clone`` with memory formats, and the in-place shape ops (``t_``, ``squeeze_`` ...).

Every view gets torch's geometry exactly: its sizes, strides (also of size-1 and size-0 dims, which NumPy
picks freely) and storage offset are computed by torch's rules from the input's, and the array is NumPy's
own view when that already has them, else one built with them over the same memory (``_make``).
In-place ops on a view rewrite the base's history with a ``CopySlices`` node (``rebase_view_history``),
so gradients flow to the base as torch's do.
"""
import warnings

import numpy as np

from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._storage import contiguous_strides, root_and_offset, torch_strides
from .._tensor import Size, Tensor, _wrap, _wrap_dim
from ..autograd.graph import OpNode
from ._helpers import dims_arg, shape_arg
from .._device import xp_of as _xp

__all__ = ["adjoint", "as_strided", "as_strided_", "broadcast_shapes", "broadcast_tensors", "broadcast_to", "chunk",
           "clone", "diagonal", "dsplit", "flatten", "hsplit", "moveaxis", "movedim", "narrow", "permute", "ravel",
           "reshape", "select", "split", "split_with_sizes", "squeeze", "swapaxes", "swapdims", "t", "tensor_split",
           "transpose", "unbind", "unflatten", "unsqueeze", "view_as_complex", "view_as_real", "vsplit"]

def _as_strided(a, shape, strides):
    return _xp(a).lib.stride_tricks.as_strided(a, shape, strides)


# ----------------------------------------------------------------------------------------------------
# geometry

class _Interface:
    """A hand-made ``__array_interface__``: NumPy wraps it as an array of any geometry; ``base`` keeps the
    viewed array alive and leads ``_storage.root_array`` to the storage."""
    __slots__ = ("__array_interface__", "base")


def _make(a, shape, strides, delta=0, dtype=None, writeable=None):
    """A view of ``a``'s memory with ``shape`` and element ``strides`` whose first element lies ``delta``
    elements past ``a``'s (elements of ``dtype``, by default ``a``'s)."""
    dt = a.dtype if dtype is None else dtype
    item = dt.itemsize
    bst = tuple(s * item for s in strides)
    if type(a) is not np.ndarray:
        return _xp(a).ndarray(tuple(shape), dt, a.data + delta * item, bst)
    if writeable is None:
        writeable = a.flags.writeable
    h = _Interface()
    h.__array_interface__ = {"version": 3, "shape": tuple(shape), "typestr": dt.str, "strides": bst,
                             "data": (a.__array_interface__["data"][0] + delta * item, not writeable)}
    h.base = a
    r = np.asarray(h)
    return r if r.dtype == dt else r.view(dt)


def _fit(r, a, shape, strides, delta=0, writeable=None):
    """``r`` (NumPy's own view of ``a``, or None) if it has torch's geometry, else a view built with it.

    NumPy leaves an empty slice's data pointer where it was; torch moves the storage offset regardless."""
    if r is not None and (r.size or not delta):
        item = r.itemsize
        if r.strides == tuple(s * item for s in strides):
            return r
    return _make(a, shape, strides, delta, writeable=writeable)




def _zeros(like, shape):
    return _xp(like).zeros(shape, like.dtype)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _compute_stride(oldshape, oldstride, newshape):
    """torch's ``computeStride``: the strides viewing (oldshape, oldstride) as ``newshape``, or None when
    the memory layout does not allow a view."""
    if not oldshape:
        return (1,) * len(newshape)
    if _numel(oldshape) == 0:
        return tuple(oldstride) if tuple(oldshape) == tuple(newshape) else contiguous_strides(newshape)
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base = oldstride[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and oldstride[tensor_d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base = oldstride[tensor_d - 1]
                tensor_numel = view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)


def _is_contiguous(shape, strides):
    """torch's ``is_contiguous`` (default format): size-1 dims are ignored, empty tensors are contiguous."""
    if 0 in shape:
        return True
    expected = 1
    for n, st in zip(reversed(shape), reversed(strides)):
        if n != 1:
            if st != expected:
                return False
            expected *= n
    return True


def _non_overlapping_and_dense(shape, strides):
    """torch's ``is_non_overlapping_and_dense``: the elements fill a block of memory, in any dim order."""
    if _is_contiguous(shape, strides):
        return True
    perm = sorted(range(len(shape)), key=lambda d: (shape[d] < 2, strides[d] if shape[d] >= 2 else 0))
    expected = 1
    for d in perm:
        if shape[d] < 2:
            return True
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def _dense_strides(shape, strides):
    """torch's ``infer_dense_strides``: contiguous strides in the input's stride order (stride-0 dims keep
    their place; equal strides put the smaller size inner)."""
    n = len(shape)
    perm = list(range(n - 1, -1, -1))
    for i in range(1, n):
        d1 = i
        for j in range(1, i + 1):
            d0 = i - j
            a, b = perm[d0], perm[d1]
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0:
                cmp = 0
            elif sa != sb:
                cmp = 1 if sa > sb else -1
            else:
                cmp = 1 if shape[a] > shape[b] else 0
            if cmp > 0:
                perm[d0], perm[d1] = b, a
                d1 = d0
            elif cmp < 0:
                break
    out = [0] * n
    acc = 1
    for d in perm:
        out[d] = acc
        if shape[d] > 1:
            acc *= shape[d]
    return tuple(out)


def _index_geometry(shape, strides, idx):
    """(shape, strides, element delta) of ``a[idx]`` for an index of full or bounded slices, ints and a
    trailing Ellipsis, with torch's offsets (an empty slice still moves the offset to its start)."""
    out_shape, out_strides, delta = [], [], 0
    for d, it in enumerate(idx):
        if it is Ellipsis:
            out_shape.extend(shape[d:])
            out_strides.extend(strides[d:])
            return tuple(out_shape), tuple(out_strides), delta
        if isinstance(it, slice):
            lo, hi, step = it.indices(shape[d])
            delta += lo * strides[d]
            out_shape.append(len(range(lo, hi, step)))
            out_strides.append(strides[d] * step)
        else:
            delta += it * strides[d]
    n = len(idx)
    return tuple(out_shape) + tuple(shape[n:]), tuple(out_strides) + tuple(strides[n:]), delta


def _same_view(a):
    """A new view of all of ``a`` (its strides kept, also those torch gives a fresh empty array)."""
    r = a.view()
    return r if a.size else _fit(r, a, a.shape, torch_strides(a))


def _basic_view(a, idx):
    """``a[idx]`` (slices, ints, a trailing Ellipsis) with torch's geometry."""
    r = a[idx]
    if r.size:
        return r
    shape, strides, delta = _index_geometry(a.shape, torch_strides(a), idx)
    return _fit(r, a, shape, strides, delta)


def _no_sizes(name, arg="size"):
    return TypeError(f"{name}() missing 1 required positional arguments: \"{arg}\"")


# ----------------------------------------------------------------------------------------------------
# reshaping views

def _infer_shape(shape, numel):
    """torch's ``infer_size``: fill in a single -1 and check the element count."""
    neg = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
        else:
            known *= s
    if neg >= 0:
        if known == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               f"unspecified dimension size -1 can be any value and is ambiguous")
        if numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:neg] + (numel // known,) + shape[neg + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_fwd(a, shape, strides):
    return _fit(a.reshape(shape) if a.flags.c_contiguous else None, a, shape, strides)


def _reshape_back(ctx, g):
    return (g.reshape(ctx._in_meta[0][0]),)


VIEW = Primitive("ViewBackward0", _view_fwd, _reshape_back, view=True)
RESHAPE_ALIAS = Primitive("ReshapeAliasBackward0", _view_fwd, _reshape_back, view=True)
UNSAFE_VIEW = Primitive("UnsafeViewBackward0", lambda a, shape: a.reshape(shape), _reshape_back)

_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
               "across two contiguous subspaces). Use .reshape(...) instead.")


def _view_shape(self, shape):
    """``self.view(shape)``: torch's strides for the new shape, or its error when the layout forbids it."""
    a = self._data
    shape = _infer_shape(shape, a.size)
    strides = _compute_stride(a.shape, torch_strides(a), shape)
    if strides is None:
        raise RuntimeError(_VIEW_ERROR)
    return apply(VIEW, (self,), (shape, strides))


def view(self, *shape, size=None, dtype=None):
    """``Tensor.view(*shape)`` (a view with torch's strides for the new shape; torch's error when the
    layout does not allow one) or ``Tensor.view(dtype)`` (the same bytes reinterpreted)."""
    from .. import _dtype as D
    if dtype is not None or (len(shape) == 1 and isinstance(shape[0], D.dtype)):
        return _view_dtype(self, dtype if dtype is not None else shape[0])
    if size is not None:
        shape = (size,)
    if not shape:
        raise TypeError("view() received an invalid combination of arguments - got (), but expected one of: "
                        "(torch.dtype dtype) or (tuple of ints size)")
    return _view_shape(self, shape_arg(shape))


def view_as(self, other):
    return _view_shape(self, other._data.shape)


def reshape(input, *shape):
    """torch's reshape: ``view`` for a contiguous input, else a strided alias (``ReshapeAliasBackward0``)
    when the layout allows one, else a contiguous copy (``UnsafeViewBackward0`` over ``CloneBackward0``)."""
    if not shape:
        raise _no_sizes("reshape", "shape")
    a = input._data
    shape = _infer_shape(shape_arg(shape), a.size)
    strides = _compute_stride(a.shape, torch_strides(a), shape)
    if a.flags.c_contiguous:  # NumPy's flag is torch's is_contiguous: size-1 dims ignored, empty arrays contiguous
        return apply(VIEW, (input,), (shape, strides))
    if strides is not None:
        return apply(RESHAPE_ALIAS, (input,), (shape, strides))
    return apply(UNSAFE_VIEW, (apply(CLONE_C, (input,)),), (shape,))


def reshape_as(self, other):
    return reshape(self, other._data.shape)


def _squeeze_fwd(a, dims):
    r = a.squeeze(dims) if dims else _same_view(a)
    if r.size:
        return r
    st = torch_strides(a)
    keep = [i for i in range(a.ndim) if i not in dims]
    return _fit(r, a, tuple(a.shape[i] for i in keep), tuple(st[i] for i in keep))


SQUEEZE = Primitive("SqueezeBackward0", _squeeze_fwd, _reshape_back, view=True)
SQUEEZE_DIM = Primitive("SqueezeBackward1", _squeeze_fwd, _reshape_back, view=True)
SQUEEZE_DIMS = Primitive("SqueezeBackward2", _squeeze_fwd, _reshape_back, view=True)


def _squeeze_args(input, dim):
    """(primitive, dims to drop) for ``squeeze(dim)``: only size-1 dims go, as in torch."""
    a = input._data
    if dim is None:
        return SQUEEZE, tuple(i for i, s in enumerate(a.shape) if s == 1)
    multi = isinstance(dim, (tuple, list))
    dims = dims_arg(dim, a.ndim) if multi else (_wrap_dim(dim, a.ndim),)
    if not a.ndim:
        return (SQUEEZE_DIMS if multi else SQUEEZE_DIM), ()
    return (SQUEEZE_DIMS if multi else SQUEEZE_DIM), tuple(d for d in dims if a.shape[d] == 1)


def squeeze(input, dim=None):
    """Drop size-1 dims (all, one, or a tuple); the other dims keep their strides."""
    prim, dims = _squeeze_args(input, dim)
    return apply(prim, (input,), (dims,))


def _unsqueeze_fwd(a, d):
    st = torch_strides(a)
    shape = a.shape[:d] + (1,) + a.shape[d:]
    strides = st[:d] + (a.shape[d] * st[d] if d < a.ndim else 1,) + st[d:]
    return _fit(a.reshape(shape) if a.flags.c_contiguous else None, a, shape, strides)


def _unsqueeze_grad(ctx, g):
    return (g.squeeze(ctx.args[0]),)


UNSQUEEZE = Primitive("UnsqueezeBackward0", _unsqueeze_fwd, _unsqueeze_grad, view=True)


def unsqueeze(input, dim):
    """A size-1 dim at ``dim`` with torch's stride (``size * stride`` of the dim it precedes, 1 at the end)."""
    return apply(UNSQUEEZE, (input,), (_wrap_dim(dim, input._data.ndim + 1),))


def flatten(input, start_dim=0, end_dim=-1):
    """torch's flatten: the input itself when start == end, else ``reshape`` (a 0-d input becomes 1-d)."""
    a = input._data
    if a.ndim == 0:
        _wrap_dim(start_dim, 0)
        _wrap_dim(end_dim, 0)
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, a.ndim)
    e = _wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, a.shape[:s] + (_numel(a.shape[s:e + 1]),) + a.shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split ``dim`` into ``sizes`` (one may be -1): always a view."""
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    sizes = shape_arg((sizes,))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if a.ndim == 0:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
    try:
        sizes = _infer_shape(sizes, a.shape[d])
    except RuntimeError as e:
        if str(e).startswith("shape '"):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                               f"({a.shape[d]}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return _view_shape(input, a.shape[:d] + sizes + a.shape[d + 1:])


def ravel(input):
    """torch's ravel: ``contiguous().view(-1)`` (a copy, then a view of it, for a non-contiguous input)."""
    return _view_shape(contiguous(input), (-1,))


# ----------------------------------------------------------------------------------------------------
# axis permutations

def _transpose_fwd(a, d0, d1):
    r = a.swapaxes(d0, d1) if d0 != d1 else _same_view(a)
    if r.size:
        return r
    st = list(torch_strides(a))
    st[d0], st[d1] = st[d1], st[d0]
    return _fit(r, a, r.shape, st)


def _transpose_grad(ctx, g):
    d0, d1 = ctx.args
    return (g.transpose(d0, d1),)


TRANSPOSE = Primitive("TransposeBackward0", _transpose_fwd, _transpose_grad, view=True)


def _permute_fwd(a, dims):
    r = a.transpose(dims)
    if r.size:
        return r
    st = torch_strides(a)
    return _fit(r, a, r.shape, tuple(st[d] for d in dims))


def _permute_grad(ctx, g):
    dims = ctx.args[0]
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return (g.permute(tuple(inv)),)


PERMUTE = Primitive("PermuteBackward0", _permute_fwd, _permute_grad, view=True)


def transpose(input, dim0, dim1):
    n = input._data.ndim
    return apply(TRANSPOSE, (input,), (_wrap_dim(dim0, n), _wrap_dim(dim1, n)))


swapaxes = swapdims = transpose


def _alias(input):
    return apply(ALIAS, (input,))


ALIAS = Primitive("AliasBackward0", _same_view, lambda c, g: (g,), view=True)


def permute(input, *dims):
    if not dims:
        raise TypeError("permute() missing 1 required positional arguments: \"dims\"")
    dims = shape_arg(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PERMUTE, (input,), (dims,))


def _t_fwd(a):
    return _transpose_fwd(a, 0, 1) if a.ndim == 2 else _same_view(a)


T_PRIM = Primitive("TBackward0", _t_fwd, lambda c, g: (g.t(),), view=True)


def t(input):
    """Transpose of a matrix; 0-d and 1-d inputs give a view of themselves (``TBackward0``), as torch."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return apply(T_PRIM, (input,))


def _conj(x):
    return x.conj() if x._data.dtype.kind == "c" else x


def adjoint(input):
    n = input._data.ndim
    if n == 0:
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return _conj(input)
    if n == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return _conj(transpose(input, -2, -1))


def movedim(input, source, destination):
    """torch's movedim: a permutation (an alias of a 0-d input)."""
    n = input._data.ndim
    if isinstance(source, int) != isinstance(destination, int):
        raise TypeError(f"movedim() received an invalid combination of arguments - got "
                        f"({type(source).__name__}, {type(destination).__name__}), but expected one of: "
                        f"(int source, int destination) or (tuple of ints source, tuple of ints destination)")
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    src_w = [_wrap_dim(s, n) for s in src]
    dst_w = [_wrap_dim(d, n) for d in dst]
    if len(set(src_w)) != len(src_w):
        raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
    if len(set(dst_w)) != len(dst_w):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
    if n == 0:
        return _alias(input)
    order = [-1] * n
    for s, d in zip(src_w, dst_w):
        order[d] = s
    rest = iter(i for i in range(n) if i not in src_w)
    order = [next(rest) if o == -1 else o for o in order]
    return apply(PERMUTE, (input,), (tuple(order),))


moveaxis = movedim


def _T(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
    elif n != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                      "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                      "tensor.", UserWarning, stacklevel=2)
    return apply(PERMUTE, (self,), (tuple(range(n - 1, -1, -1)),))


def _mT(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
        return self
    if n == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _H(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return _conj(self)
    if n != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor.")
    return _conj(transpose(self, 0, 1))


def _mH(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return _conj(self)
    if n == 1:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return _conj(transpose(self, -2, -1))


# ----------------------------------------------------------------------------------------------------
# expand / broadcast

def _expand_geometry(shape, strides, sizes):
    """torch's ``inferExpandGeometry``: broadcast dims get stride 0, new leading size-1 dims the stride of
    the dim they precede (0 for a 0-d input)."""
    n, tdim = len(sizes), len(shape)
    out_shape, out_strides = [0] * n, [0] * n
    for i in range(n - 1, -1, -1):
        d = tdim - n + i
        if d >= 0:
            size, stride = shape[d], strides[d]
        else:
            size, stride = 1, (out_shape[i + 1] * out_strides[i + 1] if i + 1 < n else 0)
        target = sizes[i]
        if target == -1:
            target = size
        if size != target:
            size, stride = target, 0
        out_shape[i], out_strides[i] = size, stride
    return tuple(out_shape), tuple(out_strides)


def _expand_fwd(a, sizes):
    shape, strides = _expand_geometry(a.shape, torch_strides(a), sizes)
    overlap = False
    for n, st in zip(shape, strides):
        if st == 0 and n > 1:
            overlap = True
            break
    if overlap:  # read-only, as NumPy's broadcast views: in-place ops refuse overlapping memory like torch
        return _fit(np.broadcast_to(a, shape), a, shape, strides, writeable=False)
    natural = a.reshape(shape) if a.flags.c_contiguous and _numel(shape) == a.size else None
    return _fit(natural, a, shape, strides)


def _expand_grad(ctx, g):
    return (g.sum_to_size(ctx._in_meta[0][0]),)


EXPAND = Primitive("ExpandBackward0", _expand_fwd, _expand_grad, view=True)


def expand(input, *sizes):
    if not sizes:
        raise _no_sizes("expand")
    sizes = shape_arg(sizes)
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(f"expand(torch.{_tname(input)}{{{list(a.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
        else:
            cur = a.shape[i - lead]
            if s != -1 and cur != 1 and s != cur:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(a.shape)}")
            if s < -1:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sizes)}")
    return apply(EXPAND, (input,), (sizes,))


def _tname(t):
    from .._errors import scalar_type_name
    return scalar_type_name(t.dtype) + "Tensor"


def expand_as(input, other):
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    return expand(input, size)


def broadcast_shapes(*shapes):
    try:
        return Size(np.broadcast_shapes(*[tuple(s) if not isinstance(s, int) else (s,) for s in shapes]))
    except ValueError:
        raise RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape.") from None


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    shapes = [t._data.shape for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        first = shapes[0]
        for i, s in enumerate(shapes[1:], 1):
            try:
                np.broadcast_shapes(first, s)
            except ValueError:
                raise RuntimeError(f"shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                                   f"between arg 0 with shape {list(first)} and arg {i} with shape "
                                   f"{list(s)}.") from None
            first = np.broadcast_shapes(first, s)
        raise RuntimeError("shape mismatch: objects cannot be broadcast to a single shape.") from None
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


def _sum_to_size(input, *size):
    size = shape_arg(size)
    a = input._data
    if a.shape == size:
        return input
    lead = a.ndim - len(size)
    if lead < 0 or not all(s == 1 or s == a.shape[lead + i] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(a.shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and a.shape[lead + i] != 1)
    from .reduction import sum as _sum
    r = _sum(input, dims, keepdim=True) if dims else input
    if lead:
        r = reshape(r, size)
    return r


# ----------------------------------------------------------------------------------------------------
# slicing views: narrow, select, unfold, diagonal, as_strided

def _index_view_grad(ctx, g):
    idx = ctx.args[0]
    shape, dt = ctx._in_meta[0]
    return (apply(_INDEX_SCATTER, (g,), (idx, shape)),)


def _index_scatter_fwd(g, idx, shape):
    z = _zeros(g, shape)
    z[idx] = g
    return z


INDEX_VIEW = Primitive("SliceBackward0", _basic_view, _index_view_grad, view=True)
SELECT = Primitive("SelectBackward0", _basic_view, _index_view_grad, view=True)
_INDEX_SCATTER = Primitive("IndexBackwardBackward0", _index_scatter_fwd,
                           lambda c, g: (g[c.args[0]],))


def _slice_bounds(start, end, size):
    """torch's ``slice`` clamping: negative bounds count from the end, then both clamp into [0, size]."""
    if start < 0:
        start += size
    if end < 0:
        end += size
    start = min(max(start, 0), size)
    end = min(max(end, start), size)
    return start, end


def _slice(input, d, start, end):
    return apply(INDEX_VIEW, (input,), ((slice(None),) * d + (slice(start, end), Ellipsis),))


def narrow(input, dim, start, length):
    """``input`` restricted to ``[start, start + length)`` along ``dim`` (``SliceBackward0``), torch's checks."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, a.ndim)
    start, length = int(start), int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    size = a.shape[d]
    if start < -size or start > size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start > size - length:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _slice(input, d, start, start + length)


def select(input, dim, index):
    a = input._data
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, a.ndim)
    index = int(index)
    size = a.shape[d]
    if index < -size or index >= size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(a.shape)} at dimension "
                         f"{d}")
    if index < 0:
        index += size
    return apply(SELECT, (input,), ((slice(None),) * d + (index, Ellipsis),))


def _strided_fwd(a, shape, strides, offset):
    """A view of ``a``'s storage: ``offset`` elements past ``a``'s first element, element ``strides``."""
    return _make(a, shape, strides, offset)


def _strided_grad(ctx, g):
    shape, strides, offset = ctx.args
    in_shape, dt = ctx._in_meta[0]
    return (apply(_STRIDED_SCATTER, (g,), (in_shape, shape, strides, offset, ctx._in_strides)),)


def _positions(shape, strides, offset=0):
    """The storage position (in elements, from ``offset``) of every element of a strided layout."""
    pos = np.asarray(offset)
    for i, (n, st) in enumerate(zip(shape, strides)):
        pos = pos + np.arange(n).reshape((-1,) + (1,) * (len(shape) - i - 1)) * st
    return np.broadcast_to(pos, shape)


def _strided_scatter_fwd(g, in_shape, shape, strides, offset, in_strides):
    """Sum ``g`` into a zero tensor laid out like the input: the adjoint of a strided view."""
    in_pos = _positions(in_shape, in_strides)
    pos = _positions(shape, strides, offset)
    span = 1 + max(int(in_pos.max()) if in_pos.size else 0, int(pos.max()) if pos.size else 0)
    xp = _xp(g)
    flat = xp.zeros((span,), g.dtype)
    if g.size:
        xp.add.at(flat, xp.asarray(pos.reshape(-1)), g.reshape(-1))
    return flat[xp.asarray(in_pos)]


def _strided_scatter_grad(ctx, g):
    return (_regather(g, *ctx.args),)


def _regather(g, in_shape, shape, strides, offset, in_strides):
    in_pos = _positions(in_shape, in_strides)
    pos = _positions(shape, strides, offset)
    span = 1 + max(int(in_pos.max()) if in_pos.size else 0, int(pos.max()) if pos.size else 0)
    xp = _xp(g._data)
    flat = _wrap(xp.zeros((span,), g._data.dtype))
    from .indexing import index_put
    flat = index_put(flat, (_wrap(xp.asarray(in_pos.reshape(-1))),), g.reshape(-1), True)
    return flat[_wrap(xp.array(pos))]


AS_STRIDED = Primitive("AsStridedBackward0", _strided_fwd, _strided_grad, view=True)
_STRIDED_SCATTER = Primitive("AsStridedScatterBackward0", _strided_scatter_fwd, _strided_scatter_grad)


def _as_strided_view(input, shape, strides, offset):
    """Strided view relative to ``input``'s first element (offset in elements)."""
    r = apply(AS_STRIDED, (input,), (tuple(shape), tuple(strides), offset))
    if r._grad_fn is not None:
        r._grad_fn._in_strides = input.stride()
    return r


def _as_strided_args(input, size, stride, storage_offset):
    """Checked (size, stride, offset relative to ``input``) for ``as_strided``, with torch's errors."""
    size, stride = tuple(shape_arg((size,))), tuple(shape_arg((stride,)))
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    if any(st < 0 for st in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    cur = input.storage_offset()
    off = cur if storage_offset is None else int(storage_offset)
    if off < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {off}")
    a = input._data
    root, _ = root_and_offset(a)
    need = off + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(s > 0 for s in size) else 0
    nbytes = root.size * root.itemsize
    if need * a.itemsize > nbytes:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, and "
                           f"itemsize {a.itemsize} requiring a storage size of {need * a.itemsize} are out of bounds "
                           f"for storage of size {nbytes}")
    return size, stride, off - cur


def as_strided(input, size, stride, storage_offset=None):
    """``torch.as_strided``: a view of the storage with the given geometry (offset relative to storage)."""
    return _as_strided_view(input, *_as_strided_args(input, size, stride, storage_offset))


def _unfold_geometry(shape, strides, d, size, step):
    if not shape:
        return (size,), (1,)
    n = (shape[d] - size) // step + 1
    return (shape[:d] + (n,) + shape[d + 1:] + (size,),
            strides[:d] + (strides[d] * step,) + strides[d + 1:] + (strides[d],))


def _unfold_fwd(a, d, size, step):
    return _make(a, *_unfold_geometry(a.shape, torch_strides(a), d, size, step))


def _unfold_backward_fwd(g, in_shape, d, size, step):
    """Sum each window of ``g`` back into its place along ``d`` (overlapping windows add up)."""
    z = _zeros(g, in_shape)
    if not in_shape:
        if size:
            z[...] = g[0]
        return z
    n = g.shape[d]
    gw = _xp(g).moveaxis(g, -1, d + 1)  # (..., window, position in window, ...)
    lead = (slice(None),) * d
    for k in range(size):
        z[lead + (slice(k, k + step * (n - 1) + 1, step),)] += gw[lead + (slice(None), k)]
    return z


def _unfold_grad(ctx, g):
    d, size, step = ctx.args
    return (apply(_UNFOLD_BACKWARD, (g,), (ctx._in_meta[0][0], d, size, step)),)


UNFOLD = Primitive("UnfoldBackward0", _unfold_fwd, _unfold_grad, view=True)
_UNFOLD_BACKWARD = Primitive("UnfoldBackwardBackward0", _unfold_backward_fwd,
                             lambda c, g: (unfold(g, *c.args[1:]),))


def unfold(input, dimension, size, step):
    """Windows of ``size`` every ``step`` along ``dimension``, as a new last dim (a view)."""
    a = input._data
    d = _wrap_dim(dimension, a.ndim)
    size, step = int(size), int(step)
    length = a.shape[d] if a.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(UNFOLD, (input,), (d, size, step))


def _diagonal_geometry(shape, strides, offset, d1, d2):
    if offset >= 0:
        length = max(min(shape[d1], shape[d2] - offset), 0)
        delta = offset * strides[d2] if length else 0
    else:
        length = max(min(shape[d1] + offset, shape[d2]), 0)
        delta = -offset * strides[d1] if length else 0
    keep = [i for i in range(len(shape)) if i != d1 and i != d2]
    return (tuple(shape[i] for i in keep) + (length,), tuple(strides[i] for i in keep) + (strides[d1] + strides[d2],),
            delta)


def _diagonal_fwd(a, offset, d1, d2):
    return _make(a, *_diagonal_geometry(a.shape, torch_strides(a), offset, d1, d2))


def _diagonal_backward_fwd(g, in_shape, offset, d1, d2):
    z = _zeros(g, in_shape)
    _diagonal_fwd(z, offset, d1, d2)[...] = g
    return z


def _diagonal_grad(ctx, g):
    return (apply(_DIAGONAL_BACKWARD, (g,), (ctx._in_meta[0][0],) + ctx.args),)


DIAGONAL = Primitive("DiagonalBackward0", _diagonal_fwd, _diagonal_grad, view=True)
_DIAGONAL_BACKWARD = Primitive("DiagonalBackwardBackward0", _diagonal_backward_fwd,
                               lambda c, g: (diagonal(g, *c.args[1:]),))


def diagonal(input, offset=0, dim1=0, dim2=1):
    n = input._data.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(DIAGONAL, (input,), (int(offset), d1, d2))


# ----------------------------------------------------------------------------------------------------
# multi-output views: split, chunk, unbind (tensor_split is separate slices, as in torch)

def _split_grad(ctx, *grads):
    from .joining import cat
    return (cat(grads, ctx.args[1]),)


def _split_fwd(a, bounds, dim):
    lead = (slice(None),) * dim
    return tuple(_basic_view(a, lead + (slice(lo, hi), Ellipsis)) for lo, hi in bounds)


_multi_prims = {}


def _multi_view(name, n, fwd, bwd, input, args):
    """Run a multi-output view op: a tuple of ``n`` views whose node (if any) is a multi-output one, so
    that modifying an output in place raises torch's error even when ``n == 1``."""
    if n == 0:
        return ()
    key = (name, n)
    prim = _multi_prims.get(key)
    if prim is None:
        one = (lambda a, *args: fwd(a, *args)[0]) if n == 1 else fwd
        prim = _multi_prims[key] = Primitive(name, one, bwd, view=True, nout=n)
    if n > 1:
        return apply(prim, (input,), args)
    r = apply(prim, (input,), args)
    if r._grad_fn is not None:
        r._grad_fn._out_meta = ((r._data.shape, r._data.dtype),)
    return (r,)


def split(tensor, split_size_or_sections, dim=0):
    """torch's split: by a size (``SplitBackward0``) or a list of sizes (``SplitWithSizesBackward0``)."""
    if not isinstance(split_size_or_sections, int) and not (
            isinstance(split_size_or_sections, Tensor) and split_size_or_sections._data.ndim == 0):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    a = tensor._data
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, a.ndim)
    step = int(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    size = a.shape[d]
    if step == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    n = max(-(-size // step), 1) if step else 1
    bounds = tuple((i * step, min((i + 1) * step, size)) for i in range(n))
    return _multi_view("SplitBackward0", n, _split_fwd, _split_grad, tensor, (bounds, d))


def split_with_sizes(input, split_sizes, dim=0):
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, a.ndim)
    sizes = [int(s) for s in split_sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if sum(sizes) != a.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {a.shape[d]} (input tensor's size "
                           f"at dimension {d}), but got split_sizes={sizes}")
    bounds, lo = [], 0
    for s in sizes:
        bounds.append((lo, lo + s))
        lo += s
    return _multi_view("SplitWithSizesBackward0", len(sizes), _split_fwd, _split_grad, input, (tuple(bounds), d))


def chunk(input, chunks, dim=0):
    """torch's chunk: ``split`` by ``ceil(size / chunks)`` (``chunks`` empty pieces of an empty dim)."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    chunks = int(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, a.ndim)
    size = a.shape[d]
    step = -(-size // chunks)
    if step == 0 and size == 0:
        return split_with_sizes(input, [0] * chunks, d)
    return split(input, step, d)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """torch's tensor_split: ``sections`` near-equal pieces or pieces between ``indices``; each piece is
    its own ``narrow``-like view (``SliceBackward0``)."""
    arg = next((x for x in (indices_or_sections, sections, indices, tensor_indices_or_sections) if x is not None),
               None)
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if isinstance(arg, Tensor):
        if arg._data.dtype != np.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{arg.dtype}")
        if arg._data.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {arg._data.ndim} dims")
        arg = int(arg.item()) if arg._data.ndim == 0 else [int(i) for i in arg.tolist()]
    d = _wrap_dim(dim, a.ndim)
    size = a.shape[d]
    if isinstance(arg, int):
        if arg <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {arg}")
        q, r = divmod(size, arg)
        bounds, lo = [], 0
        for i in range(arg):
            hi = lo + q + (1 if i < r else 0)
            bounds.append((lo, hi))
            lo = hi
    else:
        points = [int(i) for i in arg]
        bounds = list(zip([0] + points, points + [size]))
    return tuple(_slice(input, d, *_slice_bounds(lo, hi, size)) for lo, hi in bounds)


def _split_along(name, input, arg, dim, min_dim):
    n = input._data.ndim
    if n < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor with "
                           f"{n} dimensions!")
    if isinstance(arg, int):
        size = input._data.shape[dim]
        if arg == 0 or size % arg:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {arg}!")
    return tensor_split(input, arg, dim)


def hsplit(input, indices_or_sections):
    return _split_along("hsplit", input, indices_or_sections, 0 if input._data.ndim == 1 else 1, 1)


def vsplit(input, indices_or_sections):
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


def _unbind_fwd(a, dim):
    lead = (slice(None),) * dim
    return tuple(_basic_view(a, lead + (i, Ellipsis)) for i in range(a.shape[dim]))


def _unbind_grad(ctx, *grads):
    from .joining import stack
    return (stack(grads, ctx.args[0]),)


def unbind(input, dim=0):
    a = input._data
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, a.ndim)
    return _multi_view("UnbindBackward0", a.shape[d], _unbind_fwd, _unbind_grad, input, (d,))


# ----------------------------------------------------------------------------------------------------
# complex and dtype views

def _scalar_name(npd):
    from .._dtype import _FROM_NP
    from .._errors import scalar_type_name
    return scalar_type_name(_FROM_NP[npd])


def _view_as_real_fwd(a):
    st = torch_strides(a)
    return _make(a, a.shape + (2,), tuple(2 * s for s in st) + (1,), 0, dtype=a.real.dtype)


def _view_as_complex_fwd(a):
    st = torch_strides(a)
    ctype = np.complex64 if a.dtype == np.float32 else np.complex128
    return _make(a, a.shape[:-1], tuple(s // 2 for s in st[:-1]), 0, dtype=np.dtype(ctype))


VIEW_AS_REAL = Primitive("ViewAsRealBackward0", _view_as_real_fwd, lambda c, g: (view_as_complex(g),), view=True)
VIEW_AS_COMPLEX = Primitive("ViewAsComplexBackward0", _view_as_complex_fwd, lambda c, g: (view_as_real(g),),
                            view=True)


def view_as_real(input):
    """A complex tensor's (real, imag) pairs as a trailing dim of size 2, with torch's doubled strides."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(VIEW_AS_REAL, (input,))


def view_as_complex(input):
    """A float tensor whose last dim holds (real, imag) pairs, as complex; torch's layout checks."""
    if _amp.active:
        return _amp.run("view_as_complex", view_as_complex, input)
    a = input._data
    if a.dtype == np.float16:
        raise NotImplementedError("ember: view_as_complex of float16 tensors (complex32) is not supported")
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {_scalar_name(a.dtype)}")
    if a.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    st = torch_strides(a)
    if st[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in st[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return apply(VIEW_AS_COMPLEX, (input,))


def _view_dtype(self, dt):
    """``Tensor.view(dtype)``: the same memory reinterpreted; the last dim scales with the element size.

    As torch, the result shares the version counter but is not an autograd view and carries no gradient."""
    from .. import _dtype as D
    if not isinstance(dt, D.dtype):
        raise TypeError(f"view(): argument 'dtype' must be torch.dtype, not {type(dt).__name__}")
    a = self._data
    old, new = a.itemsize, dt.itemsize
    if old == new:
        arr = a.view(dt.np) if a.size else _make(a, a.shape, torch_strides(a), 0, dtype=dt.np)
    else:
        names = f"{_scalar_name(a.dtype)} as {_scalar_name(dt.np)} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {names}")
        st = torch_strides(a)
        if st[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {names}, but got {st[-1]}")
        if old > new:
            ratio = old // new
            shape = a.shape[:-1] + (a.shape[-1] * ratio,)
            strides = tuple(s * ratio for s in st[:-1]) + (1,)
        else:
            ratio = new // old
            if a.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} to view {names}, but got "
                                   f"{a.shape[-1]}")
            off = self.storage_offset()
            if off % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} to view {names}, but got "
                                   f"{off}")
            for i, s in enumerate(st[:-1]):
                if s % ratio:
                    raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} to view {names}, but got {s}")
            shape = a.shape[:-1] + (a.shape[-1] // ratio,)
            strides = tuple(s // ratio for s in st[:-1]) + (1,)
        arr = _make(a, shape, strides, 0, dtype=dt.np)
    r = _wrap(arr)
    if self._version is None:
        self._version = [0]
    r._version = self._version
    return r


# ----------------------------------------------------------------------------------------------------
# copies and memory formats

def _copy_with_strides(a, strides):
    """A copy of ``a`` laid out with element ``strides`` (a dense permutation of its dims)."""
    r = a.copy(order="K")
    if torch_strides(r) == strides:
        return r
    buf = _xp(a).empty(_numel(a.shape), a.dtype)
    r = _make(buf, a.shape, strides, 0, writeable=True)
    r[...] = a
    return r


def _clone_preserve_fwd(a):
    st = torch_strides(a)
    return _copy_with_strides(a, st if _non_overlapping_and_dense(a.shape, st) else _dense_strides(a.shape, st))


CLONE = Primitive("CloneBackward0", _clone_preserve_fwd, lambda c, g: (g,))
CLONE_C = Primitive("CloneBackward0", lambda a: a.copy(order="C"), lambda c, g: (g,))
CLONE_CL = Primitive("CloneBackward0", lambda a: _copy_with_strides(a, _channels_last_strides(a.shape)),
                     lambda c, g: (g,))


def _channels_last_strides(shape):
    """torch's channels-last strides: C innermost, then W, H (and D), N outermost (sizes taken as they are)."""
    n = len(shape)
    st = [0] * n
    st[1] = 1
    acc = shape[1]
    for d in range(n - 1, 1, -1):
        st[d] = acc
        acc *= shape[d]
    st[0] = acc
    return tuple(st)


def _memory_format_rank(memory_format):
    """4 for channels_last, 5 for channels_last_3d, None for contiguous/preserve formats."""
    if memory_format is None or memory_format == "torch.contiguous_format" or memory_format == "torch.preserve_format":
        return None
    if memory_format == "torch.channels_last":
        return 4
    if memory_format == "torch.channels_last_3d":
        return 5
    raise TypeError(f"memory_format must be torch.memory_format, not {type(memory_format).__name__}")


def is_channels_last_contiguous(input, memory_format):
    """``is_contiguous(memory_format=channels_last[_3d])``: strides grow C, W, H, (D,) N over dims of size > 1."""
    rank = _memory_format_rank(memory_format)
    a = input._data
    if a.ndim != rank:
        return False
    st = torch_strides(a)
    expected = 1
    for d in (1,) + tuple(range(rank - 1, 1, -1)) + (0,):
        n = a.shape[d]
        if n != 1:
            if st[d] != expected:
                return False
            expected *= n
    return True


def _check_rank(input, rank):
    if input._data.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use channels_last{'_3d' if rank == 5 else ''} format")


def clone(input, *, memory_format=None):
    """A copy: preserve format (default) keeps a dense input's strides, else torch's dense stride order;
    ``contiguous_format`` / ``channels_last`` / ``channels_last_3d`` lay it out as asked."""
    if memory_format is None or memory_format == "torch.preserve_format":
        return apply(CLONE, (input,))
    rank = _memory_format_rank(memory_format)
    if rank is None:
        return apply(CLONE_C, (input,))
    _check_rank(input, rank)
    return apply(CLONE_CL, (input,))


def contiguous(input, memory_format=None):
    """``input`` itself when already contiguous in ``memory_format``, else a copy laid out that way."""
    if memory_format is None or memory_format == "torch.contiguous_format" or \
            memory_format == "torch.preserve_format":
        if input.is_contiguous():
            return input
        if memory_format is not None and memory_format == "torch.preserve_format":
            raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
        return apply(CLONE_C, (input,))
    if is_channels_last_contiguous(input, memory_format):
        return input
    return clone(input, memory_format=memory_format)


# ----------------------------------------------------------------------------------------------------
# in-place on views: CopySlices

def _copy_slices_grad(ctx, g):
    """torch's ``CopySlices``: the base's gradient is ``g`` with the view's region replaced by what the
    in-place op's derivative sends to its input (or zeroed, handing that region to the op's node)."""
    shape, strides, offset, base_shape, base_strides, fn = ctx.args
    from ..autograd import grad_mode
    if grad_mode.state.enabled:
        return _copy_slices_grad_graph(g, shape, strides, offset, base_shape, base_strides, fn)
    a = g._data
    item = a.itemsize
    span = _span(base_shape, base_strides)
    flat = _xp(a).empty(max(span, 1), a.dtype)
    gb = _as_strided(flat, base_shape, tuple(st * item for st in base_strides))
    gb[...] = a
    region = _as_strided(flat[offset:], shape, tuple(st * item for st in strides))
    gv = _wrap(region.copy())
    if fn is None:
        region[...] = 0
        return _wrap(gb), gv
    from ..autograd.engine import _validate
    res = _validate(fn, fn._engine_apply([gv]), fn._in_meta)
    region[...] = 0 if res[0] is None else res[0]._data
    return (_wrap(gb),) + tuple(res[1:])


def _copy_slices_grad_graph(g, shape, strides, offset, base_shape, base_strides, fn):
    """The same with differentiable ops, for create_graph (the base's layout must be dense)."""
    if _span(base_shape, base_strides) != int(np.prod(base_shape)):
        raise NotImplementedError("ember: double backward through an in-place op on a view of a tensor whose "
                                  "memory has gaps")
    n = len(base_shape)
    order = sorted(range(n), key=lambda d: -base_strides[d])
    inv = tuple(np.argsort(order).tolist())
    gl = permute(contiguous(permute(g, tuple(order))), inv)  # g laid out like the base
    mask = _xp(g._data).ones(max(_span(base_shape, base_strides), 1), g._data.dtype)
    item = mask.itemsize
    _as_strided(mask[offset:], shape, tuple(st * item for st in strides))[...] = 0
    mask = _wrap(_as_strided(mask, base_shape, tuple(st * item for st in base_strides)))
    region = _as_strided_view(gl, shape, strides, offset)
    if fn is None:
        return gl * mask, region
    from ..autograd.engine import _validate
    res = _validate(fn, fn._engine_apply([region]), fn._in_meta)
    gb = gl * mask
    if res[0] is not None:
        gb = gb + apply(_STRIDED_SCATTER, (res[0],), (base_shape, shape, strides, offset, base_strides))
    return (gb,) + tuple(res[1:])


def _span(shape, strides):
    if any(s == 0 for s in shape):
        return 0
    return 1 + sum((s - 1) * st for s, st in zip(shape, strides))


COPY_SLICES = Primitive("CopySlices", None, _copy_slices_grad)


def _copy_slices_release(node):
    fn = node.args[5]
    if fn is not None:
        fn._release()
    OpNode._release(node)


COPY_SLICES.node_cls._release = _copy_slices_release


def rebase_view_history(view_t, result):
    """After ``view_t`` was overwritten in place by ``result`` (which has a graph), give its base a
    ``CopySlices`` node and make the view an ``as_strided`` view of the new base, as torch does.

    When the result's node takes the view's old value as its first input (an in-place op, not a
    composite), CopySlices wraps that node, so ``next_functions`` read as torch's: the base's edge, then
    the op's other inputs.  Otherwise its edges are the base's and the result's.
    """
    from .._storage import array_ptr
    from ..autograd.graph import grad_accumulator
    base = view_t._base
    item = base._data.itemsize
    offset = (array_ptr(view_t._data) - array_ptr(base._data)) // item
    shape, strides = view_t._data.shape, view_t.stride()
    base_shape, base_strides = base._data.shape, base.stride()
    if base._grad_fn is not None:
        base_edge = (base._grad_fn, base._output_nr)
    elif base._requires_grad:
        base_edge = (grad_accumulator(base), 0)
    else:
        base_edge = (None, 0)
    fn = result._grad_fn
    old_view_edge = (view_t._grad_fn, view_t._output_nr) if view_t._grad_fn is not None else (None, 0)
    wrap = (fn._in_meta is not None and fn.next_functions and result._output_nr == 0 and fn._n_outputs() == 1
            and fn.next_functions[0] == old_view_edge)
    node = COPY_SLICES.node_cls()
    node._prim = COPY_SLICES
    node._saved = ()
    base_meta = (base_shape, base._data.dtype)
    if wrap:
        node.args = (shape, strides, offset, base_shape, base_strides, fn)
        node.next_functions = (base_edge,) + tuple(fn.next_functions[1:])
        node._in_meta = (base_meta,) + tuple(fn._in_meta[1:])
    else:
        node.args = (shape, strides, offset, base_shape, base_strides, None)
        node.next_functions = (base_edge, (fn, result._output_nr))
        node._in_meta = (base_meta, (shape, result._data.dtype))
    base._grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    _regenerate(view_t, base, shape, strides, offset)


def _regenerate(view_t, base, shape, strides, offset):
    from ..autograd import grad_mode
    state = grad_mode.state
    prev, state.enabled = state.enabled, True  # may run inside backward, where recording is off
    try:
        regen = _as_strided_view(base, shape, strides, offset)
    finally:
        state.enabled = prev
    view_t._grad_fn = regen._grad_fn
    view_t._output_nr = 0
    view_t._requires_grad = True
    view_t._view_ver = view_t._version[0]


def sync_view(t):
    """Bring a view's grad_fn up to date (``refresh_view``) if its base changed in place since it was set;
    a no-op for views whose validity version is not recorded."""
    ver = getattr(t, "_view_ver", None)
    if ver is not None and ver != t._version[0]:
        refresh_view(t)


def refresh_view(t):
    """torch's lazy view rebase: a view whose base (or a sibling view) was modified in place since its
    grad_fn was set gets, on its next use, a fresh ``AsStridedBackward0`` of the base's current history.

    ``t._view_ver`` is the version the view's grad_fn is valid at (set when the view is made); call when
    it differs from ``t._version[0]``.
    """
    base = t._base
    fn = t._grad_fn
    if fn is not None:
        from ..autograd.graph import _strip_backward
        where = (f"Output {t._output_nr} of {_strip_backward(fn.name())} is a view and its base or another view of "
                 f"its base has been modified inplace.")
        if getattr(fn, "_custom_function", False):
            raise RuntimeError(f"{where} This view was created inside a custom Function (or because an input was "
                               f"returned as-is) and the autograd logic to handle view+inplace would override the "
                               f"custom backward associated with the custom Function, leading to incorrect "
                               f"gradients. This behavior is forbidden. You can fix this by cloning the output of "
                               f"the custom Function.")
        prim = getattr(fn, "_prim", None)
        if prim is not None and prim.view and fn._out_meta is not None:
            raise RuntimeError(f"{where} This view is the output of a function that returns multiple views. Such "
                               f"functions do not allow the output views to be modified inplace. You should replace "
                               f"the inplace operation by an out-of-place one.")
    t._view_ver = t._version[0]
    if base._requires_grad:
        from .._storage import array_ptr
        offset = (array_ptr(t._data) - array_ptr(base._data)) // base._data.itemsize
        _regenerate(t, base, t._data.shape, t.stride(), offset)


# ----------------------------------------------------------------------------------------------------
# in-place shape ops: the tensor takes the view's geometry (same storage), its version is bumped and,
# with a graph, it gets the op's ``...Backward1`` node, as torch's ``t_``/``squeeze_``/...

T1 = Primitive("TBackward1", _t_fwd, T_PRIM.bwd)
TRANSPOSE1 = Primitive("TransposeBackward1", _transpose_fwd, _transpose_grad)
UNSQUEEZE1 = Primitive("UnsqueezeBackward1", _unsqueeze_fwd, _unsqueeze_grad)
SQUEEZE3 = Primitive("SqueezeBackward3", _squeeze_fwd, _reshape_back)
SQUEEZE4 = Primitive("SqueezeBackward4", _squeeze_fwd, _reshape_back)
SQUEEZE5 = Primitive("SqueezeBackward5", _squeeze_fwd, _reshape_back)
AS_STRIDED1 = Primitive("AsStridedBackward1", _strided_fwd, _strided_grad)
_INPLACE_SQUEEZE = {SQUEEZE: SQUEEZE3, SQUEEZE_DIM: SQUEEZE4, SQUEEZE_DIMS: SQUEEZE5}


def _restride_(self, prim, args):
    from ._helpers import check_inplace
    if self._base is not None:
        sync_view(self)
    check_inplace(self, self._requires_grad or (self._base is not None and self._base._requires_grad))
    r = apply(prim, (self,), args)
    if r._grad_fn is not None and prim is AS_STRIDED1:
        r._grad_fn._in_strides = self.stride()
    self._data = r._data
    self._bump()
    if r._grad_fn is not None:
        self._grad_fn = r._grad_fn
        self._output_nr = 0
        self._requires_grad = True
    if self._base is not None:
        self._view_ver = self._version[0]
    return self


def squeeze_(self, dim=None):
    prim, dims = _squeeze_args(self, dim)
    return _restride_(self, _INPLACE_SQUEEZE[prim], (dims,))


def unsqueeze_(self, dim):
    return _restride_(self, UNSQUEEZE1, (_wrap_dim(dim, self._data.ndim + 1),))


def t_(self):
    n = self._data.ndim
    if n > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {n}D")
    return _restride_(self, T1, ())


def transpose_(self, dim0, dim1):
    n = self._data.ndim
    return _restride_(self, TRANSPOSE1, (_wrap_dim(dim0, n), _wrap_dim(dim1, n)))


def as_strided_(self, size, stride, storage_offset=None):
    return _restride_(self, AS_STRIDED1, _as_strided_args(self, size, stride, storage_offset))


# ----------------------------------------------------------------------------------------------------

_METHODS = ["view_as", "reshape", "reshape_as", "squeeze", "unsqueeze", "flatten", "unflatten", "ravel",
            "transpose", "swapaxes", "swapdims", "permute", "t", "adjoint", "movedim", "moveaxis", "expand",
            "expand_as", "broadcast_to", "narrow", "select", "as_strided", "unfold", "diagonal", "split",
            "split_with_sizes", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind", "clone",
            "contiguous", "squeeze_", "unsqueeze_", "t_", "transpose_", "as_strided_"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    Tensor.view = view
    Tensor.sum_to_size = _sum_to_size
    Tensor.swapaxes_ = transpose_
    Tensor.swapdims_ = transpose_
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.H = property(_H)
    Tensor.mH = property(_mH)
    Tensor.real = property(lambda self: _real(self), _set_real)
    Tensor.imag = property(lambda self: _imag(self), _set_imag)


def _real(self):
    from .elementwise import real
    return real(self)


def _imag(self):
    from .elementwise import imag
    return imag(self)


def _set_real(self, value):
    _real(self).copy_(value)


def _set_imag(self, value):
    _imag(self).copy_(value)


_bind()
