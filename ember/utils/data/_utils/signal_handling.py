"""Failing fast when a DataLoader worker dies (``torch.utils.data._utils.signal_handling``).

The main process registers its workers' pids per iterator and installs a SIGCHLD handler (once, from
the main thread, chaining to any previous handler): when a registered worker has exited with a non-zero
code or was killed by a signal, the handler raises ``RuntimeError`` in the main thread at once — also
while it waits for data — with torch's message.  Workers print a Python traceback on fatal signals
(``faulthandler``) before dying from them.
"""
import faulthandler
import os
import signal
import threading

from . import IS_WINDOWS

_SIGCHLD_handler_set = False

_worker_pids = {}  # id(iterator) -> pids of its workers


def _set_worker_pids(key, pids):
    if key in _worker_pids:
        raise RuntimeError("_set_worker_pids should be called only once for each _BaseDataLoaderIter.")
    _worker_pids[key] = set(pids)


def _remove_worker_pids(key):
    if _worker_pids.pop(key, None) is None:
        raise RuntimeError(f"Cannot find worker information for _BaseDataLoaderIter with id {key}")


def _failure_message(pid, exitcode):
    """torch's report of a worker that died with ``exitcode`` (negative: killed by that signal), or None
    for a clean exit."""
    if exitcode > 0:
        return (f"DataLoader worker (pid {pid}) exited unexpectedly with exit code {exitcode}. Details are lost due "
                "to multiprocessing. Rerunning with num_workers=0 may give better error trace.")
    if exitcode < 0:
        msg = f"DataLoader worker (pid {pid}) is killed by signal: {signal.strsignal(-exitcode)}. "
        if -exitcode == signal.SIGBUS:
            msg += ("It is possible that dataloader's workers are out of shared memory. Please try to raise your "
                    "shared memory limit.")
        return msg
    return None


def _error_if_any_worker_fails():
    """Raise RuntimeError if a registered worker has died (looked at without reaping it).  Not at
    interpreter exit, when multiprocessing terminates the remaining (daemonic) workers itself."""
    from . import python_exit_status
    if python_exit_status:
        return
    for pids in _worker_pids.values():
        for pid in pids:
            try:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:  # already reaped
                continue
            if info is None:
                continue
            if info.si_code == os.CLD_EXITED:
                msg = _failure_message(pid, info.si_status)
            elif info.si_code in (os.CLD_KILLED, os.CLD_DUMPED):
                msg = _failure_message(pid, -info.si_status)
            else:
                continue
            if msg is not None:
                pids.clear()  # report once: the other workers are being torn down because of this one
                raise RuntimeError(msg)


def _set_worker_signal_handlers():
    """In a worker: forget the parent's registry and SIGCHLD handler; trace fatal signals."""
    _worker_pids.clear()
    if not IS_WINDOWS:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        faulthandler.enable()
    except (AttributeError, OSError, RuntimeError, ValueError):  # no usable stderr: no traces then
        pass


def _set_SIGCHLD_handler():
    if IS_WINDOWS or threading.current_thread() is not threading.main_thread():
        return
    global _SIGCHLD_handler_set
    if _SIGCHLD_handler_set:
        return
    previous_handler = signal.getsignal(signal.SIGCHLD)
    if not callable(previous_handler):
        previous_handler = None

    def handler(signum, frame):
        _error_if_any_worker_fails()
        if previous_handler is not None:
            previous_handler(signum, frame)

    signal.signal(signal.SIGCHLD, handler)
    _SIGCHLD_handler_set = True
