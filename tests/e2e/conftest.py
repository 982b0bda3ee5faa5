"""Browser tests: one uvicorn server and one Chromium for the whole session.

Every test gets a fresh browser context whose pages are watched: a console error, an
uncaught exception or a Content-Security-Policy violation on any page fails the test.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Reports every securitypolicyviolation event of every document to the test.
_WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}: ${event.sample}`);
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The app served by its own start command (`backprop-explorer`) from the repository root, on a free port."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/healthz", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_expected_422(message: ConsoleMessage) -> bool:
    """Chromium logs every 4xx answer to fetch() as a console error of its own. A 422 from an API
    endpoint is how invalid input gets its field message, so that one line is not a page error."""
    return (
        message.text.startswith("Failed to load resource: the server responded with a status of 422")
        and "/api/v1/" in message.location.get("url", "")
    )


class PageProblems:
    """What went wrong in the browser while a test ran."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not _is_expected_422(message):
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def assert_none(self) -> None:
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"
        assert not self.page_errors, f"uncaught exceptions: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(browser: Browser, base_url: str, problems: PageProblems) -> Iterator[BrowserContext]:
    """A fresh context (own storage and clipboard) whose every page is watched."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.expose_function("__reportViolation", lambda text: problems.csp_violations.append(text))
    context.add_init_script(_WATCH_CSP)
    context.on("page", problems.watch)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, problems: PageProblems) -> Iterator[Page]:
    """A watched page; at the end of the test it must have had no console error and no CSP violation."""
    page = context.new_page()
    yield page
    page.wait_for_timeout(50)  # let late events arrive
    problems.assert_none()


@pytest.fixture(scope="session")
def api(base_url: str) -> Callable[..., dict[str, Any]]:
    """POST a body to an endpoint of the test server (by default /api/v1/conv2d) and return its JSON.

    The answer must have the status `status` (200 unless told otherwise).
    """

    def post(body: dict[str, Any], path: str = "/api/v1/conv2d", status: int = 200) -> dict[str, Any]:
        request = urllib.request.Request(
            base_url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                got, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            got, payload = error.code, error.read()
        assert got == status, f"{path} answered {got}, expected {status}: {payload[:300]!r}"
        return json.loads(payload)

    return post
