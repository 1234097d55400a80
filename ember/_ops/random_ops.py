"""Random sampling — ``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``bernoulli``,
``multinomial``, ``poisson`` and the in-place ``Tensor`` samplers — drawing the same numbers as torch's CPU
generator for the same seed (see ``ember._generator``).

Where torch's kernels walk a tensor element by element, samples land in the order torch's TensorIterator
visits memory (``_iter_axes``): for a non-contiguous tensor that is its storage order, not its logical one.
Samples are drawn on the host; on CUDA they are copied to the device (they then match torch's CPU
generator, not its CUDA one).
"""
import math
import operator

import numpy as np

from .. import _dtype as D
from .._device import as_device, array_module, device_of_array
from .._errors import scalar_type_name
from .._flags import default_device as _default_device
from .._generator import Generator
from .._prim import Primitive, apply
from .._storage import writeable as _writeable
from .._tensor import Tensor, _wrap
from ..autograd import grad_mode
from ._helpers import binary_cast, check_inplace, commit_inplace, inplace_snapshot, shape_arg, write_out

__all__ = ["Generator", "default_generator", "rand", "rand_like", "randn", "randn_like", "randint",
           "randint_like", "randperm", "normal", "bernoulli", "multinomial", "poisson"]

_state = grad_mode.state

default_generator = Generator()
default_generator.seed()
_cuda_generators = {}

_HALF = (D.float16.np, D.bfloat16.np)
_BF16 = D.bfloat16.np
_CPP_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
              "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}
_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


# ----------------------------------------------------------------------------------------------------
# generators, iteration order, writing samples

def _generator_for(generator, device):
    """The generator to draw from: ``generator`` (checked against ``device``) or the device's default."""
    if generator is None:
        if device.type == "cpu":
            return default_generator
        key = device.index or 0
        g = _cuda_generators.get(key)
        if g is None:
            g = _cuda_generators[key] = Generator(f"cuda:{key}")
            g.manual_seed(default_generator.initial_seed())
        return g
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator for argument 'generator', got {type(generator).__name__}")
    if generator.device.type != device.type:
        raise RuntimeError(f"Expected a '{device.type}' device type for generator but found "
                           f"'{generator.device.type}'")
    return generator


def _iter_axes(shape, *strides):
    """Axes, outermost first, in the order torch's TensorIterator walks them: its insertion sort of the
    dimensions by stride (the first operand decides; broadcast strides are skipped; for equal strides
    the smaller dimension goes inside)."""
    nd = len(shape)
    perm = list(range(nd - 1, -1, -1))          # perm[0]: innermost
    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            a, b = perm[d0], perm[d1]
            cmp = 0
            for st in strides:
                s0, s1 = st[a], st[b]
                if s0 == 0 or s1 == 0:
                    continue
                if s0 != s1:
                    cmp = 1 if s0 > s1 else -1
                    break
                if shape[a] > shape[b]:
                    cmp = 1
                    break
            if cmp > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif cmp < 0:
                break
    return perm[::-1]


def _contiguous(shape, strides, itemsize):
    """torch's ``is_contiguous`` (strides of size-1 dimensions do not matter)."""
    expected = itemsize
    for size, st in zip(reversed(shape), reversed(strides)):
        if size != 1 and st != expected:
            return False
        expected *= size
    return True


def _placed(shape, strides, npd, draw, fill=None):
    """An array of ``shape`` holding samples where torch puts them in a tensor of that shape and
    ``strides``: ``fill(n)`` in logical order on torch's contiguous fast path (when given), else
    ``draw(n)`` in TensorIterator order."""
    n = math.prod(shape)
    if fill is not None and _contiguous(shape, strides, npd.itemsize):
        return fill(n).reshape(shape)
    axes = _iter_axes(shape, strides) if len(shape) > 1 else list(range(len(shape)))
    vals = draw(n)
    if axes == sorted(axes):
        return vals.reshape(shape)
    new = np.empty(shape, npd)
    view = new.transpose(axes)
    view[...] = vals.reshape(view.shape)
    return new


def _to_device_of(host, arr):
    if type(arr) is np.ndarray:
        return host
    return array_module(device_of_array(arr)).asarray(host)


def _cast_double(vals, npd):
    """``static_cast<scalar_t>(double)``: half and bfloat16 convert through float, as c10's types do."""
    if npd.kind == "f" and npd.itemsize >= 4:
        return vals.astype(npd, copy=False)
    if npd in _HALF:
        return vals.astype(np.float32).astype(npd)
    with np.errstate(invalid="ignore"):     # an infinite geometric sample in an integer tensor
        return vals.astype(npd, copy=False)


