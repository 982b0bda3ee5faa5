"""The results a learner can check, per kind of problem: names, symbols, and the stage that shows each.

A result is named as the layer's own endpoint names it in its response (`grad_input` of
``/api/v1/conv2d``), and an RNN step's result by its path in ``/api/v1/rnn``'s response,
``steps[2].grad_h`` (0-based, so step t = 3). A dense layer has no endpoint: its results are
named as ``/api/v1/network`` names its parameters' gradients (`grad_weight` for ∂L/∂W). The
stage is where a page draws the result: its path, a stable stage id, and the field.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple

from ..engine.errors import InvalidInput
from ..engine.mistakes import StageHint

Kind = Literal["conv", "pool", "activation", "rnn"]
KINDS: tuple[str, ...] = ("conv", "pool", "activation", "rnn")
# What /api/v1/check takes besides: a network's dense layer, which has no page or exercises of its own.
CheckKind = Literal["conv", "pool", "activation", "rnn", "dense"]
CHECK_KINDS: tuple[str, ...] = (*KINDS, "dense")


class ResultInfo(NamedTuple):
    symbol: str  # as the chapter writes it
    stage: StageHint


def _conv(symbol: str, stage: str, field: str) -> ResultInfo:
    return ResultInfo(symbol, StageHint("/conv", stage, field))


def _page(page: str, symbol: str, stage: str, field: str) -> ResultInfo:
    return ResultInfo(symbol, StageHint(page, stage, field))


RESULTS: dict[str, dict[str, ResultInfo]] = {
    "conv": {
        "output": _conv("O", "forward", "output"),
        "grad_kernel": _conv("∂L/∂F", "grad_kernel", "grad_kernel"),
        "grad_bias": _conv("∂L/∂b", "grad_kernel", "grad_bias"),
        "grad_input": _conv("∂L/∂I", "grad_input", "grad_input"),
        "padded_input": _conv("P", "forward", "padded_input"),
        "grad_output": _conv("∂L/∂O", "grad_output", "grad_output"),
        "upsampled_grad": _conv("G↑", "grad_output", "upsampled_grad"),
        "rotated_kernel": _conv("F¹⁸⁰", "grad_input", "rotated_kernel"),
        "padded_upsampled_grad": _conv("the padded G↑", "grad_input", "padded_upsampled_grad"),
        "grad_padded_input": _conv("∂L/∂P", "grad_input", "grad_padded_input"),
        "loss": _conv("L", "grad_output", "loss"),
        "updated_kernel": _conv("F − α·∂L/∂F", "update", "updated_kernel"),
        "updated_bias": _conv("b − α·∂L/∂b", "update", "updated_bias"),
    },
    "pool": {
        "output": _page("/pool", "O", "forward", "output"),
        "grad_input": _page("/pool", "∂L/∂I", "backward", "grad_input"),
        "mask": _page("/pool", "the mask", "backward", "mask"),
    },
    "activation": {
        "output": _page("/activation", "y", "forward", "output"),
        "local_derivative": _page("/activation", "f′(x)", "backward", "local_derivative"),
        "grad_input": _page("/activation", "∂L/∂x", "backward", "grad_input"),
    },
    "rnn": {
        "loss": _page("/rnn", "L", "forward", "loss"),
        "grad_U": _page("/rnn", "∂L/∂U", "weights", "grad_U"),
        "grad_W": _page("/rnn", "∂L/∂W", "weights", "grad_W"),
        "grad_V": _page("/rnn", "∂L/∂V", "weights", "grad_V"),
        "grad_b": _page("/rnn", "∂L/∂b", "weights", "grad_b"),
        "grad_c": _page("/rnn", "∂L/∂c", "weights", "grad_c"),
        "grad_h0": _page("/rnn", "∂L/∂h⁰", "backward", "grad_h0"),
    },
    "dense": {
        "output": _page("/network", "y", "forward", "output"),
        "grad_input": _page("/network", "∂L/∂x", "backward", "grad_input"),
        "grad_weight": _page("/network", "∂L/∂W", "backward", "grad_weight"),
        "grad_bias": _page("/network", "∂L/∂b", "backward", "grad_bias"),
    },
}

# Per-step RNN results, `steps[i].<name>`: (symbol with t for the step, stage).
RNN_STEP_RESULTS: dict[str, tuple[str, str]] = {
    "a": ("aᵗ", "forward"),
    "h": ("hᵗ", "forward"),
    "o": ("oᵗ", "forward"),
    "y_hat": ("ỹᵗ", "forward"),
    "loss": ("Lᵗ", "forward"),
    "grad_o": ("∂L/∂oᵗ", "backward"),
    "grad_h_from_output": ("Vᵀ∂L/∂oᵗ", "backward"),
    "grad_h_from_next": ("Wᵀ∂L/∂aᵗ⁺¹", "backward"),
    "grad_h": ("∂L/∂hᵗ", "backward"),
    "hidden_derivative": ("σ₁′(aᵗ)", "backward"),
    "grad_a": ("∂L/∂aᵗ", "backward"),
}

_STEP = re.compile(r"^steps\[(0|[1-9][0-9]{0,2})\]\.([a-z_]+)$")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def valid_results(kind: str) -> str:
    """The accepted names, for a message."""
    names = ", ".join(RESULTS[kind])
    if kind == "rnn":
        names += ", or steps[i].<" + "|".join(RNN_STEP_RESULTS) + "> for step i (0-based)"
    return names


def known_result(kind: str, result: str) -> bool:
    if result in RESULTS[kind]:
        return True
    match = _STEP.match(result)
    return kind == "rnn" and match is not None and match.group(2) in RNN_STEP_RESULTS


class Located(NamedTuple):
    """A result found in a response: its value, where it is shown, and the key the mistakes use."""

    value: Any
    info: ResultInfo
    key: str  # `grad_input`, or `steps.grad_h` for a step's result
    step: int | None  # the row of a per-step result


def locate(kind: str, result: str, response: dict[str, Any]) -> Located:
    """Find `result` (already known to be valid for `kind`) in the endpoint's `response`, or a 422 naming it."""
    match = _STEP.match(result)
    if kind == "rnn" and match is not None:
        step, name = int(match.group(1)), match.group(2)
        steps = response["steps"]
        if step >= len(steps):
            raise InvalidInput(
                "result", f"steps[{step}]: the sequence has {len(steps)} steps, steps[0] to steps[{len(steps) - 1}]"
            )
        symbol, stage = RNN_STEP_RESULTS[name]
        written = symbol.replace("ᵗ⁺¹", _superscript(step + 2)).replace("ᵗ", _superscript(step + 1))
        info = ResultInfo(written, StageHint("/rnn", stage, f"steps[].{name}"))
        return Located(steps[step][name], info, f"steps.{name}", step)
    value = response[result]
    if value is None:
        raise InvalidInput("result", f"this problem has no {result}: {_ABSENT.get(result, 'it is not computed here')}")
    return Located(value, RESULTS[kind][result], result, None)


_ABSENT = {
    "grad_bias": "give the layer a bias",
    "loss": "give a target (and a loss) instead of grad_output",
    "updated_kernel": "give a learning_rate",
    "updated_bias": "give a bias and a learning_rate",
}
