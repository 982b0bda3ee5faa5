/**
 * The convolution page's state: what its share link holds, and the API request it makes.
 * Matrices are kept as the text the user typed; turning text into numbers happens here, and
 * anything that is not a plain number is sent as it is, so the API names what is wrong with it.
 */

import { MAX_CHANNELS, MAX_KERNELS, MAX_KERNEL_SIDE, MAX_SIDE, slidingOutput } from "../limits.js";
import { choiceCodec, integerCodec, tensorCodec, textCodec } from "../state.js";
import { listValue, numbers, pairValue, settingValue, sidesValue } from "../typed-numbers.js";

export { MAX_CHANNELS, MAX_KERNEL_SIDE, MAX_SIDE };
const MODES = ["cross_correlation", "convolution"];
export const LOSSES = ["mse", "half_sse", "cross_entropy", "bce"];

/** The fields of a share link, in the order they are written. */
export const LINK_SCHEMA = {
  input: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  kernel: tensorCodec(4, [MAX_CHANNELS, MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  bias: textCodec,
  stride: textCodec,
  padding: textCodec,
  dilation: textCodec,
  mode: choiceCodec(MODES, "cross_correlation"),
  grad_output: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  target: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  loss: choiceCodec(LOSSES, "mse"),
  learning_rate: textCodec,
  step: integerCodec(1, 1e6),
};

/**
 * @typedef {object} ConvState
 * @property {string[][][]} input C_in grids
 * @property {string[][][][]} kernel C_out × C_in grids
 * @property {string} bias
 * @property {string} stride
 * @property {string} padding
 * @property {string} dilation
 * @property {string} mode
 * @property {"ones"|"given"|"target"} upstream where ∂L/∂O comes from
 * @property {string[][][]|null} grad_output C_out grids
 * @property {string[][][]|null} target C_out grids
 * @property {string} loss
 * @property {string} learning_rate
 * @property {number|null} step 1-based timeline step; null shows everything
 */

const FIG_9_4_INPUT = [[["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]];
const FIG_9_4_KERNEL = [[[["1", "2"], ["3", "4"]]]];

/**
 * The page state a query string describes; a link without a matrix gets the chapter's Fig. 9.4.
 * @param {Record<string, any>} query what `readQuery(LINK_SCHEMA, …)` found
 * @returns {ConvState}
 */
export function stateFromQuery(query) {
  const upstream = query.grad_output ? "given" : query.target ? "target" : "ones";
  return {
    input: query.input ?? structuredClone(FIG_9_4_INPUT),
    kernel: query.kernel ?? structuredClone(FIG_9_4_KERNEL),
    bias: query.bias ?? "",
    stride: query.stride ?? "",
    padding: query.padding ?? "",
    dilation: query.dilation ?? "",
    mode: query.mode ?? "cross_correlation",
    upstream,
    grad_output: upstream === "given" ? query.grad_output : null,
    target: upstream === "target" ? query.target : null,
    loss: query.loss ?? "mse",
    learning_rate: query.learning_rate ?? "",
    step: query.step ?? null,
  };
}

/**
 * What goes in the share link: the state, with the upstream gradient that is in use.
 * @param {ConvState} state
 * @returns {Record<string, any>}
 */
export function linkFields(state) {
  return {
    ...state,
    grad_output: state.upstream === "given" ? state.grad_output : null,
    target: state.upstream === "target" ? state.target : null,
    loss: state.upstream === "target" ? state.loss : "mse",
  };
}

/**
 * Whether the API sees plain matrices: one channel in, one kernel of one channel.
 * @param {ConvState} state
 */
export function plainness(state) {
  const plainInput = state.input.length === 1;
  return { plainInput, plainKernel: plainInput && state.kernel.length === 1 };
}

/**
 * The body of `POST /api/v1/conv2d` for `state`.
 * @param {ConvState} state
 * @returns {Record<string, any>}
 */
export function requestBody(state) {
  const { plainInput, plainKernel } = plainness(state);
  const body = {
    input: numbers(plainInput ? state.input[0] : state.input),
    kernel: numbers(plainKernel ? state.kernel[0][0] : state.kernel),
  };
  for (const name of ["bias", "learning_rate"]) {
    const value = listValue(state[name]);
    if (value !== undefined) body[name] = value;
  }
  for (const name of ["stride", "padding", "dilation"]) {
    const value = settingValue(state[name], name === "padding" ? [1, 2, 4] : [1, 2]);
    if (value !== undefined) body[name] = value;
  }
  body.mode = state.mode;
  const upstream = state.upstream === "given" ? "grad_output" : state.upstream === "target" ? "target" : null;
  if (upstream && state[upstream]) body[upstream] = numbers(plainKernel ? state[upstream][0] : state[upstream]);
  if (upstream === "target") body.loss = state.loss;
  body.terms = "auto"; // every cell's products while small; big layers ask per cell with `terms_at`
  return body;
}

/**
 * The output's shape [C_out, out_h, out_w] for `state`, or null while its settings are not
 * usable or lie outside the API's limits (the API then says which), so no editor is ever made
 * bigger than a request may be.
 * @param {ConvState} state
 * @returns {[number, number, number] | null}
 */
export function expectedOutputShape(state) {
  const stride = pairValue(state.stride, [1, 1]);
  const dilation = pairValue(state.dilation, [1, 1]);
  const sides = sidesValue(state.padding);
  if (!stride || !dilation || !sides || state.kernel.length > MAX_KERNELS) return null;
  const size = /** @type {[number, number]} */ ([state.kernel[0][0].length, state.kernel[0][0][0].length]);
  const out = slidingOutput(state.input[0].length, state.input[0][0].length, { size, stride, sides, dilation });
  return out && [state.kernel.length, ...out];
}
