"""Indexing: ``Tensor.__getitem__``/``__setitem__`` and the gather/scatter/index_*/masked_*/take/put family.

Matches torch 2.x.  An index is walked item by item as torch walks it: ints, slices (positive steps only),
None, Ellipsis and 0-d integer tensors make a view (sharing storage and version counter, with torch's
strides, named ``SelectBackward0``/``SliceBackward0``/``UnsqueezeBackward0``/``AliasBackward0`` after the
last view op).  Integer/bool tensors, lists and Python bools are then applied to that view as one
advanced index (a copy, ``IndexBackward0``), placed by NumPy's rule — which is torch's rule once the ints
have been applied as selects, so ``x[0, :, [0, 1]]`` has shape (3, 2) as in torch.  ``__setitem__`` is
``copy_``/``fill_`` into the view, or ``index_put_`` for advanced indices; autograd goes through
``commit_inplace`` (``CopySlices`` on a view's base).  Errors use torch's exception types and wording.
"""
import collections.abc
import math
import operator
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._storage import torch_strides
from .._tensor import Tensor, _wrap, _wrap_dim
from . import views as _views
from ._helpers import _state, check_inplace, commit_inplace, inplace, write_out
from .._device import xp_of as _xp
from .._storage import writeable

__all__ = ["index_select", "masked_select", "masked_fill", "masked_scatter", "gather", "scatter", "scatter_add",
           "scatter_reduce", "index_add", "index_copy", "index_fill", "index_put", "index_put_", "index_reduce",
           "take", "take_along_dim", "put", "nonzero", "argwhere"]

_FULL = slice(None)
_INDEX_KINDS = (np.dtype(np.int64), np.dtype(np.int32))


# ----------------------------------------------------------------------------------------------------
# small array helpers (NumPy or CuPy, chosen by the array)



_DEVICE_AT = frozenset(("add", "subtract", "maximum", "minimum"))


def _at(ufunc, z, idx, v):
    """Unbuffered ``ufunc.at``: repeated indices all contribute (``add``, ``multiply``, ``maximum``...).
    CuPy implements ``ufunc.at`` for add, subtract, maximum and minimum only."""
    if type(z) is not np.ndarray and ufunc not in _DEVICE_AT:
        raise NotImplementedError(f"ember: scatter with a '{ufunc}' reduction is not implemented for CUDA tensors "
                                  f"(CuPy has no {ufunc}.at)")
    getattr(_xp(z), ufunc).at(z, idx, v)


def _same_device(input, d):
    """``d`` (an index or mask array argument), after torch's check that it lives on ``input``'s device."""
    if type(d) is not type(input._data):
        from .._device import device_of_array
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{device_of_array(d)} and {input.device}!")
    return d


def _tname(npd):
    return scalar_type_name(D._FROM_NP[np.dtype(npd)])


def _zeros_like_t(t):
    return _wrap(_xp(t._data).zeros(t._data.shape, t._data.dtype))


def _check_bounds(idx, size, exc, message, allow_negative):
    """Raise ``exc(message.format(i))`` for the first index ``i`` outside the dimension."""
    if idx.size == 0:
        return
    lo = -size if allow_negative else 0
    if int(idx.min()) >= lo and int(idx.max()) < size:
        return
    bad = idx[(idx < lo) | (idx >= size)]
    raise exc(message.format(int(bad.reshape(-1)[0])))


def _wrap_negative(idx, size):
    return idx + size * (idx < 0) if idx.size and int(idx.min()) < 0 else idx


# scalars written into a tensor: torch's checked conversion (an overflowing value is an error)
_CTYPES = {"bool": "bool", "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t",
           "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
           "float64": "double", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_MASK_CTYPES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
                "int64": "long", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
                "float64": "double", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _scalar_for(npd, value):
    """``value`` (a Python/NumPy number) converted for a tensor of NumPy dtype ``npd``, as torch converts."""
    if isinstance(value, np.generic):
        value = value.item()
    npd = np.dtype(npd)
    kind = npd.kind
    name = D._FROM_NP[npd].name

    def overflow():
        return RuntimeError(f"value cannot be converted to type {_CTYPES[name]} without overflow")

    if isinstance(value, complex) and kind != "c":
        if value.imag != 0:
            raise overflow()
        value = value.real
    if kind in "iu":
        if isinstance(value, float):
            if not math.isfinite(value):
                raise overflow()
            value = int(value)
        value = int(value)
        info = np.iinfo(npd)
        if value > info.max or (kind == "i" and value < info.min) or (kind == "u" and -value > info.max):
            raise overflow()
        return value % (info.max + 1) if kind == "u" else value
    if kind == "f" and npd.itemsize >= 4 and isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and abs(value) > float(np.finfo(npd).max):
            raise overflow()
    return value


def _is_number(v):
    return isinstance(v, (int, float, complex, np.number, np.bool_))


# ----------------------------------------------------------------------------------------------------
# reading an index the way torch does

def _is_seq(x):
    return isinstance(x, (list, tuple, range, np.ndarray)) or (
        isinstance(x, collections.abc.Sequence) and not isinstance(x, (str, bytes)))


def _index_tuple(index):
    """The index as a tuple; a short non-tuple sequence holding sequences, slices, tensors, None or Ellipsis is
    read as a tuple, with torch's deprecation warning."""
    if type(index) is tuple:
        return index
    if isinstance(index, Tensor) or not _is_seq(index) or (isinstance(index, np.ndarray) and index.ndim == 0):
        return (index,)
    if len(index) < 32:
        for it in index:
            if isinstance(it, (Tensor, slice)) or it is None or it is Ellipsis or _is_seq(it):
                warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
                              "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
                              "will be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
                              "in an error or a different result", UserWarning, stacklevel=3)
                return tuple(index)
    return (index,)


def _index_array(d):
    """An index tensor's array: bool (a mask), int64 or int32; uint8 masks are deprecated; others refused."""
    dt = d.dtype
    if dt == np.bool_ or dt in _INDEX_KINDS:
        return d
    if dt == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      UserWarning, stacklevel=4)
        return d.astype(np.bool_)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _sequence_array(seq):
    """A list used as an index becomes a bool tensor (all bools) or else an int64 one (torch's rule)."""
    if isinstance(seq, np.ndarray):
        arr = seq
    else:
        flat = list(_walk_seq(seq))
        if any(isinstance(x, Tensor) for x in flat):
            from .creation import tensor
            arr = tensor(seq)._host()
        else:
            bad = next((x for x in flat if not _is_number(x)), None)
            if bad is not None:
                raise TypeError(f"new(): invalid data type '{type(bad).__name__}'")
            try:
                arr = np.asarray(seq)
            except ValueError:
                raise ValueError("expected sequence of equal length lists") from None
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype.kind not in "iufb":
        raise TypeError(f"new(): invalid data type '{arr.dtype.name}'")
    return arr.astype(np.int64)


