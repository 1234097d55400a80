"""nn.functional activations, softmax family, dropout, one_hot/normalize and the activation modules, against
torch: values, dtypes, gradients (float32 and float64), in-place variants, errors and reprs."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

F_E = ember.nn.functional
F_T = torch.nn.functional

# name -> call(F, x); every op here is differentiable and float-only unless noted
ACTIVATIONS = {
    "relu": lambda F, x: F.relu(x),
    "relu6": lambda F, x: F.relu6(x),
    "hardtanh": lambda F, x: F.hardtanh(x, -0.5, 1.2),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2),
    "elu": lambda F, x: F.elu(x, 0.7),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 1.3),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "silu": lambda F, x: F.silu(x),
    "mish": lambda F, x: F.mish(x),
    "softplus": lambda F, x: F.softplus(x),
    "softplus_beta": lambda F, x: F.softplus(x, beta=2.0, threshold=1.5),
    "softsign": lambda F, x: F.softsign(x),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "hardswish": lambda F, x: F.hardswish(x),
    "tanh": lambda F, x: F.tanh(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "threshold": lambda F, x: F.threshold(x, 0.3, -2.0),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "softshrink": lambda F, x: F.softshrink(x, 0.7),
    "hardshrink": lambda F, x: F.hardshrink(x, 0.7),
    "rrelu_eval": lambda F, x: F.rrelu(x),
    "glu": lambda F, x: F.glu(x, -1) if x.dim() else x * 1,
    "softmax": lambda F, x: F.softmax(x, -1),
    "log_softmax": lambda F, x: F.log_softmax(x, -1),
    "softmin": lambda F, x: F.softmin(x, 0),
}

SHAPES = [(4, 6), (), (0,), (2, 3, 4)]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_forward_backward_float32(name, shape):
    fn = ACTIVATIONS[name]
    check(lambda m, x: fn(m.nn.functional, x), [shape], grad=True, low=-4.0, high=4.0)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_noncontiguous(name):
    fn = ACTIVATIONS[name]
    check(lambda m, x: fn(m.nn.functional, x), [(4, 6)], grad=True, noncontig=True, low=-3.0, high=3.0)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float64_gradients_tight(name):
    """float64 analytic gradients equal torch's to ~1e-10 (what gradcheck certifies for torch)."""
    fn = ACTIVATIONS[name]
    check(lambda m, x: fn(m.nn.functional, x), [(3, 8)], dtype=np.float64, grad=True, atol=1e-12, rtol=1e-10,
          grad_atol=1e-12, grad_rtol=1e-9, low=-5.0, high=5.0)


@pytest.mark.parametrize("name", ["relu", "elu", "selu", "celu", "gelu", "gelu_tanh", "silu", "mish", "softplus",
                                  "logsigmoid", "hardswish", "softmax", "log_softmax", "glu", "leaky_relu"])
def test_double_backward(name):
    fn = ACTIVATIONS[name]
    x = np.random.default_rng(7).uniform(-3, 3, (4, 6))
    res = []
    for lib in (ember, torch):
        t = lib.tensor(x, requires_grad=True)
        y = fn(lib.nn.functional, t)
        g, = lib.autograd.grad((y * y).sum(), t, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), t, allow_unused=True)
        res.append((g.detach().numpy(), None if gg is None else gg.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-9, atol=1e-12)
    if res[1][1] is not None:
        np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-8, atol=1e-10)


