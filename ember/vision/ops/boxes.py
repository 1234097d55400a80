"""Box utilities and non-maximum suppression (``torchvision.ops.boxes``).

Boxes are ``(x1, y1, x2, y2)`` unless a ``fmt`` says otherwise.  The box arithmetic is ember ops (so it is
differentiable, as torchvision's); NMS follows torchvision's CPU kernel: a stable descending sort by score, then
greedy suppression of later boxes whose IoU (computed in the boxes' dtype) exceeds the threshold.
"""
import numpy as np

import math

from ... import atan, float32, float64, int32, int64, stack, tensor, where, zeros
from ... import max as _max, min as _min
from ..._device import array_module, device_of_array
from ..._tensor import _wrap
from ._box_convert import (_box_cxcywh_to_xyxy, _box_cxcywhr_to_xywhr, _box_xywh_to_xyxy, _box_xywhr_to_cxcywhr,
                           _box_xywhr_to_xyxyxyxy, _box_xyxy_to_cxcywh, _box_xyxy_to_xywh, _box_xyxyxyxy_to_xywhr)

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert", "box_area", "box_iou",
           "generalized_box_iou", "complete_box_iou", "distance_box_iou", "masks_to_boxes"]


def _upcast(t):
    """Protect products from overflow: floats below 32 bits -> float32, ints below 32 bits -> int32."""
    if t.is_floating_point():
        return t if t.dtype in (float32, float64) else t.float()
    return t if t.dtype in (int32, int64) else t.int()


def _nms_keep(b, s, iou_threshold):
    """Indices kept by greedy NMS over arrays ``b`` [N, 4] and ``s`` [N] (torchvision's CPU kernel)."""
    xp = array_module(device_of_array(b))
    n = b.shape[0]
    if n == 0:
        return xp.zeros((0,), dtype=np.int64)
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    order = xp.argsort(-s, kind="stable")
    suppressed = xp.zeros(n, dtype=bool)
    thr = b.dtype.type(iou_threshold)
    keep = []
    for pos in range(n):  # greedy and sequential by definition; each step is vectorised over the rest
        i = int(order[pos])
        if suppressed[i]:
            continue
        keep.append(i)
        rest = order[pos + 1:]
        rest = rest[~suppressed[rest]]
        if rest.size == 0:
            continue
        w = xp.maximum(xp.minimum(x2[i], x2[rest]) - xp.maximum(x1[i], x1[rest]), 0)
        h = xp.maximum(xp.minimum(y2[i], y2[rest]) - xp.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        ovr = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest[ovr > thr]] = True
    return xp.asarray(keep, dtype=np.int64)


def nms(boxes, scores, iou_threshold):
    """Indices (int64) of the boxes kept by non-maximum suppression, in decreasing order of score: a box is
    dropped when its IoU with a kept, higher-scoring box is greater than ``iou_threshold``."""
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError(f"boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.size(0)} and {scores.size(0)}")
    return _wrap(_nms_keep(boxes.detach()._data, scores.detach()._data, iou_threshold))


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category ``idxs`` (boxes of different categories never suppress each other); indices
    in decreasing order of score."""
    if boxes.numel() > (4000 if boxes.device.type == "cpu" else 100_000):
        return _batched_nms_vanilla(boxes, scores, idxs, iou_threshold)
    return _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold)


def _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold):
    # shift each category's boxes by (category * (max coordinate + 1)) so that categories never overlap
    if boxes.numel() == 0:
        return zeros((0,), dtype=int64, device=boxes.device)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + tensor(1).to(boxes))
    boxes_for_nms = boxes + offsets[:, None]
    return nms(boxes_for_nms, scores, iou_threshold)


def _batched_nms_vanilla(boxes, scores, idxs, iou_threshold):
    keep_mask = zeros(scores.shape, dtype=bool, device=scores.device)
    for class_id in idxs.unique():
        curr_indices = where(idxs == class_id)[0]
        curr_keep_indices = nms(boxes[curr_indices], scores[curr_indices], iou_threshold)
        keep_mask[curr_indices[curr_keep_indices]] = True
    keep_indices = where(keep_mask)[0]
    return keep_indices[scores[keep_indices].sort(descending=True)[1]]


def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both at least ``min_size``."""
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    keep = (ws >= min_size) & (hs >= min_size)
    return where(keep)[0]


