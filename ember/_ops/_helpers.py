"""Small helpers shared by the op modules: argument normalisation, type promotion, out=/in-place."""
import numpy as np

from .. import _dtype as D
from .._prim import apply
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd import grad_mode

_state = grad_mode.state
_SCALARS = (int, float, bool, complex)

# ----------------------------------------------------------------------------------------------------
# type promotion: cached per (dtype, dtype, 0-d?, 0-d?) and per (dtype, scalar type)

_pair_cache = {}
_scalar_cache = {}


def _clear_caches():
    _pair_cache.clear()
    _scalar_cache.clear()


def pair_dtype(da, db, za, zb):
    """Result NumPy dtype of two tensors' dtypes (za/zb: whether each is 0-d), torch's rules."""
    key = (da, db, za, zb)
    r = _pair_cache.get(key)
    if r is None:
        ea, eb = D._FROM_NP[da], D._FROM_NP[db]
        dims = [d for d, z in ((ea, za), (eb, zb)) if not z]
        zeros = [d for d, z in ((ea, za), (eb, zb)) if z]
        r = _pair_cache[key] = D.result_type_of(dims, zeros, ()).np
    return r


def scalar_dtype(da, s):
    """Result NumPy dtype of a tensor of dtype ``da`` combined with Python scalar ``s``."""
    key = (da, type(s))
    r = _scalar_cache.get(key)
    if r is None:
        r = _scalar_cache[key] = D.result_type_of((D._FROM_NP[da],), (), (s,)).np
    return r


def result_dtype(*args):
    """torch.result_type over tensors and scalars, as an ember dtype."""
    dims, zeros, scalars = [], [], []
    for a in args:
        if isinstance(a, Tensor):
            (zeros if a._data.ndim == 0 else dims).append(a.dtype)
        elif isinstance(a, _SCALARS) or isinstance(a, np.generic):
            scalars.append(a)
        else:
            raise TypeError(f"expected Tensor or Number, got {type(a).__name__}")
    return D.result_type_of(dims, zeros, scalars)


def binary_cast(a, b):
    """The NumPy dtype both operands must have for a promoting binary op (a is a Tensor)."""
    da = a._data.dtype
    if isinstance(b, Tensor):
        db = b._data.dtype
        if da == db:
            return da
        return pair_dtype(da, db, a._data.ndim == 0, b._data.ndim == 0)
    return scalar_dtype(da, b)


def check_scalar(b, name):
    if not isinstance(b, _SCALARS) and not isinstance(b, np.generic):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")


def to_tensor(x, dtype=None):
    """A Tensor from a Tensor, scalar, list or array (no copy for tensors)."""
    if isinstance(x, Tensor):
        return x
    from .creation import tensor
    return tensor(x, dtype=dtype)


def as_dtype_np(x, npd):
    """Cast a tensor's array if needed."""
    a = x._data
    return a if a.dtype == npd else a.astype(npd)


def float_dtype_for(t):
    """The float dtype an integer/bool input is promoted to by float-only ops (the default dtype)."""
    dt = t._data.dtype
    if dt.kind in "fc" or dt == D.bfloat16.np:
        return dt
    return D.get_default_dtype().np


def dims_arg(dim, ndim):
    """Normalise a dim argument (int, tuple, list or None) to a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        out = tuple(sorted({_wrap_dim(d, ndim) for d in dim}))
        if len(out) != len(dim):
            raise RuntimeError(f"dim {dim} appears multiple times in the list of dims")
        return out
    return (_wrap_dim(dim, ndim),)


def shape_arg(size):
    """Normalise ``(2, 3)``, ``[2, 3]``, ``Size`` or varargs ``2, 3`` to a tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.__index__()
        elif not isinstance(s, int):
            try:
                s = s.__index__()
            except AttributeError:
                raise TypeError(f"expected a sequence of integers or a single integer, got "
                                f"{type(s).__name__}") from None
        out.append(s)
    return tuple(out)


# ----------------------------------------------------------------------------------------------------
# out= and in-place plumbing

