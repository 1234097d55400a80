"""Embedding and EmbeddingBag against torch: lookups, padding_idx (zero gradient), scale_grad_by_freq, max_norm
renormalisation in place, sum/mean/max bags with offsets, include_last_offset, per_sample_weights and
padding_idx; the modules' initialisation under the same seed, reprs, from_pretrained; gradients, gradcheck,
double backward and errors."""
import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(4)


def _w(n=10, d=3, dtype=np.float64):
    return RNG.standard_normal((n, d)).astype(dtype)


@pytest.mark.parametrize("idx", [[1, 2, 4, 2], [[0, 9], [9, 3]], 5, [], [[[1], [1]], [[2], [0]]]])
@pytest.mark.parametrize("kw", [{}, dict(padding_idx=2), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
                                dict(padding_idx=1, scale_grad_by_freq=True)])
def test_embedding(idx, kw):
    idx = np.array(idx, dtype=np.int64)
    w = _w()
    e, t = check(lambda m, w: m.nn.functional.embedding(m.tensor(idx), w, **kw), [w], dtype=np.float64, grad=True,
                 atol=0, grad_atol=1e-12)
    if idx.size:
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    check(lambda m, w: m.nn.functional.embedding(m.tensor(idx).int(), w, **kw), [w.astype(np.float32)], grad=True)


def test_embedding_torch_name_and_int_weight():
    idx = np.array([[1, 3], [3, 0]])
    check(lambda m, w: m.embedding(w, m.tensor(idx), 3, True), [_w()], dtype=np.float64, grad=True)
    check(lambda m: m.nn.functional.embedding(m.tensor(idx), m.arange(20).reshape(10, 2)), [])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0])
def test_embedding_max_norm(norm_type):
    w = _w(8, 4) * 2
    idx = np.array([[1, 3, 3], [5, 1, 0]])
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ye = ember.nn.functional.embedding(ember.tensor(idx), we, max_norm=1.5, norm_type=norm_type)
    yt = torch.nn.functional.embedding(torch.tensor(idx), wt, max_norm=1.5, norm_type=norm_type)
    assert_same(ye, yt, atol=1e-12)
    assert_same(we, wt, atol=1e-12)  # the looked-up rows were renormalised in place, the others untouched
    ye.sum().backward()
    yt.sum().backward()
    assert_same(we.grad, wt.grad, atol=1e-12)
    check(lambda m, w: m.embedding_renorm_(w, m.tensor(idx), 1.0, norm_type), [w], dtype=np.float64)


def test_embedding_double_backward_and_gradcheck():
    w = ember.tensor(_w(6, 2), requires_grad=True)
    idx = ember.tensor([[1, 2], [2, 5]])
    F = ember.nn.functional
    assert ember.autograd.gradcheck(lambda w: F.embedding(idx, w, padding_idx=0), (w,))
    assert ember.autograd.gradgradcheck(lambda w: F.embedding(idx, w) ** 2, (w,))


