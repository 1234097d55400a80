"""``torchvision.transforms``: image transforms on PIL images and ``[..., C, H, W]`` tensors."""
from .transforms import *  # noqa: F401,F403
from .autoaugment import *  # noqa: F401,F403
