"""``torch.backends.mkldnn``: Ember links no oneDNN (``is_available()`` is False); flags kept."""
__all__ = ["is_available", "flags", "enabled", "deterministic", "allow_tf32", "fp32_precision", "verbose",
           "VERBOSE_OFF", "VERBOSE_ON", "VERBOSE_ON_CREATION"]

enabled = True
deterministic = False
allow_tf32 = None  # as torch 2.13 reports it (superseded by fp32_precision)
fp32_precision = "none"
VERBOSE_OFF, VERBOSE_ON, VERBOSE_ON_CREATION = 0, 1, 2


def is_available():
    return False


def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision="none"):
    import sys
    from . import _set_flags
    return _set_flags(sys.modules[__name__], enabled=enabled, deterministic=deterministic, allow_tf32=allow_tf32,
                      fp32_precision=fp32_precision)


class verbose:
    """``with verbose(level):`` — oneDNN's kernel log; a no-op without oneDNN."""

    def __init__(self, level):
        self.level = level

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
