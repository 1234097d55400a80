"""``torchvision.datasets``: MNIST family, CIFAR, STL10, SVHN, ImageFolder/DatasetFolder, ImageNet, COCO, LSUN
and FakeData, reading the data sets' real file formats into torchvision's folder layouts."""
from .cifar import CIFAR10, CIFAR100  # noqa: F401
from .coco import CocoCaptions, CocoDetection  # noqa: F401
from .fakedata import FakeData  # noqa: F401
from .folder import DatasetFolder, ImageFolder  # noqa: F401
from .imagenet import ImageNet  # noqa: F401
from .lsun import LSUN, LSUNClass  # noqa: F401
from .mnist import EMNIST, FashionMNIST, KMNIST, MNIST, QMNIST  # noqa: F401
from .stl10 import STL10  # noqa: F401
from .svhn import SVHN  # noqa: F401
from .vision import VisionDataset  # noqa: F401

__all__ = ("LSUN", "LSUNClass", "ImageFolder", "DatasetFolder", "FakeData", "CocoCaptions", "CocoDetection", "CIFAR10",
           "CIFAR100", "EMNIST", "FashionMNIST", "QMNIST", "MNIST", "KMNIST", "STL10", "SVHN", "ImageNet",
           "VisionDataset")
