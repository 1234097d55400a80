"""Lazy access to Pillow, the optional image backend (``pip install 'ember[vision]'``)."""
import sys

import numpy as np

_MISSING = ("{what} needs Pillow, which is not installed; install the vision extra: pip install 'ember[vision]' "
            "(or pip install pillow)")


def pil(what="this function"):
    """The ``PIL.Image`` module; ImportError naming the ``ember[vision]`` extra when Pillow is missing."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(_MISSING.format(what=what)) from None
    return Image


def is_pil_image(img):
    """True for a PIL image (without importing Pillow: an image can only exist once PIL.Image is loaded)."""
    Image = sys.modules.get("PIL.Image")
    return Image is not None and isinstance(img, Image.Image)


def image_fromarray(obj, mode):
    """``Image.fromarray(obj, mode)`` with the pre-11.3 meaning: the bytes are read *as* ``mode``.

    Pillow 11.3 deprecated the ``mode`` argument (and later releases infer the mode from the array); like
    torchvision, build the image from the raw buffer so that e.g. int16 data becomes an "I;16" image."""
    Image = pil()
    obj = np.ascontiguousarray(obj)
    shape = obj.shape
    size = (1 if obj.ndim == 1 else shape[1], shape[0])
    return Image.frombuffer(mode, size, obj.tobytes(), "raw", mode, 0, 1)
