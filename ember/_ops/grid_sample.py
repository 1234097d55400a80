"""Spatial sampling: ``grid_sample`` (``torch.grid_sampler``) and ``affine_grid`` (``affine_grid_generator``).

Per grid coordinate (x -> W, y -> H, z -> D) the source position is unnormalised from [-1, 1], then padded
(``border`` clips, ``reflection`` reflects then clips) exactly as torch's CPU kernels do (the vectorised
2-D kernel's forms, the scalar 3-D kernel's forms).  Each output is a sum over taps (bilinear 2 per dim,
nearest 1, bicubic 4 with A = -0.75, padding applied to each tap) of weight x input value; out-of-range
taps read zero.  The forward runs in NumPy; the derivative is written in ember ops (gather, scatter_add),
with the tap weights re-expressed as functions of the grid, so it is differentiable again, as torch's
2-D grid sampler is.
"""
import functools
import itertools
import operator

import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import _wrap

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}
_A = -0.75


def _cubic(t):
    def near(x):
        return ((_A + 2) * x - (_A + 3)) * x * x + 1

    def far(x):
        return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_grad(t):
    """d/dt of the four cubic coefficients."""
    def dnear(x):
        return (3 * (_A + 2) * x - 2 * (_A + 3)) * x

    def dfar(x):
        return (3 * _A * x - 10 * _A) * x + 8 * _A
    return [dfar(t + 1), dnear(t), -dnear(1 - t), -dfar(2 - t)]


def _reflect(x, twice_low, twice_high, dt):
    """torch's reflect_coordinates_set_grad: the reflected coordinate and d(reflected)/dx (+-1)."""
    if twice_low == twice_high:
        return np.zeros_like(x), np.zeros_like(x)
    lo = dt(twice_low / 2)
    span = dt((twice_high - twice_low) / 2)
    x = x - lo
    sign = np.where(x < 0, -1, 1).astype(dt)
    x = np.abs(x)
    extra = np.fmod(x, span)
    even = np.floor(x / span) % 2 == 0
    return np.where(even, extra + lo, span - extra + lo), np.where(even, sign, -sign)


def _clip(x, size, strict):
    """Clip to [0, size - 1]; the derivative is 1 strictly inside (2-D kernel) or on the closed range (3-D)."""
    hi = size - 1
    inside = (x > 0) & (x < hi) if strict else (x >= 0) & (x <= hi)
    return np.clip(x, 0, hi), inside


def _pad(x, size, padding, ac, strict, dt):
    """compute_coordinates: the padded source coordinate and its derivative factor."""
    if padding == 0:
        return x, np.ones_like(x)
    mult = np.ones_like(x)
    if padding == 2:
        x, mult = _reflect(x, 0, 2 * (size - 1), dt) if ac else _reflect(x, -1, 2 * size - 1, dt)
    x, inside = _clip(x, size, strict)
    return x, mult * inside


def _unnormalize(coord, size, ac, vectorised, dt):
    if ac:
        scale = dt((size - 1) / 2)
        x = (coord + dt(1)) * scale if vectorised else ((coord + dt(1)) / dt(2)) * dt(size - 1)
    else:
        scale = dt(size / 2)
        x = (coord + dt(1)) * scale - dt(0.5) if vectorised else ((coord + dt(1)) * dt(size) - dt(1)) / dt(2)
    return x, scale


class _Dim:
    """One spatial dim's taps: positions, in-range masks, the fraction ``t`` and dt/dgrid."""
    __slots__ = ("pos", "valid", "t", "m", "kind")


def _plan(grid, sizes, mode, padding, ac):
    """Tap tables for every spatial dim of ``grid`` (N, *out, nd); ``sizes`` are the input's spatial sizes."""
    nd = grid.shape[-1]
    dt = grid.dtype.type
    vectorised = nd == 2
    dims = []
    for k in range(nd):
        size = sizes[nd - 1 - k]
        d = _Dim()
        x, scale = _unnormalize(grid[..., k], size, ac, vectorised, dt)
        if mode == 2:
            base = np.floor(x)
            d.t, d.m, d.kind = x - base, np.full_like(x, scale), 2
            d.pos, d.valid = [], []
            for j in range(-1, 3):
                c, _ = _pad(base + j, size, padding, ac, vectorised, dt)
                d.pos.append(c.astype(np.int64))
                d.valid.append((c >= 0) & (c <= size - 1))
        else:
            x, mult = _pad(x, size, padding, ac, vectorised, dt)
            if mode == 1:
                c = np.rint(x)
                d.t, d.m, d.kind = None, None, 1
                d.pos, d.valid = [c.astype(np.int64)], [(c >= 0) & (c <= size - 1)]
            else:
                base = np.floor(x)
                d.t, d.m, d.kind = x - base, mult * scale, 0
                b = base.astype(np.int64)
                d.pos = [b, b + 1]
                d.valid = [(b >= 0) & (b <= size - 1), (b + 1 >= 0) & (b + 1 <= size - 1)]
        dims.append(d)
    return dims


