"""ember.nn.DataParallel / ember.nn.parallel.

Without a GPU both libraries run the wrapped module directly: compared with torch (outputs, gradients,
state_dict keys, repr, errors).  The multi-GPU path (scatter, replicate, threads, gather) is exercised
with ember's device layer (``ember.nn.parallel._utils``) simulated on the CPU: three "GPUs", copies as
clones, device 0 holding the module.  It is checked against the plain module's results and gradients.
"""
import collections
import contextlib
import threading
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same
from ember.nn.parallel import _utils


def _pair(seed=0):
    torch.manual_seed(seed)
    t = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 3))
    e = ember.nn.Sequential(ember.nn.Linear(4, 6), ember.nn.BatchNorm1d(6), ember.nn.ReLU(), ember.nn.Linear(6, 3))
    e.load_state_dict({k: ember.from_numpy(v.numpy().copy()) for k, v in t.state_dict().items()})
    return e, t


X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def test_cpu_runs_module_directly_like_torch():
    e, t = _pair()
    ed, td = ember.nn.DataParallel(e), torch.nn.DataParallel(t)
    assert ed.device_ids == td.device_ids == []
    assert repr(ed) == repr(td)
    assert list(ed.state_dict()) == list(td.state_dict())
    assert [n for n, _ in ed.named_parameters()] == [n for n, _ in td.named_parameters()]
    xe, xt = ember.from_numpy(X.copy()).requires_grad_(), torch.from_numpy(X.copy()).requires_grad_()
    oe, ot = ed(xe), td(xt)
    assert_same(oe, ot)
    oe.sum().backward()
    ot.sum().backward()
    assert_same(xe.grad, xt.grad)
    for a, b in zip(e.parameters(), t.parameters()):
        assert_same(a.grad, b.grad)
    assert_same(e[1].running_mean, t[1].running_mean)
    for m in (ed, td):
        with pytest.raises(AttributeError, match="has no attribute 'dim'"):
            m.dim
        with pytest.raises(AttributeError):
            m.output_device


def test_cpu_kwargs_and_state_dict_roundtrip():
    class KW(ember.nn.Module):
        def forward(self, x, *, scale=1.0):
            return x * scale
    assert ember.nn.DataParallel(KW())(ember.ones(2), scale=3.0).tolist() == [3.0, 3.0]
    e, t = _pair()
    ed = ember.nn.DataParallel(e)
    sd = ed.state_dict()
    e2, _ = _pair(1)
    ed2 = ember.nn.DataParallel(e2)
    ed2.load_state_dict(sd)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(ed2.state_dict().values(), sd.values()))
    for m, plain in ((ed2, e.state_dict()), (torch.nn.DataParallel(t), t.state_dict())):
        with pytest.raises(RuntimeError, match="Missing key"):
            m.load_state_dict(plain)
    assert isinstance(ember.nn.parallel.DataParallel(e), ember.nn.Module)


def test_cpu_errors_like_torch():
    for mod in (torch, ember):
        with pytest.raises(RuntimeError, match="device type could not be determined"):
            mod.nn.parallel.data_parallel(mod.nn.Linear(2, 2), mod.ones(1, 2))
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
            mod.nn.parallel.parallel_apply([mod.nn.Linear(2, 2)], [mod.ones(1, 2)])
        with pytest.raises(AssertionError, match="Broadcast function not implemented for CPU tensors"):
            mod.nn.parallel.replicate(mod.nn.Linear(2, 2), [0, 1])
        with pytest.raises(AssertionError, match="Gather function not implemented for CPU tensors"):
            mod.nn.parallel.gather([mod.ones(2), mod.ones(2)], 0)
        assert mod.nn.parallel.replicate(mod.nn.Linear(2, 2), []) == []
        assert mod.nn.parallel.scatter([1, "a"], [0, 1]) == [[1, "a"], [1, "a"]]


# ----------------------------------------------------------------------------------------------------
# the multi-GPU path, devices simulated on the CPU

Props = collections.namedtuple("Props", "total_memory multi_processor_count")


