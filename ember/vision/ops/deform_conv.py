"""Deformable convolution v1/v2 (``torchvision.ops.deform_conv2d``) with gradients for input, offset, mask,
weight and bias.

Each kernel tap (i, j) of output position (y, x) samples the input at
``(y * stride - pad + i * dilation + offset_h, x * stride - pad + j * dilation + offset_w)`` by bilinear
interpolation — 0 outside ``-1 < h < H, -1 < w < W``, out-of-image corners reading 0 — times the mask, as
torchvision's kernel; the sampled columns then meet the weights in a grouped matrix product.  Everything is ember
ops, so autograd yields the same derivatives as torchvision's hand-written backward.
"""
import math

from ... import arange, empty, floor, matmul, nn, stack
from ...nn import functional as F
from ...nn import init
from ...nn.parameter import Parameter

__all__ = ["deform_conv2d", "DeformConv2d"]


def _pair(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _sample(img, ys, xs):
    """Bilinear samples of ``img`` [B, Cg, H, W] at ``ys``/``xs`` [B, K, OH, OW] -> [B, Cg, K, OH, OW]."""
    b, cg, h, w = img.shape
    valid = ((ys > -1) & (ys < h) & (xs > -1) & (xs < w)).to(img.dtype)
    y0 = floor(ys.detach())
    x0 = floor(xs.detach())
    ly = ys - y0
    lx = xs - x0
    hy = 1 - ly
    hx = 1 - lx
    # a one-pixel zero border makes the corners just outside the image read 0; indices past it only occur for
    # samples already zeroed by `valid`
    padded = F.pad(img, (1, 1, 1, 1)).reshape(b, cg, (h + 2) * (w + 2))
    y0i = (y0.clamp(-1, h) + 1).long()
    x0i = (x0.clamp(-1, w) + 1).long()
    y1i = (y0 + 1).clamp(-1, h).long() + 1
    x1i = (x0 + 1).clamp(-1, w).long() + 1
    kshape = ys.shape[1:]

    def corner(yi, xi):
        flat = (yi * (w + 2) + xi).reshape(b, 1, -1).expand(b, cg, -1)
        return padded.gather(2, flat).reshape(b, cg, *kshape)

    v = (hy * hx).unsqueeze(1) * corner(y0i, x0i) + (hy * lx).unsqueeze(1) * corner(y0i, x1i) \
        + (ly * hx).unsqueeze(1) * corner(y1i, x0i) + (ly * lx).unsqueeze(1) * corner(y1i, x1i)
    return v * valid.unsqueeze(1)


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), mask=None):
    """Deformable convolution: v2 (modulated) with ``mask``, v1 without.

    input [B, C_in, H, W]; offset [B, 2 * offset_groups * kh * kw, OH, OW] (per tap: dy then dx);
    weight [C_out, C_in / groups, kh, kw]; bias [C_out]; mask [B, offset_groups * kh * kw, OH, OW].
    Returns [B, C_out, OH, OW].
    """
    out_channels = weight.shape[0]
    stride_h, stride_w = _pair(stride)
    pad_h, pad_w = _pair(padding)
    dil_h, dil_w = _pair(dilation)
    weights_h, weights_w = weight.shape[-2:]
    batch, n_in_channels, in_h, in_w = input.shape
    n_offset_grps = offset.shape[1] // (2 * weights_h * weights_w)
    n_weight_grps = n_in_channels // weight.shape[1]
    if n_offset_grps == 0:
        raise RuntimeError(
            "the shape of the offset tensor at dimension 1 is not valid. It should "
            "be a multiple of 2 * weight.size[2] * weight.size[3].\n"
            f"Got offset.shape[1]={offset.shape[1]}, while 2 * weight.size[2] * weight.size[3]="
            f"{2 * weights_h * weights_w}")
    out_h = (in_h + 2 * pad_h - (dil_h * (weights_h - 1) + 1)) // stride_h + 1
    out_w = (in_w + 2 * pad_w - (dil_w * (weights_w - 1) + 1)) // stride_w + 1
    _check_shapes(input, offset, weight, mask, n_offset_grps, n_weight_grps, out_h, out_w)

    taps = weights_h * weights_w
    oy = (arange(out_h, dtype=input.dtype) * stride_h - pad_h).view(1, 1, out_h, 1)
    ox = (arange(out_w, dtype=input.dtype) * stride_w - pad_w).view(1, 1, 1, out_w)
    ky = (arange(weights_h, dtype=input.dtype) * dil_h).repeat_interleave(weights_w).view(1, taps, 1, 1)
    kx = (arange(weights_w, dtype=input.dtype) * dil_w).repeat(weights_h).view(1, taps, 1, 1)
    off = offset.view(batch, n_offset_grps, taps, 2, out_h, out_w)
    if mask is not None:
        mask = mask.view(batch, n_offset_grps, taps, out_h, out_w)
    cg = n_in_channels // n_offset_grps
    columns = []
    for g in range(n_offset_grps):
        ys = oy + ky + off[:, g, :, 0]
        xs = ox + kx + off[:, g, :, 1]
        sampled = _sample(input[:, g * cg:(g + 1) * cg], ys, xs)           # [B, cg, taps, OH, OW]
        if mask is not None:
            sampled = sampled * mask[:, g].unsqueeze(1)
        columns.append(sampled)
    cols = columns[0] if len(columns) == 1 else stack(columns, 1).view(batch, n_in_channels, taps, out_h, out_w)
    cin_g = n_in_channels // n_weight_grps
    cols = cols.reshape(batch, n_weight_grps, cin_g * taps, out_h * out_w)
    w = weight.reshape(n_weight_grps, out_channels // n_weight_grps, cin_g * taps)
    out = matmul(w.unsqueeze(0), cols).reshape(batch, out_channels, out_h, out_w)
    if bias is not None:
        out = out + bias.view(1, out_channels, 1, 1)
    return out


def _check_shapes(input, offset, weight, mask, n_offset_grps, n_weight_grps, out_h, out_w):
    """The shape checks of torchvision's kernel (RuntimeError)."""
    if input.shape[1] % n_offset_grps != 0:
        raise RuntimeError("input.size(1) must be divisible by offset_groups")
    if weight.shape[0] % n_weight_grps != 0:
        raise RuntimeError("weight.size(0) must be divisible by groups")
    if input.shape[1] != weight.shape[1] * n_weight_grps:
        raise RuntimeError(f"Input channels ({input.shape[1]}) must be a multiple of weight.size(1) "
                           f"({weight.shape[1]})")
    if offset.shape[0] != input.shape[0]:
        raise RuntimeError("invalid batch size of offset")
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"Calculated output size too small - out_h: {out_h} out_w: {out_w}")
    if offset.shape[2] != out_h or offset.shape[3] != out_w:
        raise RuntimeError(f"offset output dims: ({offset.shape[2]}, {offset.shape[3]}) - computed output dims: "
                           f"({out_h}, {out_w})")
    if mask is not None:
        if mask.shape[0] != input.shape[0]:
            raise RuntimeError("invalid batch size of mask")
        if mask.shape[1] != n_offset_grps * weight.shape[2] * weight.shape[3]:
            raise RuntimeError("mask.shape[1] is not valid: got mask.shape[1] = "
                               f"{mask.shape[1]} while expected {n_offset_grps * weight.shape[2] * weight.shape[3]}")
        if mask.shape[2] != out_h or mask.shape[3] != out_w:
            raise RuntimeError(f"mask output dims: ({mask.shape[2]}, {mask.shape[3]}) - computed output dims: "
                               f"({out_h}, {out_w})")


class DeformConv2d(nn.Module):
    """See :func:`deform_conv2d`; weights initialised as ``nn.Conv2d``'s."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.groups = groups
        self.weight = Parameter(empty(out_channels, in_channels // groups, self.kernel_size[0], self.kernel_size[1]))
        if bias:
            self.bias = Parameter(empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride, padding=self.padding,
                             dilation=self.dilation, mask=mask)

    def __repr__(self):
        s = (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        s += f", padding={self.padding}" if self.padding != (0, 0) else ""
        s += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        s += f", groups={self.groups}" if self.groups != 1 else ""
        s += ", bias=False" if self.bias is None else ""
        return s + ")"
