"""ember.save / ember.load against real torch.save / torch.load (the oracle), both directions, plus the
weights_only security suite, the legacy formats, mmap, map_location and plain pickling."""
import copy
import io
import json
import mmap
import os
import pickle
import struct
import subprocess
import tarfile
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember import serialization as S
from ember._storage import root_array

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def _values(dtype_name, n=12, seed=0):
    """Interesting values of a dtype as a NumPy array (NaN/inf/-0.0 for floats, extremes for ints)."""
    rng = np.random.default_rng(seed)
    if dtype_name == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype_name.startswith(("int", "uint")):
        info = np.iinfo(dtype_name)
        v = rng.integers(info.min, info.max, n, endpoint=True).astype(dtype_name)
        v[:2] = info.min, info.max
        return v
    if dtype_name.startswith("complex"):
        v = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype_name)
        v[0] = complex(np.nan, np.inf)
        return v
    v = rng.standard_normal(n).astype(np.float32)
    v[:4] = np.nan, np.inf, -np.inf, -0.0
    return v


def _ember_tensor(dtype_name, shape=(3, 4)):
    v = _values(dtype_name, int(np.prod(shape)))
    return ember.from_numpy(v.reshape(shape)).to(getattr(ember, dtype_name))


def _torch_tensor(dtype_name, shape=(3, 4)):
    v = _values(dtype_name, int(np.prod(shape)))
    return torch.from_numpy(v.reshape(shape)).to(getattr(torch, dtype_name))


def _bits(t):
    """The raw bytes of a tensor's values in logical order (bitwise comparison, NaN payloads included)."""
    if isinstance(t, torch.Tensor):
        t = t.detach().contiguous().reshape(-1)
        return t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
    a = np.ascontiguousarray(t.detach()._data).reshape(-1)
    return a.view(np.uint8).tobytes()


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype)
    assert e.stride() == t.stride()
    assert e.storage_offset() == t.storage_offset()
    assert e.requires_grad == t.requires_grad
    assert _bits(e) == _bits(t)


def _roundtrip_to_torch(obj, **kw):
    buf = io.BytesIO()
    ember.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **kw)


