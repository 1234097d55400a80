"""Small public-domain datasets bundled with ember for the examples (origins and licences: README.md)."""
import os

__all__ = ["path"]


def path(name):
    """Absolute path of the bundled file ``name`` (``digits.npz``, ``iris.csv``, ``corpus.txt``)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
