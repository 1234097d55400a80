"""``torch.nn.functional``: stateless layer functions, each matching torch's signature and defaults.

Sections: helpers; linear; activations; softmax family; dropout; misc (one_hot, normalize); the
torch-level names (``torch.relu``, ``torch.softmax``, ``Tensor.softmax``, ...) bound at the end.
Fused ops are ``Primitive``\\ s named like torch's backward nodes (``ReluBackward0``, ``SoftmaxBackward0``),
with the forward over raw arrays and the derivative in ember ops (so it is differentiable again);
the rest compose ember ops exactly as torch composes them.  Reduced-precision inputs (float16,
bfloat16) are computed in float32 and rounded once, as torch's CPU kernels do.
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap, _wrap_dim
from .._ops._helpers import inplace
from ..autograd.grad_mode import is_grad_enabled

__all__ = [
    "linear", "bilinear",
    "threshold", "threshold_", "relu", "relu_", "hardtanh", "hardtanh_", "relu6", "elu", "elu_", "selu",
    "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "glu", "gelu",
    "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin", "softmax", "log_softmax",
    "softshrink", "tanh", "sigmoid", "hardsigmoid", "silu", "mish", "hardswish",
    "dropout", "alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout",
    "one_hot", "normalize",
]


# ====================================================================================================
# helpers

_REDUCED = (np.dtype(np.float16), D.bfloat16.np)


def _opmath(fn):
    """Wrap an array forward so float16/bfloat16 inputs are computed in float32 and rounded once."""
    def fwd(a, *args):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if a.dtype in _REDUCED:
                return fn(a.astype(np.float32), *args).astype(a.dtype)
            return fn(a, *args)
    return fwd


def _special(a):
    """scipy.special for NumPy arrays, cupyx.scipy.special for CuPy arrays."""
    if type(a) is np.ndarray or isinstance(a, np.generic):
        import scipy.special
        return scipy.special
    import cupyx.scipy.special
    return cupyx.scipy.special


def _check_tensor(input, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _check_float(input, fname, kernel=None):
    """torch's dtype dispatch error for float-only kernels: ``"elu_cpu" not implemented for 'Long'``."""
    _check_tensor(input, fname)
    if kernel is None:
        kernel = fname + "_cpu"
    dt = input._data.dtype
    if dt.kind != "f" and dt != D.bfloat16.np:
        dev = "cpu" if input.is_cpu else "cuda"
        raise NotImplementedError(f'"{kernel.replace("_cpu", "_" + dev)}" not implemented for '
                                  f"'{scalar_type_name(input.dtype)}'")


def _masked(mask, g):
    """``g`` where ``mask`` holds, else 0 (not ``g * mask``: a NaN gradient outside the mask stays out)."""
    return g.where(mask, 0.0)


def _no_grad():
    from ..autograd.grad_mode import no_grad
    return no_grad()


# ====================================================================================================
# linear

def _mm_fwd(a, b):
    """2-D ``a @ b``; reduced precision accumulates in float32."""
    if a.dtype in _REDUCED:
        return (a.astype(np.float32) @ b.astype(np.float32)).astype(a.dtype)
    return a @ b


def _addmm_fwd(bias, a, b):
    """``bias + a @ b`` (torch's ``addmm`` with beta = alpha = 1)."""
    if a.dtype in _REDUCED:
        r = a.astype(np.float32) @ b.astype(np.float32)
        r += bias.astype(np.float32)
        return r.astype(a.dtype)
    r = a @ b
    r += bias
    return r


def _mm(a, b):
    return apply(_MM, (a, b))


def _mm_grad(ctx, g):
    a, b = ctx.saved
    ga = _mm(g, b.t()) if ctx.next_functions[0][0] is not None else None
    gb = _mm(a.t(), g) if ctx.next_functions[1][0] is not None else None
    return ga, gb


