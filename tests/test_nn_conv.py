"""Convolutions against torch: nn.functional.conv*/conv_transpose*, torch.convolution, the Conv*/ConvTranspose*/
LazyConv* modules (reprs, state_dict keys, default initialisation under the same seed, padding modes,
output_size), gradients (float32 and float64 gradcheck / gradgradcheck) and argument errors."""
import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(0)


def _arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


# (nd, input shape, weight shape, kwargs)
CONV_CASES = [
    (1, (2, 4, 9), (6, 4, 3), {}),
    (1, (2, 4, 9), (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (1, (4, 9), (3, 4, 2), dict(padding="same")),
    (1, (2, 4, 8), (4, 4, 4), dict(padding="same", dilation=1)),
    (1, (2, 4, 9), (4, 4, 3), dict(padding="valid", stride=(3,))),
    (2, (2, 3, 7, 6), (4, 3, 3, 2), {}),
    (2, (2, 4, 7, 6), (6, 2, 3, 3), dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)),
    (2, (3, 7, 6), (5, 3, 2, 2), dict(padding="same", dilation=2)),
    (2, (1, 4, 5, 5), (4, 1, 3, 3), dict(groups=4, padding=1)),
    (2, (2, 3, 5, 5), (2, 3, 1, 1), dict(stride=2)),
    (2, (0, 3, 5, 5), (2, 3, 3, 3), {}),
    (3, (1, 2, 5, 4, 6), (3, 2, 2, 3, 2), dict(stride=(1, 2, 1), padding=1)),
    (3, (2, 5, 4, 5), (2, 2, 3, 1, 2), dict(padding="same")),
]


@pytest.mark.parametrize("nd,xs,ws,kw", CONV_CASES, ids=[str(i) for i in range(len(CONV_CASES))])
@pytest.mark.parametrize("bias", [False, True])
def test_conv_functional(nd, xs, ws, kw, bias):
    x, w = _arr(*xs), _arr(*ws)
    b = _arr(ws[0])
    fn = f"conv{nd}d"

    def call(m, x, w, b):
        return getattr(m.nn.functional, fn)(x, w, b if bias else None, **kw)
    e, t = check(call, [x, w, b], dtype=np.float64, grad=True, atol=1e-10, rtol=1e-9, grad_atol=1e-9,
                 grad_rtol=1e-8)
    if x.size:
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    check(call, [x.astype(np.float32), w.astype(np.float32), b.astype(np.float32)], grad=True, atol=1e-4,
          grad_atol=1e-3)
    # the same function under its torch-level name
    check(lambda m, x, w, b: getattr(m, fn)(x, w, b if bias else None, **kw), [x, w, b], dtype=np.float64,
          atol=1e-10)


TRANSPOSE_CASES = [
    (1, (2, 4, 5), (4, 3, 3), {}),
    (1, (2, 4, 5), (4, 2, 3), dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1)),
    (1, (4, 5), (4, 3, 2), dict(stride=3, dilation=2, output_padding=2)),
    (2, (2, 3, 4, 5), (3, 2, 3, 2), dict(stride=(2, 1), padding=(1, 0), output_padding=(1, 0))),
    (2, (2, 4, 4, 3), (4, 1, 2, 2), dict(groups=2, dilation=(2, 1))),
    (3, (1, 2, 3, 3, 2), (2, 3, 2, 2, 2), dict(stride=2, output_padding=(1, 0, 1))),
]


@pytest.mark.parametrize("nd,xs,ws,kw", TRANSPOSE_CASES, ids=[str(i) for i in range(len(TRANSPOSE_CASES))])
def test_conv_transpose_functional(nd, xs, ws, kw):
    x, w = _arr(*xs), _arr(*ws)
    groups = kw.get("groups", 1)
    b = _arr(ws[1] * groups)
    fn = f"conv_transpose{nd}d"
    e, t = check(lambda m, x, w, b: getattr(m.nn.functional, fn)(x, w, b, **kw), [x, w, b], dtype=np.float64,
                 grad=True, atol=1e-10, rtol=1e-9, grad_atol=1e-9, grad_rtol=1e-8)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


