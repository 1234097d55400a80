"""``gradcheck`` / ``gradgradcheck`` (≙ torch.autograd.gradcheck): analytical vs numerical Jacobians.

The numerical Jacobian is built column by column by central differences: each element of each input
that requires grad is moved by ±eps in place (through the array, so the version counter is untouched,
as torch's ``.data``) and ``func`` is re-run; the columns are stacked with NumPy.  The analytical
Jacobian is built row by row with ``autograd.grad`` on one-hot output gradients, twice, to check
that backward is deterministic.  Both are ``(input.numel(), output.numel())`` matrices, compared
with ``allclose(analytical, numerical, rtol, atol)``.  ``fast_mode`` compares ``v^T J u`` for random
unit ``u``, ``v`` instead.  Complex inputs get the conjugate Wirtinger derivative (``ds/dx + i ds/dy``)
and complex outputs are checked through their real and imaginary parts, as in torch.  Then, as
torch's: backward must scale with the output gradient (zero in, zero out), and must accept
undefined output gradients.
"""
import warnings

import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "get_numerical_jacobian", "get_analytical_jacobian"]


class GradcheckError(RuntimeError):
    """Error raised by :func:`gradcheck` and :func:`gradgradcheck`."""


GradcheckError.__module__ = "torch.autograd.gradcheck"


def _torch():
    import ember
    return ember


def _xp(a):
    """The array module of ``a`` (NumPy, or CuPy for CUDA tensors)."""
    if type(a) is np.ndarray:
        return np
    from .._device import array_module, device_of_array
    return array_module(device_of_array(a))


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(x):
    return tuple(o for o in _as_tuple(x) if o.requires_grad)


def _is_float_or_complex(t):
    return _is_tensor(t) and (t.is_floating_point() or t.is_complex())


def _diff_inputs(inputs):
    return [(i, t) for i, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]


def _check_inputs(inputs):
    any_grad = False
    for idx, inp in enumerate(inputs):
        if _is_tensor(inp) and inp.requires_grad:
            if inp._data.dtype not in (np.float64, np.complex128):
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point or "
                              f"complex. This check will likely fail if all the inputs are not of double precision "
                              f"floating point or complex. ", stacklevel=3)
            if not all(st > 0 or sz <= 1 for st, sz in zip(inp.stride(), inp.shape)):
                raise RuntimeError(f"The {idx}th input has a dimension with stride 0. gradcheck only supports inputs "
                                   f"that are non-overlapping to be able to compute the numerical gradients "
                                   f"correctly. You should call .contiguous on the input before passing it to "
                                   f"gradcheck.")
            any_grad = True
    if not any_grad:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")


# ----------------------------------------------------------------------------------------------------
# numerical side

def _outputs_arrays(fn, inputs):
    """Run ``fn`` and copy its float/complex outputs' arrays (outputs may alias the perturbed input)."""
    outs = _as_tuple(fn(*inputs))
    return [(o._data.copy(), o) for o in outs]


def _check_same(a, b, eps, idx):
    on_index = f"on index {idx} " if idx is not None else ""
    if a.shape != b.shape:
        from .._tensor import Size
        raise AssertionError(f"Expected `func` to return outputs with the same shape when inputs are perturbed "
                             f"{on_index}by {eps}, but got: shapes {Size(a.shape)} and {Size(b.shape)}.")
    if a.dtype != b.dtype:
        from .._dtype import from_numpy_dtype
        raise AssertionError(f"Expected `func` to return outputs with the same dtype when inputs are perturbed "
                             f"{on_index}by {eps}, but got: dtypes {from_numpy_dtype(a.dtype)} and "
                             f"{from_numpy_dtype(b.dtype)}.")


def _central_difference(fn, inputs, arr, where, delta, norm, idx):
    """(f(x + delta) - f(x - delta)) / (2 norm) per output, ``arr[where]`` being moved in place."""
    orig = arr[where].copy()
    arr[where] = orig - delta
    outa = _outputs_arrays(fn, inputs)
    arr[where] = orig + delta
    outb = _outputs_arrays(fn, inputs)
    arr[where] = orig
    cols = []
    for (a, _), (b, _) in zip(outa, outb):
        _check_same(a, b, norm, idx)
        cols.append(((b - a) / (2 * norm)).reshape(-1) if a.dtype.kind in "fcV" else None)
    return cols


