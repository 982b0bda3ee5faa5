/**
 * The recurrent network explorer: wires the settings panel, the API, the timeline and the four
 * parts of the result (the unrolled network, the norms over t, the weight gradients, the update).
 * The page's state lives in the URL (see rnn-request.js); every number shown comes from the API.
 */

import { bringIntoView, element, paragraph, smoothMotion, span } from "../dom.js";
import { PageRunner } from "../page-runner.js";
import { Practice, openLink } from "../practice.js";
import { hidesAnyOf } from "../withhold.js";
import { markStage, renderExplanation } from "./layer-page.js";
import { CellRegistry } from "./rnn-cells.js";
import { backwardStep, explain, forwardStep } from "./rnn-explain.js";
import { RnnForm } from "./rnn-form.js";
import { RnnModel } from "./rnn-model.js";
import { NormsView } from "./rnn-norms.js";
import { equationDock, withPanel } from "./rnn-panel.js";
import { LINK_SCHEMA, followShape, linkFields, linkNotes, requestBody, resized, stateFromQuery } from "./rnn-request.js";
import { STAGE_TITLES, buildSteps } from "./rnn-steps.js";
import { UnrolledView } from "./rnn-unrolled.js";
import { GradientsView, updateView } from "./rnn-weights.js";

const API = "/api/v1/rnn";

/** The parts of the result: heading, citation, and the timeline stages each is current in. */
const PARTS = [
  { key: "unrolled", title: "Forward, then back through time", cite: "Fig. 9.10, 9.3", stages: [0, 1] },
  { key: "norms", title: "Why the gradient vanishes or explodes", cite: "9.3, ‖∂L/∂hᵗ‖ over t", stages: [2] },
  { key: "gradients", title: "Weight gradients: one term per step", cite: "9.3, shared weights", stages: [3] },
  { key: "update", title: "Update the weights", cite: "Fig. 9.2", stages: [4] },
];

/** A weight's gradient: the weight updated with it and each step's term of it show its numbers too. */
const weightGradient = (name) => ({ name: `grad_${name}`, label: `∂L/∂${name}`, gives: [`updated.${name}`, `steps[].contribution.grad_${name}`] });

/** What a learner may compute by hand and check; `steps[]` results are checked one step at a time. */
const CHECKABLE = [
  { name: "loss", label: "L, the total loss", gives: ["steps[].loss"] },
  { name: "steps[].a", label: "aᵗ, the pre-activation" },
  { name: "steps[].h", label: "hᵗ, the state" },
  { name: "steps[].o", label: "oᵗ, the output" },
  { name: "steps[].grad_o", label: "∂L/∂oᵗ" },
  { name: "steps[].grad_h_from_next", label: "Wᵀ∂L/∂aᵗ⁺¹, what step t + 1 sends back" },
  { name: "steps[].grad_h", label: "∂L/∂hᵗ, back through time", gives: ["steps[].grad_h_from_next", "steps[].grad_a"] },
  { name: "steps[].grad_a", label: "∂L/∂aᵗ" },
  { name: "grad_h0", label: "∂L/∂h⁰" },
  ...["U", "W", "V", "b", "c"].map(weightGradient),
];

const link = await openLink("rnn", LINK_SCHEMA, location.search, (query) => linkFields(stateFromQuery(query)));

/**
 * @typedef {import("./rnn-steps.js").RnnStep} RnnStep
 * @typedef {import("./rnn-explain.js").Explanation} Explanation
 * @typedef {{section: HTMLElement, panel: HTMLElement|null}} PartView
 */

const page = {
  /** @type {RnnModel|null} */
  model: null,
  /** @type {RnnStep[]} */
  steps: [],
  /** @type {Record<string, PartView>} */
  parts: {},
  /** @type {UnrolledView|null} */
  unrolled: null,
  /** @type {NormsView|null} */
  norms: null,
  /** @type {GradientsView|null} */
  gradients: null,
  /** @type {{section: string, path: string, index: number[]}|null} */
  pointed: null,
  /** The step of the sequence the charts and the gradient terms show (0-based). */
  selected: 0,
  lastPart: -1,
};

const stagesElement = /** @type {HTMLElement} */ (document.getElementById("stages"));

const registry = new CellRegistry({
  onPoint: (section, path, index) => {
    page.pointed = { section, path, index };
    drawPanels(false);
  },
  onLeave: (section) => {
    if (page.pointed?.section !== section) return;
    page.pointed = null;
    drawPanels(false);
  },
});

