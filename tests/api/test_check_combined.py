"""Answers with two mistakes in them, a mistake made in part of the result, and answers of another shape.

The mistakes are made by the literal loops of the convolution and pooling tests (none calls the
engine or its mistakes); the check must name both of two mistakes made together, name a mistake
made in a few cells only as such, and say which mistake an answer of the wrong shape comes from.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.errors import InvalidInput

from .checking import assert_right_and_noise_undiagnosed, check
from .test_check_conv_diagnoses import (
    Layer,
    crop,
    forward_pieces,
    full,
    grad_input_with,
    kernel_gradient,
    layers,
    pad,
    rot,
    slide,
    squeezed,
)
from .test_check_layer_diagnoses import pools

FEW = settings(max_examples=25, deadline=None)

# Fig. 9.4's kind of layer with stride 2: a 5×5 input, a 3×3 kernel, a 2×2 ∂L/∂O.
STRIDE_2 = {
    "input": [[1, 0, 2, -1, 3], [2, 1, 0, 1, -2], [0, 3, 1, 2, 1], [-1, 2, 0, 1, 0], [1, 1, -2, 0, 2]],
    "kernel": [[1, 2, 0], [-1, 0, 3], [2, 1, 1]],
    "stride": 2,
    "grad_output": [[1, -2], [3, 1]],
}


def as_layer(body: dict[str, Any]) -> Layer:
    def grid(value: Any, depth: int) -> np.ndarray:
        array = np.asarray(value, dtype=float)
        return array.reshape((1,) * (depth - array.ndim) + array.shape)

    padding = body.get("padding", 0)
    return Layer(
        grid(body["input"], 3),
        grid(body["kernel"], 4),
        (body["stride"],) * 2,
        (padding,) * 4,
        grid(body["grad_output"], 3),
    )


def assert_both_named(problem: dict[str, Any], result: str, wrong: np.ndarray, first: str, second: str) -> None:
    """`wrong`, made with two mistakes, is explained by the pair — or, when the problem hides one of them, by
    a single mistake that gives exactly these numbers."""
    body = check("conv", problem, result, wrong)
    if body["all_correct"]:
        return
    named = {d["id"]: d for d in body["diagnoses"] if d["explains"] == "all"}
    assert named, f"nothing explains the answer: {[(d['id'], d['explains']) for d in body['diagnoses']]}"
    pair = named.get(f"{first}+{second}")
    if pair is None:
        assert all(not d["parts"] for d in named.values()), named.keys()  # a single mistake gives the same numbers
        return
    assert [part["id"] for part in pair["parts"]] == [first, second]
    assert len(pair["cells"]) == body["counts"]["wrong"]


def test_stride_2_without_upsampling_or_rotation_names_both_mistakes(client) -> None:
    layer = as_layer(STRIDE_2)
    wrong = grad_input_with(layer, layer.kernel, squeezed(layer.grad_output, forward_pieces(layer).up_shape))[0]
    response = client.post(
        "/api/v1/check", json={"kind": "conv", "problem": STRIDE_2, "result": "grad_input", "answer": wrong.tolist()}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["wrong"] >= 20
    [diagnosis] = body["diagnoses"]
    assert diagnosis["id"] == "kernel_not_rotated+stride_not_upsampled" and diagnosis["explains"] == "all"
    assert diagnosis["title"] == "Kernel not rotated, and stride upsampling skipped"
    assert [(p["id"], p["stage"]["stage"]) for p in diagnosis["parts"]] == [
        ("kernel_not_rotated", "grad_input"),
        ("stride_not_upsampled", "grad_output"),
    ]
    right = check("conv", STRIDE_2, "grad_input", body["expected"])
    assert right["all_correct"] and right["diagnoses"] == []
    single = check("conv", STRIDE_2, "grad_input", grad_input_with(layer, layer.kernel)[0])
    assert [(d["id"], d["parts"]) for d in single["diagnoses"]] == [("kernel_not_rotated", [])]


@FEW
@given(layers(strides=(2, 3)))
def test_kernel_not_rotated_and_stride_not_upsampled(layer: Layer) -> None:
    side_by_side = squeezed(layer.grad_output, forward_pieces(layer).up_shape)
    wrong = grad_input_with(layer, layer.kernel, side_by_side)
    assert_both_named(layer.body(), "grad_input", wrong, "kernel_not_rotated", "stride_not_upsampled")


@FEW
@given(layers(strides=(2, 3), paddings=(1, 2)))
def test_stride_not_upsampled_and_gradient_on_unpadded_input(layer: Layer) -> None:
    pieces = forward_pieces(layer)
    p_h, p_w = layer.padding[0] + layer.padding[1], layer.padding[2] + layer.padding[3]
    wrong = kernel_gradient(
        pad(layer.x, 0, p_h, 0, p_w), squeezed(layer.grad_output, pieces.up_shape), layer.kernel.shape[2:]
    )
    assert_both_named(layer.body(), "grad_kernel", wrong, "stride_not_upsampled", "gradient_on_unpadded_input")


@FEW
@given(layers(paddings=(1, 2)))
def test_kernel_not_rotated_and_crop_wrong_side(layer: Layer) -> None:
    top_left = crop(full(forward_pieces(layer).up, layer.kernel), 0, 0, layer.x.shape[1:])
    assert_both_named(layer.body(), "grad_input", top_left, "kernel_not_rotated", "crop_wrong_side")


@FEW
@given(layers(strides=(2, 3)), st.integers(0, 2**32 - 1), st.sampled_from(["grad_kernel", "grad_input"]))
def test_strided_right_answers_and_noise_get_no_diagnosis(layer: Layer, seed: int, result: str) -> None:
    assert_right_and_noise_undiagnosed("conv", layer.body(), result, seed)


# A mistake made in part of the result.


def test_the_gradient_sent_to_every_cell_of_one_max_window_only_is_named_for_those_cells() -> None:
    problem = {
        "input": [[1, 5, 2, 0], [3, 2, 7, 1], [0, 4, 1, 1], [6, 2, 3, 8]],
        "mode": "max",
        "size": 2,
        "grad_output": [[1, 2], [3, 4]],
    }
    right = np.array(check("pool", problem, "grad_input", np.zeros((4, 4)))["expected"])
    answer = right.copy()
    answer[:2, :2] = 1  # the top-left window's gradient to each of its four cells
    body = check("pool", problem, "grad_input", answer)
    assert body["counts"]["wrong"] == 3
    [diagnosis] = body["diagnoses"]
    assert (diagnosis["id"], diagnosis["explains"]) == ("max_grad_to_every_cell", "part")
    assert sorted(diagnosis["cells"]) == [[0, 0], [1, 0], [1, 1]]


def test_the_kernel_unrotated_in_the_first_two_rows_only_is_named_for_those_rows() -> None:
    layer = as_layer({**STRIDE_2, "stride": 1, "grad_output": [[1, -2, 0], [3, 1, 2], [-1, 0, 1]]})
    right = grad_input_with(layer, rot(layer.kernel))[0]
    answer = right.copy()
    answer[:2] = grad_input_with(layer, layer.kernel)[0][:2]
    problem = layer.body()
    body = check("conv", problem, "grad_input", answer)
    assert 5 <= body["counts"]["wrong"] <= 10
    part = [d for d in body["diagnoses"] if d["explains"] == "part"]
    assert [d["id"] for d in part] == ["kernel_not_rotated"], body["diagnoses"]
    assert all(cell[1] < 2 for cell in part[0]["cells"])  # [channel, row, column]: the first two rows


@FEW
@given(pools("max"), st.integers(0, 2**32 - 1))
def test_noise_at_the_usual_tolerance_gets_no_partial_diagnosis(pool, seed: int) -> None:
    """Wrong cells off by amounts no pooling mistake gives (a third, plus or minus) name nothing, though the
    tolerance is the usual two decimals."""
    body = pool.body()
    expected = np.asarray(check("pool", body, "grad_input", np.zeros(pool.x.shape))["expected"])
    rng = np.random.default_rng(seed)
    off = rng.choice([-1, 1], expected.shape) * (rng.integers(0, 3, expected.shape) + 1 / 3)
    noise = np.where(rng.random(expected.shape) < 0.3, off, 0)
    assert check("pool", body, "grad_input", expected + noise)["diagnoses"] == []


# An answer of another shape.


def refused(problem: dict[str, Any], result: str, answer: np.ndarray) -> str:
    with pytest.raises(InvalidInput) as error:
        check("conv", problem, result, answer)
    assert error.value.field == "answer"
    return error.value.message


def test_upsampling_skipped_the_usual_way_is_named_by_its_shape_and_numbers() -> None:
    layer = as_layer(STRIDE_2)
    slid_as_it_is = full(layer.grad_output, rot(layer.kernel))[0]  # no zeros: (2 + 3 − 1)² cells
    message = refused(STRIDE_2, "grad_input", slid_as_it_is)
    assert message.startswith("has shape 4×4 but grad_input has shape 5×5. 4×4 is the shape you get when ∂L/∂O slides")
    assert message.endswith("“Stride upsampling skipped”, and your numbers are exactly the ones it gives")

    unrotated_too = full(layer.grad_output, layer.kernel)[0]
    message = refused(STRIDE_2, "grad_input", unrotated_too)
    assert "“Stride upsampling skipped”. Your numbers are exactly the ones these mistakes made together give" in message
    assert message.endswith("“Kernel not rotated, and stride upsampling skipped”")

    message = refused(STRIDE_2, "grad_input", unrotated_too + 0.5)  # the shape, not the numbers
    assert message.endswith("“Stride upsampling skipped”")

    on_p_without_zeros = kernel_gradient(layer.x, layer.grad_output, (4, 4))[0, 0]
    message = refused(STRIDE_2, "grad_kernel", on_p_without_zeros)
    assert message.startswith("has shape 4×4 but grad_kernel has shape 3×3. 4×4 is the shape you get")
    assert message.endswith("“Stride upsampling skipped”, and your numbers are exactly the ones it gives")


PADDED = {
    "input": [[1, 0, 2, -1], [2, 1, 0, 1], [0, 3, 1, 2], [-1, 2, 0, 1]],
    "kernel": [[1, 2, 0], [-1, 0, 3], [2, 1, 1]],
    "stride": 1,
    "padding": 1,
    "grad_output": [[1, -2, 0, 1], [3, 1, 2, 0], [-1, 0, 1, 2], [0, 1, -1, 1]],
}


def test_padding_left_out_of_the_forward_pass_is_named_by_its_shape_and_numbers() -> None:
    layer = as_layer(PADDED)
    over_i = slide(layer.x, layer.kernel, layer.stride)[0]
    message = refused(PADDED, "output", over_i)
    assert message.startswith("has shape 2×2 but output has shape 4×4")
    assert message.endswith("left out of the forward pass: “Padding ignored”, and your numbers are exactly the ones it gives")
    message = refused(PADDED, "padded_input", layer.x[0])
    assert "“Padding ignored”, and your numbers are exactly the ones it gives" in message


def test_the_kernel_gradient_on_the_unpadded_input_is_named_by_its_shape_and_numbers() -> None:
    layer = as_layer(PADDED)
    up = forward_pieces(layer).up  # 4×4: the kernel gradient on the 4×4 input is 1×1
    on_i = kernel_gradient(layer.x, up, (1, 1))[0, 0]
    message = refused(PADDED, "grad_kernel", on_i)
    assert message.startswith("has shape 1×1 but grad_kernel has shape 3×3. 1×1 is the shape you get when ∂L/∂F is")
    assert message.endswith("“Kernel gradient taken on the unpadded input”, and your numbers are exactly the ones it gives")


def test_padding_not_cropped_is_named_by_its_shape_and_numbers() -> None:
    layer = as_layer(PADDED)
    uncropped = full(forward_pieces(layer).up, rot(layer.kernel))[0]
    message = refused(PADDED, "grad_input", uncropped)
    assert message.startswith("has shape 6×6 but grad_input has shape 4×4 (6×6 is the shape of padded_input, grad_padded")
    assert message.endswith("not cropped to the input's size: “Padding not cropped”, and your numbers are exactly the ones it gives")


def test_two_shape_changing_mistakes_that_keep_the_shape_are_checked_cell_by_cell() -> None:
    """Upsampling skipped and the padding not cropped: (2 + 3 − 1)² cells, the input's own 4×4 here."""
    problem = {**PADDED, "stride": 2, "grad_output": [[1, -2], [3, 1]]}
    layer = as_layer(problem)
    wrong = full(layer.grad_output, rot(layer.kernel))[0]
    body = check("conv", problem, "grad_input", wrong)
    named = [d["id"] for d in body["diagnoses"] if d["explains"] == "all"]
    assert "stride_not_upsampled+padding_not_cropped" in named, body["diagnoses"]


