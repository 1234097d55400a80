"""Composite functions, written as torch writes them over other ops (so their gradients and grad_fn
nodes are those ops'): ``linalg.tensorinv``, ``linalg.tensorsolve``, ``linalg.vander``, ``torch.vander``,
and the deprecated ``torch.nuclear_norm`` / ``torch.frobenius_norm``.
"""
import math

import numpy as np

from .._errors import scalar_type_name
from .._ops._helpers import write_out
from .._ops.joining import cat, flip
from .._ops.reduction import cumprod
from ..amp.autocast_mode import state as _amp
from . import _inv_raise, inv_ex, matrix_norm, solve, vector_norm

__all__ = ["tensorinv", "tensorsolve", "vander"]

_VANDER_KINDS = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.complex64), np.dtype(np.complex128))


def tensorinv(A, ind=2, *, out=None):
    """The inverse of ``A`` seen as a matrix ``prod(shape[:ind]) x prod(shape[ind:])``, shaped
    ``shape[ind:] + shape[:ind]``."""
    if _amp.active:
        return _amp.run("linalg_tensorinv", tensorinv, A, ind, out=out)
    if isinstance(ind, bool) or not isinstance(ind, int):
        raise TypeError(f"linalg_tensorinv(): argument 'ind' (position 2) must be int, not {type(ind).__name__}")
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A._data.shape)
    head, tail = shape[:ind], shape[ind:]
    rows, cols = math.prod(tail), math.prod(head)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {rows} != {cols}")
    square = A.reshape(rows, rows)
    result, info = inv_ex(square)
    _inv_raise(info, square, "inv")
    r = result.reshape(tail + head)
    return r if out is None else write_out(r, out)


def tensorsolve(A, B, dims=None, *, out=None):
    """``X`` with ``tensordot(A, X, X.ndim) == B``; ``dims`` are moved to the end of A first."""
    if _amp.active:
        return _amp.run("linalg_tensorsolve", tensorsolve, A, B, dims, out=out)
    nd = A._data.ndim
    if dims is not None:
        dims = list(dims)
        A = A.movedim(dims, list(range(nd - len(dims), nd)))
    result_shape = tuple(A._data.shape[B._data.ndim:])
    n, numel = math.prod(result_shape), B._data.size
    if n != numel:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {n} != {numel}")
    r = solve(A.reshape(n, n), B.flatten()).reshape(result_shape)
    return r if out is None else write_out(r, out)


def vander(x, N=None):
    """Columns ``x^0, x^1, ..., x^(N-1)`` (``torch.linalg.vander``): cumulative products, ones prepended.
    Batched over leading dims; integer inputs give int64, as cumprod does."""
    dt = x._data.dtype
    if not (dt in _VANDER_KINDS or dt.kind in "iu"):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{scalar_type_name(x.dtype)}")
    x_ = x.unsqueeze(-1) if x._data.ndim == 0 else x
    shape = tuple(x_._data.shape)
    n = shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = cumprod(x_.unsqueeze(-1).expand(shape + (n - 1,)), -1)
    return cat([powers.new_ones(shape + (1,)), powers], -1)


def torch_vander(x, N=None, increasing=False):
    """``torch.vander``: decreasing powers by default, built in place as torch builds it (so, as in torch,
    differentiating it for ``N > 1`` reports a tensor modified by an inplace operation)."""
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    from .._dtype import int64, promote_types
    from .._ops.creation import empty
    result = empty((x._data.shape[0], n), dtype=promote_types(x.dtype, int64), device=x.device)
    if n > 0:
        result.fill_(1)
        if n > 1:
            tail = result.narrow(1, 1, n - 1)
            tail.copy_(x.unsqueeze(1))
            tail.copy_(cumprod(tail, 1))
    return result if increasing else flip(result, [1])


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """``linalg.matrix_norm(input, 'nuc', dim, keepdim)``; ``dim`` may be omitted (last two dims) or be
    given as keepdim (``nuclear_norm(A, True)``), as torch's two overloads allow."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    return matrix_norm(input, "nuc", (-2, -1) if dim is None else tuple(dim), keepdim, out=out)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """``torch.norm(input, 2, dim, keepdim)`` over at most two dims (all dims when ``dim`` is empty)."""
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions instead.")
    if input._data.dtype.kind in "biu":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{scalar_type_name(input.dtype)} instead.")
    return vector_norm(input, 2, dim if dim else None, keepdim, out=out)
