"""``ember.linalg`` (≙ ``torch.linalg``): decompositions, solvers, inverses and norms.

Every differentiable function is one primitive (named like torch's node: ``LinalgInvExBackward0``,
``LinalgSvdBackward0`` ...) whose forward is a batched NumPy LAPACK call and whose derivative beside it
is torch's formula written in ember ops (so it can be differentiated again).  Failures torch reports
(singular matrices, non positive-definite inputs) raise ``LinAlgError``, a ``RuntimeError``, with
torch's messages including ``(Batch element i)``.  Decompositions follow LAPACK's sign conventions,
as torch's CPU backend does.
"""
import contextlib
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._device import as_array, xp_of as _xp
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor, _make_output, _wrap, _wrap_dim
from .._ops._helpers import write_out
from .._ops.blas import matmul, mm, _cross, _need_tensor
from ..autograd.grad_mode import state as _grad_state
from ..return_types import ReturnType

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "det", "slogdet", "solve",
           "solve_ex", "svd", "svdvals", "qr", "eigh", "eigvalsh", "eig", "eigvals", "cholesky", "cholesky_ex",
           "pinv", "lstsq", "matrix_rank", "matrix_power", "cross", "vecdot", "multi_dot", "cond", "matrix_exp",
           "solve_triangular", "matmul", "diagonal", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "ldl_factor",
           "ldl_factor_ex", "ldl_solve", "householder_product", "tensorinv", "tensorsolve", "vander"]


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a singular or non positive-definite input (a ``RuntimeError``)."""


LinAlgError.__module__ = "torch.linalg"

_LOWP = (np.dtype(np.float16), D.bfloat16.np)


# ----------------------------------------------------------------------------------------------------
# shared checks and helpers

def _tname(t):
    return scalar_type_name(t.dtype)


def _check_matrix(A, fn, name="A"):
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")


def _check_square(A, fn):
    _check_matrix(A, fn)
    m, n = A._data.shape[-2:]
    if m != n:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {m} by {n} matrices")


def _check_dtype(A, int_err, low_err=None):
    """torch's refusal of integer (and, where given, half-precision) inputs: ``(kind, text)`` specs.

    kind "expected": "<fn>: Expected a floating point or complex tensor as input. Got Long";
    "lowp": "<fn>: Low precision dtypes not supported. Got Half"; "kernel": NotImplementedError
    '"<kernel>" not implemented for ...'.
    """
    dt = A._data.dtype
    spec = int_err if dt.kind in "biu" else (low_err if dt in _LOWP else None)
    if spec is None:
        return
    kind, text = spec
    name = _tname(A)
    if kind == "expected":
        raise RuntimeError(f"{text}: Expected a floating point or complex tensor as input. Got {name}")
    if kind == "lowp":
        raise RuntimeError(f"{text}: Low precision dtypes not supported. Got {name}")
    raise NotImplementedError(f"\"{text}\" not implemented for '{name}'")


def _batch_error(fn, info, batched, message):
    """Raise LinAlgError for the first failing matrix (``info`` per matrix, 0 = success)."""
    flat = as_array(info).reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        i = int(bad[0])
        prefix = f"(Batch element {i}): " if batched else ""
        raise LinAlgError(f"{fn}: {prefix}{message(int(flat[i]))}")


def _needs(ctx, i):
    return ctx.next_functions[i][0] is not None


def _outputs(ctx):
    """The saved outputs of a multi-output node as tensors whose grad_fn is the node."""
    if ctx._freed:
        ctx.output  # raises torch's "backward through the graph a second time" error
    outs = []
    for i, arr in enumerate(ctx._out):
        t = _make_output(arr, ctx)
        t._output_nr = i
        outs.append(t)
    return outs


def _eye_like(n, t):
    return _wrap(_xp(t._data).eye(n, dtype=t._data.dtype))


def _mask_diag(n, npd, like):
    """Constant (n, n) masks: the identity and its complement, of dtype ``npd``, on the device of ``like``."""
    e = _xp(like._data).eye(n, dtype=npd)
    return _wrap(e), _wrap(1 - e)


# ----------------------------------------------------------------------------------------------------
# the array module's linear algebra: NumPy/SciPy on the host; CuPy and cupyx.scipy.linalg on a GPU

def _raising(a):
    """A context in which linear algebra on ``a`` reports failures by LinAlgError: NumPy always does; CuPy
    only under ``cupyx.errstate(linalg='raise')`` (by default it returns NaNs for singular inputs)."""
    if type(a) is np.ndarray:
        return contextlib.nullcontext()
    from ..cuda import _cupyx
    return _cupyx().errstate(linalg="raise")


def _each(fn, *arrays):
    """``fn`` over the matrices of same-batch device arrays (cupyx.scipy.linalg takes one matrix), stacked."""
    a = arrays[0]
    xp = _xp(a)
    batch = a.shape[:-2]
    flat = [x.reshape((-1,) + x.shape[len(batch):]) for x in arrays]
    parts = [fn(*ms) for ms in zip(*flat)]
    if not parts:
        raise NotImplementedError("ember: empty batches of matrices are not supported on CUDA by this function")
    if isinstance(parts[0], tuple):
        return tuple(xp.stack(p).reshape(batch + p[0].shape) for p in zip(*parts))
    return xp.stack(parts).reshape(batch + parts[0].shape)


def _lu_factor(a):
    if type(a) is np.ndarray:
        import scipy.linalg
        return scipy.linalg.lu_factor(a, check_finite=False)
    from ..cuda import _cupyx
    return _each(lambda m: _cupyx().scipy.linalg.lu_factor(m, check_finite=False), a)


def _lu_solve(lu, piv, b, trans=0):
    if type(lu) is np.ndarray:
        import scipy.linalg
        return scipy.linalg.lu_solve((lu, piv), b, trans=trans, check_finite=False)
    from ..cuda import _cupyx
    return _each(lambda m, p, r: _cupyx().scipy.linalg.lu_solve((m, p), r, trans=trans, check_finite=False),
                 lu, piv, b)


def _solve_triangular(a, b, lower, unit, trans):
    if type(a) is np.ndarray:
        import scipy.linalg
        return scipy.linalg.solve_triangular(a, b, lower=lower, unit_diagonal=unit, trans=trans, check_finite=False)
    from ..cuda import _cupyx
    return _each(lambda m, r: _cupyx().scipy.linalg.solve_triangular(m, r, trans=trans, lower=lower,
                                                                     unit_diagonal=unit, check_finite=False), a, b)


def _expm(a):
    if type(a) is np.ndarray:
        import scipy.linalg
        return scipy.linalg.expm(a)
    from ..cuda import _cupyx
    return _each(_cupyx().scipy.linalg.expm, a)


def _is_nonzero_grad(g):
    # the engine materialises a missing output gradient as zeros; torch's formulas branch on "undefined"
    return g is not None and bool(g._data.any())


def _tril_fwd(a, k):
    return np.tril(a, k)


def _triu_fwd(a, k):
    return np.triu(a, k)


TRIL = Primitive("TrilBackward0", _tril_fwd, lambda c, g: (apply(TRIL, (g,), c.args),))
TRIU = Primitive("TriuBackward0", _triu_fwd, lambda c, g: (apply(TRIU, (g,), c.args),))


def _tril(x, k=0):
    return apply(TRIL, (x,), (k,))


def _triu(x, k=0):
    return apply(TRIU, (x,), (k,))


def _diag_embed_fwd(v):
    n = v.shape[-1]
    out = np.zeros_like(v, shape=v.shape + (n,))
    idx = _xp(v).arange(n)
    out[..., idx, idx] = v
    return out


DIAG_EMBED = Primitive("DiagEmbedBackward0", _diag_embed_fwd, lambda c, g: (g.diagonal(0, -2, -1),))


def _diag_embed(v):
    return apply(DIAG_EMBED, (v,))


def _diag(x):
    return x.diagonal(0, -2, -1)


def _hermitian_from(a, lower):
    """The Hermitian matrix LAPACK sees when it reads only one triangle of ``a``."""
    t = np.tril(a, -1) if lower else np.triu(a, 1)
    d = np.diagonal(a, axis1=-2, axis2=-1).real
    h = t + np.conj(np.swapaxes(t, -1, -2))
    idx = _xp(a).arange(a.shape[-1])
    h[..., idx, idx] = d
    return h


# ----------------------------------------------------------------------------------------------------
# inverse

def _lu_info(a):
    """LAPACK getrf's info per matrix: 1 + index of the first exactly-zero pivot, 0 when non-singular."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, piv = _lu_factor(a)
    zero = np.diagonal(lu, axis1=-2, axis2=-1) == 0
    info = np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32)
    return lu, piv, info


