/**
 * "Check my answer" on the network page. A chain is not one problem, but each of its layers is:
 * the learner picks a layer and one of its results (Oⁿ, ∂L/∂Iⁿ, a conv or dense layer's
 * parameter gradients), and the check sends that layer's own problem, the first-step numbers
 * network-links.js also opens it with, to `POST /api/v1/check`. A flatten only reshapes, so it
 * offers nothing to work out.
 *
 * Results are named by their place in the network's answer, as the page's grids are
 * (`layers[1].grad_input`, `layers[0].param_grads.kernel`), so withholding one blanks its grids;
 * the array the next layer receives holds the same numbers (Iⁿ⁺¹ = Oⁿ, ∂L/∂Oⁿ⁻¹ = ∂L/∂Iⁿ) and is
 * withheld with it.
 */

import { MAX_PADDING, MAX_SIDE, MAX_VECTOR } from "../limits.js";
import { superscript } from "./network-form.js";
import { layerProblem } from "./network-links.js";
import { typeInfo } from "./network-request.js";
import { STAGE_TITLES } from "./network-steps.js";

/** @typedef {import("../check-mode.js").Checkable} Checkable */

const LAYER_FIELD = /^layers\[(\d+)\]\.(.+)$/;

/** A layer's result as the layer's own problem names it in /api/v1/check. */
const RESULT_NAMES = {
  output: "output",
  grad_input: "grad_input",
  "param_grads.kernel": "grad_kernel",
  "param_grads.weight": "grad_weight",
  "param_grads.bias": "grad_bias",
};

/** Where the network draws what a layer's own page draws in a stage /api/v1/check names; else ∂L/∂Iⁿ. */
const DRAWN_AS = {
  output: "output",
  padded_input: "input",
  grad_output: "grad_output",
  upsampled_grad: "grad_output",
  grad_kernel: "param_grads.kernel",
  grad_weight: "param_grads.weight",
  grad_bias: "param_grads.bias",
};

const PARAMETERS = [
  ["kernel", "F", "kernel"],
  ["weight", "W", "weight"],
  ["bias", "b", "bias"],
];

/** The longest side of a grid /api/v1/check takes (a padded input's); a vector may be longer. */
const MAX_ANSWER_SIDE = MAX_SIDE + 2 * MAX_PADDING;

/**
 * A value of the network's answer by its field's name: `layers[1].grad_input`, `layers[0].param_grads.kernel`.
 * @param {Record<string, any>} data
 * @param {string} name
 */
export function networkValue(data, name) {
  const match = LAYER_FIELD.exec(name);
  if (!match) return undefined;
  /** @type {any} */
  let value = data.first_step.layers[Number(match[1])];
  for (const key of match[2].split(".")) value = value?.[key];
  return value;
}

/**
 * Whether an answer of this value's size can be checked: a dense layer's ∂L/∂W may be far wider
 * than anyone types (and than /api/v1/check takes).
 * @param {any} value
 */
function checkable(value) {
  if (!Array.isArray(value)) return true;
  if (!Array.isArray(value[0])) return value.length <= MAX_VECTOR;
  return value.length <= MAX_ANSWER_SIDE && value[0].length <= MAX_ANSWER_SIDE;
}

/**
 * What the learner may check: each layer's output and ∂L/∂Iⁿ, and its parameters' gradients.
 * @param {Record<string, any>} body the network request
 * @param {Record<string, any>} data the API's answer
 * @returns {Checkable[]}
 */
export function networkResults(body, data) {
  const layers = data.first_step.layers;
  return layers.flatMap((layer, i) => {
    if (!layerProblem(body, layer, i)) return [];
    const n = superscript(i + 1);
    const field = (name) => `layers[${i}].${name}`;
    /** @type {Checkable[]} */
    const results = [
      { name: field("output"), symbol: `O${n}`, label: `O${n}, layer ${i + 1}'s output`, gives: [i + 1 < layers.length ? `layers[${i + 1}].input` : "prediction"] },
      { name: field("grad_input"), symbol: `∂L/∂I${n}`, label: `∂L/∂I${n}, the gradient layer ${i + 1} hands on`, gives: i > 0 ? [`layers[${i - 1}].grad_output`] : [] },
    ];
    for (const [param, letter, words] of PARAMETERS) {
      if (!(param in layer.param_grads)) continue;
      results.push({ name: field(`param_grads.${param}`), symbol: `∂L/∂${letter}${n}`, label: `∂L/∂${letter}${n}, the ${words} gradient` });
    }
    const group = `Layer ${i + 1} · ${typeInfo(layer.type)?.title ?? layer.type}`;
    return results.filter((result) => checkable(networkValue(data, result.name))).map((result) => ({ ...result, group }));
  });
}

/**
 * The request /api/v1/check takes for a result of one layer: that layer's own problem.
 * @param {string} name e.g. `layers[0].grad_input`
 * @param {Record<string, any>} body
 * @param {Record<string, any>} data
 */
export function askLayer(name, body, data) {
  const [, index, field] = /** @type {RegExpExecArray} */ (LAYER_FIELD.exec(name));
  const i = Number(index);
  const own = /** @type {import("./network-links.js").LayerProblem} */ (layerProblem(body, data.first_step.layers[i], i));
  return { kind: own.kind, problem: own.problem, result: RESULT_NAMES[field] };
}

/**
 * Where the network's timeline shows the right way for a stage of a layer's own page: the layer's
 * forward step for a forward stage, its backward step for any other.
 * @param {import("./network-steps.js").NetworkStep[]} steps
 * @param {import("../check-mode.js").StageHint} hint
 * @param {string} name the result checked, e.g. `layers[0].grad_input`
 * @returns {import("../check-mode.js").Place|null}
 */
export function placeInNetwork(steps, hint, name) {
  const match = LAYER_FIELD.exec(name);
  if (!match) return null;
  const i = Number(match[1]);
  const kind = hint.stage === "forward" ? "forward" : "backward";
  const at = steps.findIndex((step) => step.kind === kind && step.layer === i);
  if (at < 0) return null;
  const { stage } = steps[at];
  const field = `layers[${i}].${DRAWN_AS[hint.field] ?? "grad_input"}`;
  return { at, field, words: `stage ${stage + 1}, ${STAGE_TITLES[stage]} through layer ${i + 1}` };
}
