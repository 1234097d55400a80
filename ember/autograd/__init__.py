"""``ember.autograd`` (≙ torch.autograd): backward, grad, grad modes, Function, gradcheck, functional."""
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,  # noqa: F401
                        no_grad, set_grad_enabled)
from . import graph  # noqa: F401

__all__ = ["backward", "grad", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "detect_anomaly", "set_detect_anomaly", "Variable"]


def _as_tuple(x):
    if x is None:
        return None
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads, is_grads_batched=False):
    from .._ops.creation import ones_like
    from .._tensor import Tensor
    out = []
    for o, g in zip(outputs, grads):
        if g is None:
            if o._requires_grad:
                if o._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not (o.is_floating_point() or o.is_complex()):
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{o.dtype}")
                g = ones_like(o)
        elif isinstance(g, Tensor):
            if g._data.shape != o._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{len(out)}] has a shape of {g.shape} and "
                                   f"output[{len(out)}] has a shape of {o.shape}.")
            if g.is_complex() != o.is_complex():
                raise RuntimeError("For complex Tensors, both grad_output and output are required to have the "
                                   "same dtype.")
        else:
            from .._ops.creation import tensor
            g = tensor(g, dtype=o.dtype)
        out.append(g)
    return out


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Sum the gradients of ``tensors`` w.r.t. graph leaves into their ``.grad``."""
    from . import engine
    tensors = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    for t in tensors:
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    grads = _make_grads(tensors, grads)
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    engine.execute(tensors, grads, keep_graph=retain_graph, create_graph=create_graph, inputs=inputs,
                   accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return the gradients of ``outputs`` w.r.t. ``inputs`` as a tuple (nothing is accumulated)."""
    from . import engine
    if is_grads_batched:
        raise NotImplementedError("ember: autograd.grad(is_grads_batched=True) (vmap over grad_outputs) is not "
                                  "implemented")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grads)} and {len(outputs)}")
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grads)
    result = engine.execute(outputs, grads, keep_graph=retain_graph, create_graph=create_graph,
                            inputs=inputs_t, accumulate=False)
    out = []
    for i, (r, t) in enumerate(zip(result, inputs_t)):
        if r is None:
            if materialize_grads:
                from .._ops.creation import zeros_like
                r = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                                   "Set allow_unused=True if this is the desired behavior.")
        elif not create_graph:
            r = r.detach()
        out.append(r)
    return tuple(out)


def Variable(data, requires_grad=False, volatile=False):
    """Deprecated ``torch.autograd.Variable``: returns the tensor with requires_grad set."""
    return data.requires_grad_(requires_grad) if requires_grad else data



def __getattr__(name):
    # Function, gradcheck and functional import ember ops; load them on first use
    import importlib
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module 'ember.autograd' has no attribute '{name}'")
    mod = importlib.import_module("." + home, __name__)
    value = mod if home == name else getattr(mod, name)
    globals()[name] = value  # also shadows the submodule attribute the import just set
    return value


_LAZY = {"Function": "function", "once_differentiable": "function", "FunctionCtx": "function",
         "gradcheck": "gradcheck", "gradgradcheck": "gradcheck", "functional": "functional",
         "forward_ad": "forward_ad", "profiler": "profiler"}
