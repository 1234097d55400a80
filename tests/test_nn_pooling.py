"""Pooling and padding against torch: max/avg/adaptive/lp pooling and max_unpool (functional and modules) over
kernel/stride/padding/dilation/ceil_mode/count_include_pad/divisor_override, indices, gradients, grad_fn names,
gradcheck in float64, F.pad in every mode, the padding layers, reprs and argument errors."""
import math

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(1)


def _x(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _same_grad_fn(e, t):
    e = e[0] if isinstance(e, tuple) else e
    t = t[0] if isinstance(t, tuple) else t
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


MAX_CASES = [
    (1, (2, 3, 11), dict(kernel_size=3)),
    (1, (3, 10), dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    (1, (2, 2, 9), dict(kernel_size=[2], stride=(3,), ceil_mode=True)),
    (2, (2, 3, 9, 8), dict(kernel_size=3)),
    (2, (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2))),
    (2, (3, 7, 7), dict(kernel_size=2, stride=2, ceil_mode=True)),
    (2, (2, 2, 10, 9), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)),
    (2, (0, 2, 6, 6), dict(kernel_size=2)),
    (3, (1, 2, 6, 5, 7), dict(kernel_size=2, stride=(1, 2, 2), padding=1)),
    (3, (2, 5, 5, 4), dict(kernel_size=(3, 2, 2), ceil_mode=True, dilation=(1, 1, 2))),
]


@pytest.mark.parametrize("nd,shape,kw", MAX_CASES, ids=[str(i) for i in range(len(MAX_CASES))])
def test_max_pool(nd, shape, kw):
    x = _x(*shape)
    fn = f"max_pool{nd}d"
    e, t = check(lambda m, x: getattr(m.nn.functional, fn)(x, return_indices=True, **kw), [x], dtype=np.float64,
                 grad=True, atol=0, rtol=0)
    if x.size:
        _same_grad_fn(e, t)
    check(lambda m, x: getattr(m.nn.functional, fn)(x, **kw), [x.astype(np.float32)], grad=True, noncontig=True)
    # module: repr and output (with indices)
    args = {k: v for k, v in kw.items()}
    me, mt = getattr(ember.nn, f"MaxPool{nd}d")(**args, return_indices=True), \
        getattr(torch.nn, f"MaxPool{nd}d")(**args, return_indices=True)
    assert repr(me) == repr(mt)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), exact=True)


def test_max_pool_nan_and_ties_and_ints():
    x = np.array([[[1.0, np.nan, 3.0, 3.0, -1.0, 2.0, 2.0, 0.5]]])
    check(lambda m, x: m.nn.functional.max_pool1d(x, 2, 1, return_indices=True), [x], dtype=np.float64)
    xi = RNG.integers(-5, 5, (2, 3, 6, 6))
    check(lambda m, x: m.nn.functional.max_pool2d(x, 3, 2, 1, return_indices=True), [xi])
    check(lambda m, x: m.max_pool2d(x, 3, (), 1), [_x(2, 2, 5, 5)], dtype=np.float64)
    check(lambda m, x: m.max_pool1d_with_indices(x, 3, (), 1), [_x(2, 2, 7)], dtype=np.float64)
    check(lambda m, x: m.max_pool3d(x, 2), [_x(1, 2, 4, 4, 4)], dtype=np.float64)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1)])
@pytest.mark.parametrize("grad", [False, True])
def test_max_pool_large_with_nans(kw, grad, monkeypatch):
    """Several MB of input, so rows are split over the intra-op threads; with and without the indices
    (no grad and no return_indices takes the values-only kernel). NaNs and ties follow torch."""
    from ember import _parallel
    monkeypatch.setattr(_parallel, "_threads", [3])
    x = RNG.standard_normal((6, 40, 50, 48)).astype(np.float32)
    x[RNG.random(x.shape) < 0.01] = np.nan
    x[:, :, ::7] = 1.0  # ties
    outs = {}
    for m in (ember, torch):
        xt = m.tensor(x, requires_grad=grad)
        y = m.nn.functional.max_pool2d(xt, **kw)
        outs[m.__name__] = [y.detach().numpy()]
        if grad:
            g = np.arange(y.numel(), dtype=np.float32).reshape(tuple(y.shape)) % 7
            y.backward(m.tensor(g))
            outs[m.__name__].append(xt.grad.numpy())
            outs[m.__name__].append(m.nn.functional.max_pool2d(xt, return_indices=True, **kw)[1].numpy())
    for e, t in zip(outs["ember"], outs["torch"]):
        np.testing.assert_array_equal(e, t)


