"""nn.functional losses and the loss modules against torch: values, dtypes, gradients with respect to every
differentiable input (reductions, weights, ignore_index, N-d, label smoothing, broadcasting), gradcheck in
float64, errors (types and messages), deprecation warnings, grad_fn names and module reprs."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check_error

RNG = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def f32(*s):
    return RNG.standard_normal(s).astype(np.float32)


def unit(*s):
    return RNG.uniform(0.05, 0.95, s).astype(np.float32)


def sign(*s):
    return np.where(RNG.standard_normal(s) > 0, 1.0, -1.0).astype(np.float32)


def ints(high, *s, low=0):
    return RNG.integers(low, high, s)


def _lib_inputs(lib, arrays, grad):
    out = []
    for i, a in enumerate(arrays):
        if isinstance(a, np.ndarray):
            t = lib.from_numpy(a.copy())
            out.append(t.requires_grad_(True) if i in grad else t)
        else:
            out.append(a)
    return out


def compare(fn, arrays, grad=(), atol=1e-5, rtol=1e-4, gatol=1e-4, grtol=1e-3, seed=1):
    """``fn(lib, *inputs)`` in ember and torch: same value/dtype/shape, and the same gradients with respect to
    the inputs listed in ``grad`` (for a random upstream gradient)."""
    e_in, t_in = _lib_inputs(ember, arrays, grad), _lib_inputs(torch, arrays, grad)
    t_out = fn(torch, *t_in)
    e_out = fn(ember, *e_in)
    assert_same(e_out, t_out, atol, rtol)
    if grad:
        g = np.random.default_rng(seed).uniform(-1, 1, tuple(t_out.shape)).astype(t_out.detach().numpy().dtype)
        tg = torch.autograd.grad(t_out, [t_in[i] for i in grad], torch.from_numpy(g), allow_unused=True)
        eg = ember.autograd.grad(e_out, [e_in[i] for i in grad], ember.from_numpy(g.copy()), allow_unused=True)
        for a, b in zip(eg, tg):
            if b is None:
                assert a is None or not a.numpy().any()
            else:
                assert_same(a, b, gatol, grtol)
    return e_out, t_out


def F(m):
    return m.nn.functional


# ----------------------------------------------------------------------------------------------------
# elementwise and pairwise losses: (call, inputs, differentiable input indices)

CASES = {
    "l1": (lambda m, r, x, t: F(m).l1_loss(x, t, reduction=r), lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "l1_bcast": (lambda m, r, x, t: F(m).l1_loss(x, t, reduction=r), lambda: [f32(4, 5), f32(5)], (0, 1)),
    "l1_weight": (lambda m, r, x, t, w: F(m).l1_loss(x, t, reduction=r, weight=w),
                  lambda: [f32(3, 4), f32(3, 4), unit(3, 4)], (0, 1, 2)),
    "mse": (lambda m, r, x, t: F(m).mse_loss(x, t, reduction=r), lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "mse_bcast": (lambda m, r, x, t: F(m).mse_loss(x, t, reduction=r), lambda: [f32(4, 1), f32(5)], (0, 1)),
    "mse_weight": (lambda m, r, x, t, w: F(m).mse_loss(x, t, reduction=r, weight=w),
                   lambda: [f32(3, 4), f32(3, 4), unit(3, 4)], (0, 1, 2)),
    "smooth_l1": (lambda m, r, x, t: F(m).smooth_l1_loss(x, t, reduction=r), lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "smooth_l1_beta": (lambda m, r, x, t: F(m).smooth_l1_loss(x, t, reduction=r, beta=0.4),
                       lambda: [f32(4, 5), f32(5)], (0, 1)),
    "smooth_l1_beta0": (lambda m, r, x, t: F(m).smooth_l1_loss(x, t, reduction=r, beta=0.0),
                        lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "huber": (lambda m, r, x, t: F(m).huber_loss(x, t, reduction=r), lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "huber_delta": (lambda m, r, x, t: F(m).huber_loss(x, t, reduction=r, delta=0.3),
                    lambda: [f32(4, 5), f32(1, 5)], (0, 1)),
    "huber_weight": (lambda m, r, x, t, w: F(m).huber_loss(x, t, reduction=r, delta=0.6, weight=w),
                     lambda: [f32(3, 4), f32(3, 4), unit(3, 4)], (0, 1, 2)),
    "soft_margin": (lambda m, r, x, t: F(m).soft_margin_loss(x, t, reduction=r), lambda: [f32(4, 5), sign(4, 5)],
                    (0,)),
    "kl_div": (lambda m, r, x, t: F(m).kl_div(x, t, reduction=r), lambda: [f32(4, 5), unit(4, 5)], (0, 1)),
    "kl_div_log_target": (lambda m, r, x, t: F(m).kl_div(x, t, reduction=r, log_target=True),
                          lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "kl_div_bcast": (lambda m, r, x, t: F(m).kl_div(x, t, reduction=r), lambda: [f32(4, 5), unit(5)], (0, 1)),
    "poisson": (lambda m, r, x, t: F(m).poisson_nll_loss(x, t, reduction=r), lambda: [f32(4, 5), unit(4, 5) * 3],
                (0, 1)),
    "poisson_full": (lambda m, r, x, t: F(m).poisson_nll_loss(x, t, log_input=False, full=True, reduction=r),
                     lambda: [unit(4, 5) * 3, unit(4, 5) * 4], (0, 1)),
    "poisson_eps": (lambda m, r, x, t: F(m).poisson_nll_loss(x, t, log_input=False, eps=0.1, reduction=r),
                    lambda: [unit(4, 5), unit(4, 5)], (0, 1)),
    "gaussian": (lambda m, r, x, t, v: F(m).gaussian_nll_loss(x, t, v, reduction=r),
                 lambda: [f32(4, 5), f32(4, 5), unit(4, 5)], (0, 1, 2)),
    "gaussian_short_var": (lambda m, r, x, t, v: F(m).gaussian_nll_loss(x, t, v, full=True, reduction=r),
                           lambda: [f32(4, 5), f32(4, 5), unit(4)], (0, 1, 2)),
    "gaussian_one_var": (lambda m, r, x, t, v: F(m).gaussian_nll_loss(x, t, v, eps=0.3, reduction=r),
                         lambda: [f32(2, 3, 4), f32(2, 3, 4), unit(2, 1, 4)], (0, 1, 2)),
    "gaussian_float_var": (lambda m, r, x, t: F(m).gaussian_nll_loss(x, t, 0.7, reduction=r),
                           lambda: [f32(4, 5), f32(4, 5)], (0, 1)),
    "bce": (lambda m, r, x, t: F(m).binary_cross_entropy(x, t, reduction=r), lambda: [unit(4, 5), unit(4, 5)],
            (0, 1)),
    "bce_weight": (lambda m, r, x, t, w: F(m).binary_cross_entropy(x, t, w, reduction=r),
                   lambda: [unit(4, 5), unit(4, 5), unit(5)], (0, 1)),
    "bce_logits": (lambda m, r, x, t: F(m).binary_cross_entropy_with_logits(x, t, reduction=r),
                   lambda: [f32(4, 5) * 4, unit(4, 5)], (0, 1)),
    "bce_logits_weights": (lambda m, r, x, t, w, pw: F(m).binary_cross_entropy_with_logits(
        x, t, w, reduction=r, pos_weight=pw), lambda: [f32(4, 5) * 4, unit(4, 5), unit(4, 1), unit(5) * 3], (0, 1)),
    "bce_logits_pos_weight_3d": (lambda m, r, x, t, pw: F(m).binary_cross_entropy_with_logits(
        x, t, reduction=r, pos_weight=pw), lambda: [f32(2, 3, 2, 2) * 4, unit(2, 3, 2, 2), unit(3, 1, 1) * 3],
        (0, 1)),
    "hinge_embedding": (lambda m, r, x, t: F(m).hinge_embedding_loss(x, t, margin=0.5, reduction=r),
                        lambda: [f32(4, 5), sign(4, 5)], (0,)),
    "multilabel_soft_margin": (lambda m, r, x, t, w: F(m).multilabel_soft_margin_loss(x, t, w, reduction=r),
                               lambda: [f32(4, 5), (unit(4, 5) > 0.5).astype(np.float32), unit(5)], (0, 1, 2)),
    "cosine_embedding": (lambda m, r, a, b, t: F(m).cosine_embedding_loss(a, b, t, margin=0.2, reduction=r),
                         lambda: [f32(4, 5), f32(4, 5), sign(4)], (0, 1)),
    "cosine_embedding_1d": (lambda m, r, a, b, t: F(m).cosine_embedding_loss(a, b, t, reduction=r),
                            lambda: [f32(5), f32(5), np.array(-1.0, np.float32)], (0, 1)),
    "margin_ranking": (lambda m, r, a, b, t: F(m).margin_ranking_loss(a, b, t, margin=0.3, reduction=r),
                       lambda: [f32(6), f32(6), sign(6)], (0, 1, 2)),
    "triplet": (lambda m, r, a, p, n: F(m).triplet_margin_loss(a, p, n, reduction=r),
                lambda: [f32(4, 5), f32(4, 5), f32(4, 5)], (0, 1, 2)),
    "triplet_swap_p1": (lambda m, r, a, p, n: F(m).triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True,
                                                                       eps=1e-3, reduction=r),
                        lambda: [f32(4, 5), f32(4, 5), f32(4, 5)], (0, 1, 2)),
    "triplet_distance": (lambda m, r, a, p, n: F(m).triplet_margin_with_distance_loss(a, p, n, swap=True,
                                                                                      reduction=r),
                         lambda: [f32(4, 5), f32(4, 5), f32(4, 5)], (0, 1, 2)),
    "triplet_distance_custom": (lambda m, r, a, p, n: F(m).triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: 1.0 - F(m).cosine_similarity(x, y), margin=0.5, reduction=r),
        lambda: [f32(4, 5), f32(4, 5), f32(4, 5)], (0, 1, 2)),
    "multi_margin": (lambda m, r, x, t: F(m).multi_margin_loss(x, t, reduction=r), lambda: [f32(4, 5), ints(5, 4)],
                     (0,)),
    "multi_margin_p2_weight": (lambda m, r, x, t, w: F(m).multi_margin_loss(x, t, p=2, margin=0.7, weight=w,
                                                                           reduction=r),
                               lambda: [f32(4, 5), ints(5, 4), unit(5)], (0,)),
    "multi_margin_1d": (lambda m, r, x, t: F(m).multi_margin_loss(x, t, p=2, reduction=r),
                        lambda: [f32(5), np.array(2)], (0,)),
    "multilabel_margin": (lambda m, r, x, t: F(m).multilabel_margin_loss(x, t, reduction=r),
                          lambda: [f32(4, 5), np.array([[3, 0, -1, 1, 2], [1, 1, 2, -1, 4], [0, 1, 2, 3, 4],
                                                        [-1, 2, 3, 0, 0]])], (0,)),
    "multilabel_margin_1d": (lambda m, r, x, t: F(m).multilabel_margin_loss(x, t, reduction=r),
                             lambda: [f32(5), np.array([4, 1, -1, 0, 0])], (0,)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(CASES))
def test_loss_vs_torch(name, reduction):
    fn, make, grad = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda m, *a: fn(m, reduction, *a), make(), grad)


@pytest.mark.parametrize("name", ["mse", "smooth_l1_beta", "huber_delta", "kl_div", "bce", "bce_logits_weights",
                                  "soft_margin", "gaussian_short_var", "triplet_swap_p1", "cosine_embedding",
                                  "multi_margin_p2_weight", "multilabel_margin", "poisson_full"])
def test_float64_gradients_tight(name):
    fn, make, grad = CASES[name]
    arrays = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float32 else a for a in make()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda m, *a: fn(m, "mean", *a), arrays, grad, atol=1e-12, rtol=1e-10, gatol=1e-12, grtol=1e-9)


def test_kl_div_batchmean_and_mean_warning():
    x, t = f32(4, 5), unit(4, 5)
    compare(lambda m, a, b: F(m).kl_div(a, b, reduction="batchmean"), [x, t], (0, 1))
    compare(lambda m, a, b: F(m).kl_div(a, b, reduction="batchmean", log_target=True), [x, f32(4, 5)], (0, 1))
    compare(lambda m, a, b: F(m).kl_div(a, b, reduction="batchmean"), [np.array(-0.3, np.float32),
                                                                        np.array(0.4, np.float32)], (0, 1))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F(ember).kl_div(ember.tensor(x), ember.tensor(t))
    # zero targets contribute 0 (xlogy), their target gradient is NaN as in torch
    compare(lambda m, a, b: F(m).kl_div(a, b, reduction="sum"), [np.array([-1.0, -2.0], np.float32),
                                                                  np.array([0.0, 0.5], np.float32)], (0, 1))


def test_clamps_and_stability():
    """BCE clamps each log at -100 (grad 1e12 at the ends, target grad inf); BCE-with-logits is stable at
    +-100; soft_margin overflows to inf as torch's does."""
    compare(lambda m, x, t: F(m).binary_cross_entropy(x, t, reduction="none"),
            [np.array([0.0, 1.0, 0.5, 1e-30], np.float32), np.array([1.0, 0.0, 0.3, 0.5], np.float32)], (0, 1))
    compare(lambda m, x, t, pw: F(m).binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none"),
            [np.array([100.0, -100.0, 20.0, -40.0], np.float32), unit(4), unit(4) * 3], (0, 1))
    compare(lambda m, x, t: F(m).soft_margin_loss(x, t, reduction="none"),
            [np.array([-100.0, 100.0], np.float32), np.array([1.0, 1.0], np.float32)], (0,))


