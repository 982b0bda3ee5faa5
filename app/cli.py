"""``backprop-explorer``: start the server and say where to open it."""

from __future__ import annotations

import argparse
import os
import tempfile

import uvicorn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="backprop-explorer", description="Serve Backprop Explorer.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    args = parser.parse_args(argv)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker counts in its own process; /metrics adds them up from files here.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="backprop-explorer-metrics-")
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Backprop Explorer: open http://{shown}:{args.port}/ in your browser", flush=True)
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        http="app.http_protocol:HttpProtocol",  # share links up to 2 MiB (uvicorn's own stops at 64 KiB)
        proxy_headers=True,
        log_level="info",
        access_log=False,  # the app writes its own access log, one JSON line per request
    )


if __name__ == "__main__":
    main()
