"""Fused normalisation kernels: batch norm, layer norm, group norm.

Each forward is one vectorised NumPy pass that also returns the per-group mean and inverse standard
deviation; the derivative is the closed form (as torch's native_batch_norm_backward), written in ember
ops so it can be differentiated again.  Statistics are computed in float32 or better (float16 and
bfloat16 inputs accumulate in float32, as torch's CPU kernels do).
"""
import numpy as np

from .._device import xp_of
from .._prim import Primitive, apply
from .._tensor import _wrap
from ..amp.autocast_mode import state as _amp
from ..autograd.grad_mode import is_grad_enabled


def _acc_dtype(x):
    return np.float64 if x.dtype == np.float64 else np.float32


def _moments(x, axes, eps):
    xa = x.astype(_acc_dtype(x), copy=False)
    mean = xa.mean(axis=axes, keepdims=True)
    centered = xa - mean
    var = np.mean(centered * centered, axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    return centered, mean, var, rstd


def _stats(ctx, x, axes, eps, saved_shape):
    """mean and 1/std for a backward: the saved arrays, or — when the backward itself is being
    recorded (create_graph) — recomputed from ``x`` with ember ops so they carry gradients too."""
    if is_grad_enabled():
        mean = x.mean(axes, keepdim=True)
        rstd = ((x - mean).pow(2).mean(axes, keepdim=True) + eps).rsqrt()
        return mean, rstd
    return (_wrap(ctx._out[1]).to(x.dtype).reshape(saved_shape),
            _wrap(ctx._out[2]).to(x.dtype).reshape(saved_shape))


def _check_types(input, params, kernel):
    """torch's CPU dtype rules: a floating input; parameters of the input's dtype, or all float32 for a
    float16/bfloat16 input (``check_mixed_data_type``)."""
    from .._errors import scalar_type_name
    dt = input._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_type_name(input.dtype)}\'')
    params = [t for t in params if t is not None]
    if not params:
        return
    if params[0].dtype == input.dtype:
        for t in params[1:]:
            if t.dtype != input.dtype:
                raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                                   f"{scalar_type_name(t.dtype)}")
        return
    if any(t._data.dtype != np.float32 for t in params):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if str(dt) not in ("float16", "bfloat16"):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


# ----------------------------------------------------------------------------------------------------
# batch norm (training statistics); eval mode is a plain affine map built from ember ops

def _channel_dot(a, b):
    """Per-channel ``sum(a * b)`` over every dim but 1 of two same-shape arrays, without a product temporary."""
    shape = a.shape[:2] + (int(np.prod(a.shape[2:])),)
    return np.einsum("ncl,ncl->c", a.reshape(shape), b.reshape(shape))


