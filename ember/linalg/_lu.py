"""LU factorisation: ``linalg.lu_factor``/``lu_factor_ex``/``lu``/``lu_solve`` and ``torch.lu_unpack``.

Forwards are LAPACK's getrf/getrs (through SciPy, batched), so ``LU`` and the 1-based int32 ``pivots``
are LAPACK's, as torch's CPU backend returns them.  Derivatives are torch's formulas (its
``linalg_lu_backward``, ``lu_factor_ex_backward``, ``linalg_lu_solve_LU``, ``lu_unpack_backward``) written
in ember ops, so they differentiate again.  Only partial pivoting exists on the CPU: ``pivot=False``
raises torch's CPU error.
"""
import warnings

import numpy as np

from .._device import as_array, xp_of as _xp
from .._prim import Primitive, apply
from .._tensor import _make_output, _wrap
from .._ops._helpers import write_out
from .._ops.blas import matmul, _broadcast_batch
from .._ops.joining import cat
from ..return_types import ReturnType
from . import _check_dtype, _needs, _outputs, _tname, _tril, _triu, solve_triangular

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_solve", "lu_unpack"]


# ----------------------------------------------------------------------------------------------------
# forwards over arrays

def _getrf(a):
    """LAPACK getrf over a batch of (m, n) matrices: ``(LU, pivots (1-based int32), info)``.

    ``info`` is LAPACK's: 0, or the 1-based index of the first exactly-zero diagonal entry of U.
    """
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    xp = _xp(a)
    if a.size == 0:
        piv = np.broadcast_to(xp.arange(1, k + 1, dtype=np.int32), batch + (k,)).copy()
        return a.copy(), piv, xp.zeros(batch, np.int32)
    from . import _lu_factor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, piv = _lu_factor(a)
    zero = np.diagonal(lu, axis1=-2, axis2=-1) == 0
    info = np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32)
    return as_array(lu, a.dtype), (piv + 1).astype(np.int32), info


def _permutation(piv, m, dtype, batch):
    """The permutation matrix P of LAPACK's row interchanges (``A = P L U``): P[perm[j], j] = 1."""
    k = piv.shape[-1]
    nb = int(np.prod(batch))
    xp = _xp(piv)
    perm = np.broadcast_to(xp.arange(m), (nb, m)).copy()
    swaps = np.broadcast_to(piv, batch + (k,)).reshape(nb, k).astype(np.intp) - 1
    rows = xp.arange(nb)
    for i in range(k):  # the interchanges compose in order (LAPACK's laswp)
        j = swaps[:, i]
        here = perm[:, i].copy()
        perm[:, i] = perm[rows, j]
        perm[rows, j] = here
    P = np.swapaxes(xp.eye(m, dtype=dtype)[perm], -1, -2)
    return xp.ascontiguousarray(P).reshape(batch + (m, m))


def _unpack_fwd(lu, piv, unpack_data, unpack_pivots):
    m, n = lu.shape[-2:]
    k = min(m, n)
    xp = _xp(lu)
    empty = xp.empty((0,), lu.dtype)
    L = U = P = empty
    if unpack_data:
        L = np.tril(lu[..., :, :k], -1)
        idx = xp.arange(k)
        L[..., idx, idx] = 1
        U = np.triu(lu[..., :k, :])
    if unpack_pivots:
        P = _permutation(piv, m, lu.dtype, lu.shape[:-2])
    return P, L, U


def _lu_fwd(a):
    lu, piv, _ = _getrf(a)
    return _unpack_fwd(lu, piv, True, True)


