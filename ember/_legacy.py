"""Legacy tensor types (being written)."""
__all__ = []
