"""A CPU stand-in for CuPy, so ember's CUDA plumbing can be tested without a GPU (test-only).

``fake_cupy.cupy`` is a module object standing in for ``cupy`` and ``fake_cupy.cupyx`` for ``cupyx``.  Its
arrays (``ndarray``) wrap NumPy arrays but are *not* NumPy arrays, and behave like ``cupy.ndarray`` where
ember can trip over the difference:

* ``.device.id``, ``.data.ptr`` / ``.data.mem``, ``.get()`` / ``.set()``; ``flags`` has only
  ``c_contiguous``, ``f_contiguous`` and ``owndata`` (no ``writeable``); no ``__index__``, ``__round__``,
  ``__array_interface__`` or ``ctypes``; ``.base`` is ``None`` for the result of ``as_strided`` (CuPy builds
  it on the memory pointer), and views of it name it as their base.
* ``__array__`` raises TypeError (CuPy refuses implicit device-to-host conversion), so ``np.asarray(x)``,
  SciPy or any host code that receives a device array fails as on a GPU.
* ``__array_ufunc__`` / ``__array_function__`` route NumPy calls to this module exactly as CuPy routes
  them to ``cupy`` (by the NumPy function's module path and name), so a NumPy function CuPy lacks fails
  with NumPy's "no implementation found" TypeError, and mixing in a host ``numpy.ndarray`` raises
  TypeError like CuPy's kernels (Python and NumPy *scalars* are fine).  ``asarray``/``array`` and the
  values and indices of ``x[...] = v`` accept host arrays, as in CuPy (explicit host-to-device copies).
* Reductions and scalar indexing return 0-d arrays (views for indexing), never NumPy scalars; NumPy
  namedtuple results (``slogdet``, ``eigh``, ``svd``) are plain tuples.
* Integer-array indices wrap around out of range instead of raising IndexError (CuPy's documented
  behaviour); ``ufunc.at`` exists only for add/subtract/maximum/minimum/bitwise and/or/xor,
  ``ufunc.reduce``/``accumulate`` only for add and multiply, ``reduceat`` only for add; ufuncs take only
  ``out=``, ``dtype=`` and ``casting=`` (no ``where=``); ``sort``/``argsort`` accept only ``kind`` None or
  'stable'; ``repeat`` refuses a device array of repeats; dtypes outside CuPy's set (object, strings,
  longdouble, datetime) raise ValueError.
* Only names real CuPy has exist, each module-level function with CuPy's own parameter names (the
  ``_API`` table below is generated from CuPy's sources, ``cupy/__init__.py`` and submodules, v15.0.0a1).

Not modelled (they need a real GPU): CuPy's per-ufunc dtype loops, kernel compilation, asynchronous
execution and streams, numerical differences of cuBLAS/cuFFT/cuSOLVER, memory-pool rounding, peer access
between devices.
"""
import functools
import time
import types
import weakref

import numpy as np
import scipy.linalg
import scipy.special

__all__ = ["cupy", "cupyx", "ndarray", "asnumpy", "is_fake", "reset"]

# ----------------------------------------------------------------------------------------------------
# dtypes CuPy supports ('?bhilqBHILQefdFD', plus bfloat16 through ml_dtypes since CuPy 14/15)

_CHARS = frozenset("?bhilqBHILQefdFD")


def _check_dtype(dt):
    if dt.char in _CHARS or dt.name == "bfloat16":
        return
    raise ValueError(f"Unsupported dtype {dt}")


_SCALARS = (bool, int, float, complex)


def _is_scalar(x):
    t = type(x)
    return t in _SCALARS or (isinstance(x, np.generic) and (x.dtype.char in _CHARS or x.dtype.name == "bfloat16"))


# ----------------------------------------------------------------------------------------------------
# devices, memory

class _State:
    linalg = "ignore"  # cupyx.errstate(linalg=...): CuPy reports linalg failures only under 'raise'
    n_devices = 1
    current = 0
    allocated = {}     # id(owner numpy array) -> nbytes, for the memory pool's used_bytes
    peak = 0


class CUDARuntimeError(RuntimeError):
    pass


class Device:
    """``cupy.cuda.Device``: ``id``; a context manager selecting the current device."""
    __slots__ = ("id", "_prev")

    def __init__(self, device=None):
        if device is None:
            device = _State.current
        elif isinstance(device, Device):
            device = device.id
        device = int(device)
        if not 0 <= device < _State.n_devices:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")
        self.id = device
        self._prev = []

    def use(self):
        _State.current = self.id

    def synchronize(self):
        pass

    @property
    def compute_capability(self):
        return "90"

    @property
    def mem_info(self):
        return _runtime.memGetInfo()

    def __enter__(self):
        self._prev.append(_State.current)
        _State.current = self.id
        return self

    def __exit__(self, *exc):
        _State.current = self._prev.pop()
        return False

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("cuda", self.id))

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


class Memory:
    """One allocation: ``ptr`` (its start) and ``size`` in bytes."""
    __slots__ = ("ptr", "size", "device_id", "_owner")

    def __init__(self, owner, device_id):
        self._owner = owner
        self.ptr = owner.__array_interface__["data"][0] if isinstance(owner, np.ndarray) else 0
        self.size = owner.nbytes if isinstance(owner, np.ndarray) else 0
        self.device_id = device_id

    @property
    def device(self):
        return Device(self.device_id)


class MemoryPointer:
    """``cupy.cuda.MemoryPointer``: ``mem`` (the allocation) and ``ptr`` (an address inside it)."""
    __slots__ = ("mem", "ptr")

    def __init__(self, mem, offset):
        self.mem = mem
        self.ptr = mem.ptr + offset

    @property
    def device(self):
        return self.mem.device

    @property
    def device_id(self):
        return self.mem.device_id

    def __int__(self):
        return self.ptr

    def __add__(self, offset):
        return MemoryPointer(self.mem, self.ptr - self.mem.ptr + offset)

    def __sub__(self, offset):
        return MemoryPointer(self.mem, self.ptr - self.mem.ptr - offset)


class PinnedMemoryPointer(bytearray):
    """The page-locked host buffer under ``cupyx.empty_pinned`` arrays (found by name through ``.base``)."""


def _owner(a):
    """The NumPy array that owns ``a``'s memory (through as_strided holders and views)."""
    while True:
        b = a.base
        if b is None:
            return a
        if not isinstance(b, np.ndarray):
            b = getattr(b, "base", None)
            if not isinstance(b, np.ndarray):
                return a
        a = b


def _forget(key):
    _State.allocated.pop(key, None)


def _track(a):
    if a.base is None and a.nbytes:
        key = id(a)
        _State.allocated[key] = a.nbytes
        weakref.finalize(a, _forget, key)
        used = sum(_State.allocated.values())
        if used > _State.peak:
            _State.peak = used


# ----------------------------------------------------------------------------------------------------
# the array

_new = object.__new__


def _wrap(a, dev=None):
    """A device array around NumPy array ``a`` (never copies)."""
    _check_dtype(a.dtype)
    o = _new(ndarray)
    o._a = a
    o._dev = _State.current if dev is None else dev
    _track(a)
    return o


def _in(x):
    """Unwrap device arrays in an argument; a host ndarray is refused, as CuPy's kernels refuse it."""
    t = type(x)
    if t is ndarray:
        return x._a
    if t is np.ndarray:
        raise TypeError(f"Unsupported type {np.ndarray}")
    if t is list or t is tuple:
        return t([_in(v) for v in x])
    return x


def _in_host_ok(x):
    """Unwrap device arrays, accepting host arrays (asarray, indices, assigned values)."""
    t = type(x)
    if t is ndarray:
        return x._a
    if t is list or t is tuple:
        return t([_in_host_ok(v) for v in x])
    return x


