/**
 * The convolution explorer: wires the settings panel, the API, the timeline and the stages.
 * The page's state lives in the URL (see conv-request.js); every number shown comes from the API.
 */

import { postJson } from "../api.js";
import { bringIntoView } from "../dom.js";
import { fitGrid } from "../matrix-editor.js";
import { PageRunner } from "../page-runner.js";
import { Practice, openLink } from "../practice.js";
import { torchSnippet, numpySnippet } from "./conv-code.js";
import { EXPANDED, explain, symbolText } from "./conv-explain.js";
import { ConvForm } from "./conv-form.js";
import { ConvModel, cellKey } from "./conv-model.js";
import { LINK_SCHEMA, expectedOutputShape, linkFields, requestBody, stateFromQuery } from "./conv-request.js";
import { buildStages, highlight, renderExplanation } from "./conv-stages.js";
import { PROGRESSIVE, STAGE_TITLES, buildSteps } from "./conv-steps.js";
import { dockPanel, markStage, pointing } from "./layer-page.js";

const API = "/api/v1/conv2d";
/** Wait this long after an edit before asking the API; big inputs redraw thousands of cells. */
const debounceMs = (state) => (state.input.length * state.input[0].length * state.input[0][0].length > 1024 ? 600 : 120);
const TERMS_PER_REQUEST = 64;

/** The cell each stage explains when nothing is pointed at and the timeline is elsewhere. */
const STAGE_DEFAULTS = [
  ["output", [0, 0, 0]],
  ["grad_output", [0, 0, 0]],
  ["grad_kernel", [0, 0, 0, 0]],
  ["grad_input", [0, 0, 0]],
  ["updated_kernel", [0, 0, 0, 0]],
];

/** What a learner may compute by hand and check, in the chapter's order; `gives`: drawn with the same numbers. */
const CHECKABLE = [
  { name: "output", label: "O, the output (eq. 9.5)" },
  { name: "padded_input", label: "P, the padded input" },
  { name: "grad_output", label: "∂L/∂O, from the target and the loss", when: (body) => "target" in body },
  { name: "upsampled_grad", label: "G↑, ∂L/∂O upsampled by the stride", gives: ["padded_upsampled_grad"] },
  { name: "grad_kernel", label: "∂L/∂F, the kernel gradient (eq. 9.8)", gives: ["updated_kernel"] },
  { name: "grad_bias", label: "∂L/∂b, the bias gradient", gives: ["updated_bias"] },
  { name: "rotated_kernel", label: "F¹⁸⁰, the kernel rotated by 180°" },
  { name: "padded_upsampled_grad", label: "G̃, G↑ padded for the full convolution", gives: ["upsampled_grad"] },
  { name: "grad_padded_input", label: "∂L/∂P, before the padding is cropped", gives: ["grad_input"] },
  { name: "grad_input", label: "∂L/∂I, the input gradient (eq. 9.9)", gives: ["grad_padded_input"] },
  { name: "updated_kernel", label: "F − α·∂L/∂F, the updated kernel" },
];

const link = await openLink("conv", LINK_SCHEMA, location.search, (query) => linkFields(stateFromQuery(query)));

const page = {
  /** @type {ConvModel|null} */
  model: null,
  /** @type {import("./conv-stages.js").StageView[]} */
  stages: [],
  /** @type {import("./conv-steps.js").ConvStep[]} */
  steps: [],
  /** @type {{stage: number, field: string, index: number[], group: number}|null} */
  pointed: null,
  /** Cells whose equation is written out in full. */
  unabridged: new Set(),
  /** Expansions asked of the API and not yet answered. */
  asked: new Set(),
};

const stagesElement = /** @type {HTMLElement} */ (document.getElementById("stages"));

const runner = new PageRunner({
  api: API,
  state: stateFromQuery(link.query),
  writeLink: (state) => link.write(linkFields(state)),
  requestBody,
  delay: debounceMs,
  timelineLabel: "Stages of the computation",
  drawStep,
  onAnswer: (body, data) => {
    page.model = new ConvModel(body, data);
    page.asked.clear();
    page.unabridged.clear();
    page.pointed = null;
    showResult();
  },
});
runner.attach(new ConvForm(runner.state, { onChange }));
const { timeline } = runner;

