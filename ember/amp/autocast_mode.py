"""``torch.amp.autocast_mode``: automatic mixed precision (``torch.autocast``) and its thread-local state.

Inside ``autocast(device_type)`` the ops on torch's autocast lists for that device type cast their
floating-point inputs of that device type (float64 excepted) before running, as ATen's Autocast
dispatch keys do:

* lower precision (``mm``, ``linear``, ``conv2d``, ...): to the autocast dtype (CPU: bfloat16, CUDA:
  float16 by default);
* fp32 (the losses, ``cdist``, CPU's 3-D pools, ...): to float32;
* fp32-set-opt-dtype (CUDA's ``softmax``, ``sum``, ``cumsum``, ...): ``dtype=float32`` unless given;
* promote (``cat``, ``stack``, ``index_copy``, CUDA's ``addcdiv``, ``dot``, ...): to the widest floating
  input type.

Wiring: each listed op's public function starts with a two-line guard ::

    if _amp.active:
        return _amp.run("mm", mm, input, mat2, out=out)

``_amp`` is this module's thread-local ``state``; ``active`` is True only while autocast is enabled on
the thread and the thread is not already inside an autocast op, so with autocast off the guard is one
attribute read.  ``run`` picks the op's policy for the inputs' device type, casts (lower-precision casts of
float32 leaf parameters are cached until the outermost autocast region exits, as torch's weight cache),
then calls the op again with autocast excluded: ops inside an autocast op run as called, like torch's
``ExcludeDispatchKeyGuard``.  A guarded op that is not on the list of the inputs' device type runs the
same way with unchanged arguments (torch runs one kernel for it, with nothing inside to autocast), except
the few whose torch decomposition does reach listed ops (``bilinear`` on the CPU): those run their body
with autocast still on.  An op with ``out=``, and the in-place ``x.addmm_()`` family, are not autocast
(torch registers only the functional overloads).
"""
import collections.abc
import functools
import threading
import warnings

import numpy as np

from .. import _dtype as D

