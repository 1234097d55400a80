"""``torch.nn.parallel.replicate``: copies of a module on several devices, sharing its autograd graph.

Each replica is ``module._replicate_for_data_parallel()`` (a shallow copy without parameters of its own)
whose parameters are set as plain attributes to differentiable copies of the originals on its device
(the first device's copies are views of the originals, sharing their storage, as torch's broadcast), so
gradients of all replicas flow back, summed, into the original parameters.  Buffers that do not require
grad (and everything with ``detach=True``) are copied outside autograd.
"""
from collections import OrderedDict

from . import _utils

__all__ = ["replicate"]


def _broadcast(tensors, devices, detach):
    """Per device, a copy of each tensor: views of the tensors on their own device, copies elsewhere."""
    if not detach and not all(not _utils._is_cpu(t) for t in tensors):
        raise AssertionError("Broadcast function not implemented for CPU tensors")
    out = []
    for d in devices:
        copies = []
        for t in tensors:
            src = t.detach() if detach else t
            copies.append(src.view_as(src) if _utils._is_on(t, d) else _utils._copy_to(src, d))
        out.append(copies)
    return out


def replicate(network, devices, detach=False):
    """One replica of ``network`` per device of ``devices`` (GPU indices or devices)."""
    if not devices:
        return []
    devices = [_utils._get_device_index(x, True) for x in devices]
    num_replicas = len(devices)

    params = list(network.parameters())
    param_indices = {id(p): i for i, p in enumerate(params)}
    param_copies = _broadcast(params, devices, detach)

    buffers = list(network.buffers())
    buffers_rg = [b for b in buffers if b.requires_grad and not detach]
    buffers_not_rg = [b for b in buffers if not (b.requires_grad and not detach)]
    idx_rg = {id(b): i for i, b in enumerate(buffers_rg)}
    idx_not_rg = {id(b): i for i, b in enumerate(buffers_not_rg)}
    copies_rg = _broadcast(buffers_rg, devices, detach)
    copies_not_rg = _broadcast(buffers_not_rg, devices, True)

    modules = list(network.modules())
    module_copies = [[] for _ in devices]
    module_indices = {}
    for i, module in enumerate(modules):
        module_indices[id(module)] = i
        for j in range(num_replicas):
            replica = module._replicate_for_data_parallel()
            replica._former_parameters = OrderedDict()
            module_copies[j].append(replica)

    for i, module in enumerate(modules):
        for key, child in module._modules.items():
            for j in range(num_replicas):
                replica = module_copies[j][i]
                if child is None:
                    replica._modules[key] = None
                else:
                    setattr(replica, key, module_copies[j][module_indices[id(child)]])
        for key, param in module._parameters.items():
            for j in range(num_replicas):
                replica = module_copies[j][i]
                if param is None:
                    replica._parameters[key] = None
                else:
                    # replicas' parameters are not leaves: plain attributes, also exposed for DDP-style access
                    param_copy = param_copies[j][param_indices[id(param)]]
                    setattr(replica, key, param_copy)
                    replica._former_parameters[key] = param_copy
        for key, buf in module._buffers.items():
            for j in range(num_replicas):
                replica = module_copies[j][i]
                if buf is None:
                    replica._buffers[key] = None
                elif buf.requires_grad and not detach:
                    setattr(replica, key, copies_rg[j][idx_rg[id(buf)]])
                else:
                    setattr(replica, key, copies_not_rg[j][idx_not_rg[id(buf)]])
    return [module_copies[j][0] for j in range(num_replicas)]
