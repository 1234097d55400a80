"""``torch.backends.mps``: Apple's Metal backend — not part of Ember."""
__all__ = ["is_available", "is_built", "is_macos13_or_newer", "is_macos_or_newer", "get_name", "get_core_count"]


def is_available():
    return False


def is_built():
    return False


def is_macos13_or_newer(minor=0):
    return False


def is_macos_or_newer(major, minor):
    return False


def get_name():
    return ""


def get_core_count():
    return 0
