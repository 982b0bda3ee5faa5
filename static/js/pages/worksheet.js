/**
 * The worksheet page: the form is the state, and the state is the link. Each field of the form
 * is a field of the query (`kinds=conv,pool&count=3&difficulty=medium&seed=48213&paper=a4`, and
 * any range such as `stride_max=2`), so a link regenerates the same sheet; every change rewrites
 * the link and draws the sheet again from `GET /api/v1/exercise`, with the key's equations from
 * each layer's own endpoint.
 */

import { getJson, messageBesideField, postJson } from "../api.js";
import { choiceCodec, integerCodec, readQuery, safeDecode, setUpCopyLink, toQuery, writeQuery } from "../state.js";
import { KINDS } from "./worksheet-kinds.js";
import { renderSheet } from "./worksheet-sheet.js";

/** @typedef {import("../state.js").Codec} Codec */

const KIND_ORDER = Object.keys(KINDS);
const TYPING_PAUSE_MS = 400;

const form = /** @type {HTMLFormElement} */ (document.getElementById("worksheet-form"));
const sheet = /** @type {HTMLElement} */ (document.getElementById("sheet"));
const sheetStatus = /** @type {HTMLElement} */ (document.getElementById("sheet-status"));
const places = {
  exercises: /** @type {HTMLElement} */ (document.getElementById("exercises")),
  keys: /** @type {HTMLElement} */ (document.getElementById("keys")),
};

/** `kinds=conv,pool`: the chosen layers in the form's order; none reads as absent. */
const kindsCodec = {
  decode: (/** @type {string} */ raw) => {
    const named = safeDecode(raw).split(",").map((word) => word.trim());
    const kinds = KIND_ORDER.filter((kind) => named.includes(kind));
    return kinds.length ? kinds : undefined;
  },
  encode: (/** @type {string[]} */ kinds) => kinds.join(","),
};

/**
 * The link's fields, read off the form in its order: a number field is a whole number within
 * its bounds, a select one of its options (the preselected one is left out of the link).
 * @returns {Record<string, Codec>}
 */
function linkSchema() {
  /** @type {Record<string, Codec>} */
  const schema = {};
  for (const field of /** @type {any[]} */ ([...form.elements])) {
    if (!field.name || field.name in schema) continue;
    if (field.name === "kinds") schema.kinds = kindsCodec;
    else if (field instanceof HTMLSelectElement) {
      const values = [...field.options].map((option) => option.value);
      const preset = [...field.options].find((option) => option.defaultSelected)?.value ?? values[0];
      schema[field.name] = choiceCodec(values, preset);
    } else if (field.type === "number") schema[field.name] = integerCodec(Number(field.min), Number(field.max));
  }
  return schema;
}

const SCHEMA = linkSchema();

/** @returns {HTMLInputElement[]} */
const kindBoxes = () => /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[name="kinds"]')]);

/** @param {string} name @returns {HTMLInputElement|HTMLSelectElement} */
const field = (name) => /** @type {any} */ (form.elements.namedItem(name));

/** The layers a field applies to, from the `data-kinds` of the row that holds it. @param {string} name */
function kindsOf(name) {
  const row = /** @type {HTMLElement|null} */ (field(name).closest("[data-kinds]"));
  return row ? /** @type {string} */ (row.dataset.kinds).split(" ") : KIND_ORDER;
}

/** A fresh seed, short enough to read out in class. */
function newSeed() {
  return crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000;
}

/**
 * Put `state` in the form.
 * @param {Record<string, any>} state
 */
function writeForm(state) {
  for (const box of kindBoxes()) box.checked = state.kinds.includes(box.value);
  for (const name of Object.keys(SCHEMA)) {
    if (name === "kinds") continue;
    const input = field(name);
    const value = state[name];
    if (value !== undefined && value !== null) input.value = String(value);
    else input.value = input instanceof HTMLSelectElement ? SCHEMA[name].decode("") : input.defaultValue;
  }
}

/**
 * The state the form says, and the fields whose text is not a number the link can hold.
 * @returns {{state: Record<string, any>, invalid: string[]}}
 */