const practice = new Practice({
  kind: "conv",
  link,
  timeline,
  results: CHECKABLE,
  stages: { forward: 0, grad_output: 1, grad_kernel: 2, grad_input: 3, update: 4 },
  redraw: (full) => page.model && (full ? showResult() : page.stages.forEach((_, stage) => drawStage(stage))),
});
document.getElementById("timeline")?.before(practice.element);

setUpCode();
runner.compute();

/**
 * An edit in the settings panel.
 * @param {import("./conv-request.js").ConvState} next
 * @param {import("./conv-form.js").ChangeKind} kind
 */
function onChange(next, kind) {
  runner.edit(fitUpstream(next, kind, runner.state));
}

/**
 * Keep ∂L/∂O or the target the output's shape when the shape changes, keeping the numbers that
 * fit. While the settings are outside the API's limits the editors keep their shape, and the
 * API's message goes beside the setting. A target nobody has edited yet follows the loss, so
 * that choosing one never starts with a target it refuses.
 * @param {import("./conv-request.js").ConvState} state
 * @param {import("./conv-form.js").ChangeKind} kind
 * @param {import("./conv-request.js").ConvState} previous the state before the edit
 */
function fitUpstream(state, kind, previous) {
  const field = state.upstream === "given" ? "grad_output" : state.upstream === "target" ? "target" : null;
  if (!field) return state;
  const { target } = state;
  if (field === "target" && target && state.loss !== previous.loss && isSeedTarget(target, previous.loss))
    return { ...state, target: seedTarget(state.loss, target.length, target[0].length, target[0][0].length) };
  if (kind === "values" && state[field]) return state;
  const shape = expectedOutputShape(state);
  if (!shape) return state;
  const [cOut, h, w] = shape;
  if (field === "target" && !target) return { ...state, target: seedTarget(state.loss, cOut, h, w) };
  const fill = field === "grad_output" ? "1" : "0";
  const grids = state[field] ?? [];
  return { ...state, [field]: Array.from({ length: cOut }, (_, co) => fitGrid(grids[co] ?? [], h, w, fill)) };
}

/**
 * A target `loss` accepts, for an editor nobody has typed in: cross-entropy wants a probability
 * distribution and binary cross-entropy values in [0, 1], so both get a one-hot (1 in the first
 * cell); the squared errors get zeros.
 * @param {string} loss
 * @param {number} cOut @param {number} h @param {number} w
 * @returns {string[][][]}
 */
function seedTarget(loss, cOut, h, w) {
  const grids = Array.from({ length: cOut }, () => fitGrid([], h, w, "0"));
  if (loss === "cross_entropy" || loss === "bce") grids[0][0][0] = "1";
  return grids;
}

/** @param {string[][][]} grids @param {string} loss */
function isSeedTarget(grids, loss) {
  return JSON.stringify(grids) === JSON.stringify(seedTarget(loss, grids.length, grids[0].length, grids[0][0].length));
}

function showResult() {
  const model = /** @type {ConvModel} */ (page.model);
  practice.update(model.body, model.data);
  page.stages = buildStages(model, {
    ...pointing(page, drawStage),
    onAskLearningRate: () => onChange({ ...runner.state, learning_rate: "0.01" }, "values"),
  });
  stagesElement.replaceChildren(...page.stages.map((stage) => stage.section));
  page.steps = buildSteps(model);
  runner.showSteps(page.steps, STAGE_TITLES);
  updateCode();
  if (model.termsOmitted) STAGE_DEFAULTS.forEach(([field, index]) => askTerms(field, index));
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
  if (step.focus) prefetch(step.focus);
  if (follow) scrollToStep(step);
}

/**
 * Draw one stage for the current step: which parts are done, which cells are revealed,
 * what is highlighted, and which equation its panel shows.
 * @param {number} stage
 * @param {boolean} [stepped] the timeline just moved here: write the equation line by line
 */