def _out(r, dev=None):
    """Wrap a NumPy result: arrays and NumPy scalars become device arrays (CuPy returns 0-d arrays)."""
    t = type(r)
    if t is np.ndarray:
        return _wrap(r, dev)
    if isinstance(r, np.generic):
        return _wrap(np.asarray(r), dev)
    if isinstance(r, tuple):  # namedtuples (EighResult, SlogdetResult, ...) are plain tuples in CuPy
        return tuple([_out(v, dev) for v in r])
    if t is list:
        return [_out(v, dev) for v in r]
    return r


def _key(key, shape):
    """An index for NumPy: device arrays unwrapped, integer-array indices wrapped into range (CuPy wraps
    out-of-range integer-array indices around instead of raising IndexError)."""
    items = key if type(key) is tuple else (key,)
    items = [_in_host_ok(k) for k in items]
    consumed = []
    for k in items:
        if k is None:
            consumed.append(0)
        elif k is Ellipsis:
            consumed.append(-1)
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            consumed.append(k.ndim)
        elif isinstance(k, (list, tuple)):
            arr = np.asarray(k)
            consumed.append(arr.ndim if arr.dtype == np.bool_ else 1)
        else:
            consumed.append(1)
    if -1 in consumed:
        consumed[consumed.index(-1)] = len(shape) - sum(c for c in consumed if c > 0)
    axis = 0
    for i, k in enumerate(items):
        n = consumed[i]
        if axis < len(shape) and n == 1 and not isinstance(k, (slice, int, np.integer, type(None))):
            arr = np.asarray(k)
            if arr.dtype.kind in "iu" and arr.size and shape[axis]:
                items[i] = np.mod(arr, shape[axis])
        axis += n
    return tuple(items)


def _sig(name, params, args, kwargs):
    """Check a call against CuPy's parameter list (Python's TypeError for what CuPy would refuse)."""
    pos, kwonly, varargs, varkw = params
    if not varargs and len(args) > len(pos):
        raise TypeError(f"{name}() takes {len(pos)} positional arguments but {len(args)} were given "
                        f"(CuPy's signature)")
    if not varkw:
        for k in kwargs:
            if k not in pos and k not in kwonly:
                raise TypeError(f"{name}() got an unexpected keyword argument '{k}' (CuPy's signature)")


_METHODS = {  # cupy.ndarray's methods and their parameters (cupy/_core/core.pyx)
    "item": (), "tolist": (), "tobytes": ("order",), "astype": ("dtype", "order", "casting", "subok", "copy"),
    "copy": ("order",), "fill": ("value",), "swapaxes": ("axis1", "axis2"), "flatten": ("order",),
    "ravel": ("order",), "squeeze": ("axis",), "take": ("indices", "axis", "out"),
    "put": ("indices", "values", "mode"), "repeat": ("repeats", "axis"), "choose": ("choices", "out", "mode"),
    "sort": ("axis", "kind"), "argsort": ("axis", "kind"), "partition": ("kth", "axis"),
    "argpartition": ("kth", "axis"), "searchsorted": ("v", "side", "sorter"), "nonzero": (),
    "compress": ("condition", "axis", "out"), "diagonal": ("offset", "axis1", "axis2"),
    "max": ("axis", "out", "keepdims"), "min": ("axis", "out", "keepdims"),
    "argmax": ("axis", "out", "dtype", "keepdims"), "argmin": ("axis", "out", "dtype", "keepdims"),
    "ptp": ("axis", "out", "keepdims"), "clip": ("min", "max", "out"), "round": ("decimals", "out"),
    "trace": ("offset", "axis1", "axis2", "dtype", "out"), "sum": ("axis", "dtype", "out", "keepdims"),
    "cumsum": ("axis", "dtype", "out"), "mean": ("axis", "dtype", "out", "keepdims"),
    "var": ("axis", "dtype", "out", "ddof", "keepdims"), "std": ("axis", "dtype", "out", "ddof", "keepdims"),
    "prod": ("axis", "dtype", "out", "keepdims"), "cumprod": ("axis", "dtype", "out"),
    "all": ("axis", "out", "keepdims"), "any": ("axis", "out", "keepdims"), "conj": (), "conjugate": (),
    "dot": ("b", "out"), "byteswap": ("inplace",), "view": ("dtype", "array_class"),
}


def _method(name):
    params = _METHODS[name]

    def method(self, *args, **kwargs):
        _sig("ndarray." + name, (params, (), False, False), args, kwargs)
        out = kwargs.get("out")
        if name in ("sort", "argsort"):
            kind = kwargs.get("kind", args[1] if len(args) > 1 else None)
            if kind is not None and kind != "stable":
                raise ValueError("kind can only be None or 'stable'")
        if name == "repeat" and type(args[0] if args else kwargs.get("repeats")) is ndarray:
            raise ValueError("cupy.ndarray cannot be specified as `repeats` argument.")
        if name == "dot" and type(args[0] if args else kwargs.get("b")) is not ndarray:
            raise TypeError("Argument 'b' has incorrect type (expected cupy._core.core._ndarray_base)")
        if name in ("argmax", "argmin") and ("dtype" in kwargs or len(args) > 2):
            kw = dict(kwargs)
            dt = kw.pop("dtype") if "dtype" in kw else args[2]
            r = getattr(np, name)(self._a, *_in(args[:2]), **_in(kw))  # NumPy's have no dtype: cast after
            return _out(np.asarray(r).astype(dt) if dt is not None else r, self._dev)
        if name == "ptp":
            r = np.ptp(self._a, *_in(args), **_in(kwargs))
        elif name in ("take", "searchsorted", "compress", "choose", "put"):
            r = getattr(self._a, name)(*_in_host_ok(args), **_in_host_ok(kwargs))
        else:
            r = getattr(self._a, name)(*_in(args), **_in(kwargs))
        if r is self._a:
            return self
        if type(out) is ndarray and r is out._a:
            return out
        return _out(r, self._dev)
    method.__name__ = name
    return method


class _Holder:
    __slots__ = ("__array_interface__", "base")


class Flags:
    """``cupy.ndarray.flags``: only ``c_contiguous``, ``f_contiguous`` and ``owndata``."""
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, c, f, own):
        self.c_contiguous, self.f_contiguous, self.owndata = c, f, own

    @property
    def forc(self):
        return self.c_contiguous or self.f_contiguous

    def __getitem__(self, name):
        return {"C_CONTIGUOUS": self.c_contiguous, "F_CONTIGUOUS": self.f_contiguous, "OWNDATA": self.owndata}[name]


