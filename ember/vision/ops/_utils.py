"""Shared helpers of the RoI ops (``torchvision.ops._utils``)."""
from ... import Tensor, cat, full_like


def _cat(tensors, dim=0):
    """``cat`` without a copy for a single tensor."""
    if len(tensors) == 1:
        return tensors[0]
    return cat(tensors, dim)


def convert_boxes_to_roi_format(boxes):
    """A list of per-image [L_i, 4] box tensors -> one [K, 5] tensor whose first column is the image index."""
    concat_boxes = _cat([b for b in boxes], dim=0)
    ids = _cat([full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return cat([ids, concat_boxes], dim=1)


def check_roi_boxes_shape(boxes):
    if isinstance(boxes, (list, tuple)):
        for _tensor in boxes:
            if _tensor.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, Tensor):
        if boxes.size(1) != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")
