/**
 * The network page's results, drawn from one API answer: a panel per layer (its forward pass,
 * the gradient it receives, and its backward pass), the loss, and the training over the steps.
 *
 * Every array is a grid (or one grid per channel or kernel) whose element carries
 * `data-matrix` with the array's place in the answer — `layers[0].input`, `layers[0].output`,
 * `layers[0].grad_output`, `layers[0].grad_input`, `layers[0].params.kernel`,
 * `layers[0].param_grads.kernel`, `prediction`, `probabilities`, `grad_prediction`, `target`,
 * `losses`, `final_loss`, `final_params[0].kernel` — and whose cells carry `data-index` (the
 * index in that array, as the API nests it) and `data-value` (the full float64).
 */

import { element } from "../dom.js";
import { equationBlock as mathBlock, mathLine } from "../equation.js";
import { MatrixView } from "../matrix-view.js";
import { formatNumber } from "../number-format.js";
import { lossChart } from "./network-chart.js";
import { superscript } from "./network-form.js";
import { layerLink } from "./network-links.js";
import { CITES, TARGET, grad, layerRules, lossRules, sym } from "./network-math.js";
import { typeInfo } from "./network-request.js";

/**
 * @typedef {import("../equation.js").Token} Token
 * @typedef {{element: HTMLElement, views: MatrixView[]}} Part a piece the timeline shows or hides
 * @typedef {object} Panels
 * @property {HTMLElement[]} sections
 * @property {Map<string, Part>} parts by name: `forward:i`, `grad_output:i`, `backward:i`, `loss`, `loss_grad`, `training`
 * @property {Map<string, HTMLElement>} figures each array's figure, by its `data-matrix` name
 * @property {(field: string, index: string|null) => void} point light up the twins of a cell, or clear
 * @property {{element: HTMLElement, fields: string[]}[]} links each "Open layer n" link, with the arrays
 *   whose numbers it carries (hidden while one of them is withheld)
 */

/**
 * Which arrays hold the same numbers (Fig. 9.2: Iⁿ⁺¹ = Oⁿ and ∂L/∂Oⁿ = ∂L/∂Iⁿ⁺¹).
 * @param {number} count layers
 * @returns {Map<string, string[]>}
 */
function twinsOf(count) {
  const twins = new Map();
  const link = (a, b) => {
    twins.set(a, [...(twins.get(a) ?? []), b]);
    twins.set(b, [...(twins.get(b) ?? []), a]);
  };
  for (let i = 0; i + 1 < count; i += 1) {
    link(`layers[${i}].output`, `layers[${i + 1}].input`);
    link(`layers[${i}].grad_output`, `layers[${i + 1}].grad_input`);
  }
  link(`layers[${count - 1}].output`, "prediction");
  link(`layers[${count - 1}].grad_output`, "grad_prediction");
  return twins;
}

/**
 * Build every panel for one answer.
 * @param {Record<string, any>} body the request that was sent
 * @param {Record<string, any>} data the API's answer
 * @returns {Panels}
 */
export function buildPanels(body, data) {
  /** @type {Map<string, Part>} */
  const parts = new Map();
  /** @type {Map<string, MatrixView[]>} */
  const grids = new Map();
  /** @type {Map<string, HTMLElement>} */
  const figures = new Map();
  const twins = twinsOf(data.first_step.layers.length);
  let lit = /** @type {HTMLElement[]} */ ([]);

  const point = (field, index) => {
    lit.forEach((td) => td.classList.remove("is-source", "is-focus"));
    lit = [];
    if (index === null) return;
    for (const view of grids.get(field) ?? []) lit.push(...cellsAt(view, index, "is-focus"));
    for (const twin of twins.get(field) ?? []) for (const view of grids.get(twin) ?? []) lit.push(...cellsAt(view, index, "is-source"));
  };

  /**
   * The grids of one array, under a caption.
   * @param {string} field
   * @param {any} value a number, vector, matrix, C × H × W or kernels × channels × k_h × k_w
   * @param {Token[]} symbol
   * @param {string} words
   * @param {string} label accessible name of its grids
   */
  const tensor = (field, value, symbol, words, label) => {
    const block = document.createElement("figure");
    block.className = "net-tensor";
    const caption = document.createElement("figcaption");
    caption.append(mathLine(symbol), words ? ` ${words}` : "");
    block.append(caption);
    const wrap = document.createElement("div");
    wrap.className = "net-grids";
    const depth = depthOf(value);
    const views = slices(value).map(({ values, prefix, name }) => {
      const view = new MatrixView({
        field,
        values,
        apiIndex: (r, c) => [...prefix, ...(depth === 1 ? [c] : depth === 0 ? [] : [r, c])],
        label: name ? `${label}, ${name}` : label,
        caption: name || undefined,
        onPoint: (_, r, c) => point(field, view.cell(r, c).dataset.index ?? ""),
        onLeave: () => point(field, null),
      });
      return view;
    });
    wrap.append(...views.map((view) => view.element));
    block.append(wrap);
    grids.set(field, [...(grids.get(field) ?? []), ...views]);
    figures.set(field, block);
    return { element: block, views };
  };

  const layers = data.first_step.layers;
  /** @type {Panels["links"]} */
  const links = [];
  const sections = layers.map((layer, i) => layerSection(body, layer, i, layers.length, tensor, parts, links));
  sections.push(lossSection(body, data, tensor, parts), trainingSection(body, data, tensor, parts));
  return { sections, parts, figures, point, links };
}