def _inv_ex_fwd(a):
    try:
        with _raising(a):
            return np.linalg.inv(a), np.zeros_like(a, np.int32, shape=a.shape[:-2])
    except np.linalg.LinAlgError:
        lu, piv, info = _lu_info(a)
        eye = np.broadcast_to(_xp(a).eye(a.shape[-1], dtype=a.dtype), a.shape)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = _lu_solve(lu, piv, eye)
        return x.astype(a.dtype, copy=False), info


def _inv_grad(ctx, g, _):
    inv_a = _outputs(ctx)[0].mH
    return (-matmul(inv_a, matmul(g, inv_a)),)


INV_EX = Primitive("LinalgInvExBackward0", _inv_ex_fwd, _inv_grad, save_output=True, nout=2, nondiff=(1,))


def _inv_checked(A, fn):
    _check_square(A, fn)
    _check_dtype(A, ("expected", fn), ("lowp", fn))
    return apply(INV_EX, (A,))


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: ``info`` is LAPACK's (0, or the 1-based index of a zero pivot)."""
    if _amp.active:
        return _amp.run("linalg_inv_ex", inv_ex, A, check_errors=check_errors, out=out)
    inverse, info = _inv_checked(A, "linalg.inv")
    if check_errors:
        _inv_raise(info, A, "linalg.inv_ex")
    r = ReturnType("linalg_inv_ex", inverse, info, names=("inverse", "info"))
    if out is not None:
        write_out(inverse, out[0])
        write_out(info, out[1])
        return ReturnType("linalg_inv_ex", out[0], out[1], names=("inverse", "info"))
    return r


def _inv_raise(info, A, fn="linalg.inv"):
    _batch_error(fn, info._data, A._data.ndim > 2,
                 lambda k: f"The diagonal element {k} is zero, the inversion could not be completed because the "
                           f"input matrix is singular.")


def inv(A, *, out=None):
    """``torch.linalg.inv``: raises LinAlgError naming the zero pivot of a singular matrix."""
    if _amp.active:
        return _amp.run("linalg_inv", inv, A, out=out)
    _need_tensor(A, "linalg_inv", "A", 1)
    inverse, info = _inv_checked(A, "linalg.inv")
    _inv_raise(info, A)
    return inverse if out is None else write_out(inverse, out)


# ----------------------------------------------------------------------------------------------------
# determinants

def _det_fwd(a):
    return as_array(np.linalg.det(a))


def _det_grad(ctx, g):
    A, = ctx.saved
    det = ctx.output
    if A._data.size == 0:
        return (_wrap(np.zeros_like(A._data)),)
    d = (g * det.conj()).unsqueeze(-1).unsqueeze(-2)
    if not _grad_state.enabled:
        # torch: solve A^H X = d I through the LU, exact zero pivots replaced by eps (d is 0 there)
        ia, info = _inv_ex_fwd(A._data)
        ia = np.where((info != 0)[..., None, None], 0, ia)
        return (d * _wrap(np.conj(np.swapaxes(ia, -1, -2))),)
    eps = np.finfo(A._data.real.dtype if A.is_complex() else A._data.dtype).eps
    singular = det.abs() < 100 * eps
    if not bool(singular.any()):
        return (d * inv(A).mH,)
    sing = _det_singular_grad(A, g)
    if bool(singular.all()):
        return (sing,)
    return ((d * inv_ex(A).inverse.mH).where(~singular.unsqueeze(-1).unsqueeze(-2), sing),)


def _det_singular_grad(A, g):
    # adjugate through the SVD: (det U det Vh)^* g U diag(prod_{j != i} s_j) Vh
    U, S, Vh = svd(A)
    alpha = (det(U) * det(Vh)).conj() * g
    n = S._data.shape[-1]
    off_diag = _wrap(~_xp(S._data).eye(n, dtype=bool))
    others = S.unsqueeze(-2).expand(S._data.shape[:-1] + (n, n)).where(off_diag, 1.0)
    Dg = alpha.unsqueeze(-1) * others.prod(-1)
    return matmul(U * Dg.unsqueeze(-2), Vh)


DET = Primitive("LinalgDetBackward0", _det_fwd, _det_grad, save_inputs=True, save_output=True)


def det(A, *, out=None):
    """``torch.linalg.det``; its gradient handles singular inputs as torch does."""
    _check_square(A, "linalg.det")
    _check_dtype(A, ("expected", "linalg.det"), ("kernel", "lu_cpu"))
    r = apply(DET, (A,))
    return r if out is None else write_out(r, out)


def _slogdet_fwd(a):
    sign, logabs = np.linalg.slogdet(a)
    return as_array(sign, a.dtype), as_array(logabs, a.real.dtype if a.dtype.kind == "c" else a.dtype)


def _slogdet_grad(ctx, g_sign, g_logabs):
    A, = ctx.saved
    sign = _outputs(ctx)[0]
    if A.is_complex():
        g = g_logabs.to(A.dtype) - 1j * (g_sign.conj() * sign).imag
    else:
        g = g_logabs
    return (g.unsqueeze(-1).unsqueeze(-2) * inv_ex(A).inverse.mH,)


SLOGDET = Primitive("LinalgSlogdetBackward0", _slogdet_fwd, _slogdet_grad, save_inputs=True, save_output=True,
                    nout=2)


def slogdet(A, *, out=None):
    """``(sign, logabsdet)``; ``sign`` is complex for complex inputs, ``logabsdet`` always real."""
    return _slogdet(A, "linalg_slogdet", "linalg.slogdet", out)


def _slogdet(A, rtype, fn, out):
    _check_square(A, fn)
    _check_dtype(A, ("expected", fn), ("lowp", fn))
    sign, logabs = apply(SLOGDET, (A,))
    if out is not None:
        write_out(sign, out[0])
        write_out(logabs, out[1])
        sign, logabs = out
    return ReturnType(rtype, sign, logabs, names=("sign", "logabsdet"))


# ----------------------------------------------------------------------------------------------------
# solvers

def _solve_fwd(a, b, vector, left):
    if not left:
        a, b = np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    try:
        with _raising(a):
            x = np.linalg.solve(a, b)
        info = np.zeros_like(a, np.int32, shape=a.shape[:-2])
    except np.linalg.LinAlgError:
        lu, piv, info = _lu_info(a)
        lu = np.broadcast_to(lu, batch + lu.shape[-2:])
        piv = np.broadcast_to(piv, batch + piv.shape[-1:])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = _lu_solve(lu, piv, np.broadcast_to(b, batch + b.shape[-2:]))
        x = x.astype(a.dtype, copy=False)
    if vector:
        x = x[..., 0]
    return (np.swapaxes(x, -1, -2) if not left else x), info


def _solve_grad(ctx, g, _):
    A, B = ctx.saved
    vector, left = ctx.args
    X = _outputs(ctx)[0]
    gB = solve(A.mH, g, left=left)
    gA = None
    if _needs(ctx, 0):
        if not left:
            gA = -matmul(X.mH, gB)
        else:
            gA = -(gB.unsqueeze(-1) * X.conj().unsqueeze(-2)) if vector else -matmul(gB, X.mH)
    return gA, (gB if _needs(ctx, 1) else None)


