"""Custom differentiable functions (``torch.autograd.Function``).

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

``Exp.apply(x)`` runs ``forward`` without recording a graph, then gives the tensor outputs one backward
node: an instance of ``ExpBackward``, which is also the ``ctx`` both methods see (so attributes set on
ctx in forward are there in backward).  The new style — ``forward(*args)`` plus
``setup_context(ctx, inputs, output)`` — works the same way.  As in torch: saved tensors are checked
against in-place changes, an input returned as-is becomes an alias, ``mark_dirty`` inputs take the
node as their history (a ``CopySlices`` base for views), ``mark_non_differentiable`` outputs get no
gradient, missing output gradients are zeros unless ``set_materialize_grads(False)``, and backward must
return one gradient per forward argument.
"""
import functools
import inspect
import itertools
import warnings

from . import grad_mode
from .graph import Node, _FREED, _sequence, grad_accumulator, raise_modified

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "InplaceFunction",
           "NestedIOFunction"]

_state = grad_mode.state
_function_ids = itertools.count()


def _tensor_cls():
    from .._tensor import Tensor
    return Tensor


class FunctionCtx:
    """What ``ctx`` offers in ``forward``/``setup_context`` (``torch.autograd.function.FunctionCtx``)."""

    def save_for_backward(self, *tensors):
        """Save tensors (or None) for ``backward``; read them back with ``ctx.saved_tensors``."""
        Tensor = _tensor_cls()
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        """Kept for a ``jvp``; ember has no forward-mode AD, so they are only stored."""
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        """Declare inputs modified in place by ``forward`` (they must be returned as outputs)."""
        self.dirty_tensors = args

    def mark_shared_storage(self, *pairs):
        raise RuntimeError("mark_shared_storage is deprecated. Tensors with shared storages are automatically "
                           "tracked. Note that calls to `set_()` are not tracked")

    def mark_non_differentiable(self, *args):
        """Declare outputs that get no gradient (their gradient in backward is zeros, or None)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach ``backward`` as zeros (default) or as None."""
        self.materialize_grads = value


_ContextMethodMixin = FunctionCtx


class BackwardCFunction(Node, FunctionCtx):
    """The backward node of a custom Function, and its ``ctx``: ``<MyFnBackward object at ...>``."""
    _custom_function = True
    _forward_cls = None
    materialize_grads = True
    needs_input_grad = None
    to_save = ()
    dirty_tensors = None
    non_differentiable = None

    def __init__(self):
        self._seq = next(_sequence)
        self.next_functions = ()
        self._in_meta = None
        self._saved_entries = ()
        self._freed = False

    def _get_user_fn(self):
        fwd = self._forward_cls
        if fwd.backward is not Function.backward and fwd.vjp is not Function.vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
                               "should only implement one of them.")
        return fwd.vjp if fwd.vjp is not Function.vjp else fwd.backward

    def apply(self, *grads):
        """Run the user's ``backward`` on output gradients (as ``grad_fn(*grads)`` does in torch)."""
        return self._get_user_fn()(self, *grads)

    def _engine_apply(self, grads):
        metas = self._out_meta
        if self.materialize_grads:
            for i, g in enumerate(grads):
                if g is None and metas[i] is not None:
                    grads[i] = _zeros(metas[i])
        out = self._get_user_fn()(self, *grads)
        if type(out) is not tuple:
            out = (out,)
        is_tensor = self._is_tensor_input
        n = len(is_tensor)
        if len(out) != n:
            if len(out) < n or any(g is not None for g in out[n:]):
                raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected "
                                   f"{n}, got {len(out)})")
            out = out[:n]
        result = []
        for i, (g, t) in enumerate(zip(out, is_tensor)):
            if t:
                result.append(g)
            elif g is not None:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
        return tuple(result)

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, checked against in-place changes since."""
        if self._freed:
            raise RuntimeError(_FREED)
        return tuple(self._unpack(e) for e in self._saved_entries)

    @property
    def saved_variables(self):
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning, stacklevel=2)
        return self.saved_tensors

    def _unpack(self, entry):
        if entry is None:
            return None
        t, ver, expected, out_nr = entry
        if out_nr is None:
            if ver is not None and ver[0] != expected:
                fn = t.grad_fn
                raise_modified(t._data, ver, expected, fn.name() if fn is not None else None, t._output_nr)
            return t
        # a saved output is kept as its array (no tensor -> node -> tensor cycle) and rebuilt here
        if ver[0] != expected:
            raise_modified(t, ver, expected, self.name(), out_nr)
        from .._tensor import _wrap
        r = _wrap(t)
        r._version = ver
        if out_nr >= 0:
            r._grad_fn = self
            r._output_nr = out_nr
            r._requires_grad = True
        return r

    def _release(self):
        self._saved_entries = ()
        self._freed = True


def _zeros(meta):
    import numpy as np
    from .._tensor import _wrap
    shape, dt, xp = meta
    return _wrap(xp.zeros(shape, dt) if xp is not np else np.zeros(shape, dt))


class _FunctionBase:
    @staticmethod
    def forward(*args, **kwargs):
        """Compute the outputs: ``forward(ctx, *args)``, or ``forward(*args)`` with ``setup_context``."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """One gradient (or None) per forward argument, given one gradient per output."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")


