"""``safetensors.torch`` for ember: dicts of tensors to and from ``.safetensors`` files, with no dependency.

The format is written and read here directly: an 8-byte little-endian header length, a JSON header
(``{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}``,
space-padded to a multiple of 8 bytes), then the tensors' little-endian bytes back to back.  Files load
in the ``safetensors`` package and files it writes load here.  Like ``safetensors.torch``, saving
refuses non-contiguous tensors and tensors that share memory, and loading checks every offset against
the file (no gaps, no overlaps, sizes matching shapes) before reading anything.
"""
import json
import mmap
import os
import struct
import sys

import numpy as np

from .. import _dtype as D
from .._storage import root_and_offset
from .._tensor import Tensor, _wrap

__all__ = ["save", "save_file", "load", "load_file", "safe_open"]

_CODES = {D.bool: "BOOL", D.uint8: "U8", D.int8: "I8", D.int16: "I16", D.float16: "F16", D.bfloat16: "BF16",
          D.int32: "I32", D.float32: "F32", D.float64: "F64", D.int64: "I64", D.complex64: "C64"}
_DTYPES = {code: dt for dt, code in _CODES.items()}
_MAX_HEADER = 100_000_000


def _check_tensors(tensors, metadata):
    if not isinstance(tensors, dict):
        raise TypeError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(k, str):
            raise TypeError(f"Key `{k!r}` is invalid, expected str")
        if not isinstance(v, Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected torch.Tensor but received {type(v)}")
        if v.dtype not in _CODES:
            raise NotImplementedError(f"safetensors has no dtype code for {v.dtype} (tensor `{k}`)")
        if not v.is_contiguous():
            raise ValueError(f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. It either "
                             "means you are trying to save tensors which are reference of each other in which case "
                             "it's recommended to save only the full tensors, and reslice at load time, or simply "
                             "call `.contiguous()` on your tensor to pack it before saving.")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in metadata.items()):
            raise ValueError("metadata must be a dict of str to str")
    # tensors whose bytes overlap would be written twice and come back as independent copies
    spans = {}
    for k, v in tensors.items():
        if v.numel():
            root, off = root_and_offset(v._data)
            spans.setdefault(id(root), []).append((off, off + v._data.nbytes, k))
    shared = []
    for group in spans.values():
        group.sort()
        for (s0, e0, k0), (s1, e1, k1) in zip(group, group[1:]):
            if s1 < e0:
                shared.append([k0, k1])
    if shared:
        raise RuntimeError(f"Some tensors share memory, this will lead to duplicate memory on disk and potential "
                           f"differences when loading them again: {shared}. A potential way to correctly save your "
                           "model is to save independent copies (``.clone()``) of the shared tensors.")


def _layout(tensors, metadata):
    """(header bytes, [(name, host array)] in file order)."""
    order = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    arrays, pos = [], 0
    for k in order:
        t = tensors[k]
        a = t._data if type(t._data) is np.ndarray else t._data.get()
        if not a.flags.c_contiguous:
            a = a.copy(order="C")
        if sys.byteorder == "big":
            a = a.byteswap()
        header[k] = {"dtype": _CODES[t.dtype], "shape": list(a.shape), "data_offsets": [pos, pos + a.nbytes]}
        arrays.append(a)
        pos += a.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, arrays


def save(tensors, metadata=None):
    """The ``.safetensors`` bytes of a dict of tensors (``safetensors.torch.save``)."""
    _check_tensors(tensors, metadata)
    head, arrays = _layout(tensors, metadata)
    return b"".join([head] + [a.tobytes() for a in arrays])


def save_file(tensors, filename, metadata=None):
    """Write a dict of tensors to ``filename`` (``safetensors.torch.save_file``); written beside the target
    and renamed over it, so an interrupted save keeps the previous file."""
    from ..serialization import _atomic_file
    _check_tensors(tensors, metadata)
    head, arrays = _layout(tensors, metadata)
    with _atomic_file(os.fspath(filename)) as f:
        f.write(head)
        for a in arrays:
            f.write(memoryview(a.reshape(-1).view(np.uint8)))