def _numerical_jvp(fn, inputs, i, direction, eps, idx=None):
    """Directional derivatives of each output along ``direction`` (an array shaped like input i, or a
    flat index tuple), conjugate Wirtinger for complex inputs."""
    x = inputs[i]
    arr = x._data
    if not arr.flags.writeable:
        raise RuntimeError("ember: gradcheck cannot perturb a read-only input; pass a contiguous copy")
    if isinstance(direction, tuple):
        where, delta = direction, eps
    else:
        where, delta = Ellipsis, direction
    ds_dx = _central_difference(fn, inputs, arr, where, delta, eps, idx)
    if arr.dtype.kind != "c":
        return ds_dx
    ds_dy = _central_difference(fn, inputs, arr, where, delta * 1j, eps, idx)
    return [None if a is None else a + b * 1j for a, b in zip(ds_dx, ds_dy)]


def _numerical_jacobian(fn, inputs, outputs, eps):
    """For each input requiring grad, one ``(input.numel(), output.numel())`` matrix per float output."""
    from .._tensor import _wrap
    result = []
    float_outs = [o for o in outputs if _is_float_or_complex(o)]
    for i, x in _diff_inputs(inputs):
        shape = x._data.shape
        n = x._data.size
        cols = [[] for _ in float_outs]
        positions = np.unravel_index(np.arange(n), shape) if shape else ()
        for k in range(n):
            pos = tuple(int(p[k]) for p in positions)
            col = [c for c in _numerical_jvp(fn, inputs, i, pos, eps, pos) if c is not None]
            for lst, c in zip(cols, col):
                lst.append(c)
        jacs = []
        for o, lst in zip(float_outs, cols):
            dt = np.result_type(o._data.dtype, x._data.dtype) if x.is_complex() else o._data.dtype
            xp = _xp(o._data)
            m = xp.stack(lst).astype(dt, copy=False) if lst else xp.zeros((0, o._data.size), dt)
            jacs.append(_wrap(m))
        result.append(tuple(jacs))
    return result


# ----------------------------------------------------------------------------------------------------
# analytical side

def _vjp_rows(output, diff_inputs, grad_outputs):
    """``autograd.grad`` of ``output`` for each of ``grad_outputs``: rows[i] lists input i's results."""
    from . import grad as autograd_grad
    rows = [[] for _ in diff_inputs]
    for g in grad_outputs:
        res = autograd_grad(output, diff_inputs, g, retain_graph=True, allow_unused=True)
        for lst, r in zip(rows, res):
            lst.append(None if r is None else r.clone())
    return rows


def _stack_rows(rows, diff_inputs, n_cols):
    """Place each vjp as a column: the ``(input.numel(), n_cols)`` Jacobians, and the size/dtype checks."""
    from .._tensor import _wrap
    sizes_ok = types_ok = True
    jacs = []
    for inp, lst in zip(diff_inputs, rows):
        a = inp._data
        m = _xp(a).zeros((a.size, n_cols), a.dtype)
        for j, t in enumerate(lst):
            if t is None:
                continue
            if t._data.shape != a.shape:
                sizes_ok = False
            elif t._data.dtype != a.dtype:
                types_ok = False
            if t._data.size != a.size:
                raise AssertionError(f"Expected out_jacobian column to have {t._data.size} elements, but got "
                                     f"{a.size}")
            m[:, j] = t._data.reshape(-1)
        jacs.append(_wrap(m))
    return jacs, sizes_ok, types_ok


_NONDET_MSG = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""


