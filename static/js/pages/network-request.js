/**
 * The network page's state: what its share link holds, the API request it makes, and the
 * shapes that flow through the chain (so the target and the next layer's weights can follow).
 *
 * ## The share link
 *
 * Arrays are written as on every page (rows `;`, cells `,`, channels `|`, kernels `/`). The
 * layer list is one field naming the layer types in order, and each layer's parameters are
 * fields named by their place in the API's request, exactly as the API's messages name them:
 *
 *     /network?input=1,2,0,1;0,1,3,1;2,1,0,0;1,0,1,2
 *       &layers=conv2d,relu,maxpool,flatten,dense
 *       &layers[0].kernel=1,-1;0,1&layers[0].bias=0
 *       &layers[2].size=2&layers[2].stride=1
 *       &layers[4].weight=0.1,0.2,-0.1,0;-0.2,0.1,0.1,0.3&layers[4].bias=0,0
 *       &target=1,0&loss=cross_entropy&learning_rate=0.1&steps=10&step=3
 *
 * Fields in order: `input`, `layers`, then for each layer `layers[i].<field>` in its type's order
 * (conv2d: kernel, bias, stride, padding, dilation; relu: relu_grad_at_zero; leaky_relu:
 * negative_slope; maxpool: size, stride, padding, ties; avgpool: size, stride, padding; dense:
 * weight, bias), then `target`, `loss`, `learning_rate`, `steps` and the timeline's `step`.
 * Empty fields are left out and take the API's default. The brackets may also come
 * percent-encoded. Everything read from a link is plain text that the API checks.
 */

import { MAX_CHANNELS, MAX_KERNEL_SIDE, MAX_POOL_SIDE, MAX_SIDE, MAX_VECTOR, slidingOutput } from "../limits.js";
import { choiceCodec, integerCodec, rawQuery, tensorCodec, textCodec } from "../state.js";
import { listValue, numbers, pairValue, settingValue, sidesValue } from "../typed-numbers.js";

export const LOSSES = ["mse", "half_sse", "cross_entropy", "bce"];
export const MAX_LAYERS = 12;

/**
 * Each layer type: its name on screen, the fields it takes (in link order), and the page that
 * shows such a layer on its own.
 * @type {Record<string, {title: string, fields: string[], page: string|null}>}
 */
export const LAYER_TYPES = {
  conv2d: { title: "Convolution", fields: ["kernel", "bias", "stride", "padding", "dilation"], page: "/conv" },
  relu: { title: "ReLU", fields: ["relu_grad_at_zero"], page: "/activation" },
  leaky_relu: { title: "Leaky ReLU", fields: ["negative_slope"], page: "/activation" },
  sigmoid: { title: "Sigmoid", fields: [], page: "/activation" },
  tanh: { title: "tanh", fields: [], page: "/activation" },
  softmax: { title: "Softmax", fields: [], page: "/activation" },
  maxpool: { title: "Max pooling", fields: ["size", "stride", "padding", "ties"], page: "/pool" },
  avgpool: { title: "Average pooling", fields: ["size", "stride", "padding"], page: "/pool" },
  flatten: { title: "Flatten", fields: [], page: null },
  dense: { title: "Dense", fields: ["weight", "bias"], page: null },
};

export const TIES = ["first", "all", "split"];

/**
 * What the page knows about a layer type, or null for a type it does not know (a link may
 * name anything; the API then says what it accepts).
 * @param {string} type
 */
export function typeInfo(type) {
  return Object.hasOwn(LAYER_TYPES, type) ? LAYER_TYPES[type] : null;
}

/** How a layer field is written in a link. */
const FIELD_CODECS = {
  kernel: tensorCodec(4, [MAX_CHANNELS, MAX_CHANNELS, MAX_SIDE, MAX_SIDE]),
  weight: tensorCodec(2, [256, MAX_CHANNELS * MAX_SIDE * MAX_SIDE]),
  bias: textCodec,
  stride: textCodec,
  padding: textCodec,
  dilation: textCodec,
  size: textCodec,
  ties: choiceCodec(TIES, "first"),
  negative_slope: textCodec,
  relu_grad_at_zero: choiceCodec(["0", "1"], "0"),
};

