"""Sorting and order statistics: sort/argsort/msort, topk, kthvalue, median/nanmedian, mode,
quantile/nanquantile, unique/unique_consecutive, searchsorted/bucketize, histc and bincount.

NaN sorts as the largest value (last ascending, first descending), as in torch.  Sorting is always stable.
torch's ``stable=False`` CPU sort is an insertion sort up to 16 elements per slice (stable, so identical) and
an introsort beyond, whose order among equal elements is an implementation detail; the stable order is one it
may return.  Likewise, among equal values topk and kthvalue report the lowest index (torch's partial sort and
quickselect may report another), and mode the last occurrence (torch's, up to 16 elements).  median and
nanmedian break ties by index exactly as torch does (except the index of an all-NaN slice in nanmedian, which
is the first NaN here and wherever nth_element leaves it in torch).  Values always match.
"""
import numpy as np

from .. import _dtype as D
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor, _wrap, _wrap_dim
from ._helpers import result_dtype, write_out
from .._device import accumulate
from .views import _xp
from .reduction import (_LOW, _check_dim_nonempty, _cname, _flip, _is_float, _one_dim, _pair,
                        evenly_distribute, index_select_grad)

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "quantile",
           "nanquantile", "unique", "unique_consecutive", "searchsorted", "bucketize", "histc", "bincount"]


def _key(a):
    """Sort keys NumPy orders natively (half and bfloat16 through float32, exactly)."""
    return a.astype(np.float32) if a.dtype in _LOW else a


def _argsort(a, axis, descending):
    """Stable argsort along ``axis``, NaN largest; descending keeps equal elements in index order."""
    k = _key(a)
    if not descending:
        return k.argsort(axis=axis, kind="stable")
    i = _flip(k, axis).argsort(axis=axis, kind="stable")
    r = _flip(a.shape[axis] - 1 - i, axis)
    return _xp(r).ascontiguousarray(r)


def _take(a, axis, positions):
    """``a[..., positions, ...]`` along ``axis`` (a contiguous copy)."""
    return _xp(a).ascontiguousarray(np.take(a, positions, axis=axis))


def _scatter_grad(ctx, g, _gi=None):
    """Gradient of sort/topk: each output element's gradient goes back to the input position it came from."""
    shape = ctx._in_meta[0][0]
    if len(shape) == 0:
        return (g,)
    from .indexing import _scatter_into_zeros
    return (_scatter_into_zeros(shape, ctx.args[0], _wrap(ctx._out[1]), g),)


def _no_complex_sort(a):
    if a.dtype.kind == "c":
        raise RuntimeError(" Sort does not support complex dtypes on CPU")


# ----------------------------------------------------------------------------------------------------
# sort / argsort / msort / topk

def _index0(a):
    """The index tensor of a 0-d input's sort/topk/kthvalue: 0."""
    return _xp(a).zeros((), np.int64)


def _sort_fwd(a, dim, descending):
    if a.ndim == 0:
        return a.copy(), _index0(a)
    idx = _argsort(a, dim, descending)
    return np.take_along_axis(a, idx, dim), idx.astype(np.int64, copy=False)


SORT = Primitive("SortBackward0", _sort_fwd, _scatter_grad, save_output=True, nout=2, nondiff=(1,))


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """``torch.sort`` -> (values, indices); stable, NaN largest."""
    a = input._data
    _no_complex_sort(a)
    vals, idx = apply(SORT, (input,), (_one_dim(dim, a.ndim, "sort"), bool(descending)))
    return _pair("sort", vals, idx, out)


def argsort(input, dim=-1, descending=False, stable=False):
    """``torch.argsort``: the indices of ``sort`` (no gradient)."""
    a = input._data
    _no_complex_sort(a)
    if a.ndim == 0:
        _wrap_dim(dim, 0)
        return _wrap(_index0(a))
    return _wrap(_argsort(a, _one_dim(dim, a.ndim, "argsort"), descending).astype(np.int64, copy=False))


def msort(input, *, out=None):
    """``torch.msort``: values sorted along dim 0."""
    r = sort(input, 0).values
    return r if out is None else write_out(r, out)


def _topk_fwd(a, k, dim, largest):
    if a.ndim == 0:
        return a.copy(), _index0(a)
    idx = _take(_argsort(a, dim, largest), dim, _xp(a).arange(k))
    return np.take_along_axis(a, idx, dim), idx.astype(np.int64, copy=False)