def clip_boxes_to_image(boxes, size):
    """Clamp x to [0, width] and y to [0, height]; ``size`` is (height, width)."""
    dim = boxes.dim()
    boxes_x = boxes[..., 0::2]
    boxes_y = boxes[..., 1::2]
    height, width = size
    boxes_x = boxes_x.clamp(min=0, max=width)
    boxes_y = boxes_y.clamp(min=0, max=height)
    clipped_boxes = stack((boxes_x, boxes_y), dim=dim)
    return clipped_boxes.reshape(boxes.shape)


_ALL_FMTS = ("xyxy", "xywh", "cxcywh", "xywhr", "cxcywhr", "xyxyxyxy")


def box_convert(boxes, in_fmt, out_fmt):
    """Convert between 'xyxy', 'xywh', 'cxcywh' and, for rotated boxes, 'xywhr', 'cxcywhr', 'xyxyxyxy'
    (angles in degrees, counter-clockwise)."""
    if in_fmt not in _ALL_FMTS or out_fmt not in _ALL_FMTS:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    e = (in_fmt, out_fmt)
    if e == ("xywh", "xyxy"):
        return _box_xywh_to_xyxy(boxes)
    if e == ("cxcywh", "xyxy"):
        return _box_cxcywh_to_xyxy(boxes)
    if e == ("xyxy", "xywh"):
        return _box_xyxy_to_xywh(boxes)
    if e == ("xyxy", "cxcywh"):
        return _box_xyxy_to_cxcywh(boxes)
    if e == ("xywh", "cxcywh"):
        return _box_xyxy_to_cxcywh(_box_xywh_to_xyxy(boxes))
    if e == ("cxcywh", "xywh"):
        return _box_xyxy_to_xywh(_box_cxcywh_to_xyxy(boxes))
    if e == ("cxcywhr", "xywhr"):
        return _box_cxcywhr_to_xywhr(boxes)
    if e == ("xywhr", "cxcywhr"):
        return _box_xywhr_to_cxcywhr(boxes)
    if e == ("cxcywhr", "xyxyxyxy"):
        return _box_xywhr_to_xyxyxyxy(_box_cxcywhr_to_xywhr(boxes).to(boxes.dtype))
    if e == ("xyxyxyxy", "cxcywhr"):
        return _box_xywhr_to_cxcywhr(_box_xyxyxyxy_to_xywhr(boxes).to(boxes.dtype))
    if e == ("xywhr", "xyxyxyxy"):
        return _box_xywhr_to_xyxyxyxy(boxes)
    if e == ("xyxyxyxy", "xywhr"):
        return _box_xyxyxyxy_to_xywhr(boxes)
    raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {e[0]} and out_fmt {e[1]}")


