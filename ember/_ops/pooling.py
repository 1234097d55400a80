"""Pooling for 1-3 spatial dims: max (with indices), average, adaptive average/max, max-unpool.

Windows are visited one kernel offset at a time, each offset a strided view over the whole batch,
so no K-times-larger window buffer is built.  Max pooling follows torch's CPU kernel exactly: a
value replaces the running max when it is greater or NaN, and indices are flat positions in the
unpadded input plane.  The gradients are scatter/gather pairs, each the other's derivative.
"""
import numpy as np

from .._device import xp_of
from .._parallel import for_rows
from .._prim import Primitive, apply
from ..autograd.grad_mode import state as _grad_mode


def _tuple(v, n):
    if v is None:
        return None
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    return v * n if len(v) == 1 else v


def _out_size(size, k, s, p, d, ceil_mode):
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, name):
    k = _tuple(kernel_size, nd)
    s = _tuple(stride, nd) if stride not in (None, ()) and stride != [] else k
    p = _tuple(padding, nd)
    d = _tuple(dilation, nd)
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(x.shape)}" if nd > 1 else
                           f"{name}() Expected {nd + 1}D or {nd + 2}D input tensor, but got {list(x.shape)}")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got {_hw_text('k', k)}")
    if any(v < 0 for v in s):
        raise RuntimeError(f"stride should be greater than zero, but got {_hw_text('d', s)}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got {_hw_text('dilation', d)}")
    if any(v < 0 for v in p):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(p)}")
    for kk, pp, dd in zip(k, p, d):
        if pp > (dd * (kk - 1) + 1) // 2 if name.startswith("max") else pp > kk // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}" if name.startswith("max") else
                               "pad should be smaller than or equal to half of kernel size, but got "
                               f"padW = {pp}, padH = {pp}, kW = {kk}, kH = {kk}")
    spatial = x.shape[-nd:]
    out = tuple(_out_size(sz, kk, ss, pp, dd, ceil_mode) for sz, kk, ss, pp, dd in zip(spatial, k, s, p, d))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(str(v) for v in x.shape[-nd - 1:])}). Calculated output "
                           f"size: ({'x'.join(str(v) for v in (x.shape[-nd - 1],) + out)}). Output size is too small")
    return k, s, p, d, out


def _hw_text(prefix, v):
    """torch's ``kH: 0 kW: 0`` style listing of a 2-D/3-D size argument."""
    return " ".join(f"{prefix}{c}: {x}" for c, x in zip("TDHW"[-len(v):] if len(v) == 3 else "HW", v))


def _padded(x, nd, k, s, p, d, out, fill):
    """``x`` padded with ``fill`` so every window of every output position is in bounds."""
    spatial = x.shape[-nd:]
    need = tuple((o - 1) * ss + dd * (kk - 1) + 1 for o, ss, dd, kk in zip(out, s, d, k))
    hi = tuple(max(nn - sz - pp, 0) for nn, sz, pp in zip(need, spatial, p))
    if not any(p) and not any(hi):
        return x
    shape = x.shape[:-nd] + tuple(sz + pp + h for sz, pp, h in zip(spatial, p, hi))
    buf = xp_of(x).full(shape, fill, x.dtype)
    buf[(Ellipsis,) + tuple(slice(pp, pp + sz) for pp, sz in zip(p, spatial))] = x
    return buf


def _window(xp, nd, offset, s, d, out):
    return xp[(Ellipsis,) + tuple(slice(o * dd, o * dd + ss * (m - 1) + 1, ss)
                                  for o, dd, ss, m in zip(offset, d, s, out))]


# ----------------------------------------------------------------------------------------------------
# max pooling

def _lowest(dtype):
    floating = dtype.kind == "f" or dtype.name == "bfloat16"
    return -np.inf if floating else np.iinfo(dtype).min


def _by_rows(x, nd):
    """``x`` with its leading (batch, channel) dims flattened: (rows, *spatial); pooling is independent
    per row, so rows are split over the intra-op threads."""
    return x.reshape((-1,) + x.shape[x.ndim - nd:])


