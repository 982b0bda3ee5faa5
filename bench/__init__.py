"""Benchmarks; each prints ratios against a baseline measured in the same run."""

import logging

from app.allocator import keep_freed_memory

# The engine is timed as the app runs it: with freed memory kept for reuse (app/allocator.py).
keep_freed_memory()

# In-process requests would print one access-log line each; the figures are what matters here.
logging.getLogger("backprop_explorer.access").disabled = True