def _getrs(lu, piv, b, left, adjoint):
    """LAPACK getrs for ``op(A) X = B`` (left) or ``X op(A) = B`` (right), op = adjoint or identity."""
    batch = np.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    n = lu.shape[-1]
    if left:
        rhs, trans = b, (2 if adjoint else 0)
    elif adjoint:
        rhs, trans = np.conj(np.swapaxes(b, -1, -2)), 0   # X A^H = B  <=>  A X^H = B^H
    else:
        rhs, trans = np.swapaxes(b, -1, -2), 1            # X A = B  <=>  A^T X^T = B^T
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    if rhs.size == 0 or n == 0:
        x = np.zeros_like(b, shape=rhs.shape)
    else:
        from . import _lu_solve
        lu_b = np.broadcast_to(lu, batch + (n, n))
        piv_b = np.broadcast_to(piv, batch + (n,)).astype(np.int32) - 1
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = _lu_solve(lu_b, piv_b, rhs, trans)
        x = as_array(x, b.dtype)
    if not left:
        x = np.swapaxes(x, -1, -2)
        if adjoint:
            x = np.conj(x)
    return _xp(x).ascontiguousarray(x)


# ----------------------------------------------------------------------------------------------------
# derivatives (torch's formulas)

def _lu_backward(gL, gU, P, L, U):
    """torch's ``linalg_lu_backward`` for ``A = P L U`` (square, wide and tall cases)."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = _tril(matmul(L.mH, gL), -1) + _triu(matmul(gU, U.mH))
        gA = solve_triangular(U.mH, gA, upper=False, left=False)
        gA = solve_triangular(L.mH, gA, upper=True, left=True, unitriangular=True)
    elif m < n:
        gA = matmul(L.mH, gL) - matmul(_triu(gU), U.mH)
        gA = solve_triangular(U.narrow(-1, 0, k).mH, _tril(gA, -1), upper=False, left=False)
        gA = cat([gA + _triu(gU.narrow(-1, 0, k)), gU.narrow(-1, k, n - k)], -1)
        gA = solve_triangular(L.mH, gA, upper=True, left=True, unitriangular=True)
    else:
        gA = matmul(gU, U.mH) - matmul(L.mH, _tril(gL, -1))
        gA = solve_triangular(L.narrow(-2, 0, k).mH, _triu(gA), upper=True, left=True, unitriangular=True)
        gA = cat([gA + _tril(gL.narrow(-2, 0, k), -1), gL.narrow(-2, k, m - k)], -2)
        gA = solve_triangular(U.mH, gA, upper=False, left=False)
    return matmul(P, gA)


def _saved_lu(ctx):
    """(LU as a tensor produced by the node, pivots as a plain int tensor) of a getrf node."""
    if ctx._freed:
        ctx.output  # raises torch's "backward through the graph a second time" error
    return _make_output(ctx._out[0], ctx), _wrap(ctx._out[1])


def _lu_factor_grad(ctx, g, _pivots, _info):
    LU, piv = _saved_lu(ctx)
    P, L, U = lu_unpack(LU, piv)
    m, n = LU._data.shape[-2:]
    k = min(m, n)
    return (_lu_backward(g.narrow(-1, 0, k), g.narrow(-2, 0, k), P, L, U),)


def _lu_grad(ctx, _gP, gL, gU):
    P, L, U = _outputs(ctx)
    return (_lu_backward(gL, gU, P.detach(), L, U),)


def _unpack_backward(gL, gU, m, n):
    """torch's ``lu_unpack_backward``: L's strict lower part and U's upper part, laid back into LU."""
    k = min(m, n)
    if m == n:
        return _tril(gL, -1) + _triu(gU)
    if m > n:
        return cat([_tril(gL.narrow(-2, 0, k), -1) + _triu(gU), gL.narrow(-2, k, m - k)], -2)
    return cat([_tril(gL, -1) + _triu(gU.narrow(-1, 0, k)), gU.narrow(-1, k, n - k)], -1)


def _lu_unpack_grad(ctx, _gP, gL, gU):
    if not ctx.args[0]:
        return None, None
    m, n = ctx._in_meta[0][0][-2:]
    return _unpack_backward(gL, gU, m, n), None


def _lu_solve_grad(ctx, g):
    LU, piv, _ = ctx.saved
    left, adjoint = ctx.args
    X = ctx.output
    gLU = gB = None
    if _needs(ctx, 2):
        gB = lu_solve(LU, piv, g, left=left, adjoint=not adjoint)
    if _needs(ctx, 0):
        gLU = _lu_solve_lu_grad(g, LU, piv, X, left, adjoint)
    return gLU, None, gB


