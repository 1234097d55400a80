"""``torch.backends.opt_einsum``: contraction-order search for ``einsum`` with three or more operands.
Ember's einsum contracts through NumPy's ``optimize`` path search, so the ``opt_einsum`` package is not used."""
__all__ = ["is_available", "get_opt_einsum", "enabled", "strategy"]

enabled = False
strategy = None


def is_available():
    return False


def get_opt_einsum():
    return None