function readForm() {
  /** @type {Record<string, any>} */
  const state = { kinds: kindBoxes().filter((box) => box.checked).map((box) => box.value) };
  const invalid = [];
  for (const name of Object.keys(SCHEMA)) {
    if (name === "kinds") continue;
    const text = field(name).value.trim();
    state[name] = SCHEMA[name].decode(encodeURIComponent(text));
    const required = /** @type {HTMLInputElement} */ (field(name)).required;
    if ((text !== "" || required) && state[name] === null) invalid.push(name);
  }
  return { state, invalid };
}

/**
 * Mark the fields the form or the API found wrong, and say why above the sheet; each message once.
 * @param {{field: string, msg: string}[]} errors
 */
function markErrors(errors) {
  for (const input of /** @type {any[]} */ ([...form.elements])) input.removeAttribute?.("aria-invalid");
  for (const error of errors) {
    const input = form.elements.namedItem(error.field);
    if (input instanceof HTMLElement) input.setAttribute("aria-invalid", "true");
  }
  sheetStatus.textContent = [...new Set(errors.map((error) => error.msg))].join(" ");
  sheetStatus.classList.toggle("is-error", errors.length > 0);
}

/**
 * An answer of `GET /api/v1/exercise` that refuses the settings, as messages that name the field by its label.
 * @param {string[]} kinds the layers asked for, in order
 * @param {import("../api.js").ApiResult[]} sets their answers
 * @returns {{field: string, msg: string}[]}
 */
function refusals(kinds, sets) {
  return sets.flatMap((set, k) =>
    set.ok
      ? []
      : set.errors.map((error) => {
          const input = form.elements.namedItem(error.field);
          const label = input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input.labels?.[0]?.textContent : null;
          return { field: error.field, msg: `${KINDS[kinds[k]].title}${label ? `, ${label}` : ""}: ${messageBesideField(error)}.` };
        }),
  );
}

/**
 * Show only the sizes and options that apply to a chosen layer.
 * @param {string[]} kinds
 */
function showFieldsFor(kinds) {
  for (const row of /** @type {HTMLElement[]} */ ([...form.querySelectorAll("[data-kinds]")])) {
    row.hidden = !(row.dataset.kinds ?? "").split(" ").some((kind) => kinds.includes(kind));
  }
}

/**
 * The query of `GET /api/v1/exercise` for one layer: only the fields that apply to it.
 * @param {string} kind
 * @param {Record<string, any>} state
 */
function exerciseQuery(kind, state) {
  const applying = Object.entries(SCHEMA).filter(([name]) => name !== "kinds" && name !== "paper" && kindsOf(name).includes(kind));
  return `/api/v1/exercise?kind=${kind}&${toQuery(Object.fromEntries(applying), state)}`;
}

/** @type {AbortController|null} */
let pending = null;

/**
 * Draw the sheet of `state`: its exercises, then the layer answers that write out the key.
 * @param {Record<string, any>} state
 */
async function generate(state) {
  pending?.abort();
  const controller = new AbortController();
  pending = controller;
  const { signal } = controller;
  sheet.setAttribute("aria-busy", "true");
  sheet.dataset.state = "loading";
  sheetStatus.textContent = "Drawing the exercises…";
  try {
    const sets = await Promise.all(state.kinds.map((kind) => getJson(exerciseQuery(kind, state), { signal })));
    const failed = refusals(state.kinds, sets);
    if (failed.length) {
      markErrors(failed);
      sheet.dataset.state = "error";
      return;
    }
    let number = 0;
    const drawn = sets.flatMap((set, k) => set.data.exercises.map((exercise) => ({ number: (number += 1), kind: state.kinds[k], exercise })));
    const layers = await Promise.all(
      drawn.map(({ kind, exercise }) => postJson(exercise.endpoint, KINDS[kind].request(exercise.problem), { signal })),
    );
    renderSheet(places, drawn.map((entry, k) => ({ ...entry, layer: layers[k] })));
    describe(state, sets.map((set) => set.data));
    sheetStatus.textContent = "";
    sheet.dataset.state = "ready";
  } catch (error) {
    if (/** @type {Error} */ (error).name !== "AbortError") throw error;
  } finally {
    if (pending === controller) sheet.setAttribute("aria-busy", "false");
  }
}

