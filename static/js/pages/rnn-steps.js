/**
 * The timeline of the recurrent network page: the forward pass step by step left to right, the
 * backward pass right to left, the norms over t, the weight gradients and the update. The page
 * draws every step from this list alone.
 */

import { WEIGHTS } from "./rnn-model.js";
import { superscript } from "./rnn-explain.js";

/** Stage titles, in order, and a last stage that shows everything. */
export const STAGE_TITLES = ["Forward", "Back through time", "‖∂L/∂hᵗ‖ over t", "Weight gradients", "Update", "All"];

/**
 * @typedef {"start"|"forward"|"loss"|"backward"|"h0"|"norms"|"weight"|"update"|"all"} StepKind
 * @typedef {object} RnnStep
 * @property {number} stage index into STAGE_TITLES
 * @property {StepKind} kind
 * @property {string} label plain text for the timeline
 * @property {number|null} s the step of the sequence it is about (0-based), if any
 * @property {string|null} weight the weight it is about, if any
 */

/**
 * @param {import("./rnn-model.js").RnnModel} model
 * @returns {RnnStep[]}
 */
export function buildSteps(model) {
  /** @type {RnnStep[]} */
  const steps = [];
  const add = (stage, kind, label, s = null, weight = null) => steps.push({ stage, kind, label, s, weight });
  const sup = superscript;
  const { T } = model;

  add(0, "start", "h⁰, the state before step 1");
  for (let s = 0; s < T; s += 1)
    add(0, "forward", `Step ${s + 1}: h${sup(s)} comes in; a${sup(s + 1)}, h${sup(s + 1)}, o${sup(s + 1)}, ỹ${sup(s + 1)} and L${sup(s + 1)}`, s);
  // No number here: the timeline's caption stays as it is while "Check my answer" withholds L.
  add(0, "loss", "L = Σₜ Lᵗ, every step's loss added up");

  for (let s = T - 1; s >= 0; s -= 1) {
    const t = s + 1;
    const from = t === T ? " (nothing after step T)" : model.steps[s].cut ? " (cut: nothing from step t + 1)" : "";
    add(1, "backward", `Step ${t}: ∂L/∂h${sup(t)} = Vᵀ∂L/∂o${sup(t)} + Wᵀ∂L/∂a${sup(t + 1)}${from}`, s);
  }
  add(1, "h0", "∂L/∂h⁰ = Wᵀ∂L/∂a¹");

  add(2, "norms", "‖∂L/∂hᵗ‖ over t: why it vanishes or explodes");
  for (const name of WEIGHTS) add(3, "weight", `∂L/∂${name}: one term per step, added up`, null, name);
  add(4, "update", model.learningRate === null ? "Update: needs a learning rate α" : "Update: each weight minus α times its gradient");
  add(5, "all", "Everything at once");
  return steps;
}
