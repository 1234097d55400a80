"""ember.optim optimizers against torch.optim: trajectories, state dicts, hooks, errors, differentiable steps."""
import copy
import importlib
import inspect
import pickle

import numpy as np
import pytest
import torch

import ember

RTOL, ATOL = 1e-4, 1e-5


def _sub(m, name):
    """``<framework>.optim.<name>`` (torch.optim does not expose its submodules as attributes)."""
    return importlib.import_module(f"{m.__name__}.optim.{name}")


# ----------------------------------------------------------------------------------------------------------------
# a small deterministic problem: y = tanh(x W1^T + b1) W2^T, mean squared error

def _arrays(dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return dict(W1=(rng.standard_normal((6, 4)) * 0.5).astype(dtype), b1=(rng.standard_normal(6) * 0.1).astype(dtype),
                W2=(rng.standard_normal((2, 6)) * 0.5).astype(dtype), X=rng.standard_normal((12, 4)).astype(dtype),
                Y=rng.standard_normal((12, 2)).astype(dtype))


class Problem:
    def __init__(self, m, dtype=np.float32, sign=1.0):
        a = _arrays(dtype)
        self.m = m
        self.params = [m.tensor(a[k].copy(), requires_grad=True) for k in ("W1", "b1", "W2")]
        self.x, self.y = m.tensor(a["X"]), m.tensor(a["Y"])
        self.sign = sign

    def loss(self):
        W1, b1, W2 = self.params
        h = self.m.tanh(self.x @ W1.t() + b1)
        return ((h @ W2.t() - self.y) ** 2).mean() * self.sign

    def values(self):
        return [p.detach().numpy().copy() for p in self.params]


def _groups(prob, groups):
    if groups is None:
        return prob.params
    return [dict(g, params=[prob.params[i] for i in g["params"]]) for g in groups]


def _train(m, name, kwargs, steps, dtype=np.float32, groups=None):
    prob = Problem(m, dtype, sign=-1.0 if kwargs.get("maximize") else 1.0)
    opt = getattr(m.optim, name)(_groups(prob, groups), **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        prob.loss().backward()
        opt.step()
    return prob, opt


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, decoupled_weight_decay=True,
                  maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.05)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-8,
                     maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.005, centered=True, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, momentum_decay=0.01)),
    ("NAdam", dict(weight_decay=0.1, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(weight_decay=0.1, betas=(0.9, 0.9), maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, t0=20, lambd=0.01, alpha=0.5, weight_decay=0.01, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.001, etas=(0.3, 1.5), step_sizes=(1e-4, 0.1), maximize=True)),
]


def _ids(cases):
    return [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in cases]


@pytest.mark.parametrize("name,kwargs", CASES, ids=_ids(CASES))
def test_trajectory_matches_torch(name, kwargs):
    e, _ = _train(ember, name, kwargs, 100)
    t, _ = _train(torch, name, kwargs, 100)
    for a, b in zip(e.values(), t.values()):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


GROUP_CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9), [{"params": [0, 1]}, {"params": [2], "lr": 0.02, "nesterov": True}]),
    ("Adam", dict(lr=0.01), [{"params": [0]}, {"params": [1, 2], "betas": (0.5, 0.9), "amsgrad": True}]),
    ("RMSprop", dict(lr=0.01), [{"params": [2, 0], "centered": True}, {"params": [1], "momentum": 0.5}]),
    ("Adagrad", dict(lr=0.1), [{"params": [0]}, {"params": [1, 2], "lr_decay": 0.1}]),
]


@pytest.mark.parametrize("name,kwargs,groups", GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_param_groups_match_torch(name, kwargs, groups):
    e, eo = _train(ember, name, kwargs, 60, groups=groups)
    t, to = _train(torch, name, kwargs, 60, groups=groups)
    for a, b in zip(e.values(), t.values()):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    assert [{k: v for k, v in g.items() if k != "params"} for g in eo.state_dict()["param_groups"]] == \
           [{k: v for k, v in g.items() if k != "params"} for g in to.state_dict()["param_groups"]]


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01, amsgrad=True)),
                                         ("NAdam", dict()), ("Rprop", dict())])
