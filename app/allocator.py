"""Keep freed memory in the process for reuse, as PyTorch's caching allocator does.

NumPy takes each large temporary (above glibc's 128 KiB mmap threshold) straight from the
operating system and hands it back when freed, so every request pays to fault fresh pages in
again: on a 64×64 input with 8 kernels that costs about four times the arithmetic itself.
Raising the mmap and trim thresholds lets glibc reuse the same memory request after request.
Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024  # the largest glibc allows on 64-bit systems
_TRIM_THRESHOLD = 2 * _MMAP_THRESHOLD


def keep_freed_memory() -> bool:
    """Ask glibc to serve large blocks from its heap and keep them; True if it agreed."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
