"""``torch.backends.cuda``: switches for CUDA matmuls and scaled-dot-product attention.

``is_built()`` says whether the GPU backend (CuPy) is installed.  ``matmul`` accepts only the attributes
torch's ``cuBLASModule`` knows (any other raises ``AttributeError: Unknown attribute``)."""
import contextlib
import enum

__all__ = ["is_built", "matmul", "cufft_plan_cache", "preferred_linalg_library", "preferred_blas_library",
           "SDPBackend", "flash_sdp_enabled", "enable_flash_sdp", "mem_efficient_sdp_enabled",
           "enable_mem_efficient_sdp", "math_sdp_enabled", "enable_math_sdp", "cudnn_sdp_enabled",
           "enable_cudnn_sdp", "sdp_kernel", "allow_fp16_bf16_reduction_math_sdp",
           "fp16_bf16_reduction_math_sdp_allowed", "is_flash_attention_available"]


def is_built():
    import importlib.util
    return importlib.util.find_spec("cupy") is not None


class cuBLASModule:
    """``torch.backends.cuda.matmul``: TF32 and reduced-precision-reduction switches for GPU matmuls."""
    _defaults = {"allow_tf32": False, "allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True, "allow_fp16_accumulation": False,
                 "fp32_precision": "none"}

    def __init__(self):
        self.__dict__.update(self._defaults)

    def __setattr__(self, name, value):
        if name not in self._defaults:
            raise AttributeError(f"Unknown attribute {name}")
        self.__dict__[name] = value

    def __getattr__(self, name):
        raise AttributeError(f"Unknown attribute {name}")


matmul = cuBLASModule()


class cuFFTPlanCacheManager:
    """``cufft_plan_cache``: CuPy keeps its own FFT plan cache; size and clear() are accepted."""
    max_size = 4096
    size = 0

    def clear(self):
        pass

    def __getitem__(self, device):
        return self


cufft_plan_cache = cuFFTPlanCacheManager()


class _LinalgBackend(enum.Enum):
    Default = 0
    Cusolver = 1
    Magma = 2


class _BlasBackend(enum.Enum):
    Cublas = 0
    Cublaslt = 1
    Ck = 2


def preferred_linalg_library(backend=None):
    return _LinalgBackend.Default


def preferred_blas_library(backend=None):
    return _BlasBackend.Cublas


class SDPBackend(enum.IntEnum):
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "fp16_bf16_reduction_math": False}


def flash_sdp_enabled():
    return _sdp["flash"]


def enable_flash_sdp(enabled):
    _sdp["flash"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    _sdp["mem_efficient"] = bool(enabled)


def math_sdp_enabled():
    return _sdp["math"]


def enable_math_sdp(enabled):
    _sdp["math"] = bool(enabled)


def cudnn_sdp_enabled():
    return _sdp["cudnn"]


def enable_cudnn_sdp(enabled):
    _sdp["cudnn"] = bool(enabled)


def fp16_bf16_reduction_math_sdp_allowed():
    return _sdp["fp16_bf16_reduction_math"]


def allow_fp16_bf16_reduction_math_sdp(enabled):
    _sdp["fp16_bf16_reduction_math"] = bool(enabled)


def is_flash_attention_available():
    return False


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated in torch for ``torch.nn.attention.sdpa_kernel``; sets the four switches for a block."""
    import warnings
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
                  "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated "
                  "signature.", FutureWarning, stacklevel=3)
    old = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient, cudnn=enable_cudnn)
    try:
        yield
    finally:
        _sdp.update(old)
