"""Conformance of view and shape ops with torch: values, sizes, strides, storage offset, storage sharing,
``_base``, version counters, write-through, gradients, grad_fn names and errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from conformance import assert_same, check, check_error

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*:UserWarning")
HSET = settings(max_examples=60, deadline=None, derandomize=True)


def _base(m, shape, dtype=None):
    dtype = dtype or m.float64
    n = int(np.prod(shape))
    return m.arange(n, dtype=dtype).reshape(shape) if n else m.zeros(shape, dtype=dtype)


# inputs built the same way in both libraries (empty ones from factories: torch gives them real strides)
INPUTS = {
    "0d": lambda m: m.tensor(3.0, dtype=m.float64),
    "1d": lambda m: _base(m, (5,)),
    "2d": lambda m: _base(m, (3, 4)),
    "2d_t": lambda m: _base(m, (3, 4)).t(),
    "3d": lambda m: _base(m, (2, 3, 4)),
    "3d_perm": lambda m: _base(m, (2, 3, 4)).permute(2, 0, 1),
    "stepped": lambda m: _base(m, (4, 6))[::2, 1::2],
    "expanded": lambda m: _base(m, (3, 1)).expand(3, 4),
    "ones": lambda m: _base(m, (1, 3, 1)),
    "ones_perm": lambda m: _base(m, (3, 1, 2)).permute(1, 2, 0),
    "empty0": lambda m: m.zeros(0, dtype=m.float64),
    "empty03": lambda m: m.zeros(0, 3, dtype=m.float64),
    "empty30": lambda m: m.zeros(3, 0, dtype=m.float64),
    "empty_t": lambda m: _base(m, (3, 4)).t()[2:1],
    "empty103": lambda m: m.zeros(1, 0, 3, dtype=m.float64),
    "4d": lambda m: _base(m, (2, 1, 3, 2)),
    "4d_strided": lambda m: _base(m, (2, 3, 4, 5))[:, ::2, 1:3].transpose(0, 3),
}

OPS = {
    "view-1": lambda m, x: x.view(-1),
    "view1-1": lambda m, x: x.view(1, -1),
    "view-11": lambda m, x: x.view(-1, 1),
    "view11-1": lambda m, x: x.view(1, 1, -1),
    "view()": lambda m, x: x.view(()),
    "view_same": lambda m, x: x.view(x.shape),
    "view_lead1": lambda m, x: x.view((1,) + tuple(x.shape)),
    "view_as": lambda m, x: x.view_as(m.zeros(tuple(x.shape)[::-1])),
    "reshape-1": lambda m, x: x.reshape(-1),
    "reshape1-1": lambda m, x: x.reshape(1, -1),
    "reshape-11": lambda m, x: x.reshape(-1, 1),
    "reshape()": lambda m, x: x.reshape(()),
    "reshape_same": lambda m, x: x.reshape(x.shape),
    "reshape_as": lambda m, x: x.reshape_as(m.zeros(tuple(x.shape)[::-1])),
    "squeeze": lambda m, x: x.squeeze(),
    "squeeze0": lambda m, x: x.squeeze(0),
    "squeeze-1": lambda m, x: x.squeeze(-1),
    "squeeze(0,-1)": lambda m, x: x.squeeze((0, -1)),
    "squeeze[]": lambda m, x: x.squeeze([]),
    "unsqueeze0": lambda m, x: x.unsqueeze(0),
    "unsqueeze1": lambda m, x: x.unsqueeze(1),
    "unsqueeze-1": lambda m, x: x.unsqueeze(-1),
    "flatten": lambda m, x: x.flatten(),
    "flatten1": lambda m, x: x.flatten(1),
    "flatten00": lambda m, x: x.flatten(0, 0),
    "flatten0-2": lambda m, x: m.flatten(x, 0, -2),
    "unflatten": lambda m, x: x.unflatten(0, (1, -1)),
    "unflatten-1": lambda m, x: x.unflatten(-1, (-1, 1)),
    "ravel": lambda m, x: x.ravel(),
    "t": lambda m, x: x.t(),
    "T": lambda m, x: x.T,
    "mT": lambda m, x: x.mT,
    "H": lambda m, x: x.H,
    "mH": lambda m, x: x.mH,
    "adjoint": lambda m, x: x.adjoint(),
    "transpose0-1": lambda m, x: x.transpose(0, -1),
    "transpose00": lambda m, x: m.transpose(x, 0, 0),
    "swapaxes": lambda m, x: m.swapaxes(x, 0, -1),
    "swapdims": lambda m, x: x.swapdims(-1, 0),
    "permute_rev": lambda m, x: x.permute(*reversed(range(x.dim()))),
    "permute_id": lambda m, x: x.permute(tuple(range(x.dim()))),
    "movedim": lambda m, x: m.movedim(x, 0, -1),
    "movedim_t": lambda m, x: x.movedim((0, -1), (-1, 0)),
    "moveaxis": lambda m, x: m.moveaxis(x, -1, 0),
    "expand": lambda m, x: x.expand(2, *x.shape),
    "expand1": lambda m, x: x.expand(1, *x.shape),
    "expand0": lambda m, x: x.expand(0, *x.shape),
    "expand-1": lambda m, x: x.expand(*([-1] * x.dim() or [()])),
    "expand_ones": lambda m, x: x.expand(*[3 if s == 1 else s for s in x.shape] or [()]),
    "expand_as": lambda m, x: x.expand_as(m.zeros((2,) + tuple(x.shape))),
    "broadcast_to": lambda m, x: m.broadcast_to(x, (2,) + tuple(x.shape)),
    "broadcast_tensors": lambda m, x: m.broadcast_tensors(x, m.zeros((2,) + (1,) * x.dim())),
    "narrow": lambda m, x: x.narrow(0, 1, 1),
    "narrow0": lambda m, x: x.narrow(-1, 0, 0),
    "narrow_end": lambda m, x: m.narrow(x, -1, x.shape[-1] if x.dim() else 0, 0),
    "narrow_neg": lambda m, x: x.narrow(0, -1, 1),
    "select": lambda m, x: x.select(0, -1),
    "select-1": lambda m, x: x.select(-1, 0),
    "unfold": lambda m, x: x.unfold(0, 1, 1),
    "unfold2": lambda m, x: x.unfold(-1, 2, 1),
    "unfold_step": lambda m, x: x.unfold(0, 1, 2),
    "as_strided": lambda m, x: x.as_strided((2, 2), (1, 2), 1),
    "as_strided_default": lambda m, x: x.as_strided((2,), (1,)),
    "as_strided_fn": lambda m, x: m.as_strided(x, (0, 3), (1, 7), 2),
    "diagonal": lambda m, x: x.diagonal(),
    "diagonal1": lambda m, x: x.diagonal(1),
    "diagonal-1": lambda m, x: x.diagonal(-1, -1, 0),
    "diagonal_big": lambda m, x: m.diagonal(x, 10),
    "split1": lambda m, x: x.split(1),
    "split2": lambda m, x: x.split(2, -1),
    "split_big": lambda m, x: m.split(x, 10),
    "split_sizes": lambda m, x: x.split([1, x.shape[0] - 1] if x.dim() and x.shape[0] else [0]),
    "chunk2": lambda m, x: x.chunk(2),
    "chunk3-1": lambda m, x: x.chunk(3, -1),
    "tensor_split3": lambda m, x: x.tensor_split(3),
    "tensor_split_idx": lambda m, x: x.tensor_split([1, 2], -1),
    "tensor_split_neg": lambda m, x: m.tensor_split(x, [-1, 1, 7]),
    "unbind": lambda m, x: x.unbind(),
    "unbind-1": lambda m, x: x.unbind(-1),
    "view_int64": lambda m, x: x.view(m.int64),
    "view_int32": lambda m, x: x.view(m.int32),
    "view_uint8": lambda m, x: x.view(m.uint8),
    "view_float16": lambda m, x: x.view(m.float16),
    "view_as_complex": lambda m, x: m.view_as_complex(x),
    "contiguous": lambda m, x: x.contiguous(),
    "clone": lambda m, x: x.clone(),
    "clone_contiguous": lambda m, x: x.clone(memory_format=m.contiguous_format),
    "clone_preserve": lambda m, x: x.clone(memory_format=m.preserve_format),
    "clone_cl": lambda m, x: x.clone(memory_format=m.channels_last),
    "contiguous_cl": lambda m, x: x.contiguous(memory_format=m.channels_last),
    "detach": lambda m, x: x.detach(),
    "real": lambda m, x: x.real,
}


def _root(x):
    return x if x._base is None else x._base


def _describe_error(fn):
    try:
        return None, fn()
    except Exception as e:  # noqa: BLE001  (compared by type below)
        return e, None


def compare_views(e_out, t_out, e_in, t_in):
    """Same values, shapes, strides, storage offsets, storage sharing and autograd base as torch."""
    if isinstance(t_out, (tuple, list)):
        assert isinstance(e_out, tuple) and isinstance(t_out, tuple) and len(e_out) == len(t_out)
        for a, b in zip(e_out, t_out):
            compare_views(a, b, e_in, t_in)
        return
    assert (e_out is e_in) == (t_out is t_in), "returns the input itself in one library only"
    assert_same(e_out, t_out, strides=True, exact=True)
    assert e_out.storage_offset() == t_out.storage_offset()
    t_shares = t_out.untyped_storage().data_ptr() == t_in.untyped_storage().data_ptr()
    e_shares = e_out.untyped_storage().data_ptr() == e_in.untyped_storage().data_ptr()
    assert e_shares == t_shares
    assert e_out.is_contiguous() == t_out.is_contiguous()
    assert (e_out._base is None) == (t_out._base is None)
    if t_out._base is not None:
        assert (e_out._base is _root(e_in)) == (t_out._base is _root(t_in))


@pytest.mark.parametrize("iname", list(INPUTS))
@pytest.mark.parametrize("oname", list(OPS))
def test_view_geometry(oname, iname):
    make, op = INPUTS[iname], OPS[oname]
    xt, xe = make(torch), make(ember)
    assert xe.stride() == xt.stride() and xe.storage_offset() == xt.storage_offset()
    te, tr = _describe_error(lambda: op(torch, xt))
    ee, er = _describe_error(lambda: op(ember, xe))
    if te is not None:
        assert ee is not None, f"torch raised {type(te).__name__}({te}), ember returned"
        assert isinstance(ee, type(te)), f"ember raised {type(ee).__name__}({ee}), torch {type(te).__name__}({te})"
        return
    assert ee is None, f"ember raised {type(ee).__name__}({ee})"
    compare_views(er, tr, xe, xt)


# grad_fn names and gradients: the same ops on non-leaf inputs that require grad
GRAD_INPUTS = ["0d", "1d", "2d_t", "3d_perm", "stepped", "ones_perm", "empty_t", "4d", "4d_strided"]


def _grad_input(m, iname):
    leaf = INPUTS[iname](m).detach().clone().requires_grad_(True)
    return leaf, leaf * 1


def _names(out):
    if isinstance(out, (tuple, list)):
        return [_names(o) for o in out]
    return type(out.grad_fn).__name__ if out.grad_fn is not None else None


@pytest.mark.parametrize("iname", GRAD_INPUTS)
@pytest.mark.parametrize("oname", [o for o in OPS if not o.startswith(("view_int", "view_uint", "view_float",
                                                                        "view_as_complex", "clone_cl",
                                                                        "contiguous_cl"))])
def test_grad_fn_and_gradients(oname, iname):
    op = OPS[oname]
    tl, tx = _grad_input(torch, iname)
    el, ex = _grad_input(ember, iname)
    te, tr = _describe_error(lambda: op(torch, tx))
    if te is not None:
        return  # errors are compared by test_view_geometry
    er = op(ember, ex)
    assert _names(er) == _names(tr)
    t_outs = [o for o in (tr if isinstance(tr, tuple) else (tr,)) if o.requires_grad]
    e_outs = [o for o in (er if isinstance(er, tuple) else (er,)) if o.requires_grad]
    assert len(t_outs) == len(e_outs)
    if not t_outs:
        return
    rng = np.random.default_rng(0)
    gs = [rng.standard_normal(tuple(o.shape)) for o in t_outs]
    (tg,) = torch.autograd.grad(t_outs, [tl], [torch.from_numpy(g) for g in gs], allow_unused=True)
    (eg,) = ember.autograd.grad(e_outs, [el], [ember.from_numpy(g.copy()) for g in gs], allow_unused=True)
    if tg is None:
        assert eg is None or not eg.numpy().any()
    else:
        assert_same(eg, tg, exact=False)


# ----------------------------------------------------------------------------------------------------
# write-through and version counters

WRITE_OPS = {
    "view": lambda x: x.view(-1),
    "reshape": lambda x: x.reshape(2, -1),
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "permute": lambda x: x.permute(1, 0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "select": lambda x: x.select(1, 2),
    "unfold": lambda x: x.unfold(1, 2, 2),
    "as_strided": lambda x: x.as_strided((2, 2), (3, 1), 1),
    "diagonal": lambda x: x.diagonal(1),
    "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "movedim": lambda x: x.movedim(0, 1),
    "split": lambda x: x.split(2, 1)[1],
    "chunk": lambda x: x.chunk(2, 1)[0],
    "tensor_split": lambda x: x.tensor_split(3, 1)[2],
    "unbind": lambda x: x.unbind(1)[3],
    "expand1": lambda x: x.expand(1, 3, 4),
    "view_dtype": lambda x: x.view(torch.int64 if isinstance(x, torch.Tensor) else ember.int64),
    "detach": lambda x: x.detach(),
    "real": lambda x: x.real,
}


@pytest.mark.parametrize("name", list(WRITE_OPS))
def test_write_through(name):
    fn = WRITE_OPS[name]
    tb, eb = _base(torch, (3, 4)), _base(ember, (3, 4))
    tv, ev = fn(tb), fn(eb)
    # write through the view
    tv.mul_(3)
    ev.mul_(3)
    assert_same(eb, tb, exact=True)
    assert ev._version_value == tv._version and eb._version_value == tb._version
    # write into the base, read through the view
    tb.add_(1)
    eb.add_(1)
    assert_same(ev, tv, exact=True)
    assert ev._version_value == tv._version and eb._version_value == tb._version
    # indexing assignment through the view
    tv[...] = 7
    ev[...] = 7
    assert_same(eb, tb, exact=True)
    assert ev._version_value == tv._version


def test_write_through_view_of_view():
    tb, eb = _base(torch, (2, 3, 4)), _base(ember, (2, 3, 4))
    tv = tb.permute(2, 0, 1)[1:3].unsqueeze(0).diagonal(0, 2, 3)
    ev = eb.permute(2, 0, 1)[1:3].unsqueeze(0).diagonal(0, 2, 3)
    compare_views(ev, tv, eb, tb)
    tv.fill_(-1)
    ev.fill_(-1)
    assert_same(eb, tb, exact=True)
    assert ev._version_value == tv._version == eb._version_value == tb._version


def test_expanded_view_refuses_inplace():
    check_error(lambda m: _base(m, (3, 1)).expand(3, 4).add_(1))


def test_complex_views_write_through():
    tz = torch.tensor([[1 + 2j, 3 - 4j], [5j, -6.0]], dtype=torch.complex128)
    ez = ember.tensor([[1 + 2j, 3 - 4j], [5j, -6.0]], dtype=ember.complex128)
    for f in (lambda z: z.real, lambda z: z.imag, lambda z: z.t().imag, lambda z: z[1].real):
        compare_views(f(ez), f(tz), ez, tz)
    tr, er = torch.view_as_real(tz.t()), ember.view_as_real(ez.t())
    compare_views(er, tr, ez, tz)
    tr[0, 1, 1] = 9
    er[0, 1, 1] = 9
    assert_same(ez, tz, exact=True)
    tz.imag.mul_(2)
    ez.imag.mul_(2)
    assert_same(er, tr, exact=True)
    tc, ec = torch.view_as_complex(tr.transpose(0, 1)), ember.view_as_complex(er.transpose(0, 1))
    compare_views(ec, tc, ez, tz)
    assert ec._version_value == tc._version


def test_view_dtype_shares_version_not_base():
    tb, eb = torch.zeros(2, 4), ember.zeros(2, 4)
    tv, ev = tb.view(torch.int16), eb.view(ember.int16)
    compare_views(ev, tv, eb, tb)
    tv.add_(1)
    ev.add_(1)
    assert_same(eb, tb, exact=True)
    assert eb._version_value == tb._version == ev._version_value
    tl = torch.ones(3, requires_grad=True)
    el = ember.ones(3, requires_grad=True)
    for dt in ("float32", "int32"):
        tv, ev = tl.view(getattr(torch, dt)), el.view(getattr(ember, dt))
        assert ev.requires_grad == tv.requires_grad and (ev._base is None) == (tv._base is None)
        assert ev.is_leaf == tv.is_leaf


@pytest.mark.parametrize("src,dst", [("float32", "int16"), ("float32", "uint8"), ("float64", "int32"),
                                     ("int16", "float64"), ("uint8", "int32"), ("bool", "uint8"),
                                     ("float32", "bfloat16"), ("int64", "complex128")])
@pytest.mark.parametrize("make", [lambda x: x, lambda x: x[:, 4:], lambda x: x[1:], lambda x: x.t(),
                                  lambda x: x[:, :0], lambda x: x[0], lambda x: x[0, 0], lambda x: x[::2, 1:3],
                                  lambda x: x.unsqueeze(-1)])
def test_view_dtype(src, dst, make):
    def f(m):
        x = m.arange(48).reshape(3, 16).to(getattr(m, src))
        return make(x).view(getattr(m, dst))
    te, tr = _describe_error(lambda: f(torch))
    if te is not None:
        ee, _ = _describe_error(lambda: f(ember))
        assert isinstance(ee, type(te)), (ee, te)
        return
    er = f(ember)
    assert_same(er, tr, strides=True, exact=True)
    assert er.storage_offset() == tr.storage_offset()


# ----------------------------------------------------------------------------------------------------
# in-place shape ops

INPLACE = {
    "t_": lambda x: x.t_(),
    "transpose_": lambda x: x.transpose_(0, -1),
    "swapaxes_": lambda x: x.swapaxes_(1, 0),
    "swapdims_": lambda x: x.swapdims_(-1, -2),
    "squeeze_": lambda x: x.squeeze_(),
    "squeeze_dim": lambda x: x.squeeze_(1),
    "squeeze_dims": lambda x: x.squeeze_((1, 0)),
    "unsqueeze_": lambda x: x.unsqueeze_(-1),
    "unsqueeze_0": lambda x: x.unsqueeze_(0),
    "as_strided_": lambda x: x.as_strided_((2, 2), (1, 3)),
    "as_strided_off": lambda x: x.as_strided_((3,), (2,), 1),
}


@pytest.mark.parametrize("iname", ["2d", "2d_t", "ones", "ones_perm", "stepped", "empty03", "1d"])
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_shape_ops(name, iname):
    op = INPLACE[name]
    xt, xe = INPUTS[iname](torch), INPUTS[iname](ember)
    te, tr = _describe_error(lambda: op(xt))
    ee, er = _describe_error(lambda: op(xe))
    if te is not None:
        assert isinstance(ee, type(te)), (ee, te)
        return
    assert ee is None, ee
    assert er is xe and tr is xt
    assert_same(xe, xt, strides=True, exact=True)
    assert xe.storage_offset() == xt.storage_offset()
    assert xe._version_value == xt._version


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_shape_ops_autograd(name):
    op = INPLACE[name]
    tl = torch.arange(6.0, dtype=torch.float64).reshape(6, 1).requires_grad_()
    el = ember.arange(6.0, dtype=ember.float64).reshape(6, 1).requires_grad_()
    ty, ey = tl * 2, el * 2
    assert op(ey) is ey
    op(ty)
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__
    assert [type(f).__name__ for f, _ in ey.grad_fn.next_functions] == \
        [type(f).__name__ for f, _ in ty.grad_fn.next_functions]
    assert_same(ey, ty, strides=True)
    assert ey._version_value == ty._version
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape))
    ty.backward(torch.from_numpy(g))
    ey.backward(ember.from_numpy(g.copy()))
    assert_same(el.grad, tl.grad)
    # a leaf that requires grad, and a view of one, refuse in-place shape changes (allowed under no_grad)
    check_error(lambda m: op(m.ones(6, 1, requires_grad=True)))
    check_error(lambda m: op(m.ones(3, 6, 1, requires_grad=True)[0]))
    with ember.no_grad():
        r = op(ember.ones(6, 1, requires_grad=True))
    with torch.no_grad():
        rt = op(torch.ones(6, 1, requires_grad=True))
    assert r.shape == rt.shape and r.stride() == rt.stride() and r._version_value == rt._version


def test_inplace_shape_op_on_view_then_base_modified():
    for m in (torch, ember):
        x = m.arange(6.0, dtype=m.float64).reshape(2, 3).requires_grad_()
        b = x * 1
        v = b[0]
        v.unsqueeze_(0)
        assert v._base is b and type(v.grad_fn).__name__ == "UnsqueezeBackward1"
        b.mul_(2)
        assert type(v.grad_fn).__name__ == "AsStridedBackward0"
        v.sum().backward()
        np.testing.assert_array_equal(np.asarray(x.grad.tolist()), [[2, 2, 2], [0, 0, 0]])


@pytest.mark.parametrize("f", [lambda b: b.split(1)[0], lambda b: b.split(2)[0], lambda b: b.unbind()[0],
                               lambda b: b.chunk(1)[0], lambda b: b.split([2, 0])[1]])
def test_multi_output_views_refuse_inplace(f):
    check_error(lambda m: f(m.ones(2, 3, requires_grad=True) * 1).mul_(2))
    check_error(lambda m: f(m.ones(2, 3, requires_grad=True) * 1).t_())
    # tensor_split outputs are separate views: allowed
    for m in (torch, ember):
        x = m.ones(2, 3, requires_grad=True)
        y = (x * 1).tensor_split(2)[0]
        y.mul_(2)
        y.sum().backward()
        assert x.grad.tolist() == [[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]]


# ----------------------------------------------------------------------------------------------------
# gradients: conformance harness and gradcheck in float64

GRAD_CASES = [
    (lambda m, x: x.view(4, 3), (3, 4)),
    (lambda m, x: x.reshape(2, 6), (3, 4)),
    (lambda m, x: x.t().reshape(12), (3, 4)),
    (lambda m, x: x.transpose(0, 2), (2, 3, 4)),
    (lambda m, x: x.permute(1, 2, 0), (2, 3, 4)),
    (lambda m, x: x.unsqueeze(1).squeeze(), (3, 1, 4)),
    (lambda m, x: x.expand(2, 3, 4), (3, 1)),
    (lambda m, x: x.narrow(1, 1, 2) * x.select(0, 2).unsqueeze(0)[:, :2], (3, 4)),
    (lambda m, x: x.unfold(1, 2, 1), (3, 4)),
    (lambda m, x: x.unfold(0, 2, 3), (7, 2)),
    (lambda m, x: x.unfold(0, 1, 1), ()),
    (lambda m, x: x.diagonal(1, 0, 2), (3, 2, 4)),
    (lambda m, x: x.diagonal(-1), (4, 3)),
    (lambda m, x: x.as_strided((3, 3), (1, 1), 1), (3, 4)),
    (lambda m, x: x.split([1, 3], 1), (3, 4)),
    (lambda m, x: x.chunk(3, 0), (5, 2)),
    (lambda m, x: x.tensor_split([1, -1], 1), (3, 4)),
    (lambda m, x: x.unbind(1), (3, 4)),
    (lambda m, x: x.flatten(1).unflatten(1, (2, 2)), (3, 2, 2)),
    (lambda m, x: m.movedim(x, (0, 1), (2, 0)), (2, 3, 4)),
    (lambda m, x: x.mT.ravel(), (2, 3, 4)),
    (lambda m, x: x.clone().contiguous(), (3, 4)),
    (lambda m, x: x.t().contiguous(), (3, 4)),
    (lambda m, x: m.broadcast_tensors(x, x[:1].unsqueeze(0))[1], (3, 4)),
    (lambda m, x: m.view_as_complex(x).real * 2, (3, 2)),
    (lambda m, x: m.view_as_real(m.view_as_complex(x).t()), (3, 2, 2)),
]


# these need a layout the non-contiguous inputs lack (``view``, ``view_as_complex``)
_CONTIG_ONLY = {0, 24, 25}


@pytest.mark.parametrize("i", range(len(GRAD_CASES)))
@pytest.mark.parametrize("noncontig", [False, True])
def test_gradients_match_torch(i, noncontig):
    fn, shape = GRAD_CASES[i]
    if noncontig and i in _CONTIG_ONLY:
        check_error(lambda m: fn(m, m.zeros(shape[::-1]).mT))
        return
    check(fn, [shape], grad=True, view=False, noncontig=noncontig, dtype=np.float64)


@pytest.mark.parametrize("fn,shape", GRAD_CASES)
def test_gradcheck(fn, shape):
    x = ember.from_numpy(np.random.default_rng(3).standard_normal(shape)).requires_grad_()

    def f(x):
        r = fn(ember, x)
        return tuple(r) if isinstance(r, (tuple, list)) else r
    assert ember.autograd.gradcheck(f, (x,))
    assert ember.autograd.gradgradcheck(f, (x,))


def test_unfold_overlapping_windows_gradient():
    check(lambda m, x: x.unfold(-1, 3, 1).unfold(0, 2, 1), [(4, 5)], grad=True, dtype=np.float64)


# ----------------------------------------------------------------------------------------------------
# memory formats and clone / contiguous

@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 1, 4, 5), (2, 3, 1, 1), (0, 3, 2, 2), (2, 0, 2, 2), (1, 1, 1, 1)])
@pytest.mark.parametrize("make", [lambda x: x, lambda x: x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
                                  lambda x: x[:, :, ::2]])
def test_channels_last(shape, make):
    def run(m):
        x = make(_base(m, shape))
        cl = m.channels_last
        return (x.is_contiguous(memory_format=cl), x.clone(memory_format=cl), x.contiguous(memory_format=cl),
                x.is_contiguous(), x.clone())
    e, t = run(ember), run(torch)
    assert e[0] == t[0] and e[3] == t[3]
    for a, b in zip(e[1:3] + e[4:], t[1:3] + t[4:]):
        assert_same(a, b, strides=True, exact=True)
        assert a.is_contiguous(memory_format=ember.channels_last) == b.is_contiguous(memory_format=torch.channels_last)


def test_channels_last_3d_and_errors():
    e = _base(ember, (2, 3, 4, 5, 6)).clone(memory_format=ember.channels_last_3d)
    t = _base(torch, (2, 3, 4, 5, 6)).clone(memory_format=torch.channels_last_3d)
    assert_same(e, t, strides=True, exact=True)
    assert e.is_contiguous(memory_format=ember.channels_last_3d)
    check_error(lambda m: m.zeros(2, 3).clone(memory_format=m.channels_last))
    check_error(lambda m: m.zeros(2, 3).contiguous(memory_format=m.channels_last_3d))
    check_error(lambda m: m.zeros(2, 3).t().contiguous(memory_format=m.preserve_format))
    for m in (torch, ember):
        assert not m.zeros(2, 3).is_contiguous(memory_format=m.channels_last)
        x = m.zeros(2, 3)
        assert x.contiguous(memory_format=m.preserve_format) is x
        assert x.contiguous() is x


def test_clone_is_a_copy():
    for m in (torch, ember):
        for fmt in (None, m.contiguous_format, m.preserve_format):
            x = _base(m, (2, 3))
            c = x.clone() if fmt is None else x.clone(memory_format=fmt)
            c.add_(1)
            assert x.tolist() == [[0, 1, 2], [3, 4, 5]]
            assert c._base is None and c.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
            assert (c._version_value if m is ember else c._version) == 1


# ----------------------------------------------------------------------------------------------------
# errors

ERRORS = [
    lambda m: m.zeros(2, 3).view(4, 2),
    lambda m: m.zeros(2, 3).view(-1, -1),
    lambda m: m.zeros(2, 3).view(-2, 3),
    lambda m: m.zeros(4, 6).t().view(-1),
    lambda m: m.zeros(4, 6)[:, :3].view(12),
    lambda m: m.zeros(2, 3).view(),
    lambda m: m.zeros(2, 3).reshape(5),
    lambda m: m.zeros(0, 3).reshape(0, -1),
    lambda m: m.zeros(2, 3).reshape(),
    lambda m: m.zeros(2, 3).transpose(0, 2),
    lambda m: m.zeros(2, 3).transpose(-3, 0),
    lambda m: m.zeros(2, 3, 4).t(),
    lambda m: m.zeros(2, 3, 4).t_(),
    lambda m: m.zeros(2, 3).permute(0),
    lambda m: m.zeros(2, 3).permute(0, 0),
    lambda m: m.zeros(2, 3).permute(0, 2),
    lambda m: m.zeros(2, 3).permute(),
    lambda m: m.zeros(2, 3).squeeze(2),
    lambda m: m.zeros(2, 3).squeeze((0, 0)),
    lambda m: m.zeros(2, 3).squeeze((0, 5)),
    lambda m: m.tensor(1.0).squeeze((0, -1)),
    lambda m: m.zeros(2, 3).unsqueeze(3),
    lambda m: m.zeros(2, 3).unsqueeze(-4),
    lambda m: m.zeros(2, 3).flatten(1, 0),
    lambda m: m.zeros(2, 3).flatten(0, 2),
    lambda m: m.tensor(1.0).flatten(1),
    lambda m: m.zeros(2, 6).unflatten(1, (4, -1)),
    lambda m: m.zeros(2, 6).unflatten(1, (-1, -1)),
    lambda m: m.zeros(2, 6).unflatten(1, (2, 2)),
    lambda m: m.zeros(2, 6).unflatten(1, ()),
    lambda m: m.zeros(2, 6).unflatten(2, (2, 3)),
    lambda m: m.tensor(1.0).unflatten(0, (1, -1)),
    lambda m: m.zeros(3).mT,
    lambda m: m.zeros(3).mH,
    lambda m: m.zeros(3).H,
    lambda m: m.zeros(2, 3, 4).H,
    lambda m: m.zeros(3).adjoint(),
    lambda m: m.zeros(2, 3).movedim(0, 2),
    lambda m: m.zeros(2, 3).movedim((0, 1), 0),
    lambda m: m.zeros(2, 3).movedim((0, 0), (0, 1)),
    lambda m: m.zeros(2, 3).movedim((0, 1), (1, 1)),
    lambda m: m.zeros(2, 3).expand(3),
    lambda m: m.zeros(2, 3).expand(2, 4),
    lambda m: m.zeros(2, 3).expand(-1, 2, 3),
    lambda m: m.zeros(2, 1).expand(2, -2),
    lambda m: m.zeros(2, 3).expand(),
    lambda m: m.zeros(2, 3).expand_as(m.zeros(3, 3)),
    lambda m: m.broadcast_to(m.zeros(2, 3), (3,)),
    lambda m: m.broadcast_tensors(m.zeros(2, 3), m.zeros(3, 3)),
    lambda m: m.broadcast_tensors(m.zeros(1, 3), m.zeros(2, 1), m.zeros(4)),
    lambda m: m.tensor(1.0).narrow(0, 0, 1),
    lambda m: m.zeros(2, 3).narrow(1, 2, 2),
    lambda m: m.zeros(2, 3).narrow(1, 4, 0),
    lambda m: m.zeros(2, 3).narrow(1, -4, 1),
    lambda m: m.zeros(2, 3).narrow(1, 0, -1),
    lambda m: m.zeros(2, 3).narrow(2, 0, 1),
    lambda m: m.tensor(1.0).select(0, 0),
    lambda m: m.zeros(2, 3).select(0, 2),
    lambda m: m.zeros(2, 3).select(1, -4),
    lambda m: m.zeros(2, 3).select(2, 0),
    lambda m: m.zeros(2, 3).unfold(1, 4, 1),
    lambda m: m.zeros(2, 3).unfold(1, 2, 0),
    lambda m: m.zeros(2, 3).unfold(1, -1, 1),
    lambda m: m.zeros(2, 3).unfold(2, 1, 1),
    lambda m: m.tensor(1.0).unfold(0, 2, 1),
    lambda m: m.zeros(2, 3).as_strided((2, 2), (1,)),
    lambda m: m.zeros(2, 3).as_strided((2, 4), (4, 1)),
    lambda m: m.zeros(2, 3).as_strided((2,), (1,), -1),
    lambda m: m.zeros(2, 3).as_strided((2,), (-1,), 2),
    lambda m: m.zeros(2, 3).as_strided((-1,), (1,)),
    lambda m: m.zeros(2, 3).as_strided((2,), (1,), 5),
    lambda m: m.zeros(2, 3).as_strided_((2, 4), (4, 1)),
    lambda m: m.zeros(2, 3).diagonal(0, 1, 1),
    lambda m: m.zeros(2, 3).diagonal(0, 0, 2),
    lambda m: m.zeros(3).diagonal(),
    lambda m: m.tensor(1.0).diagonal(),
    lambda m: m.tensor(1.0).split(1),
    lambda m: m.zeros(2, 3).split(-1),
    lambda m: m.zeros(2, 3).split(0),
    lambda m: m.zeros(2, 3).split([1, 2]),
    lambda m: m.zeros(2, 3).split([3, -1]),
    lambda m: m.zeros(2, 3).split(1, 2),
    lambda m: m.split_with_sizes(m.zeros(2, 3), [1, 2], 0),
    lambda m: m.tensor(1.0).chunk(1),
    lambda m: m.zeros(2, 3).chunk(0),
    lambda m: m.zeros(2, 3).chunk(2, 2),
    lambda m: m.tensor(1.0).tensor_split(1),
    lambda m: m.zeros(2, 3).tensor_split(0),
    lambda m: m.zeros(2, 3).tensor_split(m.tensor([1.0])),
    lambda m: m.zeros(2, 3).tensor_split(m.tensor([[1]])),
    lambda m: m.zeros(2, 3).tensor_split(2, 2),
    lambda m: m.zeros(2, 3).hsplit(2),
    lambda m: m.zeros(3).vsplit(1),
    lambda m: m.zeros(2, 3).dsplit(1),
    lambda m: m.zeros(4, 3).vsplit(3),
    lambda m: m.tensor(1.0).unbind(),
    lambda m: m.zeros(2, 3).unbind(2),
    lambda m: m.view_as_real(m.zeros(2, 3)),
    lambda m: m.view_as_complex(m.zeros(2, 3)),
    lambda m: m.view_as_complex(m.zeros(3, 2, dtype=m.int32)),
    lambda m: m.view_as_complex(m.zeros(2, 3).t()),
    lambda m: m.view_as_complex(m.zeros(3, 4)[:, 1:3]),
    lambda m: m.view_as_complex(m.zeros(3, 5)[:, 1:3]),
    lambda m: m.view_as_complex(m.zeros(4, 2).view(-1)[1:7].view(3, 2)),
    lambda m: m.view_as_complex(m.tensor(1.0)),
    lambda m: m.zeros(2, 3).view(m.float64),
    lambda m: m.zeros(2, 4).t().view(m.int16),
    lambda m: m.tensor(1.0).view(m.int16),
    lambda m: m.zeros(2, 4)[:, 1:].view(m.float64),
    lambda m: m.zeros(3, 4)[::1, 1:3].view(m.float64),
    lambda m: m.zeros(3, 5)[:, :4].view(m.float64),
    lambda m: m.zeros(2, 3).clone(memory_format=m.channels_last),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    check_error(ERRORS[i])


# ----------------------------------------------------------------------------------------------------
# hypothesis: random layouts, shapes, permutations and split sizes

@st.composite
def strided_input(draw, max_dims=4):
    """(shape of a base, a recipe) for a random strided layout: a permutation, then slices with steps and
    possibly an unsqueeze, on an arange base."""
    ndim = draw(st.integers(0, max_dims))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim)))
    perm = tuple(draw(st.permutations(range(ndim))))
    slices = []
    for _ in range(ndim):
        start = draw(st.integers(0, 2))
        step = draw(st.integers(1, 2))
        slices.append(slice(start, None, step))
    unsq = draw(st.integers(-1, ndim))
    return shape, perm, tuple(slices), unsq


def _build(m, recipe):
    shape, perm, slices, unsq = recipe
    x = _base(m, shape).permute(perm) if shape else _base(m, shape)
    if slices:
        x = x[slices]
    if unsq >= 0:
        x = x.unsqueeze(unsq)
    return x


def _run_both(recipe, fn):
    xt, xe = _build(torch, recipe), _build(ember, recipe)
    assert xe.stride() == xt.stride() and xe.storage_offset() == xt.storage_offset()
    te, tr = _describe_error(lambda: fn(torch, xt))
    ee, er = _describe_error(lambda: fn(ember, xe))
    if te is not None:
        assert isinstance(ee, type(te)), (ee, te)
        return
    assert ee is None, ee
    compare_views(er, tr, xe, xt)


def _factorizations(n, k, data):
    """A random shape of ``k`` dims with ``n`` elements (size-1 dims included; for ``n == 0`` one dim
    is 0 and the others are small)."""
    if n == 0:
        sizes = [data.draw(st.integers(0, 3)) for _ in range(k)]
        sizes[data.draw(st.integers(0, k - 1))] = 0
        return sizes
    sizes = []
    for _ in range(k - 1):
        d = data.draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
        sizes.append(d)
        n //= d
    return sizes + [n]


@HSET
@given(strided_input(), st.data())
def test_hyp_view_reshape(recipe, data):
    xt = _build(torch, recipe)
    n = xt.numel()
    k = data.draw(st.integers(0, 4))
    if k == 0 and n != 1:
        k = 1
    shape = _factorizations(n, k, data) if k else []
    if int(np.prod(shape)) != n:
        return
    _run_both(recipe, lambda m, x: x.view(shape))
    _run_both(recipe, lambda m, x: x.reshape(shape))
    start = data.draw(st.integers(-1, 0)) if xt.dim() else 0
    _run_both(recipe, lambda m, x: x.flatten(start))


@HSET
@given(strided_input(), st.data())
def test_hyp_permute_transpose_movedim(recipe, data):
    xt = _build(torch, recipe)
    n = xt.dim()
    perm = data.draw(st.permutations(range(n)))
    _run_both(recipe, lambda m, x: x.permute(perm))
    if n:
        d0, d1 = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-n, n - 1))
        _run_both(recipe, lambda m, x: x.transpose(d0, d1))
        k = data.draw(st.integers(0, n))
        src = data.draw(st.permutations(range(n)))[:k]
        dst = data.draw(st.permutations(range(n)))[:k]
        _run_both(recipe, lambda m, x: m.movedim(x, src, dst))


@HSET
@given(strided_input(), st.data())
def test_hyp_squeeze_unsqueeze_expand(recipe, data):
    xt = _build(torch, recipe)
    n = xt.dim()
    _run_both(recipe, lambda m, x: x.squeeze())
    dims = tuple(data.draw(st.lists(st.integers(-max(n, 1), max(n, 1) - 1), max_size=3, unique=True)))
    _run_both(recipe, lambda m, x: x.squeeze(dims))
    d = data.draw(st.integers(-n - 1, n))
    _run_both(recipe, lambda m, x: x.unsqueeze(d))
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2))
    sizes = lead + [data.draw(st.sampled_from([-1, s, 3] if s == 1 else [-1, s])) for s in xt.shape]
    _run_both(recipe, lambda m, x: x.expand(*sizes) if sizes else x.expand(()))
    _run_both(recipe, lambda m, x: x.clone())
    _run_both(recipe, lambda m, x: x.contiguous())


@HSET
@given(strided_input(), st.data())
def test_hyp_slicing_views(recipe, data):
    xt = _build(torch, recipe)
    n = xt.dim()
    if not n:
        return
    d = data.draw(st.integers(-n, n - 1))
    size = xt.shape[d]
    start = data.draw(st.integers(-size, size))
    length = data.draw(st.integers(0, max(size - (start % size if size else 0), 0)))
    _run_both(recipe, lambda m, x: x.narrow(d, start, length))
    if size:
        index = data.draw(st.integers(-size, size - 1))
        _run_both(recipe, lambda m, x: x.select(d, index))
    w = data.draw(st.integers(0, size))
    step = data.draw(st.integers(1, 3))
    _run_both(recipe, lambda m, x: x.unfold(d, w, step))
    if n >= 2:
        d2 = data.draw(st.integers(-n, n - 1))
        off = data.draw(st.integers(-3, 3))
        _run_both(recipe, lambda m, x: x.diagonal(off, d, d2))


@HSET
@given(strided_input(), st.data())
def test_hyp_splits(recipe, data):
    xt = _build(torch, recipe)
    n = xt.dim()
    if not n:
        return
    d = data.draw(st.integers(-n, n - 1))
    size = xt.shape[d]
    step, chunks, sections = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    _run_both(recipe, lambda m, x: x.split(step, d))
    cuts = sorted(data.draw(st.lists(st.integers(0, size), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [size])]
    _run_both(recipe, lambda m, x: x.split(sizes, d))
    _run_both(recipe, lambda m, x: x.chunk(chunks, d))
    _run_both(recipe, lambda m, x: x.tensor_split(sections, d))
    idx = data.draw(st.lists(st.integers(-size - 2, size + 2), max_size=4))
    _run_both(recipe, lambda m, x: x.tensor_split(idx, d))
    _run_both(recipe, lambda m, x: x.unbind(d))


@HSET
@given(strided_input(max_dims=3), st.data())
def test_hyp_as_strided(recipe, data):
    xt = _build(torch, recipe)
    storage = xt.untyped_storage().nbytes() // xt.element_size()
    k = data.draw(st.integers(0, 3))
    size = data.draw(st.lists(st.integers(0, 3), min_size=k, max_size=k))
    stride = data.draw(st.lists(st.integers(0, 4), min_size=k, max_size=k))
    off = data.draw(st.one_of(st.none(), st.integers(0, max(storage, 0))))
    _run_both(recipe, lambda m, x: x.as_strided(size, stride, off))


# ----------------------------------------------------------------------------------------------------
# misc

def test_stride_of_empty_tensors():
    for f in (lambda m: m.empty(0, 3), lambda m: m.empty(2, 0, 3), lambda m: m.empty(3, 4).t()[2:1],
              lambda m: m.empty(0, 3).t(), lambda m: m.tensor(1.0).expand(0), lambda m: m.empty(0, 1).expand(0, 3),
              lambda m: m.empty(3, 4)[:, 4:], lambda m: m.empty(2, 0, 3).permute(2, 0, 1).unsqueeze(1)):
        e, t = f(ember), f(torch)
        assert e.stride() == t.stride() and e.storage_offset() == t.storage_offset()
        assert e.data_ptr() == t.data_ptr() == 0
        for d in range(-e.dim(), e.dim()):
            assert e.stride(d) == t.stride(d)


def test_from_numpy_empty_strides():
    for a in (np.empty((0, 3)), np.empty((3, 0, 2), np.float32), np.empty((4, 3))[4:], np.empty((3, 4)).T[:, :0]):
        assert ember.from_numpy(a).stride() == torch.from_numpy(a).stride()


def test_view_of_0d_and_size1_strides():
    for f in (lambda m: m.tensor(1.0).view(1, 1), lambda m: m.tensor(1.0).reshape(1, 1, 1),
              lambda m: m.ones(3, 1).t().view(1, 3, 1), lambda m: m.ones(4, 3).t()[:1].view(1, 1, 4),
              lambda m: m.ones(2, 3)[:, :1].unsqueeze(1), lambda m: m.ones(2, 3)[:, 1:2].view(1, 2, 1)):
        e, t = f(ember), f(torch)
        assert e.stride() == t.stride() and e.storage_offset() == t.storage_offset()


def test_storage_of_strided_views():
    """diagonal / unfold / as_strided views report torch's storage pointer and offset, also chained."""
    for f in (lambda x: x.diagonal(1), lambda x: x.t().unfold(0, 2, 1), lambda x: x[1:].as_strided((2,), (3,), 5),
              lambda x: x[1:, 1:].diagonal().unfold(0, 1, 1),
              lambda x: x.as_strided((3,), (1,), 2).as_strided_((2,), (2,))):
        tb, eb = _base(torch, (3, 4)), _base(ember, (3, 4))
        compare_views(f(eb), f(tb), eb, tb)
        assert f(eb).untyped_storage().data_ptr() == eb.untyped_storage().data_ptr()