@pytest.mark.parametrize("name", ["l1", "mse", "smooth_l1", "huber", "kl_div", "bce", "bce_logits", "soft_margin",
                                  "poisson", "hinge_embedding", "gaussian"])
def test_zero_dim_empty_and_noncontiguous(name):
    fn, make, grad = CASES[name]
    arrays = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in REDUCTIONS:
            compare(lambda m, *a: fn(m, r, *a), [a[0, 0, ...] if a.ndim == 2 else a for a in arrays], grad)
            compare(lambda m, *a: fn(m, r, *a), [a[:0] for a in arrays], grad)
            compare(lambda m, *a: fn(m, r, *(x.t() for x in a)), [np.ascontiguousarray(a.T) for a in arrays], grad)


# ----------------------------------------------------------------------------------------------------
# cross_entropy and nll_loss

CE_SHAPES = [((5,), ()), ((4, 5), (4,)), ((2, 5, 3), (2, 3)), ((2, 5, 3, 2), (2, 3, 2)),
             ((2, 5, 2, 2, 2), (2, 2, 2, 2))]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", CE_SHAPES, ids=lambda s: f"{len(s[0])}d")
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_cross_entropy_class_indices(shapes, reduction, weighted, smoothing):
    xs, ts = shapes
    target = ints(5, *ts)
    if target.ndim:
        target.reshape(-1)[::3] = 1           # ignored below
    arrays = [f32(*xs), target] + ([unit(5)] if weighted else [])

    def fn(m, x, t, w=None):
        return F(m).cross_entropy(x, t, w, ignore_index=1, reduction=reduction, label_smoothing=smoothing)
    compare(fn, arrays, (0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5,), (4, 5), (2, 5, 3), (2, 5, 2, 2)], ids=str)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_class_probabilities(shape, reduction, weighted, smoothing):
    probs = np.exp(f32(*shape))
    probs = (probs / probs.sum(0 if len(shape) == 1 else 1, keepdims=True)).astype(np.float32)
    arrays = [f32(*shape), probs] + ([unit(5)] if weighted else [])

    def fn(m, x, t, w=None):
        return F(m).cross_entropy(x, t, w, reduction=reduction, label_smoothing=smoothing)
    compare(fn, arrays, (0, 1, 2) if weighted else (0, 1))


