"""N-d convolution (1-D, 2-D, 3-D) through im2col + BLAS GEMM, and its transpose.

Three primitives close under differentiation (so double backward works):

    conv(x, w)                 y = W · im2col(x)
    conv_input_grad(g, w)      col2im(Wᵀ · g)          (= the transposed convolution)
    conv_weight_grad(x, g)     g · im2col(x)ᵀ

d/dx conv = conv_input_grad, d/dw conv = conv_weight_grad; the derivatives of the other two are
again these three with roles swapped.  ``Geometry`` carries stride/padding/dilation/groups and the
spatial sizes; padding is applied by slicing into a zero buffer, never by a Python loop over pixels.
"""
import numpy as np

from .._device import xp_of
from .._parallel import contiguous, copy_into
from .._prim import Primitive, apply
from .._workspace import scratch
from ..amp.autocast_mode import state as _amp


def _as_strided(x, shape, strides):
    return xp_of(x).lib.stride_tricks.as_strided(x, shape, strides)


def _prod(t):
    out = 1
    for v in t:
        out *= v
    return out


class Geometry:
    """Convolution hyper-parameters for ``nd`` spatial dims plus the input's spatial size."""
    __slots__ = ("stride", "padding", "dilation", "groups", "in_size", "out_size", "kernel")

    def __init__(self, stride, padding, dilation, groups, in_size, kernel, out_size=None):
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.in_size, self.kernel = in_size, kernel
        self.out_size = out_size or tuple(
            (i + 2 * p - d * (k - 1) - 1) // s + 1
            for i, p, d, k, s in zip(in_size, padding, dilation, kernel, stride))


def _interior(padding, size):
    return (Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(padding, size))


def _pad_zeros(x, padding):
    """x zero-padded on its trailing spatial dims, in the "padded" scratch buffer."""
    if not any(padding):
        return x
    n = len(padding)
    shape = x.shape[:-n] + tuple(s + 2 * p for s, p in zip(x.shape[-n:], padding))
    out = scratch("padded", shape, x.dtype, xp_of(x))
    out.fill(0)
    copy_into(out[_interior(padding, x.shape[-n:])], x)
    return out


def _windows(xp_, geo, batch_inner):
    """The strided (no-copy) im2col view of the padded input: (N, C, *kernel, *out) or, with
    ``batch_inner``, (C, *kernel, N, *out)."""
    nd = len(geo.kernel)
    n, c = xp_.shape[:2]
    st = xp_.strides
    k_st = tuple(st[2 + i] * geo.dilation[i] for i in range(nd))
    o_st = tuple(st[2 + i] * geo.stride[i] for i in range(nd))
    if batch_inner:
        return _as_strided(xp_, (c,) + geo.kernel + (n,) + geo.out_size, (st[1],) + k_st + (st[0],) + o_st)
    return _as_strided(xp_, (n, c) + geo.kernel + geo.out_size, st[:2] + k_st + o_st)


def _im2col(x, geo):
    """(N, C, *spatial) -> (N, C * prod(kernel), prod(out_size)) in the "cols" scratch buffer."""
    win = _windows(_pad_zeros(x, geo.padding), geo, False)
    cols = copy_into(scratch("cols", win.shape, x.dtype, xp_of(x)), win)
    return cols.reshape(x.shape[0], x.shape[1] * _prod(geo.kernel), _prod(geo.out_size))


def _im2col_batched(x, geo):
    """im2col with the batch folded into the columns: (C * prod(kernel), N * prod(out_size)), so a whole
    layer is one GEMM — the better shape when each sample has few output positions (deep, small maps)."""
    win = _windows(_pad_zeros(x, geo.padding), geo, True)
    cols = copy_into(scratch("cols", win.shape, x.dtype, xp_of(x)), win)
    return cols.reshape(x.shape[1] * _prod(geo.kernel), -1)