def test_returns_self_and_aliases():
    for m in (torch, ember):
        x = m.zeros(2, 3)
        assert x.flatten(1, 1) is x and x.contiguous() is x
        assert x.t().t().contiguous() is not x
        assert x.mT is not x and m.tensor(1.0).mT is not None
        z = m.tensor(2.0)
        assert z.mT is z and z.H is z and z.mH is z and z.adjoint() is z


def test_deprecation_warnings():
    for expr in (lambda m: m.tensor(1.0).T, lambda m: m.zeros(2, 3, 4).T, lambda m: m.tensor(1.0).mT,
                 lambda m: m.tensor(1.0).H, lambda m: m.tensor(1.0).mH, lambda m: m.tensor(1.0).adjoint()):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            expr(ember)
        assert any(issubclass(x.category, UserWarning) for x in w)


def test_hsplit_vsplit_dsplit():
    for f in (lambda m, x: x.hsplit(2), lambda m, x: m.vsplit(x, [1, 3]), lambda m, x: m.dsplit(x, 2),
              lambda m, x: x[0, 0].hsplit(2), lambda m, x: m.hsplit(x, [1])):
        check(f, [(4, 4, 4)], view=True)


def test_sharing_and_version_with_conformance_check():
    check(lambda m, x: x.t(), [(3, 4)], view=True)
    check(lambda m, x: x.view(2, 6).unsqueeze(0).expand(3, 2, 6), [(3, 4)], view=True)
    check(lambda m, x: x.permute(1, 0).unfold(0, 2, 2).diagonal(), [(4, 4)], view=True, noncontig=True)
    check(lambda m, x: x.unflatten(0, (2, 2)).movedim(0, -1).split(2, 1), [(4, 4)], view=True, noncontig=True)
    check(lambda m, x: m.broadcast_tensors(x, x.unsqueeze(1)), [(3,)], view=True, noncontig=True)
    for m in (torch, ember):
        x = m.zeros(3, 4)
        views = [x.t(), x[1], x.view(12), x.unsqueeze(0), x.expand(2, 3, 4), x.diagonal(), x.detach(),
                 x.unfold(0, 2, 1), x.as_strided((2,), (1,))]
        x.add_(1)
        views[0].mul_(2)
        assert all((v._version_value if m is ember else v._version) == 2 for v in views)