def test_cross_entropy_edge_cases():
    x = f32(4, 5)
    # every target ignored: mean is NaN (0 / 0), with and without smoothing and weights
    for ls in (0.0, 0.2):
        compare(lambda m, a, t: F(m).cross_entropy(a, t, label_smoothing=ls), [x, np.full(4, -100)], (0,))
        compare(lambda m, a, t, w: F(m).cross_entropy(a, t, w, label_smoothing=ls),
                [x, np.full(4, -100), unit(5)], ())
    # empty batches
    compare(lambda m, a, t: F(m).cross_entropy(a, t), [f32(0, 5), np.zeros(0, np.int64)], ())
    compare(lambda m, a, t: F(m).cross_entropy(a, t, reduction="none"), [f32(0, 5), np.zeros(0, np.int64)], ())
    compare(lambda m, a, t: F(m).cross_entropy(a, t), [f32(0, 5), unit(0, 5)], ())
    # uint8 targets, 1-element target for a 1-D input, label smoothing of 1, negative smoothing
    compare(lambda m, a, t: F(m).cross_entropy(a, t), [x, ints(5, 4).astype(np.uint8)], (0,))
    compare(lambda m, a, t: F(m).cross_entropy(a, t), [f32(5), np.array([3])], ())
    compare(lambda m, a, t: F(m).cross_entropy(a, t, label_smoothing=1.0), [x, ints(5, 4)], (0,))
    compare(lambda m, a, t: F(m).cross_entropy(a, t, label_smoothing=-0.5), [x, ints(5, 4)], (0,))
    # float64 input with class-probability targets in float32 promotes; a float64 weight too
    compare(lambda m, a, t, w: F(m).cross_entropy(a, t, w), [x.astype(np.float64), unit(4, 5), unit(5)], (0, 1))
    compare(lambda m, a, t, w: F(m).cross_entropy(a, t, w), [x, unit(4, 5), unit(5).astype(np.float64)], (0,))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_reduced_precision(dtype):
    x, t = f32(4, 5), ints(5, 4)
    for fn in (lambda m, a: F(m).cross_entropy(a, m.from_numpy(t)),
               lambda m, a: F(m).mse_loss(a, a * 0.5),
               lambda m, a: F(m).huber_loss(a, a * 0.5, delta=0.5),
               lambda m, a: F(m).smooth_l1_loss(a, a * 0.5),
               lambda m, a: F(m).soft_margin_loss(a, a.sign()),
               lambda m, a: F(m).binary_cross_entropy_with_logits(a, (a > 0).to(a.dtype)),
               lambda m, a: F(m).binary_cross_entropy(a.abs() / (a.abs() + 1), (a > 0).to(a.dtype))):
        e = fn(ember, ember.from_numpy(x).to(getattr(ember, dtype)))
        r = fn(torch, torch.from_numpy(x).to(getattr(torch, dtype)))
        assert_same(e, r, atol=2e-2, rtol=2e-2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    lsm = np.log(np.random.default_rng(2).dirichlet(np.ones(5), (4, 3))).astype(np.float32).transpose(0, 2, 1)
    lsm = np.ascontiguousarray(lsm)
    t = ints(5, 4, 3)
    t[0, 0] = -3
    compare(lambda m, x, y, w: F(m).nll_loss(x, y, w, ignore_index=-3, reduction=reduction), [lsm, t, unit(5)], (0,))
    compare(lambda m, x, y: F(m).nll_loss(x, y, reduction=reduction), [lsm[:, :, 0].copy(), t[:, 1].copy()], (0,))
    compare(lambda m, x, y: F(m).nll_loss(x, y, reduction=reduction), [lsm[0, :, 0].copy(), np.array(2)], (0,))
    compare(lambda m, x, y: F(m).nll_loss(x, y, reduction=reduction), [f32(2, 3, 0), np.zeros((2, 0), np.int64)],
            ())
    compare(lambda m, x, y: F(m).nll_loss(x, y, reduction=reduction), [f32(0, 3, 2, 2), np.zeros((0, 2, 2), np.int64)],
            ())


def test_cross_entropy_double_backward():
    x, t, w = np.random.default_rng(4).standard_normal((4, 5)), np.array([0, 3, 1, 4]), np.linspace(0.5, 1.5, 5)
    res = []
    for lib in (ember, torch):
        a = lib.tensor(x, requires_grad=True)
        loss = F(lib).cross_entropy(a, lib.tensor(t), lib.tensor(w), label_smoothing=0.1)
        g, = lib.autograd.grad(loss, a, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), a)
        res.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,args", [
    ("mse", (lambda m, x, t: F(m).mse_loss(x, t), [f32(3, 4), f32(3, 4)])),
    ("smooth_l1", (lambda m, x, t: F(m).smooth_l1_loss(x, t, beta=0.8), [f32(3, 4), f32(3, 4)])),
    ("huber", (lambda m, x, t: F(m).huber_loss(x, t, delta=0.8), [f32(3, 4), f32(3, 4)])),
    ("bce_logits", (lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t), [f32(3, 4), unit(3, 4)])),
    ("soft_margin", (lambda m, x, t: F(m).soft_margin_loss(x, t, reduction="sum"), [f32(3, 4), sign(3, 4)])),
    ("nll", (lambda m, x, t: F(m).nll_loss(x, t, reduction="sum"), [f32(3, 4), ints(4, 3)])),
])
def test_double_backward(name, args):
    fn, arrays = args
    arrays = [a.astype(np.float64) if a.dtype == np.float32 else a for a in arrays]
    res = []
    for lib in (ember, torch):
        x = lib.from_numpy(arrays[0].copy()).requires_grad_(True)
        loss = fn(lib, x, lib.from_numpy(arrays[1].copy()))
        g, = lib.autograd.grad(loss, x, create_graph=True)
        gg, = lib.autograd.grad((g * g.detach().sin()).sum() + (g * g).sum(), x, allow_unused=True)
        res.append((g.detach().numpy(), None if gg is None else gg.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10, atol=1e-12)
    if res[1][1] is None:
        assert res[0][1] is None or not res[0][1].any()
    else:
        np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------------------------------
# ctc_loss

def _log_probs(T, N, C, seed=3):
    return np.log(np.random.default_rng(seed).dirichlet(np.ones(C), (T, N))).astype(np.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss(reduction):
    lp = _log_probs(9, 4, 6)
    padded = ints(6, 4, 5, low=1)
    padded[1, :3] = [2, 2, 3]                         # a repeated label needs a blank between them
    lengths = (5, 3, 0, 2)

    def run(fn, arrays, **kw):
        compare(lambda m, *a: fn(m, *a, reduction=reduction, **kw), arrays, (0,), gatol=1e-5)
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (9, 7, 4, 5), lengths, **k), [lp, padded])
    run(lambda m, x, t, il, tl, **k: F(m).ctc_loss(x, t, il, tl, **k),
        [lp, padded, np.array([9, 7, 4, 5]), np.array(lengths, np.int32)])
    concat = np.concatenate([padded[i, :n] for i, n in enumerate(lengths)])
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, [9, 7, 4, 5], list(lengths), **k), [lp, concat])
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (9, 7, 4, 5), lengths, blank=3, **k),
        [lp, np.where(padded == 3, 0, padded)])
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (9,), (5,), **k), [lp[:, 0].copy(), padded[0].copy()])
    run(lambda m, x, t, il, tl, **k: F(m).ctc_loss(x, t, il, tl, **k),
        [lp[:, 0].copy(), padded[0].copy(), np.array(9), np.array(5)])
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (9, 7, 4, 5), lengths, **k), [lp, padded.astype(np.float32)])
    # impossible alignments: infinite loss (NaN gradient), or zeroed with zero_infinity; empty input
    impossible = np.array([[1, 1, 1], [1, 2, 3], [4, 4, 5], [1, 1, 1]])
    run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (3, 6, 5, 0), (3, 2, 1, 1), zero_infinity=True, **k),
        [lp, impossible])
    if reduction == "none":
        run(lambda m, x, t, **k: F(m).ctc_loss(x, t, (3, 6, 5, 0), (3, 2, 1, 0), **k), [lp, impossible])


