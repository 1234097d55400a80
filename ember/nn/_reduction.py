"""``torch.nn._reduction``: the reduction names and torch's mapping of the deprecated
``size_average``/``reduce`` pair."""
from .._ops.loss import get_enum, legacy_get_string

__all__ = ["get_enum", "legacy_get_string", "legacy_get_enum"]


def legacy_get_enum(size_average, reduce, emit_warning=True):
    return get_enum(legacy_get_string(size_average, reduce, emit_warning))
