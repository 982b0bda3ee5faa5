"""A mixed load on ``backprop-explorer --workers 2`` over loopback, bounded in time.

wrk cycles through the worked examples of every API (POST and the cacheable GET, /check and
/exercise included), every page (/worksheet and /docs included) with the worked examples' links,
and the static files the pages load under their versioned paths, while this script samples the
server's memory (all its processes)
once a second. It prints requests/s, p50/p99 latency, any non-2xx answers or socket errors,
peak memory, and memory in the first and last quarter of the run (flat means no leak).

    python -m bench.load [--seconds 180] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from fastapi.testclient import TestClient

from app.api.routes.pages import NAV
from app.api.schemas.activation import RELU_EXAMPLE
from app.api.schemas.check import UNROTATED
from app.api.schemas.conv import FIG_9_4
from app.api.schemas.network import TINY_CNN
from app.api.schemas.pool import FIG_9_8, FIG_9_9
from app.api.schemas.rnn import EXAMPLES as RNN_EXAMPLES
from app.gallery import SECTIONS
from app.gallery.core import share_query
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent


API_OF_PAGE = {
    "/conv": "/api/v1/conv2d",
    "/pool": "/api/v1/pool",
    "/activation": "/api/v1/activation",
    "/network": "/api/v1/network",
    "/rnn": "/api/v1/rnn",
}
STATIC_URL = re.compile(r'(?:src|href)="(/(?:static|docs-assets)/[0-9a-f]{12}/[^"]+)"')


def _requests() -> list[tuple[str, str, str | None]]:
    """(method, path, JSON body) of the mix: every API's examples by POST and by GET, every page and its
    worked examples' links, and the static files the pages load, under their versioned paths."""
    posts = [
        ("/api/v1/conv2d", FIG_9_4),
        ("/api/v1/conv2d", {**FIG_9_4, "terms": "auto"}),
        ("/api/v1/pool", FIG_9_8),
        ("/api/v1/pool", FIG_9_9),
        ("/api/v1/activation", RELU_EXAMPLE),
        ("/api/v1/network", TINY_CNN),
        *(("/api/v1/rnn", example["value"]) for example in RNN_EXAMPLES.values()),
        ("/api/v1/check", UNROTATED),
    ]
    mix: list[tuple[str, str, str | None]] = [("POST", path, json.dumps(body)) for path, body in posts]
    pages = [path for path, _ in NAV] + ["/docs"]
    for section in SECTIONS:
        for example in section.examples[:3]:
            pages.append(example.href)
            mix.append(("GET", f"{API_OF_PAGE[section.page]}?{example.href.split('?', 1)[1]}", None))
    check_link = share_query(UNROTATED["problem"], tuple(UNROTATED["problem"]))
    mix.append(("GET", f"/api/v1/check?kind=conv&result=grad_input&answer=4,11,6;-2,6,5;-2,1,1&{check_link}", None))
    for kind in ("conv", "pool", "activation", "rnn"):
        mix.append(("GET", f"/api/v1/exercise?kind={kind}&seed=42&count=4&difficulty=medium", None))
    mix.append(("GET", "/worksheet?kinds=conv,pool&count=3&difficulty=medium&seed=48213", None))
    mix += [("GET", page, None) for page in pages]
    client = TestClient(create_app())
    static: set[str] = set()
    for page in pages:
        static.update(STATIC_URL.findall(client.get(page).text))
    versioned = next(url for url in static if url.startswith("/static/")).split("/")[2]
    # The pages' scripts import the rest of static/js by relative paths, under the same version.
    static.update(f"/static/{versioned}/{path.relative_to(ROOT / 'static').as_posix()}"
                  for path in (ROOT / "static").rglob("*.*"))
    mix += [("GET", url, None) for url in sorted(static)] + [("GET", "/docs-init.js", None)]
    for method, path, body in mix:
        answer = client.request(method, path, content=body, headers={"content-type": "application/json"})
        if not 200 <= answer.status_code < 300:
            sys.exit(f"{method} {path[:80]} answered {answer.status_code}: the mix should hold only answered requests")
    return mix


def _lua(mix: list[tuple[str, str, str | None]]) -> str:
    lines = ["local requests = {}"]
    for method, path, body in mix:
        headers = '{["Content-Type"] = "application/json"}' if body else "{}"
        lines.append(f"requests[#requests + 1] = wrk.format({json.dumps(method)}, {json.dumps(path)}, {headers}, {json.dumps(body) if body else 'nil'})")
    lines += [
        "local i = 0",
        "request = function()",
        "  i = i % #requests + 1",
        "  return requests[i]",
        "end",
    ]
    return "\n".join(lines) + "\n"


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(seconds: int = 180, connections: int = 32) -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    port = _free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-metrics-")}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    samples: list[float] = []
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        mix = _requests()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_lua(mix))
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                samples.append(_tree_rss_mib(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout
        done.set()
        sampler.join()
        os.unlink(script.name)
    finally:
        server.terminate()
        server.wait(timeout=20)

    def latency(pct: str) -> str:
        return re.search(rf"\s{pct}%\s+(\S+)", out).group(1)

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = re.search(r"(\d+) requests in", out).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    quarter = max(1, len(samples) // 4)
    print(f"{len(mix)} different requests (every API's examples by POST and GET, pages, versioned static files), "
          f"{connections} connections, "
          f"{seconds} s, backprop-explorer --workers 2")
    print(f"{total} requests, {rps:.0f} req/s, p50 {latency('50')}, p99 {latency('99')}")
    print(f"non-2xx answers: {non_2xx.group(1) if non_2xx else 0}; socket errors: {errors.group(1) if errors else 'none'}")
    print(f"memory (all server processes): peak {max(samples):.0f} MiB; mean of the first quarter "
          f"{sum(samples[:quarter]) / quarter:.0f} MiB, of the last quarter {sum(samples[-quarter:]) / quarter:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--connections", type=int, default=32)
    arguments = parser.parse_args()
    main(arguments.seconds, arguments.connections)
