"""Index helpers and two small factories: isin, tril_indices, triu_indices, unravel_index, nonzero_static,
scalar_tensor, empty_permuted.

Each matches torch's signature, dtypes, errors and (for the factories) ``torch.set_default_device``.
"""
import collections.abc

import numpy as np

from .. import _dtype as D
from .._errors import scalar_type_name
from .._flags import default_device as _default
from .._storage import contiguous_strides
from .._tensor import Tensor, _wrap
from ._helpers import result_dtype, write_out
from .numeric import meta_name
from .._device import xp_of as _xp

__all__ = ["isin", "tril_indices", "triu_indices", "unravel_index", "nonzero_static", "scalar_tensor",
           "empty_permuted"]

_NUMBERS = (int, float, bool, complex, np.generic)


def _device_arg(device):
    return _default.device if device is None else device


# ----------------------------------------------------------------------------------------------------
# isin

_ISIN_SIGNATURES = ("(Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool invert = False, "
                    "Tensor out = None)",
                    "(Number element, Tensor test_elements, *, bool assume_unique = False, bool invert = False, "
                    "Tensor out = None)",
                    "(Tensor elements, Number test_element, *, bool assume_unique = False, bool invert = False, "
                    "Tensor out = None)")


_PY_SCALAR_TYPES = ((bool, D.bool), (int, D.int64), (float, D.float64), (complex, D.complex128))


def _scalar_type(x):
    """The dtype torch's messages name for an operand: a tensor's, or a Scalar's own (Long, Double, ...)."""
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, np.generic):
        return D._FROM_NP[x.dtype]
    return next(dt for py, dt in _PY_SCALAR_TYPES if isinstance(x, py))


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """``torch.isin``: whether each element of ``elements`` is in ``test_elements`` (either may be a number,
    not both), compared in their promoted dtype; ``invert`` negates.  ``assume_unique`` is accepted and the
    answer is exact either way.  Bool and complex inputs are refused, as torch does."""
    e_ok = isinstance(elements, Tensor) or isinstance(elements, _NUMBERS)
    t_ok = isinstance(test_elements, Tensor) or isinstance(test_elements, _NUMBERS)
    if not (e_ok and t_ok) or not (isinstance(elements, Tensor) or isinstance(test_elements, Tensor)):
        got = ", ".join("Tensor" if isinstance(x, Tensor) else type(x).__name__ for x in (elements, test_elements))
        raise TypeError(f"isin() received an invalid combination of arguments - got ({got}), but expected one "
                        f"of:\n" + "".join(f" * {s}\n" for s in _ISIN_SIGNATURES))
    for x in (elements, test_elements):
        dt = _scalar_type(x)
        if dt is D.bool or dt.is_complex:
            raise RuntimeError(f"Unsupported input type encountered for isin(): {scalar_type_name(dt)}")
    if out is not None and out._data.dtype != np.bool_:
        raise RuntimeError(f"Expected out tensor to have dtype bool, but got {meta_name(out._data.dtype)} instead")
    common = result_dtype(elements, test_elements).np
    like = elements if isinstance(elements, Tensor) else test_elements
    xp = _xp(like._data)

    def values(x):
        a = x._data if isinstance(x, Tensor) else np.asarray(x)
        a = a.astype(common, copy=False)
        return a.astype(np.float32) if common == np.float16 or common == D.bfloat16.np else a

    r = _wrap(xp.asarray(xp.isin(xp.asarray(values(elements)), xp.asarray(values(test_elements)), invert=invert)))
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# triangle indices

def _int_param(value, fn, name, pos):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {type(value).__name__}")
    return int(value)


def _triangle_indices(fn, lower, row, col, offset, dtype, device, layout, requires_grad):
    from .creation import _finish
    row, col = _int_param(row, fn, "row", 1), _int_param(col, fn, "col", 2)
    offset = _int_param(offset, fn, "offset", 3)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = D.int64 if dtype is None else dtype
    if dtype not in (D.int64, D.int32):
        raise NotImplementedError(f'"{fn}" not implemented for \'{scalar_type_name(dtype)}\'')
    if requires_grad:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return _finish(np.stack([rows, cols]).astype(dtype.np), False, _device_arg(device))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, requires_grad=False,
                 pin_memory=False):
    """``torch.tril_indices``: the (2, N) row/column coordinates of the lower triangle of a row x col matrix
    (diagonal ``offset``), in row-major order; int64 (or int32)."""
    return _triangle_indices("tril_indices", True, row, col, offset, dtype, device, layout, requires_grad)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, requires_grad=False,
                 pin_memory=False):
    """``torch.triu_indices``: as ``tril_indices`` for the upper triangle."""
    return _triangle_indices("triu_indices", False, row, col, offset, dtype, device, layout, requires_grad)


