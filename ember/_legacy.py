"""torch's legacy typed tensor classes: ``FloatTensor``, ``LongTensor``, ... and their type names.

As in torch, each class is an instance of ``torch.tensortype``:

* calling it builds a plain ``Tensor`` of its dtype (``FloatTensor(2, 3)`` uninitialised,
  ``LongTensor([1, 2])`` from data, ``FloatTensor(t)`` aliasing a float32 tensor);
* ``isinstance(x, FloatTensor)`` holds exactly when ``x`` is a float32 tensor on the CPU;
* the class exposes ``dtype``, ``is_cuda``, ``is_sparse`` and, through the metaclass, the ``Tensor`` methods.

``legacy_type_name`` gives ``Tensor.type()``'s answer ('torch.FloatTensor', 'torch.cuda.LongTensor') and
``dtype_of_type`` reads a class or such a name back (for ``Tensor.type(...)`` and
``set_default_tensor_type``).
"""
from . import _dtype as D

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor", "CharTensor",
           "ShortTensor", "IntTensor", "LongTensor", "BoolTensor"]

_NAMES = {D.float32: "Float", D.float64: "Double", D.float16: "Half", D.bfloat16: "BFloat16", D.uint8: "Byte",
          D.int8: "Char", D.int16: "Short", D.int32: "Int", D.int64: "Long", D.bool: "Bool",
          D.complex64: "ComplexFloat", D.complex128: "ComplexDouble"}
_BY_NAME = {name + "Tensor": dt for dt, name in _NAMES.items()}


class tensortype(type):
    """The metaclass of the legacy tensor types (``torch.tensortype``)."""

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == cls._device_type

    def __call__(cls, *args, **kwargs):
        from ._ops.creation import _legacy_new
        from ._tensor import Tensor
        if cls._device_type != "cpu":
            kwargs.setdefault("device", cls._device_type)
        return _legacy_new(Tensor, cls.dtype, args, kwargs)

    def __getattr__(cls, name):
        from ._tensor import Tensor
        try:
            return getattr(Tensor, name)
        except AttributeError:
            raise AttributeError(f"type object '{cls.__name__}' has no attribute '{name}'") from None


tensortype.__module__ = "torch"


def _make(dtype, module, device_type):
    name = _NAMES[dtype] + "Tensor"
    cls = tensortype(name, (), {"dtype": dtype, "is_cuda": device_type == "cuda", "is_sparse": False,
                                "_device_type": device_type, "__module__": module, "__slots__": ()})
    cls.__qualname__ = name
    return cls


# torch has no top-level ComplexFloatTensor/ComplexDoubleTensor classes, only the type names
_CPU = {dt: _make(dt, "torch", "cpu") for dt in _NAMES if dt.category != D.COMPLEX}
# ``torch.cuda.FloatTensor`` ...: for ember.cuda to export
CUDA_TYPES = {cls.__name__: _make(dt, "torch.cuda", "cuda") for dt, cls in _CPU.items()}

FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor = (_CPU[D.float32], _CPU[D.float64], _CPU[D.float16],
                                                         _CPU[D.bfloat16])
ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, BoolTensor = (
    _CPU[D.uint8], _CPU[D.int8], _CPU[D.int16], _CPU[D.int32], _CPU[D.int64], _CPU[D.bool])


def legacy_type_name(t):
    """``Tensor.type()``: 'torch.FloatTensor', 'torch.cuda.LongTensor', 'torch.ComplexDoubleTensor', ..."""
    prefix = "torch.cuda." if t.device.type == "cuda" else "torch."
    return prefix + _NAMES[t.dtype] + "Tensor"


def _parse(x):
    """(dtype, device type) named by a legacy class, ``Tensor`` or a type-name string."""
    from ._tensor import Tensor
    if isinstance(x, tensortype):
        return x.dtype, x._device_type
    if isinstance(x, type) and issubclass(x, Tensor):
        return D.get_default_dtype(), "cpu"
    if isinstance(x, str):
        device_type, rest = ("cuda", x[len("torch.cuda."):]) if x.startswith("torch.cuda.") else \
            ("cpu", x[len("torch."):] if x.startswith("torch.") else None)
        if rest == "Tensor":
            return D.get_default_dtype(), device_type
        dt = _BY_NAME.get(rest)
        if dt is not None:
            return dt, device_type
        raise ValueError(f"invalid type: '{x}'")
    raise TypeError("dtype must be a type, str, or dtype object")


def dtype_of_type(x):
    """The dtype a legacy type (class or name such as 'torch.LongTensor') stands for; ``Tensor``: the default."""
    return _parse(x)[0]


def device_type_of_type(x):
    """'cuda' for the ``torch.cuda.*Tensor`` types and names, else 'cpu'."""
    return _parse(x)[1]
