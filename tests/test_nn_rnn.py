"""Recurrent layers and cells against torch: default init under a seed, outputs / final states / gradients for the
same weights over layers, directions, batch_first, proj_size, initial states, packed and unbatched inputs,
dropout (seeded, bit for bit), reprs, state_dict keys, errors, gradcheck and double backward."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check_error

RNG = np.random.default_rng(0)


def to_e(t, requires_grad=False):
    return ember.tensor(t.detach().numpy(), requires_grad=requires_grad)


def copy_weights(e_mod, t_mod):
    e_mod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_mod.state_dict().items()})


def pair(cls_name, *args, dtype=None, **kwargs):
    torch.manual_seed(0)
    t = getattr(torch.nn, cls_name)(*args, **kwargs)
    e = getattr(ember.nn, cls_name)(*args, **kwargs)
    copy_weights(e, t)
    if dtype == "float64":
        t, e = t.double(), e.double()
    return e, t


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def check_module(e, t, e_in, t_in, atol=2e-5, grad_atol=5e-5):
    """Forward both, compare every output tensor; backward a weighted sum, compare input and weight grads."""
    eo, to = e(*e_in), t(*t_in)
    e_flat, t_flat = _flatten(eo), _flatten(to)
    assert len(e_flat) == len(t_flat)
    for a, b in zip(e_flat, t_flat):
        assert_same(a, b, atol=atol, rtol=1e-4)
    ws = [np.cos(np.arange(b.numel())).reshape(b.shape).astype(b.detach().numpy().dtype) for b in t_flat
          if b.requires_grad]
    sum(((b * torch.from_numpy(w)).sum() for b, w in zip([b for b in t_flat if b.requires_grad], ws))).backward()
    sum(((a * ember.from_numpy(w)).sum() for a, w in zip([a for a in e_flat if a.requires_grad], ws))).backward()
    for a, b in zip(_leaves(e_in), _leaves(t_in)):
        assert_same(a.grad, b.grad, atol=grad_atol, rtol=1e-3)
    for (n, a), (_, b) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(a.grad, b.grad, atol=grad_atol, rtol=1e-3)
    return eo, to


def _flatten(o):
    if isinstance(o, (tuple, list)):
        return [x for y in o for x in _flatten(y)]
    if isinstance(o, (ember.Tensor, torch.Tensor)):
        return [o] if o.dtype.is_floating_point else []
    return []


def _leaves(inputs):
    out = []
    for x in inputs:
        if isinstance(x, (tuple, list)):
            out += _leaves(x)
        elif isinstance(x, (ember.Tensor, torch.Tensor)) and x.requires_grad:
            out.append(x)
    return out


# ----------------------------------------------------------------------------------------------------
# construction

@pytest.mark.parametrize("cls,kw", [
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
    ("LSTM", dict(num_layers=1, bias=False)),
    ("GRU", dict(num_layers=3, bidirectional=True)),
    ("RNN", dict(num_layers=2, nonlinearity="relu")),
    ("RNN", dict(bias=False, batch_first=True)),
])
def test_default_init_matches_torch(cls, kw):
    torch.manual_seed(7)
    t = getattr(torch.nn, cls)(5, 6, **kw)
    ember.manual_seed(7)
    e = getattr(ember.nn, cls)(5, 6, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e._flat_weights_names == t._flat_weights_names
    assert [[n for n in w] for w in e._all_weights] == t._all_weights
    for (k, a), (_, b) in zip(e.state_dict().items(), t.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    assert repr(e) == repr(t)


@pytest.mark.parametrize("cls,args,kw", [("LSTMCell", (4, 6), {}), ("GRUCell", (4, 6), dict(bias=False)),
                                         ("RNNCell", (4, 6), dict(nonlinearity="relu")), ("RNNCell", (4, 6), {})])
def test_cell_init_and_repr(cls, args, kw):
    torch.manual_seed(3)
    t = getattr(torch.nn, cls)(*args, **kw)
    ember.manual_seed(3)
    e = getattr(ember.nn, cls)(*args, **kw)
    assert repr(e) == repr(t)
    for (k, a), (k2, b) in zip(e.state_dict().items(), t.state_dict().items()):
        assert k == k2
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_reprs():
    for kw in (dict(), dict(num_layers=2, dropout=0.5), dict(bidirectional=True, batch_first=True, bias=False),
               dict(proj_size=2)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert repr(ember.nn.LSTM(3, 4, **kw)) == repr(torch.nn.LSTM(3, 4, **kw))
    assert repr(ember.nn.RNN(3, 4, 2, "relu")) == repr(torch.nn.RNN(3, 4, 2, "relu"))


def test_flat_weights_and_flatten_parameters():
    e = ember.nn.LSTM(3, 4, 2)
    assert e.flatten_parameters() is None
    assert [w is getattr(e, n) for w, n in zip(e._flat_weights, e._flat_weights_names)] == [True] * 8
    new = ember.nn.Parameter(ember.zeros(16, 3))
    e.weight_ih_l0 = new
    assert e._flat_weights[0] is new
    assert e.all_weights[0][0] is new
    e2 = e.double()
    assert e2._flat_weights[0].dtype == ember.float64


def test_constructor_errors():
    for fn in (lambda m: m.nn.LSTM(3, 4, dropout=1.5), lambda m: m.nn.LSTM(3, 4, bias=1),
               lambda m: m.nn.LSTM(3, 4, batch_first=1), lambda m: m.nn.LSTM(3.0, 4), lambda m: m.nn.LSTM(0, 4),
               lambda m: m.nn.LSTM(3, 0), lambda m: m.nn.LSTM(3, 4, 0), lambda m: m.nn.LSTM(3, 4, proj_size=-1),
               lambda m: m.nn.LSTM(3, 4, proj_size=4), lambda m: m.nn.GRU(3, 4, proj_size=2),
               lambda m: m.nn.RNN(3, 4, nonlinearity="sigmoid"), lambda m: m.nn.RNN(3, 4, proj_size=1)):
        e, t = check_error(fn)
        assert str(e) == str(t)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        ember.nn.GRU(3, 4, dropout=0.2)


# ----------------------------------------------------------------------------------------------------
# layers vs torch

CONFIGS = [
    dict(num_layers=1),
    dict(num_layers=2),
    dict(num_layers=2, bidirectional=True),
    dict(num_layers=1, batch_first=True, bidirectional=True),
    dict(num_layers=2, bias=False),
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN", "RNN_relu"])
@pytest.mark.parametrize("with_hx", [False, True])
def test_layer_vs_torch(cls, cfg, with_hx):
    kw = dict(cfg)
    if cls == "RNN_relu":
        cls, kw["nonlinearity"] = "RNN", "relu"
    e, t = pair(cls, 4, 5, **kw)
    seq, batch = 6, 3
    shape = (batch, seq, 4) if kw.get("batch_first") else (seq, batch, 4)
    x = randn(*shape)
    e_in, t_in = [ember.tensor(x, requires_grad=True)], [torch.tensor(x, requires_grad=True)]
    if with_hx:
        nd = 2 if kw.get("bidirectional") else 1
        h = randn(kw["num_layers"] * nd, batch, 5)
        if cls == "LSTM":
            c = randn(kw["num_layers"] * nd, batch, 5)
            e_in.append((ember.tensor(h, requires_grad=True), ember.tensor(c, requires_grad=True)))
            t_in.append((torch.tensor(h, requires_grad=True), torch.tensor(c, requires_grad=True)))
        else:
            e_in.append(ember.tensor(h, requires_grad=True))
            t_in.append(torch.tensor(h, requires_grad=True))
    eo, to = check_module(e, t, e_in, t_in)
    assert eo[0].stride() == to[0].stride()


@pytest.mark.parametrize("kw", [dict(proj_size=2), dict(proj_size=3, num_layers=2, bidirectional=True),
                                dict(proj_size=2, batch_first=True, bias=False)], ids=str)
def test_lstm_proj_size(kw):
    e, t = pair("LSTM", 4, 5, **kw)
    nd = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    x = randn(*((3, 6, 4) if kw.get("batch_first") else (6, 3, 4)))
    h, c = randn(layers * nd, 3, kw["proj_size"]), randn(layers * nd, 3, 5)
    eo, to = check_module(e, t, [ember.tensor(x, requires_grad=True), (ember.tensor(h, requires_grad=True),
                                                                       ember.tensor(c, requires_grad=True))],
                          [torch.tensor(x, requires_grad=True), (torch.tensor(h, requires_grad=True),
                                                                 torch.tensor(c, requires_grad=True))])
    assert tuple(eo[1][0].shape) == (layers * nd, 3, kw["proj_size"])


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_float64_and_unbatched(cls):
    e, t = pair(cls, 3, 4, num_layers=2, bidirectional=True, dtype="float64")
    x = randn(5, 3, dtype=np.float64)
    check_module(e, t, [ember.tensor(x, requires_grad=True)], [torch.tensor(x, requires_grad=True)], atol=1e-10,
                 grad_atol=1e-10)
    h = randn(4, 4, dtype=np.float64)
    hx_e = (ember.tensor(h), ember.tensor(h * 0.5)) if cls == "LSTM" else ember.tensor(h)
    hx_t = (torch.tensor(h), torch.tensor(h * 0.5)) if cls == "LSTM" else torch.tensor(h)
    eo, to = e(ember.tensor(x), hx_e), t(torch.tensor(x), hx_t)
    assert_same(_flatten(eo), _flatten(to), atol=1e-10)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_sequence(cls, bidirectional):
    e, t = pair(cls, 3, 4, num_layers=2, bidirectional=bidirectional)
    lengths = [4, 6, 2, 4]
    x = randn(6, 4, 3)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    pe = ember.nn.utils.rnn.pack_padded_sequence(xe, lengths, enforce_sorted=False)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, enforce_sorted=False)
    nd = 2 if bidirectional else 1
    h = randn(2 * nd, 4, 4)
    he, ht = ember.tensor(h, requires_grad=True), torch.tensor(h, requires_grad=True)
    if cls == "LSTM":
        he, ht = (he, ember.tensor(h * 0.3)), (ht, torch.tensor(h * 0.3))
    eo, to = e(pe, he), t(pt, ht)
    assert isinstance(eo[0], ember.nn.utils.rnn.PackedSequence)
    for a, b in zip(eo[0], to[0]):
        assert_same(a, b, atol=2e-5)
    assert_same(_flatten(eo[1]), _flatten(to[1]), atol=2e-5)
    pad_e, _ = ember.nn.utils.rnn.pad_packed_sequence(eo[0])
    pad_t, _ = torch.nn.utils.rnn.pad_packed_sequence(to[0])
    (pad_t.sum() + sum(v.sum() for v in _flatten(to[1]))).backward()
    (pad_e.sum() + sum(v.sum() for v in _flatten(eo[1]))).backward()
    assert_same(xe.grad, xt.grad, atol=5e-5)
    for (n, a), (_, b) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(a.grad, b.grad, atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize("cls,kw", [("LSTM", dict(proj_size=2, num_layers=2, bidirectional=True)),
                                    ("LSTM", dict(proj_size=3, bias=False)),
                                    ("GRU", dict(num_layers=2, bidirectional=True, bias=False)),
                                    ("RNN", dict(nonlinearity="relu", bidirectional=True))], ids=str)
@pytest.mark.parametrize("lengths", [[4, 6, 2, 4, 1], [3, 3, 3], [1]], ids=str)
def test_packed_sequence_more(cls, kw, lengths):
    """Packed batches of any length profile (uneven, equal, a single sequence) with projections, no biases,
    ReLU, both directions: outputs, final states and all gradients, the final states weighted into the loss."""
    e, t = pair(cls, 3, 5, **kw)
    x = randn(max(lengths), len(lengths), 3)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    pe = ember.nn.utils.rnn.pack_padded_sequence(xe, lengths, enforce_sorted=False)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, enforce_sorted=False)
    (oe, he), (ot, ht) = e(pe), t(pt)
    assert_same(oe.data, ot.data, atol=2e-5)
    assert_same(_flatten(he), _flatten(ht), atol=2e-5)
    w = randn(*ot.data.shape)
    ((ot.data * torch.tensor(w)).sum() + sum((h ** 2).sum() for h in _flatten(ht))).backward()
    ((oe.data * ember.tensor(w)).sum() + sum((h ** 2).sum() for h in _flatten(he))).backward()
    assert_same(xe.grad, xt.grad, atol=1e-4)
    for (n, a), (_, b) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(a.grad, b.grad, atol=2e-4, rtol=1e-3)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_gradients_and_states_are_not_aliased(cls):
    """The incoming gradient of h_n is left as it was (batch of one: its transpose is contiguous), h_n of
    a reversed direction is not a view of the output, and changing the output in place before backward
    is an error for the LSTM (its derivative reads the output, as torch's) and allowed for GRU / RNN."""
    for m in (ember, torch):
        m.manual_seed(0)
        mod = getattr(m.nn, cls)(3, 4, bidirectional=True)
        x = m.randn(5, 1, 3, requires_grad=True)
        out, hid = mod(x)
        h = hid[0] if cls == "LSTM" else hid
        g = m.ones(2, 1, 4)
        m.autograd.backward([out.sum(), h], [None, g])
        assert g.tolist() == [[[1.0] * 4]] * 2
        out, hid = mod(x)
        before = out.detach().clone()
        (hid[0] if cls == "LSTM" else hid).zero_()
        assert (out.detach() == before).all()
    x = randn(5, 2, 3)

    def modify_output_then_backward(m):
        m.manual_seed(0)
        out = getattr(m.nn, cls)(3, 4)(m.tensor(x, requires_grad=True))[0]
        out.mul_(2)
        out.sum().backward()
        return out
    if cls == "LSTM":
        check_error(modify_output_then_backward)
    else:
        modify_output_then_backward(ember)


@pytest.mark.parametrize("cls", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cells_empty_batch(cls):
    e, t = pair(cls, 3, 4)
    outs = []
    for m, mod in ((ember, e), (torch, t)):
        x = m.zeros(0, 3, requires_grad=True)
        r = mod(x)
        r = r[0] if isinstance(r, tuple) else r
        r.sum().backward()
        outs.append((r, x.grad, mod.weight_hh.grad))
    assert_same(list(outs[0]), list(outs[1]))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_reduced_precision_layers(dtype):
    """float16 / bfloat16 layers compute in float32 (torch's opmath) and hand back their own dtype."""
    e, t = pair("LSTM", 3, 4, proj_size=2, bidirectional=True)
    x = randn(5, 2, 3)
    ref = t(torch.tensor(x))
    e = e.to(getattr(ember, dtype))
    xe = ember.tensor(x).to(getattr(ember, dtype)).requires_grad_()
    out, (h, c) = e(xe)
    assert out.dtype == h.dtype == c.dtype == getattr(ember, dtype)
    assert_same(out.float(), ref[0], atol=5e-2, rtol=5e-2)
    out.float().sum().backward()
    assert xe.grad.dtype == e.weight_hh_l0.grad.dtype == getattr(ember, dtype)


def test_dropout_eval_and_seeded_train():
    e, t = pair("LSTM", 3, 4, num_layers=3, dropout=0.4)
    x = randn(5, 2, 3)
    e.eval(), t.eval()
    assert_same(e(ember.tensor(x))[0], t(torch.tensor(x))[0], atol=1e-6)
    e.train(), t.train()
    for seed in (1, 2):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        check_module(e, t, [ember.tensor(x, requires_grad=True)], [torch.tensor(x, requires_grad=True)])
        e.zero_grad(), t.zero_grad()
    e2, t2 = pair("GRU", 3, 4, num_layers=2, dropout=0.5, bidirectional=True)
    torch.manual_seed(4)
    ember.manual_seed(4)
    assert_same(e2(ember.tensor(x))[0], t2(torch.tensor(x))[0], atol=1e-6)


def test_forward_errors():
    def mk(m):
        return m.nn.LSTM(3, 4, 2)
    cases = [
        lambda m: mk(m)(m.zeros(2, 3, 3, 3)),
        lambda m: mk(m)(m.zeros(5, 2, 4)),
        lambda m: mk(m)(m.zeros(5, 2, 3).double()),
        lambda m: mk(m)(m.zeros(5, 2, 3), (m.zeros(2, 2, 4), m.zeros(2, 3, 4))),
        lambda m: mk(m)(m.zeros(5, 2, 3), (m.zeros(2, 4), m.zeros(2, 4))),
        lambda m: mk(m)(m.zeros(5, 3), (m.zeros(2, 1, 4), m.zeros(2, 1, 4))),
        lambda m: mk(m)(m.zeros(5, 2, 3), (m.zeros(1, 2, 4), m.zeros(2, 2, 4))),
        lambda m: m.nn.GRU(3, 4)(m.zeros(5, 2, 3), m.zeros(2, 4)),
        lambda m: m.nn.GRU(3, 4)(m.zeros(5, 3), m.zeros(1, 2, 4)),
        lambda m: m.nn.GRU(3, 4)(m.zeros(5, 2, 3), m.zeros(1, 3, 4)),
        lambda m: m.nn.RNN(3, 4)(m.zeros(5)),
        lambda m: m.nn.GRU(3, 4)(m.zeros(5)),
        lambda m: m.nn.LSTM(3, 4)(m.zeros(0, 2, 3)),
    ]
    for fn in cases:
        e, t = check_error(fn)
        assert str(e) == str(t), (str(e), str(t))


# ----------------------------------------------------------------------------------------------------
# cells

@pytest.mark.parametrize("cls,kw", [("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", {}),
                                    ("RNNCell", dict(nonlinearity="relu")), ("LSTMCell", dict(bias=False)),
                                    ("GRUCell", dict(bias=False))])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_hx", [True, False])
def test_cells_vs_torch(cls, kw, batched, with_hx):
    e, t = pair(cls, 4, 5, **kw)
    lead = (3,) if batched else ()
    x = randn(*lead, 4)
    e_in, t_in = [ember.tensor(x, requires_grad=True)], [torch.tensor(x, requires_grad=True)]
    if with_hx:
        h = randn(*lead, 5)
        if cls == "LSTMCell":
            e_in.append((ember.tensor(h, requires_grad=True), ember.tensor(h * 2, requires_grad=True)))
            t_in.append((torch.tensor(h, requires_grad=True), torch.tensor(h * 2, requires_grad=True)))
        else:
            e_in.append(ember.tensor(h, requires_grad=True))
            t_in.append(torch.tensor(h, requires_grad=True))
    check_module(e, t, e_in, t_in)


def test_cell_errors():
    cases = [
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 5)),
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 4), (m.zeros(3, 3), m.zeros(2, 3))),
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 4), (m.zeros(2, 2), m.zeros(2, 3))),
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 4), (m.zeros(2, 3), m.zeros(1, 3))),
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 2, 4)),
        lambda m: m.nn.LSTMCell(4, 3)(m.zeros(2, 4), (m.zeros(2, 2, 3), m.zeros(2, 3))),
        lambda m: m.nn.GRUCell(4, 3)(m.zeros(2, 4), m.zeros(2, 4)),
        lambda m: m.nn.GRUCell(4, 3)(m.zeros(2, 2, 4)),
        lambda m: m.nn.RNNCell(4, 3)(m.zeros(2, 4), m.zeros(2, 2, 3)),
    ]
    for fn in cases:
        e, t = check_error(fn)
        assert str(e) == str(t), (str(e), str(t))


