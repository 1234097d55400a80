"""``torch.backends.mkl``: Ember's BLAS is NumPy's (OpenBLAS in the wheels), not MKL."""
__all__ = ["is_available", "verbose", "VERBOSE_OFF", "VERBOSE_ON"]

VERBOSE_OFF, VERBOSE_ON = 0, 1


def is_available():
    return False


class verbose:
    """``with verbose(level):`` — MKL's call log; a no-op without MKL."""

    def __init__(self, enable):
        self.enable = enable

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
