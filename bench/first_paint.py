"""Milliseconds from navigation to the output matrix being painted, on loopback.

Starts the app with uvicorn on a free port, opens the Fig. 9.4 share link in Chromium several
times (a fresh browser context each time, so nothing is cached) and prints the median time
from the start of navigation to the first frame painted after the output grid appeared.

    python bench/first_paint.py [--runs 9] [--url /conv?...]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.gallery.conv import EXAMPLES  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

# Records, in the page, the time of the first frame after the output grid's cells exist:
# a requestAnimationFrame callback runs before that frame paints, the task it queues after.
_WATCH_OUTPUT = """
new MutationObserver((_, observer) => {
  if (!document.querySelector('[data-matrix="output"] td[data-value]')) return;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => { window.__outputPainted = performance.now(); }));
}).observe(document, { childList: true, subtree: true });
"""


def first_paint_ms(browser: Browser, url: str) -> float:
    """Navigation start to the output matrix painted, in milliseconds, for one cold page load."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_WATCH_OUTPUT)
        page.goto(url)
        page.wait_for_function("() => window.__outputPainted !== undefined", timeout=60_000)
        return float(page.evaluate("window.__outputPainted"))
    finally:
        context.close()


def measure(base_url: str, path: str, runs: int) -> list[float]:
    """`runs` cold loads of `path` (after one warm-up load that is not counted)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            first_paint_ms(browser, base_url + path)
            return [first_paint_ms(browser, base_url + path) for _ in range(runs)]
        finally:
            browser.close()


def _serve() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="page loads to take the median of (default 9)")
    parser.add_argument("--url", default=EXAMPLES[0].href, help="path and query to open (default: Fig. 9.4)")
    args = parser.parse_args()
    process, base_url = _serve()
    try:
        times = measure(base_url, args.url, args.runs)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(
        f"first paint of the output: median {statistics.median(times):.0f} ms "
        f"(min {min(times):.0f}, max {max(times):.0f}, {len(times)} runs, loopback, Chromium)"
    )


if __name__ == "__main__":
    main()