def _analytical_jacobian(inputs, output, nondet_tol, check_grad_dtypes, v=None):
    """Rows of J (one-hot output gradients), or ``v^T J`` with ``v``; computed twice for reentrancy."""
    from .._tensor import _wrap
    diff = [t for _, t in _diff_inputs(inputs)]
    o = output._data
    if v is None:
        eye = _xp(o).eye(o.size, dtype=o.dtype)
        grads = [_wrap(eye[j].reshape(o.shape)) for j in range(o.size)]
    else:
        grads = [_wrap(v.reshape(o.shape))]
    n = len(grads)
    j1, sizes_ok, types_ok = _stack_rows(_vjp_rows(output, diff, grads), diff, n)
    j2, _, _ = _stack_rows(_vjp_rows(output, diff, grads), diff, n)
    reentrant = all(a._data.size == 0 or np.abs(a._data - b._data).max() <= nondet_tol for a, b in zip(j1, j2))
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(f"Backward is not reentrant, i.e., running backward with same input and grad_output "
                             f"multiple times gives different values, although analytical gradient matches "
                             f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}." + _NONDET_MSG)
    return j1


def _allclose(a, b, rtol, atol):
    """``allclose`` after promoting both to a common dtype (as torch's gradcheck)."""
    x, y = a._data, b._data
    dt = np.promote_types(x.dtype, y.dtype)
    return bool(np.allclose(x.astype(dt), y.astype(dt), rtol=rtol, atol=atol))


def _notallclose_msg(analytical, numerical, out_idx, in_idx, complex_indices, test_imag):
    prefix = ""
    if complex_indices and out_idx in complex_indices:
        prefix = f"While considering the {'imaginary' if test_imag else 'real'} part of complex outputs only, "
    return (prefix + f"Jacobian mismatch for output {out_idx:d} with respect to input {in_idx:d},\n"
            f"numerical:{numerical}\nanalytical:{analytical}\n")


# ----------------------------------------------------------------------------------------------------
# slow and fast checks

def _slow_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol,
                complex_indices=None, test_imag=False):
    func_out = _as_tuple(func_out)
    if not outputs:
        for jacs in _numerical_jacobian(func, inputs, func_out, eps):
            for jac in jacs:
                if np.count_nonzero(jac._data) > 0:
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    numerical = _numerical_jacobian(func, inputs, func_out, eps)  # [input][float output]
    float_outs = [o for o in func_out if _is_float_or_complex(o)]
    diff_pos = [k for k, o in enumerate(float_outs) if o.requires_grad]
    for i, o in enumerate(outputs):
        analytical = _analytical_jacobian(inputs, o, nondet_tol, check_grad_dtypes)
        for j, a in enumerate(analytical):
            n = numerical[j][diff_pos[i]]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_notallclose_msg(a, n, i, j, complex_indices, test_imag))
    return True


def _unit_vector(rng, n, dtype):
    v = rng.random(n).astype(dtype)
    norm = np.sqrt((v * v).sum())
    return v / norm if norm > 0 else v


def _real_dtype(dt):
    return np.dtype(np.float64) if dt == np.complex128 else np.dtype(np.float32) if dt == np.complex64 else dt


def _fast_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol,
                complex_indices=None, test_imag=False):
    rng = np.random.default_rng(0)
    diff = _diff_inputs(inputs)
    all_u = []
    for _, x in diff:
        rd = _real_dtype(x._data.dtype)
        ur = _unit_vector(rng, x._data.size, rd)
        all_u.append((ur, _unit_vector(rng, x._data.size, rd)) if x.is_complex() else ur)
    all_v = [_unit_vector(rng, o._data.size, o._data.dtype) for o in outputs]
    func_out = _as_tuple(func_out)
    float_outs = [o for o in func_out if _is_float_or_complex(o)]
    diff_pos = [k for k, o in enumerate(float_outs) if o.requires_grad]
    # numerical J u per input (one central difference along u), then v . Ju
    numerical = []
    for (i, x), u in zip(diff, all_u):
        shape = x._data.shape
        if isinstance(u, tuple):
            ds_dx = [c for c in _numerical_jvp_real(func, inputs, i, u[0].reshape(shape) * eps, eps) if c is not None]
            ds_dy = [c for c in _numerical_jvp_real(func, inputs, i, u[1].reshape(shape) * eps * 1j, eps)
                     if c is not None]
            jus = [a + b * 1j for a, b in zip(ds_dx, ds_dy)]
        else:
            jus = [c for c in _numerical_jvp(func, inputs, i, u.reshape(shape).astype(x._data.dtype) * eps, eps)
                   if c is not None]
        if not outputs:
            for ju in jus:
                if ju.size and np.abs(ju).max() > nondet_tol:
                    raise GradcheckError("Numerical gradient for function expected to be zero")
            continue
        numerical.append([np.dot(v, jus[diff_pos[k]]) for k, v in enumerate(all_v)])
    if not outputs:
        return True
    for k, (o, v) in enumerate(zip(outputs, all_v)):
        vjs = _analytical_jacobian(inputs, o, nondet_tol, check_grad_dtypes, v=v)
        for j, (vj, u) in enumerate(zip(vjs, all_u)):
            vj = vj._data[:, 0]
            if isinstance(u, tuple):
                a = np.dot(vj.real, u[0]) + 1j * np.dot(vj.imag, u[1])
                tol = atol * (float(u[0].sum()) + float(u[1].sum())) * float(v.sum())
            else:
                a = np.dot(vj, u)
                tol = atol * float(u.sum()) * float(v.sum())
            n = numerical[j][k]
            if not np.allclose(a, n, rtol=rtol, atol=tol):
                from .._tensor import _wrap
                raise GradcheckError(_notallclose_msg(_wrap(np.asarray(a)), _wrap(np.asarray(n)), k, j,
                                                      complex_indices, test_imag)
                                     + _slow_mode_msg(func, inputs, func_out, outputs, j, k, rtol, atol, eps))
    return True