SOLVE = Primitive("LinalgSolveExBackward0", _solve_fwd, _solve_grad, save_inputs=True, save_output=True, nout=2,
                  nondiff=(1,))


def _is_vector_rhs(A, B):
    nb = B._data.ndim
    return nb == 1 or (nb == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])


def _solve_checked(A, B, left):
    _need_tensor(A, "linalg_solve", "A", 1)
    _need_tensor(B, "linalg_solve", "B", 2)
    _check_square(A, "linalg.solve")
    _check_dtype(A, ("expected", "linalg.solve"), ("kernel", "lu_cpu"))
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {_tname(A)} "
                           f"and B of type {_tname(B)} instead")
    vector = _is_vector_rhs(A, B) and left
    n = A._data.shape[-1]
    bs = B._data.shape
    rows, cols = (bs[-1], 1) if B._data.ndim == 1 or vector else bs[-2:]
    if (left and rows != n) or (not left and (B._data.ndim == 1 or cols != n)):
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                           f"{rows}x{cols})")
    from .._ops.blas import _broadcast_batch
    _broadcast_batch(A._data.shape[:-2], bs[:-1] if vector else bs[:-2])
    return apply(SOLVE, (A, B), (vector, left))


def solve(A, B, *, left=True, out=None):
    """``torch.linalg.solve``: ``AX = B`` (or ``XA = B`` with ``left=False``); B may be a batch of vectors."""
    if _amp.active:
        return _amp.run("linalg_solve", solve, A, B, left=left, out=out)
    result, info = _solve_checked(A, B, left)
    _batch_error("torch.linalg.solve", info._data, info._data.ndim > 0,
                 lambda k: "The solver failed because the input matrix is singular.")
    return result if out is None else write_out(result, out)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)``: ``info`` is LAPACK getrf's per matrix (0 = success)."""
    result, info = _solve_checked(A, B, left)
    if check_errors:
        _batch_error("torch.linalg.solve", info._data, info._data.ndim > 0,
                     lambda k: "The solver failed because the input matrix is singular.")
    if out is not None:
        write_out(result, out[0])
        write_out(info, out[1])
        result, info = out
    return ReturnType("linalg_solve_ex", result, info, names=("result", "info"))


def _trsm(a, b, lower, unit, trans):
    """Triangular solve with BLAS semantics (a zero diagonal gives inf/nan, as torch, not an error; cuBLAS's
    trsm behind cupyx never raises)."""
    try:
        return _solve_triangular(a, b, lower, unit, trans)
    except (np.linalg.LinAlgError, ValueError):
        pass
    from scipy.linalg import blas
    fn = blas.get_blas_funcs("trsm", (a, b))
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    aa = np.broadcast_to(a, shape + a.shape[-2:]).reshape((-1,) + a.shape[-2:])
    bb = np.broadcast_to(b, shape + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    out = np.empty(bb.shape, np.result_type(a, b))
    with np.errstate(all="ignore"):
        for i in range(aa.shape[0]):
            out[i] = fn(1.0, aa[i], bb[i], lower=lower, trans_a={0: 0, "N": 0, "T": 1, "C": 2}[trans], diag=unit)
    return out.reshape(shape + b.shape[-2:])


def _solve_tri_fwd(a, b, upper, left, unit):
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, shape + a.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    if left:
        x = _trsm(a, b, not upper, unit, "N")
    else:
        # X A = B  <=>  A^T X^T = B^T
        x = np.swapaxes(_trsm(a, np.swapaxes(b, -1, -2), not upper, unit, "T"), -1, -2)
    return _xp(x).ascontiguousarray(x, dtype=a.dtype)


def _solve_tri_grad(ctx, g):
    A, B = ctx.saved
    upper, left, unit = ctx.args
    X = ctx.output
    gB = solve_triangular(A.mH, g, upper=not upper, left=left, unitriangular=unit)
    gA = None
    if _needs(ctx, 0):
        gA = -matmul(gB, X.mH) if left else -matmul(X.mH, gB)
        gA = _triu(gA, int(unit)) if upper else _tril(gA, -int(unit))
    return gA, (gB if _needs(ctx, 1) else None)


SOLVE_TRI = Primitive("LinalgSolveTriangularBackward0", _solve_tri_fwd, _solve_tri_grad, save_inputs=True,
                      save_output=True)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """``torch.linalg.solve_triangular``: only the ``upper``/lower triangle of A is read."""
    _check_matrix(A, "linalg.solve_triangular")
    _check_matrix(B, "linalg.solve_triangular", "B")
    _check_square(A, "linalg.solve_triangular")
    _check_dtype(A, ("kernel", "triangular_solve_cpu"), ("kernel", "triangular_solve_cpu"))
    n = A._data.shape[-1]
    r, c = B._data.shape[-2:]
    if (left and r != n) or (not left and c != n):
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {r}x{c})")
    if B._data.dtype != A._data.dtype:
        B = B.to(A.dtype)
    r = apply(SOLVE_TRI, (A, B), (bool(upper), bool(left), bool(unitriangular)))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# Cholesky

def _potrf_info(h):
    """LAPACK potrf's info per (Hermitian, lower-read) matrix: the order of the failing leading minor.
    cuSOLVER's info is not exposed by CuPy: for device arrays (only after a failure) it is found on a copy."""
    if type(h) is not np.ndarray:
        return _xp(h).asarray(_potrf_info(h.get()))
    from scipy.linalg import lapack
    fn = lapack.get_lapack_funcs("potrf", (h,))
    flat = h.reshape((-1,) + h.shape[-2:])
    info = np.zeros(flat.shape[0], np.int32)
    for i in range(flat.shape[0]):
        info[i] = max(fn(flat[i], lower=True, clean=True)[1], 0)
    return info.reshape(h.shape[:-2])


def _cholesky_fwd(a, upper):
    h = _hermitian_from(a, not upper)
    try:
        with _raising(h):
            L = np.linalg.cholesky(h)
        info = np.zeros_like(a, np.int32, shape=a.shape[:-2])
    except np.linalg.LinAlgError:
        info = _potrf_info(h)
        ok = info == 0
        L = np.full_like(h, np.nan)
        if ok.any():
            L[ok] = np.linalg.cholesky(h[ok])
    if upper:
        L = np.conj(np.swapaxes(L, -1, -2))
    return _xp(L).ascontiguousarray(L), info


def _cholesky_grad(ctx, gL, _):
    upper = ctx.args[0]
    L = _outputs(ctx)[0]
    if upper:
        L, gL = L.mH, gL.mH
    gA = _tril(matmul(L.mH, gL))
    gA = 0.5 * (gA + _tril(gA, -1).mH)
    gA = solve_triangular(L.mH, gA, upper=True, left=True)
    return (solve_triangular(L, gA, upper=False, left=False),)


CHOLESKY_EX = Primitive("LinalgCholeskyExBackward0", _cholesky_fwd, _cholesky_grad, save_output=True, nout=2,
                        nondiff=(1,))
CHOLESKY_LEGACY = Primitive("CholeskyBackward0", _cholesky_fwd, _cholesky_grad, save_output=True, nout=2,
                            nondiff=(1,))