def test_torch_level_functions():
    x, h, c = randn(3, 4), randn(3, 5), randn(3, 5)
    w_ih, w_hh, b_ih, b_hh = randn(20, 4), randn(20, 5), randn(20), randn(20)
    for m in ("lstm_cell",):
        a = getattr(ember, m)(ember.tensor(x), (ember.tensor(h), ember.tensor(c)), ember.tensor(w_ih),
                              ember.tensor(w_hh), ember.tensor(b_ih), ember.tensor(b_hh))
        b = getattr(torch, m)(torch.tensor(x), (torch.tensor(h), torch.tensor(c)), torch.tensor(w_ih),
                              torch.tensor(w_hh), torch.tensor(b_ih), torch.tensor(b_hh))
        assert_same(list(a), list(b), atol=1e-5)
    for m, g in (("gru_cell", 3), ("rnn_tanh_cell", 1), ("rnn_relu_cell", 1)):
        wi, wh = randn(5 * g, 4), randn(5 * g, 5)
        a = getattr(ember, m)(ember.tensor(x), ember.tensor(h), ember.tensor(wi), ember.tensor(wh))
        b = getattr(torch, m)(torch.tensor(x), torch.tensor(h), torch.tensor(wi), torch.tensor(wh))
        assert_same(a, b, atol=1e-5)
    xs = randn(6, 3, 4)
    params = [randn(20, 4), randn(20, 5), randn(20), randn(20)]
    a = ember.lstm(ember.tensor(xs), (ember.tensor(h[None]), ember.tensor(c[None])),
                   [ember.tensor(p) for p in params], True, 1, 0.0, False, False, False)
    b = torch.lstm(torch.tensor(xs), (torch.tensor(h[None]), torch.tensor(c[None])),
                   [torch.tensor(p) for p in params], True, 1, 0.0, False, False, False)
    assert_same(list(a), list(b), atol=1e-5)


