"""Reductions and scans: sum, mean, prod, var/std, amax/amin, max/min (with indices), argmax/argmin, all/any,
count_nonzero, logsumexp, norm/dist/renorm, cumsum/cumprod/cummax/cummin/logcumsumexp and diff.

torch's rules: integer and bool sums and products accumulate in int64; mean needs a floating dtype; half and
bfloat16 accumulate in float32, and scans of float32 in float64 (as torch's CPU kernels do).  ``dim`` may be an
int, a tuple, or None (all dims); a 0-d tensor accepts dim 0 and -1.  Each primitive's derivative sits beside its
forward and is written in ember ops, so it can be differentiated again.
"""
import builtins
import math
import warnings

import numpy as np

from .._device import xp_of
from .. import _dtype as D
from .views import EXPAND
from .._prim import Primitive, apply
from .._tensor import Tensor, _new, _wrap, _wrap_dim
from ..amp.autocast_mode import state as _amp
from ..autograd import grad_mode
from ..return_types import ReturnType
from ._helpers import inplace, write_out
from .elementwise import where
from .views import _xp
from .._errors import np_type_name as _cname

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "var", "std", "var_mean", "std_mean", "amax", "amin",
           "max", "min", "aminmax", "argmax", "argmin", "all", "any", "count_nonzero", "logsumexp", "norm",
           "dist", "renorm", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff"]

_LOW = (np.dtype(np.float16), D.bfloat16.np)
_I64 = np.dtype(np.int64)
_state = grad_mode.state
_ZERO_STRIDES = [(0,) * n for n in range(65)]


# ----------------------------------------------------------------------------------------------------
# shared helpers

def _dims(dim, ndim, empty_is_all=True):
    """Sorted reduction dims, torch's way: None (and, for most ops, ``()``) means all dims; ints wrap, a 0-d
    tensor takes 0 or -1 (reducing nothing); a repeated dim is an error."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return tuple(range(ndim)) if empty_is_all else ()
        seen = []
        for d in dim:
            w = _wrap_dim(d, ndim)
            if w in seen:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            seen.append(w)
        return tuple(sorted(seen)) if ndim else ()
    w = _wrap_dim(dim, ndim)
    return (w,) if ndim else ()


def _one_dim(dim, ndim, name):
    """A single dim argument (int only), wrapped; for a 0-d tensor the dim is 0."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    w = _wrap_dim(dim, ndim)
    return w if ndim else 0


def _unsq(t, dims):
    for d in dims:
        t = t.unsqueeze(d)
    return t


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced dims of the input."""
    a = g._data
    if a.ndim == 0:
        # a full reduction's 0-d gradient broadcasts directly: with no graph to record, the read-only zero-stride
        # view ``expand`` makes, built without its general geometry code (the hot path of ``loss.backward()``)
        if type(a) is np.ndarray and len(shape) and not (g._requires_grad and _state.enabled) and g._base is None:
            n = 1
            for s in shape:
                n *= s
            if n > 1:
                v = np.ndarray(shape, a.dtype, a, 0, _ZERO_STRIDES[len(shape)])
                v.setflags(write=False)
                t = _wrap(v)
                ver = g._version
                if ver is None:
                    ver = g._version = [0]
                t._version = ver
                t._view_ver = ver[0]
                t._base = g
                return t
        return apply(EXPAND, (g,), (shape,))
    return (g if keepdim else _unsq(g, dims)).expand(shape)


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _float_acc(npd):
    """The dtype a float reduction accumulates in (half and bfloat16 go through float32)."""
    return np.dtype(np.float32) if npd in _LOW else npd


def _scan_acc(npd):
    """The dtype torch's CPU scans accumulate in: double for float types, int64 for integers."""
    k = npd.kind
    if k in "biu":
        return _I64
    if k == "c":
        return np.dtype(np.complex128)
    return np.dtype(np.float64)


def _arr(r, dtype=None):
    """An array from a reduction result (NumPy returns scalars for full reductions), optionally cast."""
    if isinstance(r, np.generic):
        r = np.asarray(r)
    return r if dtype is None else r.astype(dtype, copy=False)


def _is_float(npd):
    return npd.kind == "f" or npd == D.bfloat16.np




def _conj(t):
    return t.conj() if t._data.dtype.kind == "c" else t


def _grad_enabled():
    return grad_mode.state.enabled


def _check_empty(a, dims, name, all_dims):
    """torch's errors for a reduction without identity over zero elements."""
    if a.size:
        return
    if all_dims:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           f"Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _no_complex(a, name):
    if a.dtype.kind == "c":
        raise NotImplementedError(f"\"{name}\" not implemented for '{_cname(a.dtype)}'")


