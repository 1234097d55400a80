"""Padding layers (``torch.nn.modules.padding``): circular, constant, reflection, replication and zero padding in
1, 2 and 3 dims, each ``F.pad`` with a fixed mode; ``padding`` is stored as the full tuple torch stores."""
from .. import functional as F
from .module import Module
from .utils import _ntuple, _pair, _quadruple

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]

_sextuple = _ntuple(6, "_sextuple")
_EXPAND = {1: _pair, 2: _quadruple, 3: _sextuple}


class _CircularPadNd(Module):
    __constants__ = ["padding"]

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, "circular")

    def extra_repr(self):
        return f"{self.padding}"


def _circular(nd):
    def __init__(self, padding):
        Module.__init__(self)
        self.padding = _EXPAND[nd](padding)

    def _check_input_dim(self, input):
        if input.dim() != nd + 1 and input.dim() != nd + 2:
            raise ValueError(f"expected {nd + 1}D or {nd + 2}D input (got {input.dim()}D input)")
    return type(f"CircularPad{nd}d", (_CircularPadNd,),
                {"__init__": __init__, "_check_input_dim": _check_input_dim, "__module__": __name__,
                 "__doc__": f"``torch.nn.CircularPad{nd}d``: wrap-around padding of the last {nd} dim(s)."})


CircularPad1d, CircularPad2d, CircularPad3d = _circular(1), _circular(2), _circular(3)


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _constant(nd):
    def __init__(self, padding, value):
        _ConstantPadNd.__init__(self, value)
        self.padding = _EXPAND[nd](padding)
    return type(f"ConstantPad{nd}d", (_ConstantPadNd,),
                {"__init__": __init__, "__module__": __name__,
                 "__doc__": f"``torch.nn.ConstantPad{nd}d``: pad the last {nd} dim(s) with ``value``."})


ConstantPad1d, ConstantPad2d, ConstantPad3d = _constant(1), _constant(2), _constant(3)


class _ReflectionPadNd(Module):
    __constants__ = ["padding"]

    def forward(self, input):
        return F.pad(input, self.padding, "reflect")

    def extra_repr(self):
        return f"{self.padding}"


class _ReplicationPadNd(Module):
    __constants__ = ["padding"]

    def forward(self, input):
        return F.pad(input, self.padding, "replicate")

    def extra_repr(self):
        return f"{self.padding}"


def _simple(nd, base, prefix, what):
    def __init__(self, padding):
        Module.__init__(self)
        self.padding = _EXPAND[nd](padding)
    return type(f"{prefix}{nd}d", (base,), {"__init__": __init__, "__module__": __name__,
                                             "__doc__": f"``torch.nn.{prefix}{nd}d``: {what} of the last {nd} dim(s)."})


ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (_simple(n, _ReflectionPadNd, "ReflectionPad", "reflection padding")
                                                     for n in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (_simple(n, _ReplicationPadNd, "ReplicationPad",
                                                                "edge-replicating padding") for n in (1, 2, 3))


def _zero(nd, base):
    def __init__(self, padding):
        base.__init__(self, padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"
    return type(f"ZeroPad{nd}d", (base,), {"__init__": __init__, "extra_repr": extra_repr, "__module__": __name__,
                                           "__doc__": f"``torch.nn.ZeroPad{nd}d``: zero padding of the last {nd} dim(s)."})


ZeroPad1d, ZeroPad2d, ZeroPad3d = _zero(1, ConstantPad1d), _zero(2, ConstantPad2d), _zero(3, ConstantPad3d)
