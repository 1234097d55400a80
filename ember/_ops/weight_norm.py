"""``torch.norm_except_dim`` and ``torch._weight_norm``, composed of ember ops as torch's CPU code composes
them (so they differentiate any number of times)."""

__all__ = ["norm_except_dim", "_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim except ``dim``, keeping v's rank (size 1 elsewhere);
    ``dim=-1`` means the norm of the whole tensor (a 0-d result)."""
    if dim == -1:
        return v.norm(pow)
    nd = v.dim()
    if dim == 0:
        shape = (v.shape[0],) + (1,) * (nd - 1)
        return v.contiguous().view(v.shape[0], -1).norm(pow, 1).view(shape)
    if dim == nd - 1:
        shape = (1,) * (nd - 1) + (v.shape[-1],)
        return v.contiguous().view(-1, v.shape[-1]).norm(pow, 0).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _weight_norm(v, g, dim=0):
    """``v * (g / ||v||)`` with the norm taken over every dim except ``dim`` (weight normalisation)."""
    return v * (g / norm_except_dim(v, 2, dim))
