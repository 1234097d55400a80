"""The DataLoader worker process (``torch.utils.data._utils.worker``).

Each worker owns one end of a :class:`ember.multiprocessing._channel.Channel`: it receives
``(task index, sampler indices)`` messages and answers ``(task index, data)``, where data is a batch, an
``ExceptionWrapper`` or ``_IterableDatasetStopIteration``.  Batches are built in shared memory and only
their descriptors travel.  Seeding is torch's: ``random``, ember and NumPy's global generators get
``base_seed + worker_id`` (NumPy through ``_generate_state``).
"""
import os
import random
from dataclasses import dataclass

import numpy as np

import ember

from . import MP_STATUS_CHECK_INTERVAL, ExceptionWrapper, signal_handling


class ManagerWatchdog:
    """Whether the process that started this worker is still alive (the parent pid did not change)."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: its ``id``, ``num_workers``, ``seed`` and its
    copy of the ``dataset`` (``rng`` and ``worker_method`` as in torch, where only process workers exist)."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The current worker's ``WorkerInfo`` in a DataLoader worker process, None in the main process.

    Use it in ``IterableDataset.__iter__`` or a ``worker_init_fn`` to split the work between workers.
    """
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's answer when its copy of an IterableDataset is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at the start of a new epoch; they answer with it and reset."""
    seed: int = None


def _generate_state(base_seed, worker_id):
    """The 4-word seed torch gives NumPy's global generator in a worker: NumPy's SeedSequence hash of
    ``(worker_id, low 32 bits, high 32 bits, 0)`` of ``base_seed`` — the algorithm torch re-implements."""
    s = base_seed & 0xFFFFFFFFFFFFFFFF
    return np.random.SeedSequence([worker_id, s & 0xFFFFFFFF, s >> 32, 0]).generate_state(4).tolist()


def _worker_loop(dataset_kind, dataset, channel, done_event, auto_collation, collate_fn, drop_last, base_seed,
                 init_fn, worker_id, num_workers):
    from ember.multiprocessing import _set_thread_name, reductions
    from ..dataloader import _DatasetKind
    try:
        channel.pool = reductions.install_arena()
        signal_handling._set_worker_signal_handlers()
        _set_thread_name("pt_data_worker")
        ember.set_num_threads(1)
        seed = base_seed + worker_id
        random.seed(seed)
        ember.manual_seed(seed)
        np.random.seed(_generate_state(base_seed, worker_id))

        global _worker_info
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        # iteration_end: the IterableDataset is exhausted; later tasks are skipped until a _ResumeIteration
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            if not channel.poll(MP_STATUS_CHECK_INTERVAL):
                continue
            r = channel.recv()
            if isinstance(r, _ResumeIteration):
                channel.send((r, None))
                iteration_end = False
                fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if r is None:  # the main process asks us to exit
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data = init_exception
                init_exception = None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            channel.send((idx, data))
            del data, idx, index, r  # free the batch's shared memory now
    except (KeyboardInterrupt, EOFError, BrokenPipeError, ConnectionResetError):
        pass  # interrupted, or the main process closed the channel: exit quietly
    finally:
        channel.close()
