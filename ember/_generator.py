"""``torch.Generator`` on the CPU: torch's mt19937 stream and its samplers, bit for bit, vectorised.

The engine is NumPy's MT19937 — the same Mersenne Twister, seeded by the same recurrence, so its 32-bit
words are torch's ``random()``; ``random64()`` is ``hi << 32 | lo`` of two consecutive words.  Every sampler
below consumes words in the order torch's CPU kernels do and transforms them with the same arithmetic:

* where torch calls the C library (``log``, ``log1p``, ``sin``, ``cos``, ``tan``, ``exp``), ``_libm`` calls
  the very same functions, through a NumPy loop that was checked once against :mod:`math` (which wraps
  the C library);
* where torch's compiler fused a multiply and an add into one rounding (FMA), ``_fma64`` / ``_fma32``
  round once too;
* float ``normal_`` on 16 or more contiguous elements replays torch's AVX2 Box-Muller kernel (Cephes
  polynomials in float32 with FMA) operation by operation (``_box_muller16``).

The state is kept in torch's ``CPUGeneratorImpl`` byte layout, so ``get_state`` / ``set_state`` exchange
states with torch.  Samplers return NumPy arrays; the tensor functions live in ``ember._ops.random_ops``.
"""
import collections
import math
import os
import threading

import numpy as np

from ._device import as_device

_DEFAULT_SEED = 67280421310721
_RAW_MAX = 4096
_TWO_PI = 2.0 * math.pi
_N = 624
_U64 = (1 << 64) - 1

# torch's CPUGeneratorImplState (x86-64 / aarch64 layout): the legacy THGenerator fields, then the float cache
_STATE = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho", "normal_valid",
              "float_normal", "float_normal_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _N), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056})
STATE_SIZE = _STATE.itemsize


def _seed_key(seed):
    """mt19937 ``init_genrand``: the 624-word state torch's engine starts from (before its first twist)."""
    key = [seed & 0xFFFFFFFF]
    for j in range(1, _N):
        s = key[-1]
        key.append((1812433253 * (s ^ (s >> 30)) + j) & 0xFFFFFFFF)
    return np.array(key, np.uint32)


