"""Reductions: sum, mean, prod, var/std, amax/amin, max/min (with indices), argmax/argmin, all/any.

Integer and bool sums accumulate in int64 (torch's rule); mean needs a floating dtype.
"""
import numpy as np

from .. import _dtype as D
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap, _wrap_dim
from ._helpers import dims_arg, write_out


def _expand_back(g, ctx, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced dims of the input."""
    shape = ctx._in_meta[0][0]
    if not keepdim and dims:
        for d in dims:
            g = g.unsqueeze(d)
    return g.expand(shape)


def _sum_grad(ctx, g):
    dims, keepdim, _ = ctx.args
    return (_expand_back(g, ctx, dims, keepdim),)


def _sum_fwd(a, dims, keepdim, dtype):
    return a.sum(axis=dims, keepdims=keepdim, dtype=dtype)


SUM = Primitive("SumBackward1", _sum_fwd, _sum_grad)
SUM_ALL = Primitive("SumBackward0", _sum_fwd, _sum_grad)


def _reduce_dtype(a, dtype):
    if dtype is not None:
        return dtype.np
    if a.dtype.kind in "biu":
        return np.int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.sum``; ``dim`` may be an int, a tuple or None (all)."""
    a = input._data
    dims = dims_arg(dim, a.ndim) if (dim is not None and dim != ()) else None
    if dim is not None and not isinstance(dim, (list, tuple)) and a.ndim == 0:
        dims = ()
    rd = _reduce_dtype(a, dtype)
    if dims is None:
        r = apply(SUM_ALL, (input,), (tuple(range(a.ndim)), keepdim, rd))
    else:
        r = apply(SUM, (input,), (dims, keepdim, rd))
    return r if out is None else write_out(r, out)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    x = input.where(~input.isnan(), 0) if input.is_floating_point() else input
    return sum(x, dim, keepdim, dtype=dtype, out=out)


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    a = input._data
    if dtype is None and a.dtype.kind in "biu":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_cap(input.dtype)}")
    x = input if dtype is None else input.to(dtype)
    dims = dims_arg(dim, a.ndim) if (dim is not None and dim != ()) else tuple(range(a.ndim))
    if a.ndim == 0:
        dims = ()
    n = _count(a.shape, dims)
    r = apply(MEAN, (x,), (dims, keepdim, n))
    return r if out is None else write_out(r, out)


def _cap(dt):
    from .._errors import scalar_type_name
    return scalar_type_name(dt)


def _mean_fwd(a, dims, keepdim, n):
    if n == 0:
        return np.full(np.sum(a, axis=dims, keepdims=keepdim).shape, np.nan, a.dtype)
    s = a.sum(axis=dims, keepdims=keepdim)
    return np.asarray(s / np.asarray(n, dtype=a.real.dtype if a.dtype.kind == "c" else a.dtype)).astype(a.dtype)


def _mean_grad(ctx, g):
    dims, keepdim, n = ctx.args
    return (_expand_back(g, ctx, dims, keepdim) / n,)


MEAN = Primitive("MeanBackward1", _mean_fwd, _mean_grad)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    notnan = ~input.isnan()
    r = nansum(input, dim, keepdim, dtype=dtype) / sum(notnan, dim, keepdim)
    return r if out is None else write_out(r, out)


def _prod_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim, _ = ctx.args
    out = ctx.output
    if not keepdim:
        for d in dims:
            g = g.unsqueeze(d)
            out = out.unsqueeze(d)
    nz = x != 0
    if bool(nz.all()):
        return (g * out / x,)
    # zeros: product of the others, computed without dividing
    from .joining import _prod_except_self
    return (g * _prod_except_self(x, dims),)


PROD = Primitive("ProdBackward1", lambda a, dims, keepdim, dt: np.asarray(a.prod(axis=dims, keepdims=keepdim,
                                                                                  dtype=dt)),
                 _prod_grad, save_inputs=True, save_output=True)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    a = input._data
    dims = tuple(range(a.ndim)) if dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    r = apply(PROD, (input,), (dims, keepdim, _reduce_dtype(a, dtype)))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# variance

def _var_fwd(a, dims, correction, keepdim):
    n = _count(a.shape, dims)
    rdt = a.real.dtype
    centered = a - a.mean(axis=dims, keepdims=True)
    sq = (centered * centered.conj()).real if a.dtype.kind == "c" else centered * centered
    total = np.asarray(sq.sum(axis=dims, keepdims=keepdim))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total / max(n - correction, 0)).astype(rdt)


