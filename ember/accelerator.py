"""``torch.accelerator``: the device-agnostic view of the current accelerator.

Ember's only accelerator is CUDA (through CuPy, ``ember.cuda``).  Without a usable GPU — no ``ember.cuda``,
no CuPy, or no device — this behaves as torch built without an accelerator: ``is_available()`` is False,
``current_accelerator()`` is None, ``device_count()`` is 0, and everything that needs a device raises
``RuntimeError("Cannot access accelerator device when none is available.")``.  With a GPU each call is
forwarded to the matching ``ember.cuda`` function.
"""
import warnings

from ._device import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "current_stream", "device_count",
           "device_index", "empty_cache", "get_memory_info", "is_available", "max_memory_allocated",
           "max_memory_reserved", "memory_allocated", "memory_reserved", "memory_stats",
           "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx", "set_device_index",
           "set_stream", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def _cuda():
    """``ember.cuda`` when it exists and sees at least one GPU, else None."""
    try:
        from . import cuda
        return cuda if cuda.is_available() else None
    except (ImportError, AttributeError, RuntimeError):
        return None


def _require():
    cuda = _cuda()
    if cuda is None:
        raise RuntimeError(_NONE)
    return cuda


def _forward(name, *args):
    fn = getattr(_require(), name, None)
    if fn is None:
        raise NotImplementedError(f"ember.accelerator.{name}: ember.cuda has no {name}()")
    return fn(*args)


def _index(dev, optional):
    """torch's ``_get_device_index``: an int, or the index of a device of the accelerator's type."""
    if isinstance(dev, int):
        return dev
    if isinstance(dev, str):
        dev = _device(dev)
    index = None
    if isinstance(dev, _device):
        acc = current_accelerator()
        if acc is None:
            raise RuntimeError("Accelerator expected")
        if acc.type != dev.type:
            raise ValueError(f"{dev.type} doesn't match the current accelerator {acc}.")
        index = dev.index
    if index is None:
        if not optional:
            raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{dev}")
        return current_device_index()
    return index


def current_accelerator(check_available=False):
    """The accelerator's device type (``device('cuda')``, no index), or None when there is none."""
    return _device("cuda") if _cuda() is not None else None


def is_available():
    return _cuda() is not None


def device_count():
    cuda = _cuda()
    return 0 if cuda is None else cuda.device_count()


def current_device_index():
    return _forward("current_device")


def current_device_idx():
    """Deprecated alias of ``current_device_index``."""
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /):
    idx = _index(device, optional=False)
    _forward("set_device", idx)


def set_device_idx(device, /):
    """Deprecated alias of ``set_device_index``."""
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    set_device_index(device)


def synchronize(device=None, /):
    """Wait for all work on the device (the current one by default) to finish."""
    _forward("synchronize", _index(device, optional=True))


def current_stream(device=None, /):
    return _forward("current_stream", _index(device, optional=True))


def set_stream(stream):
    if stream is None:
        raise TypeError("set_stream(): argument 'stream' must be a Stream, not NoneType")
    _forward("set_stream", stream)


class device_index:
    """``with torch.accelerator.device_index(i):`` — make device ``i`` current inside the block (None: no-op)."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            self.prev_idx = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None and self.prev_idx >= 0:
            set_device_index(self.prev_idx)
        return False


def _memory_call(name):
    def fn(device_index=None, /):
        _require()
        return _forward(name, _index(device_index, optional=True))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.accelerator.{name}``, forwarded to ``ember.cuda.{name}``."
    return fn


memory_stats = _memory_call("memory_stats")
memory_allocated = _memory_call("memory_allocated")
max_memory_allocated = _memory_call("max_memory_allocated")
memory_reserved = _memory_call("memory_reserved")
max_memory_reserved = _memory_call("max_memory_reserved")
reset_peak_memory_stats = _memory_call("reset_peak_memory_stats")
reset_accumulated_memory_stats = _memory_call("reset_accumulated_memory_stats")
get_memory_info = _memory_call("mem_get_info")


def empty_cache():
    _forward("empty_cache")