def _max_pool_fwd(x, nd, k, s, p, d, out):
    """Values and flat argmax indices; the indices keep torch's tie rule (first maximum, last NaN)."""
    xp = xp_of(x)
    rows = _by_rows(x, nd)
    lead = x.shape[:x.ndim - nd]
    spatial = x.shape[-nd:]
    plane = [int(np.prod(spatial[i + 1:])) for i in range(nd)]
    # flat input position of each window origin, per output position
    origin = xp.zeros(out, np.int64)
    for i in range(nd):
        coord = xp.arange(out[i]) * s[i] - p[i]
        origin = origin + (coord * plane[i]).reshape((-1,) + (1,) * (nd - 1 - i))
    offsets = list(np.ndindex(*k))
    shifts = xp.asarray([sum(o * dd * st for o, dd, st in zip(offset, d, plane)) for offset in offsets], np.int64)
    best = xp.empty((rows.shape[0],) + out, x.dtype)
    idx = xp.empty((rows.shape[0],) + out, np.int64)
    floating = x.dtype.kind == "f" or x.dtype.name == "bfloat16"
    bits = np.dtype(f"u{x.dtype.itemsize}")

    def part(a, b):
        # each offset's window is copied contiguous, and the running max is updated by a bitwise blend
        # under the mask (masked copies are far slower); ``code`` keeps the last offset that won
        padded = _padded(rows[a:b], nd, k, s, p, d, out, _lowest(x.dtype))
        top = best[a:b]
        held = top.view(bits)
        code = None
        for j, offset in enumerate(offsets):
            v = _window(padded, nd, offset, s, d, out)
            if code is None:
                top[...] = v
                code = xp.zeros(top.shape, np.min_scalar_type(len(offsets) - 1))
                continue
            v = xp.ascontiguousarray(v)
            take = np.greater(v, top)
            if floating:
                take |= np.isnan(v)
            mask = take.astype(bits)
            np.negative(mask, out=mask)
            diff = np.bitwise_xor(held, v.view(bits))
            diff &= mask
            held ^= diff
            np.maximum(code, np.multiply(take, j, dtype=code.dtype), out=code)
        idx[a:b] = shifts.take(code)
        idx[a:b] += origin
    for_rows(rows.shape[0], part, x.nbytes)
    return best.reshape(lead + out), idx.reshape(lead + out)


def _max_values_fwd(x, nd, k, s, p, d, out):
    """Values only (no gradient and no indices wanted): a running ``maximum``, which propagates NaN as
    torch's kernel does."""
    xp = xp_of(x)
    rows = _by_rows(x, nd)
    best = xp.empty((rows.shape[0],) + out, x.dtype)

    def part(a, b):
        padded = _padded(rows[a:b], nd, k, s, p, d, out, _lowest(x.dtype))
        top = best[a:b]
        for j, offset in enumerate(np.ndindex(*k)):
            v = _window(padded, nd, offset, s, d, out)
            if j:
                np.maximum(top, v, out=top)
            else:
                top[...] = v
    for_rows(rows.shape[0], part, x.nbytes)
    return best.reshape(x.shape[:x.ndim - nd] + out)


def _scatter_fwd(g, idx, in_shape, nd, unique=False):
    """Add ``g`` into zeros of ``in_shape`` at the flat positions ``idx`` of each input plane.

    ``unique``: no two positions of a plane coincide (pooling windows that do not overlap), so a plain
    assignment does the sum, in ``g``'s dtype, twice as fast as a float64 ``bincount``."""
    xp = xp_of(g)
    plane = int(np.prod(in_shape[len(in_shape) - nd:]))
    rows = int(np.prod(in_shape[:len(in_shape) - nd]))
    flat_idx = idx.reshape(rows, int(np.prod(idx.shape[idx.ndim - nd:]))) + (xp.arange(rows) * plane)[:, None]
    if unique:
        out = xp.zeros(rows * plane, g.dtype)
        out[flat_idx.ravel()] = g.ravel()
        return out.reshape(in_shape)
    out = xp.bincount(flat_idx.ravel(), weights=g.reshape(-1), minlength=rows * plane)
    return out.astype(g.dtype).reshape(in_shape)