def _weights(d, t):
    """Tap weights of one dim as functions of ``t`` (arrays or tensors)."""
    if d.kind == 1:
        return [1.0]
    if d.kind == 0:
        return [1 - t, t]
    return _cubic(t)


def _dweights(d, t):
    if d.kind == 0:
        return [-1.0, 1.0]
    return _cubic_grad(t)


def _combos(dims, sizes):
    """(tap choice per dim, flat input position (N, P), in-range mask (N, P)) for every tap combination."""
    nd = len(dims)
    strides = [int(np.prod(sizes[nd - k:])) for k in range(nd)]  # grid coord k walks spatial dim nd-1-k
    for choice in itertools.product(*[range(len(d.pos)) for d in dims]):
        flat = sum(d.pos[j] * s for d, j, s in zip(dims, choice, strides))
        valid = functools.reduce(operator.and_, [d.valid[j] for d, j in zip(dims, choice)])
        yield choice, np.where(valid, flat, 0).reshape(flat.shape[0], -1), valid.reshape(flat.shape[0], -1)


def _grid_fwd(x, grid, mode, padding, ac):
    n, c = x.shape[:2]
    sizes = x.shape[2:]
    out_sp = grid.shape[1:-1]
    dims = _plan(grid, sizes, mode, padding, ac)
    xf = x.reshape(n, c, -1)
    p = int(np.prod(out_sp))
    xp = _xp(x)
    out = xp.zeros((n, c, p), x.dtype)
    ws = [_weights(d, d.t) for d in dims]
    for choice, flat, valid in _combos(dims, sizes):
        w = xp.ones((n, p), x.dtype)
        for k, j in enumerate(choice):
            if dims[k].kind != 1:
                w = w * ws[k][j].reshape(n, p)
        vals = np.take_along_axis(xf, np.broadcast_to(flat[:, None, :], (n, c, p)), 2)
        out += vals * np.where(valid, w, 0)[:, None, :]
    return out.reshape((n, c) + out_sp)


def _grid_grad(ctx, g):
    from .elementwise import where
    from .joining import cat, stack
    x, grid = ctx.saved
    mode, padding, ac = ctx.args
    gnp = grid._data
    n, c = x.shape[:2]
    sizes = tuple(x.shape[2:])
    nd = len(sizes)
    p = int(np.prod(gnp.shape[1:-1]))
    dims = _plan(gnp, sizes, mode, padding, ac)
    need_x = ctx.next_functions[0][0] is not None
    need_grid = ctx.next_functions[1][0] is not None and mode != 1
    gf = g.reshape(n, c, p)
    xf = x.reshape(n, c, -1)
    dtype = gnp.dtype
    # the fraction t of each dim as a differentiable function of the grid (value = the forward's t)
    ts = []
    for k, d in enumerate(dims):
        if d.kind == 1:
            ts.append(None)
            continue
        gk = gnp[..., k]
        if need_grid or grid.requires_grad:
            offset = _wrap((d.t - gk * d.m).reshape(n, p).astype(dtype))
            ts.append(grid[..., k].reshape(n, p) * _wrap(d.m.reshape(n, p).astype(dtype)) + offset)
        else:
            ts.append(_wrap(d.t.reshape(n, p).astype(dtype)))
    ws = [_weights(d, t) for d, t in zip(dims, ts)]
    dws = [None if d.kind == 1 else _dweights(d, t) for d, t in zip(dims, ts)]
    idx_parts, src_parts = [], []
    grid_parts = [0] * nd
    for choice, flat, valid in _combos(dims, sizes):
        mask = _wrap(valid)
        w = None
        for k, j in enumerate(choice):
            if dims[k].kind != 1:
                w = ws[k][j] if w is None else w * ws[k][j]
        wm = where(mask, w, 0.0) if w is not None else mask.to(g.dtype)
        idx = _wrap(_xp(flat).ascontiguousarray(np.broadcast_to(flat[:, None, :], (n, c, p))))
        if need_x:
            idx_parts.append(idx)
            src_parts.append(gf * wm.unsqueeze(1))
        if need_grid:
            gv = (gf * xf.gather(2, idx)).sum(1)
            for k, j in enumerate(choice):
                dw = dws[k][j]
                for i, jj in enumerate(choice):
                    if i != k and dims[i].kind != 1:
                        dw = dw * ws[i][jj]
                grid_parts[k] = grid_parts[k] + gv * where(mask, dw, 0.0)
    gx = gg = None
    if need_x:
        gx = xf.new_zeros(xf.shape).scatter_add(2, cat(idx_parts, 2), cat(src_parts, 2)).reshape(x.shape)
    if need_grid:
        parts = [grid_parts[k] * _wrap(dims[k].m.reshape(n, p).astype(dtype)) for k in range(nd)]
        gg = stack(parts, -1).reshape(grid.shape)
    elif ctx.next_functions[1][0] is not None:
        gg = grid.new_zeros(grid.shape)
    return gx, gg


