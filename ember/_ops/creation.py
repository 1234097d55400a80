"""Tensor factories: tensor, as_tensor, from_numpy, asarray, empty/zeros/ones/full(+_like), eye, arange,
linspace, logspace, empty_strided, complex, polar — with torch's dtype inference and arguments."""
import math

import numpy as np

from .. import _dtype as D
from .._device import array_module, as_device
from .._tensor import Tensor, _wrap
from ._helpers import shape_arg


def _xp(device):
    return array_module(as_device(device))


def _finish(arr, requires_grad):
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype, default=None):
    if dtype is None:
        return (default or D.get_default_dtype()).np
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype.np


# ----------------------------------------------------------------------------------------------------
# from data

def _infer_array(data):
    """Turn nested Python data into an array with torch's dtype inference."""
    if isinstance(data, Tensor):
        return data._host().copy()
    if isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        return data
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_values(data)
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(_ragged_message(data)) from e
    if arr.dtype == object:
        bad = next((x for x in _flat(data) if not isinstance(x, (int, float, bool, complex, np.generic))), None)
        raise TypeError(f"new(): invalid data type '{type(bad).__name__}'" if bad is not None else
                        _ragged_message(data))
    k = arr.dtype.kind
    if k == "f":
        if not _has_numpy_scalars(data):
            arr = arr.astype(D.get_default_dtype().np)
    elif k == "c":
        if not _has_numpy_scalars(data):
            arr = arr.astype(D._defaults.complex.np)
    elif k in "iu":
        if not _has_numpy_scalars(data):
            arr = arr.astype(np.int64)
    elif k in "US":
        raise TypeError(f"new(): invalid data type 'str'")
    return arr


def _has_numpy_scalars(data):
    if isinstance(data, np.generic):
        return True
    if isinstance(data, (list, tuple)) and data:
        return all(isinstance(x, np.generic) for x in _flat(data))
    return False


def _flat(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            yield x


def _tensors_to_values(data):
    if isinstance(data, Tensor):
        if data._data.ndim:
            return [_tensors_to_values(x) for x in data.unbind(0)] if data._data.size else []
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_values(x) for x in data]
    return data


def _ragged_message(data):
    def walk(x, dim):
        if not isinstance(x, (list, tuple)):
            return None
        lens = [len(y) if isinstance(y, (list, tuple)) else None for y in x]
        first = lens[0] if lens else None
        for y, n in zip(x, lens):
            if n != first:
                return f"expected sequence of length {first} at dim {dim + 1} (got {n})"
            r = walk(y, dim + 1)
            if r:
                return r
        return None
    return walk(data, 0) or "could not convert data to a tensor"


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.tensor``: always copies; infers int64 / default float / bool / default complex."""
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _infer_array(data)
    if dtype is not None:
        arr = arr.astype(_np_dtype(dtype))
    elif arr.dtype.kind not in "biufc" and arr.dtype != D.bfloat16.np:
        D.from_numpy_dtype(arr.dtype)
    arr = np.array(arr, copy=True)
    xp = _xp(device)
    if xp is not np:
        arr = xp.asarray(arr)
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """``torch.as_tensor``: shares memory with a tensor or NumPy array when dtype and device allow."""
    if isinstance(data, Tensor):
        r = data
        if dtype is not None and dtype != data.dtype:
            r = r.to(dtype)
        if device is not None and as_device(device) != data.device:
            r = r.to(device)
        return r
    if isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        arr = data if dtype is None else data.astype(_np_dtype(dtype), copy=False)
        xp = _xp(device)
        return _wrap(arr if xp is np else xp.asarray(arr))
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    if isinstance(obj, Tensor):
        r = as_tensor(obj, dtype, device)
        if copy:
            r = r.clone()
    elif isinstance(obj, np.ndarray) or hasattr(obj, "__array_interface__") or hasattr(obj, "__cuda_array_interface__"):
        if copy is False and dtype is not None and np.dtype(_np_dtype(dtype)) != np.asarray(obj).dtype:
            raise ValueError("can't alias with copy=False when a dtype conversion is required")
        arr = np.asarray(obj)
        r = as_tensor(arr.copy() if copy else arr, dtype, device)
    else:
        r = tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        r.requires_grad_(True)
    return r


def from_numpy(ndarray):
    """``torch.from_numpy``: the tensor and the array share memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
    if not ndarray.flags.writeable:
        import warnings
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy "
                      "the array to protect its data or make it writable before converting it to a tensor. This "
                      "type of warning will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    return _wrap(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    arr = np.frombuffer(buffer, dtype=dtype.np, count=count, offset=offset)
    return _finish(arr, requires_grad)


# ----------------------------------------------------------------------------------------------------
# filled factories

def _factory(fill):
    def factory(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
                memory_format=None):
        shape = shape_arg(size)
        for s in shape:
            if s < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
        xp = _xp(device)
        npd = _np_dtype(dtype)
        arr = fill(xp, shape, npd)
        if out is not None:
            out._data = arr
            out._bump()
            return out
        return _finish(arr, requires_grad)
    return factory