@pytest.fixture
def gpus(monkeypatch):
    """Three fake GPUs; every cross-device copy is recorded as (device index, shape)."""
    copies = []

    def copy_to(t, index):
        copies.append((index, tuple(t.shape)))
        return t.clone()

    monkeypatch.setattr(_utils, "_get_available_device_type", lambda: "cuda")
    monkeypatch.setattr(_utils, "_get_all_device_indices", lambda: [0, 1, 2])
    monkeypatch.setattr(_utils, "_get_current_device_index", lambda: 0)
    monkeypatch.setattr(_utils, "_get_devices_properties", lambda ids: [Props(80, 132) for _ in ids])
    monkeypatch.setattr(_utils, "_copy_to", copy_to)
    monkeypatch.setattr(_utils, "_is_on", lambda t, index: index == 0)
    monkeypatch.setattr(_utils, "_is_cpu", lambda t: False)
    monkeypatch.setattr(_utils, "_device_guard", lambda index: contextlib.nullcontext())
    return copies


def _mlp(seed=0):
    ember.manual_seed(seed)
    return ember.nn.Sequential(ember.nn.Linear(4, 6), ember.nn.Tanh(), ember.nn.Linear(6, 3))


def test_forward_backward_match_single_device(gpus):
    ref = _mlp()
    model = _mlp()
    dp = ember.nn.DataParallel(model)
    assert (dp.device_ids, dp.output_device, dp.dim) == ([0, 1, 2], 0, 0)
    assert dp.src_device_obj == ember.device("cuda", 0)
    x = ember.from_numpy(X.copy()).requires_grad_()
    xr = ember.from_numpy(X.copy()).requires_grad_()
    out = dp(x)
    expect = ref(xr)
    np.testing.assert_allclose(out.detach().numpy(), expect.detach().numpy(), rtol=1e-6)
    # batch 5 over 3 devices: chunks of 2, 2, 1; outputs gathered on device 0
    scattered = [c for c in gpus if c[1] in ((2, 4), (1, 4))]
    assert scattered == [(0, (2, 4)), (1, (2, 4)), (2, (1, 4))]
    assert [c for c in gpus if c[1][1:] == (3,)] == [(0, (2, 3)), (0, (2, 3)), (0, (1, 3))]
    (out ** 2).sum().backward()
    (expect ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xr.grad.numpy(), rtol=1e-5, atol=1e-6)
    for p, q in zip(model.parameters(), ref.parameters()):
        assert p.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_replicas_run_in_threads_and_share_device0_buffers(gpus):
    seen = []
    barrier = threading.Barrier(2, timeout=10)  # both replicas must be running at the same time

    class Probe(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = ember.nn.Linear(4, 2)
            self.register_buffer("calls", ember.zeros(()))

        def forward(self, x, *, shift):
            barrier.wait()
            seen.append((threading.current_thread(), ember.is_grad_enabled(), x.shape[0], float(shift)))
            self.calls.add_(1)
            return {"y": self.lin(x) + shift, "n": [x.shape[0] * ember.ones(1)]}

    m = Probe()
    dp = ember.nn.DataParallel(m, device_ids=[0, 1], output_device=1)
    out = dp(ember.from_numpy(X.copy()), shift=ember.tensor([1.0, 2.0]))
    assert len({s[0] for s in seen}) == 2 and threading.current_thread() not in {s[0] for s in seen}
    assert sorted(s[1:] for s in seen) == [(True, 2, 2.0), (True, 3, 1.0)]
    assert set(out) == {"y", "n"} and tuple(out["y"].shape) == (5, 2) and out["n"][0].tolist() == [3.0, 2.0]
    assert float(m.calls) == 1.0  # only device 0's replica shares the module's buffers
    seen.clear()
    with ember.no_grad():
        out = dp(ember.from_numpy(X.copy()), shift=ember.tensor([0.0, 0.0]))
    assert not out["y"].requires_grad and [s[1] for s in seen] == [False, False]


def test_small_batch_uses_fewer_devices_and_single_device(gpus):
    calls = []

    class Count(ember.nn.Module):
        def forward(self, x=None):
            calls.append(None if x is None else x.shape[0])
            return None if x is None else x * 2

    out = ember.nn.DataParallel(Count())(ember.ones(2, 3))
    assert sorted(calls) == [1, 1] and out.tolist() == [[2.0] * 3] * 2
    calls.clear()
    out = ember.nn.DataParallel(Count(), device_ids=[1])(ember.ones(4, 3))
    assert calls == [4] and tuple(out.shape) == (4, 3)
    calls.clear()
    assert ember.nn.DataParallel(Count(), device_ids=[0, 1])() is None
    assert calls == [None]


def test_dim_and_scalar_outputs(gpus):
    class Mean(ember.nn.Module):
        def forward(self, x):
            return x.mean()

    x = ember.arange(12.0).reshape(2, 6)
    dp = ember.nn.DataParallel(Mean(), dim=1)
    with pytest.warns(UserWarning, match="all input tensors were scalars"):
        out = ember.nn.DataParallel(Mean())(ember.arange(6.0).reshape(3, 2))
    assert out.tolist() == [0.5, 2.5, 4.5]

    class Ident(ember.nn.Module):
        def forward(self, x):
            return x

    out = ember.nn.DataParallel(Ident(), dim=1)(x)
    assert out.tolist() == x.tolist()
    assert dp.dim == 1


def test_replica_exception_is_reraised(gpus):
    class Boom(ember.nn.Module):
        def forward(self, x):
            if x.shape[0] == 1:
                raise ValueError("bad shard")
            return x

    with pytest.raises(ValueError, match="Caught ValueError in replica 2 on device 2"):
        ember.nn.DataParallel(Boom())(ember.ones(5, 2))


def test_module_must_live_on_device0(gpus, monkeypatch):
    monkeypatch.setattr(_utils, "_is_on", lambda t, index: False)
    with pytest.raises(RuntimeError, match=r"module must have its parameters and buffers on device cuda:0"):
        ember.nn.DataParallel(ember.nn.Linear(2, 2))(ember.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"module must have its parameters and buffers on device cuda:0"):
        ember.nn.parallel.data_parallel(ember.nn.Linear(2, 2), ember.ones(3, 2))


def test_functional_data_parallel(gpus):
    ref, model = _mlp(), _mlp()
    x = ember.from_numpy(X.copy())
    out = ember.nn.parallel.data_parallel(model, x, device_ids=[0, 1], output_device=1)
    np.testing.assert_allclose(out.detach().numpy(), ref(x).detach().numpy(), rtol=1e-6)
    kw = ember.nn.parallel.data_parallel(ember.nn.Identity(), (x,), module_kwargs={})
    assert kw.tolist() == x.tolist()


def test_imbalance_warning(gpus, monkeypatch):
    monkeypatch.setattr(_utils, "_get_devices_properties", lambda ids: [Props(80, 132), Props(40, 132)])
    with pytest.warns(UserWarning, match="There is an imbalance between your GPUs"):
        ember.nn.DataParallel(ember.nn.Linear(2, 2), device_ids=[0, 1])


def test_scatter_gather_structures(gpus):
    P = collections.namedtuple("P", "a b")
    x = ember.arange(8.0).reshape(4, 2)
    parts = ember.nn.parallel.scatter(P(x, "s"), [0, 1])
    assert [type(p) for p in parts] == [P, P] and [p.a.tolist() for p in parts] == [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]
    assert [p.b for p in parts] == ["s", "s"]
    inputs, kwargs = ember.nn.parallel.scatter_gather.scatter_kwargs((x,), {"k": x}, [0, 1])
    assert len(inputs) == len(kwargs) == 2 and kwargs[1]["k"].tolist() == [[4, 5], [6, 7]]
    inputs, kwargs = ember.nn.parallel.scatter_gather.scatter_kwargs((), {"k": x}, [0, 1])
    assert inputs == ((), ())
    back = ember.nn.parallel.gather([P(x[:2], None), P(x[2:], None)], 0)
    assert isinstance(back, P) and back.a.tolist() == x.tolist() and back.b is None
    with pytest.raises(ValueError, match="All dicts must have the same number of keys"):
        ember.nn.parallel.gather([{"a": x}, {"a": x, "b": x}], 0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ember.nn.parallel.gather([x, x], -1)
    assert w[0].category is FutureWarning and "Using -1 to represent CPU tensor is deprecated" in str(w[0].message)


def test_replicate_detach_and_parameters(gpus):
    model = _mlp()
    reps = ember.nn.parallel.replicate(model, [0, 1], detach=True)
    assert len(reps) == 2 and all(r._is_replica for r in reps)
    assert list(reps[1]._parameters) == [] and list(reps[1][0]._former_parameters) == ["weight", "bias"]
    assert not reps[1][0].weight.requires_grad
    assert np.shares_memory(reps[0][0].weight.numpy(), model[0].weight.detach().numpy())
    assert not np.shares_memory(reps[1][0].weight.numpy(), model[0].weight.detach().numpy())
    reps = ember.nn.parallel.replicate(model, [0, 1])
    assert reps[1][0].weight.requires_grad and reps[1][0].weight.grad_fn is not None
