"""Resampling: ``nn.functional.interpolate`` (nearest, nearest-exact, linear, bilinear, bicubic, trilinear,
area; antialiased bilinear/bicubic/lanczos) and the deprecated ``upsample*`` spellings.

Every mode except ``area`` is separable: along each spatial dim, output position ``o`` is a weighted sum
of a few input positions (``taps``).  A map is ``(axis, idx (out, T), w (out, T) or None)``; the forward
gathers and weights tap by tap, the derivative scatters the weighted gradient back (``bincount``), and the
two primitives are each other's derivative.  Indices and weights follow torch's CPU kernels (UpSample.h):
source coordinates in float32 for float32/half inputs (float64 for float64), nearest indices through
``floorf`` on float32 scales, cubic taps clamped at the border with A = -0.75, antialias filters
normalised over their support.
"""
import math

import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp

_REDUCED = ("float16", "bfloat16")


def _opmath(dtype):
    return np.float64 if dtype == np.float64 else np.float32


def _resample_fwd(x, maps, in_sizes):
    dt = x.dtype
    xp = _xp(x)
    weighted = any(w is not None for _, _, w in maps)
    if weighted and dt != np.float64 and dt != np.float32:
        x = x.astype(np.float32)
    for axis, idx, w in maps:
        ax = x.ndim + axis
        if w is None:
            x = xp.take(x, xp.asarray(idx[:, 0]), axis=ax)
            continue
        g = xp.take(x, xp.asarray(idx), axis=ax)  # (..., out, T, ...)
        shape = (-1, idx.shape[1]) + (1,) * (x.ndim - ax - 1)
        x = (g * xp.asarray(w.astype(x.dtype).reshape(shape))).sum(ax + 1)
    return x.astype(dt, copy=False)


def _resample_adjoint(g, maps, in_sizes):
    dt = g.dtype
    xp = _xp(g)
    for (axis, idx, w), size in zip(reversed(maps), reversed(in_sizes)):
        ax = g.ndim + axis
        moved = xp.moveaxis(g, ax, -1)
        lead = moved.shape[:-1]
        rows = int(np.prod(lead))
        out, taps = idx.shape
        contrib = moved.reshape(rows, out, 1).astype(np.float64, copy=False)
        contrib = contrib * (1.0 if w is None else xp.asarray(w.reshape(1, out, taps)))
        contrib = xp.broadcast_to(contrib, (rows, out, taps))
        target = (xp.arange(rows) * size)[:, None, None] + xp.asarray(idx[None])
        acc = xp.bincount(target.ravel(), weights=contrib.ravel(), minlength=rows * size)
        g = xp.moveaxis(acc.reshape(lead + (size,)).astype(dt), -1, ax)
    return xp.ascontiguousarray(g)


_prims = {}


def _prim(name):
    """The forward/adjoint primitive pair named like torch's nodes (``UpsampleBilinear2DBackward0``)."""
    pair = _prims.get(name)
    if pair is None:
        fwd = Primitive(name, _resample_fwd, lambda c, g: (apply(pair[1], (g,), c.args),))
        adj = Primitive(name.replace("Backward0", "BackwardBackward0"), _resample_adjoint,
                        lambda c, gg: (apply(pair[0], (gg,), c.args),))
        pair = _prims[name] = (fwd, adj)
    return pair


def _run(name, input, maps):
    in_sizes = tuple(input.shape[input.dim() + a] for a, _, _ in maps)
    return apply(_prim(name)[0], (input,), (maps, in_sizes))


# ----------------------------------------------------------------------------------------------------
# index / weight tables (one spatial dim each)

def _scale_value(scale, in_size, out_size, dt):
    """torch's compute_scales_value: 1/scale when a scale factor was given, else in/out, in ``dt``."""
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(dt(in_size) / dt(out_size))


def _area_scale(in_size, out_size, align_corners, scale, dt):
    if align_corners:
        return dt(dt(in_size - 1) / dt(out_size - 1)) if out_size > 1 else dt(0)
    return _scale_value(scale, in_size, out_size, dt)


def _source_index(scale, out_size, align_corners, cubic, dt):
    i = np.arange(out_size).astype(dt)
    if align_corners:
        return scale * i
    src = scale * (i + dt(0.5)) - dt(0.5)
    return src if cubic else np.maximum(src, dt(0))


def _nearest_taps(in_size, out_size, scale, exact):
    if not exact and out_size == in_size:
        idx = np.arange(out_size)
    elif not exact and out_size == 2 * in_size:
        idx = np.arange(out_size) >> 1
    else:
        s = _scale_value(scale, in_size, out_size, np.float32)
        i = np.arange(out_size)
        if exact:
            src = ((i + 0.5) * np.float64(s)).astype(np.float32)
        else:
            src = i.astype(np.float32) * s
        idx = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    return idx.reshape(-1, 1), None


def _linear_taps(in_size, out_size, scale, align_corners, dt):
    s = _area_scale(in_size, out_size, align_corners, scale, dt)
    src = _source_index(s, out_size, align_corners, False, dt)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam = np.clip(src - i0.astype(dt), 0, 1)
    i1 = i0 + (i0 < in_size - 1)
    return np.stack([i0, i1], 1), np.stack([1 - lam, lam], 1)


def _cubic_coefficients(t, a):
    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], 1)


def _cubic_taps(in_size, out_size, scale, align_corners, dt):
    s = _area_scale(in_size, out_size, align_corners, scale, dt)
    src = _source_index(s, out_size, align_corners, True, dt)
    i0 = np.floor(src).astype(np.int64)
    t = src - i0.astype(dt)
    idx = np.clip(i0[:, None] + np.arange(-1, 3), 0, in_size - 1)
    return idx, _cubic_coefficients(t, dt(-0.75))


