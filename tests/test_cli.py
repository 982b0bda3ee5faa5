"""The start command a new user runs: it serves the app, says where to open it, and stays responsive."""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
import pytest

import uvicorn

from app import assets
from app.cli import parse_args, uvicorn_options
from app.gallery import share_query
from app.http_protocol import MAX_URL_BYTES

ROOT = Path(__file__).resolve().parent.parent


class Server(NamedTuple):
    url: str
    first_line: str


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """`backprop-explorer` (as `python -m app.cli`) on a free port; its output is read as it comes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    first_line = process.stdout.readline()
    # One JSON line per request: drained, or a full pipe would block the server.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                    assert json.load(response)["status"] == "ok"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer /healthz within 10 s")
        yield Server(url, first_line)
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, body: bytes | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_backprop_explorer_serves_and_prints_its_url(server: Server) -> None:
    assert f"{server.url}/" in server.first_line, server.first_line
    status, _, body = fetch(f"{server.url}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def _long_input(channels: int) -> str:
    """A share-link input of `channels` 64×64 channels, 29 KB each."""
    channel = ";".join(",".join("0.123456" for _ in range(64)) for _ in range(64))
    return "|".join([channel] * channels)


def test_share_links_of_hundreds_of_kilobytes_reach_the_app(server: Server) -> None:
    """uvicorn's own protocol refused any URL past 64 KiB with a plain-text 400 the app never saw."""
    query = f"input={_long_input(7)}&kernel={'|'.join(['1'] * 7)}"
    assert len(query) > 200_000
    status, headers, body = fetch(f"{server.url}/conv?{query}")
    assert status == 200 and headers["Content-Type"].startswith("text/html"), status
    assert "Content-Security-Policy" in headers
    status, headers, body = fetch(f"{server.url}/api/v1/conv2d?{query}")
    assert status == 200, body[:300]
    assert np.shape(json.loads(body)["grad_input"]) == (7, 64, 64)
    status, _, body = fetch(f"{server.url}/api/v1/conv2d?{query.partition('&')[0]}")
    assert status == 422 and json.loads(body)["detail"][0]["field"] == "kernel"


def test_the_longest_layer_link_the_network_page_writes_opens(server: Server) -> None:
    """An activation layer of an 8×64×64 network, its input and gradient at full precision: over a
    megabyte of link (the cap on a network's first-step record keeps every layer's link near this)."""
    rng = np.random.default_rng(0)
    layer = {
        "input": (rng.normal(size=(8, 64, 64)) * 1e-3).tolist(),
        "function": "tanh",
        "grad_output": (rng.normal(size=(8, 64, 64)) * 1e-7).tolist(),
    }
    query = share_query(layer, ("input", "function", "grad_output"))
    assert 1_000_000 < len(query) < MAX_URL_BYTES, len(query)
    status, headers, _ = fetch(f"{server.url}/activation?{query}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    status, _, body = fetch(f"{server.url}/api/v1/activation?{query}")
    assert status == 200, body[:300]
    assert json.loads(body)["output"][7][63][63] == pytest.approx(np.tanh(layer["input"][7][63][63]))


def test_a_url_past_the_limit_gets_a_json_414(server: Server) -> None:
    status, headers, body = fetch(f"{server.url}/api/v1/conv2d?input={'1' * MAX_URL_BYTES}")
    assert status == 414 and headers["Content-Type"] == "application/json", (status, body[:200])
    assert json.loads(body)["detail"][0]["field"] == "query"


def _median_healthz_seconds(url: str, samples: int) -> float:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fetch(f"{url}/healthz")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_healthz_answers_while_a_large_request_computes(server: Server) -> None:
    """The liveness probe has a 1 s timeout: a long computation on the event loop would fail it."""
    body = json.dumps({
        "input": np.ones((8, 64, 64)).tolist(),
        "kernel": np.ones((8, 8, 1, 1)).tolist(),
        "padding": 16,
        "terms_at": [{"result": "grad_kernel", "index": [i % 8, i // 8, 0, 0]} for i in range(64)],
    }).encode()
    durations: list[float] = []
    done = threading.Event()

    def load() -> None:
        while not done.is_set():
            start = time.perf_counter()
            status, _, _ = fetch(f"{server.url}/api/v1/conv2d", body)
            durations.append(time.perf_counter() - start)
            assert status == 200

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    try:
        time.sleep(0.5)
        during = _median_healthz_seconds(server.url, 15)
    finally:
        done.set()
        worker.join(timeout=120)
    heavy = statistics.median(durations)
    assert during < heavy / 4, f"/healthz took {during * 1e3:.0f} ms while a {heavy * 1e3:.0f} ms request ran"


def test_reload_watches_the_directories_the_app_is_served_from(tmp_path, monkeypatch) -> None:
    """After a non-editable `pip install .` the code runs from site-packages/app, with static/ and
    templates/ inside it; uvicorn alone would watch the current directory, which holds none of it."""
    installed = tmp_path / "site-packages" / "app"
    for folder in ("static", "templates"):
        (installed / folder).mkdir(parents=True)
    monkeypatch.setattr(assets, "PACKAGE_DIR", installed)
    monkeypatch.chdir(tmp_path)
    options = uvicorn_options(parse_args(["--reload"]))
    assert options["reload_dirs"] == [str(installed)]  # static/ and templates/ are inside it
    assert options["reload"] is True and options["workers"] is None
    config = uvicorn.Config("app.main:app", **options)
    assert config.reload_dirs == [installed], config.reload_dirs
    assert {"*.py", "*.html", "*.js", "*.css"} <= set(config.reload_includes)


def test_reload_in_a_checkout_watches_the_package_and_the_assets_beside_it() -> None:
    import app

    options = uvicorn_options(parse_args(["--reload"]))
    package = Path(app.__file__).resolve().parent
    assert options["reload_dirs"] == [str(package), str(ROOT / "static"), str(ROOT / "templates")]
    config = uvicorn.Config("app.main:app", **options)
    assert sorted(config.reload_dirs) == sorted([package, ROOT / "static", ROOT / "templates"])


def test_without_reload_nothing_is_watched_and_the_workers_are_kept() -> None:
    options = uvicorn_options(parse_args(["--workers", "3", "--port", "9000"]))
    assert options["workers"] == 3 and options["port"] == 9000 and options["reload"] is False
    assert "reload_dirs" not in options
