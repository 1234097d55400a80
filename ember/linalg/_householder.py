"""Householder QR pieces: ``torch.geqrf``, ``linalg.householder_product`` (``torch.orgqr``), ``torch.ormqr``.

Forwards are LAPACK's geqrf, orgqr/ungqr and ormqr/unmqr (through SciPy, one call per matrix of the
batch).  The derivatives are torch's: ``householder_product_backward`` (reflector by reflector, keeping
``K = H_{i+1}^{-1} ... Q grad^H ... H_i``) and ``ormqr_backward`` built on it, written in ember ops; geqrf
has none (torch's NotImplementedError).
"""
import numpy as np

from .._device import xp_of
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import _wrap
from .._ops._helpers import write_out
from .._ops.blas import matmul
from .._ops.joining import cat, stack
from ..return_types import ReturnType
from . import _check_dtype, _needs, _tril

__all__ = ["geqrf", "householder_product", "ormqr"]


def _lapack(name, *arrays):
    if any(type(a) is not np.ndarray for a in arrays):
        raise NotImplementedError(f"ember: LAPACK {name} has no CuPy counterpart: householder_product, ormqr and geqrf "
                                  f"are not implemented for CUDA tensors")
    from scipy.linalg import lapack
    return lapack.get_lapack_funcs(name, arrays)


def _flat(a, rank):
    """``a`` as a stack of its last ``rank``-dimensional blocks (and the batch shape)."""
    batch = a.shape[:a.ndim - rank]
    return a.reshape((int(np.prod(batch)),) + a.shape[a.ndim - rank:]), batch


def _geqrf_fwd(a):
    m, n = a.shape[-2:]
    flat, batch = _flat(a, 2)
    qr = flat.copy()
    tau = np.zeros((flat.shape[0], min(m, n)), a.dtype)
    if qr.size:
        fn = _lapack("geqrf", flat)
        for i in range(flat.shape[0]):
            qr[i], tau[i] = fn(flat[i])[:2]
    return qr.reshape(a.shape), tau.reshape(batch + tau.shape[-1:])


def _geqrf_grad(ctx, *grads):
    raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def _orgqr_fwd(a, tau):
    m, n = a.shape[-2:]
    flat, batch = _flat(a, 2)
    if tau.shape[-1] == 0 or flat.size == 0:
        return np.broadcast_to(xp_of(a).eye(m, n, dtype=a.dtype), a.shape).copy()
    taus = tau.reshape(flat.shape[0], tau.shape[-1])
    out = np.empty_like(flat)
    fn = _lapack("ungqr" if a.dtype.kind == "c" else "orgqr", flat)
    for i in range(flat.shape[0]):
        out[i] = fn(flat[i], taus[i])[0]
    return out.reshape(a.shape)


def _ormqr_fwd(a, tau, c, left, transpose):
    k = tau.shape[-1]
    if k == 0 or c.size == 0:
        return c.copy()
    fa, _ = _flat(a[..., :k], 2)
    ft, _ = _flat(tau, 1)
    fc, batch = _flat(c, 2)
    complex_ = c.dtype.kind == "c"
    fn = _lapack("unmqr" if complex_ else "ormqr", fa, fc)
    trans = ("C" if complex_ else "T") if transpose else "N"
    side = "L" if left else "R"
    lwork = 64 * max(1, fc.shape[2] if left else fc.shape[1])
    out = np.empty_like(fc)
    for i in range(fc.shape[0]):
        out[i] = fn(side, trans, fa[i], ft[i], fc[i], lwork)[0]
    return out.reshape(c.shape)


def _reflect(K, v, t, left):
    """``(I - t v v^H) K`` (left) or ``K (I - t v v^H)``; v a column (..., m, 1), t (..., 1)."""
    if left:
        return K - (t.unsqueeze(-1) * v) * matmul(v.mH, K)
    return K - matmul(K, t.unsqueeze(-1) * v) * v.mH


def _householder_backward(grad, result, A, tau, flip=False):
    """torch's ``householder_product_backward``: gradients for the reflectors' vectors (A's strict lower
    triangle) and scalars tau, from ``K = result grad^H`` updated one reflector at a time.  ``flip``
    walks the reflectors in reverse order (used by ormqr)."""
    if A._data.size == 0 or tau._data.size == 0:
        return None, None
    m, n = A._data.shape[-2:]
    k = tau._data.shape[-1]
    V = _tril(A, -1) + _wrap(xp_of(A._data).eye(m, n, dtype=A._data.dtype))
    Vk = V.narrow(-1, 0, k)
    sigma = tau / (tau * (Vk * Vk.conj()).sum(-2) - 1.0)  # H(sigma_i) is the inverse of H(tau_i)
    K = matmul(result, grad.mH)
    order = list(range(k - 1, -1, -1)) if flip else list(range(k))
    apply_left = not flip
    first = order[0]
    K = _reflect(K, V.narrow(-1, first, 1), sigma.narrow(-1, first, 1), apply_left)
    v_grads, t_grads = [None] * k, [None] * k
    for step, i in enumerate(order):
        v, t = V.narrow(-1, i, 1), tau.narrow(-1, i, 1)
        vHK, Kv = matmul(v.mH, K), matmul(K, v)
        tu = t.unsqueeze(-1)
        v_grads[i] = (-tu * vHK).conj().squeeze(-2) - (tu * Kv).squeeze(-1)
        t_grads[i] = -matmul(vHK, v).conj().squeeze(-1)
        if step != k - 1:
            j = order[step + 1]
            K = _reflect(K, V.narrow(-1, j, 1), sigma.narrow(-1, j, 1), apply_left)
            K = _reflect(K, v, t, not apply_left)
    gA = stack(v_grads, -1)
    if k < n:
        gA = cat([gA, gA.new_zeros(gA._data.shape[:-1] + (n - k,))], -1)
    return _tril(gA, -1), cat(t_grads, -1)


