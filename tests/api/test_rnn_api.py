"""``POST /api/v1/rnn`` through HTTP: every number against torch, the presets, and every bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from app.api.schemas.rnn import CLASSIFIER, EXAMPLES, EXPLODING, TINY, TRUNCATED, VANISHING
from app.engine.rnn import OUTPUT_ACTIVATIONS, RnnParams, RnnSpec
from tests.engine.oracles import RnnCase, torch_rnn

from .refusals import assert_refused

URL = "/api/v1/rnn"


def post(client, body):
    return client.post(URL, json=body)


def case_of(body: dict) -> RnnCase:
    """The request as the oracle's network, with the API's defaults filled in."""
    U, V = np.array(body["U"], float), np.array(body["V"], float)

    def vector(name: str, size: int) -> np.ndarray:
        return np.array(body[name], float) if name in body else np.zeros(size)

    params = RnnParams(U, np.array(body["W"], float), V, vector("b", len(U)), vector("c", len(V)), vector("h0", len(U)))
    spec = RnnSpec(
        body.get("hidden_activation", "tanh"), body.get("output_activation", "identity"), body.get("loss", "mse"),
        body.get("truncation"),
    )
    return RnnCase(np.array(body["x"], float), np.array(body["y"], float), params, spec)


def close(got, expected, what: str) -> None:
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(expected, float), rtol=1e-9, atol=1e-12, err_msg=what)


def largest_body() -> dict:
    """T = 64 steps of d_in = d_h = d_out = 16, the limits, with small weights so that nothing overflows."""
    rng = np.random.default_rng(64)
    T, d = 64, 16
    return {
        "x": rng.normal(size=(T, d)).tolist(),
        "y": rng.normal(size=(T, d)).tolist(),
        "U": rng.normal(scale=0.3, size=(d, d)).tolist(),
        "W": rng.normal(scale=1.1 / np.sqrt(d), size=(d, d)).tolist(),
        "V": rng.normal(scale=0.3, size=(d, d)).tolist(),
        "b": rng.normal(scale=0.1, size=d).tolist(),
        "c": rng.normal(scale=0.1, size=d).tolist(),
        "h0": rng.normal(scale=0.5, size=d).tolist(),
        "hidden_activation": "tanh",
        "output_activation": "sigmoid",
        "loss": "half_sse",
        "truncation": 8,
        "learning_rate": 0.01,
    }


LARGEST = largest_body()


@pytest.mark.parametrize(
    "body", [TINY, CLASSIFIER, TRUNCATED, LARGEST], ids=["tiny", "classifier", "truncated", "T64-d16-k8"]
)
def test_every_step_and_gradient_matches_torch(client, body) -> None:
    response = post(client, body)
    assert response.status_code == 200, response.text
    got = response.json()
    run = torch_rnn(case_of(body))
    total = torch.stack(run.losses).sum()
    total.backward()

    steps = got["steps"]
    assert [s["t"] for s in steps] == list(range(1, len(body["x"]) + 1))
    close(got["loss"], total.item(), "L")
    for key, tensors in (("a", run.a), ("h", run.h), ("o", run.o), ("y_hat", run.y_hat), ("loss", run.losses)):
        close([s[key] for s in steps], [t.detach().numpy() for t in tensors], key)
    for key, tensors in (("grad_o", run.o), ("grad_h", run.h), ("grad_a", run.a)):
        close([s[key] for s in steps], [t.grad.numpy() for t in tensors], key)
    for s in steps:
        close(np.add(s["grad_h_from_output"], s["grad_h_from_next"]), s["grad_h"], "the two parts of ∂L/∂hᵗ")
        close(s["grad_h_norm"], np.linalg.norm(s["grad_h"]), "‖∂L/∂hᵗ‖")
    for name in "UWVbc":
        per_step = [w.grad.numpy() for w in run.step_weights[name]]
        close([s["contribution"][f"grad_{name}"] for s in steps], per_step, f"contributions to ∂L/∂{name}")
        close(got[f"grad_{name}"], np.sum(per_step, axis=0), f"∂L/∂{name}")
        if "learning_rate" in body:
            before = np.array(body.get(name, 0.0))
            close(got["updated"][name], before - body["learning_rate"] * np.sum(per_step, axis=0), f"updated {name}")
    close(got["grad_h0"], run.h0.grad.numpy(), "∂L/∂h0")


def test_tiny_example_defaults_and_layout(client) -> None:
    got = post(client, TINY).json()
    assert got["sizes"] == {"T": 3, "d_in": 1, "d_h": 2, "d_out": 1}
    assert got["h0"] == [0.0, 0.0] and got["steps"][0]["h_prev"] == [0.0, 0.0]
    assert got["steps"][1]["h_prev"] == got["steps"][0]["h"]
    assert got["steps"][-1]["grad_h_from_next"] == [0.0, 0.0] and not any(s["cut"] for s in got["steps"])
    assert got["truncation"] is None and got["learning_rate"] == 0.1 and set(got["updated"]) == set("UWVbc")
    assert got["spectrum"]["derivative_bound"] == 1.0
    keys = list(got["steps"][0])
    assert keys.index("a") < keys.index("h") < keys.index("o") < keys.index("y_hat") < keys.index("grad_o")
    assert keys.index("grad_h_from_output") < keys.index("grad_h") < keys.index("grad_a")


def test_numbers_go_out_at_full_precision(client) -> None:
    body = {"x": [[0.1]], "y": [[0.0]], "U": [[1]], "W": [[0]], "V": [[1]], "b": [0.2], "hidden_activation": "relu"}
    response = post(client, body)
    assert json.loads(response.text)["steps"][0]["a"] == [0.1 + 0.2]
    assert "0.30000000000000004" in response.text


def test_vanishing_preset_shrinks_every_step_back_by_at_most_the_bound(client) -> None:
    got = post(client, VANISHING).json()
    norms = [s["last_loss_grad_h_norm"] for s in got["steps"]]
    assert all(earlier < later for earlier, later in zip(norms, norms[1:])), norms
    assert norms[0] < 1e-7 * norms[-1], norms
    spectrum = got["spectrum"]
    assert spectrum["rate_bound"] < 1 and spectrum["measured_rate"] <= spectrum["rate_bound"]
    assert all(n <= bound * (1 + 1e-12) for n, bound in zip(norms, spectrum["norm_bound"]))


def test_exploding_preset_grows_every_step_back_at_the_predicted_rate(client) -> None:
    got = post(client, EXPLODING).json()
    for key in ("grad_h_norm", "last_loss_grad_h_norm"):
        norms = [s[key] for s in got["steps"]]
        assert all(earlier > later for earlier, later in zip(norms, norms[1:])), (key, norms)
    spectrum = got["spectrum"]
    assert spectrum["rate_estimate"] == pytest.approx(1.5, rel=1e-12)
    assert spectrum["measured_rate"] == pytest.approx(1.5, rel=1e-9)  # every relu unit is active: the estimate is exact


def test_truncated_preset_cuts_the_flow_every_four_steps(client) -> None:
    steps = post(client, TRUNCATED).json()["steps"]
    assert [s["t"] for s in steps if s["cut"]] == [4, 8, 12]
    assert all(s["grad_h_from_next"] == [0.0, 0.0, 0.0] for s in steps if s["cut"])
    assert all(s["last_loss_grad_h_norm"] == 0.0 for s in steps[:12])
    assert all(s["last_loss_grad_h_norm"] > 0.0 for s in steps[12:])


def test_truncated_preset_predicts_within_each_block(client) -> None:
    """No gradient travels more than k − 1 = 3 steps, so W's rate is drawn back from each block's end."""
    got = post(client, TRUNCATED).json()
    spectrum, steps = got["spectrum"], got["steps"]
    block = [s["block_last_loss_grad_h_norm"] for s in steps]
    assert all(n > 0 for n in block), block
    assert block[12:] == [s["last_loss_grad_h_norm"] for s in steps[12:]]  # the last block's end is T
    assert spectrum["longest_reach"] == 3
    assert spectrum["measured_rate"] == pytest.approx(1.5, rel=1e-9)  # measured within the blocks, not across cuts
    for end in (3, 7, 11, 15):  # each block t = end − 2 … end + 1 is anchored at its own end
        for distance in range(4):
            t = end - distance
            assert spectrum["norm_estimate"][t] == pytest.approx(block[end] * 1.5**distance, rel=1e-12), (end, t)
            assert spectrum["norm_bound"][t] >= block[t] * (1 - 1e-12), (end, t)
    assert max(spectrum["norm_bound"]) <= spectrum["rate_bound"] ** 3 * max(block) * (1 + 1e-12)


def test_the_largest_truncated_network_predicts_over_k_minus_1_steps(client) -> None:
    spectrum = post(client, LARGEST).json()["spectrum"]
    assert spectrum["longest_reach"] == 7 and spectrum["measured_rate"] is not None
    assert all(value is not None for value in spectrum["norm_bound"] + spectrum["norm_estimate"])


def test_without_truncation_the_rates_span_the_whole_sequence(client) -> None:
    got = post(client, EXPLODING).json()
    spectrum, steps = got["spectrum"], got["steps"]
    assert spectrum["longest_reach"] == 15
    assert [s["block_last_loss_grad_h_norm"] for s in steps] == [s["last_loss_grad_h_norm"] for s in steps]
    assert spectrum["norm_estimate"][0] == pytest.approx(steps[-1]["last_loss_grad_h_norm"] * 1.5**15, rel=1e-12)


def test_a_bound_past_float64_is_null_not_an_error(client) -> None:
    """Saturated tanh units stop the gradient while σ_max(W)⁶³ is far past float64."""
    body = {"x": [[1.0]] * 64, "y": [[0.0]] * 64, "U": [[1.0]], "W": [[1e10]], "V": [[1.0]]}
    response = post(client, body)
    assert response.status_code == 200, response.text
    spectrum = response.json()["spectrum"]
    assert spectrum["norm_bound"][0] is None and spectrum["norm_bound"][-1] > 0
    assert spectrum["measured_rate"] is None


def test_docs_name_the_presets_and_the_limits(client) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(EXAMPLES) and body["examples"]["tiny"]["value"] == TINY
    request = schema["components"]["schemas"]["RnnRequest"]
    assert request["properties"]["x"]["maxItems"] == 64 and request["properties"]["x"]["items"]["maxItems"] == 16
    assert "detach" in json.dumps(request["properties"]["truncation"])
    assert "RnnResponse" in schema["components"]["schemas"]


BASE = {"x": [[1], [2]], "y": [[0], [1]], "U": [[1], [1]], "W": [[0.5, 0], [0, 0.5]], "V": [[1, 1]]}
SOFTMAX = {**BASE, "V": [[1, 1], [0, 1]], "output_activation": "softmax", "loss": "cross_entropy"}

BAD_INPUTS = [
    ({**BASE, "x": [[1], [2, 3]]}, "x", "same length"),
    ({**BASE, "x": [["a"], [2]]}, "x", "expected a number"),
    ({**BASE, "x": [[True], [2]]}, "x", "true/false"),
    ({**BASE, "x": []}, "x", "empty"),
    ({**BASE, "x": [1, 2]}, "x", "expected a matrix"),
    ({**BASE, "x": [[1]] * 65, "y": [[0]] * 65}, "x", "at most 64"),
    ({**BASE, "x": [[1] * 17] * 2}, "x", "at most 16"),
    ({**BASE, "U": [[1]] * 17}, "U", "at most 16"),
    ({**BASE, "U": [[1, 2], [1, 2]]}, "U", "x is T × d_in = 2×1"),
    ({**BASE, "W": [[1, 2, 3], [4, 5, 6]]}, "W", "square"),
    ({**BASE, "W": np.eye(3).tolist()}, "W", "U is 2×1"),
    ({**BASE, "V": [[1, 1, 1]]}, "V", "1×3"),
    ({**BASE, "y": [[0]]}, "y", "is 1×1 but must be T × d_out = 2×1"),
    ({**BASE, "y": [[0, 1], [1, 0]]}, "y", "2×2"),
    ({**BASE, "b": [1, 2, 3]}, "b", "d_h = 2"),
    ({**BASE, "c": [1, 2]}, "c", "d_out = 1"),
    ({**BASE, "h0": [1]}, "h0", "d_h = 2"),
    ({**BASE, "b": [[1, 2]]}, "b", "expected a list of numbers"),
    ({**BASE, "h0": 0}, "h0", "expected a list of numbers"),
    ({**BASE, "hidden_activation": "gelu"}, "hidden_activation", "'tanh'"),
    ({**BASE, "output_activation": "tanh"}, "output_activation", "'softmax'"),
    ({**BASE, "loss": "l1"}, "loss", "'cross_entropy'"),
    ({**BASE, "loss": "cross_entropy"}, "loss", "softmax"),
    ({**BASE, "loss": "bce", "output_activation": "softmax"}, "loss", "sigmoid"),
    ({**BASE, "loss": "bce"}, "loss", "sigmoid"),
    ({**SOFTMAX, "y": [[1, 0], [0.5, 0.4]]}, "y", "step 2"),
    ({**SOFTMAX, "y": [[1, 0], [1.5, -0.5]]}, "y", "negative"),
    ({**BASE, "output_activation": "sigmoid", "loss": "bce", "y": [[0], [2]]}, "y", "between 0 and 1"),
    ({**BASE, "truncation": 0}, "truncation", "greater than or equal to 1"),
    ({**BASE, "truncation": 65}, "truncation", "less than or equal to 64"),
    ({**BASE, "truncation": 1.5}, "truncation", "integer"),
    ({**BASE, "truncation": True}, "truncation", "integer"),
    ({**BASE, "learning_rate": 0}, "learning_rate", "greater than 0"),
    ({**BASE, "learning_rate": "0.1"}, "learning_rate", "number"),
    ({**BASE, "learning_rate": 1e4}, "learning_rate", "less than or equal to 1000"),
    ({k: v for k, v in BASE.items() if k != "W"}, "W", "required"),
    ({**BASE, "k": 3}, "k", "not a field"),
    # An overflow is blamed where the numbers first grow huge, not where float64 finally gives up.
    ({**BASE, "x": [[1e200], [1]], "U": [[1e100], [1e100]], "W": [[1e10, 0], [0, 1e10]], "hidden_activation": "relu"},
     "x", "aᵗ reaches 1e+300 at step 1, most of it from U xᵗ"),
    ({**BASE, "W": [[1e300, 0], [0, 1e300]], "hidden_activation": "relu"}, "W",
     "aᵗ reaches 1e+300 at step 2, most of it from W hᵗ⁻¹ (aᵗ = U xᵗ + W hᵗ⁻¹ + b); the loss overflows"),
    ({**BASE, "U": [[1e300], [1e300]], "x": [[1e300], [1]]}, "x", "aᵗ overflows float64 (±1.8e308) at step 1"),
    ({**BASE, "U": [[1e300], [1e300]], "hidden_activation": "relu"}, "U",
     "aᵗ reaches 1e+300 at step 1, most of it from U xᵗ"),
    ({**BASE, "b": [1e300, 0], "hidden_activation": "relu"}, "b", "most of it from b"),
    ({**BASE, "h0": [1e300, 0], "W": [[2, 0], [0, 2]], "hidden_activation": "relu"}, "h0", "at step 1"),
    ({**BASE, "V": [[1e300, 1e300]], "U": [[1e10], [1e10]], "hidden_activation": "relu"}, "V", "oᵗ overflows"),
    ({**BASE, "c": [1e300], "hidden_activation": "relu"}, "c", "oᵗ reaches 1e+300 at step 1, most of it from c"),
    ({**BASE, "y": [[1e300], [0]], "hidden_activation": "relu"}, "y", "yᵗ reaches 1e+300"),
    (
        {"x": [[0]] * 4, "y": [[0]] * 4, "U": [[0]] * 3, "V": [[1, 2, 3]], "h0": [0.5] * 3,
         "hidden_activation": "sigmoid",
         "W": (1e200 * np.array([[1, -1, 0], [0, 1, -1], [-1, 0, 1]])).tolist()},
        "W", "the gradient explodes past float64",
    ),
    (
        {"x": [[1]], "y": [[0]], "U": [[1e207]], "W": [[0]], "V": [[1e-107]], "hidden_activation": "relu",
         "loss": "half_sse", "learning_rate": 1000},
        "learning_rate", "the update overflows",
    ),
    ({**BASE, "x": [[0]], "y": [[0]], "W": [[1e308, 1e308], [1e308, 1e308]]}, "W", "singular value overflows"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(post(client, body), field, words)


@pytest.mark.parametrize(
    "raw",
    ['"x": [[NaN], [1]]', '"x": [[Infinity], [1]]', '"x": [[1e400], [1]]', '"b": [NaN, 0]', '"learning_rate": NaN'],
)
def test_non_finite_numbers_are_refused_not_echoed(client, raw) -> None:
    body = json.dumps({k: v for k, v in BASE.items() if f'"{k}"' not in raw})[:-1] + ", " + raw + "}"
    response = client.post(URL, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == raw[1:].split('"')[0], response.text


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
FIELDS = [*TINY, "c", "h0", "truncation", "y", "unknown"]


@given(st.sampled_from(FIELDS), JSON)
def test_any_value_in_any_field_is_answered_never_a_500(client, field, value) -> None:
    response = post(client, {**TINY, field: value})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["detail"][0]["msg"], response.text


NULLABLE = {"grad_y_hat", "truncation", "learning_rate", "updated", "measured_rate", "norm_bound", "norm_estimate"}


def assert_numbers_everywhere(value, key: str = "body") -> None:
    """Every number a 200 sends is a float64 value: null only where the schema says it may be."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert_numbers_everywhere(v, k)
    elif isinstance(value, list):
        for v in value:
            assert_numbers_everywhere(v, key)
    else:
        assert value is not None or key in NULLABLE, f"{key} is null"


