"""ember.utils.data against torch.utils.data: datasets, samplers, collation, DataLoader (0 and 2 workers),
worker seeding, failure handling and cleanup."""
import collections
import gc
import os
import random
import signal
import time
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember
import ember.multiprocessing as emp
import ember.utils.data as eud

Point = collections.namedtuple("Point", "x y")


# ------------------------------------------------------------------ helpers
def plain(x):
    """A comparable form of a (nested) result: tensors become (dtype name, shape, values)."""
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return ("T", str(x.dtype).replace("torch.", ""), tuple(x.shape), x.detach().numpy().tolist())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(plain(v) for v in x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, dict):
        return (type(x).__name__, {k: plain(v) for k, v in x.items()})
    if isinstance(x, np.ndarray):
        return ("A", x.dtype.str, x.tolist())
    return x


def same(e, t):
    assert plain(e) == plain(t)


def both(fn):
    """fn(module, data module) evaluated for ember and torch."""
    return fn(ember, eud), fn(torch, tud)


def conform(fn):
    e, t = both(fn)
    same(e, t)
    return e


def raises_like(fn, match=None):
    """fn raises the same exception type (and message, if match) for ember as for torch."""
    with pytest.raises(Exception) as te:
        fn(torch, tud)
    with pytest.raises(type(te.value)) as ee:
        fn(ember, eud)
    assert type(ee.value) is type(te.value)
    if match:
        assert str(ee.value) == str(te.value)


def _children():
    """Child processes of this one, zombies included (from /proc: PPid is us), but multiprocessing's
    resource tracker."""
    from multiprocessing import resource_tracker
    me, out = os.getpid(), set()
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and int(p) != resource_tracker._resource_tracker._pid:
                out.add(int(p))
    return out


@pytest.fixture
def no_leaks():
    """The test leaves no worker process (alive or zombie) and no file in /dev/shm behind."""
    shm, children = set(os.listdir("/dev/shm")), _children()
    yield
    gc.collect()
    assert _children() - children == set()
    assert set(os.listdir("/dev/shm")) - shm == set()


# ------------------------------------------------------------------ datasets
def _tensors(m):
    return m.arange(12).reshape(6, 2), m.arange(6, dtype=m.float32) * 0.5


def test_tensor_dataset():
    conform(lambda m, d: [d.TensorDataset(*_tensors(m))[i] for i in (0, 5, -1)])
    conform(lambda m, d: len(d.TensorDataset(*_tensors(m))))
    raises_like(lambda m, d: d.TensorDataset(m.zeros(3), m.zeros(4)))
    raises_like(lambda m, d: d.TensorDataset(*_tensors(m))[6])


def test_concat_dataset():
    conform(lambda m, d: [(d.ConcatDataset([range(3), range(10, 12)]))[i] for i in (0, 2, 3, 4, -1, -5)])
    conform(lambda m, d: d.ConcatDataset([range(3), range(0), range(10, 12)]).cumulative_sizes)
    conform(lambda m, d: [(d.TensorDataset(m.arange(2)) + d.TensorDataset(m.arange(5, 8)))[i] for i in range(5)])
    raises_like(lambda m, d: d.ConcatDataset([range(3)])[-4], match=True)
    raises_like(lambda m, d: d.ConcatDataset([]))
    raises_like(lambda m, d: d.ConcatDataset([range(2), d.IterableDataset()]))
    with pytest.warns(FutureWarning):
        assert eud.ConcatDataset([range(2)]).cummulative_sizes == [2]


class _Stream:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def _stream(d, n):
    return type("S", (_Stream, d.IterableDataset), {})(n)


def test_chain_and_iterable():
    conform(lambda m, d: list(d.ChainDataset([_stream(d, 2), _stream(d, 3)])))
    conform(lambda m, d: len(_stream(d, 2) + _stream(d, 3)))
    conform(lambda m, d: list(_stream(d, 2) + _stream(d, 1)))
    raises_like(lambda m, d: list(d.ChainDataset([_stream(d, 1), [1, 2]])))


