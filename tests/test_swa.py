"""ember.optim.swa_utils against torch.optim.swa_utils: AveragedModel with every averaging function, SWALR,
update_bn."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember


def S(m):
    return m.optim.swa_utils


def _net(m):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(4, 3), m.nn.ReLU(), m.nn.Linear(3, 2))
    with m.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(m.tensor(np.linspace(-1, 1, p.numel(), dtype=np.float32).reshape(tuple(p.shape)) * (i + 1)))
    return net


def _perturb(m, net, i):
    with m.no_grad():
        for j, p in enumerate(net.parameters()):
            p.mul_(0.9).add_(0.05 * (i + 1) - 0.01 * j)


AVG = {
    "default": lambda m: {},
    "ema_multi": lambda m: {"multi_avg_fn": S(m).get_ema_multi_avg_fn(0.9)},
    "swa_multi": lambda m: {"multi_avg_fn": S(m).get_swa_multi_avg_fn()},
    "ema": lambda m: {"avg_fn": S(m).get_ema_avg_fn(0.8)},
    "swa": lambda m: {"avg_fn": S(m).get_swa_avg_fn()},
    "ema_multi_buffers": lambda m: {"multi_avg_fn": S(m).get_ema_multi_avg_fn(0.7), "use_buffers": True},
    "swa_buffers": lambda m: {"avg_fn": S(m).get_swa_avg_fn(), "use_buffers": True},
}


@pytest.mark.parametrize("kind", list(AVG))
def test_averaged_model_matches_torch(kind):
    res = []
    for m in (ember, torch):
        net = _net(m)
        avg = S(m).AveragedModel(net, **AVG[kind](m))
        for i in range(6):
            _perturb(m, net, i)
            avg.update_parameters(net)
        assert avg.n_averaged.dtype == m.int64 and int(avg.n_averaged) == 6
        x = m.tensor(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4))
        res.append(([p.detach().numpy().copy() for p in avg.parameters()], avg(x).detach().numpy(),
                    list(avg.state_dict())))
    for a, b in zip(res[0][0], res[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5, atol=1e-6)
    assert res[0][2] == res[1][2]


def test_averaged_model_is_a_copy_and_first_update_copies():
    net = _net(ember)
    avg = S(ember).AveragedModel(net)
    assert avg.module is not net
    _perturb(ember, net, 3)
    avg.update_parameters(net)
    for a, b in zip(avg.parameters(), net.parameters()):
        assert a is not b
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_averaged_model_errors():
    for m in (ember, torch):
        net = _net(m)
        with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
            S(m).AveragedModel(net, avg_fn=S(m).get_swa_avg_fn(), multi_avg_fn=S(m).get_swa_multi_avg_fn())
        for fn in (S(m).get_ema_avg_fn, S(m).get_ema_multi_avg_fn):
            with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided"):
                fn(1.5)


def test_avg_functions_directly():
    for m in (ember, torch):
        a, b = m.tensor([1.0, 2.0]), m.tensor([3.0, 6.0])
        np.testing.assert_allclose(S(m).get_swa_avg_fn()(a, b, m.tensor(1)).numpy(), [2.0, 4.0])
        np.testing.assert_allclose(S(m).get_ema_avg_fn(0.5)(a, b, 0).numpy(), [2.0, 4.0])
        ints, cur = [m.tensor([2, 4, -3])], [m.tensor([4, 9, 0])]
        S(m).get_ema_multi_avg_fn(0.5)(ints, cur, 0)
        np.testing.assert_array_equal(ints[0].numpy(), [3, 6, -1])
        with pytest.raises(RuntimeError):
            S(m).get_swa_multi_avg_fn()(ints, cur, 1)


SWALR_CASES = [dict(swa_lr=0.05, anneal_epochs=20),
               dict(swa_lr=[0.05, 0.01], anneal_epochs=0, anneal_strategy="linear"),
               dict(swa_lr=0.5, anneal_epochs=7, anneal_strategy="linear"), dict(swa_lr=0.01, anneal_epochs=1)]


@pytest.mark.parametrize("kwargs", SWALR_CASES)
def test_swalr_matches_torch(kwargs):
    res = []
    for m in (ember, torch):
        params = [m.zeros(2, requires_grad=True) for _ in range(2)]
        o = m.optim.SGD([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)], momentum=0.9)
        s = S(m).SWALR(o, **kwargs)
        seq = [s.get_last_lr()]
        for _ in range(40):
            o.step()
            s.step()
            seq.append(s.get_last_lr())
        res.append((seq, list(s.state_dict())))
    for a, b in zip(res[0][0], res[1][0]):
        for x, y in zip(a, b):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15)
    assert res[0][1] == res[1][1]


def test_swalr_state_dict_round_trip_and_errors():
    o = ember.optim.SGD([ember.zeros(2, requires_grad=True)], lr=0.1)
    s = S(ember).SWALR(o, 0.01, anneal_epochs=5, anneal_strategy="linear")
    sd = s.state_dict()
    assert "anneal_func" not in sd and sd["_anneal_strategy"] == "linear"
    s2 = S(ember).SWALR(ember.optim.SGD([ember.zeros(2, requires_grad=True)], lr=0.1), 0.01)
    s2.load_state_dict(sd)
    assert s2.anneal_func is S(ember).SWALR._linear_anneal
    for m in (ember, torch):
        o = m.optim.SGD([m.zeros(2, requires_grad=True)], lr=0.1)
        with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
            S(m).SWALR(o, 0.01, anneal_strategy="exp")
        with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0, got -1"):
            S(m).SWALR(o, 0.01, anneal_epochs=-1)
        s = S(m).SWALR(o, 0.01)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s.get_lr()
        assert any("get_last_lr()" in str(x.message) for x in w)


def test_update_bn_without_batchnorm_is_a_no_op():
    class Loader:
        def __iter__(self):
            raise AssertionError("update_bn must not read the loader when there is no batch norm")

    net = _net(ember)
    S(ember).update_bn(Loader(), net)


def test_update_bn_matches_torch():
    rng = np.random.default_rng(0)
    data = [rng.standard_normal((8, 4)).astype(np.float32) * (i + 1) for i in range(5)]
    res = []
    for m in (ember, torch):
        net = m.nn.Sequential(m.nn.Linear(4, 4), m.nn.BatchNorm1d(4), m.nn.ReLU())
        with m.no_grad():
            net[0].weight.copy_(m.tensor(np.eye(4, dtype=np.float32)))
            net[0].bias.zero_()
        net.eval()
        S(m).update_bn([(m.tensor(d), 0) for d in data], net)
        bn = net[1]
        assert not net.training and bn.momentum == 0.1
        res.append((bn.running_mean.numpy().copy(), bn.running_var.numpy().copy(), int(bn.num_batches_tracked)))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5, atol=1e-6)
    assert res[0][2] == res[1][2]
