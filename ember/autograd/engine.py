"""The backward engine: one generic walk over the graph, knowing no op by name.

It counts, for every node reachable from the roots, how many edges point at it, then runs nodes whose
count has dropped to zero (so a 10,000-step chain needs no recursion), most recently created first
(torch's ready queue order, AccumulateGrad before all).  For each node, as torch's engine: tensor
hooks, ``retain_grad``, pre-hooks, the derivative, then the checks of ``validate_outputs`` (gradients
summed back to each input's shape and cast to its dtype), anomaly checks and post-hooks.  Gradients
reaching a node are summed per output slot.

``autograd.grad`` and ``backward(inputs=...)`` run only the nodes on a path to the wanted edges;
``grad`` captures the gradient arriving there instead of accumulating it.
"""
import threading
import warnings
from heapq import heappop, heappush

import numpy as np

from . import grad_mode
from .anomaly_mode import anomaly_state
from .graph import AccumulateGrad, OpNode

_local = threading.local()


class _Task:
    """The state of one ``execute`` call (torch's GraphTask)."""
    __slots__ = ("deps", "needed", "captures", "captured", "keep_graph", "create_graph", "shared")


def current_task():
    """The graph task running on this thread (the innermost, for a backward started by a hook)."""
    return getattr(_local, "task", None)


def will_be_reached(task, t):
    """Whether the node ``t``'s gradient enters will run (or be captured) in ``task``."""
    if task is None:
        return False
    fn = t._grad_fn
    if fn is None:
        ref = t._grad_acc
        fn = ref() if ref is not None else None
    if fn is None or fn not in task.deps:
        return False
    return task.needed is None or fn in task.needed or fn in task.captures


_warned_cycle = [False]


def warn_create_graph_cycle():
    if not _warned_cycle[0]:
        _warned_cycle[0] = True
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this. If you have to use this function, make sure to reset the "
                      ".grad fields of your parameters to None after use to break the cycle and avoid the leak.",
                      UserWarning, stacklevel=3)