def test_ctc_gradcheck_and_double_backward():
    rng = np.random.default_rng(8)
    x = ember.tensor(rng.standard_normal((6, 2, 4)), requires_grad=True)
    targets = ember.tensor([[1, 2, 2], [3, 1, 0]])

    def f(t):
        return F(ember).ctc_loss(t.log_softmax(2), targets, (6, 5), (3, 2), reduction="none")
    assert ember.autograd.gradcheck(f, (x,))
    assert ember.autograd.gradcheck(lambda t: F(ember).ctc_loss(t.log_softmax(1), targets[0], (6,), (3,)),
                                    (x[:, 0].detach().requires_grad_(),))
    loss = F(ember).ctc_loss(x.log_softmax(2), targets, (6, 5), (3, 2))
    assert type(loss.grad_fn).__name__ == "MeanBackward0"
    lp = x.detach().log_softmax(2).requires_grad_()
    raw = F(ember).ctc_loss(lp, targets, (6, 5), (3, 2), reduction="none")
    assert raw.grad_fn.name() == "CtcLossBackward0"
    g, = ember.autograd.grad(raw.sum(), lp, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for aten::_ctc_loss_backward is not implemented"):
        g.sum().backward()


# ----------------------------------------------------------------------------------------------------
# gradcheck (ember's own, float64 finite differences)

def _t(a, grad=True):
    return ember.tensor(np.asarray(a, np.float64), requires_grad=grad)


def test_gradcheck_main_losses():
    rng = np.random.default_rng(11)
    x, y = _t(rng.standard_normal((3, 4))), _t(rng.standard_normal((3, 4)))
    p, q = _t(rng.uniform(0.1, 0.9, (3, 4))), _t(rng.uniform(0.1, 0.9, (3, 4)))
    idx = ember.tensor([0, 3, 1])
    w = _t(rng.uniform(0.5, 1.5, 4), False)
    gc = ember.autograd.gradcheck
    assert gc(lambda a: F(ember).cross_entropy(a, idx, w, label_smoothing=0.2), (x,))
    assert gc(lambda a, b: F(ember).cross_entropy(a, b.softmax(1), w), (x, y))
    assert gc(lambda a: F(ember).nll_loss(a, idx, w, reduction="none"), (x,))
    assert gc(lambda a, b: F(ember).mse_loss(a, b), (x, y))
    assert gc(lambda a, b: F(ember).huber_loss(a, b, delta=0.5, reduction="sum"), (x, y))
    assert gc(lambda a, b: F(ember).smooth_l1_loss(a, b, beta=0.5), (x, y))
    assert gc(lambda a, b: F(ember).binary_cross_entropy(a, b), (p, q))
    assert gc(lambda a, b: F(ember).binary_cross_entropy_with_logits(a, b, pos_weight=w), (x, q))
    assert gc(lambda a, b: F(ember).kl_div(a, b, reduction="batchmean"), (x, q))
    assert gc(lambda a, b: F(ember).soft_margin_loss(a, b.sign().detach()), (x, y))
    assert gc(lambda a: F(ember).multi_margin_loss(a, idx, p=2, margin=0.5), (x,))
    assert gc(lambda a, b, c: F(ember).triplet_margin_loss(a, b, c, swap=True), (x, y, p))
    assert gc(lambda a, b, v: F(ember).gaussian_nll_loss(a, b, v), (x, y, q))
    assert gc(lambda a, b: F(ember).poisson_nll_loss(a, b), (x, q))
    assert ember.autograd.gradgradcheck(lambda a, b: F(ember).binary_cross_entropy_with_logits(a, b), (x, q))


# ----------------------------------------------------------------------------------------------------
# errors, warnings, dtypes

ERRORS = [
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.int32)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, 5, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.rand(4, 5), ignore_index=1),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.long), reduction="foo"),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.long), label_smoothing=1.5),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.rand(4, 5), label_smoothing=1.5),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(3, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.tensor([0, 1, 2, 7])),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.tensor([0, 1, 2, 7]), label_smoothing=0.1),
    lambda m: F(m).cross_entropy(m.randn(2, 3, 4), m.zeros(2, 5, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(2, 3, 4, 4), m.zeros(2, 5, 4, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(2, 3, 4, 4, 2), m.zeros(2, 5, 4, 2, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(3)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.rand(4, 5), weight=m.ones(3)),
    lambda m: F(m).cross_entropy(m.ones(4, 5, dtype=m.long), m.zeros(4, dtype=m.long)),
    lambda m: F(m).cross_entropy(m.randn(4, 5).double(), m.zeros(4, dtype=m.long), weight=m.ones(5)),
    lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(5, requires_grad=True)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4), m.zeros(2, dtype=m.long)),
    lambda m: F(m).nll_loss(m.randn(4, 5), m.zeros(4, 1, dtype=m.long)),
    lambda m: F(m).nll_loss(m.randn(4, 5), m.tensor(1)),
    lambda m: F(m).nll_loss(m.randn(5), m.tensor([1, 2])),
    lambda m: F(m).nll_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(5, dtype=m.long)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4, 4), m.zeros(2, 4, 4, dtype=m.uint8)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4, 4), m.zeros(2, 4, 4, dtype=m.int32)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4, 4), m.zeros(2, 4, 4, dtype=m.long), weight=m.ones(2)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4, 4), m.full((2, 4, 4), 5)),
    lambda m: F(m).nll_loss(m.randn(2, 3, 4, 4), m.zeros(2, 4, 4, dtype=m.long),
                            weight=m.ones(3, requires_grad=True)),
    lambda m: F(m).nll_loss(m.tensor(1.0), m.tensor(0)),
    lambda m: F(m).nll_loss(m.ones(2, 3, dtype=m.long), m.zeros(2, dtype=m.long)),
    lambda m: F(m).mse_loss(m.randn(4, 5), m.randn(3)),
    lambda m: F(m).mse_loss(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).l1_loss(m.ones(3), m.ones(3), weight=m.ones(1)),
    lambda m: F(m).l1_loss(m.ones(3), m.ones(3), weight=m.ones(3), reduction="x"),
    lambda m: F(m).l1_loss(m.ones(3), m.ones(3), reduction="x"),
    lambda m: F(m).huber_loss(m.ones(3), m.ones(3), delta=0.0),
    lambda m: F(m).huber_loss(m.ones(3), m.ones(3), reduction="x"),
    lambda m: F(m).huber_loss(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).smooth_l1_loss(m.ones(3), m.ones(3), beta=-1.0),
    lambda m: F(m).smooth_l1_loss(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).binary_cross_entropy(m.rand(3), m.rand(3, 1)),
    lambda m: F(m).binary_cross_entropy(m.tensor([1.5]), m.rand(1)),
    lambda m: F(m).binary_cross_entropy(m.rand(3), m.rand(3), weight=m.rand(2, 3)),
    lambda m: F(m).binary_cross_entropy(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).binary_cross_entropy(m.rand(3), m.rand(3, dtype=m.double)),
    lambda m: F(m).binary_cross_entropy(m.rand(3), m.rand(3), weight=m.rand(3, requires_grad=True)),
    lambda m: F(m).binary_cross_entropy_with_logits(m.rand(3), m.rand(3, 1)),
    lambda m: F(m).binary_cross_entropy_with_logits(m.rand(3), m.rand(3), pos_weight=m.rand(2, 3)),
    lambda m: F(m).binary_cross_entropy_with_logits(m.rand(3), m.rand(3), weight=m.rand(2, 3)),
    lambda m: F(m).binary_cross_entropy_with_logits(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).binary_cross_entropy_with_logits(m.rand(3), m.tensor([0, 1, 1])),
    lambda m: F(m).binary_cross_entropy_with_logits(m.rand(3), m.rand(3), pos_weight=m.rand(3, requires_grad=True)),
    lambda m: F(m).kl_div(m.ones(3, dtype=m.long), m.ones(3)),
    lambda m: F(m).kl_div(m.ones(3), m.ones(3), reduction="x"),
    lambda m: F(m).soft_margin_loss(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
    lambda m: F(m).soft_margin_loss(m.ones(3), m.ones(3, requires_grad=True)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), p=3),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(1, 5)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.tensor([0, 1, 2, 5])),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(3, dtype=m.long)),
    lambda m: F(m).multi_margin_loss(m.randn(2, 3, 4), m.zeros(2, dtype=m.long)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(3)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5).half(), m.zeros(4, dtype=m.long)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(5, dtype=m.double)),
    lambda m: F(m).multi_margin_loss(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(5, requires_grad=True)),
    lambda m: F(m).multilabel_margin_loss(m.randn(4, 5), m.zeros(4, 3, dtype=m.long)),
    lambda m: F(m).multilabel_margin_loss(m.randn(4, 5), m.full((4, 5), 5)),
    lambda m: F(m).multilabel_margin_loss(m.randn(4, 5), m.full((4, 5), -2)),
    lambda m: F(m).multilabel_margin_loss(m.randn(4, 5), m.zeros(4, 5)),
    lambda m: F(m).multilabel_margin_loss(m.randn(2, 3, 4), m.zeros(2, 3, 4, dtype=m.long)),
    lambda m: F(m).cosine_embedding_loss(m.randn(4, 5), m.randn(4, 5), m.ones(4, 1)),
    lambda m: F(m).cosine_embedding_loss(m.randn(5), m.randn(5), m.ones(4)),
    lambda m: F(m).cosine_embedding_loss(m.randn(4, 5), m.randn(4, 5), m.tensor(1.0)),
    lambda m: F(m).cosine_embedding_loss(m.randn(4, 5), m.randn(4, 3), m.ones(4)),
    lambda m: F(m).margin_ranking_loss(m.randn(4), m.randn(4), m.ones(4, 1)),
    lambda m: F(m).triplet_margin_loss(m.randn(4, 5), m.randn(4, 5), m.randn(5)),
    lambda m: F(m).triplet_margin_loss(m.randn(4, 5), m.randn(4, 5), m.randn(4, 5), margin=0),
    lambda m: F(m).triplet_margin_with_distance_loss(m.randn(4, 5), m.randn(4, 5), m.randn(5)),
    lambda m: F(m).triplet_margin_with_distance_loss(m.randn(4, 5), m.randn(4, 5), m.randn(4, 5), reduction="x"),
    lambda m: F(m).triplet_margin_with_distance_loss(m.randn(4, 5), m.randn(4, 5), m.randn(4, 5), margin=-1),
    lambda m: F(m).poisson_nll_loss(m.randn(4, 5), m.randn(4, 5), reduction="x"),
    lambda m: F(m).gaussian_nll_loss(m.randn(4, 5), m.randn(4, 5), -1.0),
    lambda m: F(m).gaussian_nll_loss(m.randn(4, 5), m.randn(4, 5), -m.ones(4, 5)),
    lambda m: F(m).gaussian_nll_loss(m.randn(4, 5), m.randn(4, 5), m.ones(3)),
    lambda m: F(m).gaussian_nll_loss(m.randn(4, 5), m.randn(4, 5), m.ones(4, 5), reduction="x"),
    lambda m: F(m).multilabel_soft_margin_loss(m.randn(4, 5), m.randn(4, 5), reduction="x"),
    lambda m: F(m).hinge_embedding_loss(m.tensor([0, 3]), m.tensor([1, -1])),
    lambda m: F(m).l1_loss(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long)),
]



