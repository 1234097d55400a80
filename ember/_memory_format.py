"""``torch.memory_format`` objects: contiguous_format, channels_last, channels_last_3d, preserve_format.

Ember stores every tensor as a strided NumPy view, so these name layouts to ask for (``contiguous``,
``to``, ``*_like``); they compare equal to their string names for code written against either."""


class memory_format:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, str):
            return other in (self.name, "torch." + self.name)
        return self is other

    def __hash__(self):
        return hash(self.name)

    def __reduce__(self):
        return (_by_name, (self.name,))


def _by_name(name):
    return globals()[name]


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
memory_format.__module__ = "torch"
