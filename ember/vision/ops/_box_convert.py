"""Conversions between box formats (``torchvision.ops._box_convert``); rotation angles are in degrees."""
import math

from ... import atan2, cos, sin, stack


def _box_cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def _box_xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _box_xywh_to_xyxy(boxes):
    x, y, w, h = boxes.unbind(-1)
    return stack([x, y, x + w, y + h], dim=-1)


def _box_xyxy_to_xywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def _round_back(boxes, dtype, need_cast):
    """Integer boxes come back rounded to their dtype."""
    if need_cast:
        boxes.round_()
        boxes = boxes.to(dtype)
    return boxes


def _box_cxcywhr_to_xywhr(boxes):
    dtype = boxes.dtype
    need_cast = not boxes.is_floating_point()
    cx, cy, w, h, r = boxes.unbind(-1)
    r_rad = r * math.pi / 180.0
    c, s = cos(r_rad), sin(r_rad)
    x1 = cx - w / 2 * c - h / 2 * s
    y1 = cy - h / 2 * c + w / 2 * s
    return _round_back(stack((x1, y1, w, h, r), dim=-1), dtype, need_cast)


def _box_xywhr_to_cxcywhr(boxes):
    dtype = boxes.dtype
    need_cast = not boxes.is_floating_point()
    x1, y1, w, h, r = boxes.unbind(-1)
    r_rad = r * math.pi / 180.0
    c, s = cos(r_rad), sin(r_rad)
    cx = x1 + w / 2 * c + h / 2 * s
    cy = y1 - w / 2 * s + h / 2 * c
    return _round_back(stack([cx, cy, w, h, r], dim=-1), dtype, need_cast)


def _box_xywhr_to_xyxyxyxy(boxes):
    dtype = boxes.dtype
    need_cast = not boxes.is_floating_point()
    x1, y1, w, h, r = boxes.unbind(-1)
    r_rad = r * math.pi / 180.0
    c, s = cos(r_rad), sin(r_rad)
    x2 = x1 + w * c
    y2 = y1 - w * s
    x3 = x2 + h * s
    y3 = y2 + h * c
    x4 = x1 + h * s
    y4 = y1 + h * c
    return _round_back(stack((x1, y1, x2, y2, x3, y3, x4, y4), dim=-1), dtype, need_cast)


def _box_xyxyxyxy_to_xywhr(boxes):
    dtype = boxes.dtype
    need_cast = not boxes.is_floating_point()
    x1, y1, x2, y2, x3, y3, x4, y4 = boxes.unbind(-1)
    r_rad = atan2(y1 - y2, x2 - x1)
    r = r_rad * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return _round_back(stack((x1, y1, w, h, r), dim=-1), dtype, need_cast)
