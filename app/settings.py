"""Runtime settings, read once from the environment.

Size limits that appear in the API schema live in :mod:`app.api.limits`, because the
schema is fixed when the app starts; what an operator may tune at run time is here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    max_body_bytes: int = 2 * 1024 * 1024
    # Per-element expansions are sent unasked only while they stay small (a few KiB of JSON).
    auto_terms_limit: int = 2_000
    # Asked for explicitly ("terms": "all", or cells by "terms_at"), they may be larger, but not unbounded:
    # A product is about 140 bytes of JSON and 10 µs, so the cap adds at most about 1.4 MB and 0.1 s to an
    # answer. It must stay above the products of the largest single cell: a kernel gradient cell sums one
    # per output cell, (64 + 2·16)² = 9,216 of them with the largest input and padding.
    max_terms: int = 10_000


@lru_cache
def get_settings() -> Settings:
    """The settings for this process; ``BPE_MAX_BODY_BYTES`` overrides the body cap."""
    return Settings(max_body_bytes=int(os.environ.get("BPE_MAX_BODY_BYTES", Settings.max_body_bytes)))


async def settings_dependency() -> Settings:
    """The settings as a FastAPI dependency; async, so it costs no thread hand-off per request.

    Tests replace it with ``app.dependency_overrides[settings_dependency]``.
    """
    return get_settings()
