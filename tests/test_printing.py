"""repr/str of tensors, string-for-string against torch, and the print options."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import ember
from ember import _tensor_str


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def pair(a, dtype=None):
    """The same values as a torch and an ember tensor (``dtype``: a dtype name to convert both to)."""
    a = np.array(a)
    t, e = torch.from_numpy(a.copy()), ember.from_numpy(a.copy())
    if dtype is not None:
        t, e = t.to(getattr(torch, dtype)), e.to(getattr(ember, dtype))
    return t, e


def same_repr(a, dtype=None):
    t, e = pair(a, dtype)
    assert repr(e) == repr(t)
    assert str(e) == str(t)


rng = np.random.default_rng(0)

FIXED = {
    "ints_as_floats": [1.0, 2.0, -3.0],
    "scalar": 3.5,
    "scalar_int_valued": 2.0,
    "scalar_neg": -1.25,
    "zeros": [0.0, 0.0],
    "neg_zero": [0.0, -0.0, 1.0],
    "neg_zero_scalar": -0.0,
    "nan_inf": [np.nan, np.inf, -np.inf, 1.5],
    "only_nonfinite": [np.nan, -np.inf],
    "nan_scalar": np.nan,
    "small": [1e-5, 1.0],
    "large_ratio": [1e-3, 10.0],
    "big": [1e10, 1.0],
    "big_ints": [123456789.0, 1.0],
    "huge_range": [1e-300, 1e300],
    "ints_sci": [1.0, 1e9],
    "precision": [1.123456789, -22.5],
    "rand_3d": rng.standard_normal((3, 4, 5)),
    "rand_4d": rng.standard_normal((2, 2, 2, 2)),
    "wide": rng.standard_normal((4, 30)) * 100,
    "wide_1d": rng.standard_normal(50),
    "summarized_1d": rng.standard_normal(2000),
    "summarized_2d": np.arange(20000.0).reshape(20, 1000),
    "summarized_3d": rng.standard_normal((11, 10, 12)),
    "summarized_rows_only": rng.standard_normal((1001, 1)),
    "column": rng.standard_normal((5, 1)),
    "empty_1d": np.zeros(0),
    "empty_2d": np.zeros((0, 3)),
    "empty_3d": np.zeros((2, 0, 1)),
    "int64": np.arange(-5, 5),
    "int64_scalar": np.array(7),
    "int64_big": np.array([1, -10**12]),
    "int64_summarized": np.arange(5000),
    "int64_empty": np.zeros((0,), np.int64),
    "int32": np.arange(-5, 5, dtype=np.int32),
    "int16": np.arange(3, dtype=np.int16).reshape(3, 1),
    "int8": np.array([-128, 127], np.int8),
    "uint8": np.array([0, 255], np.uint8),
    "uint8_empty": np.zeros((1, 0), np.uint8),
    "bool": np.array([True, False]),
    "bool_all_true": np.array([[True], [True]]),
    "bool_scalar": np.array(False),
    "bool_empty": np.zeros(0, bool),
    "complex": (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64),
    "complex_signs": np.array([-1.5j, 1 + 0j, -0.0 - 0.0j, complex(np.nan, np.inf)], np.complex128),
    "complex_scalar": np.array(1 + 1j, np.complex64),
    "complex_sci": np.array([1e-7 + 1j, 5 + 1e9j]),
    "complex_summarized": (rng.standard_normal(1500) * 1j).astype(np.complex64),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_cases(name):
    same_repr(FIXED[name])


@pytest.mark.parametrize("name", ["ints_as_floats", "precision", "rand_3d", "nan_inf", "small", "big",
                                  "summarized_1d", "neg_zero"])
@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
def test_float_dtypes(name, dtype):
    with np.errstate(over="ignore"):
        same_repr(np.asarray(FIXED[name], np.float64), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int32", "complex128"])
def test_empty_dtypes(dtype):
    same_repr(np.zeros((0, 2)), dtype)
    same_repr(np.zeros(0), dtype)


finite = st.floats(allow_nan=False, allow_infinity=False, width=32)
anyfloat = st.floats(width=32)


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=4, max_side=6),
                  elements=st.one_of(finite, anyfloat, st.integers(-1000, 1000).map(float),
                                     st.sampled_from([0.0, -0.0, 1e-6, 1e9, 0.5]))))
def test_random_float32(a):
    same_repr(a)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                  elements=st.floats(-1e12, 1e12)))
def test_random_float64(a):
    same_repr(a)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(st.sampled_from([np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]),
                  hnp.array_shapes(min_dims=0, max_dims=3, max_side=6)))
def test_random_integer_and_bool(a):
    same_repr(a)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.complex128, hnp.array_shapes(min_dims=0, max_dims=2, max_side=5),
                  elements=st.complex_numbers(max_magnitude=1e6, allow_nan=False, allow_infinity=False)))
def test_random_complex(a):
    same_repr(a)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(0, 3), st.integers(20, 120), st.sampled_from([None, True, False]),
       st.integers(3, 60))
def test_random_printoptions(precision, edgeitems, linewidth, sci_mode, threshold):
    a = np.random.default_rng(precision).standard_normal((4, 9)) * 10.0 ** np.arange(-4, 5)
    kw = dict(precision=precision, edgeitems=edgeitems, linewidth=linewidth, sci_mode=sci_mode, threshold=threshold)
    torch.set_printoptions(**kw)
    ember.set_printoptions(**kw)
    same_repr(a)
    same_repr(a.astype(np.int64))
    same_repr(np.arange(100.0))


def test_summarize_edge_cases():
    for kw in (dict(threshold=5, edgeitems=0), dict(threshold=0), dict(threshold=3, edgeitems=1)):
        torch.set_printoptions(**kw)
        ember.set_printoptions(**kw)
        for a in (np.arange(10.0), np.arange(24).reshape(2, 3, 4), np.array(2.5), np.zeros((0, 2))):
            same_repr(a)


def test_profiles_and_options():
    for profile in ("short", "full", "default"):
        ember.set_printoptions(profile=profile)
        torch.set_printoptions(profile=profile)
        assert ember._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
        same_repr(np.arange(1500.0) / 7)
    ember.set_printoptions(precision=2, sci_mode=True)
    torch.set_printoptions(precision=2, sci_mode=True)
    assert ember._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    same_repr([1.0, 2.5])
    # sci_mode is reset by any call that does not pass it
    ember.set_printoptions(linewidth=40)
    torch.set_printoptions(linewidth=40)
    assert ember._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    same_repr(np.arange(30.0) / 3)


def test_printoptions_context_manager():
    with _tensor_str.printoptions(precision=1):
        assert repr(ember.tensor([1.25, 3.0])) == "tensor([1.2, 3.0])"
    assert ember._tensor_str.get_printoptions()["precision"] == 4


def test_default_dtype_changes_suffix():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    for a, dt in (([1.5], "float32"), ([1.5], "float64"), ([1j], "complex64"), ([1j], "complex128"),
                  (np.zeros((0,)), "float32"), (np.zeros((0,)), "float64")):
        same_repr(a, dt)


def test_autograd_suffixes():
    a = np.array([1.5, -2.0, 3.25], np.float32)
    t = torch.from_numpy(a.copy()).requires_grad_()
    e = ember.from_numpy(a.copy()).requires_grad_()
    assert repr(e) == repr(t)
    for fn in (lambda m, x: x + 1, lambda m, x: x * x, lambda m, x: x.sum(), lambda m, x: m.exp(x),
               lambda m, x: x.double(), lambda m, x: x.view(3, 1), lambda m, x: (x * 2).sum(0),
               lambda m, x: x.mean(), lambda m, x: x.prod()):
        assert repr(fn(ember, e)) == repr(fn(torch, t))
    assert repr(e.detach()) == repr(t.detach())
    d = np.zeros((0, 2))
    assert repr(ember.from_numpy(d).requires_grad_()) == repr(torch.from_numpy(d).requires_grad_())


def test_suffix_wrapping():
    # suffixes move to their own line when the last line would pass the line width
    a = np.linspace(-1, 1, 9) * 1e-3
    for dt in ("float64", "float16", "int32"):
        t, e = pair(a * 1e6 if dt == "int32" else a, dt)
        t.requires_grad_(dt != "int32")
        e.requires_grad_(dt != "int32")
        assert repr(e) == repr(t)
    t, e = pair(np.arange(12.0) + 0.5, "float64")
    assert repr(e.requires_grad_()) == repr(t.requires_grad_())


def test_tensor_contents_and_subclass():
    class MyTensor(ember.Tensor):
        pass

    t = ember.tensor([1.0, 2.0])
    assert t.__repr__(tensor_contents="[...]") == "tensor([...])"
    sub = MyTensor([1.0, 2.0])
    assert repr(sub) == "MyTensor([1., 2.])"


def test_str_is_repr_and_format():
    e = ember.tensor([[1, 2], [3, 4]])
    assert str(e) == repr(e) == "tensor([[1, 2],\n        [3, 4]])"
    assert f"{ember.tensor(2.5):.2f}" == "2.50"


def test_parameter_repr():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    for rg in (True, False):
        e = ember.nn.Parameter(ember.from_numpy(a.copy()), requires_grad=rg)
        t = torch.nn.Parameter(torch.from_numpy(a.copy()), requires_grad=rg)
        assert repr(e) == repr(t)

    class EP(ember.nn.Parameter):
        pass

    class TP(torch.nn.Parameter):
        pass

    # a Parameter subclass prints under its own name, wrapped in Parameter(...), as torch does
    assert repr(EP(ember.from_numpy(a.copy()))).replace("EP", "X") == repr(TP(torch.from_numpy(a.copy()))).replace(
        "TP", "X")


def test_non_contiguous_views():
    a = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    t, e = torch.from_numpy(a.copy()), ember.from_numpy(a.copy())
    assert repr(e.t()) == repr(t.t())
    assert repr(e.view(2, 12).transpose(0, 1)) == repr(t.view(2, 12).transpose(0, 1))
    assert repr(e.expand(3, 4, 6)) == repr(t.expand(3, 4, 6))
    assert repr(e.select(1, 2)) == repr(t.select(1, 2))
