"""Storages (``torch.UntypedStorage`` / ``torch.TypedStorage``).

A tensor's storage is the root buffer of its array: the array that owns the memory all its views
point into.  ``UntypedStorage`` is a byte view of that buffer, so storages of two views of one
tensor have the same ``data_ptr()`` and writes through either are seen by both.
"""
import numpy as np

from . import _dtype as D


def array_ptr(a):
    """Address of an array's first element (NumPy or CuPy)."""
    if type(a) is np.ndarray:
        return a.__array_interface__["data"][0]
    return a.data.ptr


def root_array(a):
    """The array that owns the memory ``a`` views (NumPy collapses base chains to the owner; views made
    by ``as_strided`` hang off an interface holder whose ``.base`` is the array they view)."""
    if type(a) is not np.ndarray:
        return _device_root(a)
    base = a.base
    while base is not None:
        if type(base) is not type(a):
            base = getattr(base, "base", None)
            if type(base) is not type(a):
                break
        a = base
        base = a.base
    return a


def _device_root(a):
    """A device array's root: its base when that starts the allocation, else a byte array over the whole
    allocation (CuPy arrays built on a memory pointer — ``as_strided``, strided views — have no base)."""
    mem = a.data.mem
    root = a if a.base is None else a.base
    if root.data.ptr == mem.ptr:
        return root
    xp = _xp_of(a)
    return xp.ndarray((mem.size,), np.uint8, xp.cuda.MemoryPointer(mem, 0))


def _xp_of(a):
    from ._device import xp_of
    return xp_of(a)


def _on_device(host, device):
    """Host bytes ``host`` moved to ``device`` (unchanged for the CPU)."""
    from ._device import array_module, as_device
    xp = array_module(as_device(device))
    return host if xp is np else xp.asarray(host)


def contiguous_strides(shape):
    """torch's contiguous strides (in elements) for ``shape``: size-0 dims count as 1."""
    st = [1] * len(shape)
    acc = 1
    for i in range(len(shape) - 1, -1, -1):
        st[i] = acc
        acc *= max(shape[i], 1)
    return tuple(st)


def torch_strides(a):
    """The strides torch reports for array ``a``, in elements.

    NumPy zeroes the strides of a freshly allocated empty array, where torch allocates contiguous ones;
    views (arrays with a base) keep the strides they were built with, as torch's do."""
    if a.size or a.base is not None:
        item = a.itemsize
        return tuple(s // item for s in a.strides)
    return contiguous_strides(a.shape)


def root_and_offset(a):
    """(root array, byte offset of ``a``'s first element within it)."""
    root = root_array(a)
    if root is a:
        return a, 0
    return root, array_ptr(a) - array_ptr(root)


def writeable(a):
    """Whether ``a`` may be written through: NumPy marks expanded/broadcast views read-only; CuPy has no such
    flag, so a device array is writeable unless a dimension of size > 1 has stride 0 (an expanded view,
    whose elements share memory)."""
    if type(a) is np.ndarray:
        return a.flags.writeable
    return all(st or n <= 1 for n, st in zip(a.shape, a.strides))


class UntypedStorage:
    """Bytes backing one or more tensors. ``UntypedStorage(n)`` allocates ``n`` uninitialised bytes."""
    __slots__ = ("_bytes", "__weakref__")

    def __init__(self, size=0, *, device=None):
        if isinstance(size, (list, tuple, bytes, bytearray)):
            b = np.frombuffer(bytes(bytearray(size)), np.uint8).copy()
        else:
            b = np.empty(int(size), np.uint8)
        self._bytes = b if device is None else _on_device(b, device)

    @classmethod
    def _of_array(cls, a):
        root = root_array(a)
        s = object.__new__(cls)
        if root.flags.c_contiguous:
            s._bytes = root.reshape(-1).view(np.uint8)
        else:
            s._bytes = _flat_bytes(root)
        return s

    def data_ptr(self):
        # torch allocates nothing for zero bytes: the pointer is null
        return array_ptr(self._bytes) if self._bytes.size else 0

    def nbytes(self):
        return self._bytes.size

    def size(self):
        return self._bytes.size

    def __len__(self):
        return self._bytes.size

    def element_size(self):
        return 1

    @property
    def device(self):
        from ._device import device_of_array
        return device_of_array(self._bytes)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def __getitem__(self, i):
        return int(self._bytes[i]) if isinstance(i, int) else UntypedStorage._from_bytes(self._bytes[i])

    def __setitem__(self, i, v):
        self._bytes[i] = v

    @classmethod
    def _from_bytes(cls, b):
        s = object.__new__(cls)
        s._bytes = b
        return s

    def tolist(self):
        return self._bytes.tolist()

    def fill_(self, value):
        self._bytes[...] = value
        return self

    def copy_(self, other, non_blocking=False):
        src = other._bytes
        if type(src) is not type(self._bytes):
            src = src.get() if type(src) is not np.ndarray else _xp_of(self._bytes).asarray(src)
        self._bytes[...] = src
        return self

    def clone(self):
        return UntypedStorage._from_bytes(self._bytes.copy())

    def cpu(self):
        b = self._bytes
        return self if type(b) is np.ndarray else UntypedStorage._from_bytes(b.get())

    def is_shared(self):
        return False

    def share_memory_(self):
        from .multiprocessing.reductions import share_storage_
        share_storage_(self)
        return self

    def resize_(self, n):
        if n == self._bytes.size:
            return self
        raise NotImplementedError("ember: UntypedStorage.resize_ to a different size is not implemented "
                                  "(NumPy buffers cannot grow in place)")

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self._bytes[:1000].tolist())
        return f"{body}\n[torch.storage.UntypedStorage(device={self.device}) of size {self._bytes.size}]"

    def __eq__(self, other):
        return self is other