# ----------------------------------------------------------------------------------------------------
# gradients: gradcheck (float64), double backward, and model plumbing

@pytest.mark.parametrize("cls", ["LSTMCell", "GRUCell", "RNNCell"])
def test_gradcheck_cells(cls):
    ember.manual_seed(0)
    cell = getattr(ember.nn, cls)(2, 3).double()
    x = ember.randn(2, 2, dtype=ember.float64, requires_grad=True)
    h = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    params = list(cell.parameters())
    if cls == "LSTMCell":
        c = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
        fn = lambda x, h, c, *p: cell(x, (h, c))  # noqa: E731
        inputs = (x, h, c, *params)
    else:
        fn = lambda x, h, *p: cell(x, h)  # noqa: E731
        inputs = (x, h, *params)
    assert ember.autograd.gradcheck(fn, inputs)
    assert ember.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_gradcheck_packed_layer(cls):
    ember.manual_seed(1)
    mod = getattr(ember.nn, cls)(2, 2, bidirectional=True).double()
    x = ember.randn(3, 3, 2, dtype=ember.float64, requires_grad=True)

    def fn(x):
        packed = ember.nn.utils.rnn.pack_padded_sequence(x, [3, 2, 1])
        out, hid = mod(packed)
        return (out.data,) + (hid if isinstance(hid, tuple) else (hid,))
    assert ember.autograd.gradcheck(fn, (x,))
    assert ember.autograd.gradgradcheck(fn, (x,))


