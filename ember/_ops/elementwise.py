"""Elementwise math: each primitive's forward (a NumPy/CuPy ufunc) beside its derivative.

Binary ops promote like torch (``binary_cast``) and broadcast; the engine reduces broadcast
gradients back to each input's shape.  Float-only unary ops (exp, sin, ...) promote integer inputs
to the default dtype, as torch does.  The special functions torch has at the top level (digamma,
lgamma, polygamma, mvlgamma, i0, erf*, sigmoid, sinc, logit, xlogy, igamma*) are defined here once, over
the kernels of ``_special_kernels``; ``ember.special`` wraps them under torch.special's names.
"""
import math

import numpy as np

from .. import _dtype as D
from .._prim import Primitive, apply, apply_binary
from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor, _wrap
from ._helpers import (_state, binary_cast, check_scalar, float_dtype_for, inplace, to_tensor, write_out,
                       _SCALARS)
from ._helpers import result_dtype as _result_dtype
from .._errors import np_type_name as _cname
from .._device import as_array, xp_of as _xp_of
from . import _special_kernels as _K


# ----------------------------------------------------------------------------------------------------
# binary arithmetic primitives

def _add_grad(ctx, g):
    return g, g


def _sub_grad(ctx, g):
    return g, -g


def _mul_grad(ctx, g):
    a, b = ctx.saved
    return (g * _conj(b) if _needs(ctx, 0) else None), (g * _conj(a) if _needs(ctx, 1) else None)


def _div_grad(ctx, g):
    a, b = ctx.saved
    ga = g / _conj(b) if _needs(ctx, 0) else None
    gb = -g * _conj(a) / _conj(b * b) if _needs(ctx, 1) else None
    return ga, gb


def _needs(ctx, i):
    return ctx.next_functions[i][0] is not None


def _conj(x):
    if isinstance(x, Tensor):
        return x.conj() if x._data.dtype.kind == "c" else x
    return x.conjugate() if isinstance(x, complex) else x


def _pow_grad(ctx, g):
    a, b = ctx.saved
    ga = gb = None
    if _needs(ctx, 0):
        if isinstance(b, Tensor):
            ga = where(b == 0, 0.0, g * b * pow(a, b - 1))
        else:
            ga = g * b * pow(a, b - 1) if b != 0 else g * 0
    if _needs(ctx, 1):
        out = pow(a, b)
        la = log(a) if isinstance(a, Tensor) else math.log(a) if a > 0 else float("nan")
        gb = g * out * la
        if isinstance(a, Tensor):
            gb = where((a == 0) & (b >= 0), 0.0, gb)
    return ga, gb


def _atan2_grad(ctx, g):
    a, b = ctx.saved
    denom = a * a + b * b
    return g * b / denom, g * -a / denom


def _hypot_grad(ctx, g):
    a, b = ctx.saved
    out = ctx.output
    return g * a / out, g * b / out


