"""Dtype/device conversion and whole-tensor writes: to, type, float/double/long/..., cpu/cuda, copy_,
fill_, zero_, new_tensor/new_zeros/new_ones/new_full/new_empty, type_as, equal, allclose, isclose."""
import numpy as np

from .. import _dtype as D
from .._device import array_module, as_array, as_device
from .._storage import writeable
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap
from ._helpers import _state, check_inplace, shape_arg


def _to_fwd(a, npd, xp):
    if xp is not None:
        if xp is np:
            a = a.get() if type(a) is not np.ndarray else a
        else:
            a = xp.asarray(a)
    if npd is not None and a.dtype != npd:
        a = a.astype(npd)
    return a


def _to_grad(ctx, g):
    shape, dt = ctx._in_meta[0]
    src_dev = ctx.args[2]
    if g._data.dtype.kind == "c" and dt.kind != "c":
        g = g.real  # real -> complex conversion: torch's derivative is at::real(grad)
    r = g.to(D._FROM_NP[dt])
    return (r.to(src_dev) if src_dev is not None else r,)


TO_COPY = Primitive("ToCopyBackward0", lambda a, npd, xp, src: _to_fwd(a, npd, xp), _to_grad)


def _parse_to(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif a is not None:
            device = a
    return dtype, device


def to(self, *args, **kwargs):
    """``Tensor.to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; returns self when nothing changes."""
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    dtype, device = _parse_to(args, dict(kwargs))
    src = self._data
    npd = dtype.np if dtype is not None and dtype.np != src.dtype else None
    xp = None
    src_dev = None
    if device is not None:
        dev = as_device(device)
        if dev != self.device and not (dev.type == self.device.type and dev.index is None):
            xp = array_module(dev)
            src_dev = self.device
    if npd is None and xp is None:
        return self.clone() if copy else self
    if npd is not None and src.dtype.kind == "c" and np.dtype(npd).kind != "c":
        import warnings
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=2)
    if npd is not None and np.dtype(npd).kind in "biu":
        return _wrap(_to_fwd(src, npd, xp))  # integer results carry no gradient (torch: requires_grad=False)
    return apply(TO_COPY, (self,), (npd, xp, src_dev))


def _caster(dt):
    def cast(self, memory_format=None):
        return to(self, dt)
    cast.__name__ = dt.name
    return cast


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """``Tensor.type()`` -> 'torch.FloatTensor'; ``type(dtype or 'torch.LongTensor')`` converts."""
    from .._legacy import legacy_type_name, dtype_of_type
    if dtype is None:
        return legacy_type_name(self)
    if isinstance(dtype, str) or isinstance(dtype, type):
        dtype = dtype_of_type(dtype)
    elif not isinstance(dtype, D.dtype):
        raise TypeError(f"type() received an invalid combination of arguments - got ({type(dtype).__name__}), "
                        f"but expected one of: (torch.dtype dtype, bool non_blocking) or (str dtype, ...)")
    return to(self, dtype)


def type_as(self, other):
    return to(self, other.dtype)


def cpu(self, memory_format=None):
    return to(self, "cpu")


