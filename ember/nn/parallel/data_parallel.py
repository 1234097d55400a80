"""``torch.nn.DataParallel`` and ``torch.nn.parallel.data_parallel``: single-process multi-GPU data parallelism.

Each forward scatters the inputs along ``dim`` over ``device_ids``, replicates the module onto those
devices, runs the replicas in threads (``parallel_apply``) and gathers the outputs on ``output_device``;
the backward pass sums the replicas' gradients into the module's parameters.  Without a GPU (no CuPy, or
no device) ``DataParallel`` just runs the wrapped module, as torch without an accelerator does.

The multi-GPU path is built on ember's CuPy plumbing (device copies under ``cupy.cuda.Device``, a
per-thread current device); it is exercised in ember's tests with the device layer simulated on the
CPU, not on real GPUs.
"""
import operator
import warnings
from itertools import chain

from ..._device import device as _device
from ..modules.module import Module
from . import _utils
from .parallel_apply import parallel_apply
from .replicate import replicate
from .scatter_gather import gather, scatter_kwargs

__all__ = ["DataParallel", "data_parallel"]


def _check_balance(device_ids):
    """Warn when a GPU has less than 75% of the memory (or else of the multiprocessors) of another."""
    imbalance_warn = """
    There is an imbalance between your GPUs. You may want to exclude GPU {} which
    has less than 75% of the memory or cores of GPU {}. You can do so by setting
    the device_ids argument to DataParallel, or by setting the CUDA_VISIBLE_DEVICES
    environment variable."""
    device_ids = [_utils._get_device_index(x, True) for x in device_ids]
    dev_props = _utils._get_devices_properties(device_ids)

    def warn_imbalance(get_prop):
        values = [get_prop(props) for props in dev_props]
        min_pos, min_val = min(enumerate(values), key=operator.itemgetter(1))
        max_pos, max_val = max(enumerate(values), key=operator.itemgetter(1))
        if min_val / max_val < 0.75:
            warnings.warn(imbalance_warn.format(device_ids[min_pos], device_ids[max_pos]), stacklevel=2)
            return True
        return False

    if warn_imbalance(lambda props: props.total_memory):
        return
    warn_imbalance(lambda props: props.multi_processor_count)


def _check_devices(module, src_device):
    for t in chain(module.parameters(), module.buffers()):
        if not _utils._is_on(t, src_device.index):
            raise RuntimeError(f"module must have its parameters and buffers on device {src_device} (device_ids[0]) "
                               f"but found one of them on device: {t.device}")


class DataParallel(Module):
    """``torch.nn.DataParallel(module, device_ids=None, output_device=None, dim=0)``.

    ``device_ids`` defaults to every visible GPU, ``output_device`` to ``device_ids[0]``; the module must live
    on ``device_ids[0]``.  Without a GPU, ``device_ids`` is ``[]`` and forward calls the module directly.
    ``state_dict`` keys carry the ``module.`` prefix, as torch's.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        device_type = _utils._get_available_device_type()
        if device_type is None:
            self.module = module
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = _utils._get_all_device_indices()
        if device_ids is None:
            raise RuntimeError("no available devices were found")
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_utils._get_device_index(x, True) for x in device_ids]
        self.output_device = _utils._get_device_index(output_device, True)
        self.src_device_obj = _device(device_type, self.device_ids[0])
        _check_balance(self.device_ids)
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        _check_devices(self.module, self.src_device_obj)
        inputs, module_kwargs = self.scatter(inputs, kwargs, self.device_ids)
        # a forward without inputs still runs once, on the first device
        if not inputs and not module_kwargs:
            inputs = ((),)
            module_kwargs = ({},)
        if len(self.device_ids) == 1:
            return self.module(*inputs[0], **module_kwargs[0])
        replicas = self.replicate(self.module, self.device_ids[:len(inputs)])
        outputs = self.parallel_apply(replicas, inputs, module_kwargs)
        return self.gather(outputs, self.output_device)

    def replicate(self, module, device_ids):
        from ...autograd.grad_mode import is_grad_enabled
        return replicate(module, device_ids, not is_grad_enabled())

    def scatter(self, inputs, kwargs, device_ids):
        return scatter_kwargs(inputs, kwargs, device_ids, dim=self.dim)

    def parallel_apply(self, replicas, inputs, kwargs):
        return parallel_apply(replicas, inputs, kwargs, self.device_ids[:len(replicas)])

    def gather(self, outputs, output_device):
        return gather(outputs, output_device, dim=self.dim)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """``module(*inputs)`` evaluated across ``device_ids`` (the functional ``DataParallel``); ``output_device``
    -1 means the CPU.  Without a GPU it raises torch's ``RuntimeError("device type could not be
    determined")``."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    device_type = _utils._get_available_device_type()
    if device_type is None:
        raise RuntimeError("device type could not be determined")
    if device_ids is None:
        device_ids = _utils._get_all_device_indices()
    if device_ids is None:
        raise RuntimeError("no available devices were found")
    if output_device is None:
        output_device = device_ids[0]
    device_ids = [_utils._get_device_index(x, True) for x in device_ids]
    output_device = _utils._get_device_index(output_device, True)
    src_device_obj = _device(device_type, device_ids[0])
    _check_devices(module, src_device_obj)
    inputs, module_kwargs = scatter_kwargs(inputs, module_kwargs, device_ids, dim)
    if not inputs and not module_kwargs:
        inputs = ((),)
        module_kwargs = ({},)
    if len(device_ids) == 1:
        return module(*inputs[0], **module_kwargs[0])
    used_device_ids = device_ids[:len(inputs)]
    replicas = replicate(module, used_device_ids)
    outputs = parallel_apply(replicas, inputs, module_kwargs, used_device_ids)
    return gather(outputs, output_device, dim)
