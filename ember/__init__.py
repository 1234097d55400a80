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
from ._device import device  # noqa: F401
from ._tensor import Tensor, Size  # noqa: F401
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: F401
                                 is_grad_enabled, is_inference_mode_enabled)
from . import autograd  # noqa: F401

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

# op modules: importing them defines the functions and binds Tensor methods/operators
from ._ops import elementwise as _elementwise, views as _views, reduction as _reduction  # noqa: E402
from ._ops import creation as _creation, conversion as _conversion  # noqa: E402
from ._ops.elementwise import *  # noqa: E402,F401,F403
from ._ops.views import *  # noqa: E402,F401,F403
from ._ops.reduction import *  # noqa: E402,F401,F403
from ._ops.creation import *  # noqa: E402,F401,F403
from ._ops.conversion import equal, isclose, allclose  # noqa: E402,F401
from ._ops.indexing import *  # noqa: E402,F401,F403
from ._ops.joining import *  # noqa: E402,F401,F403
from ._ops.sorting import *  # noqa: E402,F401,F403
from ._ops.blas import *  # noqa: E402,F401,F403
from ._ops.random_ops import *  # noqa: E402,F401,F403
from ._ops.linalg_legacy import *  # noqa: E402,F401,F403
from ._legacy import *  # noqa: E402,F401,F403
from ._tensor_str import set_printoptions  # noqa: E402,F401
from ._memory_format import (contiguous_format, channels_last, channels_last_3d,  # noqa: E402,F401
                             preserve_format, memory_format)
from ._ops.elementwise import abs, round, pow  # noqa: E402,F401  (shadow the builtins, as torch does)
from ._ops.reduction import sum, max, min, any, all  # noqa: E402,F401
from ._ops.creation import range, complex  # noqa: E402,F401
from ._storage import UntypedStorage, TypedStorage  # noqa: E402,F401
from . import return_types  # noqa: E402,F401
from .utils import dlpack as _dlpack  # noqa: E402,F401  (gives Tensor __dlpack__ for np/torch.from_dlpack)
from ._ops.conv import *  # noqa: E402,F401,F403
from ._ops.inplace_functions import *  # noqa: E402,F401,F403
from ._ops.view_copies import *  # noqa: E402,F401,F403
from ._ops.numeric import *  # noqa: E402,F401,F403
from ._ops.statistics import *  # noqa: E402,F401,F403
from ._ops.index_utils import *  # noqa: E402,F401,F403
from ._flags import *  # noqa: E402,F401,F403
from ._ops.spectral import *  # noqa: E402,F401,F403


def is_tensor(obj):
    """``torch.is_tensor``: isinstance(obj, Tensor)."""
    return isinstance(obj, Tensor)


def is_storage(obj):
    return isinstance(obj, (UntypedStorage, TypedStorage))


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
builtins_bool = _builtins.bool

_dtype_set_default = set_default_dtype


def set_default_dtype(d):  # noqa: F811
    """``torch.set_default_dtype``: also resets the cached promotion results that depend on it."""
    from ._ops._helpers import _clear_caches
    _dtype_set_default(d)
    _clear_caches()


def __getattr__(name):
    """Subpackages load on first use, so ``import ember`` stays fast."""
    import importlib
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
