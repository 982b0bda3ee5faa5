/**
 * The network explorer: wires the settings panel, the API, the chain of Fig. 9.2, the timeline
 * and the panels. The page's state lives in the URL (see network-request.js); every number shown
 * comes from `POST /api/v1/network`.
 */

import { postJson } from "../api.js";
import { writeQuery } from "../state.js";
import { Timeline } from "../timeline.js";
import { ChainView } from "./network-chain.js";
import { NetworkForm } from "./network-form.js";
import { buildPanels } from "./network-panels.js";
import { fitChain, linkFields, requestBody, stateFromSearch } from "./network-request.js";
import { STAGE_TITLES, buildSteps, progress } from "./network-steps.js";

const API = "/api/v1/network";
const DEBOUNCE_MS = 200;
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

const page = {
  state: stateFromSearch(location.search),
  /** @type {{body: Record<string, any>, data: Record<string, any>}|null} */
  result: null,
  /** @type {import("./network-panels.js").Panels|null} */
  panels: null,
  /** @type {ChainView|null} */
  chain: null,
  /** @type {import("./network-steps.js").NetworkStep[]} */
  steps: [],
  request: /** @type {AbortController|null} */ (null),
  timer: 0,
  followSteps: false,
};

const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const chainElement = /** @type {HTMLElement} */ (document.getElementById("chain"));
const stagesElement = /** @type {HTMLElement} */ (document.getElementById("stages"));
const results = /** @type {HTMLElement} */ (document.getElementById("results"));

const form = new NetworkForm(page.state, { onChange });
document.getElementById("editors")?.append(form.element);

const timeline = new Timeline({ label: "Steps of the forward and backward pass", onStep });
document.getElementById("timeline")?.append(timeline.element);

setUpCopyLink();
compute();

/**
 * An edit in the settings panel: keep the chain fitting, write the link, ask the API soon.
 * @param {import("./network-request.js").NetworkState} next
 */
function onChange(next) {
  page.state = fitChain(next);
  page.state.step = null;
  form.sync(page.state);
  writeLink();
  clearTimeout(page.timer);
  page.timer = setTimeout(compute, DEBOUNCE_MS);
}

function writeLink() {
  const { schema, values } = linkFields(page.state);
  writeQuery(schema, values);
}

async function compute() {
  const body = requestBody(page.state);
  page.request?.abort();
  const controller = new AbortController();
  page.request = controller;
  const slow = setTimeout(() => (status.textContent = "Computing…"), 300);
  let result;
  try {
    result = await postJson(API, body, { signal: controller.signal });
  } catch (error) {
    if (error.name === "AbortError") return;
    throw error;
  } finally {
    clearTimeout(slow);
  }
  if (page.request !== controller) return;
  const unplaced = form.setErrors(result.ok ? [] : result.errors);
  if (!result.ok) {
    results.classList.toggle("is-stale", page.result !== null);
    const count = result.errors.length;
    const rest = unplaced.map((error) => error.msg).join(" ");
    status.textContent = `${count === 1 ? "A setting needs" : `${count} settings need`} attention: see the message${count === 1 ? "" : "s"} beside ${count === 1 ? "it" : "them"}. ${rest}`;
    status.classList.add("is-error");
    return;
  }
  status.textContent = "";
  status.classList.remove("is-error");
  results.classList.remove("is-stale");
  page.result = { body, data: result.data };
  show();
}

function show() {
  const { body, data } = /** @type {{body: Record<string, any>, data: Record<string, any>}} */ (page.result);
  page.chain = new ChainView(data);
  chainElement.replaceChildren(page.chain.element);
  page.panels = buildPanels(body, data);
  stagesElement.replaceChildren(...page.panels.sections);
  page.steps = buildSteps(data);
  const last = page.steps.length - 1;
  const start = page.state.step === null ? last : Math.min(last, page.state.step - 1);
  page.followSteps = false;
  timeline.setSteps(page.steps, STAGE_TITLES, start);
  page.followSteps = true;
}

/**
 * Draw timeline step `index`: what is done, current and still to come; while paused, the step
 * goes into the link.
 * @param {number} index
 * @param {boolean} playing
 */
function onStep(index, playing) {
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
  if (page.followSteps && current) {
    current.scrollIntoView({ block: "nearest", inline: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }
  if (!playing) {
    page.state.step = index === page.steps.length - 1 ? null : index + 1;
    writeLink();
  }
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

function setUpCopyLink() {
  const button = document.getElementById("copy-link");
  const said = document.getElementById("copy-status");
  if (!button || !said) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    writeLink();
    try {
      await navigator.clipboard.writeText(location.href);
      said.textContent = "Link copied: it opens this exact view.";
    } catch {
      said.textContent = `Copy this link: ${location.href}`;
    }
  });
}