def test_subset_and_stack_dataset():
    conform(lambda m, d: [d.Subset(range(10, 20), [3, 1, 4])[i] for i in range(3)])
    conform(lambda m, d: d.Subset(range(10, 20), [3, 1, 4]).__getitems__([2, 0]))
    conform(lambda m, d: d.Subset(d.StackDataset(range(5), range(5, 10)), [4, 0]).__getitems__([0, 1]))
    conform(lambda m, d: d.StackDataset(range(3), d.TensorDataset(m.arange(3)))[1])
    conform(lambda m, d: d.StackDataset(a=range(3), b=range(3, 6)).__getitems__([2, 0]))
    conform(lambda m, d: d.StackDataset(range(3), d.Subset(range(9), [5, 6, 7])).__getitems__([1, 2]))
    raises_like(lambda m, d: d.StackDataset(range(3), range(4)), match=True)
    raises_like(lambda m, d: d.StackDataset(range(3), b=range(3)), match=True)
    raises_like(lambda m, d: d.StackDataset(), match=True)

    def override(m, d):
        class S(d.Subset):
            def __getitem__(self, i):
                return 0
        return S(range(3), [0])
    raises_like(override, match=True)


def test_dataset_base():
    raises_like(lambda m, d: d.Dataset()[0], match=True)
    raises_like(lambda m, d: d.Dataset() + d.Dataset(), match=True)
    assert eud.Dataset[int] is not None and eud.Sampler[int] is not None


def test_random_split():
    conform(lambda m, d: [list(s) for s in d.random_split(range(10), [3, 7], generator=m.Generator().manual_seed(1))])
    conform(lambda m, d: [list(s) for s in d.random_split(range(11), [0.3, 0.3, 0.4],
                                                          generator=m.Generator().manual_seed(2))])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        conform(lambda m, d: [len(s) for s in d.random_split(range(3), [0.05, 0.05, 0.9])])
    assert any("Length of split at index 1 is 0" in str(x.message) for x in w)
    raises_like(lambda m, d: d.random_split(range(10), [3, 3]), match=True)
    raises_like(lambda m, d: d.random_split(range(10), [1.2, -0.2]), match=True)
    ember.manual_seed(5), torch.manual_seed(5)
    conform(lambda m, d: [list(s) for s in d.random_split(range(6), [2, 4])])


# ------------------------------------------------------------------ samplers
def test_sequential_and_batch_sampler():
    conform(lambda m, d: list(d.SequentialSampler(range(5))))
    for drop in (False, True):
        conform(lambda m, d: list(d.BatchSampler(d.SequentialSampler(range(10)), 3, drop)))
        conform(lambda m, d: len(d.BatchSampler(range(10), 3, drop)))
    for bad in (0, -1, True, 2.0):
        raises_like(lambda m, d: d.BatchSampler(range(3), bad, False), match=True)
    raises_like(lambda m, d: d.BatchSampler(range(3), 2, 1), match=True)


def test_random_sampler_matches_torch():
    conform(lambda m, d: list(d.RandomSampler(range(10), generator=m.Generator().manual_seed(3))))
    conform(lambda m, d: list(d.RandomSampler(range(7), num_samples=17, generator=m.Generator().manual_seed(4))))
    conform(lambda m, d: list(d.RandomSampler(range(5), replacement=True, num_samples=70,
                                              generator=m.Generator().manual_seed(5))))
    ember.manual_seed(11), torch.manual_seed(11)
    conform(lambda m, d: list(d.RandomSampler(range(9))))
    conform(lambda m, d: len(d.RandomSampler(range(9), num_samples=4)))
    raises_like(lambda m, d: d.RandomSampler(range(3), replacement=1), match=True)
    raises_like(lambda m, d: d.RandomSampler(range(3), num_samples=0), match=True)
    s = eud.RandomSampler(range(50))
    assert sorted(s) == list(range(50))