def _maximum_grad(ctx, g):
    a, b = ctx.saved
    mask_a = (a > b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
    return g * mask_a, g * (1 - mask_a)


def _minimum_grad(ctx, g):
    a, b = ctx.saved
    mask_a = (a < b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
    return g * mask_a, g * (1 - mask_a)


def _fmax_grad(ctx, g):
    a, b = ctx.saved
    take_a = (a >= b) | b.isnan()
    return g * take_a, g * ~take_a


def _fmin_grad(ctx, g):
    a, b = ctx.saved
    take_a = (a <= b) | b.isnan()
    return g * take_a, g * ~take_a


def _fmod_grad(ctx, g):
    a, b = ctx.saved
    return g, (-g * (a / b).trunc() if isinstance(b, Tensor) else None)


def _remainder_grad(ctx, g):
    a, b = ctx.saved
    return g, (-g * (a / b).floor() if isinstance(b, Tensor) else None)


def _copysign_grad(ctx, g):
    a, b = ctx.saved
    out = ctx.output
    return g * where(a == 0, 0.0, out / a), None


def _logaddexp_grad(ctx, g):
    a, b = ctx.saved
    out = ctx.output
    return g * (a - out).exp(), g * (b - out).exp()


def _logaddexp2_grad(ctx, g):
    a, b = ctx.saved
    out = ctx.output
    return g * pow(2.0, a - out), g * pow(2.0, b - out)


def _np_pow(a, b):
    return np.power(a, b)


def _np_fmod(a, b):
    return np.fmod(a, b)


ADD = Primitive("AddBackward0", np.add, _add_grad)
SUB = Primitive("SubBackward0", np.subtract, _sub_grad)
MUL = Primitive("MulBackward0", np.multiply, _mul_grad, save_inputs="other")
DIV = Primitive("DivBackward0", np.true_divide, _div_grad, save_inputs=True)
POW = Primitive("PowBackward0", _np_pow, _pow_grad, save_inputs=True)
POW_T = Primitive("PowBackward1", _np_pow, _pow_grad, save_inputs=True)
RPOW = Primitive("PowBackward2", _np_pow, _pow_grad, save_inputs=True)
ATAN2 = Primitive("Atan2Backward0", np.arctan2, _atan2_grad, save_inputs=True)
HYPOT = Primitive("HypotBackward0", np.hypot, _hypot_grad, save_inputs=True, save_output=True)
MAXIMUM = Primitive("MaximumBackward0", np.maximum, _maximum_grad, save_inputs=True)
MINIMUM = Primitive("MinimumBackward0", np.minimum, _minimum_grad, save_inputs=True)
FMAX = Primitive("FmaxBackward0", np.fmax, _fmax_grad, save_inputs=True)
FMIN = Primitive("FminBackward0", np.fmin, _fmin_grad, save_inputs=True)
FMOD = Primitive("FmodBackward0", _np_fmod, _fmod_grad, save_inputs=True)
REMAINDER = Primitive("RemainderBackward0", np.remainder, _remainder_grad, save_inputs=True)
COPYSIGN = Primitive("CopysignBackward0", np.copysign, _copysign_grad, save_inputs=True, save_output=True)
LOGADDEXP = Primitive("LogaddexpBackward0", np.logaddexp, _logaddexp_grad, save_inputs=True, save_output=True)
LOGADDEXP2 = Primitive("Logaddexp2Backward0", np.logaddexp2, _logaddexp2_grad, save_inputs=True,
                       save_output=True)


def _binary(prim, a, b, out=None, name="op"):
    """Promote, broadcast and apply a binary primitive; ``a`` or ``b`` may be a Python scalar."""
    if out is None and type(a) is Tensor:
        tb = type(b)
        if tb is Tensor:
            if a._data.dtype == b._data.dtype:
                return apply_binary(prim, a, b, None)
        elif tb is float or tb is int:
            return apply_binary(prim, a, b, binary_cast(a, b))
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            a = to_tensor(a)
        else:
            check_scalar(a, name)
            cast = binary_cast(b, a)
            r = apply(prim, (a, b), (), cast)  # cast also rounds NumPy's float32 result for bfloat16
            return r if out is None else write_out(r, out)
    if isinstance(b, Tensor):
        da, db = a._data.dtype, b._data.dtype
        cast = None if da == db else binary_cast(a, b)
    else:
        if not isinstance(b, _SCALARS):
            if isinstance(b, np.generic):
                b = b.item()
            else:
                check_scalar(b, name)
        cast = binary_cast(a, b)
        if cast == a._data.dtype:
            cast = None
    r = apply(prim, (a, b), (), cast)
    return r if out is None else write_out(r, out)


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with torch's type promotion."""
    if alpha != 1:
        other = other * alpha
    return _binary(ADD, input, other, out, "add")


def _add_op(self, other):
    return _binary(ADD, self, other, None, "add")


def _mul_op(self, other):
    return _binary(MUL, self, other, None, "mul")


def _sub_op(self, other):
    if self._data.dtype == np.bool_ or type(other) is bool:
        return sub(self, other)
    return _binary(SUB, self, other, None, "sub")


def _is_bool(x):
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_))


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``; bool operands are refused as in torch."""
    if _is_bool(input) or _is_bool(other):
        if _is_bool(input) and _is_bool(other):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                               "`^` or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha != 1:
        other = other * alpha
    return _binary(SUB, input, other, out, "sub")


subtract = sub


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None):
    return _binary(MUL, input, other, out, "mul")


multiply = mul


def _int_like(x):
    if isinstance(x, Tensor):
        return x._data.dtype.kind in "iub"
    return isinstance(x, (int, bool)) or (isinstance(x, np.generic) and x.dtype.kind in "iub")


def div(input, other, *, rounding_mode=None, out=None):
    """True division (int/int gives the default float dtype); ``rounding_mode`` 'trunc' or 'floor'."""
    if rounding_mode is None:
        if _int_like(input) and _int_like(other):
            fd = D.get_default_dtype()
            input = to_tensor(input).to(fd)
            other = other.to(fd) if isinstance(other, Tensor) else float(other)
        return _binary(DIV, input, other, out, "div")
    if rounding_mode == "trunc":
        if _int_like(input) and _int_like(other):
            r = _int_divide(input, other, np.trunc)
        else:
            r = _binary(DIV, input, other, None, "div").trunc()
    elif rounding_mode == "floor":
        r = floor_divide(input, other)
    else:
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                         f"'{rounding_mode}'")
    return r if out is None else write_out(r, out)


divide = div
true_divide = div


def _int_divide(a, b, rounder):
    a = to_tensor(a)
    cast = binary_cast(a, b)
    bd = b._data.astype(cast) if isinstance(b, Tensor) else b
    if np.any(bd == 0):
        raise RuntimeError("ZeroDivisionError")
    q = np.floor_divide(a._data.astype(cast), bd) if rounder is np.floor else \
        (np.trunc(np.true_divide(a._data, bd))).astype(cast)
    return _wrap(as_array(q, cast))


def floor_divide(input, other, *, out=None):
    if _int_like(input) and _int_like(other):
        r = _int_divide(input, other, np.floor)
    else:
        r = _binary(DIV, input, other, None, "floor_divide")
        with _no_grad():
            fl = r.floor()
        r = fl
    return r if out is None else write_out(r, out)


class _no_grad:
    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *e):
        _state.enabled = self.prev


def pow(input, exponent, *, out=None):
    """``input ** exponent``; a Python-scalar base gives ``PowBackward2`` like torch."""
    if _amp.active:
        return _amp.run("pow", pow, input, exponent, out=out)
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        cast = binary_cast(exponent, input)
        r = apply(RPOW, (input, exponent), (), None if cast == exponent._data.dtype else cast)
        return r if out is None else write_out(r, out)
    if isinstance(input, Tensor) and _int_like(input) and _int_like(exponent):
        e = exponent._data if isinstance(exponent, Tensor) else exponent
        if np.any(e < 0):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    prim = POW_T if isinstance(exponent, Tensor) else POW
    return _binary(prim, input, exponent, out, "pow")


float_power = None  # defined below


def _float_power(input, exponent, *, out=None):
    dt = D.complex128 if (isinstance(input, Tensor) and input.is_complex()) or isinstance(exponent, complex) \
        else D.float64
    i = to_tensor(input).to(dt)
    e = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return pow(i, e, out=out)


float_power = _float_power


def atan2(input, other, *, out=None):
    if _amp.active:
        return _amp.run("atan2", atan2, input, other, out=out)
    return _float_binary(ATAN2, input, other, out, "atan2")


arctan2 = atan2


def _float_binary(prim, a, b, out, name):
    a = to_tensor(a)
    cast = binary_cast(a, b)
    if np.dtype(cast).kind not in "fc" and cast != D.bfloat16.np:
        cast = D.get_default_dtype().np
    return _apply_cast(prim, a, b, cast, out)


def _apply_cast(prim, a, b, cast, out):
    r = apply(prim, (a, b), (), cast)
    return r if out is None else write_out(r, out)


def hypot(input, other, *, out=None):
    return _binary(HYPOT, input, other, out, "hypot")


def maximum(input, other, *, out=None):
    if not isinstance(other, Tensor):
        raise TypeError(f"maximum(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return _binary(MAXIMUM, input, other, out, "maximum")


def minimum(input, other, *, out=None):
    if not isinstance(other, Tensor):
        raise TypeError(f"minimum(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return _binary(MINIMUM, input, other, out, "minimum")


def fmax(input, other, *, out=None):
    return _binary(FMAX, input, other, out, "fmax")


def fmin(input, other, *, out=None):
    return _binary(FMIN, input, other, out, "fmin")


def fmod(input, other, *, out=None):
    if _int_like(input) and _int_like(other) and np.any(_arr(other) == 0):
        raise RuntimeError("ZeroDivisionError")
    return _binary(FMOD, input, other, out, "fmod")


def remainder(input, other, *, out=None):
    if _int_like(input) and _int_like(other) and np.any(_arr(other) == 0):
        raise RuntimeError("ZeroDivisionError")
    return _binary(REMAINDER, input, other, out, "remainder")


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def copysign(input, other, *, out=None):
    return _float_binary(COPYSIGN, input, other, out, "copysign")


def logaddexp(input, other, *, out=None):
    return _binary(LOGADDEXP, input, other, out, "logaddexp")


def logaddexp2(input, other, *, out=None):
    return _binary(LOGADDEXP2, input, other, out, "logaddexp2")


# ----------------------------------------------------------------------------------------------------
# comparisons, logical and bitwise ops (no gradient)

def _compare(ufunc):
    def op(input, other, *, out=None):
        if not isinstance(input, Tensor):
            input = to_tensor(input)
        b = other._data if isinstance(other, Tensor) else other
        a = input._data
        if isinstance(other, Tensor) and a.dtype != b.dtype:
            cast = binary_cast(input, other)
            a, b = a.astype(cast, copy=False), b.astype(cast, copy=False)
        r = _wrap(as_array(ufunc(a, b)))
        return r if out is None else write_out(r, out)
    op.__name__ = ufunc.__name__
    return op


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _logical(ufunc):
    def op(input, other, *, out=None):
        a = to_tensor(input)._data
        b = other._data.astype(bool, copy=False) if isinstance(other, Tensor) else bool(other)
        r = _wrap(as_array(ufunc(a.astype(bool, copy=False), b)))
        return r if out is None else write_out(r, out)
    op.__name__ = "logical_" + ufunc.__name__.split("_")[-1]
    return op


logical_and = _logical(np.logical_and)
logical_or = _logical(np.logical_or)
logical_xor = _logical(np.logical_xor)


def logical_not(input, *, out=None):
    r = _wrap(as_array(np.logical_not(input._data)))
    return r if out is None else write_out(r, out)


def _bitwise(ufunc, name):
    def op(input, other, *, out=None):
        input = to_tensor(input)
        cast = binary_cast(input, other)
        if np.dtype(cast).kind not in "iub":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_cname(cast)}\'')
        a = input._data.astype(cast, copy=False)
        # a Python int wraps into the tensor's dtype as in torch (uint8 & -4 == uint8 & 252)
        b = other._data.astype(cast, copy=False) if isinstance(other, Tensor) else np.array(other).astype(cast)[()]
        r = _wrap(as_array(ufunc(a, b), cast))
        return r if out is None else write_out(r, out)
    op.__name__ = name
    return op




bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(np.left_shift, "lshift")
bitwise_right_shift = _bitwise(np.right_shift, "rshift")


def bitwise_not(input, *, out=None):
    if input._data.dtype.kind not in "iub":
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for \'{_cname(input._data.dtype)}\'')
    r = _wrap(np.invert(input._data))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# unary primitives: (torch name, forward, derivative, float-only?, saves)

def _unary_prim(name, fwd, grad, save_inputs=False, save_output=False):
    return Primitive(name, fwd, grad, save_inputs=save_inputs, save_output=save_output)


def _x(ctx):
    return ctx.saved[0]


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_2_SQRTPI = 2.0 / math.sqrt(math.pi)

_EXPIT = _K.opmath(_K.expit)
_LGAMMA = _K.opmath(_K.gammaln)


def _sigmoid_fwd(a):
    return 1 / (1 + np.exp(-a)) if a.dtype.kind == "c" else _EXPIT(a)


def _sigmoid_grad(ctx, g):
    y = ctx.output
    return (g * ((1 - y) * y).conj() if y.is_complex() else g * (1 - y) * y),


def _i0_grad(ctx, g):
    from ..special import i1  # torch's derivative is special_i1, itself differentiable
    return (g * i1(_x(ctx)),)


# name: (Backward name, forward, grad(ctx, g), float_only, save_inputs, save_output)
_UNARY = {
    "exp": ("ExpBackward0", np.exp, lambda c, g: (g * _conj(c.output),), True, False, True),
    "exp2": ("Exp2Backward0", np.exp2, lambda c, g: (g * c.output * _LN2,), True, False, True),
    "expm1": ("Expm1Backward0", np.expm1, lambda c, g: (g * (c.output + 1),), True, False, True),
    "log": ("LogBackward0", np.log, lambda c, g: (g / _conj(_x(c)),), True, True, False),
    "log2": ("Log2Backward0", np.log2, lambda c, g: (g / (_x(c) * _LN2),), True, True, False),
    "log10": ("Log10Backward0", np.log10, lambda c, g: (g / (_x(c) * _LN10),), True, True, False),
    "log1p": ("Log1PBackward0", np.log1p, lambda c, g: (g / (_x(c) + 1),), True, True, False),
    "sqrt": ("SqrtBackward0", np.sqrt, lambda c, g: (g / (2 * _conj(c.output)),), True, False, True),
    "rsqrt": ("RsqrtBackward0", lambda a: 1 / np.sqrt(a), lambda c, g: (-0.5 * g * c.output ** 3,), True, False, True),
    "sin": ("SinBackward0", np.sin, lambda c, g: (g * _conj(_x(c).cos()),), True, True, False),
    "cos": ("CosBackward0", np.cos, lambda c, g: (-g * _conj(_x(c).sin()),), True, True, False),
    "tan": ("TanBackward0", np.tan, lambda c, g: (g * (1 + _conj(c.output) ** 2),), True, False, True),
    "asin": ("AsinBackward0", np.arcsin, lambda c, g: (g / (1 - _x(c) ** 2).sqrt(),), True, True, False),
    "acos": ("AcosBackward0", np.arccos, lambda c, g: (-g / (1 - _x(c) ** 2).sqrt(),), True, True, False),
    "atan": ("AtanBackward0", np.arctan, lambda c, g: (g / (1 + _x(c) ** 2),), True, True, False),
    "sinh": ("SinhBackward0", np.sinh, lambda c, g: (g * _x(c).cosh(),), True, True, False),
    "cosh": ("CoshBackward0", np.cosh, lambda c, g: (g * _x(c).sinh(),), True, True, False),
    "tanh": ("TanhBackward0", np.tanh, lambda c, g: (g * (1 - _conj(c.output) ** 2),), True, False, True),
    "asinh": ("AsinhBackward0", np.arcsinh, lambda c, g: (g / (_x(c) ** 2 + 1).sqrt(),), True, True, False),
    "acosh": ("AcoshBackward0", np.arccosh, lambda c, g: (g / (_x(c) ** 2 - 1).sqrt(),), True, True, False),
    "atanh": ("AtanhBackward0", np.arctanh, lambda c, g: (g / (1 - _x(c) ** 2),), True, True, False),
    "sigmoid": ("SigmoidBackward0", _sigmoid_fwd, _sigmoid_grad, True, False, True),
    "erf": ("ErfBackward0", _K.opmath(_K.erf),
            lambda c, g: (g * _2_SQRTPI * (-_x(c) ** 2).exp(),), True, True, False),
    "erfc": ("ErfcBackward0", _K.opmath(_K.erfc),
             lambda c, g: (-g * _2_SQRTPI * (-_x(c) ** 2).exp(),), True, True, False),
    "erfinv": ("ErfinvBackward0", _K.opmath(_K.erfinv),
               lambda c, g: (g * (math.sqrt(math.pi) / 2) * (c.output ** 2).exp(),), True, False, True),
    "lgamma": ("LgammaBackward0", _LGAMMA, lambda c, g: (g * _x(c).digamma(),), True, True, False),
    "digamma": ("DigammaBackward0", _K.opmath(_K.digamma),
                lambda c, g: (g * polygamma(1, _x(c)),), True, True, False),
    "i0": ("I0Backward0", _K.opmath(_K.i0), _i0_grad, True, True, False),
    "neg": ("NegBackward0", np.negative, lambda c, g: (-g,), False, False, False),
    "abs": ("AbsBackward0", np.abs, lambda c, g: (g * _x(c).sgn(),), False, True, False),
    "reciprocal": ("ReciprocalBackward0", lambda a: np.reciprocal(a),
                   lambda c, g: (-g * _conj(c.output) ** 2,), True, False, True),
    "sign": ("SignBackward0", lambda a: _sign(a), lambda c, g: (g * 0,), False, False, False),
    "floor": ("FloorBackward0", np.floor, lambda c, g: (g * 0,), False, False, False),
    "ceil": ("CeilBackward0", np.ceil, lambda c, g: (g * 0,), False, False, False),
    "trunc": ("TruncBackward0", np.trunc, lambda c, g: (g * 0,), False, False, False),
    "frac": ("FracBackward0", lambda a: a - np.trunc(a), lambda c, g: (g,), False, False, False),
    "square": ("PowBackward0", np.square, lambda c, g: (2 * g * _x(c),), False, True, False),
    "conj_physical": ("ConjPhysicalBackward0", np.conjugate, lambda c, g: (g.conj(),), False, False, False),
    "angle": ("AngleBackward0", np.angle, lambda c, g: (_angle_grad(c, g),), False, True, False),
}


def _sign(a):
    """np.sign, but NaN maps to 0 as in torch."""
    r = np.sign(a)
    if r.dtype.kind == "f":
        r = np.where(np.isnan(r), 0, r).astype(r.dtype)
    return r


def _angle_grad(c, g):
    x = _x(c)
    if x.is_complex():
        raise NotImplementedError("ember: gradient of angle() for complex inputs is not implemented")
    return g * 0


# float-only ops whose torch kernel has no complex loop: complex inputs raise its NotImplementedError
_REAL_ONLY = {"erf": "erf_vml_cpu", "erfc": "erfc_vml_cpu", "erfinv": "erfinv_vml_cpu", "lgamma": "lgamma_vml_cpu",
              "digamma": "digamma", "i0": "i0_vml_cpu"}
_INT_KEEP = {"neg", "abs", "sign", "floor", "ceil", "trunc", "square", "conj_physical", "frac"}
_unary_prims = {}


def _make_unary(name, spec):
    bname, fwd, grad, float_only, si, so = spec
    prim = Primitive(bname, fwd, grad, save_inputs=si, save_output=so)
    _unary_prims[name] = prim
    keep_int = name in _INT_KEEP
    real_kernel = _REAL_ONLY.get(name)

    def op(input, *, out=None):
        if _amp.active:
            return _amp.run(name, op, input, out=out)
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        a = input._data
        if real_kernel is not None and a.dtype.kind == "c":
            _refuse(real_kernel, a.dtype)
        cast = None
        if float_only and a.dtype.kind in "iub":
            cast = D.get_default_dtype().np
        elif keep_int and a.dtype.kind == "b" and name in ("neg", "abs", "square"):
            if name == "neg":
                raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                                   "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
            if name == "abs":
                raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
            if name == "square":
                cast = np.int64
        elif name in ("floor", "ceil", "trunc", "frac") and a.dtype.kind in "iub":
            if name == "frac":
                raise RuntimeError('"frac_cpu" not implemented for \'' + _cname(a.dtype) + "'")
            r = input.clone()
            return r if out is None else write_out(r, out)
        r = apply(prim, (input,), (), cast)
        return r if out is None else write_out(r, out)
    op.__name__ = name
    return op


_g = globals()
for _name, _spec in _UNARY.items():
    _g[_name] = _make_unary(_name, _spec)

arcsin, arccos, arctan = asin, acos, atan  # noqa: F821
arcsinh, arccosh, arctanh = asinh, acosh, atanh  # noqa: F821
negative = neg  # noqa: F821
absolute = abs  # noqa: F821
special_expit = sigmoid  # noqa: F821
fix = trunc  # noqa: F821


def positive(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def sgn(input, *, out=None):
    if input.is_complex():
        a = input._data
        mag = np.abs(a)
        r = _wrap(np.where(mag == 0, 0, a / np.where(mag == 0, 1, mag)).astype(a.dtype))
    else:
        r = sign(input)  # noqa: F821
    return r if out is None else write_out(r, out)


def round(input, *, decimals=0, out=None):
    if input._data.dtype.kind in "iub":
        r = input.clone()
    elif decimals == 0:
        r = apply(_ROUND, (input,))
    else:
        s = 10.0 ** decimals
        r = apply(_ROUND, (input * s,)) / s
    return r if out is None else write_out(r, out)


_ROUND = Primitive("RoundBackward0", np.round, lambda c, g: (g * 0,))


# ----------------------------------------------------------------------------------------------------
# special functions, shared with ember.special (which wraps these under torch.special's names): torch's
# edge values (``_special_kernels``), dtype rules and derivatives

_REDUCED = (np.dtype(np.float16), D.bfloat16.np)


def _refuse(kernel, npd):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_cname(npd)}\'')


def _float_dtype(npd, kernel, half=True):
    """The dtype a float-only function computes in: integers and bool take the default dtype; complex (and
    float16/bfloat16 where torch's kernel lacks them) raise torch's NotImplementedError."""
    if npd.kind in "biu":
        npd = D.get_default_dtype().np
    if npd.kind == "c" or (not half and npd in _REDUCED):
        _refuse(kernel, npd)
    return npd


def _pair_dtype(a, b, kernel, *, ints=True, half=True):
    """torch's promotion of two operands (tensors or Python scalars), then ``_float_dtype``'s rules;
    ``ints=False``: integer results are refused rather than promoted (igamma)."""
    npd = _result_dtype(a, b).np
    if npd.kind in "biu" and not ints:
        _refuse(kernel, npd)
    return _float_dtype(npd, kernel, half)


def _tensor_arg(x, fname, arg="input", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _run(prim, inputs, cast, args=()):
    """``apply`` (the cast elided when it is a no-op for a one-tensor call)."""
    if len(inputs) == 1 and cast == inputs[0]._data.dtype:
        cast = None
    return apply(prim, inputs, args, cast)


def _out(r, out):
    return r if out is None else write_out(r, out)


def _pair_op(fname, prims, kernel, a, b, out, *, ints=True, half=True, scalars=True):
    """Promote ``a`` and ``b`` like torch and apply the primitive for the overload: ``prims`` holds
    (tensor-tensor, scalar-tensor, tensor-scalar) primitives, as torch names their nodes; ``scalars=False``:
    both must be tensors."""
    a, b = (x.item() if isinstance(x, np.generic) else x for x in (a, b))
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not scalars:
        _tensor_arg(a, fname)
        _tensor_arg(b, fname, "other", 2)
    elif not (ta or tb) or not all(isinstance(x, (Tensor, int, float, complex)) for x in (a, b)):
        raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__})")
    cast = _pair_dtype(a, b, kernel, ints=ints, half=half)
    prim = prims[0] if ta and tb else prims[1] if tb else prims[2]
    return _out(_run(prim, (a, b), cast), out)


def _polygamma_kernel(x, n):
    return _K.polygamma(n, x)


def _polygamma_grad(ctx, g):
    return (g * polygamma(ctx.args[0] + 1, ctx.saved[0]),)


_POLYGAMMA = Primitive("PolygammaBackward0", _K.opmath(_polygamma_kernel, 1), _polygamma_grad, save_inputs=True)
_POLYGAMMA_KERNEL = {0: "digamma", 1: "trigamma"}


def _polygamma(n, input, out, fname):
    if not isinstance(n, int):
        raise TypeError(f"{fname}(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    _tensor_arg(input, fname, "input", 2)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    cast = _float_dtype(input._data.dtype, _POLYGAMMA_KERNEL.get(n, "polygamma"))
    return _out(_run(_POLYGAMMA, (input,), cast, (n,)), out)


def polygamma(n, input, *, out=None):
    """``torch.polygamma(n, input)``: the n-th derivative of digamma with torch's values (digamma for n = 0,
    its trigamma formula for n = 1 — huge finite values at the poles, 0 at +inf — and (-1)ⁿ⁺¹ n! ζ(n+1, x)
    above, NaN at +inf); half types compute in float32; derivative polygamma(n + 1, x)."""
    return _polygamma(n, input, out, "polygamma")


def _mvlgamma_fwd(a, p):
    dt = a.dtype
    work = np.dtype(np.float32) if dt in _REDUCED else dt
    args = _xp_of(a).arange(-p / 2 + 0.5, 0.5, 0.5).astype(dt) + a[..., None]
    s = _LGAMMA(args).sum(-1, dtype=work).astype(dt)
    return (s.astype(work) + work.type(p * (p - 1) * math.log(math.pi) / 4)).astype(dt)


def _mvlgamma_grad(ctx, g):
    x, = ctx.saved
    p = ctx.args[0]
    from .creation import arange
    return (g * digamma(arange(-p / 2 + 0.5, 0.5, 0.5, dtype=x.dtype, device=x.device)  # noqa: F821
                        + x.unsqueeze(-1)).sum(-1),)


_MVLGAMMA = Primitive("MvlgammaBackward0", _mvlgamma_fwd, _mvlgamma_grad, save_inputs=True)


def _mvlgamma(input, p, out, fname):
    _tensor_arg(input, fname)
    if input._data.dtype == np.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if not isinstance(p, int):
        raise TypeError(f"{fname}(): argument 'p' (position 2) must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _out(_run(_MVLGAMMA, (input,), _float_dtype(input._data.dtype, "arange_cpu"), (p,)), out)


def mvlgamma(input, p, *, out=None):
    """``torch.mvlgamma``: Σⱼ ln Γ(x - j/2) + p(p-1)/4 ln π, in torch's order of roundings (the terms in the
    input's dtype, summed in float32 for half types); no domain check (torch 2.13 dropped it)."""
    return _mvlgamma(input, p, out, "mvlgamma")


