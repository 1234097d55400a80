"""``torch.return_types``: the named tuples returned by max/min/sort/topk/... (``values``, ``indices``)."""
import collections

_types = {}


def _type(name, fields):
    key = (name, fields)
    cls = _types.get(key)
    if cls is None:
        cls = collections.namedtuple(name, fields)
        cls.__module__ = "torch.return_types"
        cls.__repr__ = _repr
        _types[key] = cls
    return cls


def _repr(self):
    body = ",\n".join(f"{k}={v!r}" for k, v in zip(self._fields, self))
    return f"torch.return_types.{type(self).__name__}(\n{body})"


def ReturnType(name, *values, names=("values", "indices")):
    """An instance of ``torch.return_types.<name>`` holding ``values`` under ``names``."""
    return _type(name, names)(*values)
