"""ember.utils.checkpoint vs torch.utils.checkpoint: same values and gradients (dropout included, through the
replayed random state), torch's warnings and errors, and saved_tensors_hooks underneath."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same


def _net(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Dropout(0.3), m.nn.Linear(8, 3), m.nn.Sigmoid())


def _run(m, use_reentrant, input_grad=True):
    net = _net(m)
    x = m.tensor(np.linspace(-1, 1, 20).reshape(5, 4).astype(np.float32), requires_grad=input_grad)
    m.manual_seed(1)
    y = m.utils.checkpoint.checkpoint(net, x, use_reentrant=use_reentrant)
    (y * y).sum().backward()
    return y, x.grad, [p.grad for p in net.parameters()]


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_values_and_gradients_match_torch(use_reentrant):
    (ye, gxe, gpe), (yt, gxt, gpt) = _run(ember, use_reentrant), _run(torch, use_reentrant)
    assert_same(ye, yt, atol=1e-6)
    assert_same(gxe, gxt, atol=1e-6)
    for a, b in zip(gpe, gpt):
        assert_same(a, b, atol=1e-6)
    assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__


def test_non_reentrant_gives_parameter_grads_without_input_grad():
    (ye, gxe, gpe), (yt, gxt, gpt) = _run(ember, False, False), _run(torch, False, False)
    assert gxe is None and gxt is None
    for a, b in zip(gpe, gpt):
        assert_same(a, b, atol=1e-6)


def test_reentrant_without_input_grad_warns_and_gives_no_grads():
    for m in (ember, torch):
        net = _net(m)
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            y = m.utils.checkpoint.checkpoint(net, m.ones(2, 4), use_reentrant=True)
        assert not y.requires_grad


def test_missing_use_reentrant_warns_and_defaults_to_reentrant():
    for m in (ember, torch):
        x = m.ones(3, requires_grad=True)
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
            y = m.utils.checkpoint.checkpoint(lambda a: a.sin() * 2, x)
        assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"


def test_errors_match_torch():
    for m in (ember, torch):
        x = m.ones(3, requires_grad=True)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            m.utils.checkpoint.checkpoint(lambda a: a * 2, x, use_reentrant=True, foo=1)
        y = m.utils.checkpoint.checkpoint(lambda a: a.sin() * 2, x, use_reentrant=True).sum()
        with pytest.raises(RuntimeError, match="incompatible with .grad()"):
            m.autograd.grad(y, x)
        y = m.utils.checkpoint.checkpoint(lambda a: a.sin() * 2, x, use_reentrant=False).sum()
        assert np.allclose(m.autograd.grad(y, x)[0].numpy(), (x.detach().cos() * 2).numpy())


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_sequential(use_reentrant):
    out = []
    for m in (ember, torch):
        m.manual_seed(0)
        seq = m.nn.Sequential(*[m.nn.Linear(3, 3) for _ in range(5)])
        x = m.tensor(np.arange(6, dtype=np.float32).reshape(2, 3) / 6, requires_grad=True)
        y = m.utils.checkpoint.checkpoint_sequential(seq, 2, x, use_reentrant=use_reentrant)
        y.sum().backward()
        out.append((y, x.grad, seq[0].weight.grad, type(y.grad_fn).__name__))
    (ye, gxe, gwe, ne), (yt, gxt, gwt, nt) = out
    assert_same(ye, yt, atol=1e-6)
    assert_same(gxe, gxt, atol=1e-6)
    assert_same(gwe, gwt, atol=1e-6)
    assert ne == nt


def test_saved_tensors_hooks_pack_and_unpack():
    counts = {}
    for m in (ember, torch):
        x = m.tensor([0.5, 1.0, 2.0], requires_grad=True)
        packed = []

        def pack(t):
            packed.append(tuple(t.shape))
            return t.detach() * 1

        with m.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = (x * x).sin().sum()
        y.backward()
        counts[m] = (len(packed), x.grad)
    assert counts[ember][0] == counts[torch][0]
    assert_same(counts[ember][1], counts[torch][1])
    with ember.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
        with pytest.raises(RuntimeError, match="no hooks here"):
            with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass


def test_save_on_cpu_round_trip():
    x = ember.tensor([0.5, 1.0, 2.0], requires_grad=True)
    with ember.autograd.graph.save_on_cpu():
        y = (x * x.exp()).sum()
    y.backward()
    assert_same(x.grad, torch.tensor([0.5, 1.0, 2.0]).exp() * (1 + torch.tensor([0.5, 1.0, 2.0])), atol=1e-6)


def test_recomputation_mismatch_raises_checkpoint_error():
    calls = []

    def fn(a):
        calls.append(1)
        return a.sin() if len(calls) == 1 else a.sin().cos()

    x = ember.ones(3, requires_grad=True)
    y = ember.utils.checkpoint.checkpoint(fn, x, use_reentrant=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ember.utils.checkpoint.CheckpointError, match="different number of tensors"):
            y.sum().backward()
