"""LU, LDL, Householder, Cholesky/triangular solvers, tensorinv/tensorsolve, vander and the deprecated or removed
torch.* linear-algebra functions, against torch: values (LAPACK's own factorisations, pivots exactly), dtypes,
shapes, grad_fn names, gradients of random linear losses, batches/broadcasting/empty/non-contiguous inputs,
errors (type and message), gradcheck and gradgradcheck in float64/complex128."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import as_numpy, assert_same, check_error, noncontiguous

rng = np.random.default_rng(7)
C64, C128 = np.complex64, np.complex128
ALL = [np.float32, np.float64, C64, C128]

pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|JIT compatibility)")


def _r(*shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return np.asarray(a, dtype)


def _tol(dtype):
    return (2e-4, 2e-4) if np.dtype(dtype) in (np.float32, np.dtype(C64)) else (1e-9, 1e-8)


def _t(x):
    return x.resolve_conj() if isinstance(x, torch.Tensor) else x


def _run(fn, arrays, grad=True, names=True, noncontig=False, exact=()):
    """The same call in ember and torch: outputs (``exact``: indices compared bit for bit), grad_fn names, and
    the gradients of a random linear loss over the differentiable outputs."""
    atol, rtol = _tol(arrays[0].dtype)
    prep = noncontiguous if noncontig else np.copy
    floats = [a.dtype.kind in "fc" for a in arrays]
    e_in = [ember.from_numpy(prep(a)).requires_grad_(grad and f) for a, f in zip(arrays, floats)]
    t_in = [torch.from_numpy(prep(a)).requires_grad_(grad and f) for a, f in zip(arrays, floats)]
    e_out, t_out = fn(ember, *e_in), fn(torch, *t_in)
    es = list(e_out) if isinstance(e_out, tuple) else [e_out]
    ts = list(t_out) if isinstance(t_out, tuple) else [t_out]
    assert len(es) == len(ts) and type(e_out).__name__ == type(t_out).__name__
    for i, (e, t) in enumerate(zip(es, ts)):
        assert_same(e, _t(t), atol=atol, rtol=rtol, exact=i in exact)
        if names:
            assert (e.grad_fn and e.grad_fn.name()) == (t.grad_fn and t.grad_fn.name())
    if grad:
        pairs = [(e, t) for e, t in zip(es, ts) if t.requires_grad and t.numel()]
        if not pairs:
            return e_out, t_out
        ws = [_r(*t.shape, dtype=as_numpy(e).dtype) for e, t in pairs]
        e_loss = sum((e * ember.from_numpy(w)).sum() for (e, _), w in zip(pairs, ws))
        t_loss = sum((_t(t) * torch.from_numpy(w)).sum() for (_, t), w in zip(pairs, ws))
        if e_loss.is_complex():
            e_loss, t_loss = e_loss.real, t_loss.real
        eg = ember.autograd.grad(e_loss, [x for x in e_in if x.requires_grad], allow_unused=True)
        tg = torch.autograd.grad(t_loss, [x for x in t_in if x.requires_grad], allow_unused=True)
        for a, b in zip(eg, tg):
            if b is None:
                assert a is None or not as_numpy(a).any()
            else:
                assert_same(a, _t(b), atol=atol * 50, rtol=rtol * 50)
    return e_out, t_out


def _err(call, match=True):
    check_error(call, match_message=match)


def _linalg_err(call):
    """torch raised its LinAlgError; ember raises ember.linalg.LinAlgError with the same message."""
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(Exception) as ee:
        call(ember)
    assert te.type.__name__ == "_LinAlgError" and ee.type is ember.linalg.LinAlgError
    assert str(ee.value) == str(te.value)


def _i32(*vals):
    return lambda m: m.tensor(list(vals), dtype=m.int32)


# ----------------------------------------------------------------------------------------------------
# LU

LU_SHAPES = [(3, 3), (2, 3, 3), (4, 3), (3, 5), (2, 1, 4, 2), (0, 3, 3), (2, 0, 3), (3, 0)]


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape", LU_SHAPES)
def test_lu_factor_and_lu(dtype, shape):
    a = _r(*shape, dtype=dtype)
    _run(lambda m, x: m.linalg.lu_factor(x), [a], exact=(1,))
    _run(lambda m, x: m.linalg.lu_factor_ex(x), [a], exact=(1, 2))
    _run(lambda m, x: m.linalg.lu(x), [a])
    _run(lambda m, x: m.lu_unpack(*m.linalg.lu_factor(x)), [a])


def test_lu_noncontiguous_and_methods():
    a = _r(2, 4, 4)
    _run(lambda m, x: m.linalg.lu_factor(x), [a], noncontig=True, exact=(1,))
    _run(lambda m, x: m.linalg.lu(x), [a], noncontig=True)
    _run(lambda m, x: m.lu(x), [a], exact=(1,))
    _run(lambda m, x: m.lu(x, get_infos=True), [a], exact=(1, 2))
    _run(lambda m, x: m.lu(x, True, True), [a], exact=(1, 2))
    _run(lambda m, x: x.lu(), [a], exact=(1,))
    _run(lambda m, x: x.lu(get_infos=True), [a], exact=(1, 2))
    e, t = ember.lu(ember.from_numpy(a)), torch.lu(torch.from_numpy(a))
    assert type(e) is tuple and type(t) is tuple
    e = ember.lu(ember.from_numpy(a), get_infos=True)
    assert type(e).__name__ == "_lu_with_info" and e._fields == ("LU", "pivots", "info")


def test_lu_singular_and_nonfinite():
    z = np.zeros((2, 3, 3))
    s = np.array([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])
    for x in (z, s, z[0], np.array([[0.0, 1, 2], [0, 3, 4]]), np.full((2, 2), np.nan),
              np.array([[1.0, np.inf], [2, 3]])):
        _run(lambda m, x: m.linalg.lu_factor_ex(x), [x], grad=False, exact=(1, 2))
        _run(lambda m, x: m.linalg.lu(x), [x], grad=False)
        _run(lambda m, x: m.lu(x, get_infos=True), [x], grad=False, exact=(1, 2))
    _err(lambda m: m.linalg.lu_factor(m.from_numpy(z)))
    _err(lambda m: m.linalg.lu_factor(m.from_numpy(s)))
    _err(lambda m: m.linalg.lu_factor_ex(m.from_numpy(z), check_errors=True))
    _err(lambda m: m.linalg.lu_factor(m.tensor([[0.0, 1, 2], [0, 3, 4]])))


def test_lu_errors():
    _err(lambda m: m.linalg.lu_factor(m.ones(3)))
    _err(lambda m: m.linalg.lu(m.ones(3)))
    _err(lambda m: m.lu(m.ones(3)))
    for dt in ("int64", "float16", "bfloat16", "bool"):
        _err(lambda m: m.linalg.lu_factor(m.ones(3, 3, dtype=getattr(m, dt))))
        _err(lambda m: m.linalg.lu(m.ones(3, 3, dtype=getattr(m, dt)), pivot=False))
    for call in (lambda m: m.linalg.lu(m.ones(3, 3), pivot=False), lambda m: m.linalg.lu_factor(m.eye(3), pivot=False),
                 lambda m: m.linalg.lu_factor_ex(m.eye(3), pivot=False), lambda m: m.lu(m.eye(3), pivot=False)):
        _err(call)


def _lu_args(m, a, b):
    LU, piv = m.linalg.lu_factor(a)
    return LU, piv, b


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("left,adjoint", [(True, False), (True, True), (False, False), (False, True)])
def test_lu_solve(dtype, left, adjoint):
    a = _r(2, 3, 3, dtype=dtype)
    b = _r(2, 3, 4, dtype=dtype) if left else _r(2, 4, 3, dtype=dtype)
    # torch's left=False result for complex inputs is a conj view (its grad_fn a CloneBackward0)
    names = left or np.dtype(dtype).kind != "c"
    _run(lambda m, x, y: m.linalg.lu_solve(*_lu_args(m, x, y), left=left, adjoint=adjoint), [a, b], names=names)
    _run(lambda m, x, y: m.linalg.lu_solve(*_lu_args(m, x, y), left=left, adjoint=adjoint), [a[0], b],
         names=names, noncontig=True)


def test_lu_solve_broadcast_empty_legacy():
    a, b = _r(3, 3), _r(4, 1, 3, 2)
    _run(lambda m, x, y: m.linalg.lu_solve(*_lu_args(m, x, y)), [a, b])
    _run(lambda m, x, y: m.linalg.lu_solve(*m.linalg.lu_factor(x.expand(2, 3, 3)), y), [a, b])
    _run(lambda m, x, y: m.linalg.lu_solve(*_lu_args(m, x, y)), [np.zeros((0, 0)), np.zeros((0, 2))], grad=False)
    _run(lambda m, x, y: m.linalg.lu_solve(*_lu_args(m, x, y)), [_r(2, 3, 3), np.zeros((2, 3, 0))], grad=False)
    _run(lambda m, x, y: m.lu_solve(y, *m.linalg.lu_factor(x)), [_r(2, 3, 3), _r(2, 3, 2)])
    _run(lambda m, x, y: y.lu_solve(*m.linalg.lu_factor(x)), [_r(3, 3), _r(3, 2)])
    # a singular LU is not refused: getrs divides by the zero pivot
    _run(lambda m, x, y: m.linalg.lu_solve(m.from_numpy(np.triu(np.ones((2, 2))) - np.eye(2)),
                                           m.tensor([1, 2], dtype=m.int32), y), [_r(2, 2), _r(2, 1)], grad=False)


def test_lu_solve_errors():
    LU, piv, B = (lambda m: m.eye(3)), _i32(1, 2, 3), (lambda m: m.ones(3, 2))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m), B(m), left=False))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m), B(m)[:2]))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m), m.ones(3)))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m), B(m).double()))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m).long(), B(m)))
    _err(lambda m: m.linalg.lu_solve(LU(m), piv(m)[:2], B(m)))
    _err(lambda m: m.linalg.lu_solve(LU(m).expand(2, 3, 3), piv(m), B(m)))
    _err(lambda m: m.linalg.lu_solve(m.ones(3, 4), piv(m), B(m)))
    _err(lambda m: m.linalg.lu_solve(m.ones(3), piv(m), B(m)))
    _err(lambda m: m.linalg.lu_solve(LU(m).long(), piv(m), B(m).long()))
    _err(lambda m: m.linalg.lu_solve(LU(m).half(), piv(m), B(m).half()))
    _err(lambda m: m.linalg.lu_solve(LU(m), m.tensor([0, 2, 3], dtype=m.int32), B(m)))
    _err(lambda m: m.linalg.lu_solve(LU(m), m.tensor([4, 2, 3], dtype=m.int32), B(m)))
    _err(lambda m: m.linalg.lu_solve(LU(m).expand(2, 3, 3), piv(m).expand(2, 3), m.ones(3, 3, 2)))
    _err(lambda m: m.lu_solve(m.ones(3), LU(m), piv(m)))


def test_lu_unpack():
    LU, piv = torch.linalg.lu_factor(torch.from_numpy(_r(2, 4, 4)))
    lu, p = LU.numpy(), piv.numpy()
    for kw in ({}, {"unpack_data": False}, {"unpack_pivots": False}):
        _run(lambda m, x, q: m.lu_unpack(x, q, **kw), [lu, p], names=False)
    # pivots broadcast over LU's batch (torch applies them to the first matrix only)
    P = ember.lu_unpack(ember.from_numpy(lu), ember.from_numpy(p[0])).P
    assert_same(P, torch.lu_unpack(LU[0], piv[0]).P.expand(2, 4, 4))
    _run(lambda m, x, q: m.lu_unpack(x, q), [lu.astype(np.int64), p], grad=False)
    _run(lambda m, x, q: m.lu_unpack(x, q, unpack_pivots=False), [lu, p.astype(np.float32)], names=False)
    _run(lambda m, x, q: m.lu_unpack(x, q), [np.zeros((2, 0, 3)), np.zeros((2, 0), np.int32)], grad=False)
    _err(lambda m: m.lu_unpack(m.ones(3), _i32(1, 2, 3)(m)))
    _err(lambda m: m.lu_unpack(m.eye(3), _i32(1, 2, 3)(m).long()))
    _err(lambda m: m.lu_unpack(m.eye(3), _i32(0, 2, 3)(m)))
    _err(lambda m: m.lu_unpack(m.eye(3), _i32(4, 2, 3)(m)))
    _err(lambda m: m.lu_unpack(m.eye(2, 4), _i32(3, 2)(m)))
    _err(lambda m: m.lu_unpack(m.eye(3), m.tensor(1, dtype=m.int32)))
    e = ember.lu_unpack(ember.eye(3), ember.tensor([1, 2, 3], dtype=ember.int32))
    assert type(e).__name__ == "lu_unpack" and e._fields == ("P", "L", "U")


# ----------------------------------------------------------------------------------------------------
# LDL

def _sym(n, batch=(), dtype=np.float64, hermitian=False):
    a = _r(*batch, n, n, dtype=dtype)
    a = a + (np.conj(np.swapaxes(a, -1, -2)) if hermitian else np.swapaxes(a, -1, -2))
    a[..., 0, 0] = 0  # forces a 2 x 2 pivot block
    return a


@pytest.mark.parametrize("dtype,hermitian", [(np.float32, False), (np.float64, True), (C64, False), (C128, True),
                                             (C128, False)])
def test_ldl_factor_solve(dtype, hermitian):
    a = _sym(5, (2,), dtype, hermitian)
    e, t = _run(lambda m, x: m.linalg.ldl_factor_ex(x, hermitian=hermitian), [a], grad=False, exact=(1, 2))
    assert (t.pivots < 0).any()
    _run(lambda m, x: m.linalg.ldl_factor(x, hermitian=hermitian), [a], grad=False, exact=(1,))
    _run(lambda m, x: m.linalg.ldl_factor(x, hermitian=hermitian), [a], grad=False, noncontig=True, exact=(1,))
    b = _r(2, 5, 2, dtype=dtype)
    _run(lambda m, x, y: m.linalg.ldl_solve(*m.linalg.ldl_factor(x, hermitian=hermitian), y, hermitian=hermitian),
         [a, b], grad=False)
    _run(lambda m, x, y: m.linalg.ldl_solve(*m.linalg.ldl_factor(x, hermitian=hermitian), y, hermitian=hermitian),
         [a[0], np.stack([b, b])], grad=False)
    # B's batch beyond LD's (torch reads past its pivots there): checked against A X = B
    LD, piv = ember.linalg.ldl_factor(ember.from_numpy(a), hermitian=hermitian)
    big = _r(3, 1, 5, 2, dtype=dtype)
    x = ember.linalg.ldl_solve(LD, piv, ember.from_numpy(big), hermitian=hermitian).numpy()
    np.testing.assert_allclose(np.matmul(a, x), np.broadcast_to(big, x.shape), atol=_tol(dtype)[0] * 100)
    # LAPACK's factorisation travels between the two libraries
    LD, piv = torch.linalg.ldl_factor(torch.from_numpy(a), hermitian=hermitian)
    _run(lambda m, x, p, y: m.linalg.ldl_solve(x, p, y, hermitian=hermitian), [LD.numpy(), piv.numpy(), b],
         grad=False)


def test_ldl_singular_empty_and_autograd():
    z = np.stack([np.eye(3), np.diag([1.0, 0, 1])])
    _run(lambda m, x: m.linalg.ldl_factor_ex(x), [z], grad=False, exact=(1, 2))
    _run(lambda m, x: m.linalg.ldl_factor(x), [np.zeros((2, 0, 0))], grad=False)
    _run(lambda m, x, y: m.linalg.ldl_solve(*m.linalg.ldl_factor_ex(x)[:2], y), [np.diag([1.0, 0]), _r(2, 1)],
         grad=False)
    _err(lambda m: m.linalg.ldl_factor(m.from_numpy(z)))
    _err(lambda m: m.linalg.ldl_factor_ex(m.zeros(3, 3), check_errors=True))
    a = _sym(3)
    e, t = _run(lambda m, x: m.linalg.ldl_factor(x), [a], exact=(1,), grad=False)
    for m, x in ((ember, ember.from_numpy(a)), (torch, torch.from_numpy(a))):
        LD, piv = m.linalg.ldl_factor(x.requires_grad_())
        assert LD.grad_fn.name() == "torch::autograd::NotImplemented" and piv.grad_fn is None
        y = m.linalg.ldl_solve(LD.detach(), piv, m.ones(3, 1, dtype=m.float64, requires_grad=True))
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
    _err(lambda m: m.linalg.ldl_factor(m.from_numpy(a).requires_grad_())[0].sum().backward())
    _err(lambda m: m.linalg.ldl_solve(m.eye(2), _i32(1, 2)(m), m.ones(2, 1, requires_grad=True)).sum().backward())


def test_ldl_errors():
    LD, piv, B = (lambda m: m.eye(3)), _i32(1, 2, 3), (lambda m: m.ones(3, 2))
    _err(lambda m: m.linalg.ldl_factor(m.ones(3)))
    _err(lambda m: m.linalg.ldl_factor(m.ones(3, 4)))
    for dt in ("int64", "bool", "float16", "bfloat16"):
        _err(lambda m: m.linalg.ldl_factor(m.ones(3, 3, dtype=getattr(m, dt))))
    _err(lambda m: m.linalg.ldl_solve(LD(m), piv(m), m.ones(3)))
    _err(lambda m: m.linalg.ldl_solve(LD(m), piv(m), B(m).double()))
    _err(lambda m: m.linalg.ldl_solve(LD(m), piv(m).float(), B(m)))
    _err(lambda m: m.linalg.ldl_solve(LD(m), piv(m)[:2], B(m)))
    _err(lambda m: m.linalg.ldl_solve(LD(m), piv(m), m.ones(4, 2)))
    _err(lambda m: m.linalg.ldl_solve(LD(m).long(), piv(m), B(m).long()))
    _err(lambda m: m.linalg.ldl_solve(LD(m).half(), piv(m), B(m).half()))
    _err(lambda m: m.linalg.ldl_solve(LD(m)[0], piv(m), B(m)))
    _err(lambda m: m.linalg.ldl_solve(m.ones(3, 4), piv(m), B(m)))
    _err(lambda m: m.linalg.ldl_solve(LD(m), _i32(7, 1, 1)(m), B(m)))
    _err(lambda m: m.linalg.ldl_solve(LD(m), _i32(0, 1, 1)(m), B(m)))
    _err(lambda m: m.linalg.ldl_solve(LD(m).expand(2, 3, 3), piv(m).expand(2, 3), m.ones(3, 3, 2)))


# ----------------------------------------------------------------------------------------------------
# Householder: geqrf, householder_product / orgqr, ormqr

@pytest.mark.parametrize("dtype", ALL)
def test_geqrf_householder_product(dtype):
    for shape in [(4, 3), (2, 3, 5), (3, 3), (2, 0, 3), (0, 2)]:
        _run(lambda m, x: m.geqrf(x), [_r(*shape, dtype=dtype)], grad=False)
    a = _r(2, 5, 3, dtype=dtype)
    tau = _r(2, 3, dtype=dtype) * 0.5
    _run(lambda m, x, t: m.linalg.householder_product(x, t), [a, tau])
    _run(lambda m, x, t: m.orgqr(x, t[..., :2]), [a, tau], noncontig=True)
    _run(lambda m, x: m.linalg.householder_product(*m.geqrf(x)), [a], grad=False)
    _run(lambda m, x, t: x.orgqr(t), [a[0], tau[0, :0]])
    _run(lambda m, x, t: m.linalg.householder_product(x, t), [np.zeros((3, 0), dtype), np.zeros((0,), dtype)])


@pytest.mark.parametrize("dtype", [np.float64, C64, C128])
@pytest.mark.parametrize("left,transpose", [(True, False), (True, True), (False, False), (False, True)])
def test_ormqr(dtype, left, transpose):
    a, tau = _r(2, 4, 3, dtype=dtype), _r(2, 3, dtype=dtype)
    c = _r(2, 4, 2, dtype=dtype) if left else _r(2, 2, 4, dtype=dtype)
    _run(lambda m, x, t, y: m.ormqr(x, t, y, left, transpose), [a, tau, c])
    _run(lambda m, x, t, y: x.ormqr(t, y, left=left, transpose=transpose), [a[0], tau[0], c[0]], noncontig=True)
    # against the explicit Q of geqrf
    _run(lambda m, x, y: m.ormqr(*m.geqrf(x), y, left, transpose), [_r(4, 4, dtype=dtype), c[0]], grad=False)


def test_ormqr_wide_and_empty():
    _run(lambda m, x, t, y: m.ormqr(x, t, y), [_r(3, 4), _r(3), _r(3, 2)])
    _run(lambda m, x, t, y: m.ormqr(x, t, y, left=False), [_r(3, 4), _r(3), _r(2, 3)])
    _run(lambda m, x, t, y: m.ormqr(x, t, y), [np.zeros((0, 0)), np.zeros(0), np.zeros((0, 2))], grad=False)
    _run(lambda m, x, t, y: m.ormqr(x, t, y), [np.zeros((4, 0)), np.zeros(0), _r(4, 2)], grad=False)


def test_householder_errors():
    r = lambda m, *s: m.ones(*s)  # noqa: E731
    _err(lambda m: m.geqrf(r(m, 3)))
    for dt in ("int64", "float16", "bfloat16", "bool"):
        _err(lambda m: m.geqrf(m.ones(3, 3, dtype=getattr(m, dt))))
        _err(lambda m: m.linalg.householder_product(m.ones(3, 3, dtype=getattr(m, dt)),
                                                    m.ones(3, dtype=getattr(m, dt))))
        _err(lambda m: m.ormqr(*(m.ones(*s, dtype=getattr(m, dt)) for s in ((3, 3), (3,), (3, 2)))))
    hp = lambda m, a, t: m.linalg.householder_product(r(m, *a), r(m, *t))  # noqa: E731
    for a, t in (((3, 4), (3,)), ((4, 3), (5,)), ((3,), (3,)), ((4, 3), (1, 3)), ((4, 3), (1, 5)), ((2, 4, 3), (3, 3)),
                 ((2, 4, 3), (1, 3))):
        _err(lambda m: hp(m, a, t))
    _err(lambda m: m.linalg.householder_product(m.ones(4, 3), m.ones(3, dtype=m.float64)))
    _err(lambda m: m.orgqr(m.ones(3, 4), m.ones(3)))
    om = lambda m, a, t, c, **kw: m.ormqr(r(m, *a), r(m, *t), r(m, *c), **kw)  # noqa: E731
    for a, t, c, kw in (((4, 3), (3,), (3, 2), {}), ((4, 3), (3,), (4, 2), {"left": False}), ((3, 4), (4,), (3, 2), {}),
                        ((5, 2), (3,), (5, 3), {}), ((4, 3), (0,), (4, 2), {}), ((4, 3), (3,), (4,), {}),
                        ((4,), (3,), (4, 2), {}), ((4, 3), (1, 3), (4, 2), {}), ((4, 3), (2,), (3, 2), {}),
                        ((2, 4, 3), (3,), (4, 2), {}), ((2, 4, 3), (2, 3), (4, 2), {}),
                        ((2, 4, 3), (3, 3), (2, 4, 2), {}),
                        ((2, 4, 3), (2, 3), (3, 4, 2), {}), ((3, 4), (4,), (2, 3), {"left": False})):
        _err(lambda m: om(m, a, t, c, **kw))
    _err(lambda m: m.ormqr(m.ones(4, 3), m.ones(3, dtype=m.float64), m.ones(4, 2)))
    _err(lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(4, 2, dtype=m.float64)))
    _err(lambda m: m.ormqr(m.ones(4, 3, dtype=m.int64), m.ones(3), m.ones(4, 2)))


def test_geqrf_not_differentiable():
    for m in (ember, torch):
        a, tau = m.geqrf(m.ones(3, 2, dtype=m.float64, requires_grad=True))
        assert a.grad_fn.name() == tau.grad_fn.name() == "GeqrfBackward0"
    _err(lambda m: m.geqrf(m.eye(3, requires_grad=True))[0].sum().backward())


# ----------------------------------------------------------------------------------------------------
# Cholesky and triangular solvers

def _factor(n, batch=(), dtype=np.float64):
    return (_r(*batch, n, n, dtype=dtype) * 0.3 + 3 * np.eye(n)).astype(dtype)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_inverse(dtype, upper):
    f, b = _factor(3, (2,), dtype), _r(4, 1, 3, 2, dtype=dtype)
    _run(lambda m, y, x: m.cholesky_solve(y, x, upper), [b, f])
    _run(lambda m, y, x: y.cholesky_solve(x, upper=upper), [b[0, 0], f[0]], noncontig=True)
    _run(lambda m, x: m.cholesky_inverse(x, upper), [f])
    _run(lambda m, x: x.cholesky_inverse(upper=upper), [f[0]], noncontig=True)
    # the other triangle is never read
    _run(lambda m, y, x: m.cholesky_solve(y, x, upper), [b, np.triu(f) if upper else np.tril(f)], grad=False)


def test_cholesky_solve_inverse_edges():
    _run(lambda m, y, x: m.cholesky_solve(y, x), [np.zeros((0, 2)), np.zeros((0, 0))], grad=False)
    _run(lambda m, x: m.cholesky_inverse(x), [np.zeros((2, 0, 0))], grad=False)
    _run(lambda m, y, x: m.cholesky_solve(y, x), [np.ones((3, 1)), np.zeros((3, 3))], grad=False)
    _linalg_err(lambda m: m.cholesky_inverse(m.zeros(2, 3, 3)))
    _linalg_err(lambda m: m.cholesky_inverse(m.diag(m.tensor([1.0, 0, 1]))))
    _err(lambda m: m.cholesky_solve(m.ones(3), m.eye(3)))
    _err(lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3)))
    _err(lambda m: m.cholesky_solve(m.ones(4, 2), m.eye(3)))
    _err(lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3, 4)))
    _err(lambda m: m.cholesky_solve(m.ones(3, 2, dtype=m.float64), m.eye(3)))
    _err(lambda m: m.cholesky_solve(m.ones(2, 3, 2), m.eye(3).expand(3, 3, 3)))
    _err(lambda m: m.cholesky_inverse(m.ones(3)))
    _err(lambda m: m.cholesky_inverse(m.ones(3, 4)))
    for dt in ("int64", "float16", "bfloat16", "bool"):
        _err(lambda m: m.cholesky_solve(m.ones(3, 2, dtype=getattr(m, dt)), m.ones(3, 3, dtype=getattr(m, dt))))
        _err(lambda m: m.cholesky_inverse(m.ones(3, 3, dtype=getattr(m, dt))))


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("upper,transpose,unit", [(True, False, False), (False, True, False), (True, True, True),
                                                  (False, False, True)])
def test_triangular_solve(dtype, upper, transpose, unit):
    a, b = _factor(3, (), dtype), _r(2, 3, 2, dtype=dtype)
    e, t = _run(lambda m, y, x: m.triangular_solve(y, x, upper, transpose, unit), [b, a])
    assert e._fields == ("solution", "cloned_coefficient")
    _run(lambda m, y, x: y.triangular_solve(x, upper=upper, transpose=transpose, unitriangular=unit),
         [b[0], _factor(3, (2,), dtype)], noncontig=True)


def test_triangular_solve_edges():
    _run(lambda m, y, x: m.triangular_solve(y, x), [np.zeros((0, 2)), np.zeros((0, 0))], grad=False)
    _run(lambda m, y, x: m.triangular_solve(y, x), [_r(3, 2), np.zeros((3, 3))], grad=False)
    x = ember.eye(3)
    assert ember.triangular_solve(ember.ones(3, 1), x).cloned_coefficient.data_ptr() != x.data_ptr()
    _err(lambda m: m.triangular_solve(m.ones(3), m.eye(3)))
    _err(lambda m: m.triangular_solve(m.ones(3, 2), m.ones(3)))
    _err(lambda m: m.triangular_solve(m.ones(4, 2), m.eye(3)))
    _err(lambda m: m.triangular_solve(m.ones(3, 2), m.ones(3, 4)))
    _err(lambda m: m.triangular_solve(m.ones(3, 2, dtype=m.float64), m.eye(3)))
    for dt in ("int64", "float16", "bfloat16", "bool"):
        _err(lambda m: m.triangular_solve(m.ones(3, 2, dtype=getattr(m, dt)), m.ones(3, 3, dtype=getattr(m, dt))))


# ----------------------------------------------------------------------------------------------------
# tensorinv, tensorsolve, vander, deprecated norms

@pytest.mark.parametrize("dtype", [np.float32, C128])
def test_tensorinv_tensorsolve(dtype):
    _run(lambda m, x: m.linalg.tensorinv(x), [_r(4, 6, 8, 3, dtype=dtype)], names=False)
    _run(lambda m, x: m.linalg.tensorinv(x, ind=1), [_r(6, 2, 3, dtype=dtype)], names=False, noncontig=True)
    _run(lambda m, x: m.linalg.tensorinv(x, ind=1), [np.zeros((0, 2, 0), dtype)], grad=False, names=False)
    _run(lambda m, x, y: m.linalg.tensorsolve(x, y), [_r(2, 3, 6, dtype=dtype), _r(2, 3, dtype=dtype)], names=False)
    _run(lambda m, x, y: m.linalg.tensorsolve(x, y, dims=(0, 2)), [_r(2, 6, 3, dtype=dtype), _r(6, dtype=dtype)],
         names=False)


def test_tensorinv_tensorsolve_errors():
    _err(lambda m: m.linalg.tensorinv(m.ones(6, 2, 3), ind=0))
    _err(lambda m: m.linalg.tensorinv(m.ones(6, 2, 4), ind=1))
    _err(lambda m: m.linalg.tensorinv(m.ones(2, 2, dtype=m.int64), ind=1))
    _linalg_err(lambda m: m.linalg.tensorinv(m.zeros(2, 2, 4)))
    _err(lambda m: m.linalg.tensorsolve(m.ones(6, 4, 4), m.ones(6, 4), dims=(0, 2)))
    _err(lambda m: m.linalg.tensorsolve(m.ones(2, 3, 5), m.ones(2, 3)))
    _err(lambda m: m.linalg.tensorsolve(m.ones(2, 3, 6), m.ones(2, 3, dtype=m.float64)))
    _linalg_err(lambda m: m.linalg.tensorsolve(m.zeros(2, 3, 6), m.ones(2, 3)))


def test_vander():
    for dt in (np.float32, np.float64, C64, np.int32, np.uint8):
        x = (_r(2, 4) * 3).astype(dt) if dt not in (C64,) else _r(2, 4, dtype=dt)
        _run(lambda m, v: m.linalg.vander(v), [x], grad=dt in (np.float64, C64))
        _run(lambda m, v: m.linalg.vander(v, N=3), [x[0]], grad=False)
        _run(lambda m, v: m.vander(v), [x[0]], grad=False)
        _run(lambda m, v: m.vander(v, 5, True), [x[0]], grad=False)
    _run(lambda m, v: m.linalg.vander(v, N=3), [np.array(2.0)])
    _run(lambda m, v: m.vander(v, N=0), [np.array([1.0, 2.0])], grad=False)
    _run(lambda m, v: m.vander(v, N=1), [np.array([1.0, 2.0])], grad=False)
    _run(lambda m, v: m.vander(v), [np.array([True, False])], grad=False)
    _run(lambda m, v: m.vander(v), [np.zeros(0)], grad=False)
    _run(lambda m, v: m.vander(v), [np.array([1.0, 2], np.float16)], grad=False)
    _err(lambda m: m.vander(m.ones(2, 2)))
    _err(lambda m: m.vander(m.ones(2), N=-1))
    _err(lambda m: m.linalg.vander(m.ones(3), N=1))
    _err(lambda m: m.linalg.vander(m.ones(1)))
    _err(lambda m: m.linalg.vander(m.ones(2, dtype=m.bool)))
    _err(lambda m: m.linalg.vander(m.ones(2, dtype=m.float16)))
    # torch.vander builds its result in place, so backward reports the overwritten cumprod input
    _err(lambda m: m.vander(m.ones(3, requires_grad=True)).sum().backward(), match=False)


def test_deprecated_norms():
    a = _r(2, 3, 4)
    _run(lambda m, x: m.nuclear_norm(x), [a])
    _run(lambda m, x: m.nuclear_norm(x, True), [a[0]])
    _run(lambda m, x: m.nuclear_norm(x, dim=(0, 2)), [a])
    _run(lambda m, x: m.nuclear_norm(x, (0, 2), True), [a])
    _run(lambda m, x: m.frobenius_norm(x, (0, 1)), [a], names=False)
    _run(lambda m, x: m.frobenius_norm(x, 1, True), [_r(3, 4, dtype=C64)], names=False)
    _run(lambda m, x: m.frobenius_norm(x, ()), [a], names=False)
    _err(lambda m: m.nuclear_norm(m.ones(4)))
    _err(lambda m: m.nuclear_norm(m.ones(2, 3, 4), dim=(0,)))
    _err(lambda m: m.nuclear_norm(m.ones(3, 4, dtype=m.int64)))
    _err(lambda m: m.frobenius_norm(m.ones(3, 4, 2), dim=(0, 1, 2)))
    _err(lambda m: m.frobenius_norm(m.ones(3, 4, dtype=m.int64), dim=(0, 1)))
    _err(lambda m: m.frobenius_norm(m.ones(3, 4)), match=False)


def test_deprecation_warnings_once():
    from ember._ops import linalg_legacy
    linalg_legacy._warned.clear()
    calls = [lambda: ember.lu(ember.eye(2)),
             lambda: ember.lu_solve(ember.ones(2, 1), *ember.linalg.lu_factor(ember.eye(2))),
             lambda: ember.triangular_solve(ember.ones(2, 1), ember.eye(2)), lambda: ember.nuclear_norm(ember.eye(2)),
             lambda: ember.frobenius_norm(ember.eye(2), (0, 1))]
    for call in calls:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call()
            call()
        assert len(w) == 1 and issubclass(w[0].category, UserWarning) and "deprecated" in str(w[0].message)
        assert w[0].filename == __file__


def test_removed_functions():
    a = (lambda m: m.eye(3))
    for call in (lambda m: m.eig(a(m)), lambda m: m.eig(a(m), True), lambda m: a(m).eig(), lambda m: a(m).eig(True),
                 lambda m: m.symeig(a(m)), lambda m: m.symeig(a(m), eigenvectors=True), lambda m: a(m).symeig(),
                 lambda m: m.lstsq(a(m), a(m)), lambda m: a(m).lstsq(a(m)), lambda m: m.matrix_rank(a(m)),
                 lambda m: m.matrix_rank(a(m), 0.1, True), lambda m: m.solve(a(m), a(m)), lambda m: a(m).solve(a(m))):
        _err(call)
    for call in (lambda m: m.eig(), lambda m: m.lstsq(a(m)), lambda m: m.solve(a(m)), lambda m: m.eig(a(m), x=1)):
        _err(call, match=False)


def test_autocast_runs_in_float32():
    b, f = torch.from_numpy(_r(3, 2)), torch.from_numpy(_factor(3))
    calls = [lambda m, y, x: m.cholesky_solve(y, x), lambda m, y, x: m.cholesky_inverse(x),
             lambda m, y, x: m.triangular_solve(y, x), lambda m, y, x: m.geqrf(x),
             lambda m, y, x: m.orgqr(x, x[0]), lambda m, y, x: m.ormqr(x, x[0], y), lambda m, y, x: m.lu(x),
             lambda m, y, x: m.linalg.householder_product(x, x[0]), lambda m, y, x: m.linalg.tensorinv(x, ind=1),
             lambda m, y, x: m.linalg.tensorsolve(x, y[:, 0]),
             lambda m, y, x: m.lu_solve(y, x, m.tensor([1, 2, 3], dtype=m.int32))]
    for call in calls:
        outs = []
        for m in (torch, ember):
            yb, xb = m.from_numpy(b.numpy()).bfloat16(), m.from_numpy(f.numpy()).bfloat16()
            with m.autocast("cpu", dtype=m.bfloat16):
                outs.append(call(m, yb, xb))
        assert_same(outs[1], outs[0], atol=1e-5, rtol=1e-5)


# ----------------------------------------------------------------------------------------------------
# gradcheck / gradgradcheck (ember alone)

def _lu_solve_fn(left, adjoint):
    def fn(a, b):
        LU, piv = ember.linalg.lu_factor(a)
        return ember.linalg.lu_solve(LU, piv, b, left=left, adjoint=adjoint)
    return fn


def _real_diag(x):
    # a Cholesky factor with a real diagonal (LAPACK's potri reads only its real part)
    d = np.diag(np.diag(x).real + 3)
    return lambda f: ember.tril(f, -1) + ember.from_numpy(d.astype(x.dtype))


_CF = _r(3, 3, dtype=C128) * 0.3
GRADCHECK_CASES = [
    (lambda a: ember.linalg.lu_factor(a)[0], [_r(3, 3)]),
    (lambda a: ember.linalg.lu_factor(a)[0], [_r(2, 4, 3, dtype=C128)]),
    (lambda a: ember.linalg.lu(a)[1:], [_r(3, 5)]),
    (lambda a: ember.linalg.lu(a)[1:], [_r(4, 2, dtype=C128)]),
    (_lu_solve_fn(True, False), [_r(3, 3), _r(3, 2)]),
    (_lu_solve_fn(True, True), [_r(3, 3, dtype=C128), _r(2, 3, 2, dtype=C128)]),
    (_lu_solve_fn(False, False), [_r(3, 3, dtype=C128), _r(2, 3, dtype=C128)]),
    (_lu_solve_fn(False, True), [_r(3, 3), _r(2, 3)]),
    (lambda a: ember.lu_unpack(a, ember.tensor([2, 3], dtype=ember.int32))[1:], [_r(3, 2)]),
    (lambda b, f: ember.cholesky_solve(b, ember.tril(f)), [_r(3, 2), _factor(3)]),
    (lambda b, f: ember.cholesky_solve(b, ember.triu(f), upper=True), [_r(3, 2, dtype=C128), _factor(3, (), C128)]),
    (lambda f: ember.cholesky_inverse(ember.tril(f)), [_factor(3)]),
    (lambda f: ember.cholesky_inverse(_real_diag(_CF)(f).mH, upper=True), [_CF]),
    (lambda b, a: ember.triangular_solve(b, a), [_r(3, 2), _factor(3)]),
    (lambda b, a: ember.triangular_solve(b, a, False, True, True), [_r(3, 2, dtype=C128), _factor(3, (), C128)]),
    (lambda a, t: ember.linalg.householder_product(a, t), [_r(4, 3), _r(3) * 0.5]),
    (lambda a, t: ember.linalg.householder_product(a, t), [_r(4, 3, dtype=C128), _r(2, dtype=C128) * 0.5]),
    (lambda a, t, c: ember.ormqr(a, t, c), [_r(4, 3), _r(3) * 0.5, _r(4, 2)]),
    (lambda a, t, c: ember.ormqr(a, t, c, False, True), [_r(3, 3, dtype=C128), _r(3, dtype=C128) * 0.5,
                                                         _r(2, 3, dtype=C128)]),
    (lambda a: ember.linalg.tensorinv(a, ind=1), [_r(4, 2, 2) + np.eye(4).reshape(4, 2, 2) * 3]),
    (lambda a, b: ember.linalg.tensorsolve(a, b), [_r(2, 2, 4) + np.eye(4).reshape(2, 2, 4) * 3, _r(2, 2)]),
    (lambda x: ember.linalg.vander(x), [_r(2, 3)]),
]


@pytest.mark.parametrize("fn,arrays", GRADCHECK_CASES)
def test_gradcheck(fn, arrays):
    xs = [ember.from_numpy(a.copy()).requires_grad_() for a in arrays]
    assert ember.autograd.gradcheck(fn, xs)


@pytest.mark.parametrize("fn,arrays", [GRADCHECK_CASES[i] for i in (0, 3, 4, 9, 11, 13, 15, 17)])
def test_gradgradcheck(fn, arrays):
    xs = [ember.from_numpy(a.copy()).requires_grad_() for a in arrays]
    assert ember.autograd.gradgradcheck(fn, xs)


def test_out_arguments():
    a, b = _r(3, 3), _r(3, 2)

    def outs(m, *dts):
        return tuple(m.empty(0, dtype=getattr(m, d)) for d in dts)

    calls = [(lambda m, A, B, o: m.linalg.lu_factor(A, out=o), ("float64", "int32")),
             (lambda m, A, B, o: m.linalg.lu_factor_ex(A, out=o), ("float64", "int32", "int32")),
             (lambda m, A, B, o: m.linalg.lu(A, out=o), ("float64",) * 3),
             (lambda m, A, B, o: m.lu_unpack(*m.linalg.lu_factor(A), out=o), ("float64",) * 3),
             (lambda m, A, B, o: m.linalg.ldl_factor(A + A.T, out=o), ("float64", "int32")),
             (lambda m, A, B, o: m.geqrf(A, out=o), ("float64",) * 2),
             (lambda m, A, B, o: m.triangular_solve(B, A, out=o), ("float64",) * 2),
             (lambda m, A, B, o: m.lu(A, out=o), ("float64", "int32")),
             (lambda m, A, B, o: m.linalg.lu_solve(*m.linalg.lu_factor(A), B, out=o[0]), ("float64",)),
             (lambda m, A, B, o: m.cholesky_solve(B, A, out=o[0]), ("float64",))]
    for call, dts in calls:
        res = []
        for m in (ember, torch):
            o = outs(m, *dts)
            r = call(m, m.from_numpy(a), m.from_numpy(b), o)
            assert (r is o[0]) if isinstance(r, m.Tensor) else all(x is y for x, y in zip(r, o))
            res.append(r)
        assert type(res[0]).__name__ == type(res[1]).__name__
        assert_same(res[0], res[1])
