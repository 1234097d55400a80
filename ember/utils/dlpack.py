"""``torch.utils.dlpack``: zero-copy tensor exchange with any DLPack producer or consumer.

``from_dlpack(x)`` accepts an object with ``__dlpack__`` (a NumPy or CuPy array, a real torch tensor, a
JAX array ...) or a raw ``dltensor`` capsule, and returns an ember tensor sharing its memory.
Importing this module gives ``Tensor`` its ``__dlpack__`` / ``__dlpack_device__`` methods, so
``np.from_dlpack(tensor)`` and ``torch.from_dlpack(tensor)`` share an ember tensor's memory too.

NumPy's DLPack support has no bfloat16; ember moves bfloat16 across as 16-bit unsigned integers and
rewrites the dtype code in the exchanged ``DLTensor`` (``kDLBfloat`` <-> ``kDLUInt``), so bfloat16
tensors are exchanged without a copy as well.
"""
import ctypes
import enum

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap

__all__ = ["from_dlpack", "to_dlpack", "DLDeviceType"]


class DLDeviceType(enum.IntEnum):
    """DLPack device type codes (``torch.utils.dlpack.DLDeviceType``)."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14


_kDLUInt, _kDLBfloat = 1, 4
_LEGACY, _VERSIONED = b"dltensor", b"dltensor_versioned"

_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_is_valid.restype = ctypes.c_int
_is_valid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype = ctypes.c_void_p
_get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _dltensor(capsule):
    """(address of the capsule's DLTensor, whether the capsule is the versioned kind).

    ``DLManagedTensor`` starts with its ``DLTensor``; ``DLManagedTensorVersioned`` has a version, the
    manager context, the deleter and the flags (32 bytes) before it."""
    if _is_valid(capsule, _VERSIONED):
        return _get_pointer(capsule, _VERSIONED) + 32, True
    if _is_valid(capsule, _LEGACY):
        return _get_pointer(capsule, _LEGACY), False
    if type(capsule).__name__ != "PyCapsule":
        raise TypeError(f"from_dlpack: expected an object with __dlpack__ or a DLPack capsule, got "
                        f"{type(capsule).__name__}")
    raise TypeError("from_dlpack: expected a DLPack capsule named 'dltensor' or 'dltensor_versioned'; a capsule "
                    "can only be consumed once")


def _retag(capsule, from_code, to_code):
    """Rewrite a 16-bit DLTensor dtype code in place; True if the capsule held ``from_code``."""
    addr, _ = _dltensor(capsule)
    code = ctypes.c_uint8.from_address(addr + 20)  # DLTensor.dtype: code (u8), bits (u8), lanes (u16)
    if code.value == from_code and ctypes.c_uint8.from_address(addr + 21).value == 16:
        code.value = to_code
        return True
    return False


def _capsule_device(capsule):
    addr, _ = _dltensor(capsule)
    return ctypes.c_int32.from_address(addr + 8).value, ctypes.c_int32.from_address(addr + 12).value


class _Producer:
    """Hands a producer's capsule to NumPy/CuPy, turning bfloat16 into uint16 on the way."""
    __slots__ = ("source", "device", "bfloat16", "versioned")

    def __init__(self, source, device):
        self.source, self.device = source, device
        self.bfloat16 = self.versioned = False

    def __dlpack__(self, **kwargs):
        src = self.source
        cap = src.__dlpack__(**kwargs) if hasattr(src, "__dlpack__") else src
        self.versioned = _dltensor(cap)[1]
        self.bfloat16 = _retag(cap, _kDLBfloat, _kDLUInt)
        return cap

    def __dlpack_device__(self):
        return self.device


class _Writable:
    """An array interface over memory a legacy (unversioned) capsule exports: DLPack before 1.0 has no
    read-only flag and torch treats such memory as writable, while NumPy marks it read-only."""
    __slots__ = ("__array_interface__", "owner")

    def __init__(self, arr):
        self.owner = arr
        self.__array_interface__ = {"data": (arr.__array_interface__["data"][0], False), "shape": arr.shape,
                                    "strides": arr.strides, "typestr": arr.dtype.str, "version": 3}


def from_dlpack(ext_tensor):
    """``torch.from_dlpack``: an ember tensor sharing the memory of ``ext_tensor`` (an object with
    ``__dlpack__``/``__dlpack_device__``, or a DLPack capsule)."""
    if hasattr(ext_tensor, "__dlpack__"):
        device = tuple(ext_tensor.__dlpack_device__())
    else:
        device = _capsule_device(ext_tensor)
    producer = _Producer(ext_tensor, device)
    kind = device[0]
    if kind in (DLDeviceType.kDLCPU, DLDeviceType.kDLCUDAHost, DLDeviceType.kDLROCMHost):
        arr = np.from_dlpack(producer)
        if not producer.versioned and not arr.flags.writeable:
            arr = np.asarray(_Writable(arr))
    elif kind in (DLDeviceType.kDLCUDA, DLDeviceType.kDLCUDAManaged, DLDeviceType.kDLROCM):
        try:
            import cupy
        except ImportError:
            raise RuntimeError("from_dlpack: the tensor is on a CUDA device but CuPy is not installed "
                               "(pip install ember[cuda])") from None
        arr = cupy.from_dlpack(producer)
    else:
        raise RuntimeError(f"from_dlpack: unsupported device type {kind} (ember has CPU and CUDA tensors)")
    if producer.bfloat16:
        arr = arr.view(D.bfloat16.np)
    D.from_numpy_dtype(arr.dtype)  # TypeError for dtypes ember has no equivalent of
    return _wrap(arr)


def to_dlpack(tensor):
    """``torch.utils.dlpack.to_dlpack``: a (legacy, unversioned) DLPack capsule sharing ``tensor``'s memory."""
    return tensor.__dlpack__()


def _tensor_dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """``Tensor.__dlpack__``: export this tensor's memory as a DLPack capsule (no copy)."""
    if self._requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    a = self._data
    bf16 = a.dtype == D.bfloat16.np
    if bf16:
        a = a.view(np.uint16)
    kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version), ("dl_device", dl_device),
                                ("copy", copy)) if v is not None}
    cap = a.__dlpack__(**kwargs)
    if bf16:
        _retag(cap, _kDLUInt, _kDLBfloat)
    return cap


def _tensor_dlpack_device(self):
    """``Tensor.__dlpack_device__``: (device type, device index) as DLPack codes."""
    kind, index = self._data.__dlpack_device__()
    return DLDeviceType(kind), index


Tensor.__dlpack__ = _tensor_dlpack
Tensor.__dlpack_device__ = _tensor_dlpack_device
