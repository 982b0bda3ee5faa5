"""What every page is checked for alike: the headers it is served with, markup in a link that
must never run, and axe's verdict."""

from __future__ import annotations

import urllib.request
from email.message import Message

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Markup a share link may carry; each would set window.__pwned if it ever ran.
PAYLOADS = {
    "img-onerror": '<img src=x onerror="window.__pwned=1">',
    "script": "<script>window.__pwned=1</script>",
    "svg-onload": '"><svg onload=window.__pwned=1>',
}


def served_headers(base_url: str, path: str) -> Message:
    """The headers `path` is served with, after checking the two every response carries."""
    with urllib.request.urlopen(base_url + path) as response:
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    return headers


def record_dialogs(page: Page) -> list[str]:
    """The messages of the dialogs `page` opens from now on (each is dismissed)."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    """No payload ran: none set window.__pwned, and no dialog opened."""
    page.wait_for_timeout(300)  # give an injected handler time to fire, if one had got in
    assert page.evaluate("window.__pwned") is None, "a payload ran"
    assert dialogs == []


def assert_no_serious_axe_violation(page: Page) -> None:
    """axe finds nothing serious or critical on the page as it is now."""
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "axe: " + "; ".join(serious)
