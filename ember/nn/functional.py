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
from ..amp.autocast_mode import state as _amp
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


_SAME_WIDTH_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _masked(mask, g, keep=True):
    """``g`` where ``mask`` holds (``keep``) or where it does not (``keep=False``), else 0 — not ``g * mask``: a
    NaN gradient outside stays out.  ``keep=False`` is torch's ``cond ? 0 : grad`` form, which passes the
    gradient where the condition is NaN-false (``relu``'s ``y <= 0`` at a NaN).

    Outside a recorded backward it is a bitwise AND of ``g``'s bits with all-ones/all-zeros words: exact,
    and several times faster than a select on an unpredictable mask."""
    gd, md = g._data, mask._data
    if (not is_grad_enabled() and type(gd) is np.ndarray and gd.dtype.kind == "f" and md.dtype == np.bool_
            and gd.shape == md.shape):
        u = _SAME_WIDTH_UINT[gd.itemsize]
        out = np.empty(gd.shape, gd.dtype)   # owns its memory as floats (the engine may keep it as a .grad)
        # all-ones words where kept: -1 for a True mask byte, or 1 - 1 - 1 for a False one
        words = np.negative(md.view(np.uint8), dtype=u) if keep else np.subtract(md.view(np.uint8), 1, dtype=u)
        np.bitwise_and(gd.view(u), words, out=out.view(u))
        return _wrap(out)
    return g.where(mask, 0.0) if keep else g.masked_fill(mask, 0.0)


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


def _mat2_grad(a, b, g):
    """d(a @ b)/db in b's own layout, as torch's mm_mat2_backward: for a transposed ``b`` (``w.t()`` in
    ``linear``) compute (gᵀ·a)ᵀ, so the weight's gradient arrives contiguous and needs no copy."""
    st = b._data.strides
    if b.dim() == 2 and st[0] < st[1]:
        return _mm(g.t(), a).t()
    return _mm(a.t(), g)


def _mm_grad(ctx, g):
    a, b = ctx.saved
    ga = _mm(g, b.t()) if ctx.next_functions[0][0] is not None else None
    gb = _mat2_grad(a, b, g) if ctx.next_functions[1][0] is not None else None
    return ga, gb


def _addmm_grad(ctx, g):
    _, a, b = ctx.saved
    ga = _mm(g, b.t()) if ctx.next_functions[1][0] is not None else None
    gb = _mat2_grad(a, b, g) if ctx.next_functions[2][0] is not None else None
    return g, ga, gb  # the engine sums g down to the bias's shape


_MM = Primitive("MmBackward0", _mm_fwd, _mm_grad, save_inputs=True)
_ADDMM = Primitive("AddmmBackward0", _addmm_fwd, _addmm_grad, save_inputs=True)


def linear(input, weight, bias=None):
    """``y = input @ weight.T + bias`` (``torch.nn.functional.linear``).

    input (*, in), weight (out, in) or (in,), bias (out,) or (); output (*, out), or (*) for a 1-D weight.
    The graph is torch's: ``addmm(bias, input, weight.t())`` (or ``mm``) over the flattened input.
    """
    if _amp.active:
        return _amp.run("linear", linear, input, weight, bias)
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
    if _amp.active:
        return _amp.run("bilinear", _bilinear, input1, input2, weight, bias)
    return _bilinear(input1, input2, weight, bias)


def _bilinear(input1, input2, weight, bias):
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
                       lambda c, g: (_masked(_x(c) <= c.args[0], g, keep=False),), save_inputs=True)
def _relu_fwd(a):
    """``max(a, 0)``.  NumPy's SIMD maximum runs only between arrays with a contiguous inner dimension (not
    against a scalar), so a large contiguous float host array meets a broadcast row of zeros."""
    if type(a) is np.ndarray and a.dtype.kind == "f" and a.size >= 4096 and a.flags.c_contiguous:
        row = math.gcd(a.size, 4096)
        if row >= 64:
            zeros = np.zeros(row, a.dtype)
            return np.maximum(a.reshape(-1, row), zeros).reshape(a.shape)
    return np.maximum(a, a.dtype.type(0))


_RELU = Primitive("ReluBackward0", _relu_fwd,
                  lambda c, g: (_masked(c.output <= 0, g, keep=False),), save_output=True)


def _hardtanh_fwd(a, lo, hi):
    if a.dtype.kind in "iu":
        return np.clip(a, math.ceil(lo), math.floor(hi)).astype(a.dtype)
    return np.clip(a, a.dtype.type(lo), a.dtype.type(hi)).astype(a.dtype, copy=False)


