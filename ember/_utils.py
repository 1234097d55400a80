"""The rebuild functions PyTorch's pickles name (``torch._utils._rebuild_tensor_v2`` and friends).

``ember.load`` maps the GLOBAL ``torch._utils.X`` to ``ember._utils.X`` and ``ember.save`` writes these
functions back under torch's names, so checkpoints cross between the two frameworks.  A storage
(``ember.TypedStorage``) owns one flat array; every tensor rebuilt on it is a view of that array, so
tensors that shared a storage when saved share memory again after loading.

Every size, stride and offset is checked against the storage before a view is made: a hostile file
cannot make a tensor that reads outside its storage.
"""
import operator
import warnings

import numpy as np

from . import _dtype as D
from ._device import xp_of as _xp
from ._storage import TypedStorage, UntypedStorage
from ._tensor import Tensor, _init, _wrap

__all__ = []




def _int_tuple(values, what):
    try:
        return tuple(operator.index(v) for v in values)
    except TypeError:
        raise TypeError(f"_rebuild_tensor: {what} must be a sequence of ints, got {values!r}") from None


def _storage_array(storage, dtype):
    """The storage's memory as a flat array of ``dtype`` (a view, never a copy)."""
    if isinstance(storage, TypedStorage):
        raw = storage._untyped._bytes
    elif isinstance(storage, UntypedStorage):
        raw = storage._bytes
    else:
        raise TypeError(f"_rebuild_tensor: expected a storage, got {type(storage).__name__}")
    if raw.dtype == dtype.np:
        return raw
    usable = raw.size - raw.size % dtype.itemsize
    return raw[:usable].view(dtype.np)


def _view(flat, storage_offset, size, stride):
    """``flat.as_strided(size, stride, storage_offset)`` after checking it stays inside ``flat``."""
    offset = operator.index(storage_offset)
    size = _int_tuple(size, "size")
    stride = _int_tuple(stride, "stride")
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: size {list(size)}, stride {list(stride)}")
    if offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"_rebuild_tensor: negative size, stride or storage offset (size {list(size)}, "
                           f"stride {list(stride)}, storage offset {offset})")
    numel = 1
    extent = 1
    for n, st in zip(size, stride):
        numel *= n
        extent += (n - 1) * st
    needed = offset + extent if numel else offset
    if needed > flat.size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {flat.itemsize} requiring a storage size of {needed * flat.itemsize} are out "
                           f"of bounds for storage of size {flat.size * flat.itemsize}")
    contiguous = True
    expected = 1
    for n, st in zip(reversed(size), reversed(stride)):
        if n != 1 and st != expected:
            contiguous = False
            break
        expected *= n
    if contiguous:
        if offset == 0 and numel == flat.size:
            return flat.reshape(size)
        return flat[offset:offset + numel].reshape(size)
    item = flat.itemsize
    return _xp(flat).lib.stride_tricks.as_strided(flat[offset:], size, tuple(st * item for st in stride))