/**
 * @param {MatrixView} view
 * @param {string} index
 * @param {string} className
 * @returns {HTMLElement[]}
 */
function cellsAt(view, index, className) {
  const found = view.cells.flat().filter((td) => td.dataset.index === index);
  found.forEach((td) => td.classList.add(className));
  return found;
}

/**
 * An equation block that scrolls sideways when it is wider than the screen, reachable by keyboard.
 * @param {Token[][]} lines
 * @param {string} label what the equations are, for a screen reader
 */
function equationBlock(lines, label) {
  const block = mathBlock(lines);
  block.tabIndex = 0;
  block.setAttribute("role", "group");
  block.setAttribute("aria-label", label);
  return block;
}

/** @param {any} value @returns {number} */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

/**
 * An array as 2-D grids: a number as 1 × 1, a vector as one row, a matrix as it is, channels and
 * kernels one grid each, with the index prefix of each grid and its name.
 * @param {any} value
 * @returns {{values: number[][], prefix: number[], name: string}[]}
 */
function slices(value) {
  const depth = depthOf(value);
  if (depth === 0) return [{ values: [[value]], prefix: [], name: "" }];
  if (depth === 1) return [{ values: [value], prefix: [], name: "" }];
  if (depth === 2) return [{ values: value, prefix: [], name: "" }];
  if (depth === 3) return value.map((grid, c) => ({ values: grid, prefix: [c], name: value.length > 1 ? `channel ${c + 1}` : "" }));
  return value.flatMap((channels, k) =>
    channels.map((grid, c) => ({ values: grid, prefix: [k, c], name: `kernel ${k + 1}, channel ${c + 1}` })),
  );
}

/** @param {number[]} shape */
function shapeText(shape) {
  return shape.length === 1 ? `a vector of ${shape[0]}` : shape.join(" × ");
}

/** An operator between grids, or an arrow with words. @param {string} text @param {string} [words] */
function operator(text, words) {
  const op = element("span", words ? "op op-arrow" : "op", text);
  if (words) op.append(element("span", "op-words", words));
  return op;
}

/**
 * The heading of a panel: its number, title and the chapter's citation.
 * @param {string} id
 * @param {string} number
 * @param {string} title
 * @param {string} cite
 */
function heading(id, number, title, cite) {
  const h2 = element("h2", "", element("span", "stage-number", number), ` ${title} `, element("span", "cite", cite));
  h2.id = id;
  return h2;
}

/** The words of the pooling or activation arrow. @param {Record<string, any>} layerBody */
function arrowWords(layerBody) {
  const pair = (v) => (Array.isArray(v) ? v.join(" × ") : `${v} × ${v}`);
  if (layerBody.type === "maxpool" || layerBody.type === "avgpool") {
    const stride = layerBody.stride === undefined ? "" : `, stride ${Array.isArray(layerBody.stride) ? layerBody.stride.join(", ") : layerBody.stride}`;
    return `${layerBody.type === "maxpool" ? "max" : "mean"} of ${pair(layerBody.size)}${stride}`;
  }
  if (layerBody.type === "flatten") return "row by row";
  if (layerBody.type === "relu") return "max(0, ·)";
  if (layerBody.type === "leaky_relu") return `a = ${layerBody.negative_slope ?? 0.01}`;
  return layerBody.type;
}

/**
 * One layer: what goes in and out, the gradient it receives, and the one it hands on.
 * @param {Record<string, any>} body
 * @param {Record<string, any>} layer the answer's `first_step.layers[i]`
 * @param {number} i
 * @param {number} count
 * @param {Function} tensor
 * @param {Map<string, Part>} parts
 * @param {Panels["links"]} links
 */
