"""Every page the site links to, opened in Chromium: no CSP violation, no error, no inline code.

The pages' own tests go deep; this one makes sure a page added to the navigation (or /docs)
is held to the same headers from the day it appears.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import Page

from app.api.routes.pages import NAV

from .conftest import PageProblems

PATHS = [path for path, _ in NAV] + ["/docs"]


@pytest.mark.parametrize("path", PATHS)
def test_page_loads_without_csp_violations_or_errors(page: Page, problems: PageProblems, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.locator("main, #swagger-ui").first.is_visible()
    problems.assert_none()


@pytest.mark.parametrize("path", PATHS)
def test_csp_never_allows_inline_code(base_url: str, path: str) -> None:
    with urllib.request.urlopen(base_url + path) as response:
        csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "default-src 'none'" in csp
