"""Every convolution mistake, made on generated layers by the loops below, is named by the check.

The loops write the chapter's operations literally (pad, slide, upsample, full convolution,
crop), each mistake as a change to one step; none of them calls the engine or the mistakes.
Numbers are small integers, so a mistake's answer is exact.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from .checking import assert_named, assert_right_and_noise_undiagnosed

FEW = settings(max_examples=25, deadline=None)


class Layer(NamedTuple):
    x: np.ndarray  # C_in × n_h × n_w
    kernel: np.ndarray  # C_out × C_in × k × k
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    grad_output: np.ndarray  # C_out × out_h × out_w

    def body(self, **extra: Any) -> dict[str, Any]:
        body = {
            "input": self.x.tolist(),
            "kernel": self.kernel.tolist(),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "grad_output": self.grad_output.tolist(),
        }
        return {**body, **extra}


@st.composite
def layers(
    draw: st.DrawFn,
    strides: tuple[int, int] = (1, 3),
    paddings: tuple[int, int] = (0, 2),
    channels: tuple[int, int] = (1, 2),
    kernels: tuple[int, int] = (1, 2),
    square: bool = False,
    lopsided: bool = False,
) -> Layer:
    """A layer with integer numbers; the input is made large enough for the kernel.

    `lopsided` pads the bottom with more rows than the top, so that the padding has a wrong side.
    """
    c_in, c_out = draw(st.integers(*channels)), draw(st.integers(*kernels))
    k_h = draw(st.integers(1, 3))
    k_w = k_h if square else draw(st.integers(1, 3))
    stride = (draw(st.integers(*strides)), draw(st.integers(*strides)))
    padding = tuple(draw(st.integers(*paddings)) for _ in range(4))
    if lopsided:
        padding = (padding[0], padding[0] + draw(st.integers(1, 2)), padding[2], padding[3])
    n_h = draw(st.integers(max(1, k_h - padding[0] - padding[1]), 5))
    n_w = draw(st.integers(max(1, k_w - padding[2] - padding[3]), 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out_h = (n_h + padding[0] + padding[1] - k_h) // stride[0] + 1
    out_w = (n_w + padding[2] + padding[3] - k_w) // stride[1] + 1
    return Layer(
        rng.integers(-3, 4, (c_in, n_h, n_w)).astype(float),
        rng.integers(-2, 3, (c_out, c_in, k_h, k_w)).astype(float),
        stride,
        padding,
        rng.integers(-2, 3, (c_out, out_h, out_w)).astype(float),
    )


def pad(x: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    c, h, w = x.shape
    padded = np.zeros((c, h + top + bottom, w + left + right))
    padded[:, top : top + h, left : left + w] = x
    return padded


def slide(p: np.ndarray, kernel: np.ndarray, stride: tuple[int, int]) -> np.ndarray:
    """O[co,i,j] = Σ_ci Σ_u Σ_v P[ci, i·s_h+u, j·s_w+v]·F[co,ci,u,v] (eq. 9.5)."""
    c_out, c_in, k_h, k_w = kernel.shape
    out_h, out_w = (p.shape[1] - k_h) // stride[0] + 1, (p.shape[2] - k_w) // stride[1] + 1
    out = np.zeros((c_out, out_h, out_w))
    for co, i, j, ci, u, v in np.ndindex(c_out, out_h, out_w, c_in, k_h, k_w):
        out[co, i, j] += p[ci, i * stride[0] + u, j * stride[1] + v] * kernel[co, ci, u, v]
    return out


def upsample(g: np.ndarray, stride: tuple[int, int], shape: tuple[int, int]) -> np.ndarray:
    """s − 1 zeros between neighbours, zeros at the bottom/right up to `shape`."""
    up = np.zeros((g.shape[0], *shape))
    for co, i, j in np.ndindex(g.shape):
        up[co, i * stride[0], j * stride[1]] = g[co, i, j]
    return up


def squeezed(g: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """∂L/∂O where G↑ belongs, without the inserted zeros: its cells side by side at the top left."""
    up = np.zeros((g.shape[0], *shape))
    up[:, : g.shape[1], : g.shape[2]] = g
    return up


def full(up: np.ndarray, used: np.ndarray) -> np.ndarray:
    """The chapter's full convolution: G↑ padded by k − 1, with `used` (F¹⁸⁰ when done right) slid over it."""
    c_out, c_in, k_h, k_w = used.shape
    g = pad(up, k_h - 1, k_h - 1, k_w - 1, k_w - 1)
    h, w = up.shape[1] + k_h - 1, up.shape[2] + k_w - 1
    grad = np.zeros((c_in, h, w))
    for ci, y, x, co, u, v in np.ndindex(c_in, h, w, c_out, k_h, k_w):
        grad[ci, y, x] += g[co, y + u, x + v] * used[co, ci, u, v]
    return grad


