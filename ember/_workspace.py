"""Scratch buffers reused across calls, one set per thread (torch's CPU kernels keep workspaces the same way).

Convolution's im2col columns and padded copies are many times the size of its input and are dead as soon
as the GEMM has read them. Allocating them afresh on every call costs a page fault per 4 KiB (the
allocator hands large blocks back to the OS on free), which at ResNet sizes is as much time as the copy
itself. A scratch buffer is valid until the next request for the same slot on the same thread: callers
must never let it (or a view of it) escape. CuPy arrays come from CuPy's own memory pool instead.
"""
import threading

import numpy as np

_local = threading.local()


def scratch(slot, shape, dtype, xp=np):
    """An uninitialised array of ``shape``/``dtype`` backed by this thread's buffer for ``slot``."""
    if xp is not np:
        return xp.empty(shape, dtype)
    dtype = np.dtype(dtype)
    count = 1
    for s in shape:
        count *= s
    nbytes = count * dtype.itemsize
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(max(nbytes, 64), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def release():
    """Drop this thread's scratch buffers (they are re-created on the next request)."""
    _local.buffers = {}
