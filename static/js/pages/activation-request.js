/**
 * The activation page's state: what its share link holds, and the API requests it makes (the
 * layer itself, ReLU's other choice at 0, and the sample points the curves are drawn through).
 */

import { choiceCodec, integerCodec, tensorCodec, textCodec } from "../state.js";
import { cellValue, numbers } from "../typed-numbers.js";

const FUNCTIONS = ["relu", "leaky_relu", "sigmoid", "tanh", "softmax"];
export const MAX_SIDE = 64;
export const MAX_CHANNELS = 8;

const functionChoice = choiceCodec(FUNCTIONS, "relu");

/** The fields of a share link, in the order they are written (app/gallery/activation.py follows it). */
export const LINK_SCHEMA = {
  input: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  // The API has no default function, so a link always says which one.
  function: { decode: functionChoice.decode, encode: (value) => value },
  negative_slope: textCodec,
  relu_grad_at_zero: choiceCodec(["0", "1"], "0"),
  grad_output: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  step: integerCodec(1, 1e6),
};

/**
 * @typedef {object} ActivationState
 * @property {string[][][]} input C grids
 * @property {string} function
 * @property {string} negative_slope leaky ReLU's slope; empty: the API's 0.01
 * @property {string} relu_grad_at_zero "0" or "1"
 * @property {"ones"|"given"} upstream where ∂L/∂y comes from
 * @property {string[][][]|null} grad_output C grids
 * @property {number|null} step 1-based timeline step; null shows everything
 */

// A ReLU with a 0 in its input, where the choice of f′(0) shows (app/api/schemas/activation.py).
const RELU_INPUT = [[["-2", "0"], ["1", "3"]]];
const RELU_GRAD = [[["1", "2"], ["3", "4"]]];

/**
 * The page state a query string describes; a link without an input gets a ReLU with a 0 in it.
 * @param {Record<string, any>} query what `readQuery(LINK_SCHEMA, …)` found
 * @returns {ActivationState}
 */
export function stateFromQuery(query) {
  const grad = query.grad_output ?? (query.input ? null : structuredClone(RELU_GRAD));
  return {
    input: query.input ?? structuredClone(RELU_INPUT),
    function: query.function ?? "relu",
    negative_slope: query.negative_slope ?? "",
    relu_grad_at_zero: query.relu_grad_at_zero ?? "0",
    upstream: grad ? "given" : "ones",
    grad_output: grad,
    step: query.step ?? null,
  };
}

/**
 * What goes in the share link: the state, with only the options its function uses.
 * @param {ActivationState} state
 * @returns {Record<string, any>}
 */
export function linkFields(state) {
  return {
    ...state,
    negative_slope: state.function === "leaky_relu" ? state.negative_slope : "",
    relu_grad_at_zero: state.function === "relu" ? state.relu_grad_at_zero : "0",
    grad_output: state.upstream === "given" ? state.grad_output : null,
  };
}

/**
 * The body of `POST /api/v1/activation` for `state`.
 * @param {ActivationState} state
 * @returns {Record<string, any>}
 */
export function requestBody(state) {
  const plain = state.input.length === 1;
  /** @type {Record<string, any>} */
  const body = { input: numbers(plain ? state.input[0] : state.input), function: state.function };
  if (state.function === "leaky_relu" && state.negative_slope.trim() !== "") body.negative_slope = cellValue(state.negative_slope);
  if (state.function === "relu") body.relu_grad_at_zero = Number(state.relu_grad_at_zero);
  if (state.upstream === "given" && state.grad_output) body.grad_output = numbers(plain ? state.grad_output[0] : state.grad_output);
  return body;
}

/** Points the curves are drawn through: at most this many. */
const SAMPLES = 240;
/** Steps the sample spacing is rounded to, so that x = 0 is always a sample. */
const NICE = [1, 2, 2.5, 5, 10];

/**
 * The sample points of the curves: an even grid over the input's range (at least −3 … 3) that
 * has x = 0 on it, so ReLU's chosen f′(0) is plotted from the API too.
 * @param {number[]} xs the input's numbers
 * @returns {number[]}
 */
export function samplePoints(xs) {
  const lo = Math.min(-3, Math.floor(Math.min(...xs) - 1));
  const hi = Math.max(3, Math.ceil(Math.max(...xs) + 1));
  const raw = (hi - lo) / SAMPLES;
  const scale = 10 ** Math.floor(Math.log10(raw));
  const step = (NICE.find((n) => n * scale >= raw) ?? 10) * scale;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  return Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toPrecision(12)));
}

/**
 * The body that samples the function and its derivative at `xs` (not for softmax, which has no
 * curve of one variable).
 * @param {Record<string, any>} body the layer's request
 * @param {number[]} xs
 */
export function curveBody(body, xs) {
  const curve = { ...body, input: xs };
  delete curve.grad_output;
  return curve;
}