def kernel_gradient(p: np.ndarray, up: np.ndarray, k: tuple[int, int]) -> np.ndarray:
    """∂L/∂F[co,ci,u,v] = Σ_ij G↑[co,i,j]·P[ci, i+u, j+v] (eq. 9.8)."""
    c_out, c_in = up.shape[0], p.shape[0]
    grad = np.zeros((c_out, c_in, *k))
    for co, ci, u, v, i, j in np.ndindex(c_out, c_in, *k, *up.shape[1:]):
        grad[co, ci, u, v] += up[co, i, j] * p[ci, i + u, j + v]
    return grad


def crop(grad_padded: np.ndarray, top: int, left: int, n: tuple[int, int]) -> np.ndarray:
    return grad_padded[:, top : top + n[0], left : left + n[1]]


def rot(kernel: np.ndarray) -> np.ndarray:
    return kernel[..., ::-1, ::-1]


class Pass(NamedTuple):
    p: np.ndarray
    up: np.ndarray
    up_shape: tuple[int, int]


def forward_pieces(layer: Layer) -> Pass:
    p = pad(layer.x, *layer.padding)
    k_h, k_w = layer.kernel.shape[2:]
    shape = (p.shape[1] - k_h + 1, p.shape[2] - k_w + 1)
    return Pass(p, upsample(layer.grad_output, layer.stride, shape), shape)


def grad_input_with(layer: Layer, used: np.ndarray, up: np.ndarray | None = None) -> np.ndarray:
    pieces = forward_pieces(layer)
    top, _, left, _ = layer.padding
    return crop(full(pieces.up if up is None else up, used), top, left, layer.x.shape[1:])


@FEW
@given(layers())
def test_kernel_not_rotated(layer: Layer) -> None:
    assert_named("conv", layer.body(), "grad_input", grad_input_with(layer, layer.kernel), "kernel_not_rotated")
    assert_named("conv", layer.body(), "rotated_kernel", layer.kernel, "kernel_not_rotated")


@FEW
@given(layers(square=True))
def test_kernel_transposed(layer: Layer) -> None:
    transposed = np.swapaxes(layer.kernel, 2, 3)
    assert_named("conv", layer.body(), "grad_input", grad_input_with(layer, transposed), "kernel_transposed")


@FEW
@given(layers())
def test_kernel_flipped_one_way(layer: Layer) -> None:
    upside_down = layer.kernel[..., ::-1, :]
    assert_named("conv", layer.body(), "grad_input", grad_input_with(layer, upside_down), "kernel_flipped_one_way")


@FEW
@given(layers())
def test_kernel_rotated_in_the_forward_pass(layer: Layer) -> None:
    wrong = slide(forward_pieces(layer).p, rot(layer.kernel), layer.stride)
    assert_named("conv", layer.body(), "output", wrong, "kernel_rotated")


@FEW
@given(layers())
def test_kernel_not_flipped_for_a_true_convolution(layer: Layer) -> None:
    as_typed = slide(forward_pieces(layer).p, layer.kernel, layer.stride)
    assert_named("conv", layer.body(mode="convolution"), "output", as_typed, "kernel_not_flipped")


@FEW
@given(layers(strides=(2, 3)))
def test_stride_not_upsampled(layer: Layer) -> None:
    pieces = forward_pieces(layer)
    side_by_side = squeezed(layer.grad_output, pieces.up_shape)
    body = layer.body()
    assert_named("conv", body, "upsampled_grad", side_by_side, "stride_not_upsampled")
    assert_named(
        "conv",
        body,
        "grad_kernel",
        kernel_gradient(pieces.p, side_by_side, layer.kernel.shape[2:]),
        "stride_not_upsampled",
    )
    assert_named(
        "conv", body, "grad_input", grad_input_with(layer, rot(layer.kernel), side_by_side), "stride_not_upsampled"
    )