def _logit_fwd(a, eps):
    """torch's kernel, in the input's dtype (float16/bfloat16 round after each operation, as torch's do)."""
    one = a.dtype.type(1)
    if eps is not None and eps >= 0:
        lo = a.dtype.type(eps)
        hi = one - lo
        a = np.where(a < lo, lo, np.where(a > hi, hi, a))  # torch's order when lo > hi
    return np.log(a / (one - a))


def _logit_grad(ctx, g):
    x, = ctx.saved
    eps = ctx.args[0]
    d = g / where((x == 0) | (x == 1), 0.0, x * (1 - x))  # +0 there: ±inf by g's sign (also at x = -0)
    if eps is None or eps < 0:
        return (where((x < 0) | (x > 1), math.nan, d),)
    return (where((x < eps) | (x > 1 - eps), 0.0, d),)


_LOGIT = Primitive("LogitBackward0", _logit_fwd, _logit_grad, save_inputs=True)


def logit(input, eps=None, *, out=None):
    """``torch.logit``: ln(x / (1 - x)), x clamped to [eps, 1 - eps] when eps >= 0 (a negative eps is no
    eps; lo > hi gives hi, as torch); the derivative is 0 outside the clamp, NaN outside [0, 1] without one."""
    _tensor_arg(input, "logit")
    if isinstance(eps, Tensor):
        eps = eps.item()
    elif eps is not None and not isinstance(eps, (int, float)):
        raise TypeError(f"logit(): argument 'eps' (position 2) must be float, not {type(eps).__name__}")
    return _out(_run(_LOGIT, (input,), _float_dtype(input._data.dtype, "logit_cpu"), (eps,)), out)