def _numerical_jvp_real(fn, inputs, i, delta, eps):
    """Central difference along ``delta`` without the Wirtinger combination (used for complex inputs)."""
    arr = inputs[i]._data
    return _central_difference(fn, inputs, arr, Ellipsis, delta, eps, None)


_FAST_FAIL_SLOW_OK_MSG = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


def _slow_mode_msg(func, inputs, func_out, outputs, in_idx, out_idx, rtol, atol, eps):
    float_outs = [o for o in func_out if _is_float_or_complex(o)]
    diff_pos = [k for k, o in enumerate(float_outs) if o.requires_grad]
    numerical = _numerical_jacobian(func, inputs, func_out, eps)[in_idx][diff_pos[out_idx]]
    analytical = _analytical_jacobian(inputs, outputs[out_idx], float("inf"), False)[in_idx]
    diff = np.abs(numerical._data - analytical._data)
    max_diff = _torch().tensor(diff.max() if diff.size else 0.0, dtype=_torch().float64)
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed \n"
           "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
           "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
           f"Numerical:\n {numerical}\n"
           f"Analytical:\n{analytical}\n\n"
           f"The max per-element difference (slow mode) is: {max_diff}.\n")
    if _allclose(analytical, numerical, rtol, atol):
        msg += _FAST_FAIL_SLOW_OK_MSG
    return msg


def _real_and_imag_output(fn):
    torch = _torch()

    def apply(part):
        def wrapped(*inputs):
            return tuple(part(o) if o.is_complex() else o for o in _as_tuple(fn(*inputs)))
        return wrapped
    return apply(torch.real), apply(torch.imag)


# ----------------------------------------------------------------------------------------------------
# the other checks torch runs

