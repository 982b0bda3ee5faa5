"""Convolution benchmark: the NumPy engine against PyTorch, and the API against a bare endpoint.

Both engines produce the same named intermediates (padded input, ∂L/∂P, upsampled
gradient, rotated kernel, padded upsampled gradient) besides O, ∂L/∂F and ∂L/∂I.

Run with ``python -m bench.conv``. Prints ratios measured in this run, so the figures
mean the same on any machine: engine time / torch time (below 1 is faster), and the
API's requests per second / the bare endpoint's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as tf

from app.api.schemas.conv import FIG_9_4
from app.engine.conv import ConvSpec, conv2d_backward, conv2d_forward

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    # (label, C_in, n, C_out, k, stride, padding)
    ("3×3 input, 2×2 kernel (Fig. 9.4)", 1, 3, 1, 2, 1, 0),
    ("8×8, 3×3 kernel, stride 2, padding 1", 1, 8, 1, 3, 2, 1),
    ("32×32, 5×5 kernel", 1, 32, 1, 5, 1, 0),
    ("64×64, 3 channels, 8 kernels of 5×5", 3, 64, 8, 5, 1, 0),
]


def _median_seconds(fn, budget: float = 1.0) -> float:
    """Median time of one call, from enough repetitions to fill about `budget` seconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    repeats = max(5, int(budget / max(timer.timeit(number) / number * number, 1e-9)))
    return statistics.median(t / number for t in timer.repeat(repeat=min(repeats, 15), number=number))


def engine_vs_torch() -> list[tuple[str, float, float]]:
    rows = []
    rng = np.random.default_rng(0)
    for label, c_in, n, c_out, k, stride, padding in CASES:
        x, kernel = rng.normal(size=(c_in, n, n)), rng.normal(size=(c_out, c_in, k, k))
        spec = ConvSpec((stride, stride), (padding,) * 4)
        out, _ = conv2d_forward(x, kernel, None, spec)
        grad = rng.normal(size=out.shape)

        def numpy_pass() -> None:
            o, cache = conv2d_forward(x, kernel, None, spec)
            conv2d_backward(grad, cache)

        tx, tk, tg = torch.tensor(x[None]), torch.tensor(kernel), torch.tensor(grad[None])
        span = tk.shape[-1]
        full = tx.shape[-1] + 2 * padding - span + 1

        def torch_pass() -> None:
            """Autograd's forward and backward plus the same named intermediates the engine returns."""
            xi, ki = tx.clone().requires_grad_(), tk.clone().requires_grad_()
            padded = tf.pad(xi, (padding,) * 4)
            padded.retain_grad()  # ∂L/∂P
            tf.conv2d(padded, ki, stride=stride).backward(tg)
            upsampled = torch.zeros((1, tg.shape[1], full, full))
            upsampled[..., ::stride, ::stride] = tg
            ki.detach().flip(2, 3)  # F¹⁸⁰
            tf.pad(upsampled, (span - 1,) * 4)  # the zero-padded G↑ of the full convolution

        rows.append((label, _median_seconds(numpy_pass), _median_seconds(torch_pass)))
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, body: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"errors under load:\n{out}")

    def latency(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency("50"), "p99": latency("99")}


def api_vs_bare(seconds: int = 5, connections: int = 16) -> dict[str, dict[str, float]]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log, one line per request for both endpoints alike
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        body = json.dumps(FIG_9_4)
        base = f"http://127.0.0.1:{port}"
        _wrk(f"{base}/api/v1/conv2d", body, 1, connections)  # warm-up
        return {
            "bare": _wrk(f"{base}/bench/bare", body, seconds, connections),
            "conv2d": _wrk(f"{base}/api/v1/conv2d", body, seconds, connections),
        }
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    print("Engine forward+backward, NumPy vs PyTorch CPU (float64, one thread), median per pass")
    print(f"{'case':42} {'numpy':>10} {'torch':>10} {'numpy/torch':>12}")
    for label, numpy_s, torch_s in engine_vs_torch():
        print(f"{label:42} {numpy_s * 1e6:8.1f}µs {torch_s * 1e6:8.1f}µs {numpy_s / torch_s:12.2f}")
    if shutil.which("wrk") is None:
        print("\nwrk is not installed (apt-get install -y wrk): skipping the API load test")
        return
    print("\nAPI under load on loopback (one uvicorn worker, wrk: 16 connections, 5 s)")
    results = api_vs_bare()
    for name, r in results.items():
        print(f"{name:8} {r['rps']:9.0f} req/s   p50 {r['p50']:6.2f} ms   p99 {r['p99']:6.2f} ms")
    print(f"conv2d / bare: {results['conv2d']['rps'] / results['bare']['rps']:.0%} of the bare endpoint's requests/s")


if __name__ == "__main__":
    main()