const MAP_CODEC = tensorCodec(3, [MAX_CHANNELS, MAX_SIDE, MAX_VECTOR]);
const TOP_BEFORE = { input: MAP_CODEC };
const TOP_AFTER = {
  target: MAP_CODEC,
  loss: choiceCodec(LOSSES, "mse"),
  learning_rate: textCodec,
  steps: textCodec,
  step: integerCodec(1, 1e6),
};

/**
 * @typedef {object} LayerState text as typed; only the fields of its type are present
 * @property {string} type
 * @property {string[][][][]} [kernel] C_out × C_in grids
 * @property {string[][]} [weight] n_out × n_in
 * @property {string} [bias]
 * @property {string} [stride]
 * @property {string} [padding]
 * @property {string} [dilation]
 * @property {string} [size]
 * @property {string} [ties]
 * @property {string} [negative_slope]
 * @property {string} [relu_grad_at_zero]
 *
 * @typedef {object} NetworkState
 * @property {string[][][]} input C grids; a vector is one grid of one row
 * @property {LayerState[]} layers
 * @property {string[][][]} target
 * @property {string} loss
 * @property {string} learning_rate
 * @property {string} steps
 * @property {number|null} step 1-based timeline step; null shows everything
 */

/**
 * A new layer of `type` with the page's starting numbers; `incoming` is the shape it will
 * receive when known (a conv kernel gets its channels, a dense weight its columns).
 * @param {string} type
 * @param {number[]|null} incoming
 * @returns {LayerState}
 */
export function newLayer(type, incoming) {
  if (type === "conv2d") {
    const channels = incoming?.length === 3 ? incoming[0] : 1;
    return { type, kernel: [Array.from({ length: channels }, () => [["1", "0"], ["0", "-1"]])], bias: "0", stride: "", padding: "", dilation: "" };
  }
  if (type === "dense") {
    const nIn = incoming?.length === 1 ? incoming[0] : 1;
    const weight = [0, 1].map((r) => Array.from({ length: nIn }, (_, c) => String((((r * nIn + c) % 5) - 2) / 10)));
    return { type, weight, bias: "0,0" };
  }
  if (type === "relu") return { type, relu_grad_at_zero: "0" };
  if (type === "leaky_relu") return { type, negative_slope: "" };
  if (type === "maxpool") return { type, size: "2", stride: "", padding: "", ties: "first" };
  if (type === "avgpool") return { type, size: "2", stride: "", padding: "" };
  return { type };
}

/** The page's state when a link names no layers: the tiny CNN of the API's documentation. */
function tinyCnn() {
  return {
    input: [[["1", "2", "0", "1"], ["0", "1", "3", "1"], ["2", "1", "0", "0"], ["1", "0", "1", "2"]]],
    layers: [
      { type: "conv2d", kernel: [[[["1", "-1"], ["0", "1"]]]], bias: "0", stride: "", padding: "", dilation: "" },
      { type: "relu", relu_grad_at_zero: "0" },
      { type: "maxpool", size: "2", stride: "1", padding: "", ties: "first" },
      { type: "flatten" },
      { type: "dense", weight: [["0.1", "0.2", "-0.1", "0"], ["-0.2", "0.1", "0.1", "0.3"]], bias: "0,0" },
    ],
    target: [[["1", "0"]]],
    loss: "cross_entropy",
    learning_rate: "0.1",
    steps: "10",
  };
}

/**
 * The page state a query string describes.
 * @param {string} search e.g. `location.search`
 * @returns {NetworkState}
 */
export function stateFromSearch(search) {
  const raw = rawQuery(search);
  if (!raw.has("layers")) return { ...tinyCnn(), step: readTop(TOP_AFTER, raw).step ?? null };
  const types = textCodec
    .decode(raw.get("layers") ?? "")
    .split(",")
    .map((type) => type.trim())
    .filter((type) => type !== "")
    .slice(0, MAX_LAYERS);
  const layers = types.map((type, i) => {
    // A missing field is empty (the API's default), except the arrays a layer cannot do without.
    const layer = newLayer(type, null);
    for (const field of typeInfo(type)?.fields ?? []) {
      const name = `layers[${i}].${field}`;
      if (raw.has(name)) layer[field] = FIELD_CODECS[field].decode(raw.get(name));
      else if (field !== "kernel" && field !== "weight") layer[field] = FIELD_CODECS[field].decode("");
    }
    return layer;
  });
  const top = { ...readTop(TOP_BEFORE, raw), ...readTop(TOP_AFTER, raw) };
  return {
    input: top.input ?? [[["0"]]],
    layers,
    target: top.target ?? [[["0"]]],
    loss: top.loss ?? "mse",
    learning_rate: top.learning_rate ?? "",
    steps: top.steps ?? "",
    step: top.step ?? null,
  };
}

