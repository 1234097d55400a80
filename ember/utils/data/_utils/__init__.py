"""DataLoader internals (``torch.utils.data._utils``): collate, fetch, worker, pin_memory, signal_handling.

``ExceptionWrapper`` (torch keeps it in ``torch._utils``) carries an exception with its formatted traceback
from a worker to the main process and re-raises it there in torch's format.
"""
import atexit
import sys
import traceback

IS_WINDOWS = sys.platform == "win32"

# seconds between checks that the other side (main process or workers) is still alive
MP_STATUS_CHECK_INTERVAL = 5.0

# set at interpreter exit: shutting workers down then is left to multiprocessing's own exit handler
python_exit_status = False


def _set_python_exit_flag():
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)


class KeyErrorMessage(str):
    """A str whose repr is itself, so a KeyError's multi-line message prints readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """Wraps an exception plus traceback to communicate across threads or processes."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise ``exc_type("Caught <Type> <where>.\\nOriginal Traceback ...")`` (RuntimeError if the type
        cannot be built from one message)."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


from . import collate, fetch, pin_memory, signal_handling, worker  # noqa: E402,F401
