"""Recurrent kernels (torch's ``_VF.lstm`` / ``gru`` / ``rnn_tanh`` / ``rnn_relu`` and the ``*_cell`` ops).

One primitive runs a whole layer in one direction.  The input projection of every time step is a
single ``linear`` done before it (so its gradients are single matmuls too); the primitive loops over
time only for the recurrent matmul and the gate nonlinearities, one NumPy pass per step, and keeps
the activated gates.  Its derivative is backpropagation through time over those arrays, again one
pass per step, with the recurrent weight's gradient a single matmul over all steps.  When the
backward itself is being recorded (``create_graph=True``) the layer is re-run step by step in ember
ops and differentiated instead, so higher derivatives are exact as well.

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
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import _wrap
from ..autograd.grad_mode import is_grad_enabled

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


def _sigmoid_(a):
    """``a = 1 / (1 + exp(-a))`` in place (torch's formula; exp overflow gives exactly 0)."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


def _steps(n, reverse):
    return range(n - 1, -1, -1) if reverse else range(n)


# ----------------------------------------------------------------------------------------------------
# LSTM: inputs (xproj (N, 4H) with both biases, h0 (B, P), c0 (B, H), w_hh (4H, P), w_hr (P, H) or None)

def _lstm_fwd(xp, h0, c0, w_hh, w_hr, sizes, offs, reverse, keep):
    dt = xp.dtype
    xp, h0, c0, w_hh, w_hr = _work(xp, h0, c0, w_hh, w_hr)
    n, g4 = xp.shape
    hs = g4 // 4
    p = h0.shape[1]
    gates = _empty(xp, (n, g4))
    cprev = _empty(xp, (n, hs))
    tc = _empty(xp, (n, hs))
    hprev = _empty(xp, (n, p))
    out = _empty(xp, (n, p))
    m = _empty(xp, (n, hs) if w_hr is not None else (0,))
    h = h0.copy()
    c = c0.copy()
    whh_t = np.ascontiguousarray(w_hh.T)  # BLAS runs the per-step matmul faster on a contiguous operand
    whr_t = None if w_hr is None else np.ascontiguousarray(w_hr.T)
    with np.errstate(over="ignore"):
        for t in _steps(len(sizes), reverse):
            o = offs[t]
            bs = sizes[t]
            e = o + bs
            hp = h[:bs]
            cp = c[:bs]
            hprev[o:e] = hp
            cprev[o:e] = cp
            g = gates[o:e]
            np.matmul(hp, whh_t, out=g)
            g += xp[o:e]
            _sigmoid_(g[:, :2 * hs])
            np.tanh(g[:, 2 * hs:3 * hs], out=g[:, 2 * hs:3 * hs])
            _sigmoid_(g[:, 3 * hs:])
            cp *= g[:, hs:2 * hs]
            cp += g[:, :hs] * g[:, 2 * hs:3 * hs]
            tct = tc[o:e]
            np.tanh(cp, out=tct)
            if whr_t is None:
                np.multiply(g[:, 3 * hs:], tct, out=out[o:e])
            else:
                np.multiply(g[:, 3 * hs:], tct, out=m[o:e])
                np.matmul(m[o:e], whr_t, out=out[o:e])
            h[:bs] = out[o:e]
    if dt in _REDUCED:
        out, h, c = out.astype(dt), h.astype(dt), c.astype(dt)
    keep[:] = (gates, cprev, tc, hprev, m)
    return out, h, c


def _lstm_bwd_arrays(ctx, gout, gh, gc):
    _, _, _, w_hh, w_hr = (None if x is None else x._data for x in ctx.saved)
    sizes, offs, reverse = ctx.args[:3]
    _, _, _, gates, cprev, tc, hprev, m = ctx._out
    w_hh, w_hr = _work(w_hh, w_hr) if w_hh.dtype in _REDUCED else (w_hh, w_hr)
    n, g4 = gates.shape
    hs = g4 // 4
    b = ctx.saved[1].shape[0]
    p = hprev.shape[1]
    dh = np.zeros_like(gates, shape=(b, p)) if gh is None else gh._data.astype(gates.dtype, copy=True)
    dc = np.zeros_like(gates, shape=(b, hs)) if gc is None else gc._data.astype(gates.dtype, copy=True)
    go = None if gout is None else gout._data
    gi, gf, gg, gout_ = gates[:, :hs], gates[:, hs:2 * hs], gates[:, 2 * hs:3 * hs], gates[:, 3 * hs:]
    # factors that do not depend on the incoming gradients, over all steps at once:
    # dc += dm * a;  d(i, f, g) = dc * k;  d(o) = dm * o_k
    a = 1 - tc * tc
    a *= gout_
    k = np.empty_like(gates, shape=(n, 3, hs))
    np.multiply(gg, gi - gi * gi, out=k[:, 0])
    np.multiply(cprev, gf - gf * gf, out=k[:, 1])
    np.multiply(gi, 1 - gg * gg, out=k[:, 2])
    o_k = gout_ - gout_ * gout_
    o_k *= tc
    dg = _empty(gates, (n, g4))
    dg3 = dg[:, :3 * hs].reshape(n, 3, hs)
    dhr = _empty(gates, (n, p)) if w_hr is not None else None
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        e = o + bs
        dht = dh[:bs]
        if go is not None:
            dht += go[o:e]
        if w_hr is not None:
            dhr[o:e] = dht
            dm = dht @ w_hr
        else:
            dm = dht
        dct = dc[:bs]
        dct += dm * a[o:e]
        np.multiply(dct[:, None, :], k[o:e], out=dg3[o:e])
        np.multiply(dm, o_k[o:e], out=dg[o:e, 3 * hs:])
        dct *= gf[o:e]
        np.matmul(dg[o:e], w_hh, out=dht)
    dw_hh = dg.T @ hprev
    dw_hr = None if w_hr is None else dhr.T @ m
    return dg, dh, dc, dw_hh, dw_hr


def _lstm_grad(ctx, gout, gh, gc):
    if is_grad_enabled():
        return _retraced_grad(ctx, "LSTM", (gout, gh, gc))
    dg, dh, dc, dw_hh, dw_hr = _lstm_bwd_arrays(ctx, gout, gh, gc)
    return _wrap_needed(ctx, (dg, dh, dc, dw_hh, dw_hr))


# ----------------------------------------------------------------------------------------------------
# GRU: inputs (xproj (N, 3H) with b_ih, h0 (B, H), w_hh (3H, H), b_hh (3H,) or None)

def _gru_fwd(xp, h0, w_hh, b_hh, sizes, offs, reverse, keep):
    dt = xp.dtype
    xp, h0, w_hh, b_hh = _work(xp, h0, w_hh, b_hh)
    n, g3 = xp.shape
    hs = g3 // 3
    gates = _empty(xp, (n, g3))
    ghn = _empty(xp, (n, hs))
    hprev = _empty(xp, (n, hs))
    out = _empty(xp, (n, hs))
    h = h0.copy()
    whh_t = np.ascontiguousarray(w_hh.T)
    with np.errstate(over="ignore"):
        for t in _steps(len(sizes), reverse):
            o = offs[t]
            bs = sizes[t]
            e = o + bs
            hp = h[:bs]
            hprev[o:e] = hp
            gh = hp @ whh_t
            if b_hh is not None:
                gh += b_hh
            x = xp[o:e]
            g = gates[o:e]
            rz = g[:, :2 * hs]
            np.add(x[:, :2 * hs], gh[:, :2 * hs], out=rz)
            _sigmoid_(rz)
            ghn[o:e] = gh[:, 2 * hs:]
            nn = g[:, 2 * hs:]
            np.multiply(g[:, :hs], gh[:, 2 * hs:], out=nn)
            nn += x[:, 2 * hs:]
            np.tanh(nn, out=nn)
            hn = out[o:e]
            np.subtract(hp, nn, out=hn)
            hn *= g[:, hs:2 * hs]
            hn += nn
            h[:bs] = hn
    if dt in _REDUCED:
        out, h = out.astype(dt), h.astype(dt)
    keep[:] = (gates, ghn, hprev)
    return out, h


def _gru_bwd_arrays(ctx, gout, gh):
    w_hh = ctx.saved[2]._data
    sizes, offs, reverse = ctx.args[:3]
    _, _, gates, ghn, hprev = ctx._out
    if w_hh.dtype in _REDUCED:
        w_hh = w_hh.astype(np.float32)
    n, g3 = gates.shape
    hs = g3 // 3
    b = ctx.saved[1].shape[0]
    dh = np.zeros_like(gates, shape=(b, hs)) if gh is None else gh._data.astype(gates.dtype, copy=True)
    go = None if gout is None else gout._data
    dgi = _empty(gates, (n, g3))
    dgh = _empty(gates, (n, g3))
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        e = o + bs
        dht = dh[:bs]
        if go is not None:
            dht += go[o:e]
        g = gates[o:e]
        r, z, nn = g[:, :hs], g[:, hs:2 * hs], g[:, 2 * hs:]
        a = dgi[o:e]
        bb = dgh[o:e]
        dn = a[:, 2 * hs:]
        np.multiply(dht, 1 - z, out=dn)
        dn *= 1 - nn * nn
        np.multiply(dn, r, out=bb[:, 2 * hs:])
        dr = a[:, :hs]
        np.multiply(dn, ghn[o:e], out=dr)
        dr *= r - r * r
        dz = a[:, hs:2 * hs]
        np.subtract(hprev[o:e], nn, out=dz)
        dz *= dht
        dz *= z - z * z
        bb[:, :2 * hs] = a[:, :2 * hs]
        dht *= z
        dht += bb @ w_hh
    dw_hh = dgh.T @ hprev
    db_hh = dgh.sum(0)
    return dgi, dh, dw_hh, db_hh


def _gru_grad(ctx, gout, gh):
    if is_grad_enabled():
        return _retraced_grad(ctx, "GRU", (gout, gh))
    return _wrap_needed(ctx, _gru_bwd_arrays(ctx, gout, gh))


# ----------------------------------------------------------------------------------------------------
# Elman RNN: inputs (xproj (N, H) with both biases, h0 (B, H), w_hh (H, H)); args add the nonlinearity

def _rnn_fwd(xp, h0, w_hh, sizes, offs, reverse, relu, keep):
    dt = xp.dtype
    xp, h0, w_hh = _work(xp, h0, w_hh)
    n, hs = xp.shape
    hprev = _empty(xp, (n, hs))
    out = _empty(xp, (n, hs))
    h = h0.copy()
    whh_t = np.ascontiguousarray(w_hh.T)
    for t in _steps(len(sizes), reverse):
        o = offs[t]
        bs = sizes[t]
        e = o + bs
        hp = h[:bs]
        hprev[o:e] = hp
        hn = out[o:e]
        np.matmul(hp, whh_t, out=hn)
        hn += xp[o:e]
        if relu:
            np.maximum(hn, 0, out=hn)
        else:
            np.tanh(hn, out=hn)
        h[:bs] = hn
    keep[:] = (hprev, out)
    if dt in _REDUCED:
        return out.astype(dt), h.astype(dt)
    return out, h


def _rnn_bwd_arrays(ctx, gout, gh):
    w_hh = ctx.saved[2]._data
    sizes, offs, reverse, relu = ctx.args[:4]
    _, _, hprev, out = ctx._out
    if w_hh.dtype in _REDUCED:
        w_hh = w_hh.astype(np.float32)
    n, hs = out.shape
    b = ctx.saved[1].shape[0]
    dh = np.zeros_like(out, shape=(b, hs)) if gh is None else gh._data.astype(out.dtype, copy=True)
    go = None if gout is None else gout._data
    dpre = _empty(out, (n, hs))
    for t in _steps(len(sizes), not reverse):
        o = offs[t]
        bs = sizes[t]
        e = o + bs
        dht = dh[:bs]
        if go is not None:
            dht += go[o:e]
        d = dpre[o:e]
        hn = out[o:e]
        if relu:
            np.multiply(dht, hn > 0, out=d)
        else:
            np.multiply(hn, hn, out=d)
            np.subtract(1, d, out=d)
            d *= dht
        np.matmul(d, w_hh, out=dht)
    return dpre, dh, dpre.T @ hprev


def _rnn_grad(ctx, gout, gh):
    if is_grad_enabled():
        return _retraced_grad(ctx, "RNN_RELU" if ctx.args[3] else "RNN_TANH", (gout, gh))
    return _wrap_needed(ctx, _rnn_bwd_arrays(ctx, gout, gh))


# The forwards put their intermediate arrays (activated gates, previous states, ...) in the ``keep`` list
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


def _wrap_needed(ctx, grads):
    """Tensors for the inputs that want a gradient, None for the others."""
    return tuple(_wrap(g) if g is not None and ctx.next_functions[i][0] is not None else None
                 for i, g in enumerate(grads))


def _retraced_grad(ctx, mode, grads):
    """The derivative while it is being recorded: re-run the layer in ember ops and differentiate."""
    from ..autograd import grad as autograd_grad
    inputs = ctx.saved
    sizes, offs, reverse = ctx.args[:3]
    if mode == "LSTM":
        xp, h0, c0, w_hh, w_hr = inputs
        outs = _layer_ops(mode, xp, h0, c0, w_hh, None, w_hr, sizes, offs, reverse)
    elif mode == "GRU":
        xp, h0, w_hh, b_hh = inputs
        outs = _layer_ops(mode, xp, h0, None, w_hh, b_hh, None, sizes, offs, reverse)
    else:
        xp, h0, w_hh = inputs
        outs = _layer_ops(mode, xp, h0, None, w_hh, None, None, sizes, offs, reverse)
    pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
    want = [i for i in range(len(inputs)) if ctx.next_functions[i][0] is not None]
    res = autograd_grad([o for o, _ in pairs], [inputs[i] for i in want], [g for _, g in pairs],
                        create_graph=True, allow_unused=True)
    full = [None] * len(inputs)
    for i, r in zip(want, res):
        full[i] = r
    return tuple(full)


def _layer_ops(mode, xp, h0, c0, w_hh, b_hh, w_hr, sizes, offs, reverse):
    """The same layer composed of ember ops (differentiable any number of times)."""
    h, c = h0, c0
    outs = [None] * len(sizes)
    whh_t = w_hh.t()
    for t in _steps(len(sizes), reverse):
        o = offs[t]
        bs = sizes[t]
        x = xp[o:o + bs]
        hp = h[:bs]
        if mode == "LSTM":
            i, f, g, og = (x + hp.matmul(whh_t)).chunk(4, 1)
            cn = f.sigmoid() * c[:bs] + i.sigmoid() * g.tanh()
            hn = og.sigmoid() * cn.tanh()
            if w_hr is not None:
                hn = hn.matmul(w_hr.t())
            c = cn if bs == c.shape[0] else _cat((cn, c[bs:]))
        elif mode == "GRU":
            gh = hp.matmul(whh_t)
            if b_hh is not None:
                gh = gh + b_hh
            xr, xz, xn = x.chunk(3, 1)
            hr, hz, hn_ = gh.chunk(3, 1)
            r = (xr + hr).sigmoid()
            z = (xz + hz).sigmoid()
            nn = (xn + r * hn_).tanh()
            hn = (hp - nn) * z + nn
        else:
            pre = x + hp.matmul(whh_t)
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


def rnn_layer(mode, xproj, hx, cx, w_hh, b_hh, w_hr, sizes, offs, reverse):
    """One layer in one direction over the projected input ``xproj`` (N, gates).

    Returns ``(output (N, P), h_n (B, P), c_n (B, H) or None)``.
    """
    keep = []
    if mode == "LSTM":
        r = apply(_LSTM, (xproj, hx, cx, w_hh, w_hr), (sizes, offs, reverse, keep))
    elif mode == "GRU":
        r = apply(_GRU, (xproj, hx, w_hh, b_hh), (sizes, offs, reverse, keep))
    else:
        r = apply(_RNN, (xproj, hx, w_hh), (sizes, offs, reverse, mode == "RNN_RELU", keep))
    _keep_for_backward(r[0], keep)
    return r[0], r[1], (r[2] if mode == "LSTM" else None)


def _project(mode, x, w_ih, w_hh, b_ih, b_hh):
    """``x W_ih^T`` plus the biases folded in (b_hh stays out for GRU, whose n gate needs it apart)."""
    from ..nn.functional import linear
    if b_ih is None:
        return linear(x, w_ih)
    if mode == "GRU":
        return linear(x, w_ih, b_ih)
    return linear(x, w_ih, b_ih + b_hh)


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
            w_ih, w_hh = w[0], w[1]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            w_hr = w[-1] if proj else None
            xp = _project(mode, layer_in, w_ih, w_hh, b_ih, b_hh)
            out, h, c = rnn_layer(mode, xp, hx[k], None if cx is None else cx[k], w_hh,
                                  b_hh if mode == "GRU" else None, w_hr, sizes, offs, d == 1)
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
    b = input.shape[0]
    xp = _project(mode, input, w_ih, w_hh, b_ih, b_hh)
    out, h, c = rnn_layer(mode, xp, hx, cx, w_hh, b_hh if mode == "GRU" else None, None, (b,), (0,), False)
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
