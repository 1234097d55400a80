"""Statistics and numerical calculus: cov, corrcoef, histogram, histogramdd, trapezoid, trapz,
cumulative_trapezoid, gradient.

cov/corrcoef/trapezoid/cumulative_trapezoid/gradient are written in ember ops following the steps of
torch's composite implementations, so dtypes, promotion, broadcasting errors and gradients are torch's.
The histograms bin as torch's kernel does (an element belongs to the bin whose left edge is the last one
<= it, found by the same binary search; the last bin includes its right edge; elements outside the edges,
and NaNs, are dropped) with bin edges from ``linspace`` in the input's dtype; they have no derivative.
"""
import builtins
import collections.abc
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap, _wrap_dim
from ..return_types import ReturnType
from ._helpers import _state, write_out
from .numeric import meta_name
from .view_copies import _raise_not_implemented, slice_view
from .._device import xp_of as _xp

__all__ = ["cov", "corrcoef", "histogram", "histogramdd", "trapezoid", "trapz", "cumulative_trapezoid", "gradient"]

_NUMBERS = (int, float, bool, complex, np.generic)


def _check_tensor(x, fn, arg="input", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


# ----------------------------------------------------------------------------------------------------
# cov / corrcoef

def cov(input, *, correction=1, fweights=None, aweights=None):
    """``torch.cov``: covariance of the rows (variables) of ``input`` over its columns (observations), with
    integer frequency weights and float observation weights; ``correction`` = 1 is the unbiased estimate."""
    from .blas import mm
    from .index_utils import scalar_tensor
    _check_tensor(input, "cov")
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with {n} "
                           f"dimensions")
    if input.dtype is D.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if n < 2 else input
    n_obs = x._data.shape[1]
    w = None
    for name, wt in (("fweights", fweights), ("aweights", aweights)):
        if wt is None:
            continue
        _check_tensor(wt, "cov", name, None)
        if wt._data.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                               f"{wt._data.ndim} dimensions")
        if name == "fweights":
            ok, kind = wt.dtype.category < D.FLOAT and wt.dtype is not D.bool, "integral"
        else:
            ok, kind = wt.dtype.is_floating_point, "floating point"
        if not ok:
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                               f"{scalar_type_name(wt.dtype)} dtype")
        if wt._data.size != n_obs:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the "
                               f"input but got {wt._data.size} != {n_obs}")
        if n_obs and bool((wt.min() < 0).item()):
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = wt if w is None else w * wt
    if w is not None:
        w_sum = w.sum()
        if not bool((w_sum != 0).item()):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    else:
        w_sum = scalar_tensor(n_obs, dtype=D.int64, device=x.device)
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool((norm <= 0).item()):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = norm * 0
    x = x - avg.unsqueeze(1)
    c = mm(x, (x * w if w is not None else x).t().conj())
    return (c / norm).squeeze()