AVG_CASES = [
    (1, (2, 3, 11), dict(kernel_size=3)),
    (1, (3, 10), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)),
    (2, (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1)),
    (2, (2, 3, 9, 8), dict(kernel_size=(3, 2), padding=(1, 1), count_include_pad=False, ceil_mode=True)),
    (2, (3, 7, 7), dict(kernel_size=2, divisor_override=3)),
    (2, (2, 2, 10, 9), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)),
    (3, (1, 2, 6, 5, 7), dict(kernel_size=2, stride=(1, 2, 2), padding=1, count_include_pad=False)),
    (3, (2, 5, 5, 4), dict(kernel_size=(3, 2, 2), ceil_mode=True, divisor_override=5)),
]


@pytest.mark.parametrize("nd,shape,kw", AVG_CASES, ids=[str(i) for i in range(len(AVG_CASES))])
def test_avg_pool(nd, shape, kw):
    x = _x(*shape)
    fn = f"avg_pool{nd}d"
    e, t = check(lambda m, x: getattr(m.nn.functional, fn)(x, **kw), [x], dtype=np.float64, grad=True, atol=1e-12)
    _same_grad_fn(e, t)
    me, mt = getattr(ember.nn, f"AvgPool{nd}d")(**kw), getattr(torch.nn, f"AvgPool{nd}d")(**kw)
    assert repr(me) == repr(mt)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-12)


def test_avg_pool_ints_and_torch_names():
    xi = RNG.integers(-9, 9, (2, 3, 6, 6))
    check(lambda m, x: m.nn.functional.avg_pool2d(x, 3, 2, 1), [xi])
    check(lambda m, x: m.avg_pool1d(x, 3, (), 1, True, False), [_x(2, 3, 8)], dtype=np.float64, grad=True)


ADAPTIVE_CASES = [
    (1, (2, 3, 11), 4), (1, (3, 10), [3]), (1, (2, 3, 7), 7), (1, (2, 3, 5), 1),
    (2, (2, 3, 9, 8), (4, 3)), (2, (3, 7, 7), 1), (2, (2, 2, 5, 9), (None, 4)), (2, (2, 2, 5, 9), (8, 11)),
    (3, (1, 2, 6, 5, 7), (2, 3, 4)), (3, (2, 5, 5, 4), 2),
]


@pytest.mark.parametrize("nd,shape,out", ADAPTIVE_CASES, ids=[str(i) for i in range(len(ADAPTIVE_CASES))])
def test_adaptive_pool(nd, shape, out):
    x = _x(*shape)
    e, t = check(lambda m, x: getattr(m.nn.functional, f"adaptive_avg_pool{nd}d")(x, out), [x], dtype=np.float64,
                 grad=True, atol=1e-12)
    _same_grad_fn(e, t)
    e, t = check(lambda m, x: getattr(m.nn.functional, f"adaptive_max_pool{nd}d")(x, out, True), [x],
                 dtype=np.float64, grad=True, atol=0)
    _same_grad_fn(e, t)
    for name, extra in ((f"AdaptiveAvgPool{nd}d", {}), (f"AdaptiveMaxPool{nd}d", {"return_indices": True})):
        me, mt = getattr(ember.nn, name)(out, **extra), getattr(torch.nn, name)(out, **extra)
        assert repr(me) == repr(mt)
        assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-12)


def test_adaptive_torch_names():
    check(lambda m, x: m.adaptive_avg_pool1d(x, 3), [_x(2, 3, 8)], dtype=np.float64, grad=True)
    check(lambda m, x: m.adaptive_max_pool1d(x, 3), [_x(2, 3, 8)], dtype=np.float64, grad=True)


