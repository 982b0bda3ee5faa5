/**
 * The controls of a settings panel, built the same way on every page: a labelled text field or
 * select with its hint and its error line, radio buttons under a legend, a count, a titled
 * group; and the API's messages put beside the field they name.
 */

import { messageBesideField, messageLocation, topField } from "./api.js";
import { element, paragraph } from "./dom.js";

/**
 * @typedef {import("./api.js").FieldError} FieldError
 *
 * @typedef {object} ErrorLine
 * @property {HTMLElement} element
 * @property {(message: string|null) => void} show the API's message, or none
 *
 * @typedef {object} FieldSlot
 * @property {HTMLElement} element the whole field
 * @property {HTMLInputElement|HTMLSelectElement} control
 * @property {(message: string|null) => void} show the API's message for this field, or none
 */

/**
 * A titled group of controls in the settings panel.
 * @param {string} title
 * @param {...Node} children
 */
export function group(title, ...children) {
  return element("section", "form-group", element("h2", "", title), ...children);
}

/**
 * The paragraph for the API's message about a field, hidden while there is none; `control` is
 * marked invalid while it shows.
 * @param {string} id
 * @param {HTMLElement|null} [control]
 * @returns {ErrorLine}
 */
export function errorLine(id, control = null) {
  const error = paragraph("field-error");
  error.id = id;
  error.hidden = true;
  return {
    element: error,
    show: (message) => {
      error.textContent = message ?? "";
      error.hidden = !message;
      if (!control) return;
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    },
  };
}

/**
 * A control with its label, its hint when it has one, and its error line; the control is
 * described by both.
 * @param {HTMLInputElement|HTMLSelectElement} control with its id
 * @param {string} labelText
 * @param {{hint?: string, hintId?: string, errorId: string}} parts the hint's words and the ids
 * @returns {FieldSlot}
 */
export function labelled(control, labelText, { hint = "", hintId = "", errorId }) {
  const label = element("label", "", labelText);
  /** @type {HTMLLabelElement} */ (label).htmlFor = control.id;
  const wrap = element("div", "field", label, control);
  const described = [];
  if (hint) {
    const hintElement = paragraph("field-hint", hint);
    hintElement.id = hintId;
    described.push(hintId);
    wrap.append(hintElement);
  }
  const error = errorLine(errorId, control);
  described.push(errorId);
  control.setAttribute("aria-describedby", described.join(" "));
  wrap.append(error.element);
  return { element: wrap, control, show: error.show };
}

/**
 * A one-line text input that hands on every edit.
 * @param {string} id
 * @param {string} value
 * @param {(value: string) => void} onInput
 * @returns {HTMLInputElement}
 */
export function textInput(id, value, onInput) {
  const input = document.createElement("input");
  input.type = "text";
  input.id = id;
  input.value = value;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.addEventListener("input", () => onInput(input.value));
  return input;
}

/**
 * A select with `value` chosen, that hands on every change.
 * @param {string} id
 * @param {[string, string][]} options value and words
 * @param {string} value
 * @param {(value: string) => void} onChange
 * @returns {HTMLSelectElement}
 */
export function selectInput(id, options, value, onChange) {
  const select = document.createElement("select");
  select.id = id;
  for (const [optionValue, words] of options) {
    const option = document.createElement("option");
    option.value = optionValue;
    option.textContent = words;
    option.selected = optionValue === value;
    select.append(option);
  }
  select.addEventListener("change", () => onChange(select.value));
  return select;
}

/**
 * A labelled text input for the API field `name`, with its hint and its error line
 * (`${name}-error`).
 * @param {string} name the API field
 * @param {string} label
 * @param {string} hint
 * @param {string} value
 * @param {(value: string) => void} onInput
 * @returns {FieldSlot}
 */
export function textField(name, label, hint, value, onInput) {
  const input = textInput(`field-${name}`, value, onInput);
  input.name = name;
  return labelled(input, label, { hint, hintId: `${name}-hint`, errorId: `${name}-error` });
}

/**
 * A labelled select for the API field `name`, with its hint when it has one and its error line.
 * @param {string} name the API field
 * @param {string} label
 * @param {[string, string][]} options value and words
 * @param {string} value
 * @param {(value: string) => void} onChange
 * @param {string} [hint]
 * @returns {FieldSlot}
 */
