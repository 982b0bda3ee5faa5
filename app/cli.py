"""``backprop-explorer``: start the server and say where to open it."""

from __future__ import annotations

import argparse
import os
import tempfile
from typing import Any

import uvicorn

from . import assets

# What --reload watches besides Python: templates, scripts and styles (the static URLs carry a hash
# of the files, computed at start).
RELOAD_INCLUDES = ["*.py", "*.html", "*.js", "*.css"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="backprop-explorer", description="Serve Backprop Explorer.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    return parser.parse_args(argv)


def uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """uvicorn's settings for the command line `args`.

    With --reload, uvicorn watches the current directory unless told otherwise, which after a
    non-editable `pip install .` holds none of the running code: it is told to watch the directory
    the `app` package is imported from, and the static files and templates the app serves.
    """
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "workers": None if args.reload else args.workers,
        "reload": args.reload,
        "http": "app.http_protocol:HttpProtocol",  # share links up to 2 MiB (uvicorn's own stops at 64 KiB)
        "proxy_headers": True,
        "log_level": "info",
        "access_log": False,  # the app writes its own access log, one JSON line per request
    }
    if args.reload:
        package = assets.PACKAGE_DIR
        beside = [d for d in (assets.asset_dir("static"), assets.asset_dir("templates")) if package not in d.parents]
        options["reload_dirs"] = [str(d) for d in (package, *beside)]  # installed, the assets are inside app/
        options["reload_includes"] = RELOAD_INCLUDES
    return options


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker counts in its own process; /metrics adds them up from files here.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="backprop-explorer-metrics-")
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Backprop Explorer: open http://{shown}:{args.port}/ in your browser", flush=True)
    uvicorn.run("app.main:app", **uvicorn_options(args))


if __name__ == "__main__":
    main()
