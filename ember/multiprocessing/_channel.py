"""A two-way message channel between two processes whose shared tensors' descriptors travel inline.

``Channel.pair()`` wraps a Unix ``socketpair``.  ``send(obj)`` pickles with ForkingPickler
(``reductions.dumps_with_fds``) and writes a header, the pickle and — as ``SCM_RIGHTS`` ancillary data
on the same write — the descriptors of the 'file_descriptor' segments the object refers to.  Going through
``multiprocessing.reduction.DupFd`` instead would cost a connection to the sender's resource-sharer
thread per tensor; the DataLoader's workers use this channel to hand batches to the main process.
A closed peer (a worker that died) shows as ``EOFError`` from ``recv``.  ``pool`` (set by the DataLoader:
``reductions._Registry`` in the main process, the worker's ``_Arena``) recycles the segments exchanged;
its notes ride in each message's envelope.
"""
import array
import os
import socket
import struct

from . import reductions

_HEADER = struct.Struct("<QI")  # pickle length, descriptor count
_MAX_FDS = 253  # SCM_MAX_FD: descriptors per sendmsg on Linux


class Channel:
    __slots__ = ("_sock", "pool")

    def __init__(self, sock):
        self._sock = sock
        self.pool = None

    @classmethod
    def pair(cls):
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        return cls(a), cls(b)

    def __reduce__(self):
        return Channel, (self._sock,)  # ForkingPickler passes the socket's descriptor to a spawned child

    def fileno(self):
        return self._sock.fileno()

    def close(self):
        self._sock.close()

    def poll(self, timeout=0.0):
        from multiprocessing.connection import wait
        return bool(wait([self], timeout))

    def send(self, obj):
        pool = self.pool
        data, fds = reductions.dumps_with_fds((pool.take_notes() if pool is not None else (), obj), pool)
        sock = self._sock
        header = _HEADER.pack(len(data), len(fds))
        if len(fds) <= _MAX_FDS:
            sent = sock.sendmsg([header, data], _ancillary(fds))
        else:  # the header carries the first descriptors, one extra byte each further batch
            sent = sock.sendmsg([header], _ancillary(fds[:_MAX_FDS]))
            if sent < len(header):
                sock.sendall(header[sent:])
            for i in range(_MAX_FDS, len(fds), _MAX_FDS):
                sock.sendmsg([b"\0"], _ancillary(fds[i:i + _MAX_FDS]))
            sent = len(header)
        if sent < len(header):
            sock.sendall(header[sent:])
            sent = len(header)
        if sent < len(header) + len(data):
            sock.sendall(data[sent - len(header):])

    def recv(self):
        sock = self._sock
        fds = array.array("i")
        space = socket.CMSG_SPACE(_MAX_FDS * fds.itemsize)
        try:
            header, anc, _, _ = sock.recvmsg(_HEADER.size, space)
            _collect(anc, fds)
            if not header:
                raise EOFError
            if len(header) < _HEADER.size:
                header += _recv_exact(sock, _HEADER.size - len(header))
            size, nfds = _HEADER.unpack(header)
            while len(fds) < nfds:
                extra, anc, _, _ = sock.recvmsg(1, space)
                if not extra:
                    raise EOFError
                _collect(anc, fds)
            data = _recv_exact(sock, size)
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        notes, obj = reductions.loads_with_fds(data, fds.tolist(), self.pool)
        if notes:
            self.pool.apply(notes)
        return obj


def _ancillary(fds):
    return [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []


def _collect(anc, fds):
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])


def _recv_exact(sock, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            raise EOFError
        got += k
    return buf
