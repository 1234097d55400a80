"""``torch.random``: the default CPU generator and its seeding and state, bit-compatible with torch's."""
import contextlib

from ._generator import Generator
from ._ops.random_ops import _cuda_generators, default_generator

__all__ = ["set_rng_state", "get_rng_state", "manual_seed", "seed", "initial_seed", "fork_rng",
           "thread_safe_generator", "Generator", "default_generator"]


def set_rng_state(new_state):
    """Set the default CPU generator's state (a uint8 tensor, e.g. from ``torch.get_rng_state()``)."""
    default_generator.set_state(new_state)


def get_rng_state():
    """The default CPU generator's state as a uint8 tensor in torch's layout."""
    return default_generator.get_state()


def manual_seed(seed):
    """Seed every device's default generator; returns the CPU one (``torch.manual_seed``)."""
    seed = int(seed)
    for g in _cuda_generators.values():
        g.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed():
    """Seed every default generator from the OS's entropy and return the (53-bit) seed."""
    s = default_generator.seed()
    for g in _cuda_generators.values():
        g.manual_seed(s)
    return s


def initial_seed():
    """The seed the default CPU generator was last seeded with."""
    return default_generator.initial_seed()


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Restore the CPU generator's state (and the listed CUDA devices' generators) on exit."""
    if device_type == "meta" or not enabled:
        yield
        return
    cpu_state = get_rng_state()
    indices = sorted(_cuda_generators) if devices is None else [getattr(d, "index", d) or 0 for d in devices]
    saved = [(i, _cuda_generators[i].get_state()) for i in indices if i in _cuda_generators]
    try:
        yield
    finally:
        set_rng_state(cpu_state)
        for i, st in saved:
            _cuda_generators[i].set_state(st)


def thread_safe_generator():
    """The worker's own generator inside a thread-based DataLoader worker, else None (the default)."""
    try:
        from .utils.data import get_worker_info
    except ImportError:
        return None
    info = get_worker_info()
    if info is not None and getattr(info, "worker_method", None) == "thread" and getattr(info, "rng", None):
        return info.rng.torch_generator
    return None