_prims = {nd: Primitive(f"GridSampler{nd}DBackward0", _grid_fwd, _grid_grad, save_inputs=True) for nd in (2, 3)}


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """``torch.grid_sampler`` (integer mode codes: bilinear 0, nearest 1, bicubic 2; zeros 0, border 1,
    reflection 2)."""
    nd = input.dim() - 2
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        from .._errors import scalar_type_name
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(grid.dtype)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with sizes "
                           f"{list(grid.shape)}")
    for i in range(2, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {i} being empty")
    if interpolation_mode == 2 and nd != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    dt = input._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        from .._errors import scalar_type_name
        raise NotImplementedError(f'"grid_sampler_{nd}d_cpu" not implemented for \'{scalar_type_name(input.dtype)}\'')
    return apply(_prims[nd], (input, grid), (int(interpolation_mode), int(padding_mode), bool(align_corners)))


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``torch.nn.functional.grid_sample``."""
    if _amp.active:
        return _amp.run("grid_sample", grid_sample, input, grid, mode, padding_mode, align_corners)
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
                         f"but got: '{padding_mode}'")
    if align_corners is None:
        import warnings
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    return grid_sampler(input, grid, _MODES[mode], _PADDINGS[padding_mode], align_corners)


# ----------------------------------------------------------------------------------------------------
# affine_grid

def _base_grid(spatial, align_corners, dtype, device):
    """(prod(spatial), nd + 1) rows [x, y, (z,) 1] over the output positions, C order, on ``device``."""
    from .creation import linspace, tensor

    def axis(num):
        if num <= 1:
            return tensor([0.0], dtype=dtype, device=device)
        r = linspace(-1, 1, num, dtype=dtype, device=device)
        return r if align_corners else r * ((num - 1) / num)
    axes = [axis(s)._data for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")
    cols = [m.reshape(-1) for m in reversed(mesh)]  # x walks the last spatial dim
    cols.append(np.ones_like(cols[0]))
    return np.stack(cols, 1)


def _affine_fwd(theta, base, shape):
    return np.matmul(base[None], theta.swapaxes(1, 2)).reshape(shape)


def _affine_grad(ctx, g):
    base = _wrap(ctx.args[0])
    n = g.shape[0]
    return (g.reshape(n, -1, base.shape[1] - 1).transpose(1, 2).matmul(base),)


_AFFINE = Primitive("AffineGridGeneratorBackward0", _affine_fwd, _affine_grad)


def affine_grid_generator(theta, size, align_corners):
    """``torch.affine_grid_generator``: the (N, *spatial, nd) sampling grid of the affine maps ``theta``."""
    size = tuple(int(s) for s in size)
    nd = len(size) - 2
    n = size[0]
    if theta.shape[0] != n:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {nd + 1}] but got: "
                           f"[{theta.shape[0]}, {theta.shape[2]}].")
    base = _base_grid(size[2:], align_corners, theta.dtype, theta.device).astype(theta._data.dtype)
    return apply(_AFFINE, (theta,), (base, (n,) + size[2:] + (nd,)))


def affine_grid(theta, size, align_corners=None):
    """``torch.nn.functional.affine_grid``."""
    if align_corners is None:
        import warnings
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        import warnings
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return affine_grid_generator(theta, size, align_corners)


__all__ = []
