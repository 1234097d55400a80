"""Distances: ``torch.cdist``, ``torch.pdist``, ``pairwise_distance`` and ``cosine_similarity``.

``cdist`` and ``pdist`` are primitives (``CdistBackward0``, ``PdistBackward0``) whose derivatives follow
torch's per-p rules (aten/native/cpu/DistanceOpsKernel.cpp: 0-norm has zero gradient, 1-norm the sign,
p < 2 zero where the difference is 0 and p < 1, inf-norm only at the arg-max coordinate, and 0 wherever
the distance is 0); they are written in ember ops.  For p = 2 with more than 25 rows (or
``compute_mode='use_mm_for_euclid_dist'``) ``cdist`` is torch's matrix-product composite
(``_euclidean_dist``), so values, gradients and grad_fn follow it.  ``pairwise_distance`` and
``cosine_similarity`` are composites, op for op as ATen's.
"""
import math

import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import _wrap


def _p_reduce(diff, p, axis):
    """The p-norm of ``diff`` (already absolute) over ``axis``."""
    if p == 0:
        return (diff != 0).sum(axis).astype(diff.dtype)
    if p == 1:
        return diff.sum(axis)
    if p == 2:
        return np.sqrt((diff * diff).sum(axis))
    if math.isinf(p):
        return diff.max(axis) if diff.shape[axis] else np.zeros_like(diff.sum(axis))
    return (diff ** p).sum(axis) ** (1.0 / p)


def _cdist_fwd(x1, x2, p, batch):
    """(*, r1, c) x (*, r2, c) -> (*batch, r1, r2); chunked over r1 to bound the (rows, r2, c) difference buffer."""
    r1, c = x1.shape[-2:]
    r2 = x2.shape[-2]
    bprod = int(np.prod(batch))
    a = np.broadcast_to(x1, batch + (r1, c)).reshape(bprod, r1, c)
    b = np.broadcast_to(x2, batch + (r2, c)).reshape(bprod, r2, c)
    out = _xp(x1).empty((bprod, r1, r2), x1.dtype)
    step = max(1, (1 << 22) // max(1, bprod * r2 * c))
    for s in range(0, r1, step):
        diff = np.abs(a[:, s:s + step, None, :] - b[:, None, :, :])
        out[:, s:s + step] = _p_reduce(diff, p, -1)
    return out.reshape(batch + (r1, r2))


def _pair_grad(diff, d, g, p):
    """d dist / d x1 times the incoming gradient, per (pair, coordinate), torch's formulas."""
    from .elementwise import where
    if p == 0:
        return diff * 0
    if p == 1:
        return g * diff.sign()
    if math.isinf(p):
        return g * diff.sign() * (diff.abs() == d)
    if p == 2:
        return where(d == 0, 0.0, g * diff / d)
    if p < 2:
        r = where(d == 0, 0.0, diff.sign() * diff.abs().pow(p - 1) * g / d.pow(p - 1))
        return where((diff == 0) & (p < 1), 0.0, r) if p < 1 else r
    return where(d == 0, 0.0, diff * diff.abs().pow(p - 2) * g / d.pow(p - 1))


def _cdist_backward(g, a, b, p, dist):
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)
    return _pair_grad(diff, dist.unsqueeze(-1), g.unsqueeze(-1), p).sum(-2)


def _cdist_grad(ctx, g):
    x1, x2 = ctx.saved
    p = ctx.args[0]
    dist = ctx.output
    g1 = _cdist_backward(g, x1, x2, p, dist) if ctx.next_functions[0][0] is not None else None
    g2 = _cdist_backward(g.mT, x2, x1, p, dist.mT) if ctx.next_functions[1][0] is not None else None
    return g1, g2


_CDIST = Primitive("CdistBackward0", _cdist_fwd, _cdist_grad, save_inputs=True, save_output=True)


def _check_floating(t, which):
    dt = t._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        from .._errors import scalar_type_name
        raise RuntimeError(f"cdist only supports floating-point dtypes, {which} got: {scalar_type_name(t.dtype)}")


def _euclidean_dist(x1, x2):
    """torch's ``_euclidean_dist``: |a|^2 - 2 a.b + |b|^2 as one matrix product, clamped at 0, square-rooted."""
    from .creation import ones_like
    from .joining import cat
    x1_norm = x1.pow(2).sum(-1, keepdim=True)
    x2_norm = x2.pow(2).sum(-1, keepdim=True)
    x1_ = cat([x1.mul(-2), x1_norm, ones_like(x1_norm)], -1)
    x2_ = cat([x2, ones_like(x2_norm), x2_norm], -1)
    result = x1_.matmul(x2_.mT)
    result.clamp_min_(0).sqrt_()
    return result


