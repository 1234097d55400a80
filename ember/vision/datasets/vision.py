"""Base class of the data sets (``torchvision.datasets.VisionDataset``)."""
import os

from ...utils import data

__all__ = ["VisionDataset", "StandardTransform"]


def _apply_transforms(self, input, target):
    """``(transform(input), target_transform(target))`` with ``self``'s callables as they are now, skipping a
    None one: StandardTransform's call, and what every data set's ``__getitem__`` ends with."""
    if self.transform is not None:
        input = self.transform(input)
    if self.target_transform is not None:
        target = self.target_transform(target)
    return input, target


def _format_transform_repr(self, transform, head):
    lines = transform.__repr__().splitlines()
    return [f"{head}{lines[0]}"] + ["{}{}".format(" " * len(head), line) for line in lines[1:]]


class VisionDataset(data.Dataset):
    """A data set rooted at ``root`` with either a joint ``transforms(input, target)`` or separate ``transform``
    / ``target_transform`` callables (not both)."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __repr__(self):
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if hasattr(self, "transforms") and self.transforms is not None:
            body += [repr(self.transforms)]
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)

    _format_transform_repr = _format_transform_repr
    _apply_transforms = _apply_transforms

    def extra_repr(self):
        return ""


class StandardTransform:
    """``(transform(input), target_transform(target))``, skipping the missing ones."""

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    __call__ = _apply_transforms
    _format_transform_repr = _format_transform_repr

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += self._format_transform_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._format_transform_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)