class ndarray:
    """``cupy.ndarray`` on the CPU: a NumPy array behind CuPy's interface (see the module docstring)."""
    __slots__ = ("_a", "_dev", "__weakref__")
    __hash__ = None

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        dt = np.dtype(dtype)
        _check_dtype(dt)
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if memptr is None:
            a = np.empty(shape, dt, order=order)
            if strides is not None:
                a = np.lib.stride_tricks.as_strided(a, shape, strides)
            self._dev = _State.current
        else:
            # like CuPy: a view of the allocation that owns nothing yet has no base
            if strides is None:
                strides = np.empty(0, dt).strides if not shape else \
                    tuple(int(np.prod(shape[i + 1:], dtype=np.int64)) * dt.itemsize for i in range(len(shape)))
            h = _Holder()
            h.__array_interface__ = {"version": 3, "shape": shape, "typestr": dt.str, "strides": tuple(strides),
                                     "data": (memptr.ptr, False)}
            h.base = _owner(memptr.mem._owner)
            a = np.asarray(h)
            if a.dtype != dt:
                a = a.view(dt)
            self._dev = memptr.mem.device_id
        self._a = a
        _track(a)

    # ------------------------------------------------------------------ attributes
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def device(self):
        return Device(self._dev)

    @property
    def data(self):
        owner = _owner(self._a)
        return MemoryPointer(Memory(owner, self._dev), self._a.__array_interface__["data"][0]
                             - owner.__array_interface__["data"][0])

    @property
    def base(self):
        a = self._a
        b = a.base
        if type(b) is not np.ndarray:
            return None  # owns its memory, or was built on a memory pointer (as_strided)
        while type(b.base) is np.ndarray:
            b = b.base
        return _wrap(b, self._dev)

    @property
    def flags(self):
        a = self._a
        return Flags(a.flags.c_contiguous, a.flags.f_contiguous, self.base is None)

    @property
    def T(self):
        return _wrap(self._a.T, self._dev)

    @property
    def mT(self):
        return _wrap(np.swapaxes(self._a, -1, -2), self._dev)

    @property
    def real(self):
        return _wrap(self._a.real, self._dev)

    @real.setter
    def real(self, value):
        self._a.real = _in(value)

    @property
    def imag(self):
        a = self._a
        return _wrap(a.imag if a.dtype.kind == "c" else np.zeros_like(a), self._dev)

    @imag.setter
    def imag(self, value):
        self._a.imag = _in(value)

    @property
    def __cuda_array_interface__(self):
        a = self._a
        return {"shape": a.shape, "typestr": a.dtype.str, "descr": a.dtype.descr,
                "data": (a.__array_interface__["data"][0], False), "version": 3,
                "strides": None if a.flags.c_contiguous else a.strides}

    def __dlpack_device__(self):
        return (2, self._dev)  # kDLCUDA

    # ------------------------------------------------------------------ CuPy-specific
    def get(self, stream=None, order="C", out=None, blocking=True):
        if out is not None:
            if type(out) is not np.ndarray:
                raise TypeError("Only numpy.ndarray can be obtained from cupy.ndarray")
            np.copyto(out, self._a)
            return out
        return np.array(self._a, order=order, copy=True)

    def set(self, arr, stream=None):
        if type(arr) is not np.ndarray:
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray (got {type(arr)})")
        if arr.shape != self._a.shape or arr.dtype != self._a.dtype:
            raise ValueError("Shape or dtype mismatch")
        self._a[...] = arr

    # ------------------------------------------------------------------ methods
    def reshape(self, *shape, order="C", copy=None):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        r = self._a.reshape(shape, order=order)
        if copy:
            r = r.copy()
        return _wrap(r, self._dev)

    def transpose(self, *axes):
        return _wrap(self._a.transpose(*axes), self._dev)

    def __getitem__(self, key):
        r = self._a[_key(key, self._a.shape)]
        if isinstance(r, np.generic):  # CuPy returns a 0-d view, never a scalar
            r = self._a[(key if type(key) is tuple else (key,)) + (Ellipsis,)]
        return _wrap(r, self._dev)

    def __setitem__(self, key, value):
        if type(value) is ndarray:
            value = value._a
        self._a[_key(key, self._a.shape)] = value

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self._a.shape[0]))

    def __len__(self):
        if self._a.ndim == 0:
            raise TypeError("len() of unsized object")
        return self._a.shape[0]

    def __bool__(self):
        if self._a.size == 1:
            return bool(self._a.reshape(()))
        if self._a.size == 0:
            import warnings
            warnings.warn("The truth value of an empty array is ambiguous. Returning False, but in future this "
                          "will result in an error.", DeprecationWarning, stacklevel=2)
            return False
        raise ValueError("The truth value of an array with more than one element is ambiguous. Use a.any() or "
                         "a.all()")

    def __int__(self):
        return int(self._a.reshape(()) if self._a.size == 1 else self._a)

    def __float__(self):
        return float(self._a.reshape(()) if self._a.size == 1 else self._a)

    def __complex__(self):
        return complex(self._a.reshape(()) if self._a.size == 1 else self._a)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct "
                        "a NumPy array explicitly.")

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec)

    def __copy__(self):
        return _wrap(self._a.copy(), self._dev)

    def __deepcopy__(self, memo):
        return _wrap(self._a.copy(), self._dev)

    def __reduce__(self):
        return (_rebuild, (self._a.copy(), self._dev))

    def _scatter(self, op, slices, value):
        import warnings
        warnings.warn(f"`ndarray.scatter_{op}` is deprecated. Please use `cupy.{op}imum.at` instead." if op != "add"
                      else "`ndarray.scatter_add` is deprecated. Please use `cupy.add.at` instead.",
                      DeprecationWarning, stacklevel=3)
        getattr(cupy, "add" if op == "add" else op + "imum").at(self, slices, value)

    def scatter_add(self, slices, value):
        self._scatter("add", slices, value)

    def scatter_max(self, slices, value):
        self._scatter("max", slices, value)

    def scatter_min(self, slices, value):
        self._scatter("min", slices, value)

    # ------------------------------------------------------------------ NumPy protocols
    def __array_ufunc__(self, uf, method, *inputs, **kwargs):
        inout = inputs
        if "out" in kwargs:
            out = kwargs["out"]
            if len(out) != 1:
                raise ValueError("The 'out' parameter must have exactly one array value")
            inout += out
            kwargs["out"] = out[0]
        if method not in ("__call__", "outer", "at", "reduce", "accumulate", "reduceat"):
            return NotImplemented
        name = uf.__name__
        try:
            func = getattr(cupy, name, None) or getattr(cupyx.scipy.special, name)
            if method != "__call__":
                func = getattr(func, method)
        except AttributeError:
            return NotImplemented
        for x in inout:
            if not _is_scalar(x) and not isinstance(x, (ndarray, np.ndarray)):
                return NotImplemented
        if name in ("greater", "greater_equal", "less", "less_equal", "equal", "not_equal"):
            inputs = tuple(x.item() if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in inputs)
        return func(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        try:
            module = functools.reduce(getattr, func.__module__.split(".")[1:], cupy)
            fn = getattr(module, func.__name__)
        except AttributeError:
            return NotImplemented
        if fn is func:
            return NotImplemented
        for t in types:
            if not issubclass(t, (ndarray, np.ndarray)):
                return NotImplemented
        return fn(*args, **kwargs)


def _rebuild(a, dev):
    return _wrap(a, dev)


for _name in _METHODS:
    setattr(ndarray, _name, _method(_name))


def _binary(ufname, reflected=False):
    def op(self, other):
        if type(other) is not ndarray and not _is_scalar(other) and not isinstance(other, np.ndarray):
            if getattr(other, "__array_ufunc__", False) is None or not hasattr(other, "__array_ufunc__"):
                return NotImplemented
        uf = getattr(cupy, ufname)
        return uf(other, self) if reflected else uf(self, other)
    return op


def _inplace(ufname):
    def op(self, other):
        getattr(cupy, ufname)(self, other, out=self)
        return self
    return op


for _op, _uf in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("matmul", "matmul"),
                 ("truediv", "true_divide"), ("floordiv", "floor_divide"), ("mod", "remainder"),
                 ("pow", "power"), ("lshift", "left_shift"), ("rshift", "right_shift"), ("and", "bitwise_and"),
                 ("or", "bitwise_or"), ("xor", "bitwise_xor"), ("divmod", "divmod")]:
    setattr(ndarray, f"__{_op}__", _binary(_uf))
    setattr(ndarray, f"__r{_op}__", _binary(_uf, True))
    if _op != "divmod":
        setattr(ndarray, f"__i{_op}__", _inplace(_uf))
for _op, _uf in [("lt", "less"), ("le", "less_equal"), ("eq", "equal"), ("ne", "not_equal"), ("gt", "greater"),
                 ("ge", "greater_equal")]:
    setattr(ndarray, f"__{_op}__", _binary(_uf))
