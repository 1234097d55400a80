"""ember.fft against torch.fft: values, dtypes, shapes and strides for every transform, norm, n/s padding and
cropping, dims; gradients against torch's (complex cotangents) and gradcheck/gradgradcheck; fftfreq,
rfftfreq, fftshift, ifftshift; out=; torch's errors and messages."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import as_numpy, assert_same, check, check_error

rng = np.random.default_rng(7)
NORMS = [None, "backward", "forward", "ortho"]
REAL_IN = ["fft", "ifft", "rfft", "ihfft"]
COMPLEX_IN = ["fft", "ifft", "irfft", "hfft"]
ND = ["fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn"]
TWO_D = ["fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2"]


def _r(*shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return np.asarray(a, dtype)


def _real_input(name):
    return name in ("rfft", "ihfft", "rfftn", "ihfftn", "rfft2", "ihfft2")


def _same(e, t, atol=1e-4, rtol=1e-4, strides=True):
    if isinstance(t, torch.Tensor):
        t = t.resolve_conj()
    assert_same(e, t, atol=atol, rtol=rtol, strides=strides)


def _both(fn, *arrays, atol=1e-4, rtol=1e-4, strides=True):
    e = fn(ember, *[ember.from_numpy(a.copy()) for a in arrays])
    t = fn(torch, *[torch.from_numpy(a.copy()) for a in arrays])
    _same(e, t, atol, rtol, strides)
    return e, t


# ----------------------------------------------------------------------------------------------------
# values

@pytest.mark.parametrize("name", REAL_IN)
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n,dim", [(None, -1), (3, 0), (9, 1), (1, -1), (6, -2)])
def test_1d_real_input(name, norm, n, dim):
    a = _r(4, 6, dtype=np.float32)
    _both(lambda m, x: getattr(m.fft, name)(x, n, dim, norm), a)


@pytest.mark.parametrize("name", COMPLEX_IN)
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n,dim", [(None, -1), (3, 0), (9, 1), (1, 0), (2, -1)])
def test_1d_complex_input(name, norm, n, dim):
    a = _r(4, 6, dtype=np.complex64)
    _both(lambda m, x: getattr(m.fft, name)(x, n=n, dim=dim, norm=norm), a)


@pytest.mark.parametrize("name", ["fft", "ifft", "irfft", "hfft"])
def test_1d_real_input_to_complex_kinds(name):
    """irfft/hfft of a real input promote it to complex; fft/ifft of real input take the R2C path."""
    _both(lambda m, x: getattr(m.fft, name)(x), _r(3, 5))
    _both(lambda m, x: getattr(m.fft, name)(x, 7, 0), _r(3, 5))


@pytest.mark.parametrize("name", ND)
@pytest.mark.parametrize("s,dim", [(None, None), ((3, 7), (2, 0)), ((5,), None), ((4, -1), None), (None, (1,)),
                                   (None, (-1, 0)), ((2, 3, 4), (1, 2, 0)), ((-1, 9), (0, 2))])
@pytest.mark.parametrize("norm", [None, "forward", "ortho"])
def test_nd(name, s, dim, norm):
    a = _r(3, 4, 5, dtype=np.float32 if _real_input(name) else np.complex64)
    _both(lambda m, x: getattr(m.fft, name)(x, s=s, dim=dim, norm=norm), a)


@pytest.mark.parametrize("name", TWO_D)
@pytest.mark.parametrize("s,dim", [(None, (-2, -1)), ((3, 7), (-2, -1)), (None, (2, 0)), ((6, 4), (0, 1)),
                                   ((5,), (1,))])
@pytest.mark.parametrize("norm", [None, "ortho"])
def test_2d(name, s, dim, norm):
    a = _r(3, 4, 5, dtype=np.float64 if _real_input(name) else np.complex128)
    _both(lambda m, x: getattr(m.fft, name)(x, s, dim, norm), a)


def test_round_trips():
    a = _r(4, 10)
    x = ember.from_numpy(a)
    np.testing.assert_allclose(ember.fft.irfft(ember.fft.rfft(x), n=10).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(ember.fft.ifftn(ember.fft.fftn(x)).real.numpy(), a, atol=1e-12)
    np.testing.assert_allclose(ember.fft.hfft(ember.fft.ihfft(x), n=10).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(ember.fft.irfft2(ember.fft.rfft2(x, norm="ortho"), s=(4, 10), norm="ortho").numpy(),
                               a, atol=1e-12)


# ----------------------------------------------------------------------------------------------------
# dtypes, layouts, odd shapes

@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.uint8, np.float64, np.complex128])
@pytest.mark.parametrize("name", ["fft", "rfft", "ihfft", "irfft", "hfft", "fftn", "rfft2", "hfftn", "ifft2"])
def test_input_dtypes(dtype, name):
    if np.dtype(dtype).kind == "c" and _real_input(name):
        return
    a = (rng.integers(0, 2, (3, 4)) if dtype is np.bool_ else rng.integers(-3, 4, (3, 4))).astype(dtype) \
        if np.dtype(dtype).kind in "biu" else _r(3, 4, dtype=dtype)
    _both(lambda m, x: getattr(m.fft, name)(x), a)


def test_integer_input_follows_default_dtype():
    a = np.arange(6, dtype=np.int64)
    for m in (ember, torch):
        m.set_default_dtype(m.float64)
    try:
        _both(lambda m, x: m.fft.fft(x), a)
        _both(lambda m, x: m.fft.irfft(x), a)
    finally:
        for m in (ember, torch):
            m.set_default_dtype(m.float32)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["fft", "rfft", "irfft", "fftn", "ihfftn", "hfft2"])
def test_half_precision_refused(dtype, name):
    e, t = check_error(lambda m: getattr(m.fft, name)(m.ones(4, 4, dtype=getattr(m, dtype))), match_message=True)
    assert "Unsupported dtype" in str(t)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_noncontiguous_1d(name):
    dt = np.float32 if _real_input(name) else np.complex64
    for dim in (0, 1):
        check(lambda m, x: getattr(m.fft, name)(x, dim=dim).resolve_conj(), [_r(5, 6, dtype=dt)], noncontig=True,
              atol=1e-4)
    base = _r(20, dtype=dt)
    _both(lambda m, x: getattr(m.fft, name)(x[1::3], n=8), base)


@pytest.mark.parametrize("name", ND)
def test_noncontiguous_nd(name):
    dt = np.float64 if _real_input(name) else np.complex128
    a = np.ascontiguousarray(_r(6, 4, 5, dtype=dt).transpose(2, 0, 1)).transpose(1, 2, 0)
    _both(lambda m, x: getattr(m.fft, name)(x), a)
    _both(lambda m, x: getattr(m.fft, name)(x, dim=(2, 0)), a)
    _both(lambda m, x: getattr(m.fft, name)(x[:, ::2, 1:], s=(3, 4), dim=(1, 0)), a)


@pytest.mark.parametrize("perm", [(0, 1, 2, 3), (3, 1, 0, 2), (2, 0, 3, 1)])
def test_output_strides_follow_torch(perm):
    """torch's CPU kernel lays the transformed dims out innermost: ember gives the same strides."""
    base = _r(3, 4, 5, 6)
    a = np.ascontiguousarray(base.transpose(perm)).transpose(np.argsort(perm))
    for name in ("fft", "rfft", "irfft", "hfft", "ihfft"):
        inp = a if _real_input(name) or name == "fft" else a + 1j * a
        for d in range(4):
            _both(lambda m, x: getattr(m.fft, name)(x, dim=d), inp)
    for name in ND:
        inp = a if _real_input(name) else a + 1j * a
        for dims in [(0, 1), (3, 0, 2), (3, 2, 1, 0)]:
            _both(lambda m, x: getattr(m.fft, name)(x, dim=dims), inp)


