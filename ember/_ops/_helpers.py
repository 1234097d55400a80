"""Small helpers shared by the op modules: argument normalisation, type promotion, out=/in-place."""
import numpy as np

from .. import _dtype as D
from .._prim import apply
from .._storage import writeable as _writeable
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd import grad_mode
from .._errors import np_type_name as _cname

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
    """Copy ``result`` into ``out`` (resizing an empty/mismatched out like torch) and return ``out``.

    As torch, ``out=`` refuses to take part in autograd: an error when grad mode is on and an input or
    ``out`` requires grad.
    """
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and (result._requires_grad or out._requires_grad
                           or (out._base is not None and out._base._requires_grad)):
        raise RuntimeError(f"{_fn_name(result)}(): functions with out=... arguments don't support automatic "
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


def _fn_name(result):
    """The torch op name for an error about ``out=``: from the result's node (``AddBackward0`` -> ``add``),
    else the nearest public ember function on the call stack."""
    import re
    import sys
    fn = result._grad_fn
    if fn is not None:
        name = re.sub(r"Backward\d*$", "", fn.name())
        return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_name
        if not name.startswith("_") and f.f_globals.get("__name__", "").startswith("ember."):
            return name
        f = f.f_back
    return "op"




def check_inplace(t, requires_grad=None):
    """torch's checks before an in-place op writes into ``t`` while recording a graph.

    ``requires_grad``: whether any input of the op requires grad (default: whether ``t`` does); the
    checks apply only then, and only in grad mode, as torch's ``check_inplace``.
    """
    if not _state.enabled:
        return
    if requires_grad is None:
        requires_grad = t._requires_grad
    if not requires_grad:
        return
    base = t._base
    if base is not None and base._requires_grad:
        from ..autograd.graph import _strip_backward
        fn = t._grad_fn
        if fn is None:
            raise RuntimeError("A view was created in no_grad mode and is being modified inplace with grad mode "
                               "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. "
                               "You can clarify your code by moving both the view and the inplace either both "
                               "inside the no_grad block (if you don't want the inplace to be tracked) or both "
                               "outside (if you want the inplace to be tracked).")
        if getattr(fn, "_custom_function", False):
            raise RuntimeError(f"Output {t._output_nr} of {_strip_backward(fn.name())} is a view and is being "
                               f"modified inplace. This view was created inside a custom Function (or because an "
                               f"input was returned as-is) and the autograd logic to handle view+inplace would "
                               f"override the custom backward associated with the custom Function, leading to "
                               f"incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
                               f"output of the custom Function.")
        prim = getattr(fn, "_prim", None)
        if prim is not None and prim.view and fn._out_meta is not None:
            raise RuntimeError(f"Output {t._output_nr} of {_strip_backward(fn.name())} is a view and is being "
                               f"modified inplace. This view is the output of a function that returns multiple "
                               f"views. Such functions do not allow the output views to be modified inplace. You "
                               f"should replace the inplace operation by an out-of-place one.")
        if base._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def commit_inplace(self, result):
    """Write an out-of-place ``result`` into ``self`` and take over its autograd history.

    ``result`` was computed from ``self`` (and other inputs) with the graph recorded; ``self`` becomes
    that result: its data is overwritten in place (shared by its views), its version counter bumped, and
    its grad_fn is the result's — or, for a view, its base gets a ``CopySlices`` node (torch's
    ``rebase_history``).
    """
    r = result._data
    sd = self._data
    if r.dtype != sd.dtype and not D.can_cast(D._FROM_NP[r.dtype], D._FROM_NP[sd.dtype]):
        raise RuntimeError(f"result type {_cname(r.dtype)} can't be cast to the desired output type "
                           f"{_cname(sd.dtype)}")
    if r.shape != sd.shape:
        raise RuntimeError(f"output with shape {list(sd.shape)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(r.shape, sd.shape))}")
    if not (sd.flags.writeable if type(sd) is np.ndarray else _writeable(sd)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if r is not sd:
        sd[...] = r
    self._bump()
    if result._requires_grad:
        node = result._grad_fn
        if self._base is not None:
            from .views import rebase_view_history
            rebase_view_history(self, result)
        else:
            self._grad_fn = node
            self._output_nr = result._output_nr
            self._requires_grad = True
        ov = getattr(node, "_out_ver", None)
        if ov is not None and ov[0] is result._version:
            # the node saved its output: that output is now ``self``, whose later in-place changes torch detects
            node._out_ver = (self._version, self._version[0])
    return self


def inplace_snapshot(self):
    """Before an in-place op that records a graph: a tensor with ``self``'s current value and history.

    It shares ``self``'s memory; ``inplace_result`` gives it a private copy (torch's ``original_self``)
    only if a derivative saved it.
    """
    snap = _wrap(self._data)
    fn = self._grad_fn
    if fn is not None:
        snap._grad_fn = fn
        snap._output_nr = self._output_nr
        snap._requires_grad = True
    return snap


def _saves_snapshot(snap, result, mark):
    """Whether a node made after sequence number ``mark`` (while computing ``result``) saved ``snap``:
    1 for ``snap`` itself, 2 for a view of it, 0 for neither."""
    from ..autograd.graph import OpNode
    fn = result._grad_fn
    if not isinstance(fn, OpNode) or fn._seq <= mark:
        return 0
    found = 0
    stack = [fn]
    seen = {fn}
    while stack:
        n = stack.pop()
        if n._unpack is not None:
            return 2  # saved through hooks: which tensors is unknown, so take a private copy
        for x in n._saved or ():  # None once released
            if x is snap:
                found = 1
            elif isinstance(x, Tensor) and x._base is snap:
                return 2
        for nxt, _ in n.next_functions:
            if nxt is not None and nxt not in seen and isinstance(nxt, OpNode) and nxt._seq > mark:
                seen.add(nxt)
                stack.append(nxt)
    return found


def inplace_result(self, fn, args, kwargs, requires_grad):
    """The out-of-place value ``fn(self, *args, **kwargs)`` an in-place op will write into ``self``.

    With a graph to record, ``fn`` runs on a snapshot sharing ``self``'s memory; the old value is copied
    only when a derivative saved it (e.g. ``mul_``, not ``add_``).
    """
    if not (requires_grad and _state.enabled):
        return fn(self, *args, **kwargs)
    check_inplace(self, True)
    from ..autograd.graph import _sequence
    mark = next(_sequence)
    snap = inplace_snapshot(self)
    result = fn(snap, *args, **kwargs)
    saved = _saves_snapshot(snap, result, mark)
    if saved == 1:
        snap._data = self._data.copy()
    elif saved == 2:
        snap = inplace_snapshot(self)
        snap._data = self._data.copy()
        result = fn(snap, *args, **kwargs)
    return result


def _check_overlap(self, others):
    """torch's ``assert_no_partial_overlap``: an input may be the written tensor itself, not part of it."""
    from .._storage import array_ptr, root_array
    sd = self._data
    root = None
    for o in others:
        if isinstance(o, Tensor) and o is not self:
            od = o._data
            if od is sd or type(od) is not np.ndarray:
                continue
            if root is None:
                root = root_array(sd)
            if root_array(od) is not root:
                continue
            if array_ptr(od) == array_ptr(sd) and od.shape == sd.shape and od.strides == sd.strides:
                continue
            if np.shares_memory(od, sd):
                raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to "
                                   "tensor refer to a single memory location. Please clone() the tensor before "
                                   "performing the operation.")


_COMPARISONS = {"eq": "Eq", "equal": "Eq", "ne": "Ne", "not_equal": "Ne", "lt": "Lt", "less": "Lt", "le": "Le",
                "less_equal": "Le", "gt": "Gt", "greater": "Gt", "ge": "Ge", "greater_equal": "Ge"}
_NO_DERIVATIVE = {"floor_divide", "heaviside"}
_nondiff_prims = {}


def _zero_grads(ctx, g):
    return tuple(None if m is None else g.new_zeros(m[0]) for m in ctx._in_meta)


def _no_derivative(ctx, g):
    raise RuntimeError(f"derivative for aten::{ctx.args[0]}_ is not implemented")


def _nondiff_history(self, result, name, args, kwargs):
    """History for an in-place op whose result carries none although an input requires grad: torch gives
    comparisons a node with zero gradients and floor_divide/heaviside a node that refuses backward."""
    from .._prim import Primitive, _record
    tensors = [a for a in args if isinstance(a, Tensor)] + [a for a in kwargs.values() if isinstance(a, Tensor)]
    if name in _COMPARISONS:
        key = _COMPARISONS[name] + ("Backward1" if tensors else "Backward0")
        bwd, inputs = _zero_grads, [self] + tensors
    elif name in _NO_DERIVATIVE:
        key, bwd, inputs = "NotImplemented", _no_derivative, [self]
    else:
        return None  # e.g. logical_and_: torch records nothing and the old history stays
    prim = _nondiff_prims.get(key)
    if prim is None:
        prim = _nondiff_prims[key] = Primitive(key, None, bwd)
    r = _wrap(result._data)
    r._grad_fn = _record(prim, inputs, (name,), None, r)
    r._requires_grad = True
    return r


def inplace(fn):
    """Build ``x.op_(...)`` from the out-of-place ``op``: same promotion, result written into x."""
    name = fn.__name__

    def method(self, *args, **kwargs):
        if self._base is not None:
            from .views import sync_view
            sync_view(self)
        if args:
            _check_overlap(self, args)
        if kwargs:
            _check_overlap(self, kwargs.values())
        req = False
        if _state.enabled:
            req = self._requires_grad or (self._base is not None and self._base._requires_grad)
            if not req:
                for a in args:
                    if isinstance(a, Tensor) and a._requires_grad:
                        req = True
                        break
                else:
                    for a in kwargs.values():
                        if isinstance(a, Tensor) and a._requires_grad:
                            req = True
                            break
        result = inplace_result(self, fn, args, kwargs, req)
        if req and not result._requires_grad:
            history = _nondiff_history(self, result, name, args, kwargs)
            if history is not None:
                return commit_inplace(self, history)
        return commit_inplace(self, result)
    method.__name__ = name + "_"
    return method


def unwrap(x):
    return x._data if isinstance(x, Tensor) else x


__all__ = ["apply", "Tensor", "_wrap", "_wrap_dim", "np", "D"]