def _test_backward_mul_by_grad_output(outputs, inputs):
    from . import grad as autograd_grad
    from .._tensor import _wrap
    diff = [t for _, t in _diff_inputs(inputs)]
    if not diff:
        raise GradcheckError("no Tensors requiring grad found in input")
    zeros = [_wrap(_xp(o._data).zeros(o._data.shape, o._data.dtype)) for o in outputs]
    grads = autograd_grad(outputs, diff, zeros, allow_unused=True)
    for gi, di in zip(grads, diff):
        if gi is None:
            continue
        if np.any(gi._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if gi._data.dtype != di._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if gi.device != di.device:
            raise GradcheckError("grad is incorrect device")
        if gi._data.shape != di._data.shape:
            raise GradcheckError("grad is incorrect size")
    return True


def _undefined_grad(o):
    """``o`` passed through a node whose backward sends an undefined (None) gradient on."""
    from .function import Function

    class UndefinedGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return None
    return UndefinedGrad.apply(o)


def _test_undefined_backward_mode(func, outputs, inputs):
    from . import grad as autograd_grad
    from .._tensor import _wrap
    diff = [t for _, t in _diff_inputs(inputs)]
    if not diff:
        raise GradcheckError("no Tensors requiring grad found in input")

    def warn_bc():
        warnings.warn("Backwards compatibility: New undefined gradient support checking feature is enabled by "
                      "default, but it may break existing callers of this function. If this is true for you, you "
                      "can call this function with \"check_undefined_grad=False\" to disable the feature",
                      stacklevel=3)

    def check(outs):
        grads = [_wrap(_xp(o._data).zeros(o._data.shape, o._data.dtype)) for o in outs]
        try:
            res = autograd_grad(outs, diff, grads, allow_unused=True)
        except RuntimeError as e:
            warn_bc()
            raise GradcheckError("Expected backward function to handle undefined output grads. Please look at "
                                 "\"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\"") \
                from e
        for gi in res:
            if gi is not None and np.any(gi._data != 0):
                warn_bc()
                raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                     "undefined or zero. Please look at \"Notes about undefined output gradients\" in "
                                     "\"tools/autograd/derivatives.yaml\"")
        return True

    to_check = [[_undefined_grad(o) for o in _differentiable_outputs(func(*inputs)) if _is_tensor(o)]]
    if len(to_check[0]) > 1:
        for k in range(len(outputs)):
            outs = _differentiable_outputs(func(*inputs))
            to_check.append([_undefined_grad(o) if idx == k else o for idx, o in enumerate(outs)])
    return all(check(o) for o in to_check)


# ----------------------------------------------------------------------------------------------------
# public API

def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Check the gradients of ``func`` at ``inputs`` against central finite differences.

    Returns True, or raises :class:`GradcheckError` (returns False with ``raise_exception=False``).
    Forward-mode and batched (vmap) checks are not available in ember and raise NotImplementedError.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError("Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    if check_forward_ad or check_batched_forward_grad:
        raise NotImplementedError("ember: gradcheck(check_forward_ad=True) needs forward-mode AD, which ember does "
                                  "not implement")
    if check_batched_grad:
        raise NotImplementedError("ember: gradcheck(check_batched_grad=True) needs vmap, which ember does not "
                                  "implement")
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes,
                          fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes, fast_mode):
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    func_out = func(*inputs)
    outputs = _differentiable_outputs(func_out)
    check = _fast_check if fast_mode else _slow_check
    complex_out = [i for i, o in enumerate(outputs) if o.is_complex()]
    if any(o.is_complex() for o in _as_tuple(func_out)):
        real_fn, imag_fn = _real_and_imag_output(func)
        imag_out = imag_fn(*inputs)
        check(imag_fn, imag_out, inputs, _differentiable_outputs(imag_out), eps, rtol, atol, check_grad_dtypes,
              nondet_tol, complex_indices=complex_out, test_imag=True)
        real_out = real_fn(*inputs)
        check(real_fn, real_out, inputs, _differentiable_outputs(real_out), eps, rtol, atol, check_grad_dtypes,
              nondet_tol, complex_indices=complex_out)
    else:
        check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol)
    _test_backward_mul_by_grad_output(outputs, inputs)
    if check_undefined_grad:
        _test_undefined_backward_mode(func, outputs, inputs)
    return True