def _hardtanh_grad(c, g):
    x = _x(c)
    lo, hi = c.args
    return (_masked((x <= lo) | (x >= hi), g, keep=False),)


_HARDTANH = Primitive("HardtanhBackward0", _hardtanh_fwd, _hardtanh_grad, save_inputs=True)


def _leaky_fwd(a, slope):
    return np.where(a > 0, a, a * a.dtype.type(slope))


def _leaky_grad(c, g):
    return (g.where(_x(c) > 0, g * c.args[0]),)


_LEAKY_RELU = Primitive("LeakyReluBackward0", _opmath(_leaky_fwd), _leaky_grad, save_inputs=True)


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


# Numerical Recipes' erfcc: erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), fractional error below 1.2e-7
_ERFC_POLY = tuple(np.float32(c) for c in (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807,
                                           -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223))


def _phi_neg_abs(ax):
    """``Phi(-|x|) = erfc(|x| / sqrt 2) / 2`` for ``ax = |x|`` (float32), to about 1e-7 relative: SciPy's erf
    is a scalar loop (some 20 ns per element), this is a few dozen vectorised passes."""
    f = np.float32
    z = np.multiply(ax, f(_SQRT1_2))
    t = np.multiply(z, f(0.5))
    t += f(1)
    np.reciprocal(t, out=t)
    p = np.multiply(t, _ERFC_POLY[0])
    for c in _ERFC_POLY[1:-1]:
        p += c
        p *= t
    p += _ERFC_POLY[-1]
    np.multiply(z, z, out=z)
    p -= z
    np.exp(p, out=p)
    p *= t
    p *= f(0.5)
    return p


def _fast_gelu(a):
    """Whether the exact GELU of ``a`` takes the float32 kernel (float64 keeps SciPy's erf)."""
    return type(a) is np.ndarray and a.dtype == np.float32


_CHUNK = 1 << 16   # elements per stretch of the multi-pass float32 kernels (their temporaries stay in cache)


def _by_chunks(kernel, out, *arrays):
    """``out[i:j] = kernel(*(a[i:j] for a in arrays))`` over flat stretches of same-shaped arrays."""
    flat = [a.reshape(-1) for a in arrays]
    dst = out.reshape(-1)
    for i in range(0, dst.size, _CHUNK):
        dst[i:i + _CHUNK] = kernel(*[a[i:i + _CHUNK] for a in flat])
    return out


def _gelu_f32(a):
    """x Phi(x) = max(x, 0) - |x| Phi(-|x|) (NaN at +-inf, as torch's kernel)."""
    ax = np.abs(a)
    m = _phi_neg_abs(ax)
    m *= ax
    return np.subtract(_relu_fwd(a), m, out=m)


def _gelu_grad_f32(x, g):
    """g (Phi(x) + x phi(x))."""
    f = np.float32
    d = _phi_neg_abs(np.abs(x))
    np.subtract(f(0.5), d, out=d)
    np.copysign(d, x, out=d)
    d += f(0.5)
    e = np.multiply(x, x)
    e *= f(-0.5)
    np.exp(e, out=e)
    e *= x
    e *= f(_INV_SQRT_2PI)
    d += e
    d *= g
    return d


def _gelu_fwd(a, approximate):
    if approximate == "tanh":
        return 0.5 * a * (1 + np.tanh(_GELU_BETA * (a + _GELU_KAPPA * a * a * a)))
    if _fast_gelu(a):   # the output keeps the input's layout, as torch's elementwise kernels
        if a.flags.c_contiguous:
            return _by_chunks(_gelu_f32, np.empty_like(a), a)
        if a.flags.f_contiguous:
            return _by_chunks(_gelu_f32, np.empty_like(a.T), a.T).T
        out = np.empty_like(a)
        out[...] = _by_chunks(_gelu_f32, np.empty(a.shape, a.dtype), np.ascontiguousarray(a))
        return out
    return a * 0.5 * (1 + _special(a).erf(a * _SQRT1_2))