@pytest.mark.parametrize("nd,shape,kw,out", [
    (1, (2, 3, 8), dict(kernel_size=2), None),
    (1, (2, 3, 9), dict(kernel_size=3, stride=2, padding=1), [2, 3, 9]),
    (2, (2, 3, 8, 6), dict(kernel_size=2), None),
    (2, (3, 9, 7), dict(kernel_size=3, stride=2, padding=1), (9, 8)),
    (3, (1, 2, 4, 6, 4), dict(kernel_size=2), (5, 7, 4)),
])
def test_max_unpool(nd, shape, kw, out):
    x = _x(*shape)
    res = {}
    for m in (ember, torch):
        v, i = getattr(m.nn.functional, f"max_pool{nd}d")(m.tensor(x), return_indices=True, **kw)
        v = v.detach().requires_grad_(True)
        y = getattr(m.nn.functional, f"max_unpool{nd}d")(v, i, output_size=out, **kw)
        mod = getattr(m.nn, f"MaxUnpool{nd}d")(**kw)
        y2 = mod(v, i, output_size=out)
        y.sum().backward()
        res[m] = (y, y2, v.grad, repr(mod), type(y.grad_fn).__name__)
    for a, b in zip(res[ember], res[torch]):
        assert_same(a, b, exact=True)


def test_max_unpool_errors():
    def unpool(m, out):
        v, i = m.nn.functional.max_pool2d(m.ones(1, 1, 4, 4), 2, return_indices=True)
        return m.nn.functional.max_unpool2d(v, i, 2, output_size=out)
    check_error(lambda m: unpool(m, (7, 7)))
    check_error(lambda m: unpool(m, (4, 4, 4)))


@pytest.mark.parametrize("nd,shape,norm,kw", [
    (1, (2, 3, 9), 2, dict(kernel_size=3)), (1, (3, 10), 3.0, dict(kernel_size=2, stride=3, ceil_mode=True)),
    (2, (2, 3, 8, 7), 1, dict(kernel_size=(2, 3), stride=2)), (2, (2, 3, 8, 7), 2.5, dict(kernel_size=3)),
    (2, (2, 3, 8, 7), math.inf, dict(kernel_size=2)), (3, (1, 2, 4, 5, 4), 2, dict(kernel_size=2, stride=1)),
])
def test_lp_pool(nd, shape, norm, kw):
    x = np.abs(_x(*shape)) + 0.1
    check(lambda m, x: getattr(m.nn.functional, f"lp_pool{nd}d")(x, norm, **kw), [x], dtype=np.float64, grad=True,
          atol=1e-10, grad_atol=1e-9)
    me, mt = getattr(ember.nn, f"LPPool{nd}d")(norm, **kw), getattr(torch.nn, f"LPPool{nd}d")(norm, **kw)
    assert repr(me) == repr(mt)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-10)


def test_pool_gradcheck():
    x = ember.tensor(_x(1, 2, 5, 6), requires_grad=True)
    F = ember.nn.functional
    assert ember.autograd.gradcheck(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.avg_pool2d(x, 2, 1), (x,))
    assert ember.autograd.gradcheck(lambda x: F.max_pool2d(x, 3, 2, 1), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.max_pool2d(x, 2, 1), (x,))
    assert ember.autograd.gradcheck(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (x,))
    assert ember.autograd.gradcheck(lambda x: F.adaptive_max_pool2d(x, (3, 4)), (x,))
    assert ember.autograd.gradcheck(lambda x: F.lp_pool2d(x * x + 0.5, 2, 2), (x,))


POOL_ERRORS = [
    lambda m, x: m.nn.functional.max_pool1d(x[0, 0, 0], 2),
    lambda m, x: m.nn.functional.max_pool1d(x[0], 0),
    lambda m, x: m.nn.functional.max_pool1d(x[0], 2, 0),
    lambda m, x: m.nn.functional.max_pool1d(x[0], 2, padding=2),
    lambda m, x: m.nn.functional.max_pool1d(x[0], 9),
    lambda m, x: m.nn.functional.max_pool1d(x[0], (2, 2)),
    lambda m, x: m.nn.functional.avg_pool1d(x[0, 0, 0], 2),
    lambda m, x: m.nn.functional.avg_pool1d(x[0], 9),
    lambda m, x: m.nn.functional.avg_pool1d(x[0], 2, padding=2),
    lambda m, x: m.nn.functional.max_pool2d(x, 0),
    lambda m, x: m.nn.functional.max_pool2d(x, 0, 1),
    lambda m, x: m.nn.functional.max_pool2d(x, 2, 1, dilation=0),
    lambda m, x: m.nn.functional.avg_pool2d(x, 2, -1),
    lambda m, x: m.nn.functional.avg_pool2d(x, 2, 1, -1),
    lambda m, x: m.nn.functional.max_pool2d(x, 2, padding=2),
    lambda m, x: m.nn.functional.max_pool2d(x[0, 0], 2),
    lambda m, x: m.nn.functional.max_pool2d(x, 9),
    lambda m, x: m.nn.functional.avg_pool2d(x, 2, 0),
    lambda m, x: m.nn.functional.avg_pool2d(x, 2, divisor_override=0),
    lambda m, x: m.nn.functional.avg_pool2d(x, 2, padding=2),
    lambda m, x: m.nn.functional.adaptive_avg_pool1d(x[0, 0, 0], 2),
    lambda m, x: m.nn.functional.adaptive_max_pool1d(x[0], (2, 2)),
    lambda m, x: m.nn.functional.adaptive_max_pool2d(x[0, 0], 2),
    lambda m, x: m.nn.functional.adaptive_avg_pool2d(x[:, :, :0], 2),
    lambda m, x: m.nn.functional.adaptive_avg_pool2d(x.long(), 2),
    lambda m, x: m.nn.functional.max_pool3d(x[0, 0], 2),
]