def _written(out, vals):
    """``vals``, or ``out`` holding them when given."""
    if out is None:
        return vals
    out[...] = vals
    return out


def _cast_int64(vals, npd):
    """``static_cast<scalar_t>(int64_t)``."""
    if npd == np.bool_:
        return vals != 0
    if npd in _HALF:
        return vals.astype(np.float32).astype(npd)
    return vals.astype(npd)


def _dtype_of(t):
    return D._FROM_NP[t._data.dtype]


def _not_implemented(kernel, t):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_type_name(_dtype_of(t))}\'')


def _is_float(npd):
    return npd.kind == "f" or npd == D.bfloat16.np


# ----------------------------------------------------------------------------------------------------
# in-place sampling plumbing

def _zero_grad(ctx, g):
    from .creation import zeros_like
    return (zeros_like(g),)


_NODES = {}


def _prim(name):
    p = _NODES.get(name)
    if p is None:
        p = _NODES[name] = Primitive(name, lambda old, new: new, _zero_grad)
    return p


def _finish_inplace(self, new, node):
    """Make ``new`` (an array of self's shape, dtype and device) self's value; under autograd self gets
    a ``node`` whose derivative is zero, as torch's samplers do."""
    if _state.enabled and self._requires_grad:
        return commit_inplace(self, apply(_prim(node), (inplace_snapshot(self),), (new,)))
    if not _writeable(self._data):
        raise RuntimeError("ember: cannot write into a read-only tensor (it views read-only memory, e.g. an "
                           "expanded tensor or a non-writable NumPy array)")
    self._data[...] = new
    self._bump()
    return self


def _sample_inplace(self, node, draw, fill=None, replace=False, direct=False):
    """Overwrite ``self`` with samples: ``draw(n)`` / ``fill(n)`` as in ``_placed``, in self's real dtype
    (``replace``: self is a new factory tensor, so its array is simply swapped for the samples).

    ``direct``: the samplers also take ``out=`` (a 1-D array of self's dtype); a C-contiguous real host
    tensor that records no history then receives the samples in place, without a copy.
    Complex tensors are sampled as torch does, through ``view_as_real``: pairs of floats in memory order.
    """
    check_inplace(self)
    a = self._data
    if a.size == 0:
        return self
    if (direct and type(a) is np.ndarray and a.dtype.kind != "c" and a.flags.c_contiguous and a.flags.writeable
            and not (_state.enabled and self._requires_grad)):
        (fill or draw)(a.size, out=a.reshape(-1))
        if not replace:
            self._bump()
        return self
    if a.dtype.kind == "c":
        half = a.itemsize // 2
        real = _placed(a.shape + (2,), a.strides + (half,), np.dtype(f"f{half}"), draw, fill)
        new = real[..., 0] + 1j * real[..., 1]
    else:
        new = _placed(a.shape, a.strides, a.dtype, draw, fill)
    new = _to_device_of(new.astype(a.dtype, copy=False), a)
    if replace:
        self._data = new
        return self
    return _finish_inplace(self, new, node)


def _real_dtype(t):
    npd = t._data.dtype
    return np.dtype(f"f{npd.itemsize // 2}") if npd.kind == "c" else npd


def _gen_of(self, generator):
    return _generator_for(generator, self.device)


# ----------------------------------------------------------------------------------------------------
# Tensor.uniform_ / normal_ / random_ / exponential_ / geometric_ / cauchy_ / log_normal_ / bernoulli_

_BOUNDS = {D.bfloat16.np: (-3.3895313892515355e38, 3.3895313892515355e38)}


def _float_bounds(npd):
    b = _BOUNDS.get(npd)
    if b is None:
        fi = np.finfo(npd)
        b = _BOUNDS[npd] = (float(fi.min), float(fi.max))
    return b


def uniform_(self, from_=0, to=1, *, generator=None, **kwargs):
    """``Tensor.uniform_(from=0, to=1)``: ``x * (to - from) + from`` (one rounding) on 24 random bits per
    float (one 32-bit draw) or 53 per double (one 64-bit draw)."""
    from_ = kwargs.pop("from", from_)
    _no_extra(kwargs, "uniform_")
    return _uniform(self, from_, to, generator)


