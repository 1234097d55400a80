"""Recurrent kernels (torch's ``_VF.lstm`` / ``gru`` / ``rnn_tanh`` / ``rnn_relu`` and the ``*_cell`` ops).

One primitive runs a whole layer in one direction, input projection included: it projects every
step's input first, then loops over time for the recurrent matmul and the gate nonlinearities (one
NumPy pass per op per step, in place, into preallocated per-step blocks) and keeps the activated gates
and cell states.  Its derivative is backpropagation through time over those arrays, again one pass
per step; the gradients of the input, W_ih, W_hh and the biases are then single matmuls (sums) over
all steps.  When the backward itself is being recorded (``create_graph=True``) the layer is re-run
step by step in ember ops and differentiated instead, so higher derivatives are exact as well.

A sequence batch is described as torch's packed layout: ``sizes[t]`` rows are active at step t and
occupy rows ``offs[t]:offs[t] + sizes[t]`` of the 2-D input (a padded (T, B, *) input is the case
``sizes = (B,) * T``).  Sizes never grow with t, so the active rows are always a prefix; a row keeps
its hidden state while inactive, which makes the final state of each sequence the one of its own last
step (and, running in reverse, makes each sequence start from its initial state), as torch's packed
kernels do.  Gate order is torch's: LSTM (i, f, g, o), GRU (r, z, n) with
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``.
"""
import numpy as np

from .. import _dtype as D
from .._device import xp_of
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import _wrap
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import raise_modified

