"""``torch.backends.mha``: the fast path switch of ``nn.MultiheadAttention``/``TransformerEncoderLayer``
in eval mode.  Ember runs one code path; the switch is kept and read back."""
__all__ = ["get_fastpath_enabled", "set_fastpath_enabled"]

_fastpath = [True]


def get_fastpath_enabled():
    return _fastpath[0]


def set_fastpath_enabled(value):
    _fastpath[0] = bool(value)
