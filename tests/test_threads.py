"""Thread settings (torch.set_num_threads & co., with torch's argument errors) and the intra-op helpers
behind them: threaded copies split along the first axis and the per-thread scratch buffers, which must
never leak into results."""
import threading

import numpy as np
import pytest
import torch

import ember
from ember import _parallel, _workspace
from conformance import check_error


@pytest.fixture
def restore_threads():
    old = ember.get_num_threads()
    yield
    ember.set_num_threads(old)


def test_num_threads_roundtrip(restore_threads):
    assert ember.get_num_threads() >= 1
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    from ember import _openblas
    assert _openblas.get_num_threads() in (None, 1)
    ember.set_num_threads(3)
    assert ember.get_num_threads() == 3


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2"])
def test_num_threads_errors(bad):
    check_error(lambda m: m.set_num_threads(bad))


def test_interop_threads(monkeypatch):
    monkeypatch.setattr(_parallel, "_interop", [None])
    assert ember.get_num_interop_threads() >= 1
    check_error(lambda m: m.set_num_interop_threads(0))
    ember.set_num_interop_threads(3)
    assert ember.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        ember.set_num_interop_threads(2)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("shape", [(7, 300, 301), (2, 3, 100000), (1, 900000), (5,)])
def test_copy_into_matches_numpy(threads, shape, monkeypatch, restore_threads):
    ember.set_num_threads(threads)
    monkeypatch.setattr(_parallel, "_MIN_BYTES", 16)
    src = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    src = src[..., ::-1]  # a strided source, as im2col's windows are
    dst = np.empty(shape, np.float32)
    _parallel.copy_into(dst, src)
    np.testing.assert_array_equal(dst, src)
    out = _parallel.contiguous(src)
    assert out.flags.c_contiguous and out is not src
    np.testing.assert_array_equal(out, src)
    same = np.ascontiguousarray(src)
    assert _parallel.contiguous(same) is same


def test_scratch_is_reused_per_slot_and_thread():
    a = _workspace.scratch("test", (10, 10), np.float32)
    b = _workspace.scratch("test", (5,), np.float64)
    assert np.shares_memory(a, b)
    assert not np.shares_memory(a, _workspace.scratch("other", (10,), np.float32))
    other = []
    t = threading.Thread(target=lambda: other.append(_workspace.scratch("test", (10, 10), np.float32)))
    t.start()
    t.join()
    assert not np.shares_memory(a, other[0])
    big = _workspace.scratch("test", (1000, 1000), np.float32)
    assert big.shape == (1000, 1000) and big.dtype == np.float32
    _workspace.release()


@pytest.mark.parametrize("kw,shape", [(dict(padding=1), (4, 32, 40, 40)), (dict(padding=1), (16, 96, 6, 6)),
                                      (dict(stride=2, padding=1), (8, 24, 48, 48))])
def test_conv_results_do_not_alias_scratch(kw, shape):
    """A conv output (and its gradients) must survive the next conv, which reuses the scratch buffers."""
    rng = np.random.default_rng(0)
    w = ember.tensor(rng.standard_normal((32, shape[1], 3, 3), dtype=np.float32), requires_grad=True)
    x1 = ember.tensor(rng.standard_normal(shape, dtype=np.float32), requires_grad=True)
    y1 = ember.nn.functional.conv2d(x1, w, **kw)
    keep = y1.detach().numpy().copy()
    y1.sum().backward()
    gx, gw = x1.grad.numpy().copy(), w.grad.numpy().copy()
    x2 = ember.tensor(rng.standard_normal(shape, dtype=np.float32), requires_grad=True)
    ember.nn.functional.conv2d(x2, w, **kw).sum().backward()
    np.testing.assert_array_equal(y1.detach().numpy(), keep)
    np.testing.assert_array_equal(x1.grad.numpy(), gx)
    ref = torch.nn.functional.conv2d(torch.tensor(x1.detach().numpy()), torch.tensor(w.detach().numpy()), **kw)
    np.testing.assert_allclose(keep, ref.numpy(), rtol=1e-4, atol=1e-3)
    assert np.isfinite(gw).all()


@pytest.mark.parametrize("env,expected", [({}, True), ({"EMBER_MALLOC_TUNING": "0"}, False),
                                          ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"}, False),
                                          ({"MALLOC_TRIM_THRESHOLD_": "1"}, False)])
def test_malloc_tuning_respects_the_user(env, expected, monkeypatch):
    import platform
    from ember import _malloc
    for k in ("EMBER_MALLOC_TUNING", "GLIBC_TUNABLES", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
              "MALLOC_TOP_PAD_"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    glibc = platform.libc_ver()[0] == "glibc"
    assert _malloc.tune() is (expected and glibc)