def _walk_seq(seq):
    stack = [seq]
    while stack:
        s = stack.pop()
        if isinstance(s, (list, tuple)):
            stack.extend(s)
        else:
            yield s


_INT, _SLICE, _NONE, _ELL, _BOOL, _ADV = range(6)


def _classify(it):
    """(kind, payload) of one index item."""
    t = type(it)
    if t is np.ndarray and it.ndim == 0:
        it = it[()]
        t = type(it)
    if t is int:
        return _INT, it
    if t is slice:
        return _SLICE, it
    if it is None:
        return _NONE, None
    if it is Ellipsis:
        return _ELL, None
    if t is bool or t is np.bool_:
        return _BOOL, bool(it)
    if isinstance(it, Tensor):
        d = it._data
        if d.ndim == 0:
            k = d.dtype
            if k == np.bool_ or k == np.uint8:
                return _BOOL, bool(d)
            if k.kind in "iu":
                return _INT, int(d)
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return _ADV, _index_array(d)
    if isinstance(it, (np.integer, int)):
        return _INT, operator.index(it)
    if isinstance(it, str):
        raise TypeError("new(): invalid data type 'str'")
    if _is_seq(it):
        return _ADV, _sequence_array(it)
    if hasattr(it, "__index__") and not isinstance(it, (float, np.floating)):
        return _INT, operator.index(it)
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(it).__name__})")


def _slice_bounds(s, size):
    if s.step is not None:
        step = operator.index(s.step)
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")
    start, stop, step = s.indices(size)
    n = max(0, (stop - start + step - 1) // step)
    return start, stop, step, n


def _zero_dim_error():
    return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ "
                      "to convert a 0-dim tensor to a number")


def _zero_dim_slice_error():
    return IndexError("slice() cannot be applied to a 0-dim tensor.")


def _strided_view(a, idx, shape, strides, offset):
    """``a[idx]`` with torch's geometry (element strides/offset relative to ``a``), in ``a``'s storage.

    NumPy gives unsqueezed dims stride 0 and empty slices offset 0; torch keeps both meaningful."""
    return _views._make(a, shape, strides, offset)


def _basic_fwd(a, idx, geom):
    return a[idx] if geom is None else _strided_view(a, idx, *geom)


_SELECT = Primitive("SelectBackward0", _basic_fwd, _views._index_view_grad, view=True)
_SLICE_VIEW = Primitive("SliceBackward0", _basic_fwd, _views._index_view_grad, view=True)
_UNSQUEEZE = Primitive("UnsqueezeBackward0", _basic_fwd, _views._index_view_grad, view=True)
_VIEW_PRIMS = {_INT: _SELECT, _SLICE: _SLICE_VIEW, _NONE: _UNSQUEEZE}


def _walk(t, items, keep_full=False):
    """Apply the basic part of an index as torch does (one view), collecting the advanced part.

    Returns (view or None when no view op applies, [(view dim, index array), ...]).  ``keep_full``: a lone
    slice is applied even when it spans the whole dimension (torch's single-slice path).
    """
    a = t._data
    ndim = a.ndim
    kinds = [_classify(it) for it in items]
    spec = 0
    for k, v in kinds:
        if k is _INT or k is _SLICE:
            spec += 1
        elif k is _ADV:
            spec += v.ndim if v.dtype == np.bool_ else 1
    if spec > ndim:
        first = next(k for k, v in kinds if k is _INT or k is _SLICE or k is _ADV)
        if ndim == 0 and first is not _ADV:
            raise _zero_dim_error() if first is _INT else _zero_dim_slice_error()
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    vs = list(a.shape)
    vt = list(torch_strides(a))  # a fresh empty array's NumPy strides are zeros, torch's contiguous
    np_idx = []
    adv = []
    dim = 0
    off = 0
    last = None
    restride = not a.size
    for pos, (k, v) in enumerate(kinds):
        if dim >= len(vs) and k is not _NONE and k is not _BOOL and k is not _ELL:
            # only reachable after several ellipses (torch lets each one skip the unindexed dims)
            raise IndexError(f"index {v} is out of bounds for dimension {pos} with size 0")
        if k is _INT:
            size = vs[dim]
            if v < -size or v >= size:
                raise IndexError(f"index {v} is out of bounds for dimension {pos} with size {size}")
            np_idx.append(v)
            off += (v + size if v < 0 else v) * vt[dim]
            del vs[dim], vt[dim]
            last = _INT
        elif k is _SLICE:
            start, stop, step, n = _slice_bounds(v, vs[dim])
            if keep_full or not (start == 0 and step == 1 and n == vs[dim]):
                np_idx.append(slice(start, stop, step))
                off += start * vt[dim]
                vs[dim] = n
                vt[dim] *= step
                restride = restride or n == 0
                last = _SLICE
            else:
                np_idx.append(_FULL)
            dim += 1
        elif k is _NONE or k is _BOOL:
            vt.insert(dim, vs[dim] * vt[dim] if dim < len(vs) else 1)
            vs.insert(dim, 1)
            np_idx.append(None)
            restride = True
            last = _NONE
            if k is _BOOL:
                adv.append((dim, np.zeros(1 if v else 0, np.int64)))
            dim += 1
        elif k is _ELL:
            n = ndim - spec
            np_idx.extend([_FULL] * max(0, min(n, len(vs) - dim)))
            dim += n
        else:
            adv.append((dim, v))
            w = v.ndim if v.dtype == np.bool_ else 1
            np_idx.extend([_FULL] * w)
            dim += w
    if last is None:
        return None, adv
    np_idx.append(Ellipsis)
    geom = (tuple(vs), tuple(vt), off) if restride else None
    return apply(_VIEW_PRIMS[last], (t,), (tuple(np_idx), geom)), adv


# ----------------------------------------------------------------------------------------------------
# advanced indexing: IndexBackward0 / IndexPutBackward0

