"""ember.optim.lr_scheduler against torch.optim.lr_scheduler: lr (and momentum) sequences, state dicts,
warnings and errors."""
import copy
import math
import pickle
import warnings

import pytest
import torch

import ember


def L(m):
    return m.optim.lr_scheduler


def _optimizer(m, opt="SGD", groups=2, lr=None):
    params = [m.zeros(2, requires_grad=True) for _ in range(groups)]
    group_list = [{"params": [p], "lr": 0.1 * (i + 1) if lr is None else lr} for i, p in enumerate(params)]
    if opt == "SGD":
        return m.optim.SGD(group_list, lr=0.1, momentum=0.9)
    return getattr(m.optim, opt)(group_list)


def _record(o):
    return [g["lr"] for g in o.param_groups] + [g["momentum"] if "momentum" in g else g["betas"][0]
                                                 for g in o.param_groups if "momentum" in g or "betas" in g]


def _sequence(m, make, steps=300, opt="SGD", metric=None):
    o = _optimizer(m, opt)
    s = make(m, o)
    out = [_record(o) + s.get_last_lr()]
    for i in range(steps):
        o.step()
        if metric is not None:
            s.step(metric(i))
        else:
            s.step()
        out.append(_record(o) + s.get_last_lr())
    return out, s, o


def _assert_close_seq(e, t):
    assert len(e) == len(t)
    for i, (a, b) in enumerate(zip(e, t)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15), (i, a, b)


