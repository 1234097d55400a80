"""Device helpers of ``ember.nn.parallel`` (torch keeps them in ``torch._utils`` and ``nn.parallel.comm``).

Every device interaction of the package goes through this module: which accelerator there is, device
indices, copies between devices (ember's ``Tensor.to``, differentiable, under the target GPU's CuPy device
context), the current-device guard of a worker thread, and the device checks.  Ember's accelerator is
CUDA through CuPy (``ember.cuda``); without it there is no device type, as in a CPU-only torch.
"""
import contextlib

import numpy as np

from ..._device import device as _device
from ..._prim import Primitive, apply


def _cuda():
    from ... import cuda
    return cuda


def _get_available_device_type():
    return "cuda" if _cuda().is_available() else None


def _get_current_device_index():
    return _cuda().current_device() if _get_available_device_type() == "cuda" else None


def _get_all_device_indices():
    return list(range(_cuda().device_count())) if _get_available_device_type() == "cuda" else None


def _get_devices_properties(device_ids):
    return [_cuda().get_device_properties(i) for i in device_ids]


def _get_device_index(device, optional=False, allow_cpu=False):
    """torch's ``_get_device_index``: an int, or the index of a device (-1 for the CPU when allowed); None
    or an index-less device gives the current device when ``optional``."""
    if isinstance(device, str):
        device = _device(device)
    idx = None
    if isinstance(device, _device):
        if not allow_cpu and device.type == "cpu":
            raise ValueError(f"Expected a non cpu device, but got: {device}")
        idx = -1 if device.type == "cpu" else device.index
    if isinstance(device, int):
        idx = device
    if idx is None:
        if not optional:
            raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")
        idx = _get_current_device_index()
    return idx


def _to_device_fwd(a, index, src):
    if index == -1:
        return a.copy() if type(a) is np.ndarray else a.get()
    cp = _cuda()._cupy()
    with cp.cuda.Device(index):
        return cp.asarray(a) if type(a) is np.ndarray else a.copy()  # CuPy's copy lands on the current GPU


def _to_device_grad(ctx, g):
    index, src = ctx.args
    return (apply(_TO_DEVICE, (g,), (src, index)),)


_TO_DEVICE = Primitive("ToCopyBackward0", _to_device_fwd, _to_device_grad)


def _copy_to(t, index):
    """A differentiable copy of ``t`` on GPU ``index`` (-1: the CPU); its gradient flows back to t's device."""
    src = -1 if t.device.type == "cpu" else t.device.index
    return apply(_TO_DEVICE, (t,), (index, src))


def _device_guard(index):
    """Make GPU ``index`` current on this thread for the block (a worker of parallel_apply)."""
    return _cuda().device(index) if index is not None and index >= 0 else contextlib.nullcontext()


def _is_on(t, index):
    """Whether ``t`` lives on GPU ``index``."""
    d = t.device
    return d.type == "cuda" and d.index == index


def _is_cpu(t):
    return t.device.type == "cpu"
