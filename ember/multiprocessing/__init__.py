"""``torch.multiprocessing``: Python's ``multiprocessing``, with ember tensors sent through shared memory.

Everything of :mod:`multiprocessing` is re-exported (``Process``, ``Queue``, ``SimpleQueue``, ``Pipe``,
``Lock``, ``Event``, ``Pool``, ``get_context``, ``set_start_method`` ...).  Importing this module
registers reducers with ``multiprocessing.reduction.ForkingPickler`` so that a tensor or storage put on a
queue, sent through a pipe or passed to a process is moved to shared memory and mapped by the receiver
(see :mod:`ember.multiprocessing.reductions`), and binds ``Tensor.share_memory_`` / ``Tensor.is_shared``.

Sharing strategies (``get_all_sharing_strategies()``): on Linux ``{'file_descriptor', 'file_system'}``
with ``'file_descriptor'`` the default, as in torch; on macOS only ``'file_system'``.
"""
import multiprocessing
import sys
import threading
from multiprocessing import resource_tracker

from .reductions import _strategy, init_reductions

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"]

from multiprocessing import *  # noqa: E402,F401,F403

__all__ += multiprocessing.__all__

from .spawn import (ENV_VAR_PARALLEL_START, ProcessContext, ProcessExitedException,  # noqa: E402,F401
                    ProcessRaisedException, SpawnContext, spawn, start_processes)
from .spawn import _PR_SET_NAME, _prctl  # noqa: E402

if sys.platform == "darwin" or sys.platform == "win32":
    _all_sharing_strategies = {"file_system"}
else:
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Set the strategy used to share CPU tensors: one of ``get_all_sharing_strategies()``.

    'file_system' starts multiprocessing's resource tracker now, so that processes started later share
    it (it removes the /dev/shm files that every process left behind, e.g. after a crash).
    """
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}")
    _strategy[0] = new_strategy
    if new_strategy == "file_system":
        resource_tracker.ensure_running()


def get_sharing_strategy():
    """The current strategy for sharing CPU tensors ('file_descriptor' by default on Linux)."""
    return _strategy[0]


def get_all_sharing_strategies():
    """The strategies supported on this system."""
    return _all_sharing_strategies


def _set_thread_name(name):
    """Name the calling thread (``threading`` and, on Linux, the kernel's 15-character name)."""
    threading.current_thread().name = name
    _prctl(_PR_SET_NAME, name.encode()[:15])


def _get_thread_name():
    return threading.current_thread().name


init_reductions()
