"""``torch.nn.parallel.scatter_gather``: split inputs across devices and join outputs back.

``scatter`` chunks every tensor along ``dim`` (``Tensor.chunk``, so a small batch may use fewer devices)
and copies chunk i to device i; tuples, lists, dicts and namedtuples are scattered element-wise, other
objects are repeated once per device.  ``gather`` concatenates per-device outputs on the target device.
Both are differentiable (views and device copies), so gradients flow back to the original inputs.
"""
import warnings

from ..._tensor import Tensor
from . import _utils

__all__ = ["scatter", "scatter_kwargs", "gather"]


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_asdict") and hasattr(obj, "_fields")


def _scatter_tensor(t, target_gpus, chunk_sizes, dim):
    """torch's ``comm.scatter``: chunks (or ``chunk_sizes`` pieces) of ``t`` copied to each device."""
    devices = [_utils._get_device_index(d, True) for d in target_gpus]
    pieces = t.split(list(chunk_sizes), dim) if chunk_sizes is not None else t.chunk(len(devices), dim)
    return tuple(_utils._copy_to(c, d) for c, d in zip(pieces, devices))


def scatter(inputs, target_gpus, dim=0):
    """Slice tensors into approximately equal chunks and distribute them across ``target_gpus``; other
    objects are referenced once per device."""
    def scatter_map(obj):
        if isinstance(obj, Tensor):
            return _scatter_tensor(obj, target_gpus, None, dim)
        if _is_namedtuple(obj):
            return [type(obj)(*args) for args in zip(*map(scatter_map, obj))]
        if isinstance(obj, tuple) and len(obj) > 0:
            return list(zip(*map(scatter_map, obj)))
        if isinstance(obj, list) and len(obj) > 0:
            return [list(i) for i in zip(*map(scatter_map, obj))]
        if isinstance(obj, dict) and len(obj) > 0:
            return [type(obj)(i) for i in zip(*map(scatter_map, obj.items()))]
        return [obj for _ in target_gpus]
    return scatter_map(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    """``scatter`` of the positional and the keyword inputs, padded to the same number of devices."""
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered_inputs) < len(scattered_kwargs):
        scattered_inputs.extend(() for _ in range(len(scattered_kwargs) - len(scattered_inputs)))
    elif len(scattered_kwargs) < len(inputs):
        scattered_kwargs.extend({} for _ in range(len(scattered_inputs) - len(scattered_kwargs)))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def _gather_tensors(target_device, dim, inputs):
    """torch's ``Gather``: concatenate along ``dim`` on ``target_device`` ('cpu' or a GPU; -1 is the CPU,
    deprecated); 0-d outputs gathered along dim 0 become a vector, with torch's warning."""
    from ..._ops.joining import cat
    if not all(not _utils._is_cpu(i) for i in inputs):
        raise AssertionError("Gather function not implemented for CPU tensors")
    if target_device == "cpu":
        index = -1
    else:
        if target_device == -1:
            warnings.warn('Using -1 to represent CPU tensor is deprecated. Please use a device object or string '
                          'instead, e.g., "cpu".', FutureWarning, stacklevel=3)
        index = _utils._get_device_index(target_device, True)
    if all(t.dim() == 0 for t in inputs) and dim == 0:
        inputs = tuple(t.view(1) for t in inputs)
        warnings.warn("Was asked to gather along dimension 0, but all input tensors were scalars; will instead "
                      "unsqueeze and return a vector.", stacklevel=3)
    return cat([_utils._copy_to(t, index) for t in inputs], dim)


def gather(outputs, target_device, dim=0):
    """Gather the per-device ``outputs`` (tensors, or equal structures of them) on ``target_device``."""
    def gather_map(outputs):
        out = outputs[0]
        if isinstance(out, Tensor):
            return _gather_tensors(target_device, dim, outputs)
        if out is None:
            return None
        if isinstance(out, dict):
            if not all(len(out) == len(d) for d in outputs):
                raise ValueError("All dicts must have the same number of keys")
            return type(out)((k, gather_map([d[k] for d in outputs])) for k in out)
        if _is_namedtuple(out):
            return type(out)._make(map(gather_map, zip(*outputs, strict=True)))
        return type(out)(map(gather_map, zip(*outputs, strict=True)))
    return gather_map(outputs)
