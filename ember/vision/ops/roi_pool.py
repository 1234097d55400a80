"""RoI max pooling (``torchvision.ops.roi_pool``, Fast R-CNN), with gradients with respect to the input.

Bins follow torchvision's CPU kernel: box corners are rounded (half away from zero) after scaling, the RoI spans
``end - start + 1`` pixels (at least 1), bin ``p`` covers ``[floor(p * size / pooled), ceil((p + 1) * size /
pooled))`` offset by the start and clipped to the map; an empty bin gives 0.  The maximum's position (the first
one in row-major order) is found on the raw arrays and the output gathered from the input with ember indexing,
so the gradient flows to those positions, as torchvision's backward does.
"""
import numpy as np

from ... import Tensor, nn, where
from ..._device import array_module, device_of_array
from ..._tensor import _wrap
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

__all__ = ["roi_pool", "RoIPool"]

_FLT_MAX = float(np.finfo(np.float32).max)


def _pair(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _round_half_away(xp, x):
    return xp.sign(x) * xp.floor(xp.abs(x) + 0.5)


def _bin_edges(xp, start, length, pooled, size, dtype):
    """[K, pooled] first and one-past-last pixel of each bin along one axis."""
    bin_size = length.astype(dtype) / dtype(pooled)
    p = xp.arange(pooled, dtype=dtype)[None, :]
    lo = xp.floor(p * bin_size[:, None]).astype(np.int64)
    hi = xp.ceil((p + 1) * bin_size[:, None]).astype(np.int64)
    lo = xp.clip(lo + start[:, None], 0, size)
    hi = xp.clip(hi + start[:, None], 0, size)
    return lo, hi


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Max-pool each RoI into ``output_size`` bins.

    input: [N, C, H, W]; boxes: [K, 5] (batch index, x1, y1, x2, y2) or a list of per-image [L, 4] tensors.
    Returns [K, C, output_h, output_w].
    """
    check_roi_boxes_shape(boxes)
    rois = boxes
    pooled_h, pooled_w = _pair(output_size)
    if not isinstance(rois, Tensor):
        rois = convert_boxes_to_roi_format(rois)
    n, c, height, width = input.shape
    r = rois.detach()._data
    x = input.detach()._data
    xp = array_module(device_of_array(x))
    dtype = x.dtype.type
    r = r.astype(dtype)
    k = r.shape[0]
    if k == 0:
        return input.new_zeros((0, c, pooled_h, pooled_w))
    corners = _round_half_away(xp, r[:, 1:] * dtype(spatial_scale)).astype(np.int64)
    start_w, start_h, end_w, end_h = corners[:, 0], corners[:, 1], corners[:, 2], corners[:, 3]
    roi_w = xp.maximum(end_w - start_w + 1, 1)
    roi_h = xp.maximum(end_h - start_h + 1, 1)
    hs, he = _bin_edges(xp, start_h, roi_h, pooled_h, height, dtype)
    ws, we = _bin_edges(xp, start_w, roi_w, pooled_w, width, dtype)
    batch = r[:, 0].astype(np.int64)

    # the windows of bin (ph, pw) for all RoIs at once, padded to the largest window
    wh = max(int((he - hs).max()), 1)
    ww = max(int((we - ws).max()), 1)
    dy = xp.arange(wh)
    dx = xp.arange(ww)
    rows = hs[:, :, None, None, None] + dy[None, None, None, :, None]            # [K, PH, 1, WH, 1]
    cols = ws[:, None, :, None, None] + dx[None, None, None, None, :]            # [K, 1, PW, 1, WW]
    inside = (rows < he[:, :, None, None, None]) & (cols < we[:, None, :, None, None])
    flat = (xp.minimum(rows, height - 1) * width + xp.minimum(cols, width - 1))  # [K, PH, PW, WH, WW]
    flat = xp.broadcast_to(flat, inside.shape).reshape(k, pooled_h, pooled_w, wh * ww)
    inside = inside.reshape(k, pooled_h, pooled_w, wh * ww)
    xf = x.reshape(n, c, height * width)
    vals = xf[batch[:, None, None, None, None], xp.arange(c)[None, :, None, None, None], flat[:, None]]
    vals = xp.where(inside[:, None], vals, -xp.inf)
    arg = vals.argmax(axis=-1)
    best = xp.take_along_axis(vals, arg[..., None], axis=-1)[..., 0]
    found = best > -_FLT_MAX
    empty = ~inside.any(axis=-1)[:, None]                                         # [K, 1, PH, PW]
    pos = xp.take_along_axis(flat[:, None], arg[..., None], axis=-1)[..., 0]

    kk = xp.broadcast_to(batch[:, None, None, None], pos.shape)
    cc = xp.broadcast_to(xp.arange(c)[None, :, None, None], pos.shape)
    gathered = input.reshape(n, c, height * width)[_wrap(kk), _wrap(cc), _wrap(pos)]
    fallback = _wrap(xp.where(empty, dtype(0), dtype(-_FLT_MAX)).astype(dtype))
    return where(_wrap(found & ~empty), gathered, fallback)


class RoIPool(nn.Module):
    """See :func:`roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
