"""``torch.nn.parallel.parallel_apply``: run module replicas concurrently, one thread per device.

Each worker thread makes its device current (CuPy's device context is per thread) and inherits the
caller's grad mode and CUDA autocast state, as torch's workers do; an exception in a replica is re-raised
in the caller with the replica's traceback.
"""
import threading

from ..._tensor import Tensor
from . import _utils

__all__ = ["get_a_var", "parallel_apply"]


def get_a_var(obj):
    """The first tensor found in ``obj`` (a tensor, or nested lists/tuples/dicts), else None."""
    if isinstance(obj, Tensor):
        return obj
    if isinstance(obj, (list, tuple)):
        for result in map(get_a_var, obj):
            if isinstance(result, Tensor):
                return result
    if isinstance(obj, dict):
        for result in map(get_a_var, obj.items()):
            if isinstance(result, Tensor):
                return result
    return None


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    """``[modules[i](*inputs[i], **kwargs_tup[i]) for i]``, each on ``devices[i]``, in parallel threads."""
    from ...amp.autocast_mode import autocast, is_autocast_enabled
    from ...autograd.grad_mode import is_grad_enabled, set_grad_enabled
    from ...utils.data._utils import ExceptionWrapper
    if len(modules) != len(inputs):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of inputs "
                             f"{len(inputs)}")
    if kwargs_tup is not None:
        if len(modules) != len(kwargs_tup):
            raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of kwargs_tup "
                                 f"{len(kwargs_tup)}")
    else:
        kwargs_tup = ({},) * len(modules)
    if devices is not None:
        if len(modules) != len(devices):
            raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of devices "
                                 f"{len(devices)}")
    else:
        devices = [None] * len(modules)
    devices = [_utils._get_device_index(x, True) for x in devices]
    device_type = _utils._get_available_device_type()
    if device_type is None:
        raise RuntimeError("Cannot access accelerator device when none is available.")
    lock = threading.Lock()
    results = {}
    grad_enabled, autocast_enabled = is_grad_enabled(), is_autocast_enabled(device_type)

    def _worker(i, module, input, kwargs, device=None):
        set_grad_enabled(grad_enabled)
        if device is None:
            t = get_a_var(input)
            if t is None:
                try:
                    raise RuntimeError("no device was provided and no tensor input was found; device cannot be "
                                       "resolved")
                except RuntimeError:
                    with lock:
                        results[i] = ExceptionWrapper(where=f"in replica {i}")
                return
            device = t.get_device()
        try:
            with _utils._device_guard(device), autocast(device_type, enabled=autocast_enabled):
                if not isinstance(input, (list, tuple)):
                    input = (input,)
                output = module(*input, **kwargs)
            with lock:
                results[i] = output
        except Exception:
            with lock:
                results[i] = ExceptionWrapper(where=f"in replica {i} on device {device}")

    if len(modules) > 1:
        threads = [threading.Thread(target=_worker, args=(i, module, input, kwargs, device))
                   for i, (module, input, kwargs, device) in enumerate(zip(modules, inputs, kwargs_tup, devices))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        _worker(0, modules[0], inputs[0], kwargs_tup[0], devices[0])

    outputs = []
    for i in range(len(inputs)):
        output = results[i]
        if isinstance(output, ExceptionWrapper):
            output.reraise()
        outputs.append(output)
    return outputs
