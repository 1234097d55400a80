"""Channel/space rearrangements: ``pixel_shuffle``, ``pixel_unshuffle``, ``channel_shuffle`` and
``native_channel_shuffle``.

Each is a reshape-transpose-copy (the result is contiguous, as torch's kernels return); pixel shuffle and
unshuffle are each other's derivative, channel shuffle's derivative is the shuffle with the group
counts swapped.  ``native_channel_shuffle`` has no derivative in torch: backward through it raises.
"""
import numpy as np

from .._device import xp_of as _xp

from .._prim import Primitive, apply


def _pixel_shuffle_fwd(x, r):
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape(tuple(lead) + (oc, r, r, h, w))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return _xp(y).ascontiguousarray(y).reshape(tuple(lead) + (oc, h * r, w * r))


def _pixel_unshuffle_fwd(x, r):
    *lead, c, h, w = x.shape
    oh, ow = h // r, w // r
    y = x.reshape(tuple(lead) + (c, oh, r, ow, r))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return _xp(y).ascontiguousarray(y).reshape(tuple(lead) + (c * r * r, oh, ow))


_PIXEL_SHUFFLE = Primitive("PixelShuffleBackward0", _pixel_shuffle_fwd,
                           lambda c, g: (apply(_PIXEL_UNSHUFFLE, (g,), c.args),))
_PIXEL_UNSHUFFLE = Primitive("PixelUnshuffleBackward0", _pixel_unshuffle_fwd,
                             lambda c, g: (apply(_PIXEL_SHUFFLE, (g,), c.args),))


def pixel_shuffle(input, upscale_factor):
    """``torch.pixel_shuffle``: (*, C*r^2, H, W) -> (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    return apply(_PIXEL_SHUFFLE, (input,), (r,))


def pixel_unshuffle(input, downscale_factor):
    """``torch.pixel_unshuffle``: (*, C, H*r, W*r) -> (*, C*r^2, H, W)."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} "
                           f"is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} "
                           f"is not divisible by {r}")
    return apply(_PIXEL_UNSHUFFLE, (input,), (r,))


def _channel_shuffle_fwd(x, groups):
    n, c = x.shape[:2]
    y = x.reshape((n, groups, c // groups) + x.shape[2:]).swapaxes(1, 2)
    return _xp(y).ascontiguousarray(y).reshape(x.shape)


_CHANNEL_SHUFFLE = Primitive(
    "ChannelShuffleBackward0", _channel_shuffle_fwd,
    lambda c, g: (apply(_CHANNEL_SHUFFLE, (g,), (g.shape[1] // c.args[0],)),))


def _no_derivative(ctx, g):
    raise RuntimeError("derivative for aten::native_channel_shuffle is not implemented")


_NATIVE_CHANNEL_SHUFFLE = Primitive("NotImplemented", _channel_shuffle_fwd, _no_derivative)


def _check_channel_shuffle(input, groups):
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")


def channel_shuffle(input, groups):
    """``torch.channel_shuffle``: split the channels (dim 1) into ``groups`` and interleave them."""
    _check_channel_shuffle(input, int(groups))
    return apply(_CHANNEL_SHUFFLE, (input,), (int(groups),))


def native_channel_shuffle(input, groups):
    """``torch.native_channel_shuffle``: ``channel_shuffle`` without a derivative, as in torch."""
    _check_channel_shuffle(input, int(groups))
    return apply(_NATIVE_CHANNEL_SHUFFLE, (input,), (int(groups),))


__all__ = []
