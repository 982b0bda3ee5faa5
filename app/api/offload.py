"""Where an answer is computed: on the event loop when it is small, in the thread pool when not.

Handing a request to a thread costs more than a small layer's whole computation: measured with
`python -m bench.conv`, the Fig. 9.4 request answers at 52 % of a bare endpoint's rate on the
event loop (p99 7 ms) but at 40 % through the thread pool (p99 75 ms, the threads contending for
the interpreter). A large layer on the event loop, though, would hold up every other request,
the liveness probe `/healthz` too. So each request is placed by the work it asks for.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")

# Multiply-adds (or numbers written) below which a request answers in well under a millisecond.
SMALL_WORK = 20_000


async def compute(work: int, solve: Callable[[], T]) -> T:
    """`solve()` inline when `work` is small, else in the thread pool."""
    if work <= SMALL_WORK:
        return solve()
    return await run_in_threadpool(solve)