_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def write_out_pair(name, values, indices, out):
    """``out=(values, indices)`` for ops returning a (values, indices) pair: exact dtypes, like torch."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors")
    for o, r in zip(out, (values, indices)):
        if o._data.dtype != r._data.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {_C_NAMES[r._data.dtype.name]}, but got "
                               f"{_C_NAMES[o._data.dtype.name]} instead")
        write_out(r, o)
    return ReturnType(name + "_out", out[0], out[1])


def _pair(name, values, indices, out):
    return ReturnType(name, values, indices) if out is None else write_out_pair(name, values, indices, out)


def evenly_distribute(g, x, value):
    """torch's gradient of a full reduction picking one value (max(), median()): ``g`` split evenly between
    the elements equal to ``value`` (the NaNs when ``value`` is NaN)."""
    v = value._data
    mask = x.isnan() if _is_float(v.dtype) and bool(np.isnan(v)) else x == value
    return mask * (g / sum(mask))


# ----------------------------------------------------------------------------------------------------
# sum / nansum / mean / nanmean

def _sum_fwd(a, dims, keepdim, out_dt):
    if out_dt.char in "fd" and not keepdim and len(dims) == a.ndim and type(a) is _ndarray:
        # a full float32/float64 sum: into a fresh 0-d array (NumPy would return a scalar to convert)
        return _add_reduce(a, dims, out_dt, _empty((), out_dt))
    acc = _float_acc(out_dt)
    r = _add_reduce(a, axis=dims, dtype=acc, keepdims=keepdim)
    return r if acc == out_dt else r.astype(out_dt)


_add_reduce = np.add.reduce
_empty = np.empty
_ndarray = np.ndarray
_ALL_DIMS = [tuple(range(n)) for n in range(65)]


def _sum_grad(ctx, g):
    dims, keepdim, _ = ctx.args
    return (_expand_back(g, ctx._in_meta[0][0], dims, keepdim),)


SUM_ALL = Primitive("SumBackward0", _sum_fwd, _sum_grad)
SUM = Primitive("SumBackward1", _sum_fwd, _sum_grad)


def _sum_dtypes(npd, dtype):
    """(cast for the input, result dtype) of sum/nansum/prod: ints and bools give int64 unless ``dtype``."""
    if dtype is not None:
        d = dtype.np
        return (None if d == npd else d), d
    return None, (_I64 if npd.kind in "biu" else npd)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.sum``: over all dims, or ``dim`` (int or tuple); ints/bools accumulate in int64."""
    if _amp.active:
        return _amp.run("sum", sum, input, dim, keepdim, dtype=dtype, out=out)
    a = input._data
    if dim is None and dtype is None and out is None:
        dt = a.dtype
        if dt.char in "fd":  # float32 / float64: no accumulation dtype, no cast
            if type(a) is _ndarray and not keepdim and not (input._requires_grad and _state.enabled):
                # no graph to record: reduce straight into a fresh 0-d array
                t = _new(Tensor)
                t._data = _add_reduce(a, None, None, _empty((), dt))
                t._requires_grad = False
                t._grad_fn = None
                t._version = None
                return t
            return apply(SUM_ALL, (input,), (_ALL_DIMS[a.ndim], keepdim, dt))
    dims = _dims(dim, a.ndim)
    cast, out_dt = _sum_dtypes(a.dtype, dtype)
    r = apply(SUM_ALL if dim is None else SUM, (input,), (dims, keepdim, out_dt), cast)
    return r if out is None else write_out(r, out)


def _nansum_fwd(a, dims, keepdim, out_dt):
    acc = _float_acc(out_dt)
    r = np.nansum(a, axis=dims, keepdims=keepdim, dtype=acc) if _is_float(a.dtype) else \
        a.sum(axis=dims, keepdims=keepdim, dtype=acc)
    return r if acc == out_dt else _arr(r, out_dt)


def _nansum_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim, _ = ctx.args
    return (_expand_back(g, x.shape, dims, keepdim) * x.isnan().logical_not(),)


