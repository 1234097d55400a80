"""gradcheck / gradgradcheck against the oracle: passing and failing cases, messages, options."""
import importlib
import warnings

import numpy as np
import pytest
import torch

import ember

MODS = [ember, torch]
GC = {ember: importlib.import_module("ember.autograd.gradcheck"),
      torch: importlib.import_module("torch.autograd.gradcheck")}


def dt(m, a, dtype="float64", grad=True, noncontig=False):
    if isinstance(a, str):
        return m.zeros(0, 3, dtype=m.float64, requires_grad=grad)
    arr = np.array(a, dtype=dtype)
    if noncontig and arr.ndim >= 2:
        arr = np.ascontiguousarray(arr.swapaxes(-1, -2)).swapaxes(-1, -2)
    t = m.from_numpy(arr.copy() if not noncontig else arr)
    return t.requires_grad_(grad)


RNG = np.random.default_rng(0)
A = RNG.uniform(-1, 1, (3, 4))
B = RNG.uniform(-1, 1, (4,))
C = RNG.uniform(0.5, 1.5, (2, 3))

CASES = {
    "chain": (lambda m, a, b: (a * b).exp().sin() + a.cos() * 3, (A, B)),
    "broadcast_div": (lambda m, a, b: a / (b.abs() + 1), (A, B)),
    "reductions": (lambda m, a, b: ((a.sum(0) * b).prod(), a.mean(1)), (A, B)),
    "scalar": (lambda m, a: a * a * a, (np.array(0.7),)),
    "empty": (lambda m, a: a.exp() * 2, ("empty",)),
    "pow_log": (lambda m, a: (a ** 2.5 + a.log()).sum(-1), (C,)),
    "views": (lambda m, a: a.t().narrow(0, 1, 2).exp() * a.select(1, 2).sum(), (C,)),
    "inplace_view": (lambda m, a: _inplace_view(a), (C,)),
}


def _inplace_view(a):
    y = a * 1
    y.select(1, 0).mul_(a.select(1, 2))
    y.narrow(1, 1, 1).exp_()
    return y.sin()


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("fast", [False, True])
def test_gradcheck_passes(name, fast):
    fn, arrays = CASES[name]
    for m in MODS:
        inputs = tuple(dt(m, a) for a in arrays)
        assert m.autograd.gradcheck(lambda *xs: fn(m, *xs), inputs, fast_mode=fast) is True


@pytest.mark.parametrize("name", ["chain", "reductions", "pow_log", "views"])
def test_gradgradcheck_passes(name):
    fn, arrays = CASES[name]
    inputs = tuple(dt(ember, a) for a in arrays)
    assert ember.autograd.gradgradcheck(lambda *xs: fn(ember, *xs), inputs)
    assert ember.autograd.gradgradcheck(lambda *xs: fn(ember, *xs), inputs, fast_mode=True)


def test_gradgradcheck_explicit_and_noncontiguous_grad_outputs():
    for m in MODS:
        x = dt(m, A)
        go = dt(m, RNG.uniform(-1, 1, (3, 4)))
        assert m.autograd.gradgradcheck(lambda a: a.sin() * a, (x,), (go,))
        assert m.autograd.gradgradcheck(lambda a: a.exp() * a, (x,), gen_non_contig_grad_outputs=True)


def test_noncontiguous_and_non_tensor_inputs():
    for m in MODS:
        a = dt(m, A, noncontig=True)
        assert not a.is_contiguous()
        assert m.autograd.gradcheck(lambda x, k, y: (x * k).tanh() + y, (a, 3.0, dt(m, B, grad=False)))


def test_complex_inputs_and_outputs():
    for m in MODS:
        z = m.tensor([0.5 + 1j, -1.0 + 0.3j], dtype=m.complex128, requires_grad=True)
        assert m.autograd.gradcheck(lambda a: (a * a).exp(), (z,))
        assert m.autograd.gradcheck(lambda a: (a * a.conj()).real, (z,))
        assert m.autograd.gradcheck(lambda a: (a * a).exp(), (z,), fast_mode=True)


