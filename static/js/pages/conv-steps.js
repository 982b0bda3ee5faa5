/**
 * The timeline of the convolution page: the chapter's five stages, broken into steps. A step
 * names the stage, the part of the stage it has reached (its phase), and the cell it is about;
 * the page draws every step from this list alone.
 */

import { symbolText } from "./conv-explain.js";

/** Stage titles, in the chapter's order, and a last stage that shows everything. */
export const STAGE_TITLES = ["Forward", "∂L/∂O", "∂L/∂F", "∂L/∂I", "Update", "All"];

/** Fields that fill in cell by cell, with the stage and phase in which they do. */
export const PROGRESSIVE = {
  output: [0, 1],
  grad_kernel: [2, 0],
  grad_padded_input: [3, 2],
};

/**
 * @typedef {import("./conv-model.js").ConvModel} ConvModel
 * @typedef {object} ConvStep
 * @property {number} stage index into STAGE_TITLES
 * @property {number} phase how far into its stage
 * @property {string} label plain text for the timeline
 * @property {[string, number[]]|null} focus the cell the step is about
 * @property {{field: string, count: number}|null} progress cells of a progressive field shown so far
 */

/** @param {number[]} shape @returns {number[][]} every index, row-major */
function indices(shape) {
  return shape.reduce((acc, n) => acc.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i])), [[]]);
}

/**
 * @param {ConvModel} model
 * @returns {ConvStep[]}
 */
export function buildSteps(model) {
  /** @type {ConvStep[]} */
  const steps = [];
  const add = (stage, phase, label, focus = null, progress = null) => steps.push({ stage, phase, label, focus, progress });
  const each = (stage, phase, field, shape, label) =>
    indices(shape).forEach((index, k) =>
      add(stage, phase, `${symbolText(model, field, index)} ${label}`, [field, index], { field, count: k + 1 }),
    );
  const { cIn, cOut } = model;
  const [kh, kw] = model.kernelSize;

  add(0, 0, model.padded ? "Pad the input with zeros: P" : "The input I and the kernel F");
  each(0, 1, "output", [cOut, ...model.outSize], "(eq. 9.5)");

  add(1, 0, "∂L/∂O, the gradient from the next layer", ["grad_output", [0, 0, 0]]);
  const strided = model.stride.some((s) => s > 1);
  add(1, 1, strided ? "Upsample ∂L/∂O by the stride: G↑" : "Stride 1: G↑ is ∂L/∂O", ["upsampled_grad", [0, 0, 0]]);

  each(2, 0, "grad_kernel", [cOut, cIn, kh, kw], "(eq. 9.8)");
  if (model.arrays.grad_bias) indices([cOut]).forEach((index) => add(2, 1, `${symbolText(model, "grad_bias", index)} = Σ ∂L/∂O`, ["grad_bias", index]));

  add(3, 0, "Rotate the kernel by 180°: F¹⁸⁰", ["rotated_kernel", [0, 0, 0, 0]]);
  add(3, 1, "Pad G↑ with k − 1 zeros: G̃", ["padded_upsampled_grad", [0, 0, 0]]);
  each(3, 2, "grad_padded_input", [cIn, ...model.paddedSize], "(full convolution, eq. 9.9)");
  add(3, 3, model.padded ? "Crop the padding: ∂L/∂I" : "Nothing to crop: ∂L/∂I = ∂L/∂P", ["grad_input", [0, 0, 0]]);

  if (model.arrays.updated_kernel) add(4, 0, "Update the kernel: F − α·∂L/∂F", ["updated_kernel", [0, 0, 0, 0]]);
  else add(4, 0, "Update: needs a learning rate α");

  add(5, 0, "Everything at once");
  return steps;
}
