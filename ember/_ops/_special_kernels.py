"""Array-level forwards of the special functions ember's top-level ops share with ``ember.special``
(erf, digamma, lgamma, polygamma, i0, sigmoid, xlogy, igamma, ...): SciPy's functions with torch's values
where the two differ (boundaries, infinities, poles, NaN).  ``ember.special._kernels`` holds the rest
(Bessel functions, orthogonal polynomials) on the same helpers.

Every kernel takes and returns arrays of one float dtype (float32 or float64; ``opmath`` computes float16
and bfloat16 in float32) and works on NumPy or CuPy arrays alike (``_sp`` picks scipy.special or
cupyx.scipy.special, imported on first use, never by ``import ember``; NumPy functions dispatch to CuPy
through ``__array_function__``).
"""
import math

import numpy as np

from .._device import xp_of

_REDUCED = (np.dtype(np.float16), np.dtype("bfloat16"))


def _sp(*operands):
    """scipy.special for NumPy operands, cupyx.scipy.special when one is a CuPy array (imported on first use)."""
    for a in operands:
        if type(a) is not np.ndarray and hasattr(a, "shape") and not isinstance(a, np.generic):
            from ..cuda import _cupyx
            return _HostFallback(_cupyx().scipy.special, xp_of(a))
    import scipy.special
    return scipy.special


class _HostFallback:
    """cupyx.scipy.special, with the functions it lacks run by SciPy on a host copy of the operands."""
    __slots__ = ("mod", "xp")

    def __init__(self, mod, xp):
        self.mod, self.xp = mod, xp

    def __getattr__(self, name):
        fn = getattr(self.mod, name, None)
        if fn is not None:
            return fn
        import scipy.special
        host = getattr(scipy.special, name)
        xp = self.xp

        def run(*args):
            r = host(*[a.get() if hasattr(a, "get") else a for a in args])
            return tuple(xp.asarray(v) for v in r) if isinstance(r, tuple) else xp.asarray(r)
        return run


def opmath(fn, nops=None):
    """Wrap an array kernel so float16/bfloat16 inputs compute in float32 and round once (torch's opmath).

    The first ``nops`` arguments (all by default) are operands: Python-scalar operands become 0-d arrays of
    the computing dtype; later arguments (a polygamma order, logit's eps) pass through unchanged.
    """
    def fwd(*arrays):
        ops = arrays if nops is None else arrays[:nops]
        ref = ops[0] if hasattr(ops[0], "dtype") else ops[1]
        dt = ref.dtype
        work = np.dtype(np.float32) if dt in _REDUCED else dt
        xp = xp_of(ref)
        args = [a if hasattr(a, "dtype") and a.dtype == work else xp.asarray(a, dtype=work) for a in ops]
        with np.errstate(all="ignore"):
            r = fn(*args) if nops is None else fn(*args, *arrays[nops:])
            return r if r.dtype == dt else r.astype(dt)
    return fwd


def _f(dt, v):
    """A constant of dtype ``dt`` (so float32 kernels stay in float32 arithmetic, as torch's do)."""
    return dt.type(v)

# ----------------------------------------------------------------------------------------------------
# kernels

def _scipy(name):
    """SciPy's function ``name`` in the input's dtype."""
    def fn(x):
        return getattr(_sp(x), name)(x).astype(x.dtype, copy=False)
    fn.__name__ = name
    return fn


erf = _scipy("erf")
erfc = _scipy("erfc")
erfinv = _scipy("erfinv")
expit = _scipy("expit")
i0 = _scipy("i0")


def gammaln(x):
    """log|Γ(x)|; torch gives +inf at -inf (SciPy: -inf)."""
    r = _sp(x).gammaln(x).astype(x.dtype, copy=False)
    return np.where(np.isneginf(x), _f(x.dtype, np.inf), r)


def digamma(x):
    """ψ(x); torch gives ∓inf at ±0 (copysign(inf, -x)) where SciPy's psi gives NaN or -inf."""
    r = _sp(x).psi(x).astype(x.dtype, copy=False)
    return np.where(x == 0, np.copysign(_f(x.dtype, np.inf), -x), r).astype(x.dtype, copy=False)


def trigamma(x):
    """ψ'(x) by torch's formula (reflection below 0.5, six recurrence steps, an asymptotic series), in the
    input's precision: torch's values at the poles are the huge finite numbers this gives, not inf."""
    dt = x.dtype
    pi = _f(dt, math.pi)
    refl = x < _f(dt, 0.5)
    s = np.sin(pi * x)
    result = np.where(refl, -(pi * pi) / (s * s), _f(dt, 0.0))
    x = np.where(refl, _f(dt, 1.0) - x, x)
    for _ in range(6):
        result = result + _f(dt, 1.0) / (x * x)
        x = x + _f(dt, 1.0)
    ixx = _f(dt, 1.0) / (x * x)
    tail = _f(dt, 1.0) + _f(dt, 1.0) / (_f(dt, 2.0) * x) + ixx * (_f(dt, 1.0 / 6) - ixx * (
        _f(dt, 1.0 / 30) - ixx * _f(dt, 1.0 / 42)))
    result = result + tail / x
    return np.where(refl, -result, result).astype(dt, copy=False)


def zeta(x, q):
    """Hurwitz ζ(x, q); torch gives NaN for q = +inf (SciPy: 0)."""
    r = _sp(x, q).zeta(x, q)
    dt = np.result_type(x, q)
    return np.where(np.isposinf(q) & (x > 1), _f(dt, np.nan), r).astype(dt, copy=False)


def polygamma(n, x):
    """ψ⁽ⁿ⁾(x): digamma for n = 0, torch's trigamma for n = 1, (-1)ⁿ⁺¹ n! ζ(n+1, x) above."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    dt = x.dtype
    fact = np.exp(_sp().gammaln(_f(dt, n + 1.0))).astype(dt)
    z = zeta(_f(dt, n + 1.0), x)
    return ((1 if n % 2 else -1) * fact * z).astype(dt, copy=False)


def _igamma_edges(a, x, lower):
    """torch's boundary cases of the regularized incomplete gamma functions as (conditions, values) for
    ``np.select``, in torch's order of checks (so NaN operands get torch's values too)."""
    one, zero = (1.0, 0.0) if lower else (0.0, 1.0)
    nan = np.nan
    conds = [(x < 0) | (a < 0), a == 0, x == 0, np.isinf(a), np.isinf(x)]
    vals = [nan, np.where(x > 0, one, nan), zero, np.where(np.isinf(x), nan, zero), one]
    return conds, vals


def _select(conds, vals, r):
    """``np.select(conds, vals, r)`` (the first true condition wins) for either module: CuPy's select takes
    only device-array choices and a scalar default."""
    for c, v in zip(reversed(conds), reversed(vals)):
        r = np.where(c, v, r)
    return r


def gammainc(a, x):
    conds, vals = _igamma_edges(a, x, True)
    return _select(conds, vals, _sp(a, x).gammainc(a, x)).astype(a.dtype, copy=False)


def gammaincc(a, x):
    conds, vals = _igamma_edges(a, x, False)
    return _select(conds, vals, _sp(a, x).gammaincc(a, x)).astype(a.dtype, copy=False)


def xlogy(x, y):
    return _sp(x, y).xlogy(x, y).astype(np.result_type(x, y), copy=False)