def _gelu_back(x, g, approximate):
    """``g * gelu'(x)`` over arrays (float16/bfloat16 in float32), for a backward that is not recorded."""
    if x.ndim == 0:
        return _gelu_back(x.reshape(1), g.reshape(1), approximate).reshape(())
    dt = x.dtype
    if dt in _REDUCED:
        x, g = x.astype(np.float32), g.astype(np.float32)
    f = x.dtype.type
    if approximate == "tanh":
        x2 = x * x
        t = np.tanh((x2 * f(_GELU_KAPPA) + f(1)) * x * f(_GELU_BETA))
        # (1 + t) / 2 + x / 2 (1 - t^2) beta (1 + 3 kappa x^2)
        d = np.multiply(t, t)
        np.subtract(f(1), d, out=d)
        d *= x
        d *= f(0.5 * _GELU_BETA)
        x2 *= f(3 * _GELU_KAPPA)
        x2 += f(1)
        d *= x2
        t += f(1)
        t *= f(0.5)
        d += t
    elif _fast_gelu(x):
        shape = np.broadcast_shapes(x.shape, g.shape)
        return _by_chunks(_gelu_grad_f32, np.empty(shape, np.float32), np.ascontiguousarray(np.broadcast_to(x, shape)),
                          np.ascontiguousarray(np.broadcast_to(g, shape))).astype(dt, copy=False)
    else:
        cdf = (_special(x).erf(x * _SQRT1_2) + 1) * 0.5
        d = cdf + x * np.exp(x * x * -0.5) * _INV_SQRT_2PI
    return np.multiply(d, g, out=d).astype(dt, copy=False)


def _gelu_grad(c, g):
    x = _x(c)
    if not is_grad_enabled():
        return (_wrap(_gelu_back(x._data, g._data, c.args[0])),)
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
    if _amp.active:
        return _amp.run("softplus", softplus, input, beta, threshold)
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

def _shrink_grad(c, g):
    x, lambd = _x(c), c.args[0]
    return (g.where(~((x >= -lambd) & (x <= lambd)), 0.0),)


_HARDSHRINK = Primitive("HardshrinkBackward0",
                        _opmath(lambda a, l: np.where((a >= -l) & (a <= l), a.dtype.type(0), a)),
                        _shrink_grad, save_inputs=True)
_SOFTSHRINK = Primitive("SoftshrinkBackward0",
                        _opmath(lambda a, l: np.where(a > l, a - l, np.where(a < -l, a + l, a.dtype.type(0)))),
                        _shrink_grad, save_inputs=True)


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
    if _amp.active:
        return _amp.run("prelu", prelu, input, weight)
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


_RRELU_EVAL = Primitive("RreluWithNoiseBackward0", _opmath(_leaky_fwd), _leaky_grad, save_inputs=True)
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

_SHORT_ROW = 256   # rows along the last axis up to this length take the fast paths below


def _amax_keep(a, axis):
    """``a.max(axis, keepdims=True)`` (NaN propagates).  Short rows along the last axis are folded by maxima
    of their even and odd columns, each a single strided pass: NumPy reduces such rows one at a time."""
    w = a.shape[axis] if axis is not None else 0
    if axis != a.ndim - 1 or not 2 <= w <= _SHORT_ROW:
        return a.max(axis=axis, keepdims=True)
    while w > 1:
        m = np.maximum(a[..., 0:w - 1:2], a[..., 1:w:2])
        if w % 2:
            np.maximum(m[..., :1], a[..., w - 1:], out=m[..., :1])
        a, w = m, m.shape[-1]
    return a


def _sum_keep(a, axis):
    """``a.sum(axis, keepdims=True)``; short rows along the last axis through einsum (one pass, no per-row
    reduction setup)."""
    if axis == a.ndim - 1 and a.shape[axis] <= _SHORT_ROW:
        return np.einsum("...i->...", a)[..., None]
    return a.sum(axis=axis, keepdims=True)


def _dot_keep(a, b, axis):
    """``(a * b).sum(axis, keepdims=True)`` without the product temporary for short last-axis rows."""
    if axis == a.ndim - 1 and a.shape[axis] <= _SHORT_ROW:
        return np.einsum("...i,...i->...", a, b)[..., None]
    return np.multiply(a, b).sum(axis=axis, keepdims=True)


def _softmax_fwd(a, dim):
    if a.size == 0:
        return a.copy()
    e = np.subtract(a, _amax_keep(a, dim), out=np.empty_like(a, order="C"))   # contiguous, as torch's
    np.exp(e, out=e)
    np.divide(e, _sum_keep(e, dim), out=e)
    return e


def _log_softmax_fwd(a, dim):
    if a.size == 0:
        return a.copy()
    s = np.subtract(a, _amax_keep(a, dim), out=np.empty_like(a, order="C"))
    np.subtract(s, np.log(_sum_keep(np.exp(s), dim)), out=s)
    return s


