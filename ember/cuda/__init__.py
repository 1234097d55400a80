"""``ember.cuda`` (≙ torch.cuda): NVIDIA GPUs through CuPy.

CuPy arrays sit behind the same backend seam as NumPy (``ember._device.array_module``), so tensors on
``device='cuda'`` run the same op code.  Without CuPy (``pip install ember[cuda]``) or without a GPU the
module still imports: ``is_available()`` is False and calls that need a device fail the way a CPU-only
torch build fails (``AssertionError: Torch not compiled with CUDA enabled``).
"""
import collections
import contextlib

__all__ = ["is_available", "device_count", "is_initialized", "init", "current_device", "set_device", "device",
           "device_of", "get_device_name", "get_device_properties", "get_device_capability", "synchronize",
           "Stream", "Event", "current_stream", "default_stream", "stream", "set_stream", "empty_cache",
           "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved",
           "reset_peak_memory_stats", "memory_summary", "memory_stats", "mem_get_info", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "initial_seed", "get_rng_state", "set_rng_state",
           "get_rng_state_all", "set_rng_state_all", "is_bf16_supported"]

_NOT_COMPILED = ("Torch not compiled with CUDA enabled (ember: CUDA needs CuPy — `pip install ember[cuda]` — "
                 "and an NVIDIA GPU)")
_state = {"cupy": None, "cupyx": None, "tried": False, "peak": {}, "seed": None}


def _load():
    if not _state["tried"]:
        _state["tried"] = True
        try:
            import cupy
            if cupy.cuda.runtime.getDeviceCount() > 0:
                _state["cupy"] = cupy
        except Exception:  # ImportError, or CuPy present without a driver/GPU
            _state["cupy"] = None
    return _state["cupy"]


def _cupy():
    """The CuPy module, or torch's CPU-build error when there is no usable GPU."""
    cp = _load()
    if cp is None:
        raise AssertionError(_NOT_COMPILED)
    return cp


def _cupyx():
    """The ``cupyx`` package beside ``_cupy()`` (scatter kernels, pinned memory, ``cupyx.scipy.special``);
    like ``_cupy()``, the one place ember imports it, so both can be swapped together."""
    cx = _state["cupyx"]
    if cx is None:
        _cupy()
        import cupyx
        import cupyx.scipy.linalg  # noqa: F401  (submodules are not imported by ``import cupyx``)
        import cupyx.scipy.special  # noqa: F401
        cx = _state["cupyx"] = cupyx
    return cx


def is_available():
    """True when CuPy is installed and sees at least one GPU."""
    return _load() is not None


def device_count():
    return _cupy().cuda.runtime.getDeviceCount() if is_available() else 0


def is_initialized():
    return _state["cupy"] is not None


def init():
    _cupy()


def _index(d):
    if d is None:
        return current_device()
    if isinstance(d, int):
        return d
    from .._device import device as _dev
    d = _dev(d) if not isinstance(d, _dev) else d
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return current_device() if d.index is None else d.index


def current_device():
    return _cupy().cuda.runtime.getDevice()


def set_device(device):
    idx = _index(device)
    if idx >= 0:
        _cupy().cuda.runtime.setDevice(idx)


class device:
    """Context manager selecting the current GPU (``torch.cuda.device``)."""

    def __init__(self, device):
        self.idx = _index(device) if device is not None else -1
        self.prev = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev = current_device()
            set_device(self.idx)

    def __exit__(self, *exc):
        if self.idx >= 0:
            set_device(self.prev)
        return False


class device_of(device):
    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else None)


_Properties = collections.namedtuple("_CudaDeviceProperties",
                                     "name major minor total_memory multi_processor_count")


def get_device_properties(device=None):
    p = _cupy().cuda.runtime.getDeviceProperties(_index(device))
    name = p["name"].decode() if isinstance(p["name"], bytes) else p["name"]
    return _Properties(name, p["major"], p["minor"], p["totalGlobalMem"], p["multiProcessorCount"])


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return p.major, p.minor


def is_bf16_supported(including_emulation=True):
    return is_available() and get_device_capability()[0] >= 8


def synchronize(device=None):
    cp = _cupy()
    with cp.cuda.Device(_index(device)):
        cp.cuda.Device().synchronize()


# ----------------------------------------------------------------------------------------------------
# streams and events

