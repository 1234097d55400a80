"""``ember.Tensor``: a thin handle on an array view (NumPy on the CPU, CuPy on CUDA).

The array's root buffer is the tensor's storage; ``stride()`` and ``storage_offset()`` are read off the
view, so torch's view semantics (a write through any view is seen by all) come from the array library.
Per-tensor state lives in ``__slots__``; most methods are attached by the op modules (``ember/_ops``),
which define each op once for the function, the method and the operator.
"""
import numpy as np

from . import _dtype as D
from ._device import CPU, device_of_array
from .autograd import grad_mode
from .autograd.engine import execute as _execute

_state = grad_mode.state


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (_size, (tuple(self),))


class Tensor:
    """A multi-dimensional array with autograd (``torch.Tensor``)."""
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_version", "__weakref__", "__dict__")
    # Rarely set state lives in the instance __dict__ with these class-level defaults, so making a
    # tensor (the hot path) only fills the four slots above.
    _grad = None
    _output_nr = 0
    _base = None
    _grad_acc = None
    _hooks = None
    _post_acc_hooks = None
    _retains_grad = False
    _view_ver = 0  # the version at which a view's grad_fn was last valid (see views.refresh_view)

    def __new__(cls, *args, **kwargs):
        # legacy constructor: Tensor(2, 3) is uninitialised of the default dtype, Tensor(data) copies data
        from ._ops.creation import _legacy_new
        return _legacy_new(cls, D.get_default_dtype(), args, kwargs, strict=False)

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        # Only reached when normal lookup fails: methods bound by modules loaded on first use
        # (nn.functional binds Tensor.softmax, relu, ...), so ``import ember`` stays light.
        if name.startswith("_") or name in _LAZY_TRIED:
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        _LAZY_TRIED.add(name)
        import importlib
        importlib.import_module(_LAZY_METHOD_HOMES.get(name, "ember.nn.functional"))
        return object.__getattribute__(self, name)

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self):
        return D._FROM_NP[self._data.dtype]

    @property
    def device(self):
        return CPU if type(self._data) is np.ndarray else device_of_array(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return type(self._data) is np.ndarray

    is_sparse = False
    is_quantized = False
    is_meta = False
    is_mkldnn = False
    is_nested = False
    layout = "torch.strided"

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    def stride(self, dim=None):
        a = self._data
        if a.size or a.base is not None:
            item = a.itemsize
            st = tuple(s // item for s in a.strides)
        else:
            from ._storage import contiguous_strides
            st = contiguous_strides(a.shape)  # NumPy zeroes a fresh empty array's strides; torch's are contiguous
        if dim is None:
            return st
        return st[_wrap_dim(dim, self._data.ndim)]

    def storage_offset(self):
        from ._storage import root_and_offset
        return root_and_offset(self._data)[1] // self._data.itemsize

    def data_ptr(self):
        from ._storage import array_ptr
        return array_ptr(self._data) if self._data.size else 0  # torch: null for a tensor with no elements

    def untyped_storage(self):
        from ._storage import UntypedStorage
        return UntypedStorage._of_array(self._data)

    def storage(self):
        from ._storage import TypedStorage
        return TypedStorage._of_tensor(self)

    def is_contiguous(self, memory_format=None):
        if memory_format is not None and memory_format != "torch.contiguous_format" \
                and memory_format != "torch.preserve_format":
            from ._ops.views import is_channels_last_contiguous
            return is_channels_last_contiguous(self, memory_format)
        a = self._data
        if a.flags.c_contiguous:
            return True
        # torch ignores the strides of size-1 dimensions
        expected = a.itemsize
        for size, st in zip(reversed(a.shape), reversed(a.strides)):
            if size != 1 and st != expected:
                return False
            expected *= size
        return True

    def is_floating_point(self):
        return self._data.dtype.kind == "f" or self._data.dtype == D.bfloat16.np

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def is_signed(self):
        return D._FROM_NP[self._data.dtype].is_signed

    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    # ------------------------------------------------------------------ autograd state
    def _fresh(self):
        """Rebuild a stale view's history first (its base was modified in place since it was made)."""
        if self._base is not None and self._view_ver != self._version[0]:
            from ._ops.views import refresh_view
            refresh_view(self)
        return self

    @property
    def requires_grad(self):
        return self._fresh()._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use "
                                   "a computed variable in a subgraph that doesn't require differentiation use "
                                   "var_no_grad = var.detach().")
            return self
        if requires_grad:
            k = self._data.dtype.kind
            if k not in "fc" and self._data.dtype != D.bfloat16.np:
                raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def grad_fn(self):
        return self._fresh()._grad_fn

    @property
    def is_leaf(self):
        return self._fresh()._grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version_value(self):
        return 0 if self._version is None else self._version[0]

    @property
    def retains_grad(self):
        return self._retains_grad

    def is_inference(self):
        """``Tensor.is_inference()`` (a method, as torch's); ember does not mark inference tensors."""
        return False

    def _is_view(self):
        return self._base is not None

    @property
    def data(self):
        t = _wrap(self._data)
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    def detach(self):
        """A tensor sharing storage and version counter, cut from the graph."""
        t = _wrap(self._data)
        if self._version is None:
            self._version = [0]
        t._version = self._version
        return t

    def detach_(self):
        if self._base is not None:  # torch refuses for every view, whatever its grad state
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        import weakref
        node = self._grad_fn
        if getattr(node, "_retained", None) is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; may return a replacement."""
        from .autograd.graph import RemovableHandle
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            h = RemovableHandle(self._hooks)
            self._hooks[h.id] = hook
            return h
        node = self._grad_fn
        if getattr(node, "_tensor_hooks", None) is None:
            node._tensor_hooks = {}
        hooks = node._tensor_hooks.setdefault(self._output_nr, {})
        h = RemovableHandle(hooks)
        hooks[h.id] = hook
        return h

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs on a leaf after its ``.grad`` has been accumulated."""
        from .autograd.graph import RemovableHandle
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        h = RemovableHandle(self._post_acc_hooks)
        self._post_acc_hooks[h.id] = hook
        return h

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``torch.Tensor.backward``)."""
        fn = self._grad_fn
        if gradient is None and inputs is None and not create_graph and fn is not None and self._base is None:
            a = self._data
            if type(a) is np.ndarray and a.size == 1 and a.dtype.kind == "f":
                # the common ``loss.backward()``: the implicit gradient of a real scalar, straight to the engine
                # (what ``autograd.backward`` checks cannot fail here)
                g = _wrap(np.array(1, a.dtype) if a.ndim == 0 else np.ones_like(a, order="K"))
                _execute(((fn, self._output_nr),), (g,), bool(retain_graph), False)
                return
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ conversion
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        v = self._data.reshape(()).item() if type(self._data) is np.ndarray else self._data.reshape(()).item()
        if self._data.dtype == D.bfloat16.np:
            v = float(v)
        return v

    def tolist(self):
        a = self._host()
        if a.dtype == D.bfloat16.np:
            a = a.astype(np.float32)
        return a.tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if type(self._data) is not np.ndarray:
            if not force:
                raise TypeError(f"can't convert {self.device.type}:{self.device.index} device type tensor to "
                                f"numpy. Use Tensor.cpu() to copy the tensor to host memory first.")
            return self._host()
        return self._data

    def _host(self):
        a = self._data
        return a if type(a) is np.ndarray else a.get()

    def __array__(self, dtype=None, copy=None):
        a = self.detach()._host() if self._requires_grad else self._host()
        if dtype is not None:
            a = a.astype(dtype, copy=False)
        return a

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __int__(self):
        return int(self.item())

    def __float__(self):
        return float(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        if self._data.ndim == 0:
            return self
        return self.flip(0)

    def __contains__(self, element):
        if isinstance(element, (Tensor, int, float, bool, complex)):
            return bool((self == element).any())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                           f"{type(element)}.")

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import _str
        return _str(self, tensor_contents=tensor_contents)

    def __reduce_ex__(self, proto):
        from .serialization import _reduce_tensor
        return _reduce_tensor(self)

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self).__new__(type(self)) if type(self) is not Tensor else object.__new__(Tensor)
        _init(new, self._data.copy())
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        import copy
        for k, v in self.__dict__.items():
            setattr(new, k, copy.deepcopy(v, memo))
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ internals used by the engine
    def _owned_copy(self):
        """This tensor if it owns contiguous memory nobody else sees, else a contiguous copy."""
        a = self._data
        if a.base is None and a.flags.c_contiguous and a.flags.writeable:
            return self
        return _wrap(a.copy())

    def _accumulate_(self, other):
        """``self += other`` on the raw arrays (engine-only; grads are never views here)."""
        a = self._data
        if a.flags.writeable and a.base is None:
            a += other._data
        else:
            self._data = a + other._data

    def _bump(self):
        v = self._version
        if v is None:
            self._version = [1]
        else:
            v[0] += 1


Tensor.__module__ = "torch"
Size.__module__ = "torch"


def _size(dims):
    """Unpickle a Size (its ``__module__`` reads "torch" for printing, so pickle needs this helper)."""
    return Size(dims)


def _init(t, arr):
    """Initialise the slots of a tensor (or Tensor subclass) instance made without ``__init__``."""
    t._data = arr
    t._requires_grad = False
    t._grad_fn = None
    t._version = None


_new = object.__new__
_LAZY_TRIED = set()
# Tensor methods bound by modules that ``import ember`` does not load; any other unknown name tries
# nn.functional (softmax, relu, ...).
_LAZY_METHOD_HOMES = {"share_memory_": "ember.multiprocessing.reductions",
                      "is_shared": "ember.multiprocessing.reductions"}


def _wrap(arr):
    """A new tensor over ``arr`` (no copy)."""
    t = _new(Tensor)
    t._data = arr
    t._requires_grad = False
    t._grad_fn = None
    t._version = None
    return t


def _make_output(arr, node):
    """A saved output unpacked in backward: same data, grad_fn = the node that produced it."""
    t = _wrap(arr)
    t._grad_fn = node
    t._requires_grad = True
    return t


def _zeros_for_output(node, i):
    shape, dt = node._out_meta[i]
    return _wrap(np.zeros(shape, dt))


def _wrap_dim(dim, ndim):
    if not isinstance(dim, int):
        dim = _index_of(dim)
    n = ndim if ndim > 0 else 1
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _index_of(dim):
    try:
        return dim.__index__()
    except AttributeError:
        raise TypeError(f"dim must be an int, not {type(dim).__name__}") from None
