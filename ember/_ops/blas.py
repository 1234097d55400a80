"""Matrix products: matmul/mm/bmm/mv/dot/vdot, the add* family, einsum, tensordot, kron, trace, cross.

Each primitive's forward runs one BLAS call on the raw arrays (``np.matmul``/``np.dot``, which accept
transposed operands without copying; float16/bfloat16 are accumulated in float32 as torch's CPU
kernels do); its derivative beside it is itself made of matrix products.  ``matmul`` follows torch's
dispatch (dot / mv / mm / folded mm / broadcast bmm): same shapes, error messages and final
``grad_fn`` name, but one graph node instead of torch's chain of views.  The ``torch.*`` spellings of
linear-algebra functions (det, inverse, svd, ...) are thin entries into ``ember.linalg`` (loaded on use).
"""
import warnings

import numpy as np

from .. import _dtype as D
from .._device import as_array, xp_of
from .._errors import scalar_type_name
from .._prim import Primitive, apply
from .._tensor import Tensor, _wrap, _wrap_dim
from ..amp.autocast_mode import excluded as _amp_excluded, state as _amp
from ..autograd.grad_mode import state as _grad_state
from ._helpers import inplace, write_out

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addr",
           "addbmm", "baddbmm", "einsum", "tensordot", "kron", "trace", "cross", "chain_matmul",
           "det", "logdet", "slogdet", "inverse", "cholesky", "pinverse", "svd", "qr", "matrix_power", "matrix_exp"]

_LOWP = (np.dtype(np.float16), D.bfloat16.np)
_F32 = np.dtype(np.float32)

_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "int64": "long int",
              "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool"}


def _cpp(t):
    return _CPP_NAMES[t._data.dtype.name]


def _sname(t):
    return scalar_type_name(t.dtype)


def _need_tensor(x, fn, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _no_bool(t, kernel):
    if t._data.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _needs(ctx, i):
    return ctx.next_functions[i][0] is not None


def _np_matmul(a, b):
    if a.dtype in _LOWP:
        return np.matmul(a.astype(_F32), b.astype(_F32)).astype(a.dtype)
    return np.matmul(a, b)


def _lowp_in_f32(fn):
    """``fn(a, b)`` (a reduction to a scalar) with float16/bfloat16 operands accumulated in float32."""
    def run(a, b):
        if a.dtype in _LOWP:
            return as_array(fn(a.astype(_F32), b.astype(_F32)), a.dtype)
        return fn(a, b)
    return run


_np_dot = _lowp_in_f32(np.dot)
_np_vdot = _lowp_in_f32(np.vdot)


# ----------------------------------------------------------------------------------------------------
# the four BLAS-shaped primitives

def _mm_grad(ctx, g):
    a, b = ctx.saved
    return (mm(g, b.mH) if _needs(ctx, 0) else None), (mm(a.mH, g) if _needs(ctx, 1) else None)


def _bmm_grad(ctx, g):
    a, b = ctx.saved
    return (bmm(g, b.mH) if _needs(ctx, 0) else None), (bmm(a.mH, g) if _needs(ctx, 1) else None)


def _mv_grad(ctx, g):
    a, v = ctx.saved
    ga = g.unsqueeze(-1) * v.conj() if _needs(ctx, 0) else None
    gv = mv(a.mH, g) if _needs(ctx, 1) else None
    return ga, gv


def _dot_grad(ctx, g):
    a, b = ctx.saved
    return (g * b.conj() if _needs(ctx, 0) else None), (g * a.conj() if _needs(ctx, 1) else None)


def _vdot_grad(ctx, g):
    a, b = ctx.saved
    return (g.conj() * b if _needs(ctx, 0) else None), (g * a if _needs(ctx, 1) else None)


def _vm_grad(ctx, g):
    # (k,) @ (k, m): torch's unsqueeze(0).mm().squeeze_(0)
    a, b = ctx.saved
    ga = mv(b.conj(), g) if _needs(ctx, 0) else None
    gb = a.conj().unsqueeze(-1) * g if _needs(ctx, 1) else None
    return ga, gb


MM = Primitive("MmBackward0", _np_matmul, _mm_grad, save_inputs=True)
BMM = Primitive("BmmBackward0", _np_matmul, _bmm_grad, save_inputs=True)
MV = Primitive("MvBackward0", _np_matmul, _mv_grad, save_inputs=True)
DOT = Primitive("DotBackward0", _np_dot, _dot_grad, save_inputs=True)
VDOT = Primitive("VdotBackward0", _np_vdot, _vdot_grad, save_inputs=True)
VM = Primitive("SqueezeBackward4", _np_matmul, _vm_grad, save_inputs=True)


def _check_mm_dtypes(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cpp(a)} != {_cpp(b)}")


def _mm_shape_error(sa, sb):
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")


def mm(input, mat2, *, out=None):
    """``torch.mm``: (n, k) @ (k, m), same dtypes required; integers work, bool does not."""
    if _amp.active:
        return _amp.run("mm", mm, input, mat2, out=out)
    _need_tensor(input, "mm", "input", 1)
    _need_tensor(mat2, "mm", "mat2", 2)
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        _mm_shape_error(a.shape, b.shape)
    _check_mm_dtypes(input, mat2)
    _no_bool(input, "addmm_impl_cpu_")
    r = apply(MM, (input, mat2))
    return r if out is None else write_out(r, out)


def _check_bmm(a, b):
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    sa, sb = a._data.shape, b._data.shape
    if sb[0] != sa[0] or sb[1] != sa[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}].")


