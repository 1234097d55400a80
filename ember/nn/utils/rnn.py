"""``torch.nn.utils.rnn``: PackedSequence and the pack / pad helpers.

A PackedSequence holds the time steps of a batch of sequences (sorted by decreasing length) one after
the other: ``data`` (sum(lengths), *), ``batch_sizes`` (how many sequences are still running at each
step, an int64 CPU tensor), and the permutations that sort / unsort the batch.  Packing and padding are
single differentiable gathers (``index``) over precomputed row indices, so gradients flow as in torch.
"""
from collections.abc import Iterable
from typing import NamedTuple, Optional

import numpy as np

from ... import _dtype as D
from ..._ops.creation import arange, as_tensor, empty_like, tensor
from ..._ops.joining import cat
from ..._ops.sorting import sort
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


def bind(optional, fn):
    if optional is None:
        return None
    return fn(optional)


class PackedSequence(PackedSequence_):
    """The packed form of a batch of variable-length sequences (create it with ``pack_padded_sequence``
    or ``pack_sequence``); RNN modules accept it directly."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes, bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        """``data.to(...)``; the indices follow data's device, batch_sizes stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        from ..modules.module import _parse_to
        _, _, non_blocking, _ = _parse_to(*args, **kwargs)

        def call_to(t):
            return t.to(data.device, non_blocking=non_blocking)
        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, call_to),
                          bind(self.unsorted_indices, call_to))

    def cuda(self, *args, **kwargs):
        ex = tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        ex = tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be created "
                             "manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    """The inverse of a permutation (``None`` stays ``None``)."""
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(0, permutation.numel(), device=permutation.device))
    return output


def _packed_rows(sizes):
    """(time, batch) coordinates of the packed rows, step after step."""
    sizes = np.asarray(sizes, dtype=np.int64)
    t = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return t, np.arange(len(t)) - starts


def _pack(input, lengths, batch_first):
    """torch's ``_pack_padded_sequence``: (data, batch_sizes) from a padded input and sorted lengths."""
    if lengths.dim() != 1 or lengths.dtype != D.int64 or lengths.device.type != "cpu":
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D "
                           f"{lengths.device.type} {_type_name(lengths.dtype)} tensor")
    if batch_first:
        input = input.transpose(0, 1)
    lens = lengths._data
    b = input.shape[1]
    if len(lens) != b:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} (batch_size={b})")
    if b and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if b and np.any(lens[1:] > lens[:-1]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
                           "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if b and lens[0] > input.shape[0]:
        raise RuntimeError(f"the longest length ({int(lens[0])}) exceeds the padded input's length {input.shape[0]}")
    steps = int(lens[0]) if b else 0
    sizes = (lens[None, :] > np.arange(steps)[:, None]).sum(1)
    t, bi = _packed_rows(sizes)
    data = input[as_tensor(t, device=input.device), as_tensor(bi, device=input.device)]
    return data, tensor(sizes, dtype=D.int64)


def _type_name(dtype):
    from ..._errors import scalar_type_name
    return scalar_type_name(dtype)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) (or (B, T, *)) batch of sequences with the given lengths.

    ``enforce_sorted=False`` sorts the batch by decreasing length first and records the permutation.
    """
    if not isinstance(lengths, Tensor):
        lengths = as_tensor(lengths, dtype=D.int64, device="cpu")
    else:
        lengths = lengths.to(dtype=D.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack(input, lengths, batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths) with the original
    batch order; ``total_length`` pads to that many steps."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    data = sequence.data
    sizes = sequence.batch_sizes._data.astype(np.int64)
    b = int(sizes[0]) if len(sizes) else 0
    t, bi = _packed_rows(sizes)
    # every padded slot reads a packed row, or the extra padding row appended after them
    index = np.full((max_seq_length, b) if not batch_first else (b, max_seq_length), len(t), dtype=np.int64)
    if batch_first:
        index[bi, t] = np.arange(len(t))
    else:
        index[t, bi] = np.arange(len(t))
    pad_row = data.new_full((1,) + tuple(data.shape[1:]), padding_value)
    padded = cat((data, pad_row))[as_tensor(index, device=data.device)]
    lengths = tensor((sizes[None, :] > np.arange(b)[:, None]).sum(1), dtype=D.int64)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded.index_select(batch_dim, unsorted_indices), lengths[unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of different lengths (each (L_i, *)) into (L_max, B, *) (or (B, L_max, *)),
    filling with ``padding_value`` after (``padding_side='right'``) or before ('left') each one."""
    if isinstance(sequences, Tensor):
        sequences = tuple(sequences.unbind(0))
    elif not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing = tuple(first.shape[1:])
    for s in sequences[1:]:
        if tuple(s.shape[1:]) != trailing:
            for i, (a, c) in enumerate(zip(trailing[::-1], tuple(s.shape[1:])[::-1])):
                if a != c and c != 1:
                    raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({c}) at "
                                       f"non-singleton dimension {len(trailing) - i}")
    lens = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    n, longest = len(sequences), int(lens.max())
    parts = [s if s.dtype == first.dtype else s.to(first.dtype) for s in sequences]
    parts = [s if tuple(s.shape[1:]) == trailing else s.expand(s.shape[0], *trailing) for s in parts]
    pad_row = first.new_full((1,) + trailing, padding_value)
    total = int(lens.sum())
    starts = np.cumsum(lens) - lens
    pos = np.arange(longest)
    if padding_side == "left":
        pos = pos - (longest - lens)[:, None]
    else:
        pos = np.broadcast_to(pos, (n, longest))
    index = np.where((pos >= 0) & (pos < lens[:, None]), starts[:, None] + pos, total)
    if not batch_first:
        index = np.ascontiguousarray(index.T)
    return cat(parts + [pad_row])[as_tensor(index, device=first.device)]


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of sequences (as torch, a time-first input is transposed
    in place first)."""
    unpadded_sequences = []
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    max_length = padded_sequences.shape[1]
    idx = arange(max_length, device=lengths.device)
    for seq, length in zip(padded_sequences, lengths):
        mask = idx < length
        unpadded_sequences.append(seq[mask])
    return unpadded_sequences


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length sequences (``pad_sequence`` then ``pack_padded_sequence``)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in the original batch order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