for _op, _uf in [("neg", "negative"), ("pos", "positive"), ("abs", "absolute"), ("invert", "invert")]:
    setattr(ndarray, f"__{_op}__", (lambda u: lambda self: getattr(cupy, u)(self))(_uf))


# ----------------------------------------------------------------------------------------------------
# ufuncs and functions

_AT = {"add", "subtract", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor"}


class ufunc:
    """``cupy.ufunc``: elementwise over device arrays and scalars; only ``out``, ``dtype``, ``casting``."""

    def __init__(self, np_ufunc, name, kwargs=("out", "dtype", "casting")):
        self._u = np_ufunc
        self.__name__ = self.name = name
        self.nin, self.nout, self.nargs = np_ufunc.nin, np_ufunc.nout, np_ufunc.nargs
        self._kw = kwargs

    def __repr__(self):
        return f"<ufunc 'cupy_{self.__name__}'>"

    def _args(self, args):
        for x in args:
            if type(x) is not ndarray and not _is_scalar(x):
                raise TypeError(f"Unsupported type {type(x)}")
        return [x._a if type(x) is ndarray else x for x in args]

    def __call__(self, *args, **kwargs):
        bad = {k: v for k, v in kwargs.items() if k not in self._kw}
        if bad:
            raise TypeError(f"Wrong arguments {bad}")
        if not self.nin <= len(args) <= self.nargs:
            raise TypeError(f"Wrong number of arguments for '{self.__name__}'")
        out = kwargs.get("out")
        if len(args) > self.nin:
            out = args[self.nin] if self.nout == 1 else args[self.nin:]
            args = args[:self.nin]
            kwargs["out"] = out
        outs = out if isinstance(out, tuple) else (out,) if out is not None else ()
        for o in outs:
            if type(o) is not ndarray:
                raise TypeError(f"Output arguments must be cupy.ndarray (got {type(o)})")
        if out is not None:
            kwargs["out"] = tuple(o._a for o in outs) if isinstance(out, tuple) else out._a
        dev = next((x._dev for x in args if type(x) is ndarray), _State.current)
        r = self._u(*self._args(args), **kwargs)
        if out is not None:
            return out
        return _out(r, dev)

    def at(self, a, indices, b=None):
        if self.__name__ not in _AT:
            raise NotImplementedError(f"`cupy_{self.__name__}.at` is not supported yet")
        if type(a) is not ndarray:
            raise TypeError(f"Unsupported type {type(a)}")
        self._u.at(a._a, _key(indices, a.shape), b._a if type(b) is ndarray else b)

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False):
        if self.__name__ == "add":
            return array.sum(axis, dtype, out, keepdims)
        if self.__name__ == "multiply":
            return array.prod(axis, dtype, out, keepdims)
        raise NotImplementedError(f"`cupy_{self.__name__}.reduce` is not supported yet")

    def accumulate(self, array, axis=0, dtype=None, out=None):
        if self.__name__ == "add":
            return array.cumsum(axis, dtype, out)
        if self.__name__ == "multiply":
            return array.cumprod(axis, dtype, out)
        raise NotImplementedError(f"`cupy_{self.__name__}.accumulate` is not supported yet")

    def reduceat(self, array, indices, axis=0, dtype=None, out=None):
        if self.__name__ != "add":
            raise NotImplementedError(f"`cupy_{self.__name__}.reduceat` is not supported yet")
        r = np.add.reduceat(_in(array), _in_host_ok(indices), axis=axis, dtype=dtype)
        return _out(r, array._dev)

    def outer(self, A, B, **kwargs):
        A, B = asarray(A), asarray(B)
        return self(A.reshape(A.shape + (1,) * B.ndim), B.reshape((1,) * A.ndim + B.shape), **kwargs)


_ARRAY_RESULT = {"allclose", "array_equal", "array_equiv", "count_nonzero"}


def _function(np_fn, qualname, params):
    name = qualname.rsplit(".", 1)[1]

    def fn(*args, **kwargs):
        if params is not None:
            _sig(qualname, params, args, kwargs)
        r = np_fn(*_in(args), **{k: _in(v) for k, v in kwargs.items()})
        out = kwargs.get("out")
        if type(out) is ndarray and r is out._a:
            return out
        if name in _ARRAY_RESULT:
            return _wrap(np.asarray(r))
        return _out(r)
    fn.__name__ = name
    fn.__qualname__ = qualname
    return fn


def _parse(table):
    """{name: (params, kwonly, *args?, **kwargs?) or None (a non-function name)} from an ``_API`` entry."""
    out = {}
    for item in table.replace("\n", " ").split(";"):
        item = item.strip()
        if not item:
            continue
        if "(" not in item:
            out[item] = None
            continue
        name, _, rest = item.partition("(")
        words = rest.rstrip(")").split()
        pos, kw, varargs, varkw, seen_bar = [], [], False, False, False
        for w in words:
            if w == "*":
                varargs = True
            elif w == "**":
                varkw = True
            elif w == "|":
                seen_bar = True
            else:
                (kw if seen_bar else pos).append(w)
        out[name] = (tuple(pos), tuple(kw), varargs, varkw)
    return out


def _populate(module, table, np_module, skip=()):
    for name, params in _parse(table).items():
        if name in skip or hasattr(module, name):
            continue
        obj = getattr(np_module, name, None)
        if obj is None:
            continue
        if isinstance(obj, np.ufunc):
            kw = ("out", "dtype", "casting", "axes", "axis", "keepdims", "order") if name == "matmul" else \
                ("out", "dtype", "casting")
            setattr(module, name, ufunc(obj, obj.__name__ if name != "abs" else "absolute", kw))
        elif params is not None and callable(obj):
            setattr(module, name, _function(obj, f"{module.__name__}.{name}", params))
        elif params is None and (isinstance(obj, (type, float, np.dtype)) or name in ("newaxis", "s_", "index_exp")
                                 or not callable(obj)):
            setattr(module, name, obj)  # dtypes, constants, index helpers: NumPy's own (CuPy re-exports them)
        elif params is None and callable(obj) and name in _NUMPY_REEXPORTS:
            setattr(module, name, obj)


# NumPy helpers CuPy re-exports as they are (they take dtypes, not arrays)
_NUMPY_REEXPORTS = {"promote_types", "finfo", "iinfo", "issubdtype", "isdtype", "dtype", "typename", "mintypecode",
                    "iterable", "get_printoptions", "set_printoptions", "printoptions"}


# ----------------------------------------------------------------------------------------------------
# hand-written entries: conversions, CuPy-only functions, semantics NumPy does not share

def asarray(a, dtype=None, order=None, *, copy=None, blocking=False):
    if type(a) is ndarray:
        if (dtype is None or np.dtype(dtype) == a.dtype) and not copy:
            return a
        return _wrap(a._a.astype(dtype if dtype is not None else a.dtype, order=order or "K"), a._dev)
    return _wrap(np.array(_in_host_ok(a), dtype=dtype, order=order, copy=True))


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    if type(obj) is ndarray and not copy and (dtype is None or np.dtype(dtype) == obj.dtype) and obj.ndim >= ndmin:
        return obj
    r = np.array(_in_host_ok(obj), dtype=dtype, copy=True, order=order, ndmin=ndmin)
    return _wrap(r, getattr(obj, "_dev", None))


def asanyarray(a, dtype=None, order=None, *, copy=None, blocking=False):
    return asarray(a, dtype, order, copy=copy)


def ascontiguousarray(a, dtype=None):
    if type(a) is not ndarray:
        a = asarray(a)
    r = np.ascontiguousarray(a._a, dtype=dtype)
    return a if r is a._a else _wrap(r, a._dev)