def _cholesky_raise(info, A, fn):
    _batch_error(fn, info._data, A._data.ndim > 2,
                 lambda k: f"The factorization could not be completed because the input is not positive-definite "
                           f"(the leading minor of order {k} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``; ``info`` > 0 is the order of the leading minor that is not positive-definite."""
    if _amp.active:
        return _amp.run("linalg_cholesky_ex", cholesky_ex, A, upper=upper, check_errors=check_errors, out=out)
    _check_square(A, "linalg.cholesky")
    _check_dtype(A, ("expected", "linalg.cholesky"), ("kernel", "cholesky_cpu"))
    L, info = apply(CHOLESKY_EX, (A,), (bool(upper),))
    if check_errors:
        _cholesky_raise(info, A, "linalg.cholesky_ex")
    if out is not None:
        write_out(L, out[0])
        write_out(info, out[1])
        L, info = out
    return ReturnType("linalg_cholesky_ex", L, info, names=("L", "info"))


def cholesky(A, *, upper=False, out=None):
    """``torch.linalg.cholesky``: reads the lower (``upper=True``: upper) triangle of a Hermitian A."""
    if _amp.active:
        return _amp.run("linalg_cholesky", cholesky, A, upper=upper, out=out)
    L, info = cholesky_ex(A, upper=upper)
    _cholesky_raise(info, A, "linalg.cholesky")
    return L if out is None else write_out(L, out)


# ----------------------------------------------------------------------------------------------------
# eigendecompositions

def _eigh_fwd(a, uplo):
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return w, v


def _eigh_grad(ctx, gL, gV):
    L, V = _outputs(ctx)
    Vh = V.mH
    if not _is_nonzero_grad(gV):
        return (matmul(V * gL.unsqueeze(-2), Vh),)
    VhgV = matmul(Vh, gV)
    if V.is_complex():
        _check_phase(_diag(VhgV).imag, "linalg_eigh_backward")
    VhgV = 0.5 * (VhgV - VhgV.mH)
    n = L._data.shape[-1]
    eye, off = _mask_diag(n, L._data.dtype, L)
    E = L.unsqueeze(-2) - L.unsqueeze(-1) + eye
    inner = (VhgV / E) * off + _diag_embed(gL)
    return (matmul(V, matmul(inner, Vh)),)


def _check_phase(imdiag, fn):
    if not np.allclose(imdiag._data, 0, rtol=1e-2, atol=1e-2):
        raise RuntimeError(f"{fn}: The eigenvectors in the complex case are specified up to multiplication by "
                           f"e^{{i phi}}. The specified loss function depends on this quantity, so it is ill-defined.")


EIGH = Primitive("LinalgEighBackward0", _eigh_fwd, _eigh_grad, save_output=True, nout=2)


def _check_uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eigh(A, UPLO="L", *, out=None):
    """``(eigenvalues, eigenvectors)`` of a Hermitian matrix (ascending; only the UPLO triangle is read)."""
    if _amp.active:
        return _amp.run("linalg_eigh", eigh, A, UPLO, out=out)
    uplo = _check_uplo(UPLO)
    _check_square(A, "linalg.eigh")
    _check_dtype(A, ("kernel", "linalg_eigh_cpu"), ("kernel", "linalg_eigh_cpu"))
    w, v = apply(EIGH, (A,), (uplo,))
    if out is not None:
        write_out(w, out[0])
        write_out(v, out[1])
        w, v = out
    return ReturnType("linalg_eigh", w, v, names=("eigenvalues", "eigenvectors"))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues of a Hermitian matrix (eigenvectors are computed only when a gradient is needed)."""
    if _amp.active:
        return _amp.run("linalg_eigvalsh", eigvalsh, A, UPLO, out=out)
    uplo = _check_uplo(UPLO)
    _check_square(A, "linalg.eigh")
    _check_dtype(A, ("kernel", "linalg_eigh_cpu"), ("kernel", "linalg_eigh_cpu"))
    if A._requires_grad and _grad_state.enabled:
        w = apply(EIGH, (A,), (uplo,))[0]
    else:
        w = _wrap(np.linalg.eigvalsh(A._data, UPLO=uplo))
    return w if out is None else write_out(w, out)


def _complex_of(npd):
    return np.result_type(npd, np.complex64)


def _eig_fwd(a):
    w, v = np.linalg.eig(a)
    c = _complex_of(a.dtype)
    return w.astype(c, copy=False), v.astype(c, copy=False)


def _eig_grad(ctx, gL, gV):
    A, = ctx.saved
    L, V = _outputs(ctx)
    Vh = V.mH
    if not _is_nonzero_grad(gV):
        gA = solve(Vh, gL.unsqueeze(-1) * Vh)
    else:
        VhgV = matmul(Vh, gV)
        _check_phase(_diag(VhgV).imag, "linalg_eig_backward")
        VhgV = VhgV - matmul(Vh, V * _diag(VhgV).real.unsqueeze(-2))
        n = L._data.shape[-1]
        eye, off = _mask_diag(n, L._data.dtype, L)
        Lc = L.conj()
        E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1) + eye
        inner = (VhgV / E) * off + _diag_embed(gL)
        gA = solve(Vh, matmul(inner, Vh))
    return (gA if A.is_complex() else gA.real,)


EIG = Primitive("LinalgEigBackward0", _eig_fwd, _eig_grad, save_inputs=True, save_output=True, nout=2)


def _check_eig(A):
    _check_square(A, "linalg.eig")
    if A._data.dtype.kind in "biu":
        raise RuntimeError(f"Unknown Complex ScalarType for {_tname(A)}")
    _check_dtype(A, None, ("kernel", "linalg_eig_out_cpu"))


def eig(A, *, out=None):
    """Eigenvalues and unit-norm eigenvectors of a general matrix, always complex (as torch)."""
    if _amp.active:
        return _amp.run("linalg_eig", eig, A, out=out)
    _check_eig(A)
    w, v = apply(EIG, (A,))
    if out is not None:
        write_out(w, out[0])
        write_out(v, out[1])
        w, v = out
    return ReturnType("linalg_eig", w, v, names=("eigenvalues", "eigenvectors"))


def eigvals(A, *, out=None):
    if _amp.active:
        return _amp.run("linalg_eigvals", eigvals, A, out=out)
    _check_eig(A)
    if A._requires_grad and _grad_state.enabled:
        w = apply(EIG, (A,))[0]
    else:
        w = _wrap(np.linalg.eigvals(A._data).astype(_complex_of(A._data.dtype), copy=False))
    return w if out is None else write_out(w, out)


# ----------------------------------------------------------------------------------------------------
# singular value decomposition

def _svd_fwd(a, full_matrices):
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        k = min(m, n)
        rdt = a.real.dtype if a.dtype.kind == "c" else a.dtype
        xp = _xp(a)
        U = np.broadcast_to(xp.eye(m, m if full_matrices else k, dtype=a.dtype), a.shape[:-2] + (m, m if
                                                                                               full_matrices else k))
        Vh = np.broadcast_to(xp.eye(n if full_matrices else k, n, dtype=a.dtype), a.shape[:-2] + (
            n if full_matrices else k, n))
        return U.copy(), xp.zeros(a.shape[:-2] + (k,), rdt), Vh.copy()
    try:
        return tuple(np.linalg.svd(a, full_matrices=full_matrices))
    except np.linalg.LinAlgError:
        # non-finite input: torch's svdvals gives NaN (``svd`` refuses such inputs before getting here)
        u, s, vh = (np.full_like(x, np.nan) for x in np.linalg.svd(np.zeros_like(a), full_matrices))
        return u, s, vh


def _svd_grad(ctx, gU, gS, gVh):
    full = ctx.args[0]
    U, S, Vh = _outputs(ctx)
    k = S._data.shape[-1]
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    if full:
        U, Vh = U.narrow(-1, 0, k), Vh.narrow(-2, 0, k)
        gU, gVh = gU.narrow(-1, 0, k), gVh.narrow(-2, 0, k)
    has_u, has_v = _is_nonzero_grad(gU), _is_nonzero_grad(gVh)
    if not has_u and not has_v:
        return (matmul(U, gS.unsqueeze(-1) * Vh) if m >= n else matmul(U * gS.unsqueeze(-2), Vh),)
    is_complex = U.is_complex()
    UhgU = (lambda X: X - X.mH)(matmul(U.mH, gU)) if has_u else None
    VhgV = (lambda X: X - X.mH)(matmul(Vh, gVh.mH)) if has_v else None
    if is_complex:
        im_u = _diag(UhgU).imag if has_u else S * 0
        im_v = _diag(VhgV).imag if has_v else S * 0
        if not np.allclose(im_u._data, -im_v._data, rtol=1e-2, atol=1e-2):
            raise RuntimeError("svd_backward: The singular vectors in the complex case are specified up to "
                               "multiplication by e^{i phi}. The specified loss function depends on this phase term, "
                               "making it ill-defined.")
    S2 = S * S
    eye, _ = _mask_diag(k, S._data.dtype, S)
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye
    if has_u and has_v:
        ret = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    elif has_u:
        ret = (UhgU / E) * S.unsqueeze(-2)
    else:
        ret = S.unsqueeze(-1) * (VhgV / E)
    ret = ret + _diag_embed(gS)
    if is_complex and has_u and has_v:
        ret = ret + _diag_embed(_diag(UhgU) / (2 * S))
    if m > n and has_u:
        gA = matmul(U, ret)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - matmul(U, matmul(U.mH, gUSinv))
        gA = matmul(gA, Vh)
    elif m < n and has_v:
        gA = matmul(ret, Vh)
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - matmul(matmul(SinvgVh, Vh.mH), Vh)
        gA = matmul(U, gA)
    else:
        gA = matmul(U, matmul(ret, Vh)) if m >= n else matmul(matmul(U, ret), Vh)
    return (gA,)


SVD = Primitive("LinalgSvdBackward0", _svd_fwd, _svd_grad, save_output=True, nout=3)


def _check_svd(A, driver=None):
    _check_matrix(A, "linalg.svd")
    _check_dtype(A, ("expected", "linalg.svd"), ("kernel", "linalg_svd_cpu"))
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh`` (LAPACK gesdd, as torch's CPU backend)."""
    if _amp.active:
        return _amp.run("linalg_svd", svd, A, full_matrices, driver=driver, out=out)
    _check_svd(A, driver)
    if not np.isfinite(A._data).all():
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix contained non-finite "
                          "values.")
    U, S, Vh = apply(SVD, (A,), (bool(full_matrices),))
    if out is not None:
        for r, o in zip((U, S, Vh), out):
            write_out(r, o)
        U, S, Vh = out
    return ReturnType("linalg_svd", U, S, Vh, names=("U", "S", "Vh"))