__all__ = ["autocast_decorator", "autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]

_AUTOCAST_TYPES = ("cpu", "cuda")


class _State(threading.local):
    """Per-thread autocast state (torch keeps each of these in thread-local storage)."""
    active = False
    cpu = False
    cuda = False
    cpu_dtype = D.bfloat16
    cuda_dtype = D.float16
    cache_enabled = True
    nesting = 0
    excluded = 0
    cache = None

    def refresh(self):
        self.active = (self.cpu or self.cuda) and not self.excluded

    def run(self, name, fn, *args, **kwargs):
        """Call ``fn(*args, **kwargs)`` — the op ``name`` — with its autocast policy applied and autocast
        excluded inside it."""
        dev = _device_type_of(args)
        policy = None
        if dev is not None and kwargs.get("out") is None:
            if dev == "cpu":
                if self.cpu:
                    policy, lower = _CPU_POLICY.get(name), self.cpu_dtype
            elif self.cuda:
                policy, lower = _CUDA_POLICY.get(name), self.cuda_dtype
        if policy is not None:
            if policy is _FALLTHROUGH:
                return fn(*args, **kwargs)
            args, kwargs = policy(self, name, lower, dev, args, kwargs)
        self.excluded += 1
        self.active = False
        try:
            return fn(*args, **kwargs)
        finally:
            self.excluded -= 1
            self.refresh()

    def cached_cast(self, t, to, dev, lower):
        """torch's ``cached_cast``: ``t.to(to)`` for an eligible tensor of another dtype; the lower-precision
        copy of a float32 leaf that requires grad is made once per autocast region."""
        d = t._data
        if d.dtype == to.np or not _eligible(t, dev):
            return t
        if (to is lower and d.dtype == np.float32 and t._requires_grad and t._grad_fn is None
                and t._base is None and self.cache_enabled and _grad_state.enabled):
            cache = self.cache
            if cache is None:
                cache = self.cache = {}
            hit = cache.get(id(t))
            if hit is not None and hit[0] is t:
                return hit[1]
            r = t.to(to)
            cache[id(t)] = (t, r)  # holding t keeps its id from being reused while cached
            return r
        return t.to(to)

    def cast_all(self, to, dev, lower, args, kwargs):
        cast = self.cast_value
        return (tuple(cast(a, to, dev, lower) for a in args),
                {k: cast(v, to, dev, lower) for k, v in kwargs.items()})

    def cast_value(self, v, to, dev, lower):
        if isinstance(v, Tensor):
            return self.cached_cast(v, to, dev, lower)
        if type(v) in (list, tuple) and any(isinstance(x, Tensor) for x in v):
            return type(v)(self.cached_cast(x, to, dev, lower) if isinstance(x, Tensor) else x for x in v)
        return v


state = _State()


def _device_type_of(args):
    """The device type of the first tensor argument (or of the first tensor in a list argument)."""
    for a in args:
        if isinstance(a, Tensor):
            return "cpu" if type(a._data) is np.ndarray else "cuda"
        if type(a) in (list, tuple):
            for x in a:
                if isinstance(x, Tensor):
                    return "cpu" if type(x._data) is np.ndarray else "cuda"
    return None


def _eligible(t, dev):
    """torch's ``is_eligible``: a floating tensor (not float64) on the autocast device type."""
    d = t._data
    if not t.is_floating_point() or d.dtype == np.float64:
        return False
    return (type(d) is np.ndarray) == (dev == "cpu")


def _first_tensor(args):
    for a in args:
        if isinstance(a, Tensor):
            return a
    return None


# ----------------------------------------------------------------------------------------------------
# cast policies: (state, op name, lower-precision dtype, device type, args, kwargs) -> (args, kwargs)

def _lower_precision_fp(st, name, lower, dev, args, kwargs):
    return st.cast_all(lower, dev, lower, args, kwargs)


def _fp32(st, name, lower, dev, args, kwargs):
    return st.cast_all(D.float32, dev, lower, args, kwargs)


def _fp32_set_opt_dtype(st, name, lower, dev, args, kwargs):
    """Run in float32 through the op's ``dtype`` argument (an explicit dtype is kept)."""
    first = _first_tensor(args)
    if first is not None and _eligible(first, dev) and kwargs.get("dtype") is None:
        kwargs = dict(kwargs, dtype=D.float32)
    return args, kwargs


def _promote(st, name, lower, dev, args, kwargs):
    """Run in the widest floating type among the inputs (float64 inputs are left alone)."""
    to = lower
    for v in (*args, *kwargs.values()):
        for t in ((v,) if isinstance(v, Tensor) else v if type(v) in (list, tuple) else ()):
            if not isinstance(t, Tensor) or not _eligible(t, dev):
                continue
            nxt = D._FROM_NP[t._data.dtype]
            if to is D.float32 or nxt is D.float32:
                to = D.float32
            elif not (to is lower and nxt is lower):
                raise RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")
    return st.cast_all(to, dev, lower, args, kwargs)


def _banned_bce(st, name, lower, dev, args, kwargs):
    raise RuntimeError("torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
                       "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
                       "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_"
                       "logits\nor torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits "
                       "are\nsafe to autocast.")


def _cpu_pad(st, name, lower, dev, args, kwargs):
    """``F.pad``: CPU autocast lists reflection_pad1d/2d and replication_pad1d/2d/3d (fp32)."""
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "constant")
    n = len(args[1]) if len(args) > 1 else len(kwargs["pad"])
    if (mode == "reflect" and n in (2, 4)) or (mode == "replicate" and n in (2, 4, 6)):
        return _fp32(st, name, lower, dev, args, kwargs)
    return args, kwargs


def _cuda_interpolate(st, name, lower, dev, args, kwargs):
    """``F.interpolate``: CUDA autocast lists the upsample_* kernels (fp32); 'area' mode is an adaptive pool."""
    mode = args[3] if len(args) > 3 else kwargs.get("mode", "nearest")
    if mode == "area":
        return args, kwargs
    return _fp32(st, name, lower, dev, args, kwargs)


def _cpu_lstm(st, name, lower, dev, args, kwargs):
    """``lstm``: the CPU runs a padded batch through mkldnn_rnn_layer (lower precision); a packed one
    (``args[1]`` is batch_sizes) through the composite cells, unlisted."""
    if isinstance(args[1], Tensor):
        return args, kwargs
    return _lower_precision_fp(st, name, lower, dev, args, kwargs)


# Marker policy: an op torch does not list on this device but whose ember body composes listed ops (which
# then autocast, as in torch's decomposition): its guard passes the guard-free body, run without exclusion.
_FALLTHROUGH = "fallthrough"


def _table(**groups):
    return {name: policy for policy, names in groups.values() for name in names.split()}


