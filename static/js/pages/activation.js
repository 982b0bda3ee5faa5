/**
 * The activation explorer: wires the settings panel, the API, the timeline and the stages.
 * The page's state lives in the URL (see activation-request.js); every number shown comes from
 * the API, the curves included (they are the API's answer for a vector of sample points).
 */

import { postJson } from "../api.js";
import { PageRunner } from "../page-runner.js";
import { Practice, openLink } from "../practice.js";
import { cellKey, dockPanel, light, markStage, pointing, renderExplanation, scrollToStep } from "./layer-page.js";
import { explain, explainChoice, symbolText } from "./activation-explain.js";
import { ActivationForm } from "./activation-form.js";
import { ActivationModel } from "./activation-model.js";
import { LINK_SCHEMA, curveBody, linkFields, requestBody, samplePoints, stateFromQuery } from "./activation-request.js";
import { buildStages, choiceField, stageTitles } from "./activation-stages.js";

const API = "/api/v1/activation";
const DEBOUNCE_MS = 150;

/**
 * @typedef {object} ActivationStep
 * @property {number} stage
 * @property {number} phase
 * @property {string} label
 * @property {[string, number[]]|null} focus
 * @property {number|null} count cells of the stage's result shown so far
 */

/** The field each stage fills in cell by cell. */
const PROGRESSIVE = { 0: "output", 3: "grad_input" };

/** What a learner may compute by hand and check; `gives`: drawn with the same numbers (ReLU's comparison, softmax's Jacobian). */
const CHECKABLE = [
  { name: "output", label: "y, the output" },
  {
    name: "local_derivative",
    label: "f′(x), the local derivative",
    gives: [choiceField("local_derivative", "0"), choiceField("local_derivative", "1"), "jacobian"],
  },
  { name: "grad_input", label: "∂L/∂x, the input gradient", gives: [choiceField("grad_input", "0"), choiceField("grad_input", "1")] },
];

const link = await openLink("activation", LINK_SCHEMA, location.search, (query) => linkFields(stateFromQuery(query)));

const page = {
  /** @type {ActivationModel|null} */
  model: null,
  /** @type {import("./activation-stages.js").ActivationStageView[]} */
  stages: [],
  /** @type {ActivationStep[]} */
  steps: [],
  /** @type {{stage: number, field: string, index: number[]}|null} */
  pointed: null,
};

const stagesElement = /** @type {HTMLElement} */ (document.getElementById("stages"));

const runner = new PageRunner({
  api: API,
  state: stateFromQuery(link.query),
  writeLink: (state) => link.write(linkFields(state)),
  requestBody,
  delay: () => DEBOUNCE_MS,
  timelineLabel: "Stages of the computation",
  drawStep,
  // The other f′(0) (ReLU) and the sampled curve (not softmax), with the layer's answer.
  askMore: (body, signal) => Promise.all([otherChoice(body, signal), curve(body, signal)]),
  onAnswer: (body, data, [other, sampled]) => {
    page.model = new ActivationModel(body, data, { other, curve: sampled });
    page.pointed = null;
    showResult();
  },
});
runner.attach(new ActivationForm(runner.state, { onChange }));
const { timeline } = runner;

const practice = new Practice({
  kind: "activation",
  link,
  timeline,
  results: CHECKABLE,
  stages: { forward: 0, backward: 3 },
  redraw: (full) => page.model && (full ? showResult() : page.stages.forEach((_, stage) => drawStage(stage))),
});
document.getElementById("timeline")?.before(practice.element);

runner.compute();

/**
 * An edit in the settings panel (or a choice made in the comparison).
 * @param {import("./activation-request.js").ActivationState} next
 * @param {import("./activation-form.js").ChangeKind} kind
 */
function onChange(next, kind) {
  runner.edit(fitUpstream(next, kind));
}

/**
 * Keep a given ∂L/∂y the input's shape, keeping the numbers that fit and filling in ones.
 * @param {import("./activation-request.js").ActivationState} state
 * @param {import("./activation-form.js").ChangeKind} kind
 */
function fitUpstream(state, kind) {
  if (state.upstream !== "given" || (kind === "values" && state.grad_output)) return state;
  const grids = state.grad_output ?? [];
  const grad_output = state.input.map((grid, c) => grid.map((row, r) => row.map((_, k) => grids[c]?.[r]?.[k] ?? "1")));
  return { ...state, grad_output };
}

/**
 * ReLU's answer with the other f′(0), for the comparison.
 * @param {Record<string, any>} body
 * @param {AbortSignal} signal
 */
async function otherChoice(body, signal) {
  if (body.function !== "relu") return null;
  const answer = await postJson(API, { ...body, relu_grad_at_zero: 1 - body.relu_grad_at_zero }, { signal });
  return answer.ok ? { ...answer.data, relu_grad_at_zero: 1 - body.relu_grad_at_zero } : null;
}

/**
 * The function and its derivative at sample points over the input's range.
 * @param {Record<string, any>} body
 * @param {AbortSignal} signal
 */
