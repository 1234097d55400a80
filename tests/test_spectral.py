"""Window functions and stft/istft against torch: window values (bit-exact in half precision, within float
rounding otherwise), dtypes, kwargs and errors; stft/istft values, gradients (also in the window), gradcheck,
round trips, Tensor methods, torch's errors, messages and warnings."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import as_numpy, assert_same, check_error

rng = np.random.default_rng(3)
WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _r(*shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return np.asarray(a, dtype)


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _run(fn, arrays, grad=True, tol=1e-4, strides=True):
    """``fn(module, *tensors)`` in ember and torch: values, dtype, shape (strides), and gradients of every float
    input for a random cotangent (complex if the output is)."""
    req = [grad and a.dtype.kind in "fc" for a in arrays]
    te = [torch.from_numpy(a.copy()).requires_grad_(r) for a, r in zip(arrays, req)]
    ee = [ember.from_numpy(a.copy()).requires_grad_(r) for a, r in zip(arrays, req)]
    t = _quiet(fn, torch, *te)
    e = _quiet(fn, ember, *ee)
    assert_same(e, t.resolve_conj(), atol=tol, rtol=tol, strides=strides)
    if not any(req):
        return e, t
    g = rng.standard_normal(tuple(t.shape))
    if t.is_complex():
        g = g + 1j * rng.standard_normal(tuple(t.shape))
    g = g.astype(as_numpy(t.resolve_conj()).dtype)
    tg = torch.autograd.grad(t, [x for x in te if x.requires_grad], torch.from_numpy(g))
    eg = ember.autograd.grad(e, [x for x in ee if x.requires_grad], ember.from_numpy(g.copy()))
    for a, b in zip(eg, tg):
        assert_same(a, b, atol=tol * 10, rtol=tol * 10)
    return e, t


# ----------------------------------------------------------------------------------------------------
# windows

@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_window_values(name, dtype):
    exact = dtype in ("float16", "bfloat16") and name != "kaiser_window"
    for n in [0, 1, 2, 3, 5, 8, 64, 301]:
        for periodic in (True, False):
            e = getattr(ember, name)(n, periodic, dtype=getattr(ember, dtype))
            t = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype))
            tol = {"float32": 1e-6, "float64": 1e-12}.get(dtype, 1e-2)
            assert_same(e, t, atol=tol, rtol=tol, strides=True, exact=exact)
            assert e.untyped_storage().nbytes() == t.untyped_storage().nbytes()


def test_window_defaults_and_parameters():
    for name in WINDOWS:
        assert_same(getattr(ember, name)(10), getattr(torch, name)(10), atol=1e-6)
        assert_same(getattr(ember, name)(10, periodic=False), getattr(torch, name)(10, periodic=False), atol=1e-6)
    for args in [(7, True, 0.3), (7, False, 0.3, 0.2), (6, True, 1, 2)]:
        assert_same(ember.hamming_window(*args), torch.hamming_window(*args), atol=1e-6)
    for args in [(7, True, 5.0), (9, False, 0.0), (5, False, -1.0), (6, True, 5)]:
        assert_same(ember.kaiser_window(*args), torch.kaiser_window(*args), atol=1e-6)
    assert_same(ember.kaiser_window(12, False, beta=3.5, dtype=ember.float64),
                torch.kaiser_window(12, False, beta=3.5, dtype=torch.float64), atol=1e-12)
    assert_same(ember.hann_window(ember.tensor(6)), torch.hann_window(torch.tensor(6)), atol=1e-6)
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.hann_window(4).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


def test_window_kwargs():
    for name in WINDOWS:
        for n in (0, 1, 5):
            w = getattr(ember, name)(n, requires_grad=True)
            assert w.requires_grad and w.is_leaf and w.grad_fn is None
        assert getattr(ember, name)(4, device="cpu").device == ember.device("cpu")
        assert getattr(ember, name)(4, layout=None).shape == (4,)
        for n in (0, 1):
            assert_same(getattr(ember, name)(n, dtype=ember.complex64), getattr(torch, name)(n, dtype=torch.complex64))
            assert_same(getattr(ember, name)(n, dtype=ember.float16), getattr(torch, name)(n, dtype=torch.float16))


@pytest.mark.parametrize("name", WINDOWS)
def test_window_errors(name):
    for fn in [lambda m: getattr(m, name)(-1),
               lambda m: getattr(m, name)(4, dtype=m.int64),
               lambda m: getattr(m, name)(0, dtype=m.int32),
               lambda m: getattr(m, name)(1, dtype=m.bool),
               lambda m: getattr(m, name)(-1, dtype=m.uint8),
               lambda m: getattr(m, name)(4, dtype=m.int16, requires_grad=True),
               lambda m: getattr(m, name)(4, dtype=m.complex64)]:
        check_error(fn, match_message=True)
    for fn in [lambda m: getattr(m, name)(4.0),
               lambda m: getattr(m, name)(4, periodic=1),
               lambda m: getattr(m, name)(4, periodic=m.tensor(True)),
               lambda m: getattr(m, name)("4")]:
        check_error(fn)


# ----------------------------------------------------------------------------------------------------
# stft

STFT_KW = [dict(), dict(hop_length=3), dict(win_length=10), dict(normalized=True), dict(onesided=False),
           dict(center=False), dict(pad_mode="constant"), dict(pad_mode="replicate"), dict(pad_mode="circular"),
           dict(center=False, win_length=10, align_to_window=True), dict(center=False, win_length=11),
           dict(hop_length=20, win_length=9, normalized=True)]


@pytest.mark.parametrize("kw", STFT_KW)
def test_stft(kw):
    x, x2 = _r(50), _r(3, 40)
    wl = kw.get("win_length", 16)
    _run(lambda m, x: m.stft(x, 16, return_complex=True, **kw), [x])
    _run(lambda m, x: m.stft(x, 16, return_complex=False, **kw), [x2])
    _run(lambda m, x, w: m.stft(x, 16, window=w, return_complex=True, **kw), [x, _r(wl)])
    _run(lambda m, x, w: x.stft(16, window=w, return_complex=True, **kw), [x2, _r(wl)])
    if "onesided" not in kw:
        _run(lambda m, x: m.stft(x, 16, **kw), [_r(50, dtype=np.complex128)])
        _run(lambda m, x, w: m.stft(x, 16, window=w, **kw), [_r(3, 40, dtype=np.complex128), _r(wl)])
        _run(lambda m, x, w: m.stft(x, 16, window=w, **kw), [x, _r(wl, dtype=np.complex128)])


def test_stft_dtypes():
    x = _r(30, dtype=np.float32)
    _run(lambda m, x: m.stft(x, 8, window=m.hann_window(8), return_complex=True), [x])
    _run(lambda m, x: m.stft(x, 8, window=m.hann_window(8, dtype=m.float64), return_complex=True), [x])
    _run(lambda m, x: m.stft(x, 8, window=m.hann_window(8, dtype=m.float16), return_complex=True), [x])
    _run(lambda m, x: m.stft(x, 8, window=m.hann_window(8), return_complex=True), [x.astype(np.float64)])
    _run(lambda m, x: m.stft(x, 8, window=m.hann_window(8), return_complex=True), [x[::2]], strides=False)
    _run(lambda m, x: m.stft(x, 1, hop_length=1, return_complex=True), [_r(4)])
    _run(lambda m, x: m.stft(x, 1, hop_length=1, center=False, return_complex=True), [np.asarray(_r(1))])


def _msg(fn):
    e, t = check_error(fn)
    assert str(e) == str(t), f"{e!r} != {t!r}"


def test_stft_errors():
    x = lambda m: m.ones(20)  # noqa: E731
    for fn in [lambda m: m.stft(x(m), 8),
               lambda m: m.stft(x(m).to(m.complex64), 8, onesided=True),
               lambda m: m.stft(x(m).long(), 8, return_complex=True),
               lambda m: m.stft(x(m).half(), 8, return_complex=True),
               lambda m: m.stft(m.ones(2, 2, 20), 8, return_complex=True),
               lambda m: m.stft(x(m), 30, center=False, return_complex=True),
               lambda m: m.stft(x(m), 8, hop_length=0, return_complex=True),
               lambda m: m.stft(x(m), 8, win_length=9, return_complex=True),
               lambda m: m.stft(x(m), 8, win_length=0, return_complex=True),
               lambda m: m.stft(x(m), 8, window=m.ones(7), return_complex=True),
               lambda m: m.stft(x(m), 8, window=m.ones(2, 4), return_complex=True),
               lambda m: m.stft(x(m), 8, pad_mode="bad", return_complex=True),
               lambda m: m.stft(x(m), 8, align_to_window=True, return_complex=True),
               lambda m: m.stft(x(m), 0, return_complex=True),
               lambda m: m.stft(x(m), 3, return_complex=True),
               lambda m: m.stft(m.ones(2, 0), 8, center=False, return_complex=True)]:
        _msg(lambda m: _quiet(fn, m))
    for fn in [lambda m: m.stft(m.tensor(1.0), 8, return_complex=True),
               lambda m: m.stft(m.ones(0), 8, return_complex=True)]:
        check_error(lambda m: _quiet(fn, m))


def test_stft_warnings():
    from ember._ops import spectral
    spectral._warned.clear()
    x = ember.ones(20)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ember.stft(x, 8, return_complex=True)
        ember.stft(x, 8, return_complex=True)
        ember.stft(x, 8, window=ember.ones(8), return_complex=False)
    msgs = [str(m.message) for m in w]
    assert len(msgs) == 2
    assert msgs[0].startswith("A window was not provided. A rectangular window will be applied,which")
    assert msgs[1].startswith("stft with return_complex=False is deprecated.")


# ----------------------------------------------------------------------------------------------------
# istft

ISTFT_KW = [dict(), dict(hop_length=3), dict(win_length=10), dict(normalized=True), dict(center=False, hop_length=3),
            dict(length=40), dict(length=60), dict(onesided=False), dict(center=False, length=30, hop_length=5)]


def _spectrum(x, n_fft, window, kw):
    skw = {k: v for k, v in kw.items() if k in ("hop_length", "win_length", "normalized", "center", "onesided")}
    return torch.stft(torch.from_numpy(x), n_fft, window=torch.from_numpy(window), return_complex=True, **skw).numpy()


@pytest.mark.parametrize("kw", ISTFT_KW)
def test_istft(kw):
    n_fft = 16
    win = np.hanning(kw.get("win_length", 16) + 1)[:-1] + 0.1
    for x in (_r(50), _r(3, 40)):
        S = _spectrum(x, n_fft, win, kw)
        _run(lambda m, S, w: m.istft(S, n_fft, window=w, **kw), [S, win])
        _run(lambda m, S: S.istft(n_fft, window=m.from_numpy(win), **kw), [S])
        if kw.get("onesided") is False:
            _run(lambda m, S, w: m.istft(S, n_fft, window=w, return_complex=True, **kw), [S, win])
            _run(lambda m, S: m.istft(S, n_fft, return_complex=True, **kw), [S])
            _run(lambda m, S, w: m.istft(S, n_fft, window=w, return_complex=True, **kw),
                 [S, win.astype(np.complex128)])


def test_istft_dtypes():
    x = _r(40, dtype=np.float32)
    w = np.hanning(9)[:-1].astype(np.float32) + 0.1
    S = _spectrum(x, 8, w, {})
    _run(lambda m, S, w: m.istft(S, 8, window=w), [S, w])
    _run(lambda m, S, w: m.istft(S, 8, window=w), [S, w.astype(np.float64)])
    _run(lambda m, S, w: m.istft(S, 8, window=w.half()), [S, w], grad=False)
    _run(lambda m, S, w: m.istft(S, 8, window=w), [S.astype(np.complex128), w])
    _run(lambda m, S: m.istft(S, 8), [S])


def test_round_trip():
    x = ember.from_numpy(_r(2, 100))
    w = ember.hann_window(32, dtype=ember.float64)
    y = ember.istft(ember.stft(x, 32, hop_length=8, window=w, return_complex=True), 32, hop_length=8, window=w,
                    length=100)
    np.testing.assert_allclose(y.numpy(), x.numpy(), atol=1e-12)


def test_istft_errors():
    w = lambda m: m.hann_window(8)  # noqa: E731

    def S(m, **kw):
        return m.stft(m.from_numpy(np.linspace(-1, 1, 20)).float(), 8, window=w(m), return_complex=True, **kw)

    for fn in [lambda m: m.istft(S(m), 8, window=w(m), center=False),
               lambda m: m.istft(m.view_as_real(S(m)), 8, window=w(m)),
               lambda m: m.istft(S(m)[:0], 8, window=w(m)),
               lambda m: m.istft(S(m)[0], 8, window=w(m)),
               lambda m: m.istft(S(m)[0, 0], 8, window=w(m)),
               lambda m: m.istft(S(m)[None, None], 8, window=w(m)),
               lambda m: m.istft(S(m), 10, window=w(m)),
               lambda m: m.istft(S(m), 8, window=w(m), onesided=False),
               lambda m: m.istft(S(m), 8, window=w(m), hop_length=9),
               lambda m: m.istft(S(m), 8, window=w(m), hop_length=0),
               lambda m: m.istft(S(m), 8, window=w(m), win_length=9),
               lambda m: m.istft(S(m), 8, window=m.ones(7)),
               lambda m: m.istft(S(m), 8, window=w(m), return_complex=True),
               lambda m: m.istft(S(m, onesided=False), 8, window=w(m).to(m.complex64)),
               lambda m: m.istft(S(m), 8, window=m.zeros(8)),
               lambda m: m.istft(S(m), 8, window=w(m), center=False, hop_length=8),
               lambda m: m.istft(S(m), 8, window=w(m), length=0)]:
        _msg(fn)


def test_istft_length_warning():
    from ember._ops import spectral
    spectral._warned.clear()
    S = ember.stft(ember.ones(20), 8, window=ember.hann_window(8), return_complex=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ember.istft(S, 8, window=ember.hann_window(8), length=30)
    assert any(str(r.message).startswith("The length of signal is shorter than the length parameter.") for r in rec)


# ----------------------------------------------------------------------------------------------------
# gradcheck

def test_gradcheck_stft():
    x = ember.from_numpy(_r(2, 20)).requires_grad_()
    w = ember.from_numpy(_r(6)).requires_grad_()
    f = lambda x, w: ember.stft(x, 8, hop_length=3, win_length=6, window=w, return_complex=True)  # noqa: E731
    assert ember.autograd.gradcheck(f, (x, w))
    assert ember.autograd.gradgradcheck(f, (x, w))
    xc = ember.from_numpy(_r(20, dtype=np.complex128)).requires_grad_()
    assert ember.autograd.gradcheck(lambda x: ember.stft(x, 8, window=ember.ones(8, dtype=ember.float64),
                                                         normalized=True), (xc,))


def test_gradcheck_istft():
    n_fft = 8
    w = ember.from_numpy(np.hanning(9)[:-1] + 0.5).requires_grad_()
    S = ember.stft(ember.from_numpy(_r(2, 24)), n_fft, window=w.detach(), return_complex=True).requires_grad_()
    f = lambda S, w: ember.istft(S, n_fft, window=w, length=22)  # noqa: E731
    assert ember.autograd.gradcheck(f, (S, w))
    assert ember.autograd.gradgradcheck(f, (S, w))
    S2 = ember.stft(ember.from_numpy(_r(24)), n_fft, window=w.detach(), return_complex=True,
                    onesided=False).requires_grad_()
    assert ember.autograd.gradcheck(lambda S: ember.istft(S, n_fft, window=w.detach(), return_complex=True), (S2,))


def test_stft_cpu_autocast():
    x = _r(20, dtype=np.float32)
    res = {}
    for m in (ember, torch):
        with m.autocast("cpu"):
            res[m] = m.stft(m.from_numpy(x.copy()).to(m.bfloat16), 4, window=m.hann_window(4, dtype=m.bfloat16),
                            return_complex=True)
    assert_same(res[ember], res[torch], atol=1e-5)