def _check_scalar_type(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {_sname(a)} but found {_sname(b)}")


def bmm(input, mat2, *, out=None):
    """``torch.bmm``: batched (b, n, k) @ (b, k, m) without broadcasting."""
    if _amp.active:
        return _amp.run("bmm", bmm, input, mat2, out=out)
    _need_tensor(input, "bmm", "input", 1)
    _need_tensor(mat2, "bmm", "mat2", 2)
    _check_bmm(input, mat2)
    _check_scalar_type(input, mat2)
    _no_bool(input, "bmm")
    r = apply(BMM, (input, mat2))
    return r if out is None else write_out(r, out)


def _check_mv(mat, vec, inp=None):
    a, v = mat._data, vec._data
    if a.ndim != 2 or v.ndim != 1 or (inp is not None and inp._data.ndim > 1):
        n_in = 1 if inp is None else inp._data.ndim
        raise RuntimeError(f"vector + matrix @ vector expected, got {n_in}, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0] or (inp is not None and inp._data.shape not in ((a.shape[0],), (1,), ())):
        n = a.shape[0] if inp is None else (inp._data.shape[0] if inp._data.ndim else 1)
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})")
    first = vec if inp is None else inp
    if not (first._data.dtype == a.dtype == v.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_sname(first)}, {_sname(mat)}, "
                           f"and {_sname(vec)}")
    _no_bool(mat, "addmv_impl_cpu")


def mv(input, vec, *, out=None):
    """``torch.mv``: matrix @ vector."""
    if _amp.active:
        return _amp.run("mv", mv, input, vec, out=out)
    _need_tensor(input, "mv", "input", 1)
    _need_tensor(vec, "mv", "vec", 2)
    _check_mv(input, vec)
    r = apply(MV, (input, vec))
    return r if out is None else write_out(r, out)


def _check_dot(a, b):
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_sname(a)} and {_sname(b)}")
    na, nb = a._data.shape[0], b._data.shape[0]
    if na != nb:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{na}] and src [{nb}] to have the same "
                           f"number of elements, but got {na} and {nb} elements respectively")


def _vector_product(prim, fn, input, other, other_name, out):
    """``dot``/``vdot`` after torch's checks (``other_name``: the second argument's name in ``fn``'s signature)."""
    _need_tensor(input, fn, "input", 1)
    _need_tensor(other, fn, other_name, 2)
    _check_dot(input, other)
    _no_bool(input, fn)
    r = apply(prim, (input, other))
    return r if out is None else write_out(r, out)


def dot(input, tensor, *, out=None):
    """``torch.dot``: inner product of two 1-D tensors of the same dtype (no conjugation)."""
    if _amp.active:
        return _amp.run("dot", dot, input, tensor, out=out)
    return _vector_product(DOT, "dot", input, tensor, "tensor", out)


def vdot(input, other, *, out=None):
    """``torch.vdot``: ``sum(conj(input) * other)`` over 1-D tensors."""
    if _amp.active:
        return _amp.run("vdot", vdot, input, other, out=out)
    return _vector_product(VDOT, "vdot", input, other, "other", out)


# ----------------------------------------------------------------------------------------------------
# matmul

def _nd_fwd(a, b):
    if a.ndim >= 3 and b.ndim <= 2:
        # fold the batch into the rows: one gemm/gemv instead of one per batch element
        r = _np_matmul(a.reshape(_prod(a.shape[:-1]), a.shape[-1]), b)
        return r.reshape(a.shape[:-1] + b.shape[1:])
    return _np_matmul(a, b)


def _nd_grad(ctx, g):
    a, b = ctx.saved
    da, db = a._data.ndim, b._data.ndim
    ga = gb = None
    if _needs(ctx, 0):
        if db == 1:
            ga = g.unsqueeze(-1) * b.conj()
        elif da == 1:
            ga = matmul(g.unsqueeze(-2), b.mH).squeeze(-2)
        else:
            ga = matmul(g, b.mH)
    if _needs(ctx, 1):
        k = a._data.shape[-1]
        rows = _prod(a._data.shape[:-1])
        if da == 1:
            gb = a.conj().unsqueeze(-1) * g.unsqueeze(-2)
        elif db == 1:
            gb = mv(a.reshape(rows, k).mH, g.reshape(rows))
        elif db == 2:
            gb = mm(a.reshape(rows, k).mH, g.reshape(rows, g._data.shape[-1]))
        else:
            gb = matmul(a.mH, g)
    return ga, gb


_ND = {name: Primitive(name, _nd_fwd, _nd_grad, save_inputs=True)
       for name in ("UnsafeViewBackward0", "CloneBackward0", "TransposeBackward0")}


class _Geom:
    """Shape, element strides and requires_grad of a tensor, for replaying torch's matmul dispatch."""
    __slots__ = ("shape", "strides", "rg")

    def __init__(self, shape, strides, rg):
        self.shape, self.strides, self.rg = shape, strides, rg

    @classmethod
    def of(cls, t):
        return cls(t._data.shape, t.stride(), t._requires_grad)

    def mT(self):
        s, st = self.shape, self.strides
        return _Geom(s[:-2] + (s[-1], s[-2]), st[:-2] + (st[-1], st[-2]), self.rg)

    def squeeze0(self):
        return _Geom(self.shape[1:], self.strides[1:], self.rg)


def _should_fold(t1, t2):
    d1, d2 = len(t1.shape), len(t2.shape)
    larger = d1 >= d2
    t = t1 if larger else t2.mT()
    dt = len(t.shape)
    if not (dt >= 3 and (d2 if larger else d1) <= 2):
        return False
    if (t2.rg if larger else t1.rg):
        return True
    if d1 == 2:
        return False
    if 0 in t.shape:
        return True
    return all(t.strides[i] == t.strides[i + 1] * t.shape[i + 1] for i in range(dt - 2))