/** @param {Record<string, import("../state.js").Codec>} schema @param {Map<string, string>} raw */
function readTop(schema, raw) {
  const found = {};
  for (const [name, codec] of Object.entries(schema)) if (raw.has(name)) found[name] = codec.decode(raw.get(name));
  return found;
}

/**
 * The share link's fields for `state`, as a schema and the values it writes (see `writeQuery`).
 * @param {NetworkState} state
 * @returns {{schema: Record<string, import("../state.js").Codec>, values: Record<string, any>}}
 */
export function linkFields(state) {
  const schema = { ...TOP_BEFORE, layers: textCodec };
  const values = { input: state.input, layers: state.layers.map((layer) => layer.type).join(",") };
  state.layers.forEach((layer, i) => {
    for (const field of typeInfo(layer.type)?.fields ?? []) {
      schema[`layers[${i}].${field}`] = FIELD_CODECS[field];
      values[`layers[${i}].${field}`] = layer[field];
    }
  });
  Object.assign(schema, TOP_AFTER);
  for (const name of Object.keys(TOP_AFTER)) values[name] = state[name];
  return { schema, values };
}

const ACTIVATIONS = new Set(["relu", "leaky_relu", "sigmoid", "tanh", "softmax"]);

/**
 * Whether the input goes to the API as a vector: one row of one channel, and the first layer
 * that cares about shape is a dense layer (or every layer is an activation).
 * @param {NetworkState} state
 */
function inputIsVector(state) {
  if (state.input.length !== 1 || state.input[0].length !== 1) return false;
  const first = state.layers.find((layer) => !ACTIVATIONS.has(layer.type));
  return !first || first.type === "dense";
}

/**
 * Whether the chain ends in a vector: from its shapes when they are known, else when the input
 * is a vector or a flatten or dense layer makes one.
 * @param {NetworkState} state
 */
function outputIsVector(state) {
  const shapes = chainShapes(state);
  const out = shapes[shapes.length - 1];
  if (out) return out.length === 1;
  return inputIsVector(state) || state.layers.some((layer) => layer.type === "flatten" || layer.type === "dense");
}

/**
 * The API request body for `state`.
 * @param {NetworkState} state
 * @returns {Record<string, any>}
 */
export function requestBody(state) {
  const vector = inputIsVector(state);
  const body = {
    input: numbers(vector ? state.input[0][0] : state.input.length === 1 ? state.input[0] : state.input),
    layers: state.layers.map(layerBody),
    target: mapBody(state.target, outputIsVector(state)),
    loss: state.loss,
  };
  for (const name of ["learning_rate", "steps"]) {
    const value = listValue(state[name]);
    if (value !== undefined) body[name] = value;
  }
  return body;
}

/**
 * @param {string[][][]} grids
 * @param {boolean} vector
 */
function mapBody(grids, vector) {
  if (vector && grids.length === 1 && grids[0].length === 1) return numbers(grids[0][0]);
  return numbers(grids.length === 1 ? grids[0] : grids);
}

/** @param {LayerState} layer */
function layerBody(layer) {
  const body = { type: layer.type };
  if (layer.type === "conv2d" && layer.kernel) {
    const plain = layer.kernel.length === 1 && layer.kernel[0].length === 1;
    body.kernel = numbers(plain ? layer.kernel[0][0] : layer.kernel);
  }
  if (layer.type === "dense" && layer.weight) body.weight = numbers(layer.weight);
  if (layer.type === "relu") body.relu_grad_at_zero = Number(layer.relu_grad_at_zero ?? "0");
  if (layer.type === "maxpool") body.ties = layer.ties ?? "first";
  for (const field of ["bias", "stride", "padding", "dilation", "size", "negative_slope"]) {
    if (!(typeInfo(layer.type)?.fields ?? []).includes(field)) continue;
    const setting = ["stride", "padding", "dilation", "size"].includes(field);
    const value = setting ? settingValue(layer[field], field === "padding" ? [1, 2, 4] : [1, 2]) : listValue(layer[field]);
    if (value !== undefined) body[field] = value;
  }
  return body;
}

