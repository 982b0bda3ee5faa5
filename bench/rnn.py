"""How long ``POST /api/v1/rnn`` takes against the same network in PyTorch (CPU, float64, autograd).

For T = 8, 32, 64 and d_in = d_h = d_out = 16 (tanh, identity output, mse), three timings, each
the median of many repetitions:

- engine: ``rnn_forward`` + ``rnn_backward`` (which also keep every step's contribution to every
  weight gradient and run a second backward pass for the last step's loss alone);
- torch: the same loop in PyTorch, ``L.backward()`` for the six gradients;
- http: the whole request through the app (validation, engine, spectrum, JSON), in process.

Run with ``python -m bench.rnn`` from the project root.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import torch
from fastapi.testclient import TestClient

from app.engine.rnn import RnnParams, RnnSpec, rnn_backward, rnn_forward
from app.main import create_app

from . import median_ms


class Row(NamedTuple):
    T: int
    engine_ms: float
    torch_ms: float
    http_ms: float


def network(T: int, d: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, RnnParams]:
    """A random sequence, targets and weights; weights scaled by 1/√d keep tanh out of saturation."""

    def scaled(*shape: int) -> np.ndarray:
        return rng.normal(size=shape) / np.sqrt(d)

    params = RnnParams(scaled(d, d), scaled(d, d), scaled(d, d), scaled(d), scaled(d), np.zeros(d))
    return rng.normal(size=(T, d)), rng.normal(size=(T, d)), params


def torch_step(x: np.ndarray, y: np.ndarray, params: RnnParams) -> Callable[[], None]:
    """The same forward, losses and backward in PyTorch; weights are leaves shared by every step."""
    X, Y = torch.tensor(x), torch.tensor(y)
    leaves = [torch.tensor(p, requires_grad=True) for p in params]

    def run() -> None:
        U, W, V, b, c, h0 = leaves
        for leaf in leaves:
            leaf.grad = None
        h, total = h0, torch.zeros((), dtype=torch.float64)
        for t in range(X.shape[0]):
            h = torch.tanh(U @ X[t] + W @ h + b)
            total = total + torch.nn.functional.mse_loss(V @ h + c, Y[t])
        total.backward()

    return run


def bench_rnn(
    steps: tuple[int, ...] = (8, 32, 64), d: int = 16, repeats: int = 300, http_repeats: int = 60
) -> list[Row]:
    rng = np.random.default_rng(0)
    spec = RnnSpec("tanh", "identity", "mse")
    client = TestClient(create_app())
    rows = []
    for T in steps:
        x, y, params = network(T, d, rng)
        engine = median_ms(lambda: rnn_backward(rnn_forward(x, y, params, spec)[1]), repeats)
        torch_ms = median_ms(torch_step(x, y, params), repeats)
        body = {"x": x.tolist(), "y": y.tolist(), **{k: v.tolist() for k, v in params._asdict().items()}}

        def post() -> None:
            response = client.post("/api/v1/rnn", json=body)
            assert response.status_code == 200, response.text

        rows.append(Row(T, engine, torch_ms, median_ms(post, http_repeats)))
    return rows


def main() -> None:
    print(f"RNN forward + BPTT, d = 16, float64; numpy {np.__version__}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads); medians")
    print(f"{'T':>4} {'engine ms':>10} {'torch ms':>9} {'engine/torch':>13} {'http ms':>8} {'http/torch':>11}")
    for row in bench_rnn():
        print(f"{row.T:>4} {row.engine_ms:>10.3f} {row.torch_ms:>9.3f} {row.engine_ms / row.torch_ms:>13.2f} "
              f"{row.http_ms:>8.2f} {row.http_ms / row.torch_ms:>11.2f}")


if __name__ == "__main__":
    main()