def _sinc_kernel(a):
    px = a * a.dtype.type(math.pi) if a.dtype.kind == "f" else a * math.pi
    return np.where(a == 0, a.dtype.type(1), np.sin(px) / px).astype(a.dtype, copy=False)


def _sinc_grad(ctx, g):
    x, = ctx.saved
    px = x * math.pi
    sq = x * px
    d = (px * px.cos() - px.sin()) / sq
    return (where(sq == 0, 0.0, g * (d.conj() if x.is_complex() else d)),)


_SINC = Primitive("SincBackward0", _K.opmath(_sinc_kernel), _sinc_grad, save_inputs=True)


def sinc(input, *, out=None):
    """``torch.sinc``: sin(πx)/(πx), 1 at 0; complex inputs too; float16/bfloat16 computed in float32."""
    _tensor_arg(input, "sinc")
    npd = input._data.dtype
    return _out(_run(_SINC, (input,), D.get_default_dtype().np if npd.kind in "biu" else npd), out)


def _xlogy_grad(ctx, g, log_of, shift):
    """x·log(y + shift)'s derivative, torch's: w.r.t. x ``log_of(g, y)`` (xlogy/xlog1py of g), zeroed at
    x == 0 where y + shift <= 0; w.r.t. y x / (y + shift)."""
    a, b = ctx.saved
    ga = gb = None
    if ctx.next_functions[0][0] is not None:
        ga = log_of(g, b)
        if isinstance(b, Tensor):
            ga = where((a == 0) & (b <= -shift), 0.0, ga)
        elif b <= -shift:
            ga = where(a == 0, 0.0, ga)
    if ctx.next_functions[1][0] is not None:
        gb = g * a / (b + shift) if shift else g * a / b
    return ga, gb