def test_numerical_gradcheck():
    """Central differences in float64 for a few fused primitives (independent of torch)."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, (3, 5))
    for fn in (lambda t: F_E.gelu(t), lambda t: F_E.softmax(t, 1), lambda t: F_E.log_softmax(t, 0),
               lambda t: F_E.mish(t), lambda t: F_E.elu(t, 0.5), lambda t: F_E.silu(t)):
        t = ember.tensor(x, requires_grad=True)
        w = rng.standard_normal(x.shape)
        (fn(t) * ember.tensor(w)).sum().backward()
        eps = 1e-6
        num = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[i] += eps
            xm[i] -= eps
            num[i] = ((fn(ember.tensor(xp)).numpy() * w).sum() - (fn(ember.tensor(xm)).numpy() * w).sum()) / (2 * eps)
        np.testing.assert_allclose(t.grad.numpy(), num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n not in ("relu", "relu6", "hardtanh", "threshold",
                                                                      "hardshrink", "softshrink")])
def test_gradcheck_and_gradgradcheck(name):
    """ember's own gradcheck/gradgradcheck (finite differences, float64) on every smooth activation; the
    piecewise ones are checked away from their kinks below."""
    fn = ACTIVATIONS[name]
    x = ember.tensor(np.random.default_rng(5).uniform(-2.5, 2.5, (3, 4)), requires_grad=True)
    f = lambda t: fn(F_E, t)  # noqa: E731
    assert ember.autograd.gradcheck(f, (x,))
    assert ember.autograd.gradgradcheck(f, (x,))


def test_gradcheck_piecewise_and_linear():
    x = ember.tensor([[-2.3, -0.9, -0.2, 0.4], [0.8, 1.7, 2.6, -1.4]], dtype=ember.float64, requires_grad=True)
    for f in (F_E.relu, F_E.relu6, lambda t: F_E.hardtanh(t, -0.5, 1.2), lambda t: F_E.threshold(t, 0.3, -2.0),
              lambda t: F_E.hardshrink(t, 0.7), lambda t: F_E.softshrink(t, 0.7), F_E.hardswish, F_E.hardsigmoid):
        assert ember.autograd.gradcheck(f, (x,))
    rng = np.random.default_rng(6)
    args = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 4), (5, 4), (5,))]
    assert ember.autograd.gradcheck(F_E.linear, args)
    assert ember.autograd.gradgradcheck(F_E.linear, args)
    bargs = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3), (2, 4), (5, 3, 4), (5,))]
    assert ember.autograd.gradcheck(F_E.bilinear, bargs)
    w = ember.tensor([0.2, -0.3], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(F_E.prelu, (ember.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True), w))


def test_grad_fn_names():
    x = ember.ones(2, 4, requires_grad=True)
    names = {
        "ReluBackward0": F_E.relu(x), "HardtanhBackward0": F_E.relu6(x), "EluBackward0": F_E.selu(x),
        "CeluBackward0": F_E.celu(x), "GeluBackward0": F_E.gelu(x), "SiluBackward0": F_E.silu(x),
        "MishBackward0": F_E.mish(x), "SoftplusBackward0": F_E.softplus(x), "LogSigmoidBackward0": F_E.logsigmoid(x),
        "HardswishBackward0": F_E.hardswish(x), "HardsigmoidBackward0": F_E.hardsigmoid(x),
        "ThresholdBackward0": F_E.threshold(x, 0.1, 2.0), "LeakyReluBackward0": F_E.leaky_relu(x),
        "SoftmaxBackward0": F_E.softmax(x, 1), "LogSoftmaxBackward0": F_E.log_softmax(x, 1),
        "GluBackward0": F_E.glu(x), "PreluKernelBackward0": F_E.prelu(x, ember.ones(4)),
        "RreluWithNoiseBackward0": F_E.rrelu(x), "HardshrinkBackward0": F_E.hardshrink(x),
        "SoftshrinkBackward0": F_E.softshrink(x), "DivBackward0": F_E.softsign(x),
    }
    for name, y in names.items():
        assert y.grad_fn.name() == name


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["relu", "gelu", "silu", "elu", "softplus", "softmax", "log_softmax", "hardswish",
                                  "mish", "logsigmoid", "leaky_relu", "hardtanh", "glu", "threshold"])
def test_reduced_precision(name, dtype):
    fn = ACTIVATIONS[name]
    x = np.random.default_rng(0).uniform(-3, 3, (4, 6)).astype(np.float32)
    e = fn(F_E, ember.from_numpy(x).to(getattr(ember, dtype)))
    t = fn(F_T, torch.from_numpy(x).to(getattr(torch, dtype)))
    assert_same(e, t, atol=1e-2, rtol=1e-2)


@pytest.mark.parametrize("name", ["relu", "relu6", "hardtanh", "threshold"])
def test_integer_inputs_allowed(name):
    x = np.array([[3, -2, 0, 7], [1, -9, 5, 6]], dtype=np.int64)
    check(lambda m, t: ACTIVATIONS[name](m.nn.functional, t), [x])


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
                                  "hardsigmoid", "hardswish", "logsigmoid", "hardshrink", "softshrink", "softmax",
                                  "log_softmax", "glu", "rrelu_eval"])
def test_integer_inputs_rejected(name):
    x = ember.tensor([[1, -2], [3, 4]]), torch.tensor([[1, -2], [3, 4]])
    e, t = check_error(lambda m: ACTIVATIONS[name](m.nn.functional, x[0] if m is ember else x[1]))
    assert str(e) == str(t)


# ----------------------------------------------------------------------------------------------------
# in-place variants

INPLACE = {
    "relu": (lambda F, x: F.relu(x, inplace=True)), "relu_": (lambda F, x: F.relu_(x)),
    "relu6": (lambda F, x: F.relu6(x, inplace=True)), "hardtanh": (lambda F, x: F.hardtanh(x, -0.3, 0.4, True)),
    "hardtanh_": (lambda F, x: F.hardtanh_(x, -0.3, 0.4)),
    "leaky_relu": (lambda F, x: F.leaky_relu(x, 0.3, True)), "leaky_relu_": (lambda F, x: F.leaky_relu_(x, 0.3)),
    "elu": (lambda F, x: F.elu(x, 0.5, True)), "elu_": (lambda F, x: F.elu_(x, 0.5)),
    "selu": (lambda F, x: F.selu(x, True)), "celu": (lambda F, x: F.celu(x, 2.0, True)),
    "silu": (lambda F, x: F.silu(x, True)), "mish": (lambda F, x: F.mish(x, True)),
    "hardsigmoid": (lambda F, x: F.hardsigmoid(x, True)), "hardswish": (lambda F, x: F.hardswish(x, True)),
    "threshold": (lambda F, x: F.threshold(x, 0.1, 5.0, True)), "threshold_": (lambda F, x: F.threshold_(x, 0.1, 5.0)),
    "rrelu": (lambda F, x: F.rrelu(x, inplace=True)), "rrelu_": (lambda F, x: F.rrelu_(x)),
    "tensor.relu_": (lambda F, x: x.relu_()),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_variants(name):
    fn = INPLACE[name]
    a = np.random.default_rng(1).uniform(-2, 2, (3, 4)).astype(np.float64)
    res = []
    for lib in (ember, torch):
        leaf = lib.tensor(a, requires_grad=True)
        y = leaf * 1.5
        out = fn(lib.nn.functional, y)
        assert out is y
        (out * lib.tensor(a)).sum().backward()
        res.append((y.detach().numpy().copy(), leaf.grad.numpy()))
        plain = lib.tensor(a)
        assert fn(lib.nn.functional, plain) is plain
        res.append(plain.numpy().copy())
    np.testing.assert_allclose(res[0][0], res[2][0], rtol=1e-12)
    np.testing.assert_allclose(res[0][1], res[2][1], rtol=1e-12)
    np.testing.assert_allclose(res[1], res[3], rtol=1e-12)


def test_inplace_on_leaf_raises():
    check_error(lambda m: m.nn.functional.relu(m.ones(2, requires_grad=True), inplace=True))
    check_error(lambda m: m.nn.functional.elu_(m.ones(2, requires_grad=True)))


# ----------------------------------------------------------------------------------------------------
# parametric and randomized

def test_prelu():
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(2, 3, 4), (3,)], grad=True)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(2, 3, 4), (1,)], grad=True)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(5,), (1,)], grad=True)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(5,), ()], grad=True)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(), (1,)], grad=True)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [(2, 3), (3,)], dtype=np.float64, grad=True,
          grad_atol=1e-12, grad_rtol=1e-10)
    check(lambda m, x, w: m.prelu(x, w), [(2, 3, 2, 2), (3,)], grad=True)
    check(lambda m, x, w: x.prelu(w), [(2, 3), (3,)], grad=True)
    check_error(lambda m: m.nn.functional.prelu(m.ones(2, 3), m.ones(4)), match_message=True)
    check_error(lambda m: m.nn.functional.prelu(m.ones(2, 3), m.ones(3, 1)), match_message=True)


def test_prelu_module():
    m = ember.nn.PReLU(3, init=0.1)
    assert repr(m) == repr(torch.nn.PReLU(3, init=0.1)) == "PReLU(num_parameters=3)"
    assert m.weight.tolist() == pytest.approx([0.1] * 3)
    x = ember.tensor([[-1.0, 2.0, -3.0]])
    assert m(x).tolist()[0] == pytest.approx([-0.1, 2.0, -0.3])
    assert [n for n, _ in m.named_parameters()] == ["weight"]


def test_rrelu_training_statistics():
    ember.manual_seed(0)
    x = -ember.ones(20000, dtype=ember.float64)
    x.requires_grad_()
    y = F_E.rrelu(x, 0.1, 0.3, training=True)
    slopes = (y / x).detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.005
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)
    pos = ember.ones(5, dtype=ember.float64)
    assert ember.equal(F_E.rrelu(pos, training=True), pos)
    check_error(lambda m: m.nn.functional.rrelu(m.ones(2), 0.5, 0.1, training=True))


# ----------------------------------------------------------------------------------------------------
# softmax family

@pytest.mark.parametrize("fname", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,dim", [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), -2), ((), 0), ((5,), -1), ((0, 3), 1),
                                       ((3, 0), 1)])
def test_softmax_dims(fname, shape, dim):
    check(lambda m, x: getattr(m.nn.functional, fname)(x, dim), [shape], grad=True, low=-5, high=5)


@pytest.mark.parametrize("w", [1, 2, 3, 63, 64, 65, 256, 257])
def test_softmax_short_and_long_rows(w):
    """Last-dim rows up to 256 long are reduced by folded maxima and einsum sums, longer ones by NumPy's
    reductions: torch's values and gradients either way, with NaN and -inf in rows (a row of -inf gives NaN)."""
    a = np.random.default_rng(w).uniform(-8, 8, (5, 3, w)).astype(np.float32)
    a[0, 0, 0] = np.nan
    a[1, 1] = -np.inf
    a[2, 2, w // 2] = -np.inf
    for fn in (lambda m, x: m.nn.functional.softmax(x, -1), lambda m, x: m.nn.functional.log_softmax(x, -1),
               lambda m, x: m.nn.functional.softmin(x, 2), lambda m, x: x.transpose(0, 2).softmax(0),
               lambda m, x: m.nn.functional.softmax(x, -1, dtype=m.float64)):
        check(fn, [a], grad=True, noncontig=True)
    check(lambda m, x: m.nn.functional.log_softmax(x, -1), [(4, w)], dtype=np.float64, grad=True, atol=1e-12,
          grad_atol=1e-12)
    check(lambda m, x: m.nn.functional.softmax(x.half(), -1).float(), [(4, w)], grad=True, atol=1e-3, grad_atol=1e-3)


def test_softmax_dtype_arg_and_extremes():
    check(lambda m, x: m.nn.functional.softmax(x, 1, dtype=m.float64), [(3, 4)], grad=True)
    check(lambda m, x: m.nn.functional.log_softmax(x, 0, dtype=m.float64), [(3, 4)], grad=True)
    check(lambda m, x: m.softmax(x, 1), [(3, 4)], grad=True)
    check(lambda m, x: m.log_softmax(x, 1, m.float64), [(3, 4)], grad=True)
    check(lambda m, x: x.softmax(0), [(3, 4)], grad=True)
    check(lambda m, x: x.log_softmax(dim=-1), [(3, 4)], grad=True)
    big = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0], [np.inf, 1.0, 0.0]], np.float32)
    check(lambda m, x: m.nn.functional.softmax(x, 1), [big])
    check(lambda m, x: m.nn.functional.log_softmax(x, 1), [big])
    ints = np.array([[1, 2], [3, 4]])
    check(lambda m, x: m.nn.functional.softmax(x, 1, dtype=m.float32), [ints])
    check_error(lambda m: m.nn.functional.softmax(m.ones(2, 3), 2))


