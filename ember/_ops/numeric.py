"""Number-theoretic and floating-point bit ops: gcd, lcm, ldexp, frexp, nextafter (+ in-place, out=).

gcd/lcm take two integer tensors (torch's promotion; lcm wraps on overflow as torch's does).  ldexp is
``input * 2**other`` in the promoted float dtype, exact for a float ``input`` and an integer ``other`` (read as
a C ``int``, as torch's kernel reads it).  frexp returns ``torch.return_types.frexp(mantissa, exponent)`` with an
int32 exponent.  nextafter steps toward ``other`` in the promoted float dtype.
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import np_type_name as _cname
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap
from ..return_types import ReturnType
from ._helpers import binary_cast, inplace, write_out

__all__ = ["gcd", "lcm", "ldexp", "frexp", "nextafter"]

# caffe2 TypeMeta names, used by torch's messages about out= dtypes
META_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
              "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def meta_name(npd):
    return META_NAMES[D._FROM_NP[np.dtype(npd)].name]


def _check_tensors(fn, input, other):
    for x, arg, pos in ((input, "input", 1), (other, "other", 2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _is_float(npd):
    return npd.kind in "fc" or npd == D.bfloat16.np


# ----------------------------------------------------------------------------------------------------
# gcd / lcm

def _integer_op(name):
    def op(input, other, *, out=None):
        _check_tensors(name, input, other)
        cast = binary_cast(input, other)
        if np.dtype(cast).kind not in "iu":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_cname(cast)}\'')
        r = apply(_NO_GRAD[name], (input, other), (), cast)
        return r if out is None else write_out(r, out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.{name}(input, other)`` of integer tensors (broadcast, promoted)."
    return op


def _lcm_fwd(a, b):
    """torch's lcm: ``|a / gcd * b|`` in the operands' dtype (wrapping on overflow; 0 when both are 0)."""
    g = np.gcd(a, b)
    zero = g == 0
    return np.where(zero, 0, np.abs(a // np.where(zero, 1, g) * b)).astype(a.dtype, copy=False)


_NO_GRAD = {"gcd": Primitive("GcdBackward0", np.gcd), "lcm": Primitive("LcmBackward0", _lcm_fwd)}
gcd = _integer_op("gcd")
lcm = _integer_op("lcm")


# ----------------------------------------------------------------------------------------------------
# ldexp

def _is_real_float(npd):
    return npd.kind == "f" or npd == D.bfloat16.np


def _ldexp_fwd(a, e, npd):
    """torch's two paths: a float ``input`` with an integer exponent is scaled exactly (``std::ldexp``, the
    exponent read as a C int); otherwise ``input * pow(2, other)``, the power in other's float dtype (the
    default one for an integer or bool ``other``)."""
    if _is_real_float(a.dtype) and e.dtype.kind in "iu":
        n = e.astype(np.int32)
        if npd == D.bfloat16.np:
            return np.ldexp(a.astype(np.float32), n).astype(npd)
        return np.ldexp(a.astype(npd), n)
    pdt = e.dtype if _is_float(e.dtype) else D.get_default_dtype().np
    return (a.astype(npd) * np.exp2(e.astype(pdt)).astype(npd)).astype(npd, copy=False)


def _ldexp_grad(ctx, g):
    x, e = ctx.saved
    gx = ldexp(g, e) if ctx.next_functions[0][0] is not None else None
    ge = g * ldexp(x, e) * math.log(2.0) if ctx.next_functions[1][0] is not None else None
    return gx, ge


_LDEXP = Primitive("LdexpBackward0", _ldexp_fwd, _ldexp_grad, save_inputs=True)


def _ldexp_dtype(input, other):
    cast = np.dtype(binary_cast(input, other))
    return cast if _is_float(cast) else D.get_default_dtype().np


def ldexp(input, other, *, out=None):
    """``torch.ldexp``: ``input * 2 ** other``.  As torch, an ``input`` smaller than the broadcast result (and
    not empty) draws the warning about a resized output.  The gradient for ``input`` is ``2 ** other``; torch
    2.13 computes that power in integer arithmetic for an integer ``other`` (0 for negative exponents), ember
    does not."""
    _check_tensors("ldexp", input, other)
    npd = _ldexp_dtype(input, other)
    if _is_real_float(input._data.dtype) and other._data.dtype == np.bool_:
        raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
    if out is not None and out._data.dtype != npd:
        raise RuntimeError(f"ldexp can't be cast to the desired output type {_cname(out._data.dtype)}")
    r = apply(_LDEXP, (input, other), (npd,))
    a = input._data
    if out is None and a.shape != r._data.shape and a.size:
        warnings.warn(f"An output with one or more elements was resized since it had shape {list(a.shape)}, which "
                      f"does not match the required output shape {list(r._data.shape)}. This behavior is deprecated, "
                      f"and in a future PyTorch release outputs will not be resized unless they have zero elements. "
                      f"You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                      f"t.resize_(0).", UserWarning, stacklevel=2)
    return r if out is None else write_out(r, out)


def _ldexp_inplace(self, other):
    _check_tensors("ldexp_", self, other)
    npd = _ldexp_dtype(self, other)
    if npd != self._data.dtype and not D.can_cast(D._FROM_NP[npd], D._FROM_NP[self._data.dtype]):
        raise RuntimeError(f"ldexp can't be cast to the desired output type {_cname(self._data.dtype)}")
    return _LDEXP_INPLACE(self, other)


_LDEXP_INPLACE = inplace(ldexp)


# ----------------------------------------------------------------------------------------------------
# frexp

def _frexp_fwd(a):
    if a.dtype == D.bfloat16.np:
        m, e = np.frexp(a.astype(np.float32))
        return m.astype(a.dtype), e
    return np.frexp(a)


def _frexp_grad(ctx, gm, ge):
    x = ctx.saved[0]
    exponent = _wrap(_frexp_fwd(x._data)[1])
    return (ldexp(gm, -exponent),)


_FREXP = Primitive("FrexpBackward0", _frexp_fwd, _frexp_grad, save_inputs=True, nout=2, nondiff=(1,))


def frexp(input, *, out=None):
    """``torch.frexp``: ``input = mantissa * 2 ** exponent`` with ``0.5 <= |mantissa| < 1`` (0, inf and nan have
    exponent 0); the mantissa keeps input's dtype and carries the gradient, the exponent is int32."""
    if not isinstance(input, Tensor):
        raise TypeError(f"frexp(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    npd = input._data.dtype
    if npd.kind != "f" and npd != D.bfloat16.np:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    if out is not None:
        mantissa, exponent = out
        if mantissa._data.dtype != npd:
            raise RuntimeError(f"torch.frexp() expects mantissa to have dtype {meta_name(npd)} but got "
                               f"{meta_name(mantissa._data.dtype)}")
        if exponent._data.dtype != np.int32:
            raise RuntimeError(f"torch.frexp() expects exponent to have int dtype but got "
                               f"{meta_name(exponent._data.dtype)}")
    m, e = apply(_FREXP, (input,))
    if out is None:
        return ReturnType("frexp", m, e, names=("mantissa", "exponent"))
    return ReturnType("frexp_out", write_out(m, mantissa), write_out(e, exponent), names=("mantissa", "exponent"))


# ----------------------------------------------------------------------------------------------------
# nextafter

def _nextafter_grad(ctx, g):
    x, y = ctx.saved
    gx = g * (x != y) if ctx.next_functions[0][0] is not None else None
    gy = g.new_zeros(ctx._in_meta[1][0]) if ctx.next_functions[1][0] is not None else None
    return gx, gy


_NEXTAFTER = Primitive("NextafterBackward0", np.nextafter, _nextafter_grad, save_inputs=True)


def nextafter(input, other, *, out=None):
    """``torch.nextafter``: the next representable value after ``input`` toward ``other`` (float dtypes)."""
    _check_tensors("nextafter", input, other)
    cast = np.dtype(binary_cast(input, other))
    if not _is_float(cast) or cast.kind == "c":
        raise NotImplementedError(f'"nextafter_cpu" not implemented for \'{_cname(cast)}\'')
    r = apply(_NEXTAFTER, (input, other), (), cast)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# Tensor methods

def _frexp_method(self):
    return frexp(self)


def _bind():
    for name in ("gcd", "lcm", "nextafter"):
        fn = globals()[name]
        setattr(Tensor, name, fn)
        setattr(Tensor, name + "_", inplace(fn))
    Tensor.ldexp = ldexp
    Tensor.ldexp_ = _ldexp_inplace
    Tensor.frexp = _frexp_method


_bind()
