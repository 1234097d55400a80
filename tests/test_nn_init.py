"""nn.init against torch: gains and fans, deterministic fills exactly, random fills by distribution and —
with equal seeds — bit for bit (ember's generator reproduces torch's stream)."""
import math

import numpy as np
import pytest
import torch

import ember
from conformance import check_error

EI = ember.nn.init
TI = torch.nn.init


def test_calculate_gain():
    for nl in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
               "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        assert EI.calculate_gain(nl) == TI.calculate_gain(nl)
        assert type(EI.calculate_gain(nl)) is type(TI.calculate_gain(nl))
    for param in (0.2, 3, math.sqrt(5)):
        assert EI.calculate_gain("leaky_relu", param) == TI.calculate_gain("leaky_relu", param)
    for args in (("softmax",), ("leaky_relu", True), ("leaky_relu", "x")):
        check_error(lambda m: m.nn.init.calculate_gain(*args), match_message=True)


@pytest.mark.parametrize("shape", [(3, 4), (8, 4, 3, 3), (5, 2, 7), (2, 3, 1, 4, 2), (0, 4)])
def test_fans(shape):
    assert EI._calculate_fan_in_and_fan_out(ember.empty(shape)) == TI._calculate_fan_in_and_fan_out(torch.empty(shape))
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert EI._calculate_correct_fan(ember.empty(shape), mode) == TI._calculate_correct_fan(torch.empty(shape), mode)


def test_fan_errors():
    check_error(lambda m: m.nn.init._calculate_fan_in_and_fan_out(m.empty(3)), match_message=True)
    check_error(lambda m: m.nn.init._calculate_correct_fan(m.empty(3, 3), "fan_avg"), match_message=True)
    check_error(lambda m: m.nn.init.xavier_uniform_(m.empty(3)), match_message=True)


def _same(e, t):
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def test_deterministic_fills():
    for fn in (lambda I, t: I.constant_(t, 0.3), lambda I, t: I.ones_(t), lambda I, t: I.zeros_(t)):
        e, t = ember.empty(3, 4), torch.empty(3, 4)
        assert fn(EI, e) is e
        fn(TI, t)
        _same(e, t)
    for shape in ((3, 5), (5, 3), (4, 4), (0, 2)):
        e, t = ember.empty(shape), torch.empty(shape)
        assert EI.eye_(e) is e
        TI.eye_(t)
        _same(e, t)
    for shape, groups in (((4, 3, 3), 1), ((6, 4, 3, 3), 2), ((4, 8, 3, 5, 5), 4), ((2, 5, 2, 2), 1), ((0, 3, 3), 1)):
        e, t = ember.empty(shape), torch.empty(shape)
        assert EI.dirac_(e, groups) is e
        TI.dirac_(t, groups)
        _same(e, t)
    for f in (lambda m: m.nn.init.eye_(m.empty(2, 2, 2)), lambda m: m.nn.init.dirac_(m.empty(2, 2)),
              lambda m: m.nn.init.dirac_(m.empty(3, 2, 2), 2)):
        check_error(f, match_message=True)


def test_fills_on_parameters_do_not_record():
    p = ember.nn.Parameter(ember.empty(3, 3))
    for fn in (EI.zeros_, EI.ones_, EI.eye_, lambda t: EI.constant_(t, 2.0)):
        r = fn(p)
        assert r is p and p.grad_fn is None and p.requires_grad and p.is_leaf


def test_deprecated_aliases():
    with pytest.warns(FutureWarning, match="nn.init.constant` is now deprecated"):
        EI.constant(ember.empty(2), 1.0)
    with pytest.warns(FutureWarning, match="nn.init.eye`"):
        EI.eye(ember.empty(2, 2))
    assert EI.xavier_uniform.__name__ == "xavier_uniform"


def test_zero_element_kaiming_warns():
    for fn in (EI.kaiming_uniform_, EI.kaiming_normal_):
        t = ember.empty(0, 3)
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            assert fn(t) is t


# ----------------------------------------------------------------------------------------------------
# random fills: distributions

def _vals(t):
    return t.detach().numpy().astype(np.float64)


def test_uniform_normal_distributions():
    ember.manual_seed(0)
    v = _vals(EI.uniform_(ember.empty(200, 300), -2.0, 3.0))
    assert v.min() >= -2.0 and v.max() < 3.0 and abs(v.mean() - 0.5) < 0.03
    v = _vals(EI.normal_(ember.empty(200, 300), 1.5, 0.5))
    assert abs(v.mean() - 1.5) < 0.01 and abs(v.std() - 0.5) < 0.01


def test_xavier_and_kaiming_distributions():
    ember.manual_seed(1)
    t = ember.empty(300, 200)
    fan_in, fan_out = 200, 300
    v = _vals(EI.xavier_uniform_(t, gain=2.0))
    a = 2.0 * math.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(v).max() <= a and abs(v.std() - a / math.sqrt(3)) < 0.01 * a
    v = _vals(EI.xavier_normal_(t))
    assert abs(v.std() - math.sqrt(2.0 / (fan_in + fan_out))) < 0.02 * math.sqrt(2.0 / (fan_in + fan_out))
    v = _vals(EI.kaiming_uniform_(t, a=math.sqrt(5)))
    bound = math.sqrt(6.0 / ((1 + 5) * fan_in))
    assert np.abs(v).max() <= bound and np.abs(v).max() > 0.99 * bound
    v = _vals(EI.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
    assert abs(v.std() - math.sqrt(2.0 / fan_out)) < 0.02 * math.sqrt(2.0 / fan_out)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.0, 1.0, 1.5, 3.0), (0.5, 0.02, -0.1, 0.6),
                                          (0.0, 3.0, -0.5, 0.5)])