def test_float64_trajectory(name, kwargs):
    e, eo = _train(ember, name, kwargs, 50, dtype=np.float64)
    t, to = _train(torch, name, kwargs, 50, dtype=np.float64)
    for a, b in zip(e.values(), t.values()):
        assert a.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop"])
def test_tensor_lr(name):
    kw = dict(lr=0.01, momentum=0.9) if name == "SGD" else dict(lr=0.01)
    e, _ = _train(ember, name, dict(kw, lr=ember.tensor(0.01)), 30)
    t, _ = _train(torch, name, dict(kw, lr=torch.tensor(0.01)), 30)
    for a, b in zip(e.values(), t.values()):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def test_nn_modules_with_adam():
    def build(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Linear(8, 2))
        with m.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(m.tensor(np.cos(np.arange(p.numel(), dtype=np.float32) + i).reshape(tuple(p.shape)) * 0.3))
        return net
    a = _arrays()
    out = []
    for m in (ember, torch):
        net = build(m)
        opt = m.optim.Adam(net.parameters(), lr=0.01)
        x, y = m.tensor(a["X"]), m.tensor(a["Y"])
        for _ in range(100):
            opt.zero_grad()
            ((net(x) - y) ** 2).mean().backward()
            opt.step()
        out.append([p.detach().numpy().copy() for p in net.parameters()])
    for a_, b_ in zip(*out):
        np.testing.assert_allclose(a_, b_, rtol=RTOL, atol=ATOL)


def test_params_without_grad_are_skipped():
    for m in (ember, torch):
        p, q = m.ones(3, requires_grad=True), m.ones(2, requires_grad=True)
        opt = m.optim.Adam([p, q], lr=0.1)
        (p * 2).sum().backward()
        opt.step()
        assert q.grad is None and len(opt.state[q]) == 0
        np.testing.assert_allclose(q.detach().numpy(), 1)


def test_version_counter_bumped():
    p = ember.zeros(3, requires_grad=True)
    p.grad = ember.ones(3)
    v = p._version_value
    ember.optim.SGD([p], lr=0.1).step()
    assert p._version_value == v + 1


@pytest.mark.parametrize("name,kwargs", CASES, ids=_ids(CASES))
def test_version_counter_matches_torch(name, kwargs):
    """One bump per in-place write to the parameter, as torch's (decoupled weight decay, ASGD and NAdam write twice)."""
    res = []
    for m in (ember, torch):
        p = m.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = getattr(m.optim, name)([p], **kwargs)
        deltas = []
        for i in range(3):
            p.grad = m.tensor([0.5, -0.25, 1.0]) * (i + 1)
            before = p._version_value if m is ember else p._version
            opt.step()
            deltas.append((p._version_value if m is ember else p._version) - before)
        res.append(deltas)
    assert res[0] == res[1]


def test_step_grad_mode_and_closure():
    for m in (ember, torch):
        p = m.ones(3, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1)
        seen = []

        def closure():
            seen.append(m.is_grad_enabled())
            opt.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss

        with m.no_grad():
            loss = opt.step(closure)
        assert seen == [True] and float(loss.detach()) == 3.0
        np.testing.assert_allclose(p.detach().numpy(), 0.8, rtol=1e-6)


# ----------------------------------------------------------------------------------------------------------------
# state dicts

SD_CASES = [("SGD", dict(lr=0.1, momentum=0.9)), ("SGD", dict(lr=0.1)), ("Adam", dict(amsgrad=True)), ("AdamW", {}),
            ("Adagrad", {}), ("RMSprop", dict(centered=True, momentum=0.1)), ("Adadelta", {}), ("Adamax", {}),
            ("NAdam", {}), ("RAdam", {}), ("ASGD", {}), ("Rprop", {})]


def _compare_state_dicts(e, t):
    assert e["param_groups"] == t["param_groups"]
    assert list(e["state"]) == list(t["state"])
    for k in t["state"]:
        es, ts = e["state"][k], t["state"][k]
        assert list(es) == list(ts)
        for key in ts:
            if isinstance(ts[key], torch.Tensor):
                assert isinstance(es[key], ember.Tensor), key
                assert str(es[key].dtype) == str(ts[key].dtype) and tuple(es[key].shape) == tuple(ts[key].shape)
                np.testing.assert_allclose(es[key].numpy(), ts[key].numpy(), rtol=RTOL, atol=ATOL)
            else:
                assert es[key] == ts[key]