def _gather_fwd(g, idx, in_shape, nd, unique=False):
    """Adjoint of _scatter_fwd: read ``g`` (shaped like the input) at the flat positions ``idx``."""
    plane = int(np.prod(in_shape[len(in_shape) - nd:]))
    flat = g.reshape(int(np.prod(in_shape[:len(in_shape) - nd])), plane)
    cols = int(np.prod(idx.shape[idx.ndim - nd:]))
    return xp_of(g).take_along_axis(flat, idx.reshape(flat.shape[0], cols), axis=1).reshape(idx.shape)


def _scatter_grad(ctx, gg):
    g, idx = ctx.saved
    return apply(_GATHER, (gg, idx), ctx.args), None


def _gather_grad(ctx, gg):
    return apply(_SCATTER, (gg, ctx.saved[1]), ctx.args), None


_SCATTER = Primitive("MaxPoolWithIndicesBackward0", _scatter_fwd, _scatter_grad, save_inputs=True)
_GATHER = Primitive("MaxPoolBackwardBackward0", _gather_fwd, _gather_grad, save_inputs=True)


def _max_pool_grad(ctx, g, gi=None):
    from .._tensor import _wrap
    idx = _wrap(ctx._out[1])
    args = ctx.args
    # max_pool's args are (nd, k, s, p, d, out), adaptive max pooling's (nd, out): its windows may overlap
    unique = len(args) == 6 and all(ss >= dd * (kk - 1) + 1 for kk, ss, dd in zip(args[1], args[2], args[4]))
    return (apply(_SCATTER, (g, idx), (ctx._in_meta[0][0], args[0], unique)),)


_max_prims = {nd: Primitive(f"MaxPool{nd}DWithIndicesBackward0", _max_pool_fwd, _max_pool_grad, save_output=True,
                            nout=2, nondiff=(1,)) for nd in (1, 2, 3)}
_max_value_prims = {nd: Primitive(f"MaxPool{nd}DWithIndicesBackward0", _max_values_fwd) for nd in (1, 2, 3)}


def max_pool(nd, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    name = f"max_pool{nd}d"
    k, s, p, d, out = _geometry(input, nd, kernel_size, stride, padding, dilation, ceil_mode, name)
    if not return_indices and not (input.requires_grad and _grad_mode.enabled):
        return apply(_max_value_prims[nd], (input,), (nd, k, s, p, d, out))
    values, indices = apply(_max_prims[nd], (input,), (nd, k, s, p, d, out))
    if return_indices:
        return values, indices
    return values


# ----------------------------------------------------------------------------------------------------
# average pooling

def _avg_divisor(spatial, k, s, p, out, count_include_pad, divisor_override):
    if divisor_override:
        return np.asarray(divisor_override, np.float64)
    div = np.ones(out)
    for i, (sz, kk, ss, pp, o) in enumerate(zip(spatial, k, s, p, out)):
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, sz + pp)
        size = end - start
        if not count_include_pad:
            size = np.minimum(end, sz) - np.maximum(start, 0)
        div = div * size.reshape((-1,) + (1,) * (len(out) - 1 - i))
    return div


def _avg_pool_fwd(x, nd, k, s, p, out, div):
    padded = _padded(x, nd, k, s, p, (1,) * nd, out, 0)
    acc = None
    for offset in np.ndindex(*k):
        v = _window(padded, nd, offset, s, (1,) * nd, out)
        acc = v.astype(np.float64 if x.dtype == np.float64 else np.float32) if acc is None else acc + v
    return (acc / xp_of(x).asarray(div)).astype(x.dtype)