def _addmm_grad(ctx, g):
    _, a, b = ctx.saved
    ga = _mm(g, b.t()) if ctx.next_functions[1][0] is not None else None
    gb = _mm(a.t(), g) if ctx.next_functions[2][0] is not None else None
    return g, ga, gb  # the engine sums g down to the bias's shape


_MM = Primitive("MmBackward0", _mm_fwd, _mm_grad, save_inputs=True)
_ADDMM = Primitive("AddmmBackward0", _addmm_fwd, _addmm_grad, save_inputs=True)


def linear(input, weight, bias=None):
    """``y = input @ weight.T + bias`` (``torch.nn.functional.linear``).

    input (*, in), weight (out, in) or (in,), bias (out,) or (); output (*, out), or (*) for a 1-D weight.
    The graph is torch's: ``addmm(bias, input, weight.t())`` (or ``mm``) over the flattened input.
    """
    for name, t in (("input", input), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"linear(): argument '{name}' (position {1 if name == 'input' else 2}) must be Tensor, "
                            f"not {type(t).__name__}")
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"linear(): argument 'bias' (position 3) must be Tensor, not {type(bias).__name__}")
    xd, wd = input.dim(), weight.dim()
    if xd == 0 or wd == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {xd}D and {wd}D")
    if wd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {wd}D")
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{scalar_type_name(input.dtype).lower()} != {scalar_type_name(weight.dtype).lower()}")
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {scalar_type_name(bias.dtype)} and "
                           f"{scalar_type_name(input.dtype)}")
    if wd == 1 and bias is not None and xd == 2:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    w2 = weight if wd == 2 else weight.unsqueeze(0)
    in_f, out_f = input.shape[-1], w2.shape[0]
    lead = input.shape[:-1]
    rows = math.prod(lead)
    if w2.shape[1] != in_f:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{in_f} and {w2.shape[1]}x{out_f})")
    x2 = input if xd == 2 else input.reshape(rows, in_f)
    if bias is not None and bias.dim() <= 1:
        if bias.dim() == 1 and bias.shape[0] not in (1, out_f):
            raise RuntimeError(f"The expanded size of the tensor ({out_f}) must match the existing size "
                               f"({bias.shape[0]}) at non-singleton dimension 1.  Target sizes: [{rows}, {out_f}].  "
                               f"Tensor sizes: [{bias.shape[0]}]")
        out = apply(_ADDMM, (bias, x2, w2.t()))
        bias = None
    else:
        out = apply(_MM, (x2, w2.t()))
    if xd != 2:
        out = out.reshape(*lead, out_f)
    if wd == 1:
        out = out.squeeze(-1)
    return out if bias is None else out + bias


def bilinear(input1, input2, weight, bias=None):
    """``y = x1^T A x2 + b`` (``torch.nn.functional.bilinear``): x1 (*, in1), x2 (*, in2),
    weight (out, in1, in2), bias (out,); output (*, out)."""
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    if input1.shape[-1] != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.size(1)}")
    if input2.shape[-1] != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.size(2)}")
    if bias is not None and bias.dim() >= 1 and bias.shape[0] != weight.size(0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected "
                           f"{weight.size(0)}")
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {weight.dim()}")
    out_f, in1, in2 = weight.shape
    # (x2 W_o^T) per output o, then contracted with x1
    t = linear(input2, weight.reshape(out_f * in1, in2))
    y = (t.reshape(*t.shape[:-1], out_f, in1) * input1.unsqueeze(-2)).sum(-1)
    if bias is not None:
        y = y + bias
    return y


# ====================================================================================================
# activations: element-wise primitives

def _unary(name, fwd, grad, save_output=False):
    return Primitive(name, _opmath(fwd), grad, save_inputs=not save_output, save_output=save_output)


def _x(ctx):
    return ctx.saved[0]


# ---- threshold / relu / hardtanh / leaky_relu (integer inputs allowed, as in torch)

def _threshold_fwd(a, th, value):
    cmp = a.astype(np.float32) if a.dtype in _REDUCED else a
    return np.where(cmp > th, a, a.dtype.type(value))


