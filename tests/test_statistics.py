"""Conformance of cov, corrcoef, histogram, histogramdd, trapezoid, trapz, cumulative_trapezoid and gradient
with torch: values, dtypes, shapes, gradients (and gradcheck in float64), warnings and errors."""
import functools
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error


def same(fn, **kw):
    t, e = fn(torch), fn(ember)
    assert_same(e, t, **kw)
    return e, t


def same_or_error(fn, **kw):
    try:
        fn(torch)
    except Exception:
        check_error(fn, match_message=True)
        return None
    return same(fn, **kw)


def gradcheck(fn, *arrays):
    ins = tuple(ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in arrays)
    assert ember.autograd.gradcheck(fn, ins)


RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, (3, 5))
N1 = RNG.normal(size=1000)
N2 = RNG.normal(size=500)
N3 = RNG.normal(size=(300, 3))


# ----------------------------------------------------------------------------------------------------
# cov / corrcoef

def test_cov_values_and_dtypes():
    fw = np.array([1, 2, 1, 3, 0])
    aw = np.array([0.5, 1.0, 2.0, 1.0, 0.25])
    for dt in ("float32", "float64", "int64", "int32", "float16", "complex64"):
        same(lambda m: m.cov(m.tensor(X * 3).to(getattr(m, dt))), atol=2e-2 if dt == "float16" else 1e-5, rtol=1e-2)
    for kw in ({}, {"correction": 0}, {"correction": 2}):
        same(lambda m: m.cov(m.tensor(X), **kw))
        same(lambda m: m.cov(m.tensor(X), fweights=m.tensor(fw), **kw))
        same(lambda m: m.cov(m.tensor(X), aweights=m.tensor(aw), **kw))
        same(lambda m: m.cov(m.tensor(X), fweights=m.tensor(fw).int(), aweights=m.tensor(aw).float(), **kw))
    same(lambda m: m.cov(m.tensor(X).float(), aweights=m.tensor(aw)))
    same(lambda m: m.cov(m.tensor(X).long(), aweights=m.tensor(aw)))
    same(lambda m: m.cov(m.tensor(X).t().contiguous().t()))
    same(lambda m: m.cov(m.tensor(X)[0]))
    same(lambda m: m.cov(m.tensor(X)[0, ::2]))
    same(lambda m: m.cov(m.zeros(2, 0)))
    same(lambda m: m.cov(m.zeros(0, 3)))
    same(lambda m: m.cov(m.zeros(0)))
    same(lambda m: m.tensor(X).cov(correction=0))
    for m in (torch, ember):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            r = m.cov(m.tensor(X), correction=5)
        if m is torch:
            t = r
        else:
            assert_same(r, t)
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            r = m.cov(m.tensor(2.0))
        assert np.isnan(r.item())


def test_cov_autograd():
    aw = np.array([0.5, 1.0, 2.0, 1.0, 0.25])
    check(lambda m, x: m.cov(x), [X], grad=True)
    check(lambda m, x, w: m.cov(x, aweights=w), [X, aw], grad=True)
    check(lambda m, x: m.cov(x, fweights=m.tensor([1, 2, 1, 3, 1]), correction=0), [X], grad=True)
    gradcheck(lambda x: ember.cov(x), X)
    gradcheck(lambda x, w: ember.cov(x, aweights=w), X, aw)


COV_ERRORS = [
    lambda m: m.cov(m.zeros(2, 2, 2)),
    lambda m: m.cov(m.zeros(2, 3, dtype=m.bool)),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor([1.0, 2.0, 1.0])),
    lambda m: m.cov(m.zeros(2, 3), aweights=m.tensor([1, 2, 1])),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor([1, 2])),
    lambda m: m.cov(m.zeros(2, 3), aweights=m.tensor([1.0, 2.0])),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor([1, -2, 1])),
    lambda m: m.cov(m.zeros(2, 3), aweights=m.tensor([1.0, -2.0, 1.0])),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor([0, 0, 0])),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor([[1, 2, 1]])),
    lambda m: m.cov(m.zeros(2, 3), aweights=m.ones(3, 1)),
    lambda m: m.cov(m.zeros(2, 3), fweights=m.tensor(3)),
    lambda m: m.corrcoef(m.zeros(2, 2, 2)),
    lambda m: m.corrcoef(m.zeros(2, 3, dtype=m.bool)),
]


@pytest.mark.parametrize("fn", COV_ERRORS)
def test_cov_errors(fn):
    check_error(fn, match_message=True)
    check_error(lambda m: m.cov(m.zeros(2, 3), 1))


