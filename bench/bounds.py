"""The slowest request each endpoint admits, and how long it holds a worker.

For every endpoint this sends a family of requests at the documented limits (the largest
inputs, every padding, window, function and layer type, networks at the largest number of
steps the work bound lets through), each once, keeps those the app admits (200), and times
the slowest again: CPU seconds of the whole process (NumPy's threads included) and wall
seconds, the median of a few runs, with the size of the JSON answer. The CPU time is also
given as a ratio to the Fig. 9.4 convolution request's, timed in the same run, so it compares
code rather than machines.

    python -m bench.bounds [--repeats 3]

Requests go through the app in process (validation, engine, JSON; no network, no gzip).
"""

from __future__ import annotations

import os

# One BLAS thread, as each worker of `backprop-explorer --workers 2` on two cores is best run, and
# so that a busy neighbour's core does not show up as spinning BLAS threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import statistics
import time
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np
from fastapi.testclient import TestClient

from app.api import limits
from app.api.schemas.conv import FIG_9_4
from app.engine.activation import ActivationSpec
from app.engine.conv import ConvSpec
from app.engine.network import (
    ActivationLayer, Conv2dLayer, DenseLayer, FlattenLayer, Layer, PoolLayer, check_chain, step_cost,
)
from app.engine.pool import PoolSpec
from app.main import create_app

from . import median_ms  # noqa: F401  (sets up the allocator and quiets the access log)

S, C, K, KS = limits.MAX_SIDE, limits.MAX_CHANNELS, limits.MAX_KERNELS, limits.MAX_KERNEL_SIDE
HEADERS = {"content-type": "application/json", "accept-encoding": "identity"}


class Case(NamedTuple):
    label: str
    method: str
    path: str
    body: bytes | None  # JSON, encoded once so the client's own encoding is not timed
    group: str = ""  # networks: which kind of layer does most of the work


class Timing(NamedTuple):
    cpu: float
    wall: float
    size: int
    status: int
    refusal: str = ""  # the first error's field and message, for a 4xx


def post(label: str, path: str, body: dict[str, Any], group: str = "") -> Case:
    return Case(label, "POST", path, json.dumps(body).encode(), group)


def get(label: str, path: str) -> Case:
    return Case(label, "GET", path, None)


def numbers(rng: np.random.Generator, *shape: int) -> list:
    """Random numbers with two decimals: full arithmetic, bodies well inside the 2 MiB cap."""
    return np.round(rng.normal(size=shape), 2).tolist()