def _uniform(self, from_, to, generator, replace=False):
    npd = _real_dtype(self)
    if not _is_float(npd):
        _not_implemented("check_uniform_bounds", self)
    lo, hi = float(from_), float(to)
    mn, mx = _float_bounds(npd)
    if not mn <= lo <= mx:
        raise RuntimeError(f"from is out of bounds for {_CPP_NAMES.get(npd.name, str(npd))}")
    if not mn <= hi <= mx:
        raise RuntimeError(f"to is out of bounds for {_CPP_NAMES.get(npd.name, str(npd))}")
    if lo > hi:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_num(from_)} > "
                           f"to={_num(to)}")
    if hi - lo > mx:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{scalar_type_name(_dtype_of(self))}"
                           f">::max(), but found to={_num(to)} and from={_num(from_)} which result in to-from to "
                           f"exceed the limit")
    g = _gen_of(self, generator)
    return _sample_inplace(self, "UniformBackward0", lambda n, out=None: g.uniform(n, npd, lo, hi, out),
                           replace=replace, direct=True)


def _num(v):
    return int(v) if float(v).is_integer() else v


def normal_(self, mean=0, std=1, *, generator=None):
    """``Tensor.normal_(mean=0, std=1)``: torch's Box-Muller over blocks of 16 on 16+ contiguous elements,
    else one double-precision Box-Muller pair per two elements (caching the odd one in the generator).

    float32/float16/bfloat16 blocks follow torch's AVX2 kernel, which torch uses on x86-64 CPUs with
    AVX2 or AVX-512; torch on other CPUs (ARM, older x86) computes them with the C library's float
    functions instead, and differs from it (and from ember) in the last bits.
    """
    return _normal(self, mean, std, generator)


def _normal(self, mean, std, generator, replace=False):
    std = float(std)
    mean = float(mean)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
    npd = _real_dtype(self)
    if not _is_float(npd):
        _not_implemented("normal_kernel_cpu", self)
    if self._data.dtype.kind == "c":
        std /= math.sqrt(2)     # each of the real and imaginary parts gets half the variance
    g = _gen_of(self, generator)
    n = self._data.size * (2 if self._data.dtype.kind == "c" else 1)
    fill = (lambda k, out=None: g.normal_fill(k, npd, mean, std, out)) if n >= 16 else None
    return _sample_inplace(self, "NormalBackward0",
                           lambda k, out=None: _written(out, _cast_double(g.normal_serial(k, mean, std), npd)),
                           fill, replace, direct=True)


def _int_arg(v, name):
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"random_(): argument '{name}' must be int, not {type(v).__name__}") from None


def random_(self, *args, generator=None, **kwargs):
    """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)``: integers by ``%`` of one 32-bit draw
    (64-bit once the range reaches 2**28), with torch's bound adjustments for floating dtypes."""
    if "from" in kwargs or "to" in kwargs or len(args) == 2:
        frm = kwargs.pop("from", args[0] if args else 0)
        to = kwargs.pop("to", args[1] if len(args) > 1 else None)
        node = "RandomBackward0"
    elif len(args) == 1:
        frm, to, node = 0, args[0], "RandomBackward1"
    elif not args:
        frm, to, node = None, None, "RandomBackward2"
    else:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    _no_extra(kwargs, "random_")
    npd = self._data.dtype
    name = npd.name
    if npd.kind == "c":
        _not_implemented("random_kernel_cpu" if frm is None else "random_from_to_kernel_cpu", self)
    g = _gen_of(self, generator)
    if frm is None:
        kind = "bool" if npd == np.bool_ else name
        return _sample_inplace(self, node, lambda n: g.random_default(n, kind).astype(npd))
    frm = _int_arg(frm, "from")
    if to is not None:
        to = _int_arg(to, "to")
        if frm >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} >= to={to}")
        if _is_float(npd):
            frm, to = _update_from(frm, name), _update_to(to, name)
            if frm >= to:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                                   f"but got from={frm} >= to={to}")
        _check_range(frm, to - 1, npd)
        span = to - frm
    elif frm != -(1 << 63):
        if _is_float(npd):
            to_inc = min(1 << _DIGITS[name], (1 << 63) - 1)
            frm = _update_from(frm, name)
            if frm >= to_inc:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                                   f"casted to dtype, but got from={frm} > to_inc={to_inc}")
        elif npd == np.bool_:
            to_inc = 1
        else:
            to_inc = int(np.iinfo(npd).max)
        _check_range(frm, to_inc, npd)
        span = to_inc - frm + 1
    else:
        if npd not in (np.dtype(np.int64), np.dtype(np.float32), np.dtype(np.float64), D.bfloat16.np):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and "
                               "bfloat16")
        return _sample_inplace(self, node, lambda n: _cast_int64(g.random_full(n), npd))
    return _sample_inplace(self, node, lambda n: _cast_int64(g.random_from_to(n, span, frm), npd))


