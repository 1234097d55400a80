"""``nn.functional.unfold`` (im2col) and ``fold`` (col2im): sliding 2-D blocks to columns and back.

They reuse the convolution's ``_im2col``/``_col2im`` (conv.py), and are each other's adjoint, so the two
primitives (``Im2ColBackward0``, ``Col2ImBackward0``) differentiate into one another.  Argument checks and
messages are torch's (aten/native/im2col_shape_check.h).
"""
import numpy as np

from .._device import xp_of as _xp

from .._prim import Primitive, apply
from .conv import Geometry, _col2im, _im2col


def _im2col_fwd(x, geo):
    if x.ndim == 3:
        return _im2col(x[None], geo)[0]
    return _im2col(x, geo)


def _col2im_fwd(cols, geo):
    if cols.ndim == 2:
        return _col2im_fwd(cols[None], geo)[0]
    r = _col2im(cols, geo, cols.shape[0], cols.shape[1] // int(np.prod(geo.kernel)))
    return _xp(r).ascontiguousarray(r)


_IM2COL = Primitive("Im2ColBackward0", _im2col_fwd, lambda c, g: (apply(_COL2IM, (g,), c.args),))
_COL2IM = Primitive("Col2ImBackward0", _col2im_fwd, lambda c, g: (apply(_IM2COL, (g,), c.args),))


def _pair(v, name):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(i) for i in v)
    if len(v) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
    return v


def _check_args(kernel, dilation, padding, stride):
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if dilation[0] <= 0 or dilation[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: {padding[1]}")
    if stride[0] <= 0 or stride[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} "
                           f"stride_width: {stride[1]}")


def _check_float(input, kernel_name):
    dt = input._data.dtype
    if dt.kind != "f" and str(dt) != "bfloat16":
        from .._errors import scalar_type_name
        raise NotImplementedError(f'"{kernel_name}_out_cpu" not implemented for \'{scalar_type_name(input.dtype)}\'')


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """``torch.nn.functional.unfold``: (N, C, H, W) or (C, H, W) -> (N, C*kh*kw, L)."""
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    if input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.dim()}, {input.dim() - 1}], "
                         f"but got 2)")
    _check_args(kernel, dilation, padding, stride)
    if input.dim() not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    _check_float(input, "im2col")
    in_size = tuple(input.shape[-2:])
    geo = Geometry(stride, padding, dilation, 1, in_size, kernel)
    if geo.out_size[0] < 1 or geo.out_size[1] < 1:
        raise RuntimeError(f"Given input with spatial size {in_size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, calculated shape of the array of sliding blocks as {geo.out_size}, "
                           "but its components must be at least one.")
    return apply(_IM2COL, (input,), (geo,))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """``torch.nn.functional.fold``: (N, C*kh*kw, L) or (C*kh*kw, L) -> (N, C, *output_size), summing overlaps."""
    out_size = _pair(output_size, "output_size")
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    if out_size[0] <= 0 or out_size[1] <= 0:
        raise RuntimeError(f"output_size should be greater than zero, but got output_height: {out_size[0]} "
                           f"output_width: {out_size[1]}")
    _check_args(kernel, dilation, padding, stride)
    if input.dim() not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    _check_float(input, "col2im")
    k = kernel[0] * kernel[1]
    if input.shape[-2] % k:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={input.shape[-2]} and kernel_size={kernel}.")
    geo = Geometry(stride, padding, dilation, 1, out_size, kernel)
    blocks = geo.out_size
    if blocks[0] < 1 or blocks[1] < 1 or blocks[0] * blocks[1] != input.shape[-1]:
        raise RuntimeError(f"Given output_size={out_size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, "
                           f"but got input.size(2)={input.shape[-1]}.")
    return apply(_COL2IM, (input,), (geo,))


__all__ = []
