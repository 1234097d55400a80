"""ember.multiprocessing: tensors cross processes through shared memory; spawn propagates failures.

torch is imported only where a test compares with it (spawned children import this module)."""
import gc
import os
import pickle
import signal
import time

import numpy as np
import pytest

import ember
import ember.multiprocessing as mp
from ember.multiprocessing import reductions
from multiprocessing.reduction import ForkingPickler


def _ember_shm():
    return sorted(n for n in os.listdir("/dev/shm") if n.startswith("ember_"))


@pytest.fixture(params=["file_descriptor", "file_system"])
def strategy(request):
    before = _ember_shm()
    old = mp.get_sharing_strategy()
    mp.set_sharing_strategy(request.param)
    yield request.param
    mp.set_sharing_strategy(old)
    gc.collect()
    assert _ember_shm() == before, "shared memory files leaked in /dev/shm"


# ------------------------------------------------------------------ child process bodies (module level: picklable)
def _echo_and_write(q_in, q_out):
    t = q_in.get()
    q_out.put(t)               # back to the parent: maps the same memory again
    q_out.put(t[1:, ::2])      # a view of it
    t.mul_(10)                 # visible to the parent
    q_out.put("written")
    assert q_in.get() == "parent wrote"
    q_out.put(float(t[0, 0]))  # the parent's write is visible here


def _write_shared(t, value):
    t.fill_(value)


def _sum_tensor(t):
    return float(t.sum())


def _recv_many(q_in, q_out):
    q_out.put([float(t.sum()) for t in q_in.get()])


# ------------------------------------------------------------------ sharing
def test_strategies_and_defaults():
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    assert mp.get_sharing_strategy() == "file_descriptor"
    with pytest.raises(AssertionError):
        mp.set_sharing_strategy("bogus")
    assert mp.Process is not None and mp.Queue and mp.SimpleQueue and mp.Pipe and mp.Lock and mp.Event
    assert mp.Pool and mp.get_context and mp.set_start_method and mp.cpu_count
    assert "set_sharing_strategy" in mp.__all__ and "Process" in mp.__all__


def test_share_memory_in_place():
    t = ember.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    v = t[1:]
    assert not t.is_shared() and not t.untyped_storage().is_shared()
    assert v.share_memory_() is v
    # the view and its base both moved, values kept, still views of one another
    assert v.is_shared() and t.is_shared() and t.untyped_storage().is_shared()
    assert v.data_ptr() == t.data_ptr() + 16 and v.storage_offset() == 4
    t[1, 0] = -1
    assert v[0, 0].item() == -1
    assert t.view(-1).is_shared() and t.t().is_shared()
    np.testing.assert_array_equal(t.numpy().ravel()[5:], np.arange(5, 12))
    ptr = t.data_ptr()
    t.share_memory_()  # no-op when shared
    assert t.data_ptr() == ptr


def test_storage_share_memory():
    s = ember.UntypedStorage(8)
    s.fill_(3)
    assert not s.is_shared()
    assert s.share_memory_() is s and s.is_shared() and s.tolist() == [3] * 8
    ts = ember.arange(3).storage()
    assert ts.share_memory_().is_shared()


def test_queue_round_trip_shares_memory(strategy):
    q_in, q_out = mp.Queue(), mp.Queue()
    p = mp.Process(target=_echo_and_write, args=(q_in, q_out))
    p.start()
    t = ember.arange(12, dtype=ember.float64).reshape(3, 4)
    q_in.put(t)
    back = q_out.get(timeout=20)
    view = q_out.get(timeout=20)
    assert q_out.get(timeout=20) == "written"
    assert t.is_shared() and back.is_shared() and view.is_shared()
    # the round trip maps the very same memory; the view keeps offset and strides
    assert back.data_ptr() == t.data_ptr() and back.stride() == (4, 1)
    assert view.shape == (2, 2) and view.stride() == (4, 2) and view.storage_offset() == 4
    np.testing.assert_array_equal(t.numpy(), np.arange(12.0).reshape(3, 4) * 10)
    np.testing.assert_array_equal(view.numpy(), [[40.0, 60.0], [80.0, 100.0]])
    t[0, 0] = 7.5
    q_in.put("parent wrote")
    assert q_out.get(timeout=20) == 7.5
    p.join(20)
    assert p.exitcode == 0
    del t, back, view


@pytest.mark.parametrize("make", [
    lambda: ember.tensor(3.5),
    lambda: ember.zeros(0, 3),
    lambda: ember.tensor([True, False, True]),
    lambda: ember.arange(20, dtype=ember.int16).reshape(4, 5).t(),
    lambda: ember.arange(6, dtype=ember.float32).to(ember.bfloat16),
    lambda: ember.arange(10.0)[1::3],
    lambda: ember.ones(3, dtype=ember.complex64),
])
def test_pickle_kinds(make):
    t = make()
    data = ForkingPickler.dumps(t)
    u = pickle.loads(data)
    assert u.dtype == t.dtype and u.shape == t.shape and u.stride() == t.stride()
    assert u.storage_offset() == t.storage_offset()
    assert u.is_shared() and t.is_shared()
    np.testing.assert_array_equal(np.asarray(u.float() if u.dtype == ember.bfloat16 else u),
                                  np.asarray(t.float() if t.dtype == ember.bfloat16 else t))


def test_requires_grad_and_non_leaf():
    leaf = ember.ones(3, requires_grad=True)
    u = pickle.loads(ForkingPickler.dumps(leaf))
    assert u.requires_grad and u.is_leaf
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(leaf * 2)


