"""``torch.cholesky_solve``, ``torch.cholesky_inverse`` and the deprecated ``torch.triangular_solve``.

Forwards are triangular solves (LAPACK potrs/potri/trtrs do the same two solves); only the triangle of
the factor named by ``upper`` is read.  Derivatives are torch's (``cholesky_solve_backward``,
``cholesky_inverse_backward``, ``triangular_solve_backward``), written in ember ops.
"""
import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from .._ops._helpers import write_out
from .._ops.blas import matmul, _broadcast_batch
from ..return_types import ReturnType
from . import LinAlgError, _check_dtype, _needs, _outputs, _tril, _trsm, _triu
from ._ldl import _check_linear_solve

__all__ = ["cholesky_solve", "cholesky_inverse", "triangular_solve"]


def _broadcast_pair(b, a):
    batch = np.broadcast_shapes(b.shape[:-2], a.shape[:-2])
    return np.broadcast_to(b, batch + b.shape[-2:]), np.broadcast_to(a, batch + a.shape[-2:])


def _potrs_fwd(b, f, upper):
    b, f = _broadcast_pair(b, f)
    if b.size == 0 or f.size == 0:
        return np.zeros_like(b)
    with np.errstate(all="ignore"):
        if upper:   # A = U^H U
            x = _trsm(f, _trsm(f, b, False, False, "C"), False, False, "N")
        else:       # A = L L^H
            x = _trsm(f, _trsm(f, b, True, False, "N"), True, False, "C")
    return _xp(x).ascontiguousarray(x, dtype=b.dtype)


def _cholesky_solve_grad(ctx, g):
    B, F = ctx.saved
    upper, = ctx.args
    gB = cholesky_solve(g, F, upper)
    gF = None
    if _needs(ctx, 1):
        common = matmul(gB, ctx.output.mH)
        common = common + common.mH
        gF = -matmul(F, common) if upper else -matmul(common, F)
    return gB, gF


def _potri_fwd(f, upper):
    n = f.shape[-1]
    if type(f) is not np.ndarray:
        # CuPy has no potri: the inverse through two triangular solves against the identity
        return _potrs_fwd(np.broadcast_to(_xp(f).eye(n, dtype=f.dtype), f.shape), f, upper)
    nb = int(np.prod(f.shape[:-2]))
    flat = f.reshape(nb, n, n)
    x = np.zeros_like(flat)
    if x.size:
        from scipy.linalg import lapack
        fn = lapack.get_lapack_funcs("potri", (flat,))
        for i in range(nb):
            x[i] = fn(flat[i], lower=int(not upper))[0]
    # potri writes one triangle (a real diagonal); the other is its conjugate transpose
    half = np.triu(x, 1) if upper else np.tril(x, -1)
    d = np.arange(n)
    herm = half + np.conj(np.swapaxes(half, -1, -2))
    herm[..., d, d] = x[..., d, d]
    return herm.reshape(f.shape)


def _cholesky_inverse_grad(ctx, g):
    F, = ctx.saved
    upper, = ctx.args
    X = ctx.output
    common = matmul(X, matmul(g + g.mH, X))
    return (-matmul(F, common) if upper else -matmul(common, F),)


def _trtrs_fwd(b, a, upper, transpose, unitriangular):
    b, a = _broadcast_pair(b, a)
    if b.size == 0 or a.size == 0:
        x = np.zeros_like(b)
    else:
        with np.errstate(all="ignore"):
            x = _trsm(a, b, not upper, unitriangular, "T" if transpose else "N")
    return _xp(x).ascontiguousarray(x, dtype=b.dtype), a.copy()


def _triangular_solve_grad(ctx, gX, gM):
    B, A = ctx.saved
    upper, transpose, unit = ctx.args
    X = _outputs(ctx)[0]
    gB = apply(TRIANGULAR_SOLVE, (gX, A.conj()), (upper, not transpose, unit))[0]
    gA = None
    if _needs(ctx, 1):
        gA = -matmul(X.conj(), gB.mT) if transpose else -matmul(gB, X.mH)
        gA = (_triu(gA, int(unit)) if upper else _tril(gA, -int(unit))) + gM
    return gB, gA


CHOLESKY_SOLVE = Primitive("CholeskySolveBackward0", _potrs_fwd, _cholesky_solve_grad, save_inputs=True,
                           save_output=True)
CHOLESKY_INVERSE = Primitive("CholeskyInverseBackward0", _potri_fwd, _cholesky_inverse_grad, save_inputs=True,
                             save_output=True)
TRIANGULAR_SOLVE = Primitive("TriangularSolveBackward0", _trtrs_fwd, _triangular_solve_grad, save_inputs=True,
                             save_output=True, nout=2)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solves ``A X = input`` for ``A = L L^H`` (``U^H U`` with ``upper=True``) given the factor ``input2``."""
    b, f = input._data, input2._data
    if b.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions instead")
    if f.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {f.ndim} dimensions instead")
    _check_linear_solve(input, input2, "cholesky_solve")
    _broadcast_batch(b.shape[:-2], f.shape[:-2])
    _check_dtype(input, ("kernel", "cholesky_solve_cpu"), ("kernel", "cholesky_solve_cpu"))
    r = apply(CHOLESKY_SOLVE, (input, input2), (bool(upper),))
    return r if out is None else write_out(r, out)


def cholesky_inverse(input, upper=False, *, out=None):
    """``(L L^H)^{-1}`` (``(U^H U)^{-1}``) from a Cholesky factor; a zero on its diagonal raises LinAlgError."""
    f = input._data
    if f.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if f.shape[-1] != f.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are {f.shape[-2]} by "
                           f"{f.shape[-1]} matrices")
    _check_dtype(input, ("kernel", "cholesky_inverse_out_cpu"), ("kernel", "cholesky_inverse_out_cpu"))
    zero = (np.diagonal(f, 0, -2, -1) == 0).reshape(int(np.prod(f.shape[:-2])), f.shape[-1])
    bad = np.flatnonzero(zero.any(-1))
    if bad.size:
        i = int(bad[0])
        prefix = f"(Batch element {i}): " if f.ndim > 2 else ""
        raise LinAlgError(f"cholesky_inverse: {prefix}The diagonal element {int(zero[i].argmax()) + 1} is zero, the "
                          f"inversion could not be completed because the input matrix is singular.")
    r = apply(CHOLESKY_INVERSE, (input,), (bool(upper),))
    return r if out is None else write_out(r, out)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """``(solution, cloned_coefficient)``: solves ``op(A) X = input`` (op = transpose, not conjugate) reading
    one triangle of A; ``cloned_coefficient`` is A broadcast to the batch and copied."""
    b, a = input._data, A._data
    if b.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has {b.ndim} "
                           f"dimensions instead")
    if a.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has {a.ndim} "
                           f"dimensions instead")
    _check_linear_solve(input, A, "triangular_solve")
    _broadcast_batch(b.shape[:-2], a.shape[:-2])
    _check_dtype(input, ("kernel", "triangular_solve_cpu"), ("kernel", "triangular_solve_cpu"))
    X, M = apply(TRIANGULAR_SOLVE, (input, A), (bool(upper), bool(transpose), bool(unitriangular)))
    if out is not None:
        write_out(X, out[0])
        write_out(M, out[1])
        X, M = out
    kind = "triangular_solve" if out is None else "triangular_solve_out"
    return ReturnType(kind, X, M, names=("solution", "cloned_coefficient"))
