"""Sorting, order statistics, unique, searchsorted and histograms against torch."""
import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

NAN = float("nan")
INF = float("inf")
SHAPES = [(), (0,), (7,), (3, 5), (2, 3, 4), (2, 0, 3)]


def _dims(shape):
    return list(range(-max(len(shape), 1), max(len(shape), 1)))


def _ties(shape, seed=0, high=4):
    """Small integers (many ties) as float64, with a few NaNs."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, high, shape).astype(np.float64)
    if a.size:
        a.reshape(-1)[rng.random(a.size) < 0.15] = NAN
    return a


def _torch_raises(fn):
    try:
        fn(torch)
    except Exception:
        return True
    return False


# ----------------------------------------------------------------------------------------------------
# sort / argsort / msort

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_shapes(shape, descending):
    for d in _dims(shape):
        check(lambda m, x: m.sort(x, d, descending), [shape], grad=True, dtype=np.float64)
        check(lambda m, x: x.sort(dim=d, descending=descending, stable=True), [shape], noncontig=True)
        check(lambda m, x: m.argsort(x, d, descending), [shape])


@pytest.mark.parametrize("n", [1, 5, 16])
def test_sort_ties_and_nan_small(n):
    # torch's default CPU sort is an insertion sort up to 16 elements: stable, so exactly ember's order
    for seed in range(6):
        a = _ties((3, n), seed)
        for f in (lambda m, x: x.sort(), lambda m, x: x.sort(descending=True), lambda m, x: x.sort(0),
                  lambda m, x: x.sort(0, True), lambda m, x: x.argsort(), lambda m, x: x.argsort(1, True),
                  lambda m, x: m.msort(x)):
            check(f, [a], grad=True)


@pytest.mark.parametrize("n", [17, 100, 3000])
def test_stable_sort_large(n):
    a = _ties((2, n), 7, high=10)
    for f in (lambda m, x: x.sort(stable=True), lambda m, x: x.sort(descending=True, stable=True),
              lambda m, x: m.sort(x, dim=0, stable=True),
              lambda m, x: m.argsort(x, dim=1, descending=True, stable=True)):
        check(f, [a], grad=True)
    # stable=False: values match, indices form a valid permutation
    e = ember.sort(ember.from_numpy(a), 1)
    t = torch.sort(torch.from_numpy(a), 1)
    assert_same(e.values, t.values)
    assert_same(ember.gather(ember.from_numpy(a), 1, e.indices), t.values)


@pytest.mark.parametrize("dt", [np.int64, np.int8, np.uint8, np.bool_, np.float16, np.float32])
def test_sort_dtypes(dt):
    a = np.random.default_rng(1).integers(-3, 4, (4, 9)).astype(dt)
    for f in (lambda m, x: x.sort(), lambda m, x: x.sort(0, True), lambda m, x: x.argsort(1, True),
              lambda m, x: m.msort(x), lambda m, x: x.kthvalue(3, 0).values, lambda m, x: x.topk(3).values,
              lambda m, x: x.median(1), lambda m, x: x.mode(1)):
        if _torch_raises(lambda m: f(m, m.from_numpy(a.copy()))):
            check_error(lambda m: f(m, m.from_numpy(a.copy())))
        else:
            check(f, [a])
    e = ember.from_numpy(a.astype(np.float32)).to(ember.bfloat16).sort(1, True)
    t = torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16).sort(1, True)
    assert_same(e, t)


def test_sort_special_values():
    a = np.array([[INF, -INF, NAN, 0.0, -0.0, 1.0, NAN, -INF]])
    for f in (lambda m, x: x.sort(), lambda m, x: x.sort(descending=True), lambda m, x: x.argsort(),
              lambda m, x: x.msort(), lambda m, x: x.topk(3).values, lambda m, x: x.topk(3, largest=False).values,
              lambda m, x: x.kthvalue(7).values, lambda m, x: x.kthvalue(1).values, lambda m, x: x.kthvalue(6)):
        check(f, [a])


def test_sort_errors_and_out():
    for f in (lambda m: m.sort(m.ones(3, dtype=m.complex64)), lambda m: m.sort(m.tensor(3.), 1),
              lambda m: m.sort(m.ones(2, 3), 2), lambda m: m.argsort(m.ones(2), -2),
              lambda m: m.sort(m.ones(3), out=(m.empty(0, dtype=m.float64), m.empty(0, dtype=m.int64)))):
        check_error(f)
    e, t = check(lambda m, x: m.sort(x, 1, True, out=(m.empty(0), m.empty(0, dtype=m.int64))), [(3, 4)])
    assert type(e).__name__ == type(t).__name__ == "sort_out"
    assert type(ember.sort(ember.ones(2))).__name__ == "sort"
    assert ember.sort(ember.ones(2))._fields == ("values", "indices")
    x = ember.ones(3, requires_grad=True)
    assert not ember.sort(x).indices.requires_grad and not ember.argsort(x).requires_grad


# ----------------------------------------------------------------------------------------------------
# topk / kthvalue

@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (2, 3, 4), (2, 0, 3)])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(shape, largest):
    for d in _dims(shape):
        size = shape[d] if shape else 1
        for k in sorted({0, min(1, size), size // 2, size}):
            check(lambda m, x: m.topk(x, k, d, largest), [shape], grad=True, dtype=np.float64)
            check(lambda m, x: x.topk(k, dim=d, largest=largest, sorted=False).values.sort(d).values, [shape])


def test_topk_ties_and_nan():
    # among equal values torch's selection order is an implementation detail: compare values, and check
    # that the indices point at them
    a = _ties((4, 30), 3)
    for largest in (True, False):
        e = ember.topk(ember.from_numpy(a), 10, 1, largest)
        t = torch.topk(torch.from_numpy(a), 10, 1, largest)
        assert_same(e.values, t.values)
        assert_same(ember.gather(ember.from_numpy(a), 1, e.indices), t.values)
    check(lambda m, x: x.topk(2), [np.array([1., NAN, 3., NAN, 2.])])
    check(lambda m, x: x.topk(2, largest=False), [np.array([1., NAN, 3., NAN, 2.])])


def test_topk_errors():
    for f in (lambda m: m.topk(m.ones(3), 4), lambda m: m.topk(m.ones(3), -1), lambda m: m.topk(m.ones(3), 1, 1),
              lambda m: m.topk(m.tensor(1.), 2), lambda m: m.topk(m.ones(2, dtype=m.complex64), 1)):
        check_error(f)
    e, t = check(lambda m, x: m.topk(x, 2, out=(m.empty(0), m.empty(0, dtype=m.int64))), [(3, 4)])
    assert type(e).__name__ == "topk_out"


@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (2, 3, 4)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue(shape, keepdim):
    for d in _dims(shape):
        size = shape[d] if shape else 1
        for k in sorted({1, (size + 1) // 2, size}):
            check(lambda m, x: m.kthvalue(x, k, d, keepdim), [shape], grad=True, dtype=np.float64)


def test_kthvalue_ties_and_errors():
    a = _ties((5, 12), 4)
    for k in (1, 4, 12):
        e = ember.kthvalue(ember.from_numpy(a), k, 1)
        t = torch.kthvalue(torch.from_numpy(a), k, 1)
        assert_same(e.values, t.values)
        assert_same(ember.gather(ember.from_numpy(a), 1, e.indices.unsqueeze(1)).squeeze(1), t.values)
    check(lambda m, x: x.kthvalue(3), [np.array([1, 5, 2, 9], dtype=np.int32)])
    for f in (lambda m: m.kthvalue(m.ones(3), 0), lambda m: m.kthvalue(m.ones(3), 4),
              lambda m: m.kthvalue(m.empty(0, 3), 1, 0), lambda m: m.kthvalue(m.tensor(1.), 2),
              lambda m: m.kthvalue(m.ones(2, 3), 1, 2)):
        check_error(f)


# ----------------------------------------------------------------------------------------------------
# median / nanmedian / mode

@pytest.mark.parametrize("op", ["median", "nanmedian"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_median_shapes(op, shape, keepdim):
    check(lambda m, x: getattr(m, op)(x), [shape], grad=True, dtype=np.float64)
    for d in _dims(shape):
        fn = (lambda m, x: getattr(m, op)(x, d, keepdim))
        if _torch_raises(lambda m: fn(m, m.ones(shape))):
            check_error(lambda m: fn(m, m.ones(shape)))
        else:
            check(fn, [shape], grad=True, dtype=np.float64)


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_median_ties_and_nan(op):
    # torch breaks ties by index (nth_element on (value, index)): exactly ember's rule, at any size
    for seed in range(4):
        a = _ties((4, 40), seed)
        if op == "median":
            a[3] = NAN  # (nanmedian's index on an all-NaN slice is whatever torch's nth_element leaves first)
        for f in (lambda m, x: getattr(m, op)(x, 1), lambda m, x: getattr(m, op)(x, 0, True),
                  lambda m, x: getattr(m, op)(x), lambda m, x: getattr(x, op)(-1)):
            check(f, [a], grad=True)
        b = np.nan_to_num(a, nan=2.0)
        check(lambda m, x: getattr(m, op)(x), [b], grad=True)  # ties share the gradient of median()
    check(lambda m, x: getattr(m, op)(x), [np.array([3, 1, 4, 1, 5, 9, 2, 6], np.int64)])
    check(lambda m, x: getattr(m, op)(x, 0), [np.array([3, 1, 4, 1, 5, 9, 2, 6], np.int16)])
    check(lambda m, x: getattr(m, op)(x), [np.array([NAN, NAN])])
    check(lambda m, x: getattr(m, op)(x, 1), [np.array([[NAN, NAN], [NAN, 1.]])])
    check(lambda m, x: getattr(m, op)(x, 1).values, [np.full((2, 40), NAN)])
    check_error(lambda m: getattr(m, op)(m.tensor([True, False])))
    e, t = check(lambda m, x: getattr(m, op)(x, 1, out=(m.empty(0), m.empty(0, dtype=m.int64))), [(3, 4)])
    assert type(e).__name__ == op + "_out"


@pytest.mark.parametrize("shape", [(), (9,), (3, 5), (2, 3, 4)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_mode(shape, keepdim):
    # up to 16 elements per slice torch's sort is stable: the reported index (last occurrence) is exact
    for seed in range(3):
        a = np.random.default_rng(seed).integers(0, 3, shape).astype(np.float64)
        for d in _dims(shape):
            check(lambda m, x: m.mode(x, d, keepdim), [a], grad=True)
    check(lambda m, x: m.mode(x), [np.array([1., NAN, 2., NAN, 0.])])
    check(lambda m, x: m.mode(x), [np.array([True, False, True])])
    check(lambda m, x: m.mode(x, 0), [np.array([[5, 1], [5, 1], [2, 1]], np.int32)])


def test_mode_large_and_errors():
    a = np.random.default_rng(5).integers(0, 6, (3, 200)).astype(np.float32)
    e = ember.mode(ember.from_numpy(a))
    t = torch.mode(torch.from_numpy(a))
    assert_same(e.values, t.values)
    assert_same(ember.gather(ember.from_numpy(a), 1, e.indices.unsqueeze(1)).squeeze(1), t.values)
    for f in (lambda m: m.mode(m.empty(0, 3), 0), lambda m: m.mode(m.ones(2, 3), 2),
              lambda m: m.mode(m.ones(2, dtype=m.complex64))):
        check_error(f)
    check(lambda m, x: m.mode(x, 1), [(0, 3)])


@pytest.mark.parametrize("fn", [
    lambda m, x: x.sort(1).values ** 2, lambda m, x: x.sort(0, True).values ** 3, lambda m, x: x.topk(2).values ** 2,
    lambda m, x: x.kthvalue(2, 0).values ** 2, lambda m, x: x.median(1).values ** 2, lambda m, x: x.median() ** 2,
    lambda m, x: x.nanmedian(0, True).values ** 2, lambda m, x: m.quantile(x, 0.3, 1) ** 2,
    lambda m, x: m.nanquantile(x, 0.6) ** 2, lambda m, x: x.msort() ** 2,
])
def test_double_backward(fn):
    a = np.random.default_rng(12).uniform(-2, 2, (3, 5))
    out = []
    for m in (ember, torch):
        x = m.from_numpy(a.copy()).requires_grad_()
        y = fn(m, x)
        u = m.from_numpy(np.random.default_rng(1).uniform(-1, 1, tuple(y.shape)))
        g, = m.autograd.grad(y, x, u, create_graph=True)
        v = m.from_numpy(np.random.default_rng(2).uniform(-1, 1, a.shape))
        out.append(m.autograd.grad((g * v).sum(), x)[0])
    assert_same(out[0], out[1], atol=1e-6, rtol=1e-5)


# ----------------------------------------------------------------------------------------------------
# quantile / nanquantile

@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile(op, interpolation):
    a = np.random.default_rng(6).uniform(-2, 2, (3, 4, 5))
    qs = [0.0, 0.3, 0.5, 1.0, np.array([0.25, 0.5, 0.9]), np.array(0.4)]
    for q in qs:
        for dim in (None, 0, -1, 1):
            for keepdim in (False, True):
                def f(m, x, q=q, dim=dim, keepdim=keepdim):
                    qq = m.tensor(q, dtype=x.dtype) if isinstance(q, np.ndarray) else q
                    return getattr(m, op)(x, qq, dim, keepdim, interpolation=interpolation)
                check(f, [a], grad=True)


@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
def test_quantile_nan_and_shapes(op):
    a = np.array([[1., NAN, 3., 4.], [NAN, NAN, NAN, NAN], [2., 0., 7., 1.]])
    for f in (lambda m, x: getattr(m, op)(x, 0.5, 1), lambda m, x: getattr(m, op)(x, 0.2),
              lambda m, x: getattr(m, op)(x, m.tensor([0.1, 0.8], dtype=x.dtype), 1, True),
              lambda m, x: getattr(m, op)(x, 0.5, 0, interpolation="nearest")):
        check(f, [a])
    for f in (lambda m, x: getattr(m, op)(x, 0.5, 0), lambda m, x: getattr(m, op)(x, 0.5, 0, True),
              lambda m, x: getattr(m, op)(x, 0.7), lambda m, x: getattr(m, op)(x, 0.7, keepdim=True)):
        check(f, [np.array(2.5)], grad=True)
    check(lambda m, x: getattr(m, op)(x, 0.3, -1), [(2, 1)], grad=True)
    check(lambda m, x: getattr(m, op)(x, 0.3, 1, out=m.empty(0)), [(2, 5)])
    check(lambda m, x: x.to(m.float32).quantile(0.3), [(4, 5)])


def test_quantile_gradient_reaches_q():
    a = np.random.default_rng(7).uniform(-2, 2, (4, 6))
    q = np.array([0.15, 0.5, 0.85])
    check(lambda m, x, q: m.quantile(x, q, 1), [a, q], grad=True)
    check(lambda m, x, q: m.nanquantile(x, q), [a, q], grad=True)


@pytest.mark.parametrize("fn", [
    lambda m: m.quantile(m.ones(3), 1.5), lambda m: m.quantile(m.ones(3), -0.1),
    lambda m: m.quantile(m.ones(3, dtype=m.int64), 0.5), lambda m: m.quantile(m.empty(0), 0.5),
    lambda m: m.quantile(m.ones(3), m.tensor([0.5], dtype=m.float64)), lambda m: m.quantile(m.ones(3), m.ones(1, 1)),
    lambda m: m.quantile(m.ones(3), 0.5, interpolation="foo"), lambda m: m.quantile(m.ones(3), m.tensor([0.5, 2.])),
    lambda m: m.nanquantile(m.ones(2, 3), 0.5, 2), lambda m: m.quantile(m.ones(3, dtype=m.float16), 0.5),
])
def test_quantile_errors(fn):
    check_error(fn)


# ----------------------------------------------------------------------------------------------------
# unique / unique_consecutive

def _unique_calls(m, x):
    return [m.unique(x), m.unique(x, sorted=False), m.unique(x, return_inverse=True),
            m.unique(x, return_counts=True), m.unique(x, True, True, True), x.unique(return_counts=True),
            m.unique_consecutive(x), m.unique_consecutive(x, return_inverse=True, return_counts=True),
            x.unique_consecutive(return_counts=True)]


@pytest.mark.parametrize("a", [
    np.array([3, 1, 2, 3, 1, 1, 7]), np.array([[2, 2], [1, 3], [2, 2]]), np.array(4), np.array([], np.int64),
    np.array([1.5, NAN, 0.0, NAN, -0.0, 1.5]), np.array([True, False, True, True]),
    np.random.default_rng(8).integers(0, 5, (3, 4, 5)).astype(np.float32),
])
def test_unique(a):
    e = _unique_calls(ember, ember.from_numpy(a.copy()))
    t = _unique_calls(torch, torch.from_numpy(a.copy()))
    for x, y in zip(e, t):
        assert_same(x, y)


def test_unique_dim():
    a = np.array([[1, 2, 1, 1], [1, 0, 1, 0], [1, 2, 1, 1]])
    for d in (0, 1, -1):
        for f in (lambda m, x: m.unique(x, dim=d), lambda m, x: m.unique(x, return_inverse=True, dim=d),
                  lambda m, x: m.unique(x, return_counts=True, return_inverse=True, dim=d),
                  lambda m, x: m.unique_consecutive(x, True, True, d),
                  lambda m, x: m.unique_consecutive(x, return_counts=True, dim=d)):
            check(f, [a])
    b = np.random.default_rng(9).integers(0, 2, (4, 3, 5))
    for d in (0, 1, 2):
        check(lambda m, x: m.unique(x, return_inverse=True, return_counts=True, dim=d), [b])
        check(lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True, dim=d), [b])
    check(lambda m, x: m.unique(x, dim=0), [np.array([[1., NAN], [1., NAN]])])
    check(lambda m, x: m.unique(x, dim=0, return_inverse=True, return_counts=True), [np.empty((0, 3))])
    for f in (lambda m: m.unique(m.empty(2, 0), dim=0), lambda m: m.unique(m.ones(2, 3), dim=2),
              lambda m: m.unique_consecutive(m.empty(2, 0), dim=0)):
        check_error(f)


def test_unique_has_no_derivative():
    x = ember.tensor([1., 2., 1.], requires_grad=True)
    u = ember.unique(x)
    t = torch.unique(torch.tensor([1., 2., 1.], requires_grad=True))
    assert u.requires_grad == t.requires_grad and u.grad_fn.name() == t.grad_fn.name()
    check_error(lambda m: m.unique(m.tensor([1., 2.], requires_grad=True)).sum().backward())
    check_error(lambda m: m.unique_consecutive(m.tensor([1., 2.], requires_grad=True)).sum().backward())


# ----------------------------------------------------------------------------------------------------
# searchsorted / bucketize

def test_searchsorted():
    seq = np.array([1., 2., 2., 3., 5., 8.])
    vals = np.array([[0., 2., 2.5, 9., NAN], [8., 1., 5., -INF, INF]])
    for f in (lambda m, s, v: m.searchsorted(s, v), lambda m, s, v: m.searchsorted(s, v, right=True),
              lambda m, s, v: m.searchsorted(s, v, side="right"), lambda m, s, v: m.searchsorted(s, v, side="left"),
              lambda m, s, v: m.searchsorted(s, v, out_int32=True), lambda m, s, v: m.searchsorted(s, 2.0),
              lambda m, s, v: m.searchsorted(s, 4), lambda m, s, v: m.searchsorted(s, v.to(m.int64)),
              lambda m, s, v: m.searchsorted(s.to(m.int32), v), lambda m, s, v: m.searchsorted(s[:0], v),
              lambda m, s, v: m.searchsorted(s, v, out=m.empty(0, dtype=m.int64))):
        check(f, [seq, vals])
    # a NaN inside the boundaries: torch's binary search compares through it
    check(lambda m, s, v: m.searchsorted(s, v), [np.array([1., 2., 2., 3., NAN]), vals])
    check(lambda m, s, v: m.searchsorted(s, v, right=True), [np.array([1., 2., 2., 3., NAN]), vals])


def test_searchsorted_nd_and_sorter():
    rng = np.random.default_rng(10)
    seq = np.sort(rng.integers(0, 20, (2, 3, 7)), -1)
    vals = rng.integers(-2, 22, (2, 3, 4))
    for right in (False, True):
        check(lambda m, s, v: m.searchsorted(s, v, right=right), [seq, vals])
        check(lambda m, s, v: m.searchsorted(s[0, 0], v, right=right), [seq, vals])
    unsorted = rng.permutation(15).astype(np.float64)
    order = np.argsort(unsorted)
    for side in ("left", "right"):
        check(lambda m, s, v, o: m.searchsorted(s, v, side=side, sorter=o),
              [unsorted, np.array([-1., 3., 3.5, 14., 20.]), order])
    for f in (lambda m: m.searchsorted(m.tensor(3), m.tensor([2])),
              lambda m: m.searchsorted(m.tensor([[1, 3], [2, 4]]), m.tensor([[3, 6, 9]])),
              lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.]), side="middle"),
              lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.]), side="left", right=True),
              lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.]), sorter=m.tensor([0, 1, 2])),
              lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.]), sorter=m.tensor([0., 1.]))):
        check_error(f)


def test_bucketize():
    b = np.array([1, 3, 5, 7, 9])
    v = np.array([[1, 5], [9, 3], [0, 10]])
    for f in (lambda m, v, b: m.bucketize(v, b), lambda m, v, b: m.bucketize(v, b, right=True),
              lambda m, v, b: m.bucketize(v, b, out_int32=True), lambda m, v, b: m.bucketize(3, b),
              lambda m, v, b: m.bucketize(v.double() + 0.5, b)):
        check(f, [v, b])
    check_error(lambda m: m.bucketize(m.tensor([3]), m.tensor([[1, 3]])))


# ----------------------------------------------------------------------------------------------------
# histc / bincount

def test_histc():
    rng = np.random.default_rng(11)
    a = rng.normal(size=(50, 3)).astype(np.float32)
    for f in (lambda m, x: m.histc(x), lambda m, x: m.histc(x, 7), lambda m, x: m.histc(x, 5, -1, 1),
              lambda m, x: x.histc(bins=3, min=0, max=0.5), lambda m, x: m.histc(x.double(), 9, -2, 2),
              lambda m, x: m.histc(x * 0 + 2, 4), lambda m, x: m.histc(x[:0], 4),
              lambda m, x: m.histc(x, 4, 1, 1), lambda m, x: m.histc(x, 10, out=m.empty(0))):
        check(f, [a], atol=0, rtol=0)
    edges = np.array([0., 0.1, 0.2, 0.3, 0.7, 1.0, 1.0, 0.9999999, NAN, 1.1, -0.1], np.float32)
    for bins in (3, 10, 7):
        check(lambda m, x: m.histc(x, bins, 0, 1), [edges], atol=0, rtol=0)
        check(lambda m, x: m.histc(x.double(), bins, 0, 1), [edges], atol=0, rtol=0)
    check(lambda m, x: m.histc(x.half(), 6, -2, 2), [a], atol=0, rtol=0)
    check(lambda m, x: m.histc(x, 4), [np.array([1e10, 1e10], np.float32)], atol=0, rtol=0)
    assert not ember.histc(ember.ones(3, requires_grad=True)).requires_grad
    for f in (lambda m: m.histc(m.tensor([1, 2, 3])), lambda m: m.histc(m.ones(3), 0),
              lambda m: m.histc(m.ones(3), 3, 2, 1), lambda m: m.histc(m.tensor([1., INF]), 3),
              lambda m: m.histc(m.tensor([1., NAN]), 3)):
        check_error(f)


def test_bincount():
    x = np.array([0, 3, 3, 1, 7, 3])
    w32 = np.linspace(0, 1, 6).astype(np.float32)
    for f in (lambda m, x, w: m.bincount(x), lambda m, x, w: m.bincount(x, minlength=12),
              lambda m, x, w: m.bincount(x, w), lambda m, x, w: m.bincount(x, w.double(), 3),
              lambda m, x, w: m.bincount(x, w.half()), lambda m, x, w: m.bincount(x, (w > 0.5)),
              lambda m, x, w: m.bincount(x, x), lambda m, x, w: x.bincount(minlength=2),
              lambda m, x, w: m.bincount(x.to(m.uint8)), lambda m, x, w: m.bincount(x[:0]),
              lambda m, x, w: m.bincount(x[:0], minlength=3), lambda m, x, w: m.bincount(x[:0], w[:0])):
        check(f, [x, w32])
    for f in (lambda m: m.bincount(m.tensor([-1, 3])), lambda m: m.bincount(m.tensor([1., 3.])),
              lambda m: m.bincount(m.tensor([[1, 3]])), lambda m: m.bincount(m.tensor([1, 3]), minlength=-1),
              lambda m: m.bincount(m.tensor([1, 3]), m.tensor([1.])), lambda m: m.bincount(m.tensor([True]))):
        check_error(f)
