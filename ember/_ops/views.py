"""Views and shape ops: each output shares its input's storage and version counter, as in torch.

view/reshape/transpose/permute/squeeze/unsqueeze/expand/narrow/select/unfold/as_strided/flatten/
unflatten/movedim/diagonal/split/chunk/unbind/view_as_real/view_as_complex, plus ``contiguous`` and
``clone``.  In-place ops on a view rewrite the base's history with a ``CopySlices`` node
(``rebase_view_history``), so gradients flow to the base as torch's do.
"""
import numpy as np

from .._prim import Primitive, apply
from ..autograd.graph import OpNode
from .._tensor import Size, Tensor, _wrap, _wrap_dim
from ._helpers import dims_arg, shape_arg

_as_strided = np.lib.stride_tricks.as_strided


# ----------------------------------------------------------------------------------------------------
# reshaping views

def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    if neg:
        rest = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                rest *= s
        if rest == 0 or numel % rest != 0:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // rest
    else:
        n = 1
        for s in shape:
            n *= s
        if n != numel:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_fwd(a, shape):
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return v


def _reshape_back(ctx, g):
    return (g.reshape(ctx.next_functions and ctx._in_meta[0][0]),)


VIEW = Primitive("ViewBackward0", _view_fwd, _reshape_back, view=True)
UNSAFE_VIEW = Primitive("UnsafeViewBackward0", lambda a, shape: a.reshape(shape), _reshape_back)
SQUEEZE = Primitive("SqueezeBackward0", lambda a, shape: a.reshape(shape), _reshape_back, view=True)
SQUEEZE_DIM = Primitive("SqueezeBackward1", lambda a, shape: a.reshape(shape), _reshape_back, view=True)
SQUEEZE_DIMS = Primitive("SqueezeBackward2", lambda a, shape: a.reshape(shape), _reshape_back, view=True)
UNSQUEEZE = Primitive("UnsqueezeBackward0", lambda a, shape: a.reshape(shape), _reshape_back, view=True)


def view(self, *shape):
    """``Tensor.view(*shape)`` or ``view(dtype)``: a view with a new shape (or a reinterpreting dtype)."""
    from .. import _dtype as D
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    shape = _infer_shape(shape_arg(shape), self._data.size)
    return apply(VIEW, (self,), (shape,))


def _view_dtype(self, dt):
    a = self._data
    if dt.itemsize != a.itemsize and a.ndim and a.strides[-1] != a.itemsize:
        raise RuntimeError("self.stride(-1) must be 1 to view Byte as Float (different element sizes), but got "
                           f"{a.strides[-1] // a.itemsize}")
    r = _wrap(a.view(dt.np))
    from .._prim import _link_view
    _link_view(r, self)
    return r


def view_as(self, other):
    return view(self, other._data.shape)


def reshape(input, *shape):
    """A view when the strides allow it, otherwise a copy (``UnsafeViewBackward0``), as torch."""
    shape = _infer_shape(shape_arg(shape), input._data.size)
    if shape == input._data.shape:
        return apply(VIEW, (input,), (shape,))
    v = input._data.view()
    try:
        v.shape = shape
    except AttributeError:
        return apply(UNSAFE_VIEW, (input,), (shape,))
    return apply(VIEW, (input,), (shape,))


def reshape_as(self, other):
    return reshape(self, other._data.shape)


def squeeze(input, dim=None):
    a = input._data
    if dim is None:
        shape = tuple(s for s in a.shape if s != 1)
        return apply(SQUEEZE, (input,), (shape,))
    dims = dims_arg(dim, a.ndim) if a.ndim else ()
    shape = tuple(s for i, s in enumerate(a.shape) if not (i in dims and s == 1))
    return apply(SQUEEZE_DIMS if isinstance(dim, (tuple, list)) else SQUEEZE_DIM, (input,), (shape,))


def unsqueeze(input, dim):
    a = input._data
    d = _wrap_dim(dim, a.ndim + 1)
    shape = a.shape[:d] + (1,) + a.shape[d:]
    return apply(UNSQUEEZE, (input,), (shape,))


def flatten(input, start_dim=0, end_dim=-1):
    a = input._data
    if a.ndim == 0:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, a.ndim)
    e = _wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for x in a.shape[s:e + 1]:
        n *= x
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1:])


