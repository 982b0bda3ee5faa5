"""How long ``POST /api/v1/network`` takes against the same training loop in PyTorch (CPU, float64).

The chain conv (4 kernels of 3×3, bias) → relu → maxpool 2×2 → flatten → dense (10) on one
16×16 channel, trained by cross-entropy for 10 plain SGD steps. Three timings, each the
median of many repetitions:

- engine: ``network.train`` (which also keeps every layer's numbers of the first step);
- torch: the same loop with ``torch.optim.SGD``;
- http: the whole request through the app (validation, shape checks, engine, JSON), in process.

Run with ``python -m bench.network`` from the project root.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as tf
from fastapi.testclient import TestClient

from app.engine.activation import ActivationSpec
from app.engine.conv import ConvSpec
from app.engine.network import ActivationLayer, Conv2dLayer, DenseLayer, FlattenLayer, PoolLayer, train
from app.engine.pool import PoolSpec
from app.main import create_app

from . import median_ms

STEPS, RATE = 10, 0.1


def problem(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "x": rng.normal(size=(16, 16)),
        "kernel": rng.normal(size=(4, 1, 3, 3)) / 3,
        "bias": np.zeros(4),
        "weight": rng.normal(size=(10, 4 * 7 * 7)) / 14,
        "dense_bias": np.zeros(10),
        "target": np.eye(10)[3],
    }


def engine_run(p: dict[str, np.ndarray]) -> Callable[[], object]:
    layers = [
        Conv2dLayer(p["kernel"], p["bias"], ConvSpec()),
        ActivationLayer(ActivationSpec("relu")),
        PoolLayer(PoolSpec("max", (2, 2), (2, 2))),
        FlattenLayer(),
        DenseLayer(p["weight"], p["dense_bias"]),
    ]
    return lambda: train(layers, p["x"][None], p["target"], "cross_entropy", RATE, STEPS)


def torch_run(p: dict[str, np.ndarray]) -> Callable[[], None]:
    x, target = torch.tensor(p["x"])[None, None], torch.tensor(p["target"])

    def run() -> None:
        kernel, bias, weight, dense_bias = (
            torch.tensor(p[name], requires_grad=True) for name in ("kernel", "bias", "weight", "dense_bias")
        )
        optimizer = torch.optim.SGD([kernel, bias, weight, dense_bias], lr=RATE)
        for _ in range(STEPS):
            optimizer.zero_grad()
            hidden = tf.max_pool2d(torch.relu(tf.conv2d(x, kernel, bias)), 2).flatten()
            tf.cross_entropy(tf.linear(hidden, weight, dense_bias), target).backward()
            optimizer.step()

    return run


def request_body(p: dict[str, np.ndarray]) -> dict[str, Any]:
    return {
        "input": p["x"].tolist(),
        "layers": [
            {"type": "conv2d", "kernel": p["kernel"].tolist(), "bias": p["bias"].tolist()},
            {"type": "relu"},
            {"type": "maxpool", "size": 2},
            {"type": "flatten"},
            {"type": "dense", "weight": p["weight"].tolist(), "bias": p["dense_bias"].tolist()},
        ],
        "target": p["target"].tolist(),
        "loss": "cross_entropy",
        "learning_rate": RATE,
        "steps": STEPS,
    }


def main(repeats: int = 200, http_repeats: int = 50) -> None:
    p = problem(np.random.default_rng(0))
    client = TestClient(create_app())
    body = request_body(p)

    def post() -> None:
        response = client.post("/api/v1/network", json=body)
        assert response.status_code == 200, response.text

    engine_ms, torch_ms = median_ms(engine_run(p), repeats), median_ms(torch_run(p), repeats)
    http_ms = median_ms(post, http_repeats)
    print(f"conv → relu → maxpool → flatten → dense on 16×16, {STEPS} SGD steps, float64; numpy {np.__version__}, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads); medians")
    print(f"{'engine ms':>10} {'torch ms':>9} {'engine/torch':>13} {'http ms':>8} {'http/torch':>11}")
    ratios = f"{engine_ms / torch_ms:>13.2f} {http_ms:>8.2f} {http_ms / torch_ms:>11.2f}"
    print(f"{engine_ms:>10.3f} {torch_ms:>9.3f} {ratios}")


if __name__ == "__main__":
    main()