def test_softmax_implicit_dim_warns():
    for ndim, expect in ((0, 0), (1, 0), (2, 1), (3, 0), (4, 1)):
        x = np.asarray(np.random.default_rng(0).standard_normal((2,) * ndim), np.float32)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            e = F_E.softmax(ember.from_numpy(x))
        assert_same(e, torch.softmax(torch.from_numpy(x), expect))
    with pytest.warns(UserWarning, match="log_softmax"):
        F_E.log_softmax(ember.ones(2))
    with pytest.warns(UserWarning, match="softmin"):
        F_E.softmin(ember.ones(2))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        ember.nn.Softmax()(ember.ones(2, 2))


def test_softmax2d():
    check(lambda m, x: m.nn.Softmax2d()(x), [(2, 3, 4, 5)], grad=True)
    check(lambda m, x: m.nn.Softmax2d()(x), [(3, 4, 5)], grad=True)
    check_error(lambda m: m.nn.Softmax2d()(m.ones(2, 2)), match_message=True)


# ----------------------------------------------------------------------------------------------------
# errors

def test_argument_errors():
    for f in (lambda m: m.nn.functional.gelu(m.ones(2), approximate="fast"),
              lambda m: m.nn.functional.hardtanh(m.ones(2), 1.0, -1.0),
              lambda m: m.nn.functional.softshrink(m.ones(2), -1.0),
              lambda m: m.nn.functional.celu(m.ones(2), 0.0),
              lambda m: m.nn.functional.glu(m.ones(3)),
              lambda m: m.nn.functional.glu(m.tensor(1.0)),
              lambda m: m.nn.functional.glu(m.ones(4, 2), 2),
              lambda m: m.nn.Hardtanh(1.0, 1.0),
              lambda m: m.nn.functional.relu(m.tensor([True, False])),
              lambda m: m.nn.functional.threshold(m.tensor([True]), 0, 1),
              lambda m: m.nn.functional.relu6(m.tensor([True])),
              lambda m: m.nn.functional.relu(m.tensor([1 + 1j])),
              lambda m: m.nn.functional.softmax(m.tensor([1 + 1j]), 0),
              lambda m: m.nn.functional.silu(m.tensor([1 + 1j], requires_grad=True))):
        check_error(f, match_message=True)
    check(lambda m, x: m.nn.functional.silu(x), [np.array([1 + 1j, -0.5 + 2j], np.complex64)])
    check_error(lambda m: m.nn.functional.relu([1.0]))


