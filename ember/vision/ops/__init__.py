"""``torchvision.ops``: box utilities, NMS, RoI pooling, deformable convolution, focal loss and layers."""
from .boxes import (batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image, complete_box_iou,  # noqa: F401
                    distance_box_iou, generalized_box_iou, masks_to_boxes, nms, remove_small_boxes)
from .deform_conv import deform_conv2d, DeformConv2d  # noqa: F401
from .focal_loss import sigmoid_focal_loss  # noqa: F401
from .misc import Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation  # noqa: F401,E501
from .roi_align import roi_align, RoIAlign  # noqa: F401
from .roi_pool import roi_pool, RoIPool  # noqa: F401

__all__ = ["masks_to_boxes", "deform_conv2d", "DeformConv2d", "nms", "batched_nms", "remove_small_boxes",
           "clip_boxes_to_image", "box_convert", "box_area", "box_iou", "generalized_box_iou", "distance_box_iou",
           "complete_box_iou", "roi_align", "RoIAlign", "roi_pool", "RoIPool", "sigmoid_focal_loss", "Conv2dNormActivation",
           "Conv3dNormActivation", "SqueezeExcitation", "MLP", "Permute", "FrozenBatchNorm2d"]
