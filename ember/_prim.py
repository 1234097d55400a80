"""Primitives: each op's forward (over raw arrays) and derivative (over ember tensors) in one place.

    MUL = Primitive("MulBackward0", np.multiply, _mul_grad, save_inputs=True)

``apply(prim, inputs, args)`` is the single dispatch point: it unwraps tensors, runs the forward with
the array module the arrays belong to (NumPy or CuPy, never a device branch), wraps the result and —
only when grad mode is on and an input requires grad — records a node.  The derivative receives the
node as ``ctx`` (``ctx.saved``: the inputs, version-checked; ``ctx.output``: the output; ``ctx.args``:
the non-tensor arguments) and returns one gradient per input, written in ember ops so it is itself
differentiable.  Inputs may be Python scalars; they get no gradient.
"""
from weakref import ref as _weakref

import numpy as np

from .autograd import grad_mode
from .autograd.anomaly_mode import anomaly_state
from .autograd.graph import AccumulateGrad, _saved_hooks, _sequence, grad_accumulator, node_type, pack_saved

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


def apply(prim, inputs, args=(), cast=None):
    """Run ``prim`` on ``inputs`` (tensors or scalars) with extra non-tensor ``args``.

    ``cast`` (a NumPy dtype) converts tensor inputs before the forward: type promotion happens here,
    and autograd casts each gradient back to its input's dtype.
    """
    if len(inputs) == 1:  # unary ops, reductions, views: the common case, without the loop
        x = inputs[0]
        if type(x) is Tensor or isinstance(x, Tensor):
            if x._base is not None and x._view_ver != x._version[0]:
                refresh_view(x)
            d = x._data
            if cast is not None and d.dtype != cast:
                d = d.astype(cast)
            grad = x._requires_grad
        else:
            d = x
            grad = False
        arrays = (d,)
    else:
        arrays = []
        grad = False
        for x in inputs:
            if type(x) is Tensor or isinstance(x, Tensor):
                if x._base is not None and x._view_ver != x._version[0]:
                    refresh_view(x)
                d = x._data
                if cast is not None and d.dtype != cast:
                    d = d.astype(cast)
                arrays.append(d)
                if x._requires_grad:
                    grad = True
            else:
                arrays.append(x)
    try:
        out = prim.fwd(*arrays, *args) if args else prim.fwd(*arrays)
    except ValueError as e:
        raise _shape_error(e, arrays) from None
    except TypeError:
        _check_same_device(arrays)
        raise
    if prim.nout == 1:
        if cast is not None and out.dtype != cast:
            out = out.astype(cast)  # e.g. bfloat16 op Python float computes in float32 (as torch's opmath)
        result = _new(Tensor)
        result._data = out if type(out) is _ndarray else _as_array(out)
        result._version = None
        if prim.view:
            _link_view(result, inputs[0])
        if grad and _state.enabled:
            result._grad_fn = _record(prim, inputs, args, out if prim.save_output else None, result)
            result._requires_grad = True
        else:
            result._grad_fn = None
            result._requires_grad = False
        return result
    grad = grad and _state.enabled
    results = tuple(_wrap(o) if type(o) is _ndarray else _wrap(_as_array(o)) for o in out)
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


def apply_binary(prim, a, b, cast):
    """``apply`` specialised for an elementwise binary op on a tensor ``a`` and a tensor or scalar ``b``."""
    if a._base is not None and a._view_ver != a._version[0]:
        refresh_view(a)
    x = a._data
    if cast is not None and x.dtype != cast:
        x = x.astype(cast)
    ra = a._requires_grad
    if type(b) is Tensor or isinstance(b, Tensor):
        if b._base is not None and b._view_ver != b._version[0]:
            refresh_view(b)
        y = b._data
        if cast is not None and y.dtype != cast:
            y = y.astype(cast)
        rb = b._requires_grad
    else:
        y = b
        rb = False
    try:
        out = prim.fwd(x, y)
    except ValueError as e:
        raise _shape_error(e, (x, y)) from None
    except TypeError:
        _check_same_device((x, y))
        raise
    if cast is not None and out.dtype != cast:
        out = out.astype(cast)
    t = _new(Tensor)
    t._data = out if type(out) is _ndarray else _as_array(out)
    t._version = None
    if not (ra or rb) or not _state.enabled:
        t._grad_fn = None
        t._requires_grad = False
        return t
    # record the node (``_record`` unrolled for the two operands: this is every binary op's hot path)
    node = _new_node(prim.node_cls)
    node._seq = _next_seq()
    node._prim = prim
    node.args = ()
    if ra:
        fn = a._grad_fn
        if fn is not None:
            ea = (fn, a._output_nr)
        else:
            ref = a._grad_acc
            acc = ref() if ref is not None else None
            if acc is None:  # ``grad_accumulator``, inline
                acc = _new_node(AccumulateGrad)
                acc.variable = a
                a._grad_acc = _weakref(acc)
            ea = (acc, 0)
        ma = (x.shape, a._data.dtype)
    else:
        ea = _NO_EDGE
        ma = None
    if rb:
        fn = b._grad_fn
        if fn is not None:
            eb = (fn, b._output_nr)
        else:
            ref = b._grad_acc
            acc = ref() if ref is not None else None
            if acc is None:  # ``grad_accumulator``, inline
                acc = _new_node(AccumulateGrad)
                acc.variable = b
                b._grad_acc = _weakref(acc)
            eb = (acc, 0)
        mb = (y.shape, b._data.dtype)
    else:
        eb = _NO_EDGE
        mb = None
    node.next_functions = (ea, eb)
    node._in_meta = (ma, mb)
    save = prim.save_inputs
    if not save:
        node._saved = ()
    else:
        if save == "other":
            # a product's derivative for one operand needs only the other (as torch saves them)
            if not rb:
                a = None
            if not ra:
                b = None
        va = None if a is None else a._version
        vb = None if b is None or y is b else b._version
        node._saved = inputs = (a, b)
        node._saved_ver = _ZERO_VERSIONS if va is None and vb is None else \
            (0 if va is None else va[0], 0 if vb is None else vb[0])
        if _saved_hooks:
            pack_saved(node, inputs)
    if prim.save_output:
        node._out = out
        t._version = v = [0]
        node._out_ver = (v, 0)
    if anomaly_state.enabled:
        import traceback
        node._anomaly = "".join(traceback.format_stack()[:-2])
    t._grad_fn = node
    t._requires_grad = True
    return t