def _double_backward(m, fn):
    x = m.randn(3, 4, dtype=m.float64, requires_grad=True)
    g, = m.autograd.grad(fn(m, x), x, create_graph=True)
    (g * g).sum().backward()


ERRORS += [
    lambda m: _double_backward(m, lambda m, x: F(m).multi_margin_loss(x, m.tensor([0, 1, 3]), p=2)),
    lambda m: _double_backward(m, lambda m, x: F(m).multilabel_margin_loss(x, m.tensor([[0, 1, -1, 0]] * 3))),
]

CTC_ERRORS = [
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, m.tensor([6.0, 5, 4]), m.tensor([3, 2, 1])),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (7, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (-1, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (6, 5, 4), (-1, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (6, 5, 4), (4, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (6, 5), (3, 2)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (6, 5, 4), (3, 2, 1), blank=5),
    lambda m, lp, tg: F(m).ctc_loss(lp, m.tensor([1, 2, 3, 1, 2]), (6, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg[None], (6, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp[None], tg, (6, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp.half(), tg, (6, 5, 4), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(m.zeros(0, 3, 5), tg, (0, 0, 0), (0, 0, 0)),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, (6, 5, 4), (3, 2, 1), reduction="x"),
    lambda m, lp, tg: F(m).ctc_loss(lp, tg, m.tensor([6, 5, 4]), (3, 2, 1)),
    lambda m, lp, tg: F(m).ctc_loss(lp[:, 0], tg[0], 6, 3),
]


def test_errors_without_torch_message():
    # torch's own messages here come from its Python argument parser / an unrelated op
    check_error(lambda m: F(m).gaussian_nll_loss(m.randn(4, 5), m.randn(4, 5), 1))
    check_error(lambda m: F(m).cross_entropy(m.randn(4, 5), m.zeros(4, dtype=m.long), weight=m.ones(1, 5)))


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = check_error(ERRORS[i])
    assert str(e) == str(t)


@pytest.mark.parametrize("i", range(len(CTC_ERRORS)))
def test_ctc_errors(i):
    lp, tg = _log_probs(6, 3, 5), ints(5, 3, 3, low=1)
    e, t = check_error(lambda m: CTC_ERRORS[i](m, m.from_numpy(lp.copy()), m.from_numpy(tg.copy())))
    if not isinstance(t, TypeError):
        assert str(e) == str(t)


def test_dtypes_follow_torch():
    x32, x64 = f32(3, 4), f32(3, 4).astype(np.float64)
    cases = [
        lambda m, a, b: F(m).mse_loss(a, b), lambda m, a, b: F(m).l1_loss(a, b),
        lambda m, a, b: F(m).smooth_l1_loss(a, b), lambda m, a, b: F(m).huber_loss(a, b),
        lambda m, a, b: F(m).soft_margin_loss(a, b), lambda m, a, b: F(m).kl_div(a, b),
        lambda m, a, b: F(m).binary_cross_entropy_with_logits(a, b.sigmoid(), reduction="none"),
    ]
    for fn in cases:
        compare(fn, [x32, x64], ())
        compare(fn, [x64, x32], ())
    compare(lambda m, a, b, t: F(m).margin_ranking_loss(a, b, t, reduction="none"),
            [np.array([1, 2]), np.array([2, 1]), np.array([1, 1])], ())
    compare(lambda m, a, t: F(m).hinge_embedding_loss(a, t, margin=1.5, reduction="none"),
            [np.array([0, 3, -2]), np.array([1, -1, -1])], ())
    compare(lambda m, a, b, t: F(m).cosine_embedding_loss(a, b, t, reduction="none"),
            [np.array([[1, 2]]), np.array([[2, 1]]), np.array([1])], ())
    compare(lambda m, a, t: F(m).poisson_nll_loss(a, t), [np.array([1, 2]), np.array([1, 2])], ())


def test_legacy_size_average_reduce():
    x, t = f32(3, 4), f32(3, 4)
    idx = ints(4, 3)
    for sa, rd in ((False, None), (None, False), (True, True), (False, True)):
        for fn in (lambda m, a, b: F(m).mse_loss(a, b, size_average=sa, reduce=rd),
                   lambda m, a, b: F(m).l1_loss(a, b, size_average=sa, reduce=rd),
                   lambda m, a, b: F(m).kl_div(a, b, size_average=sa, reduce=rd),
                   lambda m, a, b: F(m).smooth_l1_loss(a, b, sa, rd),
                   lambda m, a, b: F(m).soft_margin_loss(a, b, sa, rd),
                   lambda m, a, b: F(m).cross_entropy(a, m.from_numpy(idx), size_average=sa, reduce=rd),
                   lambda m, a, b: F(m).multilabel_soft_margin_loss(a, b, size_average=sa, reduce=rd),
                   lambda m, a, b: F(m).poisson_nll_loss(a, b, size_average=sa, reduce=rd)):
            with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
                e = fn(ember, ember.from_numpy(x), ember.from_numpy(t))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = fn(torch, torch.from_numpy(x), torch.from_numpy(t))
            assert_same(e, r)
    with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated"):
        e = F(ember).mse_loss(ember.from_numpy(x), ember.from_numpy(t), reduction="elementwise_mean")
    assert_same(e, F(torch).mse_loss(torch.from_numpy(x), torch.from_numpy(t)))
    module = ember.nn.CrossEntropyLoss(size_average=False)
    assert module.reduction == "sum"


def test_size_mismatch_warning():
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[5\]\)\) that is different to the "
                                             r"input size \(torch.Size\(\[4, 5\]\)\)"):
            getattr(F(ember), name)(ember.randn(4, 5), ember.randn(5))


def test_torch_level_functions():
    x, t, u = f32(3, 4), f32(3, 4), unit(3, 4)
    s = sign(3)
    compare(lambda m, a, b: m.kl_div(a, b, 2, log_target=True), [x, t], (0, 1))
    compare(lambda m, a, b, w: m.binary_cross_entropy_with_logits(a, b, None, w, 0), [x, u, unit(4)], (0, 1))
    compare(lambda m, a, b, y: m.cosine_embedding_loss(a, b, y, 0.1, 0), [x, t, s], (0, 1))
    compare(lambda m, a, y: m.hinge_embedding_loss(a, y, 0.5, 2), [x, sign(3, 4)], (0,))
    compare(lambda m, a, b, y: m.margin_ranking_loss(a, b, y, 0.2, 1), [x[0], t[0], sign(4)], (0, 1))
    compare(lambda m, a, b: m.poisson_nll_loss(a, b, False, True, 1e-8, 1), [u * 3, u * 4], (0, 1))
    compare(lambda m, a, b, c: m.triplet_margin_loss(a, b, c, 1.0, 2, 1e-6, True, 0), [x, t, f32(3, 4)], (0, 1, 2))
    compare(lambda m, a, b: m.ctc_loss(a, b, (6, 5, 4), (3, 2, 1), 0, 2, False),
            [_log_probs(6, 3, 5), ints(5, 3, 3, low=1)], (0,))


def test_grad_fn_names():
    x = ember.randn(4, 5, requires_grad=True)
    p = ember.rand(4, 5, requires_grad=True)
    idx = ember.tensor([0, 1, 2, 3])
    names = {
        "NllLossBackward0": F(ember).cross_entropy(x, idx), "MseLossBackward0": F(ember).mse_loss(x, p),
        "AddBackward0": F(ember).cross_entropy(x, idx, label_smoothing=0.1),
        "NegBackward0": F(ember).cross_entropy(x, p.detach(), reduction="none"),
        "NllLoss2DBackward0": F(ember).nll_loss(x.view(1, 4, 5, 1), ember.zeros(1, 5, 1, dtype=ember.long)),
        "SmoothL1LossBackward0": F(ember).smooth_l1_loss(x, p), "HuberLossBackward0": F(ember).huber_loss(x, p),
        "BinaryCrossEntropyBackward0": F(ember).binary_cross_entropy(p, p.detach()),
        "BinaryCrossEntropyWithLogitsBackward0": F(ember).binary_cross_entropy_with_logits(x, p),
        "SoftMarginLossBackward0": F(ember).soft_margin_loss(x, p.detach()),
        "MultiMarginLossBackward0": F(ember).multi_margin_loss(x, idx),
        "MultilabelMarginLossBackward0": F(ember).multilabel_margin_loss(x, ember.zeros(4, 5, dtype=ember.long)),
        "MeanBackward0": F(ember).l1_loss(x, p), "SumBackward0": F(ember).kl_div(x, p, reduction="sum"),
    }
    for name, out in names.items():
        assert out.grad_fn.name() == name, (name, out.grad_fn.name())


# ----------------------------------------------------------------------------------------------------
# modules

MODULES = [
    ("L1Loss", {}), ("L1Loss", {"reduction": "sum"}), ("MSELoss", {}), ("NLLLoss", {"ignore_index": 2}),
    ("CrossEntropyLoss", {"label_smoothing": 0.1, "ignore_index": 3}), ("BCELoss", {}), ("BCEWithLogitsLoss", {}),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}), ("HuberLoss", {"delta": 0.5}),
    ("SmoothL1Loss", {"beta": 0.5}), ("SoftMarginLoss", {}), ("MultiLabelSoftMarginLoss", {}),
    ("MultiLabelMarginLoss", {}), ("MultiMarginLoss", {"p": 2, "margin": 0.5}), ("HingeEmbeddingLoss", {"margin": 2.0}),
    ("CosineEmbeddingLoss", {"margin": 0.1}), ("MarginRankingLoss", {"margin": 0.1}),
    ("TripletMarginLoss", {"margin": 2.0, "p": 1.0, "swap": True}), ("TripletMarginWithDistanceLoss", {"swap": True}),
    ("PoissonNLLLoss", {"log_input": False, "full": True}), ("GaussianNLLLoss", {"full": True, "eps": 1e-3}),
    ("CTCLoss", {"blank": 1, "zero_infinity": True}),
]