_XLOGY = tuple(Primitive(n, _K.opmath(_K.xlogy), lambda c, g: _xlogy_grad(c, g, xlogy, 0), save_inputs=True)
               for n in ("XlogyBackward0", "XlogyBackward1", "XlogyBackward2"))


def xlogy(input, other, *, out=None):
    """``torch.xlogy``: x·ln(y), 0 where x == 0 (unless y is NaN); either argument may be a Python number
    (promoted like torch's binary ops, integers to the default float dtype); torch's derivative."""
    return _pair_op("xlogy", _XLOGY, "xlogy_cpu", input, other, out)


def _igamma_grad(sign, label):
    def grad(ctx, g):
        if ctx.next_functions[0][0] is not None:
            raise NotImplementedError(f"the derivative for '{label}: input' is not implemented.")
        a, x = ctx.saved
        d = ((a - 1) * x.log() - x - lgamma(a)).exp()  # noqa: F821
        return None, (g * d if sign > 0 else -g * d)
    return grad


_IGAMMA = (Primitive("IgammaBackward0", _K.opmath(_K.gammainc), _igamma_grad(1, "igamma"), save_inputs=True),) * 3
_IGAMMAC = (Primitive("IgammacBackward0", _K.opmath(_K.gammaincc), _igamma_grad(-1, "igammac"),
                      save_inputs=True),) * 3