TOPK = Primitive("TopkBackward0", lambda a, dim, k, largest: _topk_fwd(a, k, dim, largest), _scatter_grad,
                 save_output=True, nout=2, nondiff=(1,))


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """``torch.topk`` -> (values, indices), always in sorted order (a valid order for ``sorted=False``)."""
    a = input._data
    _no_complex_sort(a)
    if a.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = _one_dim(dim, a.ndim, "topk")
    size = a.shape[d] if a.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    vals, idx = apply(TOPK, (input,), (d, int(k), bool(largest)))
    return _pair("topk", vals, idx, out)


# ----------------------------------------------------------------------------------------------------
# one value per slice: kthvalue, median, nanmedian, mode

def _select_fwd(a, dim, keepdim, positions_fn):
    """Sort each slice along ``dim`` and pick the element at ``positions_fn(sorted_indices)`` (keepdim)."""
    if a.ndim == 0:
        return a.copy(), _index0(a)
    order = _argsort(a, dim, False)
    idx = np.take_along_axis(order, positions_fn(order), dim).astype(np.int64, copy=False)
    vals = np.take_along_axis(a, idx, dim)
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals, idx


def _kth_fwd(a, dim, keepdim, k):
    return _select_fwd(a, dim, keepdim, lambda order: _xp(a).full((1,) * a.ndim, k - 1, np.int64))


KTHVALUE = Primitive("KthvalueBackward0", _kth_fwd, index_select_grad, save_output=True, nout=2, nondiff=(1,))


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """``torch.kthvalue`` -> (values, indices) of the k-th smallest along ``dim`` (NaN largest)."""
    a = input._data
    if a.dtype == np.bool_ or a.dtype.kind == "c":
        raise NotImplementedError(f"\"kthvalue_cpu\" not implemented for '{_cname(a.dtype)}'")
    d = _one_dim(dim, a.ndim, "kthvalue")
    _check_dim_nonempty(a, d, "kthvalue")
    size = a.shape[d] if a.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    vals, idx = apply(KTHVALUE, (input,), (d, keepdim, int(k)))
    return _pair("kthvalue", vals, idx, out)


