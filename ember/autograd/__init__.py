"""``ember.autograd`` (≙ torch.autograd): backward, grad, grad modes, Function, gradcheck, functional."""
import warnings

from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,  # noqa: F401
                        is_multithreading_enabled, is_view_replay_enabled, no_grad, set_grad_enabled,
                        set_multithreading_enabled)
from . import anomaly_mode, grad_mode  # noqa: F401
from . import engine, graph  # noqa: F401
from .graph import GradientEdge
from . import function, functional  # noqa: F401,E402
from .function import Function, NestedIOFunction  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402  (the functions shadow the submodule, as in torch)

__all__ = ["backward", "grad", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "detect_anomaly", "set_detect_anomaly", "Variable",
           "NestedIOFunction", "set_multithreading_enabled", "is_multithreading_enabled", "is_view_replay_enabled",
           "grad_mode", "graph", "anomaly_mode", "functional", "function"]


def _tensor_type():
    global _tensor_type
    from .._tensor import Tensor

    def _tensor_type():
        return Tensor
    return Tensor


def _as_tuple(x, Tensor):
    if isinstance(x, (Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


def _inputs_tuple(inputs, Tensor, fn):
    if isinstance(inputs, (Tensor, GradientEdge)):
        return (inputs,)
    if type(inputs) is dict:
        return tuple(inputs.values())
    from collections.abc import Mapping
    if isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{fn}()` must be a dict, not {type(inputs).__name__}. Other Mapping "
                        f"types are not supported.")
    return tuple(inputs)


def _grads_tuple(grads, n, Tensor):
    if grads is None:
        return (None,) * n
    if isinstance(grads, Tensor):
        return (grads,)
    return tuple(grads)


def _out_meta(out, Tensor):
    """(shape, dtype, requires_grad) of an output given as a tensor or a GradientEdge; the shape and dtype
    are None for an edge into a single-output op node (ember records only its inputs' metadata)."""
    if isinstance(out, GradientEdge):
        from .graph import AccumulateGrad
        node, nr = out
        if isinstance(node, AccumulateGrad):
            a = node.variable._data
            shape, npd = a.shape, a.dtype
        elif node._out_meta:
            shape, npd = node._out_meta[nr]
        else:
            return None, None, True
        from .._dtype import from_numpy_dtype
        return shape, from_numpy_dtype(npd), True
    return out._data.shape, out.dtype, out._requires_grad


def _make_grads(outputs, grads, Tensor):
    """torch's ``_make_grads``: check given output gradients, create ones for scalar outputs."""
    new = []
    for out, g in zip(outputs, grads):
        if g is None and isinstance(out, Tensor):
            if out._requires_grad:
                a = out._data
                if a.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if a.dtype.kind != "f" and not out.is_floating_point():
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{out.dtype}")
                new.append(_ones(out, a.shape, None, Tensor))
            else:
                new.append(None)
            continue
        shape, dt, req = _out_meta(out, Tensor)
        if isinstance(g, Tensor):
            if shape is None:
                new.append(g)
                continue
            if g._data.shape != tuple(shape):
                from .._tensor import Size
                raise RuntimeError(f"Mismatch in shape: grad_output[{_index(grads, g)}] has a shape of "
                                   f"{g.shape} and output[{_index(outputs, out)}] has a shape of {Size(shape)}.")
            if dt.is_complex != g.is_complex():
                raise RuntimeError(f"For complex Tensors, both grad_output and output are required to have the same "
                                   f"dtype. Mismatch in dtype: grad_output[{_index(grads, g)}] has a dtype of "
                                   f"{g.dtype} and output[{_index(outputs, out)}] has a dtype of {dt}.")
            new.append(g)
        elif g is None:
            if shape is None:
                raise RuntimeError("ember: the shape of this GradientEdge's output is not recorded; pass its "
                                   "gradient explicitly")
            if req:
                n = 1
                for s in shape:
                    n *= s
                if n != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not dt.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {dt}")
                new.append(_ones(out, shape, dt, Tensor))
            else:
                new.append(None)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    return new


def _ones(out, shape, dt, Tensor):
    import numpy as np
    from .._tensor import _wrap
    if isinstance(out, Tensor):
        a = out._data
        if a.ndim == 0 and type(a) is np.ndarray:
            return _wrap(np.array(1, a.dtype))
        return _wrap(np.ones_like(a, order="K"))
    return _wrap(np.ones(shape, dt.np))


def _index(seq, item):
    for i, x in enumerate(seq):
        if x is item:
            return i
    return 0


def _sync_view(t):
    from .._ops.views import sync_view
    sync_view(t)


def _root_edges(tensors, grads):
    from .graph import grad_accumulator
    if len(tensors) != len(grads):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    edges = []
    for i, t in enumerate(tensors):
        if isinstance(t, GradientEdge):
            edges.append((t.node, t.output_nr))
            continue
        if t._base is not None:
            _sync_view(t)
        fn = t._grad_fn
        if fn is not None:
            edges.append((fn, t._output_nr))
        elif t._requires_grad:
            edges.append((grad_accumulator(t), 0))
        else:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    return edges


def _input_edges(inputs, retain):
    """Edges of the tensors gradients are wanted for; (None, 0) for a leaf no graph can reach."""
    edges = []
    for t in inputs:
        if isinstance(t, GradientEdge):
            edges.append((t.node, t.output_nr))
            continue
        if t._base is not None:
            _sync_view(t)
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        fn = t._grad_fn
        if fn is not None:
            if retain:
                t.retain_grad()
            edges.append((fn, t._output_nr))
        else:
            ref = t._grad_acc
            acc = ref() if ref is not None else None
            edges.append((acc, 0))
    return edges


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """``torch.autograd.backward``: sum the gradients of ``tensors`` w.r.t. graph leaves into ``.grad``.

    ``grad_tensors`` weight each of ``tensors`` (implicit ones for scalars); ``inputs`` limits the
    accumulation to those tensors (non-leaf ones get ``retain_grad()``, as in torch).
    """
    Tensor = _tensor_type()
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is None:
            grad_tensors = grad_variables
        else:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
    inputs_t = () if inputs is None else _inputs_tuple(inputs, Tensor, "backward")
    if inputs is not None and len(inputs_t) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    tensors = _as_tuple(tensors, Tensor)
    grads = _make_grads(tensors, _grads_tuple(grad_tensors, len(tensors), Tensor), Tensor)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_edges(tensors, grads)
    if create_graph:
        engine.warn_create_graph_cycle()
    engine.execute(roots, grads, retain_graph, create_graph,
                   _input_edges(inputs_t, True) if inputs_t else None, True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``torch.autograd.grad``: the gradients of ``outputs`` w.r.t. ``inputs``, as a tuple (or a dict
    when ``inputs`` is a dict); nothing is accumulated into ``.grad``."""
    Tensor = _tensor_type()
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs, Tensor)
    inputs_t = _inputs_tuple(inputs, Tensor, "grad")
    if len(inputs_t) == 0:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.",
                      FutureWarning, stacklevel=2)
    if is_grads_batched:
        raise NotImplementedError("ember: autograd.grad(is_grads_batched=True) (vmap over grad_outputs) is not "
                                  "implemented")
    grads = _make_grads(outputs, _grads_tuple(grad_outputs, len(outputs), Tensor), Tensor)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_edges(outputs, grads)
    result = engine.execute(roots, grads, retain_graph, create_graph, _input_edges(inputs_t, False), False)
    if not allow_unused:
        for i, r in enumerate(result):
            if r is None:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
    if materialize_grads:
        if any(r is None and not isinstance(t, Tensor) for r, t in zip(result, inputs_t)):
            raise RuntimeError("materialize_grads cannot be used when the given input is a GradientEdge")
        from .._ops.creation import zeros_like
        result = [r if r is not None else zeros_like(t, requires_grad=create_graph) for r, t in zip(result, inputs_t)]
    if type(inputs) is dict:
        return dict(zip(inputs.keys(), result))
    return tuple(result)


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, _tensor_type())


class Variable(metaclass=_VariableMeta):
    """Deprecated ``torch.autograd.Variable``: every tensor is one; ``Variable(t, requires_grad)`` is a new
    leaf sharing ``t``'s memory."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad)
