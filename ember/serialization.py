"""``torch.save`` / ``torch.load`` in PyTorch's own file format, safe by default.

Files written here load in real PyTorch and files written by PyTorch load here:

* **Format.**  A zip archive of stored entries under ``<stem>/``: ``data.pkl`` (pickle protocol 2),
  ``.format_version``, ``.storage_alignment``, ``byteorder``, ``data/<key>`` (each storage's raw
  little-endian bytes, 64-byte aligned so it can be memory-mapped), ``version`` and
  ``.data/serialization_id``.  In ``data.pkl`` a storage is a persistent id
  ``('storage', torch.FloatStorage, key, location, numel)`` and a tensor is
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())``;
  tensors sharing a storage share one ``data/<key>``, so views stay views.
* **Names.**  Ember objects are written under torch's GLOBAL names (``torch._utils._rebuild_tensor_v2``,
  ``torch.nn.modules.linear.Linear``, ``torch.float32``) by a pickler whose ``save_global`` emits
  them without importing torch; loading maps ``torch.X`` back to ``ember.X`` (``torchvision.X`` to
  ``ember.vision.X``).
* **Safety.**  ``weights_only=True`` (the default, as in torch >= 2.6) unpickles with an interpreter
  that only calls an allow-list (tensors, storages, dtypes, containers, primitives, ``OrderedDict``,
  ``Size``, ``device``, the ``_rebuild_*`` functions and whatever ``add_safe_globals`` adds); anything
  else is refused with ``pickle.UnpicklingError`` naming the global, before it is called.  Storage
  sizes, offsets and strides are checked against the bytes actually in the file.
* **Crash safety (beyond torch).**  Saving to a path writes a temporary file in the same directory,
  flushes it to disk and renames it over the target: an interrupted save leaves the previous file whole.
* ``mmap=True`` maps the file: each storage is an array over the mapping (copy-on-write), nothing is read.
* The legacy (torch < 1.6) pickle-stream format and the older tar format load too; ``.safetensors``
  paths are read with :mod:`ember.utils.safetensors`.
"""
import _codecs
import contextlib
import enum
import io
import mmap as _mmap
import os
import pickle
import random
import stat
import struct
import sys
import threading
import types
import uuid
import warnings
import zipfile
import zlib
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from collections import Counter, OrderedDict

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._storage import TypedStorage, UntypedStorage, root_and_offset
from ._tensor import Size, Tensor, _wrap

# (not ``from . import _utils``: that consults ember.__getattr__ before importing the submodule)
import ember._utils as _utils  # noqa: E402

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "get_unsafe_globals_in_checkpoint", "SourceChangeWarning", "LoadEndianness",
           "get_default_load_endianness", "set_default_load_endianness", "get_crc32_options",
           "set_crc32_options", "get_default_mmap_options", "set_default_mmap_options", "default_restore_location",
           "location_tag", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
