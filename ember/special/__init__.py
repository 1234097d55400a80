"""``ember.special`` ≙ ``torch.special``: Bessel, gamma, error and orthogonal-polynomial functions.

Values come from SciPy (``_kernels``), corrected to torch's where the two differ (boundaries, infinities,
poles); the orthogonal polynomials run torch's own recurrences.  dtypes follow torch: integer and bool
inputs compute in the default float dtype, float16/bfloat16 in float32 rounded once (where torch's kernel
takes them at all — otherwise torch's NotImplementedError), two-argument functions promote like torch's
binary ops (Python scalars included).  Derivatives are torch's formulas, written in ember ops; where torch
has none the output carries no graph (Bessel functions, polynomials), and where torch refuses one
(``zeta``'s first argument, ``gammainc``'s ``input``) backward raises the same NotImplementedError.
Functions that torch.special shares with the top level (erf, expm1, logsumexp, ...) reuse ember's.
"""
import math

import numpy as np

from .. import _dtype as D
from .._errors import np_type_name as _cname
from .._prim import Primitive, apply
from .._tensor import Tensor
from .._ops import elementwise as _E
from .._ops._helpers import _state, result_dtype, write_out
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
_REDUCED = (np.dtype(np.float16), D.bfloat16.np)


# ----------------------------------------------------------------------------------------------------
# argument checks, dtypes, dispatch

