"""Graph nodes (``torch.autograd.graph``): ``Node``, ``GradientEdge``, hooks on nodes and tensors.

A node is made when an op runs on inputs that require grad.  It records the op's ``next_functions``
edges, what the derivative needs (saved inputs, saved output, non-tensor args) and the input metadata
used to reduce broadcast gradients.  Every primitive gets its own Node subclass named like torch's
(``MulBackward0``), so ``repr(t.grad_fn)`` reads exactly as in torch.  Nodes are numbered in creation
order (``_sequence_nr()``); the engine runs the most recent ready node first, as torch's does.

Nodes never hold the tensors they produce: a saved output is kept as its array and rebuilt on
unpacking, so graphs are freed by reference counting alone (no cycles between nodes and tensors).
"""
import itertools
import re
from weakref import ref as _weakref
from collections import namedtuple

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "increment_version", "register_multi_grad_hook",
           "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "allow_mutation_on_saved_tensors"]

_sequence = itertools.count()


class RemovableHandle:
    """Returned by every ``register_*_hook``; ``remove()`` unregisters (``torch.utils.hooks.RemovableHandle``)."""
    _ids = itertools.count()
    __slots__ = ("_hooks_dict", "id")

    def __init__(self, hooks_dict):
        self._hooks_dict = hooks_dict
        self.id = next(RemovableHandle._ids)

    def remove(self):
        self._hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(d, fn):
    h = RemovableHandle(d)
    d[h.id] = fn
    return h


class Node:
    """Base of every backward node (``torch.autograd.graph.Node``).

    Calling a node (``grad_fn(*grads)``) runs its derivative on the given output gradients.  Hooks:
    ``register_prehook(fn(grad_outputs))`` before it runs, ``register_hook(fn(grad_inputs,
    grad_outputs))`` after; either may return replacements.
    """
    __slots__ = ("next_functions", "_seq", "_in_meta", "__weakref__", "__dict__")
    # set per node only when used (they live in the instance dict then)
    _hooks = None
    _pre_hooks = None
    _tensor_hooks = None  # {output_nr: {id: hook}}: hooks registered on the non-leaf tensors it produced
    _retained = None      # {output_nr: weakref to a tensor that called retain_grad()}
    _out_meta = None      # ((shape, numpy dtype), ...) of the outputs of a multi-output node
    _anomaly = None       # the forward traceback, recorded under detect_anomaly

    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        d = self.__dict__.get("metadata_")
        if d is None:
            d = self.__dict__["metadata_"] = {}
        return d

    @property
    def requires_grad(self):
        return True

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node runs; may return replacement grad_inputs."""
        if self._hooks is None:
            self._hooks = {}
        return _add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node runs; may return replacement grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _add_hook(self._pre_hooks, fn)

    def _sequence_nr(self):
        return self._seq

    def _set_sequence_nr(self, n):
        self._seq = n

    def _n_outputs(self):
        meta = self._out_meta
        return len(meta) if meta else 1

    def _release(self):
        """Free what was saved for backward (after a backward without ``retain_graph``)."""

    def _engine_apply(self, grads):
        """The derivative as the engine calls it: a tuple with one gradient (or None) per input."""
        out = self.apply(*grads)
        return out if type(out) is tuple else tuple(out) if isinstance(out, list) else (out,)

    def __call__(self, *grads):
        return self.apply(*grads)


def _strip_backward(name):
    return re.sub(r"Backward\d*$", "", name)


def raise_modified(data, version, expected, fn_name, output_nr):
    """torch's error for a saved tensor (array ``data``, counter ``version``) changed in place after saving."""
    from .. import _errors
    from .anomaly_mode import anomaly_state
    where = f", which is output {output_nr} of {_strip_backward(fn_name)}," if fn_name is not None else ""
    if anomaly_state.enabled:
        hint = ("Hint: the backtrace further above shows the operation that failed to compute its gradient. The "
                "variable in question was changed in there or anywhere later. Good luck!")
    else:
        hint = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).")
    raise RuntimeError(f"one of the variables needed for gradient computation has been modified by an inplace "
                       f"operation: [{_errors.type_name(data)}]{where} is at version {version[0]}; expected "
                       f"version {expected} instead. {hint}")


_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.")


_UNVERSIONED = frozenset((type(None), int, float, bool, complex))


class _Packed:
    """What ``pack_hook`` returned for one saved tensor."""
    __slots__ = ("packed",)

    def __init__(self, packed):
        self.packed = packed