const runner = new PageRunner({
  api: API,
  state: stateFromQuery(link.query),
  writeLink: (state) => link.write(linkFields(state)),
  requestBody,
  delay: (state) => (state.x.length > 32 ? 300 : 120),
  timelineLabel: "Steps of the computation",
  drawStep,
  onAnswer: (body, data) => {
    page.model = new RnnModel(body, data);
    page.pointed = null;
    showResult();
  },
});
// The settings panel keeps the shapes in step: an edited array or size reshapes the others.
const form = new RnnForm(runner.state, {
  onChange: (next, field) => runner.edit(Array.isArray(next[field]) ? followShape(runner.state, next, field) : next),
  onResize: (sizes) => runner.edit(resized(runner.state, sizes)),
});
runner.attach(form);
if (!link.exercise) form.showLinkNotes(linkNotes(location.search));
const { timeline } = runner;

const practice = new Practice({
  kind: "rnn",
  link,
  timeline,
  results: CHECKABLE,
  stages: { forward: 0, backward: 1, weights: 3 },
  matchStep: (step, field) => step.weight !== null && field.endsWith(`grad_${step.weight}`),
  redraw: (full) => page.model && (full ? showResult() : drawPanels(false)),
});
document.getElementById("timeline")?.before(practice.element);

runner.compute();

function showResult() {
  const model = /** @type {RnnModel} */ (page.model);
  practice.update(model.body, model.data);
  registry.clear();
  page.unrolled = new UnrolledView(model, registry, (s) => select(s, true));
  page.norms = new NormsView(model, { onSelect: (s) => select(s, true) });
  page.gradients = new GradientsView(model, registry);
  const docks = { unrolled: equationDock(0), gradients: equationDock(2), update: equationDock(3) };
  const bodies = {
    unrolled: [legend(), withPanel(page.unrolled.element, docks.unrolled, true)],
    norms: [hidesAnyOf("steps[].grad_h") ? hiddenNorms() : page.norms.element],
    gradients: [withPanel(page.gradients.element, docks.gradients)],
    update: [withPanel(updateView(model, registry, () => runner.edit({ ...runner.state, learning_rate: "0.1" })), docks.update)],
  };
  page.parts = {};
  stagesElement.replaceChildren(
    ...PARTS.map((part, k) => {
      const view = partSection(part, k, bodies[part.key], docks[part.key]?.region ?? null);
      page.parts[part.key] = view;
      return view.section;
    }),
  );
  page.selected = Math.min(page.selected, model.T - 1);
  page.steps = buildSteps(model);
  page.lastPart = -1;
  runner.showSteps(page.steps, STAGE_TITLES);
}

/** What stands in for the norms while ∂L/∂hᵗ is hidden: they would give its size away. */
function hiddenNorms() {
  return paragraph("note", "‖∂L/∂hᵗ‖ over t is shown once ∂L/∂hᵗ is revealed: it would give the hidden numbers away.");
}

/** A legend of the highlight colours of the unrolled network. */
function legend() {
  const list = element("ul", "legend");
  for (const [className, words] of [["is-focus", "the number pointed at"], ["is-source", "what it was computed from"], ["is-current", "the step the timeline is at"]]) {
    const swatch = span(`swatch ${className}`);
    swatch.setAttribute("aria-hidden", "true");
    list.append(element("li", "", swatch, words));
  }
  return list;
}

/**
 * A numbered section of the result.
 * @param {{key: string, title: string, cite: string}} part
 * @param {number} k
 * @param {HTMLElement[]} children
 * @param {HTMLElement|null} equationPanel the section's panel, if it has one
 * @returns {PartView}
 */
function partSection(part, k, children, equationPanel) {
  const heading = element("h2", "", span("stage-number", String(k + 1)), ` ${part.title} `, span("cite", part.cite));
  heading.id = `part-${k + 1}`;
  const section = element("section", `stage rnn-part rnn-part-${part.key}`, heading, element("div", "stage-body", ...children));
  section.dataset.stage = String(k);
  section.setAttribute("aria-labelledby", heading.id);
  return { section, panel: equationPanel };
}

/**
 * Draw timeline step `index`.
 * @param {number} index
 * @param {boolean} stepped the timeline was moved here: bring the step into view
 */