def _advanced_index(a, adv):
    """The NumPy index (full slices and int arrays) for advanced entries ``[(dim, array)]`` on array ``a``,
    with torch's checks; plus whether its positions are known to be distinct (a single mask)."""
    idx = []
    xp = _xp(a)
    unique = len(adv) == 1 and (adv[0][1].dtype == np.bool_ or adv[0][1].size <= 1)
    for d, arr in adv:
        if type(arr) is not type(a):
            arr = xp.asarray(arr)
        while len(idx) < d:
            idx.append(_FULL)
        if arr.dtype == np.bool_:
            for j in range(arr.ndim):
                if arr.shape[j] != a.shape[d + j]:
                    raise IndexError(f"The shape of the mask {list(arr.shape)} at index {j} does not match the shape "
                                     f"of the indexed tensor {list(a.shape)} at index {d + j}")
            idx.extend(arr.nonzero() if arr.ndim else (xp.zeros(int(arr), np.int64),))
        else:
            idx.append(arr)
    arrays = [(p, x) for p, x in enumerate(idx) if x is not _FULL]
    try:
        _broadcast_shape([x.shape for _, x in arrays])
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                         ", ".join(str(list(x.shape)) for _, x in arrays)) from None
    for j, (p, x) in enumerate(arrays):
        size = a.shape[p]
        _check_bounds(x, size, IndexError, "index {} is out of bounds for dimension " + f"{j} with size {size}",
                      True)
    return tuple(idx), unique


def _broadcast_shape(shapes):
    return np.broadcast_shapes(*shapes) if len(shapes) > 1 else (shapes[0] if shapes else ())


def _indexed_shape(shape, idx):
    """Shape of ``a[idx]`` for ``idx`` of full slices and arrays (NumPy's placement rule)."""
    pos = [i for i, x in enumerate(idx) if x is not _FULL]
    b = tuple(_broadcast_shape([idx[i].shape for i in pos]))
    if pos == list(range(pos[0], pos[-1] + 1)):
        return tuple(shape[:pos[0]]) + b + tuple(shape[pos[-1] + 1:])
    return b + tuple(s for i, s in enumerate(shape) if i not in pos)


def _index_fwd(a, idx, unique):
    r = a[idx]
    return r if r.flags.c_contiguous else _xp(r).ascontiguousarray(r)


def _index_grad(ctx, g):
    idx, unique = ctx.args
    return (apply(_INDEX_BACKWARD, (g,), (idx, unique, ctx._in_meta[0][0])),)


def _index_backward_fwd(g, idx, unique, shape):
    z = _xp(g).zeros(shape, g.dtype)
    if unique:
        z[idx] = g
    else:
        _at("add", z, idx, g)
    return z


_INDEX = Primitive("IndexBackward0", _index_fwd, _index_grad)
_INDEX_BACKWARD = Primitive("IndexPutBackward0", _index_backward_fwd,
                            lambda ctx, g: (apply(_INDEX, (g,), ctx.args[:2]),))


def _index_put_fwd(a, v, idx, accumulate, unique):
    out = a.copy()
    if accumulate and not unique:
        _at("add", out, idx, v)
    elif accumulate:
        out[idx] += v
    else:
        out[idx] = v
    return out


def _index_put_grad(ctx, g):
    idx, accumulate, unique = ctx.args
    gs = gv = None
    if ctx.next_functions[0][0] is not None:
        gs = g if accumulate else apply(_INDEX_PUT, (g, _wrap(_xp(g._data).zeros((), g._data.dtype))),
                                         (idx, False, unique))
    if ctx.next_functions[1][0] is not None:
        gv = apply(_INDEX, (g,), (idx, unique))
    return gs, gv


_INDEX_PUT = Primitive("IndexPutBackward0", _index_put_fwd, _index_put_grad)


def _strip_leading_ones(v):
    shape = v._data.shape
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return v.reshape(shape[i:]) if i else v


def _check_put_values(t, idx, values, stripped=False):
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 3) must be Tensor, not {type(values).__name__}")
    if values._data.dtype != t._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_tname(t._data.dtype)} for the destination and {_tname(values._data.dtype)} for the "
                           f"source.")
    if stripped:
        values = _strip_leading_ones(values)
    res = _indexed_shape(t._data.shape, idx)
    try:
        if np.broadcast_shapes(values._data.shape, res) != tuple(res):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values._data.shape)} cannot be broadcast "
                           f"to indexing result of shape {list(res)}") from None
    return values


def _overlap_error():
    return RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a single "
                        "memory location. Please clone() the tensor before performing the operation.")


def _put_inplace(target, idx, values, accumulate, unique):
    """``target[idx] = values`` (or ``+=``) in place, recording ``IndexPutBackward0`` when needed."""
    if _state.enabled and (target._requires_grad or values._requires_grad):
        snap = _wrap(target._data)
        snap._grad_fn, snap._output_nr = target._grad_fn, target._output_nr
        snap._requires_grad = target._requires_grad
        return commit_inplace(target, apply(_INDEX_PUT, (snap, values), (idx, accumulate, unique)))
    a = target._data
    if not writeable(a):
        raise _overlap_error()
    if accumulate:
        _at("add", a, idx, values._data)
    else:
        a[idx] = values._data
    target._bump()
    return target


def _indices_arg(t, indices, name):
    """``indices`` of index_put: a sequence of index tensors (bool ones are masks over several dims)."""
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' (position 2) must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    if not indices:
        raise RuntimeError(f"{name}(): at least one index tensor is required")
    adv = []
    dim = 0
    for i, x in enumerate(indices):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(x).__name__}")
        arr = _index_array(x._data)
        adv.append((dim, arr))
        dim += arr.ndim if arr.dtype == np.bool_ else 1
    nd = t._data.ndim
    if dim > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd} (got {dim})")
    return _advanced_index(t._data, adv)


def index_put(input, indices, values, accumulate=False):
    """``torch.index_put``: a copy of ``input`` with ``values`` written (or added) at ``indices``."""
    if _amp.active:
        return _amp.run("index_put", index_put, input, indices, values, accumulate)
    idx, unique = _indices_arg(input, indices, "index_put")
    values = _check_put_values(input, idx, values)
    return apply(_INDEX_PUT, (input, values), (idx, bool(accumulate), unique))


def index_put_(input, indices, values, accumulate=False):
    check_inplace(input)
    idx, unique = _indices_arg(input, indices, "index_put_")
    values = _check_put_values(input, idx, values)
    return _put_inplace(input, idx, values, bool(accumulate), unique)


# ----------------------------------------------------------------------------------------------------
# Tensor.__getitem__ / __setitem__

