"""Very long query strings on every page and API GET, through a real server: a page or a clear 4xx."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from app.api.routes.pages import NAV

PAGES = [path for path, _ in NAV] + ["/docs"]
PATHS = PAGES + ["/api/v1/conv2d", "/api/v1/pool", "/api/v1/activation", "/api/v1/rnn"]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("length", [10_000, 60_000, 1_000_000])
def test_long_queries_never_get_a_5xx(base_url: str, path: str, length: int) -> None:
    query = "input=" + ";".join(",".join(["12"] * 64) for _ in range(length // 192 + 1))
    status = _status(f"{base_url}{path}?{query[:length]}&kernel=1")
    assert status < 500, f"{path} with a {length}-character query answered {status}"
    if path in PAGES:
        assert status == 200, f"{path} should still show its page, got {status}"