def _update_from(frm, name):
    digits = _DIGITS[name]
    f1 = _round_int_to(frm + 1, name)
    if f1 < frm:
        n = (abs(frm + 1)).bit_length() - 1
        frm = f1 + (1 << (n - digits + 1))
    return frm


def _update_to(to, name):
    digits = _DIGITS[name]
    t1 = _round_int_to(to - 1, name)
    if t1 >= to:
        n = (abs(to - 1)).bit_length() - 1
        to = t1 - (1 << (n - digits + 1))
    return to


def _round_int_to(v, name):
    """``static_cast<int64_t>(static_cast<scalar_t>(v))`` for a floating dtype."""
    npd = np.float64 if name == "float64" else np.float32
    x = np.asarray(v, np.int64).astype(npd)
    if name in ("float16", "bfloat16"):
        x = x.astype(D._BY_NAME[name].np).astype(np.float64)
    return int(x)


def _check_range(frm, to_inc, npd):
    name = _CPP_NAMES[npd.name]
    if _is_float(npd):
        lo, hi = _float_bounds(npd)
        digits = _DIGITS[npd.name]
    else:
        info = (0, 1) if npd == np.bool_ else (int(np.iinfo(npd).min), int(np.iinfo(npd).max))
        lo, hi = info
        digits = None
    if not lo <= frm <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= to_inc <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")
    if digits is not None:
        import warnings
        for v, what in ((frm, "from"), (to_inc, "to - 1")):
            if v < -(1 << digits) or v > (1 << digits):
                warnings.warn(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                              f"{name} can support discrete uniform distribution only within this range. This "
                              f"warning will become an error in version 1.7 release, please fix the code in "
                              f"advance", UserWarning, stacklevel=3)


def _continuous_only(self, what):
    npd = self._data.dtype
    if not _is_float(npd):
        name = scalar_type_name(_dtype_of(self)) if what == "Exponential" else _CPP_NAMES[npd.name]
        raise RuntimeError(f"{what} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {name}")


def exponential_(self, lambd=1, *, generator=None):
    """``Tensor.exponential_(lambd=1)``: ``-1/lambd * log1p(-u)`` in double."""
    _continuous_only(self, "Exponential")
    lambd = float(lambd)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_num(lambd)}")
    g = _gen_of(self, generator)
    npd = self._data.dtype
    return _sample_inplace(self, "ExponentialBackward0", lambda n: _cast_double(g.exponential(n, lambd), npd))


def geometric_(self, p, *, generator=None):
    """``Tensor.geometric_(p)``: ``ceil(log(u) / log1p(-p))`` in double, cast to self's dtype."""
    p = float(p)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_num(p)}")
    npd = self._data.dtype
    if npd == np.bool_ or npd.kind == "c":
        _not_implemented("geometric_cpu", self)
    g = _gen_of(self, generator)
    return _sample_inplace(self, "GeometricBackward0", lambda n: _cast_double(g.geometric(n, p), npd))


def cauchy_(self, median=0, sigma=1, *, generator=None):
    """``Tensor.cauchy_(median=0, sigma=1)``: ``median + sigma * tan(pi (u - 1/2))`` in double (fused)."""
    sigma = float(sigma)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_num(sigma)}")
    _continuous_only(self, "Cauchy")
    g = _gen_of(self, generator)
    npd = self._data.dtype
    median = float(median)
    return _sample_inplace(self, "CauchyBackward0", lambda n: _cast_double(g.cauchy(n, median, sigma), npd))


def log_normal_(self, mean=1, std=2, *, generator=None):
    """``Tensor.log_normal_(mean=1, std=2)``: ``exp`` of double-precision normal draws."""
    std = float(std)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_num(std)}")
    npd = self._data.dtype
    if not _is_float(npd):
        _not_implemented("log_normal_cpu", self)
    g = _gen_of(self, generator)
    mean = float(mean)
    return _sample_inplace(self, "LogNormalBackward0",
                           lambda n: _cast_double(g.log_normal(n, mean, std), npd))


