"""Run-time control of the BLAS thread count behind ``torch.set_num_threads``.

NumPy's wheels bundle OpenBLAS (``scipy-openblas``), whose thread count is set through its own
exported functions, found with ctypes on first use. With another BLAS (MKL, Accelerate) the count
goes through ``threadpoolctl`` when it is installed.
"""
import os

_lib = None
_searched = False


def _find_library():
    """The loaded scipy-openblas library of NumPy's wheel (None for other BLAS builds)."""
    global _lib, _searched
    if _searched:
        return _lib
    _searched = True
    import numpy
    libs = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs")
    try:
        names = [n for n in os.listdir(libs) if n.startswith("libscipy_openblas") and ".so" in n]
    except OSError:
        return None
    if len(names) != 1:
        return None
    import ctypes
    lib = ctypes.CDLL(os.path.join(libs, names[0]))
    for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", "")):
        if hasattr(lib, f"{prefix}get_num_threads{suffix}"):
            _lib = (getattr(lib, f"{prefix}get_num_threads{suffix}"), getattr(lib, f"{prefix}set_num_threads{suffix}"))
            break
    return _lib


def get_num_threads():
    """OpenBLAS's thread count, or None when the BLAS is not a bundled OpenBLAS."""
    found = _find_library()
    return None if found is None else int(found[0]())


def set_num_threads(n):
    """Set the BLAS thread count; False when no way to do it was found."""
    found = _find_library()
    if found is not None:
        found[1](n)
        return True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(n)
    return True
