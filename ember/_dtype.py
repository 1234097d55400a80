"""dtypes and PyTorch's type-promotion rules.

Each ember dtype wraps one NumPy dtype (bfloat16 comes from ``ml_dtypes``).  Promotion follows
``c10::promoteTypes`` and ``at::native::result_type``: categories bool < integer < floating < complex,
0-d tensors are weaker than dimensioned ones and Python scalars weaker still.  Everything is table
lookups computed once at import; the hot path never walks a chain of ifs.
"""
import builtins

import ml_dtypes
import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "can_cast",
           "finfo", "iinfo"]

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type (``torch.dtype``). Compare with ``is`` or ``==``; prints as ``torch.float32``."""
    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "_repr")

    def __init__(self, name, np_dtype, category, signed):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = signed
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
        return _REAL_TO_COMPLEX.get(self, self)

    def __repr__(self):
        return self._repr

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


def _dtype_by_name(name):
    return _BY_NAME[name]


bool = dtype("bool", np.bool_, BOOL, False)
uint8 = dtype("uint8", np.uint8, INT, False)
int8 = dtype("int8", np.int8, INT, True)
int16 = dtype("int16", np.int16, INT, True)
int32 = dtype("int32", np.int32, INT, True)
int64 = dtype("int64", np.int64, INT, True)
float16 = dtype("float16", np.float16, FLOAT, True)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, True)
float32 = dtype("float32", np.float32, FLOAT, True)
float64 = dtype("float64", np.float64, FLOAT, True)
complex64 = dtype("complex64", np.complex64, COMPLEX, True)
complex128 = dtype("complex128", np.complex128, COMPLEX, True)

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


def promote_types(type1, type2):
    """``torch.promote_types``: the smallest dtype both inputs can be cast to under torch's lattice."""
    return _PROMOTE[type1, type2]


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
        return higher.to_complex() if higher.category == FLOAT else lower
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
    """``torch.set_default_dtype``: only floating dtypes are accepted, as in torch."""
    if not isinstance(d, dtype) or d.category != FLOAT:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _defaults.float = d
    _defaults.complex = d.to_complex()


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
        return _defaults.complex
    if isinstance(value, np.generic):
        return from_numpy_dtype(value.dtype)
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, int):
        return int64
    if isinstance(value, builtins.float):
        return _defaults.float
    if isinstance(value, builtins.complex):
        return _defaults.complex
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
    return from_.category <= to.category


# ---------------------------------------------------------------------------------------------------
# finfo / iinfo

class finfo:
    """``torch.finfo``: machine limits of a floating dtype (bits, eps, max, min, tiny, resolution)."""
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=None):
        type = get_default_dtype() if type is None else type
        if type.category == COMPLEX:
            type = type.to_real()
        if type.category != FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.np)
        self.bits = type.itemsize * 8
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = builtins.float(info.resolution)
        self.dtype = type.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo``: limits of an integer (or bool) dtype."""
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        if type.category not in (INT, BOOL):
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        if type is bool:
            self.bits, self.min, self.max = 8, 0, 1
        else:
            info = np.iinfo(type.np)
            self.bits, self.min, self.max = info.bits, int(info.min), int(info.max)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