_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1, "donot_use_mm_for_euclid_dist": 2}


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """``torch.cdist``: p-norm distance between each pair of rows of ``x1`` (*, R1, C) and ``x2`` (*, R2, C)."""
    if _amp.active:
        return _amp.run("cdist", cdist, x1, x2, p, compute_mode)
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    mode = _MODES[compute_mode]
    if x1.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.dim()}D")
    c1, c2 = x1.shape[-1], x2.shape[-1]
    if c1 != c2:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}")
    _check_floating(x1, "X1")
    _check_floating(x2, "X2")
    if x1.dtype != x2.dtype:
        from .._errors import scalar_type_name
        raise RuntimeError(f"expected scalar type {scalar_type_name(x1.dtype)} but found {scalar_type_name(x2.dtype)}")
    p = float(p)
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    r1, r2 = x1.shape[-2], x2.shape[-2]
    batch = _broadcast(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    bprod = int(np.prod(batch))
    out_shape = batch + (r1, r2)
    use_mm = p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25)))
    if use_mm and x1.numel() and x2.numel():
        if bprod == 1:
            return _euclidean_dist(x1, x2).view(out_shape)
        a = x1.expand(batch + (r1, c1)).contiguous().view(bprod, r1, c1)
        b = x2.expand(batch + (r2, c2)).contiguous().view(bprod, r2, c2)
        return _euclidean_dist(a, b).view(out_shape)
    return apply(_CDIST, (x1, x2), (p, batch))


def _broadcast(s1, s2):
    """Broadcast two shapes; torch's error message where they do not."""
    n = max(len(s1), len(s2))
    a, b = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    for i, (u, v) in enumerate(zip(a, b)):
        if u != v and u != 1 and v != 1:
            raise RuntimeError(f"The size of tensor a ({u}) must match the size of tensor b ({v}) at non-singleton "
                               f"dimension {i}")
    return tuple(max(u, v) if u != 1 and v != 1 else u * v for u, v in zip(a, b))


# ----------------------------------------------------------------------------------------------------
# pdist

def _pdist_fwd(x, p, rows, cols):
    return _p_reduce(np.abs(x[rows] - x[cols]), p, -1)


def _pdist_grad(ctx, g):
    x, = ctx.saved
    p, rows, cols = ctx.args
    ri, ci = _wrap(rows), _wrap(cols)
    diff = x.index_select(0, ri) - x.index_select(0, ci)
    contrib = _pair_grad(diff, ctx.output.unsqueeze(-1), g.unsqueeze(-1), p)
    return (x.new_zeros(x.shape).index_add(0, ri, contrib).index_add(0, ci, -contrib),)


_PDIST = Primitive("PdistBackward0", _pdist_fwd, _pdist_grad, save_inputs=True, save_output=True)


def pdist(input, p=2):
    """``torch.pdist``: distances between all row pairs i < j of a 2-D input, in row-major pair order."""
    if _amp.active:
        return _amp.run("pdist", pdist, input, p)
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    dt = input._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        raise RuntimeError("pdist only supports floating-point dtypes")
    p = float(p)
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    rows, cols = _xp(input._data).triu_indices(n, 1)
    return apply(_PDIST, (input.contiguous(),), (p, rows.astype(np.int64), cols.astype(np.int64)))


# ----------------------------------------------------------------------------------------------------
# composites

def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``torch.pairwise_distance``: ``norm(x1 - x2 + eps, p)`` over the last dim of the broadcast shape."""
    innermost = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, innermost, keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``torch.cosine_similarity``: each input divided by its norm clamped to ``eps`` (the clamp outside
    autograd, as ATen), then the product summed over ``dim``."""
    if _amp.active:
        return _amp.run("cosine_similarity", cosine_similarity, x1, x2, dim, eps)
    from .._dtype import result_type_of
    from ..autograd.grad_mode import no_grad
    from ..linalg import vector_norm
    common = result_type_of([t.dtype for t in (x1, x2) if t.dim()], [t.dtype for t in (x1, x2) if not t.dim()], ())
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_scalar_name(common)}")
    a = x1 if x1.is_floating_point() else x1.to(common)
    b = x2 if x2.is_floating_point() else x2.to(common)
    shape = tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
    a, b = a.expand(shape), b.expand(shape)
    na = vector_norm(a, 2, dim=dim, keepdim=True).clone()
    nb = vector_norm(b, 2, dim=dim, keepdim=True).clone()
    with no_grad():
        na.clamp_min_(eps)
        nb.clamp_min_(eps)
    return ((a / na) * (b / nb)).sum(dim)


def _scalar_name(dtype):
    from .._errors import scalar_type_name
    return scalar_type_name(dtype)


__all__ = []