# ----------------------------------------------------------------------------------------------------
# dropout

def test_dropout_eval_and_edge_cases():
    x = ember.ones(3, 4)
    assert F_E.dropout(x, 0.5, training=False) is x
    assert F_E.dropout(x, 0.0) is x
    assert F_E.alpha_dropout(x, 0.5) is x  # training defaults to False
    assert F_E.dropout(ember.ones(0), 0.5).shape == (0,)
    z = F_E.dropout(ember.ones(3, requires_grad=True), 1.0)
    assert z.tolist() == [0.0, 0.0, 0.0] and z.grad_fn.name() == "MulBackward0"
    for p in (-0.1, 1.5):
        for f in ("dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d"):
            check_error(lambda m: getattr(m.nn.functional, f)(m.ones(2, 2, 2, 2), p), match_message=True)
        check_error(lambda m: m.nn.Dropout(p), match_message=True)
    check_error(lambda m: m.nn.functional.dropout1d(m.ones(2, 2, 2, 2)), match_message=True)
    check_error(lambda m: m.nn.functional.feature_alpha_dropout(m.ones(3), 0.5, True), match_message=True)
    m = ember.nn.Dropout(0.3).eval()
    assert m(x) is x


def test_dropout_statistics_and_grad():
    ember.manual_seed(0)
    x = ember.ones(200, 500, requires_grad=True)
    y = F_E.dropout(x, 0.3)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.7) < 0.01
    vals = set(np.unique(y.detach().numpy()).astype(np.float64).round(5).tolist())
    assert vals <= {0.0, round(1 / 0.7, 5)}
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())
    assert y.grad_fn.name() == "MulBackward0"


