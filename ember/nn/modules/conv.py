"""Convolution layers (``torch.nn.modules.conv``): Conv1d/2d/3d, ConvTranspose1d/2d/3d and their Lazy variants.

Constructor checks, parameter shapes (``(out, in/groups, *k)``; transposed ``(in, out/groups, *k)``),
default initialisation (kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the same
draws as torch), ``padding_mode`` through ``F.pad`` and ``extra_repr`` are torch's.
"""
import math

from ..._ops.creation import empty
from ...autograd.grad_mode import no_grad
from .. import functional as F, init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module
from .utils import _pair, _reverse_repeat_tuple, _single, _triple

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]


class _ConvNd(Module):
    """Shared state of the convolution layers: checks, parameters, initialisation and repr."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i] = left
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - left
        else:
            self._reversed_padding_repeated_twice = _reverse_repeat_tuple(self.padding, 2)
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(empty(shape, **factory_kwargs))
        if bias:
            self.bias = Parameter(empty(out_channels, **factory_kwargs))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias."""
        with no_grad():
            init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            if self.bias is not None:
                fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


def _conv_class(nd, ntuple, fn):
    class ConvNd(_ConvNd):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True, padding_mode="zeros", device=None, dtype=None):
            super().__init__(in_channels, out_channels, ntuple(kernel_size), ntuple(stride),
                             padding if isinstance(padding, str) else ntuple(padding), ntuple(dilation), False,
                             ntuple(0), groups, bias, padding_mode, device=device, dtype=dtype)

        def _conv_forward(self, input, weight, bias):
            if self.padding_mode != "zeros":
                return fn(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                          self.stride, ntuple(0), self.dilation, self.groups)
            return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

        def forward(self, input):
            return self._conv_forward(input, self.weight, self.bias)

    ConvNd.__name__ = ConvNd.__qualname__ = f"Conv{nd}d"
    ConvNd.__doc__ = (f"``torch.nn.Conv{nd}d``: {nd}-D cross-correlation over (N, C_in, *spatial) or unbatched "
                      f"input, with stride/padding ('same'/'valid'/ints)/dilation/groups and padding_mode.")
    return ConvNd


Conv1d = _conv_class(1, _single, F.conv1d)
Conv2d = _conv_class(2, _pair, F.conv2d)
Conv3d = _conv_class(3, _triple, F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """Transposed convolutions: only zero padding; ``forward(input, output_size)`` picks the output padding."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                         output_padding, groups, bias, padding_mode, device=device, dtype=dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        """The output padding that makes the result ``output_size`` (torch's range check and message)."""
        if output_size is None:
            return _single(self.output_padding)
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        output_size = list(output_size)
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d]
                        + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i, size in enumerate(output_size):
            if size < min_sizes[i] or size > max_sizes[i]:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
                                 f"to {max_sizes} (for an input of {input.size()[2:]})")
        return [output_size[d] - min_sizes[d] for d in range(num_spatial_dims)]


def _conv_transpose_class(nd, ntuple, fn):
    class ConvTransposeNd(_ConvTransposeNd):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                     bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
            super().__init__(in_channels, out_channels, ntuple(kernel_size), ntuple(stride), ntuple(padding),
                             ntuple(dilation), True, ntuple(output_padding), groups, bias, padding_mode,
                             device=device, dtype=dtype)

        def forward(self, input, output_size=None):
            if self.padding_mode != "zeros":
                raise ValueError(f"Only `zeros` padding mode is supported for ConvTranspose{nd}d")
            output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size, nd,
                                                  self.dilation)
            return fn(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                      self.dilation)

    ConvTransposeNd.__name__ = ConvTransposeNd.__qualname__ = f"ConvTranspose{nd}d"
    ConvTransposeNd.__doc__ = (f"``torch.nn.ConvTranspose{nd}d``: the gradient of Conv{nd}d w.r.t. its input, as a "
                               "layer; ``forward(input, output_size=None)``.")
    return ConvTransposeNd


ConvTranspose1d = _conv_transpose_class(1, _single, F.conv_transpose1d)
ConvTranspose2d = _conv_transpose_class(2, _pair, F.conv_transpose2d)
ConvTranspose3d = _conv_transpose_class(3, _triple, F.conv_transpose3d)


class _LazyConvXdMixin(LazyModuleMixin):
    """Infers ``in_channels`` from the first input (dim 1 batched, dim 0 unbatched)."""

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
            else:
                self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input):
        nd = self._get_num_spatial_dims()
        no_batch, batch = nd + 1, nd + 2
        if input.dim() not in (no_batch, batch):
            raise RuntimeError(f"Expected {no_batch}D (unbatched) or {batch}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == batch else input.shape[0]

    def _get_num_spatial_dims(self):
        raise NotImplementedError


def _lazy_conv_class(nd, base):
    class LazyConvNd(_LazyConvXdMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            factory_kwargs = {"device": device, "dtype": dtype}
            super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                             **factory_kwargs)
            self.weight = UninitializedParameter(**factory_kwargs)
            self.out_channels = out_channels
            if bias:
                self.bias = UninitializedParameter(**factory_kwargs)

        def _get_num_spatial_dims(self):
            return nd

    LazyConvNd.__name__ = LazyConvNd.__qualname__ = f"LazyConv{nd}d"
    LazyConvNd.__doc__ = f"``torch.nn.LazyConv{nd}d``: a Conv{nd}d whose in_channels come from the first input."
    return LazyConvNd


def _lazy_conv_transpose_class(nd, base):
    class LazyConvTransposeNd(_LazyConvXdMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            factory_kwargs = {"device": device, "dtype": dtype}
            super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                             padding_mode, **factory_kwargs)
            self.weight = UninitializedParameter(**factory_kwargs)
            self.out_channels = out_channels
            if bias:
                self.bias = UninitializedParameter(**factory_kwargs)

        def _get_num_spatial_dims(self):
            return nd

    LazyConvTransposeNd.__name__ = LazyConvTransposeNd.__qualname__ = f"LazyConvTranspose{nd}d"
    LazyConvTransposeNd.__doc__ = (f"``torch.nn.LazyConvTranspose{nd}d``: a ConvTranspose{nd}d whose in_channels "
                                   "come from the first input.")
    return LazyConvTransposeNd


LazyConv1d = _lazy_conv_class(1, Conv1d)
LazyConv2d = _lazy_conv_class(2, Conv2d)
LazyConv3d = _lazy_conv_class(3, Conv3d)
LazyConvTranspose1d = _lazy_conv_transpose_class(1, ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv_transpose_class(2, ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv_transpose_class(3, ConvTranspose3d)

for _cls in (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, LazyConv1d, LazyConv2d,
             LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d):
    _cls.__module__ = __name__