_STORAGE_ALIGNMENT = 64
_MAX_FILE_FORMAT_VERSION = 10
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP64_LIMIT = 0xFFFFFFFF  # sizes/offsets from here on need ZIP64 records

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` "
    "to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can "
    "result in arbitrary code execution. Do it only if you got the file from a trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


class SourceChangeWarning(Warning):
    pass


# ----------------------------------------------------------------------------------------------------
# options (torch.serialization's module-level settings)

class LoadEndianness(enum.Enum):
    NATIVE = 1
    LITTLE = 2
    BIG = 3


_options = {"endianness": None, "crc32": True, "mmap_flags": _mmap.MAP_PRIVATE}


def get_default_load_endianness():
    """Byte order assumed for checkpoints without a ``byteorder`` record (None: little endian)."""
    return _options["endianness"]


def set_default_load_endianness(endianness):
    if endianness is not None and not isinstance(endianness, LoadEndianness):
        raise TypeError("Invalid argument type in function set_default_load_endianness")
    _options["endianness"] = endianness


def get_crc32_options():
    """Whether ``save`` computes the CRC-32 of storage records (the other records always carry one)."""
    return _options["crc32"]


def set_crc32_options(compute_crc32):
    _options["crc32"] = bool(compute_crc32)


def get_default_mmap_options():
    return _options["mmap_flags"]


class set_default_mmap_options:
    """``mmap.MAP_PRIVATE`` (default: writes stay in memory) or ``mmap.MAP_SHARED`` (writes reach the file)
    for ``load(..., mmap=True)``; usable as a call or as a context manager, as in torch."""

    def __init__(self, flags):
        if flags not in (_mmap.MAP_PRIVATE, _mmap.MAP_SHARED):
            raise ValueError("Invalid argument in function set_default_mmap_options, expected mmap.MAP_PRIVATE "
                             f"or mmap.MAP_SHARED, but got {flags}")
        self.prev = _options["mmap_flags"]
        _options["mmap_flags"] = flags

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _options["mmap_flags"] = self.prev


# ----------------------------------------------------------------------------------------------------
# dtypes and storage classes as torch names them

_STORAGE_NAMES = {D.float64: "DoubleStorage", D.float32: "FloatStorage", D.float16: "HalfStorage",
                  D.bfloat16: "BFloat16Storage", D.int64: "LongStorage", D.int32: "IntStorage",
                  D.int16: "ShortStorage", D.int8: "CharStorage", D.uint8: "ByteStorage", D.bool: "BoolStorage",
                  D.complex64: "ComplexFloatStorage", D.complex128: "ComplexDoubleStorage"}
_QUANTIZED_STORAGES = ("QUInt8Storage", "QInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage")
# torch dtypes ember does not have: loading a tensor of one is a NotImplementedError, not a refusal
_MISSING_DTYPES = (("uint16", "uint32", "uint64", "complex32", "chalf", "float8_e4m3fn", "float8_e5m2",
                    "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits1x8",
                    "bits2x4", "bits4x2", "bits8", "bits16", "qint8", "quint8", "qint32", "quint4x2", "quint2x4")
                   + tuple(f"int{i}" for i in range(1, 8)) + tuple(f"uint{i}" for i in range(1, 8)))
_QSCHEMES = ("per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
             "per_channel_affine_float_qparams")


class _StorageType:
    """What ``torch.FloatStorage`` & co. mean inside a checkpoint: the dtype of a persistent-id storage.
    ``dtype`` is None for ``UntypedStorage`` (bytes)."""
    __slots__ = ("module", "name", "dtype")

    def __init__(self, module, name, dtype):
        self.module, self.name, self.dtype = module, name, dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


_STORAGE_TYPES = {name: _StorageType("torch", name, dt) for dt, name in _STORAGE_NAMES.items()}
_STORAGE_TYPE_OF = {dt: _STORAGE_TYPES[name] for dt, name in _STORAGE_NAMES.items()}
_UNTYPED_STORAGE_TYPE = _StorageType("torch.storage", "UntypedStorage", None)


class _Missing:
    """An allow-listed torch global that ember has no equivalent for (loading it is NotImplementedError)."""
    __slots__ = ("what",)

    def __init__(self, what):
        self.what = what

    def error(self):
        return NotImplementedError(f"ember cannot load {self.what}: ember has no equivalent")


def _get_layout(name):
    """``torch.serialization._get_layout``: ember tensors are all strided."""
    if name == "torch.strided":
        return "torch.strided"
    raise NotImplementedError(f"ember cannot load tensors of layout {name}: only torch.strided exists in ember")


def _storage_type_by_name(module, name):
    if name == "UntypedStorage":
        return _UNTYPED_STORAGE_TYPE
    st = _STORAGE_TYPES.get(name)
    if st is not None:
        return st
    if name in _QUANTIZED_STORAGES:
        return _Missing(f"{module}.{name} (quantized storages)")
    return None


# ----------------------------------------------------------------------------------------------------
# the weights_only allow-list and the user's safe globals

_safe_globals = set()


def add_safe_globals(safe_globals):
    """Mark globals as safe for ``weights_only`` loads: a function/class, or ``(obj, "module.name")`` to
    allow it under the name a checkpoint uses."""
    if not isinstance(safe_globals, list):
        raise TypeError(f"Expected safe_globals to be a list, but got {type(safe_globals).__name__}")
    _safe_globals.update(safe_globals)


def get_safe_globals():
    """The globals added with ``add_safe_globals``."""
    return list(_safe_globals)


def clear_safe_globals():
    """Forget every global added with ``add_safe_globals``."""
    _safe_globals.clear()


class safe_globals:
    """Context manager: ``with safe_globals([Foo]): load(f)`` allows ``Foo`` inside the block only."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self.added = [g for g in self.safe_globals if g not in _safe_globals]
        add_safe_globals(list(self.safe_globals))

    def __exit__(self, *exc):
        _safe_globals.difference_update(self.added)


_allowed_cache = []


def _allowed_globals():
    """Name -> object for everything ``weights_only`` loads accept by default (torch's allow-list)."""
    if _allowed_cache:
        return _allowed_cache[0]
    from . import _legacy
    from .nn.parameter import Parameter
    rc = {"collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
          "torch.nn.parameter.Parameter": Parameter, "torch.serialization._get_layout": _get_layout,
          "torch.Size": Size, "torch.Tensor": Tensor, "torch.device": _device, "_codecs.encode": _codecs.encode,
          "builtins.bytearray": bytearray, "builtins.set": set, "builtins.complex": complex}
    for name, dt in D._BY_NAME.items():
        rc["torch." + name] = dt
    for name in _MISSING_DTYPES:
        rc["torch." + name] = _Missing(f"tensors of dtype torch.{name}")
    for name in _QSCHEMES:
        rc["torch." + name] = _Missing(f"quantized tensors (torch.{name})")
    for name in tuple(_STORAGE_NAMES.values()) + _QUANTIZED_STORAGES:
        for module in ("torch", "torch.cuda"):
            rc[f"{module}.{name}"] = _storage_type_by_name(module, name)
    rc["torch.storage.UntypedStorage"] = rc["torch.UntypedStorage"] = UntypedStorage
    rc["torch.storage.TypedStorage"] = rc["torch.TypedStorage"] = TypedStorage
    for name in _legacy.__all__:
        rc["torch." + name] = getattr(_legacy, name)
    for name, cls in _legacy.CUDA_TYPES.items():
        rc["torch.cuda." + name] = cls
    for name in ("_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_tensor",
                 "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
                 "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
                 "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor"):
        rc["torch._utils." + name] = getattr(_utils, name)
    rc["torch._tensor._rebuild_from_type_v2"] = _utils._rebuild_from_type_v2
    _allowed_cache.append(rc)
    return rc


def _user_allowed_globals():
    """Name -> object for the user's safe globals; an ember object is also allowed under its torch name."""
    rc = {}
    for g in _safe_globals:
        if isinstance(g, tuple):
            if len(g) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple "
                                 f"of length: {len(g)}")
            if type(g[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                                f"{type(g[1])}")
            rc[g[1]] = g[0]
            continue
        rc[f"{g.__module__}.{g.__qualname__}"] = g
        torch_name = _torch_global(g)
        if torch_name is not None:
            rc[".".join(torch_name)] = g
    return rc


# ----------------------------------------------------------------------------------------------------
# GLOBAL names: ember objects <-> torch names

def _getattr_dotted(obj, name):
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _torch_global(obj, name=None):
    """(module, qualname) under which torch knows ``obj``, for ember objects; None for anything else."""
    if type(obj) is _StorageType:
        return obj.module, obj.name
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str):
        return None
    qual = name or getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if not isinstance(qual, str):
        return None
    if module == "ember" or module.startswith("ember."):
        try:
            if "<locals>" in qual or _getattr_dotted(sys.modules[module], qual) is not obj:
                return None  # not an importable global: let pickle report it
        except (KeyError, AttributeError):
            return None
        if obj is _utils._rebuild_from_type_v2:
            return "torch._tensor", qual
        if module == "ember.nn.parameter" and qual.startswith("_rebuild_parameter"):
            return "torch._utils", qual
        import ember
        if "." not in qual and ember.__dict__.get(qual) is obj:
            return "torch", qual
        if module == "ember.vision" or module.startswith("ember.vision."):
            return "torchvision" + module[len("ember.vision"):], qual
        return "torch" + module[len("ember"):], qual
    if module == "torch" or module.startswith("torch."):
        # ember's Tensor, Size, dtypes and legacy tensor types already carry torch's names
        real = sys.modules.get(module)
        if real is not None:
            try:
                if _getattr_dotted(real, qual) is obj:
                    return None
            except AttributeError:
                pass
        return module, qual
    return None


def _ember_global(module, name):
    """The ember object a torch GLOBAL names (for ``weights_only=False`` loads), or None if ``module`` is
    not torch's/torchvision's."""
    if module == "torch" or module.startswith("torch.") or module == "torchvision" or module.startswith(
            "torchvision."):
        allowed = _allowed_globals().get(f"{module}.{name}")
        if allowed is not None:
            if type(allowed) is _Missing:
                raise allowed.error()
            return allowed
        if "Storage" in name and (module == "torch" or module.startswith("torch.cuda")):
            st = _storage_type_by_name(module, name)
            if st is not None:
                if type(st) is _Missing:
                    raise st.error()
                return st
        if module == "torch.tensor":  # the module's name before torch 1.8
            module = "torch._tensor"
        if module.startswith("torchvision"):
            target = "ember.vision" + module[len("torchvision"):]
        else:
            target = "ember" + module[len("torch"):]
        import importlib
        try:
            mod = importlib.import_module(target)
        except ImportError:
            raise ModuleNotFoundError(f"ember cannot load {module}.{name}: ember has no module {target} "
                                      f"(the checkpoint pickles an object ember does not implement)") from None
        try:
            return _getattr_dotted(mod, name)
        except AttributeError:
            raise AttributeError(f"ember cannot load {module}.{name}: {target} has no attribute '{name}'") from None
    return None


# ----------------------------------------------------------------------------------------------------
# saving

class _StorageTable:
    """The storages a save writes, one per owning array (so views share a record), in key order."""
    __slots__ = ("roots", "records", "legacy")

    def __init__(self, legacy=False):
        self.roots = {}       # id(root array) -> (persistent id, dtype, root)
        self.records = []     # (key, 1-D uint8 array of the bytes to write, numel)
        self.legacy = legacy

    def add(self, root, flat, dtype, location):
        """The persistent id for the storage owning ``root`` seen as ``dtype`` (registering it once)."""
        entry = self.roots.get(id(root))
        if entry is not None:
            if entry[1] is not dtype:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different "
                                   "types")
            return entry[0]
        item = 1 if dtype is None else dtype.itemsize
        numel = flat.size // item
        key = str(len(self.records))
        stype = _UNTYPED_STORAGE_TYPE if dtype is None else _STORAGE_TYPE_OF[dtype]
        pid = ("storage", stype, key, location, numel)
        if self.legacy:
            pid = pid + (None,)
        ref = _PersistentRef(pid)
        self.roots[id(root)] = (ref, dtype, root)
        self.records.append((key, flat[:numel * item], numel))
        return ref


class _PersistentRef:
    """Stands in a pickled argument list for a storage; the pickler writes it as its persistent id."""
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


def _location(a):
    return "cpu" if type(a) is np.ndarray else f"cuda:{a.device.id}"


def _contiguous_strides(shape):
    st, acc = [], 1
    for n in reversed(shape):
        st.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st))


def _tensor_storage_args(table, t):
    """(storage ref, storage offset, size, stride) of a tensor, in elements, as torch writes them."""
    a = t._data
    item = a.itemsize
    root, off = root_and_offset(a)
    flat = _utils._flat_bytes(root)
    if flat is None or off % item or any(s % item or s < 0 for s in a.strides):
        # layouts torch cannot express (negative or unaligned strides): save this tensor's values alone
        a = a.copy(order="C")
        root, off, flat = a, 0, _utils._flat_bytes(a)
    ref = table.add(root, flat, t.dtype, _location(a))
    stride = _contiguous_strides(a.shape) if a.size == 0 else tuple(s // item for s in a.strides)
    return ref, off // item, tuple(a.shape), stride


def _storage_ref(table, s):
    """Persistent-id ref for a storage object saved directly (``torch.save(t.untyped_storage())``)."""
    untyped = s._untyped if isinstance(s, TypedStorage) else s
    dtype = s.dtype if isinstance(s, TypedStorage) else None
    b = untyped._bytes
    root, off = root_and_offset(b)
    flat = _utils._flat_bytes(root)
    if flat is None or off or flat.size != b.size:
        root = flat = (b.copy() if type(b) is np.ndarray else b.copy())
    return table.add(root, flat, dtype, _location(b))


_pickler_classes = {}


def _pickler_class(pickle_module):
    """A pure-Python Pickler (needed to write GLOBALs for modules that are not importable here) that
    writes tensors and storages the way torch does."""
    base = pickle._Pickler if pickle_module is pickle else getattr(pickle_module, "Pickler", None)
    if not (isinstance(base, type) and issubclass(base, pickle._Pickler)):
        raise NotImplementedError(f"ember.save needs a pickle module whose Pickler derives from pickle._Pickler "
                                  f"(to write torch's global names); got {pickle_module!r}")
    cls = _pickler_classes.get(base)
    if cls is None:
        # the dispatch table calls the base class's save_global for functions directly: route ember's own
        # functions (the _rebuild_* ones) through the renaming save_global
        save_function = base.dispatch[types.FunctionType]

        def save_function_renamed(self, obj):
            if _torch_global(obj) is not None:
                self.save_global(obj)
            else:
                save_function(self, obj)
        dispatch = dict(base.dispatch)
        dispatch[types.FunctionType] = save_function_renamed
        cls = type("_TorchPickler", (_PicklerMixin, base), {"dispatch": dispatch})
        _pickler_classes[base] = cls
    return cls


class _PicklerMixin:
    def __init__(self, file, protocol, table):
        super().__init__(file, protocol)
        self._table = table

    def persistent_id(self, obj):
        t = type(obj)
        if t is _PersistentRef:
            return obj.pid
        if t is UntypedStorage or t is TypedStorage:
            return _storage_ref(self._table, obj).pid
        return None

    def reducer_override(self, obj):
        t = type(obj)
        if t is D.dtype or t is _StorageType:
            return obj.name  # GLOBAL torch.float32, torch.FloatStorage, torch.storage.UntypedStorage
        if t is Size:
            return Size, (tuple(obj),)  # GLOBAL torch.Size, as torch writes it
        if not isinstance(obj, Tensor):
            return NotImplemented
        from .nn.parameter import Parameter
        reduce_ex = t.__reduce_ex__
        if reduce_ex is not Tensor.__reduce_ex__ and reduce_ex is not Parameter.__reduce_ex__:
            return NotImplemented  # the class pickles itself (e.g. UninitializedParameter)
        state = _utils._get_obj_state(obj)
        if isinstance(obj, Parameter):
            data = _wrap(obj._data)
            if state:
                return _utils._rebuild_parameter_with_state, (data, obj.requires_grad, OrderedDict(), state)
            return _utils._rebuild_parameter, (data, obj.requires_grad, OrderedDict())
        args = _tensor_storage_args(self._table, obj) + (obj.requires_grad, OrderedDict())
        if t is Tensor and not state:
            return _utils._rebuild_tensor_v2, args
        return _utils._rebuild_from_type_v2, (_utils._rebuild_tensor_v2, t, args, state)

    def save_global(self, obj, name=None):
        target = _torch_global(obj, name)
        if target is None:
            return super().save_global(obj, name)
        module, qual = target
        if self.proto >= 4:
            self.save(module)
            self.save(qual)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n" + qual.encode("utf-8") + b"\n")
        self.memoize(obj)


class _ZipWriter:
    """Writes a zip of stored entries with each entry's data 64-byte aligned (padding in an extra field
    with id ``FB``, as torch's writer does), ZIP64 where sizes or offsets need it."""

    def __init__(self, f, archive):
        self._f = f
        self._prefix = archive + "/"
        self._pos = 0
        self._entries = []

    def _write(self, data):
        self._f.write(data)
        self._pos += memoryview(data).nbytes

    def write_record(self, name, data, crc=True):
        view = memoryview(data)
        if view.format != "B" or view.ndim != 1:
            view = view.cast("B")
        size = view.nbytes
        checksum = zlib.crc32(view) if crc else 0
        fname = (self._prefix + name).encode("utf-8")
        zip64 = size >= _ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        pad = -(self._pos + 30 + len(fname) + len(extra) + 4) % _STORAGE_ALIGNMENT
        extra += struct.pack("<HH", 0x4246, pad) + b"Z" * pad
        size32 = 0xFFFFFFFF if zip64 else size
        self._entries.append((fname, checksum, size, self._pos))
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, 0, 0, 0x21, checksum, size32,
                                size32, len(fname), len(extra)) + fname + extra)
        if size:
            self._write(view)

    def close(self):
        start = self._pos
        for fname, checksum, size, offset in self._entries:
            big_size, big_offset = size >= _ZIP64_LIMIT, offset >= _ZIP64_LIMIT
            fields = ([size, size] if big_size else []) + ([offset] if big_offset else [])
            extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
            size32 = 0xFFFFFFFF if big_size else size
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if fields else 20, 0, 0, 0, 0x21,
                                    checksum, size32, size32, len(fname), len(extra), 0, 0, 0, 0,
                                    0xFFFFFFFF if big_offset else offset) + fname + extra)
        n, cd_size, z64 = len(self._entries), self._pos - start, self._pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_size, start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, z64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def _host_bytes(flat):
    return flat if type(flat) is np.ndarray else flat.get()


def _save_zip(obj, fh, archive, pickle_module, protocol, disable_byteorder):
    table = _StorageTable()
    buf = io.BytesIO()
    _pickler_class(pickle_module)(buf, protocol, table).dump(obj)
    w = _ZipWriter(fh, archive)
    w.write_record("data.pkl", buf.getbuffer())
    w.write_record(".format_version", b"1")
    w.write_record(".storage_alignment", str(_STORAGE_ALIGNMENT).encode())
    if not disable_byteorder:
        w.write_record("byteorder", sys.byteorder.encode())
    crc = _options["crc32"]
    for key, flat, _ in table.records:
        w.write_record("data/" + key, _host_bytes(flat), crc=crc)
    w.write_record("version", b"3\n")
    w.write_record(".data/serialization_id", b"%020d%020d" % (random.getrandbits(64), uuid.uuid4().int % 10**20))
    w.close()


def _save_legacy(obj, fh, pickle_module, protocol):
    """The pre-1.6 stream: magic, protocol, sys_info, the object, the storage keys, then each storage as
    an int64 element count followed by its bytes."""
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION,
                   {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
                    "type_sizes": {"short": 2, "int": 4, "long": 4}}):
        pickle.dump(header, fh, protocol=protocol)
    table = _StorageTable(legacy=True)
    _pickler_class(pickle_module)(fh, protocol, table).dump(obj)
    pickle.dump([key for key, _, _ in table.records], fh, protocol=protocol)
    for _, flat, numel in table.records:
        fh.write(struct.pack("<q", numel))
        fh.write(memoryview(_host_bytes(flat)))


@contextlib.contextmanager
def _atomic_file(path):
    """A binary file that replaces ``path`` only once it is completely written and flushed to disk."""
    real = os.path.realpath(path)
    parent = os.path.dirname(real)
    if not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {os.path.dirname(os.path.abspath(path))} does not exist.")
    if os.path.isdir(real):
        raise RuntimeError(f"open file failed with strerror: Is a directory: {path}")
    exists = os.path.exists(real)
    if exists and not os.path.isfile(real):  # a device or FIFO (/dev/null): write through it
        with open(real, "wb") as fh:
            yield fh
        return
    tmp = os.path.join(parent, f".{os.path.basename(real)}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except PermissionError:
        if not (exists and os.access(real, os.W_OK)):
            raise
        with open(real, "wb") as fh:  # directory not writable but the file is: overwrite in place
            yield fh
        return
    try:
        if exists:
            os.chmod(tmp, stat.S_IMODE(os.stat(real).st_mode))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _archive_name(path):
    base = os.path.basename(os.fspath(path))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem or "archive"


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """``torch.save``: write ``obj`` (tensors, state_dicts, modules, any picklable object) to ``f`` (a path,
    ``pathlib.Path`` or binary file object) in PyTorch's zip format, loadable by ``torch.load``.

    Tensors that share storage share it again after loading.  Saving to a path is atomic: the file is
    written beside the target and renamed over it when complete.
    """
    if _is_path(f):
        with _atomic_file(os.fspath(f)) as fh:
            _save_to(obj, fh, _archive_name(f), pickle_module, pickle_protocol, _use_new_zipfile_serialization,
                     _disable_byteorder_record)
        return
    if not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")
    _save_to(obj, f, "archive", pickle_module, pickle_protocol, _use_new_zipfile_serialization,
             _disable_byteorder_record)


def _save_to(obj, fh, archive, pickle_module, protocol, zip_format, disable_byteorder):
    if zip_format:
        _save_zip(obj, fh, archive, pickle_module, protocol, disable_byteorder)
    else:
        _save_legacy(obj, fh, pickle_module, protocol)


# ----------------------------------------------------------------------------------------------------
# storage locations (map_location)

_tls = threading.local()


def location_tag(storage):
    """'cpu' or 'cuda:N': where a storage lives, as written in checkpoints."""
    b = storage._untyped._bytes if isinstance(storage, TypedStorage) else storage._bytes
    return _location(b)


def _cuda_module(index):
    try:
        from . import cuda
    except ImportError:
        cuda = None
    if cuda is None or not cuda.is_available():
        raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
                           "If you are running on a CPU-only machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU.")
    count = cuda.device_count()
    if index >= count:
        raise RuntimeError(f"Attempting to deserialize object on CUDA device {index} but torch.cuda.device_count() is "
                           f"{count}. Please use torch.load with map_location to map your storages to an existing "
                           "device.")
    return cuda._cupy()


def default_restore_location(storage, location):
    """Move an untyped storage to ``location`` ('cpu', 'cuda', 'cuda:N')."""
    location = str(location)
    b = storage._bytes
    if location == "cpu":
        return storage if type(b) is np.ndarray else UntypedStorage._from_bytes(b.get())
    if location == "cuda" or location.startswith("cuda:"):
        index = int(location[5:]) if location.startswith("cuda:") else 0
        cupy = _cuda_module(index)
        with cupy.cuda.Device(index):
            return UntypedStorage._from_bytes(cupy.asarray(b))
    if location == "meta":
        raise NotImplementedError("ember has no meta device: cannot load with map_location='meta'")
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage (tagged with "
                       f"{location})")


def _restore_fn(map_location):
    if map_location is None:
        return default_restore_location
    if isinstance(map_location, dict):
        return lambda s, loc: default_restore_location(s, map_location.get(loc, loc))
    if isinstance(map_location, (str, bytes)):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda s, loc: default_restore_location(s, target)
    if isinstance(map_location, _device) or type(map_location).__name__ == "device":
        target = str(map_location)
        return lambda s, loc: default_restore_location(s, target)

    def restore(s, loc):
        result = map_location(s, loc)
        if result is None:
            return default_restore_location(s, loc)
        return result._untyped if isinstance(result, TypedStorage) else result
    return restore


def _restore_device(device):
    """The device a ``_rebuild_device_tensor_*`` call lands on under the active ``map_location``."""
    map_location = getattr(_tls, "map_location", None)
    if map_location is None:
        return device
    if isinstance(map_location, dict):
        return map_location.get(device, device)
    if callable(map_location) and not isinstance(map_location, (str, _device)):
        raise RuntimeError("Callable map_location not supported with _rebuild_wrapper_subclass or "
                           "_rebuild_device_tensor_from_numpy")
    return map_location


# ----------------------------------------------------------------------------------------------------
# reading zip archives

class _ZipReader:
    """Records of a torch zip archive, found under the folder named by the first entry."""

    def __init__(self, f):
        self._f = f
        try:
            self._zf = zipfile.ZipFile(f)
            infos = self._zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error) as e:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding central directory. "
                               "The checkpoint file is likely corrupted or truncated (was it saved completely and "
                               f"transferred intact?) [{e}]") from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: the archive is empty")
        first = infos[0].filename
        if "/" not in first:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: file in archive is not in a "
                               f"subdirectory: {first}")
        prefix = first[:first.index("/") + 1]
        self._infos = {i.filename[len(prefix):]: i for i in infos if i.filename.startswith(prefix)}

    def has(self, name):
        return name in self._infos

    def info(self, name):
        info = self._infos.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        return info

    def get(self, name):
        try:
            return self._zf.read(self.info(name))
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}") from None

    def data_offset(self, info):
        """Offset of an entry's data in the file (after its local header, whose extra field may differ
        from the central directory's)."""
        self._f.seek(info.header_offset)
        header = self._f.read(30)
        if len(header) != 30 or header[:4] != _ZIP_MAGIC:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: bad local header for "
                               f"{info.filename}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + name_len + extra_len

    def read_into(self, info, out):
        """Fill the writable uint8 array ``out`` with the first ``out.size`` bytes of an entry."""
        view = memoryview(out)
        if info.compress_type == zipfile.ZIP_STORED:
            self._f.seek(self.data_offset(info))
            _read_fully(self._f, view, info.filename)
        else:
            with self._zf.open(info) as src:
                _read_fully(src, view, info.filename)


def _read_fully(f, view, what):
    readinto = getattr(f, "readinto", None)
    done, n = 0, len(view)
    while done < n:
        if readinto is not None:
            got = readinto(view[done:])
        else:
            chunk = f.read(n - done)
            got = len(chunk)
            view[done:done + got] = chunk
        if not got:
            raise RuntimeError(f"PytorchStreamReader failed reading file {what}: the file is truncated "
                               f"(expected {n} bytes, got {done})")
        done += got


def _decode(x):
    return x.decode("ascii") if isinstance(x, bytes) else x


def _storage_dtype(storage_type):
    if type(storage_type) is _StorageType:
        return D.uint8 if storage_type.dtype is None else storage_type.dtype
    if storage_type is UntypedStorage:
        return D.uint8
    if type(storage_type) is _Missing:
        raise storage_type.error()
    raise RuntimeError(f"invalid storage type in checkpoint: {storage_type!r}")


def _check_numel(numel):
    if type(numel) is not int or numel < 0:
        raise RuntimeError(f"invalid storage size in checkpoint: {numel!r}")
    return numel


class _ZipStorages:
    """``persistent_load`` for zip checkpoints: reads each ``data/<key>`` once, straight into its array
    (or maps it), after checking the record holds as many bytes as the pickle claims."""

    def __init__(self, reader, restore, mm, swap):
        self.reader, self.restore, self.mm, self.swap = reader, restore, mm, swap
        self.loaded = {}

    def __call__(self, saved_id):
        if type(saved_id) is not tuple or len(saved_id) != 5:
            raise RuntimeError(f"invalid persistent id in checkpoint: {saved_id!r}")
        typename, storage_type, key, location, numel = saved_id
        if _decode(typename) != "storage":
            raise RuntimeError(f"Unknown typename for persistent_load, expected 'storage' but got "
                               f"'{_decode(typename)}'")
        dtype = _storage_dtype(storage_type)
        key, location = _decode(key), _decode(location)
        if type(key) is not str or type(location) is not str:
            raise RuntimeError(f"invalid persistent id in checkpoint: {saved_id!r}")
        typed = self.loaded.get(key)
        if typed is not None:
            return typed
        numel = _check_numel(numel)
        name = "data/" + key
        info = self.reader.info(name)
        nbytes = numel * dtype.itemsize
        if info.file_size < nbytes:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: the checkpoint declares {numel} "
                               f"elements of {dtype} ({nbytes} bytes) but the record holds {info.file_size} bytes")
        if self.mm is not None and numel:
            if info.compress_type != zipfile.ZIP_STORED:
                raise RuntimeError(f"mmap=True needs uncompressed records, but {name} is compressed")
            arr = np.frombuffer(self.mm, dtype.np, numel, self.reader.data_offset(info))
        else:
            arr = np.empty(numel, dtype.np)
            if numel:
                self.reader.read_into(info, arr.view(np.uint8))
        if self.swap and dtype.itemsize > 1:
            arr.byteswap(inplace=True)
        untyped = self.restore(UntypedStorage._from_bytes(arr.view(np.uint8)), location)
        typed = TypedStorage(wrap_storage=untyped, dtype=dtype)
        self.loaded[key] = typed
        return typed


# ----------------------------------------------------------------------------------------------------
# the weights_only unpickler

_BLOCKED_MODULES = ("sys", "os", "posix", "nt")


class _WeightsUnpickler:
    """A pickle interpreter that only calls allow-listed globals (torch's ``_weights_only_unpickler``).

    GLOBAL names are checked before anything is resolved; REDUCE and NEWOBJ run only allow-listed
    callables and classes; BUILD only sets state on tensors, Parameters, OrderedDicts and allow-listed
    types; APPEND/SETITEM only touch lists/dicts.  Protocol 2-5 data opcodes are understood; INST, OBJ,
    EXT* and text persistent ids are refused.
    """

    def __init__(self, file, *, encoding="utf-8", persistent_load=None):
        self._read = file.read
        self._readline = file.readline
        self.encoding = encoding
        self.persistent_load = persistent_load
        self.memo = {}

    def _exact(self, n):
        if n <= 1 << 20:
            data = self._read(n)
        else:
            parts, left = [], n
            while left:
                part = self._read(min(left, 1 << 20))
                if not part:
                    break
                parts.append(part)
                left -= len(part)
            data = b"".join(parts)
        if len(data) != n:
            raise pickle.UnpicklingError("pickle data was truncated")
        return data

    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def load(self):
        allowed = _allowed_globals()
        user = _user_allowed_globals()
        self._ok = {id(v) for v in allowed.values()} | {id(v) for v in user.values()}
        self._allowed, self._user = allowed, user
        self.stack, self.metastack = [], []
        first = True
        ops = self._OPS
        try:
            while True:
                key = self._read(1)
                if not key:
                    if first:
                        raise EOFError("Ran out of input")
                    raise pickle.UnpicklingError("pickle data was truncated")
                first = False
                op = ops.get(key[0])
                if op is None:
                    raise pickle.UnpicklingError(f"Unsupported operand {key[0]}")
                if op is _STOP:
                    return self.stack.pop()
                op(self)
        except IndexError:
            raise pickle.UnpicklingError("unpickling stack underflow (malformed pickle data)") from None

    # ---- globals and calls
    def _line(self):
        line = self._readline()
        if not line.endswith(b"\n"):
            raise pickle.UnpicklingError("pickle data was truncated")
        try:
            return line[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise pickle.UnpicklingError("invalid GLOBAL name (not UTF-8)") from None

    def _op_global(self):
        module = self._line()
        self._push_global(module, self._line())

    def _op_stack_global(self):
        name = self.stack.pop()
        module = self.stack.pop()
        if type(name) is not str or type(module) is not str:
            raise pickle.UnpicklingError("STACK_GLOBAL requires str")
        self._push_global(module, name)

    def _push_global(self, module, name):
        if (module, name) in NAME_MAPPING:
            module, name = NAME_MAPPING[(module, name)]
        elif module in IMPORT_MAPPING:
            module = IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        obj = self._allowed.get(full, _NOTHING)
        if obj is _NOTHING:
            obj = self._user.get(full, _NOTHING)
        if obj is _NOTHING:
            shown = full[len("builtins."):] if full.startswith("builtins.") else full
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
                f"`torch.serialization.add_safe_globals([{shown}])` or the "
                f"`torch.serialization.safe_globals([{shown}])` context manager to allowlist this global if you "
                "trust this class/function.")
        if type(obj) is _Missing:
            raise obj.error()
        self.stack.append(obj)

    def _op_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if id(func) not in self._ok:
            raise pickle.UnpicklingError(f"Trying to call reduce for unrecognized function {func!r}")
        if type(args) is not tuple:
            raise pickle.UnpicklingError("REDUCE arguments must be a tuple")
        self.stack[-1] = func(*args)

    def _op_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self.stack.append(self._new(cls, args, {}))

    def _op_newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        if type(kwargs) is not dict:
            raise pickle.UnpicklingError("NEWOBJ_EX keyword arguments must be a dict")
        self.stack.append(self._new(cls, args, kwargs))

    def _new(self, cls, args, kwargs):
        from .nn.parameter import Parameter
        if type(args) is not tuple:
            raise pickle.UnpicklingError("NEWOBJ arguments must be a tuple")
        if cls is Parameter:
            return Parameter(*args, **kwargs)
        if id(cls) in self._ok and isinstance(cls, type):
            return cls.__new__(cls, *args, **kwargs)
        raise pickle.UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted via "
                                     f"`add_safe_globals` but got {cls!r}")

    def _op_build(self):
        from .nn.parameter import Parameter
        state = self.stack.pop()
        inst = self.stack[-1]
        t = type(inst)
        if t is Tensor or t is Parameter:
            _set_legacy_tensor_state(inst, state)
        elif t is OrderedDict:
            if type(state) is not dict:
                raise pickle.UnpicklingError("OrderedDict state must be a dict")
            inst.__dict__.update(state)
        elif id(t) in self._ok:
            setstate = getattr(inst, "__setstate__", None)
            if setstate is not None:
                setstate(state)
            else:
                _utils._set_obj_state(inst, state)
        else:
            raise pickle.UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                                         f"`add_safe_globals`, but got {t}")

    def _op_binpersid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple and type(pid) is not int:
            raise pickle.UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
        if type(pid) is tuple and pid and _decode(pid[0]) != "storage":
            raise pickle.UnpicklingError(f"Only persistent_load of storage is allowed, but got {pid[0]!r}")
        if self.persistent_load is None:
            raise pickle.UnpicklingError("unsupported persistent id encountered")
        self.stack.append(self.persistent_load(pid))

    # ---- containers
    def _op_mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _op_tuple(self):
        items = self._pop_mark()
        self.stack.append(tuple(items))

    def _op_tuple1(self):
        self.stack[-1] = (self.stack[-1],)

    def _op_tuple2(self):
        self.stack[-2:] = [(self.stack[-2], self.stack[-1])]

    def _op_tuple3(self):
        self.stack[-3:] = [(self.stack[-3], self.stack[-2], self.stack[-1])]

    def _op_list(self):
        items = self._pop_mark()
        self.stack.append(items)

    def _op_dict(self):
        items = self._pop_mark()
        self.stack.append({items[i]: items[i + 1] for i in range(0, len(items) - 1, 2)})

    def _op_append(self):
        item = self.stack.pop()
        if type(self.stack[-1]) is not list:
            raise pickle.UnpicklingError(f"Can only append to lists, but got {type(self.stack[-1])}")
        self.stack[-1].append(item)

    def _op_appends(self):
        items = self._pop_mark()
        if type(self.stack[-1]) is not list:
            raise pickle.UnpicklingError(f"Can only extend lists, but got {type(self.stack[-1])}")
        self.stack[-1].extend(items)

    def _check_mapping(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise pickle.UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, "
                                         f"but got {type(self.stack[-1])}")

    def _op_setitem(self):
        value = self.stack.pop()
        key = self.stack.pop()
        self._check_mapping("SETITEM")
        self.stack[-1][key] = value

    def _op_setitems(self):
        items = self._pop_mark()
        self._check_mapping("SETITEMS")
        target = self.stack[-1]
        for i in range(0, len(items) - 1, 2):
            target[items[i]] = items[i + 1]

    def _op_additems(self):
        items = self._pop_mark()
        if type(self.stack[-1]) is not set:
            raise pickle.UnpicklingError(f"Can only add items to sets, but got {type(self.stack[-1])}")
        self.stack[-1].update(items)

    def _op_frozenset(self):
        items = self._pop_mark()
        self.stack.append(frozenset(items))

    # ---- memo and stack
    def _op_binput(self):
        self.memo[self._exact(1)[0]] = self.stack[-1]

    def _op_long_binput(self):
        self.memo[struct.unpack("<I", self._exact(4))[0]] = self.stack[-1]

    def _op_memoize(self):
        self.memo[len(self.memo)] = self.stack[-1]

    def _get(self, idx):
        try:
            self.stack.append(self.memo[idx])
        except KeyError:
            raise pickle.UnpicklingError(f"Memo value not found at index {idx}") from None

    def _op_binget(self):
        self._get(self._exact(1)[0])

    def _op_long_binget(self):
        self._get(struct.unpack("<I", self._exact(4))[0])

    def _op_pop(self):
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()

    def _op_pop_mark(self):
        self._pop_mark()

    def _op_dup(self):
        self.stack.append(self.stack[-1])

    def _op_proto(self):
        proto = self._exact(1)[0]
        if proto > pickle.HIGHEST_PROTOCOL:
            raise pickle.UnpicklingError(f"unsupported pickle protocol: {proto}")

    def _op_frame(self):
        self._exact(8)

    # ---- scalars
    def _op_none(self):
        self.stack.append(None)

    def _op_true(self):
        self.stack.append(True)

    def _op_false(self):
        self.stack.append(False)

    def _op_binint(self):
        self.stack.append(struct.unpack("<i", self._exact(4))[0])

    def _op_binint1(self):
        self.stack.append(self._exact(1)[0])

    def _op_binint2(self):
        self.stack.append(struct.unpack("<H", self._exact(2))[0])

    def _op_long1(self):
        self.stack.append(pickle.decode_long(self._exact(self._exact(1)[0])))

    def _op_long4(self):
        n = struct.unpack("<i", self._exact(4))[0]
        if n < 0:
            raise pickle.UnpicklingError("LONG pickle has negative byte count")
        self.stack.append(pickle.decode_long(self._exact(n)))

    def _op_binfloat(self):
        self.stack.append(struct.unpack(">d", self._exact(8))[0])

    def _unicode(self, fmt, size):
        n = struct.unpack(fmt, self._exact(size))[0]
        self.stack.append(str(self._exact(n), "utf-8", "surrogatepass"))

    def _op_binunicode(self):
        self._unicode("<I", 4)

    def _op_short_binunicode(self):
        self._unicode("<B", 1)

    def _op_binunicode8(self):
        self._unicode("<Q", 8)

    def _string(self, data):
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding, "strict"))

    def _op_binstring(self):
        n = struct.unpack("<i", self._exact(4))[0]
        if n < 0:
            raise pickle.UnpicklingError("BINSTRING pickle has negative byte count")
        self._string(self._exact(n))

    def _op_short_binstring(self):
        self._string(self._exact(self._exact(1)[0]))

    def _op_binbytes(self):
        self.stack.append(self._exact(struct.unpack("<I", self._exact(4))[0]))

    def _op_short_binbytes(self):
        self.stack.append(self._exact(self._exact(1)[0]))

    def _op_binbytes8(self):
        self.stack.append(self._exact(struct.unpack("<Q", self._exact(8))[0]))

    def _op_bytearray8(self):
        self.stack.append(bytearray(self._exact(struct.unpack("<Q", self._exact(8))[0])))

    def _op_empty_tuple(self):
        self.stack.append(())

    def _op_empty_list(self):
        self.stack.append([])

    def _op_empty_dict(self):
        self.stack.append({})

    def _op_empty_set(self):
        self.stack.append(set())


_NOTHING = object()
_STOP = object()
_WeightsUnpickler._OPS = {pickle.STOP[0]: _STOP}
for _code, _name in [
        (pickle.GLOBAL, "global"), (pickle.STACK_GLOBAL, "stack_global"), (pickle.REDUCE, "reduce"),
        (pickle.NEWOBJ, "newobj"), (pickle.NEWOBJ_EX, "newobj_ex"), (pickle.BUILD, "build"),
        (pickle.BINPERSID, "binpersid"), (pickle.MARK, "mark"), (pickle.TUPLE, "tuple"), (pickle.TUPLE1, "tuple1"),
        (pickle.TUPLE2, "tuple2"), (pickle.TUPLE3, "tuple3"), (pickle.LIST, "list"), (pickle.DICT, "dict"),
        (pickle.APPEND, "append"), (pickle.APPENDS, "appends"), (pickle.SETITEM, "setitem"),
        (pickle.SETITEMS, "setitems"), (pickle.ADDITEMS, "additems"), (pickle.FROZENSET, "frozenset"),
        (pickle.BINPUT, "binput"), (pickle.LONG_BINPUT, "long_binput"), (pickle.MEMOIZE, "memoize"),
        (pickle.BINGET, "binget"), (pickle.LONG_BINGET, "long_binget"), (pickle.POP, "pop"),
        (pickle.POP_MARK, "pop_mark"), (pickle.DUP, "dup"), (pickle.PROTO, "proto"), (pickle.FRAME, "frame"),
        (pickle.NONE, "none"), (pickle.NEWTRUE, "true"), (pickle.NEWFALSE, "false"), (pickle.BININT, "binint"),
        (pickle.BININT1, "binint1"), (pickle.BININT2, "binint2"), (pickle.LONG1, "long1"), (pickle.LONG4, "long4"),
        (pickle.BINFLOAT, "binfloat"), (pickle.BINUNICODE, "binunicode"),
        (pickle.SHORT_BINUNICODE, "short_binunicode"), (pickle.BINUNICODE8, "binunicode8"),
        (pickle.BINSTRING, "binstring"), (pickle.SHORT_BINSTRING, "short_binstring"), (pickle.BINBYTES, "binbytes"),
        (pickle.SHORT_BINBYTES, "short_binbytes"), (pickle.BINBYTES8, "binbytes8"),
        (pickle.BYTEARRAY8, "bytearray8"), (pickle.EMPTY_TUPLE, "empty_tuple"), (pickle.EMPTY_LIST, "empty_list"),
        (pickle.EMPTY_DICT, "empty_dict"), (pickle.EMPTY_SET, "empty_set")]:
    _WeightsUnpickler._OPS[_code[0]] = getattr(_WeightsUnpickler, "_op_" + _name)


def _set_legacy_tensor_state(inst, state):
    """BUILD on a tensor: the pre-0.4 ``Tensor.__setstate__`` forms (what torch's ``set_(*state)`` accepts)."""
    if type(state) is not tuple:
        raise pickle.UnpicklingError(f"invalid tensor state: expected a tuple, got {type(state).__name__}")
    if len(state) == 4:
        inst._data = _utils._rebuild_tensor(*state)._data
    elif len(state) == 5:
        inst._data = state[0]._data
        inst.requires_grad_(bool(state[3]))
    elif len(state) == 3:
        inst.requires_grad_(bool(state[0]))
    else:
        raise pickle.UnpicklingError(f"invalid tensor state of length {len(state)}")


def get_unsafe_globals_in_checkpoint(f):
    """The GLOBALs in a checkpoint that a ``weights_only`` load would refuse (nothing is unpickled)."""
    import pickletools
    with _open_for_read(f) as fh:
        if fh.read(4) != _ZIP_MAGIC:
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        fh.seek(0)
        data = _ZipReader(fh).get("data.pkl")
    allowed = set(_allowed_globals()) | set(_user_allowed_globals())
    found, strings = set(), []
    for opcode, arg, _ in pickletools.genops(data):
        if opcode.name == "GLOBAL":
            module, name = arg.split(" ", 1)
        elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
            module, name = strings[-2], strings[-1]
        else:
            if isinstance(arg, str):
                strings.append(arg)
            continue
        if (module, name) in NAME_MAPPING:
            module, name = NAME_MAPPING[(module, name)]
        elif module in IMPORT_MAPPING:
            module = IMPORT_MAPPING[module]
        if f"{module}.{name}" not in allowed:
            found.add(f"{module}.{name}")
    return sorted(found)


# ----------------------------------------------------------------------------------------------------
# loading

@contextlib.contextmanager
def _open_for_read(f):
    if _is_path(f):
        with open(f, "rb") as fh:
            yield fh
        return
    if not hasattr(f, "read"):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'read' attribute, "
                             f"got {type(f).__name__}")
    seekable = getattr(f, "seekable", None)
    if seekable is None or not seekable() or not hasattr(f, "readline"):
        f = io.BytesIO(f.read())  # zip and legacy loading both need to seek
    yield f


def _weights_only_error(message):
    if "was not an allowed global by default" in message:
        text = ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                "recommended steps in the following error message.\n\tWeightsUnpickler error: " + message)
    else:
        text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if "is blocked" not in message:
            text += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                     "with your use case: WeightsUnpickler error: ")
        text += "\n\n" + message
    return pickle.UnpicklingError(text + _DOCS_MESSAGE)


def _env_flag(name):
    return os.getenv(name, "0").lower() in ("1", "y", "yes", "true")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """``torch.load``: read an object saved by ``torch.save`` or ``ember.save``.

    ``weights_only`` defaults to True (as in torch >= 2.6) unless a ``pickle_module`` is given: only
    tensors, primitive types, dicts/lists/tuples/sets, ``OrderedDict``, ``Size``, ``device``, dtypes and
    the globals allowed with ``add_safe_globals`` can be unpickled; anything else is refused
    (``pickle.UnpicklingError`` naming it) and never called.  ``weights_only=False`` unpickles anything,
    mapping torch's classes to ember's (``torch.nn.modules.linear.Linear`` -> ``ember.nn.Linear``) — only
    for files you trust.

    ``map_location``: a device/str, a dict mapping saved locations to new ones, or
    ``callable(storage, location)``.  ``mmap=True`` (``f`` a path) maps the file instead of reading it.
    The ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` / ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` environment variables
    act as in torch.
    """
    explicit = weights_only is not None
    if not explicit:
        weights_only = pickle_module is None
    force_on, force_off = _env_flag("TORCH_FORCE_WEIGHTS_ONLY_LOAD"), _env_flag("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    if force_on and force_off:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force_on:
        weights_only = True
    elif force_off and not explicit:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                      "argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=2)
        weights_only = False
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
        if pickle_load_args:
            warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    elif pickle_module is None:
        pickle_module = pickle
    pickle_load_args.setdefault("encoding", "utf-8")
    if mmap is None:
        mmap = False

    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)

    with _open_for_read(f) as fh:
        start = fh.tell()
        is_zip = fh.read(4) == _ZIP_MAGIC
        fh.seek(start)
        if is_zip:
            reader = _ZipReader(fh)
            if reader.has("constants.pkl"):
                if weights_only:
                    raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript archives passed to "
                                       "``torch.load``. " + UNSAFE_MESSAGE)
                raise NotImplementedError("this is a TorchScript archive (torch.jit.save); ember cannot run "
                                          "TorchScript (torch.jit.load)")
            mm = None
            if mmap:
                if not _is_path(f):
                    raise ValueError("f must be a file path in order to use the mmap argument")
                access = _mmap.ACCESS_COPY if _options["mmap_flags"] == _mmap.MAP_PRIVATE else _mmap.ACCESS_WRITE
                with open(f, "r+b" if access == _mmap.ACCESS_WRITE else "rb") as raw:
                    mm = _mmap.mmap(raw.fileno(), 0, access=access)
            try:
                return _load_zip(reader, map_location, mm, weights_only, pickle_module, pickle_load_args)
            except pickle.UnpicklingError as e:
                if weights_only:
                    raise _weights_only_error(str(e)) from None
                raise
        if mmap:
            name = f"{f}, " if isinstance(f, str) else ""
            raise RuntimeError("mmap can only be used with files saved with "
                               f"`torch.save({name}_use_new_zipfile_serialization=True), please torch.save your "
                               "checkpoint with this option in order to use mmap.")
        try:
            return _load_legacy(fh, map_location, weights_only, pickle_module, pickle_load_args)
        except pickle.UnpicklingError as e:
            if weights_only:
                raise _weights_only_error(str(e)) from None
            raise