def corrcoef(input):
    """``torch.corrcoef``: Pearson correlation coefficients of the rows, clipped into [-1, 1] (real and
    imaginary parts separately for complex input)."""
    from .creation import complex as _complex
    _check_tensor(input, "corrcoef")
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with {n} "
                           f"dimensions")
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = c.diagonal()
    std = (d.real if d.is_complex() else d).sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    if c.is_complex():
        return _complex(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


# ----------------------------------------------------------------------------------------------------
# histograms

def _cfmt(v):
    """A double as C++'s ostream writes it (6 significant digits, ``inf``, ``nan``)."""
    return f"{v:g}"


def _upper_bound(edges, x):
    """``std::upper_bound(edges, x)`` for every element of ``x`` (the same bisection, so unsorted edges give
    torch's answer too)."""
    xp = _xp(x)
    first = xp.zeros(x.shape, np.int64)
    count = xp.full(x.shape, edges.shape[0], np.int64)
    while bool((count > 0).any()):
        step = count // 2
        it = first + step
        go = (count > 0) & ~(x < edges[xp.minimum(it, edges.shape[0] - 1)])
        first = xp.where(go, it + 1, first)
        count = xp.where(go, count - step - 1, xp.where(count > 0, step, 0))
    return first


_hist_prims = {}


def _hist_node(op, inputs, results):
    """Give ``results`` (arrays) a ``NotImplemented`` node when an input requires grad, as torch does."""
    if not (_state.enabled and any(isinstance(t, Tensor) and t._requires_grad for t in inputs)):
        return tuple(_wrap(r) for r in results)
    key = (op, len(results))
    prim = _hist_prims.get(key)
    if prim is None:
        fwd = (lambda *a: a[-1]) if len(results) > 1 else (lambda *a: a[-1][0])
        prim = _hist_prims[key] = Primitive("NotImplemented", fwd, _raise_not_implemented(op), nout=len(results))
    tensors = [t for t in inputs if isinstance(t, Tensor)]
    out = apply(prim, tensors, (tuple(results),))
    return out if isinstance(out, tuple) else (out,)


def _histogramdd(input, bins, range, weight, density):
    """(hist array, [edge arrays]) of the points in the rows of ``input`` (N = its last dim), torch's checks."""
    from .creation import linspace
    a = input._data
    if a.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    n = a.shape[-1]
    edges_given = isinstance(bins, (list, tuple)) and len(bins) and all(isinstance(b, Tensor) for b in bins)
    if edges_given:
        if len(bins) != n:
            raise RuntimeError(f"torch.histogramdd: expected {n} sequences of bin edges for a {n}-dimensional "
                               f"histogram but got {len(bins)}")
        for d, b in enumerate(bins):
            if b._data.dtype != a.dtype:
                raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                                   f"but got input with dtype {meta_name(a.dtype)} and bins for dimension {d} with "
                                   f"dtype {meta_name(b._data.dtype)}")
            if b._data.ndim != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got "
                                   f"{b._data.ndim} dimensions in the bins tensor for dimension {d}")
            if b._data.size == 0:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 "
                                   f"elements in the bins tensor for dimension {d}")
    if weight is not None:
        if weight._data.dtype != a.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({meta_name(a.dtype)}), and "
                               f"weight({meta_name(weight._data.dtype)})")
        if (weight._data.shape or (1,)) != a.shape[:-1]:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as "
                               f"the input tensor excluding its innermost dimension, but got input with shape "
                               f"{list(a.shape)} and weight with shape {list(weight._data.shape)}")
    if a.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{scalar_type_name(input.dtype)}'")
    xp = _xp(a)
    pts = a.reshape(int(np.prod(a.shape[:-1])), n)
    counts = [b._data.size - 1 for b in bins] if edges_given else list(bins)
    for d, c in enumerate(counts):
        if c <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {c} for dimension {d}")
    if edges_given:
        edges = [b._data.copy() for b in bins]
    else:
        if range is not None:
            range = [float(v) for v in range]
            if len(range) != 2 * n:
                raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range should have {2 * n} "
                                   f"elements, but got {len(range)}")
            lo, hi = range[0::2], range[1::2]
        elif pts.shape[0]:
            lo, hi = [float(v) for v in pts.min(0)], [float(v) for v in pts.max(0)]
        else:
            lo, hi = [0.0] * n, [1.0] * n
        edges = []
        for d in builtins.range(n):
            left, right = lo[d], hi[d]
            if not (math.isfinite(left) and math.isfinite(right)):
                raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{_cfmt(left)}, {_cfmt(right)}] is not "
                                   f"finite")
            if left > right:
                raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_cfmt(left)} max "
                                   f"{_cfmt(right)} for dimension {d}")
            if left == right:
                left, right = left - 0.5, right + 0.5
            edges.append(linspace(left, right, counts[d] + 1, dtype=input.dtype, device=input.device)._data)
    nbins = [e.shape[0] - 1 for e in edges]
    keep = xp.ones(pts.shape[0], bool)
    flat = xp.zeros(pts.shape[0], np.int64)
    for d, e in enumerate(edges):
        col = pts[:, d]
        keep &= (col >= e[0]) & (col <= e[-1])
        pos = _upper_bound(e, col) - 1
        pos = xp.clip(xp.where(pos == nbins[d], pos - 1, pos), 0, max(nbins[d] - 1, 0))
        flat = flat * nbins[d] + pos
    if n == 0:
        return xp.zeros((), a.dtype), edges
    total = int(np.prod(nbins))
    w = None if weight is None else weight._data.reshape(-1)[keep].astype(np.float64)
    hist = xp.bincount(flat[keep], weights=w, minlength=total)[:total].astype(a.dtype).reshape(nbins)
    if density:
        hist = hist / hist.sum()
        for d, e in enumerate(edges):
            shape = [1] * n
            shape[d] = nbins[d]
            hist = hist / (e[1:] - e[:-1]).reshape(shape)
        hist = hist.astype(a.dtype)
    return hist, edges