@pytest.mark.parametrize("i", range(len(POOL_ERRORS)))
def test_pool_errors(i):
    x = np.zeros((2, 3, 8, 8), np.float32)
    check_error(lambda m: POOL_ERRORS[i](m, m.from_numpy(x.copy())))


# ----------------------------------------------------------------------------------------------------
# padding

PAD_CASES = [
    ("constant", (2, 3, 4), (1, 2)), ("constant", (2, 3, 4, 5), (1, 0, -1, 2)), ("constant", (3, 4), (2, 1, 1, 0)),
    ("constant", (2, 2, 3, 3, 3), (1, 1, 0, 2, 1, 0)), ("constant", (), ()),
    ("reflect", (2, 3, 5), (2, 3)), ("reflect", (3, 5), (4, 1)), ("reflect", (1, 2, 4, 5), (1, 2, 3, 0)),
    ("reflect", (2, 3, 4, 5), (0, 1, 2, 1)), ("reflect", (1, 2, 3, 4, 5), (1, 2, 2, 1, 0, 1)),
    ("replicate", (2, 3, 5), (3, 1)), ("replicate", (2, 4, 5), (1, 2, 2, 3)), ("replicate", (2, 3, 3, 3), (2, 2, 1, 0, 1, 3)),
    ("circular", (2, 3, 5), (2, 3)), ("circular", (1, 2, 4, 5), (1, 2, 3, 4)), ("circular", (1, 2, 2, 3, 3), (1, 1, 2, 0, 1, 2)),
]


@pytest.mark.parametrize("mode,shape,pad", PAD_CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(PAD_CASES)])
def test_pad(mode, shape, pad):
    x = _x(*shape)
    e, t = check(lambda m, x: m.nn.functional.pad(x, pad, mode=mode), [x], dtype=np.float64, grad=True, atol=0)
    if pad:
        _same_grad_fn(e, t)
    if mode == "constant":
        check(lambda m, x: m.nn.functional.pad(x, pad, value=2.5), [x], dtype=np.float64)
        check(lambda m, x: m.constant_pad_nd(x, pad, 1.5), [x], dtype=np.float64)


def test_pad_gradgradcheck():
    x = ember.tensor(_x(1, 2, 4, 5), requires_grad=True)
    for mode in ("constant", "reflect", "replicate", "circular"):
        assert ember.autograd.gradgradcheck(lambda x: ember.nn.functional.pad(x, (1, 2, 2, 1), mode=mode), (x,))


PAD_ERRORS = [
    lambda m, x: m.nn.functional.pad(x, (1,)),
    lambda m, x: m.nn.functional.pad(x, (1, 1) * 5),
    lambda m, x: m.nn.functional.pad(x, (5, 0), mode="reflect"),
    lambda m, x: m.nn.functional.pad(x, (1, 1), mode="reflect"),
    lambda m, x: m.nn.functional.pad(x, (9, 0, 0, 0), mode="circular"),
    lambda m, x: m.nn.functional.pad(x, (1, 1), mode="wrap"),
    lambda m, x: m.nn.functional.pad(x, (1, 1, 1, 1), mode="reflect", value=1.0),
    lambda m, x: m.nn.functional.pad(x, (-3, -3)),
]


@pytest.mark.parametrize("i", range(len(PAD_ERRORS)))
def test_pad_errors(i):
    x = np.zeros((2, 3, 4, 5), np.float32)
    check_error(lambda m: PAD_ERRORS[i](m, m.from_numpy(x.copy())))