def _load_safetensors(path, map_location):
    from .utils.safetensors import load_file
    device = "cpu"
    if map_location is not None:
        if isinstance(map_location, dict):
            raise RuntimeError("Loading safetensors file with dict map_location is not supported. Use a device "
                               "string or torch.device instead.")
        if callable(map_location) and not isinstance(map_location, (str, bytes, _device)):
            raise RuntimeError("Loading safetensors file with callable map_location is not supported. Use a device "
                               "string or torch.device instead.")
        device = str(map_location)
    return load_file(path, device=device)


def _unpickle(data_file, persistent_load, weights_only, pickle_module, pickle_load_args, map_location):
    _tls.map_location = map_location
    try:
        if weights_only:
            u = _WeightsUnpickler(data_file, encoding=pickle_load_args.get("encoding", "utf-8"),
                                  persistent_load=persistent_load)
        else:
            u = _unpickler_class(pickle_module)(data_file, **pickle_load_args)
            u.persistent_load = persistent_load
        return u.load()
    finally:
        _tls.map_location = None


def _load_zip(reader, map_location, mm, weights_only, pickle_module, pickle_load_args):
    if not reader.has("data.pkl"):
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    version_name = "version" if reader.has("version") else ".data/version"
    try:
        version = int(reader.get(version_name).strip())
    except ValueError:
        raise RuntimeError("PytorchStreamReader failed reading zip archive: invalid version record") from None
    if not 1 <= version <= _MAX_FILE_FORMAT_VERSION:
        raise RuntimeError(f"PytorchStreamReader failed reading zip archive: the file format version {version} is "
                           f"not supported (ember reads versions 1 to {_MAX_FILE_FORMAT_VERSION})")
    if reader.has("byteorder"):
        order = reader.get("byteorder").decode("ascii", "replace")
        if order not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + order)
    else:
        setting = _options["endianness"]
        order = sys.byteorder if setting is LoadEndianness.NATIVE else "big" if setting is LoadEndianness.BIG \
            else "little"
    storages = _ZipStorages(reader, _restore_fn(map_location), mm, order != sys.byteorder)
    return _unpickle(io.BytesIO(reader.get("data.pkl")), storages, weights_only, pickle_module, pickle_load_args,
                     map_location)