def test_corrcoef():
    for dt in ("float32", "float64", "int64"):
        same(lambda m: m.corrcoef(m.tensor(X * 3).to(getattr(m, dt))))
    same(lambda m: m.corrcoef(m.tensor(X)[0]))
    same(lambda m: m.corrcoef(m.tensor([[1.0, 1, 1], [1, 2, 3]])))
    same(lambda m: m.corrcoef(m.tensor(X).to(m.complex128) * (1 + 1j) + 1j * m.tensor(X[::-1].copy())))
    same(lambda m: m.tensor(X).corrcoef())
    check(lambda m, x: m.corrcoef(x), [X], grad=True)
    gradcheck(lambda x: ember.corrcoef(x), X)
    e = ember.corrcoef(ember.tensor(X, requires_grad=True))
    assert type(e.grad_fn).__name__ == type(torch.corrcoef(torch.tensor(X, requires_grad=True)).grad_fn).__name__


# ----------------------------------------------------------------------------------------------------
# histograms

V = np.array([1.0, 2, 1, 2.5, 4, 0.5], np.float32)


def hist(fn):
    """Compare a histogram result (a named tuple) field by field."""
    t, e = fn(torch), fn(ember)
    assert type(e).__name__ == type(t).__name__
    assert_same(e.hist, t.hist)
    assert_same(tuple(e.bin_edges) if isinstance(t.bin_edges, tuple) else e.bin_edges,
                tuple(t.bin_edges) if isinstance(t.bin_edges, tuple) else t.bin_edges)
    return e, t


def test_histogram():
    w = np.arange(1.0, 7.0, dtype=np.float32)
    for dt in ("float32", "float64"):
        for kw in ({}, {"density": True}, {"range": (0.0, 3.0)}, {"range": [0, 3], "density": True},
                   {"weight": w}, {"weight": w, "density": True}, {"range": (1.0, 1.0)}):
            def run(m):
                k = dict(kw)
                if "weight" in k:
                    k["weight"] = m.tensor(k["weight"]).to(getattr(m, dt))
                return m.histogram(m.tensor(V).to(getattr(m, dt)), 4, **k)
            hist(run)
    hist(lambda m: m.histogram(m.tensor(V)))
    hist(lambda m: m.histogram(m.tensor(V), bins=3))
    hist(lambda m: m.histogram(m.tensor(V), m.tensor([0.0, 1, 2, 5])))
    hist(lambda m: m.histogram(m.tensor(V), bins=m.tensor([0.0, 1, 2, 5]), density=True))
    hist(lambda m: m.histogram(m.tensor(V), m.tensor([2.0, 1, 5])))
    hist(lambda m: m.histogram(m.tensor(V), m.tensor([0.0, 1, 2, 5]), weight=m.tensor(w)))
    hist(lambda m: m.histogram(m.tensor(V).view(2, 3), 3))
    hist(lambda m: m.histogram(m.tensor(V).view(2, 3).t(), 3, weight=m.ones(6)))
    hist(lambda m: m.histogram(m.tensor([]), 3))
    hist(lambda m: m.histogram(m.tensor([]), 3, density=True))
    hist(lambda m: m.histogram(m.tensor([2.0, 2.0]), 3))
    hist(lambda m: m.histogram(m.tensor([1.0, 2.0]), 3, weight=m.tensor([0.0, 0.0]), density=True))
    hist(lambda m: m.histogram(m.tensor([0.1, 0.2, 0.3, 0.7]), 3, range=(0.1, 0.7)))
    hist(lambda m: m.histogram(m.tensor([0.0, 1.0, 1.0000001, 3.0]), 3))
    hist(lambda m: m.histogram(m.tensor(N1), 17))
    hist(lambda m: m.histogram(m.tensor(N2).double(), 13, range=(-1.0, 1.5)))
    hist(lambda m: m.tensor(V).histogram(3))
    hist(lambda m: m.tensor(V).histogram(m.tensor([0.0, 2.0, 4.0])))

    def with_out(m):
        out = (m.empty(0), m.empty(0))
        r = m.histogram(m.tensor(V), 3, out=out)
        assert r.hist is out[0] and r.bin_edges is out[1]
        return r
    hist(with_out)
    e, t = hist(lambda m: m.histogram(m.tensor(V), 3))
    assert repr(e) == repr(t)