export function selectField(name, label, options, value, onChange, hint = "") {
  const select = selectInput(`field-${name}`, options, value, onChange);
  select.name = name;
  return labelled(select, label, { hint, hintId: `${name}-hint`, errorId: `${name}-error` });
}

/**
 * A group of radio buttons under a legend.
 * @param {string} name
 * @param {string} legendText
 * @param {[string, string][]} options value and words
 * @param {string} value
 * @param {(value: string) => void} onChange
 * @returns {{element: HTMLFieldSetElement, set: (value: string) => void}}
 */
export function radioChoice(name, legendText, options, value, onChange) {
  const fieldset = /** @type {HTMLFieldSetElement} */ (element("fieldset", "choice", element("legend", "", legendText)));
  const radios = options.map(([optionValue, words]) => {
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = name;
    radio.value = optionValue;
    radio.checked = optionValue === value;
    radio.addEventListener("change", () => radio.checked && onChange(optionValue));
    fieldset.append(element("label", "", radio, ` ${words}`));
    return radio;
  });
  return { element: fieldset, set: (next) => radios.forEach((radio) => (radio.checked = radio.value === next)) };
}

/**
 * A number input for a count (channels, kernels, steps), 1 to `max`; a count typed out of range
 * is brought back into it.
 * @param {string} id
 * @param {string} labelText
 * @param {number} max
 * @param {() => number} get the count the state has
 * @param {(n: number) => void} set called with a new count
 * @returns {{element: HTMLElement, update: () => void}} `update` shows the state's count again
 */
export function countField(id, labelText, max, get, set) {
  const input = document.createElement("input");
  input.type = "number";
  input.id = id;
  input.min = "1";
  input.max = String(max);
  input.value = String(get());
  input.addEventListener("change", () => {
    const n = Math.max(1, Math.min(max, Math.round(Number(input.value)) || 1));
    input.value = String(n);
    if (n !== get()) set(n);
  });
  const label = element("label", "", labelText);
  /** @type {HTMLLabelElement} */ (label).htmlFor = id;
  return { element: element("div", "count", label, input), update: () => (input.value = String(get())) };
}

/**
 * A "Channels" count; more channels start as random digits in the first one's shape.
 * @param {number} max
 * @param {() => number} count the current number of channels
 * @param {(resize: (grids: string[][][]) => string[][][]) => void} onResize called with a function
 *   that brings a stack of grids to the new count
 * @returns {{element: HTMLElement, update: () => void}}
 */
export function channelCount(max, count, onResize) {
  const digit = () => String(Math.floor(Math.random() * 10));
  const channels = countField("count-channels", "Channels", max, count, (n) =>
    onResize((grids) => Array.from({ length: n }, (_, c) => grids[c] ?? grids[0].map((row) => row.map(digit)))),
  );
  return { element: element("div", "counts", channels.element), update: channels.update };
}

/**
 * Put the API's messages beside the fields they name; returns the ones no field here owns.
 * @param {Map<string, (message: string|null, error?: FieldError) => void>} slots
 * @param {FieldError[]} errors
 * @returns {FieldError[]}
 */
export function placeErrors(slots, errors) {
  const byField = new Map();
  const unplaced = [];
  for (const error of errors) {
    const field = topField(error.field);
    if (!slots.has(field)) unplaced.push(error);
    else if (!byField.has(field)) byField.set(field, error);
  }
  for (const [field, show] of slots) {
    const error = byField.get(field);
    show(error ? messageBesideField(error) : null, error);
  }
  return unplaced;
}

/**
 * The grid and cell an API message points at ("kernel 2, channel 1, row 3, column 2"), 0-based,
 * for marking the editor's input that holds it.
 * @param {FieldError} error
 * @param {number} [perKernel] grids per kernel where the editor holds kernels one after another
 *   (kernel-major); 0 where the field has no kernels
 * @returns {{grid: number, row: number, col: number}|null}
 */
export function messageCell(error, perKernel = 0) {
  const where = messageLocation(error.msg);
  if (!where || where.row === undefined || where.column === undefined) return null;
  return { grid: ((where.kernel ?? 1) - 1) * perKernel + ((where.channel ?? 1) - 1), row: where.row - 1, col: where.column - 1 };
}