const RANGE_WORDS = { input: "input", window: "window", stride: "stride", padding: "padding", channels: "channels", kernels: "kernels", steps: "steps", hidden: "hidden units" };

/**
 * The sheet's line under its title, and the key's note of the ranges the exercises were drawn from.
 * @param {Record<string, any>} state
 * @param {any[]} sets the answers of `GET /api/v1/exercise`
 */
function describe(state, sets) {
  const total = sets.reduce((sum, set) => sum + set.exercises.length, 0);
  /** @type {HTMLElement} */ (document.getElementById("sheet-meta")).textContent =
    `Sheet ${state.seed} · ${state.difficulty} · ${total} exercise${total === 1 ? "" : "s"}. ` +
    "Indices are 1-based, as in chapter 9.";
  /** @type {HTMLElement} */ (document.getElementById("key-meta")).textContent = sets
    .map((set) => {
      const ranges = Object.entries(set.ranges)
        .filter(([, span]) => span !== null)
        .map(([name, [low, high]]) => `${RANGE_WORDS[name]} ${low === high ? low : `${low}–${high}`}`);
      return `${KINDS[set.kind].title}: ${ranges.join(", ")}.`;
    })
    .join(" ");
}

/** The state last drawn; its link is in the address bar. */
let state = /** @type {Record<string, any>} */ ({});
/** The fields that decide the numbers, to tell a new sheet from a new paper size. */
const sheetKey = (/** @type {Record<string, any>} */ s) => JSON.stringify({ ...s, paper: null });

/** @param {string} paper */
function setPaper(paper) {
  sheet.classList.toggle("paper-a4", paper !== "letter");
  sheet.classList.toggle("paper-letter", paper === "letter");
}

/**
 * What is wrong with a number field the link cannot hold.
 * @param {HTMLInputElement} input
 */
function fieldMessage(input) {
  const label = input.labels?.[0]?.textContent ?? input.name;
  if (input.value.trim() === "") return `${label}: needed.`;
  return `${label}: a whole number from ${input.min} to ${input.max}.`;
}

/** Read the form; when every field holds what the link can say, rewrite the link and redraw what changed. */
function update() {
  const { state: next, invalid } = readForm();
  if (!next.kinds.length) {
    markErrors([{ field: "kinds", msg: "Choose at least one layer." }]);
    return;
  }
  if (invalid.length) {
    markErrors(invalid.map((name) => ({ field: name, msg: fieldMessage(/** @type {HTMLInputElement} */ (field(name))) })));
    return;
  }
  markErrors([]);
  const redraw = sheetKey(next) !== sheetKey(state);
  state = next;
  writeQuery(SCHEMA, state);
  showFieldsFor(state.kinds);
  setPaper(state.paper);
  if (redraw) generate(state);
}

/** @type {number|undefined} */
let typing;
form.addEventListener("input", (event) => {
  clearTimeout(typing);
  const target = /** @type {HTMLElement} */ (event.target);
  typing = window.setTimeout(update, target instanceof HTMLInputElement && target.type === "number" ? TYPING_PAUSE_MS : 0);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  update();
});
/** @type {HTMLElement} */ (document.getElementById("new-seed")).addEventListener("click", () => {
  field("seed").value = String(newSeed());
  update();
});
/** @type {HTMLElement} */ (document.getElementById("print-sheet")).addEventListener("click", () => window.print());
setUpCopyLink(() => writeQuery(SCHEMA, state));

const opened = readQuery(SCHEMA, location.search);
const presetKinds = kindBoxes().filter((box) => box.defaultChecked).map((box) => box.value);
writeForm({ ...opened, kinds: opened.kinds ?? presetKinds, seed: opened.seed ?? newSeed() });
update();