def execute(roots, grad_roots, keep_graph, create_graph, input_edges=None, accumulate=True):
    """Run backward from the edges ``roots`` seeded with ``grad_roots``.

    ``input_edges`` (edges, ``(None, 0)`` for an unreachable leaf): with ``accumulate=False`` the gradients
    arriving there are returned (``autograd.grad``); with ``accumulate=True`` only the part of the graph
    leading to them runs (``backward(inputs=...)``).
    """
    task = _Task()
    task.keep_graph = keep_graph
    task.create_graph = create_graph
    # arrays that may be seen outside the engine: never taken over as a leaf's .grad without a copy
    task.shared = shared = set()
    for g in grad_roots:
        if g is not None:
            shared.add(_memory_id(g._data))

    # dependency counts over the reachable graph
    deps = {}
    stack = []
    for n, _ in roots:
        if n not in deps:
            deps[n] = 0
            stack.append(n)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None:
                d = deps.get(nxt)
                if d is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = d + 1
    task.deps = deps

    captured = None
    needed = captures = None
    if input_edges is not None:
        captures = {}
        if not accumulate:
            captured = [None] * len(input_edges)
            for i, (n, nr) in enumerate(input_edges):
                if n is not None:
                    captures.setdefault(n, []).append((nr, i))
            targets = set(captures)
        else:
            targets = {n for n, _ in input_edges if n is not None}
        needed = _nodes_leading_to(targets, deps, roots, accumulate)
    task.needed = needed
    task.captures = captures
    task.captured = captured

    if len(roots) == 1:  # loss.backward()
        (node, nr), = roots
        g, = grad_roots
        meta = node._out_meta
        if not meta:
            buffers = {node: [g]}
        else:
            buf = [None] * len(meta)
            buf[nr] = g
            buffers = {node: buf}
        deps[node] = -1  # queued
        ready = [(-node._seq, 0, node)]
        tie = 1
    else:
        buffers = {}
        for (node, nr), g in zip(roots, grad_roots):
            buf = buffers.get(node)
            if buf is None:
                meta = node._out_meta
                buf = buffers[node] = [None] * (len(meta) if meta else 1)
            buf[nr] = g if buf[nr] is None else buf[nr] + g
        ready = []
        tie = 0
        for n, _ in roots:
            if deps[n] == 0:
                deps[n] = -1  # queued
                ready.append((-n._seq, tie, n))
                tie += 1
        ready.sort()

    state = grad_mode.state
    prev_mode = state.enabled
    prev_task = getattr(_local, "task", None)
    state.enabled = create_graph
    _local.task = task
    try:
        while ready:
            node = heappop(ready)[2]
            grads = buffers.pop(node, None)
            if grads is None:
                meta = node._out_meta
                grads = [None] * (len(meta) if meta else 1)
            if needed is not None:
                is_needed = node in needed
                if not is_needed:
                    grads = _tensor_pre_hooks(node, grads, task)
                caps = captures.get(node)
                if caps:
                    for nr, i in caps:
                        g = captured[i] = grads[nr]
                        if g is not None:
                            shared.add(_memory_id(g._data))
                if not is_needed:
                    continue
            if type(node) is AccumulateGrad:
                if node.variable._hooks or node._pre_hooks or node._hooks:
                    _run_accumulate(node, grads, task)
                else:
                    accumulate_grad(node.variable, grads[0], create_graph, shared)
                continue
            if node._tensor_hooks is not None or node._retained is not None:
                grads = _tensor_pre_hooks(node, grads, task)
            if node._pre_hooks:
                grads = _pre_hooks(node, grads, task)
            if anomaly_state.enabled or node._hooks or not isinstance(node, OpNode):
                out = _run_node(node, grads, task)
            else:
                # ``_run_node`` for an op node without hooks or anomaly mode, inline
                out = node._engine_apply(grads)
                n_out = len(out)
                if n_out == 2:
                    if out[0] is not None and out[1] is not None:
                        _mark_repeated(out, shared)
                elif n_out > 2:
                    _mark_repeated(out, shared)
                meta = node._in_meta
                if meta is not None:
                    if n_out != len(meta):
                        out = _validate(node, out, meta)
                    else:
                        for g, m in zip(out, meta):
                            if g is not None and m is not None:
                                a = g._data
                                if a.shape != m[0] or (a.dtype is not m[1] and a.dtype != m[1]):
                                    out = _validate(node, out, meta)
                                    break
                if not keep_graph:
                    node._release()
            i = 0
            for nxt, nr in node.next_functions:
                if nxt is not None and (needed is None or nxt in needed or nxt in captures):
                    g = out[i] if i < len(out) else None
                    if g is not None:
                        buf = buffers.get(nxt)
                        if buf is None:
                            meta = nxt._out_meta
                            if not meta:
                                buffers[nxt] = [g]
                            else:
                                buf = buffers[nxt] = [None] * len(meta)
                                buf[nr] = g
                        else:
                            old = buf[nr]
                            buf[nr] = g if old is None else old + g
                    d = deps[nxt] - 1
                    deps[nxt] = d
                    if d == 0:
                        heappush(ready, (-nxt._seq, tie, nxt))
                        tie += 1
                i += 1
    finally:
        state.enabled = prev_mode
        _local.task = prev_task
    return captured


def _nodes_leading_to(targets, deps, roots, accumulate):
    """torch's ``init_to_execute``: the nodes that must run for the wanted edges (a path leads from them to
    a target; with ``accumulate`` the targets themselves run too).  No recursion."""
    # reverse topological order of the reachable graph
    indeg = dict(deps)
    order = []
    ready = [n for n in dict.fromkeys(n for n, _ in roots) if indeg[n] == 0]
    while ready:
        n = ready.pop()
        order.append(n)
        for c, _ in n.next_functions:
            if c is not None:
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
    needed = set()
    for n in reversed(order):
        if accumulate and n in targets:
            needed.add(n)
            continue
        for c, _ in n.next_functions:
            if c is not None and (c in needed or c in targets):
                needed.add(n)
                break
    for n, _ in roots:
        needed.add(n)  # the graph root always runs, as torch's
    return needed


def _tensor_pre_hooks(node, grads, task):
    """Hooks registered on the tensors this node produced, then retain_grad (torch's order)."""
    if type(node) is AccumulateGrad:
        hooks = node.variable._hooks
        if hooks:
            g = grads[0]
            _share(grads, task)
            for hook in tuple(hooks.values()):
                new = hook(g)
                if new is not None:
                    g = _check_hook_result(new, g, hook)
                    task.shared.add(_memory_id(g._data))
            grads[0] = g
        return grads
    th = node._tensor_hooks
    if th:
        _share(grads, task)
        for nr, hooks in th.items():
            g = grads[nr]
            for hook in tuple(hooks.values()):
                new = hook(g)
                if new is not None:
                    g = _check_hook_result(new, g, hook)
                    task.shared.add(_memory_id(g._data))
            grads[nr] = g
    retained = node._retained
    if retained:
        for nr, ref in retained.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                t._grad = g.clone() if t._grad is None else t._grad + g
    return grads


