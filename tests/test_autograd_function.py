"""Custom ``autograd.Function`` against the oracle: ctx API, outputs, errors, double backward."""
import re

import pytest
import torch

import ember
from conformance import assert_same

MODS = [ember, torch]


def both(fn):
    return fn(ember), fn(torch)


def same(fn, **kw):
    e, t = both(fn)
    assert_same(e, t, **kw)
    return e, t


def same_error(fn, exc=RuntimeError):
    msgs = []
    for m in MODS:
        with pytest.raises(exc) as info:
            fn(m)
        msgs.append(re.sub(r"0x[0-9a-f]+", "0x", str(info.value)))
    assert msgs[0] == msgs[1]
    return msgs[0]


def leaf(m, values=(1.0, 2.0, 3.0), dtype=None):
    return m.tensor(list(values), dtype=dtype or m.float32, requires_grad=True)


_classes = {}


def fn_class(m, name):
    """The test Functions, defined once per module (ember or torch)."""
    key = (m.__name__, name)
    if key not in _classes:
        _classes[key] = _define(m)[name]
    return _classes[key]


def _define(m):
    Function = m.autograd.Function
    once_differentiable = m.autograd.function.once_differentiable

    class MyFn(Function):
        @staticmethod
        def forward(ctx, a, k, b):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * k, 7, b.sum()

        @staticmethod
        def backward(ctx, g1, g2, g3):
            a, b = ctx.saved_tensors
            return g1 * ctx.k, None, g3.expand(3)

    class Id(Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class TooMany(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class GradForNonTensor(Function):
        @staticmethod
        def forward(ctx, a, k):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class ExtraNones(Function):
        @staticmethod
        def forward(ctx, a, k):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g, None, None

    class BadShape(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g.narrow(0, 0, 2)

    class SaveInt(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a, 3)
            return a * 2

    class Sq(Function):
        @staticmethod
        def forward(ctx, a):
            out = a * a
            ctx.save_for_backward(a, out)
            return out

        @staticmethod
        def backward(ctx, g):
            a, out = ctx.saved_tensors
            return 2 * a * g

    class Exp(Function):
        @staticmethod
        def forward(ctx, a):
            out = a.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * out

    class Dirty(Function):
        @staticmethod
        def forward(ctx, a):
            a.mul_(2)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class DirtyNotReturned(Function):
        @staticmethod
        def forward(ctx, a):
            a.mul_(2)
            ctx.mark_dirty(a)
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class ArgMax(Function):
        @staticmethod
        def forward(ctx, a):
            i = a.argmax()
            mx = a.max()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return mx, i

        @staticmethod
        def backward(ctx, g, gi):
            i, = ctx.saved_tensors
            return g * m.ones(3) + gi

    class NoMaterialize(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 1, a * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 if g2 is None else g1 + g2

    class Materialize(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1, a * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 + g2 * 2

    class Once(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 2 * a * g

    class NewStyle(Function):
        @staticmethod
        def forward(a, k=2):
            return a * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            a, k = inputs
            ctx.k = k
            ctx.grad_was = m.is_grad_enabled()
            ctx.save_for_backward(a)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    class NeedsGrad(Function):
        @staticmethod
        def forward(ctx, a, b, c):
            ctx.seen = ctx.needs_input_grad
            return a + b

        @staticmethod
        def backward(ctx, g):
            return (g if ctx.needs_input_grad[0] else None, g if ctx.needs_input_grad[1] else None, None)

    class Two(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b, a - b

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 + g2, g1 - g2

    class ViewOut(Function):
        @staticmethod
        def forward(ctx, a):
            return a.narrow(0, 0, 2)

        @staticmethod
        def backward(ctx, g):
            return m.cat([g, g.new_zeros(1)])

    class IntOut(Function):
        @staticmethod
        def forward(ctx, a):
            return (a > 1).long(), a * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g2 * 2

    class GradMode(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.fwd = m.is_grad_enabled()
            return a * 2

        @staticmethod
        def backward(ctx, g):
            ctx.bwd = m.is_grad_enabled()
            return g * 2

    class Vjp(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 4

        @staticmethod
        def vjp(ctx, g):
            return g * 4

    return {k: v for k, v in locals().items() if isinstance(v, type)}


# ----------------------------------------------------------------------------------------------------

def test_basic_outputs_and_node():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "MyFn").apply(x, 2.0, m.ones(3))
        o[0].sum().backward()
        node = o[0].grad_fn
        return (o, node.name(), type(node).__name__, len(node.next_functions), o[2].requires_grad, x.grad,
                o[2].output_nr, o[2].grad_fn is node, isinstance(node, m.autograd.function.FunctionCtx))
    same(f)


def test_repr_of_node():
    for m in MODS:
        node = fn_class(m, "Sq").apply(leaf(m)).grad_fn
        assert re.match(r"<torch\.autograd\.function\.SqBackward object at 0x[0-9a-f]+>", repr(node))


def test_keyword_arguments_bound():
    def f(m):
        x = leaf(m)
        return fn_class(m, "MyFn").apply(x, k=3.0, b=m.ones(3))[0]
    same(f)


def test_input_returned_as_is_is_an_alias():
    def f(m):
        x = leaf(m)
        r = fn_class(m, "Id").apply(x)
        r.sum().backward()
        with m.no_grad():
            r2 = fn_class(m, "Id").apply(x)
        return r is x, r._base is x, r.grad_fn.name(), x.grad, r2 is x, r2.requires_grad, \
            r2.data_ptr() == x.data_ptr()
    same(f)


@pytest.mark.parametrize("name,args", [("TooMany", ()), ("GradForNonTensor", (2,)), ("BadShape", ())])
def test_backward_result_errors(name, args):
    def f(m):
        fn_class(m, name).apply(leaf(m), *args).sum().backward()
    same_error(f)


def test_extra_trailing_none_gradients_allowed():
    def f(m):
        x = leaf(m)
        fn_class(m, "ExtraNones").apply(x, 2).sum().backward()
        return x.grad
    same(f)


def test_save_non_tensor_error():
    same_error(lambda m: fn_class(m, "SaveInt").apply(leaf(m)), TypeError)


def test_double_backward_through_saved_tensors():
    def f(m):
        x = leaf(m, (0.5, 1.5, -2.0), m.float64)
        o = fn_class(m, "Sq").apply(x)
        g, = m.autograd.grad(o.sum(), x, create_graph=True)
        g2, = m.autograd.grad(g.sum(), x)
        e = fn_class(m, "Exp").apply(x)
        h, = m.autograd.grad(e.sum(), x, create_graph=True)
        h2, = m.autograd.grad(h.sum(), x, create_graph=True)
        h3, = m.autograd.grad(h2.sum(), x)
        return g, g.grad_fn.name(), g2, h, h2, h3
    same(f, atol=1e-12)


def test_saved_output_is_rebuilt_with_the_node():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "Exp").apply(x)
        out, = o.grad_fn.saved_tensors
        return out.grad_fn is o.grad_fn, out, out.requires_grad
    e, t = both(f)
    assert e[0] == t[0] and e[2] == t[2]
    assert_same(e[1], t[1])


@pytest.mark.parametrize("case", ["output", "input", "twice", "after_free"])
def test_saved_tensor_errors(case):
    def f(m):
        x = leaf(m)
        if case == "output":
            o = fn_class(m, "Sq").apply(x * 1)
            o.add_(1)
            o.sum().backward()
        elif case == "input":
            a = x * 1
            o = fn_class(m, "Sq").apply(a)
            a.mul_(2)
            o.sum().backward()
        elif case == "twice":
            o = fn_class(m, "Sq").apply(x)
            o.sum().backward()
            o.sum().backward()
        else:
            o = fn_class(m, "Sq").apply(x)
            o.sum().backward()
            o.grad_fn.saved_tensors
    same_error(f)


def test_mark_dirty():
    def f(m):
        x = leaf(m)
        y = x * 1
        z = fn_class(m, "Dirty").apply(y)
        z.sum().backward()
        r = (z is y, y.grad_fn.name(), y._version if isinstance(y._version, int) else y._version[0], x.grad)
        x.grad = None
        v = x * 1
        vv = v.narrow(0, 0, 2)
        z2 = fn_class(m, "Dirty").apply(vv)
        v.sum().backward()
        return r, z2 is vv, vv.grad_fn.name(), v.grad_fn.name(), len(v.grad_fn.next_functions), x.grad
    same(f)


def test_mark_dirty_errors():
    same_error(lambda m: fn_class(m, "Dirty").apply(leaf(m)))
    same_error(lambda m: fn_class(m, "DirtyNotReturned").apply(leaf(m) * 1))


def test_mark_non_differentiable():
    def f(m):
        x = leaf(m)
        mx, i = fn_class(m, "ArgMax").apply(x)
        mx.backward()
        return mx.requires_grad, i.requires_grad, x.grad, i
    same(f)


def test_materialize_grads():
    def f(m):
        x = leaf(m)
        a, b = fn_class(m, "NoMaterialize").apply(x)
        a.sum().backward()
        g1 = x.grad.clone()
        x.grad = None
        a, b = fn_class(m, "Materialize").apply(x)
        a.sum().backward()
        return g1, x.grad
    same(f)


def test_once_differentiable():
    def f(m):
        x = leaf(m)
        g, = m.autograd.grad(fn_class(m, "Once").apply(x).sum(), x, create_graph=True)
        return g, g.requires_grad
    same(f)

    def g(m):
        x = leaf(m)
        y = fn_class(m, "Once").apply(x)
        gx, = m.autograd.grad(y, x, m.ones(3, requires_grad=True), create_graph=True)
        assert gx.grad_fn.name() == "torch::autograd::Error"
        gx.sum().backward()
    same_error(g)


def test_new_style_setup_context():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "NewStyle").apply(x)
        o.sum().backward()
        g1 = x.grad.clone()
        x.grad = None
        fn_class(m, "NewStyle").apply(x, k=5).sum().backward()
        return g1, x.grad, o.grad_fn.grad_was
    same(f)


def test_needs_input_grad():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "NeedsGrad").apply(x, m.ones(3), 3)
        o.sum().backward()
        with m.no_grad():
            o2 = fn_class(m, "NeedsGrad").apply(x, m.ones(3), 3)
        return o.grad_fn.seen, x.grad, o2.requires_grad
    e, t = both(f)
    assert e[0] == t[0] and e[2] == t[2]
    assert_same(e[1], t[1])


def test_multiple_outputs_share_node():
    def f(m):
        x = leaf(m)
        p, q = fn_class(m, "Two").apply(x, 2 * x)
        (p * q).sum().backward()
        return p.grad_fn is q.grad_fn, [n.name() for n, _ in p.grad_fn.next_functions], x.grad, q.output_nr
    same(f)


def test_view_output_inplace_error():
    same_error(lambda m: fn_class(m, "ViewOut").apply(leaf(m) * 1).mul_(2))


def test_integer_outputs_not_differentiable():
    def f(m):
        a, b = fn_class(m, "IntOut").apply(leaf(m))
        return a.requires_grad, b.requires_grad, a.grad_fn is None
    e, t = both(f)
    assert e == t


def test_grad_modes_inside_forward_and_backward():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "GradMode").apply(x)
        o.sum().backward()
        a = (o.grad_fn.fwd, o.grad_fn.bwd)
        o = fn_class(m, "GradMode").apply(x)
        m.autograd.grad(o.sum(), x, create_graph=True)
        return a, o.grad_fn.bwd
    e, t = both(f)
    assert e == t


def test_vjp_alias_and_hooks_on_node():
    def f(m):
        x = leaf(m)
        y = fn_class(m, "Vjp").apply(x)
        seen = []
        y.grad_fn.register_prehook(lambda go: seen.append(("pre", go)))
        y.grad_fn.register_hook(lambda gi, go: seen.append(("post", gi, go)))
        y.sum().backward()
        return x.grad, seen
    same(f)


def test_call_node_directly():
    def f(m):
        x = leaf(m)
        o = fn_class(m, "Sq").apply(x)
        return o.grad_fn.apply(m.ones(3))
    same(f)


def test_legacy_usage_errors():
    for m in MODS:
        Two = fn_class(m, "Two")
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            inst = Two()
        with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
            inst(leaf(m), leaf(m))


def test_function_in_gradcheck():
    for name in ("Sq", "Exp", "Two", "NewStyle"):
        def run(m, name=name):
            x = leaf(m, (0.5, 1.5, -2.0), m.float64)
            cls = fn_class(m, name)
            if name == "Two":
                return m.autograd.gradcheck(cls.apply, (x, x.detach().clone().requires_grad_()))
            return m.autograd.gradcheck(cls.apply, (x,)) and m.autograd.gradgradcheck(cls.apply, (x,))
        assert run(ember) and run(torch)


def test_ctx_attributes_defaults():
    x = leaf(ember)
    ctx = fn_class(ember, "Sq").apply(x).grad_fn
    assert ctx.materialize_grads is True and ctx.needs_input_grad == (True,)
    assert fn_class(ember, "Sq")._backward_cls.__name__ == "SqBackward"
    with pytest.raises(RuntimeError, match="mark_shared_storage is deprecated"):
        ctx.mark_shared_storage((x, x))