@pytest.mark.parametrize("name,args,shape", [
    ("ZeroPad1d", (2,), (2, 3, 4)), ("ZeroPad2d", ((1, 2, 0, 1),), (2, 3, 4)), ("ZeroPad3d", (1,), (1, 2, 2, 2)),
    ("ConstantPad1d", ((1, 2), 3.5), (3, 4)), ("ConstantPad2d", (1, -1.0), (1, 2, 3, 3)),
    ("ConstantPad3d", ((1, 0, 2, 1, 0, 1), 0.5), (1, 2, 2, 3, 2)), ("ReflectionPad1d", (2,), (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 2, 0),), (2, 3, 4)), ("ReflectionPad3d", (1,), (1, 2, 3, 3, 3)),
    ("ReplicationPad1d", ((3, 1),), (2, 3, 4)), ("ReplicationPad2d", (2,), (1, 2, 3, 4)),
    ("ReplicationPad3d", ((1, 0, 0, 1, 2, 0),), (2, 2, 2, 2)), ("CircularPad1d", (2,), (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 2, 0),), (2, 3, 4)), ("CircularPad3d", (1,), (1, 2, 3, 3, 3)),
])
def test_padding_modules(name, args, shape):
    me, mt = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(me) == repr(mt)
    assert me.padding == mt.padding
    check(lambda m, x: (me if m is ember else mt)(x), [_x(*shape)], dtype=np.float64, grad=True, atol=0)


def test_circular_pad_module_dim_check():
    check_error(lambda m: m.nn.CircularPad2d(1)(m.zeros(3, 3)))


# ----------------------------------------------------------------------------------------------------
# fractional max pooling

@pytest.mark.parametrize("nd,shape,kw", [
    (2, (2, 3, 7, 9), dict(kernel_size=(2, 3), output_size=(4, 3))),
    (2, (3, 10, 8), dict(kernel_size=2, output_ratio=(0.5, 0.7))),
    (2, (2, 2, 9, 9), dict(kernel_size=3, output_size=7)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=2, output_size=3)),
    (3, (2, 6, 5, 7), dict(kernel_size=(2, 1, 3), output_ratio=0.5)),
])
def test_fractional_max_pool(nd, shape, kw):
    x = _x(*shape)
    for seed in (0, 1):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        e, t = check(lambda m, x: getattr(m.nn.functional, f"fractional_max_pool{nd}d")(x, return_indices=True, **kw),
                     [x], dtype=np.float64, grad=True, atol=0)
        _same_grad_fn(e, t)
    samples = RNG.uniform(0, 1, (shape[0] if len(shape) == nd + 2 else 1, shape[-nd - 1], nd)).astype(np.float32)
    check(lambda m, x: getattr(m.nn.functional, f"fractional_max_pool{nd}d")(x, _random_samples=m.tensor(samples),
                                                                              **kw), [x.astype(np.float32)], grad=True)
    check_error(lambda m: getattr(m.nn.functional, f"fractional_max_pool{nd}d")(
        m.tensor(x.astype(np.float32)), _random_samples=m.tensor(samples, requires_grad=True), **kw))
    ember.manual_seed(4)
    torch.manual_seed(4)
    me = getattr(ember.nn, f"FractionalMaxPool{nd}d")(**kw)
    mt = getattr(torch.nn, f"FractionalMaxPool{nd}d")(**kw)
    assert repr(me) == repr(mt)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), exact=True)


FRACTIONAL_ERRORS = [
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 4, output_size=5),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=5, _random_samples=m.rand(2, 2, 2)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_ratio=0.5),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x[0, 0], 2, output_size=2),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=2, _random_samples=m.rand(2, 3, 2).double()),
    lambda m, x: m.nn.FractionalMaxPool2d(2),
    lambda m, x: m.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5),
    lambda m, x: m.nn.FractionalMaxPool2d(2, output_ratio=1.5),
    lambda m, x: m.nn.FractionalMaxPool3d(0, output_size=2),
]


@pytest.mark.parametrize("i", range(len(FRACTIONAL_ERRORS)))
def test_fractional_errors(i):
    x = np.zeros((2, 3, 7, 7), np.float32)
    check_error(lambda m: FRACTIONAL_ERRORS[i](m, m.from_numpy(x.copy())))