# torch's AutocastCPU registrations (aten/src/ATen/autocast_mode.cpp), by ember's public name.  einsum,
# tensordot, inner, chain_matmul and multi_dot are not registered on the CPU, but torch decomposes them
# into bmm/mm there, so they run in the lower precision too.
_CPU_POLICY = _table(
    lower=(_lower_precision_fp, "conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d bmm mm "
                                "vecdot baddbmm addmm addbmm linear matmul prelu scaled_dot_product_attention "
                                "einsum tensordot inner chain_matmul multi_dot rnn_tanh rnn_relu rnn_tanh_cell "
                                "rnn_relu_cell"),
    fp32=(_fp32, "avg_pool3d binary_cross_entropy grid_sample polar prod quantile nanquantile cdist trace "
                 "view_as_complex cholesky inverse pinverse svd qr max_pool3d max_unpool2d max_unpool3d "
                 "adaptive_avg_pool3d adaptive_max_pool3d fractional_max_pool2d fractional_max_pool3d "
                 "mse_loss cosine_embedding_loss nll_loss hinge_embedding_loss poisson_nll_loss smooth_l1_loss "
                 "cross_entropy l1_loss huber_loss margin_ranking_loss soft_margin_loss triplet_margin_loss "
                 "multi_margin_loss ctc_loss kl_div multilabel_margin_loss binary_cross_entropy_with_logits "
                 "linalg_cond linalg_matrix_rank linalg_solve linalg_cholesky linalg_cholesky_ex linalg_svdvals "
                 "linalg_svd linalg_eigvals linalg_eigvalsh linalg_eig linalg_eigh linalg_inv linalg_inv_ex "
                 "cholesky_inverse cholesky_solve lu_solve orgqr ormqr geqrf _lu_with_info triangular_solve "
                 "linalg_householder_product linalg_tensorinv linalg_tensorsolve "
                 "linalg_qr linalg_lstsq fft_fft fft_ifft fft_fft2 fft_ifft2 fft_fftn fft_ifftn fft_rfft fft_irfft "
                 "fft_rfft2 fft_irfft2 fft_rfftn fft_irfftn fft_hfft fft_ihfft stft"),
    promote=(_promote, "stack cat index_copy"),
    pad=(_cpu_pad, "pad"),
    lstm=(_cpu_lstm, "lstm"),
    fallthrough=(_FALLTHROUGH, "bilinear"),
)

# torch's Autocast (CUDA) registrations: AT_FORALL_LOWER_PRECISION_FP, AT_FORALL_FP32,
# AT_FORALL_FP32_SET_OPT_DTYPE (norm's fp32_append_dtype overloads behave the same), AT_FORALL_PROMOTE, and
# binary_cross_entropy banned.  inner decomposes into tensordot (promote).
_CUDA_POLICY = _table(
    lower=(_lower_precision_fp, "conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d prelu "
                                "addmm addmv addr matmul einsum mm mv vecdot linear addbmm baddbmm bmm chain_matmul "
                                "multi_dot lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell lstm gru rnn_tanh "
                                "rnn_relu scaled_dot_product_attention"),
    fp32=(_fp32, "acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softplus "
                 "layer_norm rms_norm group_norm cosine_similarity poisson_nll_loss cosine_embedding_loss nll_loss "
                 "cross_entropy hinge_embedding_loss kl_div l1_loss smooth_l1_loss huber_loss mse_loss "
                 "margin_ranking_loss multilabel_margin_loss soft_margin_loss triplet_margin_loss "
                 "multi_margin_loss binary_cross_entropy_with_logits dist pdist cdist renorm logsumexp"),
    interpolate=(_cuda_interpolate, "interpolate"),
    opt_dtype=(_fp32_set_opt_dtype, "prod softmax log_softmax cumprod cumsum linalg_vector_norm "
                                    "linalg_matrix_norm sum norm"),
    promote=(_promote, "addcdiv addcmul atan2 bilinear cross dot vdot grid_sample index_put tensordot inner "
                       "scatter_add cat stack index_copy"),
    banned=(_banned_bce, "binary_cross_entropy"),
)


