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
    "m.nn.Linear(2, 2).cuda()",
])
def test_no_gpu_errors_match_cpu_torch(expr):
    check_error(lambda m: eval(expr, {"m": m}))


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
