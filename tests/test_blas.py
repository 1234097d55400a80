"""Matrix products against torch: matmul's dispatch cases, the add* family, einsum, tensordot, kron, trace,
cross; values, dtypes, grad_fn names, gradients (float64, complex), double backward and error messages."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import as_numpy, assert_same, check, check_error

rng = np.random.default_rng(0)


def _c(*shape):
    return np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape), np.complex128)


def _grad_fn_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def _same_node(fn, specs, dtype=np.float64):
    """The output's grad_fn has torch's name (inputs require grad)."""
    e, t = check(fn, specs, dtype=dtype, grad=True)
    es = e if isinstance(e, tuple) else (e,)
    ts = t if isinstance(t, tuple) else (t,)
    for a, b in zip(es, ts):
        assert _grad_fn_name(a) == _grad_fn_name(b)


# ----------------------------------------------------------------------------------------------------
# matmul: every dispatch case

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)), ((1, 2, 3), (5, 3, 4)), ((6, 5, 2, 3), (5, 3, 4)),
    ((3,), (5, 3, 4)), ((5, 2, 3), (3,)), ((7, 1, 2, 3), (1, 5, 3, 4)), ((2, 1, 2, 3), (3, 1)), ((1, 3), (5, 3, 1)),
    ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((0,), (0,)), ((2, 0, 3), (3, 4)), ((4, 2, 3), (4, 3, 0)), ((1, 3), (2, 3, 4)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_values_and_grads(sa, sb):
    check(lambda m, a, b: m.matmul(a, b), [sa, sb], grad=True, dtype=np.float64)
    check(lambda m, a, b: a @ b, [sa, sb], noncontig=True)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_grad_fn_names(sa, sb):
    _same_node(lambda m, a, b: m.matmul(a, b), [sa, sb])


@pytest.mark.parametrize("ra,rb", [(True, False), (False, True)])
@pytest.mark.parametrize("sa,sb", [((2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)),
                                   ((3,), (5, 3, 4)), ((2, 3), (5, 3, 1)), ((1, 3), (5, 3, 4))])
def test_matmul_node_depends_on_requires_grad(sa, sb, ra, rb):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    e = ember.matmul(ember.from_numpy(a).requires_grad_(ra), ember.from_numpy(b).requires_grad_(rb))
    t = torch.matmul(torch.from_numpy(a).requires_grad_(ra), torch.from_numpy(b).requires_grad_(rb))
    assert _grad_fn_name(e) == _grad_fn_name(t)
    np.testing.assert_allclose(as_numpy(e), as_numpy(t), atol=1e-12)


def test_matmul_transposed_batch_node():
    a = rng.standard_normal((5, 3, 2)).swapaxes(1, 2)
    b = rng.standard_normal((3, 4))
    for ra, rb in [(True, False), (False, True)]:
        e = ember.from_numpy(a).requires_grad_(ra) @ ember.from_numpy(b).requires_grad_(rb)
        t = torch.from_numpy(a).requires_grad_(ra) @ torch.from_numpy(b).requires_grad_(rb)
        assert _grad_fn_name(e) == _grad_fn_name(t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8, np.float16])
@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                   ((4, 2, 3), (4, 3, 5)), ((4, 2, 3), (3,))])
def test_matmul_dtypes(dtype, sa, sb):
    a = rng.integers(-3, 4, sa).astype(dtype) if np.dtype(dtype).kind in "iu" else rng.standard_normal(sa).astype(dtype)
    b = rng.integers(-3, 4, sb).astype(dtype) if np.dtype(dtype).kind in "iu" else rng.standard_normal(sb).astype(dtype)
    e = ember.matmul(ember.from_numpy(a), ember.from_numpy(b))
    t = torch.matmul(torch.from_numpy(a), torch.from_numpy(b))
    assert_same(e, t, atol=1e-2 if dtype == np.float16 else 1e-5, rtol=1e-2 if dtype == np.float16 else 1e-4)


def test_matmul_bfloat16_and_integer_wraparound():
    a = np.full((2, 3), 200, np.uint8)
    assert_same(ember.mm(ember.from_numpy(a), ember.ones(3, 4, dtype=ember.uint8)),
                torch.mm(torch.from_numpy(a), torch.ones(3, 4, dtype=torch.uint8)))
    x = rng.standard_normal((3, 5)).astype(np.float32)
    e = ember.from_numpy(x).to(ember.bfloat16)
    t = torch.from_numpy(x).to(torch.bfloat16)
    assert_same(e @ e.t(), t @ t.t(), atol=5e-2, rtol=2e-2)


@pytest.mark.parametrize("sa,sb", [((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((3,), (3,)),
                                   ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (5, 3, 4))])
def test_matmul_complex(sa, sb):
    check(lambda m, a, b: m.matmul(a, b), [_c(*sa), _c(*sb)], grad=True)
    check(lambda m, a, b: m.matmul(a, b), [_c(*sa).astype(np.complex64), _c(*sb).astype(np.complex64)])


@pytest.mark.parametrize("sa,sb", [((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)),
                                   ((6, 5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3,))])
def test_matmul_double_backward(sa, sb):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    res = []
    for m in (ember, torch):
        x, y = m.from_numpy(a.copy()).requires_grad_(), m.from_numpy(b.copy()).requires_grad_()
        out = m.matmul(x, y)
        gx, gy = m.autograd.grad((out * out).sum(), (x, y), create_graph=True)
        res.append(m.autograd.grad((gx * gx).sum() + (gy ** 3).sum(), (x, y)))
    for e, t in zip(*res):
        assert_same(e, t, atol=1e-8, rtol=1e-7)


MATMUL_ERRORS = [
    ((2, 3), (4, 5), None, None), ((3,), (4,), None, None), ((2, 3), (4,), None, None), ((3,), (4, 5), None, None),
    ((5, 2, 3), (4, 5), None, None), ((5, 2, 3), (5, 4, 5), None, None), ((5, 2, 3), (6, 3, 5), None, None),
    ((), (3,), None, None), ((3,), (), None, None), ((2, 3), (3, 4), "float32", "float64"),
    ((3,), (3,), "float32", "float64"), ((2, 3), (3,), "float32", "float64"), ((2, 3), (3,), "float64", "float32"),
    ((5, 2, 3), (5, 3, 4), "float32", "float64"), ((5, 2, 3), (3, 4), "float32", "float64"),
    ((3,), (5, 3, 2), "float32", "float64"), ((3,), (3, 2), "float64", "float32"),
    ((5, 2, 3), (4,), "float64", "float64"), ((2, 3), (3, 4), "bool", "bool"), ((2, 3), (3,), "bool", "bool"),
    ((3,), (3,), "bool", "bool"), ((3, 2, 3), (3, 3, 4), "bool", "bool"), ((2, 3), (3, 4), "int32", "int64"),
    ((2, 3), (3, 4), "complex64", "float32"), ((2, 3), (3, 4), "float16", "bfloat16"),
    ((2, 3), (3, 4), "uint8", "bool"),
    ((2, 3), (5, 3, 4), "float64", "float32"), ((2, 3), (5, 2, 3), None, None),
]


@pytest.mark.parametrize("sa,sb,da,db", MATMUL_ERRORS)
def test_matmul_errors(sa, sb, da, db):
    def fn(m):
        a = m.ones(sa, dtype=getattr(m, da)) if da else m.ones(sa)
        b = m.ones(sb, dtype=getattr(m, db)) if db else m.ones(sb)
        return m.matmul(a, b)
    check_error(fn, match_message=True)


def test_matmul_argument_type_and_operators():
    check_error(lambda m: m.matmul(m.ones(2, 3), [1, 2, 3]), match_message=True)
    assert ember.ones(2, 2).__matmul__([1, 2]) is NotImplemented
    assert ember.ones(2, 2).__rmatmul__([[1.0, 2.0], [3.0, 4.0]]) is NotImplemented
    with pytest.raises(TypeError):
        [[1.0, 2.0], [3.0, 4.0]] @ ember.ones(2, 2)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    assert_same(ember.from_numpy(b).__rmatmul__(ember.from_numpy(a)), torch.from_numpy(b).__rmatmul__(
        torch.from_numpy(a)))
    x = ember.from_numpy(a.copy())
    y = x
    x @= ember.from_numpy(b)
    assert x is not y and tuple(x.shape) == (2, 2)


def test_matmul_out():
    check(lambda m, a, b: m.matmul(a, b, out=m.empty(0)), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.mm(a, b, out=m.empty(2, 4)), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.matmul(a, b, out=m.empty(0)), [(5, 2, 3), (3, 4)])
    check_error(lambda m: m.matmul(m.ones(2, 3, requires_grad=True), m.ones(3, 4), out=m.empty(2, 4)))


# ----------------------------------------------------------------------------------------------------
# mm / bmm / mv / dot / vdot

@pytest.mark.parametrize("op,sa,sb", [("mm", (2, 3), (3, 4)), ("mm", (0, 3), (3, 2)), ("bmm", (4, 2, 3), (4, 3, 5)),
                                      ("bmm", (0, 2, 3), (0, 3, 5)), ("mv", (2, 3), (3,)), ("mv", (2, 0), (0,)),
                                      ("dot", (4,), (4,)), ("vdot", (4,), (4,)), ("dot", (0,), (0,))])
def test_blas_ops(op, sa, sb):
    _same_node(lambda m, a, b: getattr(m, op)(a, b), [sa, sb])
    check(lambda m, a, b: getattr(a, op)(b), [sa, sb], noncontig=True)
    check(lambda m, a, b: getattr(m, op)(a, b), [_c(*sa), _c(*sb)], grad=True)


@pytest.mark.parametrize("call", [
    lambda m: m.mm(m.ones(2, 3), m.ones(3)), lambda m: m.mm(m.ones(3), m.ones(3, 2)),
    lambda m: m.mm(m.ones(2, 3), m.ones(4, 5)), lambda m: m.mm(m.ones(2, 3), m.ones(4, 5, dtype=m.float64)),
    lambda m: m.mm(m.ones(2, 3, dtype=m.int64), m.ones(3, 4)), lambda m: m.mm(m.tensor(2.0), m.ones(2, 3)),
    lambda m: m.mm(m.ones(2, 3, dtype=m.bool), m.ones(3, 5, dtype=m.bool)),
    lambda m: m.bmm(m.ones(2, 3), m.ones(3, 4)), lambda m: m.bmm(m.ones(2, 3, 4), m.ones(2, 4)),
    lambda m: m.bmm(m.ones(2, 2, 3), m.ones(3, 3, 4)), lambda m: m.bmm(m.ones(2, 2, 3), m.ones(2, 4, 4)),
    lambda m: m.bmm(m.ones(2, 2, 3, dtype=m.float64), m.ones(2, 3, 4)),
    lambda m: m.bmm(m.ones(1, 2, 3, dtype=m.bool), m.ones(1, 3, 4, dtype=m.bool)),
    lambda m: m.mv(m.ones(2, 3), m.ones(4)), lambda m: m.mv(m.ones(2, 3), m.ones(3, 1)),
    lambda m: m.mv(m.ones(2, 3), m.tensor(2.0)), lambda m: m.mv(m.ones(2, 3, dtype=m.float64), m.ones(3)),
    lambda m: m.mv(m.ones(2, 3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    lambda m: m.dot(m.ones(2), m.ones(3)), lambda m: m.dot(m.ones(2, 2), m.ones(2)),
    lambda m: m.dot(m.ones(2), m.ones(2, dtype=m.float64)), lambda m: m.dot(m.tensor(2.0), m.tensor(3.0)),
    lambda m: m.dot(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    lambda m: m.vdot(m.ones(2), m.ones(3, dtype=m.float64)), lambda m: m.mm(m.ones(2, 3), [[1.0]]),
])
def test_blas_errors(call):
    check_error(call, match_message=True)


def test_dot_integer_and_half():
    assert_same(ember.dot(ember.ones(3, dtype=ember.int32) * 2 ** 20, ember.ones(3, dtype=ember.int32) * 2 ** 20),
                torch.dot(torch.ones(3, dtype=torch.int32) * 2 ** 20, torch.ones(3, dtype=torch.int32) * 2 ** 20))
    check(lambda m, a, b: m.dot(a, b), [(5,), (5,)], dtype=np.float16, atol=1e-2, rtol=1e-2)
    check(lambda m, a, b: m.vdot(a, b), [_c(3), _c(3)])


# ----------------------------------------------------------------------------------------------------
# the add* family

ADD_CASES = [
    ("addmm", (2, 4), (2, 3), (3, 4)), ("addmm", (4,), (2, 3), (3, 4)), ("addmm", (1, 1), (2, 3), (3, 4)),
    ("addmv", (2,), (2, 3), (3,)), ("addmv", (1,), (2, 3), (3,)), ("addmv", (), (2, 3), (3,)),
    ("addr", (2, 3), (2,), (3,)), ("addr", (3,), (2,), (3,)),
    ("baddbmm", (2, 2, 4), (2, 2, 3), (2, 3, 4)), ("baddbmm", (4,), (2, 2, 3), (2, 3, 4)),
    ("addbmm", (2, 4), (5, 2, 3), (5, 3, 4)), ("addbmm", (4,), (5, 2, 3), (5, 3, 4)),
]


@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2), (0, 1), (1, 0), (-1.5, 0.25)])
@pytest.mark.parametrize("op,si,sa,sb", ADD_CASES)
def test_add_family(op, si, sa, sb, beta, alpha):
    _same_node(lambda m, i, a, b: getattr(m, op)(i, a, b, beta=beta, alpha=alpha), [si, sa, sb])
    check(lambda m, i, a, b: getattr(i, op)(a, b, beta=beta, alpha=alpha), [si, sa, sb], noncontig=True)


@pytest.mark.parametrize("op,si,sa,sb", ADD_CASES)
def test_add_family_complex_and_inplace(op, si, sa, sb):
    check(lambda m, i, a, b: getattr(m, op)(i, a, b, beta=0.5 - 1j, alpha=2 + 1j), [_c(*si), _c(*sa), _c(*sb)],
          grad=True)
    out_shape = tuple(torch.ones(si).__getattribute__(op)(torch.ones(sa), torch.ones(sb)).shape)
    check(lambda m, i, a, b: getattr(i.clone(), op + "_")(a, b, beta=0.5, alpha=2), [out_shape, sa, sb])
    check(lambda m, i, a, b: getattr(m, op)(i, a, b, out=m.empty(0)), [si, sa, sb])


def test_add_family_beta_zero_ignores_nan_and_alpha_zero_ignores_inf():
    nan_in = np.full((2, 4), np.nan, np.float32)
    check(lambda m, i, a, b: m.addmm(i, a, b, beta=0), [nan_in, (2, 3), (3, 4)])
    inf_a = np.full((2, 3), np.inf, np.float32)
    check(lambda m, i, a, b: m.addmm(i, a, b, alpha=0), [(2, 4), inf_a, (3, 4)])
    check(lambda m, i, a, b: m.addmv(i, a, b, beta=0), [np.full(2, np.nan, np.float32), (2, 3), (3,)])
    check(lambda m, i, a, b: m.baddbmm(i, a, b, beta=0), [np.full((2, 2, 4), np.nan, np.float32), (2, 2, 3),
                                                          (2, 3, 4)])
    check(lambda m, i, a, b: m.addbmm(i, a, b), [(2, 4), (0, 2, 3), (0, 3, 4)])


def test_add_family_integer_and_bool():
    for beta, alpha in [(0.5, 1), (2, 3), (True, 1), (1, 0.75)]:
        check(lambda m, i, a, b: m.addmm(i, a, b, beta=beta, alpha=alpha),
              [rng.integers(-3, 4, (2, 4)), rng.integers(-3, 4, (2, 3)), rng.integers(-3, 4, (3, 4))])
    bools = [rng.integers(0, 2, s).astype(bool) for s in [(2, 3), (2,), (3,)]]
    for beta, alpha in [(1, 1), (0, 1), (1, 0), (True, True), (False, True), (2, 3)]:
        check(lambda m, i, a, b: m.addr(i, a, b, beta=beta, alpha=alpha), bools)
        check(lambda m, i, a, b: m.addr(i, a, b, beta=int(beta), alpha=int(alpha)),
              [rng.integers(-3, 4, s) for s in [(2, 3), (2,), (3,)]])
    check(lambda m, i, a, b: m.addr(i, a, b), [rng.integers(-3, 4, (2, 3)), (2,), (3,)])
    check(lambda m, i, a, b: m.addr(i, a, b), [(2, 3), np.ones(2), np.ones(3)])


@pytest.mark.parametrize("call", [
    lambda m: m.addmm(m.ones(2, 4), m.ones(2, 3), m.ones(3, 4, dtype=m.float64)),
    lambda m: m.addmm(m.ones(2, 4, dtype=m.float64), m.ones(2, 3), m.ones(3, 4)),
    lambda m: m.addmm(m.ones(3, 4), m.ones(2, 3), m.ones(3, 4)),
    lambda m: m.addmm(m.ones(2, 4), m.ones(2, 3), m.ones(4, 4)),
    lambda m: m.addmm(m.ones(2, 4), m.ones(2, 3), m.ones(3, 4), alpha=1j),
    lambda m: m.addmm(m.ones(2, 4, dtype=m.bool), m.ones(2, 3, dtype=m.bool), m.ones(3, 4, dtype=m.bool)),
    lambda m: m.addmv(m.ones(2), m.ones(2, 3, dtype=m.float64), m.ones(3, dtype=m.float64)),
    lambda m: m.addmv(m.ones(2, dtype=m.float64), m.ones(2, 3), m.ones(3)),
    lambda m: m.addmv(m.ones(3), m.ones(2, 3), m.ones(3)),
    lambda m: m.baddbmm(m.ones(2, 2, 4, dtype=m.float64), m.ones(2, 2, 3), m.ones(2, 3, 4)),
    lambda m: m.baddbmm(m.ones(3, 2, 4), m.ones(2, 2, 3), m.ones(2, 3, 4)),
    lambda m: m.addbmm(m.ones(2, 4, dtype=m.float64), m.ones(5, 2, 3), m.ones(5, 3, 4)),
    lambda m: m.addr(m.ones(2, 3), m.ones(2, 2), m.ones(3)),
    lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3, 1)),
    lambda m: m.addr(m.ones(3, 3), m.ones(2), m.ones(3)),
    lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3), beta=True),
    lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3), alpha=True),
    lambda m: m.addr(m.ones(2, 3, dtype=m.int64), m.ones(2, dtype=m.int64), m.ones(3, dtype=m.int64), beta=0.5),
    lambda m: m.addr(m.ones(2, 3, dtype=m.bool), m.ones(2, dtype=m.bool), m.ones(3, dtype=m.bool), alpha=0.5),
])
def test_add_family_errors(call):
    check_error(call, match_message=True)


# ----------------------------------------------------------------------------------------------------
# outer / inner / tensordot / kron / trace / cross

@pytest.mark.parametrize("fn,specs", [
    (lambda m, a, b: m.outer(a, b), [(3,), (4,)]), (lambda m, a, b: m.ger(a, b), [(3,), (0,)]),
    (lambda m, a, b: m.inner(a, b), [(2, 3), (4, 3)]), (lambda m, a, b: m.inner(a, b), [(3,), (3,)]),
    (lambda m, a, b: m.inner(a, b), [(2, 5, 3), (3,)]), (lambda m, a, b: m.inner(a, b), [(), (2, 3)]),
    (lambda m, a, b: m.tensordot(a, b), [(2, 3, 4), (3, 4, 5)]),
    (lambda m, a, b: m.tensordot(a, b, dims=0), [(2, 3), (3,)]),
    (lambda m, a, b: m.tensordot(a, b, dims=([1, 0], [0, 2])), [(3, 4, 5), (4, 2, 3)]),
    (lambda m, a, b: m.tensordot(a, b, dims=[[-1], [0]]), [(2, 3), (3, 4)]),
    (lambda m, a, b: m.kron(a, b), [(2, 3), (3, 2)]), (lambda m, a, b: m.kron(a, b), [(2, 2, 3), (3,)]),
    (lambda m, a, b: m.kron(a, b), [(), (3,)]), (lambda m, a, b: m.kron(a, b), [(2, 0), (3, 2)]),
    (lambda m, a: m.trace(a), [(3, 4)]), (lambda m, a: m.trace(a), [(4, 3)]), (lambda m, a: m.trace(a), [(0, 0)]),
    (lambda m, a, b: m.cross(a, b, dim=1), [(4, 3), (4, 3)]), (lambda m, a, b: m.cross(a, b, dim=0), [(3, 2), (3, 1)]),
    (lambda m, a, b: m.linalg.cross(a, b), [(2, 1, 3), (1, 4, 3)]),
])
def test_products(fn, specs):
    _same_node(fn, specs)
    try:
        fn(torch, *[torch.ones(s).mT if len(s) >= 2 else torch.ones(s) for s in specs])
    except RuntimeError:
        return  # torch's kron views non-contiguous inputs and refuses some of them
    check(fn, specs, noncontig=True)


def test_products_complex_and_dtypes():
    for fn, specs in [(lambda m, a, b: m.kron(a, b), [_c(2, 2), _c(2, 3)]), (lambda m, a: m.trace(a), [_c(3, 3)]),
                      (lambda m, a, b: m.linalg.cross(a, b), [_c(2, 3), _c(2, 3)]),
                      (lambda m, a, b: m.outer(a, b), [_c(3), _c(2)]),
                      (lambda m, a, b: m.tensordot(a, b, 1), [_c(2, 3), _c(3, 2)])]:
        check(fn, specs, grad=True)
    ints = [rng.integers(-3, 4, s) for s in [(3, 3), (3, 3)]]
    check(lambda m, a: m.trace(a), [ints[0].astype(np.int32)])
    check(lambda m, a: m.trace(a), [ints[0].astype(np.uint8)])
    check(lambda m, a, b: m.cross(a, b, dim=0), ints)
    check(lambda m, a, b: m.kron(a, b), [ints[0].astype(bool), ints[1].astype(bool)])
    check(lambda m, a, b: m.outer(a, b), [ints[0][0].astype(np.int32), np.ones(3, np.float32)])
    check(lambda m, a: m.trace(a), [(3, 3)], dtype=np.float16, atol=1e-2, rtol=1e-2)


def test_cross_default_dim_warns():
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        r = ember.cross(ember.ones(3, 4), ember.ones(3, 4))
    assert tuple(r.shape) == (3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, a, b: m.cross(a, b), [(2, 3, 3), (2, 3, 3)], grad=True, dtype=np.float64)
        check(lambda m, a, b: m.cross(a, b), [(1, 3), (2, 3)])


@pytest.mark.parametrize("call", [
    lambda m: m.outer(m.ones(2, 2), m.ones(3)), lambda m: m.outer(m.ones(2), m.ones(3, 1)),
    lambda m: m.inner(m.ones(2, 3), m.ones(4, 2)), lambda m: m.inner(m.ones(2, 3), m.ones(3, dtype=m.float64)),
    lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 4), dims=-1), lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 4),
                                                                                     dims=3),
    lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 4), dims=([1], [0, 1])),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(4, 4, 5), dims=([1, 2], [0, 1])),
    lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 4, dtype=m.float64), dims=1),
    lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 4), dims=(1, 0)),
    lambda m: m.trace(m.ones(2, 3, 4)), lambda m: m.trace(m.ones(3)), lambda m: m.trace(m.ones(3, 3, dtype=m.bool)),
    lambda m: m.cross(m.ones(4, 2), m.ones(4, 2), dim=1), lambda m: m.cross(m.ones(3), m.ones(2, 3), dim=1),
    lambda m: m.cross(m.ones(2, 3), m.ones(3, 3), dim=1), lambda m: m.linalg.cross(m.ones(4), m.ones(4)),
    lambda m: m.linalg.cross(m.ones(3, dtype=m.int64), m.ones(3)), lambda m: m.linalg.cross(m.ones(3, 3),
                                                                                           m.ones(3, 3), dim=3),
    lambda m: m.linalg.cross(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
])
def test_product_errors(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(call, match_message=True)


def test_tensordot_tensor_dims_and_chain_matmul():
    check(lambda m, a, b: m.tensordot(a, b, dims=m.tensor(1)), [(2, 3), (3, 4)])
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_node(lambda m, a, b, c: m.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)])
        check(lambda m, a: m.chain_matmul(a), [(2, 3)])
        check_error(lambda m: m.chain_matmul(m.ones(2, 3), m.ones(3)), match_message=True)


# ----------------------------------------------------------------------------------------------------
# einsum

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]), ("ij->i", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("...ij,...jk", [(5, 2, 3), (3, 4)]), ("ij,ij->ij", [(2, 3), (2, 3)]), ("ij,ij->i", [(2, 3), (2, 3)]),
    ("i,i->", [(3,), (3,)]), ("ijk,jkl->il", [(2, 3, 4), (3, 4, 5)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij", [(2, 3)]), ("ji", [(2, 3)]), ("aB", [(2, 3)]), ("Ba,aB", [(2, 3), (3, 2)]), ("bA,Ab->", [(2, 3), (3, 2)]),
    ("ii,ij->j", [(3, 3), (3, 4)]), ("iij->ji", [(3, 3, 2)]), ("iji->j", [(3, 2, 3)]), ("ij,j->i", [(2, 3), (1,)]),
    ("ij,ij->ij", [(1, 3), (2, 1)]), ("...ij,...jk->...ik", [(1, 2, 3), (3, 3, 4)]), ("i->", [(0,)]),
    ("ij,jk->ik", [(2, 0), (0, 4)]), (" i j -> j ", [(2, 3)]), ("ij->j...", [(2, 3)]), ("i,i", [(3,), (1,)]),
    ("...", [(2, 3)]), ("i...->...", [(2, 3, 4)]), ("ijk,ikl,ilm->jm", [(2, 3, 4), (2, 4, 5), (2, 5, 3)]),
    ("iii->", [(2, 2, 2)]), ("ij,kl->ijkl", [(2, 3), (1, 2)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum(eq, shapes):
    _same_node(lambda m, *ops: m.einsum(eq, *ops), shapes)
    check(lambda m, *ops: m.einsum(eq, *ops), shapes, noncontig=True)


def test_einsum_single_operand_views_and_scalar():
    check(lambda m, a: m.einsum("ij->ji", a), [(2, 3)], view=True)
    check(lambda m, a: m.einsum("ii->i", a), [(3, 3)], view=True)
    check(lambda m: m.einsum("->", m.tensor(2.0)), [])
    check(lambda m, a: m.einsum("i->", a), [rng.integers(-3, 4, (4,))])


def test_einsum_forms_complex_and_double_backward():
    check(lambda m, a, b: m.einsum("ij,jk", [a, b]), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)], grad=True, dtype=np.float64)
    check(lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2]), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.einsum(a, [Ellipsis, 1], b, [1, 2]), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.einsum(a, [30, 1], b, [1, 2]), [(2, 3), (3, 4)])
    check(lambda m, a, b: m.einsum("ij,jk->ki", a, b), [_c(2, 3), _c(3, 4)], grad=True)
    check(lambda m, a, b: m.einsum("ii,i->i", a, b), [_c(3, 3), _c(3)], grad=True)
    a, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 4))
    res = []
    for m in (ember, torch):
        x, y = m.from_numpy(a.copy()).requires_grad_(), m.from_numpy(b.copy()).requires_grad_()
        out = m.einsum("ii,ij->j", x, y)
        gx, gy = m.autograd.grad((out ** 2).sum(), (x, y), create_graph=True)
        res.append(m.autograd.grad((gx * gx).sum() + gy.sum(), (x, y)))
    for e, t in zip(*res):
        assert_same(e, t, atol=1e-9)


@pytest.mark.parametrize("call", [
    lambda m: m.einsum("ij,jk->ik", m.ones(2, 3)), lambda m: m.einsum("ij", m.ones(2, 3), m.ones(2)),
    lambda m: m.einsum("ij", m.ones(2, 3, 4)), lambda m: m.einsum("ijk", m.ones(2, 3)),
    lambda m: m.einsum("...ijk", m.ones(2, 3)), lambda m: m.einsum("i.j", m.ones(2, 3)),
    lambda m: m.einsum("ij->ii", m.ones(2, 3)), lambda m: m.einsum("ij->k", m.ones(2, 3)),
    lambda m: m.einsum("i1", m.ones(2, 3)), lambda m: m.einsum("ii", m.ones(2, 3)),
    lambda m: m.einsum("ij,jk", m.ones(2, 3), m.ones(4, 4)),
    lambda m: m.einsum("...ij,...jk->...ik", m.ones(2, 2, 3), m.ones(3, 3, 4)),
    lambda m: m.einsum("ij,jk->ik", m.ones(2, 3), m.ones(3, 4, dtype=m.float64)),
    lambda m: m.einsum("i,i->", m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    lambda m: m.einsum(m.ones(2, 3), [0, 60]), lambda m: m.einsum(""),
    lambda m: m.einsum("Ba,aB", m.ones(2, 3), m.ones(3, 4)),
])
def test_einsum_errors(call):
    check_error(call, match_message=True)


# ----------------------------------------------------------------------------------------------------
# gradcheck / gradgradcheck (float64 and complex128, ember alone)

GRADCHECK_CASES = [
    (lambda a, b: ember.matmul(a, b), [(3, 2, 3), (3, 2)]), (lambda a, b: ember.matmul(a, b), [(3,), (2, 3, 2)]),
    (lambda a, b: ember.matmul(a, b), [(2, 1, 2, 3), (4, 3, 2)]),
    (lambda a, b: ember.matmul(a, b), [_c(2, 3), _c(3,)]), (lambda a, b: ember.vdot(a, b), [_c(3), _c(3)]),
    (lambda i, a, b: ember.addbmm(i, a, b, beta=0.3, alpha=-2), [(2, 2), (3, 2, 3), (3, 3, 2)]),
    (lambda i, a, b: ember.addmm(i, a, b, beta=0.5, alpha=-2), [_c(2), _c(2, 3), _c(3, 2)]),
    (lambda i, a, b: ember.addr(i, a, b, alpha=2), [(2, 3), (2,), (3,)]),
    (lambda a, b: ember.einsum("iij,jk->ik", a, b), [(2, 2, 3), (3, 2)]),
    (lambda a, b: ember.einsum("...ij,jk", a, b), [(2, 1, 2, 3), _c(3, 2).real]),
    (lambda a, b, c: ember.einsum("ij,jk,kl->li", a, b, c), [(2, 3), (3, 2), (2, 2)]),
    (lambda a, b: ember.linalg.cross(a, b), [(2, 3), (1, 3)]), (lambda a, b: ember.kron(a, b), [(2, 2), (2, 1)]),
    (lambda a, b: ember.tensordot(a, b, dims=([0, 2], [1, 0])), [(2, 3, 2), (2, 2, 2)]),
    (lambda a: ember.trace(a), [(3, 4)]),
]


def _gc_inputs(arrays):
    return [ember.from_numpy(np.asarray(a).copy() if isinstance(a, np.ndarray) else rng.standard_normal(a))
            .requires_grad_() for a in arrays]


@pytest.mark.parametrize("fn,arrays", GRADCHECK_CASES)
def test_gradcheck(fn, arrays):
    assert ember.autograd.gradcheck(fn, _gc_inputs(arrays))
    assert ember.autograd.gradgradcheck(fn, _gc_inputs(arrays))