def igamma(input, other, *, out=None):
    """``torch.igamma(a, x)``: the regularized lower incomplete gamma function with torch's boundary values;
    two tensors promoting to a float dtype (integer results raise, as torch's kernel); differentiable in x
    only — backward w.r.t. a raises torch's NotImplementedError."""
    return _pair_op("igamma", _IGAMMA, "igamma_cpu", input, other, out, ints=False, scalars=False)


def igammac(input, other, *, out=None):
    """``torch.igammac(a, x)``: the regularized upper incomplete gamma function (see igamma)."""
    return _pair_op("igammac", _IGAMMAC, "igammac_cpu", input, other, out, ints=False, scalars=False)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    a = input._data
    if a.dtype.kind not in "fc" and a.dtype != D.bfloat16.np:
        r = input.clone()
        return r if out is None else write_out(r, out)
    r = apply(_NAN_TO_NUM, (input,), (nan, posinf, neginf))
    return r if out is None else write_out(r, out)


def _nan_to_num_np(a, nan, posinf, neginf):
    if a.dtype == D.bfloat16.np:
        info = D.finfo(D.bfloat16)
        hi, lo = info.max, info.min
        r = np.where(np.isnan(a), nan, a)
        r = np.where(np.isposinf(a), hi if posinf is None else posinf, r)
        r = np.where(np.isneginf(a), lo if neginf is None else neginf, r)
        return r.astype(a.dtype)
    return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