def test_trunc_normal_bounds(mean, std, a, b):
    ember.manual_seed(2)
    v = _vals(EI.trunc_normal_(ember.empty(100, 100), mean, std, a, b))
    assert v.min() >= a and v.max() <= b
    # mean of a truncated normal
    alpha, beta = (a - mean) / std, (b - mean) / std
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    expected = mean + std * (phi(alpha) - phi(beta)) / (cdf(beta) - cdf(alpha))
    assert abs(v.mean() - expected) < 0.02 * max(std, b - a)


def test_trunc_normal_warns_far_mean():
    with pytest.warns(UserWarning, match="mean is more than 2 std"):
        EI.trunc_normal_(ember.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 3, 2, 2), (3, 3)])
def test_orthogonal(shape):
    ember.manual_seed(3)
    t = EI.orthogonal_(ember.empty(shape), gain=2.0)
    q = _vals(t).reshape(shape[0], -1)
    rows, cols = q.shape
    gram = q @ q.T if rows <= cols else q.T @ q
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-5)
    check_error(lambda m: m.nn.init.orthogonal_(m.empty(3)), match_message=True)
    e = ember.empty(0, 3)
    assert EI.orthogonal_(e) is e


def test_sparse():
    ember.manual_seed(4)
    t = EI.sparse_(ember.empty(10, 7), sparsity=0.3, std=0.5)
    v = _vals(t)
    assert ((v == 0).sum(0) == 3).all()
    check_error(lambda m: m.nn.init.sparse_(m.empty(3, 3, 3), 0.1), match_message=True)


# ----------------------------------------------------------------------------------------------------
# bit-for-bit with torch (the draws are torch's calls, so equal seeds give equal weights)

SEEDED = {
    "uniform_": lambda I, t: I.uniform_(t, -0.7, 0.2),
    "normal_": lambda I, t: I.normal_(t, 0.3, 2.0),
    "xavier_uniform_": lambda I, t: I.xavier_uniform_(t, gain=I.calculate_gain("tanh")),
    "xavier_normal_": lambda I, t: I.xavier_normal_(t),
    "kaiming_uniform_": lambda I, t: I.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_normal_": lambda I, t: I.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
    "trunc_normal_": lambda I, t: I.trunc_normal_(t, std=0.02),
    "trunc_normal_narrow": lambda I, t: I.trunc_normal_(t, mean=0.0, std=1.0, a=1.0, b=1.5),
    "trunc_normal_redraws": lambda I, t: I.trunc_normal_(t, mean=0.5, std=1.0, a=-1.0, b=2.0),
    "trunc_normal_float64": lambda I, t: I.trunc_normal_(t.zero_().double(), std=1.0),
    "sparse_": lambda I, t: I.sparse_(t, 0.4),
}


@pytest.mark.parametrize("name", list(SEEDED))
def test_matches_torch_bit_for_bit(name):
    fn = SEEDED[name]
    for seed in (0, 1234):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        _same(fn(EI, ember.empty(33, 17)), fn(TI, torch.empty(33, 17)))


def test_orthogonal_matches_torch():
    ember.manual_seed(5)
    torch.manual_seed(5)
    e = EI.orthogonal_(ember.empty(7, 4))
    t = TI.orthogonal_(torch.empty(7, 4))
    np.testing.assert_allclose(e.numpy(), t.numpy(), atol=1e-5)


def test_generator_argument():
    ge = ember.Generator().manual_seed(42)
    gt = torch.Generator().manual_seed(42)
    _same(EI.uniform_(ember.empty(5, 5), generator=ge), TI.uniform_(torch.empty(5, 5), generator=gt))
    _same(EI.kaiming_normal_(ember.empty(5, 5), generator=ge), TI.kaiming_normal_(torch.empty(5, 5), generator=gt))
    _same(EI.trunc_normal_(ember.empty(5, 5), generator=ge), TI.trunc_normal_(torch.empty(5, 5), generator=gt))


def test_default_layer_init_matches_torch():
    """``ember.manual_seed(s); nn.Linear(784, 256)`` has torch's exact weights (and so on for the other layers)."""
    for build in (lambda nn: nn.Linear(784, 256), lambda nn: nn.Linear(3, 1, bias=False),
                  lambda nn: nn.Bilinear(4, 5, 3), lambda nn: nn.PReLU(3),
                  lambda nn: nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))):
        ember.manual_seed(0)
        torch.manual_seed(0)
        e, t = build(ember.nn), build(torch.nn)
        for (n1, a), (n2, b) in zip(e.named_parameters(), t.named_parameters()):
            assert n1 == n2
            _same(a, b)


def test_reset_parameters_redraws():
    ember.manual_seed(0)
    m = ember.nn.Linear(5, 4)
    w0 = m.weight.detach().clone()
    m.reset_parameters()
    assert not ember.equal(w0, m.weight.detach())
    bound = 1 / math.sqrt(5)
    assert float(m.bias.abs().max()) <= bound and float(m.weight.abs().max()) <= bound
