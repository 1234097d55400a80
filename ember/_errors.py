"""Error messages shared by several modules, worded as torch words them."""

_DTYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_type_name(dt):
    """torch's C++ ScalarType name for a dtype: Float, Long, ..."""
    return _DTYPE_NAMES[dt.name]


def np_type_name(npd):
    """torch's ScalarType name (Float, Long, ...) of a NumPy dtype."""
    import numpy as np
    from ._dtype import from_numpy_dtype
    return scalar_type_name(from_numpy_dtype(np.dtype(npd)))


def type_name(arr):
    from ._dtype import from_numpy_dtype
    shape = ", ".join(str(s) for s in arr.shape)
    return f"torch.{scalar_type_name(from_numpy_dtype(arr.dtype))}Tensor [{shape}]"


def raise_modified_inplace(t, node, expected):
    desc = type_name(t._data)
    out = f"output {t._output_nr} of {t._grad_fn.name()}" if t._grad_fn is not None else None
    where = f", which is {out}," if out else ""
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{desc}]{where} is at version {t._version[0]}; expected version {expected} instead. Hint: enable "
        f"anomaly detection to find the operation that failed to compute its gradient, with "
        f"torch.autograd.set_detect_anomaly(True).")