def _aa_bilinear(x):
    x = np.abs(x)
    return np.where(x < 1, 1 - x, 0)


def _aa_bicubic(x):
    a = -0.5
    x = np.abs(x)
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0))


def _aa_lanczos(x):
    a = 3.0
    return np.where(np.abs(x) < a, np.sinc(x) * np.sinc(x / a), 0)


_AA = {"bilinear": (_aa_bilinear, 2), "bicubic": (_aa_bicubic, 4), "lanczos": (_aa_lanczos, 6)}


def _aa_taps(in_size, out_size, scale, align_corners, mode, dt):
    """torch's _compute_weights_aa: a filter stretched by the downscale factor, normalised per output."""
    fn, interp = _AA[mode]
    s = _area_scale(in_size, out_size, align_corners, scale, dt)
    support = dt(interp * 0.5) * s if s >= 1 else dt(interp * 0.5)
    taps = int(math.ceil(support)) * 2 + 1
    center = s * (np.arange(out_size) + 0.5).astype(dt)
    invscale = dt(1.0) / s if s >= 1 else dt(1.0)
    xmin = np.maximum((center - support + dt(0.5)).astype(np.int64), 0)
    xsize = np.clip(np.minimum((center + support + dt(0.5)).astype(np.int64), in_size) - xmin, 0, taps)
    j = np.arange(taps)
    w = fn(((j[None] + xmin[:, None]).astype(dt) - center[:, None] + dt(0.5)) * invscale).astype(dt)
    w = np.where(j[None] < xsize[:, None], w, dt(0))
    total = w.sum(1, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w)
    idx = np.minimum(j[None] + xmin[:, None], in_size - 1)
    return idx, w


# ----------------------------------------------------------------------------------------------------
# interpolate

_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
          "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0"}
_AA_NAMES = {"bilinear": "UpsampleBilinear2DAaBackward0", "bicubic": "UpsampleBicubic2DAaBackward0",
             "lanczos": "UpsampleLanczos2DAaBackward0"}
_LINEAR_DIMS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _is_integer(x):
    from .._tensor import Tensor
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return True
    return isinstance(x, Tensor) and not x.is_floating_point()


def _resample(input, output_size, scales, mode, align_corners, antialias):
    nd = input.dim() - 2
    in_sizes = tuple(input.shape[2:])
    dt = input._data.dtype
    if mode not in ("nearest", "nearest-exact") and dt.kind not in "f" and str(dt) not in _REDUCED:
        raise NotImplementedError(f"interpolate: mode '{mode}' on {input.dtype} inputs is not supported by ember")
    if any(o <= 0 for o in output_size) or any(i <= 0 for i in in_sizes):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(f'{c}: {v}' for c, v in zip('DHW'[3 - nd:], in_sizes))}) output "
                           f"({', '.join(f'{c}: {v}' for c, v in zip('DHW'[3 - nd:], output_size))})")
    opm = _opmath(dt)
    maps = []
    for d in range(nd):
        i, o, s = in_sizes[d], int(output_size[d]), scales[d] if scales is not None else None
        if antialias:
            idx, w = _aa_taps(i, o, s, align_corners, mode, opm)
        elif mode in ("nearest", "nearest-exact"):
            idx, w = _nearest_taps(i, o, s, mode == "nearest-exact")
        elif mode == "bicubic":
            idx, w = _cubic_taps(i, o, s, align_corners, opm)
        else:
            idx, w = _linear_taps(i, o, s, align_corners, opm)
        maps.append((d - nd, idx, w))
    if antialias:
        maps.reverse()  # torch's separable AA kernel resamples the last dim first
        name = _AA_NAMES[mode]
    else:
        name = _NAMES[mode].format(nd)
    return _run(name, input, tuple(maps))


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """``torch.nn.functional.interpolate``: torch's argument checks, output-size and scale rules."""
    if _amp.active:
        return _amp.run("interpolate", interpolate, input, size, scale_factor, mode, align_corners,
                        recompute_scale_factor, antialias)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input with "
                                 f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please "
                                 "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                                 "...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(x) for x in size]}")
            output_size = [int(x) for x in size]
        else:
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = list(scale_factor)
        else:
            scale_factors = [scale_factor] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [int(math.floor(float(input.shape[i + 2]) * scale_factors[i])) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if output_size is None:
        output_size = [int(math.floor(float(input.shape[i + 2]) * scale_factors[i])) for i in range(dim)]
    if mode in ("nearest", "nearest-exact") and input.dim() in (3, 4, 5):
        return _resample(input, output_size, scale_factors, mode, None, False)
    if mode == "area" and input.dim() in (3, 4, 5):
        from .pooling import adaptive_avg_pool
        if dim == 1:
            return adaptive_avg_pool(2, input.unsqueeze(-2), (1, output_size[0])).squeeze(-2)
        return adaptive_avg_pool(dim, input, tuple(output_size))
    if mode == "lanczos" and input.dim() == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if mode in _LINEAR_DIMS and input.dim() == _LINEAR_DIMS[mode] or mode == "lanczos" and input.dim() == 4:
        return _resample(input, output_size, scale_factors, mode, align_corners, antialias)
    need = {"linear": "3D", "bilinear": "4D", "trilinear": "5D"}
    if mode in need and input.dim() in (3, 4, 5):
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need[mode]} input")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the "
                              "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
                              f"(got {mode})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated ``nn.functional.upsample``: warns, then ``interpolate``."""
    import warnings
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated ``nn.functional.upsample_nearest``."""
    import warnings
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated ``nn.functional.upsample_bilinear`` (align_corners=True)."""
    import warnings
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = []
