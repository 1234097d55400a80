"""``torch.nn.parameter``: Parameter, Buffer and the uninitialized (lazy) variants.

A ``Parameter`` is a ``Tensor`` subclass that shares the given tensor's storage and version counter
and is a graph leaf; assigning one to a ``Module`` attribute registers it.  ``Buffer(t)`` returns a
plain detached tensor flagged ``_is_buffer`` (``isinstance(b, Buffer)`` is True), as torch does.
"""
from collections import OrderedDict

from .._tensor import Tensor, _init

__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _empty(device=None, dtype=None):
    from .._ops.creation import empty
    return empty(0, device=device, dtype=dtype)


def _make_subclass(cls, data, requires_grad):
    """A ``cls`` instance over ``data``'s array and version counter, detached (``Tensor._make_subclass``)."""
    t = object.__new__(cls)
    _init(t, data._data)
    if data._version is None:
        data._version = [0]
    t._version = data._version
    if requires_grad:
        if not (t.is_floating_point() or t.is_complex()):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


class Parameter(Tensor):
    """A tensor that ``Module`` registers as a parameter when assigned as an attribute (``torch.nn.Parameter``).

    ``Parameter(data, requires_grad=True)`` shares ``data``'s storage; it is a leaf even when ``data``
    has history, and ``requires_grad`` is not affected by ``no_grad`` mode.
    """
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"_make_subclass(): argument 'data' (position 2) must be Tensor, not "
                            f"{type(data).__name__}")
        return _make_subclass(cls, data, requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        # torch's form; the state is the user's attributes only (not ember's grad/hook bookkeeping)
        from .._utils import _get_obj_state, _rebuild_parameter, _rebuild_parameter_with_state
        state = _get_obj_state(self)
        if not state:
            return _rebuild_parameter, (self.data, self.requires_grad, OrderedDict())
        return _rebuild_parameter_with_state, (self.data, self.requires_grad, OrderedDict(), state)


class UninitializedTensorMixin:
    """Shared behaviour of the lazy placeholders: no shape until ``materialize(shape)`` is called.

    Only metadata queries, dtype/device conversions and ``materialize`` are meaningful on them; the
    lazy modules materialize them on their first forward call.
    """
    __slots__ = ()

    def materialize(self, shape, device=None, dtype=None):
        """Give the placeholder real (uninitialised) storage of ``shape`` and turn it into ``cls_to_become``."""
        from .._ops.creation import empty
        if device is None:
            device = self.data.device
        if dtype is None:
            dtype = self.data.dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize the "
            "parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto):
        return self.__class__, (self.requires_grad,)


def is_lazy(param):
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (used by the ``Lazy*`` modules)."""
    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _make_subclass(cls, _empty(device, dtype), requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        memo[id(self)] = result
        return result


class _BufferMeta(type):
    # isinstance(t, Buffer) is True for the plain tensors Buffer() returns (they carry _is_buffer)
    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A tensor that ``Module`` registers as a buffer when assigned as an attribute (``torch.nn.Buffer``).

    ``Buffer(data, persistent=True)`` returns ``data.detach()`` (a plain Tensor) marked as a buffer;
    ``persistent=False`` keeps it out of ``state_dict``.
    """
    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty()
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (used by the ``Lazy*`` modules)."""
    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        ret = _make_subclass(cls, _empty(device, dtype), requires_grad)
        ret.persistent = persistent
        ret._is_buffer = True
        return ret