@pytest.mark.parametrize("name,kwargs", SD_CASES, ids=_ids(SD_CASES))
def test_state_dict_structure(name, kwargs):
    groups = [{"params": [0, 1]}, {"params": [2], "lr": 0.005}]
    _, eo = _train(ember, name, kwargs, 3, groups=groups)
    _, to = _train(torch, name, kwargs, 3, groups=groups)
    _compare_state_dicts(eo.state_dict(), to.state_dict())
    step = eo.state_dict()["state"].get(0, {}).get("step")
    if step is not None:
        assert step.dim() == 0 and step.dtype == ember.float32 and float(step) == 3.0


def _to_ember(x):
    if isinstance(x, torch.Tensor):
        return ember.tensor(x.numpy())
    if isinstance(x, dict):
        return {k: _to_ember(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_to_ember(v) for v in x]
    return x


RESUME = [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adam", dict(lr=0.01, amsgrad=True)),
          ("AdamW", dict(lr=0.01)), ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
          ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)), ("Adadelta", {}), ("Adamax", {}),
          ("NAdam", dict(lr=0.01)), ("RAdam", {}), ("ASGD", dict(lr=0.05, t0=10)), ("Rprop", {})]


@pytest.mark.parametrize("name,kwargs", RESUME, ids=_ids(RESUME))
def test_state_dict_resume_is_exact(name, kwargs):
    full, full_opt = _train(ember, name, kwargs, 100)
    half, half_opt = _train(ember, name, kwargs, 50)
    saved = pickle.loads(pickle.dumps(half_opt.state_dict()))
    resumed = Problem(ember)
    for p, v in zip(resumed.params, half.values()):
        with ember.no_grad():
            p.copy_(ember.tensor(v))
    opt = getattr(ember.optim, name)(resumed.params, **kwargs)
    opt.load_state_dict(saved)
    for _ in range(50):
        opt.zero_grad()
        resumed.loss().backward()
        opt.step()
    for a, b in zip(resumed.values(), full.values()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,kwargs", RESUME, ids=_ids(RESUME))
def test_torch_state_dict_loads(name, kwargs):
    t, to = _train(torch, name, kwargs, 40)
    e = Problem(ember)
    for p, v in zip(e.params, t.values()):
        with ember.no_grad():
            p.copy_(ember.tensor(v))
    eo = getattr(ember.optim, name)(e.params, **kwargs)
    eo.load_state_dict(_to_ember(to.state_dict()))
    for prob, opt in ((e, eo), (t, to)):
        for _ in range(40):
            opt.zero_grad()
            prob.loss().backward()
            opt.step()
    for a, b in zip(e.values(), t.values()):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def test_load_state_dict_casts_to_param_dtype_and_keeps_step():
    p = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt = ember.optim.Adam([p])
    sd = {"state": {0: {"step": ember.tensor(4.0), "exp_avg": ember.ones(3), "exp_avg_sq": ember.ones(3)}},
          "param_groups": [dict(opt.state_dict()["param_groups"][0])]}
    opt.load_state_dict(sd)
    st = opt.state[p]
    assert st["exp_avg"].dtype == ember.float64 and st["step"].dtype == ember.float32


def test_load_state_dict_old_float_step():
    for m in (ember, torch):
        p = m.zeros(3, requires_grad=True)
        opt = m.optim.NAdam([p])
        sd = {"state": {0: {"step": 2.0, "mu_product": 0.9, "exp_avg": m.ones(3), "exp_avg_sq": m.ones(3)}},
              "param_groups": opt.state_dict()["param_groups"]}
        opt.load_state_dict(sd)
        assert isinstance(opt.state[p]["step"], m.Tensor) and isinstance(opt.state[p]["mu_product"], m.Tensor)
        assert float(opt.state[p]["step"]) == 2.0


@pytest.mark.parametrize("name,kwargs", SD_CASES, ids=_ids(SD_CASES))
def test_setstate_fills_missing_group_options(name, kwargs):
    """A group from an older checkpoint (only ``params`` and ``lr``) gets each algorithm's default options back."""
    res = []
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        opt = getattr(m.optim, name)([p], **kwargs)
        group = {"params": [p], "lr": opt.param_groups[0]["lr"]}
        opt.__setstate__({"state": opt.state, "param_groups": [group]})
        res.append(opt.param_groups[0])
    assert {k: v for k, v in res[0].items() if k != "params"} == {k: v for k, v in res[1].items() if k != "params"}


def test_load_state_dict_errors():
    for m in (ember, torch):
        p, q = m.zeros(3, requires_grad=True), m.zeros(3, requires_grad=True)
        opt = m.optim.SGD([p, q])
        with pytest.raises(ValueError, match="different number of parameter groups"):
            opt.load_state_dict({"state": {}, "param_groups": []})
        with pytest.raises(ValueError, match="doesn't match the size"):
            opt.load_state_dict(m.optim.SGD([p]).state_dict())


def test_deepcopy_and_pickle_optimizer():
    _, opt = _train(ember, "Adam", dict(lr=0.01), 3)
    c = copy.deepcopy(opt)
    assert c.param_groups[0]["lr"] == 0.01
    st = list(c.state.values())[0]
    assert float(st["step"]) == 3.0
    c2 = pickle.loads(pickle.dumps(opt))
    assert len(c2.state) == 3


def test_named_parameters_groups():
    for m in (ember, torch):
        net = m.nn.Linear(3, 2)
        opt = m.optim.SGD(net.named_parameters(), lr=0.1)
        assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
        assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
        with pytest.raises(ValueError, match="with/without names"):
            opt.add_param_group({"params": [m.zeros(2, requires_grad=True)]})


# ----------------------------------------------------------------------------------------------------------------
# hooks, zero_grad, param groups, repr

def test_step_hooks():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1)
        calls = []

        def pre(o, args, kwargs):
            calls.append(("pre", len(args), dict(kwargs)))

        def post(o, args, kwargs):
            calls.append(("post", len(args)))

        def gpre(o, args, kwargs):
            calls.append("gpre")

        h1, h2 = opt.register_step_pre_hook(pre), opt.register_step_post_hook(post)
        h3 = _sub(m, "optimizer").register_optimizer_step_pre_hook(gpre)
        p.grad = m.ones(2)
        opt.step()
        h1.remove(), h2.remove(), h3.remove()
        opt.step()
        assert calls == ["gpre", ("pre", 1, {}), ("post", 1)]


