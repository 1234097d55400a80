"""Array-level forwards of the ``ember.special``-only functions: SciPy's Bessel and Airy functions with
torch's values where the two differ, and torch's own recurrences for the orthogonal polynomials.  The
kernels ember's top-level ops share with ``ember.special`` (digamma, zeta, igamma, xlogy, ...) and the
helpers (``opmath``, ``_sp``) live in ``ember._ops._special_kernels``.
"""
import math

import numpy as np

from .._device import xp_of
from .._ops._special_kernels import _f, _scipy, _sp


# ----------------------------------------------------------------------------------------------------
# unary functions

def airy_ai(x):
    """Ai(x): SciPy's value; torch's NaN at ±inf, 0 beyond 103.892 (and wherever float32's exp(zeta)
    overflows, as torch computes float32 in float32), and its asymptotic form where SciPy gives NaN."""
    r = _sp(x).airy(x)[0]
    dt = x.dtype
    far = np.isnan(r) & np.isfinite(x) & (x < -1e5)
    if far.any():
        mx = np.where(far, -x, _f(dt, 1.0))
        t = _f(dt, -2.0) * -mx * np.sqrt(mx) / _f(dt, 3.0) + _f(dt, 0.25 * math.pi)
        r = np.where(far, _f(dt, 0.5641895835477563) / np.sqrt(np.sqrt(mx)) * np.sin(t), r)
    big = x > _f(dt, 103.892)
    if dt == np.float32:
        # torch divides by 2 x^(1/4) exp(2/3 x^(3/2)) in float32, which overflows from x ~ 26 on
        xb = np.where(x > 8, x, _f(dt, 8.0))
        zeta = _f(dt, 2.0) * xb * np.sqrt(xb) / _f(dt, 3.0)
        big |= (x > 8) & np.isinf(_f(dt, 2.0) * np.sqrt(np.sqrt(xb)) * np.exp(zeta))
    r = np.where(big, _f(dt, 0.0), r)
    return np.where(np.isinf(x), _f(dt, np.nan), r).astype(dt, copy=False)


bessel_j0 = _scipy("j0")
bessel_j1 = _scipy("j1")
bessel_y0 = _scipy("y0")
bessel_y1 = _scipy("y1")
modified_bessel_i0 = _scipy("i0")
modified_bessel_i1 = _scipy("i1")
modified_bessel_k0 = _scipy("k0")
modified_bessel_k1 = _scipy("k1")
scaled_modified_bessel_k0 = _scipy("k0e")
scaled_modified_bessel_k1 = _scipy("k1e")
entr = _scipy("entr")
erfcx = _scipy("erfcx")
i0e = _scipy("i0e")
i1 = _scipy("i1")
i1e = _scipy("i1e")
log_ndtr = _scipy("log_ndtr")
ndtri = _scipy("ndtri")


def spherical_bessel_j0(x):
    """sin(x)/x as torch computes it: a Taylor polynomial below |x| = 0.5, and 0 at ±inf."""
    dt = x.dtype
    x2 = x * x
    c = [_f(dt, v) for v in (-1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0, -1.0 / 39916800.0,
                             1.0 / 6227020800.0)]
    series = _f(dt, 1.0) + x2 * (c[0] + x2 * (c[1] + x2 * (c[2] + x2 * (c[3] + x2 * (c[4] + x2 * c[5])))))
    r = np.where(np.abs(x) < _f(dt, 0.5), series, np.sin(x) / x)
    return np.where(np.isinf(x), _f(dt, 0.0), r).astype(dt, copy=False)


def xlog1py(x, y):
    return _sp(x, y).xlog1py(x, y).astype(np.result_type(x, y), copy=False)


# ----------------------------------------------------------------------------------------------------
# orthogonal polynomials: torch's kernels, vectorised (closed forms inside (-1, 1), recurrences elsewhere)

_INT64_MIN = np.iinfo(np.int64).min


def _degree(n):
    """torch's ``static_cast<int64_t>(n)``: truncation, with NaN/inf/out-of-range giving INT64_MIN (< 0)."""
    ok = np.isfinite(n) & (np.abs(n) < 2.0 ** 63)
    return np.where(ok, np.trunc(np.where(ok, n, 0)), _INT64_MIN).astype(np.int64)


