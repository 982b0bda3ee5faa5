/**
 * The settings panel of the network page: the input, the list of layers (add, remove, move up
 * and down, each with its own parameters and matrix editors), the target, the loss and the
 * training settings. It holds no numbers of its own: every edit hands the whole new state to the
 * page, and the API's messages come back beside the layer or field they name.
 */

import { messageBesideField } from "../api.js";
import { countField, errorLine, group, labelled, messageCell, selectInput, textInput } from "../form-fields.js";
import { MatrixEditor } from "../matrix-editor.js";
import { LAYER_TYPES, LOSSES, MAX_LAYERS, TIES, chainShapes, newLayer, typeInfo } from "./network-request.js";

/**
 * @typedef {import("./network-request.js").NetworkState} NetworkState
 * @typedef {import("./network-request.js").LayerState} LayerState
 * @typedef {import("../api.js").FieldError} FieldError
 * @typedef {{show: (message: string|null, error?: FieldError) => void}} ErrorSlot
 */

const MAX_CHANNELS = 8;
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** @param {number} n @returns {string} n in superscript digits, as Oⁿ's index is written */
export function superscript(n) {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]);
}

const LOSS_NAMES = {
  mse: "mean squared error",
  half_sse: "½ Σ (O − T)²",
  cross_entropy: "cross-entropy (softmax)",
  bce: "binary cross-entropy (sigmoid)",
};

/** Text fields of the layers: label (with the layer's number), hint. */
const TEXT_FIELDS = {
  bias: (n, type) => [`Bias b${superscript(n)}`, type === "dense" ? "One number per output row of W, e.g. 0, 0; empty for none." : "One number per kernel; empty for none."],
  stride: (n, type) => [`Stride s${superscript(n)}`, type === "conv2d" ? "s, or s_h, s_w; empty for 1." : "s, or s_h, s_w; empty for the window size."],
  padding: (n, type) => [
    `Padding p${superscript(n)}`,
    { conv2d: "p, p_h, p_w or top, bottom, left, right: zeros.", maxpool: "p, p_h, p_w or four sides: −∞, never a maximum.", avgpool: "p, p_h, p_w or four sides: zeros, counted in the average." }[type] ?? "",
  ],
  dilation: (n) => [`Dilation d${superscript(n)}`, "d, or d_h, d_w; empty for 1."],
  size: (n) => [`Window size k${superscript(n)}`, "k, or k_h, k_w."],
  negative_slope: (n) => [`Negative slope a${superscript(n)}`, "f(x) = a·x for x ≤ 0; empty for 0.01."],
};

const PLAIN_NOTES = {
  sigmoid: "σ(x) = 1 / (1 + e⁻ˣ), element by element; no parameters.",
  tanh: "tanh(x), element by element; no parameters.",
  softmax: "Softmax over all its input's elements at once; no parameters.",
  flatten: "Feature maps C × H × W become one vector, channel by channel and row by row; no parameters.",
};

