"""Normalisation against torch: batch/instance/layer/group/RMS/local-response norm (functional, torch-level and
modules), running statistics (momentum, cumulative average, eval mode, no tracking), state_dict keys and old
checkpoints, Lazy variants, reprs, gradients (float32/float64, gradcheck/gradgradcheck) and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(2)


def _x(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _pair(a, **kw):
    return ember.tensor(a, **kw), torch.tensor(a, **kw)


def _same_training_steps(me, mt, shape, steps, loss):
    """``steps`` passes of both modules on fresh inputs: same outputs and same input gradients of ``loss``."""
    for _ in range(steps):
        xe, xt = _pair(_x(*shape).astype(np.float32), requires_grad=True)
        ye, yt = me(xe), mt(xt)
        assert_same(ye, yt, atol=1e-5)
        loss(ye).backward()
        loss(yt).backward()
        assert_same(xe.grad, xt.grad, atol=1e-4)


def _same_state_dict(me, mt):
    assert list(me.state_dict()) == list(mt.state_dict())
    for ve, vt in zip(me.state_dict().values(), mt.state_dict().values()):
        assert_same(ve, vt, atol=1e-6)


def _same_eval_output(me, mt, shape):
    me.eval()
    mt.eval()
    x = _x(*shape).astype(np.float32)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-5)


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 5), (2, 3, 2, 3, 2)])
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("training", [False, True])
def test_batch_norm_functional(shape, affine, training):
    c = shape[1]
    arrays = [_x(*shape), _x(c), _x(c), _x(c), np.abs(_x(c)) + 0.5]
    for dt, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        x, w, b, rm, rv = (a.astype(dt) for a in arrays)
        re_m, rt_m = _pair(rm)
        re_v, rt_v = _pair(rv)

        def call(m, x, w, b):
            mean, var = (re_m, re_v) if m is ember else (rt_m, rt_v)
            return m.nn.functional.batch_norm(x, mean, var, w if affine else None, b if affine else None, training,
                                              0.3, 1e-3)
        e, t = check(call, [x, w, b], dtype=dt, grad=True, atol=tol, grad_atol=tol * 10)
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
        assert_same(re_m, rt_m, atol=tol)
        assert_same(re_v, rt_v, atol=tol)


def test_batch_norm_without_running_stats_and_torch_name():
    check(lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True), [_x(3, 4, 5)], dtype=np.float64,
          grad=True, atol=1e-12)
    check(lambda m, x, w, b: m.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False), [_x(3, 4, 5), _x(4), _x(4)],
          dtype=np.float64, grad=True, atol=1e-12)


BN_ERRORS = [
    lambda m: m.nn.functional.batch_norm(m.zeros(1, 3), None, None, training=True),
    lambda m: m.nn.functional.batch_norm(m.zeros(4, 3), m.zeros(2), m.ones(2)),
    lambda m: m.nn.functional.batch_norm(m.zeros(4, 3), m.zeros(3), m.ones(3), m.ones(2)),
    lambda m: m.nn.functional.batch_norm(m.zeros(4, 3), None, None, training=True, eps=0.0),
    lambda m: m.nn.functional.batch_norm(m.zeros(4, 3), m.zeros(3), m.ones(3), eps=-1.0),
    lambda m: m.nn.functional.group_norm(m.zeros(2, 6, 3), 4),
    lambda m: m.nn.functional.group_norm(m.zeros(6), 2),
    lambda m: m.nn.functional.group_norm(m.zeros(1, 2, 1), 2),
    lambda m: m.nn.functional.layer_norm(m.zeros(2, 3), (4,)),
    lambda m: m.nn.functional.layer_norm(m.zeros(2, 3), (3,), m.ones(4)),
    lambda m: m.nn.functional.rms_norm(m.zeros(2, 3), (4,)),
    lambda m: m.nn.functional.rms_norm(m.zeros(2, 3), (3,), m.ones(2)),
    lambda m: m.nn.functional.instance_norm(m.zeros(2, 3, 1)),
    lambda m: m.nn.functional.instance_norm(m.zeros(2, 3, 4), use_input_stats=False),
    lambda m: m.nn.functional.local_response_norm(m.zeros(2, 3), 2),
]


@pytest.mark.parametrize("i", range(len(BN_ERRORS)))
def test_norm_errors(i):
    check_error(BN_ERRORS[i])


@pytest.mark.parametrize("shape", [(2, 3, 5), (3, 2, 4, 3), (2, 2, 3, 2, 3)])
@pytest.mark.parametrize("stats", [False, True])
def test_instance_norm_functional(shape, stats):
    x = _x(*shape)
    c = shape[1]
    rm, rv = _x(c), np.abs(_x(c)) + 0.5
    re_m, rt_m = _pair(rm)
    re_v, rt_v = _pair(rv)

    def call(m, x, w, b):
        mean, var = (re_m, re_v) if m is ember else (rt_m, rt_v)
        return m.nn.functional.instance_norm(x, mean if stats else None, var if stats else None, w, b, momentum=0.2)
    e, t = check(call, [x, _x(c), _x(c)], dtype=np.float64, grad=True, atol=1e-10, grad_atol=1e-9)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    assert_same(re_m, rt_m, atol=1e-12)
    assert_same(re_v, rt_v, atol=1e-12)
    check(lambda m, x: m.nn.functional.instance_norm(x, (re_m if m is ember else rt_m), (re_v if m is ember else rt_v),
                                                     use_input_stats=False), [x], dtype=np.float64, grad=True)
    check(lambda m, x: m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False), [x], dtype=np.float64)


@pytest.mark.parametrize("shape,norm", [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((3,), (3,)), ((2, 0, 3), (3,)),
                                        ((2, 3, 4, 2), [4, 2])])
def test_layer_norm_and_rms_norm(shape, norm):
    x = _x(*shape)
    w, b = _x(*norm), _x(*norm)
    e, t = check(lambda m, x, w, b: m.nn.functional.layer_norm(x, norm, w, b, 1e-4), [x, w, b], dtype=np.float64,
                 grad=True, atol=1e-10, grad_atol=1e-9)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    check(lambda m, x: m.layer_norm(x, norm), [x], dtype=np.float64, grad=True, atol=1e-10)
    for eps in (None, 1e-3):
        e, t = check(lambda m, x, w: m.nn.functional.rms_norm(x, norm, w, eps), [x, w], dtype=np.float64, grad=True,
                     atol=1e-10, grad_atol=1e-9)
        check(lambda m, x: m.rms_norm(x, norm, eps=eps), [x.astype(np.float32)], grad=True, atol=1e-5)
    if x.size:
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


@pytest.mark.parametrize("shape,norm", [((4, 7, 10), (10,)), ((3, 5, 6), (5, 6)), ((2, 1500), (1500,)),
                                        ((6,), (6,)), ((0, 4), (4,))])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_layer_norm_row_kernels(shape, norm, affine):
    """The (rows, inner) forward and torch's closed-form backward: every affine combination, rows long enough
    for pairwise sums, non-contiguous inputs, an offset mean, float32 and float64."""
    w = _x(*norm) if affine in ("both", "weight") else None
    b = _x(*norm) if affine in ("both", "bias") else None
    x = _x(*shape) * 3 + 20
    for dt, atol, gatol in ((np.float64, 1e-9, 1e-8), (np.float32, 1e-4, 1e-3)):
        params = [p.astype(dt) for p in (w, b) if p is not None]
        check(lambda m, x, *p: m.nn.functional.layer_norm(x, norm, *_affine_args(affine, p)), [x.astype(dt), *params],
              dtype=dt, grad=True, noncontig=True, atol=atol, grad_atol=gatol)


def _affine_args(affine, p):
    p = list(p) + [None, None]
    return {"both": (p[0], p[1]), "weight": (p[0], None), "bias": (None, p[0]), "none": (None, None)}[affine]


def test_layer_norm_half_input_float_params():
    """float16/bfloat16 input with float32 weight and bias (torch's mixed-dtype kernel): statistics and gradients
    in float32, output in the input's dtype."""
    x, w, b = _x(8, 32).astype(np.float32), _x(32).astype(np.float32), _x(32).astype(np.float32)
    for half in ("float16", "bfloat16"):
        check(lambda m, x, w, b: m.nn.functional.layer_norm(x.to(getattr(m, half)), (32,), w, b).float(), [x, w, b],
              grad=True, atol=2e-2, grad_atol=5e-2, grad_rtol=5e-2)


def test_rms_norm_reduced_precision():
    x = _x(4, 8).astype(np.float32)
    out = {}
    for m in (ember, torch):
        t = m.tensor(x).to(m.bfloat16)
        out[m] = m.nn.functional.rms_norm(t, (8,), m.ones(8, dtype=m.bfloat16))
    assert_same(out[ember], out[torch], atol=1e-2)


@pytest.mark.parametrize("shape,groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4), 4), ((1, 6, 2, 2, 2), 1)])
def test_group_norm(shape, groups):
    x = _x(*shape)
    c = shape[1]
    e, t = check(lambda m, x, w, b: m.nn.functional.group_norm(x, groups, w, b, 1e-4), [x, _x(c), _x(c)],
                 dtype=np.float64, grad=True, atol=1e-10, grad_atol=1e-9)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    check(lambda m, x: m.group_norm(x, groups), [x], dtype=np.float64, grad=True, atol=1e-10)


@pytest.mark.parametrize("shape,size", [((2, 5, 7), 3), ((2, 6, 4, 3), 2), ((1, 7, 3, 2, 2), 5), ((2, 0, 4), 2)])
def test_local_response_norm(shape, size):
    check(lambda m, x: m.nn.functional.local_response_norm(x, size, alpha=0.1, beta=0.6, k=1.5), [_x(*shape)],
          dtype=np.float64, grad=True, atol=1e-10, grad_atol=1e-9)
    me, mt = ember.nn.LocalResponseNorm(size, 0.1), torch.nn.LocalResponseNorm(size, 0.1)
    assert repr(me) == repr(mt)


@pytest.mark.parametrize("c,size", [(7, 5), (6, 2), (3, 5), (1, 3), (8, 3)])
def test_cross_map_lrn2d(c, size):
    me, mt = ember.nn.CrossMapLRN2d(size, 0.2, 0.7, 1.2), torch.nn.CrossMapLRN2d(size, 0.2, 0.7, 1.2)
    assert repr(me) == repr(mt)
    e, t = check(lambda m, x: (me if m is ember else mt)(x), [_x(2, c, 3, 4)], dtype=np.float64, grad=True,
                 atol=1e-10, grad_atol=1e-9)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    check_error(lambda m: (me if m is ember else mt)(m.zeros(2, 3, 4)))


def test_norm_gradcheck():
    F = ember.nn.functional
    x = ember.tensor(_x(3, 4, 5), requires_grad=True)
    w = ember.tensor(_x(4), requires_grad=True)
    b = ember.tensor(_x(4), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (x, w, b))
    assert ember.autograd.gradgradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (x, w, b))
    assert ember.autograd.gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    assert ember.autograd.gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))
    lw = ember.tensor(_x(5), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, w: F.layer_norm(x, (5,), w), (x, lw))
    assert ember.autograd.gradgradcheck(lambda x, w: F.layer_norm(x, (5,), w), (x, lw))
    assert ember.autograd.gradcheck(lambda x, w: F.rms_norm(x, (5,), w), (x, lw))
    assert ember.autograd.gradcheck(lambda x: F.local_response_norm(x, 3), (x,))