_HIST_SIGNATURES = ("(Tensor input, Tensor bins, *, Tensor weight = None, bool density = False, tuple of Tensors "
                    "out = None)",
                    "(Tensor input, int bins = 100, *, tuple of floats range = None, Tensor weight = None, bool "
                    "density = False, tuple of Tensors out = None)")


def _combination_error(fn, args, kwargs, signatures):
    got = ", ".join([("Tensor" if isinstance(a, Tensor) else type(a).__name__) for a in args] +
                    [f"{k}={'Tensor' if isinstance(v, Tensor) else type(v).__name__}" for k, v in kwargs.items()])
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:\n" +
                     "".join(f" * {s}\n" for s in signatures))


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """``torch.histogram``: ``torch.return_types.histogram(hist, bin_edges)`` of the flattened input, with
    ``bins`` equal-width bins over ``range`` (the data's range by default) or the given bin edges."""
    _check_tensor(input, "histogram")
    tensor_bins = isinstance(bins, Tensor)
    if not (tensor_bins or _is_int(bins)) or (tensor_bins and range is not None):
        kwargs = {"range": range} if range is not None else {}
        raise _combination_error("histogram", (input, bins), kwargs, _HIST_SIGNATURES)
    w = None if weight is None else weight.reshape(-1)
    hist, edges = _histogramdd(input.reshape(-1, 1), [bins] if tensor_bins else [int(bins)], range, w,
                               density)
    h, e = _hist_node("histogram", (input, weight, bins), (hist, edges[0]))
    if out is None:
        return ReturnType("histogram", h, e, names=("hist", "bin_edges"))
    return ReturnType("histogram_out", write_out(h, out[0]), write_out(e, out[1]), names=("hist", "bin_edges"))


_HISTDD_SIGNATURES = ("(Tensor input, int bins, tuple of floats range = None, Tensor weight = None, bool density = "
                      "False)",
                      "(Tensor input, tuple of ints bins, tuple of floats range = None, Tensor weight = None, bool "
                      "density = False)",
                      "(Tensor input, tuple of Tensors bins, tuple of floats range = None, Tensor weight = None, bool "
                      "density = False)")


def histogramdd(input, bins, range=None, weight=None, density=False):
    """``torch.histogramdd``: ``torch.return_types.histogramdd(hist, bin_edges)`` of the N-dimensional points in
    the rows of ``input`` (N = its last dim); ``bins`` an int, N ints, or N tensors of edges."""
    _check_tensor(input, "histogramdd")
    if _is_int(bins):
        bins = [int(bins)] * (input._data.shape[-1] if input._data.ndim else 0)
        op = "_histogramdd_from_bin_cts"
    elif isinstance(bins, collections.abc.Sequence) and all(isinstance(b, Tensor) for b in bins) and len(bins):
        op = "_histogramdd_from_bin_tensors"
    elif isinstance(bins, collections.abc.Sequence) and all(_is_int(b) for b in bins):
        if input._data.ndim >= 2 and len(bins) != input._data.shape[-1]:
            raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the "
                               "input.")
        bins = [int(b) for b in bins]
        op = "_histogramdd_from_bin_cts"
    else:
        raise _combination_error("histogramdd", (input, bins), {}, _HISTDD_SIGNATURES)
    hist, edges = _histogramdd(input, bins, range, weight, density)
    bin_inputs = tuple(b for b in bins if isinstance(b, Tensor))
    outs = _hist_node(op, (input, weight) + bin_inputs, (hist,) + tuple(edges))
    return ReturnType("histogramdd", outs[0], tuple(outs[1:]), names=("hist", "bin_edges"))


# ----------------------------------------------------------------------------------------------------
# trapezoid rule

_TRAPZ_SIGNATURES = {
    "trapezoid": ("(Tensor y, Tensor x, *, int dim = -1)", "(Tensor y, *, Number dx = 1, int dim = -1)"),
    "trapz": ("(Tensor y, *, float dx = 1, int dim = -1)", "(Tensor y, Tensor x, *, int dim = -1)"),
    "cumulative_trapezoid": ("(Tensor y, Tensor x, *, int dim = -1)", "(Tensor y, *, Number dx = 1, int dim = -1)"),
}


