"""Lookup tables: ``embedding``, ``embedding_renorm_`` and ``embedding_bag``.

``embedding`` gathers rows; its gradient scatter-adds the output gradient into a (num_weights, dim)
table as torch's ``embedding_dense_backward`` does: rows at ``padding_idx`` get nothing, and with
``scale_grad_by_freq`` each contribution is divided by how often its index occurs.  The gather and the
scatter (with those coefficients) are adjoint primitives, so the backward differentiates again.

``embedding_bag`` reduces the rows of each bag (sum, mean or max; entries equal to ``padding_idx`` are
skipped and not counted), optionally weighting each entry (``per_sample_weights``, sum mode).  Its
derivative is written in ember ops (index_select / index_add), so it is differentiable again as well.
"""
import numpy as np

from .._prim import Primitive, apply
from .._device import xp_of as _xp
from .._tensor import _wrap
from ..autograd.grad_mode import is_grad_enabled


def _coefficients(flat, num, padding_idx, scale):
    """Per-index factor of the dense backward (0 at padding_idx, 1/count with scale_grad_by_freq), or None."""
    if padding_idx < 0 and not scale:
        return None
    coef = _xp(flat).ones(flat.shape, np.float64)
    if scale:
        coef /= np.bincount(flat, minlength=num)[flat]
    if padding_idx >= 0:
        coef[flat == padding_idx] = 0
    return coef


def _scatter_rows(g, flat, coef, num):
    d = g.shape[-1]
    gf = g.reshape(-1, d).astype(np.float64)
    if coef is not None:
        gf = gf * coef[:, None]
    xp = _xp(g)
    target = (flat * d)[:, None] + xp.arange(d)
    return xp.bincount(target.ravel(), weights=gf.ravel(), minlength=num * d).reshape(num, d).astype(g.dtype)


def _gather_rows(w, flat, coef, num, shape):
    rows = np.take(w, flat, axis=0)
    if coef is not None:
        rows = rows * coef[:, None].astype(rows.dtype)
    return rows.reshape(shape + (w.shape[-1],))


_SCATTER = Primitive("EmbeddingDenseBackwardBackward0", lambda g, flat, coef, num, shape: _scatter_rows(g, flat, coef, num),
                     lambda c, gg: (apply(_GATHER, (gg,), c.args),))
_GATHER = Primitive("EmbeddingDenseBackwardBackward0", _gather_rows, lambda c, g: (apply(_SCATTER, (g,), c.args),))


def _embedding_fwd(w, flat, coef, num, shape):
    return np.take(w, flat, axis=0).reshape(shape + (w.shape[-1],))


_EMBEDDING = Primitive("EmbeddingBackward0", _embedding_fwd, lambda c, g: (apply(_SCATTER, (g,), c.args),))


def _check_indices(indices, fname):
    from .._errors import scalar_type_name
    from .._tensor import Tensor
    if not isinstance(indices, Tensor) or indices._data.dtype not in (np.int64, np.int32):
        name = scalar_type_name(indices.dtype) if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{name}Tensor instead (while checking arguments for {fname})")