def _col2im(cols, geo, n, c, folded=False):
    """Adjoint of _im2col: scatter-add columns (N, C*K, L) — or, ``folded``, (C*K, N*L) — back into
    (N, C, *in_size)."""
    xp = xp_of(cols)
    padded = tuple(s + 2 * p for s, p in zip(geo.in_size, geo.padding))
    out = xp.zeros((n, c) + padded, cols.dtype)
    if folded:
        cols = cols.reshape((c,) + geo.kernel + (n,) + geo.out_size)
    else:
        cols = cols.reshape((n, c) + geo.kernel + geo.out_size)
    for offset in np.ndindex(*geo.kernel):
        region = tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                       for o, d, s, m in zip(offset, geo.dilation, geo.stride, geo.out_size))
        part = cols[(slice(None),) + offset].swapaxes(0, 1) if folded else cols[(slice(None), slice(None)) + offset]
        out[(slice(None), slice(None)) + region] += part
    if any(geo.padding):
        out = contiguous(out[_interior(geo.padding, geo.in_size)])
    return out


def _grouped(w, g):
    """Weight (O, C/g, *k) as (g, O/g, C/g * K)."""
    o = w.shape[0]
    return w.reshape(g, o // g, -1)


def _is_pointwise(geo):
    return all(k == 1 for k in geo.kernel) and all(s == 1 for s in geo.stride) and not any(geo.padding)


def _flat_padded(x, geo, tail):
    """The zero-padded input flattened per channel, (N, C, prod(padded) + tail), in scratch: every kernel
    offset of a unit-stride convolution is then one contiguous shifted slice of it."""
    n, c = x.shape[:2]
    padded = tuple(sz + 2 * p for sz, p in zip(geo.in_size, geo.padding))
    total = _prod(padded)
    flat = scratch("padded", (n, c, total + tail), x.dtype, xp_of(x))
    flat.fill(0)
    copy_into(flat[:, :, :total].reshape((n, c) + padded)[_interior(geo.padding, geo.in_size)], x)
    return flat


def _conv_fwd_shifted(x, w, geo):
    """Unit-stride convolution with a partial im2col: only the last kernel dim's shifts are stacked
    (K = k_last * C), the other kernel offsets become contiguous shifted slices of the padded input
    flattened per channel; the output is computed on the padded grid and its valid part kept."""
    xp = xp_of(x)
    n, c = x.shape[:2]
    o = w.shape[0]
    nd = len(geo.kernel)
    k_last, d_last = geo.kernel[-1], geo.dilation[-1]
    padded = tuple(sz + 2 * p for sz, p in zip(geo.in_size, geo.padding))
    strides = tuple(_prod(padded[i + 1:]) for i in range(nd))
    span = _prod(padded) + strides[0]  # one spare row of dim 0 covers every shifted slice's overhang
    flat = _flat_padded(x, geo, strides[0] + (k_last - 1) * d_last)
    fs = flat.strides
    shifts = _as_strided(flat, (n, k_last, c, span), (fs[0], fs[2] * d_last, fs[1], fs[2]))
    stacked = copy_into(scratch("cols", shifts.shape, x.dtype, xp), shifts).reshape(n, k_last * c, span)
    lead = geo.kernel[:-1]
    wr = xp.moveaxis(w.reshape((o, c, _prod(lead), k_last)), 2, 0).transpose(0, 1, 3, 2)
    wr = xp.ascontiguousarray(wr).reshape(-1, o, k_last * c)
    length = geo.out_size[0] * strides[0]
    out = None
    for r, offset in enumerate(np.ndindex(*lead)):
        start = sum(k * d * st for k, d, st in zip(offset, geo.dilation, strides))
        part = xp.matmul(wr[r], stacked[:, :, start:start + length])
        out = part if out is None else xp.add(out, part, out=out)
    out = out.reshape((n, o, geo.out_size[0]) + padded[1:])
    return contiguous(out[(Ellipsis,) + tuple(slice(0, m) for m in geo.out_size[1:])])


# output positions per sample below which folding the batch into one GEMM is faster (measured on
# ResNet-18's layers: 4x4 maps 31 -> 17 ms forward, 91 -> 18 ms weight gradient)
_SMALL_FWD = 64
_SMALL_WGRAD = 256


# the shifted forward's GEMMs have K = C * k_last; below this they are matrix-vector-like and one
# folded im2col GEMM is faster (LeNet's 1-channel 5x5 layer: 2.4 -> 0.5 ms)
_SHIFTED_MIN_K = 16


def _conv_fwd(x, w, geo):
    xp = xp_of(x)
    n, c = x.shape[:2]
    g = geo.groups
    small = _prod(geo.out_size) <= _SMALL_FWD or c * geo.kernel[-1] < _SHIFTED_MIN_K
    if g == 1 and small and not _is_pointwise(geo):
        o = w.shape[0]
        out = xp.matmul(w.reshape(o, -1), _im2col_batched(x, geo))
        return contiguous(out.reshape((o, n) + geo.out_size).swapaxes(0, 1))
    if g == 1 and all(s == 1 for s in geo.stride) and not _is_pointwise(geo):
        return _conv_fwd_shifted(x, w, geo)
    if _is_pointwise(geo):
        cols = x.reshape(n, c, -1)
    else:
        cols = _im2col(x, geo)
    l_ = cols.shape[-1]
    if g == 1:
        out = xp.matmul(w.reshape(w.shape[0], -1), cols)
    else:
        out = xp.matmul(_grouped(w, g)[None], cols.reshape(n, g, -1, l_)).reshape(n, -1, l_)
    return out.reshape((n, w.shape[0]) + geo.out_size)


def _unit_stride(geo):
    return all(s == 1 for s in geo.stride) and all(p <= d * (k - 1) for p, d, k in
                                                  zip(geo.padding, geo.dilation, geo.kernel))


def _conv_input_grad_fwd(gout, w, geo):
    """col2im(Wᵀ · g): the gradient of conv w.r.t. its input (and the transposed convolution).

    With unit stride it is a forward convolution of ``g`` with the flipped, channel-swapped kernel,
    which runs as one large-K GEMM instead of a small-K GEMM plus a scatter; when the input has few
    channels that convolution's GEMMs would be matrix-vector-like, and the shifted scatter is used."""
    xp = xp_of(gout)
    if _unit_stride(geo) and not _is_pointwise(geo) and geo.groups == 1 and w.shape[1] < _SHIFTED_MIN_K:
        return _input_grad_shifted(gout, w, geo)
    if _unit_stride(geo) and not _is_pointwise(geo):
        nd = len(geo.kernel)
        grp = geo.groups
        o, cg = w.shape[:2]
        wt = w.reshape((grp, o // grp, cg) + geo.kernel).swapaxes(1, 2)
        wt = wt[(Ellipsis,) + (slice(None, None, -1),) * nd].reshape((grp * cg, o // grp) + geo.kernel)
        full = Geometry(geo.stride, tuple(d * (k - 1) - p for p, d, k in zip(geo.padding, geo.dilation, geo.kernel)),
                        geo.dilation, grp, geo.out_size, geo.kernel)
        return _conv_fwd(gout, xp.ascontiguousarray(wt), full)
    n = gout.shape[0]
    o = w.shape[0]
    grp = geo.groups
    c = w.shape[1] * grp
    l_ = _prod(geo.out_size)
    gl = gout.reshape(n, o, l_)
    # the transposed weight is made contiguous first: a transposed operand broadcast over the batch
    # takes NumPy's slow (non-BLAS) path, 3x slower
    if grp == 1 and l_ <= _SMALL_FWD and not _is_pointwise(geo):
        # few positions per sample: one GEMM over the whole batch, scattered from the folded layout
        g2 = contiguous(gout.reshape(n, o, l_).swapaxes(0, 1)).reshape(o, n * l_)
        return _col2im(xp.matmul(xp.ascontiguousarray(w.reshape(o, -1).T), g2), geo, n, c, folded=True)
    if grp == 1:
        cols = xp.matmul(xp.ascontiguousarray(w.reshape(o, -1).T), gl)
    else:
        wg = xp.ascontiguousarray(_grouped(w, grp).transpose(0, 2, 1))
        cols = xp.matmul(wg[None], gl.reshape(n, grp, o // grp, l_)).reshape(n, c * _prod(geo.kernel), l_)
    if _is_pointwise(geo):
        return cols.reshape((n, c) + geo.in_size)
    return _col2im(cols, geo, n, c)


def _input_grad_shifted(gout, w, geo):
    """Unit-stride input gradient as Wᵀ·g followed by a scatter of contiguous blocks: ``g`` is laid on the
    padded input's grid (zero past the output's columns), so each kernel offset's contribution is one
    shifted slice of the padded input flattened per channel (long contiguous adds, not a strided col2im)."""
    xp = xp_of(gout)
    n, o = gout.shape[:2]
    c = w.shape[1]
    nd = len(geo.kernel)
    padded = tuple(sz + 2 * p for sz, p in zip(geo.in_size, geo.padding))
    strides = tuple(_prod(padded[i + 1:]) for i in range(nd))
    grid = (geo.out_size[0],) + padded[1:]
    length = _prod(grid)
    gf = scratch("grad", (o, n) + grid, gout.dtype, xp)
    gf.fill(0)
    copy_into(gf[(Ellipsis,) + tuple(slice(0, m) for m in geo.out_size)], gout.swapaxes(0, 1))
    cols = xp.matmul(xp.ascontiguousarray(w.reshape(o, -1).T), gf.reshape(o, n * length))
    cols = cols.reshape(c, _prod(geo.kernel), n, length)
    total = _prod(padded)
    out = xp.zeros((c, n, total + strides[0]), gout.dtype)  # a spare row of dim 0 takes the overhang
    for r, offset in enumerate(np.ndindex(*geo.kernel)):
        start = sum(k * d * st for k, d, st in zip(offset, geo.dilation, strides))
        out[:, :, start:start + length] += cols[:, r]
    out = out[:, :, :total].reshape((c, n) + padded)[_interior(geo.padding, geo.in_size)]
    return contiguous(out.swapaxes(0, 1))


def _weight_grad_shifted(x, gout, geo, w_shape):
    """Unit-stride weight gradient without im2col: on the zero-padded input flattened per channel, each
    kernel offset is a contiguous shifted slice, so gw[..., k] = Σ_n g_n · slice_nᵀ (large-K GEMMs).
    ``g`` is laid on the padded grid (zero in the columns past the output), which makes the slices line up."""
    xp = xp_of(x)
    n, c = x.shape[:2]
    o = gout.shape[1]
    nd = len(geo.kernel)
    padded = tuple(sz + 2 * p for sz, p in zip(geo.in_size, geo.padding))
    strides = tuple(_prod(padded[i + 1:]) for i in range(nd))
    flat = _flat_padded(x, geo, strides[0])
    grid = (geo.out_size[0],) + padded[1:]
    gf = scratch("grad", (n, o) + grid, gout.dtype, xp)
    gf.fill(0)
    copy_into(gf[(Ellipsis,) + tuple(slice(0, m) for m in geo.out_size)], gout)
    length = _prod(grid)
    gf = gf.reshape(n, o, length)
    gw = xp.empty((o, c) + geo.kernel, x.dtype)
    for offset in np.ndindex(*geo.kernel):
        start = sum(k * d * st for k, d, st in zip(offset, geo.dilation, strides))
        part = xp.matmul(gf, flat[:, :, start:start + length].transpose(0, 2, 1))
        gw[(slice(None), slice(None)) + offset] = part.sum(0) if n != 1 else part[0]
    return gw.reshape(w_shape)


# below this many input channels the shifted weight gradient's GEMMs are matrix-vector-like (K = C):
# one im2col GEMM is faster (the RGB stem: 6.6 -> ~1 ms)
_SHIFTED_WGRAD_MIN_C = 16


def _conv_weight_grad_fwd(x, gout, geo, w_shape):
    """g · im2col(x)ᵀ summed over the batch: the gradient of conv w.r.t. its weight."""
    xp = xp_of(x)
    n, c = x.shape[:2]
    folded = _prod(geo.out_size) <= _SMALL_WGRAD or c < _SHIFTED_WGRAD_MIN_C
    if geo.groups == 1 and folded and not _is_pointwise(geo) and n:
        o = gout.shape[1]
        g2 = contiguous(gout.swapaxes(0, 1)).reshape(o, -1)
        return xp.matmul(g2, _im2col_batched(x, geo).T).reshape(w_shape)
    if geo.groups == 1 and _unit_stride(geo) and not _is_pointwise(geo):
        return _weight_grad_shifted(x, gout, geo, w_shape)
    grp = geo.groups
    o = gout.shape[1]
    cols = x.reshape(n, c, -1) if _is_pointwise(geo) else _im2col(x, geo)
    gl = gout.reshape(n, o, -1)
    if grp == 1:
        gw = xp.matmul(gl, cols.transpose(0, 2, 1)).sum(0) if n > 1 else xp.matmul(gl[0], cols[0].T)
    else:
        l_ = cols.shape[-1]
        gw = xp.matmul(gl.reshape(n, grp, o // grp, l_),
                       cols.reshape(n, grp, -1, l_).transpose(0, 1, 3, 2)).sum(0)
    return gw.reshape(w_shape)


def _add_bias(out, b):
    return out if b is None else out + b.reshape((1, -1) + (1,) * (out.ndim - 2)).astype(out.dtype, copy=False)


def _bias_grad(ctx, g):
    return g.sum((0,) + tuple(range(2, g.dim()))) if ctx.next_functions[2][0] is not None else None


def _conv_grad(ctx, g):
    x, w = ctx.saved[:2]
    geo = ctx.args[0]
    gx = conv_input_grad(g, w, geo) if ctx.next_functions[0][0] is not None else None
    gw = conv_weight_grad(x, g, geo, w.shape) if ctx.next_functions[1][0] is not None else None
    return gx, gw, _bias_grad(ctx, g)


def _conv_transpose_grad(ctx, g):
    x, w = ctx.saved[:2]
    geo = ctx.args[0]
    gx = conv(g, w, geo) if ctx.next_functions[0][0] is not None else None
    gw = conv_weight_grad(g, x, geo, w.shape) if ctx.next_functions[1][0] is not None else None
    return gx, gw, _bias_grad(ctx, g)


def _input_grad_grad(ctx, gg):
    g, w = ctx.saved
    geo = ctx.args[0]
    d_g = conv(gg, w, geo) if ctx.next_functions[0][0] is not None else None
    d_w = conv_weight_grad(gg, g, geo, w.shape) if ctx.next_functions[1][0] is not None else None
    return d_g, d_w


def _weight_grad_grad(ctx, gg):
    x, g = ctx.saved
    geo = ctx.args[0]
    d_x = conv_input_grad(g, gg, geo) if ctx.next_functions[0][0] is not None else None
    d_g = conv(x, gg, geo) if ctx.next_functions[1][0] is not None else None
    return d_x, d_g


def _rounded(fwd):
    """NumPy's bfloat16 GEMM returns float32: round the result to the input's dtype once (as torch)."""
    def f(x, *rest):
        return fwd(x, *rest).astype(x.dtype, copy=False)
    return f


# the layers' ops (bias folded in, as torch's ConvolutionBackward0 node); the two backward primitives below
CONV = Primitive("ConvolutionBackward0", _rounded(lambda x, w, b, geo: _add_bias(_conv_fwd(x, w, geo), b)),
                 _conv_grad, save_inputs=True)
CONV_TRANSPOSE = Primitive("ConvolutionBackward0",
                           _rounded(lambda x, w, b, geo: _add_bias(_conv_input_grad_fwd(x, w, geo), b)),
                           _conv_transpose_grad, save_inputs=True)
CONV_INPUT_GRAD = Primitive("ConvolutionBackwardBackward0", _rounded(_conv_input_grad_fwd), _input_grad_grad,
                            save_inputs=True)
CONV_WEIGHT_GRAD = Primitive("ConvolutionBackwardBackward0", _rounded(_conv_weight_grad_fwd), _weight_grad_grad,
                             save_inputs=True)


def conv(x, w, geo, b=None):
    return apply(CONV, (x, w, b), (geo,))


def conv_input_grad(g, w, geo):
    return apply(CONV_INPUT_GRAD, (g, w), (geo,))


def conv_weight_grad(x, g, geo, w_shape):
    return apply(CONV_WEIGHT_GRAD, (x, g), (geo, tuple(w_shape)))


# ----------------------------------------------------------------------------------------------------
# public API: torch.conv1d/2d/3d and conv_transpose1d/2d/3d (also nn.functional's)

def _tuple(v, n, name="argument"):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _check_input(x, w, nd, name, transposed=False):
    from .._errors import scalar_type_name
    dims = x.dim()
    if dims not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(x.shape)}")
    if w.dim() != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if nd == 1 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input "
                           f"{list(x.shape)}, but got {w.dim()}-dimensional weight of size {list(w.shape)} instead")
    if x.dtype != w.dtype:
        raise RuntimeError(f"Input type ({scalar_type_name(x.dtype)}) and weight type ({scalar_type_name(w.dtype)}) "
                           f"should be the same")


def _convnd(nd, name):
    def convnd(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        if _amp.active:
            return _amp.run(name, convnd, input, weight, bias, stride, padding, dilation, groups)
        _check_input(input, weight, nd, name)
        unbatched = input.dim() == nd + 1
        x = input.unsqueeze(0) if unbatched else input
        stride = _tuple(stride, nd, "stride")
        dilation = _tuple(dilation, nd, "dilation")
        kernel = tuple(weight.shape[2:])
        c = x.shape[1]
        if weight.shape[1] * groups != c:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                               f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {c} channels "
                               f"instead")
        if weight.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                               f"but got weight of size {list(weight.shape)} instead")
        if isinstance(padding, str):
            if padding == "valid":
                padding = (0,) * nd
            elif padding == "same":
                if any(s != 1 for s in stride):
                    raise RuntimeError("padding='same' is not supported for strided convolutions")
                total = [d * (k - 1) for d, k in zip(dilation, kernel)]
                left = tuple(t // 2 for t in total)
                extra = [t - 2 * lt for t, lt in zip(total, left)]
                if any(extra):
                    import warnings
                    warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                                  "zero-padded copy of the input be created", UserWarning, stacklevel=2)
                    from .padding import pad
                    pads = []
                    for e in reversed(extra):
                        pads += [0, e]
                    x = pad(x, pads)
                padding = left
            else:
                raise RuntimeError(f"Invalid padding string: '{padding}'")
        padding = _tuple(padding, nd, "padding")
        in_size = tuple(x.shape[2:])
        geo = Geometry(stride, padding, dilation, groups, in_size, kernel)
        if any(o <= 0 for o in geo.out_size):
            raise RuntimeError(f"Calculated padded input size per channel: "
                               f"({' x '.join(str(i + 2 * p) for i, p in zip(in_size, padding))}). Kernel size: "
                               f"({' x '.join(str(d * (k - 1) + 1) for d, k in zip(dilation, kernel))}). Kernel size "
                               f"can't be greater than actual input size")
        out = conv(x, weight, geo, bias)
        return out.squeeze(0) if unbatched else out
    convnd.__name__ = name
    convnd.__doc__ = (f"``torch.{name}``: stride/padding ('same', 'valid', ints)/dilation/groups, batched or "
                      f"unbatched input; im2col + GEMM.")
    return convnd


def _conv_transposend(nd, name):
    def conv_transposend(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        if _amp.active:
            return _amp.run(name, conv_transposend, input, weight, bias, stride, padding, output_padding, groups,
                            dilation)
        _check_input(input, weight, nd, name, transposed=True)
        unbatched = input.dim() == nd + 1
        x = input.unsqueeze(0) if unbatched else input
        stride = _tuple(stride, nd, "stride")
        padding = _tuple(padding, nd, "padding")
        output_padding = _tuple(output_padding, nd, "output_padding")
        dilation = _tuple(dilation, nd, "dilation")
        if x.shape[1] != weight.shape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                               f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
                               f"instead")
        for op, s, d in zip(output_padding, stride, dilation):
            if op >= s and op >= d:
                raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                                   f"output_padding: {list(output_padding)}, stride: {list(stride)}, dilation: "
                                   f"{list(dilation)}")
        kernel = tuple(weight.shape[2:])
        in_sp = tuple(x.shape[2:])
        out_size = tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1
                         for i, s, p, d, k, op in zip(in_sp, stride, padding, dilation, kernel, output_padding))
        geo = Geometry(stride, padding, dilation, groups, out_size, kernel, out_size=in_sp)
        out = apply(CONV_TRANSPOSE, (x, weight, bias), (geo,))
        return out.squeeze(0) if unbatched else out
    conv_transposend.__name__ = name
    conv_transposend.__doc__ = f"``torch.{name}``: the adjoint of the convolution (col2im of Wᵀ·x)."
    return conv_transposend


conv1d = _convnd(1, "conv1d")
conv2d = _convnd(2, "conv2d")
conv3d = _convnd(3, "conv3d")
conv_transpose1d = _conv_transposend(1, "conv_transpose1d")
conv_transpose2d = _conv_transposend(2, "conv_transpose2d")
conv_transpose3d = _conv_transposend(3, "conv_transpose3d")

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
