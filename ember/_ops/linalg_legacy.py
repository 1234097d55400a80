"""torch.* linear-algebra functions outside ``torch.linalg``: ``lu``, ``lu_solve``, ``lu_unpack``,
``cholesky_solve``, ``cholesky_inverse``, ``triangular_solve``, ``geqrf``, ``orgqr``, ``ormqr``, ``vander``,
the deprecated ``nuclear_norm``/``frobenius_norm``, and the removed ``eig``/``symeig``/``lstsq``/
``matrix_rank``/``solve``, which raise torch's RuntimeError pointing to their ``torch.linalg`` successors.

The implementations live in ``ember.linalg`` (loaded on first use, so ``import ember`` stays fast).
Deprecation warnings are issued once per process, as torch's ``TORCH_WARN_ONCE``.
"""
import warnings

from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor
from ..return_types import ReturnType
from ._helpers import write_out

__all__ = ["lu", "lu_solve", "lu_unpack", "cholesky_solve", "cholesky_inverse", "triangular_solve", "geqrf", "orgqr",
           "ormqr", "vander", "nuclear_norm", "frobenius_norm", "eig", "symeig", "lstsq", "matrix_rank", "solve"]

_warned = set()


def _warn_once(message, stacklevel=3):
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


def _la(module):
    import importlib
    return importlib.import_module("ember.linalg." + module)


# ----------------------------------------------------------------------------------------------------
# LU

_LU_WARNING = ("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
               "removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
               "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
               "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
               "torch.linalg.lu_factor_ex(A, compute_pivots)")


def _lu_with_info(A, pivot):
    if _amp.active:
        return _amp.run("_lu_with_info", _lu_with_info, A, pivot)
    _warn_once(_LU_WARNING, 4)
    LU, piv, info = _la("_lu")._factor(A, pivot)
    return ReturnType("_lu_with_info", LU, piv, info, names=("LU", "pivots", "info"))


def lu(A, pivot=True, get_infos=False, out=None):
    """Deprecated ``torch.lu``: ``(LU, pivots)`` (a plain tuple), or with ``get_infos`` the
    ``torch.return_types._lu_with_info`` ``(LU, pivots, info)``; never raises for singular inputs.
    ``out`` is filled like other ``out=`` arguments (refused when autograd is recording)."""
    result = _lu_with_info(A, pivot)
    if out is not None:
        if len(out) - int(bool(get_infos)) != 2:
            raise TypeError(f"expected tuple of {2 + int(bool(get_infos))} elements but got {len(out)}")
        for r, o in zip(result, out):
            write_out(r, o)
        return out
    return result if get_infos else (result[0], result[1])


def _tensor_lu(self, pivot=True, get_infos=False):
    LU, piv, info = _lu_with_info(self, pivot)
    return (LU, piv, info) if get_infos else (LU, piv)


def lu_solve(input, LU_data, LU_pivots, *, out=None):
    """Deprecated ``torch.lu_solve(b, LU, pivots)`` = ``linalg.lu_solve(LU, pivots, b)``."""
    if _amp.active:
        return _amp.run("lu_solve", lu_solve, input, LU_data, LU_pivots, out=out)
    _warn_once("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future PyTorch "
               "release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = torch.lu_solve(B, LU, "
               "pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    return _la("_lu").lu_solve(LU_data, LU_pivots, input, out=out)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from ``linalg.lu_factor``'s ``(LU, pivots)``."""
    return _la("_lu").lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots, out=out)


# ----------------------------------------------------------------------------------------------------
# Cholesky and triangular solvers

def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solves ``A X = input`` given A's Cholesky factor ``input2`` (lower, or upper with ``upper=True``)."""
    if _amp.active:
        return _amp.run("cholesky_solve", cholesky_solve, input, input2, upper, out=out)
    return _la("_solvers").cholesky_solve(input, input2, upper, out=out)


def cholesky_inverse(input, upper=False, *, out=None):
    """The inverse of ``A = L L^H`` (``U^H U``) from its Cholesky factor."""
    if _amp.active:
        return _amp.run("cholesky_inverse", cholesky_inverse, input, upper, out=out)
    return _la("_solvers").cholesky_inverse(input, upper, out=out)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Deprecated: ``(solution, cloned_coefficient)`` of ``op(A) X = input`` for triangular A."""
    if _amp.active:
        return _amp.run("triangular_solve", triangular_solve, input, A, upper, transpose, unitriangular, out=out)
    _warn_once("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in "
               "a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not "
               "return a copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced "
               "with\nX = torch.linalg.solve_triangular(A, B).")
    return _la("_solvers").triangular_solve(input, A, upper, transpose, unitriangular, out=out)


# ----------------------------------------------------------------------------------------------------
# Householder QR

def geqrf(input, *, out=None):
    """``(a, tau)``: LAPACK geqrf's implicit QR (R above the diagonal, reflectors below)."""
    if _amp.active:
        return _amp.run("geqrf", geqrf, input, out=out)
    return _la("_householder").geqrf(input, out=out)