def svdvals(A, *, driver=None, out=None):
    """Singular values in descending order (U and Vh are computed only when a gradient is needed)."""
    if _amp.active:
        return _amp.run("linalg_svdvals", svdvals, A, driver=driver, out=out)
    _check_svd(A, driver)
    if A._requires_grad and _grad_state.enabled:
        S = apply(SVD, (A,), (False,))[1]
    else:
        a = A._data
        S = _wrap(_svd_fwd(a, False)[1])
    return S if out is None else write_out(S, out)


# ----------------------------------------------------------------------------------------------------
# QR

def _qr_fwd(a, mode):
    if mode == "r":
        r = np.linalg.qr(a, mode="r")
        return _xp(a).empty((0,), a.dtype), as_array(r)
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


def _qr_grad(ctx, gQ, gR):
    mode = ctx.args[0]
    Q, R = _outputs(ctx)
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                           "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    m, n = Q._data.shape[-2], R._data.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    has_q, has_r = _is_nonzero_grad(gQ), _is_nonzero_grad(gR)
    if has_q and has_r:
        gA = matmul(gR, R.mH) - matmul(Q.mH, gQ)
    elif has_q:
        gA = -matmul(Q.mH, gQ)
    else:
        gA = matmul(gR, R.mH)
    k = min(m, n)
    eye, off = _mask_diag(k, R._data.real.dtype if R.is_complex() else R._data.dtype, R)
    halve_diag = off + 0.5 * eye
    if m >= n:
        X = _triu(gA)
        gA = matmul(Q, (X + X.mH) * halve_diag)
        if has_q:
            gA = gA + gQ
        return (solve_triangular(R.mH, gA, upper=False, left=False),)
    X = -gA
    gA = matmul(Q, _tril(X - X.mH) * halve_diag)
    gA = solve_triangular(R.narrow(-1, 0, m).mH, gA, upper=False, left=False)
    gA = apply(PAD_COLS, (gA,), (n - m,))
    if has_r:
        gA = gA + matmul(Q, gR)
    return (gA,)


def _pad_cols_fwd(a, extra):
    return np.concatenate([a, np.zeros_like(a, shape=a.shape[:-1] + (extra,))], -1)


PAD_COLS = Primitive("CatBackward0", _pad_cols_fwd, lambda c, g: (g.narrow(-1, 0, g._data.shape[-1] - c.args[0]),))


QR = Primitive("LinalgQrBackward0", _qr_fwd, _qr_grad, save_output=True, nout=2)


def qr(A, mode="reduced", *, out=None):
    """``(Q, R)`` by Householder QR; ``mode`` 'reduced', 'complete' or 'r' (then Q is empty)."""
    if _amp.active:
        return _amp.run("linalg_qr", qr, A, mode, out=out)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           f"'complete'")
    _check_matrix(A, "linalg.qr")
    _check_dtype(A, ("expected", "linalg.qr"), ("kernel", "geqrf_cpu"))
    Q, R = apply(QR, (A,), (mode,))
    if out is not None:
        write_out(Q, out[0])
        write_out(R, out[1])
        Q, R = out
    return ReturnType("linalg_qr", Q, R, names=("Q", "R"))


# ----------------------------------------------------------------------------------------------------
# pseudo-inverse, least squares, rank

def _tolerances(a, atol, rtol, S_max):
    """torch's cutoff ``max(atol, rtol * sigma_max)``; rtol defaults to eps * max(m, n) unless atol > 0."""
    rdt = a.real.dtype if a.dtype.kind == "c" else a.dtype
    xp = _xp(a)
    at = None if atol is None else xp.asarray(atol._data if isinstance(atol, Tensor) else atol, rdt)
    if rtol is None:
        eps = np.finfo(rdt).eps * max(a.shape[-2:])
        rt = rdt.type(eps) if at is None else np.where(at > 0, 0, eps).astype(rdt)
    else:
        rt = xp.asarray(rtol._data if isinstance(rtol, Tensor) else rtol, rdt)
    cut = rt * S_max
    return cut if at is None else np.maximum(at, cut)


def _pinv_fwd(a, atol, rtol, hermitian):
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return np.zeros_like(a, shape=a.shape[:-2] + (n, m))
    if hermitian:
        w, V = np.linalg.eigh(a)
        s = np.abs(w)
        cut = _tolerances(a, atol, rtol, s.max(-1))
        inv_w = np.where(s > cut[..., None], 1 / np.where(w == 0, 1, w), 0).astype(a.dtype)
        return np.matmul(V * inv_w[..., None, :], np.conj(np.swapaxes(V, -1, -2)))
    U, S, Vh = np.linalg.svd(a, full_matrices=False)
    cut = _tolerances(a, atol, rtol, S[..., 0] if S.shape[-1] else 0)
    inv_s = np.where(S > cut[..., None], 1 / np.where(S == 0, 1, S), 0).astype(a.dtype)
    return np.matmul(np.conj(np.swapaxes(Vh, -1, -2)) * inv_s[..., None, :], np.conj(np.swapaxes(U, -1, -2)))