def test_zero_dim_and_empty():
    s = np.array(2.5, np.float32)
    _both(lambda m, x: m.fft.fftn(x), s)
    _both(lambda m, x: m.fft.fftn(x, dim=()), s)
    _both(lambda m, x: m.fft.fftn(x, dim=()), _r(0, 3, dtype=np.float32), strides=False)
    _both(lambda m, x: m.fft.fftn(x, s=(2, 2, 3)), _r(2, 0, 3, dtype=np.float32))
    _both(lambda m, x: m.fft.fft(x, n=4, dim=1), _r(2, 0, 3, dtype=np.float32))
    for fn in [lambda m: m.fft.fft(m.tensor(1.0)),
               lambda m: m.fft.rfft(m.tensor(1.0)),
               lambda m: m.fft.fftn(m.tensor(1.0), dim=0),
               lambda m: m.fft.fft(m.zeros(0)),
               lambda m: m.fft.rfft(m.zeros(3, 0)),
               lambda m: m.fft.irfft(m.zeros(1)),
               lambda m: m.fft.hfftn(m.zeros(4, 1)),
               lambda m: m.fft.fft(m.zeros(3, 0), dim=0),
               lambda m: m.fft.rfft(m.zeros(0, 3), dim=1),
               lambda m: m.fft.irfft(m.zeros(0, 3), dim=1),
               lambda m: m.fft.fftn(m.zeros(2, 0, 3), dim=(0, 2))]:
        check_error(fn, match_message=True)