def _getitem(self, index):
    """``self[index]`` with torch's semantics (views for basic indexing, copies for advanced)."""
    t = type(index)
    if t is int:
        a = self._data
        if a.ndim == 0:
            raise _zero_dim_error()
        n = a.shape[0]
        if index < -n or index >= n:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {n}")
        return apply(_SELECT, (self,), ((index, Ellipsis), None))
    if t is slice:
        if self._data.ndim == 0:
            raise _zero_dim_slice_error()
        view, adv = _walk(self, (index,), keep_full=True)
        return view
    view, adv = _walk(self, _index_tuple(index))
    if not adv:
        return view if view is not None else _views._alias(self)
    src = self if view is None else view
    idx, unique = _advanced_index(src._data, adv)
    return apply(_INDEX, (src,), (idx, unique))


def _legacy_name(t):
    prefix = "torch.cuda." if t.is_cuda else "torch."
    return f"{prefix}{_tname(t._data.dtype)}Tensor"


def _setitem(self, index, value):
    """``self[index] = value``: an in-place write (version bump; autograd to ``self`` and ``value``)."""
    if isinstance(value, Tensor):
        scalar = None
    elif _is_number(value):
        scalar = _scalar_for(self._data.dtype, value)
    else:
        mod = type(value).__module__
        tn = type(value).__name__ if mod == "builtins" else f"{mod.split('.')[0]}.{type(value).__name__}"
        raise TypeError(f"can't assign a {tn} to a {_legacy_name(self)}")
    # unlike reading, a write through a whole-tensor index goes to self itself (torch: ``FillBackward``)
    view, adv = _walk(self, (index,) if type(index) is slice else _index_tuple(index))
    target = self if view is None else view
    if _state.enabled:
        base = self._base
        if self._requires_grad and self._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation."
                               if view is not None else
                               "a leaf Variable that requires grad is being used in an in-place operation.")
        if base is not None and self._requires_grad and base._requires_grad and base._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if not adv:
        if scalar is not None:
            if not writeable(target._data):
                raise _overlap_error()
            target.fill_(scalar)
            return
        v = _strip_leading_ones(value)
        if v._data.shape != target._data.shape:
            v = v.expand(target._data.shape)
        target.copy_(v)
        return
    idx, unique = _advanced_index(target._data, adv)
    if scalar is not None:
        values = _wrap(_xp(target._data).asarray(scalar, dtype=target._data.dtype))
    else:
        values = _check_put_values(target, idx, value, stripped=True)
    _put_inplace(target, idx, values, False, unique)


# ----------------------------------------------------------------------------------------------------
# dim-wise gather / scatter

def _dim_index(input, index, op, msg):
    """The array of an int32/int64 index tensor argument (``msg``: torch's error for another dtype)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    d = _same_device(input, index._data)
    if d.dtype not in _INDEX_KINDS:
        raise RuntimeError(msg)
    return d


def _full_index(idx, dim):
    """Index arrays selecting, for every position of ``idx``, that position with ``idx`` along ``dim``."""
    nd = idx.ndim
    xp = _xp(idx)
    return tuple(idx if d == dim else xp.arange(n).reshape((-1,) + (1,) * (nd - d - 1))
                 for d, n in enumerate(idx.shape))


def _as1d(a):
    return a.reshape(1) if a.ndim == 0 else a


def _gather_fwd(a, idx, dim):
    return _as1d(a)[_full_index(_as1d(idx), dim)].reshape(idx.shape)


def _gather_grad(ctx, g):
    idx, dim = ctx.args
    shape, dt = ctx._in_meta[0]
    z = _wrap(_xp(g._data).zeros(shape, g._data.dtype))
    return (apply(_SCATTER_ADD, (z, g), (idx, dim)),)


_GATHER = Primitive("GatherBackward0", _gather_fwd, _gather_grad)


def _scatter_src_fwd(a, src, idx, dim):
    out = _as1d(a.copy())
    out[_full_index(_as1d(idx), dim)] = _as1d(src)
    return out.reshape(a.shape)


def _scatter_value_fwd(a, idx, dim, value):
    out = _as1d(a.copy())
    out[_full_index(_as1d(idx), dim)] = value
    return out.reshape(a.shape)


def _scatter_add_fwd(a, src, idx, dim):
    out = _as1d(a.copy())
    _at("add", out, _full_index(_as1d(idx), dim), _as1d(src))
    return out.reshape(a.shape)


def _zero_at(g, idx, dim):
    return apply(_SCATTER_VALUE, (g,), (idx, dim, 0))


def _scatter_src_grad(ctx, g):
    idx, dim = ctx.args
    gs = _zero_at(g, idx, dim) if ctx.next_functions[0][0] is not None else None
    gsrc = apply(_GATHER, (g,), (idx, dim)) if ctx.next_functions[1][0] is not None else None
    return gs, gsrc


def _scatter_add_grad(ctx, g):
    idx, dim = ctx.args
    return g, (apply(_GATHER, (g,), (idx, dim)) if ctx.next_functions[1][0] is not None else None)


def _not_implemented_grad(ctx, *g):
    raise RuntimeError("derivative for aten::scatter is not implemented")


def _scatter_old_reduce_fwd(a, src, idx, dim, reduce):
    out = _as1d(a.copy())
    _at("add" if reduce == "add" else "multiply", out, _full_index(_as1d(idx), dim), _as1d(src))
    return out.reshape(a.shape)


_SCATTER_SRC = Primitive("ScatterBackward0", _scatter_src_fwd, _scatter_src_grad)
_SCATTER_VALUE = Primitive("ScatterBackward1", _scatter_value_fwd,
                           lambda ctx, g: (_zero_at(g, ctx.args[0], ctx.args[1]),))
_SCATTER_ADD = Primitive("ScatterAddBackward0", _scatter_add_fwd, _scatter_add_grad)
_SCATTER_OLD_REDUCE = Primitive("NotImplemented", _scatter_old_reduce_fwd, _not_implemented_grad)


def _check_scatter(input, dim, idx, src, op):
    """torch's gather/scatter shape rules; returns the wrapped dim."""
    a = input._data
    nd = max(a.ndim, 1)
    d = _wrap_dim(dim, a.ndim)
    if max(idx.ndim, 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if op == 'gather' else 'self'} tensor")
    if src is not None and max(src.ndim, 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if idx.size == 0:
        return d
    ishape, sshape = _as1d(idx).shape, _as1d(a).shape
    if op == "gather":
        for i in range(nd):
            if i != d and ishape[i] > sshape[i]:
                raise RuntimeError(f"Size does not match at dimension {i} expected index {list(idx.shape)} to be no "
                                   f"larger than self {list(a.shape)} apart from dimension {d}")
    else:
        srcshape = _as1d(src).shape if src is not None else None
        for i in range(nd):
            if (i != d and ishape[i] > sshape[i]) or (srcshape is not None and ishape[i] > srcshape[i]):
                tail = f" and to be no larger size than src {list(src.shape)}" if src is not None else ""
                raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(a.shape)} "
                                   f"apart from dimension {d}{tail}")
    size = sshape[d]
    _check_bounds(idx, size, RuntimeError, "index {} is out of bounds for dimension " + f"{d} with size {size}", False)
    return d


