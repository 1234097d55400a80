"""Tensors that cross process boundaries through shared memory (``torch.multiprocessing.reductions``).

A shared tensor's array views a :class:`Segment`: an ``mmap`` of a shared-memory file.  Pickling an ember
tensor, storage or segment with ``multiprocessing``'s ``ForkingPickler`` (every ``Queue``, ``Pipe``,
``Pool`` and ``Process`` argument does) sends a handle to the segment, never the bytes: the receiver maps
the same pages, so a write in one process is seen by the other.  A tensor that is not shared yet is moved
to shared memory first, in place, as ``torch`` does (``Tensor.share_memory_``).

Two sharing strategies, as in torch (``ember.multiprocessing.set_sharing_strategy``):

* ``'file_descriptor'`` (the default on Linux): the file is anonymous (``memfd_create``; else a
  ``/dev/shm`` file unlinked at once), so it never has a name that could leak; the file descriptor is
  sent (``multiprocessing.reduction.DupFd``, or inline with the message on the DataLoader's channels).
  Each shared segment keeps its descriptor open (plus the one ``mmap`` keeps), so a process holding many
  shared tensors may need a higher ``ulimit -n`` — the trade-off torch documents for this strategy.
* ``'file_system'``: a named file ``/dev/shm/ember_*``; the name is sent.  A reference count in the last
  8 bytes of the file (updated under ``flock``) counts live holders and messages in flight; the last
  holder to let go unlinks the file.  Names are registered with ``multiprocessing``'s resource tracker,
  which removes them if every process died without doing so (torch's ``torch_shm_manager`` role).

The memory is freed when the last mapping and descriptor are gone, i.e. when the last tensor viewing it
in any process is garbage collected.  On a DataLoader channel both ends keep their mappings of a batch's
segments for reuse by later batches (``_Arena`` / ``_Registry``): mapping fresh memory costs page faults
per batch, reuse costs none.  Like torch, a sender must keep a tensor alive until the receiver
has unpickled it (``file_descriptor`` fetches the descriptor from the sending process).

Ember differs from torch in one respect: a NumPy array cannot be re-pointed at new memory, so
``share_memory_()`` (and sending a not-yet-shared tensor) rebinds *that tensor and its base* to the
shared copy; other view objects created earlier keep the old, private memory.  Views taken afterwards
share.  CUDA tensors are not sent (no CUDA IPC yet) and ``share_memory_`` is a no-op for them, as in torch.
"""
import _posixshmem
import collections
import fcntl
import io
import mmap
import os
import pickle
import struct
import sys
import threading
import weakref
from multiprocessing import reduction, resource_tracker

import numpy as np

from .. import _dtype as D
from .._storage import TypedStorage, UntypedStorage, array_ptr, root_array
from .._tensor import Tensor, _wrap

__all__ = ["reduce_tensor", "rebuild_tensor", "reduce_storage", "rebuild_storage", "reduce_typed_storage",
           "rebuild_typed_storage", "share_storage_", "init_reductions"]

_strategy = ["file_system" if sys.platform in ("darwin", "win32") else "file_descriptor"]
_COUNT = struct.Struct("<q")  # the reference count after a 'file_system' segment's data


class Segment(mmap.mmap):
    """One shared-memory mapping.  Tensors view it through ``np.frombuffer(segment)``; it is unmapped once
    no array uses it.  ``fd``: the descriptor kept to send it ('file_descriptor'), else -1; ``name``:
    the /dev/shm name ('file_system'), else None; ``pid``: the process that owns the reference (a forked
    child inherits the object but not the reference).  ``tag``, ``pool``, ``users``, ``peer_busy``,
    ``sent``: its state in a DataLoader channel's recycling pool (see ``_Pool``)."""
    __slots__ = ("fd", "name", "nbytes", "pid", "tag", "pool", "users", "peer_busy", "sent")

    def __del__(self):
        if self.fd >= 0:
            os.close(self.fd)
        if self.name is not None and self.pid == os.getpid():
            _add_ref(self, -1)