def unflatten(input, dim, sizes):
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    sizes = tuple(sizes)
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    if -1 in sizes:
        sizes = tuple(a.shape[d] // known if s == -1 else s for s in sizes)
    elif known != a.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({a.shape[d]}) in the input tensor")
    return view(input, a.shape[:d] + sizes + a.shape[d + 1:])


def ravel(input):
    return reshape(input, (-1,))


# ----------------------------------------------------------------------------------------------------
# axis permutations

def _transpose_grad(ctx, g):
    d0, d1 = ctx.args
    return (g.transpose(d0, d1),)


TRANSPOSE = Primitive("TransposeBackward0", lambda a, d0, d1: a.swapaxes(d0, d1), _transpose_grad, view=True)


def _permute_grad(ctx, g):
    dims = ctx.args[0]
    return (g.permute(tuple(np.argsort(dims).tolist())),)


PERMUTE = Primitive("PermuteBackward0", lambda a, dims: a.transpose(dims), _permute_grad, view=True)


def transpose(input, dim0, dim1):
    n = input._data.ndim
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    if n == 0:
        return _alias(input)
    return apply(TRANSPOSE, (input,), (d0, d1))


swapaxes = swapdims = transpose


def _alias(input):
    return apply(ALIAS, (input,))


ALIAS = Primitive("AliasBackward0", lambda a: a.view(), lambda c, g: (g,), view=True)


def permute(input, *dims):
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


def t(input):
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return _alias(input)
    return apply(T_PRIM, (input,), (0, 1))


T_PRIM = Primitive("TBackward0", lambda a, d0, d1: a.swapaxes(d0, d1), lambda c, g: (g.t(),), view=True)


def adjoint(input):
    return transpose(input, -2, -1).conj()


def movedim(input, source, destination):
    n = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    src = [_wrap_dim(s, n) for s in src]
    dst = [_wrap_dim(d, n) for d in dst]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, tuple(order))


moveaxis = movedim


# ----------------------------------------------------------------------------------------------------
# expand / broadcast

def _expand_grad(ctx, g):
    return (g.sum_to_size(ctx._in_meta[0][0]),)


EXPAND = Primitive("ExpandBackward0", lambda a, shape: np.broadcast_to(a, shape), _expand_grad, view=True)