def _check_tensor(x, fname, arg="input", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(f"special_{fname}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")


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
    npd = result_dtype(a, b).np
    if npd.kind in "biu" and not ints:
        _refuse(kernel, npd)
    return _float_dtype(npd, kernel, half)


def _run(prim, inputs, cast, args=()):
    """``apply`` (the cast elided when it is a no-op for a one-tensor call)."""
    if len(inputs) == 1 and cast == inputs[0]._data.dtype:
        cast = None
    return apply(prim, inputs, args, cast)


def _run_nograd(prim, inputs, cast):
    """``apply`` for a function torch does not differentiate: the result never records a graph."""
    prev = _state.enabled
    _state.enabled = False
    try:
        return _run(prim, inputs, cast)
    finally:
        _state.enabled = prev


def _out(r, out):
    return r if out is None else write_out(r, out)


def _needs(ctx, i):
    return ctx.next_functions[i][0] is not None


def _unary(name, kernel, fwd, bwd=None, *, node, half=True, save_inputs=False, save_output=False, doc=""):
    """A one-argument special function over ``fwd`` (an array kernel); ``bwd`` None: not differentiable."""
    prim = Primitive(node, K.opmath(fwd), bwd, save_inputs=save_inputs, save_output=save_output)
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


def _gammaln_grad(ctx, g):
    return (g * digamma(ctx.saved[0]),)


def _digamma_grad(ctx, g):
    return (g * polygamma(1, ctx.saved[0]),)


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
gammaln = _unary("gammaln", "lgamma_vml_cpu", K.gammaln, _gammaln_grad, node="LgammaBackward0",
                 save_inputs=True, doc=": ln|Γ(x)| (+inf at the poles and at ±inf, as torch).")
digamma = _unary("digamma", "digamma", K.digamma, _digamma_grad, node="DigammaBackward0", save_inputs=True,
                 doc=": ψ(x); ∓inf at ±0 and NaN at the negative integers (as torch).")
psi = digamma


def _polygamma_grad(ctx, g):
    return (g * polygamma(ctx.args[0] + 1, ctx.saved[0]),)


def _polygamma_fwd(a, n):
    return K.opmath(lambda x: K.polygamma(n, x))(a)


_POLYGAMMA = Primitive("PolygammaBackward0", _polygamma_fwd, _polygamma_grad, save_inputs=True)


def polygamma(n, input, *, out=None):
    """``torch.special.polygamma(n, input)``: the n-th derivative of digamma, with torch's values (its
    trigamma formula for n = 1, ζ-based above, so NaN at +inf)."""
    if not isinstance(n, int):
        raise TypeError(f"special_polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    _check_tensor(input, "polygamma", "input", 2)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _out(_run(_POLYGAMMA, (input,), _float_dtype(input._data.dtype, "polygamma"), (n,)), out)


def multigammaln(input, p, *, out=None):
    """``torch.special.multigammaln``: Σⱼ ln Γ(x - j/2) + p(p-1)/4 ln π, composed as torch composes it (no
    domain check, as in torch 2.13)."""
    _check_tensor(input, "multigammaln")
    if input._data.dtype == np.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if not isinstance(p, int):
        raise TypeError(f"special_multigammaln(): argument 'p' (position 2) must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    from .._ops.creation import arange
    x = input if input._data.dtype.kind not in "iu" else input.to(D.get_default_dtype())
    args = arange(-p / 2 + 0.5, 0.5, 0.5, dtype=x.dtype, device=x.device) + x.unsqueeze(-1)
    return _out(gammaln(args).sum(-1) + p * (p - 1) * math.log(math.pi) / 4, out)


def ndtr(input, *, out=None):
    """``torch.special.ndtr``: the standard normal CDF, composed as torch does: (1 + erf(x/√2)) / 2 (so it
    underflows to 0 below about -8.3 in float64, as torch's)."""
    _check_tensor(input, "ndtr")
    return _out((1 + erf(input * math.sqrt(0.5))) * 0.5, out)


# ----------------------------------------------------------------------------------------------------
# logit, sinc, expit (torch's derivatives and dtype coverage)

def _logit_fwd(a, eps):
    if eps is not None and eps >= 0:
        lo, hi = a.dtype.type(eps), a.dtype.type(1 - eps)
        a = np.where(a < lo, lo, np.where(a > hi, hi, a))  # torch's order when lo > hi
    return np.log(a / (a.dtype.type(1) - a))


def _logit_grad(ctx, g):
    x, = ctx.saved
    eps = ctx.args[0]
    d = _E.where((x == 0) | (x == 1), g * math.inf, g / (x * (1 - x)))
    if eps is None or eps < 0:
        return (_E.where((x < 0) | (x > 1), math.nan, d),)
    return (_E.where((x < eps) | (x > 1 - eps), 0.0, d),)


_LOGIT = Primitive("LogitBackward0", lambda a, eps: K.opmath(lambda x: _logit_fwd(x, eps))(a), _logit_grad,
                   save_inputs=True)


def logit(input, eps=None, *, out=None):
    """``torch.special.logit``: ln(x / (1 - x)), x clamped to [eps, 1 - eps] when eps >= 0 (a negative eps
    is no eps); the derivative is 0 outside the clamp, NaN outside [0, 1] without one (as torch)."""
    _check_tensor(input, "logit")
    return _out(_run(_LOGIT, (input,), _float_dtype(input._data.dtype, "logit_cpu"), (eps,)), out)


def _sinc_fwd(a):
    px = a * a.dtype.type(math.pi) if a.dtype.kind == "f" else a * math.pi
    return np.where(a == 0, a.dtype.type(1), np.sin(px) / px).astype(a.dtype, copy=False)


def _sinc_grad(ctx, g):
    x, = ctx.saved
    px = x * math.pi
    sq = x * px
    d = (px * px.cos() - px.sin()) / sq
    return (_E.where(sq == 0, 0.0, g * (d.conj() if x.is_complex() else d)),)


_SINC = Primitive("SincBackward0", K.opmath(_sinc_fwd), _sinc_grad, save_inputs=True)


def sinc(input, *, out=None):
    """``torch.special.sinc``: sin(πx)/(πx), 1 at 0; complex inputs too; float16/bfloat16 via float32."""
    _check_tensor(input, "sinc")
    npd = input._data.dtype
    cast = D.get_default_dtype().np if npd.kind in "biu" else npd
    return _out(_run(_SINC, (input,), cast), out)


def _complex_sigmoid_grad(ctx, g):
    y = ctx.output
    return (g * ((1 - y) * y).conj(),)


_COMPLEX_SIGMOID = Primitive("SigmoidBackward0", lambda a: 1 / (1 + np.exp(-a)), _complex_sigmoid_grad,
                             save_output=True)


def expit(input, *, out=None):
    """``torch.special.expit`` (= ``torch.sigmoid``), complex inputs included."""
    _check_tensor(input, "expit")
    if input._data.dtype.kind == "c":
        return _out(apply(_COMPLEX_SIGMOID, (input,)), out)
    return _E.sigmoid(input, out=out)


# ----------------------------------------------------------------------------------------------------
# shared with the top level: ember's functions, behind torch.special's dtype checks

def _real_only(fn, name, kernel):
    def f(input, *, out=None):
        _check_tensor(input, name)
        if input._data.dtype.kind == "c":
            _refuse(kernel, input._data.dtype)
        return fn(input, out=out)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.special.{name}`` (= ``torch.{fn.__name__}``); complex inputs raise as in torch."
    return f


erf = _real_only(_E.erf, "erf", "erf_vml_cpu")
erfc = _real_only(_E.erfc, "erfc", "erfc_vml_cpu")
erfinv = _real_only(_E.erfinv, "erfinv", "erfinv_vml_cpu")
i0 = _real_only(_E.i0, "i0", "i0_vml_cpu")
exp2 = _E.exp2
expm1 = _E.expm1
log1p = _E.log1p


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

def _binary(name, prims, kernel, a, b, out, *, ints=True, half=True, scalars=True):
    """Promote ``a`` and ``b`` like torch and apply the primitive for the overload: ``prims`` holds
    (tensor-tensor, scalar-tensor, tensor-scalar) primitives, as torch names their nodes."""
    a, b = (x.item() if isinstance(x, np.generic) else x for x in (a, b))
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not scalars:
        _check_tensor(a, name)
        _check_tensor(b, name, "other", 2)
    elif not (ta or tb) or not all(isinstance(x, (Tensor, int, float)) for x in (a, b)):
        raise TypeError(f"special_{name}() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__})")
    cast = _pair_dtype(a, b, kernel, ints=ints, half=half)
    prim = prims[0] if ta and tb else prims[1] if tb else prims[2]
    return _out(_run(prim, (a, b), cast), out)


def _xlogy_grad(ctx, g, log_of=None, shift=0):
    a, b = ctx.saved
    ga = gb = None
    if _needs(ctx, 0):
        ga = log_of(g, b)
        edge = -shift  # torch zeroes the gradient at x == 0 where y <= 0 (xlogy) / y <= -1 (xlog1py)
        if isinstance(b, Tensor):
            ga = _E.where((a == 0) & (b <= edge), 0.0, ga)
        elif b <= edge:
            ga = _E.where(a == 0, 0.0, ga)
    if _needs(ctx, 1):
        gb = g * a / (b + shift) if shift else g * a / b
    return ga, gb


def _prims(names, fwd, bwd, **kw):
    return tuple(Primitive(n, K.opmath(fwd), bwd, **kw) for n in names)


_XLOGY = _prims(("XlogyBackward0", "XlogyBackward1", "XlogyBackward2"), K.xlogy,
                lambda c, g: _xlogy_grad(c, g, xlogy, 0), save_inputs=True)
_XLOG1PY = _prims(("SpecialXlog1PyBackward0", "SpecialXlog1PyBackward1", "SpecialXlog1PyBackward2"), K.xlog1py,
                  lambda c, g: _xlogy_grad(c, g, xlog1py, 1), save_inputs=True)


def xlogy(input, other, *, out=None):
    """``torch.special.xlogy``: x·ln(y), 0 where x == 0 (unless y is NaN); either argument may be a Python
    number; integers promote to the default float dtype; torch's derivative (0 w.r.t. x at x = 0, y <= 0)."""
    return _binary("xlogy", _XLOGY, "xlogy_cpu", input, other, out)


def xlog1py(input, other, *, out=None):
    """``torch.special.xlog1py``: x·ln(1 + y), 0 where x == 0 (unless y is NaN); promotion as ``xlogy``."""
    return _binary("xlog1py", _XLOG1PY, "xlog1py_cpu", input, other, out)


def _zeta_grad(ctx, g):
    if _needs(ctx, 0):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    x, q = ctx.saved
    return None, g * -x * zeta(x + 1.0, q)


_ZETA = _prims(("SpecialZetaBackward0", "SpecialZetaBackward1", "SpecialZetaBackward2"), K.zeta, _zeta_grad,
               save_inputs=True)


def zeta(input, other, *, out=None):
    """``torch.special.zeta(x, q)``: the Hurwitz zeta function (NaN at q = +inf, as torch); differentiable
    in q only — backward w.r.t. x raises torch's NotImplementedError; no float16/bfloat16."""
    return _binary("zeta", _ZETA, "zeta_cpu", input, other, out, half=False)


def _igamma_grad(sign, label):
    def grad(ctx, g):
        if _needs(ctx, 0):
            raise NotImplementedError(f"the derivative for '{label}: input' is not implemented.")
        a, x = ctx.saved
        d = ((a - 1) * x.log() - x - gammaln(a)).exp()
        return None, (g * d if sign > 0 else -g * d)
    return grad


_IGAMMA = Primitive("IgammaBackward0", K.opmath(K.gammainc), _igamma_grad(1, "igamma"), save_inputs=True)
_IGAMMAC = Primitive("IgammacBackward0", K.opmath(K.gammaincc), _igamma_grad(-1, "igammac"), save_inputs=True)


def gammainc(input, other, *, out=None):
    """``torch.special.gammainc(a, x)``: the regularized lower incomplete gamma function, with torch's
    boundary values; both arguments tensors of a float dtype (integers raise, as torch's kernel);
    differentiable in x only — backward w.r.t. a raises torch's NotImplementedError."""
    return _binary("gammainc", (_IGAMMA,) * 3, "igamma_cpu", input, other, out, ints=False, scalars=False)


def gammaincc(input, other, *, out=None):
    """``torch.special.gammaincc(a, x)``: the regularized upper incomplete gamma function (see gammainc)."""
    return _binary("gammaincc", (_IGAMMAC,) * 3, "igammac_cpu", input, other, out, ints=False, scalars=False)


igamma = gammainc
igammac = gammaincc


# ----------------------------------------------------------------------------------------------------
# orthogonal polynomials (torch's kernels; no gradient, as torch)

def _polynomial(name, kern):
    prim = Primitive(name, K.opmath(kern))

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
