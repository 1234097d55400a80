"""nn.utils.rnn (pack / pad helpers, PackedSequence), legacy weight_norm / spectral_norm, parametrize and
parametrizations (weight_norm, spectral_norm, orthogonal) against torch: values, dtypes, gradients, state_dict
keys and metadata, seeded random draws and errors."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check, check_error

RNG = np.random.default_rng(0)
ER, TR = ember.nn.utils.rnn, torch.nn.utils.rnn


def randn(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def seqs_pair(lengths, trailing=(3,), requires_grad=False):
    arrays = [randn(n, *trailing) for n in lengths]
    return ([ember.tensor(a, requires_grad=requires_grad) for a in arrays],
            [torch.tensor(a, requires_grad=requires_grad) for a in arrays])


def assert_packed(e, t):
    assert isinstance(e, ER.PackedSequence)
    for a, b in zip(e, t):
        if b is None:
            assert a is None
        else:
            assert_same(a, b, atol=0)


# ----------------------------------------------------------------------------------------------------
# pad / pack

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("trailing", [(), (3,), (2, 2)], ids=str)
def test_pad_sequence(batch_first, side, trailing):
    es, ts = seqs_pair([2, 5, 3], trailing, requires_grad=True)
    oe = ER.pad_sequence(es, batch_first=batch_first, padding_value=-1.5, padding_side=side)
    ot = TR.pad_sequence(ts, batch_first=batch_first, padding_value=-1.5, padding_side=side)
    assert_same(oe, ot, atol=0, strides=True)
    w = randn(*ot.shape)
    (ot * torch.tensor(w)).sum().backward()
    (oe * ember.tensor(w)).sum().backward()
    for a, b in zip(es, ts):
        assert_same(a.grad, b.grad, atol=0)


def test_pad_sequence_inputs_and_errors():
    x = randn(3, 4, 2)
    assert_same(ER.pad_sequence(ember.tensor(x)), TR.pad_sequence(torch.tensor(x)), atol=0)
    ints = [np.arange(3), np.arange(5)]
    assert_same(ER.pad_sequence([ember.tensor(a) for a in ints], True, 7),
                TR.pad_sequence([torch.tensor(a) for a in ints], True, 7), atol=0)
    mixed_e = [ember.tensor(randn(2, 3)), ember.tensor(randn(4, 3), dtype=ember.float64)]
    mixed_t = [torch.tensor(a.numpy()) for a in mixed_e]
    assert_same(ER.pad_sequence(mixed_e), TR.pad_sequence(mixed_t), atol=0)
    for fn in (lambda m: m.nn.utils.rnn.pad_sequence([]),
               lambda m: m.nn.utils.rnn.pad_sequence([m.zeros(2, 3)], padding_side="middle"),
               lambda m: m.nn.utils.rnn.pad_sequence([m.zeros(2, 3), m.zeros(2, 4)]),
               lambda m: m.nn.utils.rnn.pad_sequence(5)):
        e, t = check_error(fn)
        assert str(e) == str(t)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("lengths_as_tensor", [False, True])
def test_pack_pad_roundtrip(batch_first, enforce_sorted, lengths_as_tensor):
    lengths = [5, 4, 4, 2] if enforce_sorted else [4, 5, 2, 4]
    x = randn(*((4, 5, 3) if batch_first else (5, 4, 3)))
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    le = ember.tensor(lengths) if lengths_as_tensor else lengths
    lt = torch.tensor(lengths) if lengths_as_tensor else lengths
    pe = ER.pack_padded_sequence(xe, le, batch_first=batch_first, enforce_sorted=enforce_sorted)
    pt = TR.pack_padded_sequence(xt, lt, batch_first=batch_first, enforce_sorted=enforce_sorted)
    assert_packed(pe, pt)
    for kw in (dict(), dict(padding_value=3.0, total_length=7)):
        oe, lens_e = ER.pad_packed_sequence(pe, batch_first=batch_first, **kw)
        ot, lens_t = TR.pad_packed_sequence(pt, batch_first=batch_first, **kw)
        assert_same(oe, ot, atol=0)
        assert_same(lens_e, lens_t, atol=0)
    w = randn(*ot.shape)
    (ot * torch.tensor(w)).sum().backward()
    (oe * ember.tensor(w)).sum().backward()
    assert_same(xe.grad, xt.grad, atol=0)


def test_pack_sequence_unpack_unpad():
    for enforce in (True, False):
        lengths = [5, 3, 2] if enforce else [3, 5, 2]
        es, ts = seqs_pair(lengths)
        pe, pt = ER.pack_sequence(es, enforce_sorted=enforce), TR.pack_sequence(ts, enforce_sorted=enforce)
        assert_packed(pe, pt)
        assert str(pe) == str(pt)
        assert_same(ER.unpack_sequence(pe), TR.unpack_sequence(pt), atol=0)
    x = randn(5, 3, 2)
    pe, pt = ember.tensor(x), torch.tensor(x)
    ue = ER.unpad_sequence(pe, ember.tensor([5, 2, 3]))
    ut = TR.unpad_sequence(pt, torch.tensor([5, 2, 3]))
    assert_same(ue, ut, atol=0)
    assert tuple(pe.shape) == tuple(pt.shape) == (3, 5, 2)  # torch transposes the input in place


def test_pack_errors():
    x = lambda m: m.zeros(4, 3, 2)  # noqa: E731
    cases = [
        lambda m: m.nn.utils.rnn.pack_padded_sequence(x(m), [1, 2, 3]),
        lambda m: m.nn.utils.rnn.pack_padded_sequence(x(m), [3, 2, 0]),
        lambda m: m.nn.utils.rnn.pack_padded_sequence(x(m), [3, 2]),
        lambda m: m.nn.utils.rnn.pack_padded_sequence(x(m), m.tensor([[3, 2, 1]])),
        lambda m: m.nn.utils.rnn.pad_packed_sequence(
            m.nn.utils.rnn.pack_sequence([m.zeros(3), m.zeros(2)]), total_length=2),
        lambda m: m.nn.utils.rnn.pack_sequence([m.zeros(2), m.zeros(3)]),
    ]
    for fn in cases:
        e, t = check_error(fn)
        assert str(e) == str(t)


def test_packed_sequence_methods():
    es, ts = seqs_pair([3, 1, 2])
    pe = ER.pack_sequence(es, enforce_sorted=False)
    pt = TR.pack_sequence(ts, enforce_sorted=False)
    assert pe.to(ember.float32) is pe
    for name in ("double", "float", "half", "long", "int", "short", "char", "byte"):
        assert_packed(getattr(pe, name)(), getattr(pt, name)())
    assert_packed(pe.to(dtype=ember.float64), pt.to(dtype=torch.float64))
    assert_packed(pe.cpu(), pt.cpu())
    assert pe.is_cuda is False
    assert_same(ER.invert_permutation(ember.tensor([2, 0, 3, 1])), TR.invert_permutation(torch.tensor([2, 0, 3, 1])),
                atol=0)
    assert ER.invert_permutation(None) is None
    manual = ER.PackedSequence(pe.data, pe.batch_sizes)
    assert manual.sorted_indices is None and manual.unsorted_indices is None
    assert ER.PackedSequence((pe.data, pe.batch_sizes)).batch_sizes is pe.batch_sizes


# ----------------------------------------------------------------------------------------------------
# legacy weight_norm / spectral_norm

def pair(ctor, seed=0):
    torch.manual_seed(seed)
    ember.manual_seed(seed)
    return ctor(ember), ctor(torch)


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm_legacy(dim):
    e, t = pair(lambda m: m.nn.Conv2d(2, 3, 3))
    with pytest.warns(FutureWarning):
        ember.nn.utils.weight_norm(e, dim=dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(t, dim=dim)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight_g, t.weight_g, atol=1e-6)
    x = randn(2, 2, 5, 5)
    oe, ot = e(ember.tensor(x)), t(torch.tensor(x))
    assert_same(oe, ot, atol=1e-5)
    ot.sum().backward()
    oe.sum().backward()
    assert_same(e.weight_g.grad, t.weight_g.grad, atol=1e-4)
    assert_same(e.weight_v.grad, t.weight_v.grad, atol=1e-4)
    ember.nn.utils.remove_weight_norm(e)
    torch.nn.utils.remove_weight_norm(t)
    assert isinstance(e.weight, ember.nn.Parameter)
    assert_same(e.weight, t.weight, atol=1e-6)
    assert list(e.state_dict()) == list(t.state_dict())


def test_weight_norm_errors_and_torch_level():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn in (lambda m: m.nn.utils.weight_norm(m.nn.utils.weight_norm(m.nn.Linear(2, 3))),
                   lambda m: m.nn.utils.remove_weight_norm(m.nn.Linear(2, 3))):
            check_error(fn)
    for dim in (0, 1, 2, -1):
        check(lambda m, v: m.norm_except_dim(v, 2, dim), [(3, 4, 5)], grad=True)


def test_spectral_norm_legacy():
    e, t = pair(lambda m: m.nn.Linear(5, 4))
    ember.nn.utils.spectral_norm(e, n_power_iterations=2)
    torch.nn.utils.spectral_norm(t, n_power_iterations=2)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.state_dict()._metadata[""] == t.state_dict()._metadata[""]
    assert_same(e.weight_u, t.weight_u, atol=1e-6)
    x = randn(3, 5)
    for _ in range(3):
        oe, ot = e(ember.tensor(x)), t(torch.tensor(x))
        assert_same(oe, ot, atol=1e-5)
    ot.sum().backward()
    oe.sum().backward()
    assert_same(e.weight_orig.grad, t.weight_orig.grad, atol=1e-5)
    e.eval(), t.eval()
    assert_same(e(ember.tensor(x)), t(torch.tensor(x)), atol=1e-5)
    # a state dict from before weight_v was stored (no version metadata) loads through the pre-hook, which
    # solves for v (W^T W must be invertible: a tall weight)
    tall = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 5))
    tall(torch.zeros(1, 3))
    old = {k: v for k, v in tall.state_dict().items() if not k.endswith("_v")}
    old["weight"] = tall.weight.detach()
    t2 = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 5))
    e2 = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 5))
    t2.load_state_dict(old)
    e2.load_state_dict({k: ember.tensor(v.numpy()) for k, v in old.items()})
    assert_same(e2.weight_v, t2.weight_v, atol=1e-4)
    ember.nn.utils.remove_spectral_norm(e)
    torch.nn.utils.remove_spectral_norm(t)
    assert_same(e.weight, t.weight, atol=1e-6)
    check_error(lambda m: m.nn.utils.remove_spectral_norm(m.nn.Linear(2, 3)))
    check_error(lambda m: m.nn.utils.spectral_norm(m.nn.utils.spectral_norm(m.nn.Linear(2, 3))))


def test_spectral_norm_conv_transpose_dim():
    e, t = pair(lambda m: m.nn.utils.spectral_norm(m.nn.ConvTranspose2d(3, 2, 2)))
    assert_same(e.weight_u, t.weight_u, atol=1e-6)
    assert tuple(e.weight_u.shape) == (2,)


# ----------------------------------------------------------------------------------------------------
# parametrize

def symmetric(m):
    class Symmetric(m.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

        def right_inverse(self, a):
            return a.triu()
    return Symmetric()


def scale2(m):
    class Scale(m.nn.Module):
        def forward(self, x):
            return 2 * x
    return Scale()


def test_register_and_remove_parametrization():
    P = ember.nn.utils.parametrize
    e, t = pair(lambda m: m.nn.Linear(4, 4))
    P.register_parametrization(e, "weight", symmetric(ember))
    torch.nn.utils.parametrize.register_parametrization(t, "weight", symmetric(torch))
    assert type(e).__name__ == "ParametrizedLinear"
    assert P.type_before_parametrizations(e) is ember.nn.Linear
    assert P.is_parametrized(e) and P.is_parametrized(e, "weight") and not P.is_parametrized(e, "bias")
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e).replace("ember", "torch") == repr(t)
    assert_same(e.weight, t.weight, atol=0)
    x = randn(3, 4)
    oe, ot = e(ember.tensor(x)), t(torch.tensor(x))
    assert_same(oe, ot, atol=1e-6)
    ot.sum().backward()
    oe.sum().backward()
    assert_same(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad, atol=1e-5)
    with P.cached():
        assert e.weight is e.weight
    assert e.weight is not e.weight
    new = randn(4, 4)
    with torch.no_grad():
        t.weight = torch.tensor(new)
    with ember.no_grad():
        e.weight = ember.tensor(new)
    assert_same(e.parametrizations.weight.original, t.parametrizations.weight.original, atol=0)
    P.register_parametrization(e, "weight", scale2(ember))
    torch.nn.utils.parametrize.register_parametrization(t, "weight", scale2(torch))
    assert_same(e.weight, t.weight, atol=0)
    with pytest.raises(RuntimeError):
        pickle.dumps(e)
    e_copy = copy.deepcopy(e)
    assert_same(e_copy.weight, t.weight, atol=0)
    for leave in (True, False):
        # (a deepcopy shares the Parametrized class, whose property removal would also strip the original)
        e2, t2 = pair(lambda m: m.nn.Linear(4, 4))
        for mod, m in ((e2, ember), (t2, torch)):
            m.nn.utils.parametrize.register_parametrization(mod, "weight", symmetric(m))
            m.nn.utils.parametrize.register_parametrization(mod, "weight", scale2(m))
        P.remove_parametrizations(e2, "weight", leave_parametrized=leave)
        torch.nn.utils.parametrize.remove_parametrizations(t2, "weight", leave_parametrized=leave)
        assert type(e2) is ember.nn.Linear
        assert isinstance(e2.weight, ember.nn.Parameter)
        assert_same(e2.weight, t2.weight, atol=0)
        assert list(e2.state_dict()) == list(t2.state_dict())


def test_parametrize_errors():
    P = lambda m: m.nn.utils.parametrize  # noqa: E731

    class Shrink:
        pass

    def shrink(m):
        class S(m.nn.Module):
            def forward(self, x):
                return x[:-1]
        return S()

    cases = [
        lambda m: P(m).register_parametrization(m.nn.Linear(2, 3), "nope", scale2(m)),
        lambda m: P(m).register_parametrization(m.nn.Linear(2, 3), "weight", shrink(m)),
        lambda m: P(m).remove_parametrizations(m.nn.Linear(2, 3), "weight"),
        lambda m: P(m).ParametrizationList([], m.zeros(2)),
    ]
    for fn in cases:
        check_error(fn)
    e = P(ember).register_parametrization(ember.nn.Linear(2, 3), "weight", shrink(ember), unsafe=True)
    assert tuple(e.weight.shape) == (2, 2)


def test_parametrizations_weight_norm():
    PE, PT = ember.nn.utils.parametrizations, torch.nn.utils.parametrizations
    for dim in (0, 1):
        e, t = pair(lambda m: m.nn.Linear(5, 3))
        PE.weight_norm(e, dim=dim)
        PT.weight_norm(t, dim=dim)
        assert list(e.state_dict()) == list(t.state_dict())
        x = randn(4, 5)
        oe, ot = e(ember.tensor(x)), t(torch.tensor(x))
        assert_same(oe, ot, atol=1e-6)
        ot.sum().backward()
        oe.sum().backward()
        for name in ("original0", "original1"):
            assert_same(getattr(e.parametrizations.weight, name).grad, getattr(t.parametrizations.weight, name).grad,
                        atol=1e-5)
    # a legacy weight_norm state dict loads into the parametrized module
    legacy = ember.nn.Linear(5, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ember.nn.utils.weight_norm(legacy)
    target = PE.weight_norm(ember.nn.Linear(5, 3))
    target.load_state_dict(legacy.state_dict())
    np.testing.assert_allclose(target.weight.detach().numpy(), legacy.weight.detach().numpy(), atol=1e-6)


def test_parametrizations_spectral_norm():
    PE, PT = ember.nn.utils.parametrizations, torch.nn.utils.parametrizations
    for ctor, kw in ((lambda m: m.nn.Linear(5, 4), dict()), (lambda m: m.nn.Conv1d(2, 3, 3), dict(dim=1)),
                     (lambda m: m.nn.Linear(5, 4), dict(n_power_iterations=3, eps=1e-6))):
        e, t = pair(ctor)
        PE.spectral_norm(e, **kw)
        PT.spectral_norm(t, **kw)
        assert list(e.state_dict()) == list(t.state_dict())
        assert_same(e.parametrizations.weight[0]._u, t.parametrizations.weight[0]._u, atol=1e-6)
        for _ in range(2):
            assert_same(e.weight, t.weight, atol=1e-5)
        e.eval(), t.eval()
        assert_same(e.weight, t.weight, atol=1e-5)
    bias_e, bias_t = pair(lambda m: m.nn.Linear(3, 4))
    PE.spectral_norm(bias_e, "bias")
    PT.spectral_norm(bias_t, "bias")
    assert_same(bias_e.bias, bias_t.bias, atol=1e-6)
    check_error(lambda m: m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(3, 4), dim=2))
    check_error(lambda m: m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(3, 4), n_power_iterations=0))


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)], ids=str)
@pytest.mark.parametrize("orth_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("triv", [True, False])
def test_orthogonal(shape, orth_map, triv):
    e, t = pair(lambda m: m.nn.Linear(shape[1], shape[0]))
    ember.nn.utils.parametrizations.orthogonal(e, orthogonal_map=orth_map, use_trivialization=triv)
    torch.nn.utils.parametrizations.orthogonal(t, orthogonal_map=orth_map, use_trivialization=triv)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight, t.weight, atol=1e-5)
    x = randn(2, shape[1])
    oe, ot = e(ember.tensor(x)), t(torch.tensor(x))
    ot.sum().backward()
    oe.sum().backward()
    assert_same(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad, atol=1e-4)
    w = randn(*shape)

    def assign(m, mod):
        with m.no_grad():
            mod.weight = m.tensor(w)
        return mod.weight
    if triv or orth_map == "householder":
        assert_same(assign(ember, e), assign(torch, t), atol=1e-5)
    else:
        check_error(lambda m: assign(m, e if m is ember else t))


def test_orthogonal_errors():
    check_error(lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(3, 3), orthogonal_map="qr"))
    check_error(lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(3, 3), "bias"))
    check_error(lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(3, 3), "nope"))