def _lu_solve_lu_grad(gX, LU, piv, X, left, adjoint):
    """torch's ``linalg_lu_solve_LU``: the gradient with respect to the packed factorisation."""
    P, L, U = lu_unpack(LU, piv, unpack_pivots=left == adjoint)
    if left != adjoint:
        gR = solve_triangular(U.mH, -matmul(gX if left else gX.mH, X.mH if left else X), upper=False)
        gL = _tril(solve_triangular(L.mH, matmul(gR, U.mH), upper=True, left=True, unitriangular=True), -1)
        return gL + _triu(gR)
    gR = -matmul(matmul(matmul(P.mT, X if left else X.mH), gX.mH if left else gX), P)
    gR = solve_triangular(L.mH, gR, upper=True, left=False, unitriangular=True)
    gU = _triu(solve_triangular(U.mH, matmul(L.mH, gR), upper=False, left=False))
    return _tril(gR, -1) + gU


LU_FACTOR = Primitive("LinalgLuFactorExBackward0", _getrf, _lu_factor_grad, save_output=True, nout=3,
                      nondiff=(1, 2))
LU = Primitive("LinalgLuBackward0", _lu_fwd, _lu_grad, save_output=True, nout=3, nondiff=(0,))
LU_UNPACK = Primitive("LuUnpackBackward0", _unpack_fwd, _lu_unpack_grad, nout=3, nondiff=(0,))
LU_SOLVE = Primitive("LinalgLuSolveBackward0", _getrs, _lu_solve_grad, save_inputs=True, save_output=True)


# ----------------------------------------------------------------------------------------------------
# public functions

def _check_lu_input(A, fn):
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: Expected tensor with 2 or more dimensions. Got size: {list(A._data.shape)} "
                           f"instead")
    _check_dtype(A, ("kernel", "lu_cpu"), ("kernel", "lu_cpu"))


def _no_pivot_error(pivot):
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def _factor(A, pivot):
    _check_lu_input(A, "torch.lu_factor")
    _no_pivot_error(pivot)
    return apply(LU_FACTOR, (A,))


def _raise_factor_errors(info, A, fn):
    """torch's check after getrf: a RuntimeError naming the zero pivot U[k,k] (LAPACK's 1-based info)."""
    flat = info._data.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        i = int(bad[0])
        prefix = f"(Batch element {i}): " if A._data.ndim > 2 else ""
        k = int(flat[i])
        raise RuntimeError(f"{fn}: {prefix}U[{k},{k}] is zero and using it on lu_solve would result in a division by "
                           f"zero. If you still want to perform the factorization, consider calling linalg.lu(A, "
                           f"pivot) or linalg.lu_factor_ex(A, pivot)")


def _write_all(results, out):
    for r, o in zip(results, out):
        write_out(r, o)
    return tuple(out)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """``(LU, pivots, info)`` of LAPACK getrf; ``info`` > 0 names the first zero diagonal entry of U."""
    LU_, piv, info = _factor(A, pivot)
    if check_errors:
        _raise_factor_errors(info, A, "torch.linalg.lu_factor_ex")
    if out is not None:
        LU_, piv, info = _write_all((LU_, piv, info), out)
    kind = "linalg_lu_factor_ex" if out is None else "linalg_lu_factor_ex_out"
    return ReturnType(kind, LU_, piv, info, names=("LU", "pivots", "info"))


def lu_factor(A, *, pivot=True, out=None):
    """``(LU, pivots)`` (L's unit diagonal implicit); raises when U has a zero on its diagonal."""
    LU_, piv, info = _factor(A, pivot)
    _raise_factor_errors(info, A, "torch.linalg.lu_factor")
    if out is not None:
        LU_, piv = _write_all((LU_, piv), out)
    kind = "linalg_lu_factor" if out is None else "linalg_lu_factor_out"
    return ReturnType(kind, LU_, piv, names=("LU", "pivots"))


