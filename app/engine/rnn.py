"""Recurrent network unrolled in time and backpropagation through time (chapter 9.3, Fig. 9.10).

One cell of Fig. 9.10, applied at every step t = 1 … T with the same weights:

    aᵗ = U xᵗ + W hᵗ⁻¹ + b        hᵗ = σ₁(aᵗ)          (σ₁: tanh | relu | sigmoid)
    oᵗ = V hᵗ + c                 ỹᵗ = σ₂(oᵗ)          (σ₂: identity | softmax | sigmoid)
    Lᵗ = loss(ỹᵗ, yᵗ)             L = Σₜ Lᵗ

Backpropagation through time walks the unrolled network from t = T back to 1, with
∂L/∂a^{T+1} = 0:

    ∂L/∂oᵗ = ∂Lᵗ/∂oᵗ
    ∂L/∂hᵗ = Vᵀ ∂L/∂oᵗ  +  Wᵀ ∂L/∂aᵗ⁺¹         (its own output, and step t+1)
    ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ)

and every weight gradient is a sum over the steps, one term per step (the shared weights
of the unrolled network): ∂L/∂V = Σₜ ∂L/∂oᵗ (hᵗ)ᵀ, ∂L/∂W = Σₜ ∂L/∂aᵗ (hᵗ⁻¹)ᵀ, …

The term Wᵀ(σ₁′ ⊙ ·) is applied once per step back, so a gradient that travels n steps is
multiplied by n such matrices: that product is why gradients vanish or explode
(Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural networks").

Shapes (arrays are indexed 0-based, step t is row t−1):
    x : T × d_in      y : T × d_out
    U : d_h × d_in    W : d_h × d_h     V : d_out × d_h
    b : d_h           c : d_out         h0: d_h
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from .errors import InvalidInput
from .loss import LOSS_NAMES, LossName, LossResult, compute_loss, sigmoid, softmax

HiddenActivation = Literal["tanh", "relu", "sigmoid"]
OutputActivation = Literal["identity", "softmax", "sigmoid"]
HIDDEN_ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")
OUTPUT_ACTIVATIONS: tuple[str, ...] = ("identity", "softmax", "sigmoid")

# Losses taken on the scores oᵗ with their output activation folded in (loss.py applies
# softmax or the sigmoid itself), so that ∂Lᵗ/∂oᵗ is the simple ỹᵗ − yᵗ (÷ d_out for bce).
_COMBINED_OUTPUT = {"cross_entropy": "softmax", "bce": "sigmoid"}

@dataclass(frozen=True)
class RnnSpec:
    """Everything about the network that is not a number: activations, loss, truncation.

    `truncation` is k for truncated BPTT, or None for the full backward pass. The sequence
    is cut into blocks of k steps (1…k, k+1…2k, …) and the state handed from one block to
    the next is a constant for the backward pass, as a PyTorch loop that calls
    ``h = h.detach()`` before steps k+1, 2k+1, … does: ∂L/∂hᵗ for t = k, 2k, … gets no part
    from step t+1, and no gradient crosses a block boundary. The forward pass, the losses
    and each step's own-output part are unchanged; k ≥ T is the full backward pass.
    """

    hidden_activation: HiddenActivation = "tanh"
    output_activation: OutputActivation = "identity"
    loss: LossName = "mse"
    truncation: int | None = None


class RnnParams(NamedTuple):
    """The weights of Fig. 9.10, and the initial state."""

    U: np.ndarray  # d_h × d_in
    W: np.ndarray  # d_h × d_h
    V: np.ndarray  # d_out × d_h
    b: np.ndarray  # d_h
    c: np.ndarray  # d_out
    h0: np.ndarray  # d_h


class RnnCache(NamedTuple):
    """The forward pass, every step, as rows over t; what backward and the explanations need."""

    x: np.ndarray  # T × d_in
    y: np.ndarray  # T × d_out
    params: RnnParams
    spec: RnnSpec
    h_prev: np.ndarray  # hᵗ⁻¹, T × d_h (row 0 is h0)
    a_from_input: np.ndarray  # U xᵗ, T × d_h
    a_from_state: np.ndarray  # W hᵗ⁻¹, T × d_h
    a: np.ndarray  # aᵗ = U xᵗ + W hᵗ⁻¹ + b, T × d_h
    h: np.ndarray  # T × d_h
    hidden_derivative: np.ndarray  # σ₁′(aᵗ), T × d_h
    o: np.ndarray  # T × d_out
    y_hat: np.ndarray  # ỹᵗ = σ₂(oᵗ), T × d_out
    losses: np.ndarray  # Lᵗ, T
    grad_y_hat: np.ndarray | None  # ∂Lᵗ/∂ỹᵗ, T × d_out; None when the loss is taken on oᵗ (combined)
    grad_o: np.ndarray  # ∂Lᵗ/∂oᵗ, T × d_out


class BackThroughTime(NamedTuple):
    """∂L/∂hᵗ and ∂L/∂aᵗ over t, with ∂L/∂hᵗ split into its two sources."""

    from_output: np.ndarray  # Vᵀ ∂L/∂oᵗ, T × d_h
    from_next: np.ndarray  # Wᵀ ∂L/∂aᵗ⁺¹ (zero at t = T and where truncation cuts), T × d_h
    grad_h: np.ndarray  # ∂L/∂hᵗ, T × d_h
    grad_a: np.ndarray  # ∂L/∂aᵗ, T × d_h
    norm: np.ndarray  # ‖∂L/∂hᵗ‖₂, T


class RnnGrads(NamedTuple):
    """BPTT: every per-step quantity, each step's term of every weight gradient, and the totals."""

    grad_o: np.ndarray  # ∂L/∂oᵗ, T × d_out
    through_time: BackThroughTime  # of L = Σₜ Lᵗ
    last_loss: BackThroughTime  # of L^T alone: how far back one loss reaches
    block_last_loss: BackThroughTime  # of each block's last loss alone (L^k, L^2k, …, L^T); L^T without truncation
    cut: np.ndarray  # bool, T: truncation cut the flow from step t+1 into hᵗ
    step_grad_U: np.ndarray  # ∂L/∂aᵗ (xᵗ)ᵀ, T × d_h × d_in
    step_grad_W: np.ndarray  # ∂L/∂aᵗ (hᵗ⁻¹)ᵀ, T × d_h × d_h
    step_grad_V: np.ndarray  # ∂L/∂oᵗ (hᵗ)ᵀ, T × d_out × d_h
    step_grad_b: np.ndarray  # ∂L/∂aᵗ, T × d_h
    step_grad_c: np.ndarray  # ∂L/∂oᵗ, T × d_out
    grad_U: np.ndarray
    grad_W: np.ndarray
    grad_V: np.ndarray
    grad_b: np.ndarray
    grad_c: np.ndarray
    grad_h0: np.ndarray  # Wᵀ ∂L/∂a¹, d_h