def test_custom_optimizer_subclass():
    res = []
    for m in (ember, torch):
        class SignSGD(m.optim.Optimizer):
            def __init__(self, params, lr=0.1):
                super().__init__(params, {"lr": lr})

            def step(self, closure=None):
                with m.no_grad():
                    for group in self.param_groups:
                        for p in group["params"]:
                            if p.grad is not None:
                                self.state[p]["n"] = self.state[p].get("n", 0) + 1
                                p.add_(p.grad.sign(), alpha=-group["lr"])

        p = m.tensor([1.0, -2.0], requires_grad=True)
        opt = SignSGD([p])
        calls = []
        opt.register_step_post_hook(lambda o, a, k: calls.append(1))
        for _ in range(3):
            p.grad = p.detach() * 2
            opt.step()
        res.append((p.detach().numpy().tolist(), calls, opt.state_dict()))
    assert res[0] == res[1]


def test_step_pre_hook_replaces_args():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1)
        p.grad = m.ones(2)
        opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"closure": lambda: 7.0}))
        assert opt.step() == 7.0
        bad = m.optim.SGD([p], lr=0.1)
        bad.register_step_pre_hook(lambda o, args, kwargs: 3)
        with pytest.raises(RuntimeError, match="must return None or a tuple"):
            bad.step()