def test_histogram_autograd_not_implemented():
    for m in (torch, ember):
        h = m.histogram(m.tensor(V, requires_grad=True), 3)
        assert type(h.hist.grad_fn).__name__ == "NotImplemented" and h.bin_edges.requires_grad
        h = m.histogram(m.tensor(V), m.tensor([0.0, 1.0, 5.0]), weight=m.ones(6, dtype=m.float64,
                                                                               requires_grad=True).float())
        assert h.hist.requires_grad
    check_error(lambda m: m.histogram(m.tensor(V, requires_grad=True), 3).hist.sum().backward(), match_message=True)
    check_error(lambda m: m.histogramdd(m.zeros(3, 2, requires_grad=True), 2).hist.sum().backward(),
                match_message=True)
    check_error(lambda m: m.histogramdd(m.zeros(3, 2, requires_grad=True),
                                        [m.tensor([0.0, 1.0]), m.tensor([0.0, 1.0])]).hist.sum().backward(),
                match_message=True)


HIST_ERRORS = [
    lambda m: m.histogram(m.tensor(V).long(), 3),
    lambda m: m.histogram(m.tensor(V).half(), 3),
    lambda m: m.histogram(m.tensor(V), m.tensor([0.0, 1, 5]).double()),
    lambda m: m.histogram(m.tensor(V), m.tensor([0, 1, 5])),
    lambda m: m.histogram(m.tensor(V), 0),
    lambda m: m.histogram(m.tensor(V), -1),
    lambda m: m.histogram(m.tensor(V), 3, range=(3.0, 1.0)),
    lambda m: m.histogram(m.tensor([float("nan")]), 3),
    lambda m: m.histogram(m.tensor([float("inf"), 1.0]), 3),
    lambda m: m.histogram(m.tensor(V), m.tensor([[0.0, 1, 2, 5]])),
    lambda m: m.histogram(m.tensor(V), m.tensor([])),
    lambda m: m.histogram(m.tensor(V), m.tensor([1.0])),
    lambda m: m.histogram(m.tensor(V), 3, weight=m.ones(5)),
    lambda m: m.histogram(m.tensor(V), 3, weight=m.ones(6).double()),
    lambda m: m.histogram(m.tensor(V), 3, range=[0.0, 3.0, 4.0]),
    lambda m: m.histogram(m.tensor(V), 3, range=(float("nan"), 3.0)),
    lambda m: m.histogram(m.tensor(V), 3.5),
    lambda m: m.histogram(m.tensor(V), m.tensor([0.0, 5.0]), range=(0.0, 1.0)),
    lambda m: m.histogramdd(m.tensor(V), 3),
    lambda m: m.histogramdd(m.zeros(4, 2), [3]),
    lambda m: m.histogramdd(m.zeros(4, 2), 2, range=[0.0, 1.0]),
    lambda m: m.histogramdd(m.zeros(4, 2), 2, weight=m.ones(3)),
    lambda m: m.histogramdd(m.zeros(4, 2), [2, 0]),
    lambda m: m.histogramdd(m.zeros(4, 2), [m.tensor([0.0, 1, 2])]),
    lambda m: m.histogramdd(m.zeros(4, 2).double(), [m.tensor([0.0, 1]), m.tensor([0.0, 1])]),
    lambda m: m.histogramdd(m.zeros(4, 2), 2.0),
    lambda m: m.histogramdd(m.zeros(4, 2), bins=m.tensor([0.0, 1.0])),
]


@pytest.mark.parametrize("fn", HIST_ERRORS)
def test_histogram_errors(fn):
    check_error(fn, match_message=fn not in HIST_ERRORS[16:18] and fn not in HIST_ERRORS[25:])


def test_histogramdd():
    p = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]])
    pw = np.array([1.0, 2.0, 4.0, 8.0])
    for dt in ("float32", "float64"):
        for bins in (2, [3, 3], (2, 4)):
            for kw in ({}, {"density": True}, {"range": [0.0, 1.0, 0.0, 1.0]}, {"weight": pw},
                       {"weight": pw, "density": True, "range": (0.0, 2.0, -1.0, 1.0)}):
                def run(m):
                    k = dict(kw)
                    if "weight" in k:
                        k["weight"] = m.tensor(k["weight"]).to(getattr(m, dt))
                    return m.histogramdd(m.tensor(p).to(getattr(m, dt)), bins, **k)
                hist(run)
    hist(lambda m: m.histogramdd(m.tensor(p).float(), [m.tensor([0.0, 1, 2]), m.tensor([0.0, 0.5, 2])]))
    hist(lambda m: m.histogramdd(m.tensor(p).float(), (m.tensor([0.0, 1, 2]), m.tensor([0.0, 0.5, 2])),
                                 density=True))
    hist(lambda m: m.histogramdd(m.tensor(p).float().view(2, 2, 2), 2))
    hist(lambda m: m.histogramdd(m.tensor(p).float().t().contiguous().t(), 2, None, m.tensor(pw).float()))
    hist(lambda m: m.histogramdd(m.zeros(0, 2), 2))
    hist(lambda m: m.histogramdd(m.zeros(3, 0), 2))
    hist(lambda m: m.histogramdd(m.tensor([[0.0], [1.0]]), [m.tensor([0.0, 1, 2])]))
    hist(lambda m: m.histogramdd(m.tensor(N3).float(), [4, 3, 5]))
    e, t = hist(lambda m: m.histogramdd(m.tensor(p), 2))
    assert type(e.bin_edges) is tuple and repr(e) == repr(t)