def pack_saved(node, inputs):
    """Save ``inputs`` on ``node`` through the innermost ``saved_tensors_hooks`` pair."""
    from .._tensor import Tensor
    hooks = _saved_hooks.pop()  # ops inside the pack hook are not packed again
    try:
        pack, node._unpack = hooks
        node._saved = tuple(_Packed(pack(x)) if isinstance(x, Tensor) else x for x in inputs)
    finally:
        _saved_hooks.append(hooks)


class OpNode(Node):
    """Node of a primitive op: the derivative lives on the primitive, the saved state here."""
    __slots__ = ("_prim", "args", "_saved", "_saved_ver")
    # set per node only when used
    _out = None      # the saved output array(s)
    _out_ver = None  # (version counter of the output, its value when saved)
    _unpack = None   # the unpack hook when the saved inputs were packed by ``saved_tensors_hooks``

    def __init__(self):
        self._seq = next(_sequence)
        self._saved = ()

    @property
    def _freed(self):
        """Whether a backward without ``retain_graph`` released the saved state (``_saved`` is None then)."""
        return self._saved is None

    @property
    def saved(self):
        """The saved inputs, checked against the version they had when saved."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        if self._unpack is not None:
            unpack = self._unpack
            return tuple(unpack(p.packed) if type(p) is _Packed else p for p in saved)
        for t, v in zip(saved, self._saved_ver):
            if type(t) in _UNVERSIONED:  # an input not saved (None) or a Python scalar
                continue
            ver = getattr(t, "_version", None)
            if ver is not None and ver[0] != v:
                fn = t.grad_fn  # the property: a view's history is re-created after in-place changes
                raise_modified(t._data, ver, v, fn.name() if fn is not None else None, t._output_nr)
        return saved

    @property
    def output(self):
        """The saved output, rebuilt as a tensor whose grad_fn is this node (so create_graph works)."""
        if self._saved is None:
            raise RuntimeError(_FREED)
        arr, ver = self._out, self._out_ver
        if ver is not None and ver[0][0] != ver[1]:
            raise_modified(arr, ver[0], ver[1], self.name(), 0)
        from .._tensor import _make_output
        return _make_output(arr, self)

    def apply(self, *grads):
        return self._prim.bwd(self, *grads)

    def _engine_apply(self, grads):
        # derivatives are written for defined gradients: all missing -> none flow on; some -> zeros
        if len(grads) == 1:
            if grads[0] is None:
                return (None,) * len(self.next_functions)
        else:
            missing = [i for i, g in enumerate(grads) if g is None]
            if missing:
                if len(missing) == len(grads):
                    return (None,) * len(self.next_functions)
                from .._tensor import _zeros_for_output
                meta = self._out_meta
                for i in missing:
                    # integer outputs (argmax / pooling indices) never carry a gradient: allocate nothing
                    if meta[i][1].kind not in "iub":
                        grads[i] = _zeros_for_output(self, i)
        out = self._prim.bwd(self, *grads)
        return out if type(out) is tuple else tuple(out) if isinstance(out, list) else (out,)

    def _release(self):
        self._saved = None
        if self._out is not None:
            self._out = None


class AccumulateGrad(Node):
    """Terminal node of a leaf that requires grad: adds the incoming gradient into ``variable.grad``."""
    __slots__ = ("variable",)
    # the same for every accumulator, so class-level: making one (on every forward that reaches a leaf whose
    # previous graph is gone) only sets ``variable``
    next_functions = ()
    _seq = (1 << 64) - 1  # torch's UINT64_MAX: runs first among ready nodes
    _in_meta = None

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def apply(self, grad):
        from .engine import accumulate_grad
        accumulate_grad(self.variable, grad, False)
        return ()


AccumulateGrad.__module__ = "builtins"  # repr as torch: <AccumulateGrad object at 0x...>


def grad_accumulator(t):
    """The (cached) AccumulateGrad node of leaf ``t``; the tensor holds it weakly, the graph strongly."""
    ref = t._grad_acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = _new_acc(AccumulateGrad)
        acc.variable = t
        t._grad_acc = _weakref(acc)
    return acc


_new_acc = object.__new__


_node_types = {}


def node_type(name):
    """A Node subclass named ``name`` (one per primitive, created once)."""
    cls = _node_types.get(name)
    if cls is None:
        cls = type(name, (OpNode,), {"__slots__": ()})
        cls.__module__ = "builtins"  # repr as torch: <MulBackward0 object at 0x...>
        cls.__qualname__ = name
        if name in ("CopySlices", "CopyBackwards", "GraphRoot", "Error", "DelayedError", "Identity",
                    "NotImplemented"):
            cls.name = lambda self, _n="torch::autograd::" + name: _n
        _node_types[name] = cls
    return cls


# ----------------------------------------------------------------------------------------------------
# gradient edges and multi-tensor hooks

class GradientEdge(namedtuple("GradientEdge", ("node", "output_nr"))):
    """``torch.autograd.graph.GradientEdge``: where a tensor's gradient enters the graph.

    May stand in for a tensor in ``autograd.grad``'s ``inputs`` and ``outputs``."""
    __slots__ = ()