_THRESHOLD = Primitive("ThresholdBackward0", _threshold_fwd,
                       lambda c, g: (_masked(_x(c) > c.args[0], g),), save_inputs=True)
_RELU = Primitive("ReluBackward0", lambda a: np.maximum(a, a.dtype.type(0)),
                  lambda c, g: (_masked(c.output > 0, g),), save_output=True)


def _hardtanh_fwd(a, lo, hi):
    if a.dtype.kind in "iu":
        return np.clip(a, math.ceil(lo), math.floor(hi)).astype(a.dtype)
    return np.clip(a, a.dtype.type(lo), a.dtype.type(hi)).astype(a.dtype, copy=False)


def _hardtanh_grad(c, g):
    x = _x(c)
    lo, hi = c.args
    return (_masked((x > lo) & (x < hi), g),)


_HARDTANH = Primitive("HardtanhBackward0", _hardtanh_fwd, _hardtanh_grad, save_inputs=True)


def _leaky_fwd(a, slope):
    return np.where(a > 0, a, a * a.dtype.type(slope))


_LEAKY_RELU = Primitive("LeakyReluBackward0", _opmath(_leaky_fwd),
                        lambda c, g: (g.where(_x(c) > 0, g * c.args[0]),), save_inputs=True)


def _threshold(input, threshold, value):
    _check_tensor(input, "threshold")
    if input.is_complex() or input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"threshold_cpu\" not implemented for '{scalar_type_name(input.dtype)}'")
    return apply(_THRESHOLD, (input,), (threshold, value))


def threshold(input, threshold, value, inplace=False):
    """``y = x if x > threshold else value`` (``torch.nn.functional.threshold``)."""
    return _threshold_inplace(input, threshold, value) if inplace else _threshold(input, threshold, value)


def _relu(input):
    _check_tensor(input, "relu")
    if input._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    if input.is_complex():
        raise NotImplementedError("clamp is not supported for complex types")
    return apply(_RELU, (input,))