def expand(input, *sizes):
    sizes = shape_arg(sizes)
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(f"expand(torch.{_tname(input)}{{{list(a.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    shape = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            shape.append(s)
        else:
            cur = a.shape[i - lead]
            if s == -1:
                s = cur
            elif cur != 1 and s != cur:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(a.shape)}")
            shape.append(s)
    return apply(EXPAND, (input,), (tuple(shape),))


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
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape.") from None


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    try:
        shape = np.broadcast_shapes(*[t._data.shape for t in tensors])
    except ValueError:
        shapes = [list(t._data.shape) for t in tensors]
        raise RuntimeError(f"shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                           f"between arg 0 with shape {shapes[0]} and arg 1 with shape {shapes[-1]}.") from None
    return tuple(expand(t, shape) for t in tensors)


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
# slicing views: basic indexing, narrow, select, unfold, diagonal, as_strided

def _index_view_grad(ctx, g):
    idx = ctx.args[0]
    shape, dt = ctx._in_meta[0]
    return (apply(_INDEX_SCATTER, (g,), (idx, shape)),)


def _index_scatter_fwd(g, idx, shape):
    z = np.zeros(shape, g.dtype) if type(g) is np.ndarray else _xp(g).zeros(shape, g.dtype)
    z[idx] = g
    return z


def _xp(a):
    from .._device import array_module, device_of_array
    return array_module(device_of_array(a))


INDEX_VIEW = Primitive("SliceBackward0", lambda a, idx: a[idx], _index_view_grad, view=True)
SELECT = Primitive("SelectBackward0", lambda a, idx: a[idx], _index_view_grad, view=True)
_INDEX_SCATTER = Primitive("IndexBackwardBackward0", _index_scatter_fwd,
                           lambda c, g: (g[c.args[0]],))


def narrow(input, dim, start, length):
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
    idx = (slice(None),) * d + (slice(start, start + length),)
    return apply(INDEX_VIEW, (input,), (idx,))


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
    idx = (slice(None),) * d + (index, Ellipsis)  # Ellipsis: a 0-d result is still a view
    return apply(SELECT, (input,), (idx,))


def _strided_fwd(a, shape, strides, offset):
    """A view of ``a``'s storage: ``offset`` elements past ``a``'s first element, element ``strides``."""
    from .._storage import root_and_offset
    item = a.itemsize
    root, byte_off = root_and_offset(a)
    start = byte_off // item + offset
    if start < 0:
        raise RuntimeError("ember: as_strided view starts before the storage")
    flat = _as_strided(root, shape=(start + 1,), strides=(item,), writeable=a.flags.writeable)
    return _as_strided(flat[start:], shape=shape, strides=tuple(s * item for s in strides),
                       writeable=a.flags.writeable)


def _strided_grad(ctx, g):
    shape, strides, offset = ctx.args
    in_shape, dt = ctx._in_meta[0]
    return (apply(_STRIDED_SCATTER, (g,), (in_shape, shape, strides, offset, ctx._in_strides)),)


def _strided_scatter_fwd(g, in_shape, shape, strides, offset, in_strides):
    """Sum ``g`` into a zero tensor laid out like the input: the adjoint of a strided view."""
    n = 1
    for s in in_shape:
        n *= s
    span = max([offset + 1] + [offset + sum((sz - 1) * st for sz, st in zip(shape, strides)) + 1
                               if all(sz > 0 for sz in shape) else 0])
    span = max(span, sum((sz - 1) * st for sz, st in zip(in_shape, in_strides)) + 1 if n else 0)
    flat = np.zeros(span, g.dtype)
    pos = offset + sum(np.arange(sz).reshape((-1,) + (1,) * (len(shape) - i - 1)) * st
                       for i, (sz, st) in enumerate(zip(shape, strides))) if shape else np.asarray(offset)
    np.add.at(flat, np.broadcast_to(pos, shape).reshape(-1), g.reshape(-1))
    in_pos = sum(np.arange(sz).reshape((-1,) + (1,) * (len(in_shape) - i - 1)) * st
                 for i, (sz, st) in enumerate(zip(in_shape, in_strides))) if in_shape else np.asarray(0)
    return flat[np.broadcast_to(in_pos, in_shape)]


def _strided_scatter_grad(ctx, g):
    return (_regather(g, *ctx.args),)


def _regather(g, in_shape, shape, strides, offset, in_strides):
    span_in = sum((sz - 1) * st for sz, st in zip(in_shape, in_strides)) + 1
    flat = _wrap(np.zeros(max(span_in, 1), g._data.dtype))
    idx = sum(np.arange(sz).reshape((-1,) + (1,) * (len(in_shape) - i - 1)) * st
              for i, (sz, st) in enumerate(zip(in_shape, in_strides))) if in_shape else np.asarray(0)
    from .indexing import index_put
    flat = index_put(flat, (_wrap(np.broadcast_to(idx, in_shape).reshape(-1)),), g.reshape(-1), True)
    pos = offset + sum(np.arange(sz).reshape((-1,) + (1,) * (len(shape) - i - 1)) * st
                       for i, (sz, st) in enumerate(zip(shape, strides))) if shape else np.asarray(offset)
    return flat[_wrap(np.broadcast_to(pos, shape).copy())]


AS_STRIDED = Primitive("AsStridedBackward0", _strided_fwd, _strided_grad, view=True)
_STRIDED_SCATTER = Primitive("AsStridedScatterBackward0", _strided_scatter_fwd, _strided_scatter_grad)


def _as_strided_view(input, shape, strides, offset):
    """Strided view relative to ``input``'s first element (offset in elements)."""
    r = apply(AS_STRIDED, (input,), (tuple(shape), tuple(strides), offset))
    if r._grad_fn is not None:
        r._grad_fn._in_strides = input.stride()
    return r


def as_strided(input, size, stride, storage_offset=None):
    """``torch.as_strided``: a view of the storage with the given geometry (offset relative to storage)."""
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    cur = input.storage_offset()
    off = cur if storage_offset is None else storage_offset
    from .._storage import root_and_offset
    root, byte_off = root_and_offset(input._data)
    need = off + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(s > 0 for s in size) else 0
    nbytes = root.nbytes if root.flags.c_contiguous else root.size * root.itemsize
    if need * input._data.itemsize > nbytes:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, and "
                           f"itemsize {input._data.itemsize} requiring a storage size of "
                           f"{need * input._data.itemsize} are out of bounds for storage of size {nbytes}")
    return _as_strided_view(input, size, stride, off - cur)