def test_errors():
    x = lambda m: m.ones(3, 4)  # noqa: E731
    cases = [
        lambda m: m.fft.fft(x(m), n=0),
        lambda m: m.fft.fft(x(m), n=-1),
        lambda m: m.fft.fft(x(m), dim=2),
        lambda m: m.fft.fft(x(m), dim=-3),
        lambda m: m.fft.fft(x(m), norm="bad"),
        lambda m: m.fft.ifftn(x(m), norm="Ortho"),
        lambda m: m.fft.fft2(x(m), dim=(0, 0)),
        lambda m: m.fft.fft2(x(m), dim=(0, -2)),
        lambda m: m.fft.fftn(x(m), s=(2, 3, 4)),
        lambda m: m.fft.fftn(x(m), s=(2, 3), dim=(0,)),
        lambda m: m.fft.fftn(x(m), s=(0, 3)),
        lambda m: m.fft.fftn(x(m), s=(-2, 3)),
        lambda m: m.fft.rfftn(x(m), dim=()),
        lambda m: m.fft.irfftn(x(m), dim=()),
        lambda m: m.fft.hfftn(x(m), dim=()),
        lambda m: m.fft.ihfftn(x(m), dim=()),
        lambda m: m.fft.rfft(x(m).to(m.complex64)),
        lambda m: m.fft.ihfft(x(m).to(m.complex64)),
        lambda m: m.fft.rfft2(x(m).to(m.complex128)),
        lambda m: m.fft.ihfftn(x(m).to(m.complex64)),
        lambda m: m.fft.ihfft2(x(m).to(m.complex64)),
        lambda m: m.fft.irfft(x(m), n=0),
        lambda m: m.fft.hfft(m.ones(3), n=0),
        lambda m: m.fft.fft2(m.ones(3)),
        lambda m: m.fft.rfft2(m.ones(3)),
        lambda m: m.fft.irfftn(x(m), s=(-1, 0)),
        lambda m: m.fft.fft(x(m), dim=(0,)),
        lambda m: m.fft.fft(x(m), n=2.0),
        lambda m: m.fft.fft(x(m), n=True),
        lambda m: m.fft.fft(x(m), norm=1),
        lambda m: m.fft.fft([1.0, 2.0]),
        lambda m: m.fft.fftn(x(m), s=(True,)),
        lambda m: m.fft.fftn(x(m), dim=[0.0]),
        lambda m: m.fft.fftn(x(m), s=[None, 3]),
    ]
    for fn in cases:
        check_error(fn, match_message=True)


def test_int_like_arguments():
    a = _r(3, 4, dtype=np.float32)
    _both(lambda m, x: m.fft.fftn(x, s=4), a)
    _both(lambda m, x: m.fft.fftn(x, dim=0), a)
    _both(lambda m, x: m.fft.fftn(x, s=[4], dim=None), a)
    _both(lambda m, x: m.fft.fft(x, n=m.tensor(3)), a)
    _both(lambda m, x: m.fft.fftn(x, s=m.tensor([3])), a)
    _both(lambda m, x: m.fft.irfftn(x, s=[-1, -1]), a)
    _both(lambda m, x: m.fft.irfftn(x, s=(-1, 1)), a)


# ----------------------------------------------------------------------------------------------------
# out=

def test_out():
    a = _r(4, dtype=np.float32)
    for name, odt, expect in [("fft", "complex64", True), ("fft", "complex128", True), ("rfft", "complex64", True),
                              ("irfft", "float64", True), ("ihfft", "complex64", True), ("fftn", "complex64", True),
                              ("hfft2", "float32", None), ("fft", "float32", False), ("rfft", "float32", False),
                              ("irfft", "complex64", False), ("rfftn", "float32", False),
                              ("hfftn", "complex64", False), ("ihfftn", "float32", False)]:
        inp = a[None] if name.endswith("2") else a
        if expect is False:
            check_error(lambda m: getattr(m.fft, name)(m.from_numpy(inp.copy()), out=m.empty(0, dtype=getattr(m, odt))))
            continue
        outs = {}
        for m in (ember, torch):
            o = m.empty(0, dtype=getattr(m, odt))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = getattr(m.fft, name)(m.from_numpy(inp.copy()), out=o)
            assert r is o
            outs[m] = o
        _same(outs[ember], outs[torch], strides=False)
    check_error(lambda m: m.fft.fft(m.ones(4, requires_grad=True), out=m.empty(0, dtype=m.complex64)))