def test_state_dict_hooks():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9)
        log = []
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_pre_hook(lambda o: log.append("pre0"), prepend=True)
        opt.register_state_dict_post_hook(lambda o, sd: dict(sd, extra=1))
        sd = opt.state_dict()
        assert sd["extra"] == 1 and log == ["pre0", "pre"]

        def lpre(o, sd):
            sd = dict(sd)
            sd["param_groups"] = [dict(g, lr=0.5) for g in sd["param_groups"]]
            return sd

        opt.register_load_state_dict_pre_hook(lpre)
        opt.register_load_state_dict_post_hook(lambda o: log.append("loaded"))
        opt.load_state_dict(sd)
        assert opt.param_groups[0]["lr"] == 0.5 and log[-1] == "loaded"


def test_zero_grad():
    p = ember.ones(3, requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and not g.requires_grad
    np.testing.assert_array_equal(g.numpy(), 0)
    opt.zero_grad()
    assert p.grad is None


def test_add_param_group_and_errors():
    def errors(m):
        p = m.ones(2, requires_grad=True)
        out = []
        for make in (lambda: m.optim.SGD(p), lambda: m.optim.SGD([]), lambda: m.optim.SGD([p * 2]),
                     lambda: m.optim.SGD([1.0]), lambda: m.optim.SGD([{"params": [p]}, {"params": [p]}]),
                     lambda: m.optim.SGD([{"params": {p}}]), lambda: m.optim.SGD([p]).add_param_group([p]),
                     lambda: m.optim.Optimizer([p], {"lr": _sub(m, "optimizer").required}),
                     lambda: m.optim.SGD([("a", p), m.ones(1, requires_grad=True)])):
            try:
                make()
                out.append(None)
            except Exception as e:
                out.append((type(e).__name__, str(e).replace("torch.", "").replace("ember.", "")))
        return out
    assert errors(ember) == errors(torch)
    p = ember.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p])
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.5)
    q = ember.ones(2, requires_grad=True)
    opt.add_param_group({"params": q, "lr": 0.2})
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[1]["params"] == [q]


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1)), ("Adam", {}), ("LBFGS", {}), ("Rprop", {}),
                                         ("RMSprop", dict(centered=True))])
def test_repr(name, kwargs):
    e = getattr(ember.optim, name)([ember.ones(2, requires_grad=True)], **kwargs)
    t = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)
    assert repr(e) == repr(t)


BAD = [("SGD", dict(lr=-1)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1)),
       ("SGD", dict(nesterov=True)), ("SGD", dict(momentum=0.9, dampening=0.1, nesterov=True)),
       ("SGD", dict(fused=True, differentiable=True)), ("SGD", dict(fused=True, foreach=True)),
       ("Adam", dict(lr=-0.1)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.999))),
       ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1)), ("Adam", dict(betas=(0.9, 1))),
       ("AdamW", dict(betas=(0.9, 1.5))), ("Adagrad", dict(lr_decay=-1)),
       ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)), ("RMSprop", dict(alpha=-1)),
       ("RMSprop", dict(momentum=-1)), ("Adadelta", dict(rho=1.5)), ("Adamax", dict(betas=(0.9, 1.0))),
       ("NAdam", dict(momentum_decay=-1)), ("RAdam", dict(eps=-1)), ("ASGD", dict(weight_decay=-1)),
       ("Rprop", dict(etas=(1.2, 0.5))), ("Rprop", dict(lr=-1)), ("SparseAdam", dict(lr=0)),
       ("SparseAdam", dict(eps=0)), ("LBFGS", dict(lr=-1))]


@pytest.mark.parametrize("name,kwargs", BAD, ids=_ids(BAD))
def test_bad_hyper_parameters(name, kwargs):
    res = []
    for m in (ember, torch):
        with pytest.raises(Exception) as info:
            getattr(m.optim, name)([m.ones(2, requires_grad=True)], **kwargs)
        res.append((info.type, str(info.value)))
    assert res[0] == res[1]


def test_tensor_lr_errors():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
            m.optim.SGD([p], lr=m.tensor([0.1, 0.2]))
        with pytest.raises(ValueError, match="capturable=False and foreach=True"):
            m.optim.Adam([p], lr=m.tensor(0.1), foreach=True)
        with pytest.raises(ValueError, match="both floats or both Tensors"):
            m.optim.Adam([p], betas=(m.tensor(0.9), 0.99))


