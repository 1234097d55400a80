"""``ember.fft`` (≙ ``torch.fft``): discrete Fourier transforms over NumPy's (or CuPy's) pocketfft.

As in ATen, every transform reduces to three primitives, named like torch's nodes:

* ``FftC2CBackward0`` — complex-to-complex over ``dims`` (forward or inverse direction);
* ``FftR2CBackward0`` — real-to-complex (one-sided: the last transformed dim keeps ``n//2 + 1`` bins);
* ``FftC2RBackward0`` — one-sided complex-to-real (inverse direction), given the output's last size.

Each carries a normalisation *mode* (none, 1/sqrt(n), 1/n) rather than torch's norm string, so each
derivative is the adjoint transform with the same mode (torch's ``fft_r2c_backward`` /
``fft_c2r_backward``, including the doubling of the bins whose mirror image a one-sided transform omits).
The public functions follow ``SpectralOps.cpp``: argument checks and messages, integer inputs promoted to
the default float type, half precision refused on the CPU ("Unsupported dtype Half"), ``n``/``s``
zero-padding or trimming (``narrow`` + ``constant_pad_nd``), ``hfft`` as a C2R of the conjugate and
``ihfft`` as the conjugate of an R2C.  The transform runs through the input array's own module
(``numpy.fft`` / ``cupy.fft``) and keeps single precision (complex64 for float32 input).
"""
import operator

import numpy as np

from .. import _dtype as D
from .._device import xp_of
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap
from .._ops._helpers import write_out
from .._ops.padding import pad as _pad
from ..amp.autocast_mode import state as _amp

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

# normalisation modes (ATen's fft_norm_mode) and the NumPy norm string giving that scaling per direction
_NONE, _ROOT, _BY_N = 0, 1, 2
_NP_NORM_FWD = ("backward", "ortho", "forward")
_NP_NORM_INV = ("forward", "ortho", "backward")

_COMPLEX_OF = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128),
               np.dtype(np.complex64): np.dtype(np.complex64), np.dtype(np.complex128): np.dtype(np.complex128)}
_REAL_OF = {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64)}

_MKL_EMPTY = "MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration parameters"


# ----------------------------------------------------------------------------------------------------
# primitives: forward over arrays, derivative (the adjoint transform) in ember ops

def _by_stride(a, dims):
    return sorted(dims, key=lambda d: -a.strides[d])


def _transform(a, dims, run):
    """Run ``run(b, axes)`` with the transformed ``dims`` (in this order) innermost and the other dims ordered by
    ``a``'s strides, and return the result in that memory layout — the strides torch's CPU kernel gives."""
    nd = a.ndim
    batch = _by_stride(a, [d for d in range(nd) if d not in dims])
    perm = batch + list(dims)
    out = run(a.transpose(perm), tuple(range(len(batch), nd)))
    out = xp_of(out).ascontiguousarray(out)
    return out.transpose(np.argsort(perm))


def _c2c_fwd(a, dims, mode, forward):
    dt = _COMPLEX_OF[a.dtype]
    if not dims:
        return a.astype(dt, copy=True)
    xp = xp_of(a)
    f = xp.fft.fftn if forward else xp.fft.ifftn
    norm = (_NP_NORM_FWD if forward else _NP_NORM_INV)[mode]
    return _transform(a, _by_stride(a, dims), lambda b, axes: f(b, axes=axes, norm=norm).astype(dt, copy=False))


def _r2c_fwd(a, dims, mode, onesided):
    xp = xp_of(a)
    f = xp.fft.rfftn if onesided else xp.fft.fftn
    dt = _COMPLEX_OF[a.dtype]
    norm = _NP_NORM_FWD[mode]
    order = _by_stride(a, dims[:-1]) + [dims[-1]]
    return _transform(a, order, lambda b, axes: f(b, axes=axes, norm=norm).astype(dt, copy=False))