_unpickler_classes = {}


def _unpickler_class(pickle_module):
    """``pickle_module.Unpickler`` resolving torch's GLOBALs to ember's objects."""
    base = pickle_module.Unpickler
    cls = _unpickler_classes.get(base)
    if cls is None:
        def find_class(self, module, name):
            obj = _ember_global(module, name)
            return obj if obj is not None else base.find_class(self, module, name)
        cls = type("_EmberUnpickler", (base,), {"find_class": find_class})
        _unpickler_classes[base] = cls
    return cls


def _remaining(f):
    pos = f.tell()
    end = f.seek(0, io.SEEK_END)
    f.seek(pos)
    return end - pos


def _load_legacy(f, map_location, weights_only, pickle_module, pickle_load_args):
    """The pre-1.6 pickle stream (and, before it, the tar format)."""
    start = f.tell()
    head = f.read(512)
    f.seek(start)
    if len(head) == 512 and head[257:262] == b"ustar":
        if weights_only:
            raise RuntimeError("Cannot use ``weights_only=True`` with files saved in the legacy .tar format. "
                               + UNSAFE_MESSAGE)
        return _load_tar(f, map_location, pickle_module, pickle_load_args)

    def small():
        if weights_only:
            return _WeightsUnpickler(f, encoding=pickle_load_args["encoding"]).load()
        return _unpickler_class(pickle_module)(f, **pickle_load_args).load()

    if small() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = small()
    if protocol != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    small()  # sys_info
    restore = _restore_fn(map_location)
    roots = {}  # key -> (typed storage, dtype, numel)
    views = {}

    def persistent_load(saved_id):
        if type(saved_id) is not tuple or not saved_id:
            raise RuntimeError(f"invalid persistent id in checkpoint: {saved_id!r}")
        typename = _decode(saved_id[0])
        if typename == "module":
            return saved_id[1]  # a class pickled with its source; the source is not checked
        if typename != "storage" or len(saved_id) != 6:
            raise RuntimeError(f"Unknown saved id type: {saved_id[0]!r}")
        storage_type, key, location, numel, view_metadata = saved_id[1:]
        dtype = _storage_dtype(storage_type)
        entry = roots.get(key)
        if entry is None:
            numel = _check_numel(numel)
            if numel * dtype.itemsize > _remaining(f):
                raise RuntimeError(f"invalid storage size in checkpoint: {numel} elements of {dtype} exceed the "
                                   "file's size")
            untyped = restore(UntypedStorage._from_bytes(np.empty(numel * dtype.itemsize, np.uint8)),
                              _decode(location))
            entry = roots[key] = (TypedStorage(wrap_storage=untyped, dtype=dtype), dtype, numel)
        typed = entry[0]
        if view_metadata is None:
            return typed
        view_key, offset, size = view_metadata
        if view_key not in views:
            offset, size = _check_numel(offset), _check_numel(size)
            if offset + size > entry[2]:
                raise RuntimeError(f"storage view [{offset}, {offset + size}) is out of bounds for a storage of "
                                   f"{entry[2]} elements")
            item = dtype.itemsize
            raw = typed._untyped._bytes[offset * item:(offset + size) * item]
            views[view_key] = TypedStorage(wrap_storage=UntypedStorage._from_bytes(raw), dtype=dtype)
        return views[view_key]

    result = _unpickle(f, persistent_load, weights_only, pickle_module, pickle_load_args, map_location)
    keys = small()
    if type(keys) is not list:
        raise RuntimeError("invalid legacy checkpoint: expected the list of storage keys")
    for key in keys:
        if key not in roots:
            raise RuntimeError(f"invalid legacy checkpoint: storage key {key!r} was not referenced")
        typed, dtype, numel = roots[key]
        (count,) = struct.unpack("<q", _read_exact(f, 8))
        if count != numel:
            raise RuntimeError(f"storage has wrong byte size: expected {numel * dtype.itemsize} got "
                               f"{count * dtype.itemsize}")
        _fill(typed._untyped, f, numel * dtype.itemsize)
    return result