def _trapz_args(fn, y, x, dx):
    """Check the overload torch's parser would pick; returns dx as a number (None with ``x``)."""
    _check_tensor(y, fn, "y")
    bad = (x is not None and (not isinstance(x, Tensor) or dx is not None)) or (
        dx is not None and not isinstance(dx, _NUMBERS)) or (fn == "trapz" and isinstance(dx, complex))
    if bad:
        args = (y,) if x is None else (y, x)
        raise _combination_error(fn, args, {} if dx is None else {"dx": dx}, _TRAPZ_SIGNATURES[fn])
    if x is not None:
        return None
    dx = 1 if dx is None else dx
    if isinstance(dx, np.generic):
        dx = dx.item()
    if fn == "trapz":
        return float(dx)
    return dx


def _zeros_except(y, d):
    from .creation import zeros
    shape = y._data.shape[:d] + y._data.shape[d + 1:]
    return zeros(shape, dtype=y.dtype, device=y.device)


def _dim_of(y, dim):
    if y._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, y._data.ndim)


def _x_spacing(fn, y, x, d):
    """``x`` viewed to broadcast against ``y`` along ``d``, then its differences along ``d``."""
    if x._data.ndim == 1:
        if x._data.shape[0] != y._data.shape[d]:
            raise RuntimeError(f"{fn}: There must be one `x` value for each sample point")
        shape = [1] * y._data.ndim
        shape[d] = x._data.shape[0]
        xv = x.view(shape)
    elif x._data.ndim < y._data.ndim:
        xv = x.view((1,) * (y._data.ndim - x._data.ndim) + x._data.shape)
    else:
        xv = x
    return slice_view(xv, d, 1) - slice_view(xv, d, 0, -1)


def _real_dx(fn, dx):
    if isinstance(dx, (bool, complex)) or (isinstance(dx, np.generic) and dx.dtype.kind in "bc"):
        raise RuntimeError(f"{fn}: Currently, we only support dx as a real number.")


def _trapezoid(fn, y, x, dx, dim):
    dx = _trapz_args(fn, y, x, dx)
    d = _dim_of(y, dim)
    if y._data.shape[d] == 0:
        return _zeros_except(y, d)
    if x is not None:
        if y.dtype is D.bool or x.dtype is D.bool:
            raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported")
        dxs = _x_spacing("trapezoid", y, x, d)
        return ((slice_view(y, d, 0, -1) + slice_view(y, d, 1)) * dxs).sum(d) / 2.0
    if y.dtype is D.bool:
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    if fn != "trapz":
        _real_dx("trapezoid", dx)
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * dx


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.trapezoid``: the trapezoidal rule along ``dim``, over sample points ``x`` or spacing ``dx``."""
    return _trapezoid("trapezoid", y, x, dx, dim)


def trapz(y, x=None, *, dx=None, dim=-1):
    """``torch.trapz``: ``trapezoid`` with a float ``dx``."""
    return _trapezoid("trapz", y, x, dx, dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.cumulative_trapezoid``: the running trapezoidal rule along ``dim`` (one element fewer)."""
    fn = "cumulative_trapezoid"
    dx = _trapz_args(fn, y, x, dx)
    if x is not None:
        if y.dtype is D.bool or x.dtype is D.bool:
            raise RuntimeError(f"{fn}: received a bool input for `x` or `y`, but bool is not supported")
        d = _dim_of(y, dim)
        dxs = _x_spacing(fn, y, x, d)
        return ((slice_view(y, d, 0, -1) + slice_view(y, d, 1)) * dxs).cumsum(d) / 2.0
    if y.dtype is D.bool:
        raise RuntimeError(f"{fn}: received a bool input for `y`, but bool is not supported")
    _real_dx(fn, dx)
    left, right = slice_view(y, dim, 0, -1), slice_view(y, dim, 1)
    return (dx / 2.0 * (left + right)).cumsum(dim)


# ----------------------------------------------------------------------------------------------------
# gradient

_GRADIENT_SIGNATURES = ("(Tensor input, *, tuple of ints dim, int edge_order = 1)",
                        "(Tensor input, *, Number spacing, tuple of ints dim, int edge_order = 1)",
                        "(Tensor input, *, Number spacing = None, int dim = None, int edge_order = 1)",
                        "(Tensor input, *, tuple of Scalars spacing, int dim = None, int edge_order = 1)",
                        "(Tensor input, *, tuple of Scalars spacing, tuple of ints dim, int edge_order = 1)",
                        "(Tensor input, *, tuple of Tensors spacing, int dim = None, int edge_order = 1)",
                        "(Tensor input, *, tuple of Tensors spacing, tuple of ints dim, int edge_order = 1)")