def test_parameter_round_trip():
    nn = pytest.importorskip("ember.nn")
    p = nn.Parameter(ember.ones(2))
    u = pickle.loads(ForkingPickler.dumps(p))
    assert type(u) is nn.Parameter and u.requires_grad and u.is_shared()


def test_storage_pickling():
    s = ember.UntypedStorage(4)
    s.fill_(5)
    u = pickle.loads(ForkingPickler.dumps(s))
    assert isinstance(u, ember.UntypedStorage) and u.is_shared() and u.data_ptr() == s.data_ptr()
    ts = ember.tensor([1.5, 2.5]).storage()
    v = pickle.loads(ForkingPickler.dumps(ts))
    assert v.dtype == ember.float32 and v.tolist() == [1.5, 2.5]


def test_fork_inherits_shared_tensor():
    t = ember.zeros(5).share_memory_()
    p = mp.get_context("fork").Process(target=_write_shared, args=(t, 4.0))
    p.start()
    p.join(20)
    assert p.exitcode == 0 and t.tolist() == [4.0] * 5


def test_spawned_process_maps_argument():
    t = ember.zeros(4)
    p = mp.get_context("spawn").Process(target=_write_shared, args=(t, 2.0))
    p.start()
    p.join(60)
    assert p.exitcode == 0 and t.is_shared() and t.tolist() == [2.0] * 4


def test_pipe_and_simple_queue():
    a, b = mp.Pipe()
    t = ember.arange(4.0)
    a.send(t)
    u = b.recv()
    u[0] = 9
    assert t[0].item() == 9
    q = mp.SimpleQueue()
    q.put(t)
    assert q.get().data_ptr() == t.data_ptr()


def test_many_tensors_through_queue():
    q_in, q_out = mp.Queue(), mp.Queue()
    p = mp.Process(target=_recv_many, args=(q_in, q_out))
    p.start()
    ts = [ember.full((3,), float(i)) for i in range(50)]
    q_in.put(ts)
    assert q_out.get(timeout=20) == [3.0 * i for i in range(50)]
    p.join(20)


def test_pool_map():
    with mp.get_context("fork").Pool(2) as pool:
        assert pool.map(_sum_tensor, [ember.ones(3) * i for i in range(4)]) == [0.0, 3.0, 6.0, 9.0]


def test_memory_released(strategy):
    t = ember.zeros(1 << 16).share_memory_()
    seg = reductions.segment_of(t._data)
    import weakref
    ref = weakref.ref(seg)
    u = pickle.loads(ForkingPickler.dumps(t))  # maps the same segment (cached)
    assert reductions.segment_of(u._data) is seg
    del seg, t, u
    gc.collect()
    assert ref() is None


def test_fd_strategy_leaves_no_file(strategy):
    t = ember.ones(100).share_memory_()
    if strategy == "file_descriptor":
        assert _ember_shm() == []
    else:
        assert len(_ember_shm()) == 1
    del t


def test_cuda_tensor_not_sent():
    class Fake:
        pass
    t = ember.ones(2)
    t._data = Fake()
    with pytest.raises(NotImplementedError, match="CUDA"):
        reductions.reduce_tensor(t)


# ------------------------------------------------------------------ spawn / start_processes
def _spawn_ok(i, path):
    with open(os.path.join(path, f"{i}"), "w") as f:
        f.write(str(i * 10))


def _spawn_raise(i):
    if i == 1:
        raise ValueError(f"boom from {i}")
    time.sleep(30)


def _spawn_exit(i):
    os._exit(3)


def _spawn_kill(i):
    os.kill(os.getpid(), signal.SIGKILL)


def test_spawn_runs_all(tmp_path):
    assert mp.start_processes(_spawn_ok, args=(str(tmp_path),), nprocs=2, start_method="fork") is None
    assert sorted(os.listdir(tmp_path)) == ["0", "1"]
    assert (tmp_path / "1").read_text() == "10"


def test_spawn_propagates_exception():
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.spawn(_spawn_raise, nprocs=2)
    e = info.value
    assert e.error_index == 1 and isinstance(e.error_pid, int)
    msg = str(e)
    assert msg.startswith("\n\n-- Process 1 terminated with the following error:\nTraceback (most recent call last):")
    assert "in _spawn_raise" in msg and msg.rstrip().endswith("ValueError: boom from 1")


def test_start_processes_exit_code_and_signal():
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3") as info:
        mp.start_processes(_spawn_exit, nprocs=1, start_method="fork")
    assert info.value.exit_code == 3
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with signal SIGKILL") as info:
        mp.start_processes(_spawn_kill, nprocs=1, start_method="fork")
    assert info.value.exit_code == -9 and info.value.signal_name == "SIGKILL"


def test_process_context_join_false(tmp_path):
    ctx = mp.start_processes(_spawn_ok, args=(str(tmp_path),), nprocs=2, join=False, start_method="fork")
    assert isinstance(ctx, mp.ProcessContext) and len(ctx.pids()) == 2
    while not ctx.join():
        pass
    assert ctx.join() is True


def test_exceptions_pickle():
    e = mp.ProcessExitedException("m", 1, 2, 3, "SIGTERM")
    f = pickle.loads(pickle.dumps(e))
    assert (f.msg, f.error_index, f.error_pid, f.exit_code, f.signal_name) == ("m", 1, 2, 3, "SIGTERM")
    g = pickle.loads(pickle.dumps(mp.ProcessRaisedException("x", 0, 5)))
    assert type(g) is mp.ProcessRaisedException and g.error_pid == 5