__all__ = ["lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]

_REDUCED = (np.dtype(np.float16), D.bfloat16.np)


def _work(*arrays):
    """The arrays in the dtype the kernel computes in (float16/bfloat16 in float32, as torch's opmath)."""
    dt = arrays[0].dtype
    if dt not in _REDUCED:
        return arrays
    return tuple(None if a is None else a.astype(np.float32) for a in arrays)


def _empty(like, shape):
    """An uninitialised C-ordered array of ``shape`` with ``like``'s dtype, on its device."""
    return np.empty_like(like, shape=shape, order="C")


def _steps(n, reverse):
    return range(n - 1, -1, -1) if reverse else range(n)


def _blocks(like, f, sizes, offs):
    """One buffer of per-step (f, sizes[t]) blocks, each contiguous: the list of the blocks."""
    buf = _empty(like, (sum(sizes) * f,))
    return [buf[o * f:(o + b) * f].reshape(f, b) for o, b in zip(offs, sizes)]


def _scratch(buf, f, b):
    """A contiguous (f, b) view at the start of ``buf``."""
    return buf[:f * b].reshape(f, b)


def _prev(blocks, init, t, reverse):
    """The states step t starts from, (f, sizes[t]): the previous step's block (its leading columns, the
    rows still active) or ``init`` for rows that start at step t."""
    s = t + 1 if reverse else t - 1
    bs = blocks[t].shape[1]
    if s < 0 or s == len(blocks):
        return init[:, :bs]
    p = blocks[s]
    pb = p.shape[1]
    if pb >= bs:
        return p if pb == bs else p[:, :bs]
    return np.concatenate((p, init[:, pb:bs]), axis=1)


def _final(blocks, sizes, reverse):
    """(B, f) final states: each row's state after the last step it is active in."""
    if reverse:
        return blocks[0].T.copy()
    out = _empty(blocks[0], (sizes[0], blocks[0].shape[0]))
    for t, b in enumerate(sizes):
        nxt = sizes[t + 1] if t + 1 < len(sizes) else 0
        if b > nxt:
            out[nxt:b] = blocks[t][:, nxt:b].T
    return out


def _project(x, w, sizes, offs):
    """The input projection w @ x_t^T of every step, as per-step (gates, sizes[t]) blocks."""
    blocks = _blocks(x, w.shape[0], sizes, offs)
    for o, b, blk in zip(offs, sizes, blocks):
        np.matmul(w, x[o:o + b].T, out=blk)
    return blocks


def _times_prev(d, out, h0, sizes, offs, reverse):
    """``sum_t d_t @ h_{t-1}``: the (gates, N) gradients ``d`` times the (N, P) hidden states each step
    started from (the output rows one step back, or h0), one matmul (two for equal batch sizes, where
    those states are h0 and a slice of ``out``)."""
    n, b = out.shape[0], sizes[0]
    if sizes[-1] == b:
        first, rest = (slice(n - b, n), slice(0, n - b)) if reverse else (slice(0, b), slice(b, n))
        r = d[:, rest] @ (out[b:] if reverse else out[:n - b])
        r += d[:, first] @ h0
        return r
    hb = _row_blocks(out, sizes, offs)
    hp = _empty(out, out.shape)
    for t, (o, bs) in enumerate(zip(offs, sizes)):
        hp[o:o + bs] = _prev(hb, h0.T, t, reverse).T
    return d @ hp


def _row_blocks(out, sizes, offs):
    """(P, sizes[t]) views of the (N, P) output's row blocks: the hidden states, feature-major."""
    return [out[o:o + b].T for o, b in zip(offs, sizes)]


# ----------------------------------------------------------------------------------------------------
# Layout.  Per step, the gates and states are kept feature-major, (features, batch) blocks: the
# matmuls W @ h write a contiguous block (BLAS is fastest that way round for a small batch) and each
# gate is a contiguous run of rows.  The derivative gathers the gates' gradients of all steps into one
# (gates, N) array, whose products with the (N, *) inputs and previous states are the weight gradients.
# The (N, P) output rows, transposed, double as the hidden-state blocks.

def _lstm_order(a, hs):
    """Gate rows (i, f, g, o) -> (i, f, o, g), the sigmoid gates' rows negated: the three sigmoids are one
    contiguous run computed as 1 / (1 + exp(u)) with u = -z."""
    r = np.concatenate((a[:2 * hs], a[3 * hs:], a[2 * hs:3 * hs]))
    np.negative(r[:3 * hs], out=r[:3 * hs])
    return r


def _negated(a, k):
    """A copy of ``a`` with its first ``k`` rows negated (the GRU's r and z gates)."""
    r = a.copy()
    np.negative(r[:k], out=r[:k])
    return r


def _bias_cols(b, width):
    """The (features, 1) bias ``b`` repeated over ``width`` batch columns: a per-step add against a
    contiguous block of the same shape is several times faster than one against a broadcast column."""
    return np.repeat(b, width, axis=1)


def _sigmoid_of_neg_(a):
    """``a = 1 / (1 + exp(a))``, the sigmoid of -a, in place (exp overflow gives exactly 0, as torch)."""
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


# ----------------------------------------------------------------------------------------------------
# LSTM: inputs (x (N, I), w_ih (4H, I), w_hh (4H, P), b_ih, b_hh (4H,) or None, h0 (B, P), c0 (B, H),
# w_hr (P, H) or None)

def _lstm_fwd(x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr, sizes, offs, reverse, keep):
    dt = x.dtype
    x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr = _work(x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr)
    hs = w_hh.shape[0] // 4
    h2, h3 = 2 * hs, 3 * hs
    wh = _lstm_order(w_hh, hs)
    bias = None if b_ih is None else _bias_cols(_lstm_order(b_ih + b_hh, hs)[:, None], sizes[0])
    out = _empty(x, (x.shape[0], w_hh.shape[1]))
    hb = _row_blocks(out, sizes, offs)
    gates = _project(x, _lstm_order(w_ih, hs), sizes, offs)   # activated in place, order (i, f, o, g)
    cs = _blocks(x, hs, sizes, offs)
    tcs = _blocks(x, hs, sizes, offs)
    ms = None if w_hr is None else _empty(x, (x.shape[0], hs))   # o * tanh(c), rows
    whr_t = None if w_hr is None else w_hr.T
    tmp = _empty(x, (4 * hs * sizes[0],))
    h0t, c0t = h0.T, c0.T
    with np.errstate(over="ignore"):
        for t in _steps(len(sizes), reverse):
            o = offs[t]
            bs = sizes[t]
            g = gates[t]
            gh = _scratch(tmp, 4 * hs, bs)
            np.matmul(wh, _prev(hb, h0t, t, reverse), out=gh)
            g += gh
            if bias is not None:
                g += bias[:, :bs]
            _sigmoid_of_neg_(g[:h3])
            np.tanh(g[h3:], out=g[h3:])
            c = cs[t]
            np.multiply(g[hs:h2], _prev(cs, c0t, t, reverse), out=c)
            ig = _scratch(tmp, hs, bs)
            np.multiply(g[:hs], g[h3:], out=ig)
            c += ig
            tc = tcs[t]
            np.tanh(c, out=tc)
            if ms is None:
                np.multiply(g[h2:h3], tc, out=hb[t])
            else:
                np.multiply(g[h2:h3], tc, out=ms[o:o + bs].T)
                np.matmul(ms[o:o + bs], whr_t, out=out[o:o + bs])
    h, c = _final(hb, sizes, reverse), _final(cs, sizes, reverse)
    keep[:] = (out, gates, cs, tcs, ms)
    if dt in _REDUCED:
        return out.astype(dt), h.astype(dt), c.astype(dt)
    return out, h, c


def _lstm_bwd_arrays(ctx, gout, gh, gc):
    x, w_ih, w_hh, _, _, h0, c0, w_hr = (None if v is None else v._data for v in ctx.saved)
    x, w_ih, w_hh, h0, c0, w_hr = _work(x, w_ih, w_hh, h0, c0, w_hr)
    sizes, offs, reverse = ctx.args[:3]
    out, gates, cs, tcs, ms = _kept(ctx, 3)
    hs = w_hh.shape[0] // 4
    h2, h3 = 2 * hs, 3 * hs
    b = sizes[0]
    dh = gh._data.T.astype(out.dtype, order="C")
    dc = gc._data.T.astype(out.dtype, order="C")
    go = gout._data
    whh_t = xp_of(w_hh).ascontiguousarray(w_hh.T)
    c0t = c0.T
    dg = _empty(out, (4 * hs, out.shape[0]))  # gate pre-activation gradients (i, f, g, o), step t in columns
    dbuf = _empty(out, (4 * hs * b,))
    t1 = _empty(out, (hs * b,))
    q = _empty(out, (h3 * b,))
    if w_hr is not None:
        whr_t = xp_of(w_hr).ascontiguousarray(w_hr.T)
        dm_buf = _empty(out, (hs * b,))
        dh_rows = _empty(out, out.shape)
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        dht = dh[:, :bs]
        dct = dc[:, :bs]
        dht += go[o:o + bs].T
        if w_hr is not None:
            dh_rows[o:o + bs] = dht.T
            dm = _scratch(dm_buf, hs, bs)
            np.matmul(whr_t, dht, out=dm)
        else:
            dm = dht
        s = gates[t]
        tc = tcs[t]
        a = _scratch(t1, hs, bs)   # dc += dm * o * (1 - tanh(c)^2)
        np.multiply(tc, tc, out=a)
        np.subtract(1, a, out=a)
        a *= s[h2:h3]
        a *= dm
        dct += a
        sd = _scratch(q, h3, bs)   # sigmoid' of i, f, o
        np.subtract(1, s[:h3], out=sd)
        sd *= s[:h3]
        d = _scratch(dbuf, 4 * hs, bs)
        np.multiply(sd[:hs], s[h3:], out=d[:hs])
        np.multiply(sd[hs:h2], _prev(cs, c0t, t, reverse), out=d[hs:h2])
        d_if = d[:h2].reshape(2, hs, bs)
        np.multiply(d_if, dct, out=d_if)
        np.multiply(sd[h2:], tc, out=d[h3:])
        d[h3:] *= dm
        dgg = d[h2:h3]
        np.multiply(s[h3:], s[h3:], out=dgg)
        np.subtract(1, dgg, out=dgg)
        dgg *= s[:hs]
        dgg *= dct
        dct *= s[hs:h2]
        np.matmul(whh_t, d, out=dht)
        dg[:, o:o + bs] = d
    need = [e[0] is not None for e in ctx.next_functions]
    dx = dg.T @ w_ih if need[0] else None
    dw_ih = dg @ x if need[1] else None
    dw_hh = _times_prev(dg, out, h0, sizes, offs, reverse) if need[2] else None
    db = dg.sum(1) if need[3] or need[4] else None
    dw_hr = dh_rows.T @ ms if w_hr is not None and need[7] else None
    return dx, dw_ih, dw_hh, db, db, xp_of(dh).ascontiguousarray(dh.T), xp_of(dc).ascontiguousarray(dc.T), dw_hr


def _lstm_grad(ctx, gout, gh, gc):
    if is_grad_enabled():
        return _retraced_grad(ctx, "LSTM", (gout, gh, gc))
    return _wrap_needed(ctx, _lstm_bwd_arrays(ctx, gout, gh, gc))


# ----------------------------------------------------------------------------------------------------
# GRU: inputs (x (N, I), w_ih (3H, I), w_hh (3H, H), b_ih, b_hh (3H,) or None, h0 (B, H))

def _gru_fwd(x, w_ih, w_hh, b_ih, b_hh, h0, sizes, offs, reverse, keep):
    dt = x.dtype
    x, w_ih, w_hh, b_ih, b_hh, h0 = _work(x, w_ih, w_hh, b_ih, b_hh, h0)
    hs = w_hh.shape[0] // 3
    h2 = 2 * hs
    wh = _negated(w_hh, h2)   # r, z rows negated (see _sigmoid_of_neg_)
    if b_ih is not None:
        b_rz = _bias_cols(np.negative(b_ih[:h2] + b_hh[:h2])[:, None], sizes[0])
        b_in, b_hn = _bias_cols(b_ih[h2:, None], sizes[0]), _bias_cols(b_hh[h2:, None], sizes[0])
    out = _empty(x, (x.shape[0], hs))
    hb = _row_blocks(out, sizes, offs)
    gates = _project(x, _negated(w_ih, h2), sizes, offs)   # activated in place: r, z, n
    ghn = _blocks(x, hs, sizes, offs)                      # W_hn h + b_hn
    tmp = _empty(x, (3 * hs * sizes[0],))
    h0t = h0.T
    with np.errstate(over="ignore"):
        for t in _steps(len(sizes), reverse):
            bs = sizes[t]
            hp = _prev(hb, h0t, t, reverse)
            gh = _scratch(tmp, 3 * hs, bs)
            np.matmul(wh, hp, out=gh)
            g = gates[t]
            rz = g[:h2]
            rz += gh[:h2]
            if b_ih is not None:
                rz += b_rz[:, :bs]
            _sigmoid_of_neg_(rz)
            hn = ghn[t]
            if b_ih is not None:
                np.add(gh[h2:], b_hn[:, :bs], out=hn)
            else:
                hn[...] = gh[h2:]
            n = g[h2:]
            if b_ih is not None:
                n += b_in[:, :bs]
            rhn = gh[h2:]
            np.multiply(g[:hs], hn, out=rhn)
            n += rhn
            np.tanh(n, out=n)
            h = hb[t]
            np.subtract(hp, n, out=h)
            h *= g[hs:h2]
            h += n
    h = _final(hb, sizes, reverse)
    keep[:] = (out, gates, ghn)
    # the output handed out is a copy: torch's GRU saves no output, so changing it in place is allowed
    if dt in _REDUCED:
        return out.astype(dt), h.astype(dt)
    return out.copy(), h


def _gru_bwd_arrays(ctx, gout, gh):
    x, w_ih, w_hh, _, _, h0 = (None if v is None else v._data for v in ctx.saved)
    x, w_ih, w_hh, h0 = _work(x, w_ih, w_hh, h0)
    sizes, offs, reverse = ctx.args[:3]
    out, gates, ghn = ctx._out[2:]
    hs = w_hh.shape[0] // 3
    h2, h3 = 2 * hs, 3 * hs
    dh = gh._data.T.astype(out.dtype, order="C")
    go = gout._data
    whh_t = xp_of(w_hh).ascontiguousarray(w_hh.T)
    hb = _row_blocks(out, sizes, offs)
    h0t = h0.T
    # per step rows: d r, d z (pre-activations), r * d n_pre (the hidden side of n), d n_pre (input side);
    # over all steps, in columns: the input side (r, z, n) and the hidden side of n
    n_all = out.shape[0]
    di = _empty(out, (h3, n_all))
    dhn = _empty(out, (hs, n_all))
    dbuf = _empty(out, (4 * hs * sizes[0],))
    t1 = _empty(out, (hs * sizes[0],))
    t2 = _empty(out, (hs * sizes[0],))
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        dht = dh[:, :bs]
        dht += go[o:o + bs].T
        g = gates[t]
        r, z, n = g[:hs], g[hs:h2], g[h2:]
        d = _scratch(dbuf, 4 * hs, bs)
        dn = d[h3:]
        np.multiply(n, n, out=dn)
        np.subtract(1, dn, out=dn)
        dn *= dht
        omz = _scratch(t1, hs, bs)
        np.subtract(1, z, out=omz)
        dn *= omz
        np.multiply(dn, r, out=d[h2:h3])
        dr = d[:hs]
        np.subtract(1, r, out=dr)
        dr *= r
        dr *= dn
        dr *= ghn[t]
        dz = d[hs:h2]
        np.subtract(_prev(hb, h0t, t, reverse), n, out=dz)
        dz *= dht
        dz *= omz
        dz *= z
        dht *= z
        back = _scratch(t2, hs, bs)
        np.matmul(whh_t, d[:h3], out=back)
        dht += back
        di[:h2, o:o + bs] = d[:h2]
        di[h2:, o:o + bs] = d[h3:]
        dhn[:, o:o + bs] = d[h2:h3]
    need = [e[0] is not None for e in ctx.next_functions]
    dx = di.T @ w_ih if need[0] else None
    dw_ih = di @ x if need[1] else None
    db_ih = db_hh = dw_hh = None
    if need[2]:
        dw_hh = np.concatenate((_times_prev(di[:h2], out, h0, sizes, offs, reverse),
                                _times_prev(dhn, out, h0, sizes, offs, reverse)))
    if need[3] or need[4]:
        db_ih = di.sum(1)
        if need[4]:
            db_hh = np.concatenate((db_ih[:h2], dhn.sum(1)))
    return dx, dw_ih, dw_hh, db_ih, db_hh, xp_of(dh).ascontiguousarray(dh.T)


def _gru_grad(ctx, gout, gh):
    if is_grad_enabled():
        return _retraced_grad(ctx, "GRU", (gout, gh))
    return _wrap_needed(ctx, _gru_bwd_arrays(ctx, gout, gh))


# ----------------------------------------------------------------------------------------------------
# Elman RNN: inputs (x (N, I), w_ih (H, I), w_hh (H, H), b_ih, b_hh (H,) or None, h0 (B, H)); args add
# the nonlinearity

def _rnn_fwd(x, w_ih, w_hh, b_ih, b_hh, h0, sizes, offs, reverse, relu, keep):
    dt = x.dtype
    x, w_ih, w_hh, b_ih, b_hh, h0 = _work(x, w_ih, w_hh, b_ih, b_hh, h0)
    hs = w_hh.shape[0]
    pres = _project(x, w_ih, sizes, offs)
    bias = None if b_ih is None else _bias_cols((b_ih + b_hh)[:, None], sizes[0])
    out = _empty(x, (x.shape[0], hs))
    hb = _row_blocks(out, sizes, offs)
    tmp = _empty(x, (hs * sizes[0],))
    h0t = h0.T
    for t in _steps(len(sizes), reverse):
        bs = sizes[t]
        pre = pres[t]
        rec = _scratch(tmp, hs, bs)
        np.matmul(w_hh, _prev(hb, h0t, t, reverse), out=rec)
        pre += rec
        if bias is not None:
            pre += bias[:, :bs]
        if relu:
            np.maximum(pre, 0, out=hb[t])
        else:
            np.tanh(pre, out=hb[t])
    h = _final(hb, sizes, reverse)
    keep[:] = (out,)
    if dt in _REDUCED:
        return out.astype(dt), h.astype(dt)
    return out.copy(), h   # as for the GRU: the output may be changed in place


def _rnn_bwd_arrays(ctx, gout, gh):
    x, w_ih, w_hh, _, _, h0 = (None if v is None else v._data for v in ctx.saved)
    x, w_ih, w_hh, h0 = _work(x, w_ih, w_hh, h0)
    sizes, offs, reverse, relu = ctx.args[:4]
    out = ctx._out[2]
    dh = gh._data.T.astype(out.dtype, order="C")
    go = gout._data
    whh_t = xp_of(w_hh).ascontiguousarray(w_hh.T)
    hb = _row_blocks(out, sizes, offs)
    dg = _empty(out, (w_hh.shape[0], out.shape[0]))
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        dht = dh[:, :bs]
        dht += go[o:o + bs].T
        d = dg[:, o:o + bs]
        h = hb[t]
        if relu:
            np.multiply(dht, h > 0, out=d)
        else:
            np.multiply(h, h, out=d)
            np.subtract(1, d, out=d)
            d *= dht
        np.matmul(whh_t, d, out=dht)
    need = [e[0] is not None for e in ctx.next_functions]
    dx = dg.T @ w_ih if need[0] else None
    dw_ih = dg @ x if need[1] else None
    dw_hh = _times_prev(dg, out, h0, sizes, offs, reverse) if need[2] else None
    db = dg.sum(1) if need[3] or need[4] else None
    return dx, dw_ih, dw_hh, db, db, xp_of(dh).ascontiguousarray(dh.T)


def _rnn_grad(ctx, gout, gh):
    if is_grad_enabled():
        return _retraced_grad(ctx, "RNN_RELU" if ctx.args[3] else "RNN_TANH", (gout, gh))
    return _wrap_needed(ctx, _rnn_bwd_arrays(ctx, gout, gh))


# The forwards put their intermediate arrays (activated gates, cell states, ...) in the ``keep`` list
# passed as the last argument; ``_keep_for_backward`` appends them to the node's saved outputs, so
# ``ctx._out`` holds (outputs..., intermediates...) and they are freed with the node's saved state.
_LSTM = Primitive("LstmLayerBackward0", _lstm_fwd, _lstm_grad, save_inputs=True, save_output=True, nout=3)
_GRU = Primitive("GruLayerBackward0", _gru_fwd, _gru_grad, save_inputs=True, save_output=True, nout=2)
_RNN = Primitive("RnnLayerBackward0", _rnn_fwd, _rnn_grad, save_inputs=True, save_output=True, nout=2)


def _keep_for_backward(result, keep):
    node = result._grad_fn
    if node is not None:
        node._out = tuple(node._out) + tuple(keep)
    keep.clear()


def _kept(ctx, k):
    """The forward's intermediates (after its ``k`` outputs), once the saved output is checked unmodified
    (the LSTM's derivative reads it; torch's LSTM saves its output too and raises the same error)."""
    ver = ctx._out_ver
    if ver[0][0] != ver[1]:
        raise_modified(ctx._out[0], ver[0], ver[1], ctx.name(), 0)
    return ctx._out[k:]


def _wrap_needed(ctx, grads):
    """Tensors for the inputs that want a gradient, None for the others."""
    return tuple(_wrap(g) if g is not None and ctx.next_functions[i][0] is not None else None
                 for i, g in enumerate(grads))


def _retraced_grad(ctx, mode, grads):
    """The derivative while it is being recorded: re-run the layer in ember ops and differentiate."""
    from ..autograd import grad as autograd_grad
    inputs = ctx.saved
    sizes, offs, reverse = ctx.args[:3]
    outs = _layer_ops(mode, *inputs, *([None, None] if mode != "LSTM" else []), sizes, offs, reverse)
    pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
    want = [i for i in range(len(inputs)) if ctx.next_functions[i][0] is not None]
    res = autograd_grad([o for o, _ in pairs], [inputs[i] for i in want], [g for _, g in pairs],
                        create_graph=True, allow_unused=True)
    full = [None] * len(inputs)
    for i, r in zip(want, res):
        full[i] = r
    return tuple(full)


def _layer_ops(mode, x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr, sizes, offs, reverse):
    """The same layer composed of ember ops (differentiable any number of times)."""
    from ..nn.functional import linear
    if b_ih is None:
        xp = linear(x, w_ih)
    else:
        xp = linear(x, w_ih, b_ih if mode == "GRU" else b_ih + b_hh)
    h, c = h0, c0
    outs = [None] * len(sizes)
    whh_t = w_hh.t()
    for t in _steps(len(sizes), reverse):
        o = offs[t]
        bs = sizes[t]
        xt = xp[o:o + bs]
        hp = h[:bs]
        if mode == "LSTM":
            i, f, g, og = (xt + hp.matmul(whh_t)).chunk(4, 1)
            cn = f.sigmoid() * c[:bs] + i.sigmoid() * g.tanh()
            hn = og.sigmoid() * cn.tanh()
            if w_hr is not None:
                hn = hn.matmul(w_hr.t())
            c = cn if bs == c.shape[0] else _cat((cn, c[bs:]))
        elif mode == "GRU":
            gh = hp.matmul(whh_t)
            if b_hh is not None:
                gh = gh + b_hh
            xr, xz, xn = xt.chunk(3, 1)
            hr, hz, hn_ = gh.chunk(3, 1)
            r = (xr + hr).sigmoid()
            z = (xz + hz).sigmoid()
            nn = (xn + r * hn_).tanh()
            hn = (hp - nn) * z + nn
        else:
            pre = xt + hp.matmul(whh_t)
            hn = pre.relu() if mode == "RNN_RELU" else pre.tanh()
        h = hn if bs == h.shape[0] else _cat((hn, h[bs:]))
        outs[t] = hn
    out = _cat(outs)
    return (out, h, c) if mode == "LSTM" else (out, h)


def _cat(ts):
    from .joining import cat
    return cat(ts, 0)


# ----------------------------------------------------------------------------------------------------
# layer and stack drivers

def _offsets(sizes):
    offs = []
    s = 0
    for b in sizes:
        offs.append(s)
        s += b
    return tuple(offs)


def rnn_layer(mode, x, w_ih, w_hh, b_ih, b_hh, hx, cx, w_hr, sizes, offs, reverse):
    """One layer in one direction over the (N, input_size) rows ``x``.

    Returns ``(output (N, P), h_n (B, P), c_n (B, H) or None)``.
    """
    keep = []
    if mode == "LSTM":
        r = apply(_LSTM, (x, w_ih, w_hh, b_ih, b_hh, hx, cx, w_hr), (sizes, offs, reverse, keep))
    elif mode == "GRU":
        r = apply(_GRU, (x, w_ih, w_hh, b_ih, b_hh, hx), (sizes, offs, reverse, keep))
    else:
        r = apply(_RNN, (x, w_ih, w_hh, b_ih, b_hh, hx), (sizes, offs, reverse, mode == "RNN_RELU", keep))
    _keep_for_backward(r[0], keep)
    return r[0], r[1], (r[2] if mode == "LSTM" else None)


def _run_stack(mode, data, sizes, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional):
    """torch's ``apply_layer_stack``: the layers in turn, both directions of a layer on the same input,
    dropout (drawn like torch's ``at::dropout``) between layers in training."""
    from ..nn.functional import dropout as _dropout
    from .joining import cat, stack
    nd = 2 if bidirectional else 1
    proj = cx is not None and hx.shape[-1] != cx.shape[-1]
    per = (4 if has_biases else 2) + (1 if proj else 0)
    if len(params) != per * num_layers * nd:
        raise RuntimeError(f"expected {per * num_layers * nd} parameters, got {len(params)}")
    offs = _offsets(sizes)
    layer_in = data
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(nd):
            k = layer * nd + d
            w = params[k * per:(k + 1) * per]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            out, h, c = rnn_layer(mode, layer_in, w[0], w[1], b_ih, b_hh, hx[k], None if cx is None else cx[k],
                                  w[-1] if proj else None, sizes, offs, d == 1)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        layer_in = outs[0] if nd == 1 else cat(outs, 1)
        if dropout != 0 and train and layer < num_layers - 1:
            layer_in = _dropout(layer_in, dropout, True)
    return layer_in, stack(hs, 0), (stack(cs, 0) if cx is not None else None)


def _full(mode, args):
    """torch's two signatures: (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
    batch_first) for padded input, (data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
    bidirectional) for packed data."""
    if not isinstance(args[3], bool):
        data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional = args
        sizes = tuple(int(b) for b in batch_sizes.tolist())
        packed = True
    else:
        input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first = args
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        x = input.transpose(0, 1) if batch_first else input
        t, b = x.shape[0], x.shape[1]
        if t == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        data = x.reshape(t * b, x.shape[2])
        sizes = (b,) * t
        packed = False
    if mode == "LSTM":
        h0, c0 = hx
    else:
        h0, c0 = hx, None
    out, h, c = _run_stack(mode, data, sizes, h0, c0, list(params), has_biases, num_layers, dropout, train,
                           bidirectional)
    if not packed:
        out = out.reshape(t, b, out.shape[1])
        if batch_first:
            out = out.transpose(0, 1)
    return (out, h, c) if mode == "LSTM" else (out, h)


def lstm(*args):
    """``torch.lstm``: (output, h_n, c_n) of a multi-layer LSTM (padded or packed signature)."""
    if _amp.active:
        return _amp.run("lstm", lstm, *args)
    return _full("LSTM", args)


def gru(*args):
    """``torch.gru``: (output, h_n) of a multi-layer GRU (padded or packed signature)."""
    if _amp.active:
        return _amp.run("gru", gru, *args)
    return _full("GRU", args)


def rnn_tanh(*args):
    """``torch.rnn_tanh``: (output, h_n) of a multi-layer Elman RNN with tanh."""
    if _amp.active:
        return _amp.run("rnn_tanh", rnn_tanh, *args)
    return _full("RNN_TANH", args)


def rnn_relu(*args):
    """``torch.rnn_relu``: (output, h_n) of a multi-layer Elman RNN with ReLU."""
    if _amp.active:
        return _amp.run("rnn_relu", rnn_relu, *args)
    return _full("RNN_RELU", args)


# ----------------------------------------------------------------------------------------------------
# cells: one step of the layer kernel over a (B, *) batch

def _check_cell(input, hiddens, w_ih, w_hh):
    """torch's ``check_rnn_cell_forward_input`` / ``_hidden`` checks, with its messages."""
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    for i, h in enumerate(hiddens):
        if input.shape[0] != h.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size {h.shape[0]}")
        if h.shape[1] != w_hh.shape[1]:
            raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected {w_hh.shape[1]}")


def _cell(mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh):
    _, h, c = rnn_layer(mode, input, w_ih, w_hh, b_ih, b_hh, hx, cx, None, (input.shape[0],), (0,), False)
    return h, c


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.lstm_cell``: one LSTM step, returns (h', c')."""
    if _amp.active:
        return _amp.run("lstm_cell", lstm_cell, input, hx, w_ih, w_hh, b_ih, b_hh)
    h0, c0 = hx
    _check_cell(input, (h0, c0), w_ih, w_hh)
    return _cell("LSTM", input, h0, c0, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.gru_cell``: one GRU step, returns h'."""
    if _amp.active:
        return _amp.run("gru_cell", gru_cell, input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell(input, (hx,), w_ih, w_hh)
    return _cell("GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.rnn_tanh_cell``: ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    if _amp.active:
        return _amp.run("rnn_tanh_cell", rnn_tanh_cell, input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell(input, (hx,), w_ih, w_hh)
    return _cell("RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.rnn_relu_cell``: ``relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    if _amp.active:
        return _amp.run("rnn_relu_cell", rnn_relu_cell, input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell(input, (hx,), w_ih, w_hh)
    return _cell("RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]