def rnn_forward(x: np.ndarray, y: np.ndarray, params: RnnParams, spec: RnnSpec) -> tuple[float, RnnCache]:
    """The unrolled forward pass of Fig. 9.10 and the total loss L = Σₜ Lᵗ.

    The state is carried left to right, so this is a loop over t; the parts that do not
    depend on hᵗ⁻¹ (U xᵗ, V hᵗ + c) are done for every step at once.
    """
    _check(x, y, params, spec)
    T, d_h = x.shape[0], params.W.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        from_input = x @ params.U.T  # U xᵗ, T × d_h
        from_state = np.empty((T, d_h))  # W hᵗ⁻¹
        a = np.empty((T, d_h))
        h = np.empty((T, d_h))
        state = params.h0
        for t in range(T):
            from_state[t] = params.W @ state
            a[t] = from_input[t] + from_state[t] + params.b
            state = h[t] = _hidden(spec.hidden_activation, a[t])
        h_prev = np.vstack([params.h0[None], h[:-1]])
        o = h @ params.V.T + params.c
        if not (np.isfinite(a).all() and np.isfinite(o).all()):
            raise _forward_overflow(x, y, params, (from_input, from_state, a, h, o), None)
        y_hat, losses, grad_y_hat, grad_o = _losses(o, y, spec)
        total = float(losses.sum())
        if not np.isfinite(total):
            raise _forward_overflow(x, y, params, (from_input, from_state, a, h, o), losses)
    derivative = _hidden_derivative(spec.hidden_activation, a, h)
    cache = RnnCache(
        x, y, params, spec, h_prev, from_input, from_state, a, h, derivative, o, y_hat, losses, grad_y_hat, grad_o
    )
    return total, cache