def box_area(boxes, fmt="xyxy"):
    """Areas of boxes given as 'xyxy', 'xywh' or 'cxcywh'."""
    if fmt not in ("xyxy", "xywh", "cxcywh"):
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    area1 = box_area(boxes1, fmt=fmt)
    area2 = box_area(boxes2, fmt=fmt)
    if fmt not in ("xyxy", "xywh", "cxcywh"):
        raise ValueError(f"Unsupported Box IoU Calculation for given fmt {fmt}.")
    if fmt == "xyxy":
        lt = _max(boxes1[..., None, :2], boxes2[..., None, :, :2])
        rb = _min(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    elif fmt == "xywh":
        lt = _max(boxes1[..., None, :2], boxes2[..., None, :, :2])
        rb = _min(boxes1[..., None, :2] + boxes1[..., None, 2:], boxes2[..., None, :, :2] + boxes2[..., None, :, 2:])
    else:
        lt = _max(boxes1[..., None, :2] - boxes1[..., None, 2:] / 2, boxes2[..., None, :, :2] - boxes2[..., None, :, 2:] / 2)
        rb = _min(boxes1[..., None, :2] + boxes1[..., None, 2:] / 2, boxes2[..., None, :, :2] + boxes2[..., None, :, 2:] / 2)
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[..., None] + area2[..., None, :] - inter
    return inter, union


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise IoU [..., N, M] of axis-aligned boxes ('xyxy', 'xywh', 'cxcywh').  The rotated formats need
    torchvision's compiled box_iou_rotated kernel, which ember does not provide."""
    if fmt in ("xyxy", "xywh", "cxcywh"):
        inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
        return inter / union
    if fmt in ("cxcywhr", "xywhr", "xyxyxyxy"):
        raise NotImplementedError(f"box_iou of rotated boxes (fmt='{fmt}') is not implemented in ember")
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: ('xyxy', 'xywh', 'cxcywh'). "
                     f"Supported rotated formats: ('cxcywhr', 'xywhr', 'xyxyxyxy').")


def generalized_box_iou(boxes1, boxes2):
    """Generalized IoU: IoU minus the share of the enclosing box not covered by the union."""
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    lti = _min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = _max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    whi = _upcast(rbi - lti).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    return iou - (areai - union) / areai


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Complete IoU: distance IoU minus an aspect-ratio consistency term."""
    from ...autograd import no_grad
    boxes1 = _upcast(boxes1)
    boxes2 = _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w_pred = boxes1[..., None, 2] - boxes1[..., None, 0]
    h_pred = boxes1[..., None, 3] - boxes1[..., None, 1]
    w_gt = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h_gt = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (math.pi ** 2)) * (atan(w_pred / h_pred) - atan(w_gt / h_gt)).pow(2)
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Distance IoU: IoU minus the squared centre distance over the squared enclosing-box diagonal."""
    boxes1 = _upcast(boxes1)
    boxes2 = _upcast(boxes2)
    diou, _ = _box_diou_iou(boxes1, boxes2, eps=eps)
    return diou


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    lti = _min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = _max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    whi = _upcast(rbi - lti).clamp(min=0)
    diagonal_distance_squared = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + eps
    x_p = (boxes1[..., 0] + boxes1[..., 2]) / 2
    y_p = (boxes1[..., 1] + boxes1[..., 3]) / 2
    x_g = (boxes2[..., 0] + boxes2[..., 2]) / 2
    y_g = (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers_distance_squared = (_upcast(x_p[..., None] - x_g[..., None, :]) ** 2) + (
        _upcast(y_p[..., None] - y_g[..., None, :]) ** 2)
    return iou - (centers_distance_squared / diagonal_distance_squared), iou


def masks_to_boxes(masks):
    """The (x1, y1, x2, y2) bounding box of each of the [N, H, W] masks (zeros for an empty mask)."""
    if masks.numel() == 0:
        return zeros((0, 4), device=masks.device, dtype=float32)
    n, h, w = masks.shape
    masks_bool = masks.bool()
    non_zero_rows = masks_bool.any(dim=2)
    non_zero_cols = masks_bool.any(dim=1)
    empty_masks = ~non_zero_rows.any(dim=1)
    non_zero_rows_f = non_zero_rows.float()
    non_zero_cols_f = non_zero_cols.float()
    y1 = non_zero_rows_f.argmax(dim=1)
    x1 = non_zero_cols_f.argmax(dim=1)
    y2 = (h - 1) - non_zero_rows_f.flip([1]).argmax(dim=1)
    x2 = (w - 1) - non_zero_cols_f.flip([1]).argmax(dim=1)
    bounding_boxes = stack([x1, y1, x2, y2], dim=1).float()
    bounding_boxes[empty_masks] = 0
    return bounding_boxes