@pytest.mark.parametrize("name,kwargs", MODULES, ids=[m[0] + str(i) for i, m in enumerate(MODULES)])
def test_module_repr_and_attributes(name, kwargs):
    e, t = getattr(ember.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(e) == repr(t)
    for attr in ("reduction", "ignore_index", "label_smoothing", "log_target", "delta", "beta", "p", "margin", "swap",
                 "eps", "full", "log_input", "blank", "zero_infinity"):
        assert getattr(e, attr, None) == getattr(t, attr, None), attr
    assert list(dict(e.named_buffers())) == list(dict(t.named_buffers()))


def test_modules_forward_and_buffers():
    w = unit(5)
    e = ember.nn.CrossEntropyLoss(weight=ember.from_numpy(w), label_smoothing=0.1)
    t = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w), label_smoothing=0.1)
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight"]
    compare(lambda m, x, y: (e if m is ember else t)(x, y), [f32(4, 5), ints(5, 4)], (0,))
    be = ember.nn.BCEWithLogitsLoss(weight=ember.from_numpy(w), pos_weight=ember.from_numpy(w * 2))
    bt = torch.nn.BCEWithLogitsLoss(weight=torch.from_numpy(w), pos_weight=torch.from_numpy(w * 2))
    assert list(be.state_dict()) == list(bt.state_dict()) == ["weight", "pos_weight"]
    compare(lambda m, x, y: (be if m is ember else bt)(x, y), [f32(4, 5), unit(4, 5)], (0, 1))
    compare(lambda m, x, y, v: m.nn.GaussianNLLLoss(full=True)(x, y, v), [f32(4, 5), f32(4, 5), unit(4, 5)], (0, 1, 2))
    compare(lambda m, x, y: m.nn.CTCLoss()(x, y, (6, 5, 4), (3, 2, 1)), [_log_probs(6, 3, 5), ints(5, 3, 3, low=1)],
            (0,))
    compare(lambda m, a, b, c: m.nn.TripletMarginWithDistanceLoss(margin=0.5)(a, b, c),
            [f32(4, 5), f32(4, 5), f32(4, 5)], (0, 1, 2))
    assert e.double().weight.dtype == ember.float64


def test_module_errors_and_deprecations():
    for kwargs in ({"p": 3}, {"weight": ember.ones(2, 2)}):
        check_error(lambda m: m.nn.MultiMarginLoss(**{k: (m.ones(2, 2) if k == "weight" else v)
                                                      for k, v in kwargs.items()}), match_message=True)
    check_error(lambda m: m.nn.TripletMarginLoss(margin=0), match_message=True)
    check_error(lambda m: m.nn.TripletMarginWithDistanceLoss(margin=-1.0), match_message=True)
    check_error(lambda m: m.nn.HuberLoss(delta="1"), match_message=True)
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        m = ember.nn.NLLLoss2d()
    assert isinstance(m, ember.nn.NLLLoss) and repr(m) == "NLLLoss2d()"
    assert ember.nn._reduction.get_enum("sum") == 2
    with pytest.warns(UserWarning):
        assert ember.nn._reduction.legacy_get_enum(False, None) == 2