def rnn_backward(cache: RnnCache) -> RnnGrads:
    """Backpropagation through time (SPEC §5), right to left, with every per-step term kept."""
    p, T = cache.params, cache.x.shape[0]
    cut = truncation_cuts(T, cache.spec.truncation)
    with np.errstate(over="ignore", invalid="ignore"):
        from_output = cache.grad_o @ p.V  # row t is Vᵀ ∂L/∂oᵗ
        through_time = _back_through_time(from_output, cache.hidden_derivative, p.W, cut)
        last_only = np.zeros_like(from_output)
        last_only[-1] = from_output[-1]
        last_loss = _back_through_time(last_only, cache.hidden_derivative, p.W, cut)
        # Blocks do not exchange gradients, so one pass gives each block's last loss alone.
        block_ends = np.append(cut[:-1], True)
        block_last_only = np.where(block_ends[:, None], from_output, 0.0)
        block_last_loss = _back_through_time(block_last_only, cache.hidden_derivative, p.W, cut)
        grad_a = through_time.grad_a
        step_U = np.einsum("ti,tj->tij", grad_a, cache.x)
        step_W = np.einsum("ti,tj->tij", grad_a, cache.h_prev)
        step_V = np.einsum("ti,tj->tij", cache.grad_o, cache.h)
        grads = RnnGrads(
            grad_o=cache.grad_o,
            through_time=through_time,
            last_loss=last_loss,
            block_last_loss=block_last_loss,
            cut=cut,
            step_grad_U=step_U,
            step_grad_W=step_W,
            step_grad_V=step_V,
            step_grad_b=grad_a,
            step_grad_c=cache.grad_o,
            grad_U=step_U.sum(axis=0),
            grad_W=step_W.sum(axis=0),
            grad_V=step_V.sum(axis=0),
            grad_b=grad_a.sum(axis=0),
            grad_c=cache.grad_o.sum(axis=0),
            grad_h0=p.W.T @ grad_a[0],
        )
    _check_backward_finite(grads)
    return grads


def truncation_cuts(T: int, truncation: int | None) -> np.ndarray:
    """Where truncated BPTT cuts the flow from step t+1 into hᵗ: at t = k, 2k, … below T (bool, T)."""
    steps = np.arange(1, T + 1)
    if truncation is None:
        return np.zeros(T, dtype=bool)
    return (steps % truncation == 0) & (steps < T)


def _back_through_time(
    from_output: np.ndarray, derivative: np.ndarray, W: np.ndarray, cut: np.ndarray
) -> BackThroughTime:
    """∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹ and ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ), for t = T … 1."""
    T = from_output.shape[0]
    from_next = np.zeros_like(from_output)
    grad_h = np.empty_like(from_output)
    grad_a = np.empty_like(from_output)
    for t in range(T - 1, -1, -1):
        if t + 1 < T and not cut[t]:
            from_next[t] = W.T @ grad_a[t + 1]
        grad_h[t] = from_output[t] + from_next[t]
        grad_a[t] = grad_h[t] * derivative[t]
    return BackThroughTime(from_output, from_next, grad_h, grad_a, row_norms(grad_h))