def test_double_backward_matches_torch():
    e, t = pair("LSTM", 3, 3, proj_size=2, dtype="float64")
    x = randn(4, 2, 3, dtype=np.float64)
    res = []
    for m, mod in ((ember, e), (torch, t)):
        xx = m.tensor(x, requires_grad=True)
        out = mod(xx)[0]
        g = m.autograd.grad((out ** 2).sum(), [xx, mod.weight_hh_l0], create_graph=True)
        (g[0].pow(2).sum() + g[1].sum()).backward()
        res.append([xx.grad] + [p.grad for p in mod.parameters()])
    assert_same(res[0], res[1], atol=1e-9)


def test_pickle_deepcopy_and_parametrized_weight():
    e, t = pair("GRU", 3, 4, num_layers=2)
    x = randn(5, 2, 3)
    e2 = pickle.loads(pickle.dumps(e))
    e3 = copy.deepcopy(e)
    for m in (e2, e3):
        assert_same(m(ember.tensor(x))[0], t(torch.tensor(x))[0], atol=1e-5)
    ember.nn.utils.parametrizations.weight_norm(e, "weight_hh_l0")
    torch.nn.utils.parametrizations.weight_norm(t, "weight_hh_l0")
    check_module(e, t, [ember.tensor(x, requires_grad=True)], [torch.tensor(x, requires_grad=True)])


def test_apply_permutation_deprecated():
    from ember.nn.modules.rnn import apply_permutation
    with pytest.warns(FutureWarning):
        r = apply_permutation(ember.tensor([[1, 2, 3]]), ember.tensor([2, 0, 1]))
    assert r.tolist() == [[3, 1, 2]]
