/**
 * The timeline of the network page: the forward pass layer by layer, the loss, the backward
 * pass layer by layer with each ∂L/∂Iⁿ handed back as ∂L/∂Oⁿ⁻¹ as a step of its own, the
 * training over the steps, and everything at once. Which part of the page is done, current or
 * still to come follows from the step index alone.
 */

import { formatNumber } from "../number-format.js";
import { superscript } from "./network-form.js";
import { typeInfo } from "./network-request.js";

/** Stage titles, in order. */
export const STAGE_TITLES = ["Forward", "Loss", "Backward", "Training", "All"];

/**
 * @typedef {"forward"|"loss"|"loss_grad"|"backward"|"handoff"|"training"|"all"} StepKind
 * @typedef {{stage: number, kind: StepKind, layer: number, label: string}} NetworkStep
 * `layer` is the layer the step is about (for a hand-off, the one receiving), else −1
 * @typedef {"future"|"current"|"done"} PartState
 */

/**
 * @param {Record<string, any>} data the API's answer
 * @returns {NetworkStep[]}
 */
export function buildSteps(data) {
  const layers = data.first_step.layers;
  const last = layers.length - 1;
  const name = (i) => `Layer ${i + 1} · ${typeInfo(layers[i].type)?.title ?? layers[i].type}`;
  /** @type {NetworkStep[]} */
  const steps = [];
  layers.forEach((layer, i) => {
    const n = superscript(i + 1);
    steps.push({ stage: 0, kind: "forward", layer: i, label: `${name(i)}: I${n} in, O${n} out (${layer.output_shape.join(" × ")})` });
  });
  steps.push({ stage: 1, kind: "loss", layer: -1, label: `The loss: L = ${formatNumber(data.first_step.loss)} (${data.loss_name})` });
  steps.push({ stage: 1, kind: "loss_grad", layer: last, label: `∂L/∂O${superscript(last + 1)}: the backward pass starts at layer ${last + 1}` });
  for (let i = last; i >= 0; i -= 1) {
    const n = superscript(i + 1);
    const params = Object.keys(layers[i].param_grads).map((p) => `∂L/∂${{ kernel: "F", weight: "W", bias: "b" }[p] ?? p}${n}`);
    steps.push({ stage: 2, kind: "backward", layer: i, label: `${name(i)}: ${["∂L/∂I" + n, ...params].join(", ")} from ∂L/∂O${n}` });
    if (i > 0) {
      steps.push({ stage: 2, kind: "handoff", layer: i - 1, label: `∂L/∂I${n} goes back to layer ${i}: it is ∂L/∂O${superscript(i)}` });
    }
  }
  const count = data.losses.length;
  steps.push({ stage: 3, kind: "training", layer: -1, label: `Training: the loss over ${count} step${count === 1 ? "" : "s"}, ${formatNumber(data.losses[0])} → ${formatNumber(data.final_loss)}` });
  steps.push({ stage: 4, kind: "all", layer: -1, label: "Everything at once" });
  return steps;
}

/**
 * Where each part of the page stands at one step.
 * @param {NetworkStep[]} steps
 * @param {number} index the current step
 */
export function progress(steps, index) {
  const at = (kind, layer = -1) => steps.findIndex((step) => step.kind === kind && step.layer === layer);
  /** @param {number} position @returns {PartState} */
  const state = (position) => (index < position ? "future" : index === position ? "current" : "done");
  const layers = steps.filter((step) => step.kind === "forward").length;
  const last = layers - 1;
  const part = (kind, i) => {
    if (kind === "forward") return state(at("forward", i));
    if (kind === "grad_output") return state(i === last ? at("loss_grad", last) : at("handoff", i));
    return state(at("backward", i));
  };
  return {
    /** @param {"forward"|"grad_output"|"backward"} kind @param {number} i */
    part,
    /** @param {"loss"|"loss_grad"|"training"} kind */
    whole: (kind) => state(at(kind, kind === "loss_grad" ? last : -1)),
    /** Box 0 is the input, 1 … N the layers, N + 1 the loss. @param {number} k @returns {PartState} */
    box: (k) => {
      if (k === 0) return "done";
      if (k === layers + 1) return combine(state(at("loss")), state(at("loss_grad", last)));
      const i = k - 1;
      return steps[index].layer === i && steps[index].stage !== 4 ? "current" : part("forward", i) === "future" ? "future" : "done";
    },
    /** Link k joins box k and k + 1. @param {number} k @param {boolean} forward @returns {PartState} */
    link: (k, forward) => {
      if (forward) return k < layers ? part("forward", k) : state(at("loss"));
      if (k === layers) return state(at("loss_grad", last));
      return combine(part("backward", k), k > 0 ? state(at("handoff", k - 1)) : "future");
    },
  };
}

/**
 * Two consecutive parts as one: current while either is, done once the second is (or the
 * first, when the second never comes).
 * @param {PartState} a @param {PartState} b
 * @returns {PartState}
 */
function combine(a, b) {
  if (a === "current" || b === "current") return "current";
  return a === "done" ? "done" : "future";
}
