"""ember.vision: torchvision on ember — data sets in their real file formats, models whose weights are
interchangeable with torchvision's, transforms on PIL images and tensors, box/RoI ops, image I/O and utils.

Pillow is optional (``pip install 'ember[vision]'``): everything that touches PIL images imports it on use.
"""
from . import datasets, io, models, ops, transforms, utils  # noqa: F401

__version__ = "0.29.2"

_image_backend = "PIL"
_video_backend = "pyav"


def set_image_backend(backend):
    """Name the package that loads images: 'PIL' or 'accimage' (ember's loaders read through PIL)."""
    global _image_backend
    if backend not in ["PIL", "accimage"]:
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' and 'accimage'")
    _image_backend = backend


def get_image_backend():
    """The name of the package used to load images."""
    return _image_backend


def set_video_backend(backend):
    """Accepted for compatibility: torchvision supports only 'pyav' and so does this call (no effect)."""


def get_video_backend():
    """The active video backend, always 'pyav'."""
    return _video_backend