def test_torch_convolution():
    x, w, b = _arr(2, 3, 6, 5), _arr(4, 3, 3, 3), _arr(4)
    check(lambda m, x, w, b: m.convolution(x, w, b, (1, 2), (1, 0), (1, 1), False, (0, 0), 1), [x, w, b],
          dtype=np.float64, grad=True, atol=1e-10)
    wt = _arr(3, 2, 2, 2)
    check(lambda m, x, w: m.convolution(x, w, None, (2, 2), (0, 0), (1, 1), True, (1, 0), 1), [x, wt],
          dtype=np.float64, grad=True, atol=1e-10)


def test_conv_gradcheck_and_double_backward():
    x = ember.tensor(_arr(1, 2, 5, 4), requires_grad=True)
    w = ember.tensor(_arr(3, 2, 2, 3), requires_grad=True)
    b = ember.tensor(_arr(3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, w, b: ember.nn.functional.conv2d(x, w, b, stride=(1, 2), padding=1),
                                    (x, w, b))
    assert ember.autograd.gradgradcheck(lambda x, w: ember.nn.functional.conv2d(x, w, dilation=(2, 1)), (x, w))
    wt = ember.tensor(_arr(2, 3, 2, 2), requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda x, w: ember.nn.functional.conv_transpose2d(x, w, stride=2, output_padding=1), (x, wt))


def test_conv_errors():
    x = np.zeros((2, 4, 6, 6), np.float32)
    w = np.zeros((3, 4, 3, 3), np.float32)

    def mk(m, a):
        return m.from_numpy(a.copy())
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w), stride=2, padding="same"))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w), padding="full"))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w), groups=3))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x[0, 0]), mk(m, w)))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w[:, :2])))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x[..., :2, :2]), mk(m, w)))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w.astype(np.float64))))
    check_error(lambda m: m.nn.functional.conv2d(mk(m, x), mk(m, w), stride=(1, 1, 1)))
    check_error(lambda m: m.nn.functional.conv1d(mk(m, x[0]), mk(m, w[:, :, 0, 0])))
    check_error(lambda m: m.nn.functional.conv_transpose2d(mk(m, x), mk(m, w), stride=2, output_padding=2))
    check_error(lambda m: m.nn.functional.conv_transpose2d(mk(m, x), mk(m, w)))


# ----------------------------------------------------------------------------------------------------
# modules

MODULES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1, bias=False), (2, 3, 9)),
    ("Conv1d", (4, 6, 3), dict(groups=2, padding="same", padding_mode="reflect"), (2, 4, 7)),
    ("Conv2d", (3, 4, (3, 2)), dict(dilation=(2, 1), padding=(1, 2), padding_mode="circular"), (2, 3, 7, 6)),
    ("Conv2d", (3, 4, 3), dict(padding="valid"), (3, 6, 6)),
    ("Conv2d", (2, 4, 3), dict(padding=1, padding_mode="replicate", stride=2), (1, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), dict(padding="same", padding_mode="zeros", dilation=2), (1, 2, 6, 5)),
    ("Conv3d", (2, 3, 2), dict(stride=(1, 2, 1), padding=1, padding_mode="reflect"), (1, 2, 4, 5, 4)),
    ("ConvTranspose1d", (4, 2, 3), dict(stride=2, output_padding=1, groups=2), (2, 4, 5)),
    ("ConvTranspose2d", (3, 2, (2, 3)), dict(stride=2, padding=1, dilation=(1, 2), bias=False), (2, 3, 4, 4)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=(2, 1, 1)), (1, 2, 3, 2, 3)),
]


