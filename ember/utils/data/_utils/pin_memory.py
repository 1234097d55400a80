"""``pin_memory(data)`` (``torch.utils.data._utils.pin_memory``): page-lock every tensor of a batch.

The DataLoader calls it on each batch when ``pin_memory=True`` and an accelerator is available (in the
main thread, where torch uses a helper thread: the batches are the same).  Without one it is not called.
"""
import collections
import copy

import ember


def pin_memory(data, device=None):
    """Pinned copies of the tensors in ``data`` (recursing through mappings and sequences; objects with a
    ``pin_memory()`` method are asked to pin themselves)."""
    if isinstance(data, ember.Tensor):
        return data.pin_memory()
    if hasattr(data, "pin_memory"):
        return data.pin_memory()
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({k: pin_memory(sample, device) for k, sample in data.items()})
                return clone
            return type(data)({k: pin_memory(sample, device) for k, sample in data.items()})
        except TypeError:
            return {k: pin_memory(sample, device) for k, sample in data.items()}
    if isinstance(data, tuple):
        if hasattr(data, "_fields"):  # namedtuple
            return type(data)(*(pin_memory(sample, device) for sample in data))
        return type(data)(pin_memory(sample, device) for sample in data)
    if isinstance(data, collections.abc.Sequence):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, item in enumerate(data):
                    clone[i] = pin_memory(item, device)
                return clone
            return type(data)([pin_memory(sample, device) for sample in data])
        except TypeError:
            return [pin_memory(sample, device) for sample in data]
    return data
