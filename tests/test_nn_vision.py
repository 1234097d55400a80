"""Vision and distance ops against torch: interpolate (every mode, sizes/scale factors, align_corners,
recompute_scale_factor, antialias), the Upsample layers, grid_sample/affine_grid, pixel/channel shuffle,
fold/unfold, pairwise_distance/cosine_similarity/pdist/cdist — values, gradients, grad_fn names, gradcheck,
double backward, reprs and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(3)


def _x(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _name(o):
    return type(o.grad_fn).__name__


# ----------------------------------------------------------------------------------------------------
# interpolate

INTERP = [
    ("nearest", (2, 3, 7), dict(size=11)), ("nearest", (2, 3, 7), dict(scale_factor=1.7)),
    ("nearest", (2, 2, 5, 6), dict(scale_factor=(2, 0.5))), ("nearest", (2, 2, 5, 6), dict(size=(3, 14))),
    ("nearest", (1, 2, 3, 4, 5), dict(scale_factor=1.5, recompute_scale_factor=True)),
    ("nearest-exact", (2, 3, 7), dict(scale_factor=0.6)), ("nearest-exact", (2, 2, 5, 6), dict(size=(9, 4))),
    ("nearest-exact", (1, 2, 3, 4, 5), dict(scale_factor=2)),
    ("linear", (2, 3, 7), dict(size=12)), ("linear", (2, 3, 7), dict(scale_factor=0.45, align_corners=True)),
    ("linear", (2, 3, 7), dict(size=1, align_corners=True)), ("linear", (2, 3, 1), dict(size=4)),
    ("bilinear", (2, 2, 5, 6), dict(scale_factor=1.7)), ("bilinear", (2, 2, 5, 6), dict(size=(8, 3), align_corners=True)),
    ("bilinear", (2, 2, 5, 6), dict(scale_factor=(2.3, 0.7), recompute_scale_factor=True)),
    ("trilinear", (1, 2, 3, 4, 5), dict(scale_factor=(1.5, 2, 0.6))),
    ("trilinear", (1, 2, 3, 4, 5), dict(size=(5, 2, 7), align_corners=True)),
    ("bicubic", (2, 2, 5, 6), dict(scale_factor=2.2)), ("bicubic", (2, 2, 5, 6), dict(size=(3, 9), align_corners=True)),
    ("bicubic", (2, 2, 5, 6), dict(scale_factor=0.5, align_corners=False)),
    ("area", (2, 3, 7), dict(size=3)), ("area", (2, 2, 5, 6), dict(scale_factor=0.5)),
    ("area", (1, 2, 6, 4, 5), dict(size=(3, 2, 2))),
    ("bilinear", (2, 2, 9, 8), dict(size=(4, 3), antialias=True)),
    ("bilinear", (2, 2, 9, 8), dict(scale_factor=0.3, antialias=True, align_corners=True)),
    ("bicubic", (2, 2, 9, 8), dict(size=(5, 13), antialias=True)),
    ("bicubic", (2, 2, 9, 8), dict(scale_factor=0.45, antialias=True)),
    ("lanczos", (2, 2, 9, 8), dict(size=(4, 3), antialias=True)),
    ("lanczos", (2, 2, 9, 8), dict(scale_factor=1.5, antialias=True)),
    ("nearest", (0, 2, 3, 3), dict(scale_factor=2)), ("bilinear", (0, 2, 3, 3), dict(size=5)),
]


@pytest.mark.parametrize("mode,shape,kw", INTERP, ids=[f"{c[0]}{i}" for i, c in enumerate(INTERP)])
def test_interpolate(mode, shape, kw):
    x = _x(*shape)
    e, t = check(lambda m, x: m.nn.functional.interpolate(x, mode=mode, **kw), [x], dtype=np.float64, grad=True,
                 atol=1e-10, grad_atol=1e-9)
    assert _name(e) == _name(t)
    check(lambda m, x: m.nn.functional.interpolate(x, mode=mode, **kw), [x.astype(np.float32)], grad=True,
          atol=1e-5, grad_atol=1e-4)


def test_interpolate_nearest_integer_and_half():
    xi = RNG.integers(0, 255, (2, 3, 5, 7)).astype(np.uint8)
    check(lambda m, x: m.nn.functional.interpolate(x, scale_factor=1.6, mode="nearest"), [xi])
    check(lambda m, x: m.nn.functional.interpolate(x, size=(4, 9), mode="nearest-exact"), [xi])
    out = {}
    x = _x(1, 2, 4, 4).astype(np.float32)
    for m in (ember, torch):
        out[m] = m.nn.functional.interpolate(m.tensor(x).to(m.bfloat16), scale_factor=2, mode="bilinear")
    assert_same(out[ember], out[torch], atol=5e-2)


def test_interpolate_gradcheck():
    F = ember.nn.functional
    x = ember.tensor(_x(1, 2, 4, 5), requires_grad=True)
    for kw in (dict(mode="bilinear", scale_factor=1.5), dict(mode="bicubic", size=(3, 7), align_corners=True),
               dict(mode="nearest", size=(6, 3)), dict(mode="bilinear", size=(2, 3), antialias=True)):
        assert ember.autograd.gradcheck(lambda x: F.interpolate(x, **kw), (x,))
        assert ember.autograd.gradgradcheck(lambda x: F.interpolate(x, **kw), (x,))


INTERP_ERRORS = [
    lambda m, x: m.nn.functional.interpolate(x, size=3, scale_factor=2),
    lambda m, x: m.nn.functional.interpolate(x),
    lambda m, x: m.nn.functional.interpolate(x, size=(3,)),
    lambda m, x: m.nn.functional.interpolate(x, size=(3.0, 2.0)),
    lambda m, x: m.nn.functional.interpolate(x, scale_factor=(2, 2, 2)),
    lambda m, x: m.nn.functional.interpolate(x, size=3, mode="nearest", align_corners=True),
    lambda m, x: m.nn.functional.interpolate(x, size=3, recompute_scale_factor=True),
    lambda m, x: m.nn.functional.interpolate(x, size=3, mode="linear"),
    lambda m, x: m.nn.functional.interpolate(x, size=3, mode="trilinear"),
    lambda m, x: m.nn.functional.interpolate(x[0], size=3, mode="bilinear"),
    lambda m, x: m.nn.functional.interpolate(x, size=3, mode="bogus"),
    lambda m, x: m.nn.functional.interpolate(x[0, 0], size=3),
    lambda m, x: m.nn.functional.interpolate(x[0], size=3, mode="linear", antialias=True),
    lambda m, x: m.nn.functional.interpolate(x, size=0, mode="bilinear"),
    lambda m, x: m.nn.functional.interpolate(x, size=3, mode="lanczos"),
]


@pytest.mark.parametrize("i", range(len(INTERP_ERRORS)))
def test_interpolate_errors(i):
    x = np.zeros((2, 3, 5, 5), np.float32)
    check_error(lambda m: INTERP_ERRORS[i](m, m.from_numpy(x.copy())))


@pytest.mark.parametrize("ctor,shape", [
    (lambda m: m.nn.Upsample(scale_factor=2), (1, 2, 3, 3)),
    (lambda m: m.nn.Upsample(size=(5, 4), mode="bilinear"), (1, 2, 3, 3)),
    (lambda m: m.nn.Upsample(scale_factor=(1.5, 2.0), mode="bicubic", align_corners=True), (1, 2, 3, 3)),
    (lambda m: m.nn.Upsample(size=7, mode="linear"), (2, 3, 4)),
    (lambda m: m.nn.UpsamplingNearest2d(scale_factor=3), (1, 1, 2, 3)),
    (lambda m: m.nn.UpsamplingBilinear2d(size=(4, 5)), (1, 2, 3, 3)),
])
def test_upsample_modules(ctor, shape):
    me, mt = ctor(ember), ctor(torch)
    assert repr(me) == repr(mt)
    check(lambda m, x: (me if m is ember else mt)(x), [_x(*shape)], dtype=np.float64, grad=True, atol=1e-10)


def test_deprecated_upsample_functions():
    x = _x(1, 2, 3, 3)
    for fn, kw in (("upsample", dict(scale_factor=2, mode="bilinear")), ("upsample_nearest", dict(size=5)),
                   ("upsample_bilinear", dict(scale_factor=2))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check(lambda m, x: getattr(m.nn.functional, fn)(x, **kw), [x], dtype=np.float64)
        with pytest.warns(UserWarning):
            getattr(ember.nn.functional, fn)(ember.tensor(x), **kw)


# ----------------------------------------------------------------------------------------------------
# grid_sample / affine_grid

GRID = [(nd, mode, pad, ac) for nd in (2, 3) for mode in ("bilinear", "nearest", "bicubic")
        for pad in ("zeros", "border", "reflection") for ac in (False, True) if not (nd == 3 and mode == "bicubic")]


@pytest.mark.parametrize("nd,mode,pad,ac", GRID, ids=["-".join(map(str, c)) for c in GRID])
def test_grid_sample(nd, mode, pad, ac):
    xs, gs = ((2, 3, 5, 6), (2, 4, 3, 2)) if nd == 2 else ((2, 2, 3, 4, 5), (2, 2, 3, 2, 3))
    x, g = _x(*xs), RNG.uniform(-1.4, 1.4, gs)
    e, t = check(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode=mode, padding_mode=pad, align_corners=ac),
                 [x, g], dtype=np.float64, grad=True, atol=1e-10, grad_atol=1e-9)
    assert _name(e) == _name(t)
    check(lambda m, x, g: m.grid_sampler(x, g, ("bilinear", "nearest", "bicubic").index(mode),
                                         ("zeros", "border", "reflection").index(pad), ac),
          [x.astype(np.float32), g.astype(np.float32)], grad=True, atol=1e-5, grad_atol=1e-4)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_grid_sample_double_backward(mode):
    x = ember.tensor(_x(1, 2, 4, 5), requires_grad=True)
    g = ember.tensor(RNG.uniform(-1.1, 1.1, (1, 2, 2, 2) if mode == "bilinear" else (1, 1, 2, 2)), requires_grad=True)
    F = ember.nn.functional
    assert ember.autograd.gradcheck(lambda x, g: F.grid_sample(x, g, mode=mode, align_corners=False), (x, g))
    assert ember.autograd.gradgradcheck(lambda x, g: F.grid_sample(x, g, mode=mode, padding_mode="border",
                                                                   align_corners=True), (x, g))


GRID_ERRORS = [
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 4, 4), m.zeros(1, 3, 3, 1), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 4, 4), m.zeros(2, 3, 3, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 4, 4), m.zeros(1, 3, 3, 2).double(), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 3, 4, 4), m.zeros(1, 3, 3, 3, 3), mode="bicubic",
                                          align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 4, 4), m.zeros(1, 3, 3, 2), mode="area"),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 4, 4), m.zeros(1, 3, 3, 2), padding_mode="wrap"),
    lambda m: m.nn.functional.grid_sample(m.zeros(1, 2, 0, 4), m.zeros(1, 3, 3, 2), align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 2, 3), (2, 3, 4, 5, 6), align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 2, 3), (2, 3, 0, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 2, 3).int(), (2, 3, 4, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 2, 3), (2, 3, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 3, 4), (2, 3, 4, 5), align_corners=False),
]


@pytest.mark.parametrize("i", range(len(GRID_ERRORS)))
def test_grid_errors(i):
    check_error(GRID_ERRORS[i])


def test_grid_sample_warns_without_align_corners():
    with pytest.warns(UserWarning):
        ember.nn.functional.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2))
    with pytest.warns(UserWarning):
        ember.nn.functional.affine_grid(ember.zeros(1, 2, 3), (1, 1, 2, 2))


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (1, 2, 3, 4, 2), (1, 1, 2, 1, 3)])
@pytest.mark.parametrize("ac", [False, True])
def test_affine_grid(size, ac):
    nd = len(size) - 2
    theta = _x(size[0], nd, nd + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = check(lambda m, th: m.nn.functional.affine_grid(th, size, align_corners=ac), [theta], dtype=np.float64,
                     grad=True, atol=1e-12)
        check(lambda m, th: m.affine_grid_generator(th, size, ac), [theta.astype(np.float32)], atol=1e-6)
    assert _name(e) == _name(t)


# ----------------------------------------------------------------------------------------------------
# pixel / channel shuffle

@pytest.mark.parametrize("shape,r", [((2, 8, 3, 3), 2), ((9, 2, 2), 3), ((2, 1, 4, 2, 3), 2), ((1, 5, 2, 2), 1)])
def test_pixel_shuffle(shape, r):
    x = _x(*shape)
    e, t = check(lambda m, x: m.nn.functional.pixel_shuffle(x, r), [x], dtype=np.float64, grad=True, atol=0)
    assert _name(e) == _name(t)
    y = e.detach().numpy()
    e, t = check(lambda m, y: m.pixel_unshuffle(y, r), [y], dtype=np.float64, grad=True, atol=0)
    assert _name(e) == _name(t)
    assert e.is_contiguous()
    for cls, arg in (("PixelShuffle", r), ("PixelUnshuffle", r)):
        assert repr(getattr(ember.nn, cls)(arg)) == repr(getattr(torch.nn, cls)(arg))
    check(lambda m, x: m.nn.PixelShuffle(r)(x), [x], dtype=np.float64)


@pytest.mark.parametrize("shape,g", [((2, 6, 3), 2), ((2, 6, 2, 2), 3), ((1, 4, 2, 1, 2), 4), ((2, 3, 2), 1)])
def test_channel_shuffle(shape, g):
    x = _x(*shape)
    e, t = check(lambda m, x: m.nn.functional.channel_shuffle(x, g), [x], dtype=np.float64, grad=True, atol=0)
    assert _name(e) == _name(t)
    check(lambda m, x: m.native_channel_shuffle(x, g), [x], dtype=np.float64, atol=0)
    assert repr(ember.nn.ChannelShuffle(g)) == repr(torch.nn.ChannelShuffle(g))
    check(lambda m, x: m.nn.ChannelShuffle(g)(x), [x], dtype=np.float64, grad=True)


SHUFFLE_ERRORS = [
    lambda m: m.nn.functional.pixel_shuffle(m.zeros(2, 8, 3, 3), 3),
    lambda m: m.nn.functional.pixel_shuffle(m.zeros(2, 8, 3, 3), 0),
    lambda m: m.nn.functional.pixel_shuffle(m.zeros(8, 3), 1),
    lambda m: m.nn.functional.pixel_unshuffle(m.zeros(2, 8, 3, 4), 2),
    lambda m: m.nn.functional.pixel_unshuffle(m.zeros(2, 8, 4, 3), 2),
    lambda m: m.nn.functional.pixel_unshuffle(m.zeros(2, 8, 4, 4), -1),
    lambda m: m.nn.functional.channel_shuffle(m.zeros(2, 8, 3), 3),
    lambda m: m.nn.functional.channel_shuffle(m.zeros(2, 8, 3), 0),
    lambda m: m.nn.functional.channel_shuffle(m.zeros(2, 8), 2),
    lambda m: m.native_channel_shuffle(m.zeros(2, 4, 3, requires_grad=True) * 1, 2).sum().backward(),
]


@pytest.mark.parametrize("i", range(len(SHUFFLE_ERRORS)))
def test_shuffle_errors(i):
    check_error(SHUFFLE_ERRORS[i])


# ----------------------------------------------------------------------------------------------------
# fold / unfold

FOLD = [((2, 3, 6, 5), dict(kernel_size=2)), ((3, 6, 5), dict(kernel_size=(2, 3), stride=(2, 1), padding=1)),
        ((1, 2, 7, 7), dict(kernel_size=3, dilation=2, padding=(2, 1), stride=2)), ((0, 2, 4, 4), dict(kernel_size=2))]


@pytest.mark.parametrize("shape,kw", FOLD, ids=[str(i) for i in range(len(FOLD))])
def test_unfold_fold(shape, kw):
    x = _x(*shape)
    e, t = check(lambda m, x: m.nn.functional.unfold(x, **kw), [x], dtype=np.float64, grad=True, atol=0)
    if x.size:
        assert _name(e) == _name(t)
    cols = e.detach().numpy()
    e, t = check(lambda m, c: m.nn.functional.fold(c, shape[-2:], **kw), [cols], dtype=np.float64, grad=True,
                 atol=1e-12)
    if x.size:
        assert _name(e) == _name(t)
    assert repr(ember.nn.Unfold(**kw)) == repr(torch.nn.Unfold(**kw))
    assert repr(ember.nn.Fold(shape[-2:], **kw)) == repr(torch.nn.Fold(shape[-2:], **kw))
    check(lambda m, x: m.nn.Fold(shape[-2:], **kw)(m.nn.Unfold(**kw)(x)), [x], dtype=np.float64, grad=True)


def test_fold_gradgradcheck():
    x = ember.tensor(_x(1, 2, 4, 5), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: ember.nn.functional.unfold(x, 2, padding=1, stride=2), (x,))
    c = ember.tensor(_x(1, 8, 12), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda c: ember.nn.functional.fold(c, (4, 5), 2), (c,))


FOLD_ERRORS = [
    lambda m: m.nn.functional.unfold(m.zeros(3, 5), 2),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5), 6),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5), 0),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5), 2, stride=0),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5), 2, padding=-1),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5), (2, 2, 2)),
    lambda m: m.nn.functional.unfold(m.zeros(2, 0, 5, 5), 2),
    lambda m: m.nn.functional.unfold(m.zeros(2, 3, 5, 5).long(), 2),
    lambda m: m.nn.functional.fold(m.zeros(2, 12, 16), (5, 5), 3),
    lambda m: m.nn.functional.fold(m.zeros(2, 12, 16), (6, 5), 2),
    lambda m: m.nn.functional.fold(m.zeros(16), (5, 5), 2),
    lambda m: m.nn.functional.fold(m.zeros(2, 12, 16).long(), (5, 5), 2),
]


@pytest.mark.parametrize("i", range(len(FOLD_ERRORS)))
def test_fold_errors(i):
    check_error(FOLD_ERRORS[i])


# ----------------------------------------------------------------------------------------------------
# distances

@pytest.mark.parametrize("s1,s2", [((4, 5), (4, 5)), ((3, 4, 5), (4, 5)), ((5,), (5,)), ((4, 1), (1, 3)), ((), ())])
@pytest.mark.parametrize("p", [2.0, 1.0, 3.5, math.inf, 0.0])
def test_pairwise_distance(s1, s2, p):
    check(lambda m, a, b: m.nn.functional.pairwise_distance(a, b, p, 1e-6, True), [_x(*s1), _x(*s2)],
          dtype=np.float64, grad=True, atol=1e-10, grad_atol=1e-9)
    me, mt = ember.nn.PairwiseDistance(p, keepdim=False), torch.nn.PairwiseDistance(p, keepdim=False)
    assert repr(me) == repr(mt)
    check(lambda m, a, b: (me if m is ember else mt)(a, b), [_x(*s1), _x(*s2)], dtype=np.float64, atol=1e-10)


@pytest.mark.parametrize("s1,s2,dim", [((4, 5), (4, 5), 1), ((3, 4, 5), (4, 5), -1), ((5,), (5,), 0),
                                       ((2, 3), (1, 3), 0), ((3, 0), (3, 0), 1)])
def test_cosine_similarity(s1, s2, dim):
    e, t = check(lambda m, a, b: m.nn.functional.cosine_similarity(a, b, dim), [_x(*s1), _x(*s2)], dtype=np.float64,
                 grad=True, atol=1e-10, grad_atol=1e-9)
    check(lambda m, a, b: m.cosine_similarity(a, b, dim, 1e-3), [_x(*s1), _x(*s2)], dtype=np.float64, atol=1e-10)
    me, mt = ember.nn.CosineSimilarity(dim), torch.nn.CosineSimilarity(dim)
    assert repr(me) == repr(mt)
    zeros = np.zeros(s1)
    check(lambda m, a, b: m.nn.functional.cosine_similarity(a, b, dim), [zeros, _x(*s1)], dtype=np.float64,
          grad=True, atol=1e-10)
    check_error(lambda m: m.nn.functional.cosine_similarity(m.ones(3, dtype=m.long), m.ones(3, dtype=m.long), 0))


@pytest.mark.parametrize("shape", [(5, 3), (1, 4), (0, 3), (4, 0), (7, 6)])
@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 3.0, math.inf, 0.0])
def test_pdist(shape, p):
    x = _x(*shape)
    if shape == (7, 6):
        x[3] = x[1]  # a zero distance
    e, t = check(lambda m, x: m.nn.functional.pdist(x, p), [x], dtype=np.float64, grad=shape[0] > 0, atol=1e-10,
                 grad_atol=1e-9)
    if e.numel():
        assert _name(e) == _name(t)
    check(lambda m, x: m.pdist(x, p), [x.astype(np.float32)], atol=1e-5)


@pytest.mark.parametrize("s1,s2", [((4, 3), (5, 3)), ((2, 4, 3), (5, 3)), ((2, 1, 4, 3), (3, 5, 3)),
                                   ((30, 3), (5, 3)), ((2, 27, 4), (2, 6, 4)), ((0, 3), (4, 3)), ((3, 0), (2, 0))])
@pytest.mark.parametrize("p", [2.0, 1.0, 0.7, 3.0, math.inf, 0.0])
def test_cdist(s1, s2, p):
    a, b = _x(*s1), _x(*s2)
    e, t = check(lambda m, a, b: m.cdist(a, b, p), [a, b], dtype=np.float64, grad=True, atol=1e-9, grad_atol=1e-8)
    if e.numel():
        assert _name(e) == _name(t)


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist",
                                  "use_mm_for_euclid_dist_if_necessary"])
def test_cdist_compute_modes(mode):
    a, b = _x(3, 4), _x(30, 4)
    check(lambda m, a, b: m.cdist(a, b, compute_mode=mode), [a.astype(np.float32), b.astype(np.float32)], grad=True,
          atol=1e-4, grad_atol=1e-3)
    b[2] = a[1]  # a zero distance: its value (not its gradient, which is rounding noise on the mm path) is checked
    e, t = check(lambda m, a, b: m.cdist(a, b, compute_mode=mode), [a, b], dtype=np.float64, atol=1e-7)
    assert _name(e) == _name(t)


def test_distance_gradcheck():
    a = ember.tensor(_x(4, 3), requires_grad=True)
    b = ember.tensor(_x(5, 3), requires_grad=True)
    for p in (1.5, 2.0, 3.0):
        assert ember.autograd.gradcheck(lambda a, b: ember.cdist(a, b, p), (a, b))
        assert ember.autograd.gradcheck(lambda a: ember.pdist(a, p), (a,))
    assert ember.autograd.gradcheck(lambda a, b: ember.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), (a, b))
    assert ember.autograd.gradcheck(lambda a, b: ember.nn.functional.cosine_similarity(a, b[:4]), (a, b))
    assert ember.autograd.gradgradcheck(lambda a, b: ember.cdist(a, b), (a, b))


DIST_ERRORS = [
    lambda m: m.cdist(m.zeros(3), m.zeros(2, 3)),
    lambda m: m.cdist(m.zeros(2, 3), m.zeros(2, 4)),
    lambda m: m.cdist(m.zeros(2, 3), m.zeros(2, 3), -1.0),
    lambda m: m.cdist(m.zeros(2, 3, dtype=m.long), m.zeros(2, 3, dtype=m.long)),
    lambda m: m.cdist(m.zeros(2, 2, 3), m.zeros(3, 2, 3)),
    lambda m: m.cdist(m.zeros(2, 3), m.zeros(2, 3), compute_mode="fast"),
    lambda m: m.pdist(m.zeros(2, 3, 4)),
    lambda m: m.pdist(m.zeros(2, 3), -1),
    lambda m: m.pdist(m.zeros(2, 3, dtype=m.long)),
]


@pytest.mark.parametrize("i", range(len(DIST_ERRORS)))
def test_distance_errors(i):
    check_error(DIST_ERRORS[i])