@pytest.mark.parametrize("name,args,kw,xs", MODULES, ids=[m[0] + str(i) for i, m in enumerate(MODULES)])
def test_module_init_repr_forward(name, args, kw, xs):
    ember.manual_seed(7)
    torch.manual_seed(7)
    me = getattr(ember.nn, name)(*args, **kw)
    mt = getattr(torch.nn, name)(*args, **kw)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    for (ne, pe), (nt, pt) in zip(me.named_parameters(), mt.named_parameters()):
        assert ne == nt
        assert_same(pe, pt, exact=True)
    x = RNG.standard_normal(xs).astype(np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = me(xe), mt(xt)
    assert_same(ye, yt, atol=1e-5)
    g = RNG.standard_normal(tuple(yt.shape)).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    assert_same(xe.grad, xt.grad, atol=1e-4)
    for pe, pt in zip(me.parameters(), mt.parameters()):
        assert_same(pe.grad, pt.grad, atol=1e-4, rtol=1e-4)


def test_module_constructor_errors():
    for m in (ember, torch):
        with pytest.raises(ValueError):
            m.nn.Conv2d(3, 4, 3, groups=2)
        with pytest.raises(ValueError):
            m.nn.Conv2d(4, 3, 3, groups=2)
        with pytest.raises(ValueError):
            m.nn.Conv2d(4, 4, 3, groups=0)
        with pytest.raises(ValueError):
            m.nn.Conv2d(4, 4, 3, padding="full")
        with pytest.raises(ValueError):
            m.nn.Conv2d(4, 4, 3, padding="same", stride=2)
        with pytest.raises(ValueError):
            m.nn.Conv2d(4, 4, 3, padding_mode="mirror")
        with pytest.raises(ValueError):
            m.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect")


def test_conv_transpose_output_size():
    for m in (ember, torch):
        m.manual_seed(3)
    me, mt = ember.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1), torch.nn.ConvTranspose2d(2, 3, 3, stride=3,
                                                                                               padding=1)
    x = RNG.standard_normal((1, 2, 4, 4)).astype(np.float32)
    for size in [(10, 11), [1, 3, 12, 10], (10, 10)]:
        assert_same(me(ember.tensor(x), output_size=size), mt(torch.tensor(x), output_size=size), atol=1e-5)
    assert_same(me(ember.tensor(x[0]), output_size=[3, 11, 12]), mt(torch.tensor(x[0]), output_size=[3, 11, 12]),
                atol=1e-5)
    check_error(lambda m: (me if m is ember else mt)(m.tensor(x), output_size=(20, 20)))
    check_error(lambda m: (me if m is ember else mt)(m.tensor(x), output_size=(10,)))


@pytest.mark.parametrize("name,xs", [("LazyConv1d", (2, 3, 8)), ("LazyConv2d", (3, 6, 5)),
                                     ("LazyConvTranspose2d", (2, 3, 4, 4)), ("LazyConv3d", (1, 2, 3, 4, 4))])
def test_lazy_conv(name, xs):
    ember.manual_seed(11)
    torch.manual_seed(11)
    me, mt = getattr(ember.nn, name)(4, 2), getattr(torch.nn, name)(4, 2)
    x = RNG.standard_normal(xs).astype(np.float32)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-5)
    assert type(me).__name__ == type(mt).__name__ == name.replace("Lazy", "")
    assert repr(me) == repr(mt)
    assert_same(me.weight, mt.weight, exact=True)


def test_state_dict_roundtrip():
    mt = torch.nn.Conv2d(2, 3, 3)
    me = ember.nn.Conv2d(2, 3, 3)
    me.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in mt.state_dict().items()})
    x = RNG.standard_normal((1, 2, 5, 5)).astype(np.float32)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-5)


# layers large enough for the threaded copies and the reused scratch buffers (inputs of several MB),
# one per kernel path: shifted unit-stride, folded small maps, strided im2col, RGB stem, 1x1 strided
LARGE_CASES = [
    ((4, 32, 40, 40), (32, 32, 3, 3), dict(padding=1)),
    ((20, 96, 6, 6), (64, 96, 3, 3), dict(padding=1)),
    ((8, 24, 48, 48), (32, 24, 3, 3), dict(stride=2, padding=1)),
    ((16, 3, 40, 40), (16, 3, 3, 3), dict(padding=1)),
    ((8, 32, 32, 32), (48, 32, 1, 1), dict(stride=2)),
    ((16, 64, 12, 12), (32, 64, 3, 3), dict(stride=2, padding=1)),
]


@pytest.mark.parametrize("xs,ws,kw", LARGE_CASES, ids=[str(i) for i in range(len(LARGE_CASES))])
def test_conv2d_large_layers(xs, ws, kw):
    x, w = _arr(*xs, dtype=np.float32), _arr(*ws, dtype=np.float32)
    g = _arr(*torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), **kw).shape, dtype=np.float32)
    results = {}
    for m in (ember, torch):
        xt, wt = m.tensor(x, requires_grad=True), m.tensor(w, requires_grad=True)
        for _ in range(2):  # twice: the second call runs on the reused scratch buffers
            y = m.nn.functional.conv2d(xt, wt, **kw)
            xt.grad = wt.grad = None
            y.backward(m.tensor(g))
        results[m.__name__] = [y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()]
    for e, t in zip(results["ember"], results["torch"]):
        scale = np.abs(t).max()
        np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5 * scale)