class Stream:
    """A CUDA stream (``torch.cuda.Stream``): wraps ``cupy.cuda.Stream``; usable as a context manager."""

    def __init__(self, device=None, priority=0, _cupy_stream=None):
        cp = _load()
        if cp is None:
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        self._s = _cupy_stream if _cupy_stream is not None else cp.cuda.Stream(non_blocking=True,
                                                                                  priority=priority)

    def synchronize(self):
        self._s.synchronize()

    def query(self):
        return self._s.done

    def wait_event(self, event):
        self._s.wait_event(event._e)

    def wait_stream(self, stream):
        ev = Event()
        ev.record(stream)
        self.wait_event(ev)

    def record_event(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    @property
    def cuda_stream(self):
        return self._s.ptr

    def __enter__(self):
        self._s.__enter__()
        return self

    def __exit__(self, *exc):
        self._s.__exit__(*exc)
        return False

    def __eq__(self, other):
        return isinstance(other, Stream) and self._s.ptr == other._s.ptr

    def __hash__(self):
        return hash(self._s.ptr)


class Event:
    """A CUDA event (``torch.cuda.Event``): record, wait, synchronize, query, elapsed_time in ms."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        cp = _load()
        if cp is None:
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self._e = cp.cuda.Event(block=blocking, disable_timing=not enable_timing, interprocess=interprocess)

    def record(self, stream=None):
        self._e.record(stream._s if stream is not None else None)

    def wait(self, stream=None):
        (stream or current_stream()).wait_event(self)

    def query(self):
        return self._e.done

    def synchronize(self):
        self._e.synchronize()

    def elapsed_time(self, end_event):
        return _cupy().cuda.get_elapsed_time(self._e, end_event._e)


def current_stream(device=None):
    return Stream(_cupy_stream=_cupy().cuda.get_current_stream())


def default_stream(device=None):
    return Stream(_cupy_stream=_cupy().cuda.Stream.null)


def set_stream(stream):
    if stream is not None:
        stream._s.use()


@contextlib.contextmanager
def stream(stream):
    """Run the block's kernels on ``stream`` (``torch.cuda.stream``); None is a no-op."""
    if stream is None:
        yield
        return
    with stream:
        yield


# ----------------------------------------------------------------------------------------------------
# memory (CuPy's memory pool is the caching allocator)

def _pool():
    return _cupy().get_default_memory_pool()


def _note_peak(device=None):
    if not is_available():
        return 0
    used = _pool().used_bytes()
    key = _index(device)
    _state["peak"][key] = max(_state["peak"].get(key, 0), used)
    return used


def memory_allocated(device=None):
    """Bytes held by tensors (CuPy pool's used bytes); 0 without a GPU, as torch."""
    return _note_peak(device) if is_available() else 0


def max_memory_allocated(device=None):
    """Peak of memory_allocated since the last reset, as observed at ember's memory queries."""
    if not is_available():
        return 0
    _note_peak(device)
    return _state["peak"].get(_index(device), 0)


def memory_reserved(device=None):
    return _pool().total_bytes() if is_available() else 0


def max_memory_reserved(device=None):
    return memory_reserved(device)


def reset_peak_memory_stats(device=None):
    if is_available():
        _state["peak"][_index(device)] = _pool().used_bytes()


def empty_cache():
    """Release cached, unused blocks (CuPy pool ``free_all_blocks``); a no-op without a GPU."""
    if is_available():
        _pool().free_all_blocks()
        _cupy().get_default_pinned_memory_pool().free_all_blocks()


def mem_get_info(device=None):
    cp = _cupy()
    with cp.cuda.Device(_index(device)):
        return cp.cuda.runtime.memGetInfo()


def memory_stats(device=None):
    if not is_available():
        return collections.OrderedDict()
    return collections.OrderedDict([("allocated_bytes.all.current", memory_allocated(device)),
                                    ("allocated_bytes.all.peak", max_memory_allocated(device)),
                                    ("reserved_bytes.all.current", memory_reserved(device))])


def memory_summary(device=None, abbreviated=False):
    stats = memory_stats(device)
    lines = ["|" + "=" * 60 + "|", "|  ember CUDA memory summary (CuPy memory pool)".ljust(61) + "|"]
    for k, v in stats.items():
        lines.append(f"|  {k:<40} {v / 2 ** 20:>12.2f} MiB |")
    lines.append("|" + "=" * 60 + "|")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------
# random numbers: CuPy's generator per device.  torch's CUDA stream (Philox) is not reproduced:
# a seed gives the same numbers run to run on ember, but not torch's CUDA numbers.

def manual_seed(seed):
    """Seed the current GPU's generator (silently ignored without a GPU, as torch)."""
    _state["seed"] = int(seed)
    if is_available():
        _cupy().random.seed(int(seed) & 0xFFFFFFFF)


def manual_seed_all(seed):
    if is_available():
        for i in range(device_count()):
            with device(i):
                manual_seed(seed)
    else:
        _state["seed"] = int(seed)


def seed():
    import random
    manual_seed(random.getrandbits(63))


def seed_all():
    import random
    manual_seed_all(random.getrandbits(63))


def initial_seed():
    _cupy()
    return _state["seed"] if _state["seed"] is not None else 0


def get_rng_state(device="cuda"):
    raise NotImplementedError("ember: torch.cuda.get_rng_state (CUDA generator state capture) is not implemented; "
                              "CuPy's generator state is not exposed as bytes")


def set_rng_state(new_state, device="cuda"):
    raise NotImplementedError("ember: torch.cuda.set_rng_state is not implemented (see get_rng_state)")


def get_rng_state_all():
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state_all(new_states):
    for s in new_states:
        set_rng_state(s)


from . import amp  # noqa: E402,F401  (torch.cuda.amp)