def _finish(arr, requires_grad, backward_hooks, metadata):
    if metadata:
        unknown = set(k for k, v in metadata.items() if v) - {"conj", "neg"}
        if unknown:
            raise NotImplementedError(f"ember cannot restore tensor metadata {sorted(unknown)}")
        # ember has no lazy conjugate/negative bits: materialise them
        if metadata.get("conj"):
            arr = arr.conj()
        if metadata.get("neg"):
            arr = -arr
    t = _wrap(arr)
    if type(requires_grad) is not bool:
        raise TypeError(f"_rebuild_tensor: requires_grad must be a bool, got {type(requires_grad).__name__}")
    if requires_grad:
        t.requires_grad_(True)
    if backward_hooks:
        # torch >= 1.0 never writes hooks (they are code); files from older versions may carry some
        warnings.warn("ember does not restore the backward hooks stored in this checkpoint", UserWarning,
                      stacklevel=3)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    """``torch._utils._rebuild_tensor``: a tensor viewing ``storage`` (dtype from the storage)."""
    dtype = storage.dtype if isinstance(storage, TypedStorage) else D.uint8
    return _wrap(_view(_storage_array(storage, dtype), storage_offset, size, stride))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    """``torch._utils._rebuild_tensor_v2``: the form ``torch.save`` writes for every dense tensor."""
    dtype = storage.dtype if isinstance(storage, TypedStorage) else D.uint8
    arr = _view(_storage_array(storage, dtype), storage_offset, size, stride)
    return _finish(arr, requires_grad, backward_hooks, metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    """``torch._utils._rebuild_tensor_v3``: an untyped storage plus an explicit dtype."""
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"_rebuild_tensor_v3: expected a dtype, got {type(dtype).__name__}")
    arr = _view(_storage_array(storage, dtype), storage_offset, size, stride)
    return _finish(arr, requires_grad, backward_hooks, metadata)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """``torch._utils._rebuild_parameter``: ``Parameter(data, requires_grad)`` (hooks are not restored)."""
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """``torch._utils._rebuild_parameter_with_state``: a Parameter carrying Python attributes."""
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2``: ``func(*args)`` turned into ``new_type`` with ``state`` set."""
    ret = func(*args)
    if type(ret) is not new_type:
        if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
            raise TypeError(f"_rebuild_from_type_v2: {new_type!r} is not a Tensor subclass")
        sub = object.__new__(new_type)
        _init(sub, ret._data)
        sub._requires_grad = ret._requires_grad
        ret = sub
    setstate = getattr(type(ret), "__setstate__", None)
    if setstate is not None:
        ret.__setstate__(state)
        return ret
    return _set_obj_state(ret, state)


def _rebuild_with_state(func, args, state):
    """``func(*args)`` with Python attributes ``state`` set (plain pickles of a tensor with attributes)."""
    return _set_obj_state(func(*args), state)


def _rebuild_from_array(root, dtype, byte_offset, shape, strides, requires_grad):
    """Ember's form for plain ``pickle`` / ``copy`` of a tensor: the storage's owning array (pickled once
    however many tensors view it, so views stay views) and the view's byte offset, shape and strides."""
    flat = _flat_bytes(root)
    start = flat[byte_offset:]
    usable = start.size - start.size % dtype.itemsize
    base = start[:usable].view(dtype.np)
    arr = _xp(base).lib.stride_tricks.as_strided(base, shape, strides)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _flat_bytes(root):
    """A 1-D uint8 view of an owning array's whole buffer, or None if it is not one block of memory."""
    if root.flags.c_contiguous:
        return root.reshape(-1).view(np.uint8)
    if root.flags.f_contiguous:
        return root.T.reshape(-1).view(np.uint8)
    return None


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    """``torch._utils._rebuild_device_tensor_from_numpy``: a tensor copied from a NumPy array to ``device``."""
    from .serialization import _restore_device
    t = _wrap(np.asarray(data)).to(dtype=dtype, device=_restore_device(device))
    if requires_grad:
        t.requires_grad_(True)
    return t


_rebuild_xla_tensor = _rebuild_device_tensor_from_numpy


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    """``torch._utils._rebuild_device_tensor_from_cpu_tensor``: a CPU tensor moved to ``device``."""
    from .serialization import _restore_device
    t = data.to(dtype=dtype, device=_restore_device(device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _unsupported(name, what):
    def rebuild(*args, **kwargs):
        raise NotImplementedError(f"ember cannot load {what} ({name}): ember has no such tensors")
    rebuild.__name__ = rebuild.__qualname__ = name
    return rebuild


_rebuild_meta_tensor_no_storage = _unsupported("_rebuild_meta_tensor_no_storage", "meta-device tensors")
_rebuild_qtensor = _unsupported("_rebuild_qtensor", "quantized tensors")
_rebuild_sparse_tensor = _unsupported("_rebuild_sparse_tensor", "sparse tensors")
_rebuild_nested_tensor = _unsupported("_rebuild_nested_tensor", "nested tensors")
_rebuild_wrapper_subclass = _unsupported("_rebuild_wrapper_subclass", "wrapper-subclass tensors")


def _get_obj_state(obj):
    """The Python state torch pickles with a tensor subclass (``torch._utils._get_obj_state``): the instance
    ``__dict__`` minus ember's own bookkeeping (grad, view base, hooks), which torch keeps in C++."""
    d = obj.__dict__
    if not d:
        return None
    internal = _internal_names()
    state = {k: v for k, v in d.items() if k not in internal}
    return state or None


_internal_cache = [0, frozenset()]


def _internal_names():
    """Tensor's private class attributes (the defaults of its bookkeeping state); recomputed when op
    modules have added attributes since the last call."""
    attrs = vars(Tensor)
    if _internal_cache[0] != len(attrs):
        _internal_cache[:] = [len(attrs), frozenset(k for k in attrs if k.startswith("_"))]
    return _internal_cache[1]


def _set_obj_state(obj, state):
    """``torch._utils._set_obj_state``: set a ``__dict__`` state or a ``(dict, slots)`` pair as attributes."""
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    if dict_state:
        for k, v in dict_state.items():
            setattr(obj, k, v)
    if slots_state:
        for k, v in slots_state.items():
            setattr(obj, k, v)
    return obj
