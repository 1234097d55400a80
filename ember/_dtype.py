"""dtypes and PyTorch's type-promotion rules.

Each ember dtype wraps one NumPy dtype (bfloat16 comes from ``ml_dtypes``).  Promotion follows
``c10::promoteTypes`` and ``at::native::result_type``: categories bool < integer < floating < complex,
0-d tensors are weaker than dimensioned ones and Python scalars weaker still.  Everything is table
lookups computed once at import; the hot path never walks a chain of ifs.
"""
import builtins
import math

import ml_dtypes
import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "can_cast",
           "finfo", "iinfo"]

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type (``torch.dtype``). Compare with ``is`` or ``==``; prints as ``torch.float32``."""
    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "abbr", "_repr")

    def __init__(self, name, np_dtype, category, signed, abbr):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = signed
        self.abbr = abbr
        self._repr = "torch." + name

    @property
    def is_floating_point(self):
        return self.category == FLOAT

    @property
    def is_complex(self):
        return self.category == COMPLEX

    def to_real(self):
        return _COMPLEX_TO_REAL.get(self, self)

    def to_complex(self):
        """The complex dtype with this real part (RuntimeError for bool/integer dtypes, as torch)."""
        if self.category == COMPLEX:
            return self
        if self is float16:
            raise NotImplementedError("ember has no complex32, torch.float16.to_complex()")
        if self.category != FLOAT:
            raise RuntimeError(f"Unknown Complex ScalarType for {_SCALAR_NAMES[self.name]}")
        return _REAL_TO_COMPLEX[self]

    def __repr__(self):
        return self._repr

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


def _dtype_by_name(name):
    return _BY_NAME[name]


dtype.__module__ = "torch"

bool = dtype("bool", np.bool_, BOOL, False, "b8")
uint8 = dtype("uint8", np.uint8, INT, False, "u8")
int8 = dtype("int8", np.int8, INT, True, "i8")
int16 = dtype("int16", np.int16, INT, True, "i16")
int32 = dtype("int32", np.int32, INT, True, "i32")
int64 = dtype("int64", np.int64, INT, True, "i64")
float16 = dtype("float16", np.float16, FLOAT, True, "f16")
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, True, "bf16")
float32 = dtype("float32", np.float32, FLOAT, True, "f32")
float64 = dtype("float64", np.float64, FLOAT, True, "f64")
complex64 = dtype("complex64", np.complex64, COMPLEX, True, "c64")
complex128 = dtype("complex128", np.complex128, COMPLEX, True, "c128")
# c10's ScalarType names, used in torch's messages
_SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
                 "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble"}

ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_BY_NAME = {d.name: d for d in ALL}
_FROM_NP = {d.np: d for d in ALL}
# torch's aliases, exported from ember/__init__.py
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16, "int": int32,
           "long": int64, "cfloat": complex64, "cdouble": complex128, "chalf": None}
del ALIASES["chalf"]
_COMPLEX_TO_REAL = {complex64: float32, complex128: float64}
_REAL_TO_COMPLEX = {float16: complex64, bfloat16: complex64, float32: complex64, float64: complex128}


def from_numpy_dtype(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError for dtypes torch has no equivalent of."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype).newbyteorder("=")]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype)}. The only supported "
                        "types are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
                        "int8, uint8, and bool.") from None


# ---------------------------------------------------------------------------------------------------
# promotion lattice (c10::promoteTypes)

def _promote_pair(a, b):
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == COMPLEX and lo.category == FLOAT and lo.itemsize * 2 > hi.itemsize:
            return complex128
        return hi
    if a.category == FLOAT and {a, b} == {float16, bfloat16}:
        return float32
    return _FROM_NP[np.promote_types(a.np, b.np)]


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL}


def _check_dtype(x, fname, argname, position):
    if not isinstance(x, dtype):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be torch.dtype, not "
                        f"{type(x).__name__}")


def promote_types(type1, type2):
    """``torch.promote_types``: the smallest dtype both inputs can be cast to under torch's lattice."""
    try:
        return _PROMOTE[type1, type2]
    except (KeyError, TypeError):
        _check_dtype(type1, "promote_types", "type1", 1)
        _check_dtype(type2, "promote_types", "type2", 2)
        raise


_CHALF = "complex32"  # torch's ComplexHalf: a promotion result ember cannot represent


