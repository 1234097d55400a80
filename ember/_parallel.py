"""Intra-op parallelism for the memory-bound NumPy passes around BLAS calls.

BLAS runs its GEMMs on every thread ``torch.set_num_threads`` allows, but NumPy's copies and
elementwise loops run on one. Large strided copies (im2col windows, layout changes) are split here
along their first axis over a small thread pool; NumPy releases the GIL inside each part, so the parts
run at once. Work under ``_MIN_BYTES`` stays on the calling thread, where a hand-off would cost more
than it saves.
"""
import os
import threading

_MIN_BYTES = 1 << 21


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _default_threads():
    env = os.environ.get("OMP_NUM_THREADS", "")
    return int(env) if env.isdigit() and int(env) > 0 else _cores()


_state = threading.local()
_threads = [_default_threads()]
_interop = [None]
_pool = [None]
_pool_lock = threading.Lock()


def _positive_int(n, name):
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"{name} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")


def get_num_threads():
    """``torch.get_num_threads``: the intra-op thread count (``OMP_NUM_THREADS``, else the usable cores)."""
    return _threads[0]


def set_num_threads(n):
    """``torch.set_num_threads``: the threads BLAS and ember's own parallel copies use."""
    _positive_int(n, "set_num_threads")
    from . import _openblas
    _openblas.set_num_threads(n)
    with _pool_lock:
        _threads[0] = n
        if _pool[0] is not None:
            _pool[0].shutdown(wait=False)
            _pool[0] = None


def get_num_interop_threads():
    """``torch.get_num_interop_threads``: the size set for inter-op parallelism (ember runs ops one at a time
    on the calling thread, so this number is recorded, not used)."""
    return _interop[0] or _cores()


def set_num_interop_threads(n):
    """``torch.set_num_interop_threads``: may be called once, as in torch."""
    _positive_int(n, "set_num_interop_threads")
    if _interop[0] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _interop[0] = n


def _executor():
    pool = _pool[0]
    if pool is None:
        from concurrent.futures import ThreadPoolExecutor
        with _pool_lock:
            if _pool[0] is None:
                _pool[0] = ThreadPoolExecutor(_threads[0] - 1, thread_name_prefix="ember-intraop")
            pool = _pool[0]
    return pool


def _split(n, parts):
    step, extra = divmod(n, parts)
    bounds, start = [], 0
    for i in range(parts):
        stop = start + step + (i < extra)
        if stop > start:
            bounds.append((start, stop))
        start = stop
    return bounds


def for_rows(n, fn, nbytes):
    """Call ``fn(start, stop)`` over a split of ``range(n)``, the parts at once on the intra-op threads when
    the work touches at least ``_MIN_BYTES`` (``nbytes``); ``fn`` writes its rows of preallocated outputs."""
    parts = min(_threads[0], n)
    if parts < 2 or nbytes < _MIN_BYTES or getattr(_state, "busy", False):
        fn(0, n)
        return
    chunks = _split(n, parts)
    pool = _executor()
    futures = [pool.submit(_run_part, fn, a, b) for a, b in chunks[1:]]
    fn(*chunks[0])
    for f in futures:
        f.result()


def _run_part(fn, a, b):
    _state.busy = True
    try:
        fn(a, b)
    finally:
        _state.busy = False


def copy_into(dst, src):
    """``dst[...] = src`` (same shape), split over the intra-op threads along the first axis."""
    if dst.ndim == 0 or type(dst).__module__ != "numpy":
        dst[...] = src
        return dst

    def part(a, b):
        dst[a:b] = src[a:b]
    for_rows(dst.shape[0], part, dst.nbytes)
    return dst


def contiguous(arr):
    """``np.ascontiguousarray`` with the copy split over the intra-op threads."""
    if arr.flags.c_contiguous:
        return arr
    import numpy as np
    if type(arr) is not np.ndarray:
        from ._device import xp_of
        return xp_of(arr).ascontiguousarray(arr)
    if arr.nbytes < _MIN_BYTES:
        return np.ascontiguousarray(arr)
    return copy_into(np.empty(arr.shape, arr.dtype), arr)