def _recurrence(out, todo, x, n, p, q, first, step, stop_nan=True):
    """Run ``r = step(k, x, p, q); p, q = q, r`` for k = first, first+1, ... while k <= n (and q is not NaN
    when ``stop_nan``) on the elements ``todo``, writing each element's last q into ``out``."""
    idx = np.nonzero(todo.ravel())[0]
    if idx.size == 0:
        return out
    flat = out.reshape(-1)
    xs, ns = x.reshape(-1)[idx], n.reshape(-1)[idx]
    ps, qs = p.reshape(-1)[idx], q.reshape(-1)[idx]
    k = first
    while idx.size:
        done = ns < k
        if stop_nan:
            done |= np.isnan(qs)
        if done.any():
            flat[idx[done]] = qs[done]
            keep = ~done
            idx, xs, ns, ps, qs = idx[keep], xs[keep], ns[keep], ps[keep], qs[keep]
            if idx.size == 0:
                break
        ps, qs = qs, step(k, xs, ps, qs)
        k += 1
    return flat.reshape(out.shape)


def _poly_setup(x, n):
    x, n = np.broadcast_arrays(x, n)
    return xp_of(x).ascontiguousarray(x), _degree(n), x.dtype


def _two_x_step(k, x, p, q):
    return (x + x) * q - p