def _avg_pool_adjoint(g, nd, k, s, p, out, div, in_shape):
    spatial = in_shape[-nd:]
    xp = xp_of(g)
    gd = g / xp.asarray(div)
    need = tuple(max((o - 1) * ss + kk, sz + pp) + pp for o, ss, kk, sz, pp in zip(out, s, k, spatial, p))
    buf = xp.zeros(in_shape[:-nd] + need, g.dtype)
    for offset in np.ndindex(*k):
        buf[(Ellipsis,) + tuple(slice(o, o + ss * (m - 1) + 1, ss) for o, ss, m in zip(offset, s, out))] += gd
    return buf[(Ellipsis,) + tuple(slice(pp, pp + sz) for pp, sz in zip(p, spatial))].astype(g.dtype)


def _avg_grad(ctx, g):
    return (apply(_AVG_ADJ, (g,), ctx.args + (ctx._in_meta[0][0],)),)


def _avg_adj_grad(ctx, gg):
    return (apply(_avg_prims[ctx.args[0]], (gg,), ctx.args[:-1]),)


_avg_prims = {nd: Primitive(f"AvgPool{nd}DBackward0", _avg_pool_fwd, _avg_grad) for nd in (1, 2, 3)}
_AVG_ADJ = Primitive("AvgPoolBackwardBackward0", _avg_pool_adjoint, _avg_adj_grad)


def avg_pool(nd, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None):
    name = f"avg_pool{nd}d"
    k, s, p, d, out = _geometry(input, nd, kernel_size, stride, padding, 1, ceil_mode, name)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    div = _avg_divisor(input.shape[-nd:], k, s, p, out, count_include_pad, divisor_override)
    return apply(_avg_prims[nd], (input,), (nd, k, s, p, out, div))


# ----------------------------------------------------------------------------------------------------
# adaptive pooling

def _bounds(size, out):
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _adaptive_matrix(size, out, dtype):
    start, end = _bounds(size, out)
    pos = np.arange(size)
    m = ((pos >= start[:, None]) & (pos < end[:, None])).astype(dtype)
    return m / (end - start)[:, None].astype(dtype)


def _apply_mats(x, mats, transpose):
    xp = xp_of(x)
    nd = len(mats)
    for i, m in enumerate(mats):
        axis = x.ndim - nd + i
        m = xp.asarray(m)
        x = xp.moveaxis(xp.tensordot(x, m if transpose else m.T, axes=([axis], [0])), -1, axis)
    return x


_ADAPTIVE_T = Primitive("AdaptiveAvgPoolBackwardBackward0", lambda g, mats: _apply_mats(g, mats, True),
                        lambda c, gg: (apply(_adaptive_prims[len(c.args[0])], (gg,), c.args),))
_adaptive_prims = {nd: Primitive(f"AdaptiveAvgPool{nd}DBackward0", lambda x, mats: _apply_mats(x, mats, False),
                                 lambda c, g: (apply(_ADAPTIVE_T, (g,), c.args),)) for nd in (1, 2, 3)}


def _output_size(input, nd, output_size):
    out = _tuple(output_size, nd)
    return tuple(input.shape[-nd + i] if o is None else o for i, o in enumerate(out))


