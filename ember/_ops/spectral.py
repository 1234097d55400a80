"""Window functions and the short-time Fourier transform (≙ ``torch.hann_window`` ..., ``torch.stft``/``istft``).

The windows follow ATen's ``TensorFactories.cpp`` step by step in the result dtype (each in-place step
rounded, computed in op-math precision: float32 for half/bfloat16), so their values equal torch's; a
periodic window is the symmetric window of ``N + 1`` points without its last point (a view, as in torch).

``stft``/``istft`` follow torch 2.x (``torch/functional.py`` plus ATen's ``SpectralOps.cpp``): centre
padding with ``pad_mode``, frames by ``unfold``, the window zero-padded to ``n_fft``, the FFT primitives of
``ember.fft`` (so both are differentiable, also in the window), and for ``istft`` an overlap-add (ATen's
``unfold_backward``) divided by the overlap-added squared window; torch's messages and warnings.
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._device import xp_of
from .._prim import Primitive, apply
from .._tensor import Tensor
from .padding import pad as _pad
from ..amp.autocast_mode import state as _amp

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window", "stft", "istft"]


# ----------------------------------------------------------------------------------------------------
# window functions

_CPP_TYPE_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
                   "int32": "int", "int64": "long int", "uint16": "unsigned short", "uint32": "unsigned int",
                   "uint64": "unsigned long"}


def _options_repr(dt, layout_name="Strided (default)", dtype_default=False):
    """c10's ``TensorOptions`` printout, as window_function_checks shows it."""
    name = _CPP_TYPE_NAMES.get(dt.name, {"float32": "float", "float64": "double", "float16": "c10::Half",
                                         "bfloat16": "c10::BFloat16"}.get(dt.name, dt.name))
    return (f"TensorOptions(dtype={name}{' (default)' if dtype_default else ''}, device=cpu, layout={layout_name}, "
            f"requires_grad=false (default), pinned_memory=false, memory_format=(nullopt))")