# ----------------------------------------------------------------------------------------------------
# trapezoid rule

Y = np.array([[1.0, 2, 4, 7], [3, 5, 9, 2]])
XS = np.array([0.0, 1, 3, 4])


@pytest.mark.parametrize("fn", ["trapezoid", "trapz", "cumulative_trapezoid"])
def test_trapezoid_family(fn):
    calls = [lambda m, f: f(m.tensor(Y)), lambda m, f: f(m.tensor(Y), dx=2), lambda m, f: f(m.tensor(Y), dx=2.5, dim=0),
             lambda m, f: f(m.tensor(Y), m.tensor(XS)), lambda m, f: f(m.tensor(Y), x=m.tensor(XS)),
             lambda m, f: f(m.tensor(Y), m.tensor([[0.0, 1], [1, 2.5]]).t(), dim=0),
             lambda m, f: f(m.tensor(Y), m.tensor([[0.0, 1, 3, 4], [0, 2, 3, 5]])),
             lambda m, f: f(m.tensor(Y), m.tensor([[[0.0, 1, 3, 4]]])),
             lambda m, f: f(m.tensor(Y).long()), lambda m, f: f(m.tensor(Y).long(), m.tensor(XS).long()),
             lambda m, f: f(m.tensor(Y).long(), dx=2), lambda m, f: f(m.tensor(Y).long(), dx=2.5),
             lambda m, f: f(m.tensor(Y).int(), m.tensor(XS).int()), lambda m, f: f(m.tensor(Y).half(), dx=2),
             lambda m, f: f(m.tensor(Y).float(), m.tensor(XS)), lambda m, f: f(m.tensor(Y).t(), dim=0),
             lambda m, f: f(m.zeros(2, 0)), lambda m, f: f(m.zeros(0, 2), dim=0), lambda m, f: f(m.zeros(2, 1)),
             lambda m, f: f(m.zeros(0, 2, dtype=m.int64), dim=0),
             lambda m, f: f(m.zeros(2, 0, 3), m.tensor(XS[:3]), dim=1),
             lambda m, f: f(m.tensor(Y), dx=True), lambda m, f: f(m.tensor(Y), dx=1j),
             lambda m, f: f(m.tensor(Y), dx=np.float32(0.5)),
             lambda m, f: f(m.tensor(Y).bool()), lambda m, f: f(m.tensor(Y), m.tensor(XS).bool()),
             lambda m, f: f(m.tensor(Y), m.tensor(XS[:2])), lambda m, f: f(m.tensor(3.0)),
             lambda m, f: f(m.tensor(Y), m.tensor(XS), dim=2), lambda m, f: f(m.tensor(Y), 2.0),
             lambda m, f: f(m.tensor(Y), m.tensor(2.0)), lambda m, f: f(m.tensor(Y), m.tensor([1.0, 2.0]).view(2, 1))]
    for call in calls:
        same_or_error(lambda m: call(m, getattr(m, fn)))
    check(lambda m, y: getattr(m, fn)(y), [Y], grad=True)
    check(lambda m, y, x: getattr(m, fn)(y, x), [Y, XS], grad=True)
    check(lambda m, y: getattr(m, fn)(y, dx=0.5, dim=0), [Y], grad=True, noncontig=True)
    gradcheck(lambda y, x: getattr(ember, fn)(y, x), Y, XS)
    gradcheck(lambda y: getattr(ember, fn)(y, dx=1.5), Y)
    for call in (lambda m: getattr(m, fn)(m.tensor(Y, requires_grad=True)),
                 lambda m: getattr(m, fn)(m.tensor(Y, requires_grad=True), m.tensor(XS))):
        assert type(call(ember).grad_fn).__name__.rstrip("01") == type(call(torch).grad_fn).__name__.rstrip("01")


# ----------------------------------------------------------------------------------------------------
# gradient

G = np.array([[1.0, 2, 4, 8, 11], [10, 20, 40, 80, 3], [5, -1, 2, 0.5, 7]])


