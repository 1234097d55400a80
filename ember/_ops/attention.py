"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward`` (torch.nn.functional).

``scaled_dot_product_attention`` is torch's math kernel: query and key each scaled by sqrt(scale), one
batched matmul, the mask added (a bool mask becomes 0 / -inf first, ``is_causal`` a lower-triangular one),
``_safe_softmax`` (a row that is entirely -inf gives zeros, not NaN), dropout drawn like ``at::dropout``
(so a seeded run draws what torch draws), and a matmul with the values.  ``multi_head_attention_forward``
follows torch's Python implementation step for step (packed or separate input projections, bias_k/bias_v,
add_zero_attn, key_padding_mask merged into attn_mask, explicit weights when ``need_weights``), except that
plain self-attention without weights takes q, k, v as per-head views of the packed projection (the same
values, without torch's intermediate copies).
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._prim import Primitive, apply
from ..amp.autocast_mode import state as _amp
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_REDUCED = (np.dtype(np.float16), D.bfloat16.np)

# C++ names torch's attention checks print for dtypes
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _cpp(dtype):
    return _CPP_NAMES.get(str(dtype).split(".")[-1], str(dtype))


# ----------------------------------------------------------------------------------------------------
# _safe_softmax

def _safe_softmax_fwd(a, dim):
    from ..nn.functional import _amax_keep, _sum_keep
    dt = a.dtype
    if dt in _REDUCED:
        a = a.astype(np.float32)
    m = _amax_keep(a, dim)
    m[m == -np.inf] = 0  # a fully masked row: exp(-inf) = 0 everywhere, and the row stays 0
    e = np.subtract(a, m, out=np.empty_like(a, order="C"))   # contiguous, as torch's
    np.exp(e, out=e)
    s = _sum_keep(e, dim)
    s[s == 0] = 1
    e /= s
    return e.astype(dt, copy=False)


def _safe_softmax_grad(ctx, g):
    y = ctx.output
    dim = ctx.args[0]
    if not is_grad_enabled():
        from ..nn.functional import _softmax_back
        return (_wrap(_softmax_back(y._data, g._data, dim)),)
    return (y * (g - (g * y).sum(dim, keepdim=True)),)


_SAFE_SOFTMAX = Primitive("SafeSoftmaxBackward0", _safe_softmax_fwd, _safe_softmax_grad, save_output=True)


def _safe_softmax(input, dim, dtype=None):
    """``torch._safe_softmax``: softmax along ``dim``, with rows that are entirely -inf set to 0."""
    if dtype is not None:
        input = input.to(dtype)
    if input.numel() == 0:
        return input.clone()
    return apply(_SAFE_SOFTMAX, (input,), (_wrap_dim(dim, input.dim()),))


# ----------------------------------------------------------------------------------------------------
# scaled dot product attention

def _bool_to_additive(mask, dtype):
    """torch's ``convert_boolean_attn_mask``: True (take part) -> 0, False -> -inf, in ``dtype``."""
    return mask.new_zeros(mask.shape, dtype=dtype).masked_fill(mask.logical_not(), float("-inf"))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """``softmax(q k^T * scale + mask) v`` over the last two dims, batch dims broadcast.

    query (N, ..., Hq, L, E), key (N, ..., H, S, E), value (N, ..., H, S, Ev) -> (N, ..., Hq, L, Ev).
    A bool ``attn_mask`` marks the positions that take part; a float one is added to the scores.
    Dropout is always applied when ``dropout_p > 0`` (pass 0.0 in evaluation, as with torch).
    """
    if _amp.active:
        return _amp.run("scaled_dot_product_attention", scaled_dot_product_attention, query, key, value, attn_mask,
                        dropout_p, is_causal, scale, enable_gqa)
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_cpp(query.dtype)} key.dtype: {_cpp(key.dtype)} and value.dtype: {_cpp(value.dtype)} "
                           f"instead.")
    if query.device != key.device or query.device != value.device:
        raise RuntimeError(f"Expected query, key, and value to have the same device type, but got query.device: "
                           f"{query.device} key.device: {key.device} and value.device: {value.device} instead.")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if attn_mask is not None:
        if attn_mask.dtype != D.bool and not attn_mask.is_floating_point() or \
                (attn_mask.is_floating_point() and attn_mask.dtype != query.dtype):
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_cpp(attn_mask.dtype)} and  query.dtype: {_cpp(query.dtype)} "
                               f"instead.")
    if not query.is_floating_point():
        raise RuntimeError(f"expected scalar type Float but found {_scalar(query.dtype)}")
    if attn_mask is not None and attn_mask.dtype == D.bool:
        attn_mask = _bool_to_additive(attn_mask, query.dtype)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        from .creation import ones
        causal = ones(query.shape[-2], key.shape[-2], dtype=D.bool, device=query.device).tril()
        attn_mask = _bool_to_additive(causal, query.dtype)
    if enable_gqa:
        key, value = _expand_gqa(query, key, value)
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    sf = math.sqrt(abs(scale))
    q = query * (-sf if scale < 0 else sf)
    attn = q.matmul(key.transpose(-2, -1) * sf)
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = _safe_softmax(attn, -1)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
        from ..nn.functional import dropout
        attn = dropout(attn, dropout_p, True)
    return attn.matmul(value)


