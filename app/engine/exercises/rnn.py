"""RNN exercises: backpropagation through time on a tiny sequence (chapter 9.3, Fig. 9.10).

One input and one output per step, a ReLU hidden layer of one to three units, an identity
output and ``half_sse``, so ∂Lᵗ/∂oᵗ = ỹᵗ − yᵗ: with whole weights and inputs every number of
the forward and backward pass is whole (tanh would make none of them end). The learner finds
∂L/∂hᵗ for every step, then ∂L/∂U, ∂L/∂W and ∂L/∂V.
"""

from __future__ import annotations

import numpy as np

from ..mistakes.rnn import MISTAKES, RnnProblem, bptt
from ..rnn import RnnParams, RnnSpec, rnn_forward
from . import Draw, Exercise, Ranges, hidden_mistakes, integers, is_short, pick, plain, uniform_int

BOUND = 99
SPEC = RnnSpec(hidden_activation="relu", output_activation="identity", loss="half_sse")
TOTALS = ("grad_U", "grad_W", "grad_V")


def rnn_exercise(rng: np.random.Generator, ranges: Ranges, difficulty: str) -> Exercise:
    return pick(
        rng, lambda r: _draw(r, ranges, difficulty), "difficulty", "no sequence in these ranges has small answers"
    )


def _draw(rng: np.random.Generator, ranges: Ranges, difficulty: str) -> Draw:
    T, d_h = uniform_int(rng, ranges.steps), uniform_int(rng, ranges.hidden)
    x, y = integers(rng, -2, 2, (T, 1)), integers(rng, -2, 2, (T, 1))
    U, W, V = integers(rng, -1, 2, (d_h, 1)), integers(rng, -1, 1, (d_h, d_h)), integers(rng, -1, 2, (1, d_h))
    b = np.zeros(d_h) if difficulty == "easy" else integers(rng, -1, 1, (d_h,))
    params = RnnParams(U, W, V, b, np.zeros(1), np.zeros(d_h))
    _, cache = rnn_forward(x, y, params, SPEC)
    right = bptt(cache)

    body = {
        "x": plain(x),
        "y": plain(y),
        "U": plain(U),
        "W": plain(W),
        "V": plain(V),
        "hidden_activation": "relu",
        "output_activation": "identity",
        "loss": "half_sse",
    }
    if difficulty != "easy":
        body["b"] = plain(b)
    asks = tuple(f"steps[{t}].grad_h" for t in range(T)) + TOTALS
    keys = ("steps.grad_h", *TOTALS)
    short = is_short(BOUND, cache.a, cache.o, right["loss"], *(right[key] for key in keys))
    problem = RnnProblem(x, y, params, SPEC)
    return Draw(Exercise(body, asks), short, hidden_mistakes(MISTAKES, problem, right, keys) if short else 0)
