"""Fetchers (``torch.utils.data._utils.fetch``): turn an index (or a batch of indices) into collated data.

One ember addition: a ``TensorDataset`` (possibly inside ``Subset`` s) batched with ``default_collate`` is
fetched with one gather per tensor (``np.take`` over the batch's indices, written straight into shared
memory in a worker) instead of indexing each sample and stacking.  The result is the same tensor list
torch returns; any case the gather does not cover exactly (an index that is not an in-range integer,
tensors that require grad or live on CUDA) takes the general per-sample path.
"""
import numpy as np

from ...._tensor import _wrap
from ....autograd import grad_mode
from ....multiprocessing import reductions
from ..dataset import Subset, TensorDataset
from . import collate, worker


class _BaseDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        raise NotImplementedError


class _IterableDatasetFetcher(_BaseDatasetFetcher):
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class _MapDatasetFetcher(_BaseDatasetFetcher):
    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            if self.collate_fn is collate.default_collate:
                batch = _gather_tensor_batch(self.dataset, possibly_batched_index)
                if batch is not None:
                    return batch
            if hasattr(self.dataset, "__getitems__") and self.dataset.__getitems__:
                data = self.dataset.__getitems__(possibly_batched_index)
            else:
                data = [self.dataset[idx] for idx in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


def _plain(cls, base):
    """True when ``cls`` indexes exactly like ``base`` (a subclass that overrides nothing relevant)."""
    return (cls.__getitem__ is base.__getitem__
            and getattr(cls, "__getitems__", None) is getattr(base, "__getitems__", None))


def _gather_tensor_batch(dataset, index):
    """``default_collate([dataset[i] for i in index])`` for a TensorDataset, by one gather per tensor;
    None when the dataset or the indices are not of the kind this reproduces exactly."""
    while isinstance(dataset, Subset) and _plain(type(dataset), Subset):
        try:
            index = [dataset.indices[i] for i in index]
        except (IndexError, TypeError):
            return None
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset) or not _plain(type(dataset), TensorDataset):
        return None
    tensors = dataset.tensors
    for t in tensors:
        if type(t._data) is not np.ndarray or (t._requires_grad and grad_mode.state.enabled):
            return None
    try:
        idx = np.asarray(index)
    except (TypeError, ValueError):
        return None
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or idx.size == 0:
        return None
    n = tensors[0]._data.shape[0]
    if idx.min() < -n or idx.max() >= n:
        return None  # the per-sample path raises torch's IndexError
    shared = worker.get_worker_info() is not None
    batch = []
    for t in tensors:
        a = t._data
        out = (reductions.empty_shared if shared else np.empty)((idx.size,) + a.shape[1:], a.dtype)
        np.take(a, idx, axis=0, out=out, mode="wrap")  # in range: 'wrap' only maps negatives, unbuffered
        batch.append(_wrap(out))
    return batch
