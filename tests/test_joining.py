"""Joining/rearranging conformance: cat/stack family, repeat/tile/repeat_interleave, flip/roll/rot90, tril/triu,
meshgrid/cartesian_prod/combinations, block_diag, atleast_nd, diag family, narrow_copy, _prod_except_self."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from conformance import assert_same, check, check_error


def _name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _same_names(fn, *specs):
    """grad_fn names of ember's and torch's results agree (inputs require grad)."""
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-1, 1, s).astype(np.float32) for s in specs]
    e = fn(ember, *[ember.from_numpy(a.copy()).requires_grad_() for a in arrays])
    t = fn(torch, *[torch.from_numpy(a.copy()).requires_grad_() for a in arrays])
    es, ts = (e, t) if isinstance(t, (tuple, list)) else ((e,), (t,))
    assert [_name(x) for x in es] == [_name(x) for x in ts]


# ----------------------------------------------------------------------------------------------------
# cat / stack

def test_cat():
    check(lambda m, a, b: m.cat([a, b]), [(2, 3), (4, 3)], grad=True)
    check(lambda m, a, b: m.cat((a, b), dim=1), [(2, 3), (2, 1)], grad=True)
    check(lambda m, a, b: m.cat([a, b, a], -1), [(2, 3), (2, 0)], grad=True)
    check(lambda m, a, b: m.cat([a, b], 1), [(2, 3), (2, 2)], grad=True, noncontig=True)
    check(lambda m, a, b: m.concat([a, b]), [(2,), (3,)], grad=True)
    check(lambda m, a, b: m.concatenate([a, b], axis=1), [(2, 3), (2, 3)], grad=True)
    check(lambda m, a, b: m.cat([a, b]), [(0, 3), (2, 3)], grad=True)
    _same_names(lambda m, a, b: m.cat([a, b]), (2,), (3,))


def test_cat_skips_legacy_empty_and_promotes():
    check(lambda m, a, b: m.cat([a, b]), [(2, 3), (0,)], grad=True)
    check(lambda m, a, b: m.cat([b, a], 1), [(2, 3), (0,)], grad=True)
    check(lambda m, a, b: m.cat([a, b]), [(0,), (0,)], grad=True)
    check(lambda m, a, b: m.cat([a, b], 1), [(2, 3), np.ones((2, 2))], grad=True)
    check(lambda m, a, b: m.cat([a, b]), [np.ones(2, np.int64), np.ones(0, np.float32)])
    check(lambda m, a, b: m.cat([a, b]), [np.ones(2, bool), np.ones(2, np.int8)])
    check(lambda m, a, b: m.cat([a, b]), [np.ones(2, np.int32), np.ones((0,), np.int64)])
    check(lambda m, a, b: m.cat([a, b]), [np.ones(2, np.int64), np.ones(3, np.complex64)])


def test_cat_out():
    for m in (ember, torch):
        out = m.empty(0)
        r = m.cat([m.ones(2), m.zeros(1)], out=out)
        assert r is out and out.tolist() == [1.0, 1.0, 0.0]


CAT_ERRORS = [
    lambda m: m.cat([]),
    lambda m: m.cat(m.ones(2)),
    lambda m: m.cat([m.ones(2), 3]),
    lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)]),
    lambda m: m.cat([m.ones(2, 3), m.ones(3)]),
    lambda m: m.cat([m.ones(2, 3), m.ones(3, 2)], 1),
    lambda m: m.cat([m.ones(2, 3), m.ones(0, 2)]),
    lambda m: m.cat([m.ones(2, 3), m.ones(2, 3)], 2),
    lambda m: m.stack([]),
    lambda m: m.stack([m.ones(2, 3), m.ones(3)]),
    lambda m: m.stack([m.ones(2), m.ones(2)], 2),
    lambda m: m.hstack([]),
    lambda m: m.vstack([]),
]


@pytest.mark.parametrize("fn", CAT_ERRORS)
def test_cat_stack_errors(fn):
    check_error(fn)


def test_cat_error_messages():
    for fn in CAT_ERRORS[3:8] + CAT_ERRORS[9:10]:
        check_error(fn, match_message=True)


def test_stack():
    check(lambda m, a, b: m.stack([a, b]), [(2, 3), (2, 3)], grad=True)
    check(lambda m, a, b: m.stack([a, b], 2), [(2, 3), (2, 3)], grad=True, noncontig=True)
    check(lambda m, a, b: m.stack((a, b, a), -1), [(3,), (3,)], grad=True)
    check(lambda m, a, b: m.stack([a, b]), [np.array(1.0, np.float32), np.array(2.0, np.float32)], grad=True)
    check(lambda m, a, b: m.stack([a, b]), [np.ones(2, np.float32), np.ones(2, np.int64)])
    check(lambda m, a, b: m.stack([a, b], 1), [(0, 2), (0, 2)], grad=True)
    _same_names(lambda m, a, b: m.stack([a, b]), (2,), (2,))


def test_stack_family():
    check(lambda m, a, b: m.hstack([a, b]), [(2,), (3,)], grad=True)
    check(lambda m, a, b: m.hstack([a, b]), [(2, 3), (2, 1)], grad=True)
    check(lambda m, a, b: m.hstack((a, b)), [np.array(1.0, np.float32), (2,)], grad=True)
    check(lambda m, a, b: m.vstack([a, b]), [(3,), (2, 3)], grad=True)
    check(lambda m, a, b: m.row_stack([a, b]), [(3,), (3,)], grad=True)
    check(lambda m, a, b: m.dstack([a, b]), [(3,), (1, 3)], grad=True)
    check(lambda m, a, b: m.dstack([a, b]), [(2, 3, 1), (2, 3)], grad=True)
    check(lambda m, a, b, c: m.column_stack([a, b, c]), [np.array(1.0, np.float32), (1,), (1, 2)], grad=True)
    check(lambda m, a, b: m.column_stack([a, b]), [(3,), (3, 2)], grad=True)


# ----------------------------------------------------------------------------------------------------
# repeat / tile / repeat_interleave

@pytest.mark.parametrize("sizes", [(2, 1), (1, 3), (2, 2, 3), (0, 2), (1, 1), (3, 1, 1, 2)])
def test_repeat(sizes):
    check(lambda m, x: x.repeat(*sizes), [(2, 3)], grad=True)
    check(lambda m, x: x.repeat(sizes), [(2, 3)], grad=True, noncontig=True)


def test_repeat_and_tile_misc():
    check(lambda m, x: x.repeat(3), [np.array(2.0, np.float32)], grad=True)
    check(lambda m, x: x.repeat(2, 2), [(0, 2)], grad=True)
    check(lambda m, x: m.tile(x, (2,)), [(2, 3)], grad=True)
    check(lambda m, x: m.tile(x, (2, 1, 1)), [(2, 3)], grad=True)
    check(lambda m, x: x.tile([3]), [(4,)], grad=True)
    check(lambda m, x: x.tile(()), [(2, 3)], grad=True)
    check(lambda m, x: x.repeat(2, 3), [np.arange(6).reshape(2, 3)])
    _same_names(lambda m, x: x.repeat(2, 1), (2, 3))
    _same_names(lambda m, x: m.tile(x, (2,)), (2, 3))
    check_error(lambda m: m.ones(2, 3).repeat(2))
    check_error(lambda m: m.ones(2, 3).repeat(-1, 2), match_message=True)
    check_error(lambda m: m.ones(2, 3).repeat())


def test_repeat_interleave():
    check(lambda m, x: m.repeat_interleave(x, 2), [(2, 3)], grad=True)
    check(lambda m, x: x.repeat_interleave(2, dim=1), [(2, 3)], grad=True, noncontig=True)
    check(lambda m, x: m.repeat_interleave(x, 0, 0), [(2, 3)], grad=True)
    check(lambda m, x: m.repeat_interleave(x, m.tensor([1, 2]), dim=0), [(2, 3)], grad=True)
    check(lambda m, x: m.repeat_interleave(x, m.tensor([0, 2, 1]), dim=-1), [(2, 3)], grad=True)
    check(lambda m, x: m.repeat_interleave(x, m.tensor(2), dim=0), [(2, 3)], grad=True)
    check(lambda m, x: m.repeat_interleave(x, m.tensor([3])), [(2, 3)], grad=True)
    check(lambda m, x: m.repeat_interleave(x, m.tensor([1, 2], dtype=m.int32), 0, output_size=3), [(2, 3)],
          grad=True)
    check(lambda m, x: m.repeat_interleave(x, 3), [np.array(2.0, np.float32)], grad=True)
    check(lambda m: m.repeat_interleave(m.tensor([1, 2, 0, 3])), [])
    check(lambda m: m.repeat_interleave(m.tensor([1, 2], dtype=m.int32)), [])
    check(lambda m, x: m.repeat_interleave(x, 2, dim=0), [np.arange(4)])
    _same_names(lambda m, x: m.repeat_interleave(x, 2), (2, 3))
    _same_names(lambda m, x: m.repeat_interleave(x, m.tensor([1, 2]), 0), (2, 3))


REPEAT_INTERLEAVE_ERRORS = [
    lambda m: m.repeat_interleave(m.ones(2), -1),
    lambda m: m.repeat_interleave(m.ones(2), m.tensor([1, -1])),
    lambda m: m.repeat_interleave(m.ones(2), m.tensor([1, 2, 3])),
    lambda m: m.repeat_interleave(m.ones(2), m.tensor([[1, 2]])),
    lambda m: m.repeat_interleave(m.ones(2), m.tensor([1.0, 2.0])),
    lambda m: m.repeat_interleave(m.ones(2), m.tensor([1, 2]), output_size=4),
    lambda m: m.repeat_interleave(m.tensor(3)),
    lambda m: m.repeat_interleave(m.tensor([1.0])),
    lambda m: m.repeat_interleave(m.tensor(2.0), 3, dim=0),
]


@pytest.mark.parametrize("fn", REPEAT_INTERLEAVE_ERRORS)
def test_repeat_interleave_errors(fn):
    check_error(fn)


# ----------------------------------------------------------------------------------------------------
# flip / roll / rot90

def test_flip():
    check(lambda m, x: m.flip(x, (0, 1)), [(2, 3)], grad=True)
    check(lambda m, x: x.flip([-1]), [(2, 3, 4)], grad=True, noncontig=True)
    check(lambda m, x: m.flip(x, ()), [(2, 3)], grad=True)
    check(lambda m, x: m.flip(x, (0,)), [np.array(1.0, np.float32)], grad=True)
    check(lambda m, x: m.fliplr(x), [(2, 3)], grad=True)
    check(lambda m, x: m.flipud(x), [(2, 3)], grad=True)
    check(lambda m, x: x.flip(0), [np.arange(5)])
    check(lambda m, x: x.flip(0, 1), [(2, 3)], grad=True)
    _same_names(lambda m, x: m.flip(x, (0,)), (2, 3))
    for fn in (lambda m: m.flip(m.ones(2, 3), 0), lambda m: m.flip(m.ones(2, 3), (0, 0)),
               lambda m: m.flip(m.ones(2, 3), (0, -2)), lambda m: m.flip(m.ones(2, 3), (2,)),
               lambda m: m.fliplr(m.ones(3)), lambda m: m.flipud(m.tensor(1.0))):
        check_error(fn)


def test_roll():
    check(lambda m, x: m.roll(x, 1), [(2, 3)], grad=True)
    check(lambda m, x: m.roll(x, -4), [(2, 3)], grad=True, noncontig=True)
    check(lambda m, x: m.roll(x, (1, -1), (0, 1)), [(2, 3)], grad=True)
    check(lambda m, x: x.roll(5, 1), [(2, 3)], grad=True, noncontig=True)
    check(lambda m, x: m.roll(x, (1, 2), (1, 1)), [(2, 3)], grad=True)
    check(lambda m, x: m.roll(x, 1), [np.array(1.0, np.float32)], grad=True)
    check(lambda m, x: m.roll(x, 1, 0), [(0, 2)], grad=True)
    _same_names(lambda m, x: m.roll(x, 1), (2, 3))
    for fn in (lambda m: m.roll(m.ones(2, 3), (1, -1), 0), lambda m: m.roll(m.ones(2, 3), (), ()),
               lambda m: m.roll(m.tensor(1.0), 1, 0), lambda m: m.roll(m.ones(2, 3), 1, 2),
               lambda m: m.roll(m.ones(2, 3), (1, 2))):
        check_error(fn)


@pytest.mark.parametrize("k", [-5, -1, 0, 1, 2, 3, 4, 7])
def test_rot90(k):
    e, t = check(lambda m, x: m.rot90(x, k), [(2, 3)], grad=True)
    assert e.stride() == t.stride()
    e, t = check(lambda m, x: x.rot90(k, [2, 0]), [(2, 3, 4)], grad=True)
    assert e.stride() == t.stride()
    check(lambda m, x: m.rot90(x, k, (-1, -2)), [(2, 3)], grad=True, noncontig=True)


def test_rot90_errors():
    for fn in (lambda m: m.rot90(m.ones(2, 3), 1, (0,)), lambda m: m.rot90(m.ones(2, 3), 1, (0, 0)),
               lambda m: m.rot90(m.ones(3), 1, (0, 1)), lambda m: m.rot90(m.ones(2, 3), 1, (0, 2))):
        check_error(fn)
    _same_names(lambda m, x: m.rot90(x), (2, 3))


# ----------------------------------------------------------------------------------------------------
# tril / triu

@pytest.mark.parametrize("diagonal", [-2, -1, 0, 1, 3])
def test_tril_triu(diagonal):
    check(lambda m, x: m.tril(x, diagonal), [(3, 4)], grad=True)
    check(lambda m, x: x.triu(diagonal), [(2, 3, 4)], grad=True, noncontig=True)
    check(lambda m, x: m.triu(x, diagonal=diagonal), [(4, 2)], grad=True)
    check(lambda m, x: m.tril(x, diagonal), [np.ones((3, 3), bool)])
    check(lambda m, x: m.triu(x, diagonal), [np.arange(9).reshape(3, 3)])


def test_tril_triu_inplace_and_errors():
    for m in (ember, torch):
        x = m.ones(3, 3)
        assert x.tril_(-1) is x and x.sum().item() == 3.0
        y = m.ones(3, 3)
        y.triu_(1)
        assert y.sum().item() == 3.0
    check(lambda m, x: (x * 1).tril_(), [(3, 3)], grad=True)
    check(lambda m: m.triu(m.ones(3, 3), diagonal=m.tensor(1)), [])
    check_error(lambda m: m.tril(m.ones(3)), match_message=True)
    check_error(lambda m: m.triu(m.tensor(1.0)))
    check_error(lambda m: m.ones(2, 2, requires_grad=True).tril_())
    _same_names(lambda m, x: m.tril(x), (2, 3))
    _same_names(lambda m, x: m.triu(x), (2, 3))


# ----------------------------------------------------------------------------------------------------
# meshgrid / cartesian_prod / combinations

@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing):
    check(lambda m, a, b: m.meshgrid(a, b, indexing=indexing), [(3,), (2,)], view=True, grad=True)
    check(lambda m, a, b, c: m.meshgrid([a, b, c], indexing=indexing), [(3,), (2,), (4,)], view=True, grad=True)
    check(lambda m, a, b: m.meshgrid(a, b, indexing=indexing), [np.array(1.0, np.float32), (2,)])
    check(lambda m, a: m.meshgrid(a, indexing=indexing), [(3,)], view=True, grad=True)
    _same_names(lambda m, a, b: m.meshgrid(a, b, indexing=indexing), (3,), (2,))


def test_meshgrid_warning_and_errors():
    with pytest.warns(UserWarning, match="indexing argument"):
        e = ember.meshgrid(ember.ones(2), ember.ones(3))
    assert e[0].shape == (2, 3)
    for fn in (lambda m: m.meshgrid(indexing="xy"), lambda m: m.meshgrid(m.ones(2, 2), m.ones(2), indexing="ij"),
               lambda m: m.meshgrid(m.ones(2), m.ones(2, dtype=m.int64), indexing="ij"),
               lambda m: m.meshgrid(m.ones(2), indexing="foo")):
        check_error(fn)


def test_cartesian_prod_and_combinations():
    check(lambda m, a, b: m.cartesian_prod(a, b), [(3,), (2,)], grad=True)
    check(lambda m, a, b, c: m.cartesian_prod(a, b, c), [(3,), (2,), (2,)], grad=True)
    check(lambda m, a: m.cartesian_prod(a), [(3,)], grad=True)
    check(lambda m, a: m.combinations(a), [(4,)], grad=True)
    check(lambda m, a: m.combinations(a, 3), [(5,)], grad=True)
    check(lambda m, a: m.combinations(a, 2, with_replacement=True), [(3,)], grad=True)
    check(lambda m, a: m.combinations(a, 3, True), [(3,)], grad=True)
    check(lambda m, a: m.combinations(a, 1), [(3,)], grad=True)
    check(lambda m, a: m.combinations(a, 0), [(3,)])
    check(lambda m, a: m.combinations(a, 4), [(3,)], grad=True)
    check(lambda m, a: m.combinations(a), [np.arange(4)])
    _same_names(lambda m, a, b: m.cartesian_prod(a, b), (3,), (2,))
    _same_names(lambda m, a: m.combinations(a), (3,))
    for fn in (lambda m: m.cartesian_prod(m.ones(2, 2), m.ones(2)), lambda m: m.combinations(m.ones(2, 2)),
               lambda m: m.combinations(m.ones(3), -1)):
        check_error(fn, match_message=True)


# ----------------------------------------------------------------------------------------------------
# block_diag / atleast / diagonals / narrow_copy

def test_block_diag():
    check(lambda m, a, b, c: m.block_diag(a, b, c), [(2, 2), np.array(3.0, np.float32), (3,)], grad=True)
    check(lambda m, a, b: m.block_diag(a, b), [(0, 2), (2, 0)], grad=True)
    check(lambda m, a, b: m.block_diag(a, b), [(2, 3), np.ones(2, np.int64)])
    check(lambda m, a, b: m.block_diag(a, b), [(2, 3), (1, 2)], grad=True, noncontig=True)
    check(lambda m: m.block_diag(), [])
    _same_names(lambda m, a, b: m.block_diag(a, b), (2, 2), (1,))
    check_error(lambda m: m.block_diag(m.ones(2, 2, 2)), match_message=True)


@pytest.mark.parametrize("fn", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(fn):
    for shape in [(), (3,), (2, 3), (2, 3, 4), (2, 3, 4, 1)]:
        arr = np.ones(shape, np.float32) if shape else np.array(1.0, np.float32)
        check(lambda m, x: getattr(m, fn)(x), [arr], view=True, grad=True)
    check(lambda m, x, y: getattr(m, fn)(x, y), [np.array(1.0, np.float32), (3,)], view=True, grad=True)
    check(lambda m, x, y: getattr(m, fn)([x, y]), [np.array(1.0, np.float32), (3,)], view=True)
    check(lambda m, x: getattr(m, fn)((x,)), [(3,)], view=True)
    x = ember.ones(2, 3, 4, 5)
    assert getattr(ember, fn)(x) is x


def test_diag_family():
    for off in (-2, -1, 0, 1, 3):
        check(lambda m, x: m.diag(x, off), [(3,)], grad=True)
        check(lambda m, x: m.diag(x, off), [(3, 4)], grad=True, noncontig=True)
        check(lambda m, x: x.diag_embed(off), [(2, 3)], grad=True)
        check(lambda m, x: m.diag_embed(x, off, 0, 2), [(2, 3)], grad=True)
        check(lambda m, x: m.diag_embed(x, off, -1, 1), [(2, 3)], grad=True)
        check(lambda m, x: m.diagflat(x, off), [(2, 2)], grad=True)
    check(lambda m, x: m.diagflat(x), [np.array(3.0, np.float32)], grad=True)
    check(lambda m, x: m.diag(x), [np.arange(3)])
    check(lambda m, x: m.diag(x, 5), [(3, 4)], grad=True)
    _same_names(lambda m, x: m.diag(x), (3,))
    _same_names(lambda m, x: m.diag(x), (3, 3))
    _same_names(lambda m, x: m.diag_embed(x), (2, 3))
    _same_names(lambda m, x: m.diagflat(x), (2, 3))
    for fn in (lambda m: m.diag(m.ones(2, 2, 2)), lambda m: m.diag(m.tensor(1.0)),
               lambda m: m.diag_embed(m.ones(2, 3), 0, 0, 0), lambda m: m.diag_embed(m.tensor(1.0))):
        check_error(fn)


def test_diag_double_backward():
    res = []
    for m in (ember, torch):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad((m.diag(x) ** 3).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * x).sum(), x)
        res.append((g, gg))
    assert_same(res[0][0], res[1][0])
    assert_same(res[0][1], res[1][1])


def test_narrow_copy():
    check(lambda m, x: m.narrow_copy(x, 1, 1, 2), [(3, 4)], grad=True)
    check(lambda m, x: x.narrow_copy(0, 1, 2), [(3, 4)], grad=True, noncontig=True)
    check(lambda m, x: x.narrow_copy(0, -2, 2), [(3, 4)])
    e, t = check(lambda m, x: m.narrow_copy(x, 1, 0, 0), [(3, 4)])
    assert e._base is None
    _same_names(lambda m, x: m.narrow_copy(x, 1, 1, 2), (3, 4))
    check_error(lambda m: m.narrow_copy(m.ones(3, 4), 1, 3, 2), match_message=True)
    check_error(lambda m: m.narrow_copy(m.tensor(1.0), 0, 0, 1))


# ----------------------------------------------------------------------------------------------------
# _prod_except_self (prod's derivative when the input has zeros)

def _brute_prod_except(a, dims):
    out = np.empty_like(a)
    moved = np.moveaxis(a, dims, list(range(a.ndim - len(dims), a.ndim)))
    flat = moved.reshape(moved.shape[:a.ndim - len(dims)] + (-1,))
    res = np.empty_like(flat)
    for i in range(flat.shape[-1]):
        res[..., i] = np.prod(np.delete(flat, i, axis=-1), axis=-1)
    out = np.moveaxis(res.reshape(moved.shape), list(range(a.ndim - len(dims), a.ndim)), dims)
    return out


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 2), (2, 0), (0, 1, 2)])
def test_prod_except_self(dims):
    from ember._ops.joining import _prod_except_self
    a = np.random.default_rng(0).uniform(-2, 2, (3, 2, 4))
    a[0, 1, 2] = 0.0
    a[1, 0, :2] = 0.0
    r = _prod_except_self(ember.from_numpy(a), dims)
    np.testing.assert_allclose(r.numpy(), _brute_prod_except(a, list(dims)), rtol=1e-12, atol=1e-12)


def test_prod_except_self_is_differentiable():
    from ember._ops.joining import _prod_except_self
    a = np.random.default_rng(1).uniform(-2, 2, (3, 4))
    a[0, 1] = 0.0
    a[2, 0] = a[2, 3] = 0.0
    x = ember.from_numpy(a.copy()).requires_grad_()
    w = np.random.default_rng(2).uniform(-1, 1, (3, 4))
    (g,) = ember.autograd.grad((_prod_except_self(x, (1,)) * ember.from_numpy(w)).sum(), x)
    # d/dx_j sum_i w_i prod_{k != i} x_k = sum_{i != j} w_i prod_{k != i, j} x_k
    expect = np.zeros_like(a)
    for r in range(3):
        for j in range(4):
            expect[r, j] = sum(w[r, i] * np.prod([a[r, k] for k in range(4) if k not in (i, j)])
                               for i in range(4) if i != j)
    np.testing.assert_allclose(g.numpy(), expect, rtol=1e-12, atol=1e-12)
    # 0-d input: the product of no other elements
    assert _prod_except_self(ember.tensor(5.0), ()).item() == 1.0


def test_prod_backward_with_zeros_matches_torch():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5], [1.0, 2.0, 3.0]])
    check(lambda m, x: m.prod(x, 1), [x], grad=True)
    check(lambda m, x: m.prod(x), [x], grad=True)


# ----------------------------------------------------------------------------------------------------
# hypothesis: cat/stack/repeat/flip/roll over random shapes

@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=3), st.integers(1, 3), st.data())
def test_hypothesis_cat_split_roundtrip(shape, n, data):
    d = data.draw(st.integers(-len(shape), len(shape) - 1))
    rng = np.random.default_rng(0)
    parts = []
    for _ in range(n):
        s = list(shape)
        s[d] = data.draw(st.integers(0, 3))
        parts.append(rng.uniform(-1, 1, s))
    check(lambda m, *xs: m.cat(xs, d), parts, grad=True)
    check(lambda m, x: m.stack([x, x * 2], d), [parts[0]], grad=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=3), st.data())
def test_hypothesis_repeat_flip_roll(shape, data):
    nd = len(shape)
    reps = data.draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd + 1))
    dims = data.draw(st.lists(st.integers(0, nd - 1), unique=True, max_size=nd))
    shifts = [data.draw(st.integers(-5, 5)) for _ in dims]
    x = np.random.default_rng(0).uniform(-1, 1, shape)
    check(lambda m, x: x.repeat(*reps), [x], grad=True)
    check(lambda m, x: m.flip(x, dims), [x], grad=True)
    if dims:
        check(lambda m, x: m.roll(x, shifts, dims), [x], grad=True)