def relu(input, inplace=False):
    """``max(x, 0)`` (``torch.nn.functional.relu``); integer tensors stay integer."""
    return _relu_inplace(input) if inplace else _relu(input)


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    _check_tensor(input, "hardtanh")
    if input._data.dtype == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if input.is_complex():
        raise NotImplementedError("clamp is not supported for complex types")
    return apply(_HARDTANH, (input,), (min_val, max_val))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``clamp(x, min_val, max_val)`` with zero gradient at and beyond the bounds."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _hardtanh_inplace(input, min_val, max_val) if inplace else _hardtanh(input, min_val, max_val)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)`` (torch computes it as ``hardtanh(x, 0, 6)``)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _leaky_relu(input, negative_slope=0.01):
    _check_float(input, "leaky_relu")
    return apply(_LEAKY_RELU, (input,), (negative_slope,))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x if x > 0 else negative_slope * x``."""
    return _leaky_relu_inplace(input, negative_slope) if inplace else _leaky_relu(input, negative_slope)


# ---- the ELU family: elu(x; alpha, scale, input_scale), and the input scale its derivative uses

def _elu_fwd(a, alpha, scale, input_scale, grad_input_scale):
    return np.where(a > 0, a * scale, np.expm1(a * input_scale) * (alpha * scale))


def _elu_grad(c, g):
    x = _x(c)
    alpha, scale, _, input_scale = c.args
    neg = g * (x * input_scale).exp() * (alpha * scale * input_scale)
    pos = g if scale == 1 else g * scale
    return (pos.where(x > 0, neg),)


_ELU = Primitive("EluBackward0", _opmath(_elu_fwd), _elu_grad, save_inputs=True)
_CELU = Primitive("CeluBackward0", _opmath(_elu_fwd), _elu_grad, save_inputs=True)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu(input, alpha=1.0):
    _check_float(input, "elu")
    return apply(_ELU, (input,), (float(alpha), 1.0, 1.0, 1.0))


def elu(input, alpha=1.0, inplace=False):
    """``x if x > 0 else alpha * (exp(x) - 1)``."""
    return _elu_inplace(input, alpha) if inplace else _elu(input, alpha)


def _selu(input):
    _check_float(input, "selu", "elu_cpu")
    return apply(_ELU, (input,), (_SELU_ALPHA, _SELU_SCALE, 1.0, 1.0))


def selu(input, inplace=False):
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    return _selu_inplace(input) if inplace else _selu(input)


def _celu(input, alpha=1.0):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _check_float(input, "celu", "elu_cpu")
    # torch's CeluBackward0 uses 1 / float32(alpha) as the input scale (its forward uses 1 / alpha)
    return apply(_CELU, (input,), (float(alpha), 1.0, 1.0 / alpha, 1.0 / float(np.float32(alpha))))


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return _celu_inplace(input, alpha) if inplace else _celu(input, alpha)


# ---- smooth activations

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_BETA = math.sqrt(2.0 / math.pi)
_GELU_KAPPA = 0.044715


def _gelu_fwd(a, approximate):
    if approximate == "tanh":
        return 0.5 * a * (1 + np.tanh(_GELU_BETA * (a + _GELU_KAPPA * a * a * a)))
    return a * 0.5 * (1 + _special(a).erf(a * _SQRT1_2))


def _gelu_grad(c, g):
    x = _x(c)
    if c.args[0] == "tanh":
        inner = (x + x * x * x * _GELU_KAPPA) * _GELU_BETA
        t = inner.tanh()
        d = (t + 1) * 0.5 + x * 0.5 * (1 - t * t) * ((x * x * (3 * _GELU_KAPPA) + 1) * _GELU_BETA)
        return (g * d,)
    cdf = ((x * _SQRT1_2).erf() + 1) * 0.5
    pdf = (x * x * -0.5).exp() * _INV_SQRT_2PI
    return (g * (cdf + x * pdf),)


_GELU = Primitive("GeluBackward0", _opmath(_gelu_fwd), _gelu_grad, save_inputs=True)


def gelu(input, approximate="none"):
    """``x * Phi(x)`` (exact, ``approximate='none'``) or the tanh approximation (``approximate='tanh'``)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_float(input, "gelu", "GeluKernelImpl")
    return apply(_GELU, (input,), (approximate,))


def _silu_grad(c, g):
    x = _x(c)
    s = x.sigmoid()
    return (g * s * (x * (1 - s) + 1),)


_SILU = _unary("SiluBackward0", lambda a: a / (1 + np.exp(-a)), _silu_grad)


def _silu(input):
    if isinstance(input, Tensor) and input.is_complex():
        if input.requires_grad and is_grad_enabled():
            raise RuntimeError("silu does not support automatic differentiation for outputs with complex dtype.")
    else:
        _check_float(input, "silu")
    return apply(_SILU, (input,))


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (swish)."""
    return _silu_inplace(input) if inplace else _silu(input)


def _mish_grad(c, g):
    x = _x(c)
    t = softplus(x).tanh()
    return (g * (t + x * x.sigmoid() * (1 - t * t)),)


_MISH = _unary("MishBackward0", lambda a: a * np.tanh(np.log1p(np.exp(a))), _mish_grad)


def _mish(input):
    _check_float(input, "mish")
    return apply(_MISH, (input,))


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``."""
    return _mish_inplace(input) if inplace else _mish(input)


def _softplus_fwd(a, beta, threshold):
    ab = a * beta
    return np.where(ab > threshold, a, np.log1p(np.exp(ab)) / beta)


def _softplus_grad(c, g):
    x = _x(c)
    beta, threshold = c.args
    xb = x * beta
    return (g.where(xb > threshold, g * xb.sigmoid()),)


_SOFTPLUS = Primitive("SoftplusBackward0", _opmath(_softplus_fwd), _softplus_grad, save_inputs=True)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    _check_float(input, "softplus")
    return apply(_SOFTPLUS, (input,), (beta, threshold))


def _logsigmoid_fwd(a):
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))