def _crop_src(src, idx):
    """The leading corner of ``src`` that ``idx`` addresses (torch ignores the rest)."""
    shape = idx.shape
    if src._data.shape == shape or src._data.ndim == 0:
        return src
    return src[tuple(slice(0, n) for n in shape)]


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``torch.gather``: ``out[i][j] = input[i][index[i][j]]`` along ``dim`` (index may be smaller)."""
    idx = _dim_index(input, index, "gather", "gather(): Expected dtype int32/int64 for index")
    d = _check_scatter(input, dim, idx, None, "gather")
    r = apply(_GATHER, (input,), (idx, d))
    return r if out is None else write_out(r, out)


def _check_src_dtype(input, src):
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """``torch.scatter`` with a tensor ``src`` (ScatterBackward0) or a number ``value`` (ScatterBackward1);
    the legacy ``reduce='add'|'multiply'`` is supported without a derivative, as in torch."""
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if src is None and value is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
    idx = _dim_index(input, index, "scatter", "scatter(): Expected dtype int32/int64 for index")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if src is not None:
        _check_src_dtype(input, src)
        d = _check_scatter(input, dim, idx, src._data, "scatter")
        src = _crop_src(src, idx)
        if reduce is None:
            r = apply(_SCATTER_SRC, (input, src), (idx, d))
        else:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in "
                          "a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
            r = apply(_SCATTER_OLD_REDUCE, (input, src), (idx, d, reduce))
    else:
        if isinstance(value, Tensor):
            value = value.item()
        value = _scalar_for(input._data.dtype, value)
        d = _check_scatter(input, dim, idx, None, "scatter")
        if reduce is None:
            r = apply(_SCATTER_VALUE, (input,), (idx, d, value))
        else:
            vals = _wrap(_xp(idx).full(idx.shape, value, dtype=input._data.dtype))
            r = apply(_SCATTER_OLD_REDUCE, (input, vals), (idx, d, reduce))
    return r if out is None else write_out(r, out)


def scatter_add(input, dim, index, src, *, out=None):
    """``torch.scatter_add``: ``out[index[i][j]][j] += src[i][j]`` along ``dim``."""
    if _amp.active:
        return _amp.run("scatter_add", scatter_add, input, dim, index, src, out=out)
    idx = _dim_index(input, index, "scatter_add", "scatter(): Expected dtype int32/int64 for index")
    _check_src_dtype(input, src)
    d = _check_scatter(input, dim, idx, src._data, "scatter")
    r = apply(_SCATTER_ADD, (input, _crop_src(src, idx)), (idx, d))
    return r if out is None else write_out(r, out)


def _scatter_into_zeros(shape, dim, idx, g):
    """Zeros of ``shape`` (g's dtype) with ``g`` scattered along ``dim`` at ``idx``; differentiable in ``g``."""
    z = _wrap(_xp(g._data).zeros(shape, g._data.dtype))
    return apply(_SCATTER_SRC, (z, g), (idx._data, dim))


# scatter_reduce / index_reduce

_REDUCE_UFUNC = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


def _identity(npd, reduce):
    npd = np.dtype(npd)
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if npd.kind == "b":
        return reduce == "amin"
    if npd.kind in "iu":
        info = np.iinfo(npd)
        return info.min if reduce == "amax" else info.max
    return -np.inf if reduce == "amax" else np.inf


def _scatter_reduce_fwd(a, src, idx, dim, reduce, include_self):
    out = _as1d(a.copy())
    full = _full_index(_as1d(idx), dim)
    s = _as1d(src)
    if not include_self:
        out[full] = _identity(a.dtype, reduce)
    _at(_REDUCE_UFUNC[reduce], out, full, s)
    if reduce == "mean":
        xp = _xp(out)
        count = xp.full(out.shape, 1 if include_self else 0, np.int64)
        _at("add", count, full, 1)
        count[count == 0] = 1
        if out.dtype.kind in "iu":
            out = out // count.astype(out.dtype)
        else:
            out = (out / count).astype(out.dtype)
    return out.reshape(a.shape)


def _scatter_reduce_grad(ctx, g):
    x, src = ctx.saved
    idx, dim, reduce, include_self = ctx.args
    result = ctx.output
    index = _wrap(idx)
    if reduce == "sum":
        gs, gsrc = g, gather(g, dim, index)
    elif reduce == "mean":
        count = _wrap(_xp(idx).full(x._data.shape, 1 if include_self else 0, g._data.dtype))
        count = scatter_add(count, dim, index, _wrap(_xp(idx).ones(idx.shape, g._data.dtype)))
        count = count.masked_fill(count == 0, 1)
        gs = g / count
        gsrc = gather(gs, dim, index)
    elif reduce == "prod":
        # products of the other factors, avoiding a division by a zero factor
        masked_self = x.masked_fill(x == 0, 1)
        gs = g * scatter_reduce(masked_self, dim, index, src, "prod", include_self=include_self) / masked_self
        src_zero = src == 0
        n_zeros = scatter_add(_zeros_like_t(g), dim, index, src_zero.to(g.dtype))
        single = src_zero & (gather(n_zeros, dim, index) == 1)
        masked_src = src.masked_fill(single, 1)
        masked_result = scatter_reduce(x, dim, index, masked_src, "prod", include_self=include_self)
        gsrc = gather(g * result, dim, index) / src.masked_fill(src_zero, 1)
        gsrc = gsrc.where(~single, gather(g * masked_result, dim, index))
    else:
        value = gather(result, dim, index)
        self_is = (x == result).to(g.dtype)
        src_is = (src == value).to(g.dtype)
        n = scatter_add(self_is, dim, index, src_is)
        share = g / n
        gs = self_is * share
        gsrc = src_is * gather(share, dim, index)
    if not include_self:
        gs = _zero_at(gs, idx, dim)
    return gs, gsrc


_SCATTER_REDUCE = Primitive("ScatterReduceBackward0", _scatter_reduce_fwd, _scatter_reduce_grad, save_inputs=True,
                            save_output=True)
_REDUCE_ALIASES = {"max": "amax", "min": "amin"}


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """``torch.scatter_reduce`` with ``reduce`` in sum/prod/mean/amax/amin (integer means floor)."""
    reduce = _REDUCE_ALIASES.get(reduce, reduce)
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    idx = _dim_index(input, index, "scatter_reduce", "scatter(): Expected dtype int32/int64 for index")
    _check_src_dtype(input, src)
    d = _check_scatter(input, dim, idx, src._data, "scatter")
    r = apply(_SCATTER_REDUCE, (input, _crop_src(src, idx)), (idx, d, reduce, bool(include_self)))
    return r if out is None else write_out(r, out)


_INDEX_REDUCE = Primitive("IndexReduceBackward0", _scatter_reduce_fwd, _scatter_reduce_grad, save_inputs=True,
                          save_output=True)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """``torch.index_reduce`` (beta in torch): reduce rows of ``source`` into ``input`` at ``index`` along
    ``dim`` with prod/mean/amax/amin."""
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                           f"{reduce}.")
    idx, d = _index_vector_args(input, dim, index, source, "index_reduce")
    a = input._data
    size = _as1d(a).shape[d]
    _check_bounds(idx, size, IndexError, "index out of range in self", False)
    # the same reduction as scatter_reduce with the index spread over source's shape
    s = _as1d(source._data)
    shape = [1] * s.ndim
    shape[d] = -1
    full = _xp(idx).broadcast_to(_as1d(idx).reshape(shape), s.shape)
    if source._data.ndim == 0:
        full = full.reshape(())
    r = apply(_INDEX_REDUCE, (input, source), (full, d, reduce, bool(include_self)))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# index_select / index_add / index_copy / index_fill

