"""``linalg.ldl_factor``/``ldl_factor_ex``/``ldl_solve``: LAPACK's Bunch-Kaufman sytrf/hetrf and sytrs/hetrs.

``LD`` is the lower triangle of LAPACK's compact output (torch zeroes the rest) and ``pivots`` are
LAPACK's 1-based int32 interchanges, negative for 2 x 2 diagonal blocks: exactly torch's CPU format, so
factorisations travel between ember and torch.  torch defines no derivative for either function: their
results carry a ``torch::autograd::NotImplemented`` node whose backward raises torch's error.
"""
import numpy as np

from .._prim import Primitive, apply
from .._ops._helpers import write_out
from .._ops.blas import _broadcast_batch
from ..return_types import ReturnType
from . import _check_dtype, _tname

__all__ = ["ldl_factor", "ldl_factor_ex", "ldl_solve"]


def _lapack(name, *arrays):
    if any(type(a) is not np.ndarray for a in arrays):
        raise NotImplementedError(f"ember: LAPACK {name} has no CuPy counterpart: ldl_factor and ldl_solve "
                                  f"are not implemented for CUDA tensors")
    from scipy.linalg import lapack
    return lapack.get_lapack_funcs(name, arrays)


def _routine(a, hermitian, stem):
    return ("he" if hermitian and a.dtype.kind == "c" else "sy") + stem


def _sytrf_fwd(a, hermitian):
    n = a.shape[-1]
    batch = a.shape[:-2]
    nb = int(np.prod(batch))
    flat = a.reshape(nb, n, n)
    LD = np.zeros_like(flat)
    piv = np.zeros((nb, n), np.int32)
    info = np.zeros(nb, np.int32)
    if n:
        fn = _lapack(_routine(a, hermitian, "trf"), flat)
        for i in range(nb):
            ldu, ipiv, info[i] = fn(flat[i], lower=1)
            LD[i] = np.tril(ldu)
            piv[i] = ipiv
    return LD.reshape(a.shape), piv.reshape(batch + (n,)), info.reshape(batch)


def _sytrs_fwd(ld, piv, b, hermitian):
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    n, k = b.shape[-2:]
    nb = int(np.prod(batch))
    lds = np.broadcast_to(ld, batch + (n, n)).reshape(nb, n, n)
    pivs = np.broadcast_to(piv, batch + (n,)).reshape(nb, n).astype(np.int32)
    bs = np.broadcast_to(b, batch + (n, k)).reshape(nb, n, k)
    out = np.zeros((nb, n, k), b.dtype)
    if out.size:
        fn = _lapack(_routine(ld, hermitian, "trs"), lds, bs)
        with np.errstate(all="ignore"):
            for i in range(nb):
                out[i] = fn(lds[i], pivs[i], bs[i], lower=1)[0]
    return out.reshape(batch + (n, k))


def _not_implemented(name):
    def bwd(ctx, *grads):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return bwd


LDL_FACTOR = Primitive("NotImplemented", _sytrf_fwd, _not_implemented("linalg_ldl_factor_ex"), nout=3,
                       nondiff=(1, 2))
LDL_SOLVE = Primitive("NotImplemented", _sytrs_fwd, _not_implemented("linalg_ldl_solve"))


def _check_square(A, fn):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {a.shape[-2]} by {a.shape[-1]} "
                           f"matrices")


def _raise_ldl_errors(info, fn):
    # torch has no message for sytrf's info > 0 (an exactly singular D) and reports an internal assert
    flat = info._data.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        raise RuntimeError(f'false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/'
                           f'BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. {fn}: Unknown error code: '
                           f'{int(flat[bad[0]])}.')


def _factor(A, hermitian):
    fn = "torch.linalg.ldl_factor_ex"
    _check_square(A, fn)
    _check_dtype(A, ("expected", fn), ("kernel", "ldl_factor_kernel_cpu"))
    return apply(LDL_FACTOR, (A,), (bool(hermitian),))


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """``(LD, pivots, info)`` of LAPACK sytrf (hetrf for complex ``hermitian=True``), lower triangle read."""
    LD, piv, info = _factor(A, hermitian)
    if check_errors:
        _raise_ldl_errors(info, "torch.linalg.ldl_factor_ex")
    if out is not None:
        for r, o in zip((LD, piv, info), out):
            write_out(r, o)
        LD, piv, info = out
    kind = "linalg_ldl_factor_ex" if out is None else "linalg_ldl_factor_ex_out"
    return ReturnType(kind, LD, piv, info, names=("LD", "pivots", "info"))


def ldl_factor(A, *, hermitian=False, out=None):
    """``(LD, pivots)``: the compact LDL^T (LDL^H) factorisation with Bunch-Kaufman pivoting."""
    LD, piv, info = _factor(A, hermitian)
    _raise_ldl_errors(info, "torch.linalg.ldl_factor")
    if out is not None:
        write_out(LD, out[0])
        write_out(piv, out[1])
        LD, piv = out
    kind = "linalg_ldl_factor" if out is None else "linalg_ldl_factor_out"
    return ReturnType(kind, LD, piv, names=("LD", "pivots"))


def _check_linear_solve(b, A, name):
    """torch's ``linearSolveCheckInputs(b, A, name)``."""
    if b._data.dtype != A._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_tname(b)} and A of type "
                           f"{_tname(A)} instead.")
    m, n = A._data.shape[-2:]
    if m != n:
        raise RuntimeError(f"A must be batches of square matrices, but they are {m} by {n} matrices")
    bs = b._data.shape
    if len(bs) < 2:
        if not bs:
            raise IndexError("Dimension specified as -2 but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    if bs[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {n} by {n} but each b matrix is "
                           f"{bs[-2]} by {bs[-1]}")


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """Solves ``A X = B`` from ``ldl_factor``'s ``(LD, pivots)`` (LAPACK sytrs/hetrs; batches broadcast)."""
    fn = "torch.linalg.ldl_solve"
    _check_square(LD, fn)
    _check_dtype(LD, ("expected", fn))
    _check_linear_solve(B, LD, fn)
    p = pivots._data
    if p.shape != LD._data.shape[:-1]:
        raise RuntimeError(f"{fn}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape "
                           f"{list(p.shape)} instead")
    if p.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}: Expected pivots to be integers. Got {_tname(pivots)}")
    _broadcast_batch(B._data.shape[:-2], LD._data.shape[:-2])
    _check_dtype(LD, None, ("kernel", "ldl_solve_kernel_cpu"))
    if p.size:
        mag = np.abs(p)
        if mag.min() < 1:
            raise RuntimeError("Pivots given to ldl_solve must all satisfy |pivot| >= 1. Did you properly pass the "
                               "result of ldl_factor?")
        if mag.max() > LD._data.shape[-2]:
            raise RuntimeError("Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2). Did you properly "
                               "pass the result of ldl_factor?")
    r = apply(LDL_SOLVE, (LD, pivots, B), (bool(hermitian),))
    return r if out is None else write_out(r, out)
