"""MS COCO detection and captions (``torchvision.datasets.CocoDetection`` / ``CocoCaptions``); the
annotations are read with pycocotools (``pip install pycocotools``)."""
import os.path

from .. import _pillow
from .vision import VisionDataset

__all__ = ["CocoDetection", "CocoCaptions"]


def _coco(ann_file):
    try:
        from pycocotools.coco import COCO
    except ImportError:
        raise ImportError("CocoDetection/CocoCaptions read the annotations with pycocotools, which is not "
                          "installed: pip install pycocotools") from None
    return COCO(ann_file)


class CocoDetection(VisionDataset):
    """Images of ``root`` with their COCO annotation dicts from ``annFile``, in increasing image-id order."""

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.coco = _coco(annFile)
        self.ids = list(sorted(self.coco.imgs.keys()))

    def _load_image(self, id):
        path = self.coco.loadImgs(id)[0]["file_name"]
        return _pillow.pil("CocoDetection").open(os.path.join(self.root, path)).convert("RGB")

    def _load_target(self, id):
        return self.coco.loadAnns(self.coco.getAnnIds(id))

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise ValueError(f"Index must be of type integer, got {type(index)} instead.")
        id = self.ids[index]
        image = self._load_image(id)
        target = self._load_target(id)
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """Images of ``root`` with the list of their caption strings."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
