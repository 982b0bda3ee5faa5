"""Per-element expansions: which products sum to one cell (eq. 9.5, 9.8, 9.9).

These loops are the slow, obviously-correct twin of the vectorised convolution:
summing a cell's terms must give the cell, and the tests check that it does.
They name the operands by the arrays the learner sees — the padded input, the
kernel as typed (not flipped), and ∂L/∂O as given (not upsampled) — so a page can
write ``O₁₁ = I₁₁·F₁₁ + I₁₂·F₁₂ + …`` straight from them.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np

from .conv import ConvCache

Index = tuple[int, ...]


class Operand(NamedTuple):
    field: str  # the API field the value comes from
    index: Index  # canonical (3-D or 4-D) index into that field
    value: float


class Term(NamedTuple):
    left: Operand
    right: Operand


def _kernel_index(cache: ConvCache, co: int, ci: int, u: int, v: int) -> Index:
    """Position in the kernel as typed of the sliding kernel's tap (u, v)."""
    k_h, k_w = cache.kernel.shape[2:]
    if cache.spec.mode == "convolution":
        return (co, ci, k_h - 1 - u, k_w - 1 - v)
    return (co, ci, u, v)


def _operand(field: str, array: np.ndarray, index: Index) -> Operand:
    return Operand(field, tuple(int(i) for i in index), float(array[index]))


def output_terms(cache: ConvCache, index: Index) -> list[Term]:
    """O[co,i,j]: padded-input cell × kernel cell over the receptive field (eq. 9.5)."""
    co, i, j = index
    (s_h, s_w), (d_h, d_w) = cache.spec.stride, cache.spec.dilation
    c_in, k_h, k_w = cache.kernel.shape[1:]
    return [
        Term(
            _operand("padded_input", cache.padded_input, (ci, i * s_h + u * d_h, j * s_w + v * d_w)),
            _operand("kernel", cache.kernel, _kernel_index(cache, co, ci, u, v)),
        )
        for ci in range(c_in)
        for u in range(k_h)
        for v in range(k_w)
    ]


def grad_kernel_terms(cache: ConvCache, grad_output: np.ndarray, index: Index) -> list[Term]:
    """∂L/∂F[co,ci,u,v]: ∂L/∂O cell × the padded-input cell it multiplied (eq. 9.8)."""
    co, ci, u, v = index
    k_h, k_w = cache.kernel.shape[2:]
    if cache.spec.mode == "convolution":
        u, v = k_h - 1 - u, k_w - 1 - v
    (s_h, s_w), (d_h, d_w) = cache.spec.stride, cache.spec.dilation
    out_h, out_w = grad_output.shape[1:]
    return [
        Term(
            _operand("grad_output", grad_output, (co, i, j)),
            _operand("padded_input", cache.padded_input, (ci, i * s_h + u * d_h, j * s_w + v * d_w)),
        )
        for i in range(out_h)
        for j in range(out_w)
    ]


def _taps(position: int, stride: int, dilation: int, k: int, out: int) -> Iterator[tuple[int, int]]:
    """Pairs (output index, kernel tap) with ``i·s + u·d == position``, in output order."""
    for i in range(out):
        offset = position - i * stride
        if offset >= 0 and offset % dilation == 0 and offset // dilation < k:
            yield i, offset // dilation


def grad_input_terms(cache: ConvCache, grad_output: np.ndarray, index: Index) -> list[Term]:
    """∂L/∂I[ci,r,c]: every ∂L/∂O cell whose window covered it × the kernel tap there (eq. 9.9).

    A cell no window reaches (an uncovered row or column) has no terms: its gradient is zero.
    """
    ci, r, c = index
    top, _, left, _ = cache.spec.padding
    (s_h, s_w), (d_h, d_w) = cache.spec.stride, cache.spec.dilation
    c_out, _, k_h, k_w = cache.kernel.shape
    out_h, out_w = grad_output.shape[1:]
    rows = list(_taps(r + top, s_h, d_h, k_h, out_h))
    cols = list(_taps(c + left, s_w, d_w, k_w, out_w))
    return [
        Term(
            _operand("grad_output", grad_output, (co, i, j)),
            _operand("kernel", cache.kernel, _kernel_index(cache, co, ci, u, v)),
        )
        for co in range(c_out)
        for i, u in rows
        for j, v in cols
    ]


def cell_term_count(cache: ConvCache, result: str, index: Index) -> int:
    """How many products the expansion of one cell of `result` lists, without listing them.

    An output cell has one per kernel tap, a kernel gradient cell one per output cell (up to
    96 × 96 with 16 rows of padding on each side), an input gradient cell one per window covering it.
    """
    c_out, c_in, k_h, k_w = cache.kernel.shape
    out_h, out_w = cache.size_h.out, cache.size_w.out
    if result == "output":
        return c_in * k_h * k_w
    if result == "grad_kernel":
        return out_h * out_w
    _, r, c = index
    top, _, left, _ = cache.spec.padding
    (s_h, s_w), (d_h, d_w) = cache.spec.stride, cache.spec.dilation
    rows = sum(1 for _ in _taps(r + top, s_h, d_h, k_h, out_h))
    cols = sum(1 for _ in _taps(c + left, s_w, d_w, k_w, out_w))
    return c_out * rows * cols


def term_count(cache: ConvCache) -> int:
    """How many products all three expansions list together, to decide whether to send them."""
    c_out, c_in, k_h, k_w = cache.kernel.shape
    outputs = c_out * cache.size_h.out * cache.size_w.out
    per_output = c_in * k_h * k_w
    # every product of the forward pass appears once in each of the three expansions
    return 3 * outputs * per_output
