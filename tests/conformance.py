"""The conformance harness: run the same call in ember and in real torch (the oracle) and compare.

    check(lambda m, x, y: m.add(x, y), [(3, 4), (4,)])             # values, dtype, shape
    check(lambda m, x: x.t(), [(3, 4)], view=True)                   # + strides, storage sharing
    check(lambda m, x: m.exp(x), [(3,)], grad=True)                  # + gradients
    check_error(lambda m: m.zeros(2, 3).view(4, 2))                  # same exception type

Inputs are described by shapes (random floats), or given as NumPy arrays; ``noncontig=True`` feeds
transposed/strided views instead of contiguous tensors.  ``m`` is the module (ember or torch).
"""
import numpy as np
import pytest
import torch

import ember

DTYPES = {np.dtype(np.float32): (ember.float32, torch.float32), np.dtype(np.float64): (ember.float64, torch.float64)}


def to_ember(a, requires_grad=False, noncontig=False):
    a = noncontiguous(a) if noncontig else np.array(a, copy=True)
    t = ember.from_numpy(a)
    return t.requires_grad_(True) if requires_grad else t


def to_torch(a, requires_grad=False, noncontig=False):
    a = noncontiguous(a) if noncontig else np.array(a, copy=True)
    t = torch.from_numpy(a)
    return t.requires_grad_(True) if requires_grad else t


def noncontiguous(arr):
    """The same values as a non-contiguous view (transposed storage, or every other element)."""
    if arr.ndim >= 2:
        return np.ascontiguousarray(arr.swapaxes(-1, -2)).swapaxes(-1, -2)
    if arr.ndim == 1:
        big = np.empty(arr.shape[0] * 2, arr.dtype)
        big[::2] = arr
        return big[::2]
    return arr


def make_inputs(specs, dtype=np.float32, low=-2.0, high=2.0, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for s in specs:
        if isinstance(s, np.ndarray):
            out.append(s)
        elif isinstance(s, tuple):
            out.append(rng.uniform(low, high, s).astype(dtype))
        else:
            out.append(s)
    return out


def as_numpy(x):
    if isinstance(x, ember.Tensor):
        return x.detach().numpy() if x.dtype != ember.bfloat16 else x.detach().float().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().numpy() if x.dtype != torch.bfloat16 else x.detach().float().numpy()
    return np.asarray(x)


def assert_same(e, t, atol=1e-5, rtol=1e-4, strides=False, exact=False):
    """Compare one ember result with one torch result: type, dtype, shape, values (and strides)."""
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)), f"expected a sequence, got {type(e)}"
        assert len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b, atol, rtol, strides, exact)
        return
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"expected a Tensor, got {type(e).__name__}"
        assert str(e.dtype) == str(t.dtype), f"dtype {e.dtype} != {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != {tuple(t.shape)}"
        if strides:
            assert e.stride() == t.stride(), f"stride {e.stride()} != {t.stride()}"
        ea, ta = as_numpy(e), as_numpy(t)
        if exact or ea.dtype.kind in "biu":
            np.testing.assert_array_equal(ea, ta)
        else:
            np.testing.assert_allclose(ea, ta, atol=atol, rtol=rtol, equal_nan=True)
        return
    if isinstance(t, (bool, int, float, complex)):
        assert type(e) is type(t) or (isinstance(e, (int, float)) and isinstance(t, (int, float))), \
            f"{type(e).__name__} != {type(t).__name__}"
        if isinstance(t, float):
            np.testing.assert_allclose(e, t, atol=atol, rtol=rtol, equal_nan=True)
        else:
            assert e == t
        return
    assert e == t, f"{e!r} != {t!r}"


def check(fn, specs, *, dtype=np.float32, grad=False, view=False, noncontig=False, atol=1e-5, rtol=1e-4,
          grad_atol=1e-4, grad_rtol=1e-3, low=-2.0, high=2.0, seed=0):
    """Run ``fn(module, *inputs)`` in ember and torch and compare outputs (and gradients with ``grad``)."""
    arrays = make_inputs(specs, dtype, low, high, seed)
    float_in = [isinstance(a, np.ndarray) and a.dtype.kind in "fc" for a in arrays]
    e_in = [to_ember(a, grad and f, noncontig) if isinstance(a, np.ndarray) else a for a, f in zip(arrays, float_in)]
    t_in = [to_torch(a, grad and f, noncontig) if isinstance(a, np.ndarray) else a for a, f in zip(arrays, float_in)]
    e_out = fn(ember, *e_in)
    t_out = fn(torch, *t_in)
    assert_same(e_out, t_out, atol, rtol, strides=view)
    if view:
        _check_sharing(e_in, e_out, t_in, t_out)
    if grad:
        _check_grads(e_in, e_out, t_in, t_out, grad_atol, grad_rtol, seed)
    return e_out, t_out


def _outputs(o):
    return list(o) if isinstance(o, (tuple, list)) else [o]


def _check_sharing(e_in, e_out, t_in, t_out):
    for eo, to in zip(_outputs(e_out), _outputs(t_out)):
        if not isinstance(to, torch.Tensor):
            continue
        for ei, ti in zip(e_in, t_in):
            if isinstance(ti, torch.Tensor):
                t_shares = to.untyped_storage().data_ptr() == ti.untyped_storage().data_ptr()
                e_shares = eo.untyped_storage().data_ptr() == ei.untyped_storage().data_ptr()
                assert e_shares == t_shares, f"storage sharing differs: ember {e_shares}, torch {t_shares}"
                if t_shares:
                    assert eo.storage_offset() == to.storage_offset()


def _check_grads(e_in, e_out, t_in, t_out, atol, rtol, seed):
    rng = np.random.default_rng(seed + 1)
    e_outs = [o for o in _outputs(e_out) if isinstance(o, ember.Tensor) and o.requires_grad]
    t_outs = [o for o in _outputs(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
    assert len(e_outs) == len(t_outs)
    if not t_outs:
        return
    gs = [rng.uniform(-1, 1, tuple(o.shape)).astype(as_numpy(o).dtype) for o in t_outs]
    e_leaves = [x for x in e_in if isinstance(x, ember.Tensor) and x.requires_grad]
    t_leaves = [x for x in t_in if isinstance(x, torch.Tensor) and x.requires_grad]
    tg = torch.autograd.grad(t_outs, t_leaves, [torch.from_numpy(g) for g in gs], allow_unused=True)
    eg = ember.autograd.grad(e_outs, e_leaves, [ember.from_numpy(g.copy()) for g in gs], allow_unused=True)
    for a, b in zip(eg, tg):
        if b is None:
            assert a is None or np.all(as_numpy(a) == 0)
            continue
        assert a is not None, "ember gave no gradient where torch did"
        assert_same(a, b, atol, rtol)


def check_error(fn, *, match_message=False):
    """``fn(module)`` must raise the same exception type in ember as in torch."""
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ee:
        fn(ember)
    assert issubclass(ee.type, te.type) or ee.type is te.type, \
        f"ember raised {ee.type.__name__}({ee.value}), torch raised {te.type.__name__}({te.value})"
    if match_message:
        assert str(ee.value) == str(te.value)
    return ee.value, te.value
