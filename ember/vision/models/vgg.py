"""VGG 11/13/16/19 with and without batch norm (``torchvision.models.vgg``)."""
from functools import partial

from ... import flatten, nn
from ..transforms._presets import ImageClassification
from ._api import register_model, Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES
from ._utils import _ovewrite_named_param, handle_legacy_interface

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
           "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = flatten(x, 1)
        return self.classifier(x)


def make_layers(cfg, batch_norm=False):
    """3x3 convs (ints: output channels) and 2x2 max pools ("M") from a configuration list."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_COMMON_META = {
    "min_size": (32, 32),
    "categories": _IMAGENET_CATEGORIES,
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
    "_docs": "These weights were trained from scratch by using a simplified training recipe.",
}


def _weights(url, num_params, acc1, acc5, ops, file_size):
    return Weights(url=url, transforms=partial(ImageClassification, crop_size=224),
                   meta={**_COMMON_META, "num_params": num_params,
                         "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
                         "_ops": ops, "_file_size": file_size})


_URL = "https://download.pytorch.org/models/"


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg11-8a719046.pth", 132863336, 69.020, 88.628, 7.609, 506.84)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg11_bn-6002323d.pth", 132868840, 70.370, 89.810, 7.609, 506.881)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg13-19584684.pth", 133047848, 69.928, 89.246, 11.308, 507.545)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374, 11.308, 507.59)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg16-397923af.pth", 138357544, 71.592, 90.382, 15.47, 527.796)
    # The features of the SSD paper's VGG16 (amdegroot/ssd.pytorch), trained on 0-255 BGR-ordered-mean inputs;
    # the classifier holds no valid values.
    IMAGENET1K_FEATURES = Weights(
        url=_URL + "vgg16_features-amdegroot-88682ab5.pth",
        transforms=partial(ImageClassification, crop_size=224, mean=(0.48235, 0.45882, 0.40784),
                           std=(1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0)),
        meta={
            **_COMMON_META,
            "num_params": 138357544,
            "categories": None,
            "recipe": "https://github.com/amdegroot/ssd.pytorch#training-ssd",
            "_metrics": {"ImageNet-1K": {"acc@1": float("nan"), "acc@5": float("nan")}},
            "_ops": 15.47,
            "_file_size": 527.802,
            "_docs": """
                These weights can't be used for classification because they are missing values in the `classifier`
                module. Only the `features` module has valid values and can be used for feature extraction. The weights
                were trained using the original input standardization method as described in the paper.
            """,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg16_bn-6c64b313.pth", 138365992, 73.360, 91.516, 15.47, 527.866)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876, 19.632, 548.051)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(_URL + "vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842, 19.632, 548.143)
    DEFAULT = IMAGENET1K_V1


def _builder(name, cfg, batch_norm, enum, title):
    def builder(*, weights: enum = None, progress=True, **kwargs) -> VGG:
        weights = enum.verify(weights)
        return _vgg(cfg, batch_norm, weights, progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__doc__ = (f"{title} from \"Very Deep Convolutional Networks for Large-Scale Image Recognition\".\n\n"
                       f"``weights``: a :class:`{enum.__name__}` member (or its name); ``kwargs`` go to :class:`VGG`.")
    return register_model(name)(handle_legacy_interface(weights=("pretrained", enum.IMAGENET1K_V1))(builder))


vgg11 = _builder("vgg11", "A", False, VGG11_Weights, "VGG-11")
vgg11_bn = _builder("vgg11_bn", "A", True, VGG11_BN_Weights, "VGG-11-BN")
vgg13 = _builder("vgg13", "B", False, VGG13_Weights, "VGG-13")
vgg13_bn = _builder("vgg13_bn", "B", True, VGG13_BN_Weights, "VGG-13-BN")
vgg16 = _builder("vgg16", "D", False, VGG16_Weights, "VGG-16")
vgg16_bn = _builder("vgg16_bn", "D", True, VGG16_BN_Weights, "VGG-16-BN")
vgg19 = _builder("vgg19", "E", False, VGG19_Weights, "VGG-19")
vgg19_bn = _builder("vgg19_bn", "E", True, VGG19_BN_Weights, "VGG-19-BN")
