"""The negative log-likelihood kernel behind ``nll_loss`` and ``cross_entropy``.

One vectorised gather for the forward; the derivative scatters ``-weight[target] * grad`` into the
picked positions (``NllLossBackward0`` / ``NllLoss2DBackward0``), itself a linear map whose
derivative is the gather again.
"""
import numpy as np

from .._prim import Primitive, apply

_REDUCTIONS = ("none", "mean", "sum")


def _picked_weights(target, weight, ignore_index, dtype):
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    w = np.ones(target.shape, dtype) if weight is None else weight[safe].astype(dtype)
    return safe, np.where(valid, w, 0).astype(dtype)


def _gather(x, safe):
    return np.take_along_axis(x, np.expand_dims(safe, 1), axis=1).squeeze(1)


def _nll_fwd(x, weight, target, ignore_index, reduction):
    if x.ndim == 1:
        r = _nll_fwd(x[None], weight, target[None], ignore_index, reduction)
        return r[0] if reduction == "none" else r
    safe, w = _picked_weights(target, weight, ignore_index, x.dtype)
    losses = -_gather(x, safe) * w
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.asarray(losses.sum(), x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(losses.sum() / w.sum(), x.dtype)


def _nll_scatter(g, target, weight, ignore_index, reduction, shape):
    if len(shape) == 1:
        g1 = g[None] if reduction == "none" else g
        return _nll_scatter(g1, target[None], weight, ignore_index, reduction, (1,) + shape)[0]
    safe, w = _picked_weights(target, weight, ignore_index, g.dtype)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            coef = -w * (g / w.sum())
    else:
        coef = -w * g
    out = np.zeros(shape, g.dtype)
    np.put_along_axis(out, np.expand_dims(safe, 1), np.expand_dims(coef, 1), axis=1)
    return out


def _nll_grad(ctx, g):
    x, weight, target = ctx.saved
    ignore_index, reduction = ctx.args
    gx = apply(_NLL_SCATTER, (g,), (target._data, None if weight is None else weight._data, ignore_index,
                                    reduction, tuple(x.shape)))
    return gx, None, None


def _nll_scatter_grad(ctx, gg):
    target, weight, ignore_index, reduction, _ = ctx.args
    from .._tensor import _wrap
    w = None if weight is None else _wrap(weight)
    return (apply(_NLL_PRIMS[2], (gg, w, _wrap(target)), (ignore_index, reduction)),)


_NLL_PRIMS = {2: Primitive("NllLossBackward0", _nll_fwd, _nll_grad, save_inputs=True),
              4: Primitive("NllLoss2DBackward0", _nll_fwd, _nll_grad, save_inputs=True)}
_NLL_SCATTER = Primitive("NllLossBackwardBackward0", _nll_scatter, _nll_scatter_grad)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """``torch.nn.functional.nll_loss`` for (N, C), (C,) and (N, C, d1, ...) inputs."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if target._data.dtype.kind not in "iu":
        raise RuntimeError("expected scalar type Long but found " + _cap(target.dtype))
    dim = input.dim()
    if dim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {dim})")
    n = input.shape[0] if dim > 1 else 1
    if dim > 1 and target.shape[0] != n:
        raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({target.shape[0]}).")
    c = input.shape[1] if dim > 1 else input.shape[0]
    if dim > 2 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    t = target._data
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].ravel()[0])} is out of bounds.")
    out = apply(_NLL_PRIMS[4 if dim > 2 else 2], (input, weight, target), (ignore_index, reduction))
    if reduction == "none" and dim > 2 and dim != 4:
        out = out.view(out.shape)  # torch runs these through the 4-D kernel and views back
    return out


def _cap(dt):
    from .._errors import scalar_type_name
    return scalar_type_name(dt)


__all__ = []
