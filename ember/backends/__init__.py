"""``ember.backends`` (≙ torch.backends): the switches scripts set for the libraries under the ops.

Ember's engine is NumPy/SciPy on the CPU and CuPy on NVIDIA GPUs; it links no cuDNN, oneDNN, MKL, OpenMP
or MPS, so their ``is_available()`` answer False.  The flags themselves (``cudnn.benchmark = True``,
``cudnn.deterministic``, ``cuda.matmul.allow_tf32``, the SDPA switches, ...) are accepted and read back as
torch's are: setting them never changes a result, because Ember's kernels are deterministic and compute in
the precision of their dtype.
"""
import contextlib

from . import cpu, cuda, cudnn, mha, mkl, mkldnn, mps, openmp, opt_einsum  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mha", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]


@contextlib.contextmanager
def _set_flags(module, **values):
    """Set ``module``'s flags for the ``with`` block and restore them after (the ``flags()`` helpers)."""
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)