def _functions(m):
    Function = m.autograd.Function

    class Wrong(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class Constant(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 if bool((g != 0).any()) else g + 1  # right Jacobian, but not zero for a zero g

    class Noisy(Function):
        calls = [0]

        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            Noisy.calls[0] += 1
            return g * 2 + Noisy.calls[0] * 1e-9

    class NoUndefined(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 2

        @staticmethod
        def backward(ctx, g):
            if g is None:
                raise RuntimeError("undefined")
            return g * 2

    class DetachedBackward(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * 2 * a.detach()

    return {k: v for k, v in locals().items() if isinstance(v, type)}


def _messages(run, exc):
    out = []
    for m in MODS:
        with pytest.raises(exc) as info:
            run(m)
        out.append(info.value)
    return out


def test_wrong_backward_raises_gradcheck_error():
    def run(m):
        m.autograd.gradcheck(_functions(m)["Wrong"].apply, (dt(m, [0.7, -1.1, 2.0]),))
    e, t = _messages(run, RuntimeError)
    assert type(e).__name__ == type(t).__name__ == "GradcheckError"
    assert isinstance(e, GC[ember].GradcheckError)
    assert str(e) == str(t)
    assert str(e).startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[2.0000,")


def test_raise_exception_false():
    for m in MODS:
        x = dt(m, [0.7, -1.1, 2.0])
        assert m.autograd.gradcheck(_functions(m)["Wrong"].apply, (x,), raise_exception=False) is False
        assert m.autograd.gradcheck(_functions(m)["Wrong"].apply, (x,), raise_exception=False, fast_mode=True) is False
        assert m.autograd.gradgradcheck(_functions(m)["DetachedBackward"].apply, (x,), raise_exception=False) is False


def test_fast_mode_failure_message():
    def run(m):
        m.autograd.gradcheck(_functions(m)["Wrong"].apply, (dt(m, [0.7, -1.1, 2.0]),), fast_mode=True)
    e, t = _messages(run, RuntimeError)
    tail = "Below, we recompute numerical and analytical jacobians in slow mode:"
    assert tail in str(e) and tail in str(t)
    assert str(e).split(tail)[1] == str(t).split(tail)[1]


@pytest.mark.parametrize("name,expected", [
    ("Constant", "backward not multiplied by grad_output"),
    ("Noisy", "Backward is not reentrant"),
    ("NoUndefined", "Expected backward function to handle undefined output grads"),
])
def test_other_backward_checks(name, expected):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.autograd.gradcheck(_functions(m)[name].apply, (dt(m, [0.7, -1.1, 2.0]),))
    e, t = _messages(run, RuntimeError)
    assert str(e).startswith(expected) and str(t).startswith(expected)
    assert str(e) == str(t)


def test_gradgradcheck_catches_wrong_second_derivative():
    def run(m):
        m.autograd.gradgradcheck(_functions(m)["DetachedBackward"].apply, (dt(m, [0.7, -1.1, 2.0]),))
    e, t = _messages(run, RuntimeError)
    assert str(e).startswith("Jacobian mismatch for output 0 with respect to input 0")
    assert type(e).__name__ == type(t).__name__ == "GradcheckError"


def test_no_differentiable_outputs():
    def run(m):
        m.autograd.gradcheck(lambda a: (a * 2).detach(), (dt(m, [0.7, -1.1]),))
    e, t = _messages(run, RuntimeError)
    assert str(e) == str(t) == "Numerical gradient for function expected to be zero"
    for m in MODS:
        assert m.autograd.gradcheck(lambda a: (a > 0).to(m.float64), (dt(m, [0.7, -1.1]),))


def test_input_validation():
    def none_requires(m):
        m.autograd.gradcheck(lambda a: a * 2, (dt(m, [1.0], grad=False),))
    e, t = _messages(none_requires, ValueError)
    assert str(e) == str(t)

    def stride0(m):
        m.autograd.gradcheck(lambda a: a * 2, (dt(m, [1.0]).expand(3),))
    e, t = _messages(stride0, RuntimeError)
    assert str(e) == str(t)

    def shape_change(m):
        calls = [0]

        def f(a):
            calls[0] += 1
            return a * 2 if calls[0] % 2 else (a * 2).sum()
        m.autograd.gradcheck(f, (dt(m, [1.0, 2.0]),))
    e, t = _messages(shape_change, AssertionError)
    assert str(e) == str(t)


def test_float32_warning():
    for m in MODS:
        x = dt(m, [0.7, -1.1], dtype="float32")
        with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
            m.autograd.gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-3)


def test_gradcheck_error_is_runtime_error_subclass():
    assert issubclass(GC[ember].GradcheckError, RuntimeError)
    assert repr(GC[ember].GradcheckError) == repr(GC[torch].GradcheckError)


def test_argument_checks_and_unsupported_modes():
    x = dt(ember, [1.0])
    with pytest.raises(AssertionError):
        ember.autograd.gradcheck(lambda a: a, (x,), check_backward_ad=False)
    with pytest.raises(NotImplementedError):
        ember.autograd.gradcheck(lambda a: a * 2, (x,), check_forward_ad=True)
    with pytest.raises(NotImplementedError):
        ember.autograd.gradcheck(lambda a: a * 2, (x,), check_batched_grad=True)


def test_deprecated_numerical_jacobian():
    for m in MODS:
        x = dt(m, [0.5, 2.0])
        with pytest.warns(FutureWarning):
            jac = GC[m].get_numerical_jacobian(lambda inps: inps[0] * inps[0], (x,), eps=1e-6)
        np.testing.assert_allclose(np.asarray(jac[0].detach()), [[1.0, 0.0], [0.0, 4.0]], atol=1e-6)


def test_inputs_untouched_after_check():
    x = dt(ember, A)
    before = x.detach().clone()
    ember.autograd.gradcheck(lambda a: a.exp().sum(0), (x,))
    assert np.array_equal(x.detach().numpy(), before.numpy())
    assert x.grad is None and x._version in (None, 0, [0])