def test_subset_and_weighted_samplers():
    conform(lambda m, d: list(d.SubsetRandomSampler([10, 20, 30, 40], generator=m.Generator().manual_seed(6))))
    conform(lambda m, d: list(d.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 8,
                                                      generator=m.Generator().manual_seed(7))))
    conform(lambda m, d: list(d.WeightedRandomSampler([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, replacement=False,
                                                      generator=m.Generator().manual_seed(8))))
    assert len(eud.WeightedRandomSampler([1, 2], 5)) == 5
    raises_like(lambda m, d: d.WeightedRandomSampler([1.0], 0), match=True)
    raises_like(lambda m, d: d.WeightedRandomSampler([1.0], 1, replacement=None), match=True)
    raises_like(lambda m, d: d.WeightedRandomSampler([[1.0]], 1), match=True)


def test_distributed_sampler():
    for n, reps, drop in [(10, 3, False), (10, 3, True), (2, 5, False), (9, 3, True)]:
        for rank in range(reps):
            conform(lambda m, d: list(d.DistributedSampler(range(n), reps, rank, shuffle=False, drop_last=drop)))
            conform(lambda m, d: len(d.DistributedSampler(range(n), reps, rank, drop_last=drop)))

    def epochs(m, d):
        s = d.DistributedSampler(range(11), num_replicas=2, rank=1, seed=3)
        out = [list(s)]
        s.set_epoch(4)
        return out + [list(s)]
    conform(epochs)
    raises_like(lambda m, d: d.DistributedSampler(range(3), 2, 2), match=True)
    raises_like(lambda m, d: d.DistributedSampler(range(3), 2, -1), match=True)


# ------------------------------------------------------------------ collation
def _batches(m):
    return [
        [m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0])],
        [m.tensor(1), m.tensor(2)],
        [np.arange(3), np.arange(3, 6)],
        [np.float32(1.5), np.float32(2.5)],
        [np.int16(3), np.int16(4)],
        [np.bool_(True), np.bool_(False)],
        [1.5, 2.0],
        [1, 2, 3],
        [True, False],
        ["a", "b"],
        [b"x", b"y"],
        [{"a": 1, "b": m.tensor([1])}, {"a": 2, "b": m.tensor([2])}],
        [Point(1, 2.0), Point(3, 4.0)],
        [(1, "u", m.zeros(2)), (2, "v", m.ones(2))],
        [[1, 2], [3, 4]],
        [collections.OrderedDict(k=np.float64(1.0)), collections.OrderedDict(k=np.float64(2.0))],
        [{"n": {"deep": [1, (2.0, np.array([1, 2], dtype=np.uint8))]}}] * 2,
    ]


def test_default_collate_matches_torch():
    for i in range(len(_batches(ember))):
        conform(lambda m, d: d.default_collate(_batches(m)[i]))


def test_default_convert_matches_torch():
    for i in range(len(_batches(ember))):
        conform(lambda m, d: d.default_convert(_batches(m)[i]))
    conform(lambda m, d: d.default_convert(np.array(["a", "b"])))
    conform(lambda m, d: d.default_convert(np.float32(2.0)))
    conform(lambda m, d: d.default_convert("s"))


def test_collate_errors():
    raises_like(lambda m, d: d.default_collate([m.zeros(3), m.zeros(4)]), match=True)
    raises_like(lambda m, d: d.default_collate([[1, 2], [3]]), match=True)
    raises_like(lambda m, d: d.default_collate([object(), object()]))
    raises_like(lambda m, d: d.default_collate([np.array(["a"]), np.array(["b"])]), match=True)
    raises_like(lambda m, d: d.default_collate([]))


def test_collate_fn_map_extension():
    from ember.utils.data._utils.collate import collate, default_collate_fn_map

    class Box:
        def __init__(self, v):
            self.v = v
    fmap = dict(default_collate_fn_map)
    fmap[Box] = lambda batch, *, collate_fn_map: sum(b.v for b in batch)
    assert collate([{"b": Box(1), "t": 1}, {"b": Box(2), "t": 2}], collate_fn_map=fmap)["b"] == 3


def test_collate_keeps_grad():
    a = ember.ones(2, requires_grad=True)
    out = eud.default_collate([a, a * 2])
    out.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


# ------------------------------------------------------------------ DataLoader (main process)
def _map_ds(m, d, n=10):
    return d.TensorDataset(m.arange(n * 3, dtype=m.float32).reshape(n, 3), m.arange(n))


def test_loader_basic_batching():
    for kw in [dict(), dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=None),
               dict(batch_size=3, collate_fn=lambda b: len(b))]:
        conform(lambda m, d: list(d.DataLoader(_map_ds(m, d), **kw)))
        conform(lambda m, d: len(d.DataLoader(_map_ds(m, d), **kw)))
    conform(lambda m, d: list(d.DataLoader([{"x": 1.0}, {"x": 2.0}], batch_size=2)))
    conform(lambda m, d: list(d.DataLoader(range(7), batch_sampler=[[0, 6], [3]])))
    conform(lambda m, d: list(d.DataLoader(range(7), sampler=[5, 1, 2], batch_size=2)))