def _along(dim, idx):
    return (_FULL,) * dim + (idx,)


def _index_select_fwd(a, idx, dim):
    if a.ndim == 0:
        return a.copy()
    return a.take(_as1d(idx), axis=dim)


def _index_select_grad(ctx, g):
    idx, dim = ctx.args
    shape, dt = ctx._in_meta[0]
    z = _wrap(_xp(g._data).zeros(shape, g._data.dtype))
    return (apply(_INDEX_ADD, (z, g), (idx, dim, 1)),)


_INDEX_SELECT = Primitive("IndexSelectBackward0", _index_select_fwd, _index_select_grad)


def index_select(input, dim, index, *, out=None):
    """``torch.index_select``: entries of ``input`` at ``index`` (a vector) along ``dim``."""
    idx = _dim_index(input, index, "index_select", "index_select(): Expected dtype int32 or int64 for index")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        size = 1
    else:
        size = a.shape[d]
    _check_bounds(idx, size, IndexError, "index out of range in self", False)
    r = apply(_INDEX_SELECT, (input,), (idx, d))
    return r if out is None else write_out(r, out)


def _index_vector_args(input, dim, index, source, op):
    """Checks shared by index_add/index_reduce: a vector int32/int64 index matching ``source``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = _same_device(input, index._data)
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if idx.ndim > 1:
        raise IndexError(f"{op}_(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
                         f"{_tname(idx.dtype)} and size: {list(idx.shape)}")
    if idx.dtype not in _INDEX_KINDS:
        raise RuntimeError(f"{op}_(): Expected dtype int32/int64 for index but got: {_tname(idx.dtype)}")
    if source._data.dtype != a.dtype:
        raise RuntimeError(f"{op}_(): self ({_tname(a.dtype)}) and source ({_tname(source._data.dtype)}) must have "
                           f"the same scalar type")
    s = source._data
    shape_error = RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified "
                               f"dimension. Got self.shape = {list(a.shape)} source.shape = {list(s.shape)}")
    if s.ndim != a.ndim:
        raise shape_error
    n = _as1d(s).shape[d]
    if idx.size != n:
        raise RuntimeError(f"{op}_(): Number of indices ({idx.size}) should be equal to source.size(dim): ({n}), "
                           f"for dim: {d}")
    if any(i != d and x != y for i, (x, y) in enumerate(zip(_as1d(a).shape, _as1d(s).shape))):
        raise shape_error
    return idx, d


def _index_add_fwd(a, src, idx, dim, alpha):
    out = _as1d(a.copy())
    v = _as1d(src) if alpha == 1 else _as1d(src) * a.dtype.type(alpha)
    _at("add", out, _along(dim, _as1d(idx)), v)
    return out.reshape(a.shape)


def _index_add_grad(ctx, g):
    idx, dim, alpha = ctx.args
    gsrc = None
    if ctx.next_functions[1][0] is not None:
        gsrc = apply(_INDEX_SELECT, (g,), (idx, dim))
        if alpha != 1:
            gsrc = gsrc * alpha
        shape = ctx._in_meta[1][0]
        if gsrc._data.shape != shape:
            gsrc = gsrc.reshape(shape)
    return g, gsrc


_INDEX_ADD = Primitive("IndexAddBackward0", _index_add_fwd, _index_add_grad)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """``torch.index_add``: ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    idx, d = _index_vector_args(input, dim, index, source, "index_add")
    size = _as1d(input._data).shape[d]
    _check_bounds(idx, size, RuntimeError, "index {} is out of bounds for dimension " + f"{d} with size {size}",
                  False)
    if input._data.dtype.kind in "iub":
        alpha = int(alpha)
    r = apply(_INDEX_ADD, (input, source), (idx, d, alpha))
    return r if out is None else write_out(r, out)


def _index_copy_fwd(a, src, idx, dim):
    out = _as1d(a.copy())
    out[_along(dim, _as1d(idx))] = _as1d(src)
    return out.reshape(a.shape)


def _index_copy_grad(ctx, g):
    idx, dim = ctx.args
    gs = apply(_INDEX_FILL, (g,), (idx, dim, 0)) if ctx.next_functions[0][0] is not None else None
    gsrc = None
    if ctx.next_functions[1][0] is not None:
        gsrc = apply(_INDEX_SELECT, (g,), (idx, dim))
        if gsrc._data.shape != ctx._in_meta[1][0]:
            gsrc = gsrc.reshape(ctx._in_meta[1][0])
    return gs, gsrc


_INDEX_COPY = Primitive("IndexCopyBackward0", _index_copy_fwd, _index_copy_grad)