def test_capturable_on_cpu_and_flags():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        p.grad = m.ones(2)
        with pytest.raises(AssertionError, match="capturable=True"):
            m.optim.Adam([p], capturable=True).step()
    a, _ = _train(ember, "Adam", dict(lr=0.01), 20)
    for flags in (dict(foreach=True), dict(fused=True), dict(foreach=False)):
        b, _ = _train(ember, "Adam", dict(lr=0.01, **flags), 20)
        for x, y in zip(a.values(), b.values()):
            np.testing.assert_array_equal(x, y)
    b, _ = _train(ember, "SGD", dict(lr=0.1, momentum=0.9, fused=True), 20)
    c, _ = _train(torch, "SGD", dict(lr=0.1, momentum=0.9, fused=True), 20)
    for x, y in zip(b.values(), c.values()):
        np.testing.assert_allclose(x, y, rtol=RTOL, atol=ATOL)


def test_sparse_adam():
    for m in (ember, torch):
        p = m.ones(3, requires_grad=True)
        opt = m.optim.SparseAdam([p])
        assert opt.step() is None
        p.grad = m.ones(3)
        with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
            opt.step()
        with pytest.raises(ValueError, match="Complex params"):
            m.optim.SparseAdam([m.ones(2, dtype=m.complex64, requires_grad=True)])


# ----------------------------------------------------------------------------------------------------------------
# complex parameters

@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.05)),
                                         ("RMSprop", dict(lr=0.01, centered=True)), ("Adagrad", dict(lr=0.1)),
                                         ("Rprop", {})])