def _cat3(parts, d):
    from .joining import cat
    return cat(parts, d)


def _gradient_coordinates(f, coords, d, edge_order):
    """Second-order accurate differences along ``d`` over sample coordinates ``coords`` (NumPy's scheme)."""
    shape = [1] * f._data.ndim
    shape[d] = -1
    h = coords[1:] - coords[:-1]
    h1, h2 = h[:-1], h[1:]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * slice_view(f, d, 0, -2) + b * slice_view(f, d, 1, -1) + c * slice_view(f, d, 2)
    if edge_order == 1:
        first = (slice_view(f, d, 1, 2) - slice_view(f, d, 0, 1)) / h[0]
        last = (slice_view(f, d, -1) - slice_view(f, d, -2, -1)) / h[-1]
    else:
        a = -(2.0 * h[0] + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = -h[0] / (h[1] * (h[0] + h[1]))
        first = a * slice_view(f, d, 0, 1) + b * slice_view(f, d, 1, 2) + c * slice_view(f, d, 2, 3)
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (2 * h[-1] + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        last = a * slice_view(f, d, -3, -2) + b * slice_view(f, d, -2, -1) + c * slice_view(f, d, -1)
    return _cat3([first, center, last], d)


def _gradient_uniform(f, h, d, edge_order):
    """Central differences along ``d`` with uniform spacing ``h`` (a number)."""
    center = (slice_view(f, d, 2) - slice_view(f, d, 0, -2)) / h
    if edge_order == 1:
        first = (slice_view(f, d, 1, 2) - slice_view(f, d, 0, 1)) / h
        last = (slice_view(f, d, -1) - slice_view(f, d, -2, -1)) / h
    else:
        first = (slice_view(f, d, 0, 1) * -1.5 + slice_view(f, d, 1, 2) * 2 + slice_view(f, d, 2, 3) * -0.5) / h
        last = (slice_view(f, d, -3, -2) * 0.5 + slice_view(f, d, -2, -1) * -2 + slice_view(f, d, -1) * 1.5) / h
    return _cat3([first, center / 2, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """``torch.gradient``: a tuple with the derivative estimate of ``input`` along each dim in ``dim`` (all by
    default), by central differences inside and one-sided differences of order ``edge_order`` at the ends;
    ``spacing`` is a number, one number per dim, or one 1-D tensor of sample coordinates per dim."""
    _check_tensor(input, "gradient")
    coords = False
    if isinstance(spacing, (list, tuple)):
        has_tensor = any(isinstance(s, Tensor) for s in spacing)
        for i, s in enumerate(spacing):
            if has_tensor and not isinstance(s, Tensor):
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(s).__name__}")
            if not has_tensor and not isinstance(s, _NUMBERS):
                raise _combination_error("gradient", (input,), {"spacing": spacing}, _GRADIENT_SIGNATURES)
        coords = has_tensor
        spacing = list(spacing)
    elif not isinstance(spacing, _NUMBERS):
        raise _combination_error("gradient", (input,), {"spacing": spacing}, _GRADIENT_SIGNATURES)
    n = input._data.ndim
    if input.dtype is D.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    dims = None if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    if isinstance(spacing, list):
        if dims is None and len(spacing) != n:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {n}', since dim argument was not given, but got a list of "
                               f"length {len(spacing)}")
        if dims is not None and len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                               f"arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dims is None:
        dims = list(builtins.range(n))
    else:
        wrapped = [_wrap_dim(d, n) for d in dims]
        for i, d in enumerate(wrapped):
            if d in wrapped[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        dims = wrapped
    for d in dims:
        if input._data.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    if not isinstance(spacing, list):
        spacing = [spacing] * len(dims)
    out = []
    for d, s in zip(dims, spacing):
        if coords:
            if s._data.ndim != 1:
                raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got "
                                   f"an element with {s._data.ndim} dimensions!")
            out.append(_gradient_coordinates(input, s, d, edge_order))
        else:
            out.append(_gradient_uniform(input, s.item() if isinstance(s, np.generic) else s, d, edge_order))
    return tuple(out)


def _histogram_method(self, bins=100, *, range=None, weight=None, density=False):
    return histogram(self, bins, range=range, weight=weight, density=density)


def _bind():
    Tensor.cov = cov
    Tensor.corrcoef = corrcoef
    Tensor.histogram = _histogram_method


_bind()
