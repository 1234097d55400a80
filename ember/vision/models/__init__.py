"""``torchvision.models``: classification architectures with torchvision's module names, state_dict keys,
default initialisation and pretrained-weights enums (the official checkpoints load unchanged).

Provided: AlexNet, VGG, ResNet / ResNeXt / Wide ResNet, Inception v3, GoogLeNet, DenseNet, SqueezeNet,
MobileNetV2 and MobileNetV3.  ``get_model``/``list_models``/``get_model_weights``/``get_weight`` work over these.
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .googlenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models, Weights, WeightsEnum  # noqa: F401,E501
