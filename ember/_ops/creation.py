"""Tensor factories: tensor, as_tensor, asarray, from_numpy, frombuffer, empty/zeros/ones/full(+_like),
empty_strided, eye, arange, range, linspace, logspace, complex, polar, and the legacy ``Tensor(...)``
constructor — with torch's argument forms, dtype inference, overflow checks and errors.

arange/linspace/logspace reproduce the arithmetic of torch's CPU kernels (accumulate type, fused
multiply-add, the vectorised blocks of ``arange`` and the two halves of ``linspace``), so float results
are bit-equal to torch's, not merely close.
"""
import builtins
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._device import array_module, as_device
from .._flags import default_device as _default_device, fill_uninitialized, flags as _flags
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import Size, Tensor, _init, _wrap
from ._helpers import _state

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "frombuffer", "empty", "zeros", "ones", "full",
           "empty_like", "zeros_like", "ones_like", "full_like", "empty_strided", "eye", "arange", "range",
           "linspace", "logspace", "complex", "polar"]

_PY_TYPE_DTYPES = {builtins.float: D.float64, builtins.int: D.int64, builtins.bool: D.bool,
                   builtins.complex: D.complex128}
# the C++ types torch names in the messages of its checked scalar conversions
_CPP_NAMES = {D.bool: "bool", D.uint8: "uint8_t", D.int8: "int8_t", D.int16: "int16_t", D.int32: "int",
              D.int64: "int64_t", D.float16: "c10::Half", D.bfloat16: "c10::BFloat16", D.float32: "float",
              D.float64: "double", D.complex64: "c10::complex<float>", D.complex128: "c10::complex<double>"}
_NEGATIVE_STRIDES = ("At least one stride in the given numpy array is negative, and tensors with negative strides "
                     "are not currently supported. (You can probably work around this by making a copy of your "
                     "array  with array.copy().) ")


# ----------------------------------------------------------------------------------------------------
# argument normalisation

def _scalar_name(dt):
    """c10's ScalarType name (``Float``) that torch's messages use."""
    return D._SCALAR_NAMES[dt.name]


def _dtype_arg(dtype, fname):
    """A ``dtype=`` argument: an ember dtype, None, or a Python type (float -> float64, as torch)."""
    if dtype is None or isinstance(dtype, D.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PY_TYPE_DTYPES:
        return _PY_TYPE_DTYPES[dtype]
    raise TypeError(f"{fname}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")


def _typename(x):
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _int_arg(x):
    if isinstance(x, builtins.int):
        return builtins.int(x)
    if isinstance(x, (np.integer, Tensor)) or (hasattr(x, "__index__") and not isinstance(x, builtins.float)):
        try:
            return x.__index__()
        except (TypeError, RuntimeError):
            return None
    return None


def _size_arg(args, size, fname):
    """The shape from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(Size)`` or ``f(size=...)``."""
    if size is None and args:
        seq = args[0] if len(args) == 1 and type(args[0]) in (tuple, Size, list) else args
        if all(type(x) is builtins.int for x in seq):
            return tuple(seq)
    if size is not None:
        if args:
            raise TypeError(f"{fname}() got multiple values for argument 'size'")
        args = (size,)
    if not args:
        raise TypeError(f'{fname}() missing 1 required positional arguments: "size"')
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        seq = args[0]
    elif len(args) > 1 and isinstance(args[0], (tuple, list)):
        raise TypeError(f"{fname}() takes 1 positional argument but {len(args)} were given")
    else:
        seq = args
    out = []
    for i, s in enumerate(seq):
        v = None if i == 0 and seq is args and isinstance(s, builtins.bool) else _int_arg(s)
        if v is None:
            if i == 0 and seq is args:
                raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                                f"{_typename(s)}")
            raise TypeError(f"{fname}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {type(s).__name__}\"")
        out.append(v)
    return tuple(out)


def _check_size(shape, fname="empty"):
    for s in shape:
        if s < 0:
            if fname == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")


def _check_requires_grad(dt, requires_grad):
    if requires_grad and dt.category < D.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def _finish(arr, requires_grad, device=None):
    """Wrap a host array as the result, moved to ``device`` and flagged ``requires_grad``."""
    if device is not None:
        xp = array_module(as_device(device))
        if xp is not np:
            arr = xp.asarray(arr)
    t = _wrap(arr)
    if requires_grad:
        t._requires_grad = True
    return t


_NO_PINNED_ALLOCATOR = ("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator "
                        "is available on this system.")


def _pinned(t, pin_memory):
    """``pin_memory=True`` of a factory: the result in page-locked memory (torch's error without an accelerator)."""
    if not pin_memory:
        return t
    from ..accelerator import is_available
    if not is_available():
        raise RuntimeError(_NO_PINNED_ALLOCATOR)
    r = t.detach().pin_memory()
    r._requires_grad = t._requires_grad
    return r


def _out_dtype(dtype, out, fname):
    """The dtype a factory with ``out=`` produces: out's own, which an explicit dtype must equal."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{fname}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and out._requires_grad:
        raise RuntimeError(f"aten::{fname}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {_scalar_name(dtype)} does not match dtype of out parameter "
                           f"({_scalar_name(out.dtype)})")
    return out.dtype


def _write_out(out, arr):
    """Put a factory's result into ``out``: in place when the shape matches, else ``out`` is resized."""
    if out._data.shape == arr.shape:
        out._data[...] = arr
    else:
        xp = array_module(out.device)
        out._data = arr if xp is np else xp.asarray(arr)
    out._bump()
    return out


# ----------------------------------------------------------------------------------------------------
# checked scalar conversion (c10::checked_convert), used by full/full_like and by tensor() for integers

def _overflows(value, dt):
    """Whether Python scalar ``value`` can't be converted to ``dt`` (c10's ``overflows`` rule)."""
    if dt is D.bool:
        return False
    if isinstance(value, builtins.complex):
        if dt.category == D.COMPLEX:
            part = D.float32 if dt is D.complex64 else D.float64
            return _overflows(value.real, part) or _overflows(value.imag, part)
        if value.imag != 0:
            return True
        value = value.real
    if dt.category == D.COMPLEX:
        dt = dt.to_real()
    if dt.category == D.INT:
        info = np.iinfo(dt.np)
        if isinstance(value, builtins.float):
            return math.isnan(value) or value < info.min or value > info.max
        if info.min == 0:
            # unsigned: negative integers wrap around (two's complement)
            return value > info.max or (value < 0 and -value > info.max)
        return value < info.min or value > info.max
    if isinstance(value, builtins.float) and (math.isinf(value) or math.isnan(value)):
        return False
    fi = D.finfo(dt)
    return value < fi.min or value > fi.max