def _bn_fwd(x, weight, bias, eps):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    xa = x.astype(_acc_dtype(x), copy=False)
    mean = xa.mean(axis=axes)
    y = np.subtract(xa, mean.reshape(shape))  # centred; becomes the output in place
    var = _channel_dot(y, y) / (x.size // x.shape[1])
    rstd = 1.0 / np.sqrt(var + eps)
    np.multiply(y, (rstd if weight is None else rstd * weight).reshape(shape), out=y)
    if bias is not None:
        np.add(y, bias.reshape(shape), out=y)
    return y.astype(x.dtype, copy=False), mean, rstd, var


def _bn_grad(ctx, g, *unused):
    if not is_grad_enabled():
        return _bn_grad_arrays(ctx, g)
    x, weight, bias = ctx.saved
    nd = x.dim()
    shape = (1, -1) + (1,) * (nd - 2)
    axes = (0,) + tuple(range(2, nd))
    n = x.numel() // x.shape[1]
    mean, rstd = _stats(ctx, x, axes, ctx.args[0], shape)
    xhat = (x - mean) * rstd
    gb = g.sum(axes) if ctx.next_functions[2][0] is not None else None
    gw = (g * xhat).sum(axes) if ctx.next_functions[1][0] is not None else None
    gx = None
    if ctx.next_functions[0][0] is not None:
        gs = g * weight.reshape(shape) if weight is not None else g
        mean_g = gs.sum(axes, keepdim=True) / n
        mean_gx = (gs * xhat).sum(axes, keepdim=True) / n
        gx = (gs - mean_g - xhat * mean_gx) * rstd
    return gx, gw, gb


def _bn_grad_arrays(ctx, g):
    """The same closed form over arrays in a few fused passes (a backward that is not itself recorded):
    ``gx = g * a + (x - mean) * b + c`` with per-channel ``a, b, c``."""
    x, weight, bias = ctx.saved
    want_x, want_w, want_b = (e[0] is not None for e in ctx.next_functions)
    xd = x._data
    acc = _acc_dtype(xd)
    shape = (1, -1) + (1,) * (xd.ndim - 2)
    n = xd.size // xd.shape[1]
    mean, rstd = ctx._out[1], ctx._out[2]
    gd = g._data.astype(acc, copy=False)
    sum_g = gd.sum(axis=(0,) + tuple(range(2, xd.ndim)))
    centered = np.subtract(xd.astype(acc, copy=False), mean.reshape(shape))
    dot = _channel_dot(gd, centered)  # sum of g * (x - mean)
    gx = gw = gb = None
    if want_x:
        w = rstd if weight is None else weight._data.astype(acc) * rstd
        np.multiply(centered, (-w * dot * rstd * rstd / n).reshape(shape), out=centered)
        np.add(centered, (-w * sum_g / n).reshape(shape), out=centered)
        centered += gd * w.reshape(shape)
        gx = _wrap(centered.astype(xd.dtype, copy=False))
    if want_w:
        gw = _wrap((dot * rstd).astype(weight._data.dtype, copy=False))
    if want_b:
        gb = _wrap(sum_g.astype(bias._data.dtype, copy=False))
    return gx, gw, gb


_BN = Primitive("NativeBatchNormBackward0", _bn_fwd, _bn_grad, save_inputs=True, save_output=True, nout=4,
                nondiff=(1, 2, 3))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """``torch.nn.functional.batch_norm``: batch statistics in training (updating the running buffers in
    place with the unbiased variance), running statistics in eval."""
    if input.dim() < 2:
        raise ValueError(f"Expected 2D or more input (got {input.dim()}D input)")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    _check_types(input, (weight, bias, running_mean, running_var), "batch_norm")
    if training:
        size = input.numel() // c
        if size == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{list(input.shape)}")
        y, mean, rstd, var = apply(_BN, (input, weight, bias), (eps,))
        if running_mean is not None:
            m = momentum
            rm, rv = running_mean._data, running_var._data
            unbiased = var._data * (size / (size - 1))
            rm *= 1 - m
            rm += m * mean._data.astype(rm.dtype)
            rv *= 1 - m
            rv += m * unbiased.astype(rv.dtype)
            running_mean._bump()
            running_var._bump()
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return apply(_BN_EVAL, (input, weight, bias), (running_mean._data, running_var._data, eps))


def _bn_eval_fwd(x, weight, bias, mean, var, eps):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    rstd = 1.0 / np.sqrt(var.astype(_acc_dtype(x)) + eps)
    scale = rstd if weight is None else rstd * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    return (x * scale.reshape(shape).astype(x.dtype) + shift.reshape(shape).astype(x.dtype)).astype(x.dtype)


def _bn_eval_grad(ctx, g):
    x, weight, bias = ctx.saved
    mean, var, eps = ctx.args
    nd = x.dim()
    shape = (1, -1) + (1,) * (nd - 2)
    axes = (0,) + tuple(range(2, nd))
    rstd = _wrap((1.0 / np.sqrt(var + eps)).astype(x._data.dtype))
    gx = g * (rstd * weight if weight is not None else rstd).reshape(shape)
    gw = (g * ((x - _wrap(mean.astype(x._data.dtype)).reshape(shape)) * rstd.reshape(shape))).sum(axes) \
        if weight is not None and ctx.next_functions[1][0] is not None else None
    gb = g.sum(axes) if bias is not None and ctx.next_functions[2][0] is not None else None
    return gx, gw, gb


_BN_EVAL = Primitive("NativeBatchNormBackward0", _bn_eval_fwd, _bn_eval_grad, save_inputs=True)


# ----------------------------------------------------------------------------------------------------
# layer norm

def _ln_fwd(x, weight, bias, nd, eps):
    """Over the (rows, inner) view: two-pass moments (row sums through einsum), then the affine map."""
    rows, n = _rows(x, nd), _inner(x, nd)
    stat_shape = x.shape[:x.ndim - nd] + (1,) * nd
    # a contiguous copy of a strided input (in its own array module), so the output is contiguous as torch's
    x2 = xp_of(x).ascontiguousarray(x.astype(_acc_dtype(x), copy=False)).reshape(rows, n)
    mean = _row_sum(x2) / n
    y = np.subtract(x2, mean[:, None])  # centred; becomes the output in place
    rstd = 1.0 / np.sqrt(np.einsum("rl,rl->r", y, y) / n + eps)
    np.multiply(y, rstd[:, None], out=y)
    if weight is not None:
        np.multiply(y, weight.reshape(n), out=y)
    if bias is not None:
        np.add(y, bias.reshape(n), out=y)
    return y.reshape(x.shape).astype(x.dtype, copy=False), mean.reshape(stat_shape), rstd.reshape(stat_shape)


_EINSUM_ROW = 1024   # rows up to this length are summed by einsum (longer ones pairwise, for accuracy)


def _row_sum(a2):
    """Sums of the rows of a 2-D array: einsum for short rows (NumPy's reduction goes row by row)."""
    if a2.shape[1] <= _EINSUM_ROW:
        return np.einsum("rl->r", a2)
    return a2.sum(axis=1)


def _rows(a, nd):
    """How many rows of the trailing ``nd`` dims ``a`` holds."""
    return int(np.prod(a.shape[:a.ndim - nd]))


def _inner(a, nd):
    """How many elements one row of the trailing ``nd`` dims holds."""
    return int(np.prod(a.shape[a.ndim - nd:]))


def _ln_grad(ctx, g, *unused):
    if not is_grad_enabled():
        return _ln_grad_arrays(ctx, g)
    x, weight, bias = ctx.saved
    nd, eps = ctx.args
    axes = tuple(range(x.dim() - nd, x.dim()))
    mean, rstd = _stats(ctx, x, axes, eps, ctx._out[1].shape)
    lead = tuple(range(x.dim() - nd))
    n = _inner(x, nd)
    xhat = (x - mean) * rstd
    gw = _sum_lead(g * xhat, lead) if weight is not None and ctx.next_functions[1][0] is not None else None
    gb = _sum_lead(g, lead) if bias is not None and ctx.next_functions[2][0] is not None else None
    gx = None
    if ctx.next_functions[0][0] is not None:
        gs = g * weight if weight is not None else g
        gx = (gs - gs.sum(axes, keepdim=True) / n - xhat * (gs * xhat).sum(axes, keepdim=True) / n) * rstd
    return gx, gw, gb


def _ln_grad_arrays(ctx, g):
    """``_ln_grad`` over the (rows, inner) arrays (a backward that is not recorded), in torch's kernel's form:
    with ``ds = sum(g w x)`` and ``db = sum(g w)`` per row, ``gx = g w rstd + c2 x + c3`` where
    ``c2 = (db mean - ds) rstd^3 / n`` and ``c3 = -c2 mean - db rstd / n``; the row and column sums are
    matrix-vector products."""
    x, weight, bias = ctx.saved
    nd = ctx.args[0]
    want_x, want_w, want_b = (e[0] is not None for e in ctx.next_functions)
    xd = x._data
    acc = _acc_dtype(xd)
    rows, n = _rows(xd, nd), _inner(xd, nd)
    mean, rstd = ctx._out[1].reshape(rows), ctx._out[2].reshape(rows)
    g2 = g._data.astype(acc, copy=False).reshape(rows, n)
    x2 = xd.astype(acc, copy=False).reshape(rows, n)
    w = None if weight is None else weight._data.astype(acc, copy=False).reshape(n)
    norm_shape = xd.shape[xd.ndim - nd:]
    gx = gw = gb = None
    gxw = np.multiply(g2, x2) if want_x or want_w and weight is not None else None
    if want_w and weight is not None:   # sum over rows of g (x - mean) rstd
        gw = _wrap((rstd @ gxw - (mean * rstd) @ g2).reshape(norm_shape).astype(weight._data.dtype, copy=False))
    if want_b and bias is not None:
        gb = _wrap(g2.sum(0).reshape(norm_shape).astype(bias._data.dtype, copy=False))
    if want_x:
        if w is None:
            ds, db = _row_sum(gxw), _row_sum(g2)
            gs = np.multiply(g2, rstd[:, None])
        else:
            ds, db = gxw @ w, g2 @ w
            gs = np.multiply(g2, w)
            np.multiply(gs, rstd[:, None], out=gs)
        c2 = (db * mean - ds) * (rstd * rstd * rstd) / n
        c3 = -c2 * mean - db * rstd / n
        np.multiply(x2, c2[:, None], out=gxw)
        np.add(gs, gxw, out=gs)
        np.add(gs, c3[:, None], out=gs)
        gx = _wrap(gs.reshape(xd.shape).astype(xd.dtype, copy=False))
    return gx, gw, gb


def _sum_lead(t, lead):
    """Sum over the leading (batch) dims; none for an input that is all normalised dims."""
    return t.sum(lead) if lead else t


_LN = Primitive("NativeLayerNormBackward0", _ln_fwd, _ln_grad, save_inputs=True, save_output=True, nout=3,
                nondiff=(1, 2))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.layer_norm`` over the trailing ``normalized_shape`` dims."""
    if _amp.active:
        return _amp.run("layer_norm", layer_norm, input, normalized_shape, weight, bias, eps)
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    nd = len(normalized_shape)
    if tuple(input.shape[input.dim() - nd:]) != normalized_shape or nd > input.dim():
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(normalized_shape)}")
    _check_types(input, (weight, bias), "LayerNormKernelImpl")
    return apply(_LN, (input, weight, bias), (nd, eps))[0]


# ----------------------------------------------------------------------------------------------------
# group norm

def _gn_fwd(x, weight, bias, groups, eps):
    n, c = x.shape[:2]
    xg = x.reshape(n, groups, -1)
    centered, mean, var, rstd = _moments(xg, (2,), eps)
    y = (centered * rstd).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return _affine(y, weight, bias, shape).astype(x.dtype), mean.reshape(n, groups), rstd.reshape(n, groups)


def _gn_grad(ctx, g, *unused):
    x, weight, bias = ctx.saved
    groups, eps = ctx.args
    n, c = x.shape[:2]
    shape = (1, -1) + (1,) * (x.dim() - 2)
    xg = x.reshape(n, groups, -1)
    mean, rstd = _stats(ctx, xg, (2,), eps, (n, groups, 1))
    xhat = ((xg - mean) * rstd).reshape(x.shape)
    red = (0,) + tuple(range(2, x.dim()))
    gw = (g * xhat).sum(red) if weight is not None and ctx.next_functions[1][0] is not None else None
    gb = g.sum(red) if bias is not None and ctx.next_functions[2][0] is not None else None
    gx = None
    if ctx.next_functions[0][0] is not None:
        gs = (g * weight.reshape(shape) if weight is not None else g).reshape(n, groups, -1)
        xh = xhat.reshape(n, groups, -1)
        m = gs.shape[-1]
        gx = ((gs - gs.sum(2, keepdim=True) / m - xh * (gs * xh).sum(2, keepdim=True) / m) * rstd).reshape(x.shape)
    return gx, gw, gb


_GN = Primitive("NativeGroupNormBackward0", _gn_fwd, _gn_grad, save_inputs=True, save_output=True, nout=3,
                nondiff=(1, 2))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.group_norm``."""
    if _amp.active:
        return _amp.run("group_norm", group_norm, input, num_groups, weight, bias, eps)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    _check_types(input, (weight, bias), "GroupNormKernelImpl")
    return apply(_GN, (input, weight, bias), (num_groups, eps))[0]


__all__ = []
