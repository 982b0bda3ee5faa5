/**
 * Any layer of the chain opened on its own page, with its first-step numbers filled in: its
 * input, its parameters and the gradient it received, in the share-link format of that page
 * (rows `;`, cells `,`, channels `|`, kernels `/`; fields by their API names). The page then
 * computes the same output and ∂L/∂I as the chain did.
 *
 * - conv2d → `/conv?input&kernel&bias&stride&padding&dilation&grad_output&learning_rate`
 * - maxpool, avgpool → `/pool?input&mode&size&stride&padding&ties&grad_output`
 * - relu, leaky_relu, sigmoid, tanh, softmax →
 *   `/activation?input&function&negative_slope&relu_grad_at_zero&grad_output`
 *
 * Flatten and dense layers have no page of their own.
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
 * The link that opens layer `i` on its own page, or null when it has none.
 * @param {Record<string, any>} body the network request that was sent
 * @param {Record<string, any>} layer the answer's `first_step.layers[i]`
 * @param {number} i
 * @returns {{href: string, title: string}|null}
 */
export function layerLink(body, layer, i) {
  const sent = body.layers[i];
  const common = [["input", layer.input]];
  if (layer.type === "conv2d") {
    const { kernel, bias } = layer.params;
    const fields = [...common, ["kernel", kernel], ["bias", bias], ["stride", sent.stride], ["padding", sent.padding], ["dilation", sent.dilation], ["grad_output", layer.grad_output], ["learning_rate", body.learning_rate ?? 0.1]];
    return { href: `/conv?${query(fields)}`, title: "convolution" };
  }
  if (layer.type === "maxpool" || layer.type === "avgpool") {
    const mode = layer.type === "maxpool" ? "max" : "avg";
    const ties = mode === "max" && sent.ties !== "first" ? sent.ties : undefined;
    const fields = [...common, ["mode", mode], ["size", sent.size], ["stride", sent.stride], ["padding", sent.padding], ["ties", ties], ["grad_output", layer.grad_output]];
    return { href: `/pool?${query(fields)}`, title: "pooling" };
  }
  if (["relu", "leaky_relu", "sigmoid", "tanh", "softmax"].includes(layer.type)) {
    const fields = [
      ...common,
      ["function", layer.type],
      ["negative_slope", layer.type === "leaky_relu" ? sent.negative_slope : undefined],
      ["relu_grad_at_zero", layer.type === "relu" && sent.relu_grad_at_zero !== 0 ? sent.relu_grad_at_zero : undefined],
      ["grad_output", layer.grad_output],
    ];
    return { href: `/activation?${query(fields)}`, title: "activation" };
  }
  return null;
}