def _parse_header(head_len, read_header, total):
    if head_len > _MAX_HEADER:
        raise RuntimeError(f"Error while deserializing header: HeaderTooLarge ({head_len} bytes)")
    if 8 + head_len > total:
        raise RuntimeError("Error while deserializing header: HeaderTooSmall / the file is truncated")
    raw = read_header(head_len)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise RuntimeError(f"Error while deserializing header: InvalidHeaderDeserialization ({e})") from None
    if not isinstance(header, dict):
        raise RuntimeError("Error while deserializing header: InvalidHeaderDeserialization (not an object)")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise RuntimeError("Error while deserializing header: InvalidHeaderDeserialization (bad __metadata__)")
    entries = []
    for name, info in header.items():
        try:
            code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        except (TypeError, KeyError, ValueError):
            raise RuntimeError(f"Error while deserializing header: InvalidHeaderDeserialization (tensor {name!r})") \
                from None
        dtype = _DTYPES.get(code)
        if dtype is None:
            raise NotImplementedError(f"ember has no dtype for safetensors dtype {code!r} (tensor {name!r})")
        if not (isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)
                and type(begin) is int and type(end) is int and 0 <= begin <= end):
            raise RuntimeError(f"Error while deserializing header: InvalidHeaderDeserialization (tensor {name!r})")
        nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if end - begin != nbytes:
            raise RuntimeError(f"Error while deserializing header: TensorInvalidInfo (tensor {name!r}: shape {shape} "
                               f"of {code} needs {nbytes} bytes, offsets give {end - begin})")
        entries.append((begin, end, name, dtype, tuple(shape)))
    entries.sort()
    pos = 0
    for begin, end, name, _, _ in entries:
        if begin != pos:
            raise RuntimeError(f"Error while deserializing header: InvalidOffset({name})")
        pos = end
    if 8 + head_len + pos != total:
        raise RuntimeError("Error while deserializing header: MetadataIncompleteBuffer (the data section does not "
                           "match the header)")
    return entries, metadata


def _to_device(arr, device):
    t = _wrap(arr)
    return t if str(device) == "cpu" else t.to(device)


def load(data):
    """Tensors from ``.safetensors`` bytes (``safetensors.torch.load``); each owns a copy of its data."""
    data = bytes(data)
    if len(data) < 8:
        raise RuntimeError("Error while deserializing header: HeaderTooSmall")
    (head_len,) = struct.unpack("<Q", data[:8])
    entries, _ = _parse_header(head_len, lambda n: data[8:8 + n], len(data))
    start = 8 + head_len
    out = {}
    for begin, end, name, dtype, shape in sorted(entries, key=lambda e: e[2]):
        arr = np.frombuffer(data, dtype.np, (end - begin) // dtype.itemsize, start + begin).reshape(shape).copy()
        out[name] = _wrap(arr.byteswap() if sys.byteorder == "big" else arr)
    return out


class safe_open:
    """``safetensors.safe_open(filename, framework="pt", device="cpu")``: a context manager reading tensors
    one at a time (``keys()``, ``get_tensor(name)``, ``metadata()``) from a memory map of the file."""

    def __init__(self, filename, framework="pt", device="cpu"):
        if framework not in ("pt", "torch", "numpy", "np"):
            raise ValueError(f"framework {framework!r} is not supported by ember's safe_open (use 'pt')")
        self._device = device
        with open(filename, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            head = f.read(8)
            if len(head) < 8:
                raise RuntimeError("Error while deserializing header: HeaderTooSmall")
            (head_len,) = struct.unpack("<Q", head)
            entries, self._metadata = _parse_header(head_len, f.read, total)
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) if total else None
        self._start = 8 + head_len
        self._entries = {e[2]: e for e in entries}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._entries = {}

    def keys(self):
        return sorted(self._entries)

    def metadata(self):
        return self._metadata

    def get_tensor(self, name):
        """The tensor ``name``, viewing the file's mapping (copy-on-write) on the CPU."""
        try:
            begin, end, _, dtype, shape = self._entries[name]
        except KeyError:
            raise KeyError(f"File does not contain tensor {name}") from None
        count = (end - begin) // dtype.itemsize
        if count:
            arr = np.frombuffer(self._map, dtype.np, count, self._start + begin).reshape(shape)
        else:
            arr = np.empty(shape, dtype.np)
        if sys.byteorder == "big":
            arr = arr.byteswap()
        return _to_device(arr, self._device)


def load_file(filename, device="cpu"):
    """Read a ``.safetensors`` file into a dict of tensors on ``device`` (``safetensors.torch.load_file``).
    Each tensor gets its own memory, read straight from the file."""
    out = {}
    with open(filename, "rb") as f:
        total = os.fstat(f.fileno()).st_size
        head = f.read(8)
        if len(head) < 8:
            raise RuntimeError("Error while deserializing header: HeaderTooSmall")
        (head_len,) = struct.unpack("<Q", head)
        entries, _ = _parse_header(head_len, f.read, total)
        start = 8 + head_len
        for begin, end, name, dtype, shape in entries:
            arr = np.empty(shape, dtype.np)
            if end > begin:
                f.seek(start + begin)
                view = memoryview(arr.reshape(-1).view(np.uint8))
                if f.readinto(view) != end - begin:
                    raise RuntimeError(f"Error while deserializing tensor {name}: the file is truncated")
            if sys.byteorder == "big":
                arr.byteswap(inplace=True)
            out[name] = _to_device(arr, device)
    return {k: out[k] for k in sorted(out)}
