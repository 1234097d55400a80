"""Indexing conformance: __getitem__/__setitem__ and the gather/scatter/index_*/masked_*/take/put family."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import ember
from conformance import assert_same, check, check_error, to_ember, to_torch


def _grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _ver(t):
    return t._version_value if isinstance(t, ember.Tensor) else t._version


# ----------------------------------------------------------------------------------------------------
# basic indexing: views

BASIC = [
    lambda m: 1,
    lambda m: -1,
    lambda m: (0, 1),
    lambda m: (1, -2, 3),
    lambda m: slice(1, 3),
    lambda m: slice(None),
    lambda m: slice(None, None, 2),
    lambda m: slice(-100, 100),
    lambda m: slice(2, 1),
    lambda m: (slice(None), 1),
    lambda m: (slice(None), slice(1, None, 2)),
    lambda m: (Ellipsis, 0),
    lambda m: (Ellipsis, slice(0, 2)),
    lambda m: Ellipsis,
    lambda m: (),
    lambda m: (slice(None), slice(None)),
    lambda m: None,
    lambda m: (None, 0),
    lambda m: (0, None, slice(None), None),
    lambda m: (slice(None), None, slice(None, None, 2)),
    lambda m: (slice(None), slice(1, 2), None, 0),
    lambda m: (Ellipsis, None),
    lambda m: (None, Ellipsis, None),
    lambda m: m.tensor(1),
    lambda m: (m.tensor(-1), m.tensor(2, dtype=m.int32)),
    lambda m: (slice(m.tensor(1), None),),
    lambda m: np.int64(1),
    lambda m: (Ellipsis, 0, Ellipsis),
    lambda m: (Ellipsis, None, Ellipsis),
    lambda m: (0, Ellipsis, Ellipsis),
]


@pytest.mark.parametrize("make", BASIC)
def test_basic_index_is_view(make):
    e, t = check(lambda m, x: x[make(m)], [(3, 4, 5)], view=True, grad=True)
    assert e._base is not None
    assert _grad_fn_name(e) == _grad_fn_name(t)


@pytest.mark.parametrize("make", BASIC[:8] + BASIC[9:12])
def test_basic_index_noncontiguous(make):
    check(lambda m, x: x[make(m)], [(3, 4, 5)], view=True, grad=True, noncontig=True)


def test_basic_index_shares_version_and_storage():
    x = ember.arange(12.).reshape(3, 4)
    v = x[1:, None, ::2]
    v0 = _ver(x)
    v.mul_(2)
    assert _ver(x) == _ver(v) and _ver(x) != v0
    assert x[1, 0].item() == 8.0 and x[1, 1].item() == 5.0
    assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def test_basic_index_0d():
    check(lambda m, x: x[None], [np.array(3.0, np.float32)], view=True)
    check(lambda m, x: x[...], [np.array(3.0, np.float32)], view=True)
    check(lambda m, x: x[None, None], [np.array(3.0, np.float32)], view=True)
    check(lambda m, x: x[True], [np.array(3.0, np.float32)])


def test_slice_of_empty_and_unit_strides():
    check(lambda m, x: x[:, None], [np.zeros((0, 3), np.float32)])
    check(lambda m, x: x[1:1], [(4, 2)], view=True)


# ----------------------------------------------------------------------------------------------------
# advanced indexing: copies

ADVANCED = [
    lambda m: [0, 2],
    lambda m: [[0, 1], [2, 2]],
    lambda m: m.tensor([2, 0, 2]),
    lambda m: m.tensor([-1, 0]),
    lambda m: m.tensor([[0], [1]]),
    lambda m: (m.tensor([0, 1]), m.tensor([1, 3])),
    lambda m: (m.tensor([[0], [2]]), m.tensor([0, 1, 2])),
    lambda m: (slice(None), [0, 3]),
    lambda m: (slice(None), [0, 3], [1, 1]),
    lambda m: ([0, 1], slice(None), [1, 1]),
    lambda m: (0, slice(None), [0, 1]),
    lambda m: ([0, 1], slice(None), 0),
    lambda m: (None, [0, 1], None, [1, 2]),
    lambda m: (Ellipsis, [0, 1]),
    lambda m: (1, [0, 1], slice(1, 3)),
    lambda m: m.tensor([True, False, True]),
    lambda m: m.tensor([[True, False, True, True], [False, False, True, False], [True, True, True, True]]),
    lambda m: (m.tensor([[True, False, True, True], [False, False, True, False], [True, True, True, True]]), 1),
    lambda m: (slice(None), m.tensor([False, True, False, True])),
    lambda m: (m.tensor([True, False, True]), slice(1, 4), [0, 1]),
    lambda m: [True, False, True],
    lambda m: True,
    lambda m: False,
    lambda m: (True, [0, 1]),
    lambda m: (1, True),
    lambda m: m.tensor(True),
    lambda m: (m.tensor(False), 0),
    lambda m: m.tensor([0, 1], dtype=m.int32),
    lambda m: m.tensor([], dtype=m.int64),
    lambda m: ([], 0),
    lambda m: [1.0],
    lambda m: np.array([2, 0]),
    lambda m: [0] * 32,
]


@pytest.mark.parametrize("make", ADVANCED)
def test_advanced_index(make):
    x = np.random.default_rng(0).uniform(-1, 1, (3, 4, 5)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a list of lists reads as a tuple, with a deprecation warning
        e, t = check(lambda m, x: x[make(m)], [x], grad=True)
    assert e._base is None
    assert e.is_contiguous()
    assert _grad_fn_name(e) == _grad_fn_name(t)


@pytest.mark.parametrize("make", ADVANCED[:16])
def test_advanced_index_noncontiguous(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x: x[make(m)], [(3, 4, 5)], grad=True, noncontig=True)


def test_advanced_index_duplicates_accumulate_grad():
    check(lambda m, x: x[m.tensor([0, 0, 1, 0])] * 2, [(3, 2)], grad=True)
    check(lambda m, x: x[m.tensor([[0, 1], [1, 1]]), m.tensor([1, 1])], [(3, 2)], grad=True)


def test_non_tuple_sequence_is_read_as_tuple_with_warning():
    for make in (lambda m: [[0, 1], [1, 0]], lambda m: [m.tensor(0), m.tensor(1)], lambda m: [0, slice(None)],
                 lambda m: [None], lambda m: [[0]]):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            check(lambda m, x: x[make(m)], [(3, 4)])
        assert any("non-tuple sequence" in str(i.message) for i in w)


def test_uint8_index_warns():
    with pytest.warns(UserWarning, match="uint8"):
        e = ember.arange(3.)[ember.tensor([1, 0, 1], dtype=ember.uint8)]
    assert e.tolist() == [0.0, 2.0]


def test_integer_and_bool_tensors_keep_dtype():
    check(lambda m, x: x[m.tensor([1, 0])], [np.arange(6).reshape(3, 2)])
    check(lambda m, x: x[x > 2], [np.arange(6).reshape(3, 2)])
    check(lambda m, x: x[[1, 0]], [np.array([True, False, True])])


GET_ERRORS = [
    lambda m: m.zeros(2, 3)[2],
    lambda m: m.zeros(2, 3)[-3],
    lambda m: m.zeros(2, 3)[0, 3],
    lambda m: m.zeros(2, 3)[None, 5],
    lambda m: m.zeros(2, 3)[0, 0, 0],
    lambda m: m.zeros(2, 3, 4)[..., ..., 0],
    lambda m: m.zeros(2, 3)[::-1],
    lambda m: m.zeros(2, 3)[::0],
    lambda m: m.zeros(2, 3)[1.5],
    lambda m: m.zeros(2, 3)[1.5:],
    lambda m: m.zeros(2, 3)[m.tensor([0.0])],
    lambda m: m.zeros(2, 3)[m.tensor(1.0)],
    lambda m: m.zeros(2, 3)[m.tensor([0], dtype=m.int16)],
    lambda m: m.zeros(2, 3)[[5]],
    lambda m: m.zeros(2, 3)[:, [0, 3]],
    lambda m: m.zeros(2, 3)[[0, 1], [0, 1, 2]],
    lambda m: m.zeros(2, 3)[m.tensor([True, False, True])],
    lambda m: m.zeros(2, 3)[:, m.tensor([True, False])],
    lambda m: m.zeros(2, 3)[m.ones(2, 3, dtype=m.bool), 0],
    lambda m: m.zeros(2, 3)[m.zeros(0, dtype=m.bool)],
    lambda m: m.tensor(1.0)[0],
    lambda m: m.tensor(1.0)[0:1],
    lambda m: m.tensor(1.0)[..., :],
    lambda m: m.tensor(1.0)[[0]],
    lambda m: m.zeros(2, 3)["a"],
]


@pytest.mark.parametrize("fn", GET_ERRORS)
def test_getitem_errors(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(fn)


def test_getitem_error_messages():
    for fn in (lambda m: m.zeros(2, 3)[0, 3], lambda m: m.zeros(2, 3)[::-1], lambda m: m.zeros(2, 3)[0, [0, 7]],
               lambda m: m.zeros(2, 3, 4)[[0], [0, 7]], lambda m: m.zeros(2, 3)[:, m.tensor([True, False])],
               lambda m: m.zeros(2, 3)[0, 0, 0], lambda m: m.zeros(2, 3)[[0, 1], [0, 1, 2]],
               lambda m: m.tensor(1.0)[0], lambda m: m.tensor(1.0)[:], lambda m: m.tensor(1.0)[[0]]):
        check_error(fn, match_message=True)


# hypothesis: random basic and advanced index patterns

@st.composite
def _basic_index(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)))
    items = []
    dims_left = len(shape)
    ell = False
    d = 0
    for _ in range(draw(st.integers(0, len(shape) + 2))):
        kind = draw(st.sampled_from(["int", "slice", "none", "ell"]))
        if kind == "none":
            items.append(None)
        elif kind == "ell" and not ell:
            ell = True
            items.append(Ellipsis)
            skip = draw(st.integers(0, dims_left))
            d += skip
            dims_left -= skip
        elif dims_left and kind == "int" and shape[d] > 0:
            items.append(draw(st.integers(-shape[d], shape[d] - 1)))
            d += 1
            dims_left -= 1
        elif dims_left and kind in ("slice", "int"):
            n = shape[d]
            start = draw(st.none() | st.integers(-n - 2, n + 2))
            stop = draw(st.none() | st.integers(-n - 2, n + 2))
            step = draw(st.none() | st.integers(1, 3))
            items.append(slice(start, stop, step))
            d += 1
            dims_left -= 1
    return shape, tuple(items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_basic_index())
def test_hypothesis_basic_index(case):
    shape, idx = case
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    try:
        t = to_torch(x)[idx]
    except IndexError:
        with pytest.raises(IndexError):
            to_ember(x)[idx]
        return
    e = to_ember(x)[idx]
    assert_same(e, t, strides=t.numel() > 0)
    if t.numel():
        assert e.storage_offset() == t.storage_offset()
    assert e._base is not None


@st.composite
def _advanced_index(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    items = []
    for n in shape:
        kind = draw(st.sampled_from(["full", "int", "list", "mask", "slice"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "list":
            k = draw(st.integers(0, 3))
            items.append(draw(st.lists(st.integers(-n, n - 1), min_size=k, max_size=k)))
        elif kind == "mask":
            items.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))))
        elif kind == "slice":
            items.append(slice(draw(st.integers(0, n)), None))
        else:
            items.append(slice(None))
        if draw(st.booleans()) and draw(st.booleans()):
            items.append(None)
    return shape, tuple(items)


def _as_index(m, items):
    out = []
    for it in items:
        if isinstance(it, np.ndarray):
            out.append(m.tensor(it.tolist(), dtype=m.bool))
        elif isinstance(it, list):
            out.append(m.tensor(it, dtype=m.int64))
        else:
            out.append(it)
    return tuple(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_advanced_index())
def test_hypothesis_advanced_index(case):
    shape, items = case
    x = np.random.default_rng(1).uniform(-1, 1, shape).astype(np.float64)
    try:
        t = to_torch(x)[_as_index(torch, items)]
    except IndexError:
        with pytest.raises(IndexError):
            to_ember(x)[_as_index(ember, items)]
        return
    xe = to_ember(x, requires_grad=True)
    xt = to_torch(x, requires_grad=True)
    e = xe[_as_index(ember, items)]
    t = xt[_as_index(torch, items)]
    assert_same(e, t)
    g = np.random.default_rng(2).uniform(-1, 1, tuple(t.shape))
    (gt,) = torch.autograd.grad(t, xt, torch.from_numpy(g))
    (ge,) = ember.autograd.grad(e, xe, ember.from_numpy(g.copy()))
    assert_same(ge, gt)


# ----------------------------------------------------------------------------------------------------
# __setitem__

def _set(index, value, shape=(3, 4), dtype=np.float32):
    def fn(m):
        z = m.from_numpy(np.arange(int(np.prod(shape))).astype(dtype).reshape(shape))
        z[index(m)] = value(m) if callable(value) else value
        return z
    return fn


SETS = [
    (lambda m: 0, 1.5),
    (lambda m: (slice(None), 1), -2),
    (lambda m: 0, lambda m: m.ones(4)),
    (lambda m: 0, lambda m: m.ones(1, 4)),
    (lambda m: 0, lambda m: m.ones(1, 1, 4)),
    (lambda m: slice(0, 2), lambda m: m.arange(4.)),
    (lambda m: (slice(None), None, 1), lambda m: m.ones(3, 1)),
    (lambda m: Ellipsis, lambda m: m.ones(4)),
    (lambda m: (), 3.0),
    (lambda m: None, lambda m: m.ones(4)),
    (lambda m: [0, 2], 7.0),
    (lambda m: [0, 2], lambda m: m.arange(4.)),
    (lambda m: [0, 2], lambda m: m.ones(1, 2, 4)),
    (lambda m: (slice(None), [0, 3]), lambda m: m.tensor([[1.0], [2.0], [3.0]])),
    (lambda m: (0, [0, 3]), lambda m: m.tensor([5.0, 6.0])),
    (lambda m: m.tensor([True, False, True]), lambda m: m.tensor([[1.0], [2.0]])),
    (lambda m: m.arange(12).reshape(3, 4) > 5, 0.0),
    (lambda m: m.arange(12).reshape(3, 4) > 5, lambda m: m.arange(6.)),
    (lambda m: True, lambda m: m.ones(4)),
    (lambda m: 1, lambda m: m.ones(4, dtype=m.float64)),
    (lambda m: 1, np.float64(2.5)),
    (lambda m: (m.tensor([0, 0]), m.tensor([1, 1])), lambda m: m.tensor([3.0, 3.0])),
]


@pytest.mark.parametrize("index,value", SETS)
def test_setitem(index, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(_set(index, value)(ember), _set(index, value)(torch))


def test_setitem_int_dtypes_and_casts():
    assert_same(_set(lambda m: 0, 2.7, (3,), np.int64)(ember), _set(lambda m: 0, 2.7, (3,), np.int64)(torch))
    assert_same(_set(lambda m: [0], 2.7, (3,), np.int64)(ember), _set(lambda m: [0], 2.7, (3,), np.int64)(torch))
    assert_same(_set(lambda m: 0, -1, (3,), np.uint8)(ember), _set(lambda m: 0, -1, (3,), np.uint8)(torch))
    assert_same(_set(lambda m: 0, 2, (3,), np.bool_)(ember), _set(lambda m: 0, 2, (3,), np.bool_)(torch))
    assert_same(_set(lambda m: 0, 1 + 0j)(ember), _set(lambda m: 0, 1 + 0j)(torch))


SET_ERRORS = [
    _set(lambda m: 5, 1.0),
    _set(lambda m: 0, lambda m: m.ones(2, 4)),
    _set(lambda m: 0, lambda m: m.ones(3)),
    _set(lambda m: [0, 1], lambda m: m.ones(3)),
    _set(lambda m: [0, 1], lambda m: m.ones(4, dtype=m.float64)),
    _set(lambda m: [0], lambda m: m.tensor(2)),
    _set(lambda m: 0, [1, 2, 3, 4]),
    _set(lambda m: 0, lambda m: np.ones(4)),
    _set(lambda m: 0, 1 + 2j),
    _set(lambda m: 0, 300, (3,), np.int8),
    _set(lambda m: 0, float("inf"), (3,), np.int64),
    _set(lambda m: 0, 1e300),
    _set(lambda m: slice(None, None, -1), 1.0),
]


@pytest.mark.parametrize("fn", SET_ERRORS)
def test_setitem_errors(fn):
    check_error(fn)


def test_setitem_version_and_views():
    x = ember.zeros(3, 4)
    v = x[1]
    x[1, 2] = 5.0
    assert v[2].item() == 5.0 and _ver(x) == 1
    x[[0]] = ember.ones(1, 4)
    assert _ver(x) == 2 and x[0].sum().item() == 4.0
    v[...] = 2.0
    assert x[1].tolist() == [2.0] * 4


def test_setitem_leaf_errors():
    check_error(lambda m: m.zeros(3, requires_grad=True).__setitem__(0, 1.0), match_message=True)
    check_error(lambda m: m.zeros(3, requires_grad=True).__setitem__([0], 1.0), match_message=True)
    check_error(lambda m: m.zeros(3, requires_grad=True)[:2].__setitem__(0, 1.0), match_message=True)
    for m in (ember, torch):
        w = m.zeros(3, requires_grad=True)
        with m.no_grad():
            w[0] = 1.0
        assert w[0].item() == 1.0


@pytest.mark.parametrize("scalar", [False, True])
@pytest.mark.parametrize("index", [lambda m: 1, lambda m: (slice(None), 1), lambda m: [0, 2],
                                   lambda m: (1, [0, 2]), lambda m: m.tensor([True, False, True]),
                                   lambda m: (slice(1, 3), None, [1]), lambda m: Ellipsis])
def test_setitem_autograd(index, scalar):
    rng = np.random.default_rng(3)
    xa = rng.uniform(-1, 1, (3, 4))
    va = rng.uniform(-1, 1, tuple(torch.zeros(3, 4)[index(torch)].shape))
    res = []
    for m in (ember, torch):
        x = m.from_numpy(xa.copy()).requires_grad_()
        v = m.from_numpy(va.copy()).requires_grad_()
        y = x * 2
        y[index(m)] = 2.5 if scalar else v * 3
        out = (y * m.from_numpy(np.arange(12.).reshape(3, 4))).sum()
        grads = m.autograd.grad(out, (x,) if scalar else (x, v))
        res.append((y, grads, _grad_fn_name(y)))
    assert_same(res[0][0], res[1][0])
    assert_same(res[0][1], res[1][1])
    if not (scalar and res[1][2].startswith("Fill")):
        assert res[0][2] == res[1][2]


def test_setitem_value_requires_grad_into_plain_tensor():
    for idx in (slice(1, None), [1, 2]):
        res = []
        for m in (ember, torch):
            w = m.zeros(3, dtype=m.float64)
            v = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
            w[idx] = v
            (g,) = m.autograd.grad((w * m.tensor([1.0, 2.0, 3.0], dtype=m.float64)).sum(), v)
            res.append((w, g, _grad_fn_name(w)))
        assert_same(res[0][0], res[1][0])
        assert_same(res[0][1], res[1][1])
        assert res[0][2] == res[1][2]


# ----------------------------------------------------------------------------------------------------
# index_put

def test_index_put():
    check(lambda m, x, v: m.index_put(x, (m.tensor([0, 2]),), v), [(3, 4), (2, 4)], grad=True)
    check(lambda m, x, v: x.index_put([m.tensor([0, 2]), m.tensor([1, 1])], v), [(3, 4), (2,)], grad=True)
    check(lambda m, x, v: x.index_put((m.tensor([0, 0, 2]),), v, accumulate=True), [(3, 4), (3, 4)], grad=True)
    check(lambda m, x, v: x.index_put((m.tensor([True, False, True]),), v, True), [(3, 4), (4,)], grad=True)
    check(lambda m, x, v: x.index_put((m.tensor([1]),), v), [(3, 4), np.array(5, np.float32)], grad=True)
    check(lambda m, x, v: x.index_put((m.tensor([1], dtype=m.int32),), v), [(3, 4), (1, 4)], grad=True)


def test_index_put_inplace():
    for m in (ember, torch):
        x = m.zeros(3)
        r = x.index_put_((m.tensor([0, 0]),), m.tensor([1.0, 2.0]), accumulate=True)
        assert r is x and x.tolist() == [3.0, 0.0, 0.0] and _ver(x) == 1


INDEX_PUT_ERRORS = [
    lambda m: m.zeros(3).index_put((m.tensor([0]),), m.ones(1, dtype=m.float64)),
    lambda m: m.zeros(3).index_put((m.tensor([0, 1]),), m.ones(3)),
    lambda m: m.zeros(3).index_put((m.tensor([5]),), m.ones(1)),
    lambda m: m.zeros(3).index_put((m.tensor([0]), m.tensor([0])), m.ones(1)),
    lambda m: m.zeros(3).index_put((m.tensor([0]),), 5.0),
    lambda m: m.zeros(3).index_put((m.tensor([0.0]),), m.ones(1)),
    lambda m: m.zeros(3, requires_grad=True).index_put_((m.tensor([0]),), m.ones(1)),
]


@pytest.mark.parametrize("fn", INDEX_PUT_ERRORS)
def test_index_put_errors(fn):
    check_error(fn)


# ----------------------------------------------------------------------------------------------------
# gather / scatter family

def test_gather():
    check(lambda m, x: m.gather(x, 1, m.tensor([[0, 1], [3, 0], [2, 2]])), [(3, 4)], grad=True)
    check(lambda m, x: m.gather(x, 0, m.tensor([[0, 1], [2, 0]])), [(3, 4)], grad=True)
    check(lambda m, x: x.gather(1, m.tensor([[0, 1]], dtype=m.int32)), [(3, 4)], grad=True)
    check(lambda m, x: m.gather(x, -1, m.tensor([[0, 0, 0]])), [(3, 4)], grad=True)
    check(lambda m, x: m.gather(x, 0, m.tensor(0)), [np.array(2, np.float32)], grad=True)
    check(lambda m, x: m.gather(x, 0, m.tensor([0, 0])), [np.array(2, np.float32)], grad=True)
    check(lambda m, x: m.gather(x, 0, m.tensor(1)), [(3,)], grad=True)
    check(lambda m, x: m.gather(x, 1, m.zeros(0, 2, dtype=m.int64)), [(3, 4)], grad=True)
    check(lambda m, x: m.gather(x, 1, m.tensor([[0, 3]])), [(3, 4)], grad=True, noncontig=True)


def test_scatter():
    i = lambda m: m.tensor([[0, 1], [2, 3]])  # noqa: E731
    check(lambda m, x, s: m.scatter(x, 1, i(m), s), [(3, 4), (2, 2)], grad=True)
    check(lambda m, x, s: m.scatter(x, 1, i(m), s), [(3, 4), (3, 3)])  # torch can't differentiate this
    check(lambda m, x: m.scatter(x, 1, i(m), 2.5), [(3, 4)], grad=True)
    check(lambda m, x: x.scatter(0, m.tensor([[0, 1], [2, 0]]), value=-1.0), [(3, 4)], grad=True)
    check(lambda m, x, s: x.scatter(1, i(m).int(), s), [(3, 4), (2, 2)], grad=True)
    check(lambda m, x: m.scatter(x, 0, m.tensor(0), 5.0), [np.array(1, np.float32)], grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x, s: m.scatter(x, 1, m.tensor([[0, 0], [1, 1]]), s, reduce="add"), [(3, 4), (2, 2)])
        check(lambda m, x: m.scatter(x, 1, m.tensor([[0, 0], [1, 1]]), 3.0, reduce="multiply"), [(3, 4)])
    e = ember.scatter(ember.ones(2, requires_grad=True), 0, ember.tensor([0]), 2.0, reduce="add")
    assert type(e.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="not implemented"):
        e.sum().backward()


def test_scatter_inplace():
    for m in (ember, torch):
        x = m.zeros(3)
        assert x.scatter_(0, m.tensor([2]), m.tensor([4.0])) is x
        x.scatter_add_(0, m.tensor([2, 2]), m.tensor([1.0, 1.0]))
        assert x.tolist() == [0.0, 0.0, 6.0] and _ver(x) == 2


def test_scatter_add():
    check(lambda m, x, s: m.scatter_add(x, 1, m.tensor([[0, 0], [3, 3]]), s), [(3, 4), (2, 2)], grad=True)
    check(lambda m, x, s: x.scatter_add(0, m.tensor([[0, 0, 0, 0]]), s), [(3, 4), (2, 4)])
    # a src larger than the index: ember sends zeros to the unused part (torch's backward refuses)
    s = ember.ones(2, 3, requires_grad=True)
    r = ember.scatter_add(ember.zeros(2, 3), 1, ember.tensor([[2], [0]]), s)
    (g,) = ember.autograd.grad((r * ember.arange(6.).reshape(2, 3)).sum(), s)
    assert g.tolist() == [[2.0, 0.0, 0.0], [3.0, 0.0, 0.0]]
    check(lambda m, x, s: m.scatter_add(x, 0, m.tensor([0, 0, 1]), s), [(3,), (3,)], grad=True)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    idx = lambda m: m.tensor([[0, 0, 2], [1, 1, 1]])  # noqa: E731
    check(lambda m, x, s: m.scatter_reduce(x, 1, idx(m), s, reduce, include_self=include_self),
          [(2, 4), (2, 3)], dtype=np.float64, grad=True)
    zs = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    check(lambda m, x, s: m.scatter_reduce(x, 1, idx(m), s, reduce, include_self=include_self),
          [(2, 4), zs], dtype=np.float64, grad=True)
    ints = np.array([[-4, 1, 7, 2], [3, -5, 0, 9]])
    check(lambda m, x, s: m.scatter_reduce(x, 1, idx(m), s, reduce, include_self=include_self),
          [ints, np.array([[1, 2, -3], [4, -7, 6]])])


def test_scatter_reduce_ties_and_aliases():
    x = np.array([1.0, 5.0, 2.0])
    s = np.array([5.0, 5.0, 2.0])
    check(lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([1, 1, 2]), s, "amax"), [x, s], dtype=np.float64,
          grad=True)
    check(lambda m, x, s: x.scatter_reduce(0, m.tensor([1, 1, 2]), s, "amin", include_self=False), [x, s],
          grad=True)
    check(lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([1, 1, 2]), s, "max"), [x, s])
    check(lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([], dtype=m.int64), s[:0], "mean"), [x, s])


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x, s: m.index_reduce(x, 0, m.tensor([0, 2, 0]), s, reduce, include_self=include_self),
              [(3, 4), (3, 4)], dtype=np.float64, grad=True)
        check(lambda m, x, s: x.index_reduce(1, m.tensor([1, 1], dtype=m.int32), s, reduce,
                                             include_self=include_self),
              [np.array([[-4, 1, 7], [3, -5, 0]]), np.array([[1, 2], [-7, 6]])])


def test_index_select():
    check(lambda m, x: m.index_select(x, 0, m.tensor([2, 0, 2])), [(3, 4)], grad=True)
    check(lambda m, x: x.index_select(1, m.tensor([3, 0], dtype=m.int32)), [(3, 4)], grad=True)
    check(lambda m, x: m.index_select(x, 1, m.tensor(1)), [(3, 4)], grad=True)
    check(lambda m, x: m.index_select(x, 0, m.tensor([0])), [np.array(4, np.float32)], grad=True)
    check(lambda m, x: m.index_select(x, -1, m.tensor([], dtype=m.int64)), [(3, 4)], grad=True)
    check(lambda m, x: m.index_select(x, 0, m.tensor([1, 1])), [(3, 4)], grad=True, noncontig=True)


def test_index_add_copy_fill():
    idx = lambda m: m.tensor([0, 2, 0])  # noqa: E731
    check(lambda m, x, s: m.index_add(x, 0, idx(m), s), [(3, 4), (3, 4)], grad=True)
    check(lambda m, x, s: x.index_add(1, m.tensor([3, 3]), s, alpha=-2.5), [(3, 4), (3, 2)], grad=True)
    check(lambda m, x, s: m.index_add(x, 0, m.tensor([1], dtype=m.int32), s), [(3, 4), (1, 4)], grad=True)
    check(lambda m, x, s: m.index_add(x, 0, m.tensor([0]), s), [np.array(1, np.float32),
                                                                 np.array(2, np.float32)], grad=True)
    check(lambda m, x, s: m.index_add(x, 0, m.tensor([0]), s, alpha=1.5), [np.arange(3), np.array([2])])
    check(lambda m, x, s: m.index_copy(x, 0, m.tensor([2, 0]), s), [(3, 4), (2, 4)], grad=True)
    check(lambda m, x, s: x.index_copy(1, m.tensor([1]), s), [(3, 4), (3, 1)], grad=True)
    check(lambda m, x: m.index_fill(x, 1, m.tensor([2, 0]), -1.0), [(3, 4)], grad=True)
    check(lambda m, x: x.index_fill(0, m.tensor([-1]), 7), [(3, 4)], grad=True)
    check(lambda m, x, v: m.index_fill(x, 1, m.tensor([2, 0]), v), [(3, 4), np.array(3, np.float32)], grad=True)
    check(lambda m, x: m.index_fill(x, 0, m.tensor([1]), 2.9), [np.arange(6).reshape(3, 2)])


def test_index_inplace_variants():
    for m in (ember, torch):
        x = m.zeros(3, 2)
        x.index_add_(0, m.tensor([1, 1]), m.ones(2, 2))
        x.index_copy_(0, m.tensor([0]), m.full((1, 2), 5.0))
        x.index_fill_(1, m.tensor([1]), -1.0)
        x.masked_fill_(x == 2, 9.0)
        x.put_(m.tensor([5]), m.tensor([8.0]))
        assert x.tolist() == [[5.0, -1.0], [9.0, -1.0], [0.0, 8.0]]
        assert _ver(x) == 5


def test_masked_ops():
    mask = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
    check(lambda m, x, k: m.masked_select(x, k), [(3, 4), mask], grad=True)
    check(lambda m, x, k: m.masked_select(x, k), [(4,), mask], grad=True)
    check(lambda m, x, k: x.masked_select(k), [(3, 1), mask[:, :1].T], grad=True)
    check(lambda m, x, k: m.masked_fill(x, k, 1.5), [(3, 4), mask], grad=True)
    check(lambda m, x, k: m.masked_fill(x, k, 1.5), [(4,), mask], grad=True)
    check(lambda m, x, k, v: m.masked_fill(x, k, v), [(3, 4), mask, np.array(2, np.float32)], grad=True)
    check(lambda m, x, k, v: x.masked_fill(k, v), [(3, 4), mask, np.array(2, np.float64)], grad=True)
    check(lambda m, x, k: m.masked_fill(x, k, 1.7), [np.arange(12).reshape(3, 4), mask])
    check(lambda m, x, k, s: m.masked_scatter(x, k, s), [(3, 4), mask, (2, 5)], grad=True)
    check(lambda m, x, k, s: m.masked_scatter(x, k, s), [(4,), mask, (12,)], grad=True)
    check(lambda m, x, k, s: x.masked_scatter(k, s), [(3, 4), mask, (6,)], grad=True, noncontig=True)


def test_masked_inplace_broadcast_error():
    check_error(lambda m: m.zeros(2).masked_fill_(m.tensor([[True, False], [True, True]]), 0.0),
                match_message=True)
    for m in (ember, torch):
        x = m.zeros(2, 2)
        x.masked_scatter_(m.tensor([True, False]), m.tensor([1.0, 2.0, 3.0]))
        assert x.tolist() == [[1.0, 0.0], [2.0, 0.0]]


def test_take_put():
    check(lambda m, x: m.take(x, m.tensor([[0, 11], [-1, 3]])), [(3, 4)], grad=True)
    check(lambda m, x: x.take(m.tensor([5, 5, 0])), [(3, 4)], grad=True, noncontig=True)
    check(lambda m, x: m.take(x, m.tensor([], dtype=m.int64)), [(0,)], grad=True)
    check(lambda m, x, s: m.put(x, m.tensor([0, 5]), s), [(3, 4), (2,)], grad=True)
    check(lambda m, x, s: x.put(m.tensor([[0, 0]]), s, accumulate=True), [(3, 4), (2,)], grad=True)
    check(lambda m, x, s: x.put(m.tensor([-1, 3]), s, True), [(3, 4), (1, 2)], grad=True)


def test_take_along_dim():
    check(lambda m, x: m.take_along_dim(x, m.tensor([[0], [1], [2]]), 1), [(3, 4)], grad=True)
    check(lambda m, x: m.take_along_dim(x, m.tensor([0, 5, 11, 5])), [(3, 4)], grad=True)
    check(lambda m, x: m.take_along_dim(x, m.tensor([[0, 1]]), 1), [(3, 4)], grad=True)
    check(lambda m, x: x.take_along_dim(m.tensor([[0, 1]] * 3), 1), [(1, 4)], grad=True)
    check(lambda m, x: m.take_along_dim(x, m.tensor([[-1, 0, 2, -3]]), 0), [(3, 4)], grad=True)
    check(lambda m, x: m.take_along_dim(x, m.tensor([[3, 2, 1, 0]]), 1), [(3, 4)], grad=True, noncontig=True)


def test_nonzero_argwhere():
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    check(lambda m, x: m.nonzero(x), [x], view=False)
    e, t = check(lambda m, x: m.argwhere(x), [x])
    assert e.stride() == t.stride()
    check(lambda m, x: m.nonzero(x, as_tuple=True), [x])
    check(lambda m, x: x.nonzero(), [np.array([True, False, True])])
    check(lambda m, x: m.nonzero(x), [np.zeros((0, 3))])
    check(lambda m, x: m.nonzero(x), [np.array(5, np.float64)])
    check(lambda m, x: m.nonzero(x, as_tuple=True), [np.array(5, np.float64)])
    check(lambda m, x: m.nonzero(x, as_tuple=True), [np.array(0, np.float64)])
    check(lambda m, x: m.where(x), [x])


OP_ERRORS = [
    lambda m: m.gather(m.zeros(3, 4), 1, m.zeros(1, 2)),
    lambda m: m.gather(m.zeros(3, 4), 1, m.zeros(4, 2, dtype=m.int64)),
    lambda m: m.gather(m.zeros(3, 4), 1, m.tensor([[4]])),
    lambda m: m.gather(m.zeros(3, 4), 1, m.tensor([[-1]])),
    lambda m: m.gather(m.zeros(3, 4), 1, m.tensor([0])),
    lambda m: m.gather(m.zeros(3, 4), 2, m.tensor([[0]])),
    lambda m: m.scatter(m.zeros(3, 4), 1, m.tensor([[4]]), 1.0),
    lambda m: m.scatter(m.zeros(3, 4), 1, m.tensor([[0]]), m.ones(1, 1, dtype=m.float64)),
    lambda m: m.scatter(m.zeros(3, 4), 1, m.tensor([[0, 1]]), m.ones(1, 1)),
    lambda m: m.scatter(m.zeros(3, 4), 1, m.tensor([1]), 1.0),
    lambda m: m.scatter(m.zeros(3, 4), 1, m.tensor([[1]]), 1.0, reduce="max"),
    lambda m: m.scatter(m.zeros(3, dtype=m.int8), 0, m.tensor([0]), 300),
    lambda m: m.scatter_add(m.zeros(3), 0, m.tensor([3]), m.ones(1)),
    lambda m: m.scatter_add(m.zeros(3), 0, m.tensor([0.0]), m.ones(1)),
    lambda m: m.scatter_reduce(m.zeros(3), 0, m.tensor([0]), m.ones(1), "foo"),
    lambda m: m.index_reduce(m.zeros(3), 0, m.tensor([0]), m.ones(1), "sum"),
    lambda m: m.index_reduce(m.zeros(3), 0, m.tensor([3]), m.ones(1), "prod"),
    lambda m: m.index_select(m.zeros(3, 4), 0, m.tensor([3])),
    lambda m: m.index_select(m.zeros(3, 4), 0, m.tensor([-1])),
    lambda m: m.index_select(m.zeros(3, 4), 0, m.tensor([[0]])),
    lambda m: m.index_select(m.zeros(3, 4), 0, m.tensor([0], dtype=m.int16)),
    lambda m: m.index_select(m.tensor(1.0), 0, m.tensor([0, 0])),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([0, 5]), m.ones(2, 4)),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([0.0]), m.ones(1, 4)),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([[0]]), m.ones(1, 4)),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([0, 0]), m.ones(3, 4)),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([0, 0]), m.ones(2, 3)),
    lambda m: m.index_add(m.zeros(3, 4), 0, m.tensor([0]), m.ones(1, 4, dtype=m.float64)),
    lambda m: m.index_add(m.zeros(2), 0, m.tensor(0), m.tensor(2.0)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0], dtype=m.int32), m.ones(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([5]), m.ones(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0]), m.ones(1, 3)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0]), m.ones(2, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([[0]]), m.ones(1, 4)),
    lambda m: m.index_copy(m.zeros(3, 4), 0, m.tensor([0]), m.ones(1, 4, dtype=m.float64)),
    lambda m: m.index_fill(m.zeros(3, 4), 1, m.tensor([4]), 1.0),
    lambda m: m.index_fill(m.zeros(3, 4), 1, m.tensor([0], dtype=m.int32), 1.0),
    lambda m: m.index_fill(m.zeros(3, 4), 1, m.tensor([[0]]), 1.0),
    lambda m: m.index_fill(m.zeros(3, 4), 1, m.tensor([0]), m.tensor([1.0])),
    lambda m: m.masked_select(m.zeros(3), m.tensor([1, 0, 1], dtype=m.uint8)),
    lambda m: m.masked_select(m.zeros(3), m.ones(2, dtype=m.bool)),
    lambda m: m.masked_fill(m.zeros(3), m.tensor([1.0, 0, 1]), 1.0),
    lambda m: m.masked_fill(m.zeros(3), m.ones(3, dtype=m.bool), m.tensor([1.0])),
    lambda m: m.masked_fill(m.zeros(3), m.ones(3, dtype=m.bool), 1j),
    lambda m: m.masked_scatter(m.zeros(3), m.ones(3, dtype=m.bool), m.ones(2)),
    lambda m: m.masked_scatter(m.zeros(3), m.ones(3, dtype=m.bool), m.ones(3, dtype=m.int64)),
    lambda m: m.take(m.zeros(3, 4), m.tensor([12])),
    lambda m: m.take(m.zeros(3, 4), m.tensor([-13])),
    lambda m: m.take(m.zeros(3, 4), m.tensor([1], dtype=m.int32)),
    lambda m: m.take(m.zeros(0), m.tensor([0])),
    lambda m: m.zeros(3).put_(m.tensor([3]), m.ones(1)),
    lambda m: m.zeros(3).put_(m.tensor([0, 1]), m.ones(3)),
    lambda m: m.zeros(3).put_(m.tensor([0]), m.ones(1, dtype=m.float64)),
    lambda m: m.zeros(3).put_(m.tensor([0], dtype=m.int32), m.ones(1)),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0]], dtype=m.int32), 1),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([0]), 1),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([-1])),
    lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0, 1]]), 0),
]


@pytest.mark.parametrize("fn", OP_ERRORS)
def test_op_errors(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(fn)


def test_grad_fn_names():
    x = ember.ones(3, 4, requires_grad=True)
    t = torch.ones(3, 4, requires_grad=True)
    i = [0, 2]
    for fn in (lambda m, x: m.gather(x, 1, m.tensor([[0]])), lambda m, x: m.scatter(x, 1, m.tensor([[0]]), 1.0),
               lambda m, x: m.scatter(x, 1, m.tensor([[0]]), m.ones(1, 1)),
               lambda m, x: m.scatter_add(x, 1, m.tensor([[0]]), m.ones(1, 1)),
               lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0]]), m.ones(1, 1), "amax"),
               lambda m, x: m.index_select(x, 0, m.tensor(i)), lambda m, x: m.masked_select(x, x > 0),
               lambda m, x: m.masked_fill(x, x > 0, 1.0), lambda m, x: m.masked_scatter(x, x > 0, m.ones(12)),
               lambda m, x: m.index_add(x, 0, m.tensor(i), m.ones(2, 4)),
               lambda m, x: m.index_copy(x, 0, m.tensor(i), m.ones(2, 4)),
               lambda m, x: m.index_fill(x, 0, m.tensor(i), 2.0), lambda m, x: m.take(x, m.tensor(i)),
               lambda m, x: m.take_along_dim(x, m.tensor([[0]]), 1), lambda m, x: m.put(x, m.tensor(i), m.ones(2)),
               lambda m, x: m.index_put(x, (m.tensor(i),), m.ones(4)), lambda m, x: x[i], lambda m, x: x[0, 1:],
               lambda m, x: x[0:1, None], lambda m, x: x[..., 1], lambda m, x: x[:, :]):
        assert _grad_fn_name(fn(ember, x)) == _grad_fn_name(fn(torch, t))


def test_double_backward_through_index_and_gather():
    for fn in (lambda m, x: (x[m.tensor([0, 0, 2])] ** 2).sum(),
               lambda m, x: (m.gather(x, 1, m.tensor([[0, 0], [1, 0], [2, 2]])) ** 3).sum(),
               lambda m, x: (x.masked_select(x > 0) ** 2).sum(),
               lambda m, x: (m.scatter_reduce(x, 1, m.tensor([[0, 0, 1]] * 3), x, "prod") ** 2).sum()):
        res = []
        xa = np.random.default_rng(5).uniform(-1, 1, (3, 3))
        for m in (ember, torch):
            x = m.from_numpy(xa.copy()).requires_grad_()
            (g,) = m.autograd.grad(fn(m, x), x, create_graph=True)
            (gg,) = m.autograd.grad((g * m.from_numpy(np.arange(9.).reshape(3, 3))).sum(), x)
            res.append((g, gg))
        assert_same(res[0][0], res[1][0])
        assert_same(res[0][1], res[1][1])


def test_internal_helpers():
    from ember._ops.indexing import _scatter_into_zeros, index_put
    g = ember.tensor([[1.0], [2.0]], requires_grad=True)
    r = _scatter_into_zeros((2, 3), 1, ember.tensor([[2], [0]]), g)
    assert r.tolist() == [[0.0, 0.0, 1.0], [2.0, 0.0, 0.0]]
    (gg,) = ember.autograd.grad((r * ember.arange(6.).reshape(2, 3)).sum(), g)
    assert gg.tolist() == [[2.0], [3.0]]
    flat = index_put(ember.zeros(4), (ember.tensor([1, 1, 3]),), ember.ones(3), True)
    assert flat.tolist() == [0.0, 2.0, 0.0, 1.0]
    check(lambda m, x: m.max(x, 1)[0], [(3, 4)], grad=True)