class Generator:
    """``torch.Generator``: a Mersenne Twister whose stream and samples equal torch's CPU generator's.

    A ``'cuda'`` generator runs the same engine on the host and its samples are copied to the device;
    they match torch's CPU stream, not torch's CUDA (Philox) one.
    """
    __slots__ = ("_bitgen", "_integers", "_raw", "_seed", "_fresh", "_normal", "_normal_f", "_device", "__weakref__")

    def __init__(self, device="cpu"):
        d = as_device(device)
        if d.type not in ("cpu", "cuda"):
            raise RuntimeError(f"{d.type.upper()} device type not an accelerator.")
        self._device = d
        self._bitgen = np.random.MT19937(0)
        self._integers = np.random.Generator(self._bitgen).integers
        self._raw = self._bitgen.random_raw
        self._reseed(_DEFAULT_SEED)

    @property
    def device(self):
        return self._device

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # ------------------------------------------------------------------ seeding and state
    def _reseed(self, seed):
        self._seed = seed
        self._bitgen.state = {"bit_generator": "MT19937", "state": {"key": _seed_key(seed), "pos": _N}}
        self._fresh = True
        self._normal = None
        self._normal_f = None

    def manual_seed(self, seed):
        """Seed the engine (``seed`` modulo 2**64, so negative seeds wrap as in torch); returns self."""
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        if seed < -(1 << 63) or seed > _U64:
            raise ValueError("Overflow when unpacking long long")
        self._reseed(seed & _U64)
        return self

    def seed(self):
        """Re-seed from the OS's entropy with a 53-bit number (torch's range) and return it."""
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 53) - 1)
        self._reseed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def get_state(self):
        """The state as a uint8 tensor in torch's ``CPUGeneratorImpl`` layout (5056 bytes)."""
        from ._tensor import _wrap
        return _wrap(self._state_bytes())

    def _state_bytes(self):
        st = self._bitgen.state["state"]
        rec = np.zeros((), _STATE)
        rec["seed"] = self._seed
        rec["seeded"] = 1
        if self._fresh:
            rec["left"], rec["next"] = 1, 0
        else:
            rec["left"], rec["next"] = _N + 1 - st["pos"], st["pos"]
        rec["state"] = st["key"]
        if self._normal is not None:
            rec["normal_valid"] = 1
            rec["normal_y"] = self._normal
        if self._normal_f is not None:
            rec["float_normal_valid"] = 1
            rec["float_normal"] = self._normal_f
        return np.frombuffer(rec.tobytes(), np.uint8).copy()

    def set_state(self, new_state):
        """Load a state produced by ``get_state`` here or by torch; returns self."""
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        a = new_state._data
        if type(a) is not np.ndarray:
            a = new_state._host()
        if a.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if a.size != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG "
                               f"state size to be {a.size}")
        rec = np.frombuffer(np.ascontiguousarray(a).reshape(-1).tobytes(), _STATE)[0]
        left, nxt = int(rec["left"]), int(rec["next"]) & 0xFFFFFFFF
        if not rec["seeded"] or not 0 < left <= _N or nxt > _N:
            raise RuntimeError("Invalid mt19937 state")
        fresh = left == 1 and nxt == 0
        if not fresh and left + nxt != _N + 1:
            raise NotImplementedError("ember: an mt19937 state whose 'left' and 'next' fields disagree "
                                      "(left + next != 625) cannot be loaded; torch never produces one")
        key = rec["state"].astype(np.uint32)
        self._bitgen.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N if fresh else nxt}}
        self._seed = int(rec["seed"])
        self._fresh = fresh
        self._normal = float(rec["normal_y"]) if rec["normal_valid"] else None
        self._normal_f = np.float32(rec["float_normal"]) if rec["float_normal_valid"] else None
        return self

    def clone_state(self):
        g = Generator(self._device)
        g._seed = self._seed
        g.set_state(self.get_state())
        return g

    def __reduce__(self):
        return (Generator, (self._device,), (self._seed, None, self._state_bytes()))

    def __setstate__(self, state):
        from ._tensor import Tensor, _wrap
        seed, _, st = state
        self._reseed(seed)
        self.set_state(st if isinstance(st, Tensor) else _wrap(np.asarray(st, np.uint8)))

    # ------------------------------------------------------------------ raw stream
    def _words(self, n):
        """``n`` consecutive ``random()`` values (uint32)."""
        if n <= 0:
            return np.empty(0, np.uint32)
        self._fresh = False
        if n < _RAW_MAX:    # the engine's raw outputs (as uint64): far less call overhead
            return self._raw(n).astype(np.uint32)
        return self._integers(0, 4294967296, size=n, dtype=np.uint32)

    def _words64(self, n):
        """``n`` consecutive ``random64()`` values (uint64): the first word of each pair is the high half,
        as in NumPy's own 64-bit MT19937 outputs, which long draws take directly."""
        if 2 * n >= _RAW_MAX:
            self._fresh = False
            return self._integers(0, 1 << 64, size=n, dtype=np.uint64)
        w = self._words(2 * n).view(np.uint64)
        # a little-endian uint64 view puts the first word low: swap the halves
        return (w << np.uint64(32)) | (w >> np.uint64(32))

    def _unit_float(self, n):
        """``uniform_real_distribution<float>(0, 1)``: 24 random bits of one word, times 2**-24."""
        w = self._words(n)
        np.bitwise_and(w, 0xFFFFFF, out=w)
        return np.multiply(w, np.float32(2.0 ** -24), dtype=np.float32)

    def _unit_double(self, n):
        """``uniform_real_distribution<double>(0, 1)`` (see ``_doubles``)."""
        return _doubles(self._words(2 * n))

    def _stream(self, count, per, res, fn, *args):
        """``fn(words, res[lo:hi], *args)`` over consecutive stretches of ``count`` items of ``per`` words
        each, drawn in order; stretches after the first run on worker threads while the next is drawn."""
        step = _CHUNK // per
        if count <= step:
            if count:
                fn(self._words(count * per), res[:count], *args)
            return
        with _Workers() as run:
            for lo in range(0, count, step):
                hi = min(lo + step, count)
                run(fn, self._words((hi - lo) * per), res[lo:hi], *args)

    # ------------------------------------------------------------------ uniform
    def uniform(self, n, npdtype, low, high, out=None):
        """``uniform_(low, high)``: ``n`` floats in [low, high) of ``npdtype`` (into ``out`` if given);
        half precision computes in float."""
        res = np.empty(n, npdtype) if out is None else out
        if npdtype == np.float64:
            span = None if (low, high) == (0.0, 1.0) else high - low
            self._stream(n, 2, res, _uniform_f64, span, low, None if span is None else high)
            return res
        key = (npdtype, low, high, math.copysign(1.0, low))
        plan = _UNIFORM_PLANS.get(key)
        if plan is None:
            if len(_UNIFORM_PLANS) > 64:
                _UNIFORM_PLANS.clear()
            plan = _UNIFORM_PLANS[key] = _uniform_plan(npdtype, low, high)
        if 0 < n < _RAW_MAX:
            self._fresh = False
            _uniform_f32(self._raw(n), res, *plan)
        else:
            self._stream(n, 1, res, _uniform_f32, *plan)
        return res

    # ------------------------------------------------------------------ normal
    def normal_fill(self, n, npdtype, mean, std, out=None):
        """``normal_`` on ``n >= 16`` contiguous elements (into ``out`` if given): Box-Muller over blocks of
        16 uniforms.

        torch draws all ``n`` uniforms, transforms each full block of 16 (u1 from its first half, u2 from
        its second), and — when 16 does not divide ``n`` — draws 16 more for a block that overwrites the
        last 16 outputs (float16/bfloat16 draw block by block, so skip the partial block's uniforms).
        float64 uses the C library's log/sin/cos; the others replay torch's AVX2 float32 kernel.
        """
        full = n // 16 * 16
        if npdtype == np.float64:
            per, kernel, dt = 2, _normal_f64, np.float64
        else:
            per, kernel, dt = 1, _normal_f32, np.float32
        res = out if out is not None and out.dtype == dt else np.empty(n, dt)
        self._stream(full, per, res, kernel, mean, std)
        if full < n:
            if npdtype in (np.float32, np.float64):
                self._words((n - full) * per)
            last = np.empty(16, dt)
            kernel(self._words(16 * per), last, mean, std)
            res[n - 16:] = last
        if npdtype == dt:
            return res
        if out is None:
            return res.astype(npdtype)
        out[...] = res
        return out

    def normal_serial(self, n, mean, std):
        """``n`` draws of ``normal_distribution<double>(mean, std)`` (float64), with torch's cached sample.

        Each Box-Muller transform draws u1 (angle) then u2 (radius) as doubles, returns ``r cos`` and caches
        ``r sin`` for the next call — on this generator, across calls, until it is reseeded.
        """
        out = np.empty(n)
        if n == 0:
            return out
        start = 0
        if self._normal is not None:
            out[0] = self._normal
            self._normal = None
            start = 1
        m = n - start
        if 0 < m <= 16:     # a few pairs: the C library's functions through math, without array overhead
            self._fresh = False
            w = iter(self._raw(4 * ((m + 1) // 2)).tolist())
            z = out[:start].tolist()
            log1p, sqrt, cos, sin = math.log1p, math.sqrt, math.cos, math.sin
            for a, b, c, d in zip(w, w, w, w):
                theta = _TWO_PI * (((a & 0x1FFFFF) << 32 | b) * 2.0 ** -53)
                r = sqrt(-2.0 * log1p(-(((c & 0x1FFFFF) << 32 | d) * 2.0 ** -53)))
                z += (r * cos(theta), r * sin(theta))
            if m % 2:
                self._normal = z.pop()
            if std == 1.0:
                return np.array([v + mean for v in z])
            if mean == 0.0:
                return np.array([v * std + 0.0 for v in z])
            return _fma64(np.array(z), std, mean)
        if m:
            pairs = (m + 1) // 2
            u = self._unit_double(2 * pairs)
            u1, u2 = u[0::2], u[1::2]
            r = np.sqrt(-2.0 * _libm("log1p")(-u2))
            theta = (2.0 * math.pi) * u1
            z = np.empty(2 * pairs)
            np.multiply(r, _libm("cos")(theta), out=z[0::2])
            np.multiply(r, _libm("sin")(theta), out=z[1::2])
            out[start:] = z[:m]
            if m % 2:
                self._normal = float(z[-1])
        return _fma64(out, std, mean)      # even for (0, 1): x * 1 + 0 turns -0 into +0

    # ------------------------------------------------------------------ other continuous distributions
    def exponential(self, n, lambd):
        """``-1/lambda * log1p(-u)`` in double (torch's CPU formula)."""
        return (-1.0 / lambd) * _libm("log1p")(-self._unit_double(n))

    def geometric(self, n, p):
        """``ceil(log(u) / log1p(-p))`` in double."""
        return np.ceil(_libm("log")(self._unit_double(n)) / math.log1p(-p))

    def cauchy(self, n, median, sigma):
        """``median + sigma * tan(pi * (u - 0.5))`` in double, the multiply-add fused."""
        t = _libm("tan")(math.pi * (self._unit_double(n) - 0.5))
        return _fma64(t, sigma, median)

    def log_normal(self, n, mean, std):
        """``exp`` of ``normal_distribution<double>(mean, std)`` draws (sharing its cached sample)."""
        return _libm("exp")(self.normal_serial(n, mean, std))

    # ------------------------------------------------------------------ discrete
    def bernoulli_scalar(self, n, p, out=None, value=None):
        """``u < p`` with ``u`` a double uniform (one ``random64()`` each), as bools or as 0/1 in ``out`` (a
        contiguous 1-D real array) — or as ``value``/0 (``value`` of out's float dtype: dropout's scaled mask).
        Compared as integers: ``u = k * 2**-53 < p`` exactly when the 53 bits ``k < ceil(p * 2**53)``.  Long
        draws go in stretches whose comparison runs on the worker threads while the next one is drawn."""
        res = np.empty(n, np.bool_) if out is None else out
        below = np.uint64(math.ceil(p * 2.0 ** 53))
        step = _CHUNK // 2
        if n <= step:
            if n:
                _below(self._words64(n), below, res, value)
            return res
        with _Workers() as run:
            for lo in range(0, n, step):
                hi = min(lo + step, n)
                run(_below, self._words64(hi - lo), below, res[lo:hi], value)
        return res

    def bernoulli_tensor(self, p):
        """``u < p[i]`` over ``p`` in iteration order: double uniforms for float64 ``p``, else float."""
        if p.dtype == np.float64:
            return self._unit_double(p.size) < p
        return self._unit_float(p.size) < p.astype(np.float32)

    def random_from_to(self, n, span, base):
        """``(random() or random64()) % span + base`` as int64 (64-bit draws once ``span >= 2**28``)."""
        v = self._words64(n) if span >= 1 << 28 else self._words(n).astype(np.uint64)
        np.remainder(v, np.uint64(span), out=v)
        np.add(v, np.uint64(base & _U64), out=v)
        return v.view(np.int64)

    def random_full(self, n):
        """``random64()`` reinterpreted as int64: the full 64-bit range."""
        return self._words64(n).view(np.int64)

    def random_default(self, n, kind):
        """``random_()`` without bounds, torch's ``uniform_int_distribution``: ``random64()`` modulo
        ``2**53 + 1`` (float64) or ``2**63`` (int64), else ``random()`` modulo the dtype's range: ``2**31``
        for int32, ``2**24 + 1`` for float32, ... (``& 1`` for bool)."""
        wide, modulus = _DEFAULT_RANGES[kind]
        v = self._words64(n) if wide else self._words(n).astype(np.uint64)
        return v % np.uint64(modulus)

    def randperm(self, n):
        """torch's shuffle for ``n < 2**32 / 20``: for i < n-1, swap r[i] with r[i + random() % (n - i)].

        Replayed without a loop.  The steps that target a position p form a group: before step p only
        they touch p, each fetching the value the previous member of the group left there (p itself for
        the first) and leaving there the value its own position held when it ran.  Groups come from a
        stable radix sort of the targets; the chains of hand-overs are resolved by pointer jumping.
        """
        if n >= 4294967295 // 20:
            raise NotImplementedError("ember: randperm with n >= 2**32 / 20 (torch's 64-bit shuffle) is not "
                                      "implemented")
        if n <= 1:
            return np.zeros(n, np.int64)
        steps = np.arange(n - 1, dtype=np.uint32)
        target = self._words(n - 1)
        target %= np.uint32(n) - steps
        target += steps
        order = np.argsort((target & 0xFFFF).astype(np.uint16), kind="stable")
        if n > 1 << 16:
            order = order[np.argsort((target[order] >> 16).astype(np.uint16), kind="stable")]
        ts = target[order].astype(np.intp)
        same = ts[1:] == ts[:-1]                   # order[s] has an earlier step with its target
        # prev[i]: the previous step of i's group (-1: none, i fetches its target's own value)
        prev = np.full(n - 1, -1, np.intp)
        prev[order[1:][same]] = order[:-1][same]
        # delivered_by[p]: the last step k < p of p's group — its latest step, or the one before when
        # that is step p itself
        delivered_by = np.full(n, -1, np.intp)
        last = np.flatnonzero(np.append(~same, True))
        top = order[last]
        delivered_by[ts[last]] = np.where(top == ts[last], prev[top], top)
        # held[p]: the value at position p when step p runs (for p = n-1: its final value)
        held = np.where(delivered_by >= 0, delivered_by, np.arange(n))
        while True:
            nxt = held[held]
            if np.array_equal(nxt, held):
                break
            held = nxt
        result = np.empty(n, np.int64)
        result[:-1] = np.where(prev >= 0, held[np.maximum(prev, 0)], target)
        result[-1] = held[-1]
        return result

    def multinomial_with_replacement(self, cum, n_sample):
        """For each row of the normalised cumulative distribution ``cum`` (float32 or float64), ``n_sample``
        indices: the first slot whose cumulative probability is >= a double uniform (torch's binary search).
        """
        rows, k = cum.shape
        u = self._unit_double(rows * n_sample).reshape(rows, n_sample)
        left = np.zeros((rows, n_sample), np.int64)
        right = np.full((rows, n_sample), k, np.int64)
        row = np.arange(rows)[:, None]
        cum64 = cum.astype(np.float64)
        active = right > left
        while active.any():
            mid = left + (right - left) // 2
            below = cum64[row, np.minimum(mid, k - 1)] < u
            left = np.where(active & below, mid + 1, left)
            right = np.where(active & ~below, mid, right)
            active = right > left
        return left

    def poisson(self, lam):
        """``sample_poisson`` for each rate in ``lam`` (float64, iteration order), torch's algorithm:
        a product of uniforms for rates below 10, Hormann's transformed rejection (PTRS) from 10 on.

        A sample takes a data-dependent number of doubles, so where one starts in the stream depends on
        all earlier samples.  Runs of equal rates are sampled together with array operations (for PTRS
        the i-th sample is the i-th accepted trial; for products, sample starts are followed by pointer
        doubling); short runs of varying rates fall back to torch's loop, run in Python.  The generator
        then advances by exactly the doubles used.
        """
        if lam.size and not (lam >= 0).all():
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
        out = np.zeros(lam.size)
        src = _Lookahead(self)
        pos = 0
        edges = np.flatnonzero(lam[1:] != lam[:-1]) + 1
        bounds = np.concatenate(([0], edges, [lam.size])).tolist()
        for s, e in zip(bounds[:-1], bounds[1:]):
            rate = float(lam[s])
            if rate == 0:
                continue
            if e - s >= 16:
                pos = _poisson_run(src, pos, rate, out[s:e])
            else:
                for i in range(s, e):
                    out[i], pos = _poisson_one(src, pos, rate)
        self._words(2 * pos)
        return out


# ---------------------------------------------------------------------------------------------------------
# helpers: doubles from words, C-library functions, fused multiply-add

def _doubles(words, out=None):
    """Pairs of words as torch's double uniforms: the low 53 bits of ``first << 32 | second``, times
    2**-53 (into ``out`` if given)."""
    n = words.size // 2
    x = np.empty(n) if out is None else out
    v = np.ascontiguousarray(words).view(np.uint64)      # little-endian: the first word is the low half
    scratch = _work().d[7]
    for a in range(0, n, _BLOCK):
        b = min(a + _BLOCK, n)
        hi, lo = scratch[:b - a].view(np.uint64), x[a:b].view(np.uint64)
        np.bitwise_and(v[a:b], _M21_U64, hi)
        np.left_shift(hi, _S32_U64, hi)
        np.right_shift(v[a:b], _S32_U64, lo)
        np.bitwise_or(hi, lo, hi)
        x[a:b] = hi
        np.multiply(x[a:b], _TWO_M53, x[a:b])
    return x


def _below(v, threshold, dst, value=None):
    """``dst = (v & (2**53 - 1)) < threshold`` (``v`` is scratch) in dst's dtype, times ``value`` if given."""
    np.bitwise_and(v, _M53_U64, out=v)
    if dst.dtype == np.bool_:
        np.less(v, threshold, out=dst)
    elif value is None:
        np.copyto(dst, np.less(v, threshold))
    else:
        np.multiply(np.less(v, threshold), value, out=dst)


_M53_U64 = np.array((1 << 53) - 1, np.uint64)
_M21_U64, _S32_U64, _TWO_M53 = np.array(0x1FFFFF, np.uint64), np.array(32, np.uint64), np.array(2.0 ** -53)


_DEFAULT_RANGES = {  # random_() without bounds: (64-bit draw?, modulus), torch's uniform_int_distribution
    "float64": (True, (1 << 53) + 1), "int64": (True, 1 << 63), "float32": (False, (1 << 24) + 1),
    "float16": (False, (1 << 11) + 1), "bfloat16": (False, (1 << 8) + 1), "int32": (False, 1 << 31),
    "int16": (False, 1 << 15), "int8": (False, 1 << 7), "uint8": (False, 1 << 8), "bool": (False, 2)}

_LIBM = {}
_LIBM_SIZES = (20000, 1, 2, 3, 7, 8, 9, 16, 17, 33, 100)
_LIBM_SAMPLE = {  # where each function is used: the domain the self-check draws from
    "log": lambda u: u, "log1p": lambda u: -u, "sin": lambda u: 2 * math.pi * u,
    "cos": lambda u: 2 * math.pi * u, "tan": lambda u: math.pi * (u - 0.5), "exp": lambda u: 16 * u - 8}


def _scalar_loop(ufunc):
    # NumPy runs its own SIMD kernels only when input and output are far enough apart in memory; with the
    # output interleaved with the input it loops over the C library's scalar function (a single element
    # counts as contiguous, so short inputs are padded)
    def f(x):
        n = x.size
        buf = np.ones(2 * max(n, 8))
        buf[0:2 * n:2] = x.reshape(-1)
        with np.errstate(all="ignore"):
            ufunc(buf[0::2], out=buf[1::2])
        return buf[1:2 * n:2].reshape(x.shape).copy()
    return f


def _math_loop(fn):
    # the last resort, exact but slow: math raises where C returns an infinity or a NaN
    def one(v):
        try:
            return fn(v)
        except OverflowError:
            return math.inf
        except ValueError:
            return -math.inf if v in (0.0, -1.0) else math.nan

    def f(x):
        return np.fromiter(map(one, x.reshape(-1).tolist()), np.float64, x.size).reshape(x.shape)
    return f


def _libm(name):
    """A vectorised float64 ``name`` that returns exactly what the C library's ``name`` returns.

    NumPy's own SIMD versions of some functions differ from the C library in the last bit; the first
    candidate that agrees with :mod:`math` on a large sample of the function's domain, cut at several
    lengths (NumPy picks loops by length), is kept.
    """
    f = _LIBM.get(name)
    if f is None:
        ufunc, ref = getattr(np, name), getattr(math, name)
        x = _LIBM_SAMPLE[name](np.random.default_rng(20240601).random(20000))
        want = np.array([ref(v) for v in x.tolist()]).view(np.int64)
        for cand in (ufunc, _scalar_loop(ufunc)):
            if all(np.array_equal(cand(x[:k]).view(np.int64), want[:k]) for k in _LIBM_SIZES):
                f = cand
                break
        else:
            f = _math_loop(ref)
        _LIBM[name] = f
    return f


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant for doubles


def _fma64(a, b, c, out=None):
    """``a * b + c`` rounded once, as the FMA instruction torch's compiled kernels use (float64), into
    ``out`` (an array of the broadcast shape) if given.

    Boldo and Melquiond's emulation: the exact product (Veltkamp/Dekker) and the exact sum with ``c``
    as double-double pairs, the two low parts added with rounding to odd, then one rounding to nearest.
    With a scalar ``b`` its split is computed once and the arrays are swept in cache-sized blocks.
    """
    if np.ndim(b) == 0 and b == 1.0:
        return np.add(a, c, out=out)
    if np.ndim(c) == 0 and c == 0.0:
        r = np.multiply(a, b, out=out)
        return np.add(r, c, out=r)
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(c))
    a = np.broadcast_to(np.asarray(a, np.float64), shape).reshape(-1)
    b, c = (v if v.ndim == 0 else np.broadcast_to(v, shape).reshape(-1)
            for v in (np.asarray(b, np.float64), np.asarray(c, np.float64)))
    res = np.empty(a.size) if out is None else out.reshape(-1)
    if b.ndim:
        bh, bl = _split64(b)
        _fma64_sweep(a, b, bh, bl, c, np.empty((5, a.size)), res)
    else:
        bh, bl = (np.asarray(v) for v in _split64(b))
        w = _work()
        for lo in range(0, a.size, _BLOCK):
            hi = min(lo + _BLOCK, a.size)
            _fma64_sweep(a[lo:hi], b, bh, bl, c if c.ndim == 0 else c[lo:hi], w.d, res[lo:hi])
    return res.reshape(shape) if out is None else out


def _split64(v):
    t = v * _SPLIT
    h = t - (t - v)
    return h, v - h


def _fma64_sweep(a, b, bh, bl, c, bufs, out):
    """``_fma64`` of equal-length (or scalar) operands into ``out``, with five scratch rows ``bufs``."""
    n = a.size
    p, t, u, e, th = (d[:n] for d in bufs[:5])
    mul, add, sub = np.multiply, np.add, np.subtract
    mul(a, b, p)
    mul(a, _SPLIT, t)
    sub(t, a, u)
    sub(t, u, t)                # ah
    sub(a, t, u)                # al
    mul(t, bh, e)
    sub(e, p, e)
    mul(t, bl, t)
    add(e, t, e)
    mul(u, bh, t)
    add(e, t, e)
    mul(u, bl, u)
    add(e, u, e)                # e: the product's error, exactly
    add(c, p, th)
    sub(th, c, t)               # z
    sub(th, t, u)
    sub(c, u, u)
    sub(p, t, p)
    add(u, p, u)                # tl: the sum's error, exactly
    add(u, e, p)                # v
    sub(p, u, t)                # z
    sub(p, t, out)
    sub(u, out, u)
    sub(e, t, e)
    add(u, e, e)                # w: v's error; round v to odd
    bits = p.view(np.int64)
    fix = (e != 0) & ((bits & 1) == 0)
    if fix.any():
        bits[fix] += np.where((e[fix] > 0) == (p[fix] > 0), 1, -1)
    add(th, p, out)
    return out


_TIE_MASK = np.uint64(0x1FFFFFFF)
_TIE = np.uint64(0x10000000)


def _fma32(a, b, c):
    """``a * b + c`` on float32 values rounded once to float32 (an FMA), via an exact float64 product.

    The float64 sum can round onto a float32 tie; only then would a second rounding differ, so those
    elements are nudged toward the exact sum first.
    """
    t = np.multiply(a, b, dtype=np.float64)
    t += np.float64(c) if np.ndim(c) == 0 else np.asarray(c, np.float64)
    _untie(t, a, b, c)
    return t.astype(np.float32)


def _sum_is_exact(span, low):
    """Whether ``u * span + low`` is exact in float64 for every float uniform ``u`` (a multiple of 2**-24
    below 1) and float32 values ``span >= 0`` and ``low``: then rounding it to float is the fused result.

    Both terms are multiples of the smaller of their quanta (2**-24 of the last significand bit of
    ``span``, the last bit of ``low``); a sum of such multiples below 2**53 quanta is exact.
    """
    if not (math.isfinite(span) and math.isfinite(low)):
        return False
    quanta = [math.ldexp(1.0, math.frexp(v)[1] - 48) for v in (span,) if v] + \
             [math.ldexp(1.0, math.frexp(v)[1] - 24) for v in (low,) if v]
    return not quanta or abs(low) + span < math.ldexp(min(quanta), 53)


def _untie(t, a, b, c):
    """Move float64 sums ``t = RN(a*b + c)`` that sit exactly on a float32 tie one ulp toward the exact value."""
    tie = (t.view(np.uint64) & _TIE_MASK) == _TIE
    if tie.any():
        idx = np.flatnonzero(tie.reshape(-1))
        tf = t.reshape(-1)
        p = (np.broadcast_to(a, t.shape).reshape(-1)[idx].astype(np.float64)
             * np.broadcast_to(b, t.shape).reshape(-1)[idx].astype(np.float64))
        cc = np.broadcast_to(np.asarray(c, np.float64), t.shape).reshape(-1)[idx]
        s = tf[idx]
        z = s - p
        err = (p - (s - z)) + (cc - z)
        tf[idx] = np.where(err != 0, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)


# ---------------------------------------------------------------------------------------------------------
# Box-Muller over blocks of 16: torch's NormalFill16

def _box_muller16_f64(u, res, mean, std):
    """float64 blocks ``u`` (shape (k, 2, 8)), torch's scalar ``NormalFill16``: ``r = sqrt(-2 log(1 - u1))``,
    ``theta = 2 pi u2``, outputs ``fma(r cos theta, std, mean)`` then ``fma(r sin theta, std, mean)``."""
    u1 = 1.0 - u[:, 0].reshape(-1)
    u2 = u[:, 1].reshape(-1)
    r = np.sqrt(-2.0 * _libm("log")(u1))
    theta = (2.0 * math.pi) * u2
    c = r * _libm("cos")(theta)
    s = r * _libm("sin")(theta)
    res[:, 0] = _fma64(c, std, mean).reshape(-1, 8)
    res[:, 1] = _fma64(s, std, mean).reshape(-1, 8)


# Constants are 0-d arrays of the dtype they meet (ufuncs take those without converting a scalar each call)
def _c32(v):
    return np.array(v, np.float32)


def _c64(v):
    return np.array(np.float32(v), np.float64)


def _ci(v):
    return np.array(v, np.int32)


# Cephes constants of avx_mathfun.h (float32 values; float64 where they enter a fused multiply-add)
_LOG_P = [_c64(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                            1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                            3.3333331174E-1)]
_LOG_Q1, _LOG_Q2 = _c32(-2.12194440e-4), _c32(0.693359375)
_FOPI = _c32(1.27323954473516)
_DP1, _DP2, _DP3 = _c32(-0.78515625), _c32(-2.4187564849853515625e-4), _c64(-3.77489497744594108e-8)
_SIN_P = [_c64(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [_c64(v) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
_THETA = _c32(np.float32(2.0 * math.pi) * np.float32(2.0 ** -24))   # float(2 pi) * u == word * _THETA exactly
_SQRTHF_BITS = _ci(np.array(np.float32(0.707106781186547524)).view(np.int32))
_ONE, _HALF, _MINUS_HALF, _MINUS_TWO, _ZERO, _TWENTY_FOUR = (_c32(v) for v in (1, 0.5, -0.5, -2, 0, 24))
_M24, _TWO24, _ONE_I, _MINUS_TWO_I, _SIGN = (_ci(v) for v in (0xFFFFFF, 1 << 24, 1, -2, -(1 << 31)))
_SHIFTS = {s: _ci(s) for s in (29, 30, 31)}
_M24_U, _TWO_M24 = np.array(0xFFFFFF, np.uint32), _c32(2.0 ** -24)
_HALF16 = np.dtype("V32")       # one half (8 floats) of a block of 16 as a single item
_BLOCK = 1 << 15                # pairs (or elements) per pass over the thread's buffers
_TLS = threading.local()


class _Work:
    """One thread's buffers for ``_BLOCK`` elements (kept, so repeated calls find them in cache): the
    float kernels use ``f``, ``i`` and ``d[:4]``, ``_fma64`` ``d[:5]``, ``_uniform_f64`` ``d[6]`` and
    ``_doubles`` ``d[7]``."""
    __slots__ = ("f", "i", "d")

    def __init__(self):
        self.f = [np.empty(_BLOCK, np.float32) for _ in range(9)]
        self.i = [np.empty(_BLOCK, np.int32) for _ in range(4)]
        self.d = [np.empty(_BLOCK) for _ in range(8)]


def _work():
    w = getattr(_TLS, "work", None)
    if w is None:
        w = _TLS.work = _Work()
    return w


# Every fused multiply-add of the float32 kernel is one float64 multiply (exact: two float32 factors)
# and one float64 add whose result is rounded to float32.  That second rounding equals the fused one
# unless the float64 sum lands on a float32 tie without being exact; over every input torch can feed
# the kernel (all 2**24 uniforms in each slot, checked exhaustively) it never does.  Mixed-dtype ufuncs
# are slow, so values change dtype by assignment (``d[...] = f``: exact, or rounded to nearest).

def _log_radius(k, w, n, r):
    """``sqrt(-2 log256_ps(1 - u))`` (avx_mathfun.h, with GCC's FMA contractions) into ``r`` for the
    24-bit words ``k`` (int32, u = k / 2**24; overwritten).  Its exponent/mantissa split is ``frexp``,
    its masks become integer arithmetic."""
    m, xr, z, y, e, tmp = (a[:n] for a in w.f[3:9])
    ex, s = w.i[2][:n], w.i[3][:n]
    xd, yd = w.d[0][:n], w.d[1][:n]
    mul, add, sub = np.multiply, np.add, np.subtract
    sub(_TWO24, k, k)                               # 1 - u == k' / 2**24 exactly
    m[...] = k
    np.frexp(m, m, ex)                              # ex: 24 more than the exponent of 1 - u
    mi = m.view(np.int32)
    sub(mi, _SQRTHF_BITS, s)
    np.right_shift(s, _SHIFTS[31], s)               # -1 where m < sqrt(1/2): use 2m - 1 and exponent - 1
    sub(m, _ONE, xr)
    np.bitwise_and(mi, s, mi)
    add(xr, m, xr)
    add(ex, s, ex)
    e[...] = ex
    sub(e, _TWENTY_FOUR, e)
    mul(xr, xr, z)
    xd[...] = xr
    mul(xd, _LOG_P[0], yd)
    for p in _LOG_P[1:-1]:
        add(yd, p, yd)
        y[...] = yd
        yd[...] = y
        mul(yd, xd, yd)
    add(yd, _LOG_P[-1], yd)
    y[...] = yd
    mul(y, xr, y)
    mul(e, _LOG_Q1, tmp)
    yd[...] = y
    xd[...] = z
    mul(yd, xd, yd)                                 # fused: y * z + e * q1
    xd[...] = tmp
    add(yd, xd, yd)
    y[...] = yd
    mul(z, _HALF, z)
    sub(y, z, y)
    add(xr, y, xr)
    mul(e, _LOG_Q2, e)
    add(xr, e, xr)
    mul(xr, _MINUS_TWO, r)
    np.sqrt(r, r)


def _sincos(k, w, n, cos, sin):
    """``sincos256_ps(2 pi u)`` (avx_mathfun.h, with GCC's FMA contractions) into ``cos`` and ``sin`` for
    the 24-bit words ``k`` (int32, u = k / 2**24)."""
    x, xr, z, y, c, tmp = (a[:n] for a in w.f[3:9])
    j, d = w.i[2][:n], w.i[3][:n]
    zd, cd, sd, t = w.d[0][:n], w.d[1][:n], w.d[2][:n], w.d[3][:n]
    mul, add = np.multiply, np.add
    x[...] = k
    mul(x, _THETA, x)
    mul(x, _FOPI, y)
    j[...] = y                                      # truncation toward zero
    add(j, _ONE_I, j)
    np.bitwise_and(j, _MINUS_TWO_I, j)
    y[...] = j
    mul(y, _DP1, xr)                                # exact products: y is a small even integer
    add(xr, x, xr)
    mul(y, _DP2, tmp)
    add(xr, tmp, xr)
    t[...] = y
    mul(t, _DP3, t)                                 # fused: y * dp3 + xr
    sd[...] = xr
    add(t, sd, t)
    xr[...] = t
    mul(xr, xr, z)
    zd[...] = z
    mul(zd, _COS_P[0], cd)
    add(cd, _COS_P[1], cd)
    c[...] = cd
    cd[...] = c
    mul(cd, zd, cd)
    add(cd, _COS_P[2], cd)
    c[...] = cd
    mul(c, z, c)
    mul(z, _MINUS_HALF, tmp)
    cd[...] = c
    mul(cd, zd, cd)                                 # fused: c * z - z / 2
    t[...] = tmp
    add(cd, t, cd)
    c[...] = cd
    add(c, _ONE, c)
    s = x
    mul(zd, _SIN_P[0], sd)
    add(sd, _SIN_P[1], sd)
    s[...] = sd
    sd[...] = s
    mul(sd, zd, sd)
    add(sd, _SIN_P[2], sd)
    s[...] = sd
    mul(s, z, s)
    sd[...] = s
    t[...] = xr
    mul(sd, t, sd)                                  # fused: s * x + x
    add(sd, t, sd)
    s[...] = sd
    # bit 1 of j swaps the polynomials; bit 2 of j (of 1 - j) flips the sine's (cosine's) sign.  Neither
    # polynomial is ever -0, so the kernel's masked adds are plain selections, done here on the bits.
    si, ci, yi, ti = s.view(np.int32), c.view(np.int32), y.view(np.int32), tmp.view(np.int32)
    shl, xor, band = np.left_shift, np.bitwise_xor, np.bitwise_and
    shl(j, _SHIFTS[30], d)
    np.right_shift(d, _SHIFTS[31], d)               # -1 where the sine is the cosine polynomial
    xor(si, ci, yi)
    band(yi, d, d)
    shl(j, _SHIFTS[29], ti)
    band(ti, _SIGN, ti)
    xor(ti, d, ti)
    xor(si, ti, sin.view(np.int32))
    np.subtract(_ONE_I, j, j)
    shl(j, _SHIFTS[29], j)
    band(j, _SIGN, j)
    xor(d, j, d)
    xor(ci, d, cos.view(np.int32))


def _normal_f32(words, res, mean, std):
    """torch's AVX2 ``NormalFill16`` over blocks of 16 ``words`` into float32 ``res`` (both 1-D, equal
    lengths, a multiple of 16): the 8 float uniforms ``u1`` of a block's first half and ``u2`` of its
    second give ``r = sqrt(-2 log256(1 - u1))``, ``(s, c) = sincos256(2 pi u2)``; its first half becomes
    ``fma(r c, std, mean)``, its second ``fma(r s, std, mean)``."""
    mean32, std32 = np.float32(mean), np.float32(std)
    plain = (mean32, std32) == (0, 1)
    std64, mean64 = _c64(std32), _c64(mean32)
    w = _work()
    wv = words.view(_HALF16).reshape(-1, 2)
    rv = res.view(_HALF16).reshape(-1, 2)
    rows = _BLOCK // 8
    for a in range(0, wv.shape[0], rows):
        b = min(a + rows, wv.shape[0])
        n = (b - a) * 8
        k1, k2 = w.i[0][:n], w.i[1][:n]
        k1.view(_HALF16)[...] = wv[a:b, 0]
        k2.view(_HALF16)[...] = wv[a:b, 1]
        np.bitwise_and(k1, _M24, k1)
        np.bitwise_and(k2, _M24, k2)
        r, cos, sin = w.f[0][:n], w.f[1][:n], w.f[2][:n]
        _log_radius(k1, w, n, r)
        _sincos(k2, w, n, cos, sin)
        np.multiply(cos, r, cos)
        np.multiply(sin, r, sin)
        if plain:       # fma(x, 1, 0) = x + 0, which turns -0 into +0
            np.add(cos, _ZERO, cos)
            np.add(sin, _ZERO, sin)
        else:           # the product is exact in float64; with a mean, the sum may need untying
            t = w.d[0][:n]
            for v in (cos, sin):
                t[...] = v
                np.multiply(t, std64, t)
                np.add(t, mean64, t)
                if mean32:
                    _untie(t, v, std32, mean32)
                v[...] = t
        rv[a:b, 0] = cos.view(_HALF16)
        rv[a:b, 1] = sin.view(_HALF16)


def _normal_f64(words, res, mean, std):
    """``_box_muller16_f64`` on the doubles of ``words`` into float64 ``res`` (1-D, a multiple of 16)."""
    _box_muller16_f64(_doubles(words).reshape(-1, 2, 8), res.reshape(-1, 2, 8), mean, std)


def _uniform_f32(words, res, scale, low, exact, hi, lo):
    """Float uniforms of ``words`` into ``res`` (float32, float16 or bfloat16): ``k / 2**24`` for the
    24-bit words ``k`` or, given ``scale`` ((to - from) / 2**24, as a 0-d float64 array), ``fma(k / 2**24,
    to - from, low)`` in float: its float64 sum is rounded once to float, which is the fused result when
    ``exact`` (otherwise ties are resolved).  Values equal to ``hi`` become ``lo`` (unless hi is None)."""
    np.bitwise_and(words, _M24_U, words)        # (uint32 words, or uint64 raw outputs)
    w = None if scale is None and res.dtype == np.float32 else _work()
    for a in range(0, words.size, _BLOCK):
        b = min(a + _BLOCK, words.size)
        k, dst = words[a:b], res[a:b]
        r = dst if w is None or dst.dtype == np.float32 else w.f[0][:b - a]
        if scale is None:
            r[...] = k
            np.multiply(r, _TWO_M24, r)
        else:
            t = w.d[0][:b - a]
            t[...] = k
            np.multiply(t, scale, t)
            np.add(t, low, t)
            if not exact:
                u = k.astype(np.float32)
                np.multiply(u, _TWO_M24, u)
                _untie(t, u, np.float32(scale * 2.0 ** 24), np.float32(low))
            r[...] = t
        if r is not dst:
            dst[...] = r
        if hi is not None:
            np.copyto(dst, lo, where=dst == hi)


_UNIFORM_PLANS = {}


def _uniform_plan(npdtype, low, high):
    """The arguments of ``_uniform_f32`` after its words for ``uniform_(low, high)`` into ``npdtype``."""
    lo32, hi32 = np.float32(low), np.float32(high)
    scale = exact = None
    if (lo32, hi32) != (0, 1):
        span = hi32 - lo32
        scale = np.array(float(span) * 2.0 ** -24)
        exact = _sum_is_exact(float(span), float(lo32))
    # torch casts the double bounds to the storage type through float; a value rounded up to the upper
    # bound becomes the lower bound (test the largest uniform: sampling is monotonic)
    hi_s, lo_s = hi32.astype(npdtype), lo32.astype(npdtype)
    low = np.array(float(lo32))
    top = np.empty(1, npdtype)
    _uniform_f32(np.array([0xFFFFFF], np.uint32), top, scale, low, exact, None, None)
    return scale, low, exact, hi_s if top[0] == hi_s else None, lo_s


def _uniform_f64(words, res, span, low, hi):
    """Double uniforms of ``words`` into ``res``: ``fma(x, span, low)`` (``x`` alone when span is None);
    values equal to ``hi`` become ``low`` (unless hi is None)."""
    w = _work()
    for a in range(0, res.size, _BLOCK):
        b = min(a + _BLOCK, res.size)
        dst = res[a:b]
        if span is None:
            _doubles(words[2 * a:2 * b], dst)
        else:
            _fma64(_doubles(words[2 * a:2 * b], w.d[6][:b - a]), span, low, dst)
        if hi is not None:
            np.copyto(dst, low, where=dst == hi)


_CHUNK = 1 << 18      # words drawn per stretch handed to a worker
_POOL = {}


class _Workers:
    """Runs queued calls on ``ember.get_num_threads() - 1`` helper threads (NumPy releases the GIL in its
    loops) while the caller goes on drawing; leaving the ``with`` block, the caller takes the calls still
    queued too, waits for the helpers and re-raises their errors.  With one thread, calls run inline."""
    __slots__ = ("pool", "helpers", "jobs", "futures")

    def __enter__(self):
        from . import get_num_threads
        self.helpers = get_num_threads() - 1
        self.pool = None
        if self.helpers > 0:
            key = (os.getpid(), self.helpers)
            self.pool = _POOL.get(key)
            if self.pool is None:
                from concurrent.futures import ThreadPoolExecutor
                _POOL.clear()
                self.pool = _POOL[key] = ThreadPoolExecutor(self.helpers, thread_name_prefix="ember-random")
        self.jobs = collections.deque()
        self.futures = []
        return self

    def __call__(self, fn, *args):
        if self.pool is None:
            fn(*args)
            return
        self.jobs.append((fn, args))
        running = [f for f in self.futures if not f.done()]
        if len(running) < self.helpers:
            running.append(self.pool.submit(self._drain))
        self.futures = [f for f in self.futures if f.done()] + running

    def _drain(self):
        jobs = self.jobs
        while True:
            try:
                fn, args = jobs.popleft()
            except IndexError:
                return
            fn(*args)

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self._drain()
        finally:
            if exc[0] is not None:
                self.jobs.clear()
            for f in self.futures:
                f.result()
        return False


# ---------------------------------------------------------------------------------------------------------
# Poisson

class _Lookahead:
    """The doubles a generator would produce next, drawn from a copy of its engine as far as needed."""
    __slots__ = ("draw", "buf", "seq")

    def __init__(self, gen):
        bitgen = np.random.MT19937(0)
        bitgen.state = gen._bitgen.state
        self.draw = np.random.Generator(bitgen).integers
        self.buf = np.empty(0)
        self.seq = None

    def upto(self, n):
        """The first ``n`` (or more) doubles."""
        if self.buf.size < n:
            k = max(n - self.buf.size, self.buf.size, 1024)
            w = self.draw(0, 4294967296, size=2 * k, dtype=np.uint32)
            self.buf = np.concatenate((self.buf, _doubles(w)))
            self.seq = None
        return self.buf

    def at(self, i):
        """Double ``i`` as a Python float."""
        if self.seq is None or i >= len(self.seq):
            self.upto(i + 1)
            self.seq = self.buf.tolist()
        return self.seq[i]


def _ptrs_constants(lam):
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    return loglam, a, b, invalpha, vr


def _poisson_one(src, pos, lam):
    """torch's ``sample_poisson`` for one rate from double ``pos`` on: (sample, next position)."""
    if lam >= 10:
        loglam, a, b, invalpha, vr = _ptrs_constants(lam)
        while True:
            U = src.at(pos) - 0.5
            V = src.at(pos + 1)
            pos += 2
            us = 0.5 - abs(U)
            if us == 0:             # C gives k = (int64)-inf < 0: rejected
                continue
            k = math.floor((2 * a / us + b) * U + lam + 0.43)
            if us >= 0.07 and V <= vr:
                return k, pos
            if k < 0 or (us < 0.013 and V > us):
                continue
            if ((math.log(V) if V > 0 else -math.inf) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - _lgamma(k + 1.0)):
                return k, pos
    enlam = math.exp(-lam)
    x, prod = 0, 1.0
    while True:
        prod *= src.at(pos)
        pos += 1
        if prod > enlam:
            x += 1
        else:
            return x, pos


def _poisson_run(src, pos, lam, out):
    """``out.size`` samples of one rate from double ``pos`` on, vectorised; returns the next position."""
    count = out.size
    if lam >= 10:
        loglam, a, b, invalpha, vr = _ptrs_constants(lam)
        trials = int(count * 1.25) + 32
        while True:
            u = src.upto(pos + 2 * trials)[pos:pos + 2 * trials]
            U, V = u[0::2] - 0.5, u[1::2]
            us = 0.5 - np.abs(U)
            with np.errstate(divide="ignore", invalid="ignore"):
                k = np.floor((2 * a / us + b) * U + lam + 0.43)
            acc = (us >= 0.07) & (V <= vr)
            slow = ~acc & ~((k < 0) | ((us < 0.013) & (V > us)))
            if slow.any():
                ks, uss = k[slow], us[slow]
                lhs = _libm("log")(V[slow]) + math.log(invalpha) - _libm("log")(a / (uss * uss) + b)
                acc[slow] = lhs <= -lam + ks * loglam - _lgamma(ks + 1.0)
            hits = np.flatnonzero(acc)
            if hits.size >= count:
                out[:] = k[hits[:count]]
                return pos + 2 * (int(hits[count - 1]) + 1)
            trials *= 2
    enlam = math.exp(-lam)
    size = int(count * (lam + 1) * 1.25) + 64
    while True:
        u = src.upto(pos + size)[pos:pos + size]
        ends = _product_ends(u, enlam)
        starts = _orbit(ends, count)
        if starts is not None:
            out[:] = ends[starts] - starts - 1
            return pos + int(ends[starts[-1]])
        size *= 2


def _lgamma(x):
    """log|Gamma(x)| (torch calls the C library's ``lgamma``; it only decides PTRS's rare slow test)."""
    if isinstance(x, float):
        return math.lgamma(x)
    from scipy.special import gammaln
    return gammaln(x)


def _product_ends(u, enlam):
    """For every start p: one past the index where the running product of ``u[p:]`` first drops to
    ``<= enlam`` (``u.size + 1`` if it does not within ``u``).

    Products only shrink, so that index is p plus the number of products still above ``enlam``;
    whole-array steps count them while many are running, then only the open ones are followed.
    """
    n = u.size
    above = np.zeros(n, np.int64)
    prod = u.copy()
    k = 0
    while True:
        m = n - k
        big = prod[:m] > enlam
        above[:m] += big
        k += 1
        if k >= n:
            break
        if np.count_nonzero(big) < n // 16:
            active = np.flatnonzero(big[:n - k])
            p = prod[active] * u[active + k]
            while active.size:
                big = p > enlam
                above[active[big]] += 1
                keep = big & (active + k + 1 < n)
                active, p = active[keep], p[keep]
                k += 1
                p *= u[active + k]
            break
        prod[:n - k] *= u[k:]
    ends = np.arange(1, n + 1) + above
    ends[ends > n] = n + 1
    return ends


def _orbit(ends, count):
    """Sample starts 0, ends[0], ends[ends[0]], ... (``count`` of them); None when the last sample does
    not finish inside the buffer.  Jumps of 2**L samples (by repeated squaring of the map) are taken
    one per block of samples, then every start inside the blocks comes from the block's first by lifting.
    """
    n = ends.size
    maps = [np.append(np.minimum(ends, n), n).astype(np.int32)]   # position n: past the buffer
    levels = min(5, (count - 1).bit_length())
    for _ in range(levels):
        maps.append(maps[-1][maps[-1]])
    stride = 1 << levels
    nblocks = -(-count // stride)
    firsts = np.zeros(nblocks, np.int32)
    big = maps[-1]
    b = 0
    for i in range(1, nblocks):
        b = int(big[b])
        firsts[i] = b
    pos = np.repeat(firsts, stride)[:count]
    r = np.arange(count) & (stride - 1)
    for k in range(levels):
        sel = (r >> k) & 1 == 1
        pos[sel] = maps[k][pos[sel]]
    if pos[-1] >= n or ends[pos[-1]] > n:
        return None
    return pos.astype(np.int64)