def _softmax_back(y, g, dim):
    """``y * (g - sum(g * y, dim))`` over arrays, float16/bfloat16 in float32 (a backward not recorded)."""
    dt = y.dtype
    if dt in _REDUCED:
        y, g = y.astype(np.float32), g.astype(np.float32)
    r = np.subtract(g, _dot_keep(g, y, dim))
    np.multiply(r, y, out=r)
    return r.astype(dt, copy=False)


def _log_softmax_back(y, g, dim):
    """``g - exp(y) * sum(g, dim)`` over arrays."""
    dt = y.dtype
    if dt in _REDUCED:
        y, g = y.astype(np.float32), g.astype(np.float32)
    r = np.exp(y)
    np.multiply(r, _sum_keep(g, dim), out=r)
    np.subtract(g, r, out=r)
    return r.astype(dt, copy=False)


def _softmax_grad(c, g):
    y = c.output
    dim = c.args[0]
    if dim is not None and not is_grad_enabled():
        return (_wrap(_softmax_back(y._data, g._data, dim)),)
    return (y * (g - (g * y).sum(dim, keepdim=True)),)


def _log_softmax_grad(c, g):
    y = c.output
    dim = c.args[0]
    if dim is not None and not is_grad_enabled():
        return (_wrap(_log_softmax_back(y._data, g._data, dim)),)
    return (g - y.exp() * g.sum(dim, keepdim=True),)


_SOFTMAX = Primitive("SoftmaxBackward0", _opmath(_softmax_fwd), _softmax_grad, save_output=True)
_LOG_SOFTMAX = Primitive("LogSoftmaxBackward0", _opmath(_log_softmax_fwd), _log_softmax_grad, save_output=True)


def _softmax_impl(prim, input, dim, dtype, kernel):
    if _amp.active:
        return _amp.run(kernel, _softmax_impl, prim, input, dim, dtype=dtype, kernel=kernel)
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
    from .._ops.random_ops import _dropout_noise_
    with _no_grad():
        # empty_like keeps a dense input's strides, so the noise is drawn in torch's memory order
        noise = input.new_empty(_feature_noise_shape(input)) if feature else empty_like(input)
        if not alpha:
            _dropout_noise_(noise, 1 - p)
        else:
            noise.bernoulli_(1 - p)
            alpha_c = 1.7580993408473766
            a = 1.0 / math.sqrt((alpha_c * alpha_c * p + 1) * (1 - p))
            b = noise.add(-1).mul_(alpha_c * a).add_(alpha_c * a * p)
            noise.mul_(a)
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


def _channel_dropout(input, p, training, inplace, batched):
    """Feature dropout of a batched input, or of an unbatched one viewed with a batch dim of 1."""
    if batched:
        return _dropout_impl(input, p, training, True, False, inplace)
    input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, True, False, inplace)
    return result.squeeze_(0) if inplace else result.squeeze(0)


def _warn_channel_dropout_rank(nd, inp_dim):
    """torch's warning for a ``dropout{nd}d`` input that is neither (N, C, *spatial) nor (C, *spatial)."""
    if inp_dim not in (nd + 1, nd + 2):
        warnings.warn(f"dropout{nd}d: Received a {inp_dim}-D input to dropout{nd}d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, please "
                      f"use dropout instead. Note that dropout{nd}d exists to provide channel-wise dropout on inputs "
                      f"with {nd} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{nd + 1}D or {nd + 2}D inputs).", stacklevel=3)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, batched=inp_dim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input (3-D input is treated as (N, C, L), with
    torch's warning)."""
    _check_p(p)
    inp_dim = input.dim()
    _warn_channel_dropout_rank(2, inp_dim)
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
    _warn_channel_dropout_rank(3, inp_dim)
    return _channel_dropout(input, p, training, inplace, batched=inp_dim == 5)


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


def _aten_dropout(name, feature, alpha, inplace_):
    """``torch.<name>(input, p, train)``: ATen's dropout entry points (no range check on ``p``)."""
    def aten_dropout(input, p, train):
        return _dropout_impl(input, p, train, feature, alpha, inplace_)
    aten_dropout.__name__ = aten_dropout.__qualname__ = name
    return aten_dropout


_ATEN_DROPOUTS = {
    name + suffix: _aten_dropout(name + suffix, feature, alpha, suffix == "_")
    for name, feature, alpha in (("dropout", False, False), ("feature_dropout", True, False),
                                 ("alpha_dropout", False, True), ("feature_alpha_dropout", True, True))
    for suffix in ("", "_")
}


def _torch_threshold(input, threshold, value):
    return _threshold(input, threshold, value)


def _torch_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator)


