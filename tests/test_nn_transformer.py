"""scaled_dot_product_attention, MultiheadAttention and the Transformer modules against torch with the same
weights: masks (bool / float / key padding), causal, need_weights, bias_k/bias_v, add_zero_attn, kdim/vdim,
batch_first, norm_first, seeded dropout (bit for bit), the nested-tensor inference path, reprs, state_dict
keys, default init under a seed, pickling and errors."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(0)
FE, FT = ember.nn.functional, torch.nn.functional


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def copy_weights(e_mod, t_mod):
    e_mod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_mod.state_dict().items()})


def pair(cls_name, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        t = getattr(torch.nn, cls_name)(*args, **kwargs)
        e = getattr(ember.nn, cls_name)(*args, **kwargs)
    copy_weights(e, t)
    return e, t


def both(x, requires_grad=False):
    if x is None:
        return None, None
    return ember.tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad)


def compare_grads(e_mod, t_mod, e_leaves=(), t_leaves=(), atol=5e-5):
    for a, b in zip(e_leaves, t_leaves):
        assert_same(a.grad, b.grad, atol=atol, rtol=1e-3)
    for (n, a), (_, b) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        assert (a.grad is None) == (b.grad is None), n
        if b.grad is not None:
            assert_same(a.grad, b.grad, atol=atol, rtol=1e-3)


# ----------------------------------------------------------------------------------------------------
# scaled_dot_product_attention

SDPA_CASES = {
    "plain": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6)),
    "3d": dict(q=(3, 4, 8), k=(3, 5, 8), v=(3, 5, 8)),
    "2d": dict(q=(4, 8), k=(5, 8), v=(5, 2)),
    "broadcast_batch": dict(q=(2, 3, 4, 8), k=(1, 3, 5, 8), v=(1, 3, 5, 8)),
    "bool_mask": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), mask="bool"),
    "float_mask": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), mask="float"),
    "masked_row": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), mask="row"),
    "causal": dict(q=(2, 3, 4, 8), k=(2, 3, 4, 8), v=(2, 3, 4, 8), causal=True),
    "causal_rect": dict(q=(2, 3, 4, 8), k=(2, 3, 6, 8), v=(2, 3, 6, 8), causal=True),
    "scale": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), scale=0.7),
    "neg_scale": dict(q=(2, 3, 4, 8), k=(2, 3, 5, 8), v=(2, 3, 5, 6), scale=-0.3),
    "gqa": dict(q=(2, 4, 4, 8), k=(2, 2, 5, 8), v=(2, 2, 5, 8), gqa=True),
}


@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_vs_torch(name):
    c = SDPA_CASES[name]
    mask = None
    shape = (c["q"][-2], c["k"][-2])
    if c.get("mask") == "bool":
        mask = RNG.random(shape) > 0.3
        mask[:, 0] = True
    elif c.get("mask") == "float":
        mask = randn(*shape)
    elif c.get("mask") == "row":
        mask = np.ones(shape, bool)
        mask[1] = False

    def fn(m, q, k, v):
        am = None if mask is None else m.tensor(mask)
        return m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=am, is_causal=c.get("causal", False),
                                                            scale=c.get("scale"), enable_gqa=c.get("gqa", False))
    check(fn, [c["q"], c["k"], c["v"]], grad=True, atol=1e-5)


def test_sdpa_float64_grad_mask_and_gradcheck():
    q, k, v, am = randn(2, 3, 4, dtype=np.float64), randn(2, 5, 4, dtype=np.float64), randn(2, 5, 3, dtype=np.float64), \
        randn(3, 5, dtype=np.float64)
    check(lambda m, q, k, v, am: m.nn.functional.scaled_dot_product_attention(q, k, v, am), [q, k, v, am], grad=True,
          atol=1e-10, grad_atol=1e-10, dtype=np.float64)
    ins = [ember.tensor(a, requires_grad=True) for a in (q, k, v, am)]
    assert ember.autograd.gradcheck(lambda *a: FE.scaled_dot_product_attention(*a), ins)
    assert ember.autograd.gradgradcheck(lambda *a: FE.scaled_dot_product_attention(*a), ins)


def test_sdpa_dropout_seeded():
    q, k, v = randn(2, 3, 4, 8), randn(2, 3, 5, 8), randn(2, 3, 5, 6)
    torch.manual_seed(3)
    ember.manual_seed(3)
    check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.4), [q, k, v],
          grad=True)


def test_safe_softmax():
    x = randn(3, 4)
    x[1] = -np.inf
    from ember._ops.attention import _safe_softmax
    for dim, a in ((-1, x), (0, randn(3, 4))):
        check(lambda m, x: (_safe_softmax if m is ember else torch._safe_softmax)(x, dim), [a], grad=True)
    for w in (1, 5, 64, 300):   # short rows (folded maxima, einsum sums) and long ones, a fully masked row each
        a = randn(4, 3, w)
        a[1, 2] = -np.inf
        a[2, 0, 0] = -np.inf
        check(lambda m, x: (_safe_softmax if m is ember else torch._safe_softmax)(x, -1), [a], grad=True,
              noncontig=True)


def test_sdpa_errors():
    q, k, v = (lambda m: m.zeros(2, 3, 4, 8)), (lambda m: m.zeros(2, 3, 5, 8)), (lambda m: m.zeros(2, 3, 5, 6))
    sdpa = lambda m, *a, **kw: m.nn.functional.scaled_dot_product_attention(*a, **kw)  # noqa: E731
    cases = [
        lambda m: sdpa(m, q(m), k(m), v(m), attn_mask=m.ones(4, 5, dtype=m.long)),
        lambda m: sdpa(m, q(m), k(m), v(m), attn_mask=m.ones(4, 5, dtype=m.float64)),
        lambda m: sdpa(m, q(m), k(m), v(m).double()),
        lambda m: sdpa(m, q(m), k(m), v(m), attn_mask=m.ones(4, 5, dtype=m.bool), is_causal=True),
        lambda m: sdpa(m, m.zeros(8), m.zeros(8), m.zeros(8)),
        lambda m: sdpa(m, q(m), m.zeros(2, 2, 5, 8), m.zeros(2, 2, 5, 6), enable_gqa=True),
    ]
    for fn in cases:
        e, t = check_error(fn)
        assert str(e) == str(t)
    check_error(lambda m: sdpa(m, q(m), k(m), v(m), attn_mask=m.ones(3, 5)))
    check_error(lambda m: sdpa(m, q(m), k(m), v(m), dropout_p=1.5))


# ----------------------------------------------------------------------------------------------------
# MultiheadAttention

MHA_CASES = {
    "default": dict(),
    "batch_first": dict(batch_first=True),
    "no_bias": dict(bias=False),
    "bias_kv_zero_attn": dict(add_bias_kv=True, add_zero_attn=True),
    "kdim_vdim": dict(kdim=5, vdim=3),
    "kdim_vdim_bf": dict(kdim=5, vdim=3, batch_first=True, add_bias_kv=True),
}


@pytest.mark.parametrize("name", list(MHA_CASES))
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "bool", "float"])
def test_mha_vs_torch(name, need_weights, average, masks):
    kw = MHA_CASES[name]
    e, t = pair("MultiheadAttention", 8, 2, **kw)
    bf = kw.get("batch_first", False)
    L, S, N = 4, 6, 3
    q = randn(*((N, L, 8) if bf else (L, N, 8)))
    k = randn(*((N, S, kw.get("kdim", 8)) if bf else (S, N, kw.get("kdim", 8))))
    v = randn(*((N, S, kw.get("vdim", 8)) if bf else (S, N, kw.get("vdim", 8))))
    kpm = am = None
    if masks == "bool":
        kpm = np.zeros((N, S), bool)
        kpm[1, 4:] = True
        am = np.triu(np.ones((L, S), bool), 3)
    elif masks == "float":
        kpm = np.where(RNG.random((N, S)) > 0.8, -np.inf, 0.0).astype(np.float32)
        kpm[:, 0] = 0
        am = randn(N * 2, L, S)
    (qe, qt), (ke, kt), (ve, vt) = both(q, True), both(k, True), both(v, True)
    (kpe, kpt), (ame, amt) = both(kpm), both(am)
    oe = e(qe, ke, ve, key_padding_mask=kpe, need_weights=need_weights, attn_mask=ame, average_attn_weights=average)
    ot = t(qt, kt, vt, key_padding_mask=kpt, need_weights=need_weights, attn_mask=amt, average_attn_weights=average)
    assert_same(oe[0], ot[0], atol=2e-5)
    if need_weights:
        assert_same(oe[1], ot[1], atol=2e-6)
    else:
        assert oe[1] is None and ot[1] is None
    w = randn(*ot[0].shape)
    (ot[0] * torch.tensor(w)).sum().backward()
    (oe[0] * ember.tensor(w)).sum().backward()
    compare_grads(e, t, (qe, ke, ve), (qt, kt, vt))


def test_mha_self_attention_paths_and_unbatched():
    e, t = pair("MultiheadAttention", 8, 4, batch_first=True)
    x = randn(2, 5, 8)
    xe, xt = both(x, True)
    assert_same(e(xe, xe, xe)[0], t(xt, xt, xt)[0], atol=2e-5)
    mem = randn(2, 3, 8)
    me, mt = both(mem)
    assert_same(list(e(xe, me, me)), list(t(xt, mt, mt)), atol=2e-5)
    e2, t2 = pair("MultiheadAttention", 8, 2)
    u = randn(5, 8)
    ue, ut = both(u, True)
    kp = np.array([False, False, True, False, False])
    am3 = randn(2, 5, 5)
    for kwargs in (dict(), dict(key_padding_mask=kp), dict(attn_mask=am3)):
        ke = {k: ember.tensor(v) for k, v in kwargs.items()}
        kt = {k: torch.tensor(v) for k, v in kwargs.items()}
        assert_same(list(e2(ue, ue, ue, **ke)), list(t2(ut, ut, ut, **kt)), atol=2e-5)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["none", "bool", "float", "unbatched"])
def test_mha_self_attention_without_weights(batch_first, masks):
    """Self-attention with ``need_weights=False`` (the path TransformerEncoderLayer takes): outputs, their
    strides, and gradients of the input and every parameter, with and without masks."""
    e, t = pair("MultiheadAttention", 8, 2, batch_first=batch_first)
    L, N = 5, 3
    x = randn(L, 8) if masks == "unbatched" else randn(*((N, L, 8) if batch_first else (L, N, 8)))
    kw = {}
    if masks == "bool":
        kpm = np.zeros((N, L), bool)
        kpm[1, 3:] = True
        kw = dict(key_padding_mask=kpm, attn_mask=np.triu(np.ones((L, L), bool), 2))
    elif masks == "float":
        kw = dict(key_padding_mask=np.where(RNG.random((N, L)) > 0.7, -np.inf, 0.0).astype(np.float32),
                  attn_mask=randn(N * 2, L, L))
        kw["key_padding_mask"][:, 0] = 0
    xe, xt = both(x, True)
    oe = e(xe, xe, xe, need_weights=False, **{k: ember.tensor(v) for k, v in kw.items()})[0]
    ot = t(xt, xt, xt, need_weights=False, **{k: torch.tensor(v) for k, v in kw.items()})[0]
    assert_same(oe, ot, atol=2e-5)
    assert oe.stride() == ot.stride()
    w = randn(*ot.shape)
    (ot * torch.tensor(w)).sum().backward()
    (oe * ember.tensor(w)).sum().backward()
    compare_grads(e, t, (xe,), (xt,))


def test_mha_causal_and_eval_no_grad():
    e, t = pair("MultiheadAttention", 8, 2, batch_first=True)
    x = randn(2, 5, 8)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5).numpy()
    xe, xt = both(x)
    for nw in (True, False):
        oe = e(xe, xe, xe, attn_mask=ember.tensor(mask), is_causal=True, need_weights=nw)
        ot = t(xt, xt, xt, attn_mask=torch.tensor(mask), is_causal=True, need_weights=nw)
        assert_same(oe[0], ot[0], atol=2e-5)
    e.eval(), t.eval()
    with torch.no_grad(), ember.no_grad():
        kpm = np.zeros((2, 5), bool)
        kpm[0, 3:] = True
        assert_same(list(e(xe, xe, xe, key_padding_mask=ember.tensor(kpm))),
                    list(t(xt, xt, xt, key_padding_mask=torch.tensor(kpm))), atol=2e-5)
    check_error(lambda m: m.nn.MultiheadAttention(8, 2)(m.zeros(3, 2, 8), m.zeros(3, 2, 8), m.zeros(3, 2, 8),
                                                        is_causal=True))


def test_mha_dropout_seeded():
    e, t = pair("MultiheadAttention", 8, 2, dropout=0.3)
    x = randn(4, 2, 8)
    for nw in (True, False):
        torch.manual_seed(11)
        ember.manual_seed(11)
        xe, xt = both(x, True)
        oe, ot = e(xe, xe, xe, need_weights=nw), t(xt, xt, xt, need_weights=nw)
        assert_same(oe[0], ot[0], atol=2e-5)
        ot[0].sum().backward()
        oe[0].sum().backward()
        assert_same(xe.grad, xt.grad, atol=5e-5)


def test_mha_init_repr_state_dict_and_pickle():
    for kw in (dict(), dict(kdim=3, vdim=5, add_bias_kv=True), dict(bias=False)):
        torch.manual_seed(5)
        t = torch.nn.MultiheadAttention(6, 3, **kw)
        ember.manual_seed(5)
        e = ember.nn.MultiheadAttention(6, 3, **kw)
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())
        for (k, a), (_, b) in zip(e.state_dict().items(), t.state_dict().items()):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
        assert [n for n, p in e.named_parameters()] == [n for n, p in t.named_parameters()]
    from ember.nn.modules.activation import MultiheadAttention
    assert MultiheadAttention is ember.nn.MultiheadAttention
    assert MultiheadAttention.__module__ == "ember.nn.modules.activation"
    assert type(e.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    e2 = pickle.loads(pickle.dumps(e))
    x = ember.randn(3, 2, 6)
    np.testing.assert_array_equal(e2(x, x, x)[0].detach().numpy(), e(x, x, x)[0].detach().numpy())


def test_mha_errors():
    for fn in (lambda m: m.nn.MultiheadAttention(0, 2), lambda m: m.nn.MultiheadAttention(7, 2)):
        e, t = check_error(fn)
        assert str(e) == str(t)
    mha = lambda m: m.nn.MultiheadAttention(8, 2)  # noqa: E731
    cases = [
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(3, 8), m.zeros(3, 8)),
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(4, 2, 8), m.zeros(4, 2, 8), attn_mask=m.zeros(3, 3)),
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(4, 2, 8), m.zeros(4, 2, 8), key_padding_mask=m.zeros(2, 3)),
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(4, 2, 8), m.zeros(4, 2, 8), attn_mask=m.zeros(3, 4, dtype=m.long)),
        lambda m: mha(m)(m.zeros(3, 2, 6), m.zeros(4, 2, 6), m.zeros(4, 2, 6)),
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(4, 2, 8), m.zeros(5, 2, 8)),
        lambda m: mha(m)(m.zeros(3, 2, 8), m.zeros(4, 2, 8), m.zeros(4, 2, 8), attn_mask=m.zeros(5, 3, 4)),
    ]
    for fn in cases:
        check_error(fn)


# ----------------------------------------------------------------------------------------------------
# Transformer layers and stacks

@pytest.mark.parametrize("kw", [dict(), dict(norm_first=True), dict(batch_first=True, activation="gelu"),
                                dict(bias=False, activation=torch.nn.functional.silu), dict(layer_norm_eps=1e-3)],
                         ids=["post", "pre", "bf_gelu", "nobias_callable", "eps"])
@pytest.mark.parametrize("train", [False, True])
def test_encoder_decoder_layers(kw, train):
    bf = kw.get("batch_first", False)
    for cls in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        ekw = dict(kw)
        if ekw.get("activation") is torch.nn.functional.silu:
            ekw["activation"] = ember.nn.functional.silu
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.manual_seed(0)
            t = getattr(torch.nn, cls)(8, 2, 16, **kw)
            e = getattr(ember.nn, cls)(8, 2, 16, **ekw)
        copy_weights(e, t)
        assert repr(e).replace("silu", "") == repr(t).replace("silu", "")
        e.train(train), t.train(train)
        x = randn(*((2, 5, 8) if bf else (5, 2, 8)))
        mem = randn(*((2, 4, 8) if bf else (4, 2, 8)))
        (xe, xt), (me, mt) = both(x, True), both(mem, True)
        kpm = np.zeros((2, 5), bool)
        kpm[1, 3:] = True
        mask = torch.nn.Transformer.generate_square_subsequent_mask(5).numpy()
        torch.manual_seed(2)
        ember.manual_seed(2)
        if cls == "TransformerEncoderLayer":
            oe = e(xe, src_mask=ember.tensor(mask), src_key_padding_mask=ember.tensor(kpm))
            ot = t(xt, src_mask=torch.tensor(mask), src_key_padding_mask=torch.tensor(kpm))
            leaves = ((xe,), (xt,))
        else:
            oe = e(xe, me, tgt_mask=ember.tensor(mask), tgt_is_causal=True, tgt_key_padding_mask=ember.tensor(kpm))
            ot = t(xt, mt, tgt_mask=torch.tensor(mask), tgt_is_causal=True, tgt_key_padding_mask=torch.tensor(kpm))
            leaves = ((xe, me), (xt, mt))
        assert_same(oe, ot, atol=3e-5)
        w = randn(*ot.shape)
        (ot * torch.tensor(w)).sum().backward()
        (oe * ember.tensor(w)).sum().backward()
        compare_grads(e, t, *leaves, atol=1e-4)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_full(batch_first, norm_first):
    e, t = pair("Transformer", 8, 2, 2, 2, 16, batch_first=batch_first, norm_first=norm_first)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    src, tgt = randn(5, 3, 8), randn(4, 3, 8)
    if batch_first:
        src, tgt = np.ascontiguousarray(src.transpose(1, 0, 2)), np.ascontiguousarray(tgt.transpose(1, 0, 2))
    (se, st), (te, tt) = both(src, True), both(tgt, True)
    tm = ember.nn.Transformer.generate_square_subsequent_mask(4)
    assert_same(tm, torch.nn.Transformer.generate_square_subsequent_mask(4), atol=0)
    kpm = np.zeros((3, 5), bool)
    kpm[2, 2:] = True
    for train in (False, True):
        e.train(train), t.train(train)
        torch.manual_seed(9)
        ember.manual_seed(9)
        oe = e(se, te, tgt_mask=tm, src_key_padding_mask=ember.tensor(kpm), memory_key_padding_mask=ember.tensor(kpm))
        ot = t(st, tt, tgt_mask=torch.tensor(tm.numpy()), src_key_padding_mask=torch.tensor(kpm),
               memory_key_padding_mask=torch.tensor(kpm))
        assert_same(oe, ot, atol=3e-5)
    ot.pow(2).sum().backward()
    oe.pow(2).sum().backward()
    compare_grads(e, t, (se, te), (st, tt), atol=1e-4)


def test_transformer_default_init_matches_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(4)
        t = torch.nn.Transformer(8, 2, 1, 1, 12)
        ember.manual_seed(4)
        e = ember.nn.Transformer(8, 2, 1, 1, 12)
    for (k, a), (k2, b) in zip(e.state_dict().items(), t.state_dict().items()):
        assert k == k2
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_encoder_nested_inference_path():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        t = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                        torch.nn.LayerNorm(8))
        e = ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                        ember.nn.LayerNorm(8))
    copy_weights(e, t)
    assert e.use_nested_tensor and t.use_nested_tensor
    e.eval(), t.eval()
    x = randn(3, 6, 8)
    kpm = np.zeros((3, 6), bool)
    kpm[1, 4:] = True
    kpm[2, 1:] = True
    unaligned = kpm.copy()
    unaligned[0, 2] = True
    for mask in (kpm, unaligned):
        with torch.no_grad(), ember.no_grad():
            assert_same(e(ember.tensor(x), src_key_padding_mask=ember.tensor(mask)),
                        t(torch.tensor(x), src_key_padding_mask=torch.tensor(mask)), atol=3e-5)
    e.mask_check = t.mask_check = False
    with torch.no_grad(), ember.no_grad():
        assert_same(e(ember.tensor(x), src_key_padding_mask=ember.tensor(unaligned)),
                    t(torch.tensor(x), src_key_padding_mask=torch.tensor(unaligned)), atol=3e-5)
    # with autograd recording, torch takes the general path (padded positions are computed)
    assert_same(e(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm)),
                t(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm)), atol=3e-5)


def test_nested_tensor_warnings():
    for kw in (dict(), dict(batch_first=True, norm_first=True), dict(batch_first=True, activation=torch.tanh)):
        ekw = dict(kw)
        if "activation" in kw:
            ekw["activation"] = ember.tanh
        with warnings.catch_warnings(record=True) as wt:
            warnings.simplefilter("always")
            torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, **kw), 1)
        with warnings.catch_warnings(record=True) as we:
            warnings.simplefilter("always")
            ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(8, 2, 16, **ekw), 1)
        assert [str(w.message) for w in we] == [str(w.message) for w in wt]


def test_transformer_errors():
    def mk(m, **kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.nn.Transformer(8, 2, 1, 1, 16, **kw)
    cases = [
        lambda m: mk(m)(m.zeros(5, 2, 8), m.zeros(4, 3, 8)),
        lambda m: mk(m, batch_first=True)(m.zeros(2, 5, 8), m.zeros(3, 4, 8)),
        lambda m: mk(m)(m.zeros(5, 2, 6), m.zeros(4, 2, 6)),
        lambda m: m.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    ]
    for fn in cases:
        e, t = check_error(fn)
        assert str(e) == str(t)
