"""The losses of ``torch.nn.functional`` (and their ATen names at ``torch.*``), with torch's arguments,
reductions, weighting rules, dtypes and errors.

Losses ATen computes in a kernel of its own are ``Primitive``\\ s named like torch's backward nodes
(``NllLossBackward0``, ``MseLossBackward0``, ``CtcLossBackward0``, ...): the forward is vectorised
NumPy, the derivative is written in ember ops (so it is differentiable again, except where torch's is
not).  Losses ATen composes from other ops (kl_div, poisson_nll_loss, cosine_embedding_loss, the
label-smoothing and class-probability forms of cross_entropy, ...) compose the same ember ops in the
same order, so values, dtypes and ``grad_fn`` chains match.  Reduced-precision inputs are computed in
float32 and rounded once.
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap
from ..amp.autocast_mode import state as _amp
from ..autograd import grad_mode
from ._helpers import binary_cast
from .creation import full_like, ones_like, zeros_like
from .distance import pairwise_distance
from .elementwise import minimum, where
from .reduction import any as _any
from .._device import xp_of as _xp

__all__ = [
    "l1_loss", "mse_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "kl_div", "huber_loss", "smooth_l1_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multilabel_margin_loss", "multi_margin_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "margin_ranking_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss", "poisson_nll_loss",
    "gaussian_nll_loss", "ctc_loss",
]

_state = grad_mode.state
_REDUCED = (np.dtype(np.float16), D.bfloat16.np)
_ENUM_NAMES = ("none", "mean", "sum")
_EPSILON = float(np.float32(1e-12))    # ATen's `constexpr float EPSILON = 1e-12`


# ====================================================================================================
# reductions, legacy arguments, shared checks

def get_enum(reduction):
    """``torch.nn._reduction.get_enum``: 'none' 0, 'mean' 1, 'sum' 2 ('elementwise_mean' warns)."""
    if reduction == "none":
        return 0
    if reduction == "mean":
        return 1
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return 1
    if reduction == "sum":
        return 2
    raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_get_string(size_average, reduce, emit_warning=True):
    """``torch.nn._reduction.legacy_get_string``: the reduction the deprecated pair stands for."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction):
    """The validated reduction after torch's mapping of the deprecated ``size_average``/``reduce``."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean" or reduction == "none" or reduction == "sum":
        return reduction
    return _ENUM_NAMES[get_enum(reduction)]


def _enum_name(reduction):
    """The reduction string for an ATen-level ``reduction`` int."""
    if reduction not in (0, 1, 2):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _ENUM_NAMES[reduction]


def _no_grad_arg(t, arg, fn):
    """torch refuses (in grad mode) an input its derivative formula does not cover."""
    if t is not None and t._requires_grad and _state.enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This "
                           f"input cannot have requires_grad True.")


def _not_implemented(kernel, dtype):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_type_name(dtype)}\'')




def _is_float(npd):
    return npd.kind == "f" or npd == D.bfloat16.np


def _reduce(loss, reduction):
    """ATen's ``apply_loss_reduction`` over tensors."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _safe_div(a, total):
    """``a / total``; a zero total (every target ignored, or zero weights) gives NaN/inf silently."""
    if total:
        return a / total
    with np.errstate(invalid="ignore", divide="ignore"):
        return a / total


def _reduce_arr(a, reduction):
    if reduction == "none":
        return a
    s = a.sum()
    return s if reduction == "sum" else _safe_div(s, a.dtype.type(a.size))


def _opmath(fn):
    """Compute a forward over float16/bfloat16 arrays in float32 and round once."""
    def fwd(a, *args):
        if a.dtype in _REDUCED:
            args = tuple(x.astype(np.float32) if getattr(x, "dtype", None) == a.dtype else x for x in args)
            return fn(a.astype(np.float32), *args).astype(a.dtype)
        return fn(a, *args)
    return fwd


def _mean_scale(reduction, *shapes):
    """1/numel of the (broadcast) loss for 'mean', else 1."""
    if reduction != "mean":
        return 1.0
    n = math.prod(np.broadcast_shapes(*shapes))
    return 1.0 / n if n else math.inf


def _needs(ctx, i):
    return ctx.next_functions[i][0] is not None