def _nd_node_name(t1, t2):
    """The last node torch's matmul records for these operands (at least one of them is >= 3-D)."""
    d1, d2 = len(t1.shape), len(t2.shape)
    if d1 <= 2 and d2 <= 2:
        return {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4"}.get((d1, d2),
                                                                                             "MmBackward0")
    if _should_fold(t1, t2):
        if d2 > d1 and d1 == 2:
            # torch computes (b^T folded @ a^T)^T and makes it contiguous
            n, p = t1.shape[0], t2.shape[-1]
            size = _prod(t2.shape[:-2])
            return "TransposeBackward0" if n == 1 or p == 1 or size * n * p == 0 else "CloneBackward0"
        return "UnsafeViewBackward0"
    if d1 == 3 and d2 == 3 and t1.shape[0] != t2.shape[0]:
        if t1.shape[0] == 1 and t1.rg:
            return _nd_node_name(t1.squeeze0(), t2)
        if t2.shape[0] == 1 and t2.rg:
            return _nd_node_name(t1, t2.squeeze0())
    return "UnsafeViewBackward0"


def _broadcast_batch(s1, s2):
    n = max(len(s1), len(s2))
    out = []
    for i in range(n):
        a = s1[i - n + len(s1)] if i - n + len(s1) >= 0 else 1
        b = s2[i - n + len(s2)] if i - n + len(s2) >= 0 else 1
        out.append(a if b == 1 else b)
    for i in range(n - 1, -1, -1):
        a = s1[i - n + len(s1)] if i - n + len(s1) >= 0 else 1
        b = s2[i - n + len(s2)] if i - n + len(s2) >= 0 else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {i}")
    return tuple(out)


def _nd_valid(a, b):
    """Cheap test that a >= 3-D matmul is well-formed (the torch-exact diagnosis runs only when it is not)."""
    if a.dtype != b.dtype or a.dtype == np.bool_ or a.shape[-1] != (b.shape[-2] if b.ndim > 1 else b.shape[0]):
        return False
    for x, y in zip(reversed(a.shape[:-2]), reversed(b.shape[:-2])):
        if x != y and x != 1 and y != 1:
            return False
    return True


def _check_nd(input, other):
    """torch's shape/dtype errors for the >= 3-D matmul cases (folded mm/mv, or broadcast bmm)."""
    t1, t2 = _Geom.of(input), _Geom.of(other)
    a, b = input._data, other._data
    d1, d2 = a.ndim, b.ndim
    if d1 == 3 and d2 == 3 and a.shape[0] != b.shape[0] and not _should_fold(t1, t2):
        if a.shape[0] == 1 and t1.rg:
            return _check_nd(input.squeeze(0), other)
        if b.shape[0] == 1 and t2.rg:
            return _check_nd(input, other.squeeze(0))
    if _should_fold(t1, t2):
        if d2 > d1:
            big, small = b.shape[:-2] + (b.shape[-1], b.shape[-2]), (a.shape[::-1] if d1 == 2 else a.shape)
            bt, st = other, input
        else:
            big, small, bt, st = a.shape, b.shape, input, other
        rows = _prod(big[:-1])
        if len(small) == 2:
            if big[-1] != small[0]:
                _mm_shape_error((rows, big[-1]), small)
            _check_mm_dtypes(bt, st)
            _no_bool(bt, "addmm_impl_cpu_")
        else:
            if big[-1] != small[0]:
                raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{big[-1]}), vec ({small[0]})")
            if bt._data.dtype != st._data.dtype:
                raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_sname(st)}, "
                                   f"{_sname(bt)}, and {_sname(st)}")
            _no_bool(bt, "addmv_impl_cpu")
        return
    batch = _broadcast_batch(a.shape[:-2], b.shape[:-2] if d2 > 1 else ())
    nb = _prod(batch)
    m1 = a.shape[-1]
    m2 = b.shape[-2] if d2 > 1 else b.shape[0]
    if m1 != m2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{nb}, {m1}] but got: "
                           f"[{nb}, {m2}].")
    _check_scalar_type(input, other)
    _no_bool(input, "bmm")


def matmul(input, other, *, out=None):
    """``torch.matmul`` with all of its 1-D/2-D/N-D broadcasting cases and error messages."""
    if _amp.active:
        return _amp.run("matmul", matmul, input, other, out=out)
    _need_tensor(input, "matmul", "input", 1)
    _need_tensor(other, "matmul", "other", 2)
    d1, d2 = input._data.ndim, other._data.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D")
    if d1 <= 2 and d2 <= 2:
        if d1 == 1 and d2 == 1:
            r = dot(input, other)
        elif d1 == 2 and d2 == 1:
            r = mv(input, other)
        elif d1 == 2:
            r = mm(input, other)
        else:
            k, (rows, cols) = input._data.shape[0], other._data.shape
            if k != rows:
                _mm_shape_error((1, k), (rows, cols))
            _check_mm_dtypes(input, other)
            _no_bool(input, "addmm_impl_cpu_")
            r = apply(VM, (input, other))
        return r if out is None else write_out(r, out)
    if not _nd_valid(input._data, other._data):
        _check_nd(input, other)
    prim = _ND["UnsafeViewBackward0"]
    if _grad_state.enabled and (input._requires_grad or other._requires_grad):
        prim = _ND[_nd_node_name(_Geom.of(input), _Geom.of(other))]
    r = apply(prim, (input, other))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# the add* family: beta * input + alpha * (product)

def _scalar_for(dt, v):
    """``beta``/``alpha`` converted to the result dtype the way torch's Scalar is (ints truncate)."""
    if isinstance(v, Tensor):
        v = v.item()
    if dt.kind == "b":
        return bool(v)
    if dt.kind in "iu":
        if isinstance(v, complex):
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        return int(v)
    if dt.kind == "c":
        return complex(v)
    if isinstance(v, complex):
        raise RuntimeError(f"value cannot be converted to type {'double' if dt.itemsize == 8 else 'float'} "
                           f"without overflow")
    return float(v)