def test_batch_level_fetch_equals_per_sample():
    """TensorDataset + default_collate is fetched by one gather: the result is torch's."""
    idx = [[5, 0, -1, 3], [9], [2, 2, 7]]
    conform(lambda m, d: list(d.DataLoader(_map_ds(m, d), batch_sampler=idx)))
    conform(lambda m, d: list(d.DataLoader(d.Subset(_map_ds(m, d), [9, 8, 7, 1]), batch_size=3)))
    conform(lambda m, d: list(d.DataLoader(d.TensorDataset(m.zeros(4, 0), m.ones(4, 2, 1, dtype=m.float64),
                                                           m.tensor([True, False, True, True])), batch_size=3)))
    out = list(eud.DataLoader(_map_ds(ember, eud), batch_size=4))
    assert out[0][0].is_contiguous() and out[0][0].stride() == (3, 1)
    raises_like(lambda m, d: list(d.DataLoader(_map_ds(m, d), batch_sampler=[[0, 10]])))
    raises_like(lambda m, d: list(d.DataLoader(_map_ds(m, d), batch_sampler=[[0.0, 1.0]])))
    conform(lambda m, d: list(d.DataLoader(_map_ds(m, d), batch_sampler=[[m.tensor(1), m.tensor(4)]])))
    # a dataset whose tensors require grad goes through stack (and keeps the graph, as in torch)
    w = ember.ones(4, 2, requires_grad=True)
    (b,) = next(iter(eud.DataLoader(eud.TensorDataset(w), batch_size=2)))
    assert b.grad_fn is not None


def test_shuffle_matches_torch():
    ember.manual_seed(0), torch.manual_seed(0)
    conform(lambda m, d: list(d.DataLoader(range(10), batch_size=3, shuffle=True)))
    conform(lambda m, d: list(d.DataLoader(range(10), batch_size=4, shuffle=True,
                                           generator=m.Generator().manual_seed(42))))


def test_iterable_dataset_loader():
    conform(lambda m, d: list(d.DataLoader(_stream(d, 7), batch_size=3)))
    conform(lambda m, d: list(d.DataLoader(_stream(d, 7), batch_size=3, drop_last=True)))
    conform(lambda m, d: list(d.DataLoader(_stream(d, 3), batch_size=None)))
    conform(lambda m, d: [len(d.DataLoader(_stream(d, 7), batch_size=3, drop_last=dl)) for dl in (False, True)])

    def too_long(m, d):
        ds = _stream(d, 3)
        dl = d.DataLoader(ds, batch_size=None)
        len(dl)
        ds.n = 4
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            list(dl)
        return [str(x.message).split("samples")[0].split(" was reported")[1] for x in w]
    conform(too_long)


@pytest.mark.parametrize("kw", [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True), dict(shuffle=True, sampler=[0]), dict(batch_sampler=[[0]], batch_size=2),
    dict(batch_sampler=[[0]], drop_last=True), dict(batch_size=None, drop_last=True),
    dict(multiprocessing_context="fork"), dict(num_workers=1, multiprocessing_context="nope"),
    dict(num_workers=1, multiprocessing_context=3),
])
def test_loader_argument_errors(kw):
    raises_like(lambda m, d: d.DataLoader(range(3), **kw), match=True)


def test_loader_iterable_errors_and_setattr():
    for kw in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        raises_like(lambda m, d: d.DataLoader(_stream(d, 2), **kw), match=True)

    def setattr_after(m, d):
        d.DataLoader(range(3)).batch_size = 2
    raises_like(setattr_after, match=True)
    dl = eud.DataLoader(range(3))
    dl.num_workers = 0  # not guarded, as in torch


def test_pin_memory_without_accelerator():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        out = list(eud.DataLoader(range(4), batch_size=2, pin_memory=True))
    same(out, list(tud.DataLoader(range(4), batch_size=2)))


def test_worker_rationality_warning():
    with pytest.warns(UserWarning, match="This DataLoader will create 64 worker processes in total"):
        eud.DataLoader(range(3), num_workers=64)