def _size_warning(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      f"This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      f"same size.", stacklevel=3)


# ====================================================================================================
# nll_loss: one vectorised gather forward; the derivative scatters -weight[target] * grad into the
# picked positions (NllLossBackward0 / NllLoss2DBackward0), itself a linear map whose derivative is the
# gather again.

def _pick(target, weight, ignore_index, dtype):
    """(safe targets, per-position weights or None for all ones, validity mask or None when none is ignored)."""
    valid = target != ignore_index
    if valid.all():
        return target, (None if weight is None else weight[target].astype(dtype, copy=False)), None
    safe = np.where(valid, target, 0)
    w = valid.astype(dtype) if weight is None else np.where(valid, weight[safe], 0).astype(dtype)
    return safe, w, valid


def _nll_fwd(x, weight, target, ignore_index, reduction):
    if x.ndim == 1:
        r = _nll_fwd(x[None], weight, target.reshape(1), ignore_index, reduction)
        return r[0] if reduction == "none" else r
    safe, w, _ = _pick(target, weight, ignore_index, x.dtype)
    if x.ndim == 2:
        picked = x[_xp(x).arange(x.shape[0]), safe]
    else:
        picked = np.take_along_axis(x, safe[:, None], 1)[:, 0]
    losses = -picked if w is None else -picked * w
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return _safe_div(losses.sum(), x.dtype.type(safe.size) if w is None else w.sum())


def _nll_scatter(g, x, target, weight, ignore_index, reduction):
    if x.ndim == 1:
        g1 = g.reshape(1) if reduction == "none" else g
        return _nll_scatter(g1, x[None], target.reshape(1), weight, ignore_index, reduction)[0]
    safe, w, valid = _pick(target, weight, ignore_index, g.dtype)
    if reduction == "mean":
        coef = -_safe_div(g, g.dtype.type(safe.size) if w is None else w.sum())
    else:
        coef = -g
    if w is not None:
        coef = coef * w
    if valid is not None:
        coef = np.where(valid, coef, 0)     # ignored targets get 0 (not 0 * inf when the total weight is 0)
    out = np.zeros_like(x)
    if x.ndim == 2:
        out[_xp(x).arange(x.shape[0]), safe] = coef
    else:
        np.put_along_axis(out, safe[:, None], np.broadcast_to(coef, safe.shape)[:, None], 1)
    return out


def _nll_grad(ctx, g):
    x, weight, target = ctx.saved
    ignore_index, reduction = ctx.args
    gx = apply(_NLL_SCATTER, (g, x), (target._data, None if weight is None else weight._data, ignore_index,
                                      reduction))
    return gx, None, None


def _nll_scatter_grad(ctx, gg):
    """The scatter is linear in the incoming gradient (its derivative is the gather again) and constant in
    the input (a zero derivative, as torch's ``nll_loss_backward``)."""
    target, weight, ignore_index, reduction = ctx.args
    w = None if weight is None else _wrap(weight)
    gg_out = apply(_NLL_PRIMS[2], (gg, w, _wrap(target)), (ignore_index, reduction)) if _needs(ctx, 0) else None
    gx = gg.new_zeros(ctx._in_meta[1][0]) if _needs(ctx, 1) else None
    return gg_out, gx


_NLL_PRIMS = {2: Primitive("NllLossBackward0", _opmath(_nll_fwd), _nll_grad, save_inputs=True),
              4: Primitive("NllLoss2DBackward0", _opmath(_nll_fwd), _nll_grad, save_inputs=True)}
_NLL_SCATTER = Primitive("NllLossBackwardBackward0", _nll_scatter, _nll_scatter_grad)


def _nll_loss_nd(input, target, weight, reduction, ignore_index):
    """ATen's ``nll_loss_nd``: (C,), (N, C) and (N, C, d1, ...) inputs, with its checks and messages."""
    x, t = input._data, target._data
    dim = x.ndim
    if dim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {dim})")
    tshape = t.shape
    if dim != 1 and x.shape[0] != (tshape[0] if tshape else 0):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                         f"({tshape[0] if tshape else 0}).")
    tdt = t.dtype
    c = x.shape[0] if dim == 1 else x.shape[1]
    if dim <= 2:
        _no_grad_arg(weight, "weight", "nll_loss_forward")
        if t.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if tdt != np.int64 and tdt != np.uint8:
            raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_type_name(target.dtype)}")
        if dim == 1 and t.ndim == 1 and tshape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {tshape[0]}")
        if weight is not None and (weight.dim() != 1 or weight.numel() != c):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight.shape)}")
        kernel = "nll_loss_out_frame"
    else:
        if tshape[1:] != x.shape[2:]:
            if dim == 4:
                raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: {list(tshape)}")
            raise RuntimeError(f"Expected target size {[x.shape[0]] + list(x.shape[2:])}, got {list(tshape)}")
        _no_grad_arg(weight, "weight", "nll_loss2d_forward")
        if tdt != np.int64:
            if tdt == np.uint8:
                raise RuntimeError("expected scalar type Long but found Byte")
            raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_type_name(target.dtype)}")
        if weight is not None and weight.numel() != c:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        kernel = "nll_loss2d_forward_out_frame"
    xdt = x.dtype
    if xdt.kind != "f" and xdt != D.bfloat16.np:
        _not_implemented(kernel, input.dtype)
    if weight is not None and weight._data.dtype != xdt:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(weight.dtype)}")
    if t.size and (t.min() < 0 or t.max() >= c):
        bad = (t != ignore_index) & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {int(t[bad].ravel()[0])} is out of bounds.")
    out = apply(_NLL_PRIMS[2 if dim <= 2 else 4], (input, weight, target), (ignore_index, reduction))
    if reduction == "none" and dim > 2 and dim != 4:
        out = out.view(out.shape)  # torch runs these through the 4-D kernel and views back
    return out


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """``torch.nn.functional.nll_loss``: ``-weight[target] * input[target]`` over the class dimension,
    averaged over the total weight of the non-ignored targets for 'mean' (NaN when it is 0)."""
    if _amp.active:
        return _amp.run("nll_loss", nll_loss, input, target, weight, size_average, ignore_index, reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    return _nll_loss_nd(input, target, weight, reduction, ignore_index)


# ====================================================================================================
# cross_entropy: log_softmax then nll_loss; the class-probability and label-smoothing forms are ATen's
# compositions

_functional = []


def _F():
    """``ember.nn.functional`` (imported on first use: it imports this module)."""
    if not _functional:
        from ..nn import functional
        _functional.append(functional)
    return _functional[0]


def _log_softmax(input, dim):
    return _F().log_softmax(input, dim)


def _class_view(weight, ndim):
    """``weight`` viewed to broadcast along dimension 1 of an ``ndim``-D input (as ATen does)."""
    if ndim <= 1:
        return weight
    shape = [1] * ndim
    shape[1] = weight.shape[0]
    return weight.view(shape)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """``torch.nn.functional.cross_entropy``: class indices (log_softmax + nll_loss; with label smoothing
    ``(1 - s) * nll + s / C * smooth``, the smooth term weighted and normalised as nll_loss) or class
    probabilities (when target has input's shape)."""
    if _amp.active:
        return _amp.run("cross_entropy", cross_entropy, input, target, weight, size_average, ignore_index, reduce,
                        reduction, label_smoothing)
    reduction = _reduction(size_average, reduce, reduction)
    class_dim = 0 if input._data.ndim == 1 else 1
    if input._data.shape == target._data.shape:
        if not _is_float(target._data.dtype):
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{scalar_type_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _ce_prob_target(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        return _ce_label_smoothing(input, target, weight, reduction, ignore_index, label_smoothing, class_dim)
    return _nll_loss_nd(_log_softmax(input, class_dim), target, weight, reduction, ignore_index)


def _ce_prob_target(input, target, weight, reduction, label_smoothing, class_dim):
    n_classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    lsm = _log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = lsm * target
    if weight is not None:
        prod = prod * _class_view(weight, input.dim())
    if reduction == "mean":
        if input.numel() == 0:
            return -(prod.sum() * math.nan)
        return -prod.sum() / (input.numel() // n_classes)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(class_dim)


def _ce_label_smoothing(input, target, weight, reduction, ignore_index, label_smoothing, class_dim):
    lsm = _log_softmax(input, class_dim)
    nll = _nll_loss_nd(lsm, target, weight, reduction, ignore_index)
    n_classes = lsm.shape[class_dim]
    if weight is not None:
        smooth = -(lsm * _class_view(weight, lsm.dim())).sum(class_dim)
    else:
        smooth = -lsm.sum(class_dim)
    ignore_mask = target == ignore_index
    smooth = smooth.masked_fill(ignore_mask, 0.0)
    if reduction == "mean":
        if weight is not None:
            ret = smooth.sum() / weight[target.masked_select(~ignore_mask)].sum()
        else:
            ret = smooth.sum() / (~ignore_mask).sum()
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / n_classes)


# ====================================================================================================
# elementwise regression losses: mse (kernel), l1 (composition), smooth_l1 / huber (kernels)

def _mse_fwd(x, t, reduction):
    d = x - t
    return _reduce_arr(d * d, reduction)


def _mse_grad(ctx, g):
    x, t = ctx.saved
    reduction = ctx.args[0]
    gx = (x - t) * (2.0 * _mean_scale(reduction, x.shape, t.shape)) * g
    return (gx if _needs(ctx, 0) else None), (-gx if _needs(ctx, 1) else None)


def _smooth_l1_fwd(x, t, reduction, beta):
    z = np.abs(x - t)
    return _reduce_arr(np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def _smooth_l1_grad(ctx, g):
    x, t = ctx.saved
    reduction, beta = ctx.args
    gx = ((x - t) / beta).clamp(-1.0, 1.0) * _mean_scale(reduction, x.shape, t.shape) * g
    return (gx if _needs(ctx, 0) else None), (-gx if _needs(ctx, 1) else None)


def _huber_fwd(x, t, reduction, delta):
    z = np.abs(x - t)
    return _reduce_arr(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


def _huber_grad(ctx, g):
    x, t = ctx.saved
    reduction, delta = ctx.args
    gx = (x - t).clamp(-delta, delta) * _mean_scale(reduction, x.shape, t.shape) * g
    return (gx if _needs(ctx, 0) else None), (-gx if _needs(ctx, 1) else None)


_MSE = Primitive("MseLossBackward0", _opmath(_mse_fwd), _mse_grad, save_inputs=True)
_SMOOTH_L1 = Primitive("SmoothL1LossBackward0", _opmath(_smooth_l1_fwd), _smooth_l1_grad, save_inputs=True)
_HUBER = Primitive("HuberLossBackward0", _opmath(_huber_fwd), _huber_grad, save_inputs=True)


def _regression(prim, input, target, reduction, kernel, args=(), out_dtype=None):
    """Promote input and target (torch's binary-op rule) and run an elementwise loss kernel."""
    cast = binary_cast(input, target)
    if not _is_float(cast):
        _not_implemented(kernel, D._FROM_NP[cast])
    r = apply(prim, (input, target), (reduction,) + args, cast)
    return r if out_dtype is None or r._data.dtype == out_dtype else r.to(D._FROM_NP[out_dtype])


def _weighted(loss, weight, input, reduction, mean_by_weight):
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``torch.nn.functional.l1_loss``: ``|input - target|`` (broadcast, with a warning on differing
    sizes); with ``weight`` (input's size), 'mean' divides by ``weight.sum()``."""
    if _amp.active:
        return _amp.run("l1_loss", l1_loss, input, target, size_average, reduce, reduction, weight)
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction, True)
    return _reduce((input - target).abs(), _ENUM_NAMES[get_enum(reduction)])


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``torch.nn.functional.mse_loss``: ``(input - target)**2`` (``MseLossBackward0``); with ``weight``,
    'mean' divides by ``weight.sum()``."""
    if _amp.active:
        return _amp.run("mse_loss", mse_loss, input, target, size_average, reduce, reduction, weight)
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if weight is not None:
        return _weighted((input - target).pow(2), weight, input, reduction, True)
    return _regression(_MSE, input, target, _ENUM_NAMES[get_enum(reduction)], "mse_cpu")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``torch.nn.functional.smooth_l1_loss``: ``0.5 z**2 / beta`` for ``|z| < beta``, else
    ``|z| - 0.5 beta``; ``beta == 0`` is l1_loss."""
    if _amp.active:
        return _amp.run("smooth_l1_loss", smooth_l1_loss, input, target, size_average, reduce, reduction, beta)
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    reduction = _ENUM_NAMES[get_enum(reduction)]
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _regression(_SMOOTH_L1, input, target, reduction, "smooth_l1_cpu", (float(beta),))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``torch.nn.functional.huber_loss``: ``0.5 z**2`` for ``|z| < delta``, else ``delta (|z| - 0.5 delta)``;
    the result has input's dtype; ``weight`` multiplies the unreduced loss ('mean' is its mean)."""
    if _amp.active:
        return _amp.run("huber_loss", huber_loss, input, target, reduction, delta, weight)
    _size_warning(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        loss = _regression(_HUBER, input, target, "none", "huber_cpu", (float(delta),), input._data.dtype)
        return _weighted(loss, weight, input, reduction, False)
    return _regression(_HUBER, input, target, _ENUM_NAMES[get_enum(reduction)], "huber_cpu", (float(delta),),
                       input._data.dtype)


# ====================================================================================================
# binary cross entropy

def _bce_fwd(x, t, w, reduction):
    if not ((x >= 0) & (x <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    with np.errstate(divide="ignore"):
        loss = (t - 1) * np.maximum(np.log(1 - x), -100) - t * np.maximum(np.log(x), -100)
    if w is not None:
        loss = loss * w
    return _reduce_arr(loss, reduction)


def _bce_grad(ctx, g):
    x, t, w = ctx.saved
    reduction = ctx.args[0]
    scale = _mean_scale(reduction, x.shape)
    gx = gt = None
    if _needs(ctx, 0):
        gx = g * (x - t) / ((1 - x) * x).clamp_min(_EPSILON)
        if w is not None:
            gx = gx * w
        if scale != 1.0:
            gx = gx * scale
    if _needs(ctx, 1):
        gt = -(x / (1 - x)).log() * g
        if w is not None:
            gt = gt * w
        if scale != 1.0:
            gt = gt * scale
    return gx, gt, None


_BCE = Primitive("BinaryCrossEntropyBackward0", _opmath(_bce_fwd), _bce_grad, save_inputs=True)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.binary_cross_entropy``: ``-w (t log x + (1 - t) log(1 - x))`` with each log
    clamped at -100; ``weight`` broadcasts to the target's shape; input and target must match in size."""
    if _amp.active:
        return _amp.run("binary_cross_entropy", binary_cross_entropy, input, target, weight, size_average, reduce,
                        reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) "
                         f"is deprecated. Please ensure they have the same size.")
    if weight is not None:
        shape = np.broadcast_shapes(tuple(target.shape), tuple(weight.shape))
        if shape != tuple(input.shape):
            raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
        weight = weight.expand(shape)
    _no_grad_arg(weight, "weight", "binary_cross_entropy")
    xdt = input._data.dtype
    if not _is_float(xdt):
        _not_implemented("binary_cross_entropy", input.dtype)
    if target._data.dtype != xdt:
        raise RuntimeError(f"Found dtype {scalar_type_name(target.dtype)} but expected {scalar_type_name(input.dtype)}")
    if weight is not None and weight._data.dtype != xdt:
        weight = weight.to(input.dtype)
    return apply(_BCE, (input, target, weight), (reduction,))


def _bce_logits_fwd(x, t, w, pw, reduction, dtype, out_dtype):
    if dtype in _REDUCED:
        dtype = np.dtype(np.float32)
    x, t = x.astype(dtype, copy=False), t.astype(dtype, copy=False)
    w = None if w is None else w.astype(dtype, copy=False)
    pw = None if pw is None else pw.astype(dtype, copy=False)
    logsig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    if pw is not None:
        logsig = logsig * ((pw - 1) * t + 1)
    loss = (1 - t) * x - logsig
    if w is not None:
        loss = loss * w
    return _reduce_arr(loss, reduction).astype(out_dtype)


def _bce_logits_grad(ctx, g):
    x, t, w, pw = ctx.saved
    reduction = ctx.args[0]
    scale = _mean_scale(reduction, x.shape)
    gx = gt = None
    if _needs(ctx, 0):
        sig = x.sigmoid()
        if pw is not None:
            pt = pw * t
            gx = ((pt + 1 - t) * sig - pt) * g
        else:
            gx = (sig - t) * g
        if w is not None:
            gx = gx * w
        if scale != 1.0:
            gx = gx * scale
    if _needs(ctx, 1):
        if pw is not None:
            gt = ((1 - pw) * _F().logsigmoid(x) - x) * g
        else:
            gt = -x * g
        if w is not None:
            gt = gt * w
        if scale != 1.0:
            gt = gt * scale
    return gx, gt, None, None


_BCE_LOGITS = Primitive("BinaryCrossEntropyWithLogitsBackward0", _bce_logits_fwd, _bce_logits_grad,
                        save_inputs=True)


def _bce_with_logits(input, target, weight, pos_weight, reduction):
    """ATen's ``binary_cross_entropy_with_logits``: ``(1 - t) x - (1 + (pw - 1) t) logsigmoid(x)``, times
    weight; the loss has input's shape (weight and pos_weight broadcast into it) and target's dtype."""
    _no_grad_arg(weight, "weight", "binary_cross_entropy_with_logits")
    _no_grad_arg(pos_weight, "pos_weight", "binary_cross_entropy_with_logits")
    xdt, tdt = input._data.dtype, target._data.dtype
    if not _is_float(xdt):
        _not_implemented("log_sigmoid_cpu", input.dtype)
    if tdt == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    cast = binary_cast(input, target)
    if not _is_float(tdt):
        raise RuntimeError(f"result type {scalar_type_name(D._FROM_NP[cast])} can't be cast to the desired output "
                           f"type {scalar_type_name(target.dtype)}")
    shape = tuple(input.shape)
    for extra in (pos_weight, weight):
        if extra is not None:
            full = np.broadcast_shapes(shape, tuple(extra.shape))
            if full != shape:
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}")
    return apply(_BCE_LOGITS, (input, target, weight, pos_weight), (reduction, cast, tdt))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """``torch.nn.functional.binary_cross_entropy_with_logits``: sigmoid + BCE computed stably;
    ``pos_weight`` weighs the positive term and broadcasts against the target."""
    if _amp.active:
        return _amp.run("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits, input, target, weight,
                        size_average, reduce, reduction, pos_weight)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    reduction = _ENUM_NAMES[get_enum(reduction)]
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return _bce_with_logits(input, target, weight, pos_weight, reduction)


# ====================================================================================================
# kl_div, poisson / gaussian NLL (ATen / torch.nn.functional compositions)

def _kl_div(input, target, reduction, log_target):
    if input.is_complex() or target.is_complex():
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if not (_is_float(input._data.dtype) and _is_float(target._data.dtype)):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = target.xlogy(target) - target * input
    return _reduce(out, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """``torch.nn.functional.kl_div``: ``target * (log target - input)`` (``exp(target) * (target - input)``
    with ``log_target``); 'batchmean' divides the sum by the batch size, 'mean' warns as torch does."""
    if _amp.active:
        return _amp.run("kl_div", kl_div, input, target, size_average, reduce, reduction, log_target)
    if size_average is not None or reduce is not None:
        red = _ENUM_NAMES[get_enum(legacy_get_string(size_average, reduce))]
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        red = "sum" if reduction == "batchmean" else _ENUM_NAMES[get_enum(reduction)]
    reduced = _kl_div(input, target, red, log_target)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


def _poisson_nll(input, target, log_input, full, eps, reduction):
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """``torch.nn.functional.poisson_nll_loss``: ``exp(input) - target * input`` (``input - target *
    log(input + eps)`` without ``log_input``), plus the Stirling term for targets > 1 with ``full``."""
    if _amp.active:
        return _amp.run("poisson_nll_loss", poisson_nll_loss, input, target, log_input, full, size_average, eps,
                        reduce, reduction)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not a valid value for reduction")
    return _poisson_nll(input, target, log_input, full, eps, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``torch.nn.functional.gaussian_nll_loss``: ``0.5 (log var + (input - target)**2 / var)`` (+ ``0.5
    log 2 pi`` with ``full``); ``var`` is a float, input's size, or one dimension short / one dimension of
    size 1 (homoscedastic); it is clamped at ``eps`` outside autograd."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif not isinstance(var, Tensor):
        raise TypeError(f"any() received an invalid combination of arguments - got ({type(var < 0).__name__}), but "
                        f"expected one of: (Tensor input, *, Tensor out = None)")
    elif _any(var < 0):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim
                  and sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ====================================================================================================
# margin losses

def _soft_margin_fwd(x, t, reduction):
    with np.errstate(over="ignore"):
        return _reduce_arr(np.log(np.exp(-x * t) + 1.0), reduction)


def _soft_margin_grad(ctx, g):
    x, t = ctx.saved
    reduction = ctx.args[0]
    z = (-t * x).exp()
    return (-t * z / (z + 1.0)) * _mean_scale(reduction, x.shape, t.shape) * g, None


_SOFT_MARGIN = Primitive("SoftMarginLossBackward0", _opmath(_soft_margin_fwd), _soft_margin_grad, save_inputs=True)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.soft_margin_loss``: ``log(1 + exp(-target * input))``, in input's dtype."""
    if _amp.active:
        return _amp.run("soft_margin_loss", soft_margin_loss, input, target, size_average, reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    _no_grad_arg(target, "target", "soft_margin_loss")
    xdt = input._data.dtype
    cast = binary_cast(input, target)
    if not _is_float(xdt):
        res = cast if _is_float(cast) else D.get_default_dtype().np
        raise RuntimeError(f"result type {scalar_type_name(D._FROM_NP[res])} can't be cast to the desired output "
                           f"type {scalar_type_name(input.dtype)}")
    r = apply(_SOFT_MARGIN, (input, target), (reduction,), cast)
    return r if r._data.dtype == xdt else r.to(input.dtype)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.multilabel_soft_margin_loss``: the mean over classes of
    ``-(t logsigmoid(x) + (1 - t) logsigmoid(-x))`` (times weight), then the reduction."""
    logsigmoid = _F().logsigmoid
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


def _margin_input_check(input):
    nd = input.dim()
    if not ((nd == 2 and input.shape[1] != 0) or (nd == 1 and input.shape[0] != 0) or nd == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    return (1, 1 if nd == 0 else input.shape[0]) if nd <= 1 else tuple(input.shape)


def _multi_margin_fwd(x, target, weight, p, margin, reduction, shape):
    x2 = x.reshape(shape)
    t = target.reshape(-1)
    z = margin - np.take_along_axis(x2, t[:, None], 1) + x2
    on = z > 0
    on[_xp(x).arange(shape[0]), t] = False
    h = np.where(on, z if p == 1 else z * z, 0)
    if weight is not None:
        h = h * weight[t][:, None]
    per = h.sum(1) / x.dtype.type(shape[1])
    if reduction == "none":
        return per.reshape(target.shape)
    return _reduce_arr(per, reduction)


def _multi_margin_backward(g, x, target, weight, p, margin, reduction, shape):
    """torch's kernel: each active hinge i != y gets ``scale * (1 or 2 z) * weight[y]`` and y minus their sum,
    with scale ``1 / C`` (``1 / (N C)`` for 'mean'), times the incoming gradient."""
    n, dim = shape
    x2 = x.reshape(shape)
    t = target.reshape(-1)
    rows = _xp(x).arange(n)
    z = margin - x2[rows, t][:, None] + x2
    on = z > 0
    on[rows, t] = False
    scale = 1.0 / (n * dim) if reduction == "mean" else 1.0 / dim
    h = np.where(on, scale if p == 1 else 2 * scale * z, 0).astype(x.dtype)
    if weight is not None:
        h = h * weight[t][:, None]
    h[rows, t] = -h.sum(1)
    return (h * (g.reshape(-1, 1) if reduction == "none" else g)).reshape(x.shape)


def _multi_margin_grad(ctx, g):
    x, target, weight = ctx.saved
    return apply(_MULTI_MARGIN_BACKWARD, (g, x), (target._data, None if weight is None else weight._data)
                 + ctx.args), None, None


def _not_twice(name):
    def bwd(ctx, *grads):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return bwd


_MULTI_MARGIN = Primitive("MultiMarginLossBackward0", _multi_margin_fwd, _multi_margin_grad, save_inputs=True)
_MULTI_MARGIN_BACKWARD = Primitive("MultiMarginLossBackwardBackward0", _multi_margin_backward,
                                   _not_twice("multi_margin_loss_backward"))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """``torch.nn.functional.multi_margin_loss``: ``sum_{i != y} max(0, margin - x[y] + x[i])**p / C``
    per sample (times ``weight[y]``); p is 1 or 2."""
    if _amp.active:
        return _amp.run("multi_margin_loss", multi_margin_loss, input, target, p, margin, weight, size_average,
                        reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _no_grad_arg(weight, "weight", "multi_margin_loss")
    shape = _margin_input_check(input)
    nframe, dim = shape
    if target.dim() > 1 or target.numel() != nframe:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{nframe}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != dim:
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    if not _is_float(input._data.dtype) or input._data.dtype in _REDUCED:
        _not_implemented("multi_margin_loss_cpu_kernel", input.dtype)
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(target.dtype)}")
    if weight is not None and weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(weight.dtype)}")
    t = target._data
    if input.numel() and ((t < 0) | (t >= dim)).any():
        raise RuntimeError("target out of range")
    return apply(_MULTI_MARGIN, (input, target, weight), (p, float(margin), reduction, shape))


def _multilabel_parts(x2, t2):
    """(active, valid, safe): hinge terms ``1 - x[t_j] + x[d] > 0`` for target slots j before the first -1
    and non-target classes d, as ATen's kernel visits them (a repeated target counts again)."""
    valid = np.cumprod(t2 >= 0, axis=1).astype(bool)
    safe = np.where(valid, t2, 0)
    rows = np.nonzero(valid)[0]
    is_target = np.zeros_like(x2, dtype=bool)
    is_target[rows, safe[valid]] = True
    xt = np.take_along_axis(x2, safe, 1)
    z = 1 - xt[:, :, None] + x2[:, None, :]
    active = valid[:, :, None] & ~is_target[:, None, :] & (z > 0)
    return active, z, valid, safe


def _multilabel_fwd(x, target, reduction, shape):
    x2 = x.reshape(shape)
    active, z, _, _ = _multilabel_parts(x2, target.reshape(shape))
    total = np.where(active, z, 0).sum((1, 2))
    per = total / x.dtype.type(shape[1])
    if reduction == "none":
        return per if target.ndim > 1 else per[0]
    return _reduce_arr(per, reduction)


def _multilabel_backward(g, x, target, reduction, shape):
    """Each active term adds ``scale`` at d and takes it from t_j, times the incoming gradient."""
    n, dim = shape
    active, _, valid, safe = _multilabel_parts(x.reshape(shape), target.reshape(shape))
    onehot = (safe[:, :, None] == _xp(x).arange(dim)) & valid[:, :, None]
    coef = active.sum(1) - (active.sum(2)[:, :, None] * onehot).sum(1)
    scale = 1.0 / (n * dim) if reduction == "mean" else 1.0 / dim
    h = (coef * scale).astype(x.dtype)
    return (h * (g.reshape(-1, 1) if reduction == "none" else g)).reshape(x.shape)


def _multilabel_grad(ctx, g):
    x, target = ctx.saved
    return apply(_MULTILABEL_MARGIN_BACKWARD, (g, x), (target._data,) + ctx.args), None


_MULTILABEL_MARGIN = Primitive("MultilabelMarginLossBackward0", _multilabel_fwd, _multilabel_grad, save_inputs=True)
_MULTILABEL_MARGIN_BACKWARD = Primitive("MultilabelMarginLossBackwardBackward0", _multilabel_backward,
                                        _not_twice("multilabel_margin_loss_backward"))


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.multilabel_margin_loss``: per sample ``sum_{j, d} max(0, 1 - x[y_j] + x[d]) / C``
    over the targets y_j before the first -1 and the classes d that are not targets."""
    if _amp.active:
        return _amp.run("multilabel_margin_loss", multilabel_margin_loss, input, target, size_average, reduce,
                        reduction)
    reduction = _reduction(size_average, reduce, reduction)
    shape = _margin_input_check(input)
    nd = input.dim()
    ok = (target.dim() <= 1 and target.numel() == shape[1]) if nd <= 1 else tuple(target.shape) == shape
    if not ok:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    if not _is_float(input._data.dtype) or input._data.dtype in _REDUCED:
        _not_implemented("multilabel_margin_loss_forward_out_frame", input.dtype)
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(target.dtype)}")
    t = target._data
    if input.numel() and (t.min() < -1 or t.max() >= shape[1]):
        raise RuntimeError("argument #2 'target' is out of range")
    return apply(_MULTILABEL_MARGIN, (input, target), (reduction, shape))


def _scalar_minus(value, t):
    """ATen's ``Scalar - Tensor`` (``empty_like(t).fill_(value).sub_(t)``): the result keeps t's dtype."""
    return full_like(t, value) - t


def _hinge_embedding(input, target, margin, reduction):
    zeros = zeros_like(input)
    margin_clamp = _scalar_minus(margin, input).clamp_min(0)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return _reduce(output_margin + output_self, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.hinge_embedding_loss``: ``x`` where target is 1, ``max(0, margin - x)`` where
    it is -1."""
    if _amp.active:
        return _amp.run("hinge_embedding_loss", hinge_embedding_loss, input, target, margin, size_average, reduce,
                        reduction)
    return _hinge_embedding(input, target, margin, _reduction(size_average, reduce, reduction))


def _cosine_embedding(input1, input2, target, margin, reduction):
    targ_dim = target.dim()
    if targ_dim != 1 and targ_dim != 0:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if targ_dim == 1:
        if input1.dim() != 2 or input2.dim() != 2:
            raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                               f"{list(input1.shape)} and {list(input2.shape)}.")
    elif input1.dim() != 1 or input2.dim() != 1:
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    prod_sum = (input1 * input2).sum(targ_dim)
    mag_square1 = (input1 * input1).sum(targ_dim) + _EPSILON
    mag_square2 = (input2 * input2).sum(targ_dim) + _EPSILON
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    zeros = zeros_like(cos)
    pos = _scalar_minus(1, cos)
    neg = (cos - margin).clamp_min(0)
    output = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(output, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.cosine_embedding_loss``: ``1 - cos(x1, x2)`` for target 1,
    ``max(0, cos - margin)`` for -1 (cos with 1e-12 added to each squared norm)."""
    if _amp.active:
        return _amp.run("cosine_embedding_loss", cosine_embedding_loss, input1, input2, target, margin, size_average,
                        reduce, reduction)
    return _cosine_embedding(input1, input2, target, float(margin), _reduction(size_average, reduce, reduction))


def _margin_ranking(input1, input2, target, margin, reduction):
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.margin_ranking_loss``: ``max(0, -target * (x1 - x2) + margin)``."""
    if _amp.active:
        return _amp.run("margin_ranking_loss", margin_ranking_loss, input1, input2, target, margin, size_average,
                        reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _margin_ranking(input1, input2, target, float(margin), reduction)


# ====================================================================================================
# triplet losses (over ember/_ops/distance.py's pairwise_distance)

def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == p and p == n):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def _triplet(anchor, positive, negative, margin, p, eps, swap, reduction):
    _check_triplet_dims(anchor, positive, negative)
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """``torch.nn.functional.triplet_margin_loss``: ``max(0, margin + d(a, p) - d(a, n))`` with the
    pairwise p-distance; ``swap`` uses ``min(d(a, n), d(p, n))``."""
    if _amp.active:
        return _amp.run("triplet_margin_loss", triplet_margin_loss, anchor, positive, negative, margin, p, eps, swap,
                        size_average, reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, float(margin), float(p), float(eps), swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """``torch.nn.functional.triplet_margin_with_distance_loss``: the triplet loss with any distance
    (default ``torch.pairwise_distance``)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    if distance_function is None:
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance_function(positive, negative))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


# ====================================================================================================
# CTC: the alpha recursion of Graves et al. in log space, vectorised over the batch and the extended
# label positions (a loop over time only); the gradient is ATen's beta recursion

def _lse3(a, b, c):
    """``log(exp a + exp b + exp c)`` with ATen's max shift (a max of -inf is replaced by 0)."""
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(m == -np.inf, 0, m)
    return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


def _ctc_setup(lp, targets, tl, blank):
    """Extended labels (blank, l1, blank, l2, ..., blank), their emissions (T, B, L), the positions inside
    each target and where the skip transition s-2 -> s is allowed."""
    xp = _xp(lp)
    T, B, C = lp.shape
    L = 2 * targets.shape[1] + 1
    ext = xp.full((B, L), blank, targets.dtype)
    ext[:, 1::2] = targets
    em = lp[:, xp.arange(B)[:, None], ext]
    valid = xp.arange(L)[None] < (2 * tl + 1)[:, None]
    skip = xp.zeros((B, L), bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    return ext, em, valid, skip


def _ctc_fwd(lp, targets, il, tl, blank, zero_infinity, saved):
    xp = _xp(lp)
    targets, il, tl = xp.asarray(targets), xp.asarray(il), xp.asarray(tl)
    T, B, _ = lp.shape
    ext, em, valid, skip = _ctc_setup(lp, targets, tl, blank)
    L = ext.shape[1]
    ninf = lp.dtype.type(-np.inf)
    alpha = xp.full((T, B, L), ninf, lp.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if T:
            a0 = xp.full((B, L), ninf, lp.dtype)
            a0[:, 0] = em[0, :, 0]
            if L > 1:
                a0[:, 1] = np.where(tl > 0, em[0, :, 1], ninf)
            alpha[0] = a0
        pad = xp.full((B, 2), ninf, lp.dtype)
        for t in range(1, T):
            prev = alpha[t - 1]
            shifted = np.concatenate([pad, prev], 1)
            la3 = np.where(skip, shifted[:, :-2], ninf)
            new = _lse3(prev, shifted[:, 1:-1], la3) + em[t]
            alpha[t] = np.where(((t < il)[:, None]) & valid, new, ninf)
        bidx = xp.arange(B)
        last = alpha[np.maximum(il - 1, 0), bidx]
        l1 = last[bidx, 2 * tl]
        l2 = np.where(tl > 0, last[bidx, np.maximum(2 * tl - 1, 0)], ninf)
        m = np.maximum(l1, l2)
        m = np.where(m == -np.inf, 0, m)
        ll = np.where(tl > 0, np.log(np.exp(l1 - m) + np.exp(l2 - m)) + m, l1)
        ll = np.where(il > 0, ll, np.where(tl == 0, 0, ninf)).astype(lp.dtype)
    nll = -ll
    saved.extend((alpha, nll))
    return nll


def _ctc_backward(g, lp, alpha, nll, targets, il, tl, blank, zero_infinity):
    """ATen's ``_ctc_loss_backward``: ``(exp(lp) - exp(lse_{s: l'_s = c}(alpha + beta) + nll - lp)) * grad``
    for t < input length, 0 after it (and for zeroed infinite losses)."""
    xp = _xp(lp)
    targets, il, tl = xp.asarray(targets), xp.asarray(il), xp.asarray(tl)
    T, B, C = lp.shape
    ext, em, valid, skip = _ctc_setup(lp, targets, tl, blank)
    L = ext.shape[1]
    ninf = lp.dtype.type(-np.inf)
    bidx = xp.arange(B)
    beta = xp.full((T, B, L), ninf, lp.dtype)
    skip_next = xp.zeros((B, L), bool)
    skip_next[:, :-2] = skip[:, 2:]
    init = xp.full((B, L), ninf, lp.dtype)
    pad = xp.full((B, 2), ninf, lp.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for t in range(T - 1, -1, -1):
            start = t == il - 1
            if start.any():
                init.fill(ninf)
                init[bidx, 2 * tl] = em[t, bidx, 2 * tl]
                has = tl > 0
                init[bidx[has], 2 * tl[has] - 1] = em[t, bidx[has], 2 * tl[has] - 1]
            cur = init
            if t + 1 < T:
                nxt = np.concatenate([beta[t + 1], pad], 1)
                lb3 = np.where(skip_next, nxt[:, 2:], ninf)
                rec = _lse3(nxt[:, :-2], nxt[:, 1:-1], lb3) + em[t]
                cur = np.where(start[:, None], init, np.where(((t < il - 1)[:, None]) & valid, rec, ninf))
            else:
                cur = np.where(start[:, None], init, ninf)
            beta[t] = cur
        logpost = alpha + beta - em + nll[None, :, None]
        idx = (xp.arange(T)[:, None, None] * B + bidx[None, :, None]) * C + ext[None]
        post = xp.bincount(idx.ravel(), weights=np.exp(logpost).ravel(), minlength=T * B * C)
        post = post.reshape(T, B, C).astype(lp.dtype)
        post = np.where((nll == np.inf)[None, :, None], np.nan, post)
        grad = (np.exp(lp) - post) * g[None, :, None]
    live = xp.arange(T)[:, None] < il[None, :]
    if zero_infinity:
        live = live & ~(nll == np.inf)[None, :]
    return np.where(live[:, :, None], grad, 0).astype(lp.dtype)


def _ctc_grad(ctx, g):
    lp, = ctx.saved
    targets, il, tl, blank, zero_infinity, saved = ctx.args
    return (apply(_CTC_BACKWARD, (g, lp), (saved[0], saved[1], targets, il, tl, blank, zero_infinity)),)


# the forward leaves (log_alpha, nll) in its last argument for the derivative (torch's saved result0/result1)
_CTC = Primitive("CtcLossBackward0", _ctc_fwd, _ctc_grad, save_inputs=True)
_CTC_BACKWARD = Primitive("CtcLossBackwardBackward0", _ctc_backward, _not_twice("_ctc_loss_backward"))


def _lengths(v, name):
    if isinstance(v, Tensor):
        if v._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return v._data.reshape(-1).astype(np.int64)
    return np.asarray([int(i) for i in v], np.int64)


def _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity):
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor) or not all(
            isinstance(v, (Tensor, tuple, list)) for v in (input_lengths, target_lengths)):
        raise TypeError(f"ctc_loss() received an invalid combination of arguments - got (Tensor, Tensor, "
                        f"{type(input_lengths).__name__}, {type(target_lengths).__name__}, int, int, bool), but "
                        f"expected one of: (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of "
                        f"ints target_lengths, ...) or (Tensor log_probs, Tensor targets, Tensor input_lengths, "
                        f"Tensor target_lengths, ...)")
    xp = _xp(log_probs._data)
    il = xp.asarray(_lengths(input_lengths, "input_lengths"))
    tl = xp.asarray(_lengths(target_lengths, "target_lengths"))
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    dt = lp._data.dtype
    if dt.kind != "f" or dt == np.float16:
        _not_implemented("ctc_loss_cpu", lp.dtype)
    if lp.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    at = " (while checking arguments for ctc_loss_allocate_outputs)"
    if lp.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp.dim()}-dimensional tensor for argument #1 "
                           f"'log_probs'{at}")
    if not 1 <= targets.dim() <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 "
                           f"'targets'{at}")
    T, B, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if il.size != B:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != B:
        raise RuntimeError("target_lengths must be of size batch_size")
    neg = tl < 0
    if neg.any():
        raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {tl[neg][0]}{at}")
    tg = targets._data.astype(np.int64)
    smax = int(tl.max()) if B else 0
    if tg.ndim == 1:
        total = int(tl.sum())
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'{at}")
        offsets = (np.cumsum(tl) - tl).astype(np.int64)
        pos = offsets[:, None] + xp.arange(smax)
        inside = xp.arange(smax)[None] < tl[:, None]
        padded = np.where(inside, tg[np.where(inside, pos, 0)] if total else 0, blank)
    else:
        if tg.shape[0] != B:
            raise RuntimeError(f"Expected tensor to have size {B} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'{at}")
        if tg.shape[1] < smax:
            raise RuntimeError(f"Expected tensor to have size at least {smax} at dimension 1, but got size "
                               f"{tg.shape[1]} for argument #2 'targets'{at}")
        padded = np.where(xp.arange(smax)[None] < tl[:, None], tg[:, :smax], blank)
    for name, v in (("input_lengths", il),):
        if (v < 0).any():
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {v[v < 0][0]}{at}")
        if (v > T).any():
            raise RuntimeError(f"Expected {name} to have value at most {T}, but got value {v[v > T][0]}{at}")
    if ((padded < 0) | (padded >= C)).any():
        raise IndexError(f"ctc_loss: target labels must lie in [0, {C})")
    res = apply(_CTC, (lp,), (padded.astype(np.int64), il, tl, int(blank), bool(zero_infinity), []))
    if zero_infinity:
        res = where(res == math.inf, res.new_zeros(()), res)
    if reduction == "mean":
        return (res / _wrap(np.maximum(tl, 1).astype(dt))).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """``torch.nn.functional.ctc_loss`` (CPU semantics): log_probs (T, N, C) or (T, C); targets padded
    (N, S) or concatenated (sum(target_lengths),); lengths as tensors or tuples; 'mean' divides each loss by
    its target length (at least 1) before averaging; ``zero_infinity`` zeroes infinite losses and their
    gradients."""
    if _amp.active:
        return _amp.run("ctc_loss", ctc_loss, log_probs, targets, input_lengths, target_lengths, blank, reduction,
                        zero_infinity)
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, _ENUM_NAMES[get_enum(reduction)],
                zero_infinity)


# ====================================================================================================
# the ATen-level names at ``torch.*`` (reduction as an int: 0 none, 1 mean, 2 sum)

def _torch_kl_div(input, target, reduction=1, *, log_target=False):
    return _kl_div(input, target, _enum_name(reduction), log_target)


def _torch_bce_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    return _bce_with_logits(input, target, weight, pos_weight, _enum_name(reduction))


def _torch_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return _cosine_embedding(input1, input2, target, float(margin), _enum_name(reduction))


def _torch_hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return _hinge_embedding(input, target, float(margin), _enum_name(reduction))


def _torch_margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return _margin_ranking(input1, input2, target, float(margin), _enum_name(reduction))


def _torch_poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _poisson_nll(input, target, log_input, full, eps, _enum_name(reduction))


def _torch_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=1):
    return _triplet(anchor, positive, negative, float(margin), float(p), float(eps), swap, _enum_name(reduction))


def _torch_ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, _enum_name(reduction), zero_infinity)


TORCH_FUNCTIONS = {
    "kl_div": _torch_kl_div, "binary_cross_entropy_with_logits": _torch_bce_with_logits,
    "cosine_embedding_loss": _torch_cosine_embedding_loss, "hinge_embedding_loss": _torch_hinge_embedding_loss,
    "margin_ranking_loss": _torch_margin_ranking_loss, "poisson_nll_loss": _torch_poisson_nll_loss,
    "triplet_margin_loss": _torch_triplet_margin_loss, "ctc_loss": _torch_ctc_loss,
}
for _name, _fn in TORCH_FUNCTIONS.items():
    if _fn.__name__.startswith("_"):
        _fn.__name__ = _fn.__qualname__ = _name
