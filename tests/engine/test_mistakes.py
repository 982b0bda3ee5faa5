"""The mistake catalogue and the marking, on their own: shapes, the BPTT walk, and the verdict rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.check import Candidate, Tolerance, check_answer, close
from app.engine.conv import ConvSpec
from app.engine.geometry import effective_size
from app.engine.dense import dense_backward, dense_forward
from app.engine.mistakes import Mistake, StageHint, conv, dense, rnn
from app.engine.mistakes.conv import ConvProblem, conv_results
from app.engine.mistakes.conv_shapes import natural
from app.engine.rnn import RnnParams, RnnSpec, rnn_backward, rnn_forward

from .oracles import assert_close


@st.composite
def conv_problems(draw: st.DrawFn, dilations: tuple[int, int] = (1, 3)) -> ConvProblem:
    """Any layer the API accepts, dilation and true convolution included, with a loss half the time."""
    c_in, c_out, k_h, k_w = (draw(st.integers(1, 3)) for _ in range(4))
    d_h, d_w = (draw(st.integers(*dilations)) for _ in range(2))
    s_h, s_w = (draw(st.integers(1, 3)) for _ in range(2))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(4))
    min_h = max(1, effective_size(k_h, d_h) - padding[0] - padding[1])
    min_w = max(1, effective_size(k_w, d_w) - padding[2] - padding[3])
    n_h, n_w = draw(st.integers(min_h, min_h + 4)), draw(st.integers(min_w, min_w + 4))
    spec = ConvSpec((s_h, s_w), padding, (d_h, d_w), draw(st.sampled_from(["cross_correlation", "convolution"])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x, kernel, bias = (
        rng.normal(size=(c_in, n_h, n_w)),
        rng.normal(size=(c_out, c_in, k_h, k_w)),
        rng.normal(size=c_out),
    )
    out_h = (n_h + padding[0] + padding[1] - effective_size(k_h, d_h)) // s_h + 1
    out_w = (n_w + padding[2] + padding[3] - effective_size(k_w, d_w)) // s_w + 1
    loss = draw(st.sampled_from([None, "mse", "half_sse"]))
    return ConvProblem(x, kernel, bias, spec, rng.normal(size=(c_out, out_h, out_w)), loss, 1.5 if loss else None, 0.1)


@settings(max_examples=40, deadline=None)
@given(conv_problems())
def test_every_conv_mistake_keeps_each_result_s_shape(problem: ConvProblem) -> None:
    right = conv_results(*problem[:5], problem.learning_rate)
    right["loss"] = np.array(0.0)
    for mistake in conv.MISTAKES + conv.PAIRS:
        for variant in mistake.compute(problem):
            assert set(variant.results) <= set(mistake.results), (mistake.id, set(variant.results))
            for name, value in variant.results.items():
                assert value.shape == right[name].shape, f"{mistake.id} {name}: {value.shape} vs {right[name].shape}"


@settings(max_examples=40, deadline=None)
@given(conv_problems(dilations=(1, 1)))
def test_the_hand_computed_layer_with_no_step_left_out_is_the_engine_s(problem: ConvProblem) -> None:
    """The sums written for the mistakes that change a shape give the right results when no step is left out."""
    right = conv_results(*problem[:5], None)
    names = ("output", "upsampled_grad", "grad_kernel", "grad_padded_input", "grad_input")
    done = natural(problem, frozenset(), names)
    for name in names:
        assert_close(done[name], right[name], name)


def test_two_mistakes_are_paired_only_when_compatible_and_both_change_the_result() -> None:
    ids = {pair.id for pair in conv.PAIRS}
    assert "kernel_not_rotated+stride_not_upsampled" in ids and "stride_not_upsampled+gradient_on_unpadded_input" in ids
    assert not {"kernel_not_rotated+kernel_transposed", "padding_ignored+padding_wrong_side"} & ids  # alternatives
    assert "stride_not_upsampled+kernel_not_rotated" not in ids  # each pair once
    assert all(len(pair.parts) == 2 and pair.results for pair in conv.PAIRS)
    for pair in conv.PAIRS:
        first, second = pair.parts
        assert set(pair.results) == set(first.results) & set(second.results), pair.id


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.sampled_from(["tanh", "relu", "sigmoid"]),
    st.sampled_from([None, 1, 2]),
    st.integers(0, 2**32 - 1),
)
def test_the_bptt_walk_with_no_switch_turned_is_the_engine_s(T, d_in, d_h, d_out, hidden, truncation, seed) -> None:
    rng = np.random.default_rng(seed)
    params = RnnParams(*(rng.normal(size=s) for s in ((d_h, d_in), (d_h, d_h), (d_out, d_h), d_h, d_out, d_h)))
    _, cache = rnn_forward(
        rng.normal(size=(T, d_in)), rng.normal(size=(T, d_out)), params, RnnSpec(hidden, truncation=truncation)
    )
    walked, engine = rnn.bptt(cache), rnn_backward(cache)
    for name in ("grad_U", "grad_W", "grad_V", "grad_b", "grad_c", "grad_h0"):
        assert_close(walked[name], getattr(engine, name), name)
    assert_close(walked["steps.grad_h"], engine.through_time.grad_h, "grad_h")
    assert_close(walked["steps.grad_h_from_next"], engine.through_time.from_next, "from_next")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.booleans(), st.integers(0, 2**32 - 1))
def test_dense_mistakes_change_only_their_results_and_only_a_transposed_gradient_turns_its_shape(
    n_out: int, n_in: int, biased: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x, w, b, g = rng.normal(size=n_in), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out), rng.normal(size=n_out)
    problem = dense.DenseProblem(x, w, b if biased else None, g)
    output, cache = dense_forward(x, w, problem.bias)
    grads = dense_backward(g, cache)
    right = {"output": output, "grad_input": grads.grad_input, "grad_weight": grads.grad_weight}
    made = {mistake.id: mistake.compute(problem) for mistake in dense.MISTAKES}
    assert bool(made["input_grad_not_transposed"]) == (n_out == n_in), "W g needs a square W"
    assert bool(made["bias_left_out"]) == biased
    for mistake in dense.MISTAKES:
        for variant in made[mistake.id]:
            assert set(variant.results) <= set(mistake.results), mistake.id
            for name, value in variant.results.items():
                turned = right[name].T if mistake.id == "weight_grad_transposed" else right[name]
                assert value.shape == turned.shape, f"{mistake.id} {name}: {value.shape}"
    assert_close(made["weight_grad_transposed"][0].results["grad_weight"], grads.grad_weight.T, "x gᵀ")


def _mistake(id: str) -> Mistake:
    return Mistake(id, id, "", "", ("r",), StageHint("/conv", "forward", "r"), lambda p: [])


EXPECTED = np.array([[1.0, 2.0], [3.0, 4.0]])
TOLERANCE = Tolerance()


def test_close_is_absolute_plus_relative_to_the_reference() -> None:
    assert close(np.array([1.004, 1000.9, 1001.2]), np.array([1.0, 1000.0, 1000.0]), TOLERANCE).tolist() == [
        True,
        True,
        False,
    ]
    assert close(np.array([0.0]), np.array([0.0]), Tolerance(0, 0)).tolist() == [True]


def test_an_answer_equal_to_a_mistake_s_result_is_explained_and_partial_matches_are_dropped() -> None:
    whole = Candidate(_mistake("whole"), None, np.array([[1.0, 2.0], [30.0, 40.0]]))
    part = Candidate(_mistake("part"), None, np.array([[1.0, 2.0], [30.0, 4.5]]))
    outcome = check_answer(whole.value, EXPECTED, [part, whole], TOLERANCE)
    assert [(d.mistake.id, d.explains_all) for d in outcome.diagnoses] == [("whole", True)]
    assert outcome.diagnoses[0].cells.tolist() == [[1, 0], [1, 1]]
    assert outcome.correct.tolist() == [[True, True], [False, False]]
    assert outcome.difference.tolist() == [[0, 0], [27, 36]]


def test_a_mistake_matching_under_half_the_wrong_cells_is_not_offered() -> None:
    answer = np.array([[10.0, 20.0], [30.0, 4.0]])
    one_of_three = Candidate(_mistake("one"), None, np.array([[10.0, 2.0], [3.0, 7.0]]))
    two_of_three = Candidate(_mistake("two"), None, np.array([[10.0, 20.0], [3.0, 7.0]]))
    outcome = check_answer(answer, EXPECTED, [one_of_three, two_of_three], TOLERANCE)
    assert [(d.mistake.id, d.explains_all, d.cells.tolist()) for d in outcome.diagnoses] == [
        ("two", False, [[0, 0], [0, 1]])
    ]


def test_a_mistake_giving_the_right_numbers_is_undetectable_and_a_right_answer_is_undiagnosed() -> None:
    same = Candidate(_mistake("same"), "one way", EXPECTED + 1e-4)
    other = Candidate(_mistake("other"), None, EXPECTED * 2)
    outcome = check_answer(EXPECTED.copy(), EXPECTED, [same, other], TOLERANCE)
    assert outcome.diagnoses == [] and outcome.correct.all()
    assert [(u.mistake.id, u.detail) for u in outcome.undetectable] == [("same", "one way")]


def test_a_mistake_the_answer_mostly_contradicts_is_not_offered() -> None:
    answer = np.array([[1.0, 2.0], [3.0, 9.0]])  # one slip, which the mistake happens to give too
    everywhere = Candidate(_mistake("everywhere"), None, np.array([[5.0, 6.0], [7.0, 9.0]]))
    outcome = check_answer(answer, EXPECTED, [everywhere], TOLERANCE)
    assert outcome.diagnoses == [] and outcome.correct.sum() == 3


def test_a_mistake_made_in_part_of_the_result_explains_every_wrong_cell_and_is_named_as_part() -> None:
    expected = np.arange(1.0, 37.0).reshape(6, 6)
    everywhere = expected + 10.0  # the mistake changes every cell
    answer = expected.copy()
    answer[:2, :2] = everywhere[:2, :2]  # made in the first 2×2 block only: 4 of 36 cells wrong, 32 right
    outcome = check_answer(answer, expected, [Candidate(_mistake("block"), None, everywhere)], TOLERANCE)
    [diagnosis] = outcome.diagnoses
    assert (diagnosis.mistake.id, diagnosis.extent) == ("block", "part")
    assert diagnosis.cells.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_a_partial_diagnosis_needs_every_wrong_cell_and_two_numbers_that_are_not_zero() -> None:
    expected = np.arange(1.0, 10.0).reshape(3, 3)
    mistaken = expected + 5.0
    mistaken[0, 0] = 0.0
    one_slip = expected.copy()
    one_slip[1, 1] = mistaken[1, 1]
    a_stray_cell_too = expected.copy()
    a_stray_cell_too[0, 1], a_stray_cell_too[0, 2], a_stray_cell_too[2, 2] = mistaken[0, 1], mistaken[0, 2], 100.0
    zeros = expected.copy()
    zeros[0, 0] = 0.0  # an unfinished answer: the mistake's 0, and one of its other numbers
    zeros[2, 0] = mistaken[2, 0]
    for answer in (one_slip, a_stray_cell_too, zeros):
        outcome = check_answer(answer, expected, [Candidate(_mistake("m"), None, mistaken)], TOLERANCE)
        assert outcome.diagnoses == [], answer


def test_two_mistakes_together_are_named_only_when_they_explain_the_whole_answer_and_no_single_one_does() -> None:
    single, other = _mistake("single"), _mistake("other")
    stage = StageHint("/conv", "forward", "r")
    pair = Mistake("single+other", "both", "", "", ("r",), stage, lambda p: [], {}, (single, other))
    both = EXPECTED * 3
    asked: list[str] = []

    def pairs(value: np.ndarray) -> list[Candidate]:
        asked.append("pairs")
        return [Candidate(pair, None, value)]

    outcome = check_answer(both, EXPECTED, [Candidate(single, None, EXPECTED * 2)], TOLERANCE, lambda: pairs(both))
    assert [(d.mistake.id, d.extent) for d in outcome.diagnoses] == [("single+other", "all")]
    partly = both.copy()
    partly[0, 0] = 17.0
    outcome = check_answer(partly, EXPECTED, [], TOLERANCE, lambda: pairs(both))
    assert outcome.diagnoses == [], "a pair reproducing 3 of 4 wrong cells is not named"
    asked.clear()
    alone = [Candidate(single, None, EXPECTED * 2)]
    outcome = check_answer(EXPECTED * 2, EXPECTED, alone, TOLERANCE, lambda: pairs(both))
    assert [d.mistake.id for d in outcome.diagnoses] == ["single"] and asked == []
    outcome = check_answer(EXPECTED.copy(), EXPECTED, [], TOLERANCE, lambda: pairs(EXPECTED.copy()))
    assert outcome.diagnoses == [] and outcome.undetectable == [] and asked == []
