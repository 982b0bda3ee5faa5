/**
 * The network explorer: wires the settings panel, the API, the chain of Fig. 9.2, the timeline,
 * the panels and "Check my answer" for a result of one layer. The page's state lives in the URL
 * (see network-request.js), with the results a quiz link hides (`hide`); every number shown comes
 * from `POST /api/v1/network`.
 */

import { bringIntoView } from "../dom.js";
import { PageRunner } from "../page-runner.js";
import { Practice } from "../practice.js";
import { hideCodec, hideLink } from "../quiz.js";
import { writeQuery } from "../state.js";
import { isHidden } from "../withhold.js";
import { ChainView } from "./network-chain.js";
import { NetworkForm } from "./network-form.js";
import { buildPanels } from "./network-panels.js";
import { askLayer, networkResults, networkValue, placeInNetwork } from "./network-practice.js";
import { fitChain, linkFields, requestBody, stateFromSearch } from "./network-request.js";
import { STAGE_TITLES, buildSteps, progress } from "./network-steps.js";

const API = "/api/v1/network";
const DEBOUNCE_MS = 200;

const page = {
  /** @type {{body: Record<string, any>, data: Record<string, any>}|null} */
  result: null,
  /** @type {import("./network-panels.js").Panels|null} */
  panels: null,
  /** @type {ChainView|null} */
  chain: null,
  /** @type {import("./network-steps.js").NetworkStep[]} */
  steps: [],
};

const chainElement = /** @type {HTMLElement} */ (document.getElementById("chain"));
const stagesElement = /** @type {HTMLElement} */ (document.getElementById("stages"));

const quiz = hideLink(location.search, () => runner.writeLink());

const runner = new PageRunner({
  api: API,
  state: stateFromSearch(location.search),
  writeLink: (state) => {
    const { schema, values } = linkFields(state);
    writeQuery({ ...schema, hide: hideCodec }, { ...values, hide: quiz.hide });
  },
  requestBody,
  delay: () => DEBOUNCE_MS,
  timelineLabel: "Steps of the forward and backward pass",
  drawStep,
  onAnswer: (body, data) => {
    page.result = { body, data };
    practice.update(body, data);
    show();
  },
  noun: "setting",
});
// An edit in the settings panel: keep the chain fitting, write the link, ask the API soon.
runner.attach(new NetworkForm(runner.state, { onChange: (next) => runner.edit(fitChain(next)) }));

const practice = new Practice({
  kind: "network",
  link: quiz,
  timeline: runner.timeline,
  results: networkResults,
  exercises: false,
  stages: {},
  value: networkValue,
  ask: askLayer,
  place: (hint, name) => placeInNetwork(page.steps, hint, name),
  redraw: (full) => (full ? drawPanels() : showLinks()),
});
document.querySelector(".net-dock")?.before(practice.element);

runner.compute();

function show() {
  const { data } = /** @type {{body: Record<string, any>, data: Record<string, any>}} */ (page.result);
  page.chain = new ChainView(data);
  chainElement.replaceChildren(page.chain.element);
  drawPanels(false);
  page.steps = buildSteps(data);
  runner.showSteps(page.steps, STAGE_TITLES);
}

/**
 * Build the panels afresh, as the withheld numbers now stand.
 * @param {boolean} [draw] draw the timeline's current step on them (a new answer draws its own)
 */
function drawPanels(draw = true) {
  if (!page.result) return;
  const { body, data } = page.result;
  page.panels = buildPanels(body, data);
  stagesElement.replaceChildren(...page.panels.sections);
  showLinks();
  if (draw && page.steps.length) drawStep(runner.timeline.index, false);
}

/** "Open layer n" carries the layer's input and ∂L/∂Oⁿ: it waits while either is withheld. */
function showLinks() {
  for (const { element, fields } of page.panels?.links ?? []) element.hidden = fields.some(isHidden);
}

/**
 * Draw timeline step `index`: what is done, current and still to come.
 * @param {number} index
 * @param {boolean} follow bring the step into view
 */
function drawStep(index, follow) {
  const panels = page.panels;
  if (!panels || !page.chain) return;
  const at = progress(page.steps, index);
  page.chain.draw(at.box, at.link);
  /** @type {HTMLElement|null} */
  let current = null;
  for (const [name, part] of panels.parts) {
    const [kind, layer] = name.split(":");
    const state = layer === undefined ? at.whole(/** @type {any} */ (kind)) : at.part(/** @type {any} */ (kind), Number(layer));
    part.element.dataset.state = state;
    // What the timeline has not reached yet is not computed yet: hidden numbers, not to be used.
    part.element.inert = state === "future";
    for (const view of part.views) view.reveal(state === "future" ? 0 : view.rows * view.cols);
    if (state === "current") current ??= part.element;
  }
  showHandOff(panels, page.steps[index]);
  for (const section of panels.sections) {
    const states = [...section.querySelectorAll("[data-state]")].map((element) => /** @type {HTMLElement} */ (element).dataset.state);
    section.dataset.state = states.includes("current") ? "current" : states.every((state) => state === "future") ? "future" : "done";
    section.inert = section.dataset.state === "future";
  }
  if (follow && current) bringIntoView(current, { block: "nearest", inline: "nearest" });
}

/**
 * Outline the two arrays a step hands a number between: Oⁿ⁻¹ and Iⁿ going forward, ∂L/∂Iⁿ⁺¹ and
 * ∂L/∂Oⁿ coming back (Fig. 9.2).
 * @param {import("./network-panels.js").Panels} panels
 * @param {import("./network-steps.js").NetworkStep} step
 */
function showHandOff(panels, step) {
  for (const figure of panels.figures.values()) figure.classList.remove("is-handed-forward", "is-handed-backward");
  const i = step.layer;
  let pair = null;
  if (step.kind === "forward" && i > 0) pair = [`layers[${i - 1}].output`, `layers[${i}].input`, "is-handed-forward"];
  if (step.kind === "handoff") pair = [`layers[${i + 1}].grad_input`, `layers[${i}].grad_output`, "is-handed-backward"];
  if (step.kind === "loss_grad") pair = ["grad_prediction", `layers[${i}].grad_output`, "is-handed-backward"];
  if (!pair) return;
  panels.figures.get(pair[0])?.classList.add(pair[2]);
  panels.figures.get(pair[1])?.classList.add(pair[2]);
}
