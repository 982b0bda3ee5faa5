"""Benchmarks; each prints ratios against a baseline measured in the same run."""

import os

# One BLAS thread for NumPy and PyTorch alike, whichever benchmark runs: the ratios compare
# code, not core counts. Set here, before any benchmark imports NumPy or torch.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import logging
import statistics
import time
from collections.abc import Callable

import torch

from app.allocator import keep_freed_memory

# The engine is timed as the app runs it: with freed memory kept for reuse (app/allocator.py).
keep_freed_memory()
torch.set_num_threads(1)

# In-process requests would print one access-log line each; the figures are what matters here.
logging.getLogger("backprop_explorer.access").disabled = True


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """The median wall time of `run` in milliseconds, after a few untimed warm-up calls."""
    for _ in range(3):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6