def _window_args(fname, window_length, periodic, dtype, layout):
    """Parse and check a window's arguments (ATen's ``window_function_checks``); returns (length, dtype)."""
    from .creation import _dtype_arg
    if isinstance(window_length, (np.integer, Tensor)):
        window_length = window_length.__index__()
    elif not isinstance(window_length, int) or isinstance(window_length, bool):
        raise TypeError(f"{fname}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if not isinstance(periodic, (bool, np.bool_)):
        raise TypeError(f"{fname}(): argument 'periodic' (position 2) must be bool, not {type(periodic).__name__}")
    dt = _dtype_arg(dtype, fname)
    given = dt is not None
    dt = dt or D.get_default_dtype()
    if layout is not None and str(layout) != "torch.strided":
        raise RuntimeError(f"{fname} is not implemented for sparse types, got: "
                           f"{_options_repr(dt, 'Sparse', not given)}")
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{fname} expects floating point dtypes, got: {_options_repr(dt)}")
    if window_length < 0:
        raise RuntimeError(f"{fname} requires non-negative window_length, got window_length={window_length}")
    return window_length, dt


def _window(fname, window_length, periodic, dtype, layout, device, requires_grad, values):
    """Build a window: ``values(N, k, rnd, sc)`` gives the symmetric window of N points from ``k`` (the arange in
    op-math precision), where ``rnd`` rounds an op-math array to the result dtype and ``sc`` a Python scalar (each
    in-place step of ATen's formula: a scalar operand is rounded to the tensor's dtype, the op computed in
    op-math precision and the result rounded)."""
    from .creation import _finish
    n, dt = _window_args(fname, window_length, periodic, dtype, layout)
    if n <= 1:
        return _finish(np.ones(n, dt.np), requires_grad, device)
    if dt.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{D._SCALAR_NAMES[dt.name]}'")
    if periodic:
        n += 1
    op = np.float64 if dt is D.float64 else np.float32
    target = dt.np

    def rnd(a):
        return a.astype(target).astype(op)

    def sc(v):
        return op(target.type(v))

    arr = values(n, rnd(np.arange(n, dtype=op)), rnd, sc).astype(target)
    return _finish(arr[:-1] if periodic else arr, requires_grad, device)


def _hamming_values(alpha, beta):
    def values(n, k, rnd, sc):
        w = rnd(k * sc(math.pi * 2.0 / (n - 1)))
        return rnd(rnd(rnd(np.cos(w)) * sc(-beta)) + sc(alpha))
    return values


def _blackman_values(n, k, rnd, sc):
    w = rnd(k * sc(math.pi / (n - 1)))
    a = rnd(rnd(np.cos(rnd(w * sc(4)))) * sc(0.08))
    b = rnd(rnd(np.cos(rnd(w * sc(2)))) * sc(0.5))
    return rnd(rnd(a - b) + sc(0.42))


def _bartlett_values(n, k, rnd, sc):
    w = rnd(k * sc(2.0 / (n - 1)))
    half = ((n - 1) >> 1) + 1
    w[half:] = rnd(rnd(w[half:] * sc(-1)) + sc(2))
    return w


def _kaiser_values(beta):
    def values(n, k, rnd, sc):
        # ATen's kaiser kernel: constants and arithmetic in op-math precision, one rounding at the end
        import scipy.special
        op = k.dtype.type
        alpha = op((n - 1) / 2.0)
        b = op(beta)
        arg = b * np.sqrt(np.abs(op(1) - ((k - alpha) / alpha) ** op(2)))
        return rnd((scipy.special.i0(arg) / scipy.special.i0(b)).astype(op))
    return values


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """``torch.hann_window``: ``0.5 - 0.5 cos(2 pi n / (N - 1))`` (N = length + 1 when periodic)."""
    return _window("hann_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _hamming_values(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """``torch.hamming_window``: ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _hamming_values(float(alpha), float(beta)))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """``torch.blackman_window``: ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    return _window("blackman_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _blackman_values)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """``torch.bartlett_window``: the triangular window ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _bartlett_values)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """``torch.kaiser_window``: ``I0(beta sqrt(1 - ((n - N/2) / (N/2))^2)) / I0(beta)``."""
    return _window("kaiser_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _kaiser_values(float(beta)))


# ----------------------------------------------------------------------------------------------------
# overlap-add: ATen's unfold_backward along the last dim, (..., frames, n) -> (..., length)

def _ola_fwd(frames, hop, length):
    xp = xp_of(frames)
    nf, n = frames.shape[-2:]
    chunks = -(-n // hop)
    lead = frames.shape[:-2]
    out = xp.zeros(lead + (chunks + nf - 1, hop), frames.dtype)
    for r in range(chunks):  # chunk r of every frame lands in the hop-sized rows r .. r + nf - 1
        w = min(hop, n - r * hop)
        out[..., r:r + nf, :w] += frames[..., r * hop:r * hop + w]
    return out.reshape(lead + (-1,))[..., :length]


def _ola_grad(ctx, g):
    hop, _ = ctx.args
    n = ctx._in_meta[0][0][-1]
    return (g.unfold(g.dim() - 1, n, hop).contiguous(),)


_OVERLAP_ADD = Primitive("UnfoldBackwardBackward0", _ola_fwd, _ola_grad)


def _overlap_add(frames, hop, length):
    return apply(_OVERLAP_ADD, (frames,), (hop, length))


# ----------------------------------------------------------------------------------------------------
# stft / istft

_warned = set()


def _warn_once(msg):
    """TORCH_WARN_ONCE: the first time per process."""
    if msg not in _warned:
        _warned.add(msg)
        warnings.warn(msg, UserWarning, stacklevel=3)


def _opt(v):
    return "None" if v is None else str(int(v))


def _window_repr(window):
    return "None" if window is None else f"{window.type()}{{{list(window.shape)}}}"


def _check_window_device(fname, input, window):
    if window is not None and window.device != input.device:
        raise RuntimeError(f"{fname} input and window must be on the same device but got self on {input.device} "
                           f"and window on {window.device}")


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """``torch.stft``: frames of ``n_fft`` samples every ``hop_length`` (default ``n_fft // 4``), windowed and
    Fourier transformed; returns ``(*, freq, frames)``.  ``return_complex`` is required for real input."""
    if _amp.active:
        return _amp.run("stft", stft, input, n_fft, hop_length, win_length, window, center, pad_mode, normalized,
                        onesided, return_complex, align_to_window)
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        signal_dim = input.dim()
        p = int(n_fft // 2)
        x = _pad(input.view([1] * (3 - signal_dim) + list(input.shape)), [p, p], pad_mode)
        input = x.view(x.shape[-signal_dim:] if signal_dim else x.shape)
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    def repr_():
        return (f"stft({input.type()}{list(input.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
                f"window={_window_repr(window)}, normalized={int(bool(normalized))}, onesided={_opt(onesided)}, "
                f"return_complex={_opt(return_complex)}, align_to_window={_opt(align_to_window)}) ")

    _check_window_device("stft", input, window)
    if window is None:
        _warn_once("A window was not provided. A rectangular window will be applied,which is known to cause "
                   "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                   "explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    rc = return_complex if return_complex is not None else (
        input.is_complex() or (window is not None and window.is_complex()))
    if not rc:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        _warn_once("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                   "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                   "still call torch.view_as_real on the complex output to recover the old return format.")
    if not (input.dtype.is_floating_point or input.is_complex()):
        raise RuntimeError(repr_() + ": expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        raise RuntimeError(repr_() + ": expected a 1D or 2D tensor")
    x = input.unsqueeze(0) if input.dim() == 1 else input
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(repr_() + f": expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(repr_() + f": expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        raise RuntimeError(repr_() + f": expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(repr_() + f": expected a 1D window tensor of size equal to win_length={win}, but got "
                           f"window with size {list(window.shape)}")
    w = window
    if win < n_fft:
        left = (n_fft - win) // 2
        if w is None:
            w = x.new_ones(win)
        w = _pad(w, [left, n_fft - win - left])
        if align_to_window and not center:
            x = _pad(x, [left, left], pad_mode)
    frames = x.unfold(1, n_fft, hop)
    if w is not None:
        frames = frames * w
    complex_fft = frames.is_complex()
    onesided = not complex_fft if onesided is None else onesided
    from ..fft import _NONE, _ROOT, _c2c, _r2c  # ember.fft loads on first use
    mode = _ROOT if normalized else _NONE
    if complex_fft:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = _c2c(frames, (2,), mode, True)
    else:
        out = _r2c(frames, (2,), mode, onesided)
    out = out.transpose(1, 2)
    if input.dim() == 1:
        out = out.squeeze(0)
    if rc:
        return out
    from .views import view_as_real
    return view_as_real(out)


def _istft_type(t):
    """ATen's ``toString()`` of a tensor's type, as istft's messages print it (``CPUComplexFloatType``)."""
    return f"{'CUDA' if t.device.type == 'cuda' else 'CPU'}{D._SCALAR_NAMES[t.dtype.name]}Type"


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """``torch.istft``: the inverse of ``stft`` by overlap-add, divided by the overlap-added squared window
    (which must not vanish), trimmed by ``n_fft // 2`` at each end when ``center`` and to ``length``."""
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    def repr_():
        return (f"istft({_istft_type(input)}{list(input.shape)}, n_fft={n_fft}, hop_length={hop}, "
                f"win_length={win}, window={_window_repr(window)}, center={int(bool(center))}, "
                f"normalized={int(bool(normalized))}, onesided={_opt(onesided)}, length={_opt(length)}, "
                f"return_complex={int(bool(return_complex))}) ")

    _check_window_device("istft", input, window)
    if window is None:
        _warn_once("A window was not provided. A rectangular window will be applied.Please provide the same window "
                   "used by stft to make the inversion lossless.To suppress this warning and use a rectangular "
                   "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    rd = input.dim() + 1  # dims of torch's view_as_real(input), which ATen indexes
    for k in (2, 3):
        if rd < k:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-rd}, {rd - 1}], but got {-k})")
    n_frames = input.shape[-1]
    fft_size = input.shape[-2]
    expected_len = n_fft + hop * (n_frames - 1)
    if input.numel() == 0:
        raise RuntimeError(repr_() + ": input tensor cannot be empty.")
    if rd not in (3, 4):
        raise RuntimeError(repr_() + f": expected a tensor with 3 or 4 dimensions, but got {rd}")
    onesided_ = fft_size != n_fft if onesided is None else onesided
    if onesided_:
        if n_fft // 2 + 1 != fft_size:
            raise RuntimeError(repr_() + ": expected the frequency dimension (3rd to the last) of the input tensor "
                               f"to match n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    elif n_fft != fft_size:
        raise RuntimeError(repr_() + ": expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        raise RuntimeError(repr_() + ": expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        raise RuntimeError(repr_() + ": expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(repr_() + ": Invalid window shape. window has to be 1D and length of `win_length`")
    w = window if window is not None else input.real.new_ones(win)
    if win != n_fft:
        left = (n_fft - win) // 2
        w = _pad(w, [left, n_fft - win - left])
    x = input.unsqueeze(0) if input.dim() == 2 else input
    x = x.transpose(1, 2)  # (channel, n_frames, fft_size)
    from ..fft import _BY_N, _ROOT, _c2c, _c2r
    mode = _ROOT if normalized else _BY_N
    if return_complex:
        if onesided_:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        y = _c2c(x, (2,), mode, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided_:
            x = x.narrow(-1, 0, n_fft // 2 + 1)
        y = _c2r(x, (2,), mode, n_fft)
    y = _overlap_add(y * w.view(1, 1, n_fft), hop, expected_len)
    env = _overlap_add(w.pow(2).expand(1, n_frames, n_fft), hop, expected_len)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected_len - n_fft // 2 if center else expected_len)
    y = y[:, start:end]
    env = env[:, start:end]
    e = env._data
    if e.size == 0:
        raise RuntimeError("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    if bool(abs(e).min() < 1e-11):
        dev = "CUDA" if env.device.type == "cuda" else "CPU"
        raise RuntimeError(repr_() + f"window overlap add min: 1\n[ {dev}BoolType{{}} ]")
    y = y / env
    if input.dim() == 2:
        y = y.squeeze(0)
    if end > expected_len:
        _warn_once("The length of signal is shorter than the length parameter. Result is being padded with zeros "
                   "in the tail. Please check your center and hop_length settings.")
        y = _pad(y, [0, end - expected_len])
    return y


def _bind():
    Tensor.stft = stft
    Tensor.istft = istft


_bind()
