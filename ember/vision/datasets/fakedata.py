"""FakeData (``torchvision.datasets.FakeData``): random images, reproducible per index."""
from ... import get_rng_state, long, manual_seed, randint, randn, set_rng_state
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """``size`` random PIL images of ``image_size`` (C, H, W) with random labels below ``num_classes``; sample
    ``i`` is drawn with seed ``i + random_offset`` (the global generator's state is restored afterwards), so the
    samples equal torchvision's."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        from ..transforms import ToPILImage
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng_state = get_rng_state()
        manual_seed(index + self.random_offset)
        img = randn(*self.image_size)
        target = randint(0, self.num_classes, size=(1,), dtype=long)[0]
        set_rng_state(rng_state)
        img = ToPILImage()(img)
        img, target = self._apply_transforms(img, target)
        return img, target.item()

    def __len__(self):
        return self.size
