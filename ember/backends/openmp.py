"""``torch.backends.openmp``: Ember's kernels are NumPy's; it runs no OpenMP regions of its own."""
__all__ = ["is_available"]


def is_available():
    return False