class TypedStorage:
    """A dtype'd view of an untyped storage (``torch.TypedStorage``; torch deprecates it, still supported)."""
    __slots__ = ("_untyped", "dtype")

    def __init__(self, *args, dtype=None, device=None, wrap_storage=None):
        self.dtype = dtype or D.get_default_dtype()
        if wrap_storage is not None:
            self._untyped = wrap_storage
        elif args and isinstance(args[0], (list, tuple)):
            arr = np.asarray(args[0], dtype=self.dtype.np)
            b = arr.view(np.uint8)
            self._untyped = UntypedStorage._from_bytes(b if device is None else _on_device(b, device))
        else:
            n = args[0] if args else 0
            self._untyped = UntypedStorage(n * self.dtype.itemsize, device=device)

    @classmethod
    def _of_tensor(cls, t):
        s = object.__new__(cls)
        s._untyped = t.untyped_storage()
        s.dtype = t.dtype
        return s

    def untyped(self):
        return self._untyped

    def _array(self):
        return self._untyped._bytes.view(self.dtype.np)

    def size(self):
        return self._untyped.nbytes() // self.dtype.itemsize

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._untyped.nbytes()

    def data_ptr(self):
        return self._untyped.data_ptr()

    @property
    def device(self):
        return self._untyped.device

    def __getitem__(self, i):
        v = self._array()[i]
        return v.item() if isinstance(i, int) else v.tolist()

    def __setitem__(self, i, v):
        self._array()[i] = v

    def tolist(self):
        a = self._array()
        return (a.astype(np.float32) if self.dtype is D.bfloat16 else a).tolist()

    def __repr__(self):
        vals = "\n".join(f" {v}" for v in self.tolist()[:1000])
        return f"{vals}\n[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size {self.size()}]"


def _flat_bytes(root):
    """The bytes spanned by an owning array that is not C-contiguous (e.g. an F-ordered result)."""
    span = sum(st * (n - 1) for st, n in zip(root.strides, root.shape)) // root.itemsize + 1 if root.size else 0
    flat = _xp_of(root).lib.stride_tricks.as_strided(root, shape=(span,), strides=(root.itemsize,))
    return flat.view(np.uint8)