def _read_exact(f, n):
    data = f.read(n)
    if len(data) != n:
        raise RuntimeError("invalid legacy checkpoint: the file is truncated")
    return data


def _fill(untyped, f, nbytes):
    b = untyped._bytes
    if type(b) is np.ndarray:
        _read_fully(f, memoryview(b), "storage")
    else:
        b.set(np.frombuffer(_read_exact(f, nbytes), np.uint8))


def _load_tar(f, map_location, pickle_module, pickle_load_args):
    """The tar format of torch <= 0.3: ``storages``, ``tensors`` and ``pickle`` members."""
    import tarfile
    restore = _restore_fn(map_location)
    objects = {}

    def pload(src):
        return _unpickler_class(pickle_module)(src, **pickle_load_args).load()

    with tarfile.open(fileobj=f, mode="r:") as tar:
        src = tar.extractfile("storages")
        for _ in range(pload(src)):
            key, location, storage_type = pload(src)
            dtype = _storage_dtype(storage_type)
            (numel,) = struct.unpack("<q", _read_exact(src, 8))
            arr = np.frombuffer(_read_exact(src, _check_numel(numel) * dtype.itemsize), np.uint8).copy()
            untyped = restore(UntypedStorage._from_bytes(arr), _decode(location))
            objects[str(key)] = TypedStorage(wrap_storage=untyped, dtype=dtype)
        for target, root_key, offset, numel in pload(src):
            root = objects[str(root_key)]
            item = root.dtype.itemsize
            raw = root._untyped._bytes[offset * item:(offset + numel) * item]
            objects[str(target)] = TypedStorage(wrap_storage=UntypedStorage._from_bytes(raw), dtype=root.dtype)
        src = tar.extractfile("tensors")
        for _ in range(pload(src)):
            key, storage_id, _ = pload(src)
            (ndim,) = struct.unpack("<i", _read_exact(src, 4))
            _read_exact(src, 4)
            size = struct.unpack(f"<{ndim}q", _read_exact(src, 8 * ndim))
            stride = struct.unpack(f"<{ndim}q", _read_exact(src, 8 * ndim))
            (offset,) = struct.unpack("<q", _read_exact(src, 8))
            objects[str(key)] = _utils._rebuild_tensor(objects[str(storage_id)], offset, size, stride)
        u = _unpickler_class(pickle_module)(tar.extractfile("pickle"), **pickle_load_args)
        u.persistent_load = lambda saved_id: saved_id[0] if isinstance(saved_id, tuple) else objects[str(saved_id)]
        return u.load()


# ----------------------------------------------------------------------------------------------------
# plain pickling (pickle.dumps, multiprocessing without shared memory)

def _reduce_tensor(t):
    """``Tensor.__reduce_ex__``: the owning array (pickled once however many tensors view it, so views stay
    views after ``pickle.loads``) plus this view's byte offset, shape and strides."""
    a = t._data
    state = _utils._get_obj_state(t)
    if type(a) is not np.ndarray:
        func, args = _utils._rebuild_device_tensor_from_numpy, (a.get(), t.dtype, str(t.device), t.requires_grad)
    else:
        root, off = root_and_offset(a)
        if _utils._flat_bytes(root) is None:
            a = root = a.copy(order="C")
            off = 0
        func, args = _utils._rebuild_from_array, (root, t.dtype, off, a.shape, a.strides, t.requires_grad)
    if not state and type(t) is Tensor:
        return func, args
    if type(t) is Tensor:  # Tensor's GLOBAL name is torch's, which plain pickle cannot resolve
        return _utils._rebuild_with_state, (func, args, state)
    return _utils._rebuild_from_type_v2, (func, type(t), args, state)