def _pinv_backward(g, pinvA, A):
    m, n = A._data.shape[-2:]
    pinvAh = pinvA.mH
    gh = g.mH
    if m <= n:
        K = matmul(gh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (-matmul(pinvA, K).mH + KpinvAh - matmul(matmul(A, pinvA), KpinvAh)
                + matmul(matmul(pinvAh, pinvA), gh - matmul(K, A)))
    K = matmul(pinvA, gh)
    pinvAhK = matmul(pinvAh, K)
    return (-matmul(K, pinvA).mH + matmul(matmul(gh - matmul(A, K), pinvA), pinvAh) + pinvAhK
            - matmul(matmul(pinvAhK, pinvA), A))


def _pinv_grad(ctx, g):
    return (_pinv_backward(g, ctx.output, ctx.saved[0]),)


PINV = Primitive("LinalgPinvBackward0", _pinv_fwd, _pinv_grad, save_inputs=True, save_output=True)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Moore-Penrose pseudo-inverse; singular values <= max(atol, rtol * sigma_1) are dropped.

    The legacy positional ``rcond`` is ``rtol``.
    """
    if rcond is not None:
        rtol = rcond
    a = A._data
    if a.ndim < 2 or a.dtype not in (np.float32, np.float64, np.complex64, np.complex128):
        raise RuntimeError(f"linalg.pinv({_tname(A)}{{{list(a.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    r = apply(PINV, (A,), (atol, rtol, bool(hermitian)))
    return r if out is None else write_out(r, out)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _own_batch(arr, batch, a_batch):
    """Entries of ``arr`` (laid out over the broadcast ``batch``) for A's own batch shape, as torch reports."""
    lead = len(batch) - len(a_batch)
    idx = (0,) * lead + tuple(slice(0, 1) if s == 1 else slice(None) for s in a_batch)
    return arr[idx].reshape(a_batch + arr.shape[len(batch):])


def _lstsq_host(aa, bb, rcond, driver):
    import scipy.linalg
    # 'gels' (QR, full rank assumed) has no SciPy driver: gelsy gives the same solution there
    return scipy.linalg.lstsq(aa, bb, cond=rcond, lapack_driver="gelsy" if driver == "gels" else driver,
                              check_finite=False)


def _lstsq_device(aa, bb, rcond, driver):
    """cupy.linalg.lstsq (an SVD: gelsd's solution, ranks and singular values) matrix by matrix."""
    xp = _xp(aa)
    x, _, rank, sv = _each(lambda m, r: xp.linalg.lstsq(m, r, rcond=rcond), aa, bb)
    return x, None, rank, sv


def _lstsq_fwd(a, b, vector, rcond, driver):
    if vector:
        b = b[..., None]
    m, n = a.shape[-2:]
    k = b.shape[-1]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    aa = np.broadcast_to(a, batch + (m, n))
    bb = np.broadcast_to(b, batch + (m, k))
    rdt = a.real.dtype if a.dtype.kind == "c" else a.dtype
    if rcond is None:
        rcond = float(np.finfo(rdt).eps) * max(m, n)
    xp = _xp(a)
    if m == 0 or n == 0:
        x = xp.zeros(batch + (n, k), a.dtype)
        rank = xp.zeros(batch, np.int64)
        sv = xp.zeros(batch + (0,), rdt)
    else:
        x, _, rank, sv = (_lstsq_host if xp is np else _lstsq_device)(aa, bb, rcond, driver)
        x = as_array(x, a.dtype)
        rank = as_array(rank, np.int64).reshape(batch)
        sv = as_array(sv, rdt).reshape(batch + (-1,)) if driver in ("gelsd", "gelss") else None
    full_rank = driver == "gels" or bool(np.all(rank == n))
    if m > n and driver != "gelsy" and full_rank:
        r = np.abs(np.matmul(aa, x) - bb)
        residuals = (r * r).sum(-2).astype(rdt)
    else:
        residuals = xp.zeros((0,), rdt)
    rank = xp.zeros((0,), np.int64) if driver == "gels" else _own_batch(rank, batch, a.shape[:-2])
    sv = _own_batch(sv, batch, a.shape[:-2]) if driver in ("gelsd", "gelss") else xp.zeros((0,), rdt)
    return (x[..., 0] if vector else x), residuals, rank, sv


def _lstsq_grad(ctx, gX, gL, _r, _s):
    A, B = ctx.saved
    vector = ctx.args[0]
    X = _outputs(ctx)[0]
    Bm = B.unsqueeze(-1) if vector else B
    gA = gB = None
    if _is_nonzero_grad(gX):
        gXm = gX.unsqueeze(-1) if vector else gX
        pinvA = pinv(A)
        if _needs(ctx, 0):
            gA = _pinv_backward(matmul(gXm, Bm.mH), pinvA, A)
        if _needs(ctx, 1):
            gB = matmul(pinvA.mH, gXm)
            gB = gB.squeeze(-1) if vector else gB
    if gL is not None and gL._data.size and _is_nonzero_grad(gL):
        Xm = X.unsqueeze(-1) if vector else X
        r = matmul(A, Xm) - Bm
        gLu = gL.unsqueeze(-2)
        if _needs(ctx, 0):
            t = 2 * matmul(gLu * r, Xm.mH)
            gA = t if gA is None else gA + t
        if _needs(ctx, 1):
            t = -2 * gLu * r
            t = t.squeeze(-1) if vector else t
            gB = t if gB is None else gB + t
    return gA, gB


LSTSQ = Primitive("LinalgLstsqBackward0", _lstsq_fwd, _lstsq_grad, save_inputs=True, save_output=True, nout=4,
                  nondiff=(2, 3))


def lstsq(A, B, rcond=None, *, driver=None):
    """``(solution, residuals, rank, singular_values)`` of min ||AX - B|| (driver default 'gelsy').

    'gels' (QR, full-rank inputs only) is computed by LAPACK's gelsy; the others by their own routine.
    ``residuals`` is filled when m > n and the driver is not 'gelsy' and every matrix has full rank.
    """
    if _amp.active:
        return _amp.run("linalg_lstsq", lstsq, A, B, rcond, driver=driver)
    if A._data.dtype not in (np.float32, np.float64, np.complex64, np.complex128):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {_tname(A)} and other's dtype {_tname(B)}")
    _check_matrix(A, "torch.linalg.lstsq", "A")
    diff = A._data.ndim - B._data.ndim
    if not 0 <= diff <= 1:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() "
                           "- other.dim()) <= 1")
    vector = diff == 1
    from .._ops.blas import _broadcast_batch
    _broadcast_batch(A._data.shape[:-2], B._data.shape[:-1] if vector else B._data.shape[:-2])
    rows = B._data.shape[-1] if vector else B._data.shape[-2]
    if A._data.shape[-2] != rows:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector else -2})")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    X, res, rank, sv = apply(LSTSQ, (A, B), (vector, rcond, driver))
    return ReturnType("linalg_lstsq", X, res, rank, sv, names=("solution", "residuals", "rank", "singular_values"))


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Number of singular values > max(atol, rtol * sigma_1) (legacy ``tol`` is ``atol`` with rtol 0)."""
    if _amp.active:
        return _amp.run("linalg_matrix_rank", matrix_rank, A, tol, hermitian, atol=atol, rtol=rtol, out=out)
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A._data
    if a.dtype not in (np.float32, np.float64, np.complex64, np.complex128):
        raise RuntimeError("This function doesn't handle types other than float and double")
    _check_matrix(A, "linalg.matrix_rank")
    if 0 in a.shape[-2:]:
        r = _wrap(_xp(a).zeros(a.shape[:-2], np.int64))
        return r if out is None else write_out(r, out)
    S = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    smax = S.max(-1)
    cut = _tolerances(a, atol, rtol, smax)
    r = _wrap(as_array((S > as_array(cut)[..., None]).sum(-1), np.int64))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# matrix functions

def matrix_power(A, n, *, out=None):
    """``A^n`` by repeated squaring (``n < 0`` inverts first; ``n = 0`` gives the identity)."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    _check_square(A, "linalg.matrix_power")
    if n == 0:
        r = A.clone().copy_(_eye_like(A._data.shape[-1], A).expand(A._data.shape))
    else:
        a = inv(A) if n < 0 else A
        if n == -1:
            return a if out is None else write_out(a, out)
        n = abs(n)
        if n == 1:
            r = a.clone()
        elif n == 2:
            r = matmul(a, a)
        elif n == 3:
            r = matmul(matmul(a, a), a)
        else:
            z = r = None
            while n > 0:
                bit = n % 2
                n //= 2
                z = a if z is None else matmul(z, z)
                if bit:
                    r = z if r is None else matmul(r, z)
    return r if out is None else write_out(r, out)


