"""Fractional max pooling (``fractional_max_pool2d``/``3d``), torch's pseudo-random pooling regions.

Each (sample, channel) plane draws one number u per spatial dim (``torch.rand(N, C, nd)``, the same draws
as torch under the same seed; 2-D uses u[0] for W and u[1] for H, 3-D u[0..2] for T, H, W).  Window
starts are ``int((i + u) * alpha) - int(u * alpha)`` with ``alpha = (in - k) / (out - 1)`` computed in the
input's floating type, the last window ending at the input's edge, as ATen's ``generate_intervals``.  The
maximum prefers NaN (the last one), then the first largest value; indices are flat plane positions and the
derivative scatters to them, like max pooling's.
"""
import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from ..autograd.grad_mode import is_grad_enabled
from .pooling import _max_pool_grad


def _intervals(u, in_size, out_size, k):
    """Window starts (planes, out_size) for the samples ``u`` (planes,)."""
    dt = u.dtype.type
    xp = _xp(u)
    starts = xp.empty(u.shape + (out_size,), np.int64)
    if out_size > 1:
        alpha = dt(dt(in_size - k) / dt(out_size - 1))
        i = xp.arange(out_size - 1).astype(dt)
        starts[:, :-1] = (((i + u[:, None]) * alpha).astype(np.int64)
                          - (u * alpha).astype(np.int64)[:, None])
    if out_size > 0:
        starts[:, -1] = in_size - k
    return starts


def _fractional_fwd(x, nd, kernel, out, samples):
    lead = x.shape[:-nd]
    spatial = x.shape[-nd:]
    planes = int(np.prod(lead))
    flat = x.reshape(planes, -1)
    u = samples.reshape(planes, nd)
    order = (1, 0) if nd == 2 else (0, 1, 2)  # which sample drives each spatial dim
    strides = [int(np.prod(spatial[i + 1:])) for i in range(nd)]
    xp = _xp(x)
    idx = xp.zeros((planes,) + tuple(out) + tuple(kernel), np.int64)
    for d in range(nd):
        starts = _intervals(u[:, order[d]], spatial[d], out[d], kernel[d])
        pos = starts.reshape((planes,) + (1,) * d + (out[d],) + (1,) * (nd - 1 - d) + (1,) * d + (1,) +
                             (1,) * (nd - 1 - d))
        offs = xp.arange(kernel[d]).reshape((1,) * (1 + nd + d) + (kernel[d],) + (1,) * (nd - 1 - d))
        idx = idx + (pos + offs) * strides[d]
    idx = idx.reshape(planes, int(np.prod(out)), int(np.prod(kernel)))
    vals = np.take_along_axis(flat, idx.reshape(planes, -1), 1).reshape(idx.shape)
    best = np.argmax(vals, axis=-1)
    if vals.dtype.kind == "f":
        nan = np.isnan(vals)
        last_nan = vals.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        best = np.where(nan.any(-1), last_nan, best)
    chosen = np.take_along_axis(idx, best[..., None], -1)[..., 0]
    values = np.take_along_axis(flat, chosen, 1)
    return values.reshape(lead + tuple(out)), chosen.reshape(lead + tuple(out))


# args start with nd, as max pooling's, so its derivative (a scatter to the indices) serves here too
_prims = {nd: Primitive(f"FractionalMaxPool{nd}DBackward0", _fractional_fwd, _max_pool_grad, save_output=True, nout=2,
                        nondiff=(1,)) for nd in (2, 3)}


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _fractional(nd, input, kernel_size, output_size, output_ratio, _random_samples):
    if _amp.active:
        return _amp.run(f"fractional_max_pool{nd}d", _fractional, nd, input, kernel_size, output_size, output_ratio,
                        _random_samples)
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = (output_ratio,) * nd if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        output_size = [int(input.size(-nd + i) * ratio[i]) for i in range(nd)]
    if _random_samples is None:
        from .random_ops import rand
        n_batch = 1 if input.dim() == nd + 1 else input.size(0)
        _random_samples = rand(n_batch, input.size(-nd - 1), nd, dtype=input.dtype, device=input.device)
    kernel = _tuple(kernel_size, nd)
    out = _tuple(output_size, nd)
    if len(kernel) != nd or len(out) != nd:
        raise RuntimeError(f"{name}: kernel_size and output_size must each have {nd} elements")
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}")
    for i in range(1 if input.dim() == nd + 2 else 0, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but got "
                               f"input with sizes {list(input.shape)}")
    spatial = tuple(input.shape[-nd:])
    names = ("time", "height", "width")[3 - nd:]
    for d in range(nd):
        if out[d] + kernel[d] - 1 > spatial[d]:
            raise RuntimeError(f"{name}(): pool {names[d]} {kernel[d]} too large relative to input {names[d]} "
                               f"{spatial[d]}")
    s = _random_samples
    if s.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{name}' is not differentiable with respect to argument 'random_samples'. "
                           "This input cannot have requires_grad True.")
    if s.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if s.dim() != 3:
        raise RuntimeError(f"Expect _random samples to have 3 dimensions, got {s.dim()}")
    n = 1 if input.dim() == nd + 1 else input.shape[0]
    if s.shape[0] < n:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if s.shape[1] != input.shape[-nd - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if s.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {s.shape[2]}.")
    samples = s._data[:n] if input.dim() == nd + 2 else s._data[:1].reshape(s.shape[1], nd)
    return apply(_prims[nd], (input,), (nd, kernel, out, samples))


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """``torch.nn.functional.fractional_max_pool2d_with_indices``: (values, indices)."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """``torch.nn.functional.fractional_max_pool2d``."""
    r = _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)
    return r if return_indices else r[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """``torch.nn.functional.fractional_max_pool3d_with_indices``: (values, indices)."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """``torch.nn.functional.fractional_max_pool3d``."""
    r = _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)
    return r if return_indices else r[0]


__all__ = []