def asfortranarray(a, dtype=None):
    if type(a) is not ndarray:
        a = asarray(a)
    r = np.asfortranarray(a._a, dtype=dtype)
    return a if r is a._a else _wrap(r, a._dev)


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    if type(a) is ndarray:
        return a.get(stream, order, out)
    r = np.asarray(a, order=order)
    if out is not None:
        out[...] = r
        return out
    return r


def get_array_module(*args):
    return cupy if any(type(a) is ndarray for a in args) else np


def _sorter(name):
    np_fn = getattr(np, name)

    def fn(a, axis=-1, kind=None):
        if kind is not None and kind != "stable":
            raise ValueError("kind can only be None or 'stable'")
        return _out(np_fn(_in(a), axis=axis, kind="stable"))
    fn.__name__ = name
    return fn


def _repeat(a, repeats, axis=None):
    if type(repeats) is ndarray:
        raise ValueError("cupy.ndarray cannot be specified as `repeats` argument.")
    return _out(np.repeat(_in(a), repeats, axis))


def _take(a, indices, axis=None, out=None):
    if type(a) is not ndarray:
        raise TypeError(f"Unsupported type {type(a)}")
    r = np.take(a._a, _in_host_ok(indices), axis=axis, mode="wrap")
    if out is not None:
        out._a[...] = r
        return out
    return _out(r, a._dev)


def _joiner(name, what):
    np_fn = getattr(np, name)

    def fn(tup, *args, **kwargs):
        for x in tup:
            if type(x) is not ndarray:
                raise TypeError(f"Only cupy arrays can be {what}")
        return _out(np_fn(_in(tup), *args, **{k: _in(v) for k, v in kwargs.items()}))
    fn.__name__ = name
    return fn


def _lenient(name):
    """Functions that pass their inputs through ``cupy.asarray`` (host arrays are copied to the device)."""
    np_fn = getattr(np, name)

    def fn(*args, **kwargs):
        r = np_fn(*_in_host_ok(args), **{k: _in_host_ok(v) for k, v in kwargs.items()})
        return _out(r)
    fn.__name__ = name
    return fn


def _select(condlist, choicelist, default=0):
    """CuPy's select: the choices must be device arrays, the default a scalar."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    if not np.isscalar(default):
        raise TypeError("default only accepts scalar values")
    for c in choicelist:
        if type(c) is not ndarray:
            raise TypeError("choicelist only accepts lists of cupy ndarrays")
    return _out(np.select(_in(list(condlist)), _in(list(choicelist)), default))


def _linalg_quiet(fn, shape_of):
    """CuPy's linalg does not raise on a singular / non-positive-definite input unless
    ``cupyx.errstate(linalg='raise')`` is active: it returns what cuSOLVER left (here: NaNs)."""
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except np.linalg.LinAlgError:
            if _State.linalg == "raise":
                raise
            a = args[0]
            return _wrap(np.full(shape_of(*[x.shape for x in args if type(x) is ndarray]), np.nan, a.dtype))
    wrapped.__name__ = fn.__name__
    return wrapped


class errstate:
    """``cupyx.errstate``: only ``linalg`` ('ignore' or 'raise') changes CuPy's behaviour."""

    def __init__(self, *, divide=None, over=None, under=None, invalid=None, linalg=None):
        self.linalg = linalg

    def __enter__(self):
        self.prev = _State.linalg
        if self.linalg is not None:
            _State.linalg = self.linalg
        return self

    def __exit__(self, *exc):
        _State.linalg = self.prev
        return False


def _seterr(*, divide=None, over=None, under=None, invalid=None, linalg=None):
    old = {"linalg": _State.linalg}
    if linalg is not None:
        _State.linalg = linalg
    return old


def _result_type(*arrays_and_dtypes):
    return np.result_type(*[a.dtype if type(a) is ndarray else a for a in arrays_and_dtypes])


def _can_cast(from_, to, casting="safe"):
    return np.can_cast(from_.dtype if type(from_) is ndarray else from_, to, casting)


def _as_strided(x, shape=None, strides=None):
    """CuPy builds the result on x's memory pointer: it owns nothing, yet its ``base`` is None."""
    r = np.lib.stride_tricks.as_strided(x._a, shape, strides)
    return _wrap(r, x._dev)


def _sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    return _wrap(np.lib.stride_tricks.sliding_window_view(x._a, window_shape, axis, writeable=True), x._dev)


def _shape(a):
    return a.shape if type(a) is ndarray else np.shape(a)


def _ndim(a):
    return a.ndim if type(a) is ndarray else np.ndim(a)


def _size(a, axis=None):
    return (a.size if axis is None else a.shape[axis]) if type(a) is ndarray else np.size(a, axis)


def _isscalar(element):
    return np.isscalar(element)


def _copyto(dst, src, casting="same_kind", where=None):
    if type(dst) is not ndarray:
        raise TypeError(f"Unsupported type {type(dst)}")
    if type(src) is np.ndarray:
        if src.size != 1:
            raise ValueError("non-scalar numpy.ndarray cannot be used for copyto")
        src = src.reshape(())[()]
    np.copyto(dst._a, _in(src), casting=casting, where=True if where is None else _in(where))


# ----------------------------------------------------------------------------------------------------
# the cuda namespace

class _Runtime(types.ModuleType):
    CUDARuntimeError = CUDARuntimeError

    @staticmethod
    def getDeviceCount():
        return _State.n_devices

    @staticmethod
    def getDevice():
        return _State.current

    @staticmethod
    def setDevice(i):
        Device(i).use()

    @staticmethod
    def getDeviceProperties(i):
        Device(i)
        return {"name": b"Fake CuPy GPU (NumPy)", "major": 9, "minor": 0, "totalGlobalMem": 80 * 2 ** 30,
                "multiProcessorCount": 132}

    @staticmethod
    def memGetInfo():
        total = 80 * 2 ** 30
        return total - sum(_State.allocated.values()), total

    @staticmethod
    def runtimeGetVersion():
        return 12040

    @staticmethod
    def driverGetVersion():
        return 12040

    @staticmethod
    def deviceSynchronize():
        pass


_runtime = _Runtime("cupy.cuda.runtime")


