"""``torch.device`` and the one backend seam: every device names the array module (``xp``) that holds
its tensors — NumPy for ``cpu``, CuPy for ``cuda``.  Ops never branch on the device; they use
``tensor._data``'s own module, which NumPy's ``__array_ufunc__``/``__array_function__`` protocols
route to CuPy for GPU arrays."""
import numpy as np

_TYPES = ("cpu", "cuda", "meta", "mps", "xpu")


class device:
    """``torch.device('cpu')``, ``device('cuda:1')``, ``device('cuda', 1)``; hashable and comparable."""
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            # torch.device(0) means the current accelerator's device 0
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        name = type
        if ":" in name:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed "
                                   f"explicitly: {name}")
            name, _, idx = name.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name not in _TYPES:
            raise RuntimeError(f"Expected one of cpu, cuda, meta, mps, xpu device type at start of device "
                               f"string: {name}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type = name
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index) if self.index is not None else (self.type,))

    def __enter__(self):
        raise NotImplementedError("using torch.device as a context manager (default-device scoping) is not "
                                  "implemented in ember")

    def __exit__(self, *exc):
        return False


CPU = device("cpu")


def as_device(d):
    """Normalise a device argument (str, int, device or None) to a device; None means cpu."""
    if d is None:
        return CPU
    if type(d) is device:
        return d
    if d == "cpu":
        return CPU
    return device(d)


def array_module(dev):
    """The array module for a device: numpy for cpu, cupy for cuda (imported on first use)."""
    if dev.type == "cpu":
        return np
    if dev.type == "cuda":
        from . import cuda
        return cuda._cupy()
    raise RuntimeError(f"ember has no backend for device type '{dev.type}'")


def xp_of(arr):
    """The array module ``arr`` belongs to: numpy for host arrays, cupy for device arrays."""
    return np if type(arr) is np.ndarray else array_module(device_of_array(arr))


def device_of_array(arr):
    """The device an array lives on (cupy arrays carry ``.device.id``)."""
    if type(arr) is np.ndarray:
        return CPU
    dev = getattr(arr, "device", None)
    if dev is not None and hasattr(dev, "id"):
        return device("cuda", dev.id)
    return CPU


def as_array(r, dtype=None):
    """An op's result as an array of its own module: NumPy ufuncs return NumPy scalars for 0-d operands
    (made 0-d arrays here) where CuPy returns 0-d device arrays, which pass through.  ``dtype`` casts,
    without a copy when it already matches."""
    if type(r) is not np.ndarray and (isinstance(r, np.generic) or type(r) in (bool, int, float, complex)):
        r = np.asarray(r)
    return r if dtype is None or r.dtype == dtype else r.astype(dtype)


def accumulate(ufunc, a, axis):
    """``ufunc.accumulate(a, axis=axis)`` for arrays of either module.  CuPy implements ``accumulate`` only for
    add and multiply; for other associative ufuncs (maximum, minimum, logaddexp) device arrays are scanned by
    doubling: log2(n) vectorised steps, each combining every element with the one 2**k before it."""
    if type(a) is np.ndarray:
        return ufunc.accumulate(a, axis=axis)
    xp = xp_of(a)
    r = xp.moveaxis(a, axis, -1).copy()
    k, n = 1, r.shape[-1]
    while k < n:
        r[..., k:] = ufunc(r[..., k:], r[..., :-k])
        k *= 2
    return xp.moveaxis(r, -1, axis)