def _expm_fwd(a):
    if a.shape[-1] == 0:
        return a.copy()
    if a.dtype in _LOWP:
        return _expm(a.astype(np.float32)).astype(a.dtype)
    return as_array(_expm(a), a.dtype)


def _block_fwd(a, g):
    n = a.shape[-1]
    shape = np.broadcast_shapes(a.shape, g.shape)
    out = _xp(a).zeros(shape[:-2] + (2 * n, 2 * n), np.result_type(a, g))
    out[..., :n, :n] = a
    out[..., n:, n:] = a
    out[..., :n, n:] = g
    return out


def _block_grad(ctx, gm):
    n = gm._data.shape[-1] // 2
    top, bottom = gm.narrow(-2, 0, n), gm.narrow(-2, n, n)
    return top.narrow(-1, 0, n) + bottom.narrow(-1, n, n), top.narrow(-1, n, n)


BLOCK = Primitive("CatBackward0", _block_fwd, _block_grad)


def _expm_grad(ctx, g):
    A, = ctx.saved
    n = A._data.shape[-1]
    big = matrix_exp(apply(BLOCK, (A.mH, g)))
    return (big.narrow(-2, 0, n).narrow(-1, n, n),)


EXPM = Primitive("LinalgMatrixExpBackward0", _expm_fwd, _expm_grad, save_inputs=True)


def matrix_exp(A):
    """``exp(A)`` (Pade approximation with scaling and squaring); its gradient is an exp of a block matrix."""
    _check_square(A, "linalg.matrix_exp")
    _check_dtype(A, ("expected", "linalg.matrix_exp"))
    return apply(EXPM, (A,))


# ----------------------------------------------------------------------------------------------------
# norms

def _fmt_ord(p):
    if isinstance(p, float) and math.isinf(p):
        return "inf" if p > 0 else "-inf"
    if isinstance(p, float) and p == int(p):
        return str(int(p))
    return str(p)


def _vnorm_fwd(a, p, dims, keepdim, out_dt):
    x = np.abs(a)
    if x.dtype in _LOWP:
        x = x.astype(np.float32)
    if p == 2:
        r = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim))
    elif p == 1:
        r = np.sum(x, axis=dims, keepdims=keepdim)
    elif p == math.inf:
        # CuPy's max has no ``initial``: an empty reduction is 0 through the sum's shape
        r = np.max(x, axis=dims, keepdims=keepdim) if _reduced_size(x.shape, dims) else \
            np.zeros_like(np.sum(x, axis=dims, keepdims=keepdim))
    elif p == -math.inf:
        r = np.min(x, axis=dims, keepdims=keepdim)
    elif p == 0:
        r = np.sum(x != 0, axis=dims, keepdims=keepdim)
    else:
        with np.errstate(divide="ignore"):
            r = np.power(np.sum(np.power(x, p), axis=dims, keepdims=keepdim), 1.0 / p)
    return as_array(r, out_dt)


def _reduced_size(shape, dims):
    n = 1
    for d in (range(len(shape)) if dims is None else dims):
        n *= shape[d]
    return n


def _vnorm_grad(ctx, g):
    x, = ctx.saved
    p, dims, keepdim, _ = ctx.args
    norm = ctx.output
    if p == 0:
        return (None,)
    if not keepdim and x._data.ndim:
        for d in dims:
            g = g.unsqueeze(d)
            norm = norm.unsqueeze(d)
    if p == 1:
        return (x.sgn() * g,)
    nonzero = norm != 0
    safe = norm.where(nonzero, 1.0)
    if p == 2:
        return (g * (x / safe).where(nonzero, 0.0),)
    if math.isinf(p):
        ax = x.abs()
        mask = (ax == norm) | ax.isnan()
        return (x.sgn() * (g / mask.sum(list(dims), keepdim=True)) * mask,)
    if p < 1:
        nz = x != 0
        scaled = (x.sgn() * x.abs().where(nz, 1.0).pow(p - 1)).where(nz, 0.0)
        return (scaled * g * norm.pow(1 - p),)
    scaled = x.sgn() * x.abs().pow(p - 1) if p < 2 else x * x.abs().pow(p - 2)
    return (scaled * (g / safe.pow(p - 1)).where(nonzero, 0.0),)


VNORM = Primitive("LinalgVectorNormBackward0", _vnorm_fwd, _vnorm_grad, save_inputs=True, save_output=True)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all dims by default); inf/-inf/0 as in torch."""
    if _amp.active:
        return _amp.run("linalg_vector_norm", vector_norm, x, ord, dim, keepdim, dtype=dtype, out=out)
    _need_tensor(x, "linalg_vector_norm", "input", 1)
    if isinstance(ord, Tensor):
        ord = ord.item()
    _check_dtype(x, ("expected", "linalg.vector_norm"))
    if dtype is not None:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                               f"{scalar_type_name(dtype)}")
        if x.is_complex() != dtype.is_complex:
            raise RuntimeError(f"linalg.vector_norm: dtype should be {'complex' if x.is_complex() else 'real'} for "
                               f"{'complex' if x.is_complex() else 'real'} inputs, but got {scalar_type_name(dtype)}")
        x = x.to(dtype)
    a = x._data
    nd = a.ndim
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        dims = tuple(range(nd))
    elif isinstance(dim, (tuple, list)):
        dims = tuple(_wrap_dim(d, nd) for d in dim)
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        dims = tuple(sorted(dims))
    else:
        dims = (_wrap_dim(dim, nd),)
    if nd == 0:
        dims = ()
    p = float(ord)
    if a.size == 0 and (p < 0 or math.isinf(p)):
        if dim is None or not dims:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt_ord(ord)} norm on an empty tensor because "
                               f"the operation does not have an identity")
        for d in dims:
            if a.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt_ord(ord)} norm on the dimension {d}"
                                   f"because this dimension is empty and the operation does not have an identity")
    out_dt = a.real.dtype if a.dtype.kind == "c" else a.dtype
    r = apply(VNORM, (x,), (p, dims, bool(keepdim), out_dt))
    return r if out is None else write_out(r, out)


def _check_matrix_dims(A, dim):
    if isinstance(dim, int) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {_fmt_dims(dim)}")
    d0, d1 = _wrap_dim(dim[0], A._data.ndim), _wrap_dim(dim[1], A._data.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def _fmt_dims(dim):
    return str(dim) if isinstance(dim, int) else " ".join(str(d) for d in dim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """'fro', 'nuc', 2/-2 (singular values), 1/-1 and inf/-inf (max/min abs column/row sums)."""
    if _amp.active:
        return _amp.run("linalg_matrix_norm", matrix_norm, A, ord, dim, keepdim, dtype=dtype, out=out)
    _check_matrix(A, "linalg.matrix_norm")
    d0, d1 = _check_matrix_dims(A, dim)
    _check_dtype(A, ("expected", "linalg.matrix_norm"))
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {_fmt_ord(ord)} not supported.")
    if ord == "fro":
        r = vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
        return r if out is None else write_out(r, out)
    x = A if dtype is None else A.to(dtype)
    if ord in ("nuc", 2, -2):
        _check_dtype(x, None, ("lowp", "linalg.matrix_norm"))
        s = svdvals(x.movedim((d0, d1), (-2, -1)))
        if s._data.shape[-1] == 0:
            r = _wrap(_xp(s._data).zeros(s._data.shape[:-1], s._data.dtype))
        elif ord == "nuc":
            r = s.sum(-1)
        else:
            r = s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            r = r.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (d0, d1))
    else:
        first, second = (d1, d0) if abs(ord) == math.inf else (d0, d1)
        if not keepdim and first < second:
            second -= 1
        s = vector_norm(x, 1, first, keepdim)
        r = s.amax(second, keepdim) if ord > 0 else s.amin(second, keepdim)
    return r if out is None else write_out(r, out)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.linalg.norm``: a vector norm, or a matrix norm for 2 dims (or a 2-D input) with ``ord``."""
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(ord, str):
        if dim is not None and len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
        if dim is None and A._data.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A._data.ndim}D.")
        return matrix_norm(A, ord, tuple(dim) if dim is not None else (0, 1), keepdim, dtype=dtype, out=out)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A._data.ndim}D.")
    if ord is not None and ((dim is not None and len(dim) == 2) or (dim is None and A._data.ndim == 2)):
        return matrix_norm(A, ord, tuple(dim) if dim is not None else (0, 1), keepdim, dtype=dtype, out=out)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def cond(A, p=None, *, out=None):
    """Condition number: sigma_max / sigma_min for p in (None, 2, -2), else ``norm(A) * norm(inv(A))``."""
    if _amp.active:
        return _amp.run("linalg_cond", cond, A, p, out=out)
    if p in (None, 2, -2):
        s = svdvals(A)
        k = s._data.shape[-1]
        big, small = s.narrow(-1, 0, 1), s.narrow(-1, k - 1, 1)
        r = (small / big if p == -2 else big / small).squeeze(-1)
        return r if out is None else write_out(r, out)
    if p not in ("fro", "nuc", math.inf, -math.inf, 1, -1):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {_fmt_ord(p)}")
    _check_matrix(A, "linalg.cond")
    m, n = A._data.shape[-2:]
    if m != n:
        raise RuntimeError(f"linalg.cond(ord={_fmt_ord(p)}): A must be batches of square matrices, but they are {m} "
                           f"by {n} matrices")
    if p == "nuc":
        # ||A||_* ||A^-1||_* through the singular values (inf for a singular matrix)
        s = svdvals(A)
        r = s.sum(-1) * s.reciprocal().sum(-1)
        return r if out is None else write_out(r, out)
    inverse, info = inv_ex(A)
    bad = info._data != 0
    if bad.any():
        inverse = inverse.where(_wrap(~bad[..., None, None]), math.inf)
    # 0 * inf -> inf, as NumPy's cond
    r = (matrix_norm(A, p) * matrix_norm(inverse, p)).nan_to_num(math.inf, math.inf, -math.inf)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# products