empty = _factory(lambda xp, shape, d: xp.empty(shape, d))
zeros = _factory(lambda xp, shape, d: xp.zeros(shape, d))
ones = _factory(lambda xp, shape, d: xp.ones(shape, d))
empty.__name__, zeros.__name__, ones.__name__ = "empty", "zeros", "ones"


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """``torch.full``: dtype inferred from ``fill_value`` (int -> int64, float -> default, bool -> bool)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = D.scalar_dtype(fill_value)
    shape = shape_arg((size,)) if not isinstance(size, int) else (size,)
    arr = _xp(device).full(shape, fill_value, _np_dtype(dtype))
    if out is not None:
        out._data = arr
        out._bump()
        return out
    return _finish(arr, requires_grad)


def _like(fill):
    def factory(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        npd = input._data.dtype if dtype is None else _np_dtype(dtype)
        xp = _xp(device if device is not None else input.device)
        src = input._data
        if xp is np and type(src) is np.ndarray and _preserve(memory_format):
            arr = fill(np.empty_like(src, dtype=npd, order="K"))
        else:
            arr = fill(xp.empty(src.shape, npd))
        return _finish(arr, requires_grad)
    return factory


def _preserve(memory_format):
    return memory_format is None or str(memory_format) == "torch.preserve_format"


def _fill_zero(a):
    a[...] = 0
    return a


def _fill_one(a):
    a[...] = 1
    return a


empty_like = _like(lambda a: a)
zeros_like = _like(_fill_zero)
ones_like = _like(_fill_one)
empty_like.__name__, zeros_like.__name__, ones_like.__name__ = "empty_like", "zeros_like", "ones_like"


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    r = empty_like(input, dtype=dtype, device=device, memory_format=memory_format)
    r._data[...] = fill_value
    if requires_grad:
        r.requires_grad_(True)
    return r


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    size, stride = tuple(size), tuple(stride)
    npd = np.dtype(_np_dtype(dtype))
    n = sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(s > 0 for s in size) else 0
    buf = _xp(device).empty(max(n, 0), npd)
    arr = np.lib.stride_tricks.as_strided(buf, shape=size, strides=tuple(s * npd.itemsize for s in stride))
    return _finish(arr, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    arr = _xp(device).eye(n, n if m is None else m, dtype=_np_dtype(dtype))
    if out is not None:
        out._data = arr
        return out
    return _finish(arr, requires_grad)


# ----------------------------------------------------------------------------------------------------
# ranges

def _is_float(x):
    return isinstance(x, float) or (isinstance(x, Tensor) and x.is_floating_point()) or \
        (isinstance(x, np.floating))


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """``torch.arange``: int64 unless an argument is a float; values computed in double, then cast."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    if dtype is None:
        dtype = D.get_default_dtype() if any(_is_float(x) for x in (start, end, step)) else D.int64
    if step == 0:
        raise RuntimeError("step must be nonzero")
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = math.ceil((end - start) / step)
    npd = _np_dtype(dtype)
    if np.dtype(npd).kind in "iu" and all(isinstance(v, int) for v in (start, end, step)):
        arr = np.arange(start, start + n * step, step, dtype=npd)[:n]
    else:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(npd)
    xp = _xp(device)
    if xp is not np:
        arr = xp.asarray(arr)
    if out is not None:
        out._data = arr
        return out
    return _finish(arr, requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):
    """Deprecated ``torch.range``: inclusive of ``end``; default float dtype."""
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(_np_dtype(dtype))
    return _finish(arr, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``torch.linspace``: torch's symmetric kernel (first half from start, second half from end)."""
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if dtype is None:
        dtype = D._defaults.complex if isinstance(start, complex) or isinstance(end, complex) else D.get_default_dtype()
    npd = np.dtype(_np_dtype(dtype))
    if steps == 0:
        arr = np.empty(0, npd)
    elif steps == 1:
        arr = np.full(1, start, npd)
    else:
        work = np.float64 if npd.kind in "iub" else npd
        if npd == D.bfloat16.np or npd == np.float16:
            work = np.float32
        s, e = np.asarray(start).astype(npd).astype(work), np.asarray(end).astype(npd).astype(work)
        step = (e - s) / work(steps - 1) if npd.kind != "c" else (e - s) / (steps - 1)
        idx = np.arange(steps)
        half = steps // 2
        lo = s + step * idx[:half].astype(work)
        hi = e - step * (steps - 1 - idx[half:]).astype(work)
        arr = np.concatenate([lo, hi]).astype(npd)
    if out is not None:
        out._data = arr
        return out
    xp = _xp(device)
    return _finish(arr if xp is np else xp.asarray(arr), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    npd = np.dtype(_np_dtype(dtype))
    exps = linspace(start, end, steps, dtype=D.float64)._data
    arr = np.power(base, exps).astype(npd)
    return _finish(arr, requires_grad)


# ----------------------------------------------------------------------------------------------------
# complex builders

def complex(real, imag, *, out=None):
    if real._data.dtype != imag._data.dtype:
        raise RuntimeError(f"Expected object of scalar type {real.dtype} but got scalar type {imag.dtype} for "
                           f"second argument")
    if real._data.dtype not in (np.float32, np.float64, np.float16):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{real.dtype} and {imag.dtype}")
    return real + imag * 1j


def polar(abs, angle, *, out=None):
    return complex(abs * angle.cos(), abs * angle.sin())


# ----------------------------------------------------------------------------------------------------
# legacy constructors: Tensor(2, 3), Tensor([1, 2]), FloatTensor(...), tensor.new(...)

def _legacy_new(cls, dtype, args, kwargs):
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got {sorted(kwargs)}")
    if not args:
        t = empty(0, dtype=dtype, device=device)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src.dtype != dtype:
            raise TypeError(f"expected {dtype} (got {src.dtype})")
        t = src.detach()
    elif all(isinstance(a, int) for a in args) or (len(args) == 1 and type(args[0]).__name__ == "Size"):
        t = empty(*args, dtype=dtype, device=device)
    elif len(args) == 1:
        t = tensor(args[0], dtype=dtype, device=device)
    else:
        raise TypeError(f"new() received an invalid combination of arguments")
    if cls is not Tensor:
        sub = object.__new__(cls)
        from .._tensor import _init
        _init(sub, t._data)
        return sub
    return t