/**
 * The shape a layer gives for `shape` (a vector [n] or feature maps [C, H, W]), or null when
 * it does not fit or its settings are not numbers yet; the API then says why.
 * @param {LayerState} layer
 * @param {number[]} shape
 * @returns {number[]|null}
 */
function layerOutputShape(layer, shape) {
  if (ACTIVATIONS.has(layer.type)) return shape;
  if (layer.type === "flatten") return [shape.reduce((a, b) => a * b, 1)];
  if (layer.type === "dense") return layer.weight && shape.length === 1 ? [layer.weight.length] : null;
  if (shape.length !== 3) return null;
  const [c, h, w] = shape;
  const conv = layer.type === "conv2d";
  if (!conv && !["maxpool", "avgpool"].includes(layer.type)) return null;
  const size = conv ? [layer.kernel?.[0]?.[0]?.length ?? 0, layer.kernel?.[0]?.[0]?.[0]?.length ?? 0] : pairValue(layer.size, null);
  const dilation = conv ? pairValue(layer.dilation, [1, 1]) : [1, 1];
  const stride = pairValue(layer.stride, conv ? [1, 1] : undefined); // undefined: the window's size
  const sides = sidesValue(layer.padding);
  if (!size || !dilation || stride === null || !sides) return null;
  const out = slidingOutput(h, w, {
    size: /** @type {[number, number]} */ (size),
    stride,
    sides,
    dilation: /** @type {[number, number]} */ (dilation),
    maxSize: conv ? MAX_KERNEL_SIDE : MAX_POOL_SIDE,
  });
  return out && [conv ? /** @type {string[][][][]} */ (layer.kernel).length : c, ...out];
}

/**
 * The shape entering each layer and the chain's output: [input, after layer 1, …]; null from
 * the first layer whose shape is unknown onwards.
 * @param {NetworkState} state
 * @returns {(number[]|null)[]}
 */
export function chainShapes(state) {
  const first = inputIsVector(state)
    ? [state.input[0][0].length]
    : [state.input.length, state.input[0].length, state.input[0][0].length];
  const shapes = [first];
  for (const layer of state.layers) {
    const last = shapes[shapes.length - 1];
    shapes.push(last && layerOutputShape(layer, last));
  }
  return shapes;
}

/**
 * @param {string[][]} grid
 * @param {number} rows
 * @param {number} cols
 * @param {string} fill
 */
function fit(grid, rows, cols, fill) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => grid[r]?.[c] ?? fill));
}

/**
 * Keep the chain fitting after an edit: each kernel gets as many channels as its input has,
 * each dense weight as many columns as its input vector, and the target the output's shape.
 * Numbers that still fit are kept; new cells are 0.
 * @param {NetworkState} state
 * @returns {NetworkState}
 */
export function fitChain(state) {
  const next = structuredClone(state);
  let shape = chainShapes(next)[0];
  next.layers.forEach((layer) => {
    if (shape && layer.type === "conv2d" && layer.kernel && shape.length === 3 && layer.kernel[0].length !== shape[0]) {
      const channels = shape[0];
      layer.kernel = layer.kernel.map((grids) =>
        Array.from({ length: channels }, (_, c) => grids[c] ?? fit([], grids[0].length, grids[0][0].length, "0")),
      );
    }
    if (shape && layer.type === "dense" && layer.weight && shape.length === 1 && layer.weight[0].length !== shape[0]) {
      layer.weight = fit(layer.weight, layer.weight.length, shape[0], "0");
    }
    shape = shape && layerOutputShape(layer, shape);
  });
  // A target is resized only to a shape the API takes: maps come from slidingOutput, within its
  // limits already; a vector may be long (a flattened map) but not longer than MAX_VECTOR.
  if (shape && (shape.length === 3 || shape[0] <= MAX_VECTOR)) {
    const [channels, rows, cols] = shape.length === 1 ? [1, 1, shape[0]] : shape;
    const same = next.target.length === channels && next.target[0].length === rows && next.target[0][0].length === cols;
    if (!same) next.target = Array.from({ length: channels }, (_, c) => fit(next.target[c] ?? [], rows, cols, "0"));
  }
  return next;
}