function drawStep(index, stepped) {
  const model = page.model;
  if (!model) return;
  const step = page.steps[index];
  const { T } = model;
  const unrolled = /** @type {UnrolledView} */ (page.unrolled);
  const norms = /** @type {NormsView} */ (page.norms);
  const gradients = /** @type {GradientsView} */ (page.gradients);
  const s = step.s ?? 0;
  // How far each pass has got (forward: steps 1 … forward; backward: steps backward … T), and
  // the column the step is about.
  let forward = T;
  let backward = 0;
  /** @type {{t: number, backward: boolean}|null} */
  let current = null;
  switch (step.kind) {
    case "start":
      [forward, backward, current] = [0, T + 1, { t: 0, backward: false }];
      break;
    case "forward":
      [forward, backward, current] = [s + 1, T + 1, { t: s + 1, backward: false }];
      break;
    case "loss":
      backward = T + 1;
      break;
    case "backward":
      [backward, current] = [s + 1, { t: s + 1, backward: true }];
      break;
    case "h0":
      current = { t: 0, backward: true };
      break;
    default:
      break;
  }
  unrolled.show(forward, backward, current);
  unrolled.step(stepped && current ? current.t : null);
  norms.reveal(step.stage < 1 ? T : step.kind === "backward" ? s : 0);
  gradients.focus(step.weight);
  if (step.s !== null) select(step.s, false);
  else if (gradients.step === null) select(page.selected, false);

  const part = step.stage === 5 ? PARTS.length : PARTS.findIndex((p) => p.stages.includes(step.stage));
  PARTS.forEach((p, k) => markStage(page.parts[p.key].section, k, part));
  drawPanels(stepped);
  if (stepped) scrollToStep(part, current);
  else if (current) unrolled.scrollToColumn(current.t, false); // a link to a step opens at its column
}

/**
 * The step of the sequence the charts read out and the gradient terms show.
 * @param {number} s 0-based
 * @param {boolean} fromChart chosen on a chart or by number: bring its column into view too
 */
function select(s, fromChart) {
  page.selected = s;
  page.norms?.select(s);
  page.gradients?.setStep(s, fromChart);
  if (fromChart) {
    page.unrolled?.scrollToColumn(s + 1, smoothMotion());
    drawPanels(false);
  }
}

/**
 * Bring what a timeline step is about into view: its part of the page, and its column sideways.
 * @param {number} part index into PARTS (PARTS.length: the whole page)
 * @param {{t: number}|null} current the column, if the step is about one
 */
function scrollToStep(part, current) {
  const target = PARTS[part] ? page.parts[PARTS[part].key].section : null;
  if (target && part !== page.lastPart) bringIntoView(target, { block: "start" });
  page.lastPart = part;
  if (current) page.unrolled?.scrollToColumn(current.t, smoothMotion());
}

/**
 * Every panel's equation, and the highlight: the pointed-at number's, else the timeline's.
 * @param {boolean} stepped the timeline just moved: write the equations line by line
 */
function drawPanels(stepped) {
  const model = page.model;
  if (!model) return;
  const step = page.steps[timeline.index];
  /** @type {Explanation|null} */
  let lit = null;
  let focus = null;
  for (const part of PARTS) {
    const view = page.parts[part.key];
    if (!view?.panel) continue;
    const pointed = page.pointed?.section === part.key ? page.pointed : null;
    const explanation = pointed ? explain(model, pointed.path, pointed.index) : defaultExplanation(part.key, step);
    if (pointed) {
      lit = explanation;
      focus = [pointed.path, pointed.index];
    } else if (!page.pointed && part.stages.includes(step.stage)) lit = explanation;
    const shown = [...explanation.sources, ...(explanation.shows ?? [])];
    if (practice.conceal(view.panel, shown)) continue;
    if (explanation.lines.length) renderExplanation(view.panel, explanation);
    else view.panel.replaceChildren();
    view.panel.classList.toggle("is-writing", stepped && !pointed && part.stages.includes(step.stage));
  }
  registry.highlight(/** @type {[string, number[]]|null} */ (focus), lit?.sources ?? []);
}

/**
 * What a part's panel shows while nothing in it is pointed at.
 * @param {string} key
 * @param {RnnStep} step
 * @returns {Explanation}
 */
function defaultExplanation(key, step) {
  const model = /** @type {RnnModel} */ (page.model);
  const first = (path) => explain(model, path, Array.isArray(model.array(path)[0]) ? [0, 0] : [0]);
  if (key === "unrolled") {
    if (step.kind === "start") return explain(model, "h0", [0]);
    if (step.kind === "forward") return forwardStep(model, step.s ?? 0);
    if (step.kind === "loss") return explain(model, `steps[${model.T - 1}].loss`, []);
    if (step.kind === "h0") return explain(model, "grad_h0", [0]);
    return backwardStep(model, step.kind === "backward" ? step.s ?? 0 : page.selected);
  }
  if (key === "gradients") return first(`grad_${step.weight ?? "U"}`);
  return model.learningRate === null ? { title: "No learning rate", cite: "", lines: [], sources: [], note: "" } : first("updated.U");
}