def bernoulli_(self, p=0.5, *, generator=None):
    """``Tensor.bernoulli_(p=0.5)``: ``u < p`` with a double uniform per element; with a tensor ``p``
    (broadcast to self), a double uniform for float64 ``p`` and a float one otherwise.

    torch with MKL on Intel CPUs draws scalar-``p`` samples from MKL's own stream instead; ember always
    reproduces torch's default kernel (what torch runs on other CPUs).
    """
    npd = self._data.dtype
    if npd.kind == "c":
        _not_implemented("bernoulli_tensor_cpu_self_" if isinstance(p, Tensor) else "bernoulli_scalar_cpu_", self)
    g = _gen_of(self, generator)
    if isinstance(p, Tensor):
        pa = p._data if type(p._data) is np.ndarray else p._host()
        if not _is_float(pa.dtype):
            _not_implemented("bernoulli_tensor_cpu_p_", p)
        check_inplace(self)
        a = self._data
        if a.size == 0:
            return self
        try:
            pb = np.broadcast_to(pa, a.shape)
        except ValueError:
            raise RuntimeError(f"The expanded size of the tensor ({a.shape[-1] if a.ndim else 1}) must match the "
                               f"existing size ({pa.shape[-1] if pa.ndim else 1}) at non-singleton dimension "
                               f"{a.ndim - 1}.  Target sizes: {list(a.shape)}.  Tensor sizes: "
                               f"{list(pa.shape)}") from None
        if ((pb < 0) | (pb > 1) | np.isnan(pb)).any():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
        new = np.empty(a.shape, a.dtype)
        axes = _iter_axes(a.shape, a.strides, pb.strides) if a.ndim > 1 else list(range(a.ndim))
        view = new.transpose(axes)
        pv = pb.transpose(axes).reshape(-1)
        view[...] = g.bernoulli_tensor(pv).reshape(view.shape)
        return _finish_inplace(self, _to_device_of(new, a), "BernoulliBackward1")
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")
    return _sample_inplace(self, "BernoulliBackward2", lambda n, out=None: g.bernoulli_scalar(n, p, out),
                           direct=True)


def _dropout_noise_(self, q):
    """Fill ``self`` (a new float tensor) with torch's dropout noise ``bernoulli_(q)`` then ``div_(q)``: the
    draws of ``bernoulli_``, written straight as ``1 / q`` (computed by the same ember division) or 0 on a
    C-contiguous host tensor, else the two in-place ops themselves."""
    a = self._data
    if type(a) is not np.ndarray or not a.flags.c_contiguous or a.dtype.kind != "f" or not a.size:
        return self.bernoulli_(q).div_(q)
    value = self.new_ones(1).div_(q)._data[0]
    default_generator.bernoulli_scalar(a.size, float(q), a.reshape(-1), value)
    return self


def _no_extra(kwargs, name):
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")


# ----------------------------------------------------------------------------------------------------
# factories

def _size_arg(size, kwargs, name):
    if "size" in kwargs:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kwargs.pop("size"),)
    shape = shape_arg(size)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _np_dtype(dtype, default):
    if dtype is None:
        return default.np
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype.np


def _new(shape, npd, device, out):
    """The tensor a factory fills: ``out`` (resized to ``shape`` if needed, keeping its dtype and strides
    when the shape already matches) or a new contiguous one."""
    if out is not None:
        if not isinstance(out, Tensor):
            raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
        if tuple(out._data.shape) != tuple(shape):
            xp = np if type(out._data) is np.ndarray else array_module(out.device)
            out._data = xp.empty(shape, out._data.dtype)
        return out
    return _wrap(array_module(device).empty(shape, npd))


def _sampled(t, fill):
    """Run the in-place sampler ``fill`` on a fresh factory tensor without recording autograd history."""
    rg = t._requires_grad
    t._requires_grad = False
    try:
        fill(t)
    finally:
        t._requires_grad = rg
    return t


def _factory(name, sampler, fill):
    def factory(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False, **kwargs):
        device = _default_device.device if device is None else device  # torch.set_default_device
        shape = _size_arg(size, kwargs, name)
        _no_extra(kwargs, name)
        if out is None:
            dev = as_device(device)
            npd = _np_dtype(dtype, D.get_default_dtype())
            if dev.type == "cpu" and (npd.kind == "f" or npd == _BF16):
                # a new contiguous host tensor of a real float dtype: sample straight into its array
                a = np.empty(shape, npd)
                if a.size:
                    fill(_generator_for(generator, dev), npd, a.reshape(-1))
                t = _wrap(a)
                if requires_grad:
                    t.requires_grad_(True)
                return t
        dev = as_device(device) if out is None else out.device
        npd = _np_dtype(dtype, D.get_default_dtype()) if out is None else out._data.dtype
        t = _new(shape, npd, dev, out)
        _sampled(t, lambda x: sampler(x, generator, out is None))
        if requires_grad and out is None:
            t.requires_grad_(True)
        return t
    factory.__name__ = name
    return factory


