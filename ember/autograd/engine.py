"""The backward engine: one generic walk over the graph, knowing no op by name.

It counts, for every node reachable from the roots, how many edges point at it, then runs nodes whose
count has dropped to zero (so a 10,000-step chain needs no recursion).  Gradients reaching a node are
summed per output slot; each node's input gradients are reduced to the input's shape and cast to its
dtype (as torch's ``validate_outputs``), then passed along its ``next_functions`` edges.
"""
import warnings

from . import grad_mode
from .anomaly_mode import anomaly_state
from .graph import AccumulateGrad, grad_accumulator


def _root_edge(t):
    fn = t._grad_fn
    if fn is not None:
        return fn, t._output_nr
    return grad_accumulator(t), 0


def _input_edge(t):
    if t._grad_fn is not None:
        return t._grad_fn, t._output_nr
    if not t._requires_grad:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return grad_accumulator(t), 0


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _n_outputs(node):
    meta = getattr(node, "_out_meta", None)
    return len(meta) if meta else 1


def execute(roots, grad_roots, *, keep_graph, create_graph, inputs=None, accumulate=True):
    """Run backward from ``roots`` seeded with ``grad_roots``.

    With ``inputs`` (a sequence of tensors) the gradients reaching them are returned instead of, or
    (``accumulate=True``) as well as being accumulated into their ``.grad``; only the part of the graph
    that leads to them runs.
    """
    edges = [_root_edge(t) for t in roots]

    # dependency counts over the reachable graph
    deps = {}
    children = {}
    stack = [n for n, _ in edges]
    seen = set(stack)
    while stack:
        node = stack.pop()
        nexts = [e[0] for e in node.next_functions if e[0] is not None]
        children[node] = nexts
        for nxt in nexts:
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)

    capture = None
    needed = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            capture.setdefault(_input_edge(t), []).append(i)
        targets = {n for n, _ in capture}
        needed = _nodes_leading_to(targets, children, deps, [n for n, _ in edges])
    captured = [None] * (len(inputs) if inputs is not None else 0)

    buffers = {}
    for (node, nr), g in zip(edges, grad_roots):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * _n_outputs(node)
        buf[nr] = _add(buf[nr], g)

    ready = [n for n in dict.fromkeys(n for n, _ in edges) if deps.get(n, 0) == 0]
    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is None:
                grads = [None] * _n_outputs(node)
            run = needed is None or node in needed
            if run:
                grads = _call_tensor_hooks(node, grads)
                if capture is not None:
                    for nr, g in enumerate(grads):
                        for i in capture.get((node, nr), ()):
                            captured[i] = g
                if isinstance(node, AccumulateGrad):
                    if accumulate and (capture is None or (node, 0) in capture):
                        _accumulate(node, grads[0], create_graph)
                    input_grads = ()
                elif capture is not None and not _leads_further(node, children, needed):
                    input_grads = ()
                else:
                    input_grads = _run_node(node, grads, keep_graph)
            else:
                input_grads = ()
            for i, (nxt, nr) in enumerate(node.next_functions):
                if nxt is None:
                    continue
                g = input_grads[i] if i < len(input_grads) else None
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * _n_outputs(nxt)
                    buf[nr] = _add(buf[nr], g)
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
            if accumulate and capture is not None and inputs is not None:
                _accumulate_captured_non_leaf(node, grads, capture, inputs)
    finally:
        grad_mode.state.enabled = prev_mode
    return captured


def _leads_further(node, children, needed):
    return any(c in needed for c in children.get(node, ()))


def _nodes_leading_to(targets, children, deps, roots):
    """Nodes from which some target can be reached (reverse topological sweep, no recursion)."""
    indeg = dict(deps)
    order = []
    ready = [n for n in dict.fromkeys(roots) if indeg.get(n, 0) == 0]
    while ready:
        n = ready.pop()
        order.append(n)
        for c in children.get(n, ()):
            indeg[c] -= 1
            if indeg[c] == 0:
                ready.append(c)
    needed = set()
    for n in reversed(order):
        if n in targets or any(c in needed for c in children.get(n, ())):
            needed.add(n)
    return needed


def _accumulate_captured_non_leaf(node, grads, capture, inputs):
    """``backward(inputs=[non_leaf])`` fills the non-leaf's ``.grad`` like torch."""
    if isinstance(node, AccumulateGrad):
        return
    for nr, g in enumerate(grads):
        for i in capture.get((node, nr), ()):
            t = inputs[i]
            if g is not None:
                t._grad = g.detach() if t._grad is None else t._grad + g.detach()


def _call_tensor_hooks(node, grads):
    pre = getattr(node, "_pre_hooks", None)
    th = getattr(node, "_tensor_hooks", None)
    retained = getattr(node, "_retained", None)
    if th:
        for nr, hooks in th.items():
            g = grads[nr]
            for hook in list(hooks.values()):
                new = hook(g)
                if new is not None:
                    g = new
            grads[nr] = g
    if retained:
        for nr, ref in retained.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                t._grad = g.detach().clone() if t._grad is None else t._grad + g.detach()
    if pre:
        for hook in list(pre.values()):
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _run_node(node, grads, keep_graph):
    from .._tensor import _zeros_for_output
    if any(g is None for g in grads):
        if all(g is None for g in grads):
            return ()
        grads = [g if g is not None else _zeros_for_output(node, i) for i, g in enumerate(grads)]
    out = node.apply(*grads)
    if type(out) is not tuple:
        out = (out,) if not isinstance(out, list) else tuple(out)
    meta = node._in_meta
    if meta is not None:
        out = _validate(node, out, meta)
    if anomaly_state.enabled:
        _check_nan(node, out)
    hooks = getattr(node, "_hooks", None)
    if hooks:
        for hook in list(hooks.values()):
            new = hook(out, tuple(grads))
            if new is not None:
                out = tuple(new)
    if not keep_graph:
        release = getattr(node, "_release", None)
        if release is not None:
            release()
    return out


def _validate(node, grads, meta):
    """Reduce broadcast gradients to the input's shape and cast to its dtype."""
    if len(grads) != len(meta):
        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                           f"(expected {len(meta)}, got {len(grads)})")
    out = list(grads)
    for i, (g, m) in enumerate(zip(grads, meta)):
        if g is None or m is None:
            continue
        shape, dt = m
        if g._data.shape != shape:
            try:
                g = g.sum_to_size(shape)
            except RuntimeError:
                raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                                   f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
        if g._data.dtype != dt:
            g = g.to(_dtype_of(dt))
        out[i] = g
    return out


def _dtype_of(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g.is_floating_point() and bool(g.isnan().any()):
            tb = getattr(node, "_anomaly", None)
            if tb:
                warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the "
                              f"error:\n{tb}", stacklevel=2)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _accumulate(acc, grad, create_graph):
    t = acc.variable
    if grad is None:
        return
    hooks = t._hooks
    if hooks:
        for hook in list(hooks.values()):
            new = hook(grad)
            if new is not None:
                grad = new
    if grad._data.shape != t._data.shape:
        grad = grad.sum_to_size(t.shape)
    if grad._data.dtype != t._data.dtype:
        grad = grad.to(t.dtype)
    old = t._grad
    if old is None:
        if create_graph:
            t._grad = grad
        else:
            t._grad = grad.detach()._owned_copy()
    elif create_graph or grad_mode.state.enabled:
        t._grad = old + grad
    else:
        old._accumulate_(grad)
    post = t._post_acc_hooks
    if post:
        for hook in list(post.values()):
            hook(t)
