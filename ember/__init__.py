"""Ember: PyTorch rebuilt in Python, on NumPy (CPU) and CuPy (CUDA).

``import ember as torch`` — the same names, signatures, defaults, dtypes, printing and errors.
"""
__version__ = "0.1.0"

import warnings as _warnings

# torch never warns about floating-point exceptions (1/0, log(-1), overflow); NumPy does, from the ufunc
# call site.  Silence those RuntimeWarnings where they arise inside ember only (no per-op cost).
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember(\.|$)")

from . import _malloc  # noqa: E402

_malloc.tune()  # keep tensor-sized blocks in glibc's heap between steps (see ember/_malloc.py)

from . import _dtype
from ._dtype import (dtype, bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32,  # noqa: F401
                     float64, complex64, complex128, get_default_dtype, set_default_dtype, promote_types,
                     can_cast, finfo, iinfo)
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128


def is_tensor(obj):
    """``torch.is_tensor``: isinstance(obj, Tensor)."""
    if not _library_loaded[0]:
        _load_library()
    return isinstance(obj, Tensor)  # noqa: F821  (published by the library)


def is_storage(obj):
    if not _library_loaded[0]:
        _load_library()
    return isinstance(obj, (UntypedStorage, TypedStorage))  # noqa: F821


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def is_nonzero(input):
    if input.numel() != 1:
        if input.numel() == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins_bool(input.item())


def numel(input):
    return input.numel()


def result_type(tensor1, tensor2):
    from ._ops._helpers import result_dtype
    return result_dtype(tensor1, tensor2)


def set_default_tensor_type(t):
    """Deprecated: sets the default float dtype from a tensor type (``torch.DoubleTensor``)."""
    _warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                   "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                   stacklevel=2)
    from ._legacy import dtype_of_type
    set_default_dtype(dtype_of_type(t))


from ._parallel import get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads


def manual_seed(seed):
    from .random import manual_seed as _ms
    return _ms(seed)


def seed():
    from .random import seed as _seed
    return _seed()


def initial_seed():
    from .random import initial_seed as _is
    return _is()


def get_rng_state():
    from .random import get_rng_state as _g
    return _g()


def set_rng_state(state):
    from .random import set_rng_state as _s
    return _s(state)


import builtins as _builtins  # noqa: E402
import sys as _sys  # noqa: E402
builtins_bool = _builtins.bool

_dtype_set_default = set_default_dtype


def set_default_dtype(d):  # noqa: F811
    """``torch.set_default_dtype``: also resets the cached promotion results that depend on it."""
    from ._ops._helpers import _clear_caches
    _dtype_set_default(d)
    _clear_caches()


_library_loaded = [False]


def _load_library():
    """Import the op library (``ember/_library.py``) once; when it completes it publishes its names here.

    Inside the library's own import this returns at once (the import is re-entrant in its thread); in another
    thread it waits for that import, as any import of a module being initialised does."""
    if not _library_loaded[0]:
        from importlib import import_module
        import_module(__name__ + "._library")


def _publish(names):
    """Called by ``ember/_library.py`` at its end.  Names this module defines itself (``set_default_dtype``,
    ``manual_seed``, ...) keep their definitions here, as when they followed the library's ``import *`` lines."""
    g = globals()
    for k, v in names.items():
        if k not in g and not k.startswith("__"):
            g[k] = v
    _library_loaded[0] = True


def __getattr__(name):
    """The op library and subpackages load on first use, so ``import ember`` stays fast."""
    import importlib
    if not _library_loaded[0] and (name == "__all__" or not name.startswith("__")):
        _load_library()
        g = globals()
        if name in g:
            return g[name]
        if not _library_loaded[0]:  # a module of the library, while it loads, asks for a name it defined already
            lib = _sys.modules.get(__name__ + "._library")
            if lib is not None and name in lib.__dict__ and not name.startswith("__"):
                return lib.__dict__[name]
    if name in _SUBMODULES:
        mod = importlib.import_module("." + name, __name__)
        globals()[name] = mod
        return mod
    home = _LAZY_NAMES.get(name)
    if home is not None:
        mod = importlib.import_module("." + home, __name__)
        value = getattr(mod, name)
        globals()[name] = value
        return value
    # torch.relu, torch.softmax, torch.dropout, ... live with nn.functional (loaded on first use)
    if not name.startswith("_"):
        from .nn.functional import TORCH_FUNCTIONS
        if name in TORCH_FUNCTIONS:
            globals()[name] = TORCH_FUNCTIONS[name]
            return TORCH_FUNCTIONS[name]
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__():
    """Every name, including the subpackages and names that load on first use (as torch's, which imports
    them all)."""
    from importlib.util import find_spec
    _load_library()
    names = set(globals()) | set(_LAZY_NAMES)
    names.update(n for n in _SUBMODULES if n in globals() or find_spec("." + n, __name__) is not None)
    return sorted(names)


_SUBMODULES = {"nn", "optim", "utils", "linalg", "random", "cuda", "serialization", "multiprocessing", "hub",
               "distributed", "jit", "onnx", "vision", "special", "fft", "amp", "backends", "accelerator",
               "testing", "compat", "types", "overrides", "library", "profiler", "distributions", "mps",
               "func", "export", "sparse", "masked", "package", "quantization", "ao", "fx", "futures"}
_LAZY_NAMES = {"save": "serialization", "load": "serialization", "from_dlpack": "utils.dlpack"}
_LAZY_NAMES.update(dict.fromkeys(
    ["autocast", "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
     "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype",
     "get_autocast_gpu_dtype", "set_autocast_gpu_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
     "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting"], "amp.autocast_mode"))
_LAZY_NAMES.update(dict.fromkeys(["_amp_foreach_non_finite_check_and_unscale_", "_amp_update_scale_"],
                                 "amp.grad_scaler"))