def index_copy(input, dim, index, source, *, out=None):
    """``torch.index_copy``: rows of ``source`` written at ``index`` along ``dim`` (int64 index only)."""
    if _amp.active:
        return _amp.run("index_copy", index_copy, input, dim, index, source, out=out)
    if not isinstance(index, Tensor):
        raise TypeError(f"index_copy(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = _same_device(input, index._data)
    a, s = input._data, source._data
    d = _wrap_dim(dim, a.ndim)
    if idx.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    if idx.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_tname(idx.dtype)}")
    n = _as1d(s).shape[d] if s.ndim else 1
    if idx.size != n:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({n})")
    if s.dtype != a.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_tname(a.dtype)} and (source) {_tname(s.dtype)}")
    a_sl = tuple(x for i, x in enumerate(_as1d(a).shape) if i != d)
    s_sl = tuple(x for i, x in enumerate(_as1d(s).shape) if i != d)
    if a_sl != s_sl:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {', '.join(map(str, a_sl))} at dimension {d} and source slice shape: "
                           f"{', '.join(map(str, s_sl))} at dimension 0.")
    size = _as1d(a).shape[d]
    _check_bounds(idx, size, IndexError, "index_copy_(): index {} is out of bounds for dimension " +
                  f"{d} with size {size}", False)
    r = apply(_INDEX_COPY, (input, source), (idx, d))
    return r if out is None else write_out(r, out)


def _index_fill_fwd(a, idx, dim, value):
    out = _as1d(a.copy())
    out[_along(dim, _as1d(idx))] = value
    return out.reshape(a.shape)


def _index_fill_t_fwd(a, v, idx, dim):
    return _index_fill_fwd(a, idx, dim, v)


def _index_fill_t_grad(ctx, g):
    idx, dim = ctx.args
    gs = apply(_INDEX_FILL, (g,), (idx, dim, 0)) if ctx.next_functions[0][0] is not None else None
    gv = apply(_INDEX_SELECT, (g,), (idx, dim)).sum() if ctx.next_functions[1][0] is not None else None
    return gs, gv


_INDEX_FILL = Primitive("IndexFillBackward0", _index_fill_fwd,
                        lambda ctx, g: (apply(_INDEX_FILL, (g,), (ctx.args[0], ctx.args[1], 0)),))
_INDEX_FILL_T = Primitive("IndexFillBackward1", _index_fill_t_fwd, _index_fill_t_grad)


def index_fill(input, dim, index, value):
    """``torch.index_fill``: entries at ``index`` along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_fill(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = _same_device(input, index._data)
    if idx.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    size = _as1d(a).shape[d]
    _check_bounds(idx, size, IndexError, "index {} is out of bounds for dimension " + f"{d} with size {size}", True)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        if _state.enabled and value._requires_grad:
            v = value if value._data.dtype == a.dtype else value.to(input.dtype)
            return apply(_INDEX_FILL_T, (input, v), (idx, d))
        value = value.item()
    return apply(_INDEX_FILL, (input,), (idx, d, _scalar_for(a.dtype, value)))


# ----------------------------------------------------------------------------------------------------
# masks

def _mask_arg(input, mask, op):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' (position 2) must be Tensor, not {type(mask).__name__}")
    return _same_device(input, mask._data)


def _masked_select_fwd(a, mask):
    shape = np.broadcast_shapes(a.shape, mask.shape)
    xp = _xp(a)
    return xp.broadcast_to(a, shape)[xp.broadcast_to(mask, shape)]


def _masked_select_grad(ctx, g):
    mask = ctx.args[0]
    shape = np.broadcast_shapes(ctx._in_meta[0][0], mask.shape)
    z = _wrap(_xp(g._data).zeros(shape, g._data.dtype))
    return (apply(_MASKED_SCATTER, (z, g), (mask,)),)


_MASKED_SELECT = Primitive("MaskedSelectBackward0", _masked_select_fwd, _masked_select_grad)


def _broadcast_error(a, b):
    sa, sb = list(a), list(b)
    for i in range(1, max(len(sa), len(sb)) + 1):
        x = sa[-i] if i <= len(sa) else 1
        y = sb[-i] if i <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                                f"dimension {max(len(sa), len(sb)) - i}")
    return RuntimeError("shapes cannot be broadcast")


def _bshape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise _broadcast_error(a, b) from None


def masked_select(input, mask, *, out=None):
    """``torch.masked_select``: the 1-D tensor of entries where the (broadcast) bool ``mask`` is True."""
    m = _mask_arg(input, mask, "masked_select")
    if m.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _bshape(input._data.shape, m.shape)
    r = apply(_MASKED_SELECT, (input,), (m,))
    return r if out is None else write_out(r, out)


def _masked_fill_fwd(a, mask, value):
    return _xp(a).where(mask, _xp(a).asarray(value, dtype=a.dtype), a)


def _masked_fill_t_fwd(a, v, mask):
    return _xp(a).where(mask, v.astype(a.dtype, copy=False), a)


def _masked_fill_t_grad(ctx, g):
    mask = ctx.args[0]
    gs = apply(_MASKED_FILL, (g,), (mask, 0)) if ctx.next_functions[0][0] is not None else None
    gv = apply(_MASKED_FILL, (g,), (~mask, 0)).sum() if ctx.next_functions[1][0] is not None else None
    return gs, gv


_MASKED_FILL = Primitive("MaskedFillBackward0", _masked_fill_fwd,
                         lambda ctx, g: (apply(_MASKED_FILL, (g,), (ctx.args[0], 0)),))
_MASKED_FILL_T = Primitive("MaskedFillBackward1", _masked_fill_t_fwd, _masked_fill_t_grad)


def _check_bool_mask(m, op):
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype "
                           f"{_MASK_CTYPES[D._FROM_NP[m.dtype].name]}")


def masked_fill(input, mask, value):
    """``torch.masked_fill``: ``value`` (a number or 0-d tensor) where ``mask`` is True; broadcasts."""
    m = _mask_arg(input, mask, "masked_fill")
    _check_bool_mask(m, "masked_fill_")
    a = input._data
    _bshape(a.shape, m.shape)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        if _state.enabled and value._requires_grad:
            return apply(_MASKED_FILL_T, (input, value), (m,))
        value = value.item()
    return apply(_MASKED_FILL, (input,), (m, _scalar_for(a.dtype, value)))


def _masked_scatter_fwd(a, src, mask):
    shape = np.broadcast_shapes(a.shape, mask.shape)
    xp = _xp(a)
    out = xp.broadcast_to(a, shape).copy()
    mb = xp.broadcast_to(mask, shape)
    n = int(mb.sum())
    out[mb] = src.reshape(-1)[:n]
    return out


def _masked_scatter_grad(ctx, g):
    mask = ctx.args[0]
    gs = apply(_MASKED_FILL, (g,), (mask, 0)) if ctx.next_functions[0][0] is not None else None
    gsrc = None
    if ctx.next_functions[1][0] is not None:
        shape = ctx._in_meta[1][0]
        n = int(np.prod(shape))
        sel = apply(_MASKED_SELECT, (g,), (mask,))
        k = sel._data.shape[0]
        if k < n:
            from .joining import cat
            sel = cat([sel, _wrap(_xp(g._data).zeros(n - k, g._data.dtype))])
        gsrc = sel.reshape(shape)
    return gs, gsrc


_MASKED_SCATTER = Primitive("MaskedScatterBackward0", _masked_scatter_fwd, _masked_scatter_grad)


def masked_scatter(input, mask, source):
    """``torch.masked_scatter``: where ``mask`` is True, the next elements of ``source`` in row-major order."""
    m = _mask_arg(input, mask, "masked_scatter")
    if m.dtype == np.uint8:
        warnings.warn("masked_scatter_ received a mask with dtype torch.uint8, this behavior is now deprecated,"
                      "please use a mask with dtype torch.bool instead.", UserWarning, stacklevel=2)
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with dtype Byte")
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_tname(m.dtype)}")
    a = input._data
    if source._data.dtype != a.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_tname(a.dtype)} and {_tname(source._data.dtype)}")
    shape = _bshape(a.shape, m.shape)
    if int(np.broadcast_to(m, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(_MASKED_SCATTER, (input, source), (m,))


# ----------------------------------------------------------------------------------------------------
# flat take / put, take_along_dim

def _long_index(input, index, op):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = _same_device(input, index._data)
    if idx.dtype != np.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {_tname(idx.dtype)}")
    return idx


def _take_fwd(a, idx):
    return a.reshape(-1)[idx]


def _take_grad(ctx, g):
    idx = ctx.args[0]
    shape, dt = ctx._in_meta[0]
    z = _wrap(_xp(g._data).zeros(shape, g._data.dtype))
    return (apply(_PUT, (z, g), (idx, True)),)


_TAKE = Primitive("TakeBackward0", _take_fwd, _take_grad)


def _check_flat_bounds(idx, n):
    _check_bounds(idx, n, IndexError, "out of range: tried to access index {} on a tensor of " + f"{n} elements.",
                  True)


def take(input, index, *, out=None):
    """``torch.take``: entries of the flattened ``input`` at ``index`` (result has index's shape)."""
    idx = _long_index(input, index, "take")
    n = input._data.size
    if n == 0 and idx.size:
        raise IndexError("take(): tried to take from an empty tensor")
    _check_flat_bounds(idx, n)
    r = apply(_TAKE, (input,), (idx,))
    return r if out is None else write_out(r, out)


def _put_fwd(a, src, idx, accumulate):
    out = a.copy()
    flat = out.reshape(-1)
    if accumulate:
        _at("add", flat, idx.reshape(-1), src.reshape(-1))
    else:
        flat[idx.reshape(-1)] = src.reshape(-1)
    return out


def _put_grad(ctx, g):
    idx, accumulate = ctx.args
    gs = gsrc = None
    if ctx.next_functions[0][0] is not None:
        gs = g if accumulate else apply(_PUT, (g, _wrap(_xp(idx).zeros(idx.shape, g._data.dtype))), (idx, False))
    if ctx.next_functions[1][0] is not None:
        gsrc = apply(_TAKE, (g,), (idx,)).reshape(ctx._in_meta[1][0])
    return gs, gsrc


_PUT = Primitive("PutBackward0", _put_fwd, _put_grad)


def put(input, index, source, accumulate=False):
    """``torch.put``: a copy of ``input`` with ``source`` written (or added) at flat ``index``."""
    idx = _long_index(input, index, "put_")
    a, s = input._data, source._data
    if s.dtype != a.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_tname(a.dtype)} and source.dtype = {_tname(s.dtype)}")
    if s.size != idx.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {s.size}, index.numel() = {idx.size}")
    _check_flat_bounds(idx, a.size)
    return apply(_PUT, (input, source), (idx, bool(accumulate)))