# ----------------------------------------------------------------------------------------------------
# modules

@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (3, 3, 4, 2)), ("BatchNorm3d", (2, 3, 2, 3, 2))])
@pytest.mark.parametrize("kw", [{}, dict(momentum=None), dict(affine=False, eps=1e-3),
                                dict(track_running_stats=False), dict(bias=False, momentum=0.5)])
def test_batch_norm_module(name, shape, kw):
    me, mt = getattr(ember.nn, name)(3, **kw), getattr(torch.nn, name)(3, **kw)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    _same_training_steps(me, mt, shape, 3, lambda y: y.sum())
    _same_state_dict(me, mt)
    _same_eval_output(me, mt, shape)


def test_batch_norm_module_errors_and_old_state_dict():
    for m in (ember, torch):
        with pytest.raises(ValueError):
            m.nn.BatchNorm2d(3)(m.zeros(2, 3, 4))
        with pytest.raises(ValueError):
            m.nn.BatchNorm1d(3)(m.zeros(2, 3, 4, 4))
        with pytest.raises(ValueError):
            m.nn.BatchNorm1d(3)(m.zeros(1, 3))
    import collections
    me = ember.nn.BatchNorm1d(3)
    me.num_batches_tracked.fill_(5)
    old = collections.OrderedDict((k, v) for k, v in me.state_dict().items() if k != "num_batches_tracked")
    old._metadata = {"": {"version": 1}}
    me.load_state_dict(old)
    assert int(me.num_batches_tracked) == 5
    me.load_state_dict(dict(old))
    old._metadata = {"": {"version": 2}}
    with pytest.raises(RuntimeError):
        me.load_state_dict(old)


