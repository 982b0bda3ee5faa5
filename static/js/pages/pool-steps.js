/**
 * The timeline of the pooling page: forward window by window, the upstream gradient, the
 * backward routing window by window, then the total. The page draws every step from this list.
 */

import { range } from "./layer-page.js";
import { symbolText } from "./pool-explain.js";

/** Stage titles, in order, and a last stage that shows everything. */
export const STAGE_TITLES = ["Forward", "∂L/∂O", "Route back", "Σ total", "All"];

/**
 * @typedef {import("./pool-model.js").PoolModel} PoolModel
 * @typedef {object} PoolStep
 * @property {number} stage index into STAGE_TITLES
 * @property {number} phase how far into its stage
 * @property {string} label plain text for the timeline
 * @property {[string, number[]]|null} focus the cell the step is about
 * @property {number|null} count output cells pooled (stage 0) or windows routed (stage 2) so far
 */

/**
 * @param {PoolModel} model
 * @returns {PoolStep[]}
 */
export function buildSteps(model) {
  /** @type {PoolStep[]} */
  const steps = [];
  const add = (stage, phase, label, focus = null, count = null) => steps.push({ stage, phase, label, focus, count });
  const outputs = range(model.channels).flatMap((c) =>
    range(model.outSize[0]).flatMap((i) => range(model.outSize[1]).map((j) => [c, i, j])),
  );
  const isMax = model.mode === "max";
  const padWords = isMax ? "padded with −∞" : "padded with zeros";

  add(0, 0, model.padded ? `The input I, ${padWords}` : "The input I");
  outputs.forEach((index, k) =>
    add(0, 1, `${symbolText(model, "output", index)} = ${isMax ? "max" : "mean"} of its window (${isMax ? "Fig. 9.9" : "Fig. 9.8"})`, ["output", index], k + 1),
  );
  add(0, 2, isMax ? "The mask: where each window's maximum was" : "How many windows cover each cell", ["mask", [0, model.padding[0], model.padding[2]]]);

  add(1, 0, "∂L/∂O, the gradient from the next layer", ["grad_output", [0, 0, 0]]);

  if (model.windows.length) {
    outputs.forEach((index, k) => {
      const name = symbolText(model, "grad_output", index);
      const words = isMax ? `${name} goes to its window's maximum (Fig. 9.9)` : `${name} ÷ ${model.size[0] * model.size[1]} to each cell of its window (Fig. 9.8)`;
      add(2, 0, words, ["grad_output", index], k + 1);
    });
  } else {
    add(2, 0, "Every window sends its share back at once", null, outputs.length);
  }
  if (model.padded) add(2, 1, "Crop the padding: ∂L/∂I", ["grad_input", [0, model.padding[0], model.padding[2]]]);

  add(3, 0, "Σ ∂L/∂I against Σ ∂L/∂O (9.2.3)");
  add(4, 0, "Everything at once");
  return steps;
}