NANSUM = Primitive("NansumBackward0", _nansum_fwd, _nansum_grad, save_inputs=True)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.nansum``: sum treating NaN as zero."""
    a = input._data
    if a.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    dims = _dims(dim, a.ndim)
    cast, out_dt = _sum_dtypes(a.dtype, dtype)
    r = apply(NANSUM, (input,), (dims, keepdim, out_dt), cast)
    return r if out is None else write_out(r, out)


def _mean_fwd(a, dims, keepdim, n):
    s = a.sum(axis=dims, keepdims=keepdim, dtype=_float_acc(a.dtype))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = s / n if n else s * np.nan
    return _arr(r, a.dtype)


def _mean_grad(ctx, g):
    dims, keepdim, n = ctx.args
    return (_expand_back(g, ctx._in_meta[0][0], dims, keepdim) / n,)


MEAN_ALL = Primitive("MeanBackward0", _mean_fwd, _mean_grad)
MEAN = Primitive("MeanBackward1", _mean_fwd, _mean_grad)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.mean``: needs a floating or complex dtype (of the input or ``dtype``); empty gives NaN."""
    a = input._data
    if dtype is not None:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {_cname(dtype.np)}")
    elif a.dtype.kind in "biu":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_cname(a.dtype)}")
    dims = _dims(dim, a.ndim)
    cast = dtype.np if dtype is not None and dtype.np != a.dtype else None
    r = apply(MEAN_ALL if dim is None else MEAN, (input,), (dims, keepdim, _count(a.shape, dims)), cast)
    return r if out is None else write_out(r, out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.nanmean``: mean over the non-NaN elements (nansum / count, as torch composes it)."""
    a = input._data
    if a.dtype.kind in "biu":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_cname(a.dtype)}")
    count = sum(input.isnan().logical_not(), dim, keepdim)
    r = nansum(input, dim, keepdim, dtype=dtype) / count
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# prod

def _prod_fwd(a, dims, keepdim, out_dt):
    acc = _float_acc(out_dt)
    r = a.prod(axis=dims, keepdims=keepdim, dtype=acc)
    return r if acc == out_dt else r.astype(out_dt)


def _refuse_double_backward_zeros(zero, dim, name):
    """The zero-safe formulas below are exact to first order; with create_graph and two zeros in one slice
    their derivative is not, so refuse rather than return a wrong second derivative."""
    if _grad_enabled() and bool((sum(zero, dim) >= 2).any()):
        raise NotImplementedError(f"ember: double backward of {name} through a slice holding two or more zeros "
                                  f"is not implemented")


def _prod_others(x, dim, out):
    """For each element, the product of the other elements along ``dim`` (``out``: the product, keepdim).

    Without zeros that is out / x; with zeros only the first zero of a slice gets a non-zero value, the product
    of the rest of its slice (torch's prod_backward gives the same values)."""
    zero = x == 0
    if not bool(zero.any()):
        return _conj(out / x)
    _refuse_double_backward_zeros(zero, dim, "prod")
    first = zero & (cumsum(zero, dim) == 1)
    others = prod(where(first, 1, x), dim, keepdim=True)
    return _conj(where(first, others, out / where(zero, 1, x)))


def _prod_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim, _ = ctx.args
    if x.ndim == 0:
        return (g,)
    out = ctx.output
    if not keepdim:
        g, out = _unsq(g, dims), _unsq(out, dims)
    if len(dims) == 1:
        return (g * _prod_others(x, dims[0], out),)
    return (g * _prod_others(x.reshape(-1), 0, out.reshape(1)).reshape(x.shape),)


PROD_ALL = Primitive("ProdBackward0", _prod_fwd, _prod_grad, save_inputs=True, save_output=True)
PROD = Primitive("ProdBackward1", _prod_fwd, _prod_grad, save_inputs=True, save_output=True)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.prod`` over all elements or one ``dim`` (an int); ints/bools multiply in int64."""
    if _amp.active:
        return _amp.run("prod", prod, input, dim, keepdim, dtype=dtype, out=out)
    a = input._data
    cast, out_dt = _sum_dtypes(a.dtype, dtype)
    if dim is None:
        r = apply(PROD_ALL, (input,), (tuple(range(a.ndim)), keepdim, out_dt), cast)
    else:
        d = _one_dim(dim, a.ndim, "prod")
        r = apply(PROD, (input,), ((d,) if a.ndim else (), keepdim, out_dt), cast)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# variance and standard deviation

def _var_fwd(a, dims, correction, keepdim):
    n = _count(a.shape, dims)
    w = a.astype(_float_acc(a.dtype), copy=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = w.sum(axis=dims, keepdims=True) / n if n else np.full_like(w.sum(axis=dims, keepdims=True), np.nan)
        c = w - m
        sq = (c * c.conj()).real if a.dtype.kind == "c" else c * c
        r = sq.sum(axis=dims, keepdims=keepdim) / builtins.max(n - correction, 0)
    return _arr(r, a.real.dtype)


def _var_backward(g, x, dims, correction, keepdim):
    if not keepdim:
        g = _unsq(g, dims)
    n = _count(x.shape, dims)
    scale = 2.0 / (n - correction) if n != correction else math.inf
    return scale * g * (x - x.mean(dims, keepdim=True))


def _var_grad(ctx, g):
    x, = ctx.saved
    dims, correction, keepdim = ctx.args
    return (_var_backward(g, x, dims, correction, keepdim),)


def _std_grad(ctx, g):
    x, = ctx.saved
    dims, correction, keepdim = ctx.args
    out = ctx.output
    return (_var_backward(where(out == 0, 0.0, g / (2 * out)), x, dims, correction, keepdim),)


def _var_mean_fwd(a, dims, correction, keepdim):
    return _var_fwd(a, dims, correction, keepdim), _mean_fwd(a, dims, keepdim, _count(a.shape, dims))


def _std_mean_fwd(a, dims, correction, keepdim):
    v, m = _var_mean_fwd(a, dims, correction, keepdim)
    return np.sqrt(v), m


def _mean_part(gm, x, dims, keepdim):
    return _expand_back(gm, x.shape, dims, keepdim) / _count(x.shape, dims)


def _var_mean_grad(ctx, gv, gm):
    x, = ctx.saved
    dims, correction, keepdim = ctx.args
    return (_var_backward(gv, x, dims, correction, keepdim) + _mean_part(gm, x, dims, keepdim),)


def _std_mean_grad(ctx, gs, gm):
    x, = ctx.saved
    dims, correction, keepdim = ctx.args
    s = std(x, dims, keepdim=keepdim, correction=correction)
    gv = where(s == 0, 0.0, gs / (2 * s))
    return (_var_backward(gv, x, dims, correction, keepdim) + _mean_part(gm, x, dims, keepdim),)


VAR = Primitive("VarBackward0", _var_fwd, _var_grad, save_inputs=True)
STD = Primitive("StdBackward0", lambda a, *args: np.sqrt(_var_fwd(a, *args)), _std_grad, save_inputs=True,
                save_output=True)
VAR_MEAN = Primitive("VarMeanBackward0", _var_mean_fwd, _var_mean_grad, save_inputs=True, nout=2)
STD_MEAN = Primitive("StdMeanBackward0", _std_mean_fwd, _std_mean_grad, save_inputs=True, nout=2)


def _var_args(input, dim, unbiased, correction, name):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}: cannot specify both correction and unbiased arguments")
    a = input._data
    if a.dtype.kind in "biu":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dims(dim, a.ndim)
    corr = correction if correction is not None else (0 if unbiased is False else 1)
    if _count(a.shape, dims) - corr <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      f"reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, corr


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``torch.var``; ``correction`` (default 1) is Bessel's correction, ``unbiased`` its legacy spelling."""
    dims, corr = _var_args(input, dim, unbiased, correction, "var")
    r = apply(VAR, (input,), (dims, corr, keepdim))
    return r if out is None else write_out(r, out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``torch.std``: the square root of ``var`` (zero-variance slices get a zero gradient, as in torch)."""
    dims, corr = _var_args(input, dim, unbiased, correction, "std")
    r = apply(STD, (input,), (dims, corr, keepdim))
    return r if out is None else write_out(r, out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.var_mean`` -> (var, mean), a plain tuple as in torch."""
    dims, corr = _var_args(input, dim, unbiased, correction, "var_mean")
    return apply(VAR_MEAN, (input,), (dims, corr, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.std_mean`` -> (std, mean)."""
    dims, corr = _var_args(input, dim, unbiased, correction, "std_mean")
    return apply(STD_MEAN, (input,), (dims, corr, keepdim))


# ----------------------------------------------------------------------------------------------------
# extrema

def _amax_backward(g, x, out, dims, keepdim):
    """The gradient of amax/amin: split evenly between the tied extrema of each slice (torch's rule)."""
    if not keepdim:
        g, out = _unsq(g, dims), _unsq(out, dims)
    mask = x == out
    return (g / sum(mask, dims, keepdim=True)) * mask


def _amax_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim = ctx.args
    return (_amax_backward(g, x, ctx.output, dims, keepdim),)


def _max_all_grad(ctx, g):
    x, = ctx.saved
    return (evenly_distribute(g, x, ctx.output),)


def _amax_fwd(a, dims, keepdim):
    return a.max(axis=dims, keepdims=keepdim)


def _amin_fwd(a, dims, keepdim):
    return a.min(axis=dims, keepdims=keepdim)


AMAX = Primitive("AmaxBackward0", _amax_fwd, _amax_grad, save_inputs=True, save_output=True)
AMIN = Primitive("AminBackward0", _amin_fwd, _amax_grad, save_inputs=True, save_output=True)
MAX_ALL = Primitive("MaxBackward1", _amax_fwd, _max_all_grad, save_inputs=True, save_output=True)
MIN_ALL = Primitive("MinBackward1", _amin_fwd, _max_all_grad, save_inputs=True, save_output=True)


def _extremum(prim, input, dim, keepdim, out, name):
    a = input._data
    _no_complex(a, name)
    dims = _dims(dim, a.ndim)
    _check_empty(a, dims, name, dim is None or dim == () or dim == [])
    r = apply(prim, (input,), (dims, keepdim))
    return r if out is None else write_out(r, out)


def amax(input, dim=(), keepdim=False, *, out=None):
    """``torch.amax``: max over ``dim`` (default all); ties share the gradient evenly."""
    return _extremum(AMAX, input, dim, keepdim, out, "amax")


def amin(input, dim=(), keepdim=False, *, out=None):
    """``torch.amin``: min over ``dim`` (default all); ties share the gradient evenly."""
    return _extremum(AMIN, input, dim, keepdim, out, "amin")


def _argext(a, dim, is_max):
    """Index of the max/min along ``dim``: the first NaN if any (torch propagates NaN), else the first of
    equal extrema."""
    if _is_float(a.dtype):
        nan = np.isnan(a)
        if nan.any():
            fill = -np.inf if is_max else np.inf
            clean = np.where(nan, fill, a)
            base = clean.argmax(axis=dim) if is_max else clean.argmin(axis=dim)
            return np.where(nan.any(axis=dim), nan.argmax(axis=dim), base)
    return a.argmax(axis=dim) if is_max else a.argmin(axis=dim)


def _max_dim_fwd(a, dim, keepdim, is_max):
    if a.ndim == 0:
        return a.copy(), _xp(a).zeros((), np.int64)
    idx = np.expand_dims(_argext(a, dim, is_max), dim)
    vals = np.take_along_axis(a, idx, dim)
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals, idx.astype(np.int64, copy=False)


def index_select_grad(ctx, g, _gi=None):
    """Gradient of an op that picks one element per slice along a dim (max/min/median/kthvalue/mode): ``g``
    lands at the picked index (torch's value_selecting_reduction_backward)."""
    dim, keepdim = ctx.args[0], ctx.args[1]
    shape = ctx._in_meta[0][0]
    if len(shape) == 0:
        return (g,)
    idx = _wrap(ctx._out[1])
    if not keepdim:
        g, idx = g.unsqueeze(dim), idx.unsqueeze(dim)
    from .indexing import _scatter_into_zeros
    return (_scatter_into_zeros(shape, dim, idx, g),)


MAX_DIM = Primitive("MaxBackward0", lambda a, d, kd: _max_dim_fwd(a, d, kd, True), index_select_grad,
                    save_output=True, nout=2, nondiff=(1,))
MIN_DIM = Primitive("MinBackward0", lambda a, d, kd: _max_dim_fwd(a, d, kd, False), index_select_grad,
                    save_output=True, nout=2, nondiff=(1,))


def _check_dim_nonempty(a, d, name):
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _max_min(input, dim, keepdim, out, name, prim_all, prim_dim, binary):
    if isinstance(dim, Tensor):
        return binary(input, dim, out=out)
    a = input._data
    _no_complex(a, name)
    if dim is None:
        if a.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               f"the reduction dim with the 'dim' argument.")
        r = apply(prim_all, (input,), (tuple(range(a.ndim)), False))
        return r if out is None else write_out(r, out)
    d = _one_dim(dim, a.ndim, name)
    _check_dim_nonempty(a, d, name)
    vals, idx = apply(prim_dim, (input,), (d, keepdim))
    return _pair(name, vals, idx, out)


def max(input, dim=None, keepdim=False, *, out=None):
    """``torch.max(x)``; ``max(x, dim)`` -> (values, indices), NaN winning and the first index on ties;
    ``max(x, other)`` is ``maximum``."""
    from .elementwise import maximum
    return _max_min(input, dim, keepdim, out, "max", MAX_ALL, MAX_DIM, maximum)


def min(input, dim=None, keepdim=False, *, out=None):
    """``torch.min``; see ``max``."""
    from .elementwise import minimum
    return _max_min(input, dim, keepdim, out, "min", MIN_ALL, MIN_DIM, minimum)


def _aminmax_fwd(a, dims, keepdim):
    return a.min(axis=dims, keepdims=keepdim), a.max(axis=dims, keepdims=keepdim)


def _aminmax_grad(ctx, gmin, gmax):
    x, = ctx.saved
    dims, keepdim = ctx.args
    lo, hi = _wrap(_arr(ctx._out[0])), _wrap(_arr(ctx._out[1]))
    return (_amax_backward(gmin, x, lo, dims, keepdim) + _amax_backward(gmax, x, hi, dims, keepdim),)


AMINMAX = Primitive("AminmaxBackward0", _aminmax_fwd, _aminmax_grad, save_inputs=True, save_output=True, nout=2)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``torch.aminmax`` -> (min, max) over all elements or one ``dim``."""
    a = input._data
    _no_complex(a, "aminmax")
    if dim is None:
        if a.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        dims = tuple(range(a.ndim))
    else:
        d = _one_dim(dim, a.ndim, "aminmax")
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if a.ndim else ()
    lo, hi = apply(AMINMAX, (input,), (dims, keepdim))
    if out is not None:
        write_out(lo, out[0])
        write_out(hi, out[1])
        return ReturnType("aminmax_out", out[0], out[1], names=("min", "max"))
    return ReturnType("aminmax", lo, hi, names=("min", "max"))


def _arg_extremum(input, dim, keepdim, is_max):
    name = "argmax" if is_max else "argmin"
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if a.dtype.kind == "c":
        raise RuntimeError(f"{name}(): does not support complex input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = _arr(_argext(a.reshape(-1), 0, is_max), np.int64)
        return _wrap(r.reshape((1,) * a.ndim) if keepdim else r)
    d = _one_dim(dim, a.ndim, name)
    _check_dim_nonempty(a, d, name)
    if a.ndim == 0:
        return _wrap(_xp(a).zeros((), np.int64))
    r = np.expand_dims(_argext(a, d, is_max), d) if keepdim else _argext(a, d, is_max)
    return _wrap(_arr(r, np.int64))


def argmax(input, dim=None, keepdim=False, *, out=None):
    """``torch.argmax``: flat index when ``dim`` is None; NaN counts as the maximum; first index on ties."""
    r = _arg_extremum(input, dim, keepdim, True)
    return r if out is None else write_out(r, out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """``torch.argmin``; see ``argmax``."""
    r = _arg_extremum(input, dim, keepdim, False)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# boolean reductions

def _logical_reduce(fn, input, dim, keepdim, out):
    a = input._data
    dims = None if dim is None else _dims(dim, a.ndim, empty_is_all=False)
    r = fn(a, axis=dims, keepdims=keepdim)
    r = _wrap(_arr(r, np.uint8 if a.dtype == np.uint8 else np.bool_))
    return r if out is None else write_out(r, out)


def all(input, dim=None, keepdim=False, *, out=None):
    """``torch.all``: bool result (uint8 for uint8 input, as torch)."""
    return _logical_reduce(np.all, input, dim, keepdim, out)


def any(input, dim=None, keepdim=False, *, out=None):
    """``torch.any``: bool result (uint8 for uint8 input, as torch)."""
    return _logical_reduce(np.any, input, dim, keepdim, out)


def count_nonzero(input, dim=None):
    """``torch.count_nonzero`` over all dims or ``dim`` (int or tuple) -> int64."""
    a = input._data
    dims = _dims(dim, a.ndim)
    return _wrap(_arr((a != 0).sum(axis=dims, dtype=np.int64)))


# ----------------------------------------------------------------------------------------------------
# logsumexp

def _logsumexp_fwd(a, dims, keepdim):
    if a.size == 0:
        with np.errstate(divide="ignore"):
            return np.log(np.exp(a).sum(axis=dims, keepdims=keepdim))
    m = (a.real if a.dtype.kind == "c" else a).max(axis=dims, keepdims=True)
    m = np.where(np.isinf(m), 0, m).astype(m.dtype)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        s = np.log(np.exp(a - m).sum(axis=dims, keepdims=True)) + m
    return s if keepdim else s.squeeze(dims)


def _logsumexp_grad(ctx, g):
    x, = ctx.saved
    dims, keepdim = ctx.args
    out = ctx.output
    if not keepdim:
        g, out = _unsq(g, dims), _unsq(out, dims)
    return (g * _conj((x - out).exp()),)


LOGSUMEXP = Primitive("LogsumexpBackward0", _logsumexp_fwd, _logsumexp_grad, save_inputs=True, save_output=True)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``torch.logsumexp``, stable (shifts by the max; infinite maxima shift by zero); ints become float."""
    if _amp.active:
        return _amp.run("logsumexp", logsumexp, input, dim, keepdim, out=out)
    a = input._data
    cast = D.get_default_dtype().np if a.dtype.kind in "biu" else None
    r = apply(LOGSUMEXP, (input,), (_dims(dim, a.ndim), keepdim), cast)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# norms

def _ord_name(p):
    return "inf" if p == math.inf else "-inf" if p == -math.inf else f"{p:g}"


def _vnorm_fwd(a, p, dims, keepdim):
    x = np.abs(a)
    x = x.astype(_float_acc(x.dtype), copy=False)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if p == math.inf:
            r = x.max(axis=dims, keepdims=keepdim)
        elif p == -math.inf:
            r = x.min(axis=dims, keepdims=keepdim)
        elif p == 0:
            r = (x != 0).sum(axis=dims, keepdims=keepdim, dtype=x.dtype)
        elif p == 1:
            r = x.sum(axis=dims, keepdims=keepdim)
        elif p == 2:
            r = np.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
        else:
            r = ((x ** p).sum(axis=dims, keepdims=keepdim)) ** (1.0 / p)
    return _arr(r, a.real.dtype)


def norm_backward(g, x, p, norm, dims, keepdim):
    """torch's norm_backward: the gradient of the ``p``-norm of ``x`` over ``dims`` (ember ops)."""
    if not keepdim:
        g, norm = _unsq(g, dims), _unsq(norm, dims)
    if p == 0:
        return x * 0
    if p == 1:
        return x.sgn() * g
    if p == 2:
        return x * where(norm == 0, 0.0, g / norm)
    if math.isinf(p):
        ax = x.abs()
        mask = (ax == norm) | ax.isnan()
        return x.sgn() * ((g / sum(mask, dims, keepdim=True)) * mask)
    if p < 1:
        scaled = x.sgn() * where(x == 0, 0.0, x.abs() ** (p - 1))
        return scaled * g * norm ** (1 - p)
    scaled = x.sgn() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
    return scaled * where(norm == 0, 0.0, g / norm ** (p - 1))


def _vnorm_grad(ctx, g):
    x, = ctx.saved
    p, dims, keepdim = ctx.args
    return (norm_backward(g, x, p, ctx.output, dims, keepdim),)


VECTOR_NORM = Primitive("LinalgVectorNormBackward0", _vnorm_fwd, _vnorm_grad, save_inputs=True, save_output=True)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None, name="linalg.vector_norm"):
    """``torch.linalg.vector_norm`` (also torch.norm's vector case): floating/complex input, real result."""
    if _amp.active:
        return _amp.run("linalg_vector_norm", vector_norm, input, ord, dim, keepdim, dtype=dtype, name=name)
    a = input._data
    if not (_is_float(a.dtype) or a.dtype.kind == "c"):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_cname(a.dtype)}")
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    dims = _dims(dim, a.ndim)
    if (ord < 0 or math.isinf(ord)) and (a.size == 0 and (dim is None or builtins.any(a.shape[d] == 0 for d in dims))):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_name(ord)} norm on an empty tensor because "
                           f"the operation does not have an identity")
    if dtype is not None and D.promote_types(input.dtype, dtype) != dtype:
        raise RuntimeError(f"{name}: the dtype of the input ({_cname(a.dtype)}) should be convertible without "
                           f"narrowing to the specified dtype ({_cname(dtype.np)})")
    cast = dtype.np if dtype is not None and dtype.np != a.dtype else None
    return apply(VECTOR_NORM, (input,), (float(ord), dims, keepdim), cast)


def _svdvals_fwd(a):
    w = a.astype(np.float32) if a.dtype in _LOW else a
    return np.linalg.svd(w, compute_uv=False).astype(a.real.dtype, copy=False)


def _svdvals_grad(ctx, g):
    if _grad_enabled():
        raise NotImplementedError("ember: double backward of the nuclear norm is not implemented")
    x, = ctx.saved
    u, _, vh = np.linalg.svd(x._data, full_matrices=False)
    ug = _wrap(u) * g.unsqueeze(-2)
    return ((ug.unsqueeze(-1) * _wrap(vh).unsqueeze(-3)).sum(-2),)


SVDVALS = Primitive("LinalgSvdBackward0", _svdvals_fwd, _svdvals_grad, save_inputs=True)


def _matrix_norm(input, p, dim, keepdim):
    """torch.norm's string orders through linalg.matrix_norm: 'nuc' (and 'fro' over more than two dims,
    which torch refuses)."""
    a = input._data
    if a.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = list(range(a.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dims)}")
    if p != "nuc":
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    if not (_is_float(a.dtype) or a.dtype.kind == "c"):
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_cname(a.dtype)}")
    d0, d1 = _wrap_dim(dims[0], a.ndim), _wrap_dim(dims[1], a.ndim)
    r = apply(SVDVALS, (input.movedim((d0, d1), (-2, -1)),)).sum(-1)
    return _unsq(r, sorted((d0, d1))) if keepdim else r


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The legacy ``torch.norm``: 'fro' and numbers are vector norms over ``dim`` (default all), 'nuc' is
    the nuclear norm of a matrix (two dims)."""
    if _amp.active:
        return _amp.run("norm", norm, input, p, dim, keepdim, out=out, dtype=dtype)
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            r = vector_norm(input, 2, dim, keepdim, dtype=dtype)
        else:
            if dtype is not None:
                input = input.to(dtype)
            r = _matrix_norm(input, p, dim, keepdim)
    else:
        r = vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)
    return r if out is None else write_out(r, out)


def _dist_fwd(a, b, p):
    return _vnorm_fwd(a - b, p, tuple(range(np.broadcast(a, b).ndim)), False)


def _dist_grad(ctx, g):
    a, b = ctx.saved
    p, = ctx.args
    diff = a - b
    gd = norm_backward(g, diff, p, ctx.output, tuple(range(diff.ndim)), False)
    return gd, -gd


DIST = Primitive("DistBackward0", _dist_fwd, _dist_grad, save_inputs=True, save_output=True)


def dist(input, other, p=2):
    """``torch.dist``: the ``p``-norm of ``input - other`` (broadcast, promoted)."""
    if _amp.active:
        return _amp.run("dist", dist, input, other, p)
    from ._helpers import binary_cast
    cast = binary_cast(input, other)
    if not (_is_float(cast) or cast.kind == "c"):
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_cname(cast)} instead.")
    return apply(DIST, (input, other), (float(p),), cast)


def _renorm_dims(ndim, dim):
    return tuple(i for i in range(ndim) if i != dim)


def _renorm_fwd(a, p, dim, maxnorm):
    n = _vnorm_fwd(a, p, _renorm_dims(a.ndim, dim), True)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0).astype(a.dtype)
    return a * factor


def _renorm_grad(ctx, g):
    x, = ctx.saved
    p, dim, maxnorm = ctx.args
    dims = _renorm_dims(x.ndim, dim)
    n = vector_norm(x, p, dims, True)
    nb = norm_backward(sum(_conj(x) * g, dims, keepdim=True), x, p, n, dims, True)
    inv = (n + 1e-7).reciprocal()
    return (where(n > maxnorm, inv * maxnorm * g - (maxnorm * inv * inv) * nb, g),)


RENORM = Primitive("RenormBackward0", _renorm_fwd, _renorm_grad, save_inputs=True)


def renorm(input, p, dim, maxnorm, *, out=None):
    """``torch.renorm``: each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` is scaled down to it."""
    if _amp.active:
        return _amp.run("renorm", renorm, input, p, dim, maxnorm, out=out)
    a = input._data
    if a.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {a.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if not (_is_float(a.dtype) or a.dtype.kind == "c"):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_cname(a.dtype)}")
    r = apply(RENORM, (input,), (float(p), _wrap_dim(dim, a.ndim), float(maxnorm)))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# scans

def _flip(a, dim):
    return a[(slice(None),) * dim + (slice(None, None, -1),)]


def _scan(ufunc_name, a, dim, reverse, out_dt):
    if a.ndim == 0:
        return a.astype(out_dt, copy=True)
    acc = _scan_acc(out_dt)
    if reverse:
        a = _flip(a, dim)
    r = getattr(a, ufunc_name)(axis=dim, dtype=acc)
    if reverse:
        r = _flip(r, dim)
    return xp_of(r).ascontiguousarray(r.astype(out_dt, copy=False))


def _cumsum_grad(ctx, g):
    dim, reverse, _ = ctx.args
    return (apply(CUMSUM, (g,), (dim, not reverse, g._data.dtype)),)


CUMSUM = Primitive("CumsumBackward0", lambda a, dim, rev, dt: _scan("cumsum", a, dim, rev, dt), _cumsum_grad)


def _rcumsum(t, dim):
    """Reversed cumulative sum (sum from each position to the end), differentiable."""
    return apply(CUMSUM, (t,), (dim, True, t._data.dtype))


def _scan_dims(input, dim, dtype, name):
    a = input._data
    d = _one_dim(dim, a.ndim, name)
    cast, out_dt = _sum_dtypes(a.dtype, dtype)
    return d, cast, out_dt


def cumsum(input, dim, *, dtype=None, out=None):
    """``torch.cumsum``: ints/bools accumulate in int64, floats in double (torch's CPU kernel)."""
    if _amp.active:
        return _amp.run("cumsum", cumsum, input, dim, dtype=dtype, out=out)
    d, cast, out_dt = _scan_dims(input, dim, dtype, "cumsum")
    r = apply(CUMSUM, (input,), (d, False, out_dt), cast)
    return r if out is None else write_out(r, out)


def _cumprod_grad(ctx, g):
    x, = ctx.saved
    dim, _ = ctx.args
    if x.ndim == 0:
        return (g,)
    out = _conj(ctx.output)
    zero = x == 0
    if not bool(zero.any()):
        return (_rcumsum(g * out, dim) / _conj(x),)
    # before the first zero of a slice divide as usual; at it, the product of the others; after it, zero
    _refuse_double_backward_zeros(zero, dim, "cumprod")
    first = zero & (cumsum(zero, dim) == 1)
    at_first = _rcumsum(g * _conj(cumprod(where(first, 1, x), dim)), dim)
    return (where(first, at_first, _rcumsum(g * out, dim) / _conj(where(zero, 1, x))),)


CUMPROD = Primitive("CumprodBackward0", lambda a, dim, dt: _scan("cumprod", a, dim, False, dt), _cumprod_grad,
                    save_inputs=True, save_output=True)


def cumprod(input, dim, *, dtype=None, out=None):
    """``torch.cumprod``; its gradient is exact with zeros in the input."""
    if _amp.active:
        return _amp.run("cumprod", cumprod, input, dim, dtype=dtype, out=out)
    d, cast, out_dt = _scan_dims(input, dim, dtype, "cumprod")
    r = apply(CUMPROD, (input,), (d, out_dt), cast)
    return r if out is None else write_out(r, out)


def _cumext_fwd(a, dim, is_max):
    xp = _xp(a)
    if a.ndim == 0:
        return a.copy(), xp.zeros((), np.int64)
    ufunc = np.maximum if is_max else np.minimum
    vals = ufunc.accumulate(a, axis=dim)
    # the index moves to every position equal to the running extremum (so ties take the last one) and to
    # every NaN, as torch's kernel does
    hit = a == vals
    if _is_float(a.dtype):
        hit |= np.isnan(a)
    pos = xp.arange(a.shape[dim], dtype=np.int64).reshape((-1,) + (1,) * (a.ndim - dim - 1))
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim)
    return vals, idx


def _cumext_grad(ctx, g, _gi=None):
    dim, = ctx.args
    shape = ctx._in_meta[0][0]
    if len(shape) == 0:
        return (g,)
    from .creation import zeros
    return (zeros(shape, dtype=g.dtype, device=g.device).scatter_add(dim, _wrap(ctx._out[1]), g),)


CUMMAX = Primitive("CummaxBackward0", lambda a, dim: _cumext_fwd(a, dim, True), _cumext_grad, save_output=True,
                   nout=2, nondiff=(1,))
CUMMIN = Primitive("CumminBackward0", lambda a, dim: _cumext_fwd(a, dim, False), _cumext_grad, save_output=True,
                   nout=2, nondiff=(1,))


def _cumext(prim, input, dim, out, name):
    a = input._data
    _no_complex(a, name + "_cpu")
    d = _one_dim(dim, a.ndim, name)
    vals, idx = apply(prim, (input,), (d,))
    return _pair(name, vals, idx, out)


def cummax(input, dim, *, out=None):
    """``torch.cummax`` -> (values, indices); on ties the index is the latest, NaN propagates."""
    return _cumext(CUMMAX, input, dim, out, "cummax")


def cummin(input, dim, *, out=None):
    """``torch.cummin`` -> (values, indices); on ties the index is the latest, NaN propagates."""
    return _cumext(CUMMIN, input, dim, out, "cummin")


def _logcumsumexp_fwd(a, dim, reverse):
    if a.ndim == 0:
        return a.copy()
    w = a.astype(np.float64)
    if reverse:
        w = _flip(w, dim)
    with np.errstate(invalid="ignore"):
        r = np.logaddexp.accumulate(w, axis=dim)
    if reverse:
        r = _flip(r, dim)
    return np.ascontiguousarray(r.astype(a.dtype))


def _logcumsumexp_grad(ctx, g):
    x, = ctx.saved
    dim, reverse = ctx.args
    if x.ndim == 0:
        return (g,)
    out = ctx.output
    # sum_j g_j exp(x_k - out_j) over the later (earlier, if reversed) j, split by the sign of g and taken
    # in log space so nothing overflows (torch's formula)
    lowest = float(np.finfo(_float_acc(g._data.dtype)).min)
    log_abs = g.abs().log()
    pos = where(g > 0, log_abs, lowest)
    neg = where(g < 0, log_abs, lowest)
    back = (not reverse,)
    out_pos = (apply(LOGCUMSUMEXP, (pos - out,), (dim,) + back) + x).exp()
    out_neg = (apply(LOGCUMSUMEXP, (neg - out,), (dim,) + back) + x).exp()
    return (out_pos - out_neg,)


LOGCUMSUMEXP = Primitive("LogcumsumexpBackward0", _logcumsumexp_fwd, _logcumsumexp_grad, save_inputs=True,
                         save_output=True)


def logcumsumexp(input, dim, *, out=None):
    """``torch.logcumsumexp``: log of the running sum of exp, computed stably (in float64)."""
    a = input._data
    if not _is_float(a.dtype):
        if a.dtype.kind == "c":
            raise NotImplementedError("ember: logcumsumexp of complex tensors is not implemented")
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_cname(a.dtype)}'")
    r = apply(LOGCUMSUMEXP, (input,), (_one_dim(dim, a.ndim, "logcumsumexp"), False))
    return r if out is None else write_out(r, out)


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """``torch.diff``: n-th forward difference along ``dim`` (xor for bool), after concatenating
    ``prepend``/``append``."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, a.ndim)
    x = input
    if prepend is not None or append is not None:
        from .joining import cat
        for extra in (prepend, append):
            if extra is not None and extra.ndim != a.ndim:
                raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        x = cat([t for t in (prepend, input, append) if t is not None], d)
    for _ in range(n):
        size = x.shape[d]
        if size == 0:
            break
        hi, lo = x.narrow(d, 1, size - 1), x.narrow(d, 0, size - 1)
        x = hi.logical_xor(lo) if x._data.dtype == np.bool_ else hi - lo
    if n == 0 and x is input:
        x = input.clone()
    return x if out is None else write_out(x, out)


# ----------------------------------------------------------------------------------------------------
# Tensor methods

def _tensor_norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    return norm(self, p, dim, keepdim, dtype=dtype)


def _scan_inplace(fn):
    """``x.cumsum_(dim)``: the scan written back in x's own dtype (torch keeps it, e.g. int32)."""
    op = inplace(fn)

    def method(self, dim, *, dtype=None):
        return op(self, dim, dtype=self.dtype if dtype is None else dtype)
    method.__name__ = fn.__name__ + "_"
    return method


_METHODS = ["sum", "nansum", "mean", "nanmean", "prod", "var", "std", "amax", "amin", "max", "min", "aminmax",
            "argmax", "argmin", "all", "any", "count_nonzero", "logsumexp", "dist", "renorm", "cumsum", "cumprod",
            "cummax", "cummin", "logcumsumexp", "diff"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    Tensor.norm = _tensor_norm
    Tensor.cumsum_ = _scan_inplace(cumsum)
    Tensor.cumprod_ = _scan_inplace(cumprod)
    Tensor.renorm_ = inplace(renorm)


_bind()