@pytest.mark.parametrize("name,shape", [("LazyBatchNorm1d", (4, 5)), ("LazyBatchNorm2d", (2, 5, 3, 3)),
                                        ("LazyInstanceNorm1d", (2, 5, 4)), ("LazyInstanceNorm3d", (1, 5, 2, 2, 3))])
def test_lazy_norm(name, shape):
    me, mt = getattr(ember.nn, name)(), getattr(torch.nn, name)()
    x = _x(*shape).astype(np.float32)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-5)
    assert type(me).__name__ == type(mt).__name__
    assert repr(me) == repr(mt)
    _same_state_dict(me, mt)


def test_sync_batch_norm_single_process():
    me, mt = ember.nn.SyncBatchNorm(3), torch.nn.SyncBatchNorm(3)
    assert repr(me) == repr(mt)
    x = _x(4, 3, 2).astype(np.float32)
    assert_same(me(ember.tensor(x)), mt(torch.tensor(x)), atol=1e-5)
    seq = ember.nn.SyncBatchNorm.convert_sync_batchnorm(ember.nn.Sequential(ember.nn.BatchNorm2d(3)))
    assert type(seq[0]).__name__ == "SyncBatchNorm"
    with pytest.raises(NotImplementedError):
        ember.nn.SyncBatchNorm(3, process_group=object())