def _c2r_fwd(a, dims, mode, last_size):
    xp = xp_of(a)
    if len(dims) > 1:  # as ATen: the inverse C2C over the other dims first, then a 1-D C2R
        a = _c2c_fwd(a, dims[:-1], mode, False)
    dt = _REAL_OF[a.dtype]
    norm = _NP_NORM_INV[mode]
    return _transform(a, [dims[-1]], lambda b, axes: xp.fft.irfft(b, n=last_size, axis=axes[0], norm=norm).astype(
        dt, copy=False))


def _c2c_grad(ctx, g):
    dims, mode, forward = ctx.args
    return (_c2c(g, dims, mode, not forward),)


def _r2c_grad(ctx, g):
    # one-sided R2C = (real -> complex) -> C2C -> keep the first half: the adjoint zero-fills the other half
    dims, mode, onesided = ctx.args
    last = dims[-1]
    full = ctx._in_meta[0][0][last]
    if onesided and g.shape[last] < full:
        pad = [0] * (2 * g.dim())
        pad[2 * (g.dim() - 1 - last) + 1] = full - g.shape[last]
        g = _pad(g, pad)
    return (_c2c(g, dims, mode, False).real.contiguous(),)


def _c2r_grad(ctx, g):
    # one-sided C2R = mirror by conjugate symmetry -> inverse C2C -> real part: the adjoint is an R2C whose
    # bins 1 .. n - (n//2 + 1) count twice (their mirror images were filled from them)
    dims, mode, last_size = ctx.args
    gi = _r2c(g, dims, mode, True)
    last = dims[-1]
    m = gi.shape[last]
    double = last_size - m
    if double > 0:
        w = np.ones(m, _REAL_OF[gi._data.dtype])
        w[1:1 + double] = 2
        w = w.reshape((m,) + (1,) * (gi.dim() - 1 - last))
        gi = gi * _like(w, gi)
    return (gi,)


FFT_C2C = Primitive("FftC2CBackward0", _c2c_fwd, _c2c_grad)
FFT_R2C = Primitive("FftR2CBackward0", _r2c_fwd, _r2c_grad)
FFT_C2R = Primitive("FftC2RBackward0", _c2r_fwd, _c2r_grad)


def _like(arr, t):
    """A constant host array as a tensor on ``t``'s device."""
    xp = xp_of(t._data)
    return _wrap(arr if xp is np else xp.asarray(arr))


def _check_kernel(x):
    if x._data.dtype not in _COMPLEX_OF:
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {D._SCALAR_NAMES[x.dtype.name]}")


def _c2c(x, dims, mode, forward):
    _check_kernel(x)
    if dims and x._data.size == 0:
        raise RuntimeError(_MKL_EMPTY)
    return apply(FFT_C2C, (x,), (tuple(dims), mode, forward))


def _r2c(x, dims, mode, onesided):
    _check_kernel(x)
    if x._data.size == 0:
        raise RuntimeError(_MKL_EMPTY)
    return apply(FFT_R2C, (x,), (tuple(dims), mode, onesided))


def _c2r(x, dims, mode, last_size):
    _check_kernel(x)
    if x._data.size == 0:
        raise RuntimeError(_MKL_EMPTY)
    return apply(FFT_C2R, (x,), (tuple(dims), mode, last_size))


# ----------------------------------------------------------------------------------------------------
# argument normalisation (torch's Python binding names and messages)

def _check_input(x, fname):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


def _int(v, fname, argname):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, (np.integer, Tensor)):
        return operator.index(v)
    raise TypeError(f"{fname}(): argument '{argname}' must be int, not {type(v).__name__}")


def _ints(v, fname, argname):
    """An int list argument (torch's IntArrayRef: a single int is accepted)."""
    if isinstance(v, int) and not isinstance(v, bool) or isinstance(v, np.integer):
        return [int(v)]
    if isinstance(v, Tensor):
        return [int(i) for i in v.reshape(-1).tolist()]
    if isinstance(v, (tuple, list)) and all(
            (isinstance(i, int) and not isinstance(i, bool)) or isinstance(i, np.integer) for i in v):
        return [int(i) for i in v]
    raise TypeError(f"{fname}(): argument '{argname}' must be tuple of ints, not {type(v).__name__}")


def _check_norm(norm, fname):
    if norm is not None and not isinstance(norm, str):
        raise TypeError(f"{fname}(): argument 'norm' must be str, not {type(norm).__name__}")


