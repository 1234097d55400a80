"""``ember.special`` ≙ ``torch.special``: Bessel, gamma, error and orthogonal-polynomial functions.

Values come from SciPy (``_kernels``), corrected to torch's where the two differ (boundaries, infinities,
poles); the orthogonal polynomials run torch's own recurrences.  dtypes follow torch: integer and bool
inputs compute in the default float dtype, float16/bfloat16 in float32 rounded once (where torch's kernel
takes them at all — otherwise torch's NotImplementedError), two-argument functions promote like torch's
binary ops (Python scalars included).  Derivatives are torch's formulas, written in ember ops; where torch
has none the output carries no graph (Bessel functions, polynomials), and where torch refuses one
(``zeta``'s first argument, ``gammainc``'s ``input``) backward raises the same NotImplementedError.
Functions that torch.special shares with the top level (digamma, erf, logit, xlogy, gammainc = igamma,
logsumexp, ...) are ember's top-level ops (one implementation each, in ``ember._ops.elementwise``) behind
torch.special's argument checks and messages.
"""
import math

import numpy as np

from .. import _dtype as D
from .._prim import Primitive
from .._tensor import Tensor
from .._ops import elementwise as _E
from .._ops._helpers import _state
from .._ops._special_kernels import opmath, zeta as _zeta_kernel
from .._ops.elementwise import _float_dtype, _out, _pair_dtype, _refuse, _run
from .._ops.reduction import logsumexp
from . import _kernels as K

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
    "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
    "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
    "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
    "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
    "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta",
]

_SQRT_2PI = math.sqrt(2 * math.pi)
_2_SQRTPI = 2 / math.sqrt(math.pi)


# ----------------------------------------------------------------------------------------------------
# argument checks, dtypes, dispatch

def _check_tensor(x, name, arg="input", pos=1):
    _E._tensor_arg(x, "special_" + name, arg, pos)


def _run_nograd(prim, inputs, cast):
    """``apply`` for a function torch does not differentiate: the result never records a graph."""
    prev = _state.enabled
    _state.enabled = False
    try:
        return _run(prim, inputs, cast)
    finally:
        _state.enabled = prev