# segments mapped in this process, by file identity: receiving one twice maps it once (torch's shared_cache)
_cache = weakref.WeakValueDictionary()
_local = threading.local()
_counter = [0]
_arena = [None]  # in a DataLoader worker: the _Arena that new segments come from


def _anonymous_fd():
    if hasattr(os, "memfd_create"):
        return os.memfd_create("ember", os.MFD_CLOEXEC)
    name = _fresh_name()
    fd = _posixshmem.shm_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    _posixshmem.shm_unlink(name)
    return fd


def _fresh_name():
    _counter[0] += 1
    return f"/ember_{os.getpid()}_{_counter[0]}_{os.urandom(4).hex()}"


def _map(fd, nbytes, length, name):
    seg = Segment(fd, length)
    seg.fd = -1
    seg.name = name
    seg.nbytes = nbytes
    seg.pid = os.getpid()
    seg.tag = 0
    seg.pool = None
    seg.users = 0
    seg.peer_busy = False
    seg.sent = False
    return seg


def new_segment(nbytes):
    """A shared segment of ``nbytes`` bytes (contents undefined), made with the current strategy; in a
    DataLoader worker, a recycled one when one of that size is free."""
    arena = _arena[0]
    if arena is not None and arena.pid == os.getpid() and _strategy[0] == "file_descriptor":
        return arena.take(nbytes)
    return _fresh_segment(nbytes)


def _fresh_segment(nbytes):
    if _strategy[0] == "file_system":
        name = _fresh_name()
        fd = _posixshmem.shm_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        try:
            os.ftruncate(fd, nbytes + _COUNT.size)
            seg = _map(fd, nbytes, nbytes + _COUNT.size, name)
        finally:
            os.close(fd)
        _COUNT.pack_into(seg, nbytes, 1)
        resource_tracker.register(name, "shared_memory")
        _cache[name] = seg
        return seg
    fd = _anonymous_fd()
    try:
        os.ftruncate(fd, max(nbytes, 1))
        seg = _map(fd, nbytes, max(nbytes, 1), None)
    except BaseException:
        os.close(fd)
        raise
    seg.fd = fd
    _cache[_fd_key(fd)] = seg
    return seg


def _fd_key(fd):
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _add_ref(seg, delta):
    """Add ``delta`` to a 'file_system' segment's count under an exclusive lock; unlink it at zero."""
    try:
        fd = _posixshmem.shm_open(seg.name, os.O_RDWR, 0o600)
    except FileNotFoundError:  # already unlinked (e.g. by the resource tracker after a crash)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        n = _COUNT.unpack_from(seg, seg.nbytes)[0] + delta
        _COUNT.pack_into(seg, seg.nbytes, n)
        if n <= 0:
            _posixshmem.shm_unlink(seg.name)
            resource_tracker.unregister(seg.name, "shared_memory")
    finally:
        os.close(fd)


def segment_of(a):
    """The :class:`Segment` a NumPy array views, or None when its memory is private."""
    base = root_array(a).base
    if type(base) is memoryview and type(base.obj) is Segment:
        return base.obj
    return None


def _root(seg):
    """A uint8 array over the whole segment: the root (storage) of the tensors built on it."""
    root = np.frombuffer(seg, np.uint8, count=seg.nbytes)
    if seg.pool is not None:
        seg.pool.track(seg, root)
    return root