def _check_hook_result(new, old, hook):
    """torch's ``check_single_result``: a tensor hook must return a tensor of the same size and type."""
    from .._tensor import Tensor
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if old is not None:
        name = getattr(hook, "__name__", type(hook).__name__)
        if new._data.dtype != old._data.dtype or type(new._data) is not type(old._data):
            raise RuntimeError(f"hook '{name}' has changed the type of value (was {_type_str(old)} got "
                               f"{_type_str(new)})")
        if new._data.shape != old._data.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
    return new


def _type_str(t):
    from .._errors import scalar_type_name
    prefix = "torch." if t.device.type == "cpu" else "torch.cuda."
    return f"{prefix}{scalar_type_name(t.dtype)}Tensor"


def _share(grads, task):
    """Tensors handed to user hooks may be kept by them: never take their memory over as a .grad."""
    for g in grads:
        if g is not None:
            task.shared.add(_memory_id(g._data))


def _pre_hooks(node, grads, task):
    _share(grads, task)
    for hook in tuple(node._pre_hooks.values()):
        new = hook(tuple(grads))
        if new is not None:
            grads = list(new)
            for g in grads:
                if g is not None:
                    task.shared.add(_memory_id(g._data))
    return grads


def _run_accumulate(node, grads, task):
    if node.variable._hooks:
        grads = _tensor_pre_hooks(node, grads, task)
    if node._pre_hooks:
        grads = _pre_hooks(node, grads, task)
    accumulate_grad(node.variable, grads[0], task.create_graph, task.shared)
    hooks = node._hooks
    if hooks:
        _share(grads, task)
        for hook in tuple(hooks.values()):
            hook((), tuple(grads))


def _run_node(node, grads, task):
    """Apply the derivative, then torch's output checks, anomaly checks and post-hooks."""
    if anomaly_state.enabled:
        try:
            out = node._engine_apply(grads)
        except Exception:
            _warn_anomaly(node)
            raise
    else:
        out = node._engine_apply(grads)
    if not isinstance(node, OpNode):
        for g in out:
            if g is not None:
                task.shared.add(_memory_id(g._data))
    elif len(out) == 2:
        if out[0] is not None and out[1] is not None:
            _mark_repeated(out, task.shared)
    elif len(out) > 2:
        _mark_repeated(out, task.shared)
    meta = node._in_meta
    if meta is not None:
        # torch's validate_outputs; nothing to do for gradients of the inputs' exact shapes and dtypes
        if len(out) != len(meta):
            out = _validate(node, out, meta)
        else:
            for g, m in zip(out, meta):
                if g is not None and m is not None:
                    a = g._data
                    if a.shape != m[0] or (a.dtype is not m[1] and a.dtype != m[1]):
                        out = _validate(node, out, meta)
                        break
    if anomaly_state.enabled and anomaly_state.check_nan:
        _check_nan(node, out)
    hooks = node._hooks
    if hooks:
        _share(out, task)
        _share(grads, task)
        for hook in tuple(hooks.values()):
            new = hook(tuple(out), tuple(grads))
            if new is not None:
                out = tuple(new)
                for g in out:
                    if g is not None:
                        task.shared.add(_memory_id(g._data))
    if not task.keep_graph:
        node._release()
    return out


def _memory_id(a):
    """Identifies the memory an array lives in: the id of the array owning it (``a``'s base, or ``a``)."""
    b = a.base
    return id(a if b is None else b)