def _var_grad(ctx, g):
    x, = ctx.saved
    dims, correction, keepdim = ctx.args
    n = _count(x.shape, dims)
    if not keepdim:
        for d in dims:
            g = g.unsqueeze(d)
    return (g * 2 * (x - x.mean(dims, keepdim=True)) / (n - correction),)


VAR = Primitive("VarBackward0", _var_fwd, _var_grad, save_inputs=True)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _var_args(input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    a = input._data
    if a.dtype.kind in "biu":
        raise RuntimeError(f"std and var only support floating point and complex dtypes")
    dims = tuple(range(a.ndim)) if dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    return dims, _correction(unbiased, correction), keepdim


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``torch.var``; ``correction`` (default 1) is Bessel's correction."""
    dims, corr, keepdim = _var_args(input, dim, unbiased, keepdim, correction)
    r = apply(VAR, (input,), (dims, corr, keepdim))
    return r if out is None else write_out(r, out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    r = var(input, dim, unbiased, keepdim, correction=correction).sqrt()
    return r if out is None else write_out(r, out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, corr, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return var(input, dims, keepdim=kd, correction=corr), mean(input, dims, kd)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, corr, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return std(input, dims, keepdim=kd, correction=corr), mean(input, dims, kd)


# ----------------------------------------------------------------------------------------------------
# extrema

def _amax_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim = ctx.args
    out = ctx.output
    if not keepdim:
        for d in dims:
            g = g.unsqueeze(d)
            out = out.unsqueeze(d)
    mask = (x == out)
    return (g * mask / sum(mask, dims, keepdim=True),)


def _check_nonempty(a, dims, name):
    if a.size == 0 and (not dims or any(a.shape[d] == 0 for d in dims)):
        if not dims:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        d = next(d for d in dims if a.shape[d] == 0)
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


AMAX = Primitive("AmaxBackward0", lambda a, dims, kd: np.asarray(np.max(a, axis=dims, keepdims=kd)), _amax_grad,
                 save_inputs=True, save_output=True)
AMIN = Primitive("AminBackward0", lambda a, dims, kd: np.asarray(np.min(a, axis=dims, keepdims=kd)), _amax_grad,
                 save_inputs=True, save_output=True)
MAX_ALL = Primitive("MaxBackward1", lambda a, dims, kd: np.asarray(np.max(a, axis=dims, keepdims=kd)), _amax_grad,
                    save_inputs=True, save_output=True)
MIN_ALL = Primitive("MinBackward1", lambda a, dims, kd: np.asarray(np.min(a, axis=dims, keepdims=kd)), _amax_grad,
                    save_inputs=True, save_output=True)


def amax(input, dim=(), keepdim=False, *, out=None):
    a = input._data
    dims = tuple(range(a.ndim)) if dim == () or dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    _check_nonempty(a, dims if dim not in ((), None) else (), "amax")
    r = apply(AMAX, (input,), (dims, keepdim))
    return r if out is None else write_out(r, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    a = input._data
    dims = tuple(range(a.ndim)) if dim == () or dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    _check_nonempty(a, dims if dim not in ((), None) else (), "amin")
    r = apply(AMIN, (input,), (dims, keepdim))
    return r if out is None else write_out(r, out)


def _max_dim_fwd(a, dim, keepdim, is_max):
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    idx = _argext(a, dim, is_max)
    vals = np.take_along_axis(a, np.expand_dims(idx, dim), dim)
    if not keepdim:
        vals = vals.squeeze(dim)
    else:
        idx = np.expand_dims(idx, dim)
    return vals, idx.astype(np.int64)


def _argext(a, dim, is_max):
    """Index of the max/min along dim; NaN wins (torch propagates NaN), first occurrence on ties."""
    if a.dtype.kind in "fc" or a.dtype == D.bfloat16.np:
        nan = np.isnan(a)
        if nan.any():
            has = nan.any(axis=dim)
            first_nan = nan.argmax(axis=dim)
            base = np.argmax(np.where(nan, -np.inf if is_max else np.inf, a), axis=dim) if is_max else \
                np.argmin(np.where(nan, np.inf, a), axis=dim)
            return np.where(has, first_nan, base)
    return np.argmax(a, axis=dim) if is_max else np.argmin(a, axis=dim)


MAX_DIM = Primitive("MaxBackward0", lambda a, d, kd, m: _max_dim_fwd(a, d, kd, True), None, nout=2, nondiff=(1,))
MIN_DIM = Primitive("MinBackward0", lambda a, d, kd, m: _max_dim_fwd(a, d, kd, False), None, nout=2, nondiff=(1,))


def _indices_grad(ctx, g, gi=None):
    dim, keepdim, _ = ctx.args
    shape = ctx._in_meta[0][0]
    idx = _wrap(ctx._out[1])
    if len(shape) == 0:
        return (g,)
    if not keepdim:
        g = g.unsqueeze(dim)
        idx = idx.unsqueeze(dim)
    from .indexing import _scatter_into_zeros
    return (_scatter_into_zeros(shape, dim, idx, g),)


MAX_DIM.bwd = _indices_grad
MIN_DIM.bwd = _indices_grad
MAX_DIM.save_output = True
MIN_DIM.save_output = True


def _values_indices(prim, input, dim, keepdim, name):
    from ..return_types import ReturnType
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    vals, idx = apply(prim, (input,), (d, keepdim, None))
    return ReturnType(name, vals, idx)


def max(input, dim=None, keepdim=False, *, out=None):
    """``torch.max(x)``, ``max(x, dim)`` -> (values, indices), or ``max(x, other)`` = maximum."""
    if isinstance(dim, Tensor):
        from .elementwise import maximum
        return maximum(input, dim, out=out)
    if dim is None:
        a = input._data
        if a.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                               "reduction dim with the 'dim' argument.")
        return apply(MAX_ALL, (input,), (tuple(range(a.ndim)), False))
    return _values_indices(MAX_DIM, input, dim, keepdim, "max")


def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .elementwise import minimum
        return minimum(input, dim, out=out)
    if dim is None:
        a = input._data
        if a.size == 0:
            raise RuntimeError("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                               "reduction dim with the 'dim' argument.")
        return apply(MIN_ALL, (input,), (tuple(range(a.ndim)), False))
    return _values_indices(MIN_DIM, input, dim, keepdim, "min")


def aminmax(input, *, dim=None, keepdim=False):
    from ..return_types import ReturnType
    if dim is None:
        return ReturnType("aminmax", amin(input, (), keepdim) if not keepdim else amin(input, (), True),
                          amax(input, (), keepdim), names=("min", "max"))
    return ReturnType("aminmax", amin(input, dim, keepdim), amax(input, dim, keepdim), names=("min", "max"))


def argmax(input, dim=None, keepdim=False):
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError("argmax(): Expected reduction dim to be specified for input.numel() == 0.")
        r = _argext(a.reshape(-1), 0, True)
        return _wrap(np.asarray(r, np.int64).reshape((1,) * a.ndim if keepdim else ()))
    return max(input, dim, keepdim)[1]


def argmin(input, dim=None, keepdim=False):
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError("argmin(): Expected reduction dim to be specified for input.numel() == 0.")
        r = _argext(a.reshape(-1), 0, False)
        return _wrap(np.asarray(r, np.int64).reshape((1,) * a.ndim if keepdim else ()))
    return min(input, dim, keepdim)[1]


# ----------------------------------------------------------------------------------------------------
# boolean reductions

def all(input, dim=None, keepdim=False, *, out=None):
    a = input._data
    dims = None if dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    r = np.all(a, axis=dims, keepdims=keepdim)
    r = _wrap(np.asarray(r, np.uint8 if a.dtype == np.uint8 else np.bool_))
    return r if out is None else write_out(r, out)


def any(input, dim=None, keepdim=False, *, out=None):
    a = input._data
    dims = None if dim is None else dims_arg(dim, a.ndim) if a.ndim else ()
    r = np.any(a, axis=dims, keepdims=keepdim)
    r = _wrap(np.asarray(r, np.uint8 if a.dtype == np.uint8 else np.bool_))
    return r if out is None else write_out(r, out)


def count_nonzero(input, dim=None):
    a = input._data
    dims = None if dim is None else dims_arg(dim, a.ndim)
    return _wrap(np.asarray(np.count_nonzero(a, axis=dims), np.int64))


_METHODS = ["sum", "nansum", "mean", "nanmean", "prod", "var", "std", "amax", "amin", "max", "min", "aminmax",
            "argmax", "argmin", "all", "any", "count_nonzero"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])


_bind()
