"""The start command a new user runs: it serves the app and says where to open it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import uvicorn

from app import assets
from app.cli import parse_args, uvicorn_options

ROOT = Path(__file__).resolve().parent.parent


def test_backprop_explorer_serves_and_prints_its_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first_line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line, first_line
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert json.load(response)["status"] == "ok"
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer /healthz within 10 s")
    finally:
        server.terminate()
        server.wait(timeout=10)


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
