"""torch's functional spellings of in-place methods and a few tensor utilities.

``torch.abs_(x)`` is ``x.abs_()``, ``torch.clamp_(x, 0, 1)`` is ``x.clamp_(0, 1)`` ...: each name in
``_INPLACE`` calls the Tensor method of that name (looked up on the call, so subclasses' overrides run),
after torch's check that the first argument is a Tensor.  ``torch.detach``/``detach_``/``zero_``/
``fill_`` likewise; ``torch.fill`` is the out-of-place fill (``FillBackward0``/``FillBackward1``).
"""
from .._prim import Primitive, apply
from .._tensor import Tensor
from ._helpers import _state

_INPLACE = """abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_
ceil_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_
fill_ fix_ floor_ frac_ gcd_ i0_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_
reciprocal_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ zero_ detach""".split()

__all__ = _INPLACE + ["fill"]


def _method_call(name):
    def fn(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``."
    return fn


_g = globals()
for _name in _INPLACE:
    _g[_name] = _method_call(_name)


def _fill_grad(ctx, g):
    return (g.new_zeros(ctx._in_meta[0][0]),)


def _fill_tensor_grad(ctx, g):
    gi = g.new_zeros(ctx._in_meta[0][0]) if ctx.next_functions[0][0] is not None else None
    gv = g.sum() if ctx.next_functions[1][0] is not None else None
    return gi, gv


_FILL = Primitive("FillBackward0", lambda a, filled: filled, _fill_grad)
_FILL_T = Primitive("FillBackward1", lambda a, v, filled: filled, _fill_tensor_grad)


def fill(input, value):
    """``torch.fill``: a new tensor shaped (and, for dense inputs, strided) like ``input`` holding ``value``
    (a number, or a 0-d tensor whose gradient is the sum of the output's)."""
    from .creation import full_like
    if not isinstance(input, Tensor):
        raise TypeError(f"fill(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        filled = full_like(input, value.to(input.dtype).item())
        if _state.enabled and (input._requires_grad or value._requires_grad):
            return apply(_FILL_T, (input, value), (filled._data,))
        return filled
    filled = full_like(input, value)
    if _state.enabled and input._requires_grad:
        return apply(_FILL, (input,), (filled._data,))
    return filled
