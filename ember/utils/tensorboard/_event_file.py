"""An event file written by a background thread (TensorBoard's ``EventFileWriter``).

``add_event`` serialises the proto and hands the bytes to a queue; it never waits for the disk.  A
daemon thread frames each payload as a TFRecord, writes it, and flushes the file every ``max_queue``
records, every ``flush_secs`` seconds, and on ``flush()``/``close()`` (which wait until everything
queued before them is on disk).  Writers still open at interpreter exit are flushed and closed.
"""
import itertools
import os
import queue
import socket
import threading
import time
import weakref

from ._proto import Event, SourceMetadata
from ._record_writer import encode_record

__all__ = ["EventFileWriter"]

_uid = itertools.count()
_uid_lock = threading.Lock()


class _Command:
    """A flush/close request; ``done`` is set once the worker has carried it out."""
    __slots__ = ("close", "done")

    def __init__(self, close):
        self.close = close
        self.done = threading.Event()


class _Worker:
    """The file, its queue and the thread draining it (kept apart from the writer so it can be finalised)."""

    def __init__(self, path, max_queue, flush_secs):
        self.file = open(path, "wb")
        self.queue = queue.SimpleQueue()
        self.max_queue = max(1, int(max_queue))
        self.flush_secs = flush_secs
        self.error = None
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="ember-tensorboard-writer", daemon=True)
        self.thread.start()

    def _run(self):
        pending = 0
        deadline = time.monotonic() + self.flush_secs
        while True:
            try:
                item = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                item = None
            try:
                if isinstance(item, bytes):
                    self.file.write(encode_record(item))
                    pending += 1
                    if pending < self.max_queue:
                        continue
                self.file.flush()
                pending = 0
                deadline = time.monotonic() + self.flush_secs
                if isinstance(item, _Command) and item.close:
                    self.file.close()
            except Exception as e:  # surfaced to the training thread on its next call
                self.error = e
            if isinstance(item, _Command):
                item.done.set()
                if item.close:
                    return

    def request(self, close):
        cmd = _Command(close)
        self.queue.put(cmd)
        cmd.done.wait()
        if close:
            self.thread.join()

    def shutdown(self):
        if not self.closed:
            self.closed = True
            self.request(close=True)


class EventFileWriter:
    """Creates ``events.out.tfevents.<time>.<host>.<pid>.<uid><suffix>`` in ``logdir`` and appends Events to it."""

    def __init__(self, logdir, max_queue_size=10, flush_secs=120, filename_suffix=""):
        self._logdir = str(logdir)
        self._max_queue = max_queue_size
        self._flush_secs = flush_secs
        self._suffix = filename_suffix
        self._worker = None
        self._open()

    def _open(self):
        os.makedirs(self._logdir, exist_ok=True)
        with _uid_lock:
            uid = next(_uid)
        self._file_name = os.path.join(self._logdir, "events.out.tfevents.%010d.%s.%s.%s" % (
            time.time(), socket.gethostname(), os.getpid(), uid)) + self._suffix
        self._worker = _Worker(self._file_name, self._max_queue, self._flush_secs)
        self._finalizer = weakref.finalize(self, self._worker.shutdown)
        self.add_event(Event(wall_time=time.time(), file_version="brain.Event:2",
                             source_metadata=SourceMetadata(writer="ember.utils.tensorboard")))
        self.flush()

    def get_logdir(self):
        return self._logdir

    def _check(self):
        worker = self._worker
        if worker.closed:
            raise OSError("Writer is closed")
        if worker.error is not None:
            err, worker.error = worker.error, None
            raise err

    def add_event(self, event):
        """Queue an ``Event`` proto for writing; returns at once."""
        if not isinstance(event, Event):
            raise TypeError(f"Expected an event_pb2.Event proto,  but got {type(event)}")
        self._check()
        self._worker.queue.put(event.SerializeToString())

    def flush(self):
        """Block until every event added so far is written and flushed to disk."""
        if not self._worker.closed:
            self._worker.request(close=False)
            self._check()

    def close(self):
        """Flush, stop the thread and close the file (a second call does nothing)."""
        if not self._worker.closed:
            self._finalizer.detach()
            self._worker.shutdown()
            if self._worker.error is not None:
                err, self._worker.error = self._worker.error, None
                raise err

    def reopen(self):
        """After ``close()``, continue in a new event file in the same directory; otherwise do nothing."""
        if self._worker.closed:
            self._open()
