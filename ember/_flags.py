"""Process-wide switches and small queries of the ``torch`` namespace.

``set_default_device``/``get_default_device`` (thread-local, read by the factories that torch's
``DeviceContext`` covers), the deterministic-algorithms flags, float32 matmul precision, warn-always,
flush-denormal, the anomaly-mode switch, and ``typename``, ``is_same_size``, ``is_signed``,
``is_inference``, ``get_device``, ``get_device_module``, ``compiled_with_cxx11_abi``,
``init_num_threads``.  Argument checks raise torch's exception types with torch's messages.
"""
import threading
import warnings

import numpy as np

from ._device import as_device, device as _device_cls

__all__ = ["set_default_device", "get_default_device", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_warn_always", "is_warn_always_enabled", "set_flush_denormal",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled", "typename",
           "is_same_size", "is_signed", "is_inference", "get_device", "get_device_module",
           "compiled_with_cxx11_abi", "init_num_threads", "is_distributed", "is_vulkan_available"]


# ----------------------------------------------------------------------------------------------------
# default device

class _DefaultDevice(threading.local):
    device = None  # None: no default set (factories allocate on the cpu)


default_device = _DefaultDevice()


def set_default_device(device):
    """``torch.set_default_device``: factories called without ``device=`` allocate there (this thread);
    ``None`` removes the default.  An int names an accelerator index."""
    if device is None:
        default_device.device = None
        return
    if isinstance(device, int) and not isinstance(device, bool):
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        device = _device_cls("cuda", device)
    default_device.device = as_device(device)


def get_default_device():
    """``torch.get_default_device``: the default device; an accelerator without an index reports the current
    one (``cuda:0``)."""
    d = default_device.device
    if d is None:
        return as_device("cpu")
    if d.type == "cuda" and d.index is None:
        from . import cuda
        return _device_cls("cuda", cuda.current_device())
    return d


# ----------------------------------------------------------------------------------------------------
# deterministic algorithms, matmul precision, warnings, denormals

class _Flags:
    deterministic = False
    warn_only = False
    matmul_precision = "highest"
    warn_always = False


flags = _Flags()


def _type_error(fn, arg, pos, value, want="bool"):
    where = f"argument '{arg}'" + (f" (position {pos})" if pos else "")
    return TypeError(f"{fn}(): {where} must be {want}, not {type(value).__name__}")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """``torch.use_deterministic_algorithms``: records the mode (ember's kernels are deterministic); while on,
    the ``empty`` factories fill their memory as torch does (``fill_uninitialized``)."""
    if not isinstance(mode, bool):
        raise _type_error("_set_deterministic_algorithms", "mode", 1, mode)
    if not isinstance(warn_only, bool):
        raise _type_error("_set_deterministic_algorithms", "warn_only", None, warn_only)
    flags.deterministic = mode
    flags.warn_only = warn_only


def fill_uninitialized(arr):
    """What torch writes into new uninitialised memory while deterministic algorithms are on (its
    ``torch.utils.deterministic.fill_uninitialized_memory``, on by default): NaN for float and complex
    dtypes, the largest value for integers, True for bool."""
    kind = arr.dtype.kind
    if kind == "b":
        arr[...] = True
    elif kind in "iu":
        arr[...] = np.iinfo(arr.dtype).max
    else:
        arr[...] = np.nan
    return arr


def are_deterministic_algorithms_enabled():
    return flags.deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return flags.warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """``torch.set_deterministic_debug_mode``: 0/'default' off, 1/'warn' warn only, 2/'error' on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not flags.deterministic:
        return 0
    return 1 if flags.warn_only else 2


def set_float32_matmul_precision(precision):
    """``torch.set_float32_matmul_precision``: 'highest', 'high' or 'medium'; anything else warns and is
    ignored, as torch.  (Ember's matmuls compute in float32 whatever the setting.)"""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      f"setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    flags.matmul_precision = precision


def get_float32_matmul_precision():
    return flags.matmul_precision


def set_warn_always(b):
    """``torch.set_warn_always``: warnings torch gives once per process are given every time."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    flags.warn_always = b


def is_warn_always_enabled():
    return flags.warn_always


def set_flush_denormal(mode):
    """``torch.set_flush_denormal``: returns whether flush-to-zero could be set.  NumPy offers no control of
    the FPU's denormal mode, so ember answers False and leaves denormals alone (torch's answer on CPUs
    without the feature)."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    return False


# ----------------------------------------------------------------------------------------------------
# anomaly mode

def is_anomaly_enabled():
    from .autograd.anomaly_mode import anomaly_state
    return anomaly_state.enabled


def is_anomaly_check_nan_enabled():
    from .autograd.anomaly_mode import anomaly_state
    return anomaly_state.check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """``torch.set_anomaly_enabled``: turns the autograd anomaly mode on or off (this thread)."""
    from .autograd.anomaly_mode import anomaly_state
    if not isinstance(enabled, bool):
        raise _type_error("set_anomaly_enabled", "enabled", 1, enabled)
    if not isinstance(check_nan, bool):
        raise _type_error("set_anomaly_enabled", "check_nan", 2, check_nan)
    anomaly_state.enabled, anomaly_state.check_nan = enabled, check_nan


# ----------------------------------------------------------------------------------------------------
# queries

def _check_tensor(x, fn, arg, pos):
    from ._tensor import Tensor
    if not isinstance(x, Tensor):
        raise _type_error(fn, arg, pos, x, "Tensor")


def typename(obj, /):
    """``torch.typename``: ``x.type()`` for tensors, else the object's qualified name (ember's modules are
    reported under torch's names, ``torch.nn.modules.linear.Linear``)."""
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module == "ember" or module.startswith("ember."):
        module = "torch" + module[5:]
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


def is_same_size(input, other):
    """``torch.is_same_size``: whether both tensors have the same shape."""
    _check_tensor(input, "is_same_size", "input", 1)
    _check_tensor(other, "is_same_size", "other", 2)
    return input._data.shape == other._data.shape


def is_signed(input):
    _check_tensor(input, "is_signed", "input", 1)
    return input.is_signed()


def is_inference(input):
    """``torch.is_inference``.  Ember does not mark tensors made under ``inference_mode``, so this is
    False for every tensor."""
    _check_tensor(input, "is_inference", "input", 1)
    return input.is_inference()


def get_device(input):
    """``torch.get_device``: -1 for a CPU tensor, else its device index."""
    _check_tensor(input, "get_device", "input", 1)
    return input.get_device()


def get_device_module(device=None):
    """``torch.get_device_module``: the ``torch.<type>`` module of a device (the current accelerator's, or
    the CPU's, when None); an error when ember has no such module."""
    import ember
    if isinstance(device, _device_cls):
        name = device.type
    elif isinstance(device, str):
        name = _device_cls(device).type
    elif device is None:
        from . import cuda
        name = "cuda" if cuda.is_available() else "cpu"
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    try:
        return getattr(ember, name)
    except (AttributeError, ImportError):
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as "
                           f"'torch.{name}'.") from None


def compiled_with_cxx11_abi():
    """``torch.compiled_with_cxx11_abi``: True, as for torch's own builds."""
    return True


def init_num_threads():
    """``torch.init_num_threads``: nothing to initialise (NumPy's BLAS manages its threads)."""


def is_distributed(input):
    """``torch.is_distributed``: False (no tensor is distributed in ember, nor in torch's eager CPU/CUDA)."""
    _check_tensor(input, "is_distributed", "input", 1)
    return False


def is_vulkan_available():
    return False