# Kinds named by their endpoint.


@pytest.mark.parametrize("kind", ["conv2d", "/api/v1/conv2d", "conv"])
def test_the_conv2d_endpoint_name_is_a_kind(client, kind: str) -> None:
    body = {"kind": kind, "problem": STRIDE_2, "result": "output", "answer": [[0, 0], [0, 0]]}
    response = client.post("/api/v1/check", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "conv"
    link = {"kind": kind, "input": "1,2;3,4", "kernel": "1", "result": "output", "answer": "1,2;3,4"}
    linked = client.get("/api/v1/check", params=link)
    assert linked.status_code == 200, linked.text
    assert linked.json()["all_correct"] is True


@pytest.mark.parametrize("kind", ["/api/v1/pool", "/api/v1/activation"])
def test_every_endpoint_path_is_a_kind(client, kind: str) -> None:
    pool = kind.endswith("pool")
    problem = {"input": [[1, 2], [3, 4]], "mode": "max", "size": 2} if pool else {"input": [1, -1], "function": "relu"}
    answer = [[4]] if pool else [1, 0]
    body = {"kind": kind, "problem": problem, "result": "output", "answer": answer}
    response = client.post("/api/v1/check", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == kind.rsplit("/", 1)[1] and response.json()["all_correct"]


def test_an_unknown_kind_is_refused_naming_the_choices(client) -> None:
    body = {"kind": "convolution", "problem": STRIDE_2, "result": "output", "answer": 1}
    response = client.post("/api/v1/check", json=body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "kind" and "'conv'" in error["msg"] and "'rnn'" in error["msg"]