def _roundtrip_to_ember(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return ember.load(buf, **kw)


def _ember_ptr(t):
    return t.untyped_storage().data_ptr()


# ----------------------------------------------------------------------------------------------------
# round trips, every dtype, both directions

@pytest.mark.parametrize("name", DTYPES)
def test_every_dtype_ember_to_torch_and_back(name):
    e = _ember_tensor(name)
    views = {"full": e, "zero_d": e[1, 2], "empty": e[:0], "transposed": e.t(), "strided": e[::2, 1::2],
             "row": e[2]}
    loaded = _roundtrip_to_torch(views)
    for k, v in views.items():
        _same(v, loaded[k])
    # views of one storage stay one storage in torch, with offsets and strides preserved
    ptr = loaded["full"].untyped_storage().data_ptr()
    assert all(loaded[k].untyped_storage().data_ptr() == ptr for k in views)
    buf = io.BytesIO()
    ember.save(views, buf)
    buf.seek(0)
    back = ember.load(buf)
    for k, v in views.items():
        _same(v, back[k])
    assert len({_ember_ptr(back[k]) for k in views}) == 1


@pytest.mark.parametrize("name", DTYPES)
def test_every_dtype_torch_to_ember(name):
    t = _torch_tensor(name)
    views = {"full": t, "zero_d": t[1, 2], "empty": t[:0], "transposed": t.t(), "strided": t[::2, 1::2],
             "row": t[2], "alone": _torch_tensor(name, (5,)), "empty_alone": torch.empty(0, 3, dtype=t.dtype)}
    loaded = _roundtrip_to_ember(views)
    for k, v in views.items():
        _same(loaded[k], v)
    ptr = _ember_ptr(loaded["full"])
    assert all(_ember_ptr(loaded[k]) == ptr for k in ("zero_d", "transposed", "strided", "row"))
    assert _ember_ptr(loaded["alone"]) != ptr


def test_views_share_memory_after_loading():
    base = ember.arange(12.0).reshape(3, 4)
    loaded = _roundtrip_to_ember_from_ember({"base": base, "col": base[:, 1], "tail": base.view(-1)[5:]})
    loaded["col"][0] = 100.0
    assert loaded["base"][0, 1].item() == 100.0
    loaded["tail"][0] = -1.0
    assert loaded["base"][1, 1].item() == -1.0
    t = torch.arange(12.0).reshape(3, 4)
    back = _roundtrip_to_ember({"base": t, "col": t[:, 1]})
    back["col"][2] = 7.0
    assert back["base"][2, 1].item() == 7.0


def _roundtrip_to_ember_from_ember(obj, **kw):
    buf = io.BytesIO()
    ember.save(obj, buf, **kw)
    buf.seek(0)
    return ember.load(buf)


def test_requires_grad_parameters_and_containers():
    p = ember.nn.Parameter(ember.randn(3, 2))
    q = ember.nn.Parameter(ember.ones(2), requires_grad=False)
    g = ember.randn(4).requires_grad_()
    obj = {"p": p, "q": q, "g": g, "list": [g, 1, "a", 2.5, None, True], "tuple": (p, (3, 4)),
           "nested": {"deep": [{"x": ember.tensor([1, 2])}]}, "set": {1, 2}, "bytes": b"\x00\xff",
           "complex": 1 + 2j, "size": ember.Size([2, 3]), "dtype": ember.float16, "device": ember.device("cpu"),
           "bytearray": bytearray(b"xy")}
    t = _roundtrip_to_torch(obj)
    assert isinstance(t["p"], torch.nn.Parameter) and t["p"].requires_grad
    assert isinstance(t["q"], torch.nn.Parameter) and not t["q"].requires_grad
    assert t["g"].requires_grad and not isinstance(t["g"], torch.nn.Parameter)
    assert t["list"][0] is t["g"]
    assert t["tuple"][0] is t["p"]
    assert t["size"] == torch.Size([2, 3]) and isinstance(t["size"], torch.Size)
    assert t["dtype"] is torch.float16 and t["device"] == torch.device("cpu")
    assert t["set"] == {1, 2} and t["bytes"] == b"\x00\xff" and t["complex"] == 1 + 2j
    assert t["bytearray"] == bytearray(b"xy")
    _same(p, t["p"])
    e = _roundtrip_to_ember(t)
    assert isinstance(e["p"], ember.nn.Parameter) and e["p"].requires_grad
    assert isinstance(e["q"], ember.nn.Parameter) and not e["q"].requires_grad
    assert e["list"][0] is e["g"] and e["g"].requires_grad
    assert e["size"] == ember.Size([2, 3]) and isinstance(e["size"], ember.Size)
    assert e["dtype"] is ember.float16 and e["device"] == ember.device("cpu")
    assert e["nested"]["deep"][0]["x"].tolist() == [1, 2]
    assert e["bytearray"] == bytearray(b"xy") and e["bytes"] == b"\x00\xff"
    _same(e["p"], t["p"])


def test_model_and_optimizer_checkpoint_from_torch():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                torch.nn.Linear(8, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(5, 4)).sum().backward()
    opt.step()
    ckpt = {"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict(), "loss": 0.25,
            "rng": torch.get_rng_state()}
    e = _roundtrip_to_ember(ckpt)
    assert e["epoch"] == 3 and e["loss"] == 0.25
    assert isinstance(e["model"], OrderedDict)
    assert list(e["model"]) == list(ckpt["model"])
    assert e["model"]._metadata == ckpt["model"]._metadata
    for k, v in ckpt["model"].items():
        _same(e["model"][k], v)
    assert e["optimizer"]["param_groups"] == ckpt["optimizer"]["param_groups"]
    for pid, st in ckpt["optimizer"]["state"].items():
        for k, v in st.items():
            _same(e["optimizer"]["state"][pid][k], v)
    _same(e["rng"], ckpt["rng"])
    # and an ember-written checkpoint of the same structure loads in torch
    t = _roundtrip_to_torch(e)
    assert t["model"]._metadata == ckpt["model"]._metadata
    for k, v in ckpt["model"].items():
        _same(e["model"][k], t["model"][k])
    assert t["optimizer"]["param_groups"] == ckpt["optimizer"]["param_groups"]
    model.load_state_dict(t["model"])
    opt.load_state_dict(t["optimizer"])


def test_ember_state_dict_loads_into_torch_module():
    em = ember.nn.Sequential(ember.nn.Linear(3, 5), ember.nn.ReLU(), ember.nn.Linear(5, 2))
    sd = em.state_dict()
    t = _roundtrip_to_torch(sd)
    assert isinstance(t, OrderedDict) and t._metadata == sd._metadata
    tm = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    tm.load_state_dict(t)
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(tm(torch.from_numpy(x)).detach().numpy(), em(ember.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_whole_module_pickles_cross_over():
    em = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU(), ember.nn.Linear(3, 1))
    buf = io.BytesIO()
    ember.save(em, buf)
    data = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("archive/data.pkl")
    assert b"torch.nn.modules.linear\nLinear" in data and b"torch._utils\n_rebuild_parameter" in data
    assert b"ember" not in data
    buf.seek(0)
    tm = torch.load(buf, weights_only=False)
    assert type(tm) is torch.nn.Sequential and type(tm[0]) is torch.nn.Linear
    x = np.ones((1, 2), np.float32)
    np.testing.assert_allclose(tm(torch.from_numpy(x)).detach().numpy(), em(ember.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    # torch's whole-model file: refused by default, loaded with weights_only=False or the classes allowed
    buf = io.BytesIO()
    torch.save(tm, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.container.Sequential"):
        ember.load(buf)
    buf.seek(0)
    back = ember.load(buf, weights_only=False)
    assert type(back) is ember.nn.Sequential and type(back[0]) is ember.nn.Linear
    np.testing.assert_allclose(back(ember.from_numpy(x)).detach().numpy(), tm(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    buf.seek(0)
    with S.safe_globals([ember.nn.Sequential, ember.nn.Linear, ember.nn.ReLU]):
        allowed = ember.load(buf)
    assert type(allowed[2]) is ember.nn.Linear
    assert ember.nn.Linear not in S.get_safe_globals()


def test_torch_class_missing_in_ember_is_a_clear_error():
    missing_module = _archive(b"\x80\x02ctorch.nn.modules.fancy\nFancy\n)\x81.")
    with pytest.raises(ModuleNotFoundError, match="torch.nn.modules.fancy.Fancy"):
        ember.load(missing_module, weights_only=False)
    missing_class = _archive(b"\x80\x02ctorch.nn.modules.linear\nNoSuchLayer\n)\x81.")
    with pytest.raises(AttributeError, match="torch.nn.modules.linear.NoSuchLayer"):
        ember.load(missing_class, weights_only=False)
    vision = _archive(b"\x80\x02ctorchvision.models.fancy\nNet\n)\x81.")
    with pytest.raises(ModuleNotFoundError, match="ember.vision.models.fancy"):
        ember.load(vision, weights_only=False)


def test_tensor_attributes_and_conj_metadata():
    e = ember.ones(2)
    e.note = "hi"
    t = _roundtrip_to_torch({"t": e})["t"]
    assert t.note == "hi" and type(t) is torch.Tensor
    t2 = torch.tensor([1 + 2j, 3 - 1j]).conj()
    assert t2.is_conj()
    back = _roundtrip_to_ember({"c": t2, "attr": t})
    np.testing.assert_array_equal(back["c"].numpy(), t2.resolve_conj().numpy())
    assert back["attr"].note == "hi"


def test_storages_saved_directly():
    t = torch.arange(4, dtype=torch.float32)
    e = _roundtrip_to_ember({"u": t.untyped_storage(), "typed": torch.arange(3).storage()})
    assert isinstance(e["u"], ember.TypedStorage) and e["u"].nbytes() == 16
    assert np.frombuffer(bytes(e["u"].tolist()), np.float32).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert e["typed"].dtype is ember.int64 and e["typed"].tolist() == [0, 1, 2]
    es = ember.arange(3, dtype=ember.int32)
    back = _roundtrip_to_torch({"u": es.untyped_storage(), "typed": ember.arange(2.0).storage()})
    assert bytes(back["u"].untyped()) == np.arange(3, dtype=np.int32).tobytes()
    assert back["typed"].dtype is torch.float32 and back["typed"].tolist() == [0.0, 1.0]


def test_same_storage_as_two_dtypes_is_refused():
    a = ember.zeros(4)
    with pytest.raises(RuntimeError, match="view the same data as different types"):
        ember.save([a, a.view(ember.int32)], io.BytesIO())


# ----------------------------------------------------------------------------------------------------
# the file itself

def _local_headers(raw):
    out = []
    for info in zipfile.ZipFile(io.BytesIO(raw)).infolist():
        h = info.header_offset
        n, m = struct.unpack("<HH", raw[h + 26:h + 30])
        out.append((info.filename, h + 30 + n + m, info.compress_type))
    return out


def test_file_layout_and_paths(tmp_path):
    path = tmp_path / "model.pt"
    ember.save({"w": ember.ones(3), "b": ember.zeros(2, dtype=ember.int64)}, path)
    raw = path.read_bytes()
    entries = _local_headers(raw)
    names = [n for n, _, _ in entries]
    assert names == ["model/data.pkl", "model/.format_version", "model/.storage_alignment", "model/byteorder",
                     "model/data/0", "model/data/1", "model/version", "model/.data/serialization_id"]
    assert all(off % 64 == 0 and c == zipfile.ZIP_STORED for _, off, c in entries)
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    assert z.read("model/version") == b"3\n" and z.read("model/byteorder") == b"little"
    assert z.read("model/.storage_alignment") == b"64" and z.read("model/.format_version") == b"1"
    assert z.read("model/data/0") == np.ones(3, np.float32).tobytes()
    assert torch.load(path)["b"].tolist() == [0, 0]
    assert ember.load(str(path))["w"].tolist() == [1.0, 1.0, 1.0]
    with open(path, "rb") as f:
        assert ember.load(f)["b"].dtype is ember.int64


def test_zip64_records(monkeypatch):
    """Records past 4 GiB use ZIP64 sizes/offsets; exercised by lowering the threshold to one byte."""
    monkeypatch.setattr(S, "_ZIP64_LIMIT", 1)
    obj = {"a": ember.arange(10.0), "b": ember.ones(3, dtype=ember.int16)}
    buf = io.BytesIO()
    ember.save(obj, buf)
    raw = buf.getvalue()
    assert zipfile.ZipFile(io.BytesIO(raw)).testzip() is None
    assert all(off % 64 == 0 for _, off, _ in _local_headers(raw))
    assert torch.load(io.BytesIO(raw))["a"].tolist() == list(range(10))
    assert ember.equal(ember.load(io.BytesIO(raw))["b"], obj["b"])


def test_save_is_atomic(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"v": ember.tensor([1.0, 2.0])}, path)
    os.chmod(path, 0o640)
    before = path.read_bytes()

    class Boom:
        def __reduce__(self):
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        ember.save({"v": ember.zeros(1000), "boom": Boom()}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]
    ember.save({"v": ember.tensor([3.0])}, path)
    assert ember.load(path)["v"].tolist() == [3.0]
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o640)
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]


def test_save_errors_match_torch(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        ember.save(1, tmp_path / "missing" / "x.pt")
    with pytest.raises(AttributeError, match="expected 'f' to be string, path, or a file-like object"):
        ember.save(1, 5)
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit pickle_module"):
        ember.load(io.BytesIO(), pickle_module=pickle, weights_only=True)
    with pytest.raises(FileNotFoundError):
        ember.load(tmp_path / "nope.pt")


def test_pickle_protocol_4_and_non_seekable_input():
    buf = io.BytesIO()
    ember.save({"a": ember.arange(3)}, buf, pickle_protocol=4)

    class Stream:
        def __init__(self, data):
            self._b = io.BytesIO(data)

        def read(self, n=-1):
            return self._b.read(n)

    assert ember.load(Stream(buf.getvalue()))["a"].tolist() == [0, 1, 2]
    buf.seek(0)
    assert torch.load(buf, weights_only=False)["a"].tolist() == [0, 1, 2]


# ----------------------------------------------------------------------------------------------------
# weights_only: hostile files are refused and nothing runs

def _archive(data_pkl, records=None, version=b"3\n", prefix="archive/"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        if data_pkl is not None:
            z.writestr(prefix + "data.pkl", data_pkl)
        for k, v in (records or {}).items():
            z.writestr(prefix + k, v)
        if version is not None:
            z.writestr(prefix + "version", version)
    buf.seek(0)
    return buf


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "hostile pickle code ran"


class _Evil:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _hostile_cases(marker):
    touch = f"touch {marker}"
    return {
        "os.system": (pickle.dumps({"x": _Evil(os.system, touch)}, protocol=2), "whose module posix is blocked"),
        "eval": (pickle.dumps(_Evil(eval, f"__import__('os').system('{touch}')"), protocol=2),
                 "GLOBAL eval was not an allowed global"),
        "exec": (pickle.dumps(_Evil(exec, f"__import__('os').system('{touch}')"), protocol=2),
                 "GLOBAL exec was not an allowed global"),
        "popen": (pickle.dumps(_Evil(subprocess.Popen, ["touch", str(marker)]), protocol=2),
                  "GLOBAL subprocess.Popen was not an allowed global"),
        "getattr": (b"\x80\x02cbuiltins\ngetattr\ncbuiltins\nobject\nX\x0e\x00\x00\x00__subclasses__\x86R)R.",
                    "GLOBAL getattr was not an allowed global"),
        "nested": (pickle.dumps({"a": [{"b": (1, OrderedDict(c=_Evil(os.system, touch)))}]}, protocol=2),
                   "is blocked"),
        "stack_global": (pickle.dumps(_Evil(os.system, touch), protocol=4), "is blocked"),
        "protocol0_global": (pickle.dumps(_Evil(os.system, touch), protocol=0), "is blocked"),
        "protocol0_text": (pickle.dumps({"a": 1}, protocol=0), "Unsupported operand"),
        "class_instance": (pickle.dumps(_Evil(print, "x"), protocol=2), "GLOBAL print was not an allowed global"),
        "local_class": (pickle.dumps(_Evil(_Evil, print, "x"), protocol=2),
                        "GLOBAL test_serialization._Evil was not an allowed global"),
        "ext": (b"\x80\x02\x82\x01)R.", "Unsupported operand 130"),
        "persid": (b"\x80\x02X\x06\x00\x00\x00module\x85Q.", "Only persistent_load of storage is allowed"),
        "build_dtype": (b"\x80\x02ctorch\nfloat32\n}X\x02\x00\x00\x00npK\x01sb.",
                        "Can only build Tensor, Parameter, OrderedDict"),
        "sys": (b"\x80\x02csys\nmodules\n.", "whose module sys is blocked"),
        "numpy": (pickle.dumps(np.arange(3), protocol=2), "numpy"),
    }


def test_hostile_pickles_refused_in_zip(marker):
    for name, (payload, message) in _hostile_cases(marker).items():
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed") as info:
            ember.load(_archive(payload))
        assert message in str(info.value), name
    assert ember.float32.np == np.dtype(np.float32)


def test_hostile_pickles_refused_in_legacy_stream(marker):
    for name, (payload, message) in _hostile_cases(marker).items():
        with pytest.raises(pickle.UnpicklingError) as info:
            ember.load(io.BytesIO(payload))
        assert "Weights only load failed" in str(info.value), name
        header = b"".join(pickle.dumps(x, protocol=2) for x in (S.MAGIC_NUMBER, S.PROTOCOL_VERSION, {}))
        with pytest.raises(pickle.UnpicklingError) as info:
            ember.load(io.BytesIO(header + payload))
        assert message in str(info.value), name


def test_unsafe_global_error_text_like_torch():
    payload = pickle.dumps({"x": _Evil(eval, "1")}, protocol=2)
    with pytest.raises(pickle.UnpicklingError) as ours:
        ember.load(_archive(payload))
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(_archive(payload))
    assert str(ours.value) == str(theirs.value)
    assert S.get_unsafe_globals_in_checkpoint(_archive(payload)) == ["builtins.eval"]


def test_numpy_arrays_need_safe_globals():
    import importlib
    payload = pickle.dumps({"a": np.arange(3.0)}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="_reconstruct"):
        ember.load(_archive(payload))
    names = S.get_unsafe_globals_in_checkpoint(_archive(payload))
    assert any(n.endswith("_reconstruct") for n in names)
    allowed = []
    for name in names:
        module, _, qual = name.rpartition(".")
        allowed.append((getattr(importlib.import_module(module), qual), name))
    allowed.append(type(np.dtype(np.float64)))  # BUILD on the dtype instance needs its class too, as in torch
    with S.safe_globals(allowed):
        out = ember.load(_archive(payload))
    np.testing.assert_array_equal(out["a"], np.arange(3.0))
    assert S.get_safe_globals() == []
    S.add_safe_globals([np.ndarray])
    assert np.ndarray in S.get_safe_globals()
    S.clear_safe_globals()
    assert S.get_safe_globals() == []


class _Storage:
    """Stands for a storage in a hand-made checkpoint (its persistent id is given explicitly)."""

    def __init__(self, pid):
        self.pid = pid


class _Rebuild:
    def __init__(self, *args):
        self.args = args

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, self.args


def _crafted(pid, offset, size, stride, data=b"\x00" * 16, records=None):
    """A checkpoint whose data.pkl rebuilds one tensor from the given persistent id and geometry."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = lambda obj: obj.pid if isinstance(obj, _Storage) else None
    p.dump({"t": _Rebuild(_Storage(pid), offset, size, stride, False, OrderedDict())})
    recs = {"data/0": data} if records is None else records
    return buf.getvalue(), recs


def test_storage_sizes_checked_against_the_file():
    good = ("storage", torch.FloatStorage, "0", "cpu", 4)
    pkl, recs = _crafted(good, 0, (2, 2), (2, 1))
    assert ember.load(_archive(pkl, recs))["t"].shape == (2, 2)
    cases = {
        "numel larger than data": (("storage", torch.FloatStorage, "0", "cpu", 10 ** 12), 0, (4,), (1,),
                                   "declares"),
        "negative numel": (("storage", torch.FloatStorage, "0", "cpu", -4), 0, (4,), (1,), "invalid storage size"),
        "view past the end": (good, 2, (4,), (1,), "out of bounds"),
        "huge stride": (good, 0, (2, 2), (10 ** 9, 1), "out of bounds"),
        "negative stride": (good, 3, (2,), (-1,), "negative"),
        "negative size": (good, 0, (-2,), (1,), "negative"),
        "missing record": (("storage", torch.FloatStorage, "7", "cpu", 4), 0, (4,), (1,), "data/7"),
        "path in key": (("storage", torch.FloatStorage, "../../etc/passwd", "cpu", 4), 0, (4,), (1,),
                        "file not found"),
    }
    for name, (pid, offset, size, stride, message) in cases.items():
        pkl, recs = _crafted(pid, offset, size, stride)
        with pytest.raises(RuntimeError, match=message):
            ember.load(_archive(pkl, recs))


def test_corrupt_and_non_checkpoint_files():
    buf = io.BytesIO()
    ember.save({"a": ember.ones(100)}, buf)
    raw = buf.getvalue()
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        ember.load(io.BytesIO(raw[:len(raw) // 2]))
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        ember.load(io.BytesIO(raw[:-10]))
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(b"hello world, not a checkpoint"))
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(b"hello world, not a checkpoint"), weights_only=False)
    with pytest.raises(EOFError):
        ember.load(io.BytesIO(b""))
    with pytest.raises(RuntimeError, match="data.pkl: file not found"):
        ember.load(_archive(None, {"data/0": b""}))
    with pytest.raises(RuntimeError, match="version"):
        ember.load(_archive(pickle.dumps(1, protocol=2), version=None))
    with pytest.raises(RuntimeError, match="not in a subdirectory"):
        ember.load(_archive(pickle.dumps(1, protocol=2), prefix=""))
    with pytest.raises(RuntimeError, match="Invalid magic number"):
        ember.load(io.BytesIO(pickle.dumps(5, protocol=2)))
    with pytest.raises(pickle.UnpicklingError, match="truncated"):
        ember.load(_archive(pickle.dumps([1, 2, 3], protocol=2)[:-3]))
    with pytest.raises(RuntimeError, match="TorchScript"):
        ember.load(_archive(pickle.dumps(1, protocol=2), {"constants.pkl": b""}))


# ----------------------------------------------------------------------------------------------------
# the legacy formats

class _LegacyStorage:
    def __init__(self, pid):
        self.pid = pid


def _legacy_file(obj_factory, storages, view=None):
    """A torch < 1.6 stream, written by hand: magic, protocol, sys_info, the object (persistent ids with
    view metadata), the key list, then each storage as an int64 count and raw bytes."""
    buf = io.BytesIO()
    for x in (S.MAGIC_NUMBER, S.PROTOCOL_VERSION, {"protocol_version": 1001, "little_endian": True,
                                                    "type_sizes": {"short": 2, "int": 4, "long": 4}}):
        pickle.dump(x, buf, protocol=2)
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = lambda o: o.pid if isinstance(o, _LegacyStorage) else None
    p.dump(obj_factory())
    pickle.dump(list(storages), buf, protocol=2)
    for arr in storages.values():
        buf.write(struct.pack("<q", arr.size))
        buf.write(arr.tobytes())
    return buf.getvalue()


def test_legacy_stream_format(tmp_path):
    a = np.arange(6, dtype=np.float32)
    b = np.array([1, -2, 3], dtype=np.int64)
    sa = _LegacyStorage(("storage", torch.FloatStorage, "140", "cpu", 6, None))
    sv = _LegacyStorage(("storage", torch.FloatStorage, "140", "cpu", 6, ("141", 2, 3)))
    sb = _LegacyStorage(("storage", torch.LongStorage, "150", "cpu", 3, None))

    def obj():
        return {"a": _Rebuild(sa, 0, (2, 3), (3, 1), False, OrderedDict()),
                "view": _Rebuild(sv, 1, (2,), (1,), False, OrderedDict()),
                "b": _Rebuild(sb, 0, (3,), (1,), False, OrderedDict()), "n": 7}

    raw = _legacy_file(obj, {"140": a, "150": b})
    ours = ember.load(io.BytesIO(raw))
    theirs = torch.load(io.BytesIO(raw))
    for k in ("a", "b"):
        _same(ours[k], theirs[k])
    # a pre-0.4 storage view is a separate storage in torch; in ember it stays a view of its root, so
    # the values and the sharing match but storage_offset() counts from the root
    assert _bits(ours["view"]) == _bits(theirs["view"]) and ours["view"].tolist() == [3.0, 4.0]
    assert ours["view"].storage_offset() == 3 and ours["n"] == 7
    ours["view"][0] = 30.0  # the view shares the root storage
    assert ours["a"][1, 0].item() == 30.0
    path = tmp_path / "legacy.pt"
    path.write_bytes(raw)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        ember.load(path, mmap=True)
    with pytest.raises(RuntimeError, match="wrong byte size|truncated"):
        ember.load(io.BytesIO(raw[:-8]))


def test_legacy_save_loads_in_torch():
    e = ember.arange(6.0).reshape(2, 3)
    obj = {"e": e, "t": e.t(), "p": ember.nn.Parameter(ember.ones(2))}
    buf = io.BytesIO()
    ember.save(obj, buf, _use_new_zipfile_serialization=False)
    assert buf.getvalue()[:2] == b"\x80\x02"
    buf.seek(0)
    t = torch.load(buf)
    for k in ("e", "t", "p"):
        _same(obj[k], t[k])
    buf.seek(0)
    back = ember.load(buf)
    _same(back["t"], t["t"])


def test_legacy_tar_format():
    """torch <= 0.3's tar: storages, tensors and pickle members (weights_only refuses it, as torch does)."""
    def member(tar, name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    arr = np.arange(4, dtype=np.float64)
    storages = io.BytesIO()
    pickle.dump(1, storages, protocol=2)
    pickle.dump(("11", "cpu", torch.DoubleStorage), storages, protocol=2)
    storages.write(struct.pack("<q", 4) + arr.tobytes())
    pickle.dump([], storages, protocol=2)
    tensors = io.BytesIO()
    pickle.dump(1, tensors, protocol=2)
    pickle.dump(("21", "11", torch.DoubleTensor), tensors, protocol=2)
    tensors.write(struct.pack("<i", 1) + b"\0" * 4 + struct.pack("<q", 2) + struct.pack("<q", 2)
                  + struct.pack("<q", 1))

    class Ref:
        def __init__(self, key):
            self.key = key

    main = io.BytesIO()
    p = pickle.Pickler(main, protocol=2)
    p.persistent_id = lambda o: o.key if isinstance(o, Ref) else None
    p.dump({"x": Ref("21")})
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        member(tar, "storages", storages.getvalue())
        member(tar, "tensors", tensors.getvalue())
        member(tar, "pickle", main.getvalue())
    buf.seek(0)
    out = ember.load(buf, weights_only=False)
    assert out["x"].tolist() == [1.0, 3.0] and out["x"].dtype is ember.float64
    buf.seek(0)
    with pytest.raises(RuntimeError, match="legacy .tar format"):
        ember.load(buf)


# ----------------------------------------------------------------------------------------------------
# mmap, map_location, byte order

def test_mmap(tmp_path):
    path = tmp_path / "big.pt"
    sd = {f"w{i}": ember.arange(1000.0) + i for i in range(3)}
    ember.save(sd, path)
    out = ember.load(path, mmap=True)
    for k in sd:
        assert ember.equal(out[k], sd[k])
        assert isinstance(root_array(out[k]._data).base.obj, mmap.mmap)  # frombuffer over the mapping
    before = path.read_bytes()
    out["w0"][0] = 5.0  # private mapping: the file does not change
    assert path.read_bytes() == before
    with S.set_default_mmap_options(mmap.MAP_SHARED):
        shared = ember.load(path, mmap=True)
        shared["w1"][0] = 42.0
        del shared
    assert ember.load(path)["w1"][0].item() == 42.0
    assert S.get_default_mmap_options() == mmap.MAP_PRIVATE
    t = torch.load(path, mmap=True)
    assert t["w1"][0].item() == 42.0
    with pytest.raises(ValueError, match="f must be a file path"):
        ember.load(io.BytesIO(before), mmap=True)
    tpath = tmp_path / "t.pt"
    torch.save({"x": torch.arange(5.0)}, tpath)
    assert ember.load(tpath, mmap=True)["x"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def _cuda_file(monkeypatch):
    monkeypatch.setattr(S, "_location", lambda a: "cuda:0")
    buf = io.BytesIO()
    ember.save({"x": ember.tensor([1.0, 2.0])}, buf)
    monkeypatch.undo()
    return buf.getvalue()


def test_map_location(monkeypatch):
    raw = _cuda_file(monkeypatch)
    assert b"cuda:0" in zipfile.ZipFile(io.BytesIO(raw)).read("archive/data.pkl")
    try:
        import ember.cuda as ecuda
        has_cuda = ecuda.is_available()
    except ImportError:
        has_cuda = False
    if not has_cuda:
        with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False"):
            ember.load(io.BytesIO(raw))
    seen = []
    for ml in ("cpu", ember.device("cpu"), {"cuda:0": "cpu"}, lambda s, loc: seen.append(loc) or s,
               lambda s, loc: S.default_restore_location(s, "cpu")):
        out = ember.load(io.BytesIO(raw), map_location=ml)
        assert out["x"].tolist() == [1.0, 2.0] and out["x"].device.type == "cpu"
    assert seen == ["cuda:0"]
    assert torch.load(io.BytesIO(raw), map_location="cpu")["x"].tolist() == [1.0, 2.0]
    with pytest.raises(NotImplementedError, match="meta"):
        ember.load(io.BytesIO(raw), map_location="meta")


def test_big_endian_records():
    arr = np.array([1.5, -2.25, 3.0], dtype=np.float32)
    pkl, _ = _crafted(("storage", torch.FloatStorage, "0", "cpu", 3), 0, (3,), (1,))
    raw = _archive(pkl, {"byteorder": b"big", "data/0": arr.astype(">f4").tobytes()}).getvalue()
    assert ember.load(io.BytesIO(raw))["t"].tolist() == arr.tolist()
    assert torch.load(io.BytesIO(raw))["t"].tolist() == arr.tolist()


# ----------------------------------------------------------------------------------------------------
# plain pickling of tensors (pickle, copy, multiprocessing)

def test_plain_pickle_keeps_values_views_and_flags():
    base = ember.arange(12.0).reshape(3, 4)
    p = ember.nn.Parameter(ember.randn(2, 2))
    bf = ember.tensor([1.5, -2.0], dtype=ember.bfloat16)
    g = ember.ones(3).requires_grad_()
    obj = {"base": base, "t": base.t(), "col": base[:, 2], "zero_d": base[1, 1], "empty": base[:0], "p": p,
           "bf": bf, "g": g, "i": ember.tensor([1, 2], dtype=ember.int16)}
    for out in (pickle.loads(pickle.dumps(obj)), pickle.loads(pickle.dumps(obj, protocol=5))):
        for k, v in obj.items():
            assert type(out[k]) is type(v)
            assert _bits(out[k]) == _bits(v) and out[k].shape == v.shape and out[k].dtype is v.dtype
            assert out[k].stride() == v.stride() and out[k].requires_grad == v.requires_grad
        out["col"][0] = -5.0
        assert out["base"][0, 2].item() == -5.0
        assert out["t"].storage_offset() == 0 and out["col"].storage_offset() == 2
    e = ember.ones(2)
    e.tag = {"a": 1}
    assert pickle.loads(pickle.dumps(e)).tag == {"a": 1}
    # gradients and autograd bookkeeping are not pickled (as in torch), user attributes are
    m = ember.nn.Linear(2, 2)
    m(ember.ones(1, 2)).sum().backward()
    m.weight.note = "w"
    m2 = pickle.loads(pickle.dumps(m))
    assert ember.equal(m2.weight, m.weight) and m2.weight.grad is None and m2.weight.note == "w"
    assert isinstance(m2.weight, ember.nn.Parameter) and m2.weight.requires_grad
    t = _roundtrip_to_torch({"w": m.weight})["w"]
    assert t.grad is None and t.note == "w" and isinstance(t, torch.nn.Parameter)
    d = copy.deepcopy({"x": base, "y": p})
    assert ember.equal(d["x"], base) and isinstance(d["y"], ember.nn.Parameter)


def test_safetensors_path_is_dispatched(tmp_path):
    from ember.utils import safetensors as st
    path = tmp_path / "w.safetensors"
    st.save_file({"a": ember.arange(3.0)}, path)
    assert ember.load(path)["a"].tolist() == [0.0, 1.0, 2.0]


# ----------------------------------------------------------------------------------------------------
# ember.utils.safetensors

def _st_tensors():
    d = {n: ember.from_numpy(_values(n, 6).reshape(2, 3)).to(getattr(ember, n)) for n in DTYPES
         if n != "complex128"}
    d["empty"] = ember.zeros(0, 3)
    d["scalar"] = ember.tensor(3.5)
    return d


def test_safetensors_roundtrip_and_format(tmp_path):
    from ember.utils import safetensors as st
    d = _st_tensors()
    path = tmp_path / "m.safetensors"
    st.save_file(d, path, metadata={"format": "pt"})
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header["__metadata__"] == {"format": "pt"}
    assert header["float32"]["dtype"] == "F32" and header["float32"]["shape"] == [2, 3]
    assert header["bfloat16"]["dtype"] == "BF16" and header["scalar"]["shape"] == []
    for loaded in (st.load_file(path), st.load(raw), st.load(st.save(d, metadata={"format": "pt"}))):
        assert sorted(loaded) == sorted(d)
        for k, v in d.items():
            assert loaded[k].dtype is v.dtype and loaded[k].shape == v.shape and _bits(loaded[k]) == _bits(v)
    with st.safe_open(path, framework="pt") as f:
        assert f.keys() == sorted(d) and f.metadata() == {"format": "pt"}
        assert _bits(f.get_tensor("int64")) == _bits(d["int64"])
        with pytest.raises(KeyError, match="nope"):
            f.get_tensor("nope")
    assert _bits(ember.load(path)["float16"]) == _bits(d["float16"])


def test_safetensors_refusals(tmp_path):
    from ember.utils import safetensors as st
    base = ember.arange(6.0)
    with pytest.raises(ValueError, match="non contiguous"):
        st.save({"t": base.reshape(2, 3).t()})
    with pytest.raises(RuntimeError, match="share memory"):
        st.save({"a": base, "b": base[2:]})
    assert st.load(st.save({"a": base[:3].clone(), "b": base[3:]}))["b"].tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="expected torch.Tensor"):
        st.save({"a": 1})
    with pytest.raises(NotImplementedError, match="complex128"):
        st.save({"a": ember.zeros(2, dtype=ember.complex128)})

    def craft(header, data=b""):
        text = json.dumps(header).encode()
        return struct.pack("<Q", len(text)) + text + data

    cases = {
        "too large": (struct.pack("<Q", 10 ** 12) + b"{}", "HeaderTooLarge"),
        "truncated header": (struct.pack("<Q", 100) + b"{}", "HeaderTooSmall"),
        "bad json": (struct.pack("<Q", 4) + b"{{{{", "InvalidHeaderDeserialization"),
        "size mismatch": (craft({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, b"\0" * 8),
                          "TensorInvalidInfo"),
        "gap": (craft({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "InvalidOffset"),
        "overlap": (craft({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                           "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "InvalidOffset"),
        "past the end": (craft({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8),
                         "MetadataIncompleteBuffer"),
        "negative shape": (craft({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}),
                           "InvalidHeaderDeserialization"),
    }
    for name, (raw, message) in cases.items():
        with pytest.raises(RuntimeError, match=message):
            st.load(raw)
        p = tmp_path / f"{name.replace(' ', '_')}.safetensors"
        p.write_bytes(raw)
        with pytest.raises(RuntimeError, match=message):
            st.load_file(p)
    with pytest.raises(NotImplementedError, match="F8_E4M3"):
        st.load(craft({"a": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}, b"\0"))


def test_safetensors_with_the_real_package(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    from ember.utils import safetensors as st
    d = _st_tensors()
    st.save_file(d, tmp_path / "ours.safetensors", metadata={"k": "v"})
    theirs = safetensors_torch.load_file(str(tmp_path / "ours.safetensors"))
    for k, v in d.items():
        _same(v, theirs[k])
    safetensors_torch.save_file(theirs, str(tmp_path / "theirs.safetensors"), metadata={"x": "y"})
    back = st.load_file(tmp_path / "theirs.safetensors")
    for k, v in theirs.items():
        _same(back[k], v)
    with st.safe_open(tmp_path / "theirs.safetensors") as f:
        assert f.metadata() == {"x": "y"}
    back2 = st.load(safetensors_torch.save(theirs))
    assert all(_bits(back2[k]) == _bits(v) for k, v in theirs.items())