# names that ``import ember`` exposes at top level (ember/__init__ picks them up)
TORCH_FUNCTIONS = {
    "relu": _relu, "relu_": relu_, "selu": _selu, "selu_": selu_, "celu": _celu, "celu_": celu_,
    "rrelu": _torch_rrelu, "rrelu_": rrelu_, "prelu": prelu, "hardshrink": hardshrink,
    "threshold": _torch_threshold, "threshold_": threshold_, "softmax": _torch_softmax,
    "log_softmax": _torch_log_softmax, "bilinear": bilinear, **_ATEN_DROPOUTS,
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


# ====================================================================================================
# ---- convolution, pooling, normalisation, vision
# torch-signature wrappers over the kernels in ember/_ops (conv, padding, pooling, normalization, upsample,
# fold, shuffle, embedding, distance, grid_sample).  1-D pooling runs as 2-D pooling over an unsqueezed
# input (so its grad_fn is torch's SqueezeBackward1); instance_norm, lp_pool, local_response_norm and
# rms_norm compose ember ops exactly as torch composes them.

from .._ops import normalization as _norm, padding as _pad_mod, pooling as _pool  # noqa: E402
from .._ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: E402,F401
                         conv_transpose3d)
from .._ops.padding import pad  # noqa: E402,F401
from .._ops.upsample import interpolate, upsample, upsample_bilinear, upsample_nearest  # noqa: E402,F401
from .._ops.fold import fold, unfold  # noqa: E402,F401
from .._ops.shuffle import channel_shuffle, native_channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: E402,F401
from .._ops.embedding import embedding, embedding_bag  # noqa: E402,F401
from .._ops.distance import cosine_similarity, pairwise_distance, pdist  # noqa: E402,F401
from .._ops.grid_sample import affine_grid, grid_sample  # noqa: E402,F401
from .._ops.fractional_pool import (fractional_max_pool2d, fractional_max_pool2d_with_indices,  # noqa: E402,F401
                                    fractional_max_pool3d, fractional_max_pool3d_with_indices)

__all__ += [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "pad",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d", "lp_pool2d",
    "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices", "batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm",
    "embedding", "embedding_bag", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample",
    "affine_grid", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "fold", "unfold",
    "pairwise_distance", "cosine_similarity", "pdist",
]


def _single_arg(v, name, fname):
    """A 1-D pooling size argument as an int (torch accepts an int or a one-element sequence)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{fname}() {name} must be an int, list of ints or tuple of ints of size 1 but got size "
                               f"{len(v)}")
        return int(v[0])
    return int(v)


def _single_stride(stride, k, fname):
    """A 1-D pooling stride as an int: the kernel size ``k`` when omitted (None or an empty sequence)."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return k
    return _single_arg(stride, "stride", fname)