_LOGSIGMOID = _unary("LogSigmoidBackward0", _logsigmoid_fwd, lambda c, g: (g * (-_x(c)).sigmoid(),))


def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably."""
    _check_float(input, "log_sigmoid")
    return apply(_LOGSIGMOID, (input,))


_ONE_SIXTH_F32 = float(np.float32(1.0) / np.float32(6.0))  # torch's kernel constant, even for float64


def _hardsigmoid_grad(c, g):
    x = _x(c)
    return (_masked((x > -3) & (x < 3), g * _ONE_SIXTH_F32),)


_HARDSIGMOID = _unary("HardsigmoidBackward0", lambda a: np.minimum(np.maximum(a + 3, 0), 6) / 6, _hardsigmoid_grad)


def _hardsigmoid(input):
    _check_float(input, "hardsigmoid")
    return apply(_HARDSIGMOID, (input,))


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``."""
    return _hardsigmoid_inplace(input) if inplace else _hardsigmoid(input)


def _hardswish_grad(c, g):
    x = _x(c)
    mid = g * (x / 3 + 0.5)
    return (g.where(x > 3, mid).where(x >= -3, 0.0),)


_HARDSWISH = _unary("HardswishBackward0", lambda a: a * np.minimum(np.maximum(a + 3, 0), 6) / 6, _hardswish_grad)


def _hardswish(input):
    _check_float(input, "hardswish")
    return apply(_HARDSWISH, (input,))


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``."""
    return _hardswish_inplace(input) if inplace else _hardswish(input)


# ---- shrinkage

def _shrink_mask(x, lambd):
    return (x >= -lambd) & (x <= lambd)


_HARDSHRINK = Primitive("HardshrinkBackward0",
                        _opmath(lambda a, l: np.where((a >= -l) & (a <= l), a.dtype.type(0), a)),
                        lambda c, g: (g.where(~_shrink_mask(_x(c), c.args[0]), 0.0),), save_inputs=True)
_SOFTSHRINK = Primitive("SoftshrinkBackward0",
                        _opmath(lambda a, l: np.where(a > l, a - l, np.where(a < -l, a + l, a.dtype.type(0)))),
                        lambda c, g: (g.where(~_shrink_mask(_x(c), c.args[0]), 0.0),), save_inputs=True)


def hardshrink(input, lambd=0.5):
    """``x if |x| > lambd else 0``."""
    _check_float(input, "hardshrink")
    return apply(_HARDSHRINK, (input,), (lambd,))


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    _check_float(input, "softshrink", "softshrink_check")
    top = float(D.finfo(input.dtype).max)
    if not 0 <= lambd <= top:
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype {scalar_type_name(input.dtype)}, but "
                           f"found {lambd:g}")
    return apply(_SOFTSHRINK, (input,), (lambd,))


def tanhshrink(input):
    """``x - tanh(x)``."""
    return input - input.tanh()


def softsign(input):
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def tanh(input):
    """``torch.tanh``."""
    return input.tanh()


def sigmoid(input):
    """``torch.sigmoid``."""
    return input.sigmoid()


# ---- parametric / randomized

def _prelu_grad(c, g):
    x, w = c.saved
    pos = x > 0
    gx = g.where(pos, w * g) if c.next_functions[0][0] is not None else None
    gw = (x * g).where(~pos, 0.0) if c.next_functions[1][0] is not None else None
    return gx, gw


_PRELU = Primitive("PreluKernelBackward0", lambda a, w: np.where(a > 0, a, w * a), _prelu_grad, save_inputs=True)


def prelu(input, weight):
    """``max(0, x) + weight * min(0, x)``; a 1-D ``weight`` applies per channel (dim 1)."""
    _check_float(input, "prelu")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.dim() >= 2 else 1
        if input.dim() == 0 or n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n}"
                               f" and channel size = {channels}.")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(weight.dtype)}")
    if input.dim() >= 2:
        w = weight.reshape([n] + [1] * (input.dim() - 2))
    else:
        w = weight.reshape(()) if n == 1 else weight
    return apply(_PRELU, (input, w))


_RRELU_EVAL = Primitive("RreluWithNoiseBackward0", _opmath(_leaky_fwd),
                        lambda c, g: (g.where(_x(c) > 0, g * c.args[0]),), save_inputs=True)
# training: the forward's result and noise come precomputed in args; torch's derivative is g * noise, or
# the eval-mode slope when upper - lower <= 1e-6
_RRELU_TRAIN = Primitive("RreluWithNoiseBackward0", lambda a, out, noise: out,
                         lambda c, g: (g * _wrap(c.args[1]),))
_RRELU_TRAIN_NARROW = Primitive("RreluWithNoiseBackward0", lambda a, out, slope: out,
                                lambda c, g: (g.where(_x(c) > 0, g * c.args[1]),), save_inputs=True)


def _rrelu_train(input, lower, upper, generator):
    """torch's ``_rrelu_with_noise_train``: one ``uniform_real_distribution<double>(lower, upper)`` draw per
    element <= 0, in C order, with the bounds and the product in the input's compute type."""
    from .._device import array_module
    from .._ops.random_ops import _generator_for
    a = input._data
    if a.dtype == np.float16:
        raise NotImplementedError(f"\"rrelu_with_noise_out_{'cpu' if input.is_cpu else 'cuda'}\" not implemented "
                                  "for 'Half'")
    host = a if type(a) is np.ndarray else a.get()
    op = np.float64 if a.dtype == np.float64 else np.float32
    lo, hi = float(op(lower)), float(op(upper))
    neg = host <= 0
    u = _generator_for(generator, input.device)._unit_double(int(neg.sum()))
    r = (u * (hi - lo) + lo).astype(op)
    out = host.astype(op)
    out[neg] *= r
    noise = np.ones(host.shape, op)
    noise[neg] = r
    xp = array_module(input.device)
    out, noise = xp.asarray(out.astype(a.dtype, copy=False)), xp.asarray(noise.astype(a.dtype, copy=False))
    if upper - lower > 1e-6:
        return apply(_RRELU_TRAIN, (input,), (out, noise))
    return apply(_RRELU_TRAIN_NARROW, (input,), (out, (lower + upper) / 2))