# ----------------------------------------------------------------------------------------------------
# unravel_index, nonzero_static

def unravel_index(indices, shape):
    """``torch.unravel_index``: the coordinates, one tensor per dim of ``shape``, of flat ``indices`` (computed
    as torch does: floor division by the suffix products, modulo each size; views of one int64 tensor)."""
    from .creation import tensor
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.is_complex() or indices.is_floating_point() or indices.dtype is D.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int):
        shape = (shape,)
    elif isinstance(shape, collections.abc.Sequence):
        for s in shape:
            if not isinstance(s, int):
                raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(s)}")
        shape = tuple(int(s) for s in shape)
    else:
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    coefs = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        coefs[i] = coefs[i + 1] * shape[i + 1]
    dev = indices.device
    r = indices.unsqueeze(-1).floor_divide(tensor(coefs, dtype=D.int64, device=dev)) % \
        tensor(list(shape), dtype=D.int64, device=dev)
    return r.unbind(-1)


def nonzero_static(input, *, size, fill_value=-1, out=None):
    """``torch.nonzero_static``: ``nonzero(input)`` cut or padded (with ``fill_value``) to ``size`` rows."""
    if not isinstance(input, Tensor):
        raise TypeError(f"nonzero_static(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    for name, v in (("size", size), ("fill_value", fill_value)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"nonzero_static(): argument '{name}' must be int, not {type(v).__name__}")
    size = int(size)
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    a = input._data
    xp = _xp(a)
    found = xp.argwhere(a)
    n = min(size, found.shape[0])
    res = xp.full((size, a.ndim), int(fill_value), np.int64)
    res[:n] = found[:n]
    r = _wrap(res)
    return r if out is None else write_out(r, out)


# ----------------------------------------------------------------------------------------------------
# factories

def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """``torch.scalar_tensor``: a 0-d tensor holding ``s``, of the default float dtype unless ``dtype`` is
    given (the value converted with torch's overflow checks)."""
    from .creation import full
    if isinstance(s, Tensor):
        if s._data.ndim != 0:
            raise TypeError("scalar_tensor(): argument 's' (position 1) must be Number, not Tensor")
        s = s.item()
    elif not isinstance(s, _NUMBERS):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    return full((), s, dtype=dtype or D.get_default_dtype(), device=_device_arg(device), requires_grad=requires_grad,
                pin_memory=pin_memory)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """``torch.empty_permuted``: uninitialised, laid out in memory in the order ``physical_layout`` (the
    outermost dim first) and viewed with the logical ``size``."""
    from .creation import empty_strided
    from ._helpers import shape_arg
    size, order = shape_arg((size,)), shape_arg((physical_layout,))
    n = len(size)
    if len(order) != n:
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {n} is not equal to len(physical_layout) = {len(order)}")
    seen = set()
    for i, d in enumerate(order):
        if not 0 <= d < n:
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {n - 1}, but got {d} at index "
                               f"{i}).  NB: negative dims not currently supported; file an issue if you want it.")
        if d in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(d)
    physical = [size[d] for d in order]
    for s in physical:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {physical}")
    phys_strides = contiguous_strides(physical)
    strides = [0] * n
    for i, d in enumerate(order):
        strides[d] = phys_strides[i]
    return empty_strided(size, tuple(strides), dtype=dtype, device=_device_arg(device), requires_grad=requires_grad,
                         pin_memory=pin_memory)


def _bind():
    from .._flags import is_distributed, is_same_size
    Tensor.nonzero_static = nonzero_static
    Tensor.is_same_size = is_same_size
    Tensor.is_distributed = is_distributed


_bind()