def _check_expand(shape, target):
    lead = len(target) - len(shape)
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(target)}): the number of sizes "
                           f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    for i, s in enumerate(shape):
        if s != 1 and s != target[lead + i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
                               f"({s}) at non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  Tensor "
                               f"sizes: {list(shape)}")


def _addx(inp, x, y, beta, alpha, shape, prod):
    if alpha == 0:
        r = np.zeros_like(inp, shape=shape)  # alpha=0 ignores the product (inf/nan included), as BLAS
    else:
        r = prod(x, y)
        if alpha != 1:
            r = r * alpha
    if beta != 0:
        r = r + (inp if beta == 1 else inp * beta)
    elif r.shape != shape:
        r = np.broadcast_to(r, shape).copy()
    return r.astype(inp.dtype, copy=False)


def _np_addbmm(x, y):
    b, n, k = x.shape
    if b == 0:
        return np.zeros_like(x, shape=(n, y.shape[2]))
    # sum_b x[b] @ y[b] as a single gemm: (n, b*k) @ (b*k, m)
    return _np_matmul(x.transpose(1, 0, 2).reshape(n, b * k), y.reshape(b * k, y.shape[2]))


def _np_outer(x, y):
    if x.dtype == np.bool_:
        return np.logical_and.outer(x, y)
    return np.multiply.outer(x, y)


def _addmm_fwd(inp, x, y, beta, alpha, shape):
    return _addx(inp, x, y, beta, alpha, shape, _np_matmul)


def _addbmm_fwd(inp, x, y, beta, alpha, shape):
    return _addx(inp, x, y, beta, alpha, shape, _np_addbmm)


def _addr_fwd(inp, x, y, beta, alpha, shape):
    if inp.dtype == np.bool_:
        r = _np_outer(x, y) if alpha else np.zeros_like(inp, shape=shape)
        return r | inp if beta else np.broadcast_to(r, shape).copy()
    return _addx(inp, x, y, beta, alpha, shape, _np_outer)


def _scale(g, s):
    if s == 1:
        return g
    return g * (s.conjugate() if isinstance(s, complex) else s)


def _add_product_grad(grad_x, grad_y):
    """Backward of ``beta * input + alpha * product(x, y)`` given the product's vector-Jacobian products
    ``grad_x(g, x, y)`` and ``grad_y(g, x, y)``."""
    def grad(ctx, g):
        inp, x, y = ctx.saved
        beta, alpha, _ = ctx.args
        gi = _scale(g, beta) if _needs(ctx, 0) else None
        gx = _scale(grad_x(g, x, y), alpha) if _needs(ctx, 1) else None
        gy = _scale(grad_y(g, x, y), alpha) if _needs(ctx, 2) else None
        return gi, gx, gy
    return grad


_addmm_grad = _add_product_grad(lambda g, x, y: mm(g, y.mH), lambda g, x, y: mm(x.mH, g))
_baddbmm_grad = _add_product_grad(lambda g, x, y: bmm(g, y.mH), lambda g, x, y: bmm(x.mH, g))
_addbmm_grad = _add_product_grad(lambda g, x, y: matmul(g, y.mH), lambda g, x, y: matmul(x.mH, g))
_addmv_grad = _add_product_grad(lambda g, a, v: g.unsqueeze(-1) * v.conj(), lambda g, a, v: mv(a.mH, g))
_addr_grad = _add_product_grad(lambda g, x, y: mv(g, y.conj()), lambda g, x, y: mv(g.mT, x.conj()))


ADDMM = Primitive("AddmmBackward0", _addmm_fwd, _addmm_grad, save_inputs=True)
BADDBMM = Primitive("BaddbmmBackward0", _addmm_fwd, _baddbmm_grad, save_inputs=True)
ADDBMM = Primitive("AddbmmBackward0", _addbmm_fwd, _addbmm_grad, save_inputs=True)
ADDMV = Primitive("AddmvBackward0", _addmm_fwd, _addmv_grad, save_inputs=True)
ADDR = Primitive("AddrBackward0", _addr_fwd, _addr_grad, save_inputs=True)


def _need_tensors(fn, **args):
    """torch's TypeError for the first argument (in call order) that is not a Tensor."""
    for pos, (name, x) in enumerate(args.items(), 1):
        _need_tensor(x, fn, name, pos)