def _householder_grad(ctx, g):
    A, tau = ctx.saved
    return _householder_backward(g, ctx.output, A, tau)


def _ormqr_grad(ctx, g):
    A, tau, C = ctx.saved
    left, transpose = ctx.args
    R = ctx.output
    gA = gtau = gC = None
    if _needs(ctx, 2):
        gC = ormqr(A, tau, g, left, not transpose)
    if _needs(ctx, 0) or _needs(ctx, 1):
        if left != transpose:
            gA, gtau = _householder_backward(g.mH if transpose else g, R.mH if transpose else R, A, tau)
        else:
            gA, gtau = _householder_backward(R if transpose else R.mH, g if transpose else g.mH, A, tau, flip=True)
    return gA, gtau, gC


GEQRF = Primitive("GeqrfBackward0", _geqrf_fwd, _geqrf_grad, nout=2)
HOUSEHOLDER = Primitive("LinalgHouseholderProductBackward0", _orgqr_fwd, _householder_grad, save_inputs=True,
                        save_output=True)
ORMQR = Primitive("OrmqrBackward0", _ormqr_fwd, _ormqr_grad, save_inputs=True, save_output=True)


def geqrf(input, *, out=None):
    """``(a, tau)`` of LAPACK geqrf: R above the diagonal of ``a``, the Householder vectors below it."""
    if input._data.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _check_dtype(input, ("kernel", "geqrf_cpu"), ("kernel", "geqrf_cpu"))
    a, tau = apply(GEQRF, (input,))
    if out is not None:
        write_out(a, out[0])
        write_out(tau, out[1])
        a, tau = out
    kind = "geqrf" if out is None else "geqrf_out"
    return ReturnType(kind, a, tau, names=("a", "tau"))


def _check_batch(t, input, fn, what):
    if input._data.ndim > 2 and t._data.shape[:-(2 if what == "other" else 1)] != input._data.shape[:-2]:
        got = list(t._data.shape[:-(2 if what == "other" else 1)])
        raise RuntimeError(f"{fn}: Expected batch dimensions of {what} to be equal to input.shape[:-2], but got {got}")


def householder_product(A, tau, *, out=None):
    """The first n columns of ``H_1 ... H_k`` with ``H_i = I - tau_i v_i v_i^H`` (LAPACK orgqr/ungqr);
    ``v_i`` is column i of A below the diagonal, with an implicit 1 on it."""
    if _amp.active:
        return _amp.run("linalg_householder_product", householder_product, A, tau, out=out)
    fn = "torch.linalg.householder_product"
    a, t = A._data, tau._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: input must have at least 2 dimensions.")
    if a.shape[-2] < a.shape[-1]:
        raise RuntimeError(f"{fn}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if t.ndim == 0 or a.shape[-1] < t.shape[-1]:
        raise RuntimeError(f"{fn}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if a.ndim - t.ndim != 1:
        raise RuntimeError(f"{fn}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{t.ndim} and input.ndim is equal to {a.ndim}")
    _check_batch(tau, A, fn, "tau")
    if t.dtype != a.dtype:
        from .._errors import scalar_type_name
        raise RuntimeError(f"{fn}: tau dtype {scalar_type_name(tau.dtype)} does not match input dtype "
                           f"{scalar_type_name(A.dtype)}")
    _check_dtype(A, ("kernel", "orgqr_cpu"), ("kernel", "orgqr_cpu"))
    r = apply(HOUSEHOLDER, (A, tau))
    return r if out is None else write_out(r, out)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """``op(Q) other`` (``other op(Q)`` with ``left=False``) for Q given by geqrf's ``(input, tau)``;
    ``op(Q)`` is ``Q^H`` with ``transpose=True`` (LAPACK ormqr/unmqr, without forming Q)."""
    fn = "torch.ormqr"
    a, t, c = input._data, tau._data, other._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: input must have at least 2 dimensions.")
    if c.ndim < 2:
        raise RuntimeError(f"{fn}: other must have at least 2 dimensions.")
    lsc = -2 if left else -1
    if c.shape[lsc] != a.shape[-2]:
        raise RuntimeError(f"{fn}: other.shape[{lsc}] must be equal to input.shape[-2]")
    if t.ndim == 0 or t.shape[-1] != min(c.shape[lsc], a.shape[-1]):
        raise RuntimeError(f"{fn}: tau.shape[-1] must be equal to min(other.shape[{lsc}], input.shape[-1])")
    if a.ndim - t.ndim != 1:
        raise RuntimeError(f"{fn}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{t.ndim} and input.ndim is equal to {a.ndim}")
    if a.ndim != c.ndim:
        raise RuntimeError(f"{fn}: Expected other to have the same number of dimensions as input, but got other.ndim "
                           f"equal to {c.ndim} and input.ndim is equal to {a.ndim}")
    _check_batch(tau, input, fn, "tau")
    _check_batch(other, input, fn, "other")
    from .._errors import scalar_type_name
    for x, name in ((tau, "tau"), (other, "other")):
        if x._data.dtype != a.dtype:
            raise RuntimeError(f"{fn}: Expected input and {name} to have the same dtype, but input has dtype"
                               f"{scalar_type_name(input.dtype)} and {name} has dtype {scalar_type_name(x.dtype)}")
    _check_dtype(input, ("kernel", "ormqr_cpu"), ("kernel", "ormqr_cpu"))
    r = apply(ORMQR, (input, tau, other), (bool(left), bool(transpose)))
    return r if out is None else write_out(r, out)
