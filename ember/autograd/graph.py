"""Graph nodes (``torch.autograd.graph.Node``).

A node is made when an op runs on inputs that require grad.  It records the op's ``next_functions``
edges, what the derivative needs (saved inputs, saved output, non-tensor args) and the input
metadata used to reduce broadcast gradients.  Every primitive gets its own Node subclass named like
torch's (``MulBackward0``), so ``repr(t.grad_fn)`` reads exactly as in torch.
"""
import itertools
import weakref

from .. import _errors

_sequence = itertools.count()


class RemovableHandle:
    """Returned by every ``register_*_hook``; ``remove()`` unregisters (``torch.utils.hooks.RemovableHandle``)."""
    _ids = itertools.count()
    __slots__ = ("_dict_ref", "id")

    def __init__(self, hooks_dict):
        self._dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._ids)

    def remove(self):
        d = self._dict_ref()
        if d is not None:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """Base of every backward node. ``apply(*grads)`` maps output grads to input grads."""
    __slots__ = ("next_functions", "_seq", "_hooks", "_pre_hooks", "_tensor_hooks", "_retained", "_in_meta",
                 "__weakref__", "metadata_")

    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        try:
            return self.metadata_
        except AttributeError:
            self.metadata_ = {}
            return self.metadata_

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node runs; may return replacement grad_inputs."""
        if getattr(self, "_hooks", None) is None:
            self._hooks = {}
        h = RemovableHandle(self._hooks)
        self._hooks[h.id] = fn
        return h

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node runs; may return replacement grad_outputs."""
        if getattr(self, "_pre_hooks", None) is None:
            self._pre_hooks = {}
        h = RemovableHandle(self._pre_hooks)
        self._pre_hooks[h.id] = fn
        return h

    def _sequence_nr(self):
        return getattr(self, "_seq", 0)

    def __call__(self, *grads):
        return self.apply(*grads)


class OpNode(Node):
    """Node of a primitive op: the derivative lives on the primitive, the saved state here."""
    __slots__ = ("_prim", "args", "_saved", "_saved_ver", "_out", "_out_ver", "_out_meta", "_freed", "_anomaly")

    def _check_alive(self):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors "
                "after they have already been freed). Saved intermediate values of the graph are freed when "
                "you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
                "through the graph a second time or if you need to access saved tensors after calling "
                "backward.")

    @property
    def saved(self):
        """The saved inputs, checked against the version they had when saved."""
        self._check_alive()
        saved = self._saved
        for t, v in zip(saved, self._saved_ver):
            if t is not None and t._version is not None and t._version[0] != v:
                _errors.raise_modified_inplace(t, self, v)
        return saved

    @property
    def output(self):
        """The saved output, rebuilt as a tensor whose grad_fn is this node (so create_graph works)."""
        self._check_alive()
        arr, ver = self._out, self._out_ver
        if ver is not None and ver[0][0] != ver[1]:
            from .._tensor import Tensor
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [{_errors.type_name(arr)}] is at version {ver[0][0]}; expected version {ver[1]} "
                f"instead. Hint: the backtrace further above shows the operation that failed to compute its "
                f"gradient. The variable in question was changed in there or anywhere later. Good luck!")
        from .._tensor import _make_output
        return _make_output(arr, self)

    def apply(self, *grads):
        return self._prim.bwd(self, *grads)

    def _release(self):
        self._saved = ()
        self._out = None
        self._freed = True


class AccumulateGrad(Node):
    """Terminal node of a leaf that requires grad: adds the incoming gradient into ``variable.grad``."""
    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._seq = 1 << 62

    def apply(self, grad):
        raise RuntimeError("AccumulateGrad is applied by the engine")


class GraphRoot(Node):
    __slots__ = ()


def grad_accumulator(t):
    """The (cached) AccumulateGrad node of leaf ``t``; the tensor holds it weakly, the graph strongly."""
    ref = t._grad_acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._grad_acc = weakref.ref(acc)
    return acc


_node_types = {}


def node_type(name):
    """A Node subclass named ``name`` (one per primitive, created once)."""
    cls = _node_types.get(name)
    if cls is None:
        cls = type(name, (OpNode,), {"__slots__": ()})
        cls.__module__ = "builtins"  # repr as torch: <MulBackward0 object at 0x...>
        cls.__qualname__ = name
        _node_types[name] = cls
    return cls