class Function(_FunctionBase, FunctionCtx):
    """Base class of custom differentiable functions (``torch.autograd.Function``); use ``MyFn.apply``."""
    generate_vmap_rule = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__name__ + "Backward"
        back = type(name, (BackwardCFunction,), {"_forward_cls": cls})
        back.__module__ = "torch.autograd.function"
        back.__qualname__ = name
        back._autograd_function_id = next(_function_ids)
        cls._backward_cls = back

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      f"so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      f"an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap "
                                  "staticmethod or set generate_vmap_rule=True.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and connect its tensor outputs to the graph through one backward node."""
        if cls is Function:
            raise NotImplementedError("You must implement the forward function for custom autograd.Function.")
        return _apply(cls, args, kwargs)


def _bind(fn, args, kwargs, skip_ctx):
    sig = inspect.signature(fn)
    if skip_ctx:
        params = list(sig.parameters.values())[1:]
        sig = sig.replace(parameters=params)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args, bound.kwargs


def _apply(cls, args, kwargs):
    Tensor = _tensor_cls()
    new_style = cls.setup_context is not _FunctionBase.setup_context
    if new_style or kwargs:
        args, kwargs = _bind(cls.forward, args, kwargs, not new_style)
    is_tensor = tuple(isinstance(a, Tensor) for a in args)
    tensor_inputs = [a for a in args if isinstance(a, Tensor)]
    for t in tensor_inputs:
        if t._base is not None:
            from .._ops.views import sync_view
            sync_view(t)
    executable = _state.enabled and any(t._requires_grad for t in tensor_inputs)
    ctx = cls._backward_cls()
    ctx._is_tensor_input = is_tensor
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    if executable:
        edges = []
        meta = []
        for t in tensor_inputs:
            if t._requires_grad:
                fn = t._grad_fn
                edges.append((fn, t._output_nr) if fn is not None else (grad_accumulator(t), 0))
                meta.append((t._data.shape, t._data.dtype))
            else:
                edges.append((None, 0))
                meta.append(None)
        ctx.next_functions = tuple(edges)
        ctx._in_meta = tuple(meta)
    prev = _state.enabled
    _state.enabled = False
    try:
        if new_style:
            output = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, output)
        else:
            output = cls.forward(ctx, *args, **kwargs)
    finally:
        _state.enabled = prev
    is_tuple = type(output) is tuple
    outputs = output if is_tuple else (output,)
    outputs = _process_outputs(ctx, tensor_inputs, outputs, executable, Tensor)
    _save(ctx, outputs, Tensor)
    return outputs if is_tuple else outputs[0]


def _identity_in(t, seq):
    return seq is not None and any(t is s for s in seq)