def _check_pool1d(input, fname, kernel_size, stride, padding, dilation):
    k = _single_arg(kernel_size, "kernel_size", fname)
    s = _single_stride(stride, k, fname)
    p = _single_arg(padding, "padding", fname)
    d = _single_arg(dilation, "dilation", fname)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"{fname}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{list(input.shape)}")
    for name, v in (("kernel_size", k), ("stride", s), ("dilation", d)):
        if v <= 0:
            raise RuntimeError(f"{fname}() {name} must be greater than zero, but got {v}")
    if p < 0:
        raise RuntimeError(f"{fname}() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"{fname}() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    return k, s, p, d


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``max_pool1d`` returning ``(values, indices)``; computed by the 2-D kernel on ``input.unsqueeze(-2)``."""
    k, s, p, d = _check_pool1d(input, "max_pool1d", kernel_size, stride, padding, dilation)
    out = _pool._out_size(input.shape[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    v, i = _pool.max_pool(2, input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode, True)
    return v.squeeze(-2), i.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``torch.nn.functional.max_pool1d`` (``return_indices=True`` also returns the argmax positions)."""
    r = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return r if return_indices else r[0]


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _pool.max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``torch.nn.functional.max_pool2d``: NaN wins, indices are flat positions in each input plane."""
    return _pool.max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _pool.max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``torch.nn.functional.max_pool3d``."""
    if _amp.active and not return_indices:  # max_pool3d_with_indices is not on the CPU list
        return _amp.run("max_pool3d", max_pool3d, input, kernel_size, stride, padding, dilation, ceil_mode)
    return _pool.max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """``torch.nn.functional.avg_pool1d`` (the 2-D kernel over ``input.unsqueeze(-2)``)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for avg_pool1d)")
    k = _single_arg(kernel_size, "kernel_size", "avg_pool1d")
    s = _single_stride(stride, k, "avg_pool1d")
    p = _single_arg(padding, "padding", "avg_pool1d")
    if s == 0:
        raise RuntimeError("stride should not be zero")
    return _pool.avg_pool(2, input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad).squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """``torch.nn.functional.avg_pool2d``."""
    return _pool.avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """``torch.nn.functional.avg_pool3d``."""
    if _amp.active:
        return _amp.run("avg_pool3d", avg_pool3d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)
    return _pool.avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def adaptive_avg_pool1d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool1d`` (the 2-D kernel over ``input.unsqueeze(-2)``)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for adaptive_avg_pool1d)")
    o = _single_arg(output_size, "output_size", "adaptive_avg_pool1d")
    return _pool.adaptive_avg_pool(2, input.unsqueeze(-2), (1, o)).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool2d`` (``None`` keeps that input size)."""
    return _pool.adaptive_avg_pool(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool3d``."""
    if _amp.active:
        return _amp.run("adaptive_avg_pool3d", adaptive_avg_pool3d, input, output_size)
    return _pool.adaptive_avg_pool(3, input, output_size)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    if isinstance(output_size, (tuple, list)) and len(output_size) != 1:
        raise RuntimeError(f"adaptive_max_pool1d() argument 'output_size' should contain one int (got "
                           f"{len(output_size)})")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: {list(input.shape)}")
    o = _single_arg(output_size, "output_size", "adaptive_max_pool1d")
    v, i = _pool.adaptive_max_pool(2, input.unsqueeze(-2), (1, o), True)
    return v.squeeze(-2), i.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool1d``."""
    r = adaptive_max_pool1d_with_indices(input, output_size)
    return r if return_indices else r[0]


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _pool.adaptive_max_pool(2, input, output_size, True)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool2d``."""
    return _pool.adaptive_max_pool(2, input, output_size, return_indices)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    if _amp.active:
        return _amp.run("adaptive_max_pool3d", adaptive_max_pool3d_with_indices, input, output_size)
    return _pool.adaptive_max_pool(3, input, output_size, True)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool3d``."""
    if _amp.active:
        return _amp.run("adaptive_max_pool3d", adaptive_max_pool3d, input, output_size, return_indices)
    return _pool.adaptive_max_pool(3, input, output_size, return_indices)


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    """torch's ``_unpool_output_size``: the default size, or ``output_size`` checked against it."""
    nd = len(kernel_size)
    default = [(input.shape[-nd + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d] for d in range(nd)]
    if output_size is None:
        ret = default
    else:
        output_size = list(output_size)
        if len(output_size) == nd + 2:
            output_size = output_size[2:]
        if len(output_size) != nd:
            raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                             f"length of '{len(output_size)}'")
        for d in range(nd):
            lo, hi = default[d] - stride[d], default[d] + stride[d]
            if not lo < output_size[d] < hi:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
        ret = output_size
    for d in range(nd):
        if ret[d] < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={ret[d]}")
    return ret


def _unpool_tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v) * n if len(v) == 1 else tuple(v)


def _unpool_args(nd, input, kernel_size, stride, padding, output_size):
    """Kernel size, stride and padding as ``nd``-tuples, and the checked output size."""
    k = _unpool_tuple(kernel_size, nd)
    s = _unpool_tuple(stride, nd) if stride is not None else k
    p = _unpool_tuple(padding, nd)
    return k, s, p, _unpool_output_size(input, k, s, p, output_size)


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    k, s, p, out = _unpool_args(nd, input, kernel_size, stride, padding, output_size)
    return _pool.max_unpool(nd, input, indices, k, s, p, out)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``torch.nn.functional.max_unpool1d`` (the 2-D kernel over unsqueezed inputs)."""
    if _amp.active:
        return _amp.run("max_unpool2d", max_unpool1d, input, indices, kernel_size, stride, padding, output_size)
    k, s, p, out = _unpool_args(1, input, kernel_size, stride, padding, output_size)
    return _pool.max_unpool(2, input.unsqueeze(-1), indices.unsqueeze(-1), (k[0], 1), (s[0], 1), (p[0], 0),
                            list(out) + [1]).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``torch.nn.functional.max_unpool2d``: scatter ``input`` to the positions ``indices`` of each plane."""
    if _amp.active:
        return _amp.run("max_unpool2d", max_unpool2d, input, indices, kernel_size, stride, padding, output_size)
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``torch.nn.functional.max_unpool3d``."""
    if _amp.active:
        return _amp.run("max_unpool3d", max_unpool3d, input, indices, kernel_size, stride, padding, output_size)
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    avg = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    mx = (max_pool1d, max_pool2d, max_pool3d)[nd - 1]
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return mx(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -mx(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    ks = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
    if nd > 1 and len(ks) == 1:
        ks = ks * nd
    from .._ops.elementwise import sign
    return (sign(out) * relu(out.abs())).mul(int(np.prod(ks))).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``torch.nn.functional.lp_pool1d``: ``(sum x^p)^(1/p)`` per window, from avg_pool1d as torch does."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``torch.nn.functional.lp_pool2d``."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``torch.nn.functional.lp_pool3d``."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _verify_batch_size(size):
    prod = size[0]
    for s in size[2:]:
        prod *= s
    if prod == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(size)}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """``torch.nn.functional.batch_norm``: batch statistics when training (the running buffers, if given, move
    by ``momentum`` toward the batch mean and unbiased variance), running statistics otherwise."""
    if training:
        _verify_batch_size(tuple(input.shape))
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps):
    """ATen's instance_norm: batch norm of the input viewed as (1, N*C, ...), with the per-channel
    parameters repeated N times; updated running statistics are averaged back over the batch."""
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    b, c = input.shape[0], input.shape[1]
    x = input.contiguous().view((1, b * c) + tuple(input.shape[2:]))
    rep = [None if t is None else t.repeat(b) for t in (weight, bias, running_mean, running_var)]
    out = _norm.batch_norm(x, rep[2], rep[3], rep[0], rep[1], use_input_stats, momentum, eps)
    with _no_grad():
        if running_mean is not None:
            running_mean.copy_(rep[2].view(b, c).mean(0))
        if running_var is not None:
            running_var.copy_(rep[3].view(b, c).mean(0))
    return out.view(input.shape)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """``torch.nn.functional.instance_norm``: per-sample, per-channel statistics."""
    if use_input_stats:
        prod = 1
        for s in input.shape[2:]:
            prod *= s
        if prod == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.layer_norm`` over the trailing ``normalized_shape`` dims."""
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.group_norm``."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.shape[0] * input.shape[1] // num_groups, num_groups] + list(input.shape[2:]))
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``torch.nn.functional.rms_norm``: ``x * rsqrt(mean(x^2) + eps)`` over the trailing dims (computed in
    float32 for reduced-precision inputs; ``eps`` defaults to the machine epsilon of that type), then
    ``* weight``."""
    if _amp.active:
        return _amp.run("rms_norm", rms_norm, input, normalized_shape, weight, eps)
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    nd = len(normalized_shape)
    if nd == 0 or nd > input.dim() or tuple(input.shape[input.dim() - nd:]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(normalized_shape)}")
    dt = input._data.dtype
    opm = D.float64 if dt == np.float64 else D.float32
    if eps is None:
        eps = float(np.finfo(opm.np).eps)
    x = input.to(opm)
    dims = tuple(range(input.dim() - nd, input.dim()))
    result = x.mul(x.pow(2).mean(dims, keepdim=True).add_(eps).rsqrt()).type_as(input)
    if weight is not None:
        result = result.mul(weight)
    return result


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """``torch.nn.functional.local_response_norm``: divide by ``(k + alpha * mean of squares over size
    neighbouring channels)^beta`` (the average pool torch uses, zero-padded across channels)."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# torch-level names of these ops (ATen argument orders where they differ from nn.functional)

def _torch_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _torch_instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                         cudnn_enabled):
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps)