_NAN_TO_NUM = Primitive("NanToNumBackward0", _nan_to_num_np,
                        lambda c, g: (g * c.saved[0].isfinite(),), save_inputs=True)


def isnan(input):
    return _wrap(as_array(np.isnan(input._data)))


def _floating(a, kinds="fc"):
    return a.dtype.kind in kinds or a.dtype == D.bfloat16.np


def isinf(input):
    a = input._data
    return _wrap(as_array(np.isinf(a)) if _floating(a) else np.zeros_like(a, dtype=bool))


def isposinf(input):
    a = input._data
    return _wrap(as_array(a == np.inf) if _floating(a, "f") else np.zeros_like(a, dtype=bool))


def isneginf(input):
    a = input._data
    return _wrap(as_array(a == -np.inf) if _floating(a, "f") else np.zeros_like(a, dtype=bool))


def isfinite(input):
    a = input._data
    if a.dtype.kind in "iub":
        return _wrap(np.ones_like(a, dtype=bool))
    return _wrap(as_array(np.isfinite(a)))


def isreal(input):
    a = input._data
    return _wrap(as_array(a.imag == 0) if a.dtype.kind == "c" else np.ones_like(a, dtype=bool))


def signbit(input):
    return _wrap(as_array(np.signbit(input._data)))


# ----------------------------------------------------------------------------------------------------
# ternary ops

def _where_grad(ctx, g):
    cond = ctx.args[0]
    z = g * 0
    return g.where(_wrap(cond), z), z.where(_wrap(cond), g)


_WHERE = Primitive("WhereBackward0", lambda a, b, cond: np.where(cond, a, b), _where_grad)


def where(condition, input=None, other=None, *, out=None):
    """``torch.where(cond, x, y)`` (scalars allowed for x and y) or ``where(cond)`` = nonzero(as_tuple)."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        condition = to_tensor(condition)
    c = condition._data
    if c.dtype != np.bool_:
        if c.dtype == np.uint8:
            c = c.astype(bool)
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{D._FROM_NP[c.dtype].__repr__()[6:].capitalize()}")
    if isinstance(input, Tensor):
        cast = binary_cast(input, other)
    elif isinstance(other, Tensor):
        cast = binary_cast(other, input)
    else:
        cast = D.result_type_of((), (), (input, other)).np
    r = apply(_WHERE, (input, other), (c,), cast)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        r._data = as_array(r._data, cast)
    if r._data.shape != np.broadcast_shapes(c.shape, r._data.shape):
        r = r.expand(np.broadcast_shapes(c.shape, r._data.shape)).clone()
    return r if out is None else write_out(r, out)


def _clamp_grad(ctx, g):
    x, lo, hi = ctx.saved
    mask = None
    if lo is not None:
        mask = x >= lo
    if hi is not None:
        m2 = x <= hi
        mask = m2 if mask is None else mask & m2
    gx = g * mask if mask is not None else g
    glo = g * (x < lo) if isinstance(lo, Tensor) else None
    ghi = g * (x > hi) if isinstance(hi, Tensor) else None
    return gx, glo, ghi


def _np_clamp(x, lo, hi):
    if lo is not None:
        x = np.maximum(x, lo) if not _isnan_scalar(lo) else np.full_like(x, np.nan)
    if hi is not None:
        x = np.minimum(x, hi) if not _isnan_scalar(hi) else np.full_like(x, np.nan)
    return x


def _isnan_scalar(v):
    return isinstance(v, float) and v != v


_CLAMP = Primitive("ClampBackward1", _np_clamp, _clamp_grad, save_inputs=True)
_CLAMP_T = Primitive("ClampBackward0", _np_clamp, _clamp_grad, save_inputs=True)


def clamp(input, min=None, max=None, *, out=None):
    """``torch.clamp``: bounds may be numbers or tensors; min > max gives max (torch's rule)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = isinstance(min, Tensor) or isinstance(max, Tensor)
    cast = input._data.dtype
    for b in (min, max):
        if b is not None:
            cast = np.promote_types(cast, binary_cast(input, b)) if isinstance(b, Tensor) else \
                binary_cast(_wrap(np.empty(0, cast)), b)  # a dtype carrier: never data
    r = apply(_CLAMP_T if tensors else _CLAMP, (input, min, max), (), None if cast == input._data.dtype else cast)
    return r if out is None else write_out(r, out)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


def lerp(input, end, weight, *, out=None):
    r = input + weight * (end - input)
    return r if out is None else write_out(r, out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    if _amp.active:
        return _amp.run("addcmul", addcmul, input, tensor1, tensor2, value=value, out=out)
    r = input + value * tensor1 * tensor2 if value != 1 else input + tensor1 * tensor2
    return r if out is None else write_out(r, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    if _amp.active:
        return _amp.run("addcdiv", addcdiv, input, tensor1, tensor2, value=value, out=out)
    if _int_like(tensor1) and _int_like(tensor2):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                           "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                           "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
                           "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter implementation: "
                           "(input + value * tensor1 / tensor2), for all dtypes.")
    r = input + value * (tensor1 / tensor2)
    return r if out is None else write_out(r, out)


def heaviside(input, values, *, out=None):
    a = input._data
    r = _wrap(as_array(np.heaviside(a, values._data), a.dtype))
    return r if out is None else write_out(r, out)


def deg2rad(input, *, out=None):
    r = to_float(input) * (math.pi / 180)
    return r if out is None else write_out(r, out)


def rad2deg(input, *, out=None):
    r = to_float(input) * (180 / math.pi)
    return r if out is None else write_out(r, out)


def to_float(t):
    return t if t.is_floating_point() or t.is_complex() else t.to(D.get_default_dtype())


def real(input):
    if input.is_complex():
        from .views import view_as_real
        return view_as_real(input)[..., 0]
    return input


def imag(input):
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    from .views import view_as_real
    return view_as_real(input)[..., 1]


def conj(input):
    if not input.is_complex():
        return input
    return conj_physical(input)  # noqa: F821


def resolve_conj(input):
    return input


def resolve_neg(input):
    return input


def is_conj(input):
    return False


def is_neg(input):
    return False


def _unary_out(fn):
    return fn


# ----------------------------------------------------------------------------------------------------
# Tensor bindings: methods, operators and in-place variants

_METHODS = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
            "pow", "float_power", "atan2", "arctan2", "hypot", "maximum", "minimum", "fmax", "fmin", "fmod",
            "remainder", "copysign", "logaddexp", "logaddexp2", "xlogy", "igamma", "igammac", "eq", "ne", "lt",
            "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
            "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
            "bitwise_left_shift", "bitwise_right_shift", "sgn", "round", "polygamma", "mvlgamma", "logit",
            "nan_to_num", "isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit", "where",
            "clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "heaviside", "sinc",
            "deg2rad", "rad2deg", "positive", "conj", "resolve_conj", "resolve_neg", "is_conj", "is_neg",
            "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "negative", "absolute", "fix",
            "rsub"] + list(_UNARY)

_INPLACE = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "pow",
            "float_power", "atan2", "arctan2", "hypot", "fmod", "remainder", "copysign", "xlogy", "igamma",
            "igammac", "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater",
            "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
            "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "sgn",
            "round", "mvlgamma", "logit", "nan_to_num", "clamp", "clip", "clamp_min", "clamp_max", "lerp",
            "addcmul", "addcdiv", "heaviside", "sinc", "deg2rad", "rad2deg", "arcsin", "arccos", "arctan",
            "arcsinh", "arccosh", "arctanh", "negative", "absolute", "fix"] + [n for n in _UNARY if n != "angle"]