def _checked(value, dt):
    if isinstance(value, builtins.int) and not (-2 ** 63 <= value < 2 ** 64):
        raise OverflowError("int too big to convert")
    if _overflows(value, dt):
        raise RuntimeError(f"value cannot be converted to type {_CPP_NAMES[dt]} without overflow")
    if isinstance(value, builtins.complex) and dt.category != D.COMPLEX:
        value = value.real
    return _cast(np.asarray(value), dt)[()]


def _cast(a, dt):
    """``a.astype(dt)`` the way C++ converts to c10::Half/BFloat16: through float (two roundings)."""
    if dt is D.float16 or dt is D.bfloat16:
        if a.dtype.kind in "fiu" and a.dtype not in (np.float32, np.float16, D.bfloat16.np):
            a = a.astype(np.float32)
    return a.astype(dt.np, copy=False)


def _number(x, fname, argname, position):
    """A ``Number`` argument: Python scalar, NumPy scalar or 0-d tensor, as torch's ``Scalar`` sees it."""
    if isinstance(x, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        return x
    if isinstance(x, Tensor):
        if x._data.ndim == 0:
            v = x.item()
            return builtins.bool(v) if x.dtype is D.bool else v
    elif isinstance(x, np.integer):
        return builtins.int(x)
    elif isinstance(x, np.generic):
        # torch reads other NumPy scalars (bool_, floating, complexfloating) as a Python float
        return builtins.float(x.real) if isinstance(x, np.complexfloating) else builtins.float(x)
    raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be Number, not "
                    f"{type(x).__name__}")


# ----------------------------------------------------------------------------------------------------
# from data: tensor, as_tensor, asarray, from_numpy, frombuffer

def _check_numpy(a):
    """torch only converts NumPy arrays of its dtypes, in native byte order, with non-negative strides."""
    try:
        D.from_numpy_dtype(a.dtype)
    except TypeError:
        raise TypeError(f"can't convert np.ndarray of type numpy.{a.dtype.type.__name__}. The only supported "
                        "types are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                        "uint64, uint32, uint16, uint8, and bool.") from None
    if not a.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
    if any(s < 0 for s in a.strides):
        raise ValueError(_NEGATIVE_STRIDES)


def _is_seq(x):
    return isinstance(x, (list, tuple, builtins.range, np.ndarray))


def _leaf_dtype(k):
    """The dtype torch infers for one leaf type of nested data."""
    if issubclass(k, np.generic):
        _check_numpy(np.empty(0, np.dtype(k)))
        return D.from_numpy_dtype(np.dtype(k))
    if issubclass(k, builtins.bool):
        return D.bool
    if issubclass(k, builtins.int):
        return D.int64
    if issubclass(k, builtins.float):
        return D.get_default_dtype()
    if issubclass(k, builtins.complex):
        return D.default_complex()
    if issubclass(k, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{k.__name__}'")
    raise RuntimeError(f"Could not infer dtype of {k.__name__}")


def _scan(data):
    """Leaf types, tensor leaves and nested arrays of a nested sequence (one pass, level by level)."""
    types, tensors, arrays = set(), [], []
    stack = [data]
    while stack:
        seq = stack.pop()
        if isinstance(seq, np.ndarray):
            if seq.ndim == 0:
                raise TypeError("len() of unsized object")
            _check_numpy(seq)
            arrays.append(seq)
            continue
        for k in set(map(type, seq)):
            if issubclass(k, (list, tuple, builtins.range, np.ndarray)):
                stack.extend(x for x in seq if type(x) is k)
            elif issubclass(k, Tensor):
                tensors.extend(x for x in seq if type(x) is k)
            else:
                types.add(k)
    return types, tensors, arrays


def _first_sizes(data):
    """torch's ``compute_sizes``: the shape read off the first element at each depth."""
    sizes = []
    x = data
    while _is_seq(x):
        if isinstance(x, np.ndarray):
            return sizes + list(x.shape)
        sizes.append(len(x))
        if not len(x):
            break
        x = x[0]
        if isinstance(x, str):
            raise ValueError("too many dimensions 'str'")
    return sizes


def _shape_error(data, dt):
    """The error torch raises for nested data that is not rectangular (None when it is)."""
    sizes = _first_sizes(data)
    stack = [(data, 0)]
    while stack:
        seq, dim = stack.pop()
        if dim == len(sizes):
            if _is_seq(seq):
                name = type(seq).__name__
                return TypeError(f"'{name}' object cannot be interpreted as an integer" if dt.category <= D.INT
                                 else f"must be real number, not {name}")
            continue
        if not _is_seq(seq):
            return TypeError("not a sequence")
        if len(seq) != sizes[dim]:
            return ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)})")
        stack.extend((x, dim + 1) for x in reversed(list(seq)))
    return None


def _items(data):
    """Nested data with each tensor leaf replaced by its Python value (torch reads them as scalars)."""
    if isinstance(data, Tensor):
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_items(x) for x in data]
    return data


def _check_integer_values(raw, dt):
    """torch refuses Python values out of an integer dtype's range (negatives may wrap for unsigned)."""
    info = np.iinfo(dt.np)
    if raw.dtype.kind == "f":
        bad = np.isnan(raw) | (raw < info.min) | (raw > info.max)
    elif raw.dtype.kind == "i" and (dt.itemsize < 8 or info.min == 0):
        bad = (raw > info.max) | ((raw < -info.max) if info.min == 0 else (raw < info.min))
    else:
        return
    if bad.any():
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")