class _Pool:
    """Segment recycling over one DataLoader channel.  The worker (``_Arena``) allocates segments and tags
    them; the main process (``_Registry``) maps each tagged segment once and keeps it.  ``users`` counts the
    live root arrays over a segment on this side; when it drops to zero the side is done with it:
    the main process tells the worker (a release note), and the worker reuses a segment only when both
    sides are done.  ``notes`` are tags for the other side, sent with the next message on the channel.

    Roots die in weakref callbacks, which may run at any point (a garbage collection) or in another
    thread: they only append the tag to ``_dead``, a deque, which ``_settle`` applies at known points.
    """

    def __init__(self):
        self.segments = {}  # tag -> Segment, kept mapped
        self.notes = collections.deque()
        self.pid = os.getpid()
        self._dead = collections.deque()
        self._refs = {}  # id -> weakref to a tracked root (a weakref must outlive its callback)

    def track(self, seg, root):
        seg.users += 1
        tag, dead, refs = seg.tag, self._dead, self._refs

        def died(ref):
            refs.pop(id(ref), None)
            dead.append(tag)
        ref = weakref.ref(root, died)
        refs[id(ref)] = ref

    def _settle(self):
        dead = self._dead
        while dead:
            seg = self.segments.get(dead.popleft())
            if seg is not None:
                seg.users -= 1
                if seg.users == 0:
                    self._idle(seg)

    def take_notes(self):
        self._settle()
        notes = self.notes
        return [notes.popleft() for _ in range(len(notes))]

    def clear(self):
        """Forget everything (the channel is closed): our idle mappings go now, not at a later GC."""
        for seg in list(self.segments.values()):
            seg.pool = None
        self.segments.clear()
        self._refs.clear()
        self._dead.clear()
        self.notes.clear()

    def _leave(self, seg):
        """Stop recycling ``seg`` (it lives on while arrays view it)."""
        self.segments.pop(seg.tag, None)
        seg.pool = None


class _Arena(_Pool):
    """The worker's side: hands out free segments of the right size, else fresh tagged ones; keeps at
    most ``capacity`` free ones (evicting the oldest, and telling the main process to drop it too)."""
    capacity = 16

    def __init__(self):
        super().__init__()
        self.free = []
        self.last_tag = 0

    def take(self, nbytes):
        self._settle()
        for i, seg in enumerate(self.free):
            if seg.nbytes == nbytes:
                del self.free[i]
                return seg
        seg = _fresh_segment(nbytes)
        self.last_tag += 1
        seg.tag = self.last_tag
        seg.pool = self
        self.segments[seg.tag] = seg
        return seg

    def _idle(self, seg):
        if not seg.peer_busy:
            self._release(seg)

    def _release(self, seg):
        self.free.append(seg)
        if len(self.free) > self.capacity:
            self.evict(self.free.pop(0))

    def evict(self, seg):
        self._leave(seg)
        if seg.sent:
            self.notes.append(seg.tag)  # the main process drops its mapping

    def mark_sent(self, seg):
        """Record that ``seg`` goes to the main process; False if it already has it mapped."""
        first = not seg.sent
        seg.sent = seg.peer_busy = True
        return first

    def apply(self, notes):
        """Notes from the main process: ``tag`` released (reusable once idle here), ``-tag`` sent on
        elsewhere (never reuse)."""
        self._settle()
        for tag in notes:
            seg = self.segments.get(abs(tag))
            if seg is None:
                continue
            if tag < 0:
                self._leave(seg)
            else:
                seg.peer_busy = False
                if seg.users == 0:
                    self._release(seg)


class _Registry(_Pool):
    """The main process's side: the worker's segments by tag, each mapped once."""

    def register(self, seg, tag):
        seg.tag = tag
        seg.pool = self
        self.segments[tag] = seg

    def _idle(self, seg):
        self.notes.append(seg.tag)  # no array of ours views it: the worker may reuse it

    def apply(self, notes):
        """Notes from the worker: these tags were evicted; drop our mapping (once no array views it)."""
        for tag in notes:
            seg = self.segments.get(tag)
            if seg is not None:
                self._leave(seg)

    def evict(self, seg):
        self._leave(seg)
        self.notes.append(-seg.tag)


def install_arena():
    """Make this (worker) process allocate shared segments from a recycling ``_Arena``; return it."""
    _arena[0] = _Arena()
    return _arena[0]


def empty_shared(shape, dtype):
    """An uninitialised C-contiguous NumPy array of ``shape`` / ``dtype`` in fresh shared memory."""
    dtype = np.dtype(dtype)
    n = dtype.itemsize
    for s in shape:
        n *= s
    return np.ndarray(shape, dtype, buffer=_root(new_segment(n)))


def _moved(arrays):
    """``arrays`` (all viewing one private root) re-made over a shared copy of that root's bytes."""
    first = arrays[0]
    src = UntypedStorage._of_array(first)._bytes
    root = _root(new_segment(src.size))
    root[...] = src
    start = array_ptr(src)
    return [np.ndarray(a.shape, a.dtype, buffer=root, offset=array_ptr(a) - start, strides=a.strides)
            for a in arrays]