function layerSection(body, layer, i, count, tensor, parts, links) {
  const n = i + 1;
  const sup = superscript;
  const info = typeInfo(layer.type);
  const layerBody = body.layers[i];
  const field = (name) => `layers[${i}].${name}`;
  const section = element("section", "stage net-layer");
  section.id = `layer-${n}`;
  section.dataset.layer = String(i);
  const title = heading(`layer-${n}-title`, String(n), info?.title ?? layer.type, CITES[layer.type] ?? "");
  section.setAttribute("aria-labelledby", title.id);
  const top = element("div", "net-layer-top", title);
  const link = layerLink(body, layer, i);
  if (link) {
    const a = element("a", "net-open", `Open layer ${n} on the ${link.title} page`);
    a.setAttribute("href", link.href);
    top.append(a);
    links.push({ element: a, fields: [field("input"), field("grad_output")] });
  }
  const hasBias = "bias" in layer.params;
  const rules = layerRules(layer.type, n, { hasBias });
  const shapes = element("p", "note", `${shapeText(layer.input_shape)} in, ${shapeText(layer.output_shape)} out.`);
  section.append(top, shapes);

  // Forward: Iⁿ (= Oⁿ⁻¹) through the layer to Oⁿ.
  const input = tensor(field("input"), layer.input, n === 1 ? [sym("I", 1)] : [sym("I", n), "=", sym("O", n - 1)], n === 1 ? "the network's input" : `from layer ${n - 1}`, `I${sup(n)}, layer ${n}'s input`);
  const output = tensor(field("output"), layer.output, [sym("O", n)], n === count ? "the prediction" : `→ I${sup(n + 1)}`, `O${sup(n)}, layer ${n}'s output`);
  const forwardViews = [...input.views, ...output.views];
  const row = element("div", "grid-row", input.element);
  const param = (name, letter) => {
    if (!(name in layer.params)) return null;
    const made = tensor(`layers[${i}].params.${name}`, layer.params[name], [sym(letter, n)], "", `${letter}${sup(n)}, layer ${n}'s ${name}`);
    forwardViews.push(...made.views);
    return made.element;
  };
  if (layer.type === "conv2d") {
    row.append(operator("⋆"), /** @type {HTMLElement} */ (param("kernel", "F")));
    const bias = param("bias", "b");
    if (bias) row.append(operator("+"), bias);
    row.append(operator("="), output.element);
  } else if (layer.type === "dense") {
    row.replaceChildren(/** @type {HTMLElement} */ (param("weight", "W")), operator("·"), input.element);
    const bias = param("bias", "b");
    if (bias) row.append(operator("+"), bias);
    row.append(operator("="), output.element);
  } else {
    row.append(operator("→", arrowWords(layerBody)), output.element);
  }
  const forward = element("div", "net-pass net-forward", element("h3", "", "Forward"), equationBlock([rules.forward], `Layer ${n}'s forward rule`), row);
  parts.set(`forward:${i}`, { element: forward, views: forwardViews });

  // Backward: ∂L/∂Oⁿ arrives (= ∂L/∂Iⁿ⁺¹), ∂L/∂Iⁿ leaves (as ∂L/∂Oⁿ⁻¹).
  const gradOut = tensor(field("grad_output"), layer.grad_output, n === count ? [grad("O", n)] : [grad("O", n), "=", grad("I", n + 1)], n === count ? "from the loss" : `from layer ${n + 1}`, `∂L/∂O${sup(n)}, the gradient layer ${n} receives`);
  const gradIn = tensor(field("grad_input"), layer.grad_input, n === 1 ? [grad("I", 1)] : [grad("I", n), "→", grad("O", n - 1)], n === 1 ? "the input's gradient: the chain ends here" : `handed on to layer ${n - 1}`, `∂L/∂I${sup(n)}, the gradient layer ${n} hands on`);
  const receive = element("div", "net-receive", gradOut.element);
  parts.set(`grad_output:${i}`, { element: receive, views: gradOut.views });
  const backRow = element("div", "grid-row", operator("→", "back through the layer"), gradIn.element);
  const backViews = [...gradIn.views];
  for (const [name, letter] of [["kernel", "F"], ["weight", "W"], ["bias", "b"]]) {
    if (!(name in layer.param_grads)) continue;
    const made = tensor(`layers[${i}].param_grads.${name}`, layer.param_grads[name], [grad(letter, n)], "", `∂L/∂${letter}${sup(n)}, the gradient of layer ${n}'s ${name}`);
    backRow.append(made.element);
    backViews.push(...made.views);
  }
  const compute = element("div", "net-compute", equationBlock(rules.backward, `Layer ${n}'s backward rules`), backRow);
  parts.set(`backward:${i}`, { element: compute, views: backViews });
  const backward = element("div", "net-pass net-backward", element("h3", "", "Backward"), element("div", "net-back-flow", receive, compute));
  section.append(forward, backward);
  return section;
}

