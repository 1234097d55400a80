"""Preprocessing presets attached to pretrained weights (``weights.transforms()``), as torchvision's."""
from ... import float32, nn
from ... import Tensor
from . import functional as F
from .functional import InterpolationMode

__all__ = ["ObjectDetection", "ImageClassification"]


class ObjectDetection(nn.Module):
    """PIL image or uint8 tensor -> float tensor in [0, 1]."""

    def forward(self, img):
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        return F.convert_image_dtype(img, float32)

    def __repr__(self):
        return self.__class__.__name__ + "()"

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                "objects. The images are rescaled to ``[0.0, 1.0]``.")


class ImageClassification(nn.Module):
    """resize(resize_size) -> center_crop(crop_size) -> float in [0, 1] -> normalize(mean, std)."""

    def __init__(self, *, crop_size, resize_size=256, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, float32)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}"
                f"\n    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                f"objects. The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``, followed by a central crop of ``crop_size={self.crop_size}``. "
                f"Finally the values are first rescaled to ``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` "
                f"and ``std={self.std}``.")