def cuda(self, device=None, non_blocking=False, memory_format=None):
    return to(self, "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))


def _pinned_root(a):
    """The page-locked buffer (CuPy's ``PinnedMemoryPointer``) under NumPy array ``a``, or None."""
    while a is not None:
        if type(a).__name__ == "PinnedMemoryPointer":
            return a
        a = getattr(a, "base", None)
    return None


def is_pinned(self, device=None):
    """``Tensor.is_pinned()``: True when a CPU tensor's memory is page-locked (allocated by ``pin_memory``)."""
    return type(self._data) is np.ndarray and _pinned_root(self._data) is not None


PIN_MEMORY = Primitive("PinMemoryBackward0", lambda a: _pinned_copy(a), lambda ctx, g: (g,))


def _pinned_copy(a):
    from ..cuda import _cupyx
    out = _cupyx().empty_pinned(a.shape, a.dtype)
    np.copyto(out, a)
    return out


def pin_memory(self, device=None):
    """``Tensor.pin_memory()``: a copy in page-locked host memory (CuPy's pinned pool), so ``.to('cuda',
    non_blocking=True)`` can overlap with compute.  torch's errors: no accelerator, or a non-CPU tensor."""
    from ..accelerator import is_available
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if self.device.type != "cpu":
        from .._legacy import legacy_type_name
        raise RuntimeError(f"cannot pin '{legacy_type_name(self)}' only dense CPU tensors can be pinned")
    if is_pinned(self):
        return self
    return apply(PIN_MEMORY, (self,))


# ----------------------------------------------------------------------------------------------------
# whole-tensor writes

def _copy_grad(ctx, g):
    return g * 0, g


COPY = Primitive("CopyBackwards", lambda dst, src: src, _copy_grad)


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast, moved across devices) into ``self`` in place."""
    from ._helpers import commit_inplace
    check_inplace(self)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    sd = src._data
    if type(sd) is not type(self._data):
        sd = _to_fwd(sd, None, array_module(self.device))
    try:
        b = np.broadcast_to(sd, self._data.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) must match the "
                           f"size of tensor b ({sd.shape[-1] if sd.ndim else 1}) at non-singleton dimension "
                           f"{self._data.ndim - 1}") from None
    if not (_state.enabled and (self._requires_grad or src._requires_grad)):
        if not writeable(self._data):
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.")
        if src._data.dtype.kind == "c" and self._data.dtype.kind != "c":
            b = b.real
        self._data[...] = b
        self._bump()
        return self
    from ._helpers import inplace_snapshot
    snap = inplace_snapshot(self) if self._requires_grad else self.detach()
    srcc = src if src._data.dtype == self._data.dtype and type(src._data) is type(self._data) else \
        to(src, self.device, self.dtype)
    if srcc._data.shape != self._data.shape:
        srcc = srcc.expand(self._data.shape)
    r = apply(COPY, (snap, srcc))
    return commit_inplace(self, r)


def fill_(self, value):
    check_inplace(self)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        if _state.enabled and (value._requires_grad or self._requires_grad):
            return copy_(self, value.expand(self._data.shape))
        value = value.item()
    if _state.enabled and self._requires_grad:
        from .creation import full_like
        return copy_(self, full_like(self, value))
    self._data[...] = value
    self._bump()
    return self


def zero_(self):
    return fill_(self, 0)


# ----------------------------------------------------------------------------------------------------
# new_* factories: same dtype and device as self unless given

def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    from .creation import tensor
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def _new_factory(name):
    def factory(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False,
                **kwargs):
        from . import creation
        if "size" in kwargs:
            if size:
                raise TypeError(f"new_{name}() got multiple values for argument 'size'")
            size = (kwargs.pop("size"),)
        if kwargs:
            raise TypeError(f"new_{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return getattr(creation, name)(*size, dtype=dtype or self.dtype, device=device or self.device,
                                       requires_grad=requires_grad)
    factory.__name__ = "new_" + name
    return factory


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                      pin_memory=False):
    from .creation import empty_strided
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    from .creation import full
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def new(self, *args, **kwargs):
    """``x.new(...)``: the legacy constructor with ``x``'s dtype, on ``x``'s device unless ``device=`` says."""
    from .creation import _legacy_new
    kwargs.setdefault("device", self.device)
    return _legacy_new(Tensor, self.dtype, args, kwargs)


# ----------------------------------------------------------------------------------------------------
# comparisons of whole tensors

def equal(input, other):
    """True when shapes and all values are equal (dtypes may differ)."""
    a, b = input._data, other._data
    if a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    a, b = input._data, other._data
    if a.dtype.kind in "iub":
        a, b = a.astype(np.float64), b.astype(np.float64)
    return _wrap(as_array(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _bind():
    for dt, name in ((D.float32, "float"), (D.float64, "double"), (D.float16, "half"), (D.bfloat16, "bfloat16"),
                     (D.int64, "long"), (D.int32, "int"), (D.int16, "short"), (D.int8, "char"), (D.uint8, "byte"),
                     (D.bool, "bool"), (D.complex64, "cfloat"), (D.complex128, "cdouble")):
        setattr(Tensor, name, _caster(dt))
    Tensor.to = to
    Tensor.type = type_
    Tensor.type_as = type_as
    Tensor.cpu = cpu
    Tensor.cuda = cuda
    Tensor.is_pinned = is_pinned
    Tensor.pin_memory = pin_memory
    Tensor.copy_ = copy_
    Tensor.fill_ = fill_
    Tensor.zero_ = zero_
    Tensor.new_tensor = new_tensor
    for name in ("zeros", "ones", "empty"):
        setattr(Tensor, "new_" + name, _new_factory(name))
    Tensor.new_full = new_full
    Tensor.new_empty_strided = new_empty_strided
    Tensor.new = new
    Tensor.equal = equal
    Tensor.isclose = isclose
    Tensor.allclose = allclose


_bind()