SCHEDULERS = {
    "LambdaLR": lambda m, o: L(m).LambdaLR(o, lambda e: 0.95 ** e),
    "LambdaLR-list": lambda m, o: L(m).LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.5 ** (e // 7)]),
    "MultiplicativeLR": lambda m, o: L(m).MultiplicativeLR(o, lambda e: 0.99),
    "StepLR": lambda m, o: L(m).StepLR(o, 30, 0.5),
    "MultiStepLR": lambda m, o: L(m).MultiStepLR(o, [10, 50, 50, 200], 0.3),
    "ConstantLR": lambda m, o: L(m).ConstantLR(o, 0.3, 40),
    "LinearLR": lambda m, o: L(m).LinearLR(o, 0.1, 0.9, 77),
    "ExponentialLR": lambda m, o: L(m).ExponentialLR(o, 0.99),
    "PolynomialLR": lambda m, o: L(m).PolynomialLR(o, 120, 2.0),
    "CosineAnnealingLR": lambda m, o: L(m).CosineAnnealingLR(o, 70, 0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 10, 2, 0.001),
    "CosineAnnealingWarmRestarts-1": lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 13),
    "CyclicLR-triangular": lambda m, o: L(m).CyclicLR(o, 0.01, 0.1, 20, 30),
    "CyclicLR-triangular2": lambda m, o: L(m).CyclicLR(o, 0.01, 0.1, 20, 30, mode="triangular2"),
    "CyclicLR-exp_range": lambda m, o: L(m).CyclicLR(o, [0.01, 0.02], 0.1, 25, mode="exp_range", gamma=0.99,
                                                     base_momentum=0.7, max_momentum=[0.95, 0.9]),
    "CyclicLR-scale_fn": lambda m, o: L(m).CyclicLR(o, 0.01, 0.1, 15, scale_fn=lambda x: 1 / (x + 1),
                                                    scale_mode="iterations", cycle_momentum=False),
    "OneCycleLR": lambda m, o: L(m).OneCycleLR(o, 1.0, total_steps=300),
    "OneCycleLR-3phase-linear": lambda m, o: L(m).OneCycleLR(o, [1.0, 2.0], epochs=10, steps_per_epoch=30,
                                                             three_phase=True, anneal_strategy="linear"),
    "OneCycleLR-nomomentum": lambda m, o: L(m).OneCycleLR(o, 0.5, total_steps=301, pct_start=0.1,
                                                          cycle_momentum=False, div_factor=10.0,
                                                          final_div_factor=100.0),
    "SequentialLR": lambda m, o: L(m).SequentialLR(o, [L(m).LinearLR(o, 0.1, 1.0, 20), L(m).CosineAnnealingLR(o, 100),
                                                       L(m).ExponentialLR(o, 0.98)], [20, 150]),
    "ChainedScheduler": lambda m, o: L(m).ChainedScheduler([L(m).ConstantLR(o, 0.5, 10), L(m).ExponentialLR(o, 0.99),
                                                            L(m).StepLR(o, 40, 0.7)]),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_sequence_matches_torch(name):
    make = SCHEDULERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, _, _ = _sequence(ember, make)
        t, _, _ = _sequence(torch, make)
    _assert_close_seq(e, t)


@pytest.mark.parametrize("name", ["CyclicLR-exp_range", "OneCycleLR", "OneCycleLR-3phase-linear"])
def test_beta1_cycling_with_adam(name):
    make = SCHEDULERS[name]
    e, _, eo = _sequence(ember, make, opt="Adam")
    t, _, to = _sequence(torch, make, opt="Adam")
    _assert_close_seq(e, t)
    assert [g["betas"] for g in eo.param_groups] == [g["betas"] for g in to.param_groups]


PLATEAU = [dict(), dict(mode="max", threshold_mode="abs", cooldown=3, patience=2, min_lr=[0.01, 0.02]),
           dict(factor=0.5, patience=0, eps=0.05), dict(threshold=0.1, threshold_mode="rel", mode="max", patience=1),
           dict(threshold=0.01, threshold_mode="abs", cooldown=5, patience=3, factor=0.3, min_lr=0.001)]


@pytest.mark.parametrize("kwargs", PLATEAU)
def test_reduce_lr_on_plateau(kwargs):
    values = [1.0 - 0.01 * i if i < 50 else 0.5 + 0.001 * math.sin(i) for i in range(300)]
    make = lambda m, o: L(m).ReduceLROnPlateau(o, **kwargs)  # noqa: E731
    e, es, _ = _sequence(ember, make, metric=lambda i: values[i])
    t, ts, _ = _sequence(torch, make, metric=lambda i: values[i])
    _assert_close_seq(e, t)
    assert es.state_dict().keys() == ts.state_dict().keys()
    assert es.best == ts.best and es.num_bad_epochs == ts.num_bad_epochs and es.last_epoch == ts.last_epoch


def test_plateau_accepts_tensor_metric_and_errors():
    o = _optimizer(ember)
    s = L(ember).ReduceLROnPlateau(o, patience=0)
    s.step(ember.tensor(1.0))
    s.step(ember.tensor(2.0))
    assert s.get_last_lr() == [0.1 * 0.1, 0.2 * 0.1]
    for m in (ember, torch):
        o = _optimizer(m)
        with pytest.raises(ValueError, match="Factor should be < 1.0"):
            L(m).ReduceLROnPlateau(o, factor=1.0)
        with pytest.raises(ValueError, match="mode foo is unknown"):
            L(m).ReduceLROnPlateau(o, mode="foo")
        with pytest.raises(ValueError, match="threshold mode bar is unknown"):
            L(m).ReduceLROnPlateau(o, threshold_mode="bar")
        with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
            L(m).ReduceLROnPlateau(o, min_lr=[0.1])


STATE_CASES = ["StepLR", "MultiStepLR", "LinearLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
               "CyclicLR-exp_range", "OneCycleLR", "SequentialLR", "ChainedScheduler", "LambdaLR", "PolynomialLR"]


@pytest.mark.parametrize("name", STATE_CASES)
def test_state_dict_keys_and_resume(name):
    make = SCHEDULERS[name]
    e, es, eo = _sequence(ember, make, steps=120)
    _, ts, _ = _sequence(torch, make, steps=120)
    ekeys, tkeys = list(es.state_dict()), list(ts.state_dict())
    assert ekeys == tkeys
    # save at step 120 (optimizer and scheduler), restore into fresh objects, continue: equals the uninterrupted run
    full, _, _ = _sequence(ember, make, steps=300)
    sched_sd = pickle.loads(pickle.dumps({k: v for k, v in es.state_dict().items()
                                          if k != "_scale_fn_custom" or v is None}))
    opt_sd = copy.deepcopy(eo.state_dict())
    o2 = _optimizer(ember)
    s2 = make(ember, o2)
    s2.load_state_dict(sched_sd)
    o2.load_state_dict(opt_sd)
    out = []
    for _ in range(180):
        o2.step()
        s2.step()
        out.append(_record(o2) + s2.get_last_lr())
    _assert_close_seq(out, full[121:])


def test_lambda_state_dict_keeps_callable_objects():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch

    for m in (ember, torch):
        o = _optimizer(m)
        s = L(m).LambdaLR(o, [Decay(0.9), lambda e: 1.0])
        sd = s.state_dict()
        assert sd["lr_lambdas"] == [{"rate": 0.9}, None]
        sd["lr_lambdas"][0]["rate"] = 0.5
        s.load_state_dict(sd)
        assert s.lr_lambdas[0].rate == 0.5


@pytest.mark.parametrize("name,epochs", [("StepLR", [3, 31, 60, 61, 10]), ("MultiStepLR", [0, 11, 51, 300, 5]),
                                         ("ExponentialLR", [4, 7, 1]), ("CosineAnnealingLR", [10, 35, 70, 100]),
                                         ("LinearLR", [3, 80, 20]), ("ConstantLR", [1, 45, 2]),
                                         ("PolynomialLR", [5, 130, 60]),
                                         ("CosineAnnealingWarmRestarts", [0.5, 3, 12.5, 40, 75.25, 9])])
def test_step_with_epoch_uses_closed_form_and_warns(name, epochs):
    res = []
    for m in (ember, torch):
        o = _optimizer(m)
        s = SCHEDULERS[name](m, o)
        seq = []
        for ep in epochs:
            o.step()
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                s.step(ep)
            seq.append(s.get_last_lr())
            if name != "CosineAnnealingWarmRestarts":
                assert any("The epoch parameter in `scheduler.step()`" in str(x.message) for x in w)
        res.append(seq)
    _assert_close_seq(*res)


def _messages(w):
    return [str(x.message) for x in w if issubclass(x.category, UserWarning)]


def test_warnings_match_torch():
    res = []
    for m in (ember, torch):
        msgs = []
        o = _optimizer(m)
        s = L(m).StepLR(o, 2)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s.step()  # before optimizer.step()
            s.get_lr()  # outside step
        msgs.append(_messages(w))
        o2 = _optimizer(m)
        s2 = L(m).ExponentialLR(o2, 0.9)
        o2.step = lambda closure=None: None  # overridden after the scheduler was made
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s2.step()
        msgs.append(_messages(w))
        o3 = _optimizer(m)
        s3 = L(m).ExponentialLR(o3, 0.9)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            o3.step()
            s3.step()
        msgs.append(_messages(w))
        res.append(msgs)
    assert res[0] == res[1]
    assert len(res[0][0]) == 2 and res[0][2] == []


def test_tensor_lr_updated_in_place():
    res = []
    for m in (ember, torch):
        lr = m.tensor(0.1)
        o = m.optim.SGD([m.zeros(2, requires_grad=True)], lr=lr)
        s = L(m).StepLR(o, 2, 0.5)
        seq = []
        for _ in range(5):
            o.step()
            s.step()
            assert o.param_groups[0]["lr"] is lr
            last = s.get_last_lr()[0]
            assert isinstance(last, m.Tensor) and last is not lr
            seq.append([float(lr)])
        res.append(seq)
    _assert_close_seq(*res)


def test_last_epoch_resume_requires_initial_lr():
    for m in (ember, torch):
        o = _optimizer(m)
        with pytest.raises(KeyError, match="initial_lr"):
            L(m).StepLR(o, 3, last_epoch=5)
    res = []
    for m in (ember, torch):
        o = _optimizer(m)
        for g in o.param_groups:
            g["initial_lr"] = g["lr"]
        s = L(m).CosineAnnealingLR(o, 20, last_epoch=7)
        seq = [s.get_last_lr()]
        for _ in range(10):
            o.step()
            s.step()
            seq.append(s.get_last_lr())
        res.append(seq)
    _assert_close_seq(*res)


BAD = [lambda m, o: L(m).StepLR(object(), 3),
       lambda m, o: L(m).ConstantLR(o, factor=1.5),
       lambda m, o: L(m).LinearLR(o, start_factor=0),
       lambda m, o: L(m).LinearLR(o, end_factor=2),
       lambda m, o: L(m).LambdaLR(o, [lambda e: 1.0]),
       lambda m, o: L(m).MultiplicativeLR(o, [1.0, 2.0]),
       lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 0),
       lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 5, T_mult=0),
       lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 5, eta_min="x"),
       lambda m, o: L(m).CosineAnnealingWarmRestarts(o, 5).step(-1),
       lambda m, o: L(m).CyclicLR(o, 0.1, 1.0, mode="foo"),
       lambda m, o: L(m).CyclicLR(m.optim.Adagrad([m.zeros(1, requires_grad=True)]), 0.1, 1.0),
       lambda m, o: L(m).CyclicLR(o, [0.1], 1.0),
       lambda m, o: L(m).OneCycleLR(o, 1.0),
       lambda m, o: L(m).OneCycleLR(o, 1.0, total_steps=0),
       lambda m, o: L(m).OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
       lambda m, o: L(m).OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=-3),
       lambda m, o: L(m).OneCycleLR(o, 1.0, total_steps=10, pct_start=1.5),
       lambda m, o: L(m).OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="exp"),
       lambda m, o: L(m).OneCycleLR(m.optim.Adagrad([m.zeros(1, requires_grad=True)]), 1.0, total_steps=10),
       lambda m, o: (lambda s: [s.step() for _ in range(3)])(L(m).OneCycleLR(o, 1.0, total_steps=2)),
       lambda m, o: L(m).SequentialLR(o, [], []),
       lambda m, o: L(m).SequentialLR(o, [L(m).StepLR(o, 2)], [3]),
       lambda m, o: L(m).SequentialLR(o, [L(m).StepLR(o, 2), L(m).ReduceLROnPlateau(o)], [3]),
       lambda m, o: L(m).SequentialLR(o, [L(m).StepLR(o, 2), L(m).StepLR(_optimizer(m), 2)], [3]),
       lambda m, o: L(m).SequentialLR(o, [L(m).StepLR(o, 2), 3], [3]),
       lambda m, o: L(m).ChainedScheduler([]),
       lambda m, o: L(m).LRScheduler(o).get_lr()]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_errors_match_torch(i):
    res = []
    for m in (ember, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                BAD[i](m, _optimizer(m))
        msg = str(info.value).replace("torch.optim.", "").replace("ember.optim.", "")
        res.append((info.type.__name__, msg.split(" object at ")[0]))
    assert res[0] == res[1]