def _polygamma_method(self, n):
    return polygamma(n, self)


def _where_method(self, condition, other):
    return where(condition, self, other)


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    Tensor.polygamma = _polygamma_method
    Tensor.where = _where_method
    for name in _INPLACE:
        setattr(Tensor, name + "_", inplace(getattr(Tensor, name)))
    Tensor.polygamma_ = inplace(_polygamma_method)

    # operators
    Tensor.__add__ = _add_op
    Tensor.__radd__ = lambda self, other: add(other, self) if not isinstance(other, Tensor) else add(other, self)
    Tensor.__iadd__ = Tensor.add_
    Tensor.__sub__ = _sub_op
    Tensor.__rsub__ = lambda self, other: sub(other, self)
    Tensor.__isub__ = Tensor.sub_
    Tensor.__mul__ = _mul_op
    Tensor.__rmul__ = lambda self, other: mul(other, self)
    Tensor.__imul__ = Tensor.mul_
    Tensor.__truediv__ = div
    Tensor.__rtruediv__ = lambda self, other: div(other, self)
    Tensor.__itruediv__ = Tensor.div_
    Tensor.__floordiv__ = floor_divide
    Tensor.__rfloordiv__ = lambda self, other: floor_divide(other, self)
    Tensor.__ifloordiv__ = Tensor.floor_divide_
    Tensor.__mod__ = remainder
    Tensor.__rmod__ = lambda self, other: remainder(other, self)
    Tensor.__imod__ = Tensor.remainder_
    Tensor.__pow__ = pow
    Tensor.__rpow__ = lambda self, other: pow(other, self)
    Tensor.__ipow__ = Tensor.pow_
    Tensor.__neg__ = neg  # noqa: F821
    Tensor.__pos__ = positive
    Tensor.__abs__ = abs  # noqa: F821
    Tensor.__invert__ = lambda self: logical_not(self) if self._data.dtype == np.bool_ else bitwise_not(self)
    Tensor.__and__ = bitwise_and
    Tensor.__rand__ = lambda self, other: bitwise_and(self, other)
    Tensor.__iand__ = Tensor.bitwise_and_
    Tensor.__or__ = bitwise_or
    Tensor.__ror__ = lambda self, other: bitwise_or(self, other)
    Tensor.__ior__ = Tensor.bitwise_or_
    Tensor.__xor__ = bitwise_xor
    Tensor.__rxor__ = lambda self, other: bitwise_xor(self, other)
    Tensor.__ixor__ = Tensor.bitwise_xor_
    Tensor.__lshift__ = bitwise_left_shift
    Tensor.__rshift__ = bitwise_right_shift
    Tensor.__ilshift__ = Tensor.bitwise_left_shift_
    Tensor.__irshift__ = Tensor.bitwise_right_shift_
    Tensor.__eq__ = _op_eq
    Tensor.__ne__ = _op_ne
    Tensor.__lt__ = lt
    Tensor.__le__ = le
    Tensor.__gt__ = gt
    Tensor.__ge__ = ge
    Tensor.__hash__ = lambda self: id(self)


def _op_eq(self, other):
    if other is None or not (isinstance(other, (Tensor, int, float, bool, complex, np.generic, np.ndarray))):
        return False if other is None else NotImplemented
    return eq(self, other)


def _op_ne(self, other):
    if other is None or not (isinstance(other, (Tensor, int, float, bool, complex, np.generic, np.ndarray))):
        return True if other is None else NotImplemented
    return ne(self, other)


_bind()