def _combine_categories(higher, lower):
    """Combine the results of a stronger and a weaker tier (dimensioned > 0-d > Python scalar)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        if higher is float16:
            return _CHALF
        return _REAL_TO_COMPLEX[higher] if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool or lower.category == FLOAT:
        return _PROMOTE[higher, lower]
    return higher


_COMBINE = {}
for _h in ALL + (None,):
    for _l in ALL + (None,):
        _COMBINE[_h, _l] = _combine_categories(_h, _l)


# ---------------------------------------------------------------------------------------------------
# default dtype

class _Defaults:
    __slots__ = ("float", "complex")


_defaults = _Defaults()
_defaults.float = float32
_defaults.complex = complex64


def get_default_dtype():
    """``torch.get_default_dtype``: the dtype of Python floats and of float factories (float32 at start)."""
    return _defaults.float


def set_default_dtype(d):
    """``torch.set_default_dtype``: only floating dtypes are accepted, as in torch.

    The default complex dtype follows (float64 -> complex128, float32 -> complex64); torch has none for
    bfloat16 and uses complex32 for float16, which ember lacks: complex values then raise.
    """
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if d.category != FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _defaults.float = d
    _defaults.complex = _REAL_TO_COMPLEX[d] if d is float32 or d is float64 else None


def default_complex():
    """The dtype of Python complex numbers: the complex counterpart of the default dtype."""
    c = _defaults.complex
    if c is None:
        if _defaults.float is bfloat16:
            raise RuntimeError("invalid default scalar type for complex")
        raise NotImplementedError("ember has no complex32, the complex dtype of a float16 default dtype")
    return c


def scalar_dtype(value):
    """The dtype a Python scalar takes when it becomes a tensor (``torch.tensor(3.0)`` etc.)."""
    t = type(value)
    if t is builtins.bool:
        return bool
    if t is int:
        return int64
    if t is builtins.float:
        return _defaults.float
    if t is builtins.complex:
        return default_complex()
    if isinstance(value, np.generic):
        return from_numpy_dtype(value.dtype)
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, int):
        return int64
    if isinstance(value, builtins.float):
        return _defaults.float
    if isinstance(value, builtins.complex):
        return default_complex()
    raise TypeError(f"expected a number, got {type(value).__name__}")


def result_type_of(tensor_dtypes_dim, tensor_dtypes_zero, scalars):
    """torch's three-tier result type: dimensioned tensors, 0-d tensors, then Python scalars."""
    dim = zero = wrapped = None
    for d in tensor_dtypes_dim:
        dim = d if dim is None else _PROMOTE[dim, d]
    for d in tensor_dtypes_zero:
        zero = d if zero is None else _PROMOTE[zero, d]
    for s in scalars:
        d = scalar_dtype(s)
        wrapped = d if wrapped is None else _PROMOTE[wrapped, d]
    inner = _COMBINE[zero, wrapped]
    r = _COMBINE[dim, inner] if inner is not _CHALF else _CHALF
    if r is _CHALF:
        raise NotImplementedError("ember has no complex32 (torch.chalf) dtype, which torch's promotion gives here")
    return r


def can_cast(from_, to):
    """``torch.can_cast``: False only where a category would be lowered (float->int, complex->float, ->bool)."""
    _check_dtype(from_, "can_cast", "from_", 1)
    _check_dtype(to, "can_cast", "to", 2)
    return from_.category <= to.category


# ---------------------------------------------------------------------------------------------------
# finfo / iinfo

_NO_ARG = object()


class _Limits:
    """Read-only limit records compared field by field (torch's finfo/iinfo)."""
    __slots__ = ()

    def _set(self, **fields):
        for k, v in fields.items():
            object.__setattr__(self, k, v)

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.{type(self).__name__}' objects is not writable")

    def __eq__(self, other):
        return type(other) is type(self) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None


class finfo(_Limits):
    """``torch.finfo``: machine limits of a floating dtype (bits, eps, max, min, tiny, resolution).

    ``resolution`` is torch's ``10 ** -floor(-log10(eps))`` (0.001 for float16, not NumPy's 0.0010004).
    """
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=_NO_ARG):
        type = get_default_dtype() if type is _NO_ARG else type
        _check_dtype(type, "finfo", "type", 1)
        if type.category == COMPLEX:
            type = type.to_real()
        if type.category != FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.np)
        eps = builtins.float(info.eps)
        normal = builtins.float(info.smallest_normal)
        self._set(bits=type.itemsize * 8, eps=eps, max=builtins.float(info.max), min=builtins.float(info.min),
                  tiny=normal, smallest_normal=normal, resolution=10.0 ** -math.floor(-math.log10(eps)),
                  dtype=type.name)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo(_Limits):
    """``torch.iinfo``: limits of an integer dtype (torch refuses bool)."""
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        _check_dtype(type, "iinfo", "type", 1)
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.category != INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(type.np)
        self._set(bits=info.bits, min=int(info.min), max=int(info.max), dtype=type.name)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


finfo.__module__ = iinfo.__module__ = "torch"