def _share_tensor_(self):
    """``Tensor.share_memory_()``: move the storage to shared memory (no-op if already shared, or on CUDA).

    The tensor and its base (when it is a view) are rebound to the shared copy; see the module notes.
    """
    a = self._data
    if type(a) is not np.ndarray or segment_of(a) is not None:
        return self
    base = self._base
    if base is not None and type(base._data) is np.ndarray and root_array(base._data) is root_array(a):
        self._data, base._data = _moved([a, base._data])
    else:
        self._data, = _moved([a])
    return self


def _tensor_is_shared(self):
    """``Tensor.is_shared()``: True when the storage is in shared memory (always True for CUDA, as torch)."""
    a = self._data
    return type(a) is not np.ndarray or segment_of(a) is not None


def share_storage_(storage):
    """``UntypedStorage.share_memory_()``: rebind the storage's bytes to a shared copy (no-op if shared)."""
    b = storage._bytes
    if type(b) is np.ndarray and segment_of(b) is None:
        storage._bytes, = _moved([b])
    return storage


def _storage_is_shared(self):
    b = self._bytes
    return type(b) is not np.ndarray or segment_of(b) is not None


# ------------------------------------------------------------------ pickling
def reduce_segment(seg):
    if seg.name is not None:
        _add_ref(seg, 1)  # the message's reference; the receiver takes it over
        return rebuild_segment_filename, (seg.name, seg.nbytes)
    sink = getattr(_local, "fd_sink", None)
    pool = seg.pool
    if pool is not None and pool.pid == os.getpid():
        if sink is not None and pool is _local.pool and type(pool) is _Arena:
            if not pool.mark_sent(seg):
                return rebuild_known_segment, (seg.tag,)
            sink.append(seg.fd)
            return rebuild_segment_fd, (_InlineFd(len(sink) - 1), seg.nbytes, seg.tag)
        pool.evict(seg)  # it leaves the channel: nobody may recycle it any more
    if sink is not None:
        sink.append(seg.fd)
        return rebuild_segment_fd, (_InlineFd(len(sink) - 1), seg.nbytes)
    return rebuild_segment_fd, (reduction.DupFd(seg.fd), seg.nbytes)


def rebuild_known_segment(tag):
    return _local.pool.segments[tag]


def rebuild_segment_fd(df, nbytes, tag=0):
    fd = df.detach()
    if tag:  # a recycled worker segment, seen for the first time: map it once, for good
        try:
            seg = _map(fd, nbytes, max(nbytes, 1), None)
        except BaseException:
            os.close(fd)
            raise
        seg.fd = fd
        _local.pool.register(seg, tag)
        return seg
    key = _fd_key(fd)
    seg = _cache.get(key)
    if seg is not None:
        os.close(fd)
        return seg
    try:
        seg = _map(fd, nbytes, max(nbytes, 1), None)
    except BaseException:
        os.close(fd)
        raise
    seg.fd = fd
    _cache[key] = seg
    return seg


def rebuild_segment_filename(name, nbytes):
    seg = _cache.get(name)
    if seg is not None:
        _add_ref(seg, -1)  # this process already holds a reference; drop the message's
        return seg
    fd = _posixshmem.shm_open(name, os.O_RDWR, 0o600)
    try:
        seg = _map(fd, nbytes, nbytes + _COUNT.size, name)
    finally:
        os.close(fd)
    _cache[name] = seg
    return seg


class _InlineFd:
    """Stands for a descriptor that travels beside the pickle (``dumps_with_fds`` / ``loads_with_fds``)."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __reduce__(self):
        return _InlineFd, (self.index,)

    def detach(self):
        fds = _local.fd_source
        fd = fds[self.index]
        fds[self.index] = -1
        return fd


def dumps_with_fds(obj, pool=None):
    """Pickle ``obj`` with ForkingPickler, collecting the descriptors of its shared segments instead of
    registering them with the resource sharer: returns (bytes, fds); send the fds with the bytes.
    ``pool``: the sending end's recycling pool (segments it already shared go by tag)."""
    sink = []
    prev = getattr(_local, "fd_sink", None), getattr(_local, "pool", None)
    _local.fd_sink, _local.pool = sink, pool
    try:
        buf = io.BytesIO()
        reduction.ForkingPickler(buf, pickle.HIGHEST_PROTOCOL).dump(obj)
    finally:
        _local.fd_sink, _local.pool = prev
    return buf.getbuffer(), sink