def unfold(input, dimension, size, step):
    a = input._data
    d = _wrap_dim(dimension, max(a.ndim, 1))
    length = a.shape[d] if a.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    st = input.stride()
    n = (length - size) // step + 1
    shape = a.shape[:d] + (n,) + a.shape[d + 1:] + (size,)
    strides = st[:d] + (st[d] * step,) + st[d + 1:] + (st[d] if a.ndim else 1,)
    if a.ndim == 0:
        shape, strides = (size,), (1,)
    return _as_strided_view(input, shape, strides, 0)


def diagonal(input, offset=0, dim1=0, dim2=1):
    a = input._data
    n = a.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    st = input.stride()
    if offset >= 0:
        length = max(min(a.shape[d1], a.shape[d2] - offset), 0)
        start = offset * st[d2] if length else 0
    else:
        length = max(min(a.shape[d1] + offset, a.shape[d2]), 0)
        start = -offset * st[d1] if length else 0
    keep = [i for i in range(n) if i not in (d1, d2)]
    shape = tuple(a.shape[i] for i in keep) + (length,)
    strides = tuple(st[i] for i in keep) + (st[d1] + st[d2],)
    return _as_strided_view(input, shape, strides, start)


# ----------------------------------------------------------------------------------------------------
# multi-output views

def _split_grad(ctx, *grads):
    from .joining import cat
    return (cat(grads, ctx.args[1]),)


def _split_fwd(a, bounds, dim):
    idx = [slice(None)] * a.ndim
    out = []
    for lo, hi in bounds:
        idx[dim] = slice(lo, hi)
        out.append(a[tuple(idx)])
    return tuple(out)


def _split_prim(name, n):
    return Primitive(name, _split_fwd, _split_grad, view=True, nout=n)


_split_prims = {}


def _split_by_bounds(input, bounds, dim, name):
    key = (name, len(bounds))
    prim = _split_prims.get(key)
    if prim is None:
        prim = _split_prims[key] = _split_prim(name, len(bounds))
    return apply(prim, (input,), (tuple(bounds), dim))


def split(tensor, split_size_or_sections, dim=0):
    a = tensor._data
    d = _wrap_dim(dim, a.ndim)
    size = a.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and not (step == 0 and size == 0):
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        bounds = [(i, min(i + step, size)) for i in range(0, size, step)] if step else [(0, 0)]
        if not bounds:
            bounds = [(0, 0)]
        return _split_by_bounds(tensor, bounds, d, "SplitBackward0")
    sections = list(split_size_or_sections)
    if sum(sections) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sections}")
    bounds, lo = [], 0
    for s in sections:
        bounds.append((lo, lo + s))
        lo += s
    return _split_by_bounds(tensor, bounds, d, "SplitWithSizesBackward0")


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    size = a.shape[d]
    step = -(-size // chunks) if size else 0
    if step == 0:
        return split(input, [0] * chunks if size == 0 else [size], d) if size == 0 else split(input, size, d)
    return split(input, step, d)


def tensor_split(input, indices_or_sections, dim=0):
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    size = a.shape[d]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
    else:
        idx = [int(i) for i in indices_or_sections]
        points = [0] + [min(max(i, 0), size) for i in idx] + [size]
        sizes = [max(points[i + 1] - points[i], 0) for i in range(len(points) - 1)]
    return split(input, sizes, d)


def _unbind_grad(ctx, *grads):
    from .joining import stack
    return (stack(grads, ctx.args[0]),)


_unbind_prims = {}


def unbind(input, dim=0):
    a = input._data
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, a.ndim)
    n = a.shape[d]
    prim = _unbind_prims.get(n)
    if prim is None:
        prim = _unbind_prims[n] = Primitive(
            "UnbindBackward0",
            lambda arr, dim: tuple(arr[(slice(None),) * dim + (i,)] for i in range(arr.shape[dim])),
            _unbind_grad, view=True, nout=n)
    return apply(prim, (input,), (d,))