def _standard_normal_into(g, npd, flat):
    n = flat.size
    if n >= 16:
        g.normal_fill(n, npd, 0.0, 1.0, flat)
    else:
        flat[...] = _cast_double(g.normal_serial(n, 0.0, 1.0), npd)


rand = _factory("rand", lambda t, g, fresh: _uniform(t, 0, 1, g, replace=fresh),
                lambda g, npd, flat: g.uniform(flat.size, npd, 0.0, 1.0, flat))
randn = _factory("randn", lambda t, g, fresh: _normal(t, 0, 1, g, replace=fresh), _standard_normal_into)
rand.__doc__ = "``torch.rand``: uniform floats in [0, 1), torch's stream (``uniform_``)."
randn.__doc__ = "``torch.randn``: standard normal floats, torch's stream (``normal_``)."


def _empty_like(input, dtype, device, memory_format):
    """``empty_like`` for the ``*_like`` samplers: preserve_format keeps the input's stride order."""
    npd = input._data.dtype if dtype is None else _np_dtype(dtype, None)
    dev = input.device if device is None else as_device(device)
    src = input._data
    preserve = memory_format is None or str(memory_format) == "torch.preserve_format"
    if dev.type == "cpu" and type(src) is np.ndarray and preserve:
        return _wrap(np.empty_like(src, dtype=npd, order="K"))
    return _wrap(array_module(dev).empty(src.shape, npd))


def _like(name, sampler):
    def factory(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
                memory_format=None):
        t = _empty_like(input, dtype, device, memory_format)
        sampler(t, generator)
        if requires_grad:
            t.requires_grad_(True)
        return t
    factory.__name__ = name
    return factory


rand_like = _like("rand_like", lambda t, g: _uniform(t, 0, 1, g, replace=True))
randn_like = _like("randn_like", lambda t, g: _normal(t, 0, 1, g, replace=True))


def _randint_args(args, kwargs, name, with_size):
    """(low, high, size) from ``randint(high, size)`` / ``randint(low, high, size)`` and keywords."""
    args = list(args)
    size = None
    if with_size:
        size = kwargs.pop("size") if "size" in kwargs else args.pop() if args else None
        if size is None:
            raise TypeError(f"{name}() missing required argument 'size'")
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    high = kwargs.pop("high") if "high" in kwargs else args.pop() if args else None
    if high is None:
        raise TypeError(f"{name}() missing required argument 'high'")
    low = kwargs.pop("low") if "low" in kwargs else args.pop() if args else 0
    if args:
        raise TypeError(f"{name}() received too many positional arguments")
    return low, high, size


def _random_ints(t, low, high, generator, requires_grad):
    if requires_grad and not _is_float(t._data.dtype):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    _sampled(t, lambda x: random_(x, low, high, generator=generator))
    if requires_grad:
        t.requires_grad_(True)
    return t


def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False, **kwargs):
    """``torch.randint(low=0, high, size)``: int64 by default; ``random_(low, high)`` on a new tensor."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    low, high, size = _randint_args(args, kwargs, "randint", True)
    _no_extra(kwargs, "randint")
    shape = _size_arg((tuple(size),), {}, "randint")
    dev = as_device(device) if out is None else out.device
    npd = _np_dtype(dtype, D.int64) if out is None else out._data.dtype
    return _random_ints(_new(shape, npd, dev, out), low, high, generator, requires_grad and out is None)


def randint_like(input, *args, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, **kwargs):
    """``torch.randint_like(input, low=0, high)``: input's shape, dtype and layout."""
    low, high, _ = _randint_args(args, kwargs, "randint_like", False)
    _no_extra(kwargs, "randint_like")
    return _random_ints(_empty_like(input, dtype, device, memory_format), low, high, generator, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """``torch.randperm(n)``: torch's in-place shuffle of 0..n-1 (``Generator.randperm``)."""
    device = _default_device.device if device is None else device  # torch.set_default_device
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dev = as_device(device) if out is None else out.device
    npd = _np_dtype(dtype, D.int64) if out is None else out._data.dtype
    if npd == np.bool_ or npd.kind == "c":
        raise NotImplementedError(f'"randperm" not implemented for \'{scalar_type_name(D._FROM_NP[npd])}\'')
    if npd.kind in "iu" and n > 0 and n - 1 > np.iinfo(npd).max:
        ctype = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}
        raise RuntimeError(f"value cannot be converted to type {ctype[npd.name]} without overflow")
    limits = {"float16": (2049, "2049"), "float32": ((1 << 24) + 1, "2^24+1"), "float64": ((1 << 53) + 1, "2^53+1")}
    if npd.name in limits and n > limits[npd.name][0]:
        kind = {"float16": "Half", "float32": "Float", "float64": "Double"}[npd.name]
        raise RuntimeError(f"n cannot be greater than {limits[npd.name][1]} for {kind} type.")
    if requires_grad and not _is_float(npd):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    g = _generator_for(generator, dev)
    t = _new((n,), npd, dev, out)
    vals = g.randperm(n)
    a = t._data
    a[...] = _to_device_of(_cast_int64(vals, npd), a)
    t._bump()
    if requires_grad:
        t.requires_grad_(True)
    return t