def embedding_raw(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``torch.embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse)`` (ATen argument order)."""
    _check_indices(indices, "embedding")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if sparse and weight.requires_grad and is_grad_enabled():
        raise NotImplementedError("embedding with sparse=True: ember has no sparse tensors for the sparse gradient")
    num = weight.shape[0]
    flat = indices._data.reshape(-1).astype(np.int64)
    if flat.size and (int(flat.min()) < 0 or int(flat.max()) >= num):
        raise IndexError("index out of range in self")
    coef = _coefficients(flat, num, padding_idx, scale_grad_by_freq)
    return apply(_EMBEDDING, (weight,), (flat, coef, num, tuple(indices.shape)))


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """``torch.embedding_renorm_``: rows of ``weight`` named in ``indices`` whose ``norm_type``-norm exceeds
    ``max_norm`` are scaled (in place, without autograd) by ``max_norm / (norm + 1e-7)``."""
    _check_indices(indices, "embedding_renorm_")
    w = weight._data
    rows = np.unique(indices._data.reshape(-1))
    if rows.size == 0:
        return weight
    if rows.min() < 0 or rows.max() >= w.shape[0]:
        raise IndexError("index out of range in self")
    norms = np.linalg.norm(w[rows], ord=float(norm_type), axis=1).astype(np.float64)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] *= scale[:, None]
        weight._bump()
    return weight


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """``torch.nn.functional.embedding``: ``padding_idx`` may be negative; ``max_norm`` renormalises the
    looked-up rows of ``weight`` in place first."""
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.shape[0] + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        embedding_renorm_(weight, input, max_norm, norm_type)
    return embedding_raw(weight, input, padding_idx, scale_grad_by_freq, sparse)


# ----------------------------------------------------------------------------------------------------
# embedding_bag

def _bag_fwd(weight, psw, flat, bag, coef, nbags, mode, arg, grad_coef, pos):
    d = weight.shape[1]
    xp = _xp(weight)
    if mode == 2:
        out = xp.zeros((nbags, d), weight.dtype)
        if arg is not None:
            rows, keep = arg
            out[keep] = weight[rows, xp.arange(d)]
        return out
    vals = xp.take(weight, flat, axis=0).astype(np.float64) * coef[:, None]
    if psw is not None:
        vals = vals * psw[pos][:, None]
    target = (bag * d)[:, None] + xp.arange(d)
    return xp.bincount(target.ravel(), weights=vals.ravel(), minlength=nbags * d).reshape(nbags, d).astype(weight.dtype)


def _bag_grad(ctx, g):
    weight, psw = ctx.saved
    flat, bag, coef, nbags, mode, arg, grad_coef, pos = ctx.args
    num, d = weight.shape
    gw = gp = None
    if mode == 2:
        if ctx.next_functions[0][0] is not None and arg is not None:
            rows, keep = arg
            target = _wrap((rows * d + _xp(rows).arange(d)).reshape(-1))
            gsel = g.index_select(0, _wrap(np.flatnonzero(keep))).reshape(-1)
            gw = g.new_zeros((num * d,)).index_add(0, target, gsel).reshape(num, d)
        elif ctx.next_functions[0][0] is not None:
            gw = g.new_zeros((num, d))
        return gw, None
    fi, bi, pi = _wrap(flat), _wrap(bag), _wrap(pos)
    rows_g = g.index_select(0, bi)
    if ctx.next_functions[0][0] is not None:
        contrib = rows_g * _wrap((coef * grad_coef).astype(g._data.dtype)).unsqueeze(1)
        if psw is not None:
            contrib = contrib * psw.index_select(0, pi).unsqueeze(1)
        gw = g.new_zeros((num, d)).index_add(0, fi, contrib)
    if psw is not None and ctx.next_functions[1][0] is not None:
        gp = psw.new_zeros(psw.shape).index_add(0, pi, (rows_g * weight.index_select(0, fi)).sum(1))
    return gw, gp


_BAG = Primitive("EmbeddingBagBackward0", _bag_fwd, _bag_grad, save_inputs=True)
_MODES = {"sum": 0, "mean": 1, "max": 2}


def _bag_of(offsets, n, nbags):
    """Bag number of each input position (the last bag runs to the end; -1 before the first offset)."""
    xp = _xp(offsets)
    return xp.searchsorted(offsets[:nbags], xp.arange(n), side="right") - 1


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``torch.nn.functional.embedding_bag``: 1-D ``input`` with ``offsets`` (bag starts; with
    ``include_last_offset`` the last entry ends the last bag), or 2-D ``input`` with one bag per row."""
    from .._tensor import Tensor
    if isinstance(weight, Tensor) and weight._data.dtype == np.int64 and input.is_floating_point():
        import warnings
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, "
                      "...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must "
                         f"have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed "
                             f"length sequences. However, found offsets of type {type(offsets)}")
        rows, length = input.shape
        offs = _xp(input._data).arange(0, rows * length, max(length, 1), dtype=np.int64)[:rows]
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        _check_indices(offsets, "embedding_bag")
        offs = offsets._data.astype(np.int64)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported "
                                  f"for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.")
    _check_indices(input, "embedding_bag")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type torch.{_tname(weight)} does not equal "
                           f"torch.{_tname(per_sample_weights)} (while checking arguments for embedding_bag)")
    if sparse and weight.requires_grad and is_grad_enabled():
        raise NotImplementedError("embedding_bag with sparse=True: ember has no sparse tensors for the sparse gradient")
    return _embedding_bag(input, weight, offs, scale_grad_by_freq, _MODES[mode], per_sample_weights,
                          include_last_offset, padding_idx)