def _expand_gqa(query, key, value):
    """Grouped-query attention: repeat the key/value heads (dim -3) to the query's head count."""
    if query.dim() < 3 or key.dim() < 3 or value.dim() < 3:
        return key, value
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hq % hk != 0 or hq % hv != 0:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    if hk != hq:
        key = key.repeat_interleave(hq // hk, -3)
    if hv != hq:
        value = value.repeat_interleave(hq // hv, -3)
    return key, value


def _scalar(dtype):
    from .._errors import scalar_type_name
    return scalar_type_name(dtype)


# ----------------------------------------------------------------------------------------------------
# multi-head attention (torch.nn.functional.multi_head_attention_forward and its helpers)

def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask becomes an additive float mask (True -> -inf) of ``target_type``; float masks pass."""
    if mask is not None:
        mask_is_float = mask.is_floating_point()
        if mask.dtype != D.bool and not mask_is_float:
            raise AssertionError(f"only bool and floating types of {mask_name} are supported")
        if check_other and other_type is not None and mask.dtype != other_type:
            warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                          f"instead.", stacklevel=2)
        if not mask_is_float:
            mask = mask.new_zeros(mask.shape, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the inputs are batched (3-D) or not (2-D), checking the other shapes against it."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                     f"found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, query.shape[0], key.shape[0])
                if attn_mask.shape != expected_shape:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected_shape} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor")


def _linear(x, w, b):
    from ..nn.functional import linear
    return linear(x, w, b)


def _in_projection_packed(q, k, v, w, b=None):
    """q, k, v through the packed (3E, E) in-projection: one matmul when q is k is v, two when k is v."""
    e = q.size(-1)
    if k is v:
        if q is k:
            proj = _linear(q, w, b)
            proj = proj.unflatten(-1, (3, e)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([e, e * 2])
        b_q, b_kv = (None, None) if b is None else b.split([e, e * 2])
        q_proj = _linear(q, w_q, b_q)
        kv_proj = _linear(k, w_kv, b_kv)
        kv_proj = kv_proj.unflatten(-1, (2, e)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return q_proj, kv_proj[0], kv_proj[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    """q, k, v through separate projection weights (kdim / vdim differing from embed_dim)."""
    eq, ek, ev = q.size(-1), k.size(-1), v.size(-1)
    for what, t, shape in (("query weights", w_q, (eq, eq)), ("key weights", w_k, (eq, ek)),
                           ("value weights", w_v, (eq, ev))):
        if t.shape != shape:
            raise AssertionError(f"expecting {what} shape of {shape}, but got {t.shape}")
    for what, t in (("query bias", b_q), ("key bias", b_k), ("value bias", b_v)):
        if t is not None and t.shape != (eq,):
            raise AssertionError(f"expecting {what} shape of {(eq,)}, but got {t.shape}")
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _self_attention_heads(x, w, b, num_heads):
    """q, k, v of self-attention as (N, heads, L, head_dim) views of one packed projection (no copies).

    The same values as torch's ``_in_projection_packed`` followed by its per-head views; an input that is
    a transposed batch-first tensor (as ``MultiheadAttention(batch_first=True)`` passes it) is projected
    in its own row order, so it is not copied first either.
    """
    e = x.shape[-1]
    heads = (3, num_heads, e // num_heads)
    xb = x.transpose(0, 1)
    if xb.is_contiguous():
        proj = _linear(xb, w, b).unflatten(-1, heads).permute(2, 0, 3, 1, 4)
    else:
        proj = _linear(x, w, b).unflatten(-1, heads).permute(2, 1, 3, 0, 4)
    return proj.unbind(0)


def _pad_last(t):
    from .padding import pad
    return pad(t, (0, 1))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention over (L, N, E) query and (S, N, E_k/E_v) key/value (or unbatched (L, E)).

    Returns ``(attn_output (L, N, E), attn_weights)``: the weights are (N, L, S) averaged over heads (or
    (N, num_heads, L, S) with ``average_attn_weights=False``) when ``need_weights``, else None.
    """
    from ..nn.functional import dropout, softmax
    from .blas import baddbmm, bmm
    from .creation import zeros
    from .joining import cat
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    # self-attention straight to scaled_dot_product_attention: q, k, v come as per-head views (one copy
    # fewer each way than torch's Python path, same values)
    heads_direct = (query is key and key is value and not use_separate_proj_weight and not need_weights
                    and bias_k is None and bias_v is None and not add_zero_attn and static_k is None
                    and static_v is None)
    if not is_batched:
        query = query.unsqueeze(1)
        key = key.unsqueeze(1)
        value = value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask",
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                           "`generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        # the causal hint alone is enough for scaled_dot_product_attention
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if heads_direct:
            q, k, v = _self_attention_heads(query, in_proj_weight, in_proj_bias, num_heads)
        else:
            q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, w in (("q_proj_weight", q_proj_weight), ("k_proj_weight", k_proj_weight),
                        ("v_proj_weight", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name} is None")
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b_q, b_k, b_v)

    if attn_mask is not None:
        if attn_mask.dim() == 2:
            correct_2d_size = (tgt_len, src_len)
            if attn_mask.shape != correct_2d_size:
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{correct_2d_size}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            correct_3d_size = (bsz * num_heads, tgt_len, src_len)
            if attn_mask.shape != correct_3d_size:
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{correct_3d_size}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    if heads_direct:
        attn_mask = _merge_key_padding(attn_mask, key_padding_mask, bsz, num_heads, k.size(2))
        return _sdpa_heads(q, k, v, attn_mask, dropout_p if training else 0.0, is_causal, out_proj_weight,
                           out_proj_bias, is_batched)
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_k.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_k.size(0) of {bsz * num_heads}, but got {static_k.size(0)}")
        if static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k.size(2) of {head_dim}, but got {static_k.size(2)}")
        k = static_k
    if static_v is None:
        v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_v.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_v.size(0) of {bsz * num_heads}, but got {static_v.size(0)}")
        if static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v.size(2) of {head_dim}, but got {static_v.size(2)}")
        v = static_v

    if add_zero_attn:
        zero_attn_shape = (bsz * num_heads, 1, head_dim)
        k = cat([k, zeros(zero_attn_shape, dtype=k.dtype, device=k.device)], dim=1)
        v = cat([v, zeros(zero_attn_shape, dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)

    src_len = k.size(1)
    attn_mask = _merge_key_padding(attn_mask, key_padding_mask, bsz, num_heads, src_len)

    if not training:
        dropout_p = 0.0

    if need_weights:
        _, _, e = q.shape
        q_scaled = q * math.sqrt(1.0 / float(e))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            attn_output_weights = baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            attn_output_weights = bmm(q_scaled, k.transpose(-2, -1))
        attn_output_weights = softmax(attn_output_weights, dim=-1)
        if dropout_p > 0.0:
            attn_output_weights = dropout(attn_output_weights, p=dropout_p)
        attn_output = bmm(attn_output_weights, v)
        attn_output = attn_output.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
        attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
        attn_output_weights = attn_output_weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            attn_output_weights = attn_output_weights.mean(dim=1)
        if not is_batched:
            attn_output = attn_output.squeeze(1)
            attn_output_weights = attn_output_weights.squeeze(0)
        return attn_output, attn_output_weights

    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    return _sdpa_heads(q, k, v, attn_mask, dropout_p, is_causal, out_proj_weight, out_proj_bias, is_batched)


def _merge_key_padding(attn_mask, key_padding_mask, bsz, num_heads, src_len):
    """The (N * heads, L or 1, S) additive mask: ``attn_mask`` plus the key padding mask spread over heads."""
    if key_padding_mask is None:
        return attn_mask
    if key_padding_mask.shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
    if key_padding_mask.shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                             f"{key_padding_mask.shape[1]}")
    key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(
        bsz * num_heads, 1, src_len)
    return key_padding_mask if attn_mask is None else attn_mask + key_padding_mask


def _sdpa_heads(q, k, v, attn_mask, dropout_p, is_causal, out_proj_weight, out_proj_bias, is_batched):
    """The ``need_weights=False`` tail: scaled_dot_product_attention over (N, heads, L, head_dim) q, k, v,
    then the heads concatenated and the output projection; (L, N, E) (or (L, E) unbatched)."""
    bsz, num_heads, tgt_len, head_dim = q.shape
    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, k.shape[2])
    attn_output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    attn_output = attn_output.permute(2, 0, 1, 3).reshape(bsz * tgt_len, num_heads * head_dim)
    attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
    if not is_batched:
        attn_output = attn_output.squeeze(1)
    return attn_output, None