/**
 * The loss: the prediction against the target, and ∂L/∂Oᴺ where the backward pass starts.
 * @param {Record<string, any>} body
 * @param {Record<string, any>} data
 * @param {Function} tensor
 * @param {Map<string, Part>} parts
 */
function lossSection(body, data, tensor, parts) {
  const first = data.first_step;
  const last = first.layers.length;
  const section = element("section", "stage net-loss");
  section.id = "loss";
  const title = heading("loss-title", "L", "The loss", "Fig. 9.2, SPEC §4");
  section.setAttribute("aria-labelledby", title.id);
  const rules = lossRules(data.loss_name, last, first.loss);
  const prediction = tensor("prediction", first.prediction, [sym("O", last)], "the prediction", `O${superscript(last)}, the prediction`);
  const target = tensor("target", body.target, [TARGET], "the target", "the target");
  const row = element("div", "grid-row", prediction.element);
  const views = [...prediction.views, ...target.views];
  if (first.probabilities) {
    const squash = data.loss_name === "cross_entropy" ? "softmax" : "sigmoid";
    const probabilities = tensor("probabilities", first.probabilities, [{ text: `${squash}(` }, sym("O", last), ")"], "", `${squash} of the prediction`);
    row.append(operator("→", squash), probabilities.element);
    views.push(...probabilities.views);
  }
  row.append(operator("vs"), target.element);
  const value = element("div", "net-loss-value", equationBlock([rules.value], "The loss"), row);
  for (const note of data.notes) value.append(element("p", "note warn", note));
  parts.set("loss", { element: value, views });
  const gradient = tensor("grad_prediction", first.grad_prediction, [grad("O", last)], "where the backward pass starts", `∂L/∂O${superscript(last)}`);
  const gradPart = element("div", "net-loss-grad", equationBlock([rules.grad], "The loss's gradient"), element("div", "grid-row", gradient.element));
  parts.set("loss_grad", { element: gradPart, views: gradient.views });
  section.append(title, value, gradPart);
  return section;
}

/**
 * Training: the loss at the start of every step, and the parameters after the last one.
 * @param {Record<string, any>} body
 * @param {Record<string, any>} data
 * @param {Function} tensor
 * @param {Map<string, Part>} parts
 */
function trainingSection(body, data, tensor, parts) {
  const steps = data.losses.length;
  const section = element("section", "stage net-training");
  section.id = "training";
  const title = heading("training-title", "↻", `Training: ${steps} step${steps === 1 ? "" : "s"}`, "Fig. 9.2");
  section.setAttribute("aria-labelledby", title.id);
  const alpha = body.learning_rate ?? 0.1;
  const lead = element(
    "p",
    "lead",
    `Each step runs the chain forward and backward, then moves every kernel, weight and bias by −α·∂L/∂θ with α = ${formatNumber(alpha)}. `
      + `losses[i] is the loss at the start of step i; after the last step it is ${formatNumber(data.final_loss)}.`,
  );
  const losses = tensor("losses", data.losses, [{ text: "losses" }], "", "the loss at the start of each step");
  const final = tensor("final_loss", data.final_loss, [{ text: "after the last step" }], "", "the loss after the last step");
  const views = [...losses.views, ...final.views];
  const trained = element("div", "grid-row");
  data.final_params.forEach((params, i) => {
    for (const [name, value] of Object.entries(params)) {
      const letter = { kernel: "F", weight: "W", bias: "b" }[name] ?? name;
      const made = tensor(`final_params[${i}].${name}`, value, [sym(letter, i + 1)], `after ${steps} step${steps === 1 ? "" : "s"}`, `${letter}${superscript(i + 1)} after training`);
      trained.append(made.element);
      views.push(...made.views);
    }
  });
  const content = element("div", "net-train-body", lead, lossChart(data.losses, data.final_loss), element("div", "grid-row", losses.element, final.element));
  if (trained.children.length) content.append(element("h3", "", "The trained parameters"), trained);
  parts.set("training", { element: content, views });
  section.append(title, content);
  return section;
}