def _hidden(name: str, a: np.ndarray) -> np.ndarray:
    """σ₁ on one step's pre-activation."""
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return sigmoid(a)


def _hidden_derivative(name: str, a: np.ndarray, h: np.ndarray) -> np.ndarray:
    """σ₁′(aᵗ), written with hᵗ where that is the textbook form; relu′(0) = 0, as PyTorch."""
    if name == "tanh":
        return 1.0 - h**2
    if name == "relu":
        return (a > 0).astype(float)
    return h * (1.0 - h)


def _losses(
    o: np.ndarray, y: np.ndarray, spec: RnnSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """ỹᵗ, Lᵗ, ∂Lᵗ/∂ỹᵗ (or None) and ∂Lᵗ/∂oᵗ for every step.

    `cross_entropy` and `bce` are taken on the scores oᵗ (their σ₂ folded in, so the
    gradient is ỹᵗ − yᵗ); `mse` and `half_sse` are taken on ỹᵗ and chained back through σ₂.
    """
    T = o.shape[0]
    losses = np.empty(T)
    grad_o = np.empty_like(o)
    if spec.loss in _COMBINED_OUTPUT:
        y_hat = np.empty_like(o)
        for t in range(T):
            result = _step_loss(spec.loss, o[t], y[t], t)
            losses[t], grad_o[t], y_hat[t] = result.value, result.grad, result.probabilities
        return y_hat, losses, None, grad_o
    y_hat = _output(spec.output_activation, o)
    grad_y_hat = np.empty_like(o)
    for t in range(T):
        result = _step_loss(spec.loss, y_hat[t], y[t], t)
        losses[t], grad_y_hat[t] = result.value, result.grad
        grad_o[t] = _output_backward(spec.output_activation, y_hat[t], grad_y_hat[t])
    return y_hat, losses, grad_y_hat, grad_o


def _step_loss(name: str, prediction: np.ndarray, target: np.ndarray, t: int) -> LossResult:
    """Lᵗ through loss.py, with the step named when yᵗ does not suit the loss."""
    try:
        return compute_loss(name, prediction, target, field="y")
    except InvalidInput as error:
        raise InvalidInput("y", f"row {t + 1} (step {t + 1}): {error.message}") from None


def _output(name: str, o: np.ndarray) -> np.ndarray:
    """σ₂ on every step's scores (rows); softmax is over each step's d_out scores."""
    if name == "identity":
        return o.copy()
    if name == "sigmoid":
        return sigmoid(o)
    return np.vstack([softmax(row) for row in o])


def _output_backward(name: str, y_hat: np.ndarray, grad_y_hat: np.ndarray) -> np.ndarray:
    """∂Lᵗ/∂oᵗ = J_σ₂ᵀ ∂Lᵗ/∂ỹᵗ; for softmax J = diag(ỹ) − ỹỹᵀ, so J g = ỹ ⊙ (g − ỹ·g)."""
    if name == "identity":
        return grad_y_hat.copy()
    if name == "sigmoid":
        return grad_y_hat * y_hat * (1.0 - y_hat)
    return y_hat * (grad_y_hat - y_hat @ grad_y_hat)


def _check(x: np.ndarray, y: np.ndarray, p: RnnParams, spec: RnnSpec) -> None:
    """Every shape against every other, naming the field that disagrees and both shapes."""
    if spec.hidden_activation not in HIDDEN_ACTIVATIONS:
        raise InvalidInput(
            "hidden_activation",
            f"unknown activation {spec.hidden_activation!r}; expected one of {', '.join(HIDDEN_ACTIVATIONS)}",
        )
    if spec.output_activation not in OUTPUT_ACTIVATIONS:
        raise InvalidInput(
            "output_activation",
            f"unknown activation {spec.output_activation!r}; expected one of {', '.join(OUTPUT_ACTIVATIONS)}",
        )
    if spec.loss not in LOSS_NAMES:
        raise InvalidInput("loss", f"unknown loss {spec.loss!r}; expected one of {', '.join(LOSS_NAMES)}")
    needed = _COMBINED_OUTPUT.get(spec.loss)
    if needed is not None and spec.output_activation != needed:
        raise InvalidInput(
            "loss",
            f"{spec.loss} is taken on a {needed} output, but output_activation is {spec.output_activation!r}: "
            f"set output_activation to {needed!r} or choose mse or half_sse",
        )
    if spec.truncation is not None and spec.truncation < 1:
        raise InvalidInput("truncation", f"k must be at least 1, got {spec.truncation}")
    arrays = {"x": x, "y": y, "U": p.U, "W": p.W, "V": p.V, "b": p.b, "c": p.c, "h0": p.h0}
    for name, array in arrays.items():
        ndim = 1 if name in ("b", "c", "h0") else 2
        if array.ndim != ndim:
            kind = "a matrix" if ndim == 2 else "a vector"
            raise InvalidInput(name, f"expected {kind}, got {array.ndim} dimension(s)")
    T, d_in = x.shape
    d_h = p.U.shape[0]
    if p.U.shape[1] != d_in:
        raise InvalidInput(
            "U",
            f"is d_h × d_in = {_shape(p.U)}, so each xᵗ needs {p.U.shape[1]} numbers, but x is T × d_in = {_shape(x)}",
        )
    if p.W.shape[0] != p.W.shape[1]:
        raise InvalidInput("W", f"must be square (d_h × d_h), got {_shape(p.W)}")
    if p.W.shape[0] != d_h:
        raise InvalidInput(
            "W", f"is {_shape(p.W)} but U is {_shape(p.U)}: W must be d_h × d_h with d_h = {d_h}, U's rows"
        )
    if p.V.shape[1] != d_h:
        raise InvalidInput("V", f"is d_out × d_h = {_shape(p.V)} but U is {_shape(p.U)}: V needs d_h = {d_h} columns")
    d_out = p.V.shape[0]
    if y.shape != (T, d_out):
        raise InvalidInput(
            "y", f"is {_shape(y)} but must be T × d_out = {T}×{d_out} (x is {_shape(x)}, V is {_shape(p.V)})"
        )
    for name, vector, size, meaning in (("b", p.b, d_h, "d_h"), ("c", p.c, d_out, "d_out"), ("h0", p.h0, d_h, "d_h")):
        if vector.shape != (size,):
            raise InvalidInput(name, f"has {vector.size} number(s) but needs {meaning} = {size}")


# Past this size a number is on its way out of float64: the losses square differences of
# predictions and targets and add up to 64 × 16 of them, which overflows from about 1e152 on.
_HUGE = 1e150


def _forward_overflow(
    x: np.ndarray,
    y: np.ndarray,
    p: RnnParams,
    forward: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    losses: np.ndarray | None,
) -> InvalidInput:
    """Name the field where the forward pass first grows out of float64's reach, not where it finally overflows.

    `forward` is (U xᵗ, W hᵗ⁻¹, aᵗ, hᵗ, oᵗ) over t; `losses` the Lᵗ, or None when aᵗ or oᵗ
    already overflowed. The steps are read in the order they are computed, aᵗ, oᵗ, Lᵗ for
    t = 1 … T (hᵗ is never larger than aᵗ, and ỹᵗ never larger than oᵗ), and the first that is
    huge or not finite is blamed on its largest term: aᵗ = U xᵗ + W hᵗ⁻¹ + b on x or U, on W (h⁰
    at step 1) or on b; oᵗ = V hᵗ + c on V or c; a loss that overflows while aᵗ and oᵗ stay
    moderate on the target yᵗ.
    """
    from_input, from_state, a, h, o = forward
    running = None if losses is None else np.cumsum(losses)[:, None]
    candidates = [("aᵗ", a), ("oᵗ", o)] + ([] if running is None else [("the loss", running)])
    t_over, what = min((_first_bad(rows), name) for name, rows in candidates if not np.isfinite(rows).all())
    overflow = f"{what} overflows float64 (±1.8e308) at step {t_over + 1}"
    for t in range(t_over + 1):
        if _size(a[t]) >= _HUGE:
            terms = {"U xᵗ": _size(from_input[t]), "W hᵗ⁻¹": _size(from_state[t]), "b": _size(p.b)}
            term = max(terms, key=terms.__getitem__)
            if term == "U xᵗ":
                field = "x" if _size(x[t]) >= _size(p.U) else "U"
            elif term == "W hᵗ⁻¹":
                field = "h0" if t == 0 and _size(p.h0) > _size(p.W) else "W"
            else:
                field = "b"
            here = (t, "aᵗ") == (t_over, what)
            return _grows_too_large(field, "aᵗ", "U xᵗ + W hᵗ⁻¹ + b", term, a[t], t, here, overflow)
        if _size(o[t]) >= _HUGE:
            terms = {"V hᵗ": _size(p.V @ h[t]), "c": _size(p.c)}
            term = max(terms, key=terms.__getitem__)
            field = "V" if term == "V hᵗ" else "c"
            here = (t, "oᵗ") == (t_over, what)
            return _grows_too_large(field, "oᵗ", "V hᵗ + c", term, o[t], t, here, overflow)
    target = _size(y[t_over])
    return InvalidInput("y", f"the numbers are too large: yᵗ reaches {target:.3g} at step {t_over + 1}: {overflow}")


def _grows_too_large(
    field: str, name: str, formula: str, term: str, row: np.ndarray, t: int, overflows_here: bool, overflow: str
) -> InvalidInput:
    """'aᵗ reaches 1e+300 at step 2, most of it from W hᵗ⁻¹ (aᵗ = …); the loss … overflows …'."""
    grows = "overflows float64 (±1.8e308)" if overflows_here else f"reaches {_size(row):.3g}"
    tail = "" if overflows_here else f"; {overflow}"
    where = f"at step {t + 1}, most of it from {term} ({name} = {formula})"
    return InvalidInput(field, f"the numbers are too large: {name} {grows} {where}{tail}")


def _size(array: np.ndarray) -> float:
    """The largest magnitude in `array`; NaN (inf − inf) counts as infinite, 0 for no numbers."""
    with np.errstate(invalid="ignore"):
        return float(np.nan_to_num(np.abs(array), nan=np.inf).max(initial=0.0))


def row_norms(rows: np.ndarray) -> np.ndarray:
    """‖row‖₂ for each row of a T × n array, scaled first so that squaring cannot overflow."""
    scale = np.abs(rows).max(axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    with np.errstate(over="ignore"):
        return safe * np.linalg.norm(rows / safe[:, None], axis=1)


def _check_backward_finite(grads: RnnGrads) -> None:
    per_step = (
        grads.through_time.grad_h, grads.through_time.grad_a, grads.through_time.norm[:, None],
        grads.last_loss.grad_h, grads.last_loss.norm[:, None], grads.block_last_loss.norm[:, None],
        grads.step_grad_U, grads.step_grad_W, grads.step_grad_V,
    )
    bad = [np.flatnonzero(~np.isfinite(q.reshape(q.shape[0], -1)).all(axis=1)) for q in per_step]
    bad_steps = np.concatenate(bad)
    totals = (grads.grad_U, grads.grad_W, grads.grad_V, grads.grad_b, grads.grad_c, grads.grad_h0)
    totals_finite = all(np.isfinite(g).all() for g in totals)
    if bad_steps.size or not totals_finite:
        where = f" going back through step {int(bad_steps.max()) + 1}" if bad_steps.size else ""
        raise InvalidInput("W", f"the gradient explodes past float64 (±1.8e308){where}: make W, x or T smaller")


def _first_bad(rows: np.ndarray) -> int:
    return int(np.flatnonzero(~np.isfinite(rows).all(axis=1))[0])


def _shape(array: np.ndarray) -> str:
    return "×".join(str(n) for n in array.shape)