def lu(A, *, pivot=True, out=None):
    """``(P, L, U)`` with ``A = P @ L @ U`` (L unit lower m x k, U upper k x n); no error when singular."""
    _check_lu_input(A, "linalg.lu")
    _no_pivot_error(pivot)
    P, L, U = apply(LU, (A,))
    if out is not None:
        P, L, U = _write_all((P, L, U), out)
    kind = "linalg_lu" if out is None else "linalg_lu_out"
    return ReturnType(kind, P, L, U, names=("P", "L", "U"))


_UNPACK_PIVOT_ERROR = ("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass "
                       "the result of lu_factor?")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from ``lu_factor``'s output; the parts not asked for are empty tensors.

    Pivots broadcast over LU's batch dimensions; a pivots tensor whose last dimension is not
    ``min(m, n)`` is refused (torch reads past its end).
    """
    a = LU_data._data
    if a.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: {list(a.shape)} "
                           f"instead")
    if unpack_pivots:
        p = LU_pivots._data
        if p.dtype != np.int32:
            raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                               "dtype.\nNote: this function is intended to be used with the output produced by "
                               "torch.linalg.lu_factor")
        m, n = a.shape[-2:]
        k = min(m, n)
        if p.ndim == 0 or (p.size and (p.min() < 1 or p.max() > m)):
            raise RuntimeError(_UNPACK_PIVOT_ERROR)
        if p.shape[-1] != k:
            raise RuntimeError(f"torch.lu_unpack: Expected LU_pivots.shape[-1] to be {k}, but got {p.shape[-1]}")
        try:
            np.broadcast_to(p, a.shape[:-2] + (k,))
        except ValueError:
            raise RuntimeError(f"torch.lu_unpack: LU_pivots of shape {list(p.shape)} does not match LU_data of shape "
                               f"{list(a.shape)}") from None
    r = apply(LU_UNPACK, (LU_data, LU_pivots), (bool(unpack_data), bool(unpack_pivots)))
    if out is not None:
        r = _write_all(r, out)
    kind = "lu_unpack" if out is None else "lu_unpack_out"
    return ReturnType(kind, *r, names=("P", "L", "U"))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Solves ``op(A) X = B`` (``X op(A) = B`` with ``left=False``) from ``lu_factor``'s ``(LU, pivots)``;
    ``op(A)`` is ``A^H`` with ``adjoint=True``.  Batch dimensions broadcast."""
    lu_a, p, b = LU._data, pivots._data, B._data
    if lu_a.dtype.kind not in "fc":
        raise RuntimeError(f"torch.linalg.lu_solve: Expected a floating point or complex tensor as input. Got "
                           f"{_tname(LU)}")
    if lu_a.dtype != b.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_tname(LU)} and B of type {_tname(B)} instead")
    if p.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if lu_a.ndim < 2:
        raise RuntimeError("torch.linalg.lu_solve: The input tensor A must have at least 2 dimensions.")
    m, n = lu_a.shape[-2:]
    if m != n:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are {m} by {n} "
                           f"matrices")
    if b.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    rows, cols = b.shape[-2:]
    if (left and rows != n) or (not left and cols != n):
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {rows}x{cols})")
    if p.ndim == 0 or p.shape[-1] != n:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    if lu_a.shape[:-1] != p.shape:
        raise RuntimeError(f"linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots "
                           f"with shape {list(p.shape)} instead")
    _broadcast_batch(b.shape[:-2], lu_a.shape[:-2])
    _check_dtype(LU, None, ("kernel", "linalg.lu_solve_cpu"))
    if p.size:
        if p.min() < 1:
            raise RuntimeError("Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the "
                               "result of lu_factor?")
        if p.max() > n:
            raise RuntimeError("Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you properly "
                               "pass the result of lu_factor?")
    r = apply(LU_SOLVE, (LU, pivots, B), (bool(left), bool(adjoint)))
    return r if out is None else write_out(r, out)