# ----------------------------------------------------------------------------------------------------
# normal, bernoulli, multinomial, poisson

def _sampler_node(name, inputs, result):
    """Give ``result`` a node over the tensor ``inputs`` whose derivative is zero (torch's samplers)."""
    tensors = [x for x in inputs if isinstance(x, Tensor)]
    if not (_state.enabled and any(x._requires_grad for x in tensors)):
        return result
    prim = _NODES.get(name)
    if prim is None:
        def bwd(ctx, g):
            from .creation import zeros
            return tuple(None if m is None else zeros(m[0], dtype=D._FROM_NP[m[1]], device=g.device)
                         for m in ctx._in_meta)
        prim = _NODES[name] = Primitive(name, lambda *arrays: arrays[-1], bwd)
    return apply(prim, tensors + [result])


def _in_place_binary(x, other, op):
    """``x.op_(other)`` on raw arrays with torch's promotion: computed in the common dtype, stored in x's."""
    cast = binary_cast(x, other)
    a = x._data.astype(cast, copy=False)
    b = other._data.astype(cast, copy=False) if isinstance(other, Tensor) else other
    x._data = op(a, b).astype(x._data.dtype, copy=False)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """``torch.normal``: (Tensor, Tensor), (Tensor, float), (float, Tensor) or (float, float, size).

    The tensor forms sample standard normals into a new contiguous tensor and then, as torch does,
    multiply by ``std`` and add ``mean`` in place; their gradient is zero.
    """
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected (float mean, float std, tuple of ints size, ...)")
        shape = _size_arg((size,), {}, "normal")
        mean, std = float(mean), float(std)
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
        dev = as_device(device) if out is None else out.device
        npd = _np_dtype(dtype, D.get_default_dtype()) if out is None else out._data.dtype
        t = _new(shape, npd, dev, out)
        _sampled(t, lambda x: _normal(x, mean, std, generator, replace=out is None))
        if requires_grad and out is None:
            t.requires_grad_(True)
        return t
    if st:
        if std.is_complex():
            raise RuntimeError("normal expects standard deviation to be non-complex")
        sd = std._data if type(std._data) is np.ndarray else std._host()
        if sd.size and not (sd >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif float(std) < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(float(std))}")
    if mt and st:
        shape = np.broadcast_shapes(mean.shape, std.shape)
        like, node = mean, "NormalBackward3"
    elif mt:
        shape, like, node = mean.shape, mean, "NormalBackward1"
    else:
        shape, like, node = std.shape, std, "NormalBackward2"
    npd = like._data.dtype
    if not _is_float(npd):
        _not_implemented("normal_kernel_cpu", like)
    res = _wrap(array_module(like.device).empty(tuple(shape), npd))
    with grad_mode.no_grad():
        if mt and not st:
            _normal(res, 0.0, float(std), generator, replace=True)
            _in_place_binary(res, mean, np.add)
        else:
            _normal(res, 0.0, 1.0, generator, replace=True)
            _in_place_binary(res, std, np.multiply)
            if mt:
                _in_place_binary(res, mean, np.add)
            else:
                res._data = (res._data + np.asarray(float(mean)).astype(npd)).astype(npd, copy=False)
    res._version = None
    res = _sampler_node(node, (mean, std), res)
    if out is not None:
        return write_out(res, out)
    return res


def _no_derivative(ctx, g):
    raise RuntimeError("the derivative for 'bernoulli' is not implemented.")


_NO_DERIVATIVE = Primitive("NotImplemented", lambda p, r: r, _no_derivative)


