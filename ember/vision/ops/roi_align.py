"""RoI Align (``torchvision.ops.roi_align``), with gradients with respect to the input.

Sampling follows torchvision's CPU kernel: per output bin, a ``grid_h x grid_w`` grid of points (``sampling_ratio``,
or ``ceil(roi size / output size)`` when <= 0) at ``start + p * bin + (i + 0.5) * bin / grid``, each bilinearly
interpolated (points beyond one pixel outside the map contribute 0, coordinates below 0 clamp to 0, the last
row/column clamps to the edge), averaged.  Bilinear weights are separable, so each RoI is two small
interpolation matrices and the pooled map is ``A_y @ input[b] @ A_x^T`` — ember ops, so autograd gives the
input gradient (RoI coordinates get none, as in torchvision).
"""
import numpy as np

from ... import Tensor, cat, matmul, nn
from ..._device import array_module, device_of_array
from ..._tensor import _wrap
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

__all__ = ["roi_align", "RoIAlign"]


def _pair(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _axis_weights(xp, start, bin_size, grid, pooled, size, dtype):
    """[K, pooled, size] matrices: row p holds the summed bilinear weights of bin p's sample points."""
    k = start.shape[0]
    gmax = int(grid.max()) if k else 0
    p = xp.arange(pooled, dtype=dtype)[None, :, None]
    i = xp.arange(gmax, dtype=dtype)[None, None, :]
    # the kernel's float expression order: start + p * bin + (i + .5) * bin / grid
    coord = start[:, None, None] + p * bin_size[:, None, None] + (i + dtype(0.5)) * bin_size[:, None, None] \
        / grid[:, None, None].astype(dtype)
    in_grid = xp.arange(gmax)[None, None, :] < grid[:, None, None]
    valid = in_grid & (coord >= -1.0) & (coord <= size)
    c = xp.maximum(coord, 0)
    low = c.astype(np.int64)
    at_edge = low >= size - 1
    low = xp.where(at_edge, size - 1, low)
    high = xp.where(at_edge, size - 1, low + 1)
    c = xp.where(at_edge, low.astype(dtype), c)
    frac = c - low
    w_low = xp.where(valid, 1 - frac, 0).astype(dtype)
    w_high = xp.where(valid, frac, 0).astype(dtype)
    rows = (xp.arange(k)[:, None, None] * pooled + xp.arange(pooled)[None, :, None]) * size
    flat = xp.concatenate([(rows + low).ravel(), (rows + high).ravel()])
    weights = xp.concatenate([w_low.ravel(), w_high.ravel()])
    return xp.bincount(flat, weights, minlength=k * pooled * size).reshape(k, pooled, size).astype(dtype)


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align of Mask R-CNN.

    input: [N, C, H, W]; boxes: [K, 5] (batch index, x1, y1, x2, y2) or a list of per-image [L, 4] tensors;
    output_size: (h, w) or int; spatial_scale maps box coordinates to the input's; aligned=True shifts boxes by
    -0.5 pixel (Detectron2).  Returns [K, C, output_h, output_w].
    """
    check_roi_boxes_shape(boxes)
    rois = boxes
    pooled_h, pooled_w = _pair(output_size)
    if not isinstance(rois, Tensor):
        rois = convert_boxes_to_roi_format(rois)
    n, c, height, width = input.shape
    r = rois.detach()._data
    xp = array_module(device_of_array(r))
    dtype = input._data.dtype.type
    r = r.astype(dtype)
    scale = dtype(spatial_scale)
    offset = dtype(0.5 if aligned else 0.0)
    start_w = r[:, 1] * scale - offset
    start_h = r[:, 2] * scale - offset
    roi_w = r[:, 3] * scale - offset - start_w
    roi_h = r[:, 4] * scale - offset - start_h
    if not aligned:
        roi_w = xp.maximum(roi_w, dtype(1.0))
        roi_h = xp.maximum(roi_h, dtype(1.0))
    bin_h = roi_h / dtype(pooled_h)
    bin_w = roi_w / dtype(pooled_w)
    if sampling_ratio > 0:
        grid_h = xp.full(r.shape[0], sampling_ratio, dtype=np.int64)
        grid_w = grid_h
    else:
        grid_h = xp.ceil(roi_h / dtype(pooled_h)).astype(np.int64)
        grid_w = xp.ceil(roi_w / dtype(pooled_w)).astype(np.int64)
    count = xp.maximum(grid_h * grid_w, 1).astype(dtype)
    ay = _axis_weights(xp, start_h, bin_h, grid_h, pooled_h, height, dtype) / count[:, None, None]
    ax = _axis_weights(xp, start_w, bin_w, grid_w, pooled_w, width, dtype)
    batch = r[:, 0].astype(np.int64)

    k = r.shape[0]
    if k == 0:
        return input.new_zeros((0, c, pooled_h, pooled_w))
    # one pair of matrix products per image of the batch, then back to the RoIs' order
    outs, order = [], []
    for b in np.unique(batch if xp is np else xp.asnumpy(batch)).tolist():
        sel = xp.nonzero(batch == b)[0]
        a_y = _wrap(ay[sel])[:, None]
        a_xt = _wrap(xp.ascontiguousarray(ax[sel].transpose(0, 2, 1)))[:, None]
        outs.append(matmul(a_y, matmul(input[b][None], a_xt)))
        order.append(sel)
    out = outs[0] if len(outs) == 1 else cat(outs, 0)
    perm = xp.concatenate(order)
    if not bool((perm == xp.arange(k)).all()):
        out = out[_wrap(xp.argsort(perm))]
    return out


class RoIAlign(nn.Module):
    """See :func:`roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