function drawStage(stage, stepped = false) {
  const model = /** @type {ConvModel} */ (page.model);
  const view = page.stages[stage];
  const step = page.steps[timeline.index];
  const state = markStage(view.section, stage, step.stage);
  dockPanel(view);
  for (const { element, phase } of view.phased) {
    const ahead = state === "current" && phase > step.phase;
    element.classList.toggle("is-future", ahead);
    element.inert = ahead;
  }
  for (const { view: grid, field, order } of view.views) {
    const place = PROGRESSIVE[field];
    if (!place || place[0] !== stage) continue;
    const size = grid.rows * grid.cols;
    let count = size;
    if (state === "future") count = 0;
    else if (state === "current" && step.progress?.field === field) count = step.progress.count - order * size;
    else if (state === "current" && place[1] >= step.phase) count = place[1] > step.phase ? 0 : size;
    grid.reveal(count);
  }
  const pointed = page.pointed?.stage === stage ? page.pointed : null;
  const stepFocus = state === "current" ? step.focus : null;
  const focus = pointed ? [pointed.field, pointed.index] : stepFocus;
  const shown = focus ?? STAGE_DEFAULTS[stage];
  if (!model.arrays[shown[0]]) {
    highlight(view, null, null);
    view.panel.replaceChildren();
    return;
  }
  const key = cellKey(...shown);
  const explanation = explain(model, shown[0], shown[1], { limit: page.unabridged.has(key) ? Infinity : 12 });
  if (explanation.missing) askTerms(...shown);
  highlight(view, focus, focus ? explanation : null, pointed ? pointed.group : null);
  if (practice.conceal(view.panel, [shown, ...explanation.sources])) return;
  const shortened = explanation.count > 12 && !page.unabridged.has(key);
  const showAll = () => {
    page.unabridged.add(key);
    drawStage(stage);
  };
  renderExplanation(view, symbolText(model, ...shown), explanation, shortened ? showAll : null);
  view.panel.classList.toggle("is-writing", stepped && !pointed);
  for (const { view: grid, field } of view.views)
    if (field === "rotated_kernel") grid.table.classList.toggle("is-rotating", stepped && step.focus?.[0] === "rotated_kernel");
}

/** Scroll the step's cell into view while the timeline is driven. */
function scrollToStep(step) {
  const view = page.stages[step.stage];
  if (!view) return;
  bringIntoView((step.focus && view.cells.get(cellKey(...step.focus))?.[0]?.td) || view.section, { block: "center", inline: "nearest" });
}

/**
 * Big inputs come without expansions: ask for this cell's, and the next ones in the timeline's
 * order, in one request.
 * @param {[string, number[]]} focus
 */
function prefetch([field, index]) {
  if (!page.model?.termsOmitted || !EXPANDED.includes(field)) return;
  const start = timeline.index;
  const upcoming = page.steps
    .slice(start, start + TERMS_PER_REQUEST)
    .filter((step) => step.focus && step.focus[0] === field)
    .map((step) => /** @type {[string, number[]]} */ (step.focus));
  askTerms(field, index, upcoming);
}

/**
 * @param {string} field
 * @param {number[]} index
 * @param {[string, number[]][]} [more] further cells worth fetching in the same request
 */
async function askTerms(field, index, more = []) {
  const model = page.model;
  if (!model?.termsOmitted || !EXPANDED.includes(field)) return;
  const wanted = [[field, index], ...more]
    .filter(([f, i]) => EXPANDED.includes(f) && !model.terms.has(cellKey(f, i)) && !page.asked.has(cellKey(f, i)))
    .slice(0, TERMS_PER_REQUEST);
  if (!wanted.length) return;
  wanted.forEach(([f, i]) => page.asked.add(cellKey(f, i)));
  const body = { ...model.body, terms_at: wanted.map(([f, i]) => ({ result: f, index: model.apiIndex(f, i) })) };
  const result = await postJson(API, body).catch(() => null);
  if (page.model !== model) return;
  if (!result?.ok) {
    wanted.forEach(([f, i]) => page.asked.delete(cellKey(f, i)));
    return;
  }
  model.addTerms(result.data.terms ?? []);
  // Cells past the API's cap on products come back without terms: ask for them again when needed.
  wanted.filter(([f, i]) => !model.terms.has(cellKey(f, i))).forEach(([f, i]) => page.asked.delete(cellKey(f, i)));
  page.stages.forEach((_, stage) => drawStage(stage));
}

function setUpCode() {
  for (const button of document.querySelectorAll("[data-copy-code]")) {
    button.addEventListener("click", async () => {
      const code = document.getElementById(button.getAttribute("data-copy-code") ?? "");
      if (!code) return;
      await navigator.clipboard.writeText(code.textContent ?? "").catch(() => {});
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
  }
}

function updateCode() {
  const model = /** @type {ConvModel} */ (page.model);
  const torch = document.getElementById("code-torch");
  const numpy = document.getElementById("code-numpy");
  if (torch) torch.textContent = torchSnippet(model);
  if (numpy) numpy.textContent = numpySnippet(model);
}