def _check_adaptive(input, nd, name):
    """torch's checks: float input, no empty non-batch dim."""
    for i in range(1 if input.dim() == nd + 2 else 0, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")
    dt = input._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        from .._errors import scalar_type_name
        raise NotImplementedError(f'"{name}" not implemented for \'{scalar_type_name(input.dtype)}\'')


def adaptive_avg_pool(nd, input, output_size):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"adaptive_avg_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    _check_adaptive(input, nd, f"adaptive_avg_pool{nd}d")
    out = _output_size(input, nd, output_size)
    spatial = input.shape[-nd:]
    if all(o == 1 for o in out):
        from .reduction import mean
        return mean(input, tuple(range(-nd, 0)), keepdim=True)
    dt = input._data.dtype
    mats = tuple(_adaptive_matrix(sz, o, dt) for sz, o in zip(spatial, out))
    return apply(_adaptive_prims[nd], (input,), (mats,))


def _adaptive_max_fwd(x, nd, out):
    spatial = x.shape[-nd:]
    lead = x.shape[:-nd]
    xp = xp_of(x)
    vals = xp.empty(lead + out, x.dtype)
    idx = xp.empty(lead + out, np.int64)
    bounds = [_bounds(sz, o) for sz, o in zip(spatial, out)]
    flat = x.reshape(lead + (-1,))
    for pos in np.ndindex(*out):
        sl = tuple(slice(b[0][q], b[1][q]) for b, q in zip(bounds, pos))
        win = x[(Ellipsis,) + sl]
        wshape = win.shape[-nd:]
        w2 = win.reshape(lead + (-1,))
        a = np.argmax(w2, axis=-1)
        coords = np.unravel_index(a, wshape)
        fidx = np.zeros_like(a)
        for i in range(nd):
            fidx = fidx + (coords[i] + sl[i].start) * int(np.prod(spatial[i + 1:]))
        vals[(Ellipsis,) + pos] = np.take_along_axis(flat, fidx[..., None], -1)[..., 0]
        idx[(Ellipsis,) + pos] = fidx
    return vals, idx


_adaptive_max_prims = {nd: Primitive(f"AdaptiveMaxPool{nd}DBackward0", _adaptive_max_fwd, _max_pool_grad,
                                     save_output=True, nout=2, nondiff=(1,)) for nd in (1, 2, 3)}


def adaptive_max_pool(nd, input, output_size, return_indices=False):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"adaptive_max_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    _check_adaptive(input, nd, f"adaptive_max_pool{nd}d")
    out = _output_size(input, nd, output_size)
    values, indices = apply(_adaptive_max_prims[nd], (input,), (nd, out))
    return (values, indices) if return_indices else values


# ----------------------------------------------------------------------------------------------------
# unpooling

def _unpool_fwd(v, idx, out_shape, nd):
    """Write each value to its index in the output plane (torch assigns; repeated indices hold one value)."""
    rows = int(np.prod(out_shape[:len(out_shape) - nd]))
    plane = int(np.prod(out_shape[len(out_shape) - nd:]))
    cols = int(np.prod(idx.shape[idx.ndim - nd:]))
    xp = xp_of(v)
    out = xp.zeros((rows, plane), v.dtype)
    xp.put_along_axis(out, idx.reshape(rows, cols), v.reshape(rows, cols), axis=1)
    return out.reshape(out_shape)


# the derivative of unpooling is the gather at the same indices (torch's max_pool_double_backward)
_unpool_prims = {nd: Primitive(f"MaxUnpool{nd}DBackward0", _unpool_fwd,
                               lambda c, g: (apply(_GATHER, (g, c.saved[1]), c.args), None), save_inputs=True)
                 for nd in (2, 3)}


def max_unpool(nd, input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _tuple(kernel_size, nd)
    s = _tuple(stride, nd) if stride is not None else k
    p = _tuple(padding, nd)
    spatial_in = input.shape[-nd:]
    default = tuple((i - 1) * ss - 2 * pp + kk for i, ss, pp, kk in zip(spatial_in, s, p, k))
    if output_size is None:
        out = default
    else:
        out = tuple(output_size)[-nd:]
        for o, dflt, ss in zip(out, default, s):
            if not (dflt - ss < o < dflt + ss):
                raise ValueError(f"invalid output_size \"{list(output_size)}\" (dim {len(out)} must be between "
                                 f"{[dd - ss for dd in default]} and {[dd + ss for dd in default]})")
    in_shape = tuple(input.shape[:-nd]) + out
    if bool((indices._data >= int(np.prod(out))).any()) or bool((indices._data < 0).any()):
        raise RuntimeError(f"Found an invalid max index: {int(indices._data.max())} (output volumes are of size "
                           f"{'x'.join(map(str, out))}")
    return apply(_unpool_prims[nd], (input, indices), (in_shape, nd))


__all__ = []