def _from_data(data, dtype):
    """A new host array holding ``data`` (torch's ``internal_new_from_data``), of ``dtype`` or inferred."""
    if isinstance(data, (Tensor, np.ndarray)):
        # a copy keeping the source's layout (torch's preserve_format)
        a = data._host() if isinstance(data, Tensor) else data
        if isinstance(data, np.ndarray):
            _check_numpy(a)
        out = np.empty(a.shape, a.dtype if dtype is None else dtype.np) if a.flags.c_contiguous else \
            _empty_with_strides(np, a.shape, _dense_strides(a.shape, tuple(s // a.itemsize for s in a.strides)),
                                a.dtype if dtype is None else dtype.np)
        out[...] = a if dtype is None else _cast(a, dtype)
        return out
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if _is_seq(data):
        _first_sizes(data)  # torch's error for a string met where a sequence is expected comes first
        types, tensors, arrays = _scan(data)
    elif isinstance(data, (builtins.bool, builtins.int, builtins.float, builtins.complex, np.generic)):
        types, tensors, arrays = {type(data)}, [], []
    else:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    inferred = None
    if dtype is not None:
        # no inference: each leaf must convert to the requested dtype
        bad = next((k for k in types if not issubclass(k, (builtins.bool, builtins.int, builtins.float,
                                                           builtins.complex, np.generic))), None)
        if bad is not None:
            raise TypeError(f"'{bad.__name__}' object cannot be interpreted as an integer"
                            if dtype.category == D.INT else f"must be real number, not {bad.__name__}")
    for d in [_leaf_dtype(k) for k in types] + [t.dtype for t in tensors] + \
             [D.from_numpy_dtype(a.dtype) for a in arrays]:
        inferred = d if inferred is None else D.promote_types(inferred, d)
    dt = dtype or inferred or D.get_default_dtype()
    if tensors:
        data = _items(data)
    try:
        raw = np.array(data)
    except ValueError:
        raise (_shape_error(data, dt) or ValueError("could not convert data to a tensor")) from None
    scalars_only = not tensors and not arrays
    if raw.dtype == object:
        err = _shape_error(data, dt) if _is_seq(data) else None
        if err is not None:
            raise err
        # Python integers beyond 64 bits
        if dt.category <= D.INT:
            raise ValueError("Overflow when unpacking long long")
        raw = np.array(data, dtype=np.complex128 if dt.category == D.COMPLEX else np.float64)
    if scalars_only and dt.category == D.INT:
        if raw.dtype == np.uint64:
            # Python integers in [2**63, 2**64)
            raise ValueError("Overflow when unpacking long long")
        if raw.dtype.kind == "c" and builtins.complex in types:
            raise TypeError("'complex' object cannot be interpreted as an integer")
        _check_integer_values(raw, dt)
    elif scalars_only and dt.category == D.FLOAT and raw.dtype.kind == "c" and builtins.complex in types:
        raise TypeError("must be real number, not complex")
    return _cast(raw, dt)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.tensor``: always copies ``data`` (nested sequences, scalars, arrays, tensors).

    The dtype is inferred as torch does: Python ints -> int64, floats -> the default dtype, bools -> bool,
    complex -> the default complex dtype; NumPy scalars/arrays and tensors keep theirs, all promoted together.
    """
    device = _default_device.device if device is None else device  # torch.set_default_device
    dtype = _dtype_arg(dtype, "tensor")
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _from_data(data, dtype)
    _check_requires_grad(D._FROM_NP[arr.dtype], requires_grad)
    return _pinned(_finish(arr, requires_grad, device), pin_memory)


def as_tensor(data, dtype=None, device=None):
    """``torch.as_tensor``: no copy (and, for tensors, the same object) when dtype and device already match.

    NumPy arrays of the requested dtype are shared; a tensor needing another dtype/device is converted with
    ``.to`` (keeping its autograd history); anything else is copied as by ``torch.tensor``.
    """
    device = _default_device.device if device is None else device  # torch.set_default_device
    dtype = _dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray):
        _check_numpy(data)
        if device is None or as_device(device).type == "cpu":
            arr = data if dtype is None or dtype.np == data.dtype else _cast(data, dtype)
            return _wrap(arr)
        return _finish(data if dtype is None else _cast(data, dtype), False, device)
    return _finish(_from_data(data, dtype), False, device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None):
    """``torch.asarray``: share memory with ``obj`` (tensor, array, buffer) whenever dtype/device allow.

    ``copy=True`` always copies, ``copy=False`` raises ValueError where a copy would be needed.  With
    ``requires_grad=None`` a tensor's own flag (and history) is kept; True/False set it, as torch does.
    """
    device = _default_device.device if device is None else device  # torch.set_default_device
    dtype = _dtype_arg(dtype, "asarray")
    if isinstance(obj, Tensor):
        dev = None if device is None else as_device(device)
        convert = (dtype is not None and dtype is not obj.dtype) or (dev is not None and dev != obj.device and
                                                                    not (dev.type == obj.device.type and
                                                                         dev.index is None))
        if convert and copy is False:
            if dtype is not None and dtype is not obj.dtype:
                raise ValueError(f"can't alias tensor with dtype '{_scalar_name(obj.dtype)}' into dtype "
                                 f"'{_scalar_name(dtype)}'.")
            raise ValueError(f"can't alias tensor from device '{obj.device}' to '{dev}'.")
        if requires_grad is None and (convert or copy) and obj._requires_grad:
            warnings.warn("torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of "
                          "False. Pass requires_grad=False explicitly to get the old behavior and silence this "
                          "warning.", UserWarning, stacklevel=2)
        r = obj
        if convert:
            r = r.to(dtype=dtype, device=device)
        elif copy:
            r = r.clone()
        if requires_grad is None:
            return r
        _check_requires_grad(r.dtype, requires_grad)
        if not requires_grad:
            return r.detach() if r._grad_fn is not None else r.requires_grad_(False)
        return r.requires_grad_(True) if r._grad_fn is None else r
    if isinstance(obj, np.generic):
        obj = np.asarray(obj)
        copy = True if copy is None else copy
    if isinstance(obj, np.ndarray):
        _check_numpy(obj)
        same = dtype is None or dtype.np == obj.dtype
        if copy is False and not same:
            raise ValueError(f"can't alias tensor with dtype '{_scalar_name(D.from_numpy_dtype(obj.dtype))}' into "
                             f"dtype '{_scalar_name(dtype)}'.")
        arr = obj if same else _cast(obj, dtype)
        if copy and arr is obj:
            arr = obj.copy()
        r = _finish(arr, False, device)
    elif not isinstance(obj, (str, builtins.int, builtins.float, builtins.complex, list, tuple, builtins.range)) \
            and _has_buffer(obj):
        npd = (dtype or D.get_default_dtype()).np
        arr = np.frombuffer(obj, dtype=npd) if not copy else np.frombuffer(obj, dtype=npd).copy()
        r = _finish(arr, False, device)
    else:
        if copy is False:
            raise ValueError(f"can't alias Python object of type {type(obj).__name__}: a copy is needed.")
        r = _finish(_from_data(obj, dtype), False, device)
    if requires_grad:
        _check_requires_grad(r.dtype, True)
        r._requires_grad = True
    return r


def _has_buffer(obj):
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def from_numpy(ndarray):
    """``torch.from_numpy``: a tensor sharing ``ndarray``'s memory (same dtype, shape and strides)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_typename(ndarray)})")
    _check_numpy(ndarray)
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy "
                      "the array to protect its data or make it writable before converting it to a tensor. This "
                      "type of warning will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    if ndarray.size == 0 and ndarray.base is None:
        ndarray = ndarray.view()  # torch keeps the array's own strides, which a fresh empty ember array lacks
    return _wrap(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """``torch.frombuffer``: a 1-D tensor sharing the memory of an object with the buffer protocol."""
    dtype = _dtype_arg(dtype, "frombuffer")
    try:
        mv = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    n = mv.nbytes
    size = dtype.itemsize
    if n == 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if offset < 0 or offset >= n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({n} "
                         f"bytes) minus 1")
    if count < 0:
        if (n - offset) % size:
            raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) must be a multiple "
                             f"of element size ({size})")
        count = (n - offset) // size
    elif offset + count * size > n:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({n} bytes)")
    if mv.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
                      "may want to copy the buffer to protect its data or make it writable before converting it to "
                      "a tensor. This type of warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
    arr = np.frombuffer(mv, dtype=dtype.np, count=count, offset=offset)
    _check_requires_grad(dtype, requires_grad)
    return _finish(arr, requires_grad)


# ----------------------------------------------------------------------------------------------------
# filled factories

def _factory(name, fill):
    def factory(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False, memory_format=None):
        device = _default_device.device if device is None else device  # torch.set_default_device
        shape = _size_arg(args, size, name)
        dt = dtype if dtype is None or type(dtype) is D.dtype else _dtype_arg(dtype, name)
        if out is not None:
            _check_size(shape, name)
            return _write_out(out, fill(shape, _out_dtype(dt, out, name).np))
        dt = dt or D.get_default_dtype()
        if requires_grad:
            _check_requires_grad(dt, requires_grad)
        try:
            arr = fill(shape, dt.np) if device is None or as_device(device).type == "cpu" else \
                getattr(array_module(as_device(device)), name)(shape, dt.np)
        except ValueError:
            _check_size(shape, name)
            raise
        if fill is np.empty and _flags.deterministic:
            fill_uninitialized(arr)
        t = _wrap(arr)
        t._requires_grad = builtins.bool(requires_grad)
        return _pinned(t, pin_memory)
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = f"``torch.{name}(*size, dtype=None, device=None, requires_grad=False, out=None)``."
    return factory


empty = _factory("empty", np.empty)
zeros = _factory("zeros", np.zeros)
ones = _factory("ones", np.ones)


def _fill_dtype(value):
    """The dtype ``full`` infers from its fill value (a Number: bool, int, float or complex)."""
    if isinstance(value, builtins.bool):
        return D.bool
    if isinstance(value, builtins.int):
        return D.int64
    if isinstance(value, builtins.float):
        return D.get_default_dtype()
    return D.default_complex()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """``torch.full``: dtype inferred from ``fill_value`` (bool -> bool, int -> int64, float -> default, complex ->
    default complex); the value must fit the dtype (RuntimeError otherwise, as torch's checked conversion)."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    shape = _size_arg((size,), None, "full")
    value = _number(fill_value, "full", "fill_value", 2)
    dt = _dtype_arg(dtype, "full")
    _check_size(shape)
    if out is not None:
        dt = _out_dtype(dt, out, "full")
        return _write_out(out, np.full(shape, _checked(value, dt), dt.np))
    dt = dt or _fill_dtype(value)
    _check_requires_grad(dt, requires_grad)
    return _pinned(_finish(np.full(shape, _checked(value, dt), dt.np), requires_grad, device), pin_memory)


def _memory_order(memory_format, ndim):
    """The NumPy ``order`` for a ``memory_format`` (None: preserve), or the NHWC axis order for channels_last."""
    name = "torch.preserve_format" if memory_format is None else str(memory_format)
    if name == "torch.preserve_format":
        return "K"
    if name == "torch.contiguous_format":
        return "C"
    if name in ("torch.channels_last", "torch.channels_last_3d"):
        want = 4 if name == "torch.channels_last" else 5
        if ndim != want:
            raise RuntimeError(f"required rank {want} tensor to use {name[6:]} format")
        return (0,) + tuple(builtins.range(2, ndim)) + (1,)
    raise RuntimeError(f"unsupported memory format {name}")


def _like(name, value):
    def factory(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        dt = _dtype_arg(dtype, name) or input.dtype
        _check_requires_grad(dt, requires_grad)
        arr = _empty_like(input, dt, device, memory_format)
        if value is not None:
            arr[...] = value
        elif _flags.deterministic:
            fill_uninitialized(arr)
        return _finish(arr, requires_grad)
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = (f"``torch.{name}``: input's shape, dtype and device unless given; strides preserved "
                       "(``memory_format=torch.preserve_format``) for dense inputs.")
    return factory


def _dense_strides(shape, strides):
    """The strides torch's ``preserve_format`` gives a new tensor shaped like one with ``strides``.

    A non-overlapping, dense input keeps its strides; otherwise the dims are ordered by stride
    (``infer_dense_strides``: stable insertion sort, stride-0 dims stay in place) and packed densely.
    """
    ndim = len(shape)
    if ndim == 1 and (shape[0] < 2 or strides[0] == 1):
        return tuple(strides)
    perm = sorted(builtins.range(ndim), key=lambda d: (shape[d] < 2, strides[d] if shape[d] >= 2 else 0))
    need = 1
    for d in perm:
        if shape[d] < 2:
            return tuple(strides)
        if strides[d] != need:
            break
        need *= shape[d]
    else:
        return tuple(strides)
    perm = list(builtins.range(ndim - 1, -1, -1))
    for i in builtins.range(1, ndim):
        d1 = i
        for j in builtins.range(1, i + 1):
            d0 = i - j
            s0, s1 = strides[perm[d0]], strides[perm[d1]]
            if s0 == 0 or s1 == 0:
                continue
            if s0 > s1 or (s0 == s1 and shape[perm[d0]] > shape[perm[d1]]):
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif s0 < s1:
                break
    out = [0] * ndim
    cur = 1
    for d in perm:
        out[d] = cur
        if shape[d] > 1:
            cur *= shape[d]
    return tuple(out)


def _empty_with_strides(xp, shape, strides, npd):
    """An uninitialised array with the given element strides (a plain C-order array when they are C strides)."""
    npd = np.dtype(npd)
    c = xp.empty(shape, npd)
    if c.size == 0 or tuple(s // npd.itemsize for s in c.strides) == tuple(strides):
        return c
    n = 1 + builtins.sum((s - 1) * st for s, st in zip(shape, strides))
    return xp.lib.stride_tricks.as_strided(xp.empty(n, npd), shape, tuple(st * npd.itemsize for st in strides))


def _empty_like(input, dt, device, memory_format):
    src = input._data
    dev = input.device if device is None else as_device(device)
    xp = array_module(dev)
    order = _memory_order(memory_format, src.ndim)
    if isinstance(order, tuple):
        inv = tuple(builtins.int(i) for i in np.argsort(order))
        return xp.empty(tuple(src.shape[p] for p in order), dt.np).transpose(inv)
    if order == "K" and not src.flags.c_contiguous:
        return _empty_with_strides(xp, src.shape, _dense_strides(src.shape, input.stride()), dt.np)
    return xp.empty(src.shape, dt.np)


empty_like = _like("empty_like", None)
zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """``torch.full_like``: input's shape/dtype/device, every element ``fill_value`` (checked to fit)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"full_like(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    value = _number(fill_value, "full_like", "fill_value", 2)
    dt = _dtype_arg(dtype, "full_like") or input.dtype
    _check_requires_grad(dt, requires_grad)
    arr = _empty_like(input, dt, device, memory_format)
    arr[...] = _checked(value, dt)
    return _finish(arr, requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.empty_strided``: uninitialised memory viewed with the given sizes and (element) strides."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    for v, name, pos in ((size, "size", 1), (stride, "stride", 2)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(f"empty_strided(): argument '{name}' (position {pos}) must be tuple of ints, not "
                            f"{type(v).__name__}")
    size = _size_arg((size,), None, "empty_strided")
    stride = _size_arg((stride,), None, "empty_strided")
    dt = _dtype_arg(dtype, "empty_strided") or D.get_default_dtype()
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides "
                           f"({len(stride)})")
    _check_size(size)
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    _check_requires_grad(dt, requires_grad)
    n = 0 if 0 in size else 1 + builtins.sum((s - 1) * st for s, st in zip(size, stride))
    xp = array_module(as_device(device))
    arr = xp.lib.stride_tricks.as_strided(xp.empty(n, dt.np), shape=size,
                                          strides=tuple(s * dt.itemsize for s in stride))
    if _flags.deterministic:
        fill_uninitialized(arr)
    return _pinned(_finish(arr, requires_grad), pin_memory)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.eye(n, m=None)``: ones on the main diagonal of an n x m matrix."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    for name, v, pos in (("n", n, 1), ("m", m, 2)):
        if v is not None and _int_arg(v) is None:
            raise TypeError(f"eye(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
    n = _int_arg(n)
    m = n if m is None else _int_arg(m)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _dtype_arg(dtype, "eye")
    if out is not None:
        return _write_out(out, np.eye(n, m, dtype=_out_dtype(dt, out, "eye").np))
    dt = dt or D.get_default_dtype()
    _check_requires_grad(dt, requires_grad)
    return _pinned(_finish(np.eye(n, m, dtype=dt.np), requires_grad, device), pin_memory)


# ----------------------------------------------------------------------------------------------------
# ranges: the arithmetic of torch's CPU kernels

_ACC = {D.float16: np.float32, D.bfloat16: np.float32, D.float32: np.float64, D.float64: np.float64}
_ARANGE_WIDTH = {D.float16: 16, D.bfloat16: 16, D.float32: 8, D.float64: 4}  # Vectorized<T>::size() (AVX2)
_GRAIN = 32768  # at::internal::GRAIN_SIZE


def _two_sum(a, b):
    """s, t with s = fl(a + b) and s + t == a + b exactly (Knuth)."""
    s = a + b
    z = s - a
    return s, (a - (s - z)) + (b - z)


def _two_prod(a, b):
    """p, e with p = fl(a * b) and p + e == a * b exactly (Dekker's split)."""
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ta, tb = split * a, split * b
    ah, bh = ta - (ta - a), tb - (tb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _break_ties(r, w, v, ftype):
    """``r`` rounded from an exact value r + w (+ v beyond it): where r + w was exactly halfway to the
    neighbour and the dropped ``v`` points the same way, the correct rounding is that neighbour."""
    cand = (w != 0) & (v != 0) & (np.sign(v) == np.sign(w))
    if not cand.any():
        return r
    n = np.nextafter(r, np.where(w > 0, np.inf, -np.inf).astype(ftype))
    return np.where(cand & (n.astype(np.float64) - r.astype(np.float64) == 2 * w), n, r)


def _fma(a, b, c, acc, prod=None):
    """``a * b + c`` rounded once to ``acc`` (float32 or float64), as the fused multiply-add torch's kernels
    are compiled to: exact error-free transformations, then a correctly broken tie.

    ``a``, ``b``, ``c`` hold ``acc`` values (as float64 arrays or scalars); ``prod``: ``_two_prod(a, b)`` when
    already known.  Call under ``np.errstate``.
    """
    if acc == np.float32:
        p = a * b  # a float32 product is exact in float64
        s, t = _two_sum(p, c)
        r = s.astype(np.float32)
        r = _break_ties(r, s - r.astype(np.float64), t, np.float32)
    else:
        p, e = _two_prod(a, b) if prod is None else prod
        s, t = _two_sum(p, c)
        u, v = _two_sum(t, e)
        r, w = _two_sum(s, u)
        r = _break_ties(r, w, v, np.float64)
    odd = ~np.isfinite(r) | (r == 0)
    if odd.any():
        # an exact zero takes the sign IEEE gives a*b + c; overflow falls back to the plain expression
        r = np.where(odd, (p + c).astype(acc), r)
    return r.astype(acc, copy=False)


def _range_args(start, end, step, fname):
    return [_number(v, fname, name, pos) for v, name, pos in ((start, "start", 1), (end, "end", 2),
                                                            (step, "step", 3))]


def _check_bounds(start, end, step):
    """torch's ``arange_check_bounds`` (done in double)."""
    if any(isinstance(v, builtins.complex) for v in (start, end, step)):
        raise RuntimeError("value cannot be converted to type double without overflow")
    ds, de, dst = builtins.float(start), builtins.float(end), builtins.float(step)
    if not (dst > 0 or dst < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(ds) and math.isfinite(de)):
        raise RuntimeError(f"unsupported range: {_cfmt(ds)} -> {_cfmt(de)}")
    if not ((dst > 0 and de >= ds) or (dst < 0 and de <= ds)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def _cfmt(x):
    """A double as C++'s ostream writes it (``%g``)."""
    return f"{x:g}"


def _to_int64(v):
    """``Scalar.to<int64_t>()``: truncation toward zero, checked for range."""
    if isinstance(v, builtins.float):
        if math.isnan(v) or not (-2.0 ** 63 <= v < 2.0 ** 63):
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        return builtins.int(v)
    return builtins.int(v)


_EXACT_INT = {D.float16: 2 ** 11, D.bfloat16: 2 ** 8, D.float32: 2 ** 24, D.float64: 2 ** 53}


def _chunks(n):
    """The [begin, end) ranges at::parallel_for gives the threads (one range unless n > GRAIN_SIZE)."""
    if n <= _GRAIN:
        return [(0, n)]
    from .. import get_num_threads
    tasks = min(get_num_threads(), -(-n // _GRAIN))
    size = -(-n // tasks)
    return [(b, min(b + size, n)) for b in builtins.range(0, n, size)]


def _arange_values(start, step, n, dt):
    """The values of torch's CPU ``arange`` kernel for ``n`` elements of dtype ``dt``.

    Each thread's chunk is filled by blocks of 2 vectors: per vector, base = T(start + step * i0) and
    lane k = T(base + step * k) (lane 0 is base itself); the leftover tail uses T(start + step * i).
    All in the accumulate type (double for float32/64, float for half types) with fused multiply-adds.
    """
    if dt.category == D.INT:
        s, st = _to_int64(start), _to_int64(step)
        return (np.int64(s) + np.int64(st) * np.arange(n, dtype=np.int64)).astype(dt.np)
    acc = _ACC[dt]
    s, st = builtins.float(acc(start)), builtins.float(acc(step))
    limit = _EXACT_INT[dt]
    if s.is_integer() and st.is_integer() and builtins.abs(s) + builtins.abs(st) * n <= limit:
        # every value and partial result is an exact small integer: no rounding anywhere
        return (s + st * np.arange(n, dtype=np.float64)).astype(dt.np)
    width = _ARANGE_WIDTH[dt]
    out = np.empty(n, dt.np)
    with np.errstate(invalid="ignore", over="ignore"):
        for b, e in _chunks(n):
            nvec = (e - b) // (2 * width) * (2 * width)
            if nvec:
                starts = np.arange(b, b + nvec, width).astype(acc).astype(np.float64)
                base = _fma(st, starts, s, acc).astype(dt.np)
                lanes = np.arange(width).astype(np.float64)
                prod = _two_prod(st, lanes) if acc == np.float64 else None
                vec = _fma(st, lanes, base.astype(np.float64)[:, None], acc, prod).astype(dt.np)
                vec[:, 0] = base
                out[b:b + nvec] = vec.ravel()
            if b + nvec < e:
                idx = np.arange(b + nvec, e).astype(acc).astype(np.float64)
                out[b + nvec:e] = _fma(st, idx, s, acc).astype(dt.np)
    return out


def _range_dtype(values, dtype):
    if dtype is not None:
        return dtype
    if any(isinstance(v, builtins.float) for v in values):
        return D.get_default_dtype()
    if any(isinstance(v, builtins.complex) for v in values):
        return D.default_complex()
    return D.int64


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """``torch.arange``: int64 unless an argument is a float (then the default dtype).

    The length is ``ceil((end - start) / step)`` in double (exact integer arithmetic for int64), and the values
    follow torch's CPU kernel bit for bit (see ``_arange_values``).
    """
    device = _default_device.device if device is None else device  # torch.set_default_device
    if end is None:
        start, end = 0, _number(start, "arange", "end", 1)
    start, end, step = _range_args(start, end, step, "arange")
    dt = _dtype_arg(dtype, "arange")
    if out is not None:
        dt = _out_dtype(dt, out, "arange")
    dt = _range_dtype((start, end, step), dt)
    _check_bounds(start, end, step)
    if dt.category in (D.BOOL, D.COMPLEX):
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_scalar_name(dt)}'")
    if dt is D.int64:
        xs, xe, xst = _to_int64(start), _to_int64(end), _to_int64(step)
        if xst == 0:
            raise ValueError("step must be nonzero")
        num = xe - xs + xst - (1 if xst > 0 else -1)
        q = builtins.abs(num) // builtins.abs(xst)
        n = q if (num >= 0) == (xst > 0) else -q
    else:
        q = (builtins.float(end) - builtins.float(start)) / builtins.float(step)
        n = math.ceil(q) if math.isfinite(q) else -1
    if not 0 <= n <= 2 ** 63 - 1:
        raise RuntimeError("invalid size, possible overflow?")
    arr = _arange_values(start, step, n, dt)
    if out is not None:
        if out._data.size not in (0, n):
            warnings.warn(f"The number of elements in the out tensor of shape {list(out._data.shape)} is "
                          f"{out._data.size} which does not match the computed number of elements {n}. Note that "
                          f"this may occur as a result of rounding error. The out tensor will be resized to a tensor "
                          f"of shape ({n},).", UserWarning, stacklevel=2)
        return _write_out(out, arr)
    _check_requires_grad(dt, requires_grad)
    return _pinned(_finish(arr, requires_grad, device), pin_memory)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated ``torch.range``: like arange but including ``end``; the default float dtype unless given."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    start, end, step = _range_args(start, end, step, "range")
    dt = _dtype_arg(dtype, "range")
    if out is not None:
        dt = _out_dtype(dt, out, "range")
    dt = dt or D.get_default_dtype()
    _check_bounds(start, end, step)
    if dt.category == D.INT:
        xs, xe, xst = _to_int64(start), _to_int64(end), _to_int64(step)
        if xst == 0:
            # (torch divides by the truncated step here and crashes)
            raise RuntimeError("step must be nonzero")
        n = (xe - xs) // xst + 1 if (xe - xs) * xst >= 0 else -(builtins.abs(xe - xs) // builtins.abs(xst)) + 1
        arr = (np.int64(xs) + np.arange(n, dtype=np.int64) * np.int64(xst)).astype(dt.np)
    else:
        acc = _ACC[dt]
        xs, xe, xst = acc(start), acc(end), acc(step)
        n = builtins.int((xe - xs) / xst + acc(1))
        arr = (xs + np.arange(n, dtype=acc) * xst).astype(dt.np)
    if out is not None:
        return _write_out(out, arr)
    _check_requires_grad(dt, requires_grad)
    return _finish(arr, requires_grad, device)


def _steps_arg(steps, fname):
    v = _int_arg(steps)
    if v is None or isinstance(steps, builtins.bool):
        raise TypeError(f"{fname}(): argument 'steps' (position 3) must be int, not {type(steps).__name__}")
    if v < 0:
        raise RuntimeError("number of steps must be non-negative")
    return v


def _space_endpoint(x, fname, name, pos):
    if isinstance(x, Tensor) and x._data.ndim != 0:
        raise RuntimeError(f"{fname} only supports 0-dimensional start and end tensors, but got {name} with "
                           f"{x._data.ndim} dimension(s).")
    return _number(x, fname, name, pos)


def _space_dtype(start, end, dtype):
    if dtype is not None:
        return dtype
    if isinstance(start, builtins.complex) or isinstance(end, builtins.complex):
        return D.default_complex()
    return D.get_default_dtype()


def _linspace_real(start, end, steps, dt):
    """torch's CPU linspace kernel for a real dtype: start + step*i for the first half, end - step*(n-1-i) after."""
    half = steps // 2
    lo_idx = np.arange(half)
    hi_idx = np.arange(steps - half - 1, -1, -1)  # steps - 1 - i for the second half
    if dt.category <= D.INT:
        s, e = builtins.float(_checked(start, dt)), builtins.float(_checked(end, dt))
        step = (e - s) / (steps - 1)
        with np.errstate(invalid="ignore", over="ignore"):
            return np.concatenate([_fma(step, lo_idx.astype(np.float64), s, np.float64),
                                   _fma(-step, hi_idx.astype(np.float64), e, np.float64)]).astype(dt.np)
    s, e = _checked(start, dt), _checked(end, dt)
    if dt in (D.float16, D.bfloat16):
        # c10::Half/BFloat16 arithmetic rounds to the dtype after every operation
        step = (e - s) / dt.np.type(steps - 1)
        return np.concatenate([s + step * lo_idx.astype(dt.np), e - step * hi_idx.astype(dt.np)])
    acc = dt.np.type
    step = builtins.float((acc(e) - acc(s)) / acc(steps - 1))
    f64 = np.float64
    with np.errstate(invalid="ignore", over="ignore"):
        return np.concatenate([_fma(step, lo_idx.astype(acc).astype(f64), builtins.float(s), acc),
                               _fma(-step, hi_idx.astype(acc).astype(f64), builtins.float(e), acc)])


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``torch.linspace``: ``steps`` values from start to end inclusive, computed as torch's CPU kernel."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    start = _space_endpoint(start, "linspace", "start", 1)
    end = _space_endpoint(end, "linspace", "end", 2)
    steps = _steps_arg(steps, "linspace")
    dt = _dtype_arg(dtype, "linspace")
    if out is not None:
        dt = _out_dtype(dt, out, "linspace")
    dt = _space_dtype(start, end, dt)
    if dt is D.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    if steps == 0:
        arr = np.empty(0, dt.np)
    elif steps == 1:
        arr = np.full(1, _checked(start, dt), dt.np)
    elif dt.category == D.COMPLEX:
        part = dt.to_real()
        s, e = builtins.complex(start), builtins.complex(end)
        arr = np.empty(steps, dt.np)
        arr.real = _linspace_real(s.real, e.real, steps, part)
        arr.imag = _linspace_real(s.imag, e.imag, steps, part)
    else:
        arr = _linspace_real(start, end, steps, dt)
    if out is not None:
        return _write_out(out, arr)
    _check_requires_grad(dt, requires_grad)
    return _finish(arr, requires_grad, device)


def _pow_or_inf(b, x):
    try:
        return math.pow(b, x)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


# torch calls C's pow(); NumPy's SIMD power can differ from it in the last bit, so use libm's (math.pow)
_LIBM_POW = np.frompyfunc(_pow_or_inf, 2, 1)


def _libm_pow(base, exps):
    return _LIBM_POW(base, exps).astype(np.float64)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``torch.logspace``: ``base ** linspace(start, end, steps)`` with torch's kernel (exponents in double)."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    start = _space_endpoint(start, "logspace", "start", 1)
    end = _space_endpoint(end, "logspace", "end", 2)
    steps = _steps_arg(steps, "logspace")
    base = builtins.float(_number(base, "logspace", "base", 4))
    dt = _dtype_arg(dtype, "logspace")
    if out is not None:
        dt = _out_dtype(dt, out, "logspace")
    dt = _space_dtype(start, end, dt)
    if dt is D.bool:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    if dt.category == D.COMPLEX:
        raise NotImplementedError("ember: logspace with a complex dtype")
    if steps == 0:
        arr = np.empty(0, dt.np)
    elif steps == 1:
        arr = _cast(_libm_pow(base, np.full(1, _checked(start, D.float64))), dt)
    else:
        s, e = _checked(start, dt), _checked(end, dt)
        diff = builtins.float((e - s) if dt.category == D.FLOAT else builtins.int(e) - builtins.int(s))
        step = diff / (steps - 1)
        idx = np.arange(steps, dtype=np.int64)
        half = steps // 2
        # RangeFactories.cpp is built without FMA contraction: plain double arithmetic
        lo = builtins.float(s) + step * idx.astype(np.float64)
        hi = builtins.float(e) - step * (steps - idx - 1).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            arr = _cast(_libm_pow(base, np.where(idx < half, lo, hi)), dt)
    if out is not None:
        return _write_out(out, arr)
    _check_requires_grad(dt, requires_grad)
    return _finish(arr, requires_grad, device)


# ----------------------------------------------------------------------------------------------------
# complex builders

def _complex_fwd(re, im):
    out = np.empty_like(re, shape=np.broadcast_shapes(re.shape, im.shape),
                        dtype=np.result_type(re.dtype, np.complex64))
    out.real = re
    out.imag = im
    return out


def _parts(g):
    from .views import view_as_real
    pair = view_as_real(g)
    return pair.select(-1, 0), pair.select(-1, 1)


def _complex_grad(ctx, g):
    return _parts(g)


def _polar_fwd(r, theta):
    return _complex_fwd(r * np.cos(theta), r * np.sin(theta))


def _polar_grad(ctx, g):
    r, theta = ctx.saved
    gr, gi = _parts(g)
    c, s = theta.cos(), theta.sin()
    return gr * c + gi * s, r * (gi * c - gr * s)


_COMPLEX = Primitive("ComplexBackward0", _complex_fwd, _complex_grad)
_POLAR = Primitive("PolarBackward0", _polar_fwd, _polar_grad, save_inputs=True)


def _complex_inputs(a, b, fname):
    for x, name, pos in ((a, "real" if fname == "complex" else "abs", 1),
                         (b, "imag" if fname == "complex" else "angle", 2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_scalar_name(a.dtype)} but got scalar type "
                           f"{_scalar_name(b.dtype)} for second argument")
    if a.dtype not in (D.float16, D.float32, D.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_scalar_name(a.dtype)} and {_scalar_name(b.dtype)}")
    if a.dtype is D.float16:
        raise NotImplementedError("ember has no complex32 (chalf) dtype for complex/polar of float16 inputs")


def complex(real, imag, *, out=None):
    """``torch.complex``: real + i*imag (broadcast) from two float tensors of one dtype."""
    _complex_inputs(real, imag, "complex")
    r = apply(_COMPLEX, (real, imag))
    if out is not None:
        from ._helpers import write_out
        return write_out(r, out)
    return r


def polar(abs, angle, *, out=None):
    """``torch.polar``: abs * (cos(angle) + i*sin(angle))."""
    if _amp.active:
        return _amp.run("polar", polar, abs, angle, out=out)
    _complex_inputs(abs, angle, "polar")
    r = apply(_POLAR, (abs, angle))
    if out is not None:
        from ._helpers import write_out
        return write_out(r, out)
    return r


# ----------------------------------------------------------------------------------------------------
# legacy constructors: Tensor(2, 3), Tensor([1, 2]), FloatTensor(...), tensor.new(...)

_NEW_SIGNATURES = (" * (*, torch.device device = None)\n * (torch.Storage storage)\n * (Tensor other)\n"
                   " * (tuple of ints size, *, torch.device device = None)\n"
                   " * (object data, *, torch.device device = None)\n")


def _legacy_new(cls, dtype, args, kwargs, strict=True):
    """torch's legacy constructor: ``()`` empty, ``(*sizes)``/``(Size)`` uninitialised, ``(sequence)`` copied,
    ``(tensor)``/``(ndarray of dtype)``/``(storage)`` aliased.  Only ``device=`` is accepted as a keyword.

    ``strict``: a tensor argument must have ``dtype`` (typed classes and ``x.new``); ``torch.Tensor(t)``
    aliases a tensor of any dtype.
    """
    from .._storage import TypedStorage, UntypedStorage
    device = kwargs.pop("device", None)
    if kwargs:
        got = ", ".join([type(a).__name__ for a in args] +
                        [f"{k}={'torch.dtype' if isinstance(v, D.dtype) else type(v).__name__}"
                         for k, v in kwargs.items()])
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + _NEW_SIGNATURES)
    if device is not None and as_device(device).type == "cpu":
        device = None
    if not args:
        arr = np.empty(0, dtype.np)
    elif len(args) == 1:
        a = args[0]
        if isinstance(a, Tensor):
            if strict and a.dtype is not dtype:
                raise TypeError(f"expected {dtype} (got {a.dtype})")
            t = a.detach()
            return t if cls is Tensor else _as_subclass(cls, t)
        if isinstance(a, Size) or (isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool)):
            shape = tuple(a) if isinstance(a, Size) else (builtins.int(a),)
            _check_size(shape)
            arr = np.empty(shape, dtype.np)
        elif isinstance(a, TypedStorage):
            if a.dtype is not dtype:
                raise RuntimeError(f"Expected a Storage of type {_scalar_name(dtype)} or an UntypedStorage, but "
                                   f"got type {_scalar_name(a.dtype)} for argument 1 'storage'")
            arr = a._array()
        elif isinstance(a, UntypedStorage):
            arr = a._bytes.view(dtype.np)
        elif isinstance(a, np.ndarray):
            _check_numpy(a)
            arr = a if a.dtype == dtype.np else _cast(a, dtype)
        elif isinstance(a, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(a).__name__}'")
        elif _is_seq(a):
            arr = _from_data(a, dtype)
        else:
            raise TypeError(f"new(): data must be a sequence (got {_typename(a)})")
    else:
        shape = []
        for i, s in enumerate(args):
            v = _int_arg(s)
            if v is None:
                if isinstance(s, (list, tuple)) and all(isinstance(x, builtins.int) for x in args[:i]):
                    raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                                    f"\"type must be tuple of ints,but got {type(s).__name__}\"")
                raise TypeError(f"new() received an invalid combination of arguments - got "
                                f"({', '.join(type(x).__name__ for x in args)}), but expected one of:\n"
                                + _NEW_SIGNATURES)
            shape.append(v)
        _check_size(tuple(shape))
        arr = np.empty(tuple(shape), dtype.np)
    t = _finish(arr, False, device)
    return t if cls is Tensor else _as_subclass(cls, t)


def _as_subclass(cls, t):
    sub = object.__new__(cls)
    _init(sub, t._data)
    return sub