def write_out(result, out):
    """Copy ``result`` into ``out`` (resizing an empty/mismatched out like torch) and return ``out``."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and (out._requires_grad or result._requires_grad):
        if out._requires_grad or result._requires_grad:
            raise RuntimeError(f"{_fn_name()}(): functions with out=... arguments don't support automatic "
                               f"differentiation, but one of the arguments requires grad.")
    r = result._data
    if not D.can_cast(D._FROM_NP[r.dtype], D._FROM_NP[out._data.dtype]):
        raise RuntimeError(f"result type {_cname(r.dtype)} can't be cast to the desired output type "
                           f"{_cname(out._data.dtype)}")
    if out._data.shape != r.shape:
        if out._data.size != 0:
            import warnings
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out._data.shape)}, which does not match the required output shape "
                          f"{list(r.shape)}. This behavior is deprecated, and in a future PyTorch release "
                          f"outputs will not be resized unless they have zero elements. You can explicitly "
                          f"reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                          UserWarning, stacklevel=3)
        out._data = r.astype(out._data.dtype, copy=True)
    else:
        out._data[...] = r
    out._bump()
    return out


def _fn_name():
    return "op"


def _cname(npd):
    from .._errors import scalar_type_name
    return scalar_type_name(D._FROM_NP[npd])


def check_inplace(t):
    """torch's checks before an in-place op mutates ``t`` under autograd."""
    if _state.enabled and t._requires_grad and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def commit_inplace(self, result):
    """Write an out-of-place ``result`` into ``self`` and take over its autograd history.

    ``result`` was computed from ``self`` (and other inputs) with the graph recorded; ``self`` becomes
    that result: its data is overwritten in place (shared by its views) and its grad_fn is the result's.
    """
    r = result._data
    sd = self._data
    if r.dtype != sd.dtype and not D.can_cast(D._FROM_NP[r.dtype], D._FROM_NP[sd.dtype]):
        raise RuntimeError(f"result type {_cname(r.dtype)} can't be cast to the desired output type "
                           f"{_cname(sd.dtype)}")
    if r.shape != sd.shape:
        raise RuntimeError(f"output with shape {list(sd.shape)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(r.shape, sd.shape))}")
    if not sd.flags.writeable:
        raise RuntimeError("ember: cannot write into a read-only tensor (it views read-only memory, e.g. an "
                           "expanded tensor or a non-writable NumPy array)")
    sd[...] = r
    self._bump()
    if result._requires_grad:
        if self._base is not None and (self._base._requires_grad or True):
            from .views import rebase_view_history
            rebase_view_history(self, result)
        else:
            self._grad_fn = result._grad_fn
            self._output_nr = result._output_nr
            self._requires_grad = True
    return self


def inplace_snapshot(self):
    """Before an in-place op that records a graph: a tensor holding ``self``'s current value and history.

    Its data is a copy only when a derivative may need the old value; the copy is what torch calls
    ``original_self``.
    """
    snap = _wrap(self._data.copy())
    snap._grad_fn = self._grad_fn
    snap._output_nr = self._output_nr
    snap._requires_grad = self._requires_grad
    if snap._grad_fn is None and self._requires_grad:
        # a non-leaf never gets here; a leaf requiring grad was refused by check_inplace
        snap._requires_grad = False
    return snap


def inplace(fn):
    """Build ``x.op_(...)`` from the out-of-place ``op``: same promotion, result written into x."""
    def method(self, *args, **kwargs):
        check_inplace(self)
        needs_graph = _state.enabled and (self._requires_grad or any(
            isinstance(a, Tensor) and a._requires_grad for a in args) or any(
            isinstance(a, Tensor) and a._requires_grad for a in kwargs.values()))
        src = inplace_snapshot(self) if needs_graph else self
        return commit_inplace(self, fn(src, *args, **kwargs))
    method.__name__ = fn.__name__ + "_"
    return method


def unwrap(x):
    return x._data if isinstance(x, Tensor) else x


__all__ = ["apply", "Tensor", "_wrap", "_wrap_dim", "np", "D"]
