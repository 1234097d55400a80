"""glibc malloc settings for tensor-sized allocations, applied once at import.

By default glibc serves every block above a (dynamic) threshold with a fresh ``mmap`` and trims freed
memory at the top of the heap back to the OS, so an activation or gradient allocated on every training
step is page-faulted and zeroed by the kernel again on every step. Measured here: 40% of a LeNet step
and a third of a large convolution's forward went to those faults. PyTorch's CPU tuning guide answers
the same cost by swapping in jemalloc/tcmalloc; ember keeps glibc and raises its two thresholds
instead: blocks up to 32 MiB come from the heap and up to 64 MiB of freed heap is kept for reuse
(peak memory is unchanged; at most that much more stays resident between steps).

Left alone when the user tunes malloc already (``MALLOC_*_`` variables or ``GLIBC_TUNABLES``), off
glibc, or with ``EMBER_MALLOC_TUNING=0``.
"""
import os
import sys

MMAP_THRESHOLD = 32 << 20  # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 64 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def tune():
    """Apply the thresholds; True when they were set."""
    if os.environ.get("EMBER_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    if "malloc" in os.environ.get("GLIBC_TUNABLES", "") or any(
            k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")):
        return False
    import ctypes
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only: musl's mallopt is a no-op stub
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
