"""Normalisation layers (``torch.nn.modules.normalization``): LocalResponseNorm, CrossMapLRN2d, LayerNorm,
GroupNorm, RMSNorm — torch's constructor checks, parameters (ones/zeros) and reprs."""
import numbers

import numpy as np

from ..._ops.creation import empty
from ..._tensor import _wrap
from ...autograd.function import Function
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["LocalResponseNorm", "CrossMapLRN2d", "LayerNorm", "GroupNorm", "RMSNorm"]


def _as_shape(normalized_shape):
    """``normalized_shape`` as a tuple (an int is one trailing dim)."""
    if isinstance(normalized_shape, numbers.Integral):
        return (normalized_shape,)
    return tuple(normalized_shape)


def _register_affine(module, enabled, shape, bias, factory_kwargs):
    """``weight`` and (when ``bias``) ``bias`` parameters of ``shape``, or None in their place when not
    ``enabled``, registered in torch's order (LayerNorm, GroupNorm)."""
    if enabled:
        module.weight = Parameter(empty(shape, **factory_kwargs))
        if bias:
            module.bias = Parameter(empty(shape, **factory_kwargs))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def _reset_affine(module):
    init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LocalResponseNorm(Module):
    """``torch.nn.LocalResponseNorm``: ``F.local_response_norm`` across channels."""

    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


def _cross_map_lrn2d():
    class CrossMapLRN2d(Function):
        """torch's legacy cross-map LRN (``torch.nn.modules._functions.CrossMapLRN2d``), vectorised.

        The forward keeps torch's running-window arithmetic, in which channel 0's square is never dropped from
        the window; the backward is torch's (the windowed formula, not the derivative of that quirk)."""

        @staticmethod
        def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
            if input.dim() != 4:
                raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
            x = input._data
            c = x.shape[1]
            sq = x * x
            pre_pad = int((size - 1) / 2 + 1)
            cs = np.concatenate([np.zeros_like(sq[:, :1]), np.cumsum(sq, axis=1)], axis=1)
            ch = np.arange(c)
            lo = np.maximum(1, ch - pre_pad + 1)
            hi = np.minimum(ch + pre_pad - 1, c - 1)
            scale = (cs[:, hi + 1] - cs[:, np.minimum(lo, hi + 1)] + sq[:, :1]) * (alpha / size) + k
            ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
            ctx.scale = scale.astype(x.dtype)
            output = _wrap(((scale ** -beta) * x).astype(x.dtype))
            ctx.save_for_backward(input, output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, output = ctx.saved_tensors
            x, y, g, scale = input._data, output._data, grad_output._data, ctx.scale
            size = ctx.size
            c = x.shape[1]
            inverse_pre_pad = int(size - (size - 1) / 2)
            ratio = np.zeros((x.shape[0], c + size - 1) + x.shape[2:], x.dtype)
            ratio[:, inverse_pre_pad:inverse_pre_pad + c] = g * y / scale
            cs = np.concatenate([np.zeros_like(ratio[:, :1]), np.cumsum(ratio, axis=1)], axis=1)
            accum = cs[:, size:size + c] - cs[:, :c]
            grad = (scale ** -ctx.beta) * g - (2 * ctx.alpha * ctx.beta / size) * x * accum
            return _wrap(grad.astype(x.dtype)), None, None, None, None
    return CrossMapLRN2d


_CrossMapLRN2dFunction = _cross_map_lrn2d()


class CrossMapLRN2d(Module):
    """``torch.nn.CrossMapLRN2d``: the legacy cross-channel LRN over 4-D input (grad_fn CrossMapLRN2dBackward)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return _CrossMapLRN2dFunction.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


class LayerNorm(Module):
    """``torch.nn.LayerNorm``: normalise over the trailing ``normalized_shape``; weight ones, bias zeros."""

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _register_affine(self, elementwise_affine, self.normalized_shape, bias, factory_kwargs)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class GroupNorm(Module):
    """``torch.nn.GroupNorm``: statistics per (sample, group of channels); per-channel affine."""

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _register_affine(self, affine, num_channels, bias, factory_kwargs)
        self.reset_parameters()

    def reset_parameters(self):
        if self.affine:
            _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{num_groups}, {num_channels}, eps={eps}, affine={affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class RMSNorm(Module):
    """``torch.nn.RMSNorm``: ``x / rms(x)`` over the trailing ``normalized_shape``, times a weight of ones."""

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, **factory_kwargs))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(**self.__dict__)
