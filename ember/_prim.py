"""Primitives: each op's forward (over raw arrays) and derivative (over ember tensors) in one place.

    MUL = Primitive("MulBackward0", np.multiply, _mul_grad, save_inputs=True)

``apply(prim, inputs, args)`` is the single dispatch point: it unwraps tensors, runs the forward with
the array module the arrays belong to (NumPy or CuPy, never a device branch), wraps the result and —
only when grad mode is on and an input requires grad — records a node.  The derivative receives the
node as ``ctx`` (``ctx.saved``: the inputs, version-checked; ``ctx.output``: the output; ``ctx.args``:
the non-tensor arguments) and returns one gradient per input, written in ember ops so it is itself
differentiable.  Inputs may be Python scalars; they get no gradient.
"""
import numpy as np

from .autograd import grad_mode
from .autograd.anomaly_mode import anomaly_state
from .autograd.graph import grad_accumulator, node_type

_state = grad_mode.state


class Primitive:
    """One differentiable op.

    fwd(*arrays, *args) -> array, or a tuple of arrays when ``nout > 1``.
    bwd(ctx, *grads) -> one gradient (tensor or None) per input.
    view: the output is a view of input 0 (shares its storage and version counter).
    nondiff: indices of outputs that carry no gradient (e.g. the indices of ``max``).
    """
    __slots__ = ("name", "fwd", "bwd", "node_cls", "save_inputs", "save_output", "view", "nout", "nondiff")

    def __init__(self, name, fwd, bwd=None, *, save_inputs=False, save_output=False, view=False, nout=1,
                 nondiff=()):
        self.name = name
        self.fwd = fwd
        self.bwd = bwd
        self.node_cls = node_type(name)
        self.save_inputs = save_inputs
        self.save_output = save_output
        self.view = view
        self.nout = nout
        self.nondiff = frozenset(nondiff)

    def __repr__(self):
        return f"<primitive {self.name}>"


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def apply(prim, inputs, args=(), cast=None):
    """Run ``prim`` on ``inputs`` (tensors or scalars) with extra non-tensor ``args``.

    ``cast`` (a NumPy dtype) converts tensor inputs before the forward: type promotion happens here,
    and autograd casts each gradient back to its input's dtype.
    """
    if cast is None:
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    else:
        arrays = [(x._data if x._data.dtype == cast else x._data.astype(cast)) if isinstance(x, Tensor) else x
                  for x in inputs]
    out = prim.fwd(*arrays, *args)
    grad = False
    if _state.enabled:
        for x in inputs:
            if isinstance(x, Tensor) and x._requires_grad:
                grad = True
                break
    if prim.nout == 1:
        result = _wrap(out) if type(out) is np.ndarray else _wrap(_as_array(out))
        if prim.view:
            _link_view(result, inputs[0])
        if grad:
            node = _record(prim, inputs, args, out if prim.save_output else None, result)
            result._grad_fn = node
            result._requires_grad = True
        return result
    results = tuple(_wrap(o) if type(o) is np.ndarray else _wrap(_as_array(o)) for o in out)
    if prim.view:
        for r in results:
            _link_view(r, inputs[0])
    if grad:
        node = _record(prim, inputs, args, out if prim.save_output else None, results[0])
        node._out_meta = tuple((o.shape, o.dtype) for o in out)
        for i, r in enumerate(results):
            if i not in prim.nondiff:
                r._grad_fn = node
                r._output_nr = i
                r._requires_grad = True
    return results


def _as_array(o):
    if isinstance(o, np.generic):
        return np.asarray(o)
    if isinstance(o, (int, float, bool, complex)):
        return np.asarray(o)
    return o


def _record(prim, inputs, args, out, result):
    node = prim.node_cls()
    node._prim = prim
    node.args = args
    edges = []
    meta = []
    for x in inputs:
        if isinstance(x, Tensor) and x._requires_grad:
            fn = x._grad_fn
            edges.append((fn, x._output_nr) if fn is not None else (grad_accumulator(x), 0))
            meta.append((x._data.shape, x._data.dtype))
        else:
            edges.append((None, 0))
            meta.append(None)
    node.next_functions = tuple(edges)
    node._in_meta = tuple(meta)
    if prim.save_inputs:
        node._saved = inputs
        node._saved_ver = tuple(x._version[0] if isinstance(x, Tensor) and x._version is not None else 0
                                for x in inputs)
    else:
        node._saved = ()
    if out is not None:
        node._out = out
        if result._version is None:
            result._version = [0]
        node._out_ver = (result._version, result._version[0])
    else:
        node._out = None
        node._out_ver = None
    node._freed = False
    if anomaly_state.enabled:
        import traceback
        node._anomaly = "".join(traceback.format_stack()[:-3])
    return node


def _link_view(view, base):
    """Make ``view`` share ``base``'s version counter and record its base (``Tensor._base``)."""
    if base._version is None:
        base._version = [0]
    view._version = base._version
    view._base = base._base if base._base is not None else base


from ._tensor import Tensor, _wrap  # noqa: E402  (Tensor imports nothing from here at import time)