def _random_grad_output(shape, dtype, noncontiguous):
    """Uniform in [-1, 1) like torch.testing.make_tensor (from the default generator when ember has one),
    requiring grad; non-contiguous on request."""
    import ember
    from .._tensor import _wrap
    npd = np.dtype(dtype.np if (dtype.is_floating_point or dtype.is_complex) else np.float64)
    real = _real_dtype(npd)
    n = int(np.prod(shape)) * (2 if npd.kind == "c" else 1)
    gen = getattr(ember, "default_generator", None)
    vals = gen.uniform(n, real, -1.0, 1.0) if gen is not None else \
        np.random.default_rng().uniform(-1.0, 1.0, n).astype(real)
    a = vals.view(npd).reshape(shape) if npd.kind == "c" else vals.reshape(shape)
    if noncontiguous and a.size > 1:
        big = np.zeros(shape[:-1] + (shape[-1] * 2,), a.dtype)
        big[..., ::2] = a
        a = big[..., ::2]
    t = _wrap(a)
    t.requires_grad_(True)
    return t


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """Check second derivatives: ``gradcheck`` of ``(inputs, grad_outputs) -> autograd.grad(func(inputs),
    inputs, grad_outputs, create_graph=True)``.  Random ``grad_outputs`` are drawn when not given."""
    from . import grad as autograd_grad
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_batched_grad=True requires check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = _differentiable_outputs(func(*inputs))
        grad_outputs = tuple(_random_grad_output(o._data.shape, o.dtype, gen_non_contig_grad_outputs) for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, x in enumerate(grad_outputs) if x.requires_grad}

    def new_func(*args):
        in_args = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:-n_out]))
        outs = _differentiable_outputs(func(*in_args))
        gos = tuple(x.requires_grad_() if i in diff_go else x for i, x in enumerate(args[-n_out:]))
        diff_args = tuple(x for i, x in enumerate(in_args) if i in diff_in)
        grads = autograd_grad(outs, diff_args, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
                     nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev, masked=masked)


def get_numerical_jacobian(fn, inputs, target=None, eps=1e-3, grad_out=1.0):
    """Deprecated torch API: the numerical Jacobians of ``fn(inputs)``'s first output (fn takes the tuple)."""
    warnings.warn("`get_numerical_jacobian` was part of PyTorch's private API and not meant to be exposed. We are "
                  "deprecating it and it will be removed in a future version of PyTorch. If you have a specific use "
                  "for this or feature request for this to be a stable API, please file us an issue at "
                  "https://github.com/pytorch/pytorch/issues/new", FutureWarning, stacklevel=2)
    if grad_out != 1.0:
        raise ValueError("Expected grad_out to be 1.0. get_numerical_jacobian no longer supports values of "
                         "grad_out != 1.0.")
    if target is not None:
        raise NotImplementedError("ember: get_numerical_jacobian(target=...) is not implemented")
    inputs = _as_tuple(inputs)

    def packed(*inps):
        return fn(inps)
    outputs = _as_tuple(packed(*inputs))
    if any(o.is_complex() for o in outputs):
        raise ValueError("Expected output to be non-complex. get_numerical_jacobian no longer supports functions "
                         "that return complex outputs.")
    return tuple(jacs[0] for jacs in _numerical_jacobian(packed, inputs, outputs, eps))


def get_analytical_jacobian(inputs, output, nondet_tol=0.0, grad_out=1.0):
    """Deprecated torch API: (jacobians, reentrant, sizes_ok, types_ok) of ``output`` w.r.t. ``inputs``."""
    warnings.warn("`get_analytical_jacobian` was part of PyTorch's private API and not meant to be exposed. We are "
                  "deprecating it and it will be removed in a future version of PyTorch. If you have a specific use "
                  "for this or feature request for this to be a stable API, please file us an issue at "
                  "https://github.com/pytorch/pytorch/issues/new", FutureWarning, stacklevel=2)
    from .._tensor import _wrap
    if grad_out != 1.0:
        raise ValueError("Expected grad_out to be 1.0. get_analytical_jacobian no longer supports values of "
                         "grad_out != 1.0.")
    if output.is_complex():
        raise ValueError("Expected output to be non-complex. get_analytical_jacobian no longer supports functions "
                         "that return complex outputs.")
    inputs = _as_tuple(inputs)
    diff = [t for _, t in _diff_inputs(inputs)]
    o = output._data
    eye = _xp(o).eye(o.size, dtype=o.dtype)
    grads = [_wrap(eye[j].reshape(o.shape)) for j in range(o.size)]
    j1, sizes_ok, types_ok = _stack_rows(_vjp_rows(output, diff, grads), diff, len(grads))
    j2, _, _ = _stack_rows(_vjp_rows(output, diff, grads), diff, len(grads))
    reentrant = all(a._data.size == 0 or np.abs(a._data - b._data).max() <= nondet_tol for a, b in zip(j1, j2))
    return tuple(j1), reentrant, sizes_ok, types_ok