def _norm_mode(norm, forward):
    """ATen's ``norm_from_string``: the scaling a transform in direction ``forward`` applies."""
    if norm is None or norm == "backward":
        return _NONE if forward else _BY_N
    if norm == "forward":
        return _BY_N if forward else _NONE
    if norm == "ortho":
        return _ROOT
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _wrap_dim(dim, ndim):
    """``maybe_wrap_dim(dim, ndim, /*wrap_scalar=*/false)``."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if dim < -ndim or dim >= ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def _dtype_name(t):
    return D._SCALAR_NAMES[t.dtype.name]


def _promote(x, require_complex):
    """ATen's ``promote_tensor_fft``: integers to the default float type; only float32/float64 on the CPU."""
    dt = x.dtype
    if dt.is_complex:
        return x
    if not dt.is_floating_point:
        dt = D.get_default_dtype()
    if dt is D.float16 and x.device.type == "cuda":
        raise NotImplementedError("ember has no complex32 (torch.chalf), the dtype of a float16 FFT on CUDA")
    if dt is not D.float32 and dt is not D.float64:
        raise RuntimeError(f"Unsupported dtype {D._SCALAR_NAMES[dt.name]}")
    if require_complex:
        dt = D.complex64 if dt is D.float32 else D.complex128
    return x if x.dtype is dt else x.to(dt)