def _check_same_device(arrays):
    """torch's error for operands on different devices (NumPy and CuPy arrays refuse to mix)."""
    from ._device import device_of_array
    devs = list(dict.fromkeys(str(device_of_array(a)) for a in arrays if hasattr(a, "shape")))
    if len(devs) > 1:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{devs[-1]} and {devs[0]}!")


def _shape_error(err, arrays):
    """torch's message for operands that do not broadcast; other ValueErrors pass through."""
    if "broadcast" not in str(err):
        return err
    shapes = [a.shape for a in arrays if hasattr(a, "shape")]
    if len(shapes) >= 2:
        a, b = shapes[0], shapes[1]
        for i in range(1, max(len(a), len(b)) + 1):
            sa = a[-i] if i <= len(a) else 1
            sb = b[-i] if i <= len(b) else 1
            if sa != sb and sa != 1 and sb != 1:
                return RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                                    f"non-singleton dimension {max(len(a), len(b)) - i}")
    return RuntimeError(str(err))


def _as_array(o):
    if isinstance(o, np.generic):
        return np.asarray(o)
    if isinstance(o, (int, float, bool, complex)):
        return np.asarray(o)
    return o


def _record(prim, inputs, args, out, result):
    """Make ``prim``'s node for ``result``: edges to the inputs' nodes, their metadata and saved state."""
    node = _new_node(prim.node_cls)
    node._seq = _next_seq()
    node._prim = prim
    node.args = args
    edges = []
    meta = []
    for x in inputs:
        if (type(x) is Tensor or isinstance(x, Tensor)) and x._requires_grad:
            fn = x._grad_fn
            if fn is not None:
                edges.append((fn, x._output_nr))
            else:
                ref = x._grad_acc
                acc = ref() if ref is not None else None
                edges.append((acc if acc is not None else grad_accumulator(x), 0))
            d = x._data
            meta.append((d.shape, d.dtype))
        else:
            edges.append(_NO_EDGE)
            meta.append(None)
    node.next_functions = tuple(edges)
    node._in_meta = tuple(meta)
    save = prim.save_inputs
    if not save:
        node._saved = ()
    else:
        if save == "other":
            # a product's derivative for one operand needs only the other (as torch saves them)
            a, b = inputs
            inputs = (a if edges[1][0] is not None else None, b if edges[0][0] is not None else None)
        node._saved = inputs
        node._saved_ver = tuple([x._version[0] if isinstance(x, Tensor) and x._version is not None else 0
                                 for x in inputs])
        if _saved_hooks:
            pack_saved(node, inputs)
    if out is not None:
        node._out = out
        if result._version is None:
            result._version = [0]
        node._out_ver = (result._version, result._version[0])
    if anomaly_state.enabled:
        import traceback
        node._anomaly = "".join(traceback.format_stack()[:-3])
    return node


_NO_EDGE = (None, 0)
_ndarray = np.ndarray
_ZERO_VERSIONS = (0, 0)
_new_node = object.__new__
_next_seq = _sequence.__next__


def _link_view(view, base):
    """Make ``view`` share ``base``'s version counter and record its base (``Tensor._base``)."""
    ver = base._version
    if ver is None:
        ver = base._version = [0]
    view._version = ver
    view._view_ver = ver[0]
    b = base._base
    view._base = b if b is not None else base


from ._ops.views import refresh_view  # noqa: E402
from ._tensor import Tensor, _new, _wrap  # noqa: E402  (Tensor imports nothing from here at import time)