def test_complex_params(name, kwargs):
    rng = np.random.default_rng(0)
    z0 = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    target = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    res = []
    for m in (ember, torch):
        z = m.tensor(z0.copy(), requires_grad=True)
        opt = getattr(m.optim, name)([z], **kwargs)
        for i in range(30):
            opt.zero_grad()
            z.grad = (z.detach() - m.tensor(target)) * (1 + i * 0.01)
            opt.step()
        res.append(z.detach().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------------------------------------------------------
# differentiable=True: gradients flow through the step

DIFF = [("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
        ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, maximize=True)), ("Adam", dict(lr=0.1)),
        ("Adam", dict(lr=0.1, weight_decay=0.1)), ("AdamW", dict(lr=0.1)),
        ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1)), ("RMSprop", dict(lr=0.01, weight_decay=0.1)),
        ("Adadelta", dict(weight_decay=0.1)), ("NAdam", dict(weight_decay=0.1)),
        ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)), ("RAdam", {}),
        ("RAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)), ("ASGD", dict(lr=0.1, t0=1))]


@pytest.mark.parametrize("name,kwargs", DIFF, ids=_ids(DIFF))
def test_differentiable_step_gradients(name, kwargs):
    steps = 7 if name == "RAdam" else 3

    def run(m):
        rng = np.random.default_rng(1)
        p0 = m.tensor(rng.standard_normal(5), requires_grad=True)
        g0 = m.tensor(rng.standard_normal(5), requires_grad=True)
        w = m.tensor(rng.standard_normal(5))
        p = p0.clone()
        opt = getattr(m.optim, name)([p], differentiable=True, **kwargs)
        for i in range(steps):
            p.grad = g0 * (i + 1)
            opt.step()
        assert p.requires_grad
        (p * w).sum().backward()
        return p.detach().numpy(), p0.grad.numpy(), g0.grad.numpy()

    for a, b in zip(run(ember), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


FUNCTIONAL = ["sgd", "adam", "adamw", "adagrad", "rmsprop", "adadelta", "adamax", "asgd", "nadam", "radam", "rprop"]
CLASSES = ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "Rprop",
           "SparseAdam", "LBFGS"]


def _params(fn):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_functional_signatures_match_torch(name):
    assert _params(getattr(_sub(ember, name), name)) == _params(getattr(_sub(torch, name), name))


@pytest.mark.parametrize("name", CLASSES)
def test_constructor_signatures_match_torch(name):
    assert _params(getattr(ember.optim, name).__init__) == _params(getattr(torch.optim, name).__init__)


def test_functional_forms():
    for m in (ember, torch):
        p = m.ones(3)
        bufs = [None]
        for _ in range(3):
            _sub(m, "sgd").sgd([p], [m.full((3,), 0.5)], bufs, weight_decay=0.0, momentum=0.9, lr=0.1, dampening=0.0,
                               nesterov=False, maximize=False)
        np.testing.assert_allclose(p.numpy(), 1 - 0.1 * 0.5 * (1 + 1.9 + 2.71), rtol=1e-6)
    res = []
    for m in (ember, torch):  # grad mode on and tensors requiring grad: autograd records the update
        p0 = m.tensor([1.0, -2.0, 3.0], dtype=m.float64, requires_grad=True)
        g = m.tensor([0.5, 0.1, -0.3], dtype=m.float64, requires_grad=True)
        p = p0.clone()
        state = [m.zeros(3, dtype=m.float64), m.zeros(3, dtype=m.float64), [], [m.tensor(0.0)]]
        _sub(m, "adam").adam([p], [g * 2], state[0:1], state[1:2], state[2], state[3], amsgrad=False, beta1=0.9,
                             beta2=0.99, lr=0.1, weight_decay=0.0, eps=1e-8, maximize=False)
        (p * p).sum().backward()
        res.append((p.detach().numpy(), p0.grad.numpy(), g.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


# ----------------------------------------------------------------------------------------------------------------
# LBFGS: least squares, converged and step by step

def _lbfgs(m, kwargs):
    rng = np.random.default_rng(3)
    # float64: in float32 the strong-Wolfe runs drift apart by ~1e-5 with the BLAS's kernel choice alone
    A = rng.standard_normal((20, 5))
    b = rng.standard_normal(20)
    x = m.zeros(5, dtype=m.float64, requires_grad=True)
    y = m.zeros(2, 2, dtype=m.float64, requires_grad=True)
    At, bt = m.tensor(A), m.tensor(b)
    opt = m.optim.LBFGS([x, y], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((At @ x - bt) ** 2).mean() + ((y - 1) ** 2).sum() + (y ** 4).sum() * 0.1
        loss.backward()
        return loss

    def step():
        return float(opt.step(closure).detach()), x.detach().numpy().copy(), y.detach().numpy().copy()
    return opt, step


@pytest.mark.parametrize("kwargs", [dict(lr=0.5, max_iter=4), dict(lr=1, max_iter=5, history_size=2),
                                    dict(lr=1, max_iter=6, line_search_fn="strong_wolfe"),
                                    dict(lr=1, max_iter=50, history_size=10, line_search_fn="strong_wolfe")])
def test_lbfgs_matches_torch(kwargs):
    (eo, estep), (to, tstep) = _lbfgs(ember, kwargs), _lbfgs(torch, kwargs)
    for i in range(3):
        for a, b in zip(estep(), tstep()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        if i == 0:
            es, ts = eo.state_dict()["state"][0], to.state_dict()["state"][0]
            assert list(es) == list(ts)
            if kwargs["max_iter"] < 10:  # stopped by max_iter; at convergence the stopping tests sit at rounding level
                assert es["n_iter"] == ts["n_iter"] and es["func_evals"] == ts["func_evals"]
            for k in ("d", "prev_flat_grad"):
                assert isinstance(es[k], ember.Tensor) and tuple(es[k].shape) == tuple(ts[k].shape)
                np.testing.assert_allclose(es[k].numpy(), ts[k].numpy(), rtol=1e-4, atol=1e-5)
            assert len(es["old_dirs"]) == len(ts["old_dirs"]) and type(es["t"]).__name__ == type(ts["t"]).__name__
            assert type(es["H_diag"]).__name__ == type(ts["H_diag"]).__name__


def test_lbfgs_errors():
    for m in (ember, torch):
        p = m.ones(2, requires_grad=True)
        with pytest.raises(ValueError, match="per-parameter options"):
            m.optim.LBFGS([{"params": [p]}, {"params": [m.ones(1, requires_grad=True)]}])
        opt = m.optim.LBFGS([p], line_search_fn="armijo")

        def closure():
            opt.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(closure)