def _process_outputs(ctx, tensor_inputs, outputs, executable, Tensor):
    import numpy as np
    from .._device import array_module
    dirty = ctx.dirty_tensors
    nondiff = ctx.non_differentiable
    if dirty:
        for d in dirty:
            if not any(d is o for o in outputs):
                raise RuntimeError("Some elements marked as dirty during the forward method were not returned as "
                                   "output. The inputs that are modified inplace must all be outputs of the Function.")
    result = []
    metas = []
    for i, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            result.append(o)
            metas.append(None)
            continue
        a = o._data
        metas.append((a.shape, a.dtype, np if type(a) is np.ndarray else array_module(o.device)))
        is_input = _identity_in(o, tensor_inputs)
        is_dirty = _identity_in(o, dirty)
        if is_dirty:
            o._bump()
        if not executable or _identity_in(o, nondiff) or not (a.dtype.kind in "fc" or o.is_floating_point()):
            if is_input and not is_dirty:
                o = _alias(o, _state.enabled)
            result.append(o)
            continue
        if is_dirty:
            _rebase_dirty(ctx, o, i)
        else:
            if is_input:
                o = _alias(o, True)
            o._grad_fn = ctx
            o._output_nr = i
            o._requires_grad = True
        result.append(o)
    ctx._out_meta = tuple(metas)
    return tuple(result)


def _alias(t, as_view):
    """An input returned as-is: a new tensor on the same memory (a view of it in grad mode)."""
    from .._prim import _link_view
    from .._tensor import _wrap
    r = _wrap(t._data)
    if as_view:
        _link_view(r, t)
    else:
        if t._version is None:
            t._version = [0]
        r._version = t._version
    return r


def _rebase_dirty(ctx, t, i):
    from .._tensor import _wrap
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    if t._base is not None:
        from .._ops.views import rebase_view_history
        r = _wrap(t._data)
        r._grad_fn, r._output_nr, r._requires_grad = ctx, i, True
        rebase_view_history(t, r)
    else:
        t._grad_fn = ctx
        t._output_nr = i
        t._requires_grad = True


def _save(ctx, outputs, Tensor):
    to_save = ctx.to_save
    if not to_save:
        return
    entries = []
    for t in to_save:
        if t is None:
            entries.append(None)
            continue
        out_nr = None
        for j, o in enumerate(outputs):
            if o is t:
                out_nr = j if t._grad_fn is ctx else -1
                break
        if t._version is None:
            t._version = [0]
        if out_nr is None:
            entries.append((t, t._version, t._version[0], None))
        else:
            entries.append((t._data, t._version, t._version[0], out_nr))
    ctx._saved_entries = tuple(entries)
    del ctx.to_save


# ----------------------------------------------------------------------------------------------------
# once_differentiable

class _DelayedError(Node):
    """``torch::autograd::Error``: a node whose backward raises (double backward of a once-differentiable
    function)."""

    def __init__(self, msg):
        self._seq = next(_sequence)
        self._msg = msg
        self.next_functions = ()
        self._in_meta = None

    def name(self):
        return "torch::autograd::Error"

    def apply(self, *grads):
        raise RuntimeError(self._msg)


_DelayedError.__name__ = _DelayedError.__qualname__ = "Error"
_DelayedError.__module__ = "builtins"


def once_differentiable(fn):
    """Decorate a ``backward`` that is not itself differentiable: it runs without recording a graph, and a
    double backward through it raises, as torch's."""
    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        prev = _state.enabled
        _state.enabled = False
        try:
            outputs = fn(ctx, *args, **kwargs)
        finally:
            _state.enabled = prev
        if not _state.enabled:
            return outputs
        Tensor = _tensor_cls()
        if not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = _DelayedError("trying to differentiate twice a function that was marked with @once_differentiable")
        edges = []
        result = []
        for o in outs:
            if o is None:
                edges.append((None, 0))
                result.append(None)
                continue
            leaf = o.detach()
            leaf._requires_grad = True
            edges.append((grad_accumulator(leaf), 0))
            r = leaf.detach()
            r._grad_fn = err
            r._output_nr = len(result)
            r._requires_grad = True
            result.append(r)
        err.next_functions = tuple(edges)
        return result[0] if single else tuple(result)
    return wrapper


# ----------------------------------------------------------------------------------------------------
# legacy classes kept for compatibility

class InplaceFunction(Function):
    """Kept for backward compatibility (``torch.autograd.function.InplaceFunction``)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    """Legacy nested-input Function; ember does not implement its instance-method protocol."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("ember: torch.autograd.NestedIOFunction (legacy non-static Function) is not "
                                  "implemented")
