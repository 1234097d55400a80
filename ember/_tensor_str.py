"""Tensor printing, string-for-string as ``torch/_tensor_str.py``.

Floats print with ``precision`` digits (``{:.4f}``), as ``1.`` when every nonzero finite value is an
integer, and in scientific notation (``{:.4e}``) when max/min > 1e3, max > 1e8 or min < 1e-4 (or as
``sci_mode`` forces).  Values are right-aligned to the widest, lines wrap at ``linewidth``, and tensors
with more than ``threshold`` elements show ``edgeitems`` at each end of every long dimension around
``...``.  Suffixes follow: ``device=``, ``dtype=`` (omitted for the default float/complex dtype, int64 and
bool; always shown for empty tensors of another dtype than the default), ``size=`` (empty tensors that
are not 1-D), then ``grad_fn=<...>`` or ``requires_grad=True``.
"""
import contextlib
import math
import sys

import numpy as np

from . import _dtype as D


class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """``torch.set_printoptions``: a profile (default/short/full) first, then the given options.

    As in torch, ``sci_mode`` is always assigned, so any call without it returns to automatic mode.
    """
    if profile in _PROFILES:
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """``torch._tensor_str.get_printoptions``: the options as a dict usable as ``set_printoptions(**d)``."""
    return {name: getattr(PRINT_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """``torch._tensor_str.printoptions``: set options for the duration of a ``with`` block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ----------------------------------------------------------------------------------------------------
# element strings

def _float_strings(vals):
    """Strings of float values (1-D float64 array) and the column width, as torch's ``_Formatter``."""
    p = PRINT_OPTS.precision
    keep = np.isfinite(vals) & (vals != 0)
    nz = vals[keep]
    values = vals.tolist()
    if nz.size == 0:
        # no nonzero finite value: integer mode, width 1
        return [f"{v:.0f}" if math.isinf(v) or math.isnan(v) else f"{v:.0f}." for v in values], 1
    a = np.abs(nz)
    lo, hi = a.min(), a.max()
    int_mode = bool((nz == np.ceil(nz)).all())
    if PRINT_OPTS.sci_mode is None:
        with np.errstate(over="ignore"):
            sci = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
    else:
        sci = PRINT_OPTS.sci_mode
    if sci:
        spec = f"{{:.{p}e}}"
        strs = [spec.format(v) for v in values]
    elif int_mode:
        strs = [f"{v:.0f}" if math.isinf(v) or math.isnan(v) else f"{v:.0f}." for v in values]
    else:
        spec = f"{{:.{p}f}}"
        strs = [spec.format(v) for v in values]
    width = max(1, max(len(s) for s, k in zip(strs, keep.tolist()) if k))
    return strs, width


def _plain_strings(vals):
    """Strings of integer/bool values and their width (``f"{value}"`` in torch)."""
    strs = [str(v) for v in vals.tolist()]
    return strs, max(1, max((len(s) for s in strs), default=1))


def _element_strings(a):
    """Right-aligned element strings of host array ``a`` (flattened) and each element's column width."""
    kind = a.dtype.kind
    if kind == "c":
        re, w1 = _float_strings(a.real.astype(np.float64).ravel())
        im, w2 = _float_strings(a.imag.astype(np.float64).ravel())
        out = []
        for r, i in zip(re, im):
            i = (i.rjust(w2) + "j").lstrip()
            out.append(r.rjust(w1) + i if i[0] in "+-" else r.rjust(w1) + "+" + i)
        return out, w1 + 2 + w2 + 1
    if kind == "f" or a.dtype == D.bfloat16.np:
        strs, w = _float_strings(a.astype(np.float64).ravel())
    else:
        strs, w = _plain_strings(a.ravel())
    return [s.rjust(w) for s in strs], w + 2


# ----------------------------------------------------------------------------------------------------
# layout

def _summarized(a, summarize):
    """The displayed part of ``a`` (edge items of each long dimension) and which dimensions were cut."""
    e = PRINT_OPTS.edgeitems
    cut = []
    for ax, n in enumerate(a.shape):
        c = summarize and n > 2 * e
        cut.append(c)
        if c:
            lo = a[(slice(None),) * ax + (slice(0, e),)]
            hi = a[(slice(None),) * ax + (slice(n - e, n),)]
            a = np.concatenate((lo, hi), axis=ax)
    if type(a) is not np.ndarray:
        a = a.get()
    return a, cut


def _layout(s, indent, cut, element_length):
    """Nest the element strings of object array ``s`` in brackets, wrapping rows at the line width."""
    e = PRINT_OPTS.edgeitems
    if s.ndim == 1:
        items = s.tolist()
        if cut[0]:
            items = items[:e] + [" ..."] + items[e:]
        per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_layout(s[i], indent + 1, cut[1:], element_length) for i in range(s.shape[0])]
    if cut[0]:
        rows = rows[:e] + ["..."] + rows[e:]
    return "[" + ("," + "\n" * (s.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _tensor_str(t, indent):
    a = t._data
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    if summarize and not PRINT_OPTS.edgeitems and a.ndim:
        return "[...]"
    shown, cut = _summarized(a, summarize)
    strs, element_length = _element_strings(shown)
    if a.ndim == 0:
        return strs[0]
    arr = np.empty(len(strs), dtype=object)
    arr[:] = strs
    return _layout(arr.reshape(shown.shape), indent, cut, element_length)


def _add_suffixes(tensor_str, suffixes, indent):
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _parameter_type():
    mod = sys.modules.get("ember.nn.parameter")
    return getattr(mod, "Parameter", None) if mod is not None else None


def _str(t, tensor_contents=None):
    """``repr(tensor)`` / ``str(tensor)``: ``tensor([...], dtype=..., requires_grad=True)``."""
    from ._tensor import Tensor
    param = _parameter_type()
    plain = type(t) is Tensor or (param is not None and type(t) is param)
    prefix = "tensor(" if plain else f"{type(t).__name__}("
    indent = len(prefix)
    suffixes = []
    dev = t.device
    if dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    dt = t.dtype
    default = D.get_default_dtype()
    default_complex = D.complex128 if default is D.float64 else D.complex64
    if t._data.size == 0:
        if t._data.ndim != 1:
            suffixes.append("size=" + str(tuple(t._data.shape)))
        if dt is not default:
            suffixes.append("dtype=" + str(dt))
        tensor_str = "[]" if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(t._data.shape)))
        if dt not in (default, default_complex, D.int64, D.bool):
            suffixes.append("dtype=" + str(dt))
        tensor_str = _tensor_str(t, indent) if tensor_contents is None else tensor_contents
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t._grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    out = _add_suffixes(prefix + tensor_str, suffixes, indent)
    if param is not None and isinstance(t, param) and not plain:
        out = f"Parameter({out})"
    return out