def _add_product(prim, tensors, dt, beta, alpha, shape, out, *cast):
    """``prim`` on ``(input, x, y)`` with ``beta``/``alpha`` converted as torch's Scalar is; ``out=`` written."""
    r = apply(prim, tensors, (_scalar_for(dt, beta), _scalar_for(dt, alpha), shape), *cast)
    return r if out is None else write_out(r, out)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``; ``beta=0`` ignores ``input`` (NaNs included)."""
    if _amp.active:
        return _amp.run("addmm", addmm, input, mat1, mat2, beta=beta, alpha=alpha, out=out)
    _need_tensors("addmm", input=input, mat1=mat1, mat2=mat2)
    a, b = mat1._data, mat2._data
    if input._data.dtype != b.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_sname(input)} and {_sname(mat2)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_sname(mat1)} and {_sname(mat2)}")
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        _mm_shape_error(a.shape, b.shape)
    _check_expand(input._data.shape, (a.shape[0], b.shape[1]))
    _no_bool(mat1, "addmm_impl_cpu_")
    return _add_product(ADDMM, (input, mat1, mat2), a.dtype, beta, alpha, (a.shape[0], b.shape[1]), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    if _amp.active:
        return _amp.run("addmv", addmv, input, mat, vec, beta=beta, alpha=alpha, out=out)
    _need_tensors("addmv", input=input, mat=mat, vec=vec)
    _check_mv(mat, vec, input)
    return _add_product(ADDMV, (input, mat, vec), mat._data.dtype, beta, alpha, mat._data.shape[:1], out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    if _amp.active:
        return _amp.run("baddbmm", baddbmm, input, batch1, batch2, beta=beta, alpha=alpha, out=out)
    _need_tensors("baddbmm", input=input, batch1=batch1, batch2=batch2)
    _check_bmm(batch1, batch2)
    if not (input._data.dtype == batch1._data.dtype == batch2._data.dtype):
        raise RuntimeError(f"Input dtypes must be the same, got: input {_cpp_short(input)}, batch1: "
                           f"{_cpp_short(batch1)}, batch2: {_cpp_short(batch2)}")
    sa, sb = batch1._data.shape, batch2._data.shape
    _check_expand(input._data.shape, (sa[0], sa[1], sb[2]))
    _no_bool(batch1, "bmm")
    return _add_product(BADDBMM, (input, batch1, batch2), batch1._data.dtype, beta, alpha, (sa[0], sa[1], sb[2]),
                        out)


def _cpp_short(t):
    return _cpp(t).replace("c10::", "").replace("long int", "long").replace("short int", "short")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (computed as one gemm)."""
    if _amp.active:
        return _amp.run("addbmm", addbmm, input, batch1, batch2, beta=beta, alpha=alpha, out=out)
    _need_tensors("addbmm", input=input, batch1=batch1, batch2=batch2)
    _check_bmm(batch1, batch2)
    _check_scalar_type(batch1, batch2)
    if input._data.dtype != batch2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_sname(input)} and {_sname(batch2)}")
    sa, sb = batch1._data.shape, batch2._data.shape
    _check_expand(input._data.shape, (sa[1], sb[2]))
    _no_bool(batch1, "addbmm")
    return _add_product(ADDBMM, (input, batch1, batch2), batch1._data.dtype, beta, alpha, (sa[1], sb[2]), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``, promoting dtypes; for bool, ``and``/``or``."""
    if _amp.active:
        return _amp.run("addr", addr, input, vec1, vec2, beta=beta, alpha=alpha, out=out)
    _need_tensors("addr", input=input, vec1=vec1, vec2=vec2)
    for v, n in ((vec1, "vec1"), (vec2, "vec2")):
        if v._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {v._data.ndim}-D")
    from ._helpers import result_dtype
    dt = result_dtype(input, vec1, vec2)
    for v, n in ((beta, "beta"), (alpha, "alpha")):
        if dt.np.kind in "biu":
            if not isinstance(v, (bool, int)):
                raise RuntimeError(f"For integral input tensors, argument {n} must not be a floating point number.")
        elif isinstance(v, bool):
            raise RuntimeError(f"Boolean {n} only supported for Boolean results.")
    _check_expand(input._data.shape, (vec1._data.shape[0], vec2._data.shape[0]))
    shape = (vec1._data.shape[0], vec2._data.shape[0])
    return _add_product(ADDR, (input, vec1, vec2), dt.np, beta, alpha, shape, out, dt.np)


# ----------------------------------------------------------------------------------------------------
# outer / inner / tensordot / kron / trace / cross

def outer(input, vec2, *, out=None):
    """``torch.outer`` (``ger``): ``input[:, None] * vec2`` with type promotion."""
    _need_tensor(input, "outer", "input", 1)
    _need_tensor(vec2, "outer", "vec2", 2)
    if input._data.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input._data.ndim}-D")
    if vec2._data.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2._data.ndim}-D")
    r = input.reshape(-1, 1) * vec2
    return r if out is None else write_out(r, out)


def ger(input, vec2, *, out=None):
    return outer(input, vec2, out=out)


def inner(input, other, *, out=None):
    """``torch.inner``: contracts the last dimensions (a product when either is 0-d)."""
    if _amp.active:
        return _amp.run("inner", inner, input, other, out=out)
    _need_tensor(input, "inner", "input", 1)
    _need_tensor(other, "inner", "other", 2)
    if input._data.ndim == 0 or other._data.ndim == 0:
        r = input * other
        return r if out is None else write_out(r, out)
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input._data.shape)} and {list(other._data.shape)}")
    return tensordot(input, other, ([-1], [-1]), out=out)


def tensordot(a, b, dims=2, out=None):
    """``torch.tensordot``: ``dims`` an int, a pair of dim lists, or a 0-d/1-d tensor."""
    if _amp.active:
        return _amp.run("tensordot", tensordot, a, b, dims, out=out)
    _need_tensor(a, "tensordot", "a", 1)
    _need_tensor(b, "tensordot", "b", 2)
    if isinstance(dims, Tensor):
        dims = dims.item() if dims._data.ndim == 0 else dims.tolist()
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > na or dims > nb:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(na - dims, na)), list(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists")
        da, db = dims
        if isinstance(da, int) or isinstance(db, int):
            raise TypeError(f"tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not "
                            f"{type(da).__name__ if isinstance(da, int) else type(db).__name__}")
        da, db = list(da), list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    da = [_wrap_dim(d, na) for d in da]
    db = [_wrap_dim(d, nb) for d in db]
    for x, y in zip(da, db):
        sx, sy = a._data.shape[x], b._data.shape[y]
        if sx != sy and sx != 1 and sy != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sx} in dim {x} and second "
                               f"has size {sy} in dim {y}")
    free_a = [d for d in range(na) if d not in da]
    free_b = [d for d in range(nb) if d not in db]
    k = _prod(max(a._data.shape[x], b._data.shape[y]) for x, y in zip(da, db))
    sa = [a._data.shape[d] for d in free_a]
    sb = [b._data.shape[d] for d in free_b]
    if any(a._data.shape[x] != b._data.shape[y] for x, y in zip(da, db)):
        # a size-1 contracted dim broadcasts against the other operand's (torch sums it first)
        a = a.sum([x for x, y in zip(da, db) if a._data.shape[x] == 1 and b._data.shape[y] != 1], keepdim=True)
        b = b.sum([y for x, y in zip(da, db) if b._data.shape[y] == 1 and a._data.shape[x] != 1], keepdim=True)
        k = _prod(a._data.shape[x] for x in da)
    pa = a.permute(free_a + da).reshape(_prod(sa), k)
    pb = b.permute(db + free_b).reshape(k, _prod(sb))
    r = mm(pa, pb).view(sa + sb)
    return r if out is None else write_out(r, out)


def _prod(seq):
    n = 1
    for s in seq:
        n *= s
    return n


def kron(input, other, *, out=None):
    """``torch.kron``: Kronecker product over max(ndim) dims (shorter shapes padded with leading 1s)."""
    _need_tensor(input, "kron", "input", 1)
    _need_tensor(other, "kron", "other", 2)
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    ia, ib = [], []
    for x, y in zip(sa, sb):
        ia += [x, 1]
        ib += [1, y]
    prod = input.reshape(ia) * other.reshape(ib)
    from .views import UNSAFE_VIEW
    r = apply(UNSAFE_VIEW, (prod,), (tuple(x * y for x, y in zip(sa, sb)),))
    return r if out is None else write_out(r, out)


def _trace_fwd(a):
    dt = np.int64 if a.dtype.kind in "iu" else None
    if a.dtype in _LOWP:
        return as_array(np.trace(a, dtype=_F32), a.dtype)
    return as_array(np.trace(a, dtype=dt))


def _trace_grad(ctx, g):
    shape, dt = ctx._in_meta[0]
    from .creation import eye
    return (g * eye(shape[0], shape[1], dtype=D._FROM_NP[dt], device=g.device),)


TRACE = Primitive("TraceBackward0", _trace_fwd, _trace_grad)


def trace(input):
    """Sum of the main diagonal of a 2-D tensor (integers accumulate in int64)."""
    if _amp.active:
        return _amp.run("trace", trace, input)
    _need_tensor(input, "trace", "input", 1)
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    _no_bool(input, "trace")
    return apply(TRACE, (input,))


def _cross_fwd(a, b, dim):
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
    idx = [slice(None)] * len(shape)

    def comp(x, i):
        idx[dim] = i
        return x[tuple(idx)]
    a0, a1, a2 = comp(a, 0), comp(a, 1), comp(a, 2)
    b0, b1, b2 = comp(b, 0), comp(b, 1), comp(b, 2)
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=dim).astype(a.dtype, copy=False)


def _cross_grad(ctx, g):
    a, b = ctx.saved
    dim = ctx.args[0]
    ga = apply(CROSS, (b.conj(), g), (dim,)) if _needs(ctx, 0) else None
    gb = apply(CROSS, (g, a.conj()), (dim,)) if _needs(ctx, 1) else None
    return ga, gb


CROSS = Primitive("LinalgCrossBackward0", _cross_fwd, _cross_grad, save_inputs=True)


def _cross(input, other, dim):
    na, nb = input._data.ndim, other._data.ndim
    if na != nb:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    _broadcast_batch(input._data.shape, other._data.shape)
    if dim is None:
        d = next((i for i, s in enumerate(input._data.shape) if s == 3), None)
        if d is None:
            raise RuntimeError("no dimension of size 3 in input")
    else:
        d = _wrap_dim(dim, na)
    sa, sb = input._data.shape[d], other._data.shape[d]
    if sa != 3 or sb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim if dim is not None else d} must have length 3. "
                           f"Got {sa} and {sb}")
    _check_scalar_type(input, other)
    _no_bool(input, "cross")
    return apply(CROSS, (input, other), (d,))


def cross(input, other, dim=None, *, out=None):
    """``torch.cross``: ``dim=None`` picks the first dim of size 3 (deprecated, warns like torch)."""
    if _amp.active:
        return _amp.run("cross", cross, input, other, dim, out=out)
    _need_tensor(input, "cross", "input", 1)
    _need_tensor(other, "cross", "other", 2)
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
    r = _cross(input, other, dim)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# einsum

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_term(term, op_index, ndim):
    """Labels of one operand (ints 0..51, -1 for the ellipsis) from its subscripts."""
    labels = []
    i = 0
    ell = False
    while i < len(term):
        c = term[i]
        if c == ".":
            if ell or term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {op_index} that is not part of any ellipsis")
            ell = True
            labels.append(-1)
            i += 3
            continue
        labels.append(_LETTERS.index(c))
        i += 1
    n = len(labels) - (1 if ell else 0)
    if ell:
        if n > ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the number of "
                               f"dimensions ({ndim}) for operand {op_index}")
    elif n != ndim:
        raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the number of "
                           f"dimensions ({ndim}) for operand {op_index} and no ellipsis was given")
    return labels


def _sublist_equation(args):
    """``einsum(op1, sub1, op2, sub2, ..., [out])`` -> (equation, operands)."""
    out = args[-1] if len(args) % 2 == 1 else None
    body = args[:-1] if out is not None else args
    ops, subs = list(body[0::2]), list(body[1::2])

    def conv(sub):
        s = []
        for x in sub:
            if x is Ellipsis:
                s.append("...")
            else:
                if not 0 <= x < 52:
                    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
                s.append(_LETTERS[x])
        return "".join(s)
    eq = ",".join(conv(s) for s in subs)
    if out is not None:
        eq += "->" + conv(out)
    return eq, ops


def _einsum_fwd(*arrays_and_eq):
    *arrays, eq, opt = arrays_and_eq
    if arrays[0].dtype in _LOWP:
        dt = arrays[0].dtype
        return as_array(np.einsum(eq, *[a.astype(_F32) for a in arrays], optimize=opt), dt)
    return as_array(np.einsum(eq, *arrays, optimize=opt))


def _einsum_grad(ctx, g):
    ops = ctx.saved
    eq, _ = ctx.args[-2:]
    labels, out, sizes = ctx.args[:3]
    grads = []
    for i, x in enumerate(ops):
        if not _needs(ctx, i):
            grads.append(None)
            continue
        grads.append(_einsum_operand_grad(g, ops, labels, out, sizes, i))
    return tuple(grads)


def _einsum_operand_grad(g, ops, labels, out, sizes, i):
    """d(einsum)/d(operand i) contracted with g, as another einsum (differentiable again)."""
    from .creation import ones
    li = labels[i]
    shape_i = ops[i]._data.shape
    bcast = {l for l, s in zip(li, shape_i) if s == 1 and sizes[l] > 1}
    terms = [g]
    tlabels = [list(out)]
    for j, x in enumerate(ops):
        if j != i:
            terms.append(x.conj())
            tlabels.append(list(labels[j]))
    # labels some term carries at full size (a size-1 broadcast dim does not count)
    present = {l for t, lj in zip(terms, tlabels) for l, n in zip(lj, t._data.shape) if n == sizes[l]}
    fresh = max([max(l) for l in labels if l] + [max(out) if out else -1, -1]) + 1
    out_i = []
    seen = {}
    dt = D._FROM_NP[ops[i]._data.dtype]
    for l in li:
        if l in bcast:
            continue
        if l not in seen:
            seen[l] = [l]
            out_i.append(l)
            if l not in present:
                terms.append(ones(sizes[l], dtype=dt, device=g.device))
                tlabels.append([l])
                present.add(l)
        else:
            seen[l].append(fresh)
            out_i.append(fresh)
            fresh += 1
    for l, copies in seen.items():
        if len(copies) > 1:
            xp = xp_of(ops[i]._data)
            delta = xp.zeros((sizes[l],) * len(copies), ops[i]._data.dtype)
            delta[(xp.arange(sizes[l]),) * len(copies)] = 1
            terms.append(_wrap(delta))
            tlabels.append(copies)
    if fresh > 52:
        raise NotImplementedError("ember: einsum backward needs more than 52 subscripts")
    r = _einsum_labels(terms, tlabels, out_i)
    return r.reshape(shape_i)


def _einsum_labels(ops, labels, out):
    """Apply the einsum primitive for operands with integer labels and output labels."""
    sizes = {}
    for x, lab in zip(ops, labels):
        for l, s in zip(lab, x._data.shape):
            if sizes.get(l, 1) == 1:
                sizes[l] = s
    eq = ",".join("".join(_LETTERS[l] for l in lab) for lab in labels) + "->" + "".join(_LETTERS[l] for l in out)
    opt = len(ops) > 2 or any(x._data.size > 512 for x in ops)
    contracted = any(l not in out for lab in labels for l in lab)
    prim = _EINSUM_VIEW if contracted else _EINSUM_MUL
    return apply(prim, tuple(ops), (tuple(tuple(l) for l in labels), tuple(out), sizes, eq, opt))


_EINSUM_VIEW = Primitive("ViewBackward0", lambda *a: _einsum_fwd(*a[:-5], *a[-2:]), _einsum_grad, save_inputs=True)
_EINSUM_MUL = Primitive("MulBackward0", lambda *a: _einsum_fwd(*a[:-5], *a[-2:]), _einsum_grad, save_inputs=True)


def einsum(*args):
    """``torch.einsum(equation, *operands)`` (or a list of operands, or the sublist form).

    Labels broadcast when one size is 1; the implicit output is the labels seen once, in ASCII order,
    after the ellipsis dims.  One operand gives torch's views (diagonal/permute) and sums; several give
    one ``np.einsum`` call (contraction order optimised for large or many operands).
    """
    if _amp.active:
        return _amp.run("einsum", einsum, *args)
    if len(args) == 0 or (isinstance(args[0], str) and len(args) == 1):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): argument 'operands' (position 2) must be tuple of Tensors, not "
                            f"{type(op).__name__}")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    for pos, c in enumerate(eq):
        if c not in _LETTERS and c not in ".,->":
            raise RuntimeError(f"einsum(): invalid subscript given at index {pos} in the equation string, subscripts "
                               f"must be in [a-zA-Z]")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed = [_parse_term(t, i, op._data.ndim) for i, (t, op) in enumerate(zip(terms, operands))]
    ell_ndim = max([op._data.ndim - (len(p) - 1) for p, op in zip(parsed, operands) if -1 in p] + [0])
    # ellipsis dims become labels 52.. (right-aligned across operands)
    labels = []
    for p, op in zip(parsed, operands):
        lab = []
        for l in p:
            if l == -1:
                k = op._data.ndim - (len(p) - 1)
                lab.extend(52 + ell_ndim - k + j for j in range(k))
            else:
                lab.append(l)
        labels.append(lab)
    counts = {}
    for lab in labels:
        for l in lab:
            counts[l] = counts.get(l, 0) + 1
    ell_labels = list(range(52, 52 + ell_ndim))
    if arrow:
        out = []
        if "." in rhs:
            out_terms = rhs.split("...")
            if len(out_terms) > 2:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
        for part_i, part in enumerate(rhs.split("...")):
            if part_i == 1:
                out.extend(ell_labels)
            for c in part:
                if c == ".":
                    raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
                l = _LETTERS.index(c)
                if l in out:
                    raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
                if l not in counts:
                    raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                       f"input operand")
                out.append(l)
    else:
        out = ell_labels + sorted(l for l, c in counts.items() if c == 1 and l < 52)
    sizes = {}
    for i, (lab, op) in enumerate(zip(labels, operands)):
        own = {}
        for l, s in zip(lab, op._data.shape):
            if l in own and own[l] != s:
                raise RuntimeError(f"einsum(): subscript {_LETTERS[l]} is repeated for operand {i} but the sizes "
                                   f"don't match, {s} != {own[l]}")
            own[l] = s
        for l, s in own.items():
            prev = sizes.get(l)
            if prev is None or prev == 1:
                sizes[l] = s
            elif s != 1 and s != prev:
                if l >= 52:
                    raise RuntimeError(f"einsum(): dimension {l - 52} covered by ellipsis in operand {i}has size {s} "
                                       f"which does not broadcast with previously seen ellipsis with size {prev} for "
                                       f"the respective dimension")
                raise RuntimeError(f"einsum(): subscript {_LETTERS[l]} has size {s} for operand {i} which does not "
                                   f"broadcast with previously seen size {prev}")
    if len(operands) > 1:
        dt = operands[0]._data.dtype
        for op in operands[1:]:
            if op._data.dtype != dt:
                raise RuntimeError(f"expected scalar type {_sname(operands[0])} but found {_sname(op)}")
        _no_bool(operands[0], "bmm")
    if len(sizes) > 52:
        raise NotImplementedError("ember: einsum with more than 52 distinct subscripts (ellipsis dims included)")
    relabel = {l: i for i, l in enumerate(sorted(sizes))}
    labels = [[relabel[l] for l in lab] for lab in labels]
    out = [relabel[l] for l in out]
    if len(operands) == 1:
        return _einsum_single(operands[0], labels[0], out)
    return _einsum_labels(operands, labels, out)


def _einsum_single(x, lab, out):
    """One operand: diagonals and a permutation (views of x, as torch), then a sum of the other labels."""
    lab = list(lab)
    while len(set(lab)) != len(lab):
        seen = set()
        for j, l in enumerate(lab):
            if l in seen:
                first = lab.index(l)
                x = x.diagonal(0, first, j)
                lab = [m for k, m in enumerate(lab) if k not in (first, j)] + [l]
                break
            seen.add(l)
    summed = [l for l in lab if l not in out]
    order = [lab.index(l) for l in out] + [lab.index(l) for l in summed]
    x = x.permute(order)
    if summed:
        x = x.sum(list(range(len(out), len(order))))
    return x


# ----------------------------------------------------------------------------------------------------
# chains; torch.* spellings of ember.linalg functions

def chain_matmul(*matrices, out=None):
    """Deprecated ``torch.chain_matmul``: ``linalg.multi_dot`` over 2-D matrices."""
    if _amp.active:
        return _amp.run("chain_matmul", chain_matmul, *matrices, out=out)
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if len(matrices) == 1:
        r = matrices[0].clone()
        return r if out is None else write_out(r, out)
    for i, m in enumerate(matrices):
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    from ..linalg import multi_dot
    return multi_dot(matrices, out=out)


def _la():
    from .. import linalg
    return linalg


def det(input):
    """``torch.det`` = ``linalg.det``."""
    return _la().det(input)


def logdet(input):
    """``torch.logdet``: nan for a negative determinant, -inf for a singular matrix."""
    return _la()._torch_logdet(input)


def slogdet(input):
    """``torch.slogdet``: ``(sign, logabsdet)`` as ``torch.return_types.slogdet``."""
    return _la()._torch_slogdet(input)


def inverse(input, *, out=None):
    """``torch.inverse`` = ``linalg.inv``."""
    if _amp.active:
        return _amp.run("inverse", inverse, input, out=out)
    return _la().inv(input, out=out)


def cholesky(input, upper=False, *, out=None):
    """Deprecated ``torch.cholesky`` (node ``CholeskyBackward0``)."""
    if _amp.active:
        return _amp.run("cholesky", cholesky, input, upper, out=out)
    return _la()._torch_cholesky(input, upper, out=out)


def pinverse(input, rcond=1e-15):
    """``torch.pinverse`` = ``linalg.pinv(input, rtol=rcond)``."""
    if _amp.active:
        return _amp.run("pinverse", pinverse, input, rcond)
    return _la().pinv(input, rtol=rcond)


def svd(input, some=True, compute_uv=True, *, out=None):
    """Legacy ``torch.svd``: ``(U, S, V)`` with V, not Vh; ``some=True`` is the reduced decomposition."""
    if _amp.active:
        return _amp.run("svd", svd, input, some, compute_uv, out=out)
    return _la()._torch_svd(input, some, compute_uv, out=out)


def qr(input, some=True, *, out=None):
    """Deprecated ``torch.qr``: ``linalg.qr(input, 'reduced' if some else 'complete')``."""
    if _amp.active:
        return _amp.run("qr", qr, input, some, out=out)
    return _la()._torch_qr(input, some, out=out)


def matrix_power(input, n):
    return _la().matrix_power(input, n)


def matrix_exp(input):
    return _la().matrix_exp(input)


# ----------------------------------------------------------------------------------------------------

_METHODS = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addr", "addbmm",
            "baddbmm", "kron", "trace", "cross", "det", "logdet", "slogdet", "inverse", "cholesky", "pinverse", "svd",
            "qr", "matrix_power", "matrix_exp"]
_INPLACE = ["addmm", "addmv", "addr", "addbmm", "baddbmm"]


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _op_matmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _bind():
    g = globals()
    for name in _METHODS:
        setattr(Tensor, name, g[name])
    for name in _INPLACE:
        setattr(Tensor, name + "_", inplace(_amp_excluded(g[name])))  # torch does not autocast in-place ops
    Tensor.__matmul__ = _op_matmul
    Tensor.__rmatmul__ = _rmatmul


_bind()