export class NetworkForm {
  /**
   * @param {NetworkState} state
   * @param {{onChange: (state: NetworkState) => void}} handlers
   */
  constructor(state, { onChange }) {
    this.state = structuredClone(state);
    this.onChange = onChange;
    /** @type {Map<string, ErrorSlot>} slots by the API's field name */
    this.errorSlots = new Map();
    /** @type {{layer: number, action: string}|null} what gets focus after the list is drawn again */
    this.focusAfter = null;

    this.element = document.createElement("form");
    this.element.className = "conv-form net-form";
    this.element.addEventListener("submit", (event) => event.preventDefault());

    this.inputEditor = new MatrixEditor({
      id: "input",
      legend: "Input I¹",
      name: "I¹",
      grids: this.state.input,
      hint: "A matrix, several channels, or one row: a vector when a dense layer comes first.",
      randomRange: [0, 9],
      maxCols: 4096,
      onChange: (grids) => this.#change({ input: grids }),
    });
    this.errorSlots.set("input", editorSlot(this.inputEditor, () => 1));
    this.channels = countField("count-channels", "Input channels", MAX_CHANNELS, () => this.state.input.length, (n) => {
      const input = Array.from({ length: n }, (_, c) => this.state.input[c] ?? this.state.input[0].map((row) => row.map(() => "0")));
      this.#change({ input });
    });
    const inputGroup = group("Input", this.channels.element, this.inputEditor.element);

    this.list = document.createElement("ol");
    this.list.className = "net-layer-list";
    this.list.setAttribute("aria-label", "Layers, first to last");
    const listError = errorLine("layers-error");
    this.errorSlots.set("layers", listError);
    const layersGroup = group("Layers", listError.element, this.list, this.#adder());

    this.targetEditor = new MatrixEditor({
      id: "target",
      legend: "Target O_true",
      name: "T",
      grids: this.state.target,
      hint: "The last layer's output shape; it follows the chain.",
      randomRange: [0, 1],
      maxCols: 4096,
      onChange: (grids) => this.#change({ target: grids }),
    });
    this.errorSlots.set("target", editorSlot(this.targetEditor, () => 1));
    const training = document.createElement("div");
    training.className = "settings";
    training.append(
      this.#select("loss", "Loss", LOSSES.map((name) => [name, LOSS_NAMES[name]]), () => this.state.loss, (loss) => this.#change({ loss }), "field-wide"),
      this.#text("learning_rate", "Learning rate α", "Each step: θ − α·∂L/∂θ; empty for 0.1.", () => this.state.learning_rate, (v) => this.#change({ learning_rate: v })),
      this.#text("steps", "Training steps", "Training steps, 1 to 200; empty for 1.", () => this.state.steps, (v) => this.#change({ steps: v })),
    );
    const lossGroup = group("Loss and training", this.targetEditor.element, training);

    this.element.append(inputGroup, layersGroup, lossGroup);
    this.#drawLayers();
  }

  /**
   * Bring the controls in line with `state` after every change; controls whose value already
   * matches are left alone, so typing is never interrupted. A changed list of layers (added,
   * removed, moved) is drawn again.
   * @param {NetworkState} state
   */
  sync(state) {
    this.state = structuredClone(state);
    this.inputEditor.follow(state.input);
    this.targetEditor.follow(state.target);
    this.channels.update();
    if (structureOf(state) !== this.drawn) {
      this.#drawLayers();
    } else {
      this.cards.forEach((card, i) => card.sync(state.layers[i]));
    }
    for (const control of this.element.querySelectorAll("[data-top-field]")) {
      const name = /** @type {HTMLElement} */ (control).dataset.topField ?? "";
      const input = /** @type {HTMLInputElement} */ (control);
      if (input.value !== state[name]) input.value = state[name];
    }
    this.#updateAdder();
  }

  /**
   * Show the API's messages beside their layer or field; returns the ones no control here owns.
   * @param {FieldError[]} errors
   * @returns {FieldError[]}
   */
  setErrors(errors) {
    const shown = new Map();
    const unplaced = [];
    for (const error of errors) {
      const slot = this.#slotName(error.field);
      if (!slot) unplaced.push(error);
      else if (!shown.has(slot)) shown.set(slot, error);
    }
    for (const [name, slot] of this.errorSlots) {
      const error = shown.get(name);
      slot.show(error ? messageBesideField(error) : null, error);
    }
    this.cards.forEach((card, i) => card.element.classList.toggle("has-error", [...shown.keys()].some((name) => name.startsWith(`layers[${i}]`))));
    return unplaced;
  }

  /** @param {string} field the API's name, e.g. `layers[2].size` */
  #slotName(field) {
    if (this.errorSlots.has(field)) return field;
    const layer = field.match(/^layers\[(\d+)\]/);
    if (layer && this.errorSlots.has(layer[0])) return layer[0];
    const top = field.split(/[.[]/, 1)[0];
    return this.errorSlots.has(top) ? top : null;
  }

  /** @param {Partial<NetworkState>} patch */
  #change(patch) {
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state));
  }

  /**
   * @param {number} index
   * @param {LayerState} layer
   */
  #changeLayer(index, layer) {
    const layers = this.state.layers.slice();
    layers[index] = layer;
    this.#change({ layers });
  }

  /** @param {number} index @param {number} by −1 up, +1 down */
  #move(index, by) {
    const layers = this.state.layers.slice();
    const [layer] = layers.splice(index, 1);
    layers.splice(index + by, 0, layer);
    this.focusAfter = { layer: index + by, action: by < 0 ? "up" : "down" };
    this.#change({ layers });
  }

  /** @param {number} index */
  #remove(index) {
    const layers = this.state.layers.filter((_, i) => i !== index);
    this.focusAfter = layers.length ? { layer: Math.min(index, layers.length - 1), action: "remove" } : { layer: -1, action: "add" };
    this.#change({ layers });
  }

  #adder() {
    const wrap = document.createElement("div");
    wrap.className = "net-adder";
    const label = document.createElement("label");
    label.htmlFor = "add-layer-type";
    label.textContent = "New layer";
    const select = document.createElement("select");
    select.id = "add-layer-type";
    for (const [type, info] of Object.entries(LAYER_TYPES)) {
      const option = document.createElement("option");
      option.value = type;
      option.textContent = `${info.title} (${type})`;
      select.append(option);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Add layer";
    button.addEventListener("click", () => {
      const shapes = chainShapes(this.state);
      const layers = [...this.state.layers, newLayer(select.value, shapes[shapes.length - 1])];
      this.focusAfter = { layer: layers.length - 1, action: "title" };
      this.#change({ layers });
    });
    const note = document.createElement("p");
    note.className = "field-hint";
    note.id = "add-layer-hint";
    button.setAttribute("aria-describedby", note.id);
    wrap.append(label, select, button, note);
    this.addButton = button;
    this.addNote = note;
    return wrap;
  }

  #updateAdder() {
    const full = this.state.layers.length >= MAX_LAYERS;
    this.addButton.disabled = full;
    this.addNote.textContent = full
      ? `A network holds at most ${MAX_LAYERS} layers.`
      : "The new layer goes last; move it up to where it belongs.";
  }

  #drawLayers() {
    for (const name of [...this.errorSlots.keys()]) if (name.startsWith("layers[")) this.errorSlots.delete(name);
    this.cards = this.state.layers.map((layer, index) => new LayerCard(layer, index, this.state.layers.length, {
      change: (next) => this.#changeLayer(index, next),
      move: (by) => this.#move(index, by),
      remove: () => this.#remove(index),
      slots: this.errorSlots,
      channelsIn: () => this.state.layers[index]?.kernel?.[0]?.length ?? 1,
    }));
    this.list.replaceChildren(...this.cards.map((card) => card.element));
    this.drawn = structureOf(this.state);
    this.#updateAdder();
    const focus = this.focusAfter;
    this.focusAfter = null;
    if (!focus) return;
    if (focus.action === "add") this.element.querySelector("#add-layer-type")?.focus();
    else this.cards[focus.layer]?.focus(focus.action);
  }

  /**
   * A labelled text input for a top-level field.
   * @param {string} name @param {string} text @param {string} hint
   * @param {() => string} get @param {(value: string) => void} set
   */
  #text(name, text, hint, get, set) {
    const id = `field-${name}`;
    const field = labelled(textInput(id, get(), set), text, { hint, hintId: `${id}-hint`, errorId: `${name}-error` });
    field.control.dataset.topField = name;
    this.errorSlots.set(name, field);
    return field.element;
  }

  /**
   * @param {string} name @param {string} text @param {[string, string][]} options
   * @param {() => string} get @param {(value: string) => void} set @param {string} [className]
   */
  #select(name, text, options, get, set, className) {
    const field = labelled(selectInput(`field-${name}`, options, get(), set), text, { errorId: `${name}-error` });
    if (className) field.element.classList.add(className);
    field.control.dataset.topField = name;
    this.errorSlots.set(name, field);
    return field.element;
  }
}