def take_along_dim(input, indices, dim=None, *, out=None):
    """``torch.take_along_dim``: gather along ``dim`` after broadcasting input and indices (flat if dim=None)."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"take_along_dim(): argument 'indices' must be Tensor, not {type(indices).__name__}")
    idx = _same_device(input, indices._data)
    if idx.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_tname(idx.dtype)}")
    a = input._data
    if dim is None:
        r = gather(input.reshape(-1), 0, _wrap(idx.reshape(-1)))
        return r if out is None else write_out(r, out)
    if a.ndim != idx.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {a.ndim} dimensions for input, and {idx.ndim} dimensions for indices")
    d = _wrap_dim(dim, a.ndim)
    shape_a, shape_i = list(a.shape), list(idx.shape)
    shape_a[d] = shape_i[d] = 1
    b = list(_bshape(tuple(shape_a), tuple(shape_i)))
    ba, bi = list(b), list(b)
    ba[d], bi[d] = a.shape[d], idx.shape[d]
    x = input if tuple(ba) == a.shape else input.expand(ba)
    ii = _wrap_negative(idx, a.shape[d])
    if tuple(bi) != ii.shape:
        ii = _xp(ii).broadcast_to(ii, bi)
    r = gather(x, d, _wrap(ii))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# nonzero / argwhere

def nonzero(input, *, out=None, as_tuple=False):
    """``torch.nonzero``: an (n, ndim) int64 tensor of the indices of non-zero entries (column-major, like
    torch), or with ``as_tuple`` one 1-D tensor per dimension (a 0-d input counts as 1-D)."""
    a = input._data
    xp = _xp(a)
    if a.ndim == 0:
        n = 1 if bool(a) else 0
        if as_tuple:
            return (_wrap(xp.zeros(n, np.int64)),)
        r = _wrap(xp.zeros((n, 0), np.int64))
        return r if out is None else write_out(r, out)
    nz = tuple(x.astype(np.int64, copy=False) for x in a.nonzero())
    if as_tuple:
        return tuple(_wrap(x) for x in nz)
    r = _wrap(xp.stack(nz, 0).T)
    return r if out is None else write_out(r, out)


def argwhere(input):
    return nonzero(input)


# ----------------------------------------------------------------------------------------------------

_METHODS = ["index_select", "masked_select", "masked_fill", "masked_scatter", "gather", "scatter", "scatter_add",
            "scatter_reduce", "index_add", "index_copy", "index_fill", "index_put", "index_reduce", "take",
            "take_along_dim", "put", "nonzero", "argwhere"]
_INPLACE = ["masked_fill", "masked_scatter", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
            "index_fill", "index_reduce", "put"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    for name in _INPLACE:
        setattr(Tensor, name + "_", inplace(g[name]))
    Tensor.index_put_ = index_put_
    Tensor.__getitem__ = _getitem
    Tensor.__setitem__ = _setitem


_bind()