def test_feature_dropout_masks_whole_channels():
    ember.manual_seed(1)
    x = ember.ones(8, 16, 5, 5)
    y = F_E.dropout2d(x, 0.5).numpy()
    per_channel = y.reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    y1 = F_E.dropout1d(ember.ones(16, 7), 0.5).numpy()  # unbatched (C, L)
    assert np.all((y1 == 0).all(-1) | (y1 == 2).all(-1))
    y3 = F_E.dropout3d(ember.ones(4, 2, 3, 3), 0.5).numpy()  # unbatched (C, D, H, W)
    assert y3.shape == (4, 2, 3, 3)
    assert np.all((y3.reshape(4, -1) == 0).all(-1) | (y3.reshape(4, -1) == 2).all(-1))
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F_E.dropout2d(ember.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout3d"):
        F_E.dropout3d(ember.ones(2, 3))


def test_alpha_dropout_statistics():
    ember.manual_seed(2)
    x = ember.randn(400, 500) if hasattr(ember, "randn") else ember.tensor(
        np.random.default_rng(0).standard_normal((400, 500)).astype(np.float32))
    y = F_E.alpha_dropout(x, 0.2, training=True)
    assert abs(y.mean().item()) < 0.02 and abs(y.std().item() - 1) < 0.02
    fa = F_E.feature_alpha_dropout(ember.ones(4, 6, 3), 0.5, training=True).numpy()
    assert np.all((fa == fa[..., :1]).all(-1))


def test_dropout_inplace():
    ember.manual_seed(3)
    base = ember.ones(50, 50, requires_grad=True)
    y = base * 1
    out = F_E.dropout(y, 0.5, inplace=True)
    assert out is y
    out.sum().backward()
    np.testing.assert_allclose(base.grad.numpy(), y.detach().numpy())
    z = ember.ones(10, 4, 3)
    assert F_E.dropout1d(ember.ones(4, 3), 0.5, inplace=True).shape == (4, 3)
    assert F_E.dropout2d(z, 0.5, inplace=True) is z


def test_dropout_matches_torch_bit_for_bit():
    """With equal seeds, ember's dropout draws exactly torch's mask (requires ember's generator == torch's)."""
    x = np.random.default_rng(0).standard_normal((64, 33)).astype(np.float32)
    for f in (lambda F, t: F.dropout(t, 0.25), lambda F, t: F.alpha_dropout(t, 0.4, True),
              lambda F, t: F.dropout2d(t.reshape(8, 8, 33), 0.5), lambda F, t: F.rrelu(t, training=True),
              lambda F, t: F.dropout(t.t(), 0.6), lambda F, t: F.feature_alpha_dropout(t.reshape(8, 8, 33), 0.3, True),
              lambda F, t: F.rrelu(t.t().double(), 0.05, 0.4, training=True)):
        ember.manual_seed(1234)
        torch.manual_seed(1234)
        np.testing.assert_array_equal(f(F_E, ember.from_numpy(x)).numpy(), f(F_T, torch.from_numpy(x)).numpy())


@pytest.mark.parametrize("threads", [1, 2])
def test_dropout_long_tensors_match_torch(threads):
    """Masks longer than one stretch of the draw (2**17 elements), on one thread or with the comparisons on a
    worker thread: torch's mask and scale, for float32/float64, dense non-contiguous inputs and in-place."""
    x = np.random.default_rng(1).standard_normal((300, 1001)).astype(np.float32)
    prev = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        for f in (lambda F, t: F.dropout(t, 0.1), lambda F, t: F.dropout(t.double(), 0.5),
                  lambda F, t: F.dropout(t.t(), 0.3), lambda F, t: F.dropout(t * 1, 0.7, inplace=True),
                  lambda F, t: F.dropout(t.half(), 0.2).float()):
            ember.manual_seed(5)
            torch.manual_seed(5)
            np.testing.assert_array_equal(f(F_E, ember.from_numpy(x)).numpy(), f(F_T, torch.from_numpy(x)).numpy())
            np.testing.assert_array_equal(ember.get_rng_state().numpy(), torch.get_rng_state().numpy())
    finally:
        ember.set_num_threads(prev)


def test_dropout_module_reprs():
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
        assert repr(getattr(ember.nn, name)(0.25, inplace=True)) == repr(getattr(torch.nn, name)(0.25, inplace=True))
        assert repr(getattr(ember.nn, name)()) == repr(getattr(torch.nn, name)())


def test_torch_level_dropout_names():
    x = ember.ones(4, 4)
    assert ember.dropout(x, 0.5, False) is x
    assert ember.feature_dropout(x, 0.5, False) is x
    assert ember.alpha_dropout(x, 0.0, True) is x
    assert ember.feature_alpha_dropout(x, 0.5, False) is x


# ----------------------------------------------------------------------------------------------------
# misc functional

def test_one_hot():
    idx = np.array([[0, 2], [1, 3]])
    check(lambda m, t: m.nn.functional.one_hot(t), [idx])
    check(lambda m, t: m.nn.functional.one_hot(t, 6), [idx])
    check(lambda m, t: m.nn.functional.one_hot(t, 3), [np.zeros((0,), np.int64)])
    check(lambda m, t: m.nn.functional.one_hot(t), [np.array(2)])
    for f in (lambda m: m.nn.functional.one_hot(m.tensor([1.0])),
              lambda m: m.nn.functional.one_hot(m.tensor([1, 5]), 3),
              lambda m: m.nn.functional.one_hot(m.tensor([-1, 1])),
              lambda m: m.nn.functional.one_hot(m.zeros(0, dtype=m.int64))):
        check_error(f, match_message=True)


def test_normalize():
    check(lambda m, x: m.nn.functional.normalize(x), [(3, 4)], grad=True)
    check(lambda m, x: m.nn.functional.normalize(x, p=1, dim=0), [(3, 4)], grad=True)
    check(lambda m, x: m.nn.functional.normalize(x, dim=-1), [(2, 3, 4)], grad=True)
    check(lambda m, x: m.nn.functional.normalize(x, dim=1), [np.zeros((2, 3), np.float32)], grad=True)
    out_e, out_t = ember.empty(3, 4), torch.empty(3, 4)
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    F_E.normalize(ember.from_numpy(x), out=out_e)
    F_T.normalize(torch.from_numpy(x), out=out_t)
    assert_same(out_e, out_t)


# ----------------------------------------------------------------------------------------------------
# modules

MODULES = [
    lambda nn: nn.ReLU(), lambda nn: nn.ReLU(inplace=True), lambda nn: nn.ReLU6(), lambda nn: nn.ReLU6(True),
    lambda nn: nn.LeakyReLU(), lambda nn: nn.LeakyReLU(0.2, True), lambda nn: nn.ELU(alpha=0.5),
    lambda nn: nn.ELU(inplace=True), lambda nn: nn.SELU(), lambda nn: nn.SELU(True), lambda nn: nn.CELU(2.0),
    lambda nn: nn.GELU(), lambda nn: nn.GELU("tanh"), lambda nn: nn.SiLU(), lambda nn: nn.SiLU(True),
    lambda nn: nn.Mish(), lambda nn: nn.Softplus(), lambda nn: nn.Softplus(2, 10), lambda nn: nn.Softsign(),
    lambda nn: nn.Hardtanh(), lambda nn: nn.Hardtanh(-2, 3, True), lambda nn: nn.Hardsigmoid(),
    lambda nn: nn.Hardswish(), lambda nn: nn.Tanh(), lambda nn: nn.Sigmoid(), lambda nn: nn.LogSigmoid(),
    lambda nn: nn.RReLU(), lambda nn: nn.RReLU(0.1, 0.2, True), lambda nn: nn.GLU(), lambda nn: nn.GLU(0),
    lambda nn: nn.Threshold(0.1, 20), lambda nn: nn.Threshold(0.1, 20, True), lambda nn: nn.Softmax(dim=1),
    lambda nn: nn.LogSoftmax(1), lambda nn: nn.Softmin(0), lambda nn: nn.Softmax(), lambda nn: nn.Softmax2d(),
    lambda nn: nn.Tanhshrink(), lambda nn: nn.Softshrink(), lambda nn: nn.Softshrink(0.3), lambda nn: nn.Hardshrink(),
    lambda nn: nn.Hardshrink(0.25), lambda nn: nn.PReLU(), lambda nn: nn.PReLU(4),
]


@pytest.mark.parametrize("i", range(len(MODULES)))
def test_module_repr_and_forward(i):
    e, t = MODULES[i](ember.nn), MODULES[i](torch.nn)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    if type(t).__name__ in ("RReLU",):
        e.eval()
        t.eval()
    x = np.random.default_rng(i).uniform(-3, 3, (2, 4, 3, 4)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(e(ember.from_numpy(x.copy())), t(torch.from_numpy(x.copy())))


def test_hardtanh_deprecated_kwargs():
    with pytest.warns(FutureWarning, match="min_value"):
        m = ember.nn.Hardtanh(min_value=-2.0)
    assert m.min_val == -2.0


def test_relu_and_gelu_large_inputs():
    """Large contiguous float32 inputs take the fast kernels (ReLU against a row of zeros, GELU's float32 erfc
    in stretches): torch's values and gradients, with NaN, +-0, +-inf and both tails."""
    x = np.random.default_rng(3).uniform(-12, 12, (70, 1030)).astype(np.float32)
    x[0, :6] = [np.nan, 0.0, -0.0, np.inf, -np.inf, 3e38]
    check(lambda m, x: m.relu(x), [x], grad=True)
    check(lambda m, x: m.nn.functional.relu(x.t()), [x], grad=True)
    finite = x.copy()
    finite[0, :6] = [0.0, -0.0, 1e-30, -1e-30, 5.0, -5.0]
    for approx in ("none", "tanh"):
        check(lambda m, x: m.nn.functional.gelu(x, approximate=approx), [finite], grad=True, atol=2e-6)
        check(lambda m, x: m.nn.functional.gelu(x, approximate=approx), [finite[:3, :40].astype(np.float64)], grad=True,
              atol=1e-12, grad_atol=1e-12)
        check(lambda m, x: m.nn.functional.gelu(x.t().bfloat16(), approximate=approx).float(), [finite[:30]],
              grad=True, atol=2e-2, grad_atol=2e-2)
    e = F_E.gelu(ember.from_numpy(x))
    assert np.isnan(e[0, 3].item()) and np.isnan(e[0, 0].item())  # +inf gives NaN, as torch's float kernel
    tail = np.linspace(-12, -3, 1001).astype(np.float32)   # relative accuracy where x Phi(x) is tiny
    import scipy.special
    exact = tail.astype(np.float64) * 0.5 * scipy.special.erfc(-tail.astype(np.float64) / np.sqrt(2))
    np.testing.assert_allclose(F_E.gelu(ember.from_numpy(tail)).numpy(), exact, rtol=1e-4, atol=0)


def test_output_layouts_follow_torch():
    """Elementwise activations keep a transposed/permuted input's layout; softmax and layer_norm return
    contiguous tensors (torch makes their input contiguous)."""
    x = np.random.default_rng(4).standard_normal((70, 1030)).astype(np.float32)
    p = np.random.default_rng(5).standard_normal((4, 6, 5)).astype(np.float32)
    for fn in (lambda m, t: m.nn.functional.gelu(t.t()), lambda m, t: m.nn.functional.gelu(t[:, ::2]),
               lambda m, t: m.relu(t.t()), lambda m, t: m.softmax(t.t(), -1), lambda m, t: m.log_softmax(t.t(), 0),
               lambda m, t: m.nn.functional.layer_norm(t.t(), (70,)),
               lambda m, t: m.nn.functional.gelu(t[:6, :20].reshape(4, 6, 5).permute(2, 0, 1))):
        e, t = fn(ember, ember.from_numpy(x)), fn(torch, torch.from_numpy(x))
        assert e.stride() == t.stride()
        assert_same(e, t, atol=2e-6)
    e, t = F_E.gelu(ember.from_numpy(p).permute(2, 0, 1)), F_T.gelu(torch.from_numpy(p).permute(2, 0, 1))
    assert e.stride() == t.stride()
