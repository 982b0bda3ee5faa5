/**
 * The pooling page's state: what its share link holds, and the API request it makes. Matrices
 * are kept as the text the user typed; anything that is not a plain number is sent as it is,
 * so the API names what is wrong with it.
 */

import { MAX_CHANNELS, MAX_POOL_SIDE, MAX_SIDE, slidingOutput } from "../limits.js";
import { choiceCodec, integerCodec, tensorCodec, textCodec } from "../state.js";
import { numbers, pairValue, settingValue, sidesValue } from "../typed-numbers.js";

export { MAX_CHANNELS, MAX_SIDE };
const MODES = ["max", "avg"];
const TIES = ["first", "all", "split"];

const modeChoice = choiceCodec(MODES, "max");

/** The fields of a share link, in the order they are written (app/gallery/pool.py follows it). */
export const LINK_SCHEMA = {
  input: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  // The API has no default mode, so a link always says which one.
  mode: { decode: modeChoice.decode, encode: (value) => value },
  size: textCodec,
  stride: textCodec,
  padding: textCodec,
  ties: choiceCodec(TIES, "first"),
  grad_output: tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  step: integerCodec(1, 1e6),
};

/**
 * @typedef {object} PoolState
 * @property {string[][][]} input C grids
 * @property {string} mode `max` or `avg`
 * @property {string} size
 * @property {string} stride empty: the window size
 * @property {string} padding
 * @property {string} ties
 * @property {"ones"|"given"} upstream where ∂L/∂O comes from
 * @property {string[][][]|null} grad_output C grids
 * @property {number|null} step 1-based timeline step; null shows everything
 */

// Fig. 9.9's feature map: the maximum 8 of the orange window sits at its lower left.
const FIG_9_9_INPUT = [["1", "3", "2", "4"], ["8", "5", "6", "0"], ["3", "1", "0", "7"], ["2", "2", "4", "2"]];

/**
 * The page state a query string describes; a link without an input gets Fig. 9.9's map.
 * @param {Record<string, any>} query what `readQuery(LINK_SCHEMA, …)` found
 * @returns {PoolState}
 */
export function stateFromQuery(query) {
  const upstream = query.grad_output ? "given" : "ones";
  return {
    input: query.input ?? [structuredClone(FIG_9_9_INPUT)],
    mode: query.mode ?? "max",
    size: query.size ?? "2",
    stride: query.stride ?? "",
    padding: query.padding ?? "",
    ties: query.ties ?? "first",
    upstream,
    grad_output: upstream === "given" ? query.grad_output : null,
    step: query.step ?? null,
  };
}

/**
 * What goes in the share link: the state, with ∂L/∂O only when it is given.
 * @param {PoolState} state
 * @returns {Record<string, any>}
 */
export function linkFields(state) {
  return { ...state, grad_output: state.upstream === "given" ? state.grad_output : null };
}

/**
 * The body of `POST /api/v1/pool` for `state`.
 * @param {PoolState} state
 * @returns {Record<string, any>}
 */
export function requestBody(state) {
  const plain = state.input.length === 1;
  const body = { input: numbers(plain ? state.input[0] : state.input), mode: state.mode };
  for (const name of ["size", "stride", "padding"]) {
    const value = settingValue(state[name], name === "padding" ? [1, 2, 4] : [1, 2]);
    if (value !== undefined) body[name] = value;
  }
  if (state.mode === "max") body.ties = state.ties;
  if (state.upstream === "given" && state.grad_output) body.grad_output = numbers(plain ? state.grad_output[0] : state.grad_output);
  return body;
}

/**
 * The output's shape [C, out_h, out_w] for `state`, or null while its settings are not usable or
 * lie outside the API's limits (the API then says which).
 * @param {PoolState} state
 * @returns {[number, number, number] | null}
 */
export function expectedOutputShape(state) {
  const size = pairValue(state.size, null);
  const stride = pairValue(state.stride, undefined); // undefined: the window's size
  const sides = sidesValue(state.padding);
  // A window may hang at most half its side over the padding (as in PyTorch).
  if (!size || stride === null || !sides || sides.some((p, i) => p > Math.floor(size[i < 2 ? 0 : 1] / 2))) return null;
  const out = slidingOutput(state.input[0].length, state.input[0][0].length, { size, stride, sides, maxSize: MAX_POOL_SIDE });
  return out && [state.input.length, ...out];
}