def excluded(fn):
    """``fn`` run with autocast excluded: the in-place variants of autocast ops (``x.addmm_(...)``),
    which torch does not autocast."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        st = state
        if not st.active:
            return fn(*args, **kwargs)
        st.excluded += 1
        st.active = False
        try:
            return fn(*args, **kwargs)
        finally:
            st.excluded -= 1
            st.refresh()
    return call


# ----------------------------------------------------------------------------------------------------
# torch.is_autocast_enabled & co.

def _check_type(device_type, fname):
    if not isinstance(device_type, str):
        raise TypeError(f"{fname}(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    if device_type not in _AUTOCAST_TYPES:
        from .._device import device
        device(device_type)  # torch's error for a string that names no device type
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    return device_type


def is_autocast_available(device_type):
    """Whether autocast works on ``device_type``: 'cpu' and 'cuda' in ember (torch also has xpu, mps, ...)."""
    return device_type in _AUTOCAST_TYPES


def is_autocast_enabled(device_type=None):
    """``torch.is_autocast_enabled(device_type)``; without an argument, CUDA's (as torch)."""
    dev = "cuda" if device_type is None else _check_type(device_type, "is_autocast_enabled")
    st = state
    return bool(getattr(st, dev)) and not st.excluded


def set_autocast_enabled(*args):
    """``torch.set_autocast_enabled(device_type, enabled)``, or the legacy ``(enabled)`` for CUDA."""
    if len(args) == 1:
        dev, enabled = "cuda", args[0]
    elif len(args) == 2:
        dev, enabled = _check_type(args[0], "set_autocast_enabled"), args[1]
    else:
        raise TypeError(f"set_autocast_enabled() takes 1 or 2 arguments ({len(args)} given)")
    st = state
    setattr(st, dev, bool(enabled))
    st.refresh()


def get_autocast_dtype(device_type):
    dev = _check_type(device_type, "get_autocast_dtype")
    return state.cpu_dtype if dev == "cpu" else state.cuda_dtype


def set_autocast_dtype(device_type, dtype):
    dev = _check_type(device_type, "set_autocast_dtype")
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' (position 2) must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    setattr(state, dev + "_dtype", dtype)


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return state.cpu_dtype


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return state.cuda_dtype


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def set_autocast_gpu_dtype(dtype):
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def is_autocast_cache_enabled():
    return state.cache_enabled


def set_autocast_cache_enabled(enabled):
    state.cache_enabled = bool(enabled)


def clear_autocast_cache():
    """Drop the cached lower-precision copies of the weights (done when the outermost region exits)."""
    state.cache = None


def autocast_increment_nesting():
    state.nesting += 1
    return state.nesting


def autocast_decrement_nesting():
    state.nesting -= 1
    return state.nesting


# ----------------------------------------------------------------------------------------------------
# the context manager / decorator

def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


class autocast:
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a region (context manager
    or function decorator) where autocast's listed ops run in mixed precision.

    ``dtype`` defaults to ``get_autocast_dtype(device_type)`` (bfloat16 on the CPU, float16 on CUDA).  As
    torch: CPU autocast with a dtype other than bfloat16/float16 warns and disables itself; CUDA autocast
    without a usable GPU warns and disables itself; the state is thread-local.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                from .. import cuda
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                                  stacklevel=2)
                    enabled = False
                elif self.fast_dtype is D.bfloat16 and not cuda.is_bf16_supported():
                    raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch dtype to "
                                       "float16.")
            elif self.fast_dtype not in (D.bfloat16, D.float16):
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = getattr(state, self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                            f"Did you mean to use autocast as a context manager? For example:\n"
                            f"    with torch.autocast(device_type=...):\n"
                            f"        output = model(input)")
        return autocast_decorator(self, func)


# ----------------------------------------------------------------------------------------------------
# custom autograd functions

def _cast(value, device_type, dtype):
    """Cast eligible tensors in ``value`` (nested lists, tuples, dicts) to ``dtype`` (torch's ``_cast``)."""
    if isinstance(value, Tensor):
        ok = value.is_floating_point() and value.device.type == device_type and value.dtype is not D.float64
        return value.to(dtype) if ok else value
    if isinstance(value, (str, bytes, np.ndarray)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        it = (_cast(v, device_type, dtype) for v in value)
        return type(value)(it) if isinstance(value, (list, tuple)) else it
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom ``Function.forward`` (``torch.amp.custom_fwd``): records the autocast state for
    ``custom_bwd``; with ``cast_inputs`` inside an autocast region, casts floating inputs to it and runs
    ``forward`` with autocast disabled."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        args[0]._fwd_used_autocast = False
        if is_autocast_enabled(device_type):
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom ``Function.backward`` (``torch.amp.custom_bwd``): runs it with the autocast
    state its forward saw."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd


from .._tensor import Tensor  # noqa: E402  (the op modules import this module while ember loads)
from ..autograd.grad_mode import state as _grad_state  # noqa: E402
