/**
 * The pooling explorer: wires the settings panel, the API, the timeline and the stages.
 * The page's state lives in the URL (see pool-request.js); every number shown comes from the API.
 */

import { fitGrid } from "../matrix-editor.js";
import { PageRunner } from "../page-runner.js";
import { Practice, openLink } from "../practice.js";
import { light, dockPanel, markStage, pointing, renderExplanation, scrollToStep } from "./layer-page.js";
import { explain, marks, totals } from "./pool-explain.js";
import { PoolForm } from "./pool-form.js";
import { PoolModel } from "./pool-model.js";
import { LINK_SCHEMA, expectedOutputShape, linkFields, requestBody, stateFromQuery } from "./pool-request.js";
import { buildStages, drawRouting } from "./pool-stages.js";
import { STAGE_TITLES, buildSteps } from "./pool-steps.js";

const API = "/api/v1/pool";
const DEBOUNCE_MS = 150;

/** The cell each stage explains when nothing is pointed at and the timeline is elsewhere. */
const STAGE_DEFAULTS = [["output", [0, 0, 0]], ["grad_output", [0, 0, 0]], ["grad_output", [0, 0, 0]], null];

/** What a learner may compute by hand and check. */
const CHECKABLE = [
  { name: "output", label: "O, the pooled output" },
  { name: "mask", label: "the mask, where each window's gradient goes" },
  { name: "grad_input", label: "∂L/∂I, the input gradient" },
];

const link = await openLink("pool", LINK_SCHEMA, location.search, (query) => linkFields(stateFromQuery(query)));

const page = {
  /** @type {PoolModel|null} */
  model: null,
  /** @type {import("./pool-stages.js").PoolStageView[]} */
  stages: [],
  /** @type {import("./pool-steps.js").PoolStep[]} */
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
  onAnswer: (body, data) => {
    page.model = new PoolModel(body, data);
    page.pointed = null;
    showResult();
  },
});
runner.attach(new PoolForm(runner.state, { onChange }));
const { timeline } = runner;

const practice = new Practice({
  kind: "pool",
  link,
  timeline,
  results: CHECKABLE,
  stages: { forward: 0, backward: 2 },
  redraw: (full) => page.model && (full ? showResult() : page.stages.forEach((_, stage) => drawStage(stage))),
});
document.getElementById("timeline")?.before(practice.element);

runner.compute();

/**
 * An edit in the settings panel.
 * @param {import("./pool-request.js").PoolState} next
 * @param {import("./pool-form.js").ChangeKind} kind
 */
function onChange(next, kind) {
  runner.edit(fitUpstream(next, kind));
}

/**
 * Keep a given ∂L/∂O the output's shape when the shape changes, keeping the numbers that fit.
 * @param {import("./pool-request.js").PoolState} state
 * @param {import("./pool-form.js").ChangeKind} kind
 */
function fitUpstream(state, kind) {
  if (state.upstream !== "given" || (kind === "values" && state.grad_output)) return state;
  const shape = expectedOutputShape(state);
  if (!shape) return state;
  const [channels, h, w] = shape;
  const grids = state.grad_output ?? [];
  return { ...state, grad_output: Array.from({ length: channels }, (_, c) => fitGrid(grids[c] ?? [], h, w, "1")) };
}

function showResult() {
  const model = /** @type {PoolModel} */ (page.model);
  practice.update(model.body, model.data);
  page.stages = buildStages(model, pointing(page, drawStage));
  stagesElement.replaceChildren(...page.stages.map((stage) => stage.section));
  page.steps = buildSteps(model);
  runner.showSteps(page.steps, STAGE_TITLES);
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

/**
 * Draw one stage for the current step: which parts are done, which cells are filled in, what
 * is lit, and which equation its panel shows.
 * @param {number} stage
 * @param {boolean} [stepped] the timeline just moved here: write the equation line by line
 */
function drawStage(stage, stepped = false) {
  const model = /** @type {PoolModel} */ (page.model);
  const view = page.stages[stage];
  const step = page.steps[timeline.index];
  const state = markStage(view.section, stage, step.stage);
  dockPanel(view);
  for (const { view: grid, field, phase, channel } of view.views) {
    const ahead = state === "current" && phase > step.phase;
    grid.element.classList.toggle("is-future", ahead);
    grid.element.inert = ahead;
    if (stage === 0 && (field === "output" || field === "tie_counts")) {
      const size = grid.rows * grid.cols;
      let count = size;
      if (state === "future" || (state === "current" && step.phase === 0)) count = 0;
      else if (state === "current" && step.phase === 1) count = /** @type {number} */ (step.count) - channel * size;
      grid.reveal(count);
    }
  }
  if (stage === 2) {
    let count = Infinity;
    if (state === "future") count = null;
    else if (state === "current" && step.phase === 0) count = step.count;
    drawRouting(view, model, count);
  }
  if (stage === 3) {
    renderExplanation(view.panel, totals(model));
    return;
  }
  const pointed = page.pointed?.stage === stage ? page.pointed : null;
  const stepFocus = state === "current" ? step.focus : null;
  const focus = pointed ? [pointed.field, pointed.index] : stepFocus;
  const shown = /** @type {[string, number[]]} */ (focus ?? STAGE_DEFAULTS[stage]);
  const explanation = explain(model, shown[0], shown[1], stage);
  light(view, focus ? marks(/** @type {[string, number[]]} */ (focus), explanation) : []);
  if (practice.conceal(view.panel, [shown, ...explanation.sources])) return;
  renderExplanation(view.panel, explanation);
  view.panel.classList.toggle("is-writing", stepped && !pointed);
}