def _median_positions(a, dim, ignore_nan):
    """Sorted position of the (lower) median of each slice: for median the first NaN if the slice has one;
    for nanmedian the median of the non-NaN values (position 0, a NaN, if all are NaN)."""
    n = a.shape[dim]
    if not _is_float(a.dtype):
        return lambda order: _xp(a).full((1,) * a.ndim, (n - 1) // 2, np.int64)
    valid = n - np.isnan(a).sum(axis=dim, keepdims=True)
    if ignore_nan:
        return lambda order: np.maximum((valid - 1) // 2, 0)
    return lambda order: np.where(valid < n, valid, (n - 1) // 2)


def _median_dim_fwd(a, dim, keepdim, ignore_nan):
    return _select_fwd(a, dim, keepdim, _median_positions(a, dim, ignore_nan) if a.ndim else None)


def _median_all_fwd(a, ignore_nan):
    flat = a.reshape(-1)
    if flat.size == 0:
        with np.errstate(invalid="ignore"):
            return _xp(a).full((), np.nan).astype(a.dtype)
    vals, _ = _median_dim_fwd(flat, 0, False, ignore_nan)
    return vals


def _median_all_grad(ctx, g):
    x, = ctx.saved
    return (evenly_distribute(g, x, ctx.output),)


MEDIAN_ALL = Primitive("MedianBackward0", lambda a: _median_all_fwd(a, False), _median_all_grad, save_inputs=True,
                       save_output=True)
NANMEDIAN_ALL = Primitive("NanmedianBackward0", lambda a: _median_all_fwd(a, True), _median_all_grad,
                          save_inputs=True, save_output=True)
MEDIAN_DIM = Primitive("MedianBackward1", _median_dim_fwd, index_select_grad, save_output=True, nout=2,
                       nondiff=(1,))
NANMEDIAN_DIM = Primitive("NanmedianBackward1", _median_dim_fwd, index_select_grad, save_output=True, nout=2,
                          nondiff=(1,))


def _median(input, dim, keepdim, out, ignore_nan):
    name = "nanmedian" if ignore_nan else "median"
    a = input._data
    if a.dtype == np.bool_ or a.dtype.kind == "c":
        raise NotImplementedError(f"\"median_cpu\" not implemented for '{_cname(a.dtype)}'")
    if dim is None:
        r = apply(NANMEDIAN_ALL if ignore_nan else MEDIAN_ALL, (input,))
        return r if out is None else write_out(r, out)
    d = _one_dim(dim, a.ndim, name)
    _check_dim_nonempty(a, d, "median")
    vals, idx = apply(NANMEDIAN_DIM if ignore_nan else MEDIAN_DIM, (input,), (d, keepdim, ignore_nan))
    return _pair(name, vals, idx, out)


def median(input, dim=None, keepdim=False, *, out=None):
    """``torch.median``: the lower median; NaN if the slice holds one (its index then the first NaN's).
    Without ``dim`` a tensor, with ``dim`` (values, indices)."""
    return _median(input, dim, keepdim, out, False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """``torch.nanmedian``: the lower median of the non-NaN values."""
    return _median(input, dim, keepdim, out, True)


def _mode_fwd(a, dim, keepdim):
    if a.ndim == 0:
        return a.copy(), _index0(a)
    xp = _xp(a)
    m = np.moveaxis(a, dim, -1)
    order = _argsort(m, -1, False)
    s = np.take_along_axis(m, order, -1)
    n = s.shape[-1]
    pos = xp.arange(n)
    starts = xp.ones(s.shape, bool)
    starts[..., 1:] = s[..., 1:] != s[..., :-1]
    ends = xp.ones(s.shape, bool)
    ends[..., :-1] = starts[..., 1:]
    run_start = accumulate(np.maximum, np.where(starts, pos, 0), -1)
    # the length of each run of equal values, counted at its last element; the first longest run wins
    best = np.where(ends, pos - run_start + 1, 0).argmax(axis=-1)[..., None]
    vals = np.moveaxis(np.take_along_axis(s, best, -1), -1, dim)
    idx = np.moveaxis(np.take_along_axis(order, best, -1), -1, dim).astype(np.int64)
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals.copy(), idx.copy()


MODE = Primitive("ModeBackward0", _mode_fwd, index_select_grad, save_output=True, nout=2, nondiff=(1,))


def mode(input, dim=-1, keepdim=False, *, out=None):
    """``torch.mode`` -> (values, indices): the most frequent value of each slice (the smallest on ties; NaNs
    never equal each other), with the last index at which it occurs."""
    a = input._data
    if a.dtype.kind == "c":
        raise NotImplementedError(f"\"mode_cpu\" not implemented for '{_cname(a.dtype)}'")
    d = _one_dim(dim, a.ndim, "mode")
    _check_dim_nonempty(a, d, "mode")
    vals, idx = apply(MODE, (input,), (d, keepdim))
    return _pair("mode", vals, idx, out)


# ----------------------------------------------------------------------------------------------------
# quantile

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan):
    """torch's quantile_compute, in ember ops (so gradients reach ``input`` and a tensor ``q``)."""
    from .creation import tensor
    from .elementwise import lerp, where
    from .indexing import gather
    from .reduction import sum as _sum
    name = "nanquantile" if ignore_nan else "quantile"
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
    a = input._data
    if a.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q.dtype != input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    qt = q if isinstance(q, Tensor) else tensor(q, dtype=input.dtype, device=input.device)
    if not bool(((qt >= 0) & (qt <= 1)).all()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")

    if dim is None or a.ndim == 0:
        out_shape = (1,) * a.ndim if keepdim else ()
        reduced = input.reshape(-1)
    else:
        d = _wrap_dim(dim, a.ndim)
        out_shape = tuple(1 if i == d else s for i, s in enumerate(a.shape) if keepdim or i != d)
        reduced = input.movedim(d, -1)
    if qt.ndim:
        out_shape = (qt.shape[0],) + out_shape
    srt = sort(reduced, -1).values
    last = srt.shape[-1] - 1
    if ignore_nan:
        ranks = qt * (_sum(srt.isnan().logical_not(), -1, keepdim=True) - 1)
        ranks = where(ranks < 0, 0, ranks)
    else:
        ranks = where(srt.isnan().any(-1, keepdim=True), last, qt * last)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.to(D.int64)
    values = gather(srt, -1, below)
    if interpolation in ("linear", "midpoint"):
        weights = ranks * 0 + 0.5 if interpolation == "midpoint" else ranks - below
        values = lerp(values, gather(srt, -1, ranks.ceil().to(D.int64)), weights)
    values = values.squeeze(-1) if qt.ndim == 0 else values.movedim(-1, 0)
    r = values.reshape(out_shape)
    return r if out is None else write_out(r, out)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """``torch.quantile``: ``q`` a float or a 0-d/1-d tensor (a leading output dim); NaN if a slice has NaN."""
    if _amp.active:
        return _amp.run("quantile", quantile, input, q, dim, keepdim, interpolation=interpolation, out=out)
    return _quantile(input, q, dim, keepdim, interpolation, out, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """``torch.nanquantile``: quantiles of the non-NaN values (NaN if a slice is all NaN)."""
    if _amp.active:
        return _amp.run("nanquantile", nanquantile, input, q, dim, keepdim, interpolation=interpolation, out=out)
    return _quantile(input, q, dim, keepdim, interpolation, out, True)


# ----------------------------------------------------------------------------------------------------
# unique

def _no_derivative(name):
    def bwd(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return bwd


def _run_starts(s, rows=False):
    """Flags marking where a run of equal elements (of equal rows) begins; NaN never equals NaN."""
    new = _xp(s).ones(s.shape[0], bool)
    differs = s[1:] != s[:-1]
    new[1:] = differs.any(axis=1) if rows else differs
    return new


def _runs(new, order=None):
    """From run-start flags: (run id of each element, placed back through ``order``; length of each run)."""
    n = new.shape[0]
    run = np.cumsum(new) - 1
    counts = np.diff(np.append(np.flatnonzero(new), n)).astype(np.int64)
    if order is None:
        return run.astype(np.int64), counts
    inverse = _xp(new).empty(n, np.int64)
    inverse[order] = run
    return inverse, counts


def _unique_flat(a):
    flat = a.reshape(-1)
    order = _argsort(flat, 0, False)
    s = flat[order]
    new = _run_starts(s)
    inverse, counts = _runs(new, order)
    return s[new], inverse.reshape(a.shape), counts


def _rows(a, dim, name):
    """The slices along ``dim`` as rows of a 2-d array (for unique over a dim)."""
    moved = np.moveaxis(a, dim, 0)
    n = moved.shape[0]
    width = moved.size // n if n else 0
    if n and width == 0:
        raise RuntimeError(f"There are 0 sized dimensions, and they aren't selected, so {name} cannot be applied")
    return moved, moved.reshape(n, width)


def _unique_dim_fwd(a, dim):
    moved, rows = _rows(a, dim, "unique")
    if rows.shape[0] == 0:
        empty = _xp(a).zeros(0, np.int64)
        return a.copy(), empty, empty.copy()
    order = np.lexsort(_key(rows).T[::-1])
    s = rows[order]
    new = _run_starts(s, rows=True)
    inverse, counts = _runs(new, order)
    out = np.moveaxis(s[new].reshape((-1,) + moved.shape[1:]), 0, dim)
    return _xp(out).ascontiguousarray(out), inverse, counts


def _consecutive_fwd(a, dim):
    if dim is None:
        flat = a.reshape(-1)
        new = _run_starts(flat)
        inverse, counts = _runs(new)
        return flat[new], inverse.reshape(a.shape), counts
    moved, rows = _rows(a, dim, "unique_consecutive")
    new = _run_starts(rows, rows=True)
    inverse, counts = _runs(new)
    out = np.moveaxis(moved[new], 0, dim)
    return _xp(out).ascontiguousarray(out), inverse, counts


UNIQUE = Primitive("Unique2Backward0", _unique_flat, _no_derivative("_unique2"), nout=3, nondiff=(1, 2))
UNIQUE_DIM = Primitive("UniqueDimBackward0", _unique_dim_fwd, _no_derivative("unique_dim"), nout=3,
                       nondiff=(1, 2))
UNIQUE_CONSECUTIVE = Primitive("UniqueConsecutiveBackward0", _consecutive_fwd,
                               _no_derivative("unique_consecutive"), nout=3, nondiff=(1, 2))


def _unique_result(r, return_inverse, return_counts):
    values, inverse, counts = r
    if return_inverse and return_counts:
        return values, inverse, counts
    if return_inverse:
        return values, inverse
    if return_counts:
        return values, counts
    return values


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """``torch.unique``: sorted unique values (or slices along ``dim``), with inverse indices and counts on
    request.  The CPU result is sorted whatever ``sorted`` says, as in torch; NaNs stay distinct."""
    if dim is None:
        r = apply(UNIQUE, (input,))
    else:
        r = apply(UNIQUE_DIM, (input,), (_wrap_dim(dim, input.ndim),))
    return _unique_result(r, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``torch.unique_consecutive``: collapse runs of equal consecutive values (or slices along ``dim``)."""
    d = None if dim is None else _wrap_dim(dim, input.ndim)
    return _unique_result(apply(UNIQUE_CONSECUTIVE, (input,), (d,)), return_inverse, return_counts)


# ----------------------------------------------------------------------------------------------------
# searchsorted / bucketize

def _binary_search(seq, vals, right):
    """torch's lower/upper bound, vectorised over all queries (one step per halving): the first position
    whose boundary is not < value (left) or not <= value (right), NaN comparisons included."""
    xp = _xp(seq)
    n = seq.shape[-1]
    if n == 0:
        return xp.zeros(vals.shape, np.int64)
    rows = seq.reshape(-1, n)
    q = vals.reshape(rows.shape[0], -1) if seq.ndim > 1 else vals.reshape(1, -1)
    row = xp.arange(rows.shape[0])[:, None]
    lo = xp.zeros(q.shape, np.int64)
    hi = xp.full(q.shape, n, np.int64)
    active = lo < hi
    while active.any():
        mid = (lo + hi) >> 1
        mv = rows[row, np.minimum(mid, n - 1)]
        up = ~(mv > q) if right else ~(mv >= q)
        lo = np.where(active & up, mid + 1, lo)
        hi = np.where(active & ~up, mid, hi)
        active = lo < hi
    return lo.reshape(vals.shape)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None):
    """``torch.searchsorted``: insertion points of ``input`` into the innermost dim of ``sorted_sequence``
    (1-d, or matching ``input``'s leading dims); ``sorter`` gives the order of an unsorted sequence."""
    seq = sorted_sequence._data
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    vals = _xp(seq).asarray(input) if scalar else input._data
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}")
    if sorter is not None:
        if sorter._data.dtype != np.int64:
            raise RuntimeError("torch.searchsorted(): sorter must be a tensor of long dtype, but got "
                               f"{sorter.dtype}")
        if sorter._data.shape != seq.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got "
                               f"boundary tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        seq = np.take_along_axis(seq, sorter._data, -1)
    common = result_dtype(sorted_sequence, input).np
    r = _binary_search(seq.astype(common, copy=False), vals.astype(common, copy=False), right)
    r = _wrap(r.astype(np.int32 if out_int32 else np.int64, copy=False))
    return r if out is None else write_out(r, out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """``torch.bucketize``: the bucket of each value given 1-d ``boundaries`` (searchsorted with the
    arguments swapped)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# ----------------------------------------------------------------------------------------------------
# histc / bincount

def _histc_range(a, lo, hi):
    """torch's histc_select_outer_bin_edges."""
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        if a.dtype in (np.float32, np.float64):
            t = a.dtype.type
            lo = min(float(np.nextafter(t(lo), t(-np.inf))), lo - 1.0)
            hi = max(float(np.nextafter(t(hi), t(np.inf))), hi + 1.0)
        else:
            lo, hi = lo - 1.0, hi + 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return lo, hi


def histc(input, bins=100, min=0, max=0, *, out=None):
    """``torch.histc``: ``bins`` equal-width bins over [min, max] (the data range when equal); values
    outside are ignored, the last bin includes its right edge; bins computed as torch's kernel does."""
    a = input._data
    if not _is_float(a.dtype):
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_cname(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = _histc_range(a, float(min), float(max))
    t = a.dtype.type
    left, right = t(lo), t(hi)
    flat = a.reshape(-1)
    x = flat[(flat >= left) & (flat <= right)]
    pos = ((x - left) * t(bins) / (right - left)).astype(np.int64)
    pos[pos == bins] = bins - 1
    r = _wrap(np.bincount(pos, minlength=bins).astype(a.dtype))
    return r if out is None else write_out(r, out)


def bincount(input, weights=None, minlength=0):
    """``torch.bincount`` of a 1-d non-negative integer tensor; weighted counts are float32 for float32
    weights and float64 otherwise."""
    a = input._data
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_cname(a.dtype)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.ndim == 1 and a.size == 0:
        return _wrap(_xp(a).zeros(minlength, np.int64))
    if a.ndim != 1 or a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != a.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    rdt = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(rdt))


_METHODS = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "quantile",
            "nanquantile", "unique", "unique_consecutive", "histc", "bincount"]


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])


_bind()
