/**
 * Any layer of the chain as a problem of its own, with its first-step numbers: its input, its
 * parameters and the gradient it received. That problem opens the layer on its own page (in the
 * share-link format of that page: rows `;`, cells `,`, channels `|`, kernels `/`; fields by their
 * API names), where the page computes the same output and ∂L/∂I as the chain did; and it is what
 * "Check my answer" sends to `POST /api/v1/check` for a result of that layer.
 *
 * - conv2d → kind `conv`, `/conv?input&kernel&bias&stride&padding&dilation&grad_output&learning_rate`
 * - maxpool, avgpool → kind `pool`, `/pool?input&mode&size&stride&padding&ties&grad_output`
 * - relu, leaky_relu, sigmoid, tanh, softmax → kind `activation`,
 *   `/activation?input&function&negative_slope&relu_grad_at_zero&grad_output`
 * - dense → kind `dense` (`input`, `weight`, `bias`, `grad_output`), which has no page of its own
 *
 * Flatten only reshapes: it is no problem to work out by hand.
 */

import { tensorCodec } from "../state.js";

/** @param {any} value */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

/**
 * A number, a list or a nested array in the share-link format.
 * @param {any} value
 * @returns {string}
 */
function linkValue(value) {
  const depth = depthOf(value);
  if (depth === 0) return encodeURIComponent(String(value));
  return /** @type {string} */ (tensorCodec(depth, []).encode(value));
}

/** @param {[string, any][]} fields undefined values are left out */
function query(fields) {
  return fields
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${name}=${linkValue(value)}`)
    .join("&");
}

/**
 * @typedef {object} LayerProblem
 * @property {string} kind the kind `POST /api/v1/check` takes
 * @property {Record<string, any>} problem the body of that kind (undefined fields take its default)
 * @property {string|null} page the page that shows such a layer on its own
 * @property {string} title what that page is about
 */

/**
 * Layer `i` as a problem of its own, or null for a flatten (or a type the page does not know).
 * @param {Record<string, any>} body the network request that was sent
 * @param {Record<string, any>} layer the answer's `first_step.layers[i]`
 * @param {number} i
 * @returns {LayerProblem|null}
 */
export function layerProblem(body, layer, i) {
  const sent = body.layers[i];
  const { input, grad_output } = layer;
  if (layer.type === "conv2d") {
    const { kernel, bias } = layer.params;
    const { stride, padding, dilation } = sent;
    const problem = { input, kernel, bias, stride, padding, dilation, grad_output, learning_rate: body.learning_rate ?? 0.1 };
    return { kind: "conv", problem, page: "/conv", title: "convolution" };
  }
  if (layer.type === "maxpool" || layer.type === "avgpool") {
    const mode = layer.type === "maxpool" ? "max" : "avg";
    const ties = mode === "max" && sent.ties !== "first" ? sent.ties : undefined;
    const problem = { input, mode, size: sent.size, stride: sent.stride, padding: sent.padding, ties, grad_output };
    return { kind: "pool", problem, page: "/pool", title: "pooling" };
  }
  if (["relu", "leaky_relu", "sigmoid", "tanh", "softmax"].includes(layer.type)) {
    const problem = {
      input,
      function: layer.type,
      negative_slope: layer.type === "leaky_relu" ? sent.negative_slope : undefined,
      relu_grad_at_zero: layer.type === "relu" && sent.relu_grad_at_zero !== 0 ? sent.relu_grad_at_zero : undefined,
      grad_output,
    };
    return { kind: "activation", problem, page: "/activation", title: "activation" };
  }
  if (layer.type === "dense") {
    const { weight, bias } = layer.params;
    return { kind: "dense", problem: { input, weight, bias, grad_output }, page: null, title: "dense layer" };
  }
  return null;
}

/**
 * The link that opens layer `i` on its own page, or null when it has none.
 * @param {Record<string, any>} body the network request that was sent
 * @param {Record<string, any>} layer the answer's `first_step.layers[i]`
 * @param {number} i
 * @returns {{href: string, title: string}|null}
 */
export function layerLink(body, layer, i) {
  const own = layerProblem(body, layer, i);
  if (!own?.page) return null;
  return { href: `${own.page}?${query(Object.entries(own.problem))}`, title: own.title };
}