def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (broadcasting batch dims)."""
    r = _cross(input, other, dim)
    return r if out is None else write_out(r, out)


def vecdot(x, y, *, dim=-1, out=None):
    """``sum(conj(x) * y, dim)``."""
    if _amp.active:
        return _amp.run("vecdot", vecdot, x, y, dim=dim, out=out)
    _check_dtype(x, ("expected", "linalg.vecdot"))
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type {_tname(x)} "
                           f"and y of type {_tname(y)} instead")
    r = (x.conj() * y).sum(dim)
    return r if out is None else write_out(r, out)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal of each matrix (a view), ``torch.linalg.diagonal``."""
    return A.diagonal(offset, dim1, dim2)


def _chain_order(dims):
    """Optimal parenthesisation of a matrix chain (dynamic programming over the cost of each split)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices in the cheapest order; the first/last may be 1-D vectors."""
    if _amp.active:
        return _amp.run("multi_dot", multi_dot, tensors, out=out)
    tensors = list(tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    if first._data.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first._data.ndim}D")
    if last._data.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last._data.ndim}D")
    for i in range(1, n - 1):
        if tensors[i]._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {tensors[i]._data.ndim}D")
    dt = first._data.dtype
    from .._ops.blas import _cpp
    for i, t in enumerate(tensors[1:], 1):
        if t._data.dtype != dt:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {_cpp(first)} "
                               f"and tensor {i} {_cpp(t)}")
    mats = list(tensors)
    if first._data.ndim == 1:
        mats[0] = first.unsqueeze(0)
    if last._data.ndim == 1:
        mats[-1] = last.unsqueeze(-1)
    for i in range(n - 1):
        a, b = mats[i]._data.shape, mats[i + 1]._data.shape
        if a[1] != b[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i]._data.shape)} and "
                               f"{list(tensors[i + 1]._data.shape)} cannot be multiplied")
    dims = [mats[0]._data.shape[0]] + [m._data.shape[1] for m in mats]
    split = _chain_order(dims) if n > 2 else None

    def prod(i, j):
        if i == j:
            return mats[i]
        k = split[i][j] if split is not None else i
        return mm(prod(i, k), prod(k + 1, j))
    r = prod(0, n - 1)
    shape = ((r._data.shape[0],) if first._data.ndim == 2 else ()) + ((r._data.shape[1],) if last._data.ndim == 2
                                                                      else ())
    r = r.view(shape)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# torch.* spellings that differ from ember.linalg's (ember.logdet, ember.svd, ... in ember._ops.blas)

_TO_COMPLEX = Primitive("ToCopyBackward0", lambda a, dt: a.astype(dt), lambda c, g: (g.real,))


def _torch_logdet(input):
    """``log(det)``: nan for a negative determinant, -inf for a singular matrix (complex: log of sign added)."""
    sign, logabs = slogdet(input)
    if input.is_complex():
        return sign.log() + apply(_TO_COMPLEX, (logabs,), (sign._data.dtype,))
    return logabs.where(sign != -1, math.nan)


def _torch_slogdet(input):
    return _slogdet(input, "slogdet", "linalg.slogdet", None)


def _torch_cholesky(input, upper=False, *, out=None):
    """Deprecated ``torch.cholesky`` (warns as torch does); node ``CholeskyBackward0``."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                  "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
                  UserWarning, stacklevel=3)
    _check_square(input, "cholesky")
    _check_dtype(input, ("expected", "cholesky"), ("kernel", "cholesky_cpu"))
    L, info = apply(CHOLESKY_LEGACY, (input,), (bool(upper),))
    _cholesky_raise(info, input, "cholesky")
    return L if out is None else write_out(L, out)


def _torch_svd(input, some=True, compute_uv=True, *, out=None):
    """Legacy ``torch.svd``: returns V (not Vh); ``compute_uv=False`` gives zero-filled full U and V."""
    _check_svd(input)
    if compute_uv:
        U, S, Vh = svd(input, full_matrices=not some)
        V = Vh.mH
    else:
        S = svdvals(input)
        m, n = input._data.shape[-2:]
        xp = _xp(input._data)
        U = _wrap(xp.zeros(input._data.shape[:-2] + (m, m), input._data.dtype))
        V = _wrap(xp.zeros(input._data.shape[:-2] + (n, n), input._data.dtype))
    if out is not None:
        for r, o in zip((U, S, V), out):
            write_out(r, o)
        U, S, V = out
    return ReturnType("svd", U, S, V, names=("U", "S", "V"))


def _torch_qr(input, some=True, *, out=None):
    """Deprecated ``torch.qr`` (warns as torch does)."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\nQ, R = "
                  "torch.qr(A, some)\nshould be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                  "'complete')", UserWarning, stacklevel=3)
    Q, R = qr(input, "reduced" if some else "complete")
    if out is not None:
        write_out(Q, out[0])
        write_out(R, out[1])
        Q, R = out
    return ReturnType("qr", Q, R, names=("Q", "R"))


# the rest of torch.linalg (these modules use the helpers above, hence imported last)
from ._lu import lu, lu_factor, lu_factor_ex, lu_solve  # noqa: E402
from ._ldl import ldl_factor, ldl_factor_ex, ldl_solve  # noqa: E402
from ._householder import householder_product  # noqa: E402
from ._tensorops import tensorinv, tensorsolve, vander  # noqa: E402
