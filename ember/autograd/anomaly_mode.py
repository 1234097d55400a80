"""``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``.

While enabled, every node remembers the traceback of the forward call that made it, and the engine
checks each backward output for NaN; the error names the node and the warning shows that traceback."""
import threading


class _AnomalyState(threading.local):
    enabled = False
    check_nan = True


anomaly_state = _AnomalyState()


def is_anomaly_enabled():
    return anomaly_state.enabled


def is_anomaly_check_nan_enabled():
    return anomaly_state.check_nan


class detect_anomaly:
    """Context manager / decorator enabling anomaly detection for the autograd engine."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = (False, True)

    def __enter__(self):
        self.prev = (anomaly_state.enabled, anomaly_state.check_nan)
        anomaly_state.enabled, anomaly_state.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        anomaly_state.enabled, anomaly_state.check_nan = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Sets anomaly detection on or off; as a context manager restores the previous setting."""

    def __init__(self, mode, check_nan=True):
        self.prev = (anomaly_state.enabled, anomaly_state.check_nan)
        anomaly_state.enabled, anomaly_state.check_nan = mode, check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        anomaly_state.enabled, anomaly_state.check_nan = self.prev
