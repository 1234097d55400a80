"""ember.cuda on this machine: without CuPy or a GPU it must behave like a CPU-only torch build; with a GPU
(the lent device machine) the same tests check real device plumbing."""
import pytest
import torch

import ember
from conformance import check_error

HAS_GPU = ember.cuda.is_available()
gpu = pytest.mark.skipif(not HAS_GPU, reason="no CUDA GPU (CuPy + NVIDIA driver) on this machine")
cpu_only = pytest.mark.skipif(HAS_GPU, reason="compares the no-GPU behaviour")


@cpu_only
def test_no_gpu_queries_match_cpu_torch():
    assert ember.cuda.is_available() is torch.cuda.is_available() is False
    assert ember.cuda.device_count() == torch.cuda.device_count() == 0
    assert ember.cuda.is_initialized() is False
    assert ember.cuda.memory_allocated() == torch.cuda.memory_allocated() == 0
    assert ember.cuda.max_memory_allocated() == 0
    ember.cuda.manual_seed(1)  # ignored silently, as torch
    ember.cuda.empty_cache()
    assert ember.accelerator.is_available() is False


@cpu_only
@pytest.mark.parametrize("expr", [
    "m.cuda.current_device()", "m.cuda.get_device_name()", "m.cuda.synchronize()", "m.ones(2).cuda()",
    "m.zeros(2, device='cuda')", "m.ones(2).to('cuda:0')", "m.cuda.Stream()", "m.cuda.Event()",
    "m.nn.Linear(2, 2).cuda()", "m.ones(2).pin_memory()", "m.empty(3, pin_memory=True)",
    "m.zeros(2, 2, pin_memory=True)", "m.tensor([1.0], pin_memory=True)", "m.full((2,), 1.0, pin_memory=True)",
    "m.eye(2, pin_memory=True)", "m.arange(3, pin_memory=True)", "m.empty_strided((2,), (1,), pin_memory=True)",
])
def test_no_gpu_errors_match_cpu_torch(expr):
    check_error(lambda m: eval(expr, {"m": m}))


@cpu_only
def test_no_gpu_pinning_matches_cpu_torch():
    assert ember.ones(2).is_pinned() is torch.ones(2).is_pinned() is False
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(ember.utils.data.DataLoader(ember.arange(5.0), batch_size=2, pin_memory=True))
    assert [b.tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert not any(b.is_pinned() for b in batches)


@gpu
def test_pinned_memory_and_non_blocking_copy():
    x = ember.randn(64, 64, requires_grad=True)
    p = x.pin_memory()
    assert p.is_pinned() and not x.is_pinned() and p.pin_memory() is p
    assert ember.equal(p, x) and p.grad_fn.name() == "PinMemoryBackward0"
    p.sum().backward()
    assert ember.equal(x.grad, ember.ones(64, 64))
    assert ember.zeros(3, pin_memory=True).is_pinned()
    y = p.detach().to("cuda", non_blocking=True)
    ember.cuda.synchronize()
    assert ember.equal(y.cpu(), x.detach())
    with pytest.raises(RuntimeError, match="only dense CPU tensors can be pinned"):
        y.pin_memory()
    batches = list(ember.utils.data.DataLoader(ember.arange(6.0), batch_size=3, pin_memory=True))
    assert all(b.is_pinned() for b in batches)


@gpu
def test_round_trip_and_ops_on_gpu():
    x = ember.randn(4, 5)
    xc = x.cuda()
    assert xc.is_cuda and xc.device == ember.device("cuda", 0)
    y = (xc * 2 + 1).sum(1).cpu()
    assert ember.allclose(y, (x * 2 + 1).sum(1))
    w = ember.randn(5, 3, device="cuda", requires_grad=True)
    (xc @ w).relu().sum().backward()
    assert w.grad.is_cuda and w.grad.shape == (5, 3)


@gpu
def test_mixed_devices_error():
    with pytest.raises(RuntimeError, match="same device"):
        ember.ones(2) + ember.ones(2).cuda()


@gpu
def test_streams_events_memory():
    s = ember.cuda.Stream()
    start, end = ember.cuda.Event(enable_timing=True), ember.cuda.Event(enable_timing=True)
    with ember.cuda.stream(s):
        start.record(s)
        ember.ones(1000, 1000, device="cuda").sum()
        end.record(s)
    end.synchronize()
    assert start.elapsed_time(end) >= 0
    assert ember.cuda.memory_reserved() >= ember.cuda.memory_allocated() >= 0
