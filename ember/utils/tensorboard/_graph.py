"""``add_graph``: a TensorBoard ``GraphDef`` of a model's forward pass, traced through autograd.

torch traces with TorchScript; ember has no JIT, so the forward runs once (in eval mode, grad enabled,
floating inputs made to require grad) and the recorded autograd graph *is* the trace: each backward
node stands for the forward op that made it (``AddmmBackward0`` -> ``aten::addmm``), its edges are the
data flow, leaves are the inputs and parameters.  Forward hooks on every submodule give each op the
scope of the innermost module that ran it, named as torch names scopes (``Net/Linear[fc1]``), so
TensorBoard nests the graph by module.  Ops that do not take part in autograd (integer arithmetic,
work under ``no_grad``) are not in the graph.
"""
import re

from ..._tensor import Tensor
from ...autograd import enable_grad
from ._proto import DeviceStepStats, GraphDef, NodeDef, RunMetadata, StepStats, VersionDef, AttrValue, shape_proto

__all__ = ["graph"]

_WORD = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")


def _op_name(node):
    """``MaxPool2DWithIndicesBackward0`` -> ``aten::max_pool2d_with_indices``."""
    name = node.name()
    if name.startswith("torch::autograd::"):
        return name.replace("torch::autograd::", "autograd::")
    base = re.sub(r"Backward\d*$", "", name)
    return "aten::" + _LOWER_UPPER.sub(r"\1_\2", _WORD.sub(r"\1_\2", base)).lower()


def _flatten(obj):
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _flatten(o)]
    return []


def _node_def(name, op, inputs, shapes):
    attr = {"_output_shapes": AttrValue(list=AttrValue.ListValue(shape=[shape_proto(s) for s in shapes]))} \
        if shapes else {}
    return NodeDef(name=name, op=op, input=inputs, attr=attr)


def _scopes(model):
    """Module -> scope string, ``Net/Sequential[layer1]/Conv2d[0]``, for every submodule."""
    root = type(model).__name__
    scopes = {}
    for qualname, module in model.named_modules():
        if not qualname:
            scopes[id(module)] = root
            continue
        parent, _, attr = qualname.rpartition(".")
        parent_scope = scopes[id(model.get_submodule(parent))] if parent else root
        scopes[id(module)] = f"{parent_scope}/{type(module).__name__}[{attr}]"
    return scopes


def graph(model, args, verbose=False, use_strict_trace=True):
    """``(GraphDef, RunMetadata)`` for ``model(*args)``, as torch's ``tensorboard._pytorch_graph.graph``.

    ``use_strict_trace`` is accepted for signature compatibility: the autograd trace records any nested
    list/tuple/dict of output tensors.
    """
    if args is None:
        args = ()
    elif isinstance(args, Tensor):
        args = (args,)
    else:
        args = tuple(args)
    scopes = _scopes(model)
    node_scope = {}
    leaves = {}   # id(leaf tensor) -> graph node name
    io_nodes = []
    traced = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            name = f"input/input.{i + 1}"
            io_nodes.append(_node_def(name, "IO Node", [], [a.shape]))
            if a.dtype.is_floating_point or a.dtype.is_complex:
                a = a.detach().requires_grad_(True)
                leaves[id(a)] = name
        traced.append(a)
    for pname, p in model.named_parameters():
        owner, _, attr = pname.rpartition(".")
        scope = scopes[id(model.get_submodule(owner))] if owner else scopes[id(model)]
        leaves[id(p)] = f"{scope}/{attr}"

    def claim(module, inputs, output):
        scope = scopes.get(id(module))
        stack = [t.grad_fn for t in _flatten(output) if t.grad_fn is not None]
        while stack:
            fn = stack.pop()
            if fn in node_scope or type(fn).__name__ == "AccumulateGrad":
                continue
            node_scope[fn] = scope
            stack.extend(nf for nf, _ in fn.next_functions if nf is not None)

    hooks = [m.register_forward_hook(claim) for m in model.modules()]
    was_training = model.training
    model.train(False)
    try:
        with enable_grad():
            outputs = _flatten(model(*traced))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()

    # walk the whole graph from the outputs; a producer's output shapes are its consumers' input metadata
    ops, leaf_nodes, shapes = [], [], {}
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen = set()
    while stack:
        fn = stack.pop()
        if fn in seen:
            continue
        seen.add(fn)
        if type(fn).__name__ == "AccumulateGrad":
            leaf_nodes.append(fn)
            continue
        ops.append(fn)
        meta = getattr(fn, "_in_meta", None) or (None,) * len(fn.next_functions)
        for (nf, nr), m in zip(fn.next_functions, meta):
            if nf is not None:
                if m is not None:
                    shapes.setdefault(nf, {})[nr] = m[0]
                stack.append(nf)
    for t in outputs:
        if t.grad_fn is not None:
            shapes.setdefault(t.grad_fn, {})[t.output_nr] = t.shape
    ops.sort(key=lambda fn: fn._sequence_nr())   # execution order
    order = {name: i for i, name in enumerate(leaves.values())}
    leaf_nodes.sort(key=lambda fn: order.get(leaves.get(id(fn.variable)), len(order)))
    root = scopes[id(model)]
    names, counts = {}, {}
    for i, fn in enumerate(leaf_nodes):
        names[fn] = leaves.get(id(fn.variable), f"{root}/constant.{i + 1}")
    for fn in ops:
        short = _op_name(fn).split("::")[1]
        k = counts[short] = counts.get(short, 0) + 1
        names[fn] = f"{node_scope.get(fn, root)}/{short}.{k}"

    nodes = list(io_nodes)
    nodes += [_node_def(names[fn], "prim::GetAttr", [], [fn.variable.shape])
              for fn in leaf_nodes if not names[fn].startswith("input/")]
    for fn in ops:
        inputs = [names[nf] for nf, _ in fn.next_functions if nf is not None]
        out_shapes = shapes.get(fn, {})
        nodes.append(_node_def(names[fn], _op_name(fn), inputs, [out_shapes[k] for k in sorted(out_shapes)]))
    for i, t in enumerate(outputs):
        src = [names[t.grad_fn]] if t.grad_fn is not None else []
        nodes.append(_node_def(f"output/output.{i + 1}", "IO Node", src, [t.shape]))
    if verbose:
        for n in nodes:
            shapes = [[d.size for d in s.dim] for s in n.attr["_output_shapes"].list.shape] \
                if "_output_shapes" in n.attr else []
            print(f"{n.name} = {n.op}({', '.join(n.input)})  # {shapes}")
    stats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device="/device:CPU:0")]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22)), stats