def _tname(t):
    from .._errors import scalar_type_name
    return scalar_type_name(t.dtype) + "Tensor"


def _embedding_bag(input, weight, offs, scale_grad_by_freq, mode, psw, include_last_offset, padding_idx):
    num, d = weight.shape
    if padding_idx is None:
        padding_idx = -1
    elif not -num <= padding_idx < num:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, {-num} through {num - 1}, but got "
                           f"{padding_idx}")
    elif padding_idx < 0:
        padding_idx += num
    idx = input._data.astype(np.int64)
    n = idx.size
    if offs.size and offs[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(offs[0])}")
    if offs.size and offs[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{int(offs[-1])}")
    if offs.size > 1 and (np.diff(offs) < 0).any():
        raise RuntimeError("offsets must be non-decreasing")
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise RuntimeError(f"Index {i} of input takes value {int(idx[i])} which is not in the valid range [0, {num})")
    nbags = max(offs.size - 1, 0) if include_last_offset else offs.size
    end = int(offs[-1]) if include_last_offset and offs.size else n
    if end < n:
        raise NotImplementedError("embedding_bag(include_last_offset=True) with offsets[-1] < len(input): torch's CPU "
                                  "kernels treat the input past offsets[-1] differently by mode (the sum skips it, the "
                                  "mean's bag size and the max include it); ember does not reproduce that")
    bag = _bag_of(offs, n, nbags)
    xp = _xp(idx)
    keep = (xp.arange(n) < end) & (bag >= 0) & (idx != padding_idx)
    pos = xp.flatnonzero(keep)
    flat, bag = idx[pos], bag[pos]
    counts = xp.bincount(bag, minlength=nbags)
    coef = xp.ones(flat.size)
    if mode == 1:
        coef = 1.0 / counts[bag]
    grad_coef = _freq_scale(idx, num)[flat] if scale_grad_by_freq and flat.size else xp.ones(flat.size)
    arg = None
    if mode == 2 and flat.size:
        arg = _bag_argmax(weight._data, flat, bag, counts)
    return apply(_BAG, (weight, psw), (flat, bag, coef, nbags, mode, arg, grad_coef, pos))


def _freq_scale(idx, num):
    """Per weight row, the factor torch's CPU embedding_bag backward applies with ``scale_grad_by_freq``: the
    s-th distinct index (sorted) is divided by the count of the s-th entry of the sorted indices — the count of
    its own index only while every earlier index occurs once (ATen indexes the counts by segment number)."""
    counts = np.bincount(idx, minlength=num)
    rows = np.unique(idx)
    scale = _xp(idx).ones(num)
    scale[rows] = 1.0 / counts[np.sort(idx)[:rows.size]]
    return scale


def _bag_argmax(w, flat, bag, counts):
    """Per non-empty bag and column, the weight row holding the maximum (the first one on ties)."""
    xp = _xp(w)
    vals = w[flat]
    best = xp.full((counts.size, vals.shape[1]), -np.inf, vals.dtype)
    xp.maximum.at(best, bag, vals)  # rows of a bag are contiguous; ufunc.at works for NumPy and CuPy alike
    hit = vals == best[bag]
    pos = xp.where(hit, xp.arange(flat.size)[:, None], flat.size)
    first = xp.full(best.shape, flat.size, pos.dtype)
    xp.minimum.at(first, bag, pos)
    nonempty = counts > 0
    return flat[first[nonempty]], nonempty


__all__ = []