# ------------------------------------------------------------------ DataLoader with worker processes
class SeedProbe:
    """Each sample records what the worker's generators produce (torch's seeding must be reproduced)."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        m, info = (ember, eud.get_worker_info()) if eud.get_worker_info() else (torch, tud.get_worker_info())
        return (i, info.id, info.seed, random.random(), float(np.random.rand()), m.rand(()).item(),
                info.num_workers)


def test_worker_order_contents_and_reproducibility(no_leaks):
    ref = list(eud.DataLoader(_map_ds(ember, eud, 23), batch_size=4))
    got = list(eud.DataLoader(_map_ds(ember, eud, 23), batch_size=4, num_workers=2))
    same(got, ref)
    shuffled = [list(eud.DataLoader(_map_ds(ember, eud, 23), batch_size=4, num_workers=2, shuffle=True,
                                    generator=ember.Generator().manual_seed(9))) for _ in range(2)]
    same(shuffled[0], shuffled[1])
    flat = sorted(v for _, ys in shuffled[0] for v in ys.tolist())
    assert flat == list(range(23))


class DictSamples:
    def __init__(self, m):
        self.m = m

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": self.m.full((2, 3), float(i)), "y": i, "name": f"s{i}", "p": Point(i, [1.5 * i])}


def test_worker_collate_matches_torch(no_leaks):
    conform(lambda m, d: list(d.DataLoader(DictSamples(m), batch_size=3, num_workers=2)))
    got = list(eud.DataLoader(DictSamples(ember), batch_size=3, num_workers=2,
                              multiprocessing_context=emp.get_context("fork")))
    assert got[0]["x"].is_shared() and got[0]["x"].is_contiguous()
    same(got, list(eud.DataLoader(DictSamples(ember), batch_size=3)))


def test_worker_seeding_matches_torch(no_leaks):
    def run(m, d):
        return [tuple(x) for x in d.DataLoader(SeedProbe(), batch_size=None, num_workers=2,
                                                         generator=m.Generator().manual_seed(123))]
    e, t = both(run)
    assert [r[:2] for r in e] == [(i, i % 2) for i in range(8)]
    assert e == t


def test_worker_info_and_iterable_split(no_leaks):
    class Split(eud.IterableDataset):
        def __iter__(self):
            info = eud.get_worker_info()
            return iter(range(info.id, 10, info.num_workers))
    assert eud.get_worker_info() is None
    out = [x.tolist() for x in eud.DataLoader(Split(), batch_size=2, num_workers=2)]
    assert out == [[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]
    info = eud._utils.worker.WorkerInfo(id=0, num_workers=1, seed=5, dataset=None)
    with pytest.raises(AttributeError):
        info.id = 3


def test_worker_init_fn_and_in_order(no_leaks):
    def init(worker_id):
        np.random.seed(100 + worker_id)

    class Probe:
        def __len__(self):
            return 6

        def __getitem__(self, i):
            time.sleep(0.05 if i == 0 else 0)
            return float(np.random.rand())
    got = list(eud.DataLoader(Probe(), batch_size=None, num_workers=2, worker_init_fn=init))
    expect = []
    for w in range(2):
        np.random.seed(100 + w)
        expect.append(np.random.rand(3).tolist())
    assert got == [expect[i % 2][i // 2] for i in range(6)]
    unordered = list(eud.DataLoader(range(6), batch_size=None, num_workers=2, in_order=False))
    assert sorted(unordered) == list(range(6))


def test_persistent_workers_epochs(no_leaks):
    dl = eud.DataLoader(_map_ds(ember, eud, 9), batch_size=2, num_workers=2, persistent_workers=True)
    ref = list(eud.DataLoader(_map_ds(ember, eud, 9), batch_size=2))
    first = list(dl)
    it = iter(dl)
    next(it)  # abandon an epoch half way: the next one starts clean
    pids = [w.pid for w in dl._iterator._workers]
    same(list(dl), ref)
    same(first, ref)
    assert [w.pid for w in dl._iterator._workers] == pids
    del dl, it


def test_batches_survive_while_held(no_leaks):
    """Recycled batch memory is reused only once no tensor views it any more."""
    ds = _map_ds(ember, eud, 40)
    ref = list(eud.DataLoader(ds, batch_size=3))
    dl = eud.DataLoader(ds, batch_size=3, num_workers=2, persistent_workers=True)
    for _ in range(3):
        held = list(dl)
        same(held, ref)
        views = [x[1:] for x, _ in dl]
        same(views, [x[1:] for x, _ in ref])
    del dl


def _cat(batch):
    return ember.cat(batch)


def test_recycling_with_many_batch_sizes(no_leaks):
    """More distinct batch sizes than the workers keep free segments for: old ones are evicted."""
    ds = [ember.full((i % 37 + 1,), float(i)) for i in range(120)]
    ref = list(eud.DataLoader(ds, batch_size=2, collate_fn=_cat))
    dl = eud.DataLoader(ds, batch_size=2, collate_fn=_cat, num_workers=2, persistent_workers=True)
    for _ in range(2):
        same(list(dl), ref)
    del dl


def _sum_later(q, go, out):
    t = q.get()
    go.wait(30)
    out.put(t.tolist())


def test_batch_sent_on_is_not_recycled(no_leaks):
    """A batch forwarded to another process keeps its memory while the loader goes on."""
    ds = _map_ds(ember, eud, 30)
    ref = list(eud.DataLoader(ds, batch_size=3))
    dl = eud.DataLoader(ds, batch_size=3, num_workers=2, persistent_workers=True)
    q, out, go = emp.Queue(), emp.Queue(), emp.Event()
    p = emp.Process(target=_sum_later, args=(q, go, out))
    p.start()
    it = iter(dl)
    first = next(it)
    q.put(first[0])
    del first
    for _ in range(3):
        same(list(dl), ref)
    go.set()
    assert out.get(timeout=30) == ref[0][0].tolist()
    p.join(30)
    del dl, it


def test_worker_exception_reraised(no_leaks):
    class Bad:
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise ValueError("bad sample 2")
            return i
    it = iter(eud.DataLoader(Bad(), batch_size=None, num_workers=2))
    assert next(it) == 0 and next(it) == 1
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback (most recent call")
    assert "in __getitem__" in msg and msg.rstrip().endswith("ValueError: bad sample 2")
    assert next(it) == 3  # the loader goes on, as torch's
    del it

    class BadKey:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            raise KeyError("missing")
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 0"):
        list(eud.DataLoader(BadKey(), num_workers=1))

    def init(wid):
        raise RuntimeError("init failed")
    with pytest.raises(RuntimeError, match="init failed"):
        list(eud.DataLoader(range(4), num_workers=1, worker_init_fn=init))


def test_worker_killed_raises(no_leaks):
    class Slow:
        def __len__(self):
            return 100

        def __getitem__(self, i):
            time.sleep(0.2)
            return i
    it = iter(eud.DataLoader(Slow(), batch_size=None, num_workers=2))
    assert next(it) == 0
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid \d+\) is killed by signal: Killed\. $"):
        os.kill(it._workers[1].pid, signal.SIGKILL)
        for _ in range(100):
            next(it)
    del it


def test_timeout(no_leaks):
    class Stuck:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(1.0)
            return i
    it = iter(eud.DataLoader(Stuck(), batch_size=None, num_workers=1, timeout=0.2))
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.2 seconds$"):
        next(it)
    del it


def test_early_break_and_gc_reap_workers(no_leaks):
    dl = eud.DataLoader(range(100), batch_size=2, num_workers=2)
    for i, _ in enumerate(dl):
        if i == 3:
            break
    it = iter(dl)
    next(it)
    workers = it._workers
    del it
    assert all(not w.is_alive() for w in workers)
    assert all(w.exitcode == 0 for w in workers)


def test_spawn_context_and_file_system_strategy(no_leaks):
    emp.set_sharing_strategy("file_system")
    try:
        got = list(eud.DataLoader(_map_ds(ember, eud, 7), batch_size=3, num_workers=2))
    finally:
        emp.set_sharing_strategy("file_descriptor")
    same(got, list(eud.DataLoader(_map_ds(ember, eud, 7), batch_size=3)))
    assert got[0][0].is_shared()
    del got
    got = list(eud.DataLoader(range(5), batch_size=2, num_workers=1, multiprocessing_context="spawn"))
    same(got, list(tud.DataLoader(range(5), batch_size=2)))