def _rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    _check_float(input, "rrelu", "leaky_relu_cpu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return apply(_RRELU_EVAL, (input,), ((lower + upper) / 2,))
    return _rrelu_train(input, lower, upper, generator)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training the negative slope of each element is drawn from
    U(lower, upper); in eval it is ``(lower + upper) / 2``."""
    return _rrelu_inplace(input, lower, upper, training) if inplace else _rrelu(input, lower, upper, training)


def _glu_grad(c, g):
    from .._ops.joining import cat
    x = _x(c)
    dim = c.args[0]
    a, b = x.chunk(2, dim)
    s = b.sigmoid()
    return (cat([g * s, g * a * s * (1 - s)], dim),)


_GLU = Primitive("GluBackward0", lambda a, dim: _glu_halves(a, dim), _glu_grad, save_inputs=True)


def _glu_halves(a, dim):
    first, second = np.split(a, 2, axis=dim)
    if a.dtype in _REDUCED:
        return (first.astype(np.float32) * _special(a).expit(second.astype(np.float32))).astype(a.dtype)
    return first * _special(a).expit(second)


def glu(input, dim=-1):
    """Gated linear unit: split ``input`` in halves a, b along ``dim``; ``a * sigmoid(b)``."""
    _check_float(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    return apply(_GLU, (input,), (d,))


# ====================================================================================================
# softmax family

def _softmax_fwd(a, dim):
    if a.size == 0:
        return a.copy()
    m = a.max(axis=dim, keepdims=True)
    e = np.exp(a - m)
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax_fwd(a, dim):
    if a.size == 0:
        return a.copy()
    m = a.max(axis=dim, keepdims=True)
    s = a - m
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _softmax_grad(c, g):
    y = c.output
    dim = c.args[0]
    return (y * (g - (g * y).sum(dim, keepdim=True)),)


def _log_softmax_grad(c, g):
    y = c.output
    dim = c.args[0]
    return (g - y.exp() * g.sum(dim, keepdim=True),)


_SOFTMAX = Primitive("SoftmaxBackward0", _opmath(_softmax_fwd), _softmax_grad, save_output=True)
_LOG_SOFTMAX = Primitive("LogSoftmaxBackward0", _opmath(_log_softmax_fwd), _log_softmax_grad, save_output=True)


def _softmax_impl(prim, input, dim, dtype, kernel):
    if dtype is not None:
        input = input.to(dtype)
    d = _wrap_dim(dim, input.dim())
    if not (input.is_floating_point()):
        kind = "lastdim_kernel_impl" if d == max(input.dim() - 1, 0) else "kernel_impl"
        raise NotImplementedError(f'"{kernel}_{kind}" not implemented for \'{scalar_type_name(input.dtype)}\'')
    return apply(prim, (input,), (d if input.dim() else None,))


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  f"an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input)`` along ``dim`` (``dtype`` casts the input first)."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax_impl(_SOFTMAX, -input, dim, dtype, "softmax")


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / sum(exp(x))`` along ``dim``; ``dim=None`` picks torch's legacy default with a warning."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax_impl(_SOFTMAX, input, dim, dtype, "softmax")


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x))`` along ``dim``, computed stably."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _softmax_impl(_LOG_SOFTMAX, input, dim, dtype, "log_softmax")


# ====================================================================================================
# dropout: torch's CPU recipe — noise = empty(...).bernoulli_(1 - p) / (1 - p); out = input * noise

def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _feature_noise_shape(input):
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return [input.shape[0], input.shape[1]] + [1] * (input.dim() - 2)


def _dropout_impl(input, p, train, feature, alpha, inplace_):
    """ATen's ``_dropout_impl``: returns ``input`` itself when nothing is dropped."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = input.new_zeros(())
        return input.mul_(zero) if inplace_ else input * zero
    from .._ops.creation import empty_like
    with _no_grad():
        # empty_like keeps a dense input's strides, so the noise is drawn in torch's memory order
        noise = input.new_empty(_feature_noise_shape(input)) if feature else empty_like(input)
        noise.bernoulli_(1 - p)
        if alpha:
            alpha_c = 1.7580993408473766
            a = 1.0 / math.sqrt((alpha_c * alpha_c * p + 1) * (1 - p))
            b = noise.add(-1).mul_(alpha_c * a).add_(alpha_c * a * p)
            noise.mul_(a)
        else:
            noise.div_(1 - p)
    out = input.mul_(noise) if inplace_ else input * noise
    return out.add_(b) if alpha else out


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (when ``training``)."""
    _check_p(p)
    return _dropout_impl(input, p, training, False, False, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance (``training`` defaults to False)."""
    _check_p(p)
    return _dropout_impl(input, p, training, False, True, inplace)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels."""
    _check_p(p)
    return _dropout_impl(input, p, training, True, True, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    is_batched = inp_dim == 3
    if not is_batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, True, False, inplace)
    if not is_batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input (3-D input is treated as (N, C, L), with
    torch's warning)."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, True, False, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    is_batched = inp_dim == 5
    if not is_batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, True, False, inplace)
    if not is_batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


# ====================================================================================================
# misc

def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*, num_classes) with a 1 at each index of ``tensor``."""
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._data
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif num_classes < -1:
        raise RuntimeError("num_classes should be positive")
    if a.size:
        if int(a.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(a.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    from .._device import array_module
    out = (a[..., None] == array_module(tensor.device).arange(num_classes)).astype(np.int64)
    return _wrap(out)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``."""
    if out is None:
        denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    denom = input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    from .._ops.elementwise import div
    return div(input, denom, out=out)


# ====================================================================================================
# in-place variants (``x.relu_()``: the out-of-place op written into x, taking over its history)

_threshold_inplace = inplace(_threshold)
_relu_inplace = inplace(_relu)
_hardtanh_inplace = inplace(_hardtanh)
_leaky_relu_inplace = inplace(_leaky_relu)
_elu_inplace = inplace(_elu)
_selu_inplace = inplace(_selu)
_celu_inplace = inplace(_celu)
_silu_inplace = inplace(_silu)
_mish_inplace = inplace(_mish)
_hardsigmoid_inplace = inplace(_hardsigmoid)
_hardswish_inplace = inplace(_hardswish)
_rrelu_inplace = inplace(_rrelu)


def threshold_(input, threshold, value):
    return _threshold_inplace(input, threshold, value)


def relu_(input):
    return _relu_inplace(input)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _hardtanh_inplace(input, min_val, max_val)


def elu_(input, alpha=1.0):
    return _elu_inplace(input, alpha)


def selu_(input):
    return _selu_inplace(input)


def celu_(input, alpha=1.0):
    return _celu_inplace(input, alpha)


def leaky_relu_(input, negative_slope=0.01):
    return _leaky_relu_inplace(input, negative_slope)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return _rrelu_inplace(input, lower, upper, training)


# ====================================================================================================
# torch-level names (torch.relu, torch.softmax, Tensor.softmax, ...): ATen's signatures

def _torch_softmax(input, dim, dtype=None):
    return _softmax_impl(_SOFTMAX, input, dim, dtype, "softmax")


def _torch_log_softmax(input, dim, dtype=None):
    return _softmax_impl(_LOG_SOFTMAX, input, dim, dtype, "log_softmax")


def _torch_dropout(input, p, train):
    return _dropout_impl(input, p, train, False, False, False)


def _torch_dropout_(input, p, train):
    return _dropout_impl(input, p, train, False, False, True)


def _torch_feature_dropout(input, p, train):
    return _dropout_impl(input, p, train, True, False, False)


def _torch_feature_dropout_(input, p, train):
    return _dropout_impl(input, p, train, True, False, True)


def _torch_alpha_dropout(input, p, train):
    return _dropout_impl(input, p, train, False, True, False)


def _torch_alpha_dropout_(input, p, train):
    return _dropout_impl(input, p, train, False, True, True)


def _torch_feature_alpha_dropout(input, p, train):
    return _dropout_impl(input, p, train, True, True, False)


def _torch_feature_alpha_dropout_(input, p, train):
    return _dropout_impl(input, p, train, True, True, True)


def _torch_threshold(input, threshold, value):
    return _threshold(input, threshold, value)


def _torch_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator)


# names that ``import ember`` exposes at top level (ember/__init__ picks them up)
TORCH_FUNCTIONS = {
    "relu": _relu, "relu_": relu_, "selu": _selu, "selu_": selu_, "celu": _celu, "celu_": celu_,
    "rrelu": _torch_rrelu, "rrelu_": rrelu_, "prelu": prelu, "hardshrink": hardshrink,
    "threshold": _torch_threshold, "threshold_": threshold_, "softmax": _torch_softmax,
    "log_softmax": _torch_log_softmax, "dropout": _torch_dropout, "dropout_": _torch_dropout_,
    "feature_dropout": _torch_feature_dropout, "feature_dropout_": _torch_feature_dropout_,
    "alpha_dropout": _torch_alpha_dropout, "alpha_dropout_": _torch_alpha_dropout_,
    "feature_alpha_dropout": _torch_feature_alpha_dropout,
    "feature_alpha_dropout_": _torch_feature_alpha_dropout_, "bilinear": bilinear,
}

for _name, _fn in TORCH_FUNCTIONS.items():
    if _fn.__name__.startswith("_"):
        _fn.__name__ = _fn.__qualname__ = _name


def _bind():
    Tensor.relu = _relu
    Tensor.relu_ = relu_
    Tensor.softmax = _torch_softmax
    Tensor.log_softmax = _torch_log_softmax
    Tensor.hardshrink = hardshrink
    Tensor.prelu = prelu


_bind()
