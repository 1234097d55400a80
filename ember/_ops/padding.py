"""``nn.functional.pad``: constant, reflect, replicate and circular padding, differentiable.

Constant padding writes the input into a filled buffer (negative pads crop).  The other modes are
separable index maps: along each padded dim the output gathers input positions, so the forward is
``take`` per dim and the derivative is the matching scatter-add — two primitives, each the other's
derivative.
"""
import numpy as np

from .._device import xp_of as _xp
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp

_MODES = ("constant", "reflect", "replicate", "circular")


def _constant_fwd(x, pads, value):
    n = len(pads)
    shape = list(x.shape)
    src, dst = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    for i, (lo, hi) in enumerate(pads):
        d = x.ndim - n + i
        size = x.shape[d]
        shape[d] = size + lo + hi
        if shape[d] < 0:
            raise RuntimeError(f"The input size {size}, plus negative padding {lo} and {hi} resulted in a negative "
                               f"output size, which is invalid. Check dimension {d} of your input.")
        src[d] = slice(max(-lo, 0), size - max(-hi, 0))
        dst[d] = slice(max(lo, 0), max(lo, 0) + max(size - max(-lo, 0) - max(-hi, 0), 0))
    out = _xp(x).full(shape, value, x.dtype)
    out[tuple(dst)] = x[tuple(src)]
    return out


def _constant_grad(ctx, g):
    pads, _ = ctx.args
    return (apply(_CONSTANT, (g,), (tuple((-lo, -hi) for lo, hi in pads), 0)),)


_CONSTANT = Primitive("ConstantPadNdBackward0", _constant_fwd, _constant_grad)


def _index_map(size, lo, hi, mode):
    """Input position of every output position along one dim."""
    pos = np.arange(-lo, size + hi)
    if mode == "reflect":
        period = 2 * (size - 1)
        pos = np.abs(pos) % period if period else np.zeros_like(pos)
        pos = np.where(pos >= size, period - pos, pos)
    elif mode == "replicate":
        pos = np.clip(pos, 0, size - 1)
    else:
        pos = pos % size
    return pos


def _gather_fwd(x, maps):
    xp = _xp(x)
    for d, idx, _ in maps:
        x = xp.take(x, xp.asarray(idx), axis=d)
    return x


def _scatter_fwd(g, maps):
    xp = _xp(g)
    for d, idx, size in reversed(maps):
        shape = list(g.shape)
        shape[d] = size
        out = xp.zeros(shape, g.dtype)
        xp.add.at(out, (slice(None),) * d + (xp.asarray(idx),), g)
        g = out
    return g


_GATHER = Primitive("ReflectionPadBackward0", _gather_fwd, lambda c, g: (apply(_SCATTER, (g,), c.args),))
_SCATTER = Primitive("PadBackwardBackward0", _scatter_fwd, lambda c, g: (apply(_GATHER, (g,), c.args),))
_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
          "circular": "CopySlices"}  # torch builds circular padding from in-place slice copies
_gathers = {}


def _gather_prim(mode, n):
    """One primitive per (mode, padded dims) so grad_fn names read like torch's (ReflectionPad2DBackward0)."""
    prim = _gathers.get((mode, n))
    if prim is None:
        prim = _gathers[mode, n] = Primitive(_NAMES[mode].format(n), _gather_fwd, _GATHER.bwd)
        if mode == "circular":
            # a node class of its own: the in-place machinery's CopySlices (views.py) has other state to release
            from ..autograd.graph import OpNode
            cls = type("CopySlices", (OpNode,), {"__slots__": (), "name": prim.node_cls.name})
            cls.__module__ = "builtins"
            prim.node_cls = cls
    return prim


def pad(input, pad, mode="constant", value=None):
    """``torch.nn.functional.pad``: ``pad`` lists (left, right) pairs starting from the last dim."""
    if _amp.active:
        return _amp.run("pad", _pad_fn, input, pad, mode, value)
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    pairs = tuple((int(pad[2 * i]), int(pad[2 * i + 1])) for i in reversed(range(n)))
    if mode == "constant":
        return apply(_CONSTANT, (input,), (pairs, 0 if value is None else value))
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    if input.dim() not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D "
            "input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 "
            "dimensions)")
    maps = []
    for i, (lo, hi) in enumerate(pairs):
        d = input.dim() - n + i
        size = input.shape[d]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if lo or hi:
            maps.append((d, _index_map(size, lo, hi, mode), size))
    if not maps:
        return input.clone()
    return apply(_gather_prim(mode, n), (input,), (tuple(maps),))


_pad_fn = pad  # for the autocast guard, where the argument ``pad`` shadows the function


__all__ = []