# ----------------------------------------------------------------------------------------------------
# gradients

def _grad_both(fn, a, seed=0):
    """Gradients of ``fn`` at ``a`` for a random (complex, if the output is) cotangent, ember vs torch."""
    r = np.random.default_rng(seed)
    ex = ember.from_numpy(a.copy()).requires_grad_()
    tx = torch.from_numpy(a.copy()).requires_grad_()
    eo, to = fn(ember, ex), fn(torch, tx)
    g = r.standard_normal(tuple(to.shape))
    if to.is_complex():
        g = g + 1j * r.standard_normal(tuple(to.shape))
    g = g.astype(as_numpy(to.resolve_conj()).dtype)
    (gt,) = torch.autograd.grad(to, tx, torch.from_numpy(g))
    (ge,) = ember.autograd.grad(eo, ex, ember.from_numpy(g.copy()))
    assert_same(ge, gt.resolve_conj(), atol=1e-10, rtol=1e-9)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "ihfft", "irfft", "hfft"])
@pytest.mark.parametrize("norm", [None, "forward", "ortho"])
def test_grad_1d(name, norm):
    for dt in ([np.float64, np.complex128] if name in ("fft", "ifft") else
               [np.float64] if _real_input(name) else [np.complex128, np.float64]):
        a = _r(3, 5, dtype=dt)
        for n, dim in [(None, -1), (8, 1), (2, 0), (7, 0), (1, -1)]:
            _grad_both(lambda m, x: getattr(m.fft, name)(x, n, dim, norm), a)


@pytest.mark.parametrize("name", ND + TWO_D)
@pytest.mark.parametrize("norm", [None, "forward", "ortho"])
def test_grad_nd(name, norm):
    dt = np.float64 if _real_input(name) else np.complex128
    a = _r(3, 4, 5, dtype=dt)
    dim_default = (-2, -1) if name.endswith("2") else None
    for s, dim in [(None, dim_default), ((3, 7), (2, 0)), ((6, 5), (1, 2)), ((2, 8), (0, 1))]:
        _grad_both(lambda m, x: getattr(m.fft, name)(x, s=s, dim=dim, norm=norm), a)


def test_grad_real_input_to_complex_transform():
    for name in ("fftn", "ifft2", "irfft", "hfftn"):
        _grad_both(lambda m, x: getattr(m.fft, name)(x), _r(3, 4))


@pytest.mark.parametrize("fn,complex_in", [
    (lambda x: ember.fft.fft(x, n=7), True),
    (lambda x: ember.fft.ifft(x, n=3, norm="ortho"), False),
    (lambda x: ember.fft.rfft(x, n=7), False),
    (lambda x: ember.fft.rfft(x, n=6, dim=0, norm="forward"), False),
    (lambda x: ember.fft.irfft(x, n=7), True),
    (lambda x: ember.fft.irfft(x), True),
    (lambda x: ember.fft.hfft(x, n=6, norm="ortho"), True),
    (lambda x: ember.fft.ihfft(x), False),
    (lambda x: ember.fft.fftn(x, s=(4, 6)), False),
    (lambda x: ember.fft.rfftn(x, s=(2, 5)), False),
    (lambda x: ember.fft.irfftn(x, s=(4, 5)), True),
    (lambda x: ember.fft.hfft2(x, norm="forward"), True),
    (lambda x: ember.fft.ihfftn(x, s=(2, 4)), False),
    (lambda x: ember.fft.ifftn(x, dim=0), True),
])
def test_gradcheck(fn, complex_in):
    x = ember.from_numpy(_r(3, 5, dtype=np.complex128 if complex_in else np.float64)).requires_grad_()
    assert ember.autograd.gradcheck(fn, (x,))
    assert ember.autograd.gradgradcheck(fn, (x,))