async function curve(body, signal) {
  if (body.function === "softmax") return null;
  const xs = samplePoints([body.input].flat(3));
  const answer = await postJson(API, curveBody(body, xs), { signal });
  if (!answer.ok) return null;
  return { x: xs, y: answer.data.output, d: answer.data.local_derivative };
}

function showResult() {
  const model = /** @type {ActivationModel} */ (page.model);
  practice.update(model.body, model.data);
  page.stages = buildStages(model, {
    ...pointing(page, drawStage),
    onChoose: (value) => onChange({ ...runner.state, relu_grad_at_zero: value }, "values"),
  });
  stagesElement.replaceChildren(...page.stages.map((stage) => stage.section));
  page.steps = buildSteps(model);
  runner.showSteps(page.steps, stageTitles(model));
}

/**
 * The timeline: forward cell by cell, the derivative, the upstream gradient, the gradient
 * handed back cell by cell, ReLU's two choices, everything.
 * @param {ActivationModel} model
 * @returns {ActivationStep[]}
 */
function buildSteps(model) {
  /** @type {ActivationStep[]} */
  const steps = [];
  const add = (stage, phase, label, focus = null, count = null) => steps.push({ stage, phase, label, focus, count });
  const cells = model.indices;
  add(0, 0, "The input x");
  cells.forEach((index, k) => add(0, 1, `${symbolText(model, "output", index)} = f(${symbolText(model, "input", index)})`, ["output", index], k + 1));
  add(1, 0, "The slope f′(x) at every input", ["local_derivative", cells[0]]);
  if (model.jacobian) add(1, 0, "The Jacobian Jᵢⱼ = ∂yᵢ/∂xⱼ", ["jacobian", [0, 0]]);
  add(2, 0, "∂L/∂y, the gradient from the next layer", ["grad_output", cells[0]]);
  cells.forEach((index, k) => add(3, 0, `${symbolText(model, "grad_input", index)}, the chain rule`, ["grad_input", index], k + 1));
  if (model.function === "relu") add(4, 0, "f′(0) = 0 or 1: both side by side (9.2.2)");
  add(model.function === "relu" ? 5 : 4, 0, "Everything at once");
  return steps;
}

/**
 * Draw timeline step `index`.
 * @param {number} index
 * @param {boolean} follow bring the step into view
 */
function drawStep(index, follow) {
  if (!page.model) return;
  const step = page.steps[index];
  page.stages.forEach((_, stage) => drawStage(stage, follow && stage === step.stage));
  if (follow) scrollToStep(page.stages, step);
}

/** The cell each stage explains when nothing is pointed at and the timeline is elsewhere. */
function stageDefault(model, stage) {
  const zero = model.zeros[0] ?? model.indices[0];
  return /** @type {[string, number[]]} */ ([["output", zero], ["local_derivative", zero], ["grad_output", zero], ["grad_input", zero], [choiceField("grad_input", model.atZero), zero]][stage]);
}

/**
 * Draw one stage for the current step.
 * @param {number} stage
 * @param {boolean} [stepped] the timeline just moved here: write the equation line by line
 */
function drawStage(stage, stepped = false) {
  const model = /** @type {ActivationModel} */ (page.model);
  const view = page.stages[stage];
  const step = page.steps[timeline.index];
  const state = markStage(view.section, stage, step.stage);
  dockPanel(view);
  for (const { view: grid, field, phase, channel } of view.views) {
    const ahead = state === "current" && phase > step.phase;
    grid.element.classList.toggle("is-future", ahead);
    grid.element.inert = ahead;
    if (PROGRESSIVE[stage] !== field) continue;
    const size = grid.rows * grid.cols;
    let count = size;
    if (state === "future" || (state === "current" && step.count === null)) count = 0;
    else if (state === "current") count = /** @type {number} */ (step.count) - channel * size;
    grid.reveal(count);
  }
  const pointed = page.pointed?.stage === stage ? page.pointed : null;
  const stepFocus = state === "current" ? step.focus : null;
  const focus = pointed ? [pointed.field, pointed.index] : stepFocus;
  const [field, index] = /** @type {[string, number[]]} */ (focus ?? stageDefault(model, stage));
  const explanation = field.includes("@") ? explainChoice(model, field, index) : explain(model, field, index);
  light(view, focus ? [["is-source", explanation.sources], ["is-focus", [/** @type {[string, number[]]} */ (focus)]]] : []);
  const keys = focus ? pointsOf(model, field, index) : [];
  for (const plot of view.plots) plot.light(keys);
  if (practice.conceal(view.panel, [[field, index], ...explanation.sources])) return;
  renderExplanation(view.panel, explanation);
  view.panel.classList.toggle("is-writing", stepped && !pointed);
}

/** The points on the curves that stand for a cell (both of a Jacobian entry's elements). */
function pointsOf(model, field, index) {
  if (field === "jacobian") return [...new Set(index)].map((n) => cellKey("input", model.unflat(n)));
  return [cellKey("input", index)];
}