/** One layer in the list: its header with the move and remove buttons, then its parameters. */
class LayerCard {
  /**
   * @param {LayerState} layer
   * @param {number} index
   * @param {number} count layers in the list
   * @param {object} host
   * @param {(layer: LayerState) => void} host.change
   * @param {(by: number) => void} host.move
   * @param {() => void} host.remove
   * @param {Map<string, ErrorSlot>} host.slots
   * @param {() => number} host.channelsIn
   */
  constructor(layer, index, count, host) {
    this.layer = structuredClone(layer);
    this.host = host;
    const n = index + 1;
    const info = typeInfo(layer.type);
    const prefix = `layers-${index}`;
    const api = `layers[${index}]`;

    this.element = document.createElement("li");
    this.element.className = "net-card";
    this.element.dataset.layer = String(index);
    const header = document.createElement("div");
    header.className = "net-card-header";
    this.title = document.createElement("h3");
    this.title.id = `${prefix}-title`;
    this.title.tabIndex = -1;
    const number = document.createElement("span");
    number.className = "net-card-number";
    number.textContent = String(n);
    const code = document.createElement("code");
    code.textContent = api;
    this.title.append(number, ` ${info ? info.title : "Unknown layer"} `, code);
    this.element.setAttribute("aria-labelledby", this.title.id);
    const tools = document.createElement("div");
    tools.className = "net-card-tools";
    this.buttons = {
      up: toolButton("↑", `Move layer ${n} up`, () => host.move(-1), index === 0),
      down: toolButton("↓", `Move layer ${n} down`, () => host.move(1), index === count - 1),
      remove: toolButton("✕", `Remove layer ${n}`, () => host.remove(), false),
    };
    tools.append(this.buttons.up, this.buttons.down, this.buttons.remove);
    header.append(this.title, tools);
    const error = errorLine(`${prefix}-error`);
    host.slots.set(api, error);
    this.element.append(header, error.element);

    if (!info) {
      const unknown = document.createElement("p");
      unknown.className = "field-hint";
      unknown.textContent = `The link names a layer type “${layer.type}” that this page does not know.`;
      this.element.append(unknown);
      return;
    }
    if (PLAIN_NOTES[layer.type]) {
      const note = document.createElement("p");
      note.className = "field-hint";
      note.textContent = PLAIN_NOTES[layer.type];
      this.element.append(note);
    }
    /** @type {Record<string, (layer: LayerState) => void>} how each control follows a new state */
    this.syncers = {};
    const settings = document.createElement("div");
    settings.className = "settings";
    for (const field of info.fields) {
      const id = `field-${prefix}-${field}`;
      const errorId = `${prefix}-${field}-error`;
      if (field === "kernel") this.#kernelEditor(n, prefix, api);
      else if (field === "weight") this.#weightEditor(n, prefix, api);
      else if (field === "ties" || field === "relu_grad_at_zero") {
        const options = field === "ties"
          ? TIES.map((tie) => [tie, { first: "first maximum (PyTorch)", all: "all tied maxima", split: "split among them" }[tie]])
          : [["0", "0 (PyTorch)"], ["1", "1"]];
        const select = selectInput(id, options, layer[field] ?? options[0][0], (value) => this.#set(field, value));
        const slot = labelled(select, `${field === "ties" ? "Ties" : "ReLU′(0)"} in layer ${n}`, { errorId });
        host.slots.set(`${api}.${field}`, slot);
        this.syncers[field] = (next) => (select.value = next[field] ?? options[0][0]);
        settings.append(slot.element);
      } else {
        const [label, hint] = TEXT_FIELDS[field](n, layer.type);
        const input = textInput(id, layer[field] ?? "", (value) => this.#set(field, value));
        const slot = labelled(input, label, { hint, hintId: `${id}-hint`, errorId });
        host.slots.set(`${api}.${field}`, slot);
        this.syncers[field] = (next) => {
          if (input.value !== (next[field] ?? "")) input.value = next[field] ?? "";
        };
        settings.append(slot.element);
      }
    }
    if (settings.children.length) this.element.append(settings);
  }

  /** @param {string} field @param {any} value */
  #set(field, value) {
    this.layer = { ...this.layer, [field]: value };
    this.host.change(structuredClone(this.layer));
  }

  /** @param {number} n @param {string} prefix @param {string} api */
  #kernelEditor(n, prefix, api) {
    const kernels = countField(`field-${prefix}-kernels`, `Kernels in layer ${n}`, MAX_CHANNELS, () => this.layer.kernel?.length ?? 1, (count) => {
      const kernel = /** @type {string[][][][]} */ (this.layer.kernel);
      this.layer = { ...this.layer, bias: biasFor(this.layer.bias, count) };
      this.#set("kernel", Array.from({ length: count }, (_, k) => kernel[k] ?? kernel[0].map((grid) => grid.map((row) => row.map(() => "0")))));
    });
    const editor = new MatrixEditor({
      id: `${prefix}-kernel`,
      legend: `Kernel F${superscript(n)}`,
      name: `F${superscript(n)}`,
      grids: (this.layer.kernel ?? [[[["0"]]]]).flat(),
      gridLabel: (g) => {
        const cIn = this.host.channelsIn();
        return `kernel ${Math.floor(g / cIn) + 1}, channel ${(g % cIn) + 1}`;
      },
      hint: "One grid per kernel and input channel; the channels follow the input.",
      maxRows: 7,
      maxCols: 7,
      randomRange: [-3, 3],
      onChange: (grids) => {
        const cIn = this.host.channelsIn();
        this.#set("kernel", Array.from({ length: grids.length / cIn }, (_, k) => grids.slice(k * cIn, (k + 1) * cIn)));
      },
    });
    this.host.slots.set(`${api}.kernel`, editorSlot(editor, () => this.host.channelsIn()));
    this.syncers.kernel = (next) => {
      kernels.update();
      const grids = (next.kernel ?? []).flat();
      editor.follow(grids);
    };
    this.element.append(kernels.element, editor.element);
  }