@FEW
@given(layers(paddings=(1, 2)))
def test_padding_ignored(layer: Layer) -> None:
    p_h, p_w = layer.padding[0] + layer.padding[1], layer.padding[2] + layer.padding[3]
    from_i11 = slide(pad(layer.x, 0, p_h, 0, p_w), layer.kernel, layer.stride)  # windows from I₁₁, zeros past I
    assert_named("conv", layer.body(), "output", from_i11, "padding_ignored")


@FEW
@given(layers(paddings=(1, 2)))
def test_gradient_on_unpadded_input(layer: Layer) -> None:
    p_h, p_w = layer.padding[0] + layer.padding[1], layer.padding[2] + layer.padding[3]
    on_i = kernel_gradient(pad(layer.x, 0, p_h, 0, p_w), forward_pieces(layer).up, layer.kernel.shape[2:])
    assert_named("conv", layer.body(), "grad_kernel", on_i, "gradient_on_unpadded_input")


@FEW
@given(layers(lopsided=True))
def test_padding_wrong_side(layer: Layer) -> None:
    top, bottom, left, right = layer.padding
    swapped = slide(pad(layer.x, bottom, top, right, left), layer.kernel, layer.stride)
    assert_named("conv", layer.body(), "output", swapped, "padding_wrong_side")


@FEW
@given(layers(paddings=(1, 2)))
def test_crop_wrong_side(layer: Layer) -> None:
    pieces = forward_pieces(layer)
    top_left = crop(full(pieces.up, rot(layer.kernel)), 0, 0, layer.x.shape[1:])
    assert_named("conv", layer.body(), "grad_input", top_left, "crop_wrong_side")


@FEW
@given(layers(channels=(2, 3), kernels=(2, 3)))
def test_channels_not_summed(layer: Layer) -> None:
    pieces = forward_pieces(layer)
    first_channel = slide(pieces.p[:1], layer.kernel[:, :1], layer.stride)
    assert_named("conv", layer.body(), "output", first_channel, "channels_not_summed")
    last_kernel = grad_input_with(layer, rot(layer.kernel[-1:]), pieces.up[-1:])
    assert_named("conv", layer.body(), "grad_input", last_kernel, "channels_not_summed")


@FEW
@given(layers(), st.sampled_from(["mse", "bce"]))
def test_sum_instead_of_mean(layer: Layer, loss: str) -> None:
    out = slide(forward_pieces(layer).p, layer.kernel, layer.stride)
    target = np.clip(layer.grad_output, 0, 1)  # numbers in [0, 1]: a target both losses accept
    body = {**layer.body(target=target.tolist(), loss=loss)}
    del body["grad_output"]
    summed = 2 * (out - target) if loss == "mse" else 1 / (1 + np.exp(-out)) - target  # ∂ΣL/∂O, no 1/N
    up = upsample(summed, layer.stride, forward_pieces(layer).up_shape)
    assert_named("conv", body, "grad_output", summed, "sum_instead_of_mean")
    assert_named("conv", body, "grad_input", grad_input_with(layer, rot(layer.kernel), up), "sum_instead_of_mean")
    if loss == "mse":
        assert_named("conv", body, "loss", np.sum((out - target) ** 2), "sum_instead_of_mean")


@FEW
@given(layers())
def test_mean_instead_of_sum(layer: Layer) -> None:
    pieces = forward_pieces(layer)
    out = slide(pieces.p, layer.kernel, layer.stride)
    target = layer.grad_output
    body = {**layer.body(target=target.tolist(), loss="half_sse")}
    del body["grad_output"]
    averaged = (out - target) / out.size
    up = upsample(averaged, layer.stride, pieces.up_shape)
    assert_named(
        "conv", body, "grad_kernel", kernel_gradient(pieces.p, up, layer.kernel.shape[2:]), "mean_instead_of_sum"
    )


@FEW
@given(
    layers(), st.integers(0, 2**32 - 1), st.sampled_from(["output", "grad_kernel", "grad_input", "grad_padded_input"])
)
def test_right_answers_and_noise_get_no_diagnosis(layer: Layer, seed: int, result: str) -> None:
    assert_right_and_noise_undiagnosed("conv", layer.body(bias=[1.0] * layer.kernel.shape[0]), result, seed)