def _torch_layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def _torch_group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def _torch_max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _torch_max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def _torch_max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _pool.max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode)


def _torch_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _pool.max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode)


def _torch_avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def _torch_adaptive_max_pool1d(input, output_size):
    return adaptive_max_pool1d_with_indices(input, output_size)


def _torch_constant_pad_nd(input, pad, value=0):
    return _pad_mod.pad(input, pad, "constant", value)


def _torch_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    nd = weight.dim() - 2
    if transposed:
        fn = (conv_transpose1d, conv_transpose2d, conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return (conv1d, conv2d, conv3d)[nd - 1](input, weight, bias, stride, padding, dilation, groups)


def _torch_rms_norm(input, normalized_shape, weight=None, eps=None):
    return rms_norm(input, normalized_shape, weight, eps)


def _torch_pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return pairwise_distance(x1, x2, p, eps, keepdim)


def _torch_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    return cosine_similarity(x1, x2, dim, eps)


def _torch_pdist(input, p=2):
    return pdist(input, p)


from .._ops.distance import cdist as _cdist  # noqa: E402
from .._ops.embedding import embedding_raw as _torch_embedding, embedding_renorm_ as _embedding_renorm_  # noqa: E402
from .._ops.grid_sample import affine_grid_generator as _affine_grid_generator  # noqa: E402
from .._ops.grid_sample import grid_sampler as _grid_sampler  # noqa: E402


def _torch_grid_sampler_nd(nd):
    def grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners):
        if input.dim() != nd + 2:
            raise RuntimeError(f"grid_sampler_{nd}d(): expected {nd + 2}D input, but got {input.dim()}D")
        return _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)
    grid_sampler_nd.__name__ = grid_sampler_nd.__qualname__ = f"grid_sampler_{nd}d"
    return grid_sampler_nd