@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (2, 3, 4, 3)), ("InstanceNorm2d", (3, 4, 3)),
                                        ("InstanceNorm3d", (2, 3, 2, 3, 2))])
@pytest.mark.parametrize("kw", [{}, dict(affine=True), dict(track_running_stats=True, momentum=0.3),
                                dict(affine=True, track_running_stats=True, momentum=None)])
def test_instance_norm_module(name, shape, kw):
    me, mt = getattr(ember.nn, name)(3, **kw), getattr(torch.nn, name)(3, **kw)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    _same_training_steps(me, mt, shape, 2, lambda y: (y * y).sum())
    _same_state_dict(me, mt)
    _same_eval_output(me, mt, shape)


def test_instance_norm_channel_mismatch():
    for m in (ember, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.InstanceNorm1d(4)(m.zeros(2, 3, 5))
        assert any("does not match num_features" in str(x.message) for x in w)
        with pytest.raises(ValueError):
            m.nn.InstanceNorm1d(4, affine=True)(m.zeros(2, 3, 5))
        with pytest.raises(ValueError):
            m.nn.InstanceNorm2d(3)(m.zeros(2, 3))


@pytest.mark.parametrize("ctor,shape", [
    (lambda m: m.nn.LayerNorm(5), (3, 5)), (lambda m: m.nn.LayerNorm([3, 4], eps=1e-3, bias=False), (2, 3, 4)),
    (lambda m: m.nn.LayerNorm(4, elementwise_affine=False), (2, 4)),
    (lambda m: m.nn.GroupNorm(2, 4), (3, 4, 5)), (lambda m: m.nn.GroupNorm(3, 6, affine=False), (2, 6, 2, 2)),
    (lambda m: m.nn.GroupNorm(1, 2, bias=False, eps=0.1), (2, 2)),
    (lambda m: m.nn.RMSNorm(5), (3, 5)), (lambda m: m.nn.RMSNorm([2, 3], eps=1e-4), (4, 2, 3)),
    (lambda m: m.nn.RMSNorm(3, elementwise_affine=False), (2, 3)),
])
def test_affine_norm_modules(ctor, shape):
    me, mt = ctor(ember), ctor(torch)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    for pe, pt in zip(me.parameters(), mt.parameters()):
        assert_same(pe, pt, exact=True)
    x = _x(*shape).astype(np.float32)
    xe, xt = _pair(x, requires_grad=True)
    ye, yt = me(xe), mt(xt)
    assert_same(ye, yt, atol=1e-5)
    (ye * ye).sum().backward()
    (yt * yt).sum().backward()
    assert_same(xe.grad, xt.grad, atol=1e-4)
    for pe, pt in zip(me.parameters(), mt.parameters()):
        assert_same(pe.grad, pt.grad, atol=1e-4)


def test_group_norm_constructor_error():
    for m in (ember, torch):
        with pytest.raises(ValueError):
            m.nn.GroupNorm(4, 6)


_DTS = ("float16", "bfloat16", "float32", "float64")


@pytest.mark.parametrize("xd", _DTS)
def test_norm_parameter_dtypes(xd):
    """torch's CPU rules: parameters of the input's dtype, or float32 ones for a float16/bfloat16 input."""
    x = _x(4, 3, 5).astype(np.float32)
    for wd in _DTS:
        for bd in _DTS:
            calls = (lambda m, w, b: m.nn.functional.layer_norm(m.tensor(x).to(getattr(m, xd)), (5,), w(5), b(5)),
                     lambda m, w, b: m.nn.functional.batch_norm(m.tensor(x).to(getattr(m, xd)), b(3), w(3) + 1,
                                                                w(3), b(3), True),
                     lambda m, w, b: m.nn.functional.group_norm(m.tensor(x).to(getattr(m, xd)), 3, w(3), b(3)))
            for call in calls:
                def run(m):
                    return call(m, lambda n: m.ones(n, dtype=getattr(m, wd)), lambda n: m.zeros(n, dtype=getattr(m, bd)))
                try:
                    t = run(torch)
                except RuntimeError:
                    check_error(run, match_message=True)
                    continue
                assert_same(run(ember), t, atol=2e-2)
    check_error(lambda m: m.nn.functional.layer_norm(m.zeros(2, 3, dtype=m.long), (3,)), match_message=True)
    check_error(lambda m: m.nn.functional.group_norm(m.zeros(2, 3, dtype=m.long), 3), match_message=True)