EMB_ERRORS = [
    lambda m: m.nn.functional.embedding(m.tensor([1.0, 2.0]), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding(m.tensor([1, 20]), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding(m.tensor([1, -1]), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding(m.tensor([1, 2], dtype=m.int16), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding(m.tensor([1, 2]), m.zeros(10)),
    lambda m: m.nn.functional.embedding(m.tensor([1, 2]), m.zeros(10, 3), padding_idx=10),
    lambda m: m.nn.functional.embedding(m.tensor([1, 2]), m.zeros(10, 3), padding_idx=-11),
]


@pytest.mark.parametrize("i", range(len(EMB_ERRORS)))
def test_embedding_errors(i):
    check_error(EMB_ERRORS[i])


def test_embedding_sparse_gradient_not_implemented():
    w = ember.zeros(10, 3, requires_grad=True)
    with pytest.raises(NotImplementedError):
        ember.nn.functional.embedding(ember.tensor([1, 2]), w, sparse=True)
    with ember.no_grad():
        ember.nn.functional.embedding(ember.tensor([1, 2]), w, sparse=True)


@pytest.mark.parametrize("kw", [dict(), dict(padding_idx=0), dict(padding_idx=-2, max_norm=1.0),
                                dict(scale_grad_by_freq=True, norm_type=1.0), dict(sparse=True, _freeze=True)])
def test_embedding_module(kw):
    ember.manual_seed(5)
    torch.manual_seed(5)
    me, mt = ember.nn.Embedding(7, 4, **kw), torch.nn.Embedding(7, 4, **kw)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    assert_same(me.weight, mt.weight, exact=True)
    idx = np.array([[0, 5, 6], [5, 3, 1]])
    ye, yt = me(ember.tensor(idx)), mt(torch.tensor(idx))
    assert_same(ye, yt, atol=1e-6)
    if me.weight.requires_grad:
        ye.pow(2).sum().backward()
        yt.pow(2).sum().backward()
        assert_same(me.weight.grad, mt.weight.grad, atol=1e-5)


def test_embedding_from_pretrained():
    w = _w(5, 3)
    for freeze in (True, False):
        me = ember.nn.Embedding.from_pretrained(ember.tensor(w), freeze=freeze, padding_idx=1)
        mt = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=freeze, padding_idx=1)
        assert repr(me) == repr(mt)
        assert me.weight.requires_grad == mt.weight.requires_grad
        assert_same(me(ember.tensor([1, 4])), mt(torch.tensor([1, 4])))
    for m in (ember, torch):
        with pytest.raises(AssertionError):
            m.nn.Embedding.from_pretrained(m.zeros(3))
        with pytest.raises(AssertionError):
            m.nn.Embedding(3, 2, _weight=m.zeros(2, 2))
        with pytest.raises(AssertionError):
            m.nn.Embedding(3, 2, padding_idx=3)


# ----------------------------------------------------------------------------------------------------
# embedding_bag

BAGS = [
    ([1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 2, 5], {}),
    ([1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 2, 8], dict(include_last_offset=True)),
    ([1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 8], dict(include_last_offset=True)),
    ([1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 2, 5], dict(padding_idx=4)),
    ([1, 2, 4, 5, 4, 3, 2, 9], [0, 1, 4], dict(padding_idx=-1, scale_grad_by_freq=True)),
    ([3, 3, 3, 4, 5, 6, 0, 0], [0, 2, 5], dict(padding_idx=0, scale_grad_by_freq=True)),
    ([[1, 2, 4], [4, 3, 3], [0, 9, 9]], None, {}),
    ([[1, 2, 4], [4, 4, 4]], None, dict(padding_idx=4)),
    ([2, 2, 7], [0, 0, 0], {}),
    ([], [0, 0], {}),
]


@pytest.mark.parametrize("idx,offsets,kw", BAGS, ids=[str(i) for i in range(len(BAGS))])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(idx, offsets, kw, mode):
    if mode == "max" and kw.get("scale_grad_by_freq"):
        return
    idx = np.array(idx, dtype=np.int64)
    off = None if offsets is None else np.array(offsets, dtype=np.int64)
    w = _w()

    def call(m, w):
        return m.nn.functional.embedding_bag(m.tensor(idx), w, None if off is None else m.tensor(off), mode=mode,
                                             **kw)
    e, t = check(call, [w], dtype=np.float64, grad=True, atol=1e-12, grad_atol=1e-12)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    if mode == "sum":
        psw = RNG.standard_normal(idx.shape)
        check(lambda m, w, p: m.nn.functional.embedding_bag(m.tensor(idx), w, None if off is None else m.tensor(off),
                                                            mode="sum", per_sample_weights=p, **kw),
              [w, psw], dtype=np.float64, grad=True, atol=1e-12, grad_atol=1e-12)


def test_embedding_bag_gradcheck_and_double_backward():
    w = ember.tensor(_w(6, 2), requires_grad=True)
    p = ember.tensor(RNG.standard_normal(5), requires_grad=True)
    idx, off = ember.tensor([1, 2, 2, 5, 0]), ember.tensor([0, 2])
    F = ember.nn.functional
    for mode in ("sum", "mean", "max"):
        assert ember.autograd.gradcheck(lambda w: F.embedding_bag(idx, w, off, mode=mode, padding_idx=0), (w,))
    assert ember.autograd.gradcheck(lambda w, p: F.embedding_bag(idx, w, off, mode="sum", per_sample_weights=p),
                                    (w, p))
    assert ember.autograd.gradgradcheck(lambda w, p: F.embedding_bag(idx, w, off, mode="sum", per_sample_weights=p),
                                        (w, p))


def test_embedding_bag_max_norm():
    w = _w(8, 4) * 2
    idx, off = np.array([1, 3, 3, 5, 1]), np.array([0, 2])
    we, wt = ember.tensor(w), torch.tensor(w)
    ye = ember.nn.functional.embedding_bag(ember.tensor(idx), we, ember.tensor(off), max_norm=1.2)
    yt = torch.nn.functional.embedding_bag(torch.tensor(idx), wt, torch.tensor(off), max_norm=1.2)
    assert_same(ye, yt, atol=1e-12)
    assert_same(we, wt, atol=1e-12)


BAG_ERRORS = [
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([1])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0, 5])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 20]), m.zeros(10, 3), m.tensor([0])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding_bag(m.tensor([[1, 2]]), m.zeros(10, 3), m.tensor([0])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([[[1, 2]]]), m.zeros(10, 3)),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([[0]])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10), m.tensor([0])),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), mode="median"),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), mode="max",
                                            scale_grad_by_freq=True),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), mode="max",
                                            sparse=True),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), mode="mean",
                                            per_sample_weights=m.ones(2)),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]),
                                            per_sample_weights=m.ones(3)),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), mode="sum",
                                            per_sample_weights=m.ones(2, dtype=m.float64)),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2]), m.zeros(10, 3), m.tensor([0]), padding_idx=10),
    lambda m: m.nn.functional.embedding_bag(m.tensor([1.0, 2.0]), m.zeros(10, 3), m.tensor([0])),
]