_VISION_TORCH_FUNCTIONS = {
    "conv1d": conv1d, "conv2d": conv2d, "conv3d": conv3d, "conv_transpose1d": conv_transpose1d,
    "conv_transpose2d": conv_transpose2d, "conv_transpose3d": conv_transpose3d, "convolution": _torch_convolution,
    "constant_pad_nd": _torch_constant_pad_nd, "max_pool1d": _torch_max_pool1d,
    "max_pool1d_with_indices": _torch_max_pool1d_with_indices, "max_pool2d": _torch_max_pool2d,
    "max_pool3d": _torch_max_pool3d, "avg_pool1d": _torch_avg_pool1d, "adaptive_avg_pool1d": adaptive_avg_pool1d,
    "adaptive_max_pool1d": _torch_adaptive_max_pool1d, "batch_norm": _torch_batch_norm,
    "instance_norm": _torch_instance_norm, "layer_norm": _torch_layer_norm, "group_norm": _torch_group_norm,
    "rms_norm": _torch_rms_norm, "embedding": _torch_embedding, "embedding_renorm_": _embedding_renorm_,
    "pixel_shuffle": pixel_shuffle, "pixel_unshuffle": pixel_unshuffle, "channel_shuffle": channel_shuffle,
    "native_channel_shuffle": native_channel_shuffle, "cdist": _cdist, "pdist": _torch_pdist,
    "cosine_similarity": _torch_cosine_similarity, "pairwise_distance": _torch_pairwise_distance,
    "grid_sampler": _grid_sampler, "grid_sampler_2d": _torch_grid_sampler_nd(2),
    "grid_sampler_3d": _torch_grid_sampler_nd(3), "affine_grid_generator": _affine_grid_generator,
}
for _name, _fn in _VISION_TORCH_FUNCTIONS.items():
    if _fn.__name__ != _name:
        _fn.__name__ = _fn.__qualname__ = _name
TORCH_FUNCTIONS.update(_VISION_TORCH_FUNCTIONS)

# grid_sample's mode codes, as torch.nn.functional exposes them
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}


# ====================================================================================================
# ---- losses: kernels and compositions live in ember/_ops/loss.py

from .._ops import loss as _loss  # noqa: E402
from .._ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss,  # noqa: E402
                         cross_entropy, ctc_loss, gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div,
                         l1_loss, margin_ranking_loss, mse_loss, multi_margin_loss, multilabel_margin_loss,
                         multilabel_soft_margin_loss, nll_loss, poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
                         triplet_margin_loss, triplet_margin_with_distance_loss)

__all__ += _loss.__all__
TORCH_FUNCTIONS.update(_loss.TORCH_FUNCTIONS)


# ====================================================================================================
# ---- recurrent and attention: kernels in ember/_ops/rnn.py and ember/_ops/attention.py

from .._ops import rnn as _rnn_ops  # noqa: E402
from .._ops.weight_norm import norm_except_dim as _norm_except_dim  # noqa: E402
from .._ops.attention import (_canonical_mask, _in_projection, _in_projection_packed, _mha_shape_check,  # noqa: E402,F401
                              _none_or_dtype, _safe_softmax, multi_head_attention_forward,
                              scaled_dot_product_attention)

__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]
TORCH_FUNCTIONS.update({name: getattr(_rnn_ops, name) for name in _rnn_ops.__all__})
TORCH_FUNCTIONS["norm_except_dim"] = _norm_except_dim