# ----------------------------------------------------------------------------------------------------
# complex views

def _view_as_real_fwd(a):
    if a.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return a[..., None].view(a.real.dtype)


def _view_as_complex_fwd(a):
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {_scalar_name(a)}")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    ctype = np.complex64 if a.dtype == np.float32 else np.complex128
    if a.size == 0:
        return np.empty(a.shape[:-1], ctype)
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    return a.view(ctype)[..., 0]


def _scalar_name(a):
    from .._dtype import from_numpy_dtype
    from .._errors import scalar_type_name
    return scalar_type_name(from_numpy_dtype(a.dtype))


VIEW_AS_REAL = Primitive("ViewAsRealBackward0", _view_as_real_fwd, lambda c, g: (view_as_complex(g),), view=True)
VIEW_AS_COMPLEX = Primitive("ViewAsComplexBackward0", _view_as_complex_fwd, lambda c, g: (view_as_real(g),),
                            view=True)


def view_as_real(input):
    return apply(VIEW_AS_REAL, (input,))


def view_as_complex(input):
    return apply(VIEW_AS_COMPLEX, (input,))


# ----------------------------------------------------------------------------------------------------
# copies

CLONE = Primitive("CloneBackward0", lambda a: a.copy(order="K"), lambda c, g: (g,))


def clone(input, *, memory_format=None):
    if memory_format is not None and str(memory_format) == "torch.contiguous_format":
        return apply(CLONE_C, (input,))
    return apply(CLONE, (input,))


CLONE_C = Primitive("CloneBackward0", lambda a: np.ascontiguousarray(a) if type(a) is np.ndarray else a.copy(),
                    lambda c, g: (g,))


def contiguous(input, memory_format=None):
    if memory_format is not None and str(memory_format) == "torch.channels_last":
        from .shape import to_channels_last
        return to_channels_last(input)
    if input.is_contiguous():
        return input
    return apply(CLONE_C, (input,))


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
    mask = np.ones(max(_span(base_shape, base_strides), 1), g._data.dtype)
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
    node._out = None
    node._out_ver = None
    node._freed = False
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

_METHODS = ["view_as", "reshape", "reshape_as", "squeeze", "unsqueeze", "flatten", "unflatten", "ravel",
            "transpose", "swapaxes", "swapdims", "permute", "t", "adjoint", "movedim", "moveaxis", "expand",
            "expand_as", "broadcast_to", "narrow", "select", "as_strided", "unfold", "diagonal", "split", "chunk",
            "tensor_split", "unbind", "clone", "contiguous"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    Tensor.view = view
    Tensor.sum_to_size = _sum_to_size
    Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))))
    Tensor.mT = property(lambda self: transpose(self, -2, -1) if self._data.ndim >= 2 else _raise_mT(self))
    Tensor.H = property(lambda self: adjoint(self) if self._data.ndim == 2 else t(self).conj())
    Tensor.mH = property(lambda self: adjoint(self))
    Tensor.real = property(lambda self: _real(self), _set_real)
    Tensor.imag = property(lambda self: _imag(self), _set_imag)

    def squeeze_(self, dim=None):
        self._data = squeeze(self, dim)._data
        self._bump()
        return self

    def unsqueeze_(self, dim):
        self._data = unsqueeze(self, dim)._data
        self._bump()
        return self

    def t_(self):
        self._data = t(self)._data
        self._bump()
        return self

    def transpose_(self, d0, d1):
        self._data = transpose(self, d0, d1)._data
        self._bump()
        return self

    def as_strided_(self, size, stride, storage_offset=None):
        self._data = as_strided(self, size, stride, storage_offset)._data
        self._bump()
        return self

    Tensor.squeeze_ = squeeze_
    Tensor.unsqueeze_ = unsqueeze_
    Tensor.t_ = t_
    Tensor.transpose_ = transpose_
    Tensor.swapaxes_ = transpose_
    Tensor.swapdims_ = transpose_
    Tensor.as_strided_ = as_strided_


def _raise_mT(self):
    raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")


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