class Stream:
    """``cupy.cuda.Stream``: work runs synchronously here; ``with`` makes it current."""
    _stack = []
    null = None

    def __init__(self, null=False, non_blocking=False, ptr=0, priority=0):
        self.ptr = 0 if null else id(self)
        self.priority = priority
        self.done = True

    def synchronize(self):
        pass

    def wait_event(self, event):
        pass

    def record(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def use(self):
        Stream._current = self
        return self

    def __enter__(self):
        Stream._stack.append(Stream._current)
        Stream._current = self
        return self

    def __exit__(self, *exc):
        Stream._current = Stream._stack.pop()
        return False


Stream.null = Stream(null=True)
Stream._current = Stream.null


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.disable_timing = disable_timing
        self.ptr = id(self)
        self.time = None
        self.done = True

    def record(self, stream=None):
        self.time = time.perf_counter()

    def synchronize(self):
        pass


def get_elapsed_time(start, end):
    if start.disable_timing or end.disable_timing:
        raise CUDARuntimeError("cudaErrorInvalidResourceHandle: invalid resource handle")
    return (end.time - start.time) * 1e3


class MemoryPool:
    def used_bytes(self):
        return sum(_State.allocated.values())

    def total_bytes(self):
        return max(_State.peak, self.used_bytes())

    def free_bytes(self):
        return self.total_bytes() - self.used_bytes()

    def free_all_blocks(self, stream=None):
        _State.peak = self.used_bytes()

    def n_free_blocks(self):
        return 0

    def set_limit(self, size=None, fraction=None):
        pass

    def get_limit(self):
        return 0


class PinnedMemoryPool:
    def free_all_blocks(self):
        pass

    def n_free_blocks(self):
        return 0


_POOL = MemoryPool()
_PINNED_POOL = PinnedMemoryPool()


def _cuda_module():
    m = types.ModuleType("cupy.cuda")
    m.runtime = _runtime
    m.Device = Device
    m.Stream = Stream
    m.Event = Event
    m.Memory = Memory
    m.MemoryPointer = MemoryPointer
    m.PinnedMemoryPointer = PinnedMemoryPointer
    m.MemoryPool = MemoryPool
    m.PinnedMemoryPool = PinnedMemoryPool
    m.get_elapsed_time = get_elapsed_time
    m.get_current_stream = lambda device=None: Stream._current
    m.is_available = lambda: _State.n_devices > 0
    m.get_device_id = lambda: _State.current
    m.CUDARuntimeError = CUDARuntimeError
    return m


# ----------------------------------------------------------------------------------------------------
# random (the legacy module-level samplers over one NumPy RandomState; CuPy's take ``dtype=``)

_RS = np.random.RandomState(0)


def _random_fn(name, params):
    def fn(*args, **kwargs):
        _sig(f"cupy.random.{name}", params, args, kwargs)
        dtype = kwargs.pop("dtype", None)
        if name in ("rand", "randn"):
            r = getattr(_RS, name)(*args)
        else:
            r = getattr(_RS, name)(*args, **kwargs)
        r = np.asarray(r)
        if dtype is not None:
            r = r.astype(dtype)
        return _wrap(r)
    fn.__name__ = name
    return fn


def _seed(seed=None):
    _RS.seed(None if seed is None else int(seed) & 0xFFFFFFFF)


# ----------------------------------------------------------------------------------------------------
# building the modules

def _module(name):
    m = types.ModuleType(name)
    m.__fake__ = True
    return m


def _build():
    cp = _module("cupy")
    cp.ndarray = ndarray
    cp.ufunc = ufunc
    cp.__version__ = "15.0.0a1+fake"
    for f in (asarray, array, asanyarray, ascontiguousarray, asfortranarray, asnumpy, get_array_module):
        setattr(cp, f.__name__, f)
    cp.sort = _sorter("sort")
    cp.argsort = _sorter("argsort")
    cp.repeat = _repeat
    cp.take = _take
    cp.result_type = _result_type
    cp.can_cast = _can_cast
    cp.shape = _shape
    cp.ndim = _ndim
    cp.size = _size
    cp.isscalar = _isscalar
    cp.copyto = _copyto
    cp.select = _select
    cp.concatenate = cp.concat = _joiner("concatenate", "concatenated")
    cp.stack = _joiner("stack", "stacked")
    cp.column_stack = _joiner("column_stack", "column stacked")
    for name in ("hstack", "vstack", "dstack", "atleast_1d", "atleast_2d", "atleast_3d"):
        setattr(cp, name, _lenient(name))
    cp.is_available = lambda: True
    cp.get_default_memory_pool = lambda: _POOL
    cp.get_default_pinned_memory_pool = lambda: _PINNED_POOL
    cp.cuda = _cuda_module()
    _populate(cp, _API["cupy"], np)

    cp.linalg = _module("cupy.linalg")
    cp.linalg.LinAlgError = np.linalg.LinAlgError
    _populate(cp.linalg, _API["cupy.linalg"], np.linalg)
    cp.linalg.inv = _linalg_quiet(cp.linalg.inv, lambda a: a)
    cp.linalg.cholesky = _linalg_quiet(cp.linalg.cholesky, lambda a: a)
    cp.linalg.solve = _linalg_quiet(cp.linalg.solve, lambda a, b: np.broadcast_shapes(a[:-2], b[:-2]) + b[-2:]
                                    if len(b) > 1 and len(b) == len(a) else b)
    cp.fft = _module("cupy.fft")
    _populate(cp.fft, _API["cupy.fft"], np.fft)
    cp.lib = _module("cupy.lib")
    cp.lib.stride_tricks = _module("cupy.lib.stride_tricks")
    cp.lib.stride_tricks.as_strided = _as_strided
    cp.lib.stride_tricks.sliding_window_view = _sliding_window_view
    cp.random = _module("cupy.random")
    for name, params in _parse(_API["cupy.random"]).items():
        if params is not None and hasattr(_RS, name):
            setattr(cp.random, name, _random_fn(name, params))
    cp.random.seed = _seed
    cp.exceptions = _module("cupy.exceptions")
    cp.exceptions.AxisError = np.exceptions.AxisError

    cx = _module("cupyx")
    cx.scipy = _module("cupyx.scipy")
    cx.scipy.special = _module("cupyx.scipy.special")
    for name, params in _parse(_API["cupyx.scipy.special"]).items():
        obj = getattr(scipy.special, name, None)
        if isinstance(obj, np.ufunc):
            setattr(cx.scipy.special, name, ufunc(obj, name))
        elif obj is not None:
            setattr(cx.scipy.special, name, _function(obj, f"cupyx.scipy.special.{name}", params))
    cx.scipy.linalg = _module("cupyx.scipy.linalg")
    for name, params in _parse(_API["cupyx.scipy.linalg"]).items():
        obj = getattr(scipy.linalg, name, None)
        if obj is not None:
            setattr(cx.scipy.linalg, name, _function(obj, f"cupyx.scipy.linalg.{name}", params))

    def scatter(op):
        def fn(a, slices, value):
            getattr(cp, op).at(a, slices, value)
        fn.__name__ = f"scatter_{op[:3]}"
        return fn
    cx.scatter_add = scatter("add")
    cx.scatter_max = scatter("maximum")
    cx.scatter_min = scatter("minimum")

    def empty_pinned(shape, dtype=float, order="C"):
        dt = np.dtype(dtype)
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        n = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
        return np.ndarray(shape, dt, buffer=PinnedMemoryPointer(max(n, 1)), order=order)

    def zeros_pinned(shape, dtype=float, order="C"):
        a = empty_pinned(shape, dtype, order)
        a[...] = 0
        return a
    cx.empty_pinned = empty_pinned
    cx.zeros_pinned = zeros_pinned
    cx.empty_like_pinned = lambda a, dtype=None, order="K", subok=None, shape=None: empty_pinned(
        a.shape if shape is None else shape, a.dtype if dtype is None else dtype)
    cx.errstate = errstate
    cx.seterr = _seterr
    cx.geterr = lambda: {"linalg": _State.linalg}
    cx.rsqrt = _function(lambda x, out=None: 1 / np.sqrt(x), "cupyx.rsqrt", (("x",), ("out",), False, False))
    return cp, cx


def is_fake(a):
    """True for an array of this fake device (what a CUDA tensor's ``_data`` must be)."""
    return type(a) is ndarray


def reset(n_devices=1):
    """Fresh state: ``n_devices`` devices, device 0 current, memory counters cleared, RNG reseeded."""
    _State.n_devices = n_devices
    _State.current = 0
    _State.linalg = "ignore"
    _State.peak = sum(_State.allocated.values())
    Stream._current = Stream.null
    _RS.seed(0)


# ----------------------------------------------------------------------------------------------------
# CuPy's public names per module, with each function's parameters: ``name(positional... | keyword-only...)``,
# ``*``/``**`` for *args/**kwargs, a bare name for ufuncs, dtypes, constants and classes.  Generated from
# CuPy's sources (cupy/__init__.py, cupy/{linalg,fft,random,lib/stride_tricks}/, cupyx/, cupyx/scipy/special/,
# cupyx/scipy/linalg/ at 15.0.0a1) by resolving each import to its definition.

_API = {
    "cupy": """
AxisError; ComplexWarning; ElementwiseKernel; Inf; Infinity; ModuleDeprecationWarning; NAN; NINF; NZERO; NaN;
PINF; PZERO; RankWarning; RawKernel; RawModule; ReductionKernel; TooHardError; VisibleDeprecationWarning; abs;
absolute; acos; acosh; add; all(a axis out keepdims); allclose(a b rtol atol equal_nan); alltrue; amax(a axis
out keepdims); amin(a axis out keepdims); angle(z deg); any(a axis out keepdims); append(arr values axis);
apply_along_axis(func1d axis arr * **); apply_over_axes(func a axes); arange(start stop step dtype); arccos;
arccosh; arcsin; arcsinh; arctan; arctan2; arctanh; argmax(a axis dtype out keepdims); argmin(a axis dtype out
keepdims); argpartition(a kth axis); argsort(a axis kind); argwhere(a); around(a decimals out); array(obj dtype
copy order subok ndmin | blocking); array2string(a * **); array_equal(a1 a2 equal_nan); array_equiv(a1 a2);
array_repr(arr max_line_width precision suppress_small); array_split(ary indices_or_sections axis);
array_str(arr max_line_width precision suppress_small); asanyarray(a dtype order | copy blocking); asarray(a
dtype order | copy blocking); asarray_chkfinite(a dtype order); ascontiguousarray(a dtype); asfarray(a dtype);
asfortranarray(a dtype); asin; asinh; asnumpy(a stream order out | blocking); astype(x dtype | copy); atan;
atan2; atanh; atleast_1d(*); atleast_2d(*); atleast_3d(*); average(a axis weights returned | keepdims);
bartlett(M); base_repr(number base padding); binary_repr(num width); bincount(x weights minlength); bitwise_and;
bitwise_count; bitwise_invert; bitwise_left_shift; bitwise_not; bitwise_or; bitwise_right_shift; bitwise_xor;
blackman(M); bool_; broadcast; broadcast_arrays(*); broadcast_to(array shape); byte; byte_bounds(a); c_;
can_cast(from_ to casting); cbrt; cdouble; ceil; cfloat; choose(a choices out mode); clear_memo; clip(a a_min
a_max out); column_stack(tup); common_type(*); complex128; complex64; complex_; complexfloating;
compress(condition a axis out); concat; concatenate(tup axis out | dtype casting); conj; conjugate; convolve(a v
mode); copy(a order); copysign; copyto(dst src casting where); corrcoef(a y rowvar bias ddof | dtype);
correlate(a v mode); cos; cosh; count_nonzero(a axis); cov(a y rowvar bias ddof fweights aweights | dtype);
cross(a b axisa axisb axisc axis); csingle; cuda; cumprod(a axis dtype out); cumproduct(a axis dtype out);
cumsum(a axis dtype out); cumulative_prod(x | axis dtype out include_initial); cumulative_sum(x | axis dtype out
include_initial); deg2rad; degrees; delete(arr indices axis); diag(v k); diag_indices(n ndim);
diag_indices_from(arr); diagflat(v k); diagonal(a offset axis1 axis2); diff(a n axis prepend append); digitize(x
bins right); disable_experimental_feature_warning; divide; divmod; dot(a b out); double; dsplit(ary
indices_or_sections); dstack(tup); dtype; e; ediff1d(arr to_end to_begin); einsum(* **); empty(shape dtype
order); empty_like(prototype dtype order subok shape); equal; euler_gamma; exceptions; exp; exp2; expand_dims(a
axis); expm1; extract(condition a); eye(N M k dtype order); fabs; fft; fill_diagonal(a val wrap); finfo; fix;
flatiter; flatnonzero(a); flip(a axis); fliplr(a); flipud(a); float16; float32; float64; float_; float_power;
floating; floor; floor_divide; fmax; fmin; fmod; format_float_positional(x * **); format_float_scientific(x *
**); frexp; fromDlpack; from_dlpack; frombuffer(* **); fromfile(* **); fromfunction(* **); fromiter(* **);
fromstring(* **); full(shape fill_value dtype order); full_like(a fill_value dtype order subok shape); fuse;
gcd; generic; genfromtxt(* **); get_array_module(*); get_default_memory_pool();
get_default_pinned_memory_pool(); get_printoptions; gradient(f * | axis edge_order); greater; greater_equal;
half; hamming(M); hanning(M); heaviside; histogram(x bins range density weights); histogram2d(x y bins range
weights density); histogramdd(sample bins range weights density); hsplit(ary indices_or_sections); hstack(tup |
dtype casting); hypot; i0; identity(n dtype); iinfo; imag(val); in1d(ar1 ar2 assume_unique invert); index_exp;
indices(dimensions dtype); inexact; inf; infty; inner(a b); int16; int32; int64; int8; int_; intc; integer;
interp(x xp fp left right period); intersect1d(arr1 arr2 assume_unique return_indices); intp; invert;
is_available(); isclose(a b rtol atol equal_nan); iscomplex(x); iscomplexobj(x); isdtype; isfinite;
isfortran(a); isin(element test_elements assume_unique invert); isinf; isnan; isneginf(x out); isposinf(x out);
isreal(x); isrealobj(x); isscalar(element); issctype(rep); issubclass_(arg1 arg2); issubdtype; issubsctype(arg1
arg2); iterable; ix_(*); kaiser(M beta); kron(a b); lcm; ldexp; left_shift; less; less_equal; lexsort(keys);
linalg; linspace(start stop num endpoint retstep dtype axis); load(file mmap_mode allow_pickle); loadtxt(* **);
log; log10; log1p; log2; logaddexp; logaddexp2; logical_and; logical_not; logical_or; logical_xor;
logspace(start stop num endpoint base dtype axis); longlong; make_aligned_dtype; mask_indices(n mask_func k);
matmul; matrix_transpose(x); max(a axis out keepdims); maximum; may_share_memory(a b max_work); mean(a axis
dtype out keepdims); median(a axis out overwrite_input keepdims); memoize; meshgrid(* **); mgrid; min(a axis out
keepdims); min_scalar_type; minimum; mintypecode; mod; modf; moveaxis(a source destination); msort(a); multiply;
nan; nan_to_num(x copy nan posinf neginf); nanargmax(a axis dtype out keepdims); nanargmin(a axis dtype out
keepdims); nancumprod(a axis dtype out); nancumsum(a axis dtype out); nanmax(a axis out keepdims); nanmean(a
axis dtype out keepdims); nanmedian(a axis out overwrite_input keepdims); nanmin(a axis out keepdims); nanprod(a
axis dtype out keepdims); nanstd(a axis dtype out ddof keepdims); nansum(a axis dtype out keepdims); nanvar(a
axis dtype out ddof keepdims); ndarray; ndim(a); ndindex; negative; newaxis; nextafter; nonzero(a); not_equal;
number; obj2sctype(rep default); ogrid; ones(shape dtype order); ones_like(a dtype order subok shape); outer(a b
out); packbits(a axis bitorder); pad(array pad_width mode **); partition(a kth axis); percentile(a q axis out
overwrite_input method keepdims | interpolation); permute_dims; pi; piecewise(x condlist funclist); place(arr
mask vals); poly(seq_of_zeros); poly1d; polyadd(a1 a2); polyfit(x y deg rcond full w cov); polymul(a1 a2);
polynomial; polysub(a1 a2); polyval(p x); positive; pow; power; printoptions; prod(a axis dtype out keepdims);
product(a axis dtype out keepdims); promote_types; ptp(a axis out keepdims); put(a ind v mode);
put_along_axis(arr indices values axis); putmask(a mask values); quantile(a q axis out overwrite_input method
keepdims | interpolation); r_; rad2deg; radians; random; ravel(a order); ravel_multi_index(multi_index dims mode
order); real(val); real_if_close(a tol); reciprocal; remainder; repeat(a repeats axis); require(a dtype
requirements); reshape(a newshape order | copy); resize(a new_shape); result_type(*); right_shift; rint; roll(a
shift axis); rollaxis(a axis start); roots(p); rot90(a k axes); round(a decimals out); round_(a decimals out);
row_stack(tup | dtype casting); s_; save(file arr allow_pickle); savetxt(fname X * **); savez(file * **);
savez_compressed(file * **); sctype2char(sctype); searchsorted(a v side sorter); select(condlist choicelist
default); set_printoptions; setdiff1d(ar1 ar2 assume_unique); setxor1d(ar1 ar2 assume_unique); shape(a);
shares_memory(a b max_work); short; show_config(| _full); sign; signbit; signedinteger; sin; sinc; single;
singlecomplex; sinh; size; sometrue; sort(a axis kind); sort_complex(a); split(ary indices_or_sections axis);
sqrt; square; squeeze(a axis); stack(tup axis out | dtype casting); std(a axis dtype out ddof keepdims);
subtract; sum(a axis dtype out keepdims); swapaxes(a axis1 axis2); take(a indices axis out); take_along_axis(a
indices axis); tan; tanh; tensordot(a b axes); testing; tile(A reps); trace(a offset axis1 axis2 dtype out);
transpose(a axes); trapezoid(y x dx axis); trapz; tri(N M k dtype); tril(m k); tril_indices(n k m);
tril_indices_from(arr k); trim_zeros(filt trim); triu(m k); triu_indices(n k m); triu_indices_from(arr k);
true_divide; trunc; typename; ubyte; ufunc; uint; uint16; uint32; uint64; uint8; uintc; uintp; ulonglong;
union1d(arr1 arr2); unique(ar return_index return_inverse return_counts axis | equal_nan); unique_all(x);
unique_counts(x); unique_inverse(x); unique_values(x); unpackbits(a axis bitorder); unravel_index(indices dims
order); unsignedinteger; unwrap(p discont axis | period); ushort; vander(x N increasing); var(a axis dtype out
ddof keepdims); vdot(a b); vectorize; vsplit(ary indices_or_sections); vstack(tup | dtype casting);
where(condition x y); who(vardict); zeros(shape dtype order); zeros_like(a dtype order subok shape)
""",
    "cupy.linalg": """
LinAlgError; cholesky(a); cond(x p); cross(x1 x2 | axis); det(a); eig(a); eigh(a UPLO); eigvals(a); eigvalsh(a
UPLO); inv(a); lstsq(a b rcond); matmul; matrix_power(M n); matrix_rank(M tol); matrix_transpose(a); norm(x ord
axis keepdims); pinv(a rcond); qr(a mode); slogdet(a); solve(a b); svd(a full_matrices compute_uv); tensorinv(a
ind); tensorsolve(a b axes)
""",
    "cupy.fft": """
config; fft(a n axis norm); fft2(a s axes norm); fftfreq(n d); fftn(a s axes norm); fftshift(x axes); hfft(a n
axis norm); ifft(a n axis norm); ifft2(a s axes norm); ifftn(a s axes norm); ifftshift(x axes); ihfft(a n axis
norm); irfft(a n axis norm); irfft2(a s axes norm); irfftn(a s axes norm); rfft(a n axis norm); rfft2(a s axes
norm); rfftfreq(n d); rfftn(a s axes norm)
""",
    "cupy.random": """
BitGenerator; MRG32k3a; Philox4x3210; RandomState; XORWOW; beta(a b size dtype); binomial(n p size dtype);
bytes(length); chisquare(df size dtype); choice(a size replace p); default_rng(seed); dirichlet(alpha size
dtype); exponential(scale size dtype); f(dfnum dfden size dtype); gamma(shape scale size dtype); geometric(p
size dtype); get_random_state(); gumbel(loc scale size dtype); hypergeometric(ngood nbad nsample size dtype);
laplace(loc scale size dtype); logistic(loc scale size dtype); lognormal(mean sigma size dtype); logseries(p
size dtype); multinomial(n pvals size); multivariate_normal(mean cov size check_valid tol method dtype);
negative_binomial(n p size dtype); noncentral_chisquare(df nonc size dtype); noncentral_f(dfnum dfden nonc size
dtype); normal(loc scale size dtype); pareto(a size dtype); permutation(a); poisson(lam size dtype); power(a
size dtype); rand(* **); randint(low high size dtype); randn(* **); random(size dtype); random_integers(low high
size); random_sample(size dtype); ranf(size dtype); rayleigh(scale size dtype); reset_states(); sample(size
dtype); seed(seed); set_random_state(rs); shuffle(a); standard_cauchy(size dtype); standard_exponential(size
dtype); standard_gamma(shape size dtype); standard_normal(size dtype); standard_t(df size dtype);
triangular(left mode right size dtype); uniform(low high size dtype); vonmises(mu kappa size dtype); wald(mean
scale size dtype); weibull(a size dtype); zipf(a size dtype)
""",
    "cupy.lib.stride_tricks": """
as_strided(x shape strides); sliding_window_view(x window_shape axis | subok writeable)
""",
    "cupyx": """
DeviceSynchronized; GeneralizedUFunc; allow_synchronize(allow); empty_like_pinned(a dtype order subok shape);
empty_pinned(shape dtype order); errstate(| divide over under invalid linalg); get_runtime_info(| full);
geterr(); linalg; optimizing; rsqrt; scatter_add(a slices value); scatter_max(a slices value); scatter_min(a
slices value); scipy; seterr(| divide over under invalid linalg); time; zeros_like_pinned(a dtype order subok
shape); zeros_pinned(shape dtype order)
""",
    "cupyx.scipy.special": """
bdtr; bdtrc; bdtri; beta; betainc; betaincinv; betaln; binom; boxcox; boxcox1p; btdtr(a b x out); btdtri(a b p
out); cbrt; chdtr; chdtrc; chdtri; cosdg; cosm1; cotdg; digamma; ellipeinc; ellipj; ellipk; ellipkinc; ellipkm1;
entr; erf; erfc; erfcinv; erfcx; erfinv; exp1; exp10; exp2; expi; expit; expm1; expn; exprel; fdtr; fdtrc;
fdtri; gamma; gammainc; gammaincc; gammainccinv; gammaincinv; gammaln; gammasgn; gdtr; gdtrc; huber; i0; i0e;
i1; i1e; inv_boxcox; inv_boxcox1p; j0; j1; k0; k0e; k1; k1e; kl_div; lambertw(z k tol); log1p; log_expit;
log_ndtr; log_softmax(x axis); loggamma; logit; logsumexp(a axis b keepdims return_sign); lpmv; multigammaln(a
d); nbdtr; nbdtrc; nbdtri; ndtr; ndtri; pdtr; pdtrc; pdtri; poch; polygamma(n x); pseudo_huber; psi; radian;
rel_entr; rgamma; round(a decimals out); shichi; sici; sinc; sindg; softmax(x axis); sph_harm_y(n m theta phi |
diff_n); spherical_yn(n z derivative); tandg; wright_bessel; xlog1py; xlogy; y0; y1; yn; zeta; zetac
""",
    "cupyx.scipy.linalg": """
bandwidth(a); block_diag(*); circulant(c); companion(a); convolution_matrix(a n mode); dft(n scale); expm(a);
fiedler(a); fiedler_companion(a); hadamard(n dtype); hankel(c r); helmert(n full); hilbert(n); khatri_rao(a b);
leslie(f s); lu(a permute_l overwrite_a check_finite); lu_factor(a overwrite_a check_finite);
lu_solve(lu_and_piv b trans overwrite_b check_finite); solve_triangular(a b trans lower unit_diagonal
overwrite_b check_finite); toeplitz(c r)
""",
}

cupy, cupyx = _build()
cupy.cupyx = cupyx
