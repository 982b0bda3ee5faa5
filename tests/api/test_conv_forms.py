"""Every way a request may write padding, stride and dilation gives torch's numbers through HTTP.

The engine tests use one canonical form; here the API's own spellings (an int, ``[p_h, p_w]``
applied to both sides as PyTorch does, ``[top, bottom, left, right]``; an int or a pair for
stride and dilation; plain matrices or nested lists) are generated and checked end to end.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as tf
from hypothesis import given
from hypothesis import strategies as st

URL = "/api/v1/conv2d"


def _sides(padding: int | list[int]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) for each documented spelling of ``padding``."""
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return padding[0], padding[0], padding[1], padding[1]
    return tuple(padding)  # type: ignore[return-value]


def _pair(value: int | list[int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


@st.composite
def requests(draw: st.DrawFn) -> dict:
    plain = draw(st.booleans())
    c_in, c_out = (1, 1) if plain else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    k_h, k_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.one_of(
        st.integers(0, 2),
        st.lists(st.integers(0, 2), min_size=2, max_size=2),
        st.lists(st.integers(0, 2), min_size=4, max_size=4),
    ))
    stride = draw(st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=2, max_size=2)))
    dilation = draw(st.one_of(st.integers(1, 2), st.lists(st.integers(1, 2), min_size=2, max_size=2)))
    top, bottom, left, right = _sides(padding)
    (d_h, d_w) = _pair(dilation)
    span_h, span_w = d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1
    n_h = draw(st.integers(max(1, span_h - top - bottom), 7))
    n_w = draw(st.integers(max(1, span_w - left - right), 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(c_in, n_h, n_w))
    k = rng.normal(size=(c_out, c_in, k_h, k_w))
    body = {
        "input": (x[0] if plain else x).tolist(),
        "kernel": (k[0, 0] if plain else k).tolist(),
        "padding": padding, "stride": stride, "dilation": dilation,
        "mode": draw(st.sampled_from(["cross_correlation", "convolution"])),
    }
    if draw(st.booleans()):
        body["bias"] = float(rng.normal()) if plain else rng.normal(size=c_out).tolist()
    return body


@given(requests())
def test_every_spelling_of_the_geometry_matches_torch(client, body: dict) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    got = response.json()
    plain = np.ndim(body["input"]) == 2
    x = np.array(body["input"], dtype=float).reshape((1,) * plain + np.shape(body["input"]))
    k = np.array(body["kernel"], dtype=float).reshape((1, 1) * plain + np.shape(body["kernel"]))
    if body["mode"] == "convolution":
        k = k[..., ::-1, ::-1].copy()
    bias = body.get("bias")
    X, K = torch.tensor(x, requires_grad=True), torch.tensor(k, requires_grad=True)
    B = None if bias is None else torch.tensor(np.atleast_1d(bias), dtype=torch.float64, requires_grad=True)
    top, bottom, left, right = _sides(body["padding"])
    O = tf.conv2d(tf.pad(X, (left, right, top, bottom))[None], K, B,
                  stride=_pair(body["stride"]), dilation=_pair(body["dilation"]))[0]
    O.sum().backward()
    squeeze = (lambda a: a[0]) if plain else (lambda a: a)
    np.testing.assert_allclose(got["output"], squeeze(O.detach().numpy()), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["grad_input"], squeeze(X.grad.numpy()), rtol=1e-9, atol=1e-12)
    grad_kernel = K.grad.numpy()[..., ::-1, ::-1] if body["mode"] == "convolution" else K.grad.numpy()
    np.testing.assert_allclose(got["grad_kernel"], grad_kernel[0, 0] if plain else grad_kernel, rtol=1e-9, atol=1e-12)
    if B is not None:
        np.testing.assert_allclose(got["grad_bias"], B.grad.numpy()[0] if plain else B.grad.numpy(), rtol=1e-9)
    assert np.shape(got["padded_input"])[-2:] == (x.shape[1] + top + bottom, x.shape[2] + left + right)