def test_gradient():
    coords = [np.array([0.0, 1.0, 3.5]), np.array([0.0, 1, 3, 4, 7])]
    calls = [lambda m, gr: gr(m.tensor(G)), lambda m, gr: gr(m.tensor(G), spacing=2.0),
             lambda m, gr: gr(m.tensor(G), spacing=2), lambda m, gr: gr(m.tensor(G), spacing=(2.0, 0.5)),
             lambda m, gr: gr(m.tensor(G), spacing=[1, 2]), lambda m, gr: gr(m.tensor(G), dim=1),
             lambda m, gr: gr(m.tensor(G), dim=-1), lambda m, gr: gr(m.tensor(G), dim=(1, 0)),
             lambda m, gr: gr(m.tensor(G), spacing=3.0, dim=[0]),
             lambda m, gr: gr(m.tensor(G), spacing=[m.tensor(c) for c in coords]),
             lambda m, gr: gr(m.tensor(G), spacing=[m.tensor(coords[1])], dim=1),
             lambda m, gr: gr(m.tensor(G), spacing=(m.tensor(coords[1]), m.tensor(coords[0])), dim=[1, 0]),
             lambda m, gr: gr(m.tensor(G), spacing=[m.tensor(coords[1]).long()], dim=1),
             lambda m, gr: gr(m.tensor(G).float(), spacing=[m.tensor(coords[1])], dim=1),
             lambda m, gr: gr(m.tensor(G).long()), lambda m, gr: gr(m.tensor(G).int(), spacing=2),
             lambda m, gr: gr(m.tensor(G).long(), spacing=2.5),
             lambda m, gr: gr(m.tensor(G).half()), lambda m, gr: gr(m.tensor(G).to(m.complex64)),
             lambda m, gr: gr(m.tensor(G), spacing=1j), lambda m, gr: gr(m.tensor(G).t()),
             lambda m, gr: gr(m.tensor(G).float()[:, ::2]), lambda m, gr: gr(m.tensor(1.0)),
             lambda m, gr: gr(m.tensor(G)[0], spacing=np.float64(0.25)),
             lambda m, gr: gr(m.tensor(G).view(3, 5, 1), dim=(0, 1)),
             lambda m, gr: gr(m.tensor(G), spacing=[m.tensor([0.0, 1, 3, 4, 5.0])], dim=0)]
    for edge_order in (1, 2):
        for call in calls:
            same_or_error(lambda m: call(m, functools.partial(m.gradient, edge_order=edge_order)))


GRADIENT_ERRORS = [
    lambda m: m.gradient(m.tensor(G), edge_order=3), lambda m: m.gradient(m.tensor(G), edge_order=0),
    lambda m: m.gradient(m.tensor(G), spacing=[1.0]), lambda m: m.gradient(m.tensor(G), spacing=[1.0], dim=(0, 1)),
    lambda m: m.gradient(m.tensor([1.0])), lambda m: m.gradient(m.tensor([1.0, 2.0]), edge_order=2),
    lambda m: m.gradient(m.zeros(0)), lambda m: m.gradient(m.zeros(3, 0)),
    lambda m: m.gradient(m.tensor(G), spacing=[m.tensor([[0.0, 1, 3, 4, 5]])], dim=1),
    lambda m: m.gradient(m.tensor(G), spacing=[m.tensor(2.0)], dim=1), lambda m: m.gradient(m.tensor(G), dim=2),
    lambda m: m.gradient(m.tensor(G), dim=(1, 1)), lambda m: m.gradient(m.tensor(G).bool()),
    lambda m: m.gradient(m.tensor(G).to(m.uint8)), lambda m: m.gradient(m.tensor(G), spacing=m.tensor([2.0])),
    lambda m: m.gradient(m.tensor(G), spacing=[2, m.tensor([0.0, 1, 3, 4, 5])]),
]


@pytest.mark.parametrize("fn", GRADIENT_ERRORS)
def test_gradient_errors(fn):
    check_error(fn, match_message=fn is not GRADIENT_ERRORS[14])


def test_gradient_autograd():
    c = np.array([0.0, 1, 3, 4, 7])
    for edge_order in (1, 2):
        check(lambda m, g: m.gradient(g, edge_order=edge_order), [G], grad=True)
        check(lambda m, g, x: m.gradient(g, spacing=[x], dim=1, edge_order=edge_order), [G, c], grad=True)
        gradcheck(lambda g: ember.gradient(g, spacing=0.5, edge_order=edge_order), G)
        gradcheck(lambda g, x: ember.gradient(g, spacing=[x], dim=1, edge_order=edge_order), G, c)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.gradient(ember.tensor(G))
