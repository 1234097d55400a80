"""DLPack exchange: ember <-> NumPy and ember <-> real torch, zero-copy both ways, every ember dtype."""
import numpy as np
import pytest
import torch

import ember
from ember.utils import dlpack

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def _torch_values(name, shape=(3, 4)):
    return (torch.arange(int(np.prod(shape))).reshape(shape) % 5).to(getattr(torch, name))


def _as_float(t):
    return t.float() if t.dtype in (torch.bfloat16, ember.bfloat16) else t


@pytest.mark.parametrize("name", DTYPES)
def test_torch_to_ember_shares_memory(name):
    t = _torch_values(name)
    e = ember.from_dlpack(t)
    assert e.dtype is getattr(ember, name) and e.shape == t.shape and e.stride() == t.stride()
    np.testing.assert_array_equal(_as_float(e).numpy(), _as_float(t).numpy())
    e[0, 0] = 1
    assert t[0, 0].item() == 1
    strided = t.t()[1:, ::2]
    es = ember.from_dlpack(strided)
    assert es.stride() == strided.stride()
    np.testing.assert_array_equal(_as_float(es).numpy(), _as_float(strided).numpy())


@pytest.mark.parametrize("name", DTYPES)
def test_ember_to_torch_shares_memory(name):
    e = ember.from_numpy(np.arange(12).reshape(3, 4) % 5).to(getattr(ember, name))
    t = torch.from_dlpack(e)
    assert t.dtype is getattr(torch, name) and tuple(t.shape) == tuple(e.shape)
    np.testing.assert_array_equal(_as_float(t).numpy(), _as_float(e).numpy())
    t[1, 1] = 0
    assert e[1, 1].item() == 0
    view = e.t()[::2]
    tv = torch.from_dlpack(view)
    assert tv.stride() == view.stride()
    np.testing.assert_array_equal(_as_float(tv).numpy(), _as_float(view).numpy())


def test_numpy_both_ways():
    a = np.arange(6.0).reshape(2, 3)
    e = ember.from_dlpack(a)
    e[0, 0] = 42.0
    assert a[0, 0] == 42.0
    back = np.from_dlpack(e)
    back[1, 2] = -1.0
    assert e[1, 2].item() == -1.0 and a[1, 2] == -1.0
    zero_d = ember.from_dlpack(np.array(3.5, np.float32))
    assert zero_d.shape == () and zero_d.item() == 3.5
    empty = ember.from_dlpack(np.empty((0, 3), np.int32))
    assert empty.shape == (0, 3) and empty.dtype is ember.int32


def test_capsules():
    cap = torch.utils.dlpack.to_dlpack(torch.arange(3.0))
    e = dlpack.from_dlpack(cap)
    assert e.tolist() == [0.0, 1.0, 2.0]
    e[0] = 9.0  # legacy capsules carry no read-only flag: writable, as in torch
    cap2 = dlpack.to_dlpack(ember.tensor([1, 2, 3], dtype=ember.int16))
    t = torch.utils.dlpack.from_dlpack(cap2)
    assert t.tolist() == [1, 2, 3] and t.dtype is torch.int16
    with pytest.raises(TypeError, match="consumed once"):
        dlpack.from_dlpack(cap2)
    bf = dlpack.to_dlpack(ember.tensor([1.5, 2.5], dtype=ember.bfloat16))
    assert torch.utils.dlpack.from_dlpack(bf).tolist() == [1.5, 2.5]


def test_device_and_errors():
    e = ember.ones(2)
    kind, index = e.__dlpack_device__()
    assert kind == dlpack.DLDeviceType.kDLCPU and index == 0
    assert e.__dlpack_device__() == torch.ones(2).__dlpack_device__()
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient"):
        ember.ones(2, requires_grad=True).__dlpack__()
    with pytest.raises(TypeError):
        ember.from_dlpack(np.arange(3, dtype=np.uint16))
    with pytest.raises(TypeError, match="expected an object with __dlpack__ or a DLPack capsule, got object"):
        dlpack.from_dlpack(object())
