"""``torch.backends.cudnn``: Ember does not use cuDNN (GPU convolutions run as im2col + cuBLAS GEMMs
through CuPy), so ``is_available()`` is False; the flags are kept for scripts that set them."""
__all__ = ["is_available", "version", "is_acceptable", "flags", "enabled", "benchmark", "benchmark_limit",
           "deterministic", "allow_tf32", "fp32_precision"]

enabled = True
benchmark = False
benchmark_limit = None
deterministic = False
allow_tf32 = True
fp32_precision = "none"


def is_available():
    return False


def version():
    return None


def is_acceptable(tensor):
    """Whether cuDNN would take ``tensor``: never, as Ember has no cuDNN."""
    return False


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision="none", depthwise_kernel="auto"):
    """Context manager setting the flags for a block (the defaults are torch's)."""
    import sys
    from . import _set_flags
    return _set_flags(sys.modules[__name__], enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                      deterministic=deterministic, allow_tf32=allow_tf32, fp32_precision=fp32_precision)