def _check_n(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _resize(x, dims, sizes):
    """ATen's ``resize_fft_input``: trim (narrow) then zero-pad (constant_pad_nd) each dim to its size."""
    nd = x.dim()
    pad = None
    for d, n in zip(dims, sizes):
        cur = x.shape[d]
        if cur > n:
            x = x.narrow(d, 0, n)
        elif cur < n:
            if pad is None:
                pad = [0] * (2 * nd)
            pad[2 * (nd - 1 - d) + 1] = n - cur
    return x if pad is None else _pad(x, pad)


def _shape_and_dims(x, s, dim, fname):
    """ATen's ``canonicalize_fft_shape_and_dim_args``: the transformed dims and their signal sizes."""
    nd = x.dim()
    dims = None
    if dim is not None:
        dims = [_wrap_dim(d, nd) for d in _ints(dim, fname, "dim")]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = _ints(s, fname, "s")
        if dims is not None and len(dims) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > nd:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {nd} dimensions.")
        if dims is None:
            dims = list(range(nd - len(s), nd))
        shape = [x.shape[d] if n == -1 else n for n, d in zip(s, dims)]
    elif dims is None:
        dims = list(range(nd))
        shape = list(x.shape)
    else:
        shape = [x.shape[d] for d in dims]
    for n in shape:
        _check_n(n)
    return shape, dims


def _c2r_shape_and_dims(x, s, dim, fname, name):
    """ATen's ``canonicalize_fft_c2r_shape_and_dim_args``: also the output size of the last (Hermitian) dim."""
    shape, dims = _shape_and_dims(x, s, dim, fname)
    if not shape:
        raise RuntimeError(f"{name} must transform at least one axis")
    if s is None or _ints(s, fname, "s")[-1] == -1:
        last = 2 * (x.shape[dims[-1]] - 1)
    else:
        last = shape[-1]
    _check_n(last)
    shape[-1] = last // 2 + 1
    return shape, dims, last


def _out(result, out, name, complex_out):
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if complex_out and not out.is_complex():
        raise RuntimeError(f"{name} expects a complex output tensor, but got {_dtype_name(out)}")
    if not complex_out and not out.dtype.is_floating_point:
        raise RuntimeError(f"{name} expects a floating point output tensor, but got {_dtype_name(out)}")
    return write_out(result, out)


# ----------------------------------------------------------------------------------------------------
# one-dimensional transforms

def _fft_c2c(name, fname, x, n, dim, norm, forward, out):
    d = _wrap_dim(_int(dim, fname, "dim"), x.dim())
    n = x.shape[d] if n is None else _int(n, fname, "n")
    _check_n(n)
    x = _resize(x, (d,), (n,))
    return _out(_c2c(x, (d,), _norm_mode(norm, forward), forward), out, name, True)


def _fft_r2c(name, fname, x, n, dim, norm, forward, onesided, out):
    if x.is_complex():
        raise RuntimeError(f"{name} expects a real input tensor, but got {_dtype_name(x)}")
    if out is not None and isinstance(out, Tensor) and not out.is_complex():
        raise RuntimeError(f"{name} expects a complex output tensor, but got {_dtype_name(out)}")
    x = _promote(x, False)
    d = _wrap_dim(_int(dim, fname, "dim"), x.dim())
    n = x.shape[d] if n is None else _int(n, fname, "n")
    _check_n(n)
    x = _resize(x, (d,), (n,))
    r = _r2c(x, (d,), _norm_mode(norm, forward), onesided)
    return _out(r if forward else r.conj(), out, name, True)


def _fft_c2r(name, fname, x, n, dim, norm, forward, out):
    if out is not None and isinstance(out, Tensor) and not out.dtype.is_floating_point:
        raise RuntimeError(f"{name} expects a floating point output tensor, but got {_dtype_name(out)}")
    x = _promote(x, True)
    d = _wrap_dim(_int(dim, fname, "dim"), x.dim())
    n = 2 * (x.shape[d] - 1) if n is None else _int(n, fname, "n")
    _check_n(n)
    x = _resize(x, (d,), (n // 2 + 1,))
    mode = _norm_mode(norm, forward)
    if forward:
        x = x.conj()
    return _out(_c2r(x, (d,), mode, n), out, name, False)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.fft``: the 1-D discrete Fourier transform (real input via a two-sided R2C)."""
    if _amp.active:
        return _amp.run("fft_fft", fft, input, n, dim, norm, out=out)
    _check_input(input, "fft_fft")
    _check_norm(norm, "fft_fft")
    if input.is_complex():
        return _fft_c2c("fft", "fft_fft", input, n, dim, norm, True, out)
    return _fft_r2c("fft", "fft_fft", input, n, dim, norm, True, False, out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.ifft``: the 1-D inverse discrete Fourier transform."""
    if _amp.active:
        return _amp.run("fft_ifft", ifft, input, n, dim, norm, out=out)
    _check_input(input, "fft_ifft")
    _check_norm(norm, "fft_ifft")
    if input.is_complex():
        return _fft_c2c("ifft", "fft_ifft", input, n, dim, norm, False, out)
    return _fft_r2c("ifft", "fft_ifft", input, n, dim, norm, False, False, out)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.rfft``: the one-sided FFT of a real signal (``n//2 + 1`` bins)."""
    if _amp.active:
        return _amp.run("fft_rfft", rfft, input, n, dim, norm, out=out)
    _check_input(input, "fft_rfft")
    _check_norm(norm, "fft_rfft")
    return _fft_r2c("rfft", "fft_rfft", input, n, dim, norm, True, True, out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.irfft``: the inverse of ``rfft`` (default ``n = 2*(size - 1)``)."""
    if _amp.active:
        return _amp.run("fft_irfft", irfft, input, n, dim, norm, out=out)
    _check_input(input, "fft_irfft")
    _check_norm(norm, "fft_irfft")
    return _fft_c2r("irfft", "fft_irfft", input, n, dim, norm, False, out)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.hfft``: the FFT of a Hermitian-symmetric signal given by its first half (real output)."""
    if _amp.active:
        return _amp.run("fft_hfft", hfft, input, n, dim, norm, out=out)
    _check_input(input, "fft_hfft")
    _check_norm(norm, "fft_hfft")
    return _fft_c2r("hfft", "fft_hfft", input, n, dim, norm, True, out)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """``torch.fft.ihfft``: the inverse of ``hfft`` (one-sided, from a real signal)."""
    if _amp.active:
        return _amp.run("fft_ihfft", ihfft, input, n, dim, norm, out=out)
    _check_input(input, "fft_ihfft")
    _check_norm(norm, "fft_ihfft")
    return _fft_r2c("ihfft", "fft_ihfft", input, n, dim, norm, False, True, out)


# ----------------------------------------------------------------------------------------------------
# n-dimensional transforms (the 2-D ones are these with dim=(-2, -1))

def _fftn_c2c(fname, x, s, dim, norm, forward, out):
    _check_input(x, fname)
    _check_norm(norm, fname)
    shape, dims = _shape_and_dims(x, s, dim, fname)
    x = _resize(_promote(x, True), dims, shape)
    return _out(_c2c(x, dims, _norm_mode(norm, forward), forward), out, "fftn", True)


def _rfftn(fname, x, s, dim, norm, out):
    _check_input(x, fname)
    _check_norm(norm, fname)
    if x.is_complex():
        raise RuntimeError(f"rfftn expects a real-valued input tensor, but got {_dtype_name(x)}")
    shape, dims = _shape_and_dims(x, s, dim, fname)
    if not shape:
        raise RuntimeError("rfftn must transform at least one axis")
    x = _resize(_promote(x, False), dims, shape)
    return _out(_r2c(x, dims, _norm_mode(norm, True), True), out, "rfftn", True)


def _irfftn(fname, x, s, dim, norm, out):
    _check_input(x, fname)
    _check_norm(norm, fname)
    shape, dims, last = _c2r_shape_and_dims(x, s, dim, fname, "irfftn")
    x = _resize(_promote(x, True), dims, shape)
    return _out(_c2r(x, dims, _norm_mode(norm, False), last), out, "irfftn", False)


def _hfftn(fname, x, s, dim, norm, out):
    _check_input(x, fname)
    _check_norm(norm, fname)
    shape, dims, last = _c2r_shape_and_dims(x, s, dim, fname, "hfftn")
    x = _resize(_promote(x, True), dims, shape)
    mode = _norm_mode(norm, True)
    if len(dims) > 1:
        x = _c2c(x, dims[:-1], mode, True)
    return _out(_c2r(x.conj(), dims[-1:], mode, last), out, "hfftn", False)


def _ihfftn(fname, x, s, dim, norm, out):
    _check_input(x, fname)
    _check_norm(norm, fname)
    shape, dims = _shape_and_dims(x, s, dim, fname)
    if not shape:
        raise RuntimeError("ihfftn must transform at least one axis")
    x = _promote(x, False)
    if x.is_complex():
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {_dtype_name(x)}")
    x = _resize(x, dims, shape)
    mode = _norm_mode(norm, False)
    r = _r2c(x, dims[-1:], mode, True).conj()
    if len(dims) > 1:
        r = _c2c(r, dims[:-1], mode, False)
    return _out(r, out, "ihfftn", True)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.fftn``: the n-D FFT over ``dim`` (all dims by default; the last ``len(s)`` given ``s``)."""
    if _amp.active:
        return _amp.run("fft_fftn", fftn, input, s, dim, norm, out=out)
    return _fftn_c2c("fft_fftn", input, s, dim, norm, True, out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.ifftn``: the n-D inverse FFT."""
    if _amp.active:
        return _amp.run("fft_ifftn", ifftn, input, s, dim, norm, out=out)
    return _fftn_c2c("fft_ifftn", input, s, dim, norm, False, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.rfftn``: the n-D FFT of a real signal, one-sided in the last transformed dim."""
    if _amp.active:
        return _amp.run("fft_rfftn", rfftn, input, s, dim, norm, out=out)
    return _rfftn("fft_rfftn", input, s, dim, norm, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.irfftn``: the inverse of ``rfftn``."""
    if _amp.active:
        return _amp.run("fft_irfftn", irfftn, input, s, dim, norm, out=out)
    return _irfftn("fft_irfftn", input, s, dim, norm, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.hfftn``: the n-D FFT of a Hermitian-symmetric signal (real output)."""
    return _hfftn("fft_hfftn", input, s, dim, norm, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``torch.fft.ihfftn``: the inverse of ``hfftn``."""
    return _ihfftn("fft_ihfftn", input, s, dim, norm, out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.fft2``: ``fftn`` over the last two dims."""
    if _amp.active:
        return _amp.run("fft_fft2", fft2, input, s, dim, norm, out=out)
    return _fftn_c2c("fft_fft2", input, s, dim, norm, True, out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.ifft2``: ``ifftn`` over the last two dims."""
    if _amp.active:
        return _amp.run("fft_ifft2", ifft2, input, s, dim, norm, out=out)
    return _fftn_c2c("fft_ifft2", input, s, dim, norm, False, out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.rfft2``: ``rfftn`` over the last two dims."""
    if _amp.active:
        return _amp.run("fft_rfft2", rfft2, input, s, dim, norm, out=out)
    return _rfftn("fft_rfft2", input, s, dim, norm, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.irfft2``: ``irfftn`` over the last two dims."""
    if _amp.active:
        return _amp.run("fft_irfft2", irfft2, input, s, dim, norm, out=out)
    return _irfftn("fft_irfft2", input, s, dim, norm, out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.hfft2``: ``hfftn`` over the last two dims."""
    return _hfftn("fft_hfft2", input, s, dim, norm, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``torch.fft.ihfft2``: ``ihfftn`` over the last two dims."""
    return _ihfftn("fft_ihfft2", input, s, dim, norm, out)


# ----------------------------------------------------------------------------------------------------
# helpers: sample frequencies and shifts

def _freq(fname, n, d, len_of, ints, out, dtype, device, requires_grad, pin_memory):
    """ATen's ``fft_fftfreq``/``fft_rfftfreq``: ``ints(n, len_of(n))`` (the integer frequencies) in the result
    dtype, times ``1/(n*d)`` (rounded to that dtype) in its op-math precision."""
    from .._ops.creation import _check_requires_grad, _dtype_arg, _finish, _out_dtype, _pinned, _write_out
    if isinstance(n, (np.integer, Tensor)):
        n = operator.index(n)
    elif not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"fft_{fname}(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    d = float(d)
    dt = _dtype_arg(dtype, f"fft_{fname}")
    if out is not None:
        dt = _out_dtype(dt, out, f"fft_{fname}")
    dt = dt or D.get_default_dtype()
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    size = len_of(n)
    if size < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {size}: [{size}]")
    if dt.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{D._SCALAR_NAMES[dt.name]}'")
    opmath = np.float64 if dt is D.float64 else np.float32
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = opmath(dt.np.type(np.float64(1.0) / np.float64(n * d)))  # torch rounds it to the dtype first
        arr = (ints(n, size).astype(dt.np).astype(opmath) * scale).astype(dt.np)
    if out is not None:
        return _write_out(out, arr)
    _check_requires_grad(dt, requires_grad)
    return _pinned(_finish(arr, requires_grad, device), pin_memory)


def _fftfreq_ints(n, size):
    return np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)])


def _rfftfreq_len(n):
    return (n // 2 if n >= 0 else -(-n // 2)) + 1  # C++ division: n = -1 gives one point, -4 a negative size


def _rfftfreq_ints(n, size):
    return np.arange(size)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.fft.fftfreq``: ``[0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (d*n)``."""
    return _freq("fftfreq", n, d, int, _fftfreq_ints, out, dtype, device, requires_grad, pin_memory)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.fft.rfftfreq``: ``[0, 1, ..., n//2] / (d*n)``, the frequencies of ``rfft``'s bins."""
    return _freq("rfftfreq", n, d, _rfftfreq_len, _rfftfreq_ints, out, dtype, device, requires_grad, pin_memory)


def _shift(x, dim, fname, shift_of):
    _check_input(x, fname)
    nd = x.dim()
    dims = list(range(nd)) if dim is None else [_wrap_dim(d, nd) for d in _ints(dim, fname, "dim")]
    from .._ops.joining import roll
    return roll(x, [shift_of(x.shape[d]) for d in dims], dims)


def fftshift(input, dim=None):
    """``torch.fft.fftshift``: roll the zero frequency to the centre (by ``size // 2`` along each dim)."""
    return _shift(input, dim, "fft_fftshift", lambda n: n // 2)


def ifftshift(input, dim=None):
    """``torch.fft.ifftshift``: the inverse of ``fftshift`` (roll by ``(size + 1) // 2``)."""
    return _shift(input, dim, "fft_ifftshift", lambda n: (n + 1) // 2)