MAGNITUDES = st.sampled_from([0.0, 1e-300, 1e-5, 0.5, 1.0, 3.0, 1e5, 1e100, 1e200, 1e300, 1.7e308])


@st.composite
def extreme_bodies(draw: st.DrawFn) -> dict:
    """Well-shaped requests whose numbers span float64's whole range."""
    T = draw(st.integers(1, 8))
    d_in, d_h, d_out = (draw(st.integers(1, 3)) for _ in range(3))

    def matrix(rows: int, cols: int) -> list:
        return [[draw(MAGNITUDES) * draw(st.sampled_from([1, -1])) for _ in range(cols)] for _ in range(rows)]

    loss = draw(st.sampled_from(["mse", "half_sse", "cross_entropy", "bce"]))
    output = {"cross_entropy": "softmax", "bce": "sigmoid"}.get(loss) or draw(st.sampled_from(OUTPUT_ACTIVATIONS))
    y = [[1.0] + [0.0] * (d_out - 1)] * T if loss in ("cross_entropy", "bce") else matrix(T, d_out)
    body = {
        "x": matrix(T, d_in), "y": y, "U": matrix(d_h, d_in), "W": matrix(d_h, d_h), "V": matrix(d_out, d_h),
        "b": matrix(1, d_h)[0], "c": matrix(1, d_out)[0], "h0": matrix(1, d_h)[0], "loss": loss,
        "output_activation": output, "hidden_activation": draw(st.sampled_from(["tanh", "relu", "sigmoid"])),
        "truncation": draw(st.none() | st.integers(1, 8)), "learning_rate": draw(st.sampled_from([1e-3, 1.0, 1e3])),
    }
    return {k: v for k, v in body.items() if v is not None}


@given(extreme_bodies())
def test_numbers_across_float64_give_a_full_answer_or_a_422(client, body) -> None:
    response = post(client, body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert_numbers_everywhere(response.json())
    else:
        assert response.json()["detail"][0]["field"] in ("x", "y", "U", "W", "V", "b", "c", "h0", "learning_rate"), (
            response.text
        )