def chebyshev_polynomial_t(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    ax = np.abs(x)
    nf = n.astype(dt)
    r = np.where(n == 0, one, x)
    r = np.where((n > 6) & (ax < one), np.cos(nf * np.arccos(x)), r)
    r = np.where(ax == one, np.where((x > 0) | (n % 2 == 0), one, -one), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (ax != one) & ~((n > 6) & (ax < one))
    return _recurrence(r, todo, x, n, np.ones_like(x), x, 2, _two_x_step)


def chebyshev_polynomial_u(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    ax = np.abs(x)
    nf = n.astype(dt)
    r = np.where(n == 0, one, x + x)
    closed = (n > 8) & (ax < one)
    t = np.arccos(x)
    s = np.sin(t)
    r = np.where(closed, np.where(s != 0, np.sin((nf + one) * t) / s, (nf + one) * np.cos((nf + one) * t) / x), r)
    r = np.where(ax == one, np.where((x > 0) | (n % 2 == 0), nf + one, -(nf + one)), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (ax != one) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), x + x, 2, _two_x_step)


def chebyshev_polynomial_v(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    ax = np.abs(x)
    nf = n.astype(dt)
    odd_end = np.where(n % 2 == 0, nf + nf + one, -(nf + nf + one))
    r = np.where(n == 0, one, x + x - one)
    closed = (n > 8) & (ax < one)
    t = np.arccos(x)
    half = t / _f(dt, 2.0)
    r = np.where(closed, np.where(np.sin(half) != one, np.cos((nf + _f(dt, 0.5)) * t) / np.cos(half), odd_end), r)
    r = np.where(ax == one, np.where(x > 0, one, odd_end), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (ax != one) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), x + x - one, 2, _two_x_step)


def chebyshev_polynomial_w(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    ax = np.abs(x)
    nf = n.astype(dt)
    sign_end = np.where(n % 2 == 0, one, -one)
    r = np.where(n == 0, one, x + x + one)
    closed = (n > 8) & (ax < one)
    t = np.arccos(x)
    half = t / _f(dt, 2.0)
    fallback = np.where(x > 0, nf + nf + one, sign_end)
    r = np.where(closed, np.where(np.cos(half) != one, np.sin((nf + _f(dt, 0.5)) * t) / np.sin(half), fallback), r)
    r = np.where(ax == one, np.where(x > 0, nf + nf + one, sign_end), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (ax != one) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), x + x + one, 2, _two_x_step)


def _shifted(x, dt):
    return x + x - _f(dt, 1.0)


def _shifted_step(k, x, p, q):
    y = x + x - x.dtype.type(1.0)
    return (y + y) * q - p


def shifted_chebyshev_polynomial_t(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    y = _shifted(x, dt)
    nf = n.astype(dt)
    closed = (n > 6) & (np.abs(y) < one)
    r = np.where(n == 0, one, y)
    r = np.where(closed, np.cos(nf * np.arccos(y)), r)
    r = np.where(x == 0, np.where(n % 2 == 0, one, -one), r)
    r = np.where(x == one, one, r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (x != one) & (x != 0) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), y, 2, _shifted_step)


def shifted_chebyshev_polynomial_u(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    y = _shifted(x, dt)
    nf = n.astype(dt)
    closed = (n > 6) & (np.abs(y) < one)
    t = np.arccos(y)
    s = np.sin(t)
    r = np.where(n == 0, one, y + y)
    r = np.where(closed, np.where(s != 0, np.sin((nf + one) * t) / s, (nf + one) * np.cos((nf + one) * t) / y), r)
    r = np.where(x == 0, np.where(n % 2 == 0, nf + one, -(nf + one)), r)
    r = np.where(x == one, nf + one, r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (x != one) & (x != 0) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), y + y, 2, _shifted_step)


def shifted_chebyshev_polynomial_v(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    y = _shifted(x, dt)
    nf = n.astype(dt)
    odd_end = np.where(n % 2 == 0, nf + nf + one, -(nf + nf + one))
    closed = (n > 6) & (np.abs(y) < one)
    t = np.arccos(y)
    half = t / _f(dt, 2.0)
    r = np.where(n == 0, one, y + y - one)
    r = np.where(closed, np.where(np.sin(half) != one, np.cos((nf + _f(dt, 0.5)) * t) / np.cos(half), odd_end), r)
    r = np.where(x == 0, odd_end, r)
    r = np.where(x == one, one, r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (x != one) & (x != 0) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), y + y - one, 2, _shifted_step)


def shifted_chebyshev_polynomial_w(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    y = _shifted(x, dt)
    nf = n.astype(dt)
    sign_end = np.where(n % 2 == 0, one, -one)
    closed = (n > 4) & (np.abs(y) < one)
    t = np.arccos(y)
    half = t / _f(dt, 2.0)
    r = np.where(n == 0, one, y + y + one)
    r = np.where(closed, np.where(np.cos(half) != one, np.sin((nf + _f(dt, 0.5)) * t) / np.sin(half), sign_end), r)
    r = np.where(x == 0, sign_end, r)
    r = np.where(x == one, nf + nf + one, r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (x != one) & (x != 0) & ~closed
    return _recurrence(r, todo, x, n, np.ones_like(x), y + y + one, 2, _shifted_step)


def _hermite_limit(dt):
    return 128 if dt == np.float32 else 512


def hermite_polynomial_h(x, n):
    x, n, dt = _poly_setup(x, n)
    r = np.where(n == 0, _f(dt, 1.0), x + x)
    r = np.where(n > _hermite_limit(dt), _f(dt, np.nan), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (n <= _hermite_limit(dt))

    def step(k, x, p, q):  # torch's loop variable is 2(k-1)
        return (x + x) * q - _f(dt, 2 * (k - 1)) * p
    return _recurrence(r, todo, x, n, np.ones_like(x), x + x, 2, step, stop_nan=False)


def hermite_polynomial_he(x, n):
    x, n, dt = _poly_setup(x, n)
    r = np.where(n == 0, _f(dt, 1.0), x)
    r = np.where(n > _hermite_limit(dt), _f(dt, np.nan), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (n <= _hermite_limit(dt))

    def step(k, x, p, q):
        return x * q - _f(dt, k - 1) * p
    return _recurrence(r, todo, x, n, np.ones_like(x), x, 2, step, stop_nan=False)


def laguerre_polynomial_l(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    r = np.where(n == 0, one, one - x)
    r = np.where(np.abs(x) == 0, one, r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (x != 0)

    def step(k, x, p, q):  # torch's loop variable is k - 1
        j = k - 1
        return ((_f(dt, j + j) + (one - x)) * q - _f(dt, j) * p) / _f(dt, j + 1)
    return _recurrence(r, todo, x, n, np.ones_like(x), one - x, 2, step)


def legendre_polynomial_p(x, n):
    x, n, dt = _poly_setup(x, n)
    one = _f(dt, 1.0)
    ax = np.abs(x)
    r = np.where(n == 0, one, x)
    r = np.where(ax == one, np.where((x > 0) | (n % 2 == 0), one, -one), r)
    r = np.where(n < 0, _f(dt, 0.0), r)
    todo = (n >= 2) & (ax != one)

    def step(k, x, p, q):
        j = k - 1
        return (_f(dt, j + j + 1) * x * q - _f(dt, j) * p) / _f(dt, j + 1)
    return _recurrence(r, todo, x, n, np.ones_like(x), x, 2, step)