def conv_cases(rng: np.random.Generator) -> Iterator[Case]:
    x, kernel = numbers(rng, C, S, S), numbers(rng, K, C, KS, KS)
    for padding in (0, 3, limits.MAX_PADDING):
        body = {"input": x, "kernel": kernel, "padding": padding, "bias": [0.5] * K, "learning_rate": 0.1}
        yield post(f"8×64×64, 8 kernels 7×7, padding {padding}", "/api/v1/conv2d", body)
    dilated = {"input": x, "kernel": kernel, "padding": limits.MAX_PADDING, "dilation": limits.MAX_DILATION}
    yield post("8×64×64, 8 kernels 7×7, padding 16, dilation 8", "/api/v1/conv2d", dilated)
    target = {"input": x, "kernel": kernel, "padding": 3, "target": numbers(rng, K, S, S), "loss": "cross_entropy"}
    yield post("8×64×64, 8 kernels 7×7, padding 3, cross-entropy target", "/api/v1/conv2d", target)
    one_by_one = {"input": x, "kernel": numbers(rng, K, C, 1, 1), "padding": limits.MAX_PADDING}
    cells = [{"result": "grad_kernel", "index": [i % K, i // K % C, 0, 0]} for i in range(limits.MAX_TERMS_AT)]
    yield post("8×64×64, 8 kernels 1×1, padding 16, terms_at 64 ∂L/∂F cells", "/api/v1/conv2d", {**one_by_one, "terms_at": cells})
    outputs = [{"result": "output", "index": [i % K, i, i]} for i in range(limits.MAX_TERMS_AT)]
    yield post("8×64×64, 8 kernels 7×7, padding 16, terms_at 64 output cells", "/api/v1/conv2d",
               {**dilated, "dilation": 1, "terms_at": outputs})
    small = {"input": numbers(rng, C, 12, 12), "kernel": numbers(rng, K, C, 3, 3), "terms": "all"}
    yield post("8×12×12, 8 kernels 3×3, terms all (at the cap)", "/api/v1/conv2d", small)


def pool_cases(rng: np.random.Generator) -> Iterator[Case]:
    random, constant = numbers(rng, C, S, S), np.ones((C, S, S)).tolist()
    for size in (1, 2, 3, 5, 8, 13, 16, 22, 32, 64):
        for stride in sorted({1, 2, size}):
            for mode, ties in (("avg", "first"), ("max", "first"), ("max", "all"), ("max", "split")):
                for name, x in (("random", random), ("all ties", constant)):
                    if mode == "avg" and name == "all ties":
                        continue
                    body = {"input": x, "mode": mode, "size": size, "stride": stride, "padding": size // 2}
                    if mode == "max":
                        body["ties"] = ties
                    label = f"8×64×64 {name}, {mode} {size}×{size} stride {stride} padding {size // 2}"
                    yield post(label + (f" ties {ties}" if mode == "max" else ""), "/api/v1/pool", body)


def activation_cases(rng: np.random.Generator) -> Iterator[Case]:
    for function in ("relu", "leaky_relu", "sigmoid", "tanh", "softmax"):
        for label, x in (("8×64×64", numbers(rng, C, S, S)), ("4096", numbers(rng, limits.MAX_VECTOR)),
                         ("64", numbers(rng, limits.MAX_JACOBIAN_SIDE))):
            yield post(f"{function} on {label}", "/api/v1/activation", {"input": x, "function": function})


def rnn_cases(rng: np.random.Generator) -> Iterator[Case]:
    T, d = limits.MAX_STEPS, limits.MAX_RNN_SIZE
    base = {
        "x": numbers(rng, T, d), "y": numbers(rng, T, d), "U": numbers(rng, d, d), "W": numbers(rng, d, d),
        "V": numbers(rng, d, d), "b": numbers(rng, d), "c": numbers(rng, d), "h0": numbers(rng, d),
        "learning_rate": 0.1,
    }
    for truncation in (None, 1, 8, T):
        for hidden in ("tanh", "relu", "sigmoid"):
            body = {**base, "hidden_activation": hidden, "truncation": truncation}
            yield post(f"T = 64, d = 16, {hidden}, truncation {truncation}", "/api/v1/rnn", body)


def check_cases(rng: np.random.Generator) -> Iterator[Case]:
    x, kernel = numbers(rng, C, S, S), numbers(rng, K, C, KS, KS)
    problem = {"input": x, "kernel": kernel, "padding": limits.MAX_PADDING}
    answer = np.zeros((C, S, S)).tolist()
    yield post("conv 8×64×64, 8 kernels 7×7, padding 16: grad_input", "/api/v1/check",
               {"kind": "conv", "problem": problem, "result": "grad_input", "answer": answer})
    # The largest layers still diagnosed: each known mistake recomputes the layer once.
    small = {"input": numbers(rng, 2, 16, 16), "kernel": numbers(rng, 2, 2, 3, 3), "stride": 2, "padding": 1}
    yield post("conv 2×16×16, 2 kernels 3×3, diagnosed", "/api/v1/check",
               {"kind": "conv", "problem": small, "result": "grad_input", "answer": np.zeros((2, 16, 16)).tolist()})
    pool = {"input": numbers(rng, C, S, S), "mode": "max", "size": 2, "stride": 1, "ties": "split"}
    yield post("pool 8×64×64, max 2×2 stride 1", "/api/v1/check",
               {"kind": "pool", "problem": pool, "result": "grad_input", "answer": np.zeros((C, S, S)).tolist()})
    T, d = limits.MAX_STEPS, limits.MAX_RNN_SIZE
    rnn = {"x": numbers(rng, T, d), "y": numbers(rng, T, d), "U": numbers(rng, d, d), "W": numbers(rng, d, d),
           "V": numbers(rng, d, d)}
    for result in ("grad_W", "steps[0].grad_h"):
        answer = np.zeros(d if result.startswith("steps") else (d, d)).tolist()
        yield post(f"rnn T = 64, d = 16: {result}", "/api/v1/check",
                   {"kind": "rnn", "problem": rnn, "result": result, "answer": answer})


def exercise_cases() -> Iterator[Case]:
    for kind in ("conv", "pool", "activation", "rnn"):
        for difficulty in ("easy", "medium", "hard"):
            query = f"kind={kind}&seed=7&count={limits.MAX_EXERCISES}&difficulty={difficulty}"
            yield get(f"{kind}, {limits.MAX_EXERCISES} exercises, {difficulty}", f"/api/v1/exercise?{query}")
    largest = {
        "conv": "input_min=8&window_min=4&channels_min=3&kernels_min=3&padding_min=2&stride_max=1",
        "rnn": "steps_min=5&hidden_min=3",
    }
    for kind, ranges in largest.items():
        query = f"kind={kind}&seed=7&count={limits.MAX_EXERCISES}&difficulty=hard&{ranges}"
        yield get(f"{kind}, {limits.MAX_EXERCISES} exercises, hard, the largest ranges", f"/api/v1/exercise?{query}")


def layer_json(layer: Layer, rng: np.random.Generator) -> dict[str, Any]:
    if isinstance(layer, Conv2dLayer):
        return {"type": "conv2d", "kernel": numbers(rng, *layer.kernel.shape), "bias": [0.0] * layer.kernel.shape[0],
                "stride": list(layer.spec.stride), "padding": list(layer.spec.padding),
                "dilation": list(layer.spec.dilation)}
    if isinstance(layer, PoolLayer):
        spec = layer.spec
        return {"type": f"{spec.mode}pool", "size": list(spec.size), "stride": list(spec.stride),
                "padding": list(spec.padding), **({"ties": spec.ties} if spec.mode == "max" else {})}
    if isinstance(layer, DenseLayer):
        return {"type": "dense", "weight": np.round(rng.normal(size=layer.weight.shape) / 10, 2).tolist()}
    if isinstance(layer, FlattenLayer):
        return {"type": "flatten"}
    return {"type": layer.spec.function}


def network_case(
    group: str, label: str, layers: list[Layer], shape: tuple[int, ...], rng: np.random.Generator
) -> Case | None:
    """The chain trained for as many steps as the work bound admits (at most the step limit)."""
    cost = step_cost(layers, shape)
    steps = min(limits.MAX_TRAINING_STEPS, limits.MAX_NETWORK_WORK // cost)
    if steps < 1:
        return None
    out = check_chain(layers, shape)[-1]
    body = {"input": numbers(rng, *shape), "layers": [layer_json(layer, rng) for layer in layers],
            "target": np.zeros(out).tolist(), "loss": "mse", "learning_rate": 1e-6, "steps": int(steps)}
    return post(f"{label}, {steps} steps", "/api/v1/network", body, group)


def network_cases(rng: np.random.Generator) -> Iterator[Case]:
    def conv(c_out: int, c_in: int, k: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> Conv2dLayer:
        return Conv2dLayer(np.zeros((c_out, c_in, k, k)), np.zeros(c_out),
                           ConvSpec((stride, stride), (padding,) * 4, (dilation, dilation)))

    def pool(mode: str, k: int, stride: int = 1, ties: str = "first") -> PoolLayer:
        return PoolLayer(PoolSpec(mode, (k, k), (stride, stride), (0, 0, 0, 0), ties))

    def act(name: str) -> ActivationLayer:
        return ActivationLayer(ActivationSpec(name))

    def dense(n_out: int, n_in: int) -> DenseLayer:
        return DenseLayer(np.zeros((n_out, n_in)), None)

    big = (C, S, S)
    candidates: list[tuple[str, str, list[Layer], tuple[int, ...]]] = [
        ("conv", "conv 8×8×7×7 padding 3 on 8×64×64", [conv(8, 8, 7, 3)], big),
        ("conv", "conv 8×8×7×7 padding 16 dilation 8 on 8×64×64", [conv(8, 8, 7, 16, 1, 8)], big),
        ("conv", "conv 8×8×1×1 stride 16 on 8×64×64", [conv(8, 8, 1, 0, 16)], big),
        ("conv", "conv 1×8×7×7 padding 16 → avgpool 2 on 8×64×64", [conv(1, 8, 7, 16), pool("avg", 2, 2)], big),
        ("conv", "conv 1×8×7×7 stride 16 padding 16 on 8×64×64", [conv(1, 8, 7, 16, 16)], big),
        ("conv", "conv 4×4×7×7 → relu → maxpool 2 → flatten → dense 4×3364 on 4×64×64",
         [conv(4, 4, 7), act("relu"), pool("max", 2, 2), FlattenLayer(), dense(4, 4 * 29 * 29)], (4, S, S)),
        ("dense", "flatten → dense 16×4096 on 1×64×64", [FlattenLayer(), dense(16, S * S)], (1, S, S)),
        ("dense", "flatten → dense 2×16384 on 4×64×64", [FlattenLayer(), dense(2, 4 * S * S)], (4, S, S)),
        ("dense", "12 × dense 80×80 on 80", [dense(80, 80)] * limits.MAX_LAYERS, (80,)),
        ("per layer", "12 × relu on 1×2×2", [act("relu")] * limits.MAX_LAYERS, (1, 2, 2)),
        ("per layer", "12 × maxpool 1×1 on 1×2×2", [pool("max", 1)] * limits.MAX_LAYERS, (1, 2, 2)),
        ("per layer", "12 × conv 1×1×1×1 on 1×2×2", [conv(1, 1, 1)] * limits.MAX_LAYERS, (1, 2, 2)),
        ("activation", "12 × tanh on 5×32×32 (the largest first-step record)", [act("tanh")] * 12, (5, 32, 32)),
        ("activation", "6 × (tanh → sigmoid) on 1×64×64", [act("tanh"), act("sigmoid")] * 6, (1, S, S)),
    ]
    for name in ("relu", "leaky_relu", "sigmoid", "tanh", "softmax"):
        candidates.append(("activation", f"{name} on 8×64×64", [act(name)], big))
    for mode in ("max", "avg"):
        for k, stride in ((2, 1), (3, 1), (5, 1), (8, 1), (13, 1), (16, 2), (32, 4)):
            for ties in (("first", "all", "split") if mode == "max" else ("first",)):
                label = f"{mode}pool {k}×{k} stride {stride} ties {ties} on 8×64×64"
                candidates.append(("pool", label, [pool(mode, k, stride, ties)], big))
        candidates.append(("pool", f"{mode}pool 64×64 on 8×64×64", [pool(mode, 64, limits.MAX_STRIDE)], big))
    for group, label, layers, shape in candidates:
        case = network_case(group, label, layers, shape, rng)
        if case is not None:
            yield case


def run(client: TestClient, case: Case) -> Timing:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.request(case.method, case.path, content=case.body, headers=HEADERS)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    refusal = ""
    if response.status_code >= 400:
        detail = response.json().get("detail", [{}])[0]
        refusal = f"{detail.get('field')}: {detail.get('msg', '')[:100]}"
    return Timing(cpu, wall, len(response.content), response.status_code, refusal)


def timed(client: TestClient, case: Case, repeats: int) -> Timing:
    runs = [run(client, case) for _ in range(repeats)]
    return Timing(statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs), runs[0].size,
                  runs[0].status)


def main(repeats: int = 3, verbose: bool = False, only: set[str] | None = None) -> None:
    rng = np.random.default_rng(0)
    client = TestClient(create_app())
    baseline_case = post("Fig. 9.4", "/api/v1/conv2d", FIG_9_4)
    for _ in range(20):
        run(client, baseline_case)
    baseline = timed(client, baseline_case, 200)
    families: dict[str, Callable[[], Iterator[Case]]] = {
        "conv2d": lambda: conv_cases(rng),
        "pool": lambda: pool_cases(rng),
        "activation": lambda: activation_cases(rng),
        "network": lambda: network_cases(rng),
        "rnn": lambda: rnn_cases(rng),
        "check": lambda: check_cases(rng),
        "exercise": exercise_cases,
    }
    print(f"baseline: POST /api/v1/conv2d with Fig. 9.4, {baseline.wall * 1e3:.2f} ms wall, "
          f"{baseline.cpu * 1e3:.2f} ms CPU (median of 200)")
    print(f"{'endpoint':<22} {'CPU s':>6} {'wall s':>7} {'× baseline':>11} {'JSON MB':>8} {'admitted':>9}  slowest admitted request")
    for endpoint, cases in families.items():
        if only and endpoint not in only:
            continue
        tried = [(case, run(client, case)) for case in cases()]
        if verbose:
            for case, timing in tried:
                print(f"  {endpoint} {timing.status} {timing.cpu:6.3f} s {timing.size / 1e6:6.2f} MB  {case.label}"
                      + (f"  ({timing.refusal})" if timing.refusal else ""))
        for group in sorted({case.group for case, _ in tried}):
            report(client, f"{endpoint} {group}".strip(), [pair for pair in tried if pair[0].group == group], repeats,
                   baseline)


def report(client: TestClient, name: str, tried: list[tuple[Case, Timing]], repeats: int, baseline: Timing) -> None:
    """One line: the slowest admitted request (timed again), and the largest answer if another request's."""
    admitted = [(case, timing) for case, timing in tried if timing.status == 200]
    if not admitted:
        print(f"{name:<22} no request admitted")
        return
    slowest = sorted(admitted, key=lambda pair: pair[1].cpu, reverse=True)[:3]
    worst_case, worst = max(((case, timed(client, case, repeats)) for case, _ in slowest), key=lambda p: p[1].cpu)
    print(f"{name:<22} {worst.cpu:>6.2f} {worst.wall:>7.2f} {worst.cpu / baseline.cpu:>11.0f} "
          f"{worst.size / 1e6:>8.2f} {len(admitted):>4}/{len(tried):<4}  {worst_case.label}")
    largest_case, largest = max(admitted, key=lambda pair: pair[1].size)
    if largest_case is not worst_case:
        print(f"{'':<22} {'':>6} {'':>7} {'':>11} {largest.size / 1e6:>8.2f} {'':>9}  largest answer: {largest_case.label}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each endpoint's slowest request (median)")
    parser.add_argument("--verbose", action="store_true", help="print every request tried")
    parser.add_argument("--only", help="comma-separated endpoints, e.g. network,pool")
    arguments = parser.parse_args()
    main(arguments.repeats, arguments.verbose, set(arguments.only.split(",")) if arguments.only else None)