def test_grad_fn_names():
    x = lambda m: m.ones(3, 4, requires_grad=True)  # noqa: E731
    for fn in [lambda m: m.fft.fft(x(m)), lambda m: m.fft.rfft(x(m)), lambda m: m.fft.fftn(x(m)),
               lambda m: m.fft.irfft(x(m).to(m.complex64)), lambda m: m.fft.fft(x(m).to(m.complex64)),
               lambda m: m.fft.hfft(x(m)), lambda m: m.fft.fft(x(m), n=2), lambda m: m.fft.fft(x(m), n=9)]:
        assert type(fn(ember).grad_fn).__name__ == type(fn(torch).grad_fn).__name__


# ----------------------------------------------------------------------------------------------------
# fftfreq / rfftfreq / fftshift / ifftshift

@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
def test_freq(name):
    for n in [0, 1, 2, 5, 6, 11] + ([-1, -2, -3] if name == "rfftfreq" else []):
        for d in [1.0, 0.3, 2, -0.5]:
            _both(lambda m: getattr(m.fft, name)(n, d), atol=1e-6)
        for dt in ["float64", "float16", "bfloat16"]:
            _both(lambda m: getattr(m.fft, name)(n, 0.1, dtype=getattr(m, dt)), atol=1e-6, rtol=1e-3)
    with np.errstate(all="ignore"):
        _both(lambda m: getattr(m.fft, name)(5, d=0.0))
    _both(lambda m: getattr(m.fft, name)(m.tensor(5), m.tensor(2.0)))
    e = getattr(ember.fft, name)(4, requires_grad=True)
    assert e.requires_grad and e.is_leaf
    for fn in [lambda m: getattr(m.fft, name)(5, dtype=m.int64),
               lambda m: getattr(m.fft, name)(5, dtype=m.complex64),
               lambda m: getattr(m.fft, name)(-4),
               lambda m: getattr(m.fft, name)(5.0)]:
        check_error(fn, match_message=True)
    for m in (ember, torch):
        o = m.empty(0, dtype=m.float64)
        assert getattr(m.fft, name)(6, out=o) is o
    _same(ember.fft.fftfreq(6, out=ember.empty(0, dtype=ember.float64)),
          torch.fft.fftfreq(6, out=torch.empty(0, dtype=torch.float64)))
    check_error(lambda m: getattr(m.fft, name)(4, dtype=m.float32, out=m.empty(0, dtype=m.float64)),
                match_message=True)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shift(name):
    a = np.arange(30).reshape(5, 6)
    for dim in [None, 0, 1, -1, (0, 1), (1, 0), [1], (0, 0)]:
        _both(lambda m, x: getattr(m.fft, name)(x, dim=dim), a)
        _both(lambda m, x: getattr(m.fft, name)(x, dim), _r(4, 7, 3))
    _both(lambda m, x: getattr(m.fft, name)(x), _r(0, 3), strides=False)
    check_error(lambda m: getattr(m.fft, name)(m.tensor(1.0)), match_message=True)
    check_error(lambda m: getattr(m.fft, name)(m.tensor(1.0), dim=0), match_message=True)
    check_error(lambda m: getattr(m.fft, name)(m.ones(3, 4), dim=5), match_message=True)
    check(lambda m, x: getattr(m.fft, name)(x, dim=(0, 1)), [(4, 5)], grad=True)
    f = getattr(ember.fft, name)
    assert ember.autograd.gradcheck(lambda x: f(x, dim=1), (ember.randn(3, 5, dtype=ember.float64,
                                                                         requires_grad=True),))


def test_fft_shift_round_trip():
    x = ember.randn(5, 6)
    assert ember.equal(ember.fft.ifftshift(ember.fft.fftshift(x)), x)
    freqs = ember.fft.fftshift(ember.fft.fftfreq(7))
    assert bool((freqs[1:] > freqs[:-1]).all())


def test_cpu_autocast_runs_ffts_in_float32():
    """torch's CPU autocast lists the fft_* ops (not hfftn/ihfftn/hfft2/ihfft2) as fp32 ops."""
    a = _r(2, 8, dtype=np.float32)
    for name in ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn", "fft2", "ifft2",
                 "rfft2", "irfft2"]:
        res = {}
        for m in (ember, torch):
            with m.autocast("cpu"):
                res[m] = getattr(m.fft, name)(m.from_numpy(a.copy()).to(m.bfloat16))
        _same(res[ember], res[torch], atol=1e-5, strides=False)
    for name in ["hfftn", "ihfftn", "hfft2", "ihfft2"]:
        def call(m):
            with m.autocast("cpu"):
                return getattr(m.fft, name)(m.ones(2, 8, dtype=m.bfloat16))
        check_error(call, match_message=True)
