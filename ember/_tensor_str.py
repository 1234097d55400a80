"""Tensor printing (being written)."""


def _str(t, tensor_contents=None):
    return f"tensor({t._data.tolist()})"


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    raise NotImplementedError("ember: set_printoptions is being written")


def get_printoptions():
    raise NotImplementedError("ember: get_printoptions is being written")
