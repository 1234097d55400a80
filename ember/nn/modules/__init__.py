"""``torch.nn.modules``: every layer class; each file mirrors torch's module of the same name."""
from .module import Module  # noqa: F401
from .linear import Bilinear, Identity, LazyLinear, Linear  # noqa: F401
from .activation import (CELU, ELU, GELU, GLU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU,  # noqa: F401
                         LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6, RReLU, SELU, Sigmoid, SiLU, Softmax,
                         Softmax2d, Softmin, Softplus, Softshrink, Softsign, Tanh, Tanhshrink, Threshold)
from .container import Container, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: F401
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401

__all__ = [
    "Module", "Identity", "Linear", "Bilinear", "LazyLinear",
    "Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish",
    "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus",
    "Softshrink", "PReLU", "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax",
    "Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "Flatten", "Unflatten",
]

# ---- convolution, pooling, padding, normalisation, embedding, vision and distance layers
from . import (batchnorm as _batchnorm, channelshuffle as _channelshuffle, conv as _conv,  # noqa: E402
               distance as _distance, fold as _fold, instancenorm as _instancenorm, normalization as _normalization,
               padding as _padding, pixelshuffle as _pixelshuffle, pooling as _pooling, sparse as _sparse,
               upsampling as _upsampling)
from .conv import *  # noqa: E402,F401,F403
from .pooling import *  # noqa: E402,F401,F403
from .padding import *  # noqa: E402,F401,F403
from .batchnorm import *  # noqa: E402,F401,F403
from .instancenorm import *  # noqa: E402,F401,F403
from .normalization import *  # noqa: E402,F401,F403
from .sparse import *  # noqa: E402,F401,F403
from .upsampling import *  # noqa: E402,F401,F403
from .pixelshuffle import *  # noqa: E402,F401,F403
from .channelshuffle import *  # noqa: E402,F401,F403
from .fold import *  # noqa: E402,F401,F403
from .distance import *  # noqa: E402,F401,F403

for _m in (_conv, _pooling, _padding, _batchnorm, _instancenorm, _normalization, _sparse, _upsampling,
           _pixelshuffle, _channelshuffle, _fold, _distance):
    __all__ += _m.__all__

# ---- losses
from . import loss as _loss  # noqa: E402
from .loss import *  # noqa: E402,F401,F403

__all__ += _loss.__all__

# ---- recurrent layers, attention and transformer
from . import rnn as _rnn, transformer as _transformer  # noqa: E402
from .activation import MultiheadAttention  # noqa: E402,F401
from .rnn import *  # noqa: E402,F401,F403
from .transformer import *  # noqa: E402,F401,F403

__all__ += ["MultiheadAttention"] + _rnn.__all__ + _transformer.__all__