GradientEdge.__module__ = "torch.autograd.graph"


def get_gradient_edge(tensor):
    """The edge a tensor's gradient flows into: ``(grad_fn, output_nr)``, or the leaf's AccumulateGrad."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    fn = tensor.grad_fn
    if fn is None:
        return GradientEdge(grad_accumulator(tensor), 0)
    return GradientEdge(fn, tensor.output_nr)


def increment_version(tensor):
    """Bump the version counter(s) as an in-place op would (``torch.autograd.graph.increment_version``)."""
    from .._tensor import Tensor
    for t in ((tensor,) if isinstance(tensor, Tensor) else tensor):
        t._bump()


class _MultiHandle:
    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """``torch.autograd.graph.register_multi_grad_hook``.

    mode "all": after the gradients of all ``tensors`` that take part in a backward are computed,
    ``fn(grads)`` runs once with one entry per tensor (None for those not reached).  mode "any":
    ``fn(grad)`` runs once per backward, with the first of those gradients computed.
    """
    from . import engine
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        fired = {"task": None}

        def any_hook(grad):
            task = engine.current_task()
            if fired["task"] is not task:
                fired["task"] = task
                fn(grad)
        return _MultiHandle(tuple(t.register_hook(any_hook) for t in tensors if t.requires_grad))

    state = {"task": None, "grads": None, "left": 0}

    def start(task):
        state["task"] = task
        state["grads"] = [None] * len(tensors)
        state["left"] = sum(1 for t in tensors if t.requires_grad and engine.will_be_reached(task, t))

    def make_hook(i):
        def hook(grad):
            task = engine.current_task()
            if state["task"] is not task:
                start(task)
            state["grads"][i] = grad
            state["left"] -= 1
            if state["left"] == 0:
                grads, state["grads"] = state["grads"], None
                fn(tuple(grads))
        return hook

    return _MultiHandle(tuple(t.register_hook(make_hook(i)) for i, t in enumerate(tensors) if t.requires_grad))


# (pack, unpack) pairs of the active ``saved_tensors_hooks``, innermost last; a non-None string while
# ``disable_saved_tensors_hooks`` is active holds its error message
_saved_hooks = []
_hooks_disabled = [None]


class saved_tensors_hooks:
    """``with saved_tensors_hooks(pack_hook, unpack_hook):`` — every tensor an op saves for its backward is
    replaced by ``pack_hook(tensor)``, and ``unpack_hook(packed)`` gives it back when the backward needs it.

    As in torch, the innermost pair applies.  Ember routes the inputs that ops save through the hooks; an op's
    saved *output* stays as it is (the derivatives read it in place), and ``autograd.Function``'s
    ``save_for_backward`` is not hooked.  The stack is per process, not per thread."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _hooks_disabled[0] is not None:
            raise RuntimeError(_hooks_disabled[0])
        _saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors live in CPU memory (optionally pinned) and return to their device for the backward."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(t):
            packed = t.detach().to("cpu", copy=True)
            if pin_memory and t.device.type != "cpu":
                packed = packed.pin_memory()
            return t.device, packed

        def unpack(packed):
            device, t = packed
            return t.to(device, non_blocking=pin_memory)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Within the block, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self._old = _hooks_disabled[0]
        _hooks_disabled[0] = self.error_message
        return self

    def __exit__(self, *exc):
        _hooks_disabled[0] = self._old


class _NotSupported:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"ember: torch.autograd.graph.{type(self).__name__} is not implemented")


class allow_mutation_on_saved_tensors(_NotSupported):
    pass