def _private_owner(a, like, shared):
    """The array ``a`` can be taken over as, without a copy, as the ``.grad`` of a leaf whose data is ``like``:
    ``a`` itself or its base when ``a`` aliases the whole base with the same layout (e.g. ``(gᵀ·x)ᵀ.t()``, the
    weight gradient of ``linear``), provided nothing outside the engine has seen that memory and its layout and
    dtype are the leaf's.  None when a copy is needed."""
    b = a.base
    owner = a if b is None else b
    if id(owner) in shared or type(owner) is not type(like) or (b is not None and b.base is not None) \
            or owner.dtype != a.dtype:
        return None
    flags = owner.flags
    if not getattr(flags, "writeable", True):
        return None
    if owner is not a and not (type(a) is np.ndarray and a.shape == owner.shape and a.strides == owner.strides
                               and a.ctypes.data == owner.ctypes.data):
        return None
    return owner if (flags.c_contiguous if like.flags.c_contiguous else owner.strides == like.strides) else None


def _mark_repeated(out, shared):
    """An array sent along two edges (``AddBackward0`` returns ``(g, g)``) must not become two leaves' .grad."""
    ids = [_memory_id(g._data) for g in out if g is not None]
    if len(ids) > 1 and len(set(ids)) != len(ids):
        seen = set()
        for i in ids:
            if i in seen:
                shared.add(i)
            seen.add(i)


def _validate(node, grads, meta):
    """torch's ``validate_outputs``: count, then reduce broadcast gradients to the input's shape and cast."""
    if len(grads) != len(meta):
        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients (expected "
                           f"{len(meta)}, got {len(grads)})")
    out = None
    for i, g in enumerate(grads):
        m = meta[i]
        if g is None or m is None:
            continue
        shape, dt = m
        a = g._data
        if a.shape != shape:
            if not _expandable(shape, a.shape):
                raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                                   f"{list(a.shape)} but expected shape compatible with {list(shape)}")
            g = g.sum_to_size(shape)
        if g._data.dtype != dt:
            if g._data.dtype.kind == "c" and dt.kind != "c":
                g = g.real  # a real input of a complex op: torch's handle_r_to_c keeps the real part
            g = g.to(_dtype_of(dt))
        if g is not grads[i]:
            if out is None:
                out = list(grads)
            out[i] = g
    return grads if out is None else out


def _expandable(shape, to):
    if len(shape) > len(to):
        return False
    for s, t in zip(reversed(shape), reversed(to)):
        if s != t and s != 1:
            return False
    return True


def _dtype_of(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


def _warn_anomaly(node):
    tb = node._anomaly
    if tb:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{tb}",
                      UserWarning, stacklevel=4)


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind in "fc" and bool(np.isnan(g._data).any()):
            _warn_anomaly(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def accumulate_grad(t, grad, create_graph, shared=()):
    """torch's ``AccumulateGrad``: add ``grad`` into leaf ``t``'s ``.grad``, then run its post-accumulate hooks.

    The first gradient is taken over without a copy when nothing else can see its array; later ones are
    added in place (out of place, recording the graph, under ``create_graph``).
    """
    if grad is None or not t._requires_grad:
        return
    a = grad._data
    va = t._data
    if a.shape != va.shape:
        grad = grad.sum_to_size(va.shape)
        a = grad._data
    if a.dtype != va.dtype:
        grad = grad.to(t.dtype)
        a = grad._data
    old = t._grad
    if old is None:
        if create_graph:
            t._grad = _copy_with_graph(t, grad)
        else:
            owner = _private_owner(a, va, shared)
            t._grad = _wrap_like(owner if owner is not None else _copy_layout(a, va))
    elif create_graph or grad_mode.state.enabled:
        t._grad = old + grad
    else:
        o = old._data
        if o.flags.writeable:
            o += a
            old._bump()
        else:
            old._data = o + a
    post = t._post_acc_hooks
    if post:
        for hook in tuple(post.values()):
            hook(t)


def _wrap_like(a):
    # rebinds itself to ember._tensor._wrap on first use (that module imports this one)
    global _wrap_like
    from .._tensor import _wrap as _wrap_like
    return _wrap_like(a)


def _copy_layout(a, like):
    """A copy of ``a`` laid out like ``like`` (torch's gradient layout contract)."""
    if like.flags.c_contiguous:
        return a.copy(order="C")
    out = np.empty_like(like) if type(like) is np.ndarray else like.copy()
    out[...] = a
    return out


def _copy_with_graph(t, grad):
    """The first gradient under create_graph: a copy that records ``CopyBackwards`` (as torch's clone)."""
    from .._tensor import _wrap
    out = _wrap(_copy_layout(grad._data, t._data))
    if grad._requires_grad:
        out.copy_(grad)
    return out