def loads_with_fds(data, fds, pool=None):
    """Unpickle what ``dumps_with_fds`` made, given the received descriptors (those unused are closed)."""
    prev = getattr(_local, "fd_source", None), getattr(_local, "pool", None)
    _local.fd_source, _local.pool = fds, pool
    try:
        return pickle.loads(data)
    finally:
        _local.fd_source, _local.pool = prev
        for fd in fds:
            if fd >= 0:
                os.close(fd)


def _parameter_class():
    from ..nn.parameter import Parameter
    return Parameter


def reduce_tensor(tensor):
    if tensor._requires_grad and tensor._grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does "
                           "not support crossing process boundaries.  If you just want to transfer the data, call "
                           "detach() on the tensor before serializing (e.g., putting it on the queue).")
    if type(tensor._data) is not np.ndarray:
        raise NotImplementedError("ember: sending CUDA tensors between processes (CUDA IPC) is not implemented; "
                                  "send tensor.cpu() instead")
    _share_tensor_(tensor)
    a = tensor._data
    root = root_array(a)
    # classes print as torch's, so they cannot be pickled by reference: flag a Parameter instead
    parameter = type(tensor) is not Tensor and type(tensor) is _parameter_class()
    return rebuild_tensor, (parameter, segment_of(a), a.dtype, a.shape, a.strides, array_ptr(a) - array_ptr(root),
                            tensor._requires_grad)


def rebuild_tensor(parameter, segment, dtype, shape, strides, offset, requires_grad):
    """A tensor over ``segment`` (a Parameter when ``parameter``); other Tensor subclasses arrive as
    plain tensors, as in torch."""
    t = _wrap(np.ndarray(shape, dtype, buffer=_root(segment), offset=offset, strides=strides))
    if parameter:
        return _parameter_class()(t, requires_grad=requires_grad)
    t._requires_grad = requires_grad
    return t


def reduce_storage(storage):
    if type(storage._bytes) is not np.ndarray:
        raise RuntimeError("Cannot pickle CUDA storage; try pickling a CUDA tensor instead")
    share_storage_(storage)
    b = storage._bytes
    return rebuild_storage, (segment_of(b), array_ptr(b) - array_ptr(root_array(b)), b.size)


def rebuild_storage(segment, offset, nbytes):
    return UntypedStorage._from_bytes(_root(segment)[offset:offset + nbytes])


def reduce_typed_storage(storage):
    return rebuild_typed_storage, (storage._untyped, storage.dtype.np)


def rebuild_typed_storage(untyped, np_dtype):
    return TypedStorage(wrap_storage=untyped, dtype=D._FROM_NP[np.dtype(np_dtype)])


def _typed_share_memory_(self):
    share_storage_(self._untyped)
    return self


def _typed_is_shared(self):
    return self._untyped.is_shared()


def init_reductions():
    """Register the reducers with ForkingPickler and bind the sharing methods (torch's ``init_reductions``)."""
    reduction.register(Segment, reduce_segment)
    reduction.register(Tensor, reduce_tensor)
    reduction.register(UntypedStorage, reduce_storage)
    reduction.register(TypedStorage, reduce_typed_storage)
    try:
        reduction.register(_parameter_class(), reduce_tensor)
    except ImportError:  # ember.nn not importable: Parameters then pickle like other Tensor subclasses
        pass
    Tensor.share_memory_ = _share_tensor_
    Tensor.is_shared = _tensor_is_shared
    UntypedStorage.is_shared = _storage_is_shared
    TypedStorage.share_memory_ = _typed_share_memory_
    TypedStorage.is_shared = _typed_is_shared