def test_embedding_bag_trailing_input_after_last_offset():
    """torch's modes disagree on input past offsets[-1] with include_last_offset; ember refuses it."""
    with pytest.raises(NotImplementedError):
        ember.nn.functional.embedding_bag(ember.tensor([1, 2, 3]), ember.zeros(5, 2), ember.tensor([0, 2]),
                                          include_last_offset=True)


@pytest.mark.parametrize("i", range(len(BAG_ERRORS)))
def test_embedding_bag_errors(i):
    check_error(BAG_ERRORS[i])


@pytest.mark.parametrize("kw", [dict(), dict(mode="sum", padding_idx=1), dict(mode="max", max_norm=2.0),
                                dict(norm_type=1.0, scale_grad_by_freq=True, include_last_offset=True)])
def test_embedding_bag_module(kw):
    ember.manual_seed(9)
    torch.manual_seed(9)
    me, mt = ember.nn.EmbeddingBag(6, 3, **kw), torch.nn.EmbeddingBag(6, 3, **kw)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    assert_same(me.weight, mt.weight, exact=True)
    idx, off = np.array([0, 5, 1, 1, 4, 2]), np.array([0, 2, 3, 6] if kw.get("include_last_offset") else [0, 2, 3])
    ye, yt = me(ember.tensor(idx), ember.tensor(off)), mt(torch.tensor(idx), torch.tensor(off))
    assert_same(ye, yt, atol=1e-6)
    ye.sum().backward()
    yt.sum().backward()
    assert_same(me.weight.grad, mt.weight.grad, atol=1e-5)
    pe = ember.nn.EmbeddingBag.from_pretrained(ember.tensor(_w(4, 2)), mode="sum")
    assert not pe.weight.requires_grad
    assert repr(pe) == "EmbeddingBag(4, 2, mode='sum')"