def _unary(name, kernel, fwd, bwd=None, *, node, half=True, save_inputs=False, save_output=False, doc=""):
    """A one-argument special function over ``fwd`` (an array kernel); ``bwd`` None: not differentiable."""
    prim = Primitive(node, opmath(fwd), bwd, save_inputs=save_inputs, save_output=save_output)
    run = _run if bwd is not None else _run_nograd

    def fn(input, *, out=None):
        _check_tensor(input, name)
        return _out(run(prim, (input,), _float_dtype(input._data.dtype, kernel, half)), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.special.{name}(input, *, out=None)``{doc}"
    return fn


# ----------------------------------------------------------------------------------------------------
# not differentiable in torch: Bessel and Airy functions

def _bessel(name, fwd, doc=""):
    return _unary(name, name + "_cpu", fwd, node=name, half=False,
                  doc=doc + "; no float16/bfloat16 and no gradient (as torch).")


airy_ai = _bessel("airy_ai", K.airy_ai, ": Airy Ai, NaN at ±inf")
bessel_j0 = _bessel("bessel_j0", K.bessel_j0, ": Bessel J₀")
bessel_j1 = _bessel("bessel_j1", K.bessel_j1, ": Bessel J₁")
bessel_y0 = _bessel("bessel_y0", K.bessel_y0, ": Bessel Y₀ (-inf at 0, NaN below)")
bessel_y1 = _bessel("bessel_y1", K.bessel_y1, ": Bessel Y₁ (-inf at 0, NaN below)")
modified_bessel_i0 = _bessel("modified_bessel_i0", K.modified_bessel_i0, ": modified Bessel I₀")
modified_bessel_i1 = _bessel("modified_bessel_i1", K.modified_bessel_i1, ": modified Bessel I₁")
modified_bessel_k0 = _bessel("modified_bessel_k0", K.modified_bessel_k0, ": modified Bessel K₀ (inf at 0)")
modified_bessel_k1 = _bessel("modified_bessel_k1", K.modified_bessel_k1, ": modified Bessel K₁ (inf at 0)")
scaled_modified_bessel_k0 = _bessel("scaled_modified_bessel_k0", K.scaled_modified_bessel_k0, ": eˣ K₀(x)")
scaled_modified_bessel_k1 = _bessel("scaled_modified_bessel_k1", K.scaled_modified_bessel_k1, ": eˣ K₁(x)")
spherical_bessel_j0 = _bessel("spherical_bessel_j0", K.spherical_bessel_j0, ": sin(x)/x, 0 at ±inf")


# ----------------------------------------------------------------------------------------------------
# differentiable one-argument functions

def _entr_grad(ctx, g):
    x, = ctx.saved
    return (g * -(1 + x.log()),)


def _erfcx_grad(ctx, g):
    x, = ctx.saved
    return ((2.0 * x * ctx.output - _2_SQRTPI) * g,)


def _i0e_grad(ctx, g):
    x, = ctx.saved
    return (g * (i1e(x) - x.sgn() * ctx.output),)


def _tiny_safe(x):
    """torch's guard for i1/i1e's derivative at 0: (|x| > eps, x with tiny entries replaced by eps)."""
    eps = D.finfo(x.dtype).eps
    not_tiny = x.abs() > eps
    return not_tiny, _E.where(not_tiny, x, eps)


def _i1_grad(ctx, g):
    not_tiny, safe = _tiny_safe(ctx.saved[0])
    return (g * _E.where(not_tiny, i0(safe) - ctx.output * safe.reciprocal(), 0.5),)


def _i1e_grad(ctx, g):
    not_tiny, safe = _tiny_safe(ctx.saved[0])
    return (g * _E.where(not_tiny, i0e(safe) - ctx.output * (safe.sgn() + safe.reciprocal()), 0.5),)


def _log_ndtr_grad(ctx, g):
    x, = ctx.saved
    return (g / _SQRT_2PI * (ctx.output + x.pow(2) / 2).neg().exp(),)


def _ndtri_grad(ctx, g):
    return (g * _SQRT_2PI * (ctx.output.square() / 2).exp(),)


entr = _unary("entr", "entr_cpu", K.entr, _entr_grad, node="SpecialEntrBackward0", save_inputs=True,
              doc=": -x ln x (0 at 0, -inf below 0).")
erfcx = _unary("erfcx", "erfcx_cpu", K.erfcx, _erfcx_grad, node="SpecialErfcxBackward0", half=False,
               save_inputs=True, save_output=True, doc=": exp(x²) erfc(x); no float16/bfloat16 (as torch).")
i0e = _unary("i0e", "i0e_cpu", K.i0e, _i0e_grad, node="SpecialI0EBackward0", save_inputs=True,
             save_output=True, doc=": e^-|x| I₀(x).")
i1 = _unary("i1", "i1_cpu", K.i1, _i1_grad, node="SpecialI1Backward0", save_inputs=True, save_output=True,
            doc=": modified Bessel I₁; derivative 0.5 at 0 (as torch).")
i1e = _unary("i1e", "i1e_cpu", K.i1e, _i1e_grad, node="SpecialI1EBackward0", save_inputs=True,
             save_output=True, doc=": e^-|x| I₁(x); derivative 0.5 at 0 (as torch).")
log_ndtr = _unary("log_ndtr", "log_ndtr_cpu", K.log_ndtr, _log_ndtr_grad, node="SpecialLogNdtrBackward0",
                  half=False, save_inputs=True, save_output=True,
                  doc=": log of the standard normal CDF; no float16/bfloat16 (as torch).")
ndtri = _unary("ndtri", "ndtri_cpu", K.ndtri, _ndtri_grad, node="SpecialNdtriBackward0", half=False,
               save_output=True, doc=": inverse of the standard normal CDF (∓inf at 0/1, NaN outside).")


# ----------------------------------------------------------------------------------------------------
# shared with the top level: ember's functions, behind torch.special's argument checks

def _shared(fn, name, doc):
    """torch.special.<name>: the top-level ``fn`` behind special_<name>'s argument check."""
    def f(input, *, out=None):
        _check_tensor(input, name)
        return fn(input, out=out)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.special.{name}`` (= ``torch.{fn.__name__}``){doc}"
    return f


gammaln = _shared(_E.lgamma, "gammaln", ": ln|Γ(x)| (+inf at the poles and at ±inf, as torch).")
digamma = _shared(_E.digamma, "digamma", ": ψ(x); ∓inf at ±0 and NaN at the negative integers (as torch).")
psi = _shared(_E.digamma, "psi", ": ψ(x), as digamma.")
erf = _shared(_E.erf, "erf", "; complex inputs raise as in torch.")
erfc = _shared(_E.erfc, "erfc", "; complex inputs raise as in torch.")
erfinv = _shared(_E.erfinv, "erfinv", "; complex inputs raise as in torch.")
i0 = _shared(_E.i0, "i0", ": modified Bessel I₀; complex inputs raise as in torch.")
sinc = _shared(_E.sinc, "sinc", ": sin(πx)/(πx), 1 at 0; complex inputs too.")
expit = _shared(_E.sigmoid, "expit", ", complex inputs included.")
exp2 = _E.exp2
expm1 = _E.expm1
log1p = _E.log1p


def polygamma(n, input, *, out=None):
    """``torch.special.polygamma(n, input)`` (= ``torch.polygamma``)."""
    return _E._polygamma(n, input, out, "special_polygamma")


def multigammaln(input, p, *, out=None):
    """``torch.special.multigammaln`` (= ``torch.mvlgamma``; no domain check, as in torch 2.13)."""
    return _E._mvlgamma(input, p, out, "special_multigammaln")


def logit(input, eps=None, *, out=None):
    """``torch.special.logit`` (= ``torch.logit``: x clamped to [eps, 1 - eps] only when eps >= 0)."""
    _check_tensor(input, "logit")
    return _E.logit(input, eps, out=out)


def ndtr(input, *, out=None):
    """``torch.special.ndtr``: the standard normal CDF, composed as torch does: (1 + erf(x/√2)) / 2 (so it
    underflows to 0 below about -8.3 in float64, as torch's)."""
    _check_tensor(input, "ndtr")
    return _out((1 + erf(input * math.sqrt(0.5))) * 0.5, out)


def round(input, *, decimals=0, out=None):  # noqa: A001
    """``torch.special.round``: half-to-even rounding to ``decimals`` places (x·10ᵈ rounded then divided, or
    x/10⁻ᵈ rounded then multiplied, as torch); integer and complex inputs raise as torch's kernel does."""
    _check_tensor(input, "round")
    npd = input._data.dtype
    if npd.kind in "biuc":
        _refuse("round_vml_cpu", npd)
    if decimals == 0:
        return _E.round(input, out=out)
    s = 10.0 ** abs(decimals)
    r = (input * s).round() / s if decimals > 0 else (input / s).round() * s
    return _out(r, out)


def softmax(input, dim, *, dtype=None):
    """``torch.special.softmax`` (= ``torch.softmax``; ``dim`` is required)."""
    from ..nn.functional import softmax as _softmax
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """``torch.special.log_softmax`` (= ``torch.log_softmax``; ``dim`` is required)."""
    from ..nn.functional import log_softmax as _log_softmax
    return _log_softmax(input, dim, dtype=dtype)


# ----------------------------------------------------------------------------------------------------
# two-argument functions

def _binary(name, prims, kernel, a, b, out, **kw):
    """``ember._ops.elementwise._pair_op`` under torch.special's name for the function."""
    return _E._pair_op("special_" + name, prims, kernel, a, b, out, **kw)


def _prims(names, fwd, bwd, **kw):
    return tuple(Primitive(n, opmath(fwd), bwd, **kw) for n in names)


_XLOG1PY = _prims(("SpecialXlog1PyBackward0", "SpecialXlog1PyBackward1", "SpecialXlog1PyBackward2"), K.xlog1py,
                  lambda c, g: _E._xlogy_grad(c, g, xlog1py, 1), save_inputs=True)


def xlogy(input, other, *, out=None):
    """``torch.special.xlogy`` (= ``torch.xlogy``)."""
    return _binary("xlogy", _E._XLOGY, "xlogy_cpu", input, other, out)


def xlog1py(input, other, *, out=None):
    """``torch.special.xlog1py``: x·ln(1 + y), 0 where x == 0 (unless y is NaN); promotion as ``xlogy``;
    torch's derivative (0 w.r.t. x at x = 0 where y <= -1)."""
    return _binary("xlog1py", _XLOG1PY, "xlog1py_cpu", input, other, out)


def _zeta_grad(ctx, g):
    if ctx.next_functions[0][0] is not None:
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    x, q = ctx.saved
    return None, g * -x * zeta(x + 1.0, q)


_ZETA = _prims(("SpecialZetaBackward0", "SpecialZetaBackward1", "SpecialZetaBackward2"), _zeta_kernel,
               _zeta_grad, save_inputs=True)


def zeta(input, other, *, out=None):
    """``torch.special.zeta(x, q)``: the Hurwitz zeta function (NaN at q = +inf, as torch); differentiable
    in q only — backward w.r.t. x raises torch's NotImplementedError; no float16/bfloat16."""
    return _binary("zeta", _ZETA, "zeta_cpu", input, other, out, half=False)


def gammainc(input, other, *, out=None):
    """``torch.special.gammainc(a, x)`` (= ``torch.igamma``): the regularized lower incomplete gamma
    function; differentiable in x only."""
    return _binary("gammainc", _E._IGAMMA, "igamma_cpu", input, other, out, ints=False, scalars=False)


def gammaincc(input, other, *, out=None):
    """``torch.special.gammaincc(a, x)`` (= ``torch.igammac``): the regularized upper incomplete gamma
    function; differentiable in x only."""
    return _binary("gammaincc", _E._IGAMMAC, "igammac_cpu", input, other, out, ints=False, scalars=False)


igamma = gammainc
igammac = gammaincc


# ----------------------------------------------------------------------------------------------------
# orthogonal polynomials (torch's kernels; no gradient, as torch)

def _polynomial(name, kern):
    prim = Primitive(name, opmath(kern))

    def fn(input, n, *, out=None):
        input, n = (v.item() if isinstance(v, np.generic) else v for v in (input, n))
        if not (isinstance(input, Tensor) or isinstance(n, Tensor)) or \
                not all(isinstance(v, (Tensor, int, float)) for v in (input, n)):
            raise TypeError(f"special_{name}() received an invalid combination of arguments - got "
                            f"({type(input).__name__}, {type(n).__name__})")
        cast = _pair_dtype(input, n, name + "_cpu", half=False)
        return _out(_run_nograd(prim, (input, n), cast), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``torch.special.{name}(input, n, *, out=None)``: torch's recurrence (n truncated to an "
                  f"integer, 0 for n < 0; tensor or number for either argument); no gradient, as torch.")
    return fn


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", K.chebyshev_polynomial_t)
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", K.chebyshev_polynomial_u)
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", K.chebyshev_polynomial_v)
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", K.chebyshev_polynomial_w)
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", K.shifted_chebyshev_polynomial_t)
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", K.shifted_chebyshev_polynomial_u)
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", K.shifted_chebyshev_polynomial_v)
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", K.shifted_chebyshev_polynomial_w)
hermite_polynomial_h = _polynomial("hermite_polynomial_h", K.hermite_polynomial_h)
hermite_polynomial_he = _polynomial("hermite_polynomial_he", K.hermite_polynomial_he)
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", K.laguerre_polynomial_l)
legendre_polynomial_p = _polynomial("legendre_polynomial_p", K.legendre_polynomial_p)