def bernoulli(input, p=None, *, generator=None, out=None):
    """``torch.bernoulli(input)`` (probabilities ``input``) or ``torch.bernoulli(input, p)`` (scalar p),
    into a new contiguous tensor of input's dtype."""
    if p is not None and out is None:
        res = _wrap(array_module(input.device).empty(input._data.shape, input._data.dtype))
        bernoulli_(res, p, generator=generator)
        if _state.enabled and input._requires_grad:
            res = apply(_NO_DERIVATIVE, (input, res))
        return res
    if out is not None:
        target = out
        if tuple(out._data.shape) != tuple(input._data.shape):
            out._data = array_module(out.device).empty(input._data.shape, out._data.dtype)
    else:
        target = _wrap(array_module(input.device).empty(input._data.shape, input._data.dtype))
    with grad_mode.no_grad():
        bernoulli_(target, input if p is None else p, generator=generator)
    if out is None:
        target = _sampler_node("BernoulliBackward0", (input,), target)
    return target


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``torch.multinomial``: without replacement, torch's exponential trick (``argmax``/``topk`` of
    ``p / Exp(1)``); with replacement, a binary search of the running sums for each double uniform.

    Exact ties in ``p / Exp(1)`` — in practice only zero-probability categories, drawn once a row's
    nonzero ones are used up — are ordered by index; torch's order there follows its selection algorithm.
    """
    a = input._data if type(input._data) is np.ndarray else input._host()
    if not 1 <= a.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not _is_float(a.dtype):
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{scalar_type_name(_dtype_of(input))}")
    n = operator.index(num_samples)
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    k = a.shape[-1]
    if not replacement and n > k:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if k > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    g = _generator_for(generator, input.device)
    rows = a.reshape(-1, k)
    shape = (n,) if a.ndim == 1 else (a.shape[0], n)
    if rows.shape[0] == 0 or k == 0:
        res = np.empty(shape, np.int64)
    elif not replacement:
        if not (np.isfinite(a).all() and (a >= 0).all()):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (rows.sum(axis=1, dtype=np.float64) == 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = _wrap(np.empty_like(a, order="K"))
        exponential_(q, 1.0, generator=g)
        qa = q._data
        if a.dtype in _HALF:
            ratio = (a.astype(np.float32) / qa.astype(np.float32)).astype(a.dtype)
        else:
            ratio = a / qa
        ratio = ratio.reshape(-1, k)
        if n == 1:
            res = np.argmax(ratio, axis=1)[:, None]
        else:
            res = np.argsort(-ratio.astype(np.float64), axis=1, kind="stable")[:, :n]
        res = res.reshape(shape)
    else:
        if (rows < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.isfinite(rows).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        acc = np.float32 if rows.dtype in _HALF else rows.dtype
        cum = np.cumsum(rows.astype(acc), axis=1, dtype=acc)
        total = cum[:, -1:].copy()
        if not (total > 0).all():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        cum /= total
        cum[:, -1] = 1
        res = g.multinomial_with_replacement(cum, n).reshape(shape)
    res = _wrap(_to_device_of(res.astype(np.int64, copy=False), input._data))
    if out is not None:
        return write_out(res, out)
    return res


def poisson(input, generator=None):
    """``torch.poisson(rates)``: torch's ``sample_poisson`` per rate, in the rates' iteration order.

    For rates >= 10 a rare second acceptance test compares against ``lgamma``, which torch takes from the C
    library and ember from Python/SciPy; they can differ in the last bit, which changes a sample only if
    the test lands within that bit of its threshold.
    """
    a = input._data if type(input._data) is np.ndarray else input._host()
    if a.dtype not in (np.float32, np.float64):
        _not_implemented("poisson_cpu", input)
    g = _generator_for(generator, input.device)
    res = np.zeros(a.shape, a.dtype)
    if a.size:
        rates = np.ascontiguousarray(a).reshape(-1).astype(np.float64)
        res.reshape(-1)[...] = _cast_double(g.poisson(rates), a.dtype)
    out = _wrap(_to_device_of(res, input._data))
    return _sampler_node("PoissonBackward0", (input,), out)


# ----------------------------------------------------------------------------------------------------
# Tensor methods

def _tensor_bernoulli(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _tensor_multinomial(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


def _bind():
    for name, fn in (("uniform_", uniform_), ("normal_", normal_), ("random_", random_),
                     ("exponential_", exponential_), ("geometric_", geometric_), ("cauchy_", cauchy_),
                     ("log_normal_", log_normal_), ("bernoulli_", bernoulli_), ("bernoulli", _tensor_bernoulli),
                     ("multinomial", _tensor_multinomial)):
        setattr(Tensor, name, fn)


_bind()