  /** @param {number} n @param {string} prefix @param {string} api */
  #weightEditor(n, prefix, api) {
    const editor = new MatrixEditor({
      id: `${prefix}-weight`,
      legend: `Weight W${superscript(n)}`,
      name: `W${superscript(n)}`,
      grids: [this.layer.weight ?? [["0"]]],
      hint: "n_out × n_in: one row per output; the columns follow the input's length.",
      maxRows: 256,
      maxCols: 32768,
      randomRange: [-3, 3],
      onChange: ([weight]) => {
        if (weight.length !== this.layer.weight?.length) this.layer = { ...this.layer, bias: biasFor(this.layer.bias, weight.length) };
        this.#set("weight", weight);
      },
    });
    this.host.slots.set(`${api}.weight`, editorSlot(editor, () => 1));
    this.syncers.weight = (next) => {
      if (JSON.stringify(editor.value()) !== JSON.stringify([next.weight])) editor.setValue([next.weight ?? [["0"]]]);
    };
    this.element.append(editor.element);
  }

  /** @param {LayerState} layer the new state of this layer, same type and place */
  sync(layer) {
    this.layer = structuredClone(layer);
    for (const follow of Object.values(this.syncers ?? {})) follow(layer);
  }

  /**
   * Focus the button that was used (or, once it is disabled at an end of the list, the other
   * move button), or the title.
   * @param {string} action "up", "down", "remove" or "title"
   */
  focus(action) {
    const other = { up: "down", down: "up" }[action];
    const button = [this.buttons[action], other && this.buttons[other]].find((b) => b && !b.disabled);
    (button ?? this.title).focus();
  }
}

/**
 * A bias written for `count` kernels or outputs: its numbers kept, new ones 0; empty stays empty.
 * @param {string|undefined} text e.g. "0.5, -1"
 * @param {number} count
 */
function biasFor(text, count) {
  if (!text || text.trim() === "") return text;
  const items = text.split(",").map((item) => item.trim());
  return Array.from({ length: count }, (_, i) => items[i] ?? "0").join(",");
}

/** The layer list's types in order; a change draws the cards again. */
function structureOf(state) {
  return state.layers.map((layer) => layer.type).join(",");
}

/** @param {string} text @param {string} label @param {() => void} action @param {boolean} disabled */
function toolButton(text, label, action, disabled) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = text;
  button.setAttribute("aria-label", label);
  button.disabled = disabled;
  button.addEventListener("click", action);
  return button;
}

/**
 * An editor's slot: the message, and the cell it names marked (grids are kernel-major).
 * @param {MatrixEditor} editor
 * @param {() => number} channels grids per kernel
 * @returns {ErrorSlot}
 */
function editorSlot(editor, channels) {
  return { show: (message, error) => editor.setError(message, error ? messageCell(error, channels()) : null) };
}