def orgqr(input, tau, *, out=None):
    """``linalg.householder_product``: the explicit Q from geqrf's ``(a, tau)``."""
    if _amp.active:
        return _amp.run("orgqr", orgqr, input, tau, out=out)
    return _la("_householder").householder_product(input, tau, out=out)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """``op(Q) @ other`` (or ``other @ op(Q)``) for geqrf's implicit Q, without forming it."""
    if _amp.active:
        return _amp.run("ormqr", ormqr, input, tau, other, left, transpose, out=out)
    return _la("_householder").ormqr(input, tau, other, left, transpose, out=out)


# ----------------------------------------------------------------------------------------------------
# Vandermonde matrices, deprecated norms

def vander(x, N=None, increasing=False):
    """Powers of the 1-D ``x`` as columns, decreasing unless ``increasing``; integer inputs give int64."""
    return _la("_tensorops").torch_vander(x, N, increasing)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Deprecated: ``linalg.matrix_norm(input, 'nuc', dim, keepdim)`` (dim defaults to the last two)."""
    _warn_once("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in a "
               "future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead")
    return _la("_tensorops").nuclear_norm(input, dim, keepdim, out=out)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """Deprecated: ``linalg.vector_norm(input, 2, dim, keepdim)`` over at most two dims."""
    _warn_once("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be removed in a "
               "future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead")
    return _la("_tensorops").frobenius_norm(input, dim, keepdim, out=out)


# ----------------------------------------------------------------------------------------------------
# removed in torch 1.9+: still present, raising with directions to torch.linalg

def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.linalg.eig` returns "
                       "complex tensors of dtype `cfloat` or `cdouble` rather than real tensors mimicking complex "
                       "tensors.\n\nL, _ = torch.eig(A) should be replaced with:\nL_complex = torch.linalg.eigvals(A)"
                       "\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced with:\nL_complex, "
                       "V_complex = torch.linalg.eig(A)")


def _symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed. The default behavior has "
                       "changed from using the upper triangular portion of the matrix by default to using the lower "
                       "triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should be replaced with:\nL = "
                       "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = torch.symeig(A, "
                       "eigenvectors=True) should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper "
                       "else 'L')")


symeig = _symeig


def lstsq(input, A, *, out=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.lstsq` is deprecated "
                       "in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has reversed arguments and does not "
                       "return the QR decomposition in the returned tuple (although it returns other information about "
                       "the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned "
                       "solution in `torch.lstsq` stored the residuals of the solution in the last m - n columns of "
                       "the "
                       "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
                       "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ = "
                       "torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\nX = torch.linalg.lstsq(A, "
                       "B).solution")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed.\nPlease use the "
                       "`torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was renamed in "
                       "`torch.linalg.matrix_rank()` to 'hermitian'.")


def solve(input, A, *, out=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed. `torch.solve` is deprecated "
                       "in favor of `torch.linalg.solve`. `torch.linalg.solve` has its arguments reversed and does not "
                       "return the LU factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used "
                       "with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be replaced "
                       "with:\nX = torch.linalg.solve(A, B)")


# ----------------------------------------------------------------------------------------------------
# Tensor methods

def _tensor_lu_solve(self, LU_data, LU_pivots):
    return lu_solve(self, LU_data, LU_pivots)


def _tensor_eig(self, eigenvectors=False):
    return eig(self, eigenvectors=eigenvectors)


def _tensor_symeig(self, eigenvectors=False):
    return _symeig(self, eigenvectors=eigenvectors)


def _tensor_lstsq(self, other):
    return lstsq(self, other)


def _tensor_solve(self, other):
    return solve(self, other)


def _bind():
    Tensor.lu = _tensor_lu
    Tensor.lu_solve = _tensor_lu_solve
    Tensor.cholesky_solve = cholesky_solve
    Tensor.cholesky_inverse = cholesky_inverse
    Tensor.triangular_solve = triangular_solve
    Tensor.geqrf = geqrf
    Tensor.orgqr = orgqr
    Tensor.ormqr = ormqr
    Tensor.eig = _tensor_eig
    Tensor.symeig = _tensor_symeig
    Tensor.lstsq = _tensor_lstsq
    Tensor.solve = _tensor_solve


_bind()
