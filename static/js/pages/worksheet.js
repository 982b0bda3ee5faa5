/**
 * The worksheet page: the form is the state, and the state is the link. Each field of the form
 * is a field of the query (`kinds=conv,pool&count=3&difficulty=medium&seed=48213&paper=a4`, and
 * any range such as `stride_max=2`), so a link regenerates the same sheet; every change rewrites
 * the link and draws the sheet again from `GET /api/v1/exercise`, with the key's equations from
 * each layer's own endpoint.
 */

import { getJson, messageBesideField, postJson } from "../api.js";
import { paragraph } from "../dom.js";
import { choiceCodec, integerCodec, rawQuery, readQuery, safeDecode, setUpCopyLink, toQuery, writeQuery } from "../state.js";
import { KINDS } from "./worksheet-kinds.js";
import { fitToPages, renderSheet } from "./worksheet-sheet.js";

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
    removeNote("count", "size");
    const drawnSets = sets.map((set) => set.data.exercises);
    const fitting = fittingCount(state.kinds, drawnSets, state.count);
    if (fitting < state.count) keepTo(fitting, state.kinds, drawnSets);
    const kept = sets.map((set) => ({ ...set.data, exercises: set.data.exercises.slice(0, fitting) }));
    let number = 0;
    const drawn = kept.flatMap((set, k) => set.exercises.map((exercise) => ({ number: (number += 1), kind: state.kinds[k], exercise })));
    const layers = await Promise.all(
      drawn.map(({ kind, exercise }) => postJson(exercise.endpoint, KINDS[kind].request(exercise.problem), { signal })),
    );
    renderSheet(places, drawn.map((entry, k) => ({ ...entry, layer: layers[k] })));
    describe(state, kept);
    sheetStatus.textContent = "";
    sheet.dataset.state = "ready";
  } catch (error) {
    if (/** @type {Error} */ (error).name !== "AbortError") throw error;
  } finally {
    if (pending === controller) sheet.setAttribute("aria-busy", "false");
  }
}

/**
 * What one printed sheet holds: exercises in all, and numbers for a learner to work out. The
 * largest sheet the form allows then prints on about 40 A4 or Letter pages, key included; a sheet
 * asking for more keeps fewer exercises per layer.
 */
const SHEET_EXERCISES = 24;
const SHEET_NUMBERS = 1000;

/**
 * How many exercises per layer a printed sheet holds, of the `count` drawn for each: at least one.
 * @param {string[]} kinds
 * @param {any[][]} sets each layer's exercises, in order
 * @param {number} count
 */
function fittingCount(kinds, sets, count) {
  let numbers = 0;
  for (let n = 1; n <= count; n += 1) {
    numbers += sets.reduce((sum, exercises, k) => sum + (exercises[n - 1] ? KINDS[kinds[k]].numbers(exercises[n - 1]) : 0), 0);
    if (n * sets.length > SHEET_EXERCISES || numbers > SHEET_NUMBERS) return Math.max(1, n - 1);
  }
  return count;
}

/**
 * Draw `fitting` exercises per layer instead of the count asked for: the field and the link say
 * so, and the note beside the field says why.
 * @param {number} fitting
 * @param {string[]} kinds
 * @param {any[][]} sets each layer's exercises as drawn
 */
function keepTo(fitting, kinds, sets) {
  const asked = state.count;
  const total = asked * sets.length;
  const numbers = sets.reduce((sum, exercises, k) => sum + exercises.reduce((s, exercise) => s + KINDS[kinds[k]].numbers(exercise), 0), 0);
  const why =
    numbers <= SHEET_NUMBERS
      ? `${total} exercises; a printed sheet holds ${SHEET_EXERCISES}`
      : `${numbers.toLocaleString("en")} numbers to work out; a printed sheet holds ${SHEET_NUMBERS.toLocaleString("en")}`;
  state.count = fitting;
  field("count").value = String(fitting);
  writeQuery(SCHEMA, state);
  noteBeside("count", "size", `${asked} per layer would be ${why}, so the sheet has ${fitting} per layer.`);
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
// Printing lays the sheet out for paper first: the exercises are measured then, at their printed size.
matchMedia("print").addEventListener("change", (event) => {
  if (event.matches) fitToPages(places.exercises, state.paper);
});
setUpCopyLink(() => writeQuery(SCHEMA, state));

/** The longest piece of a link quoted back in a note. */
const QUOTED_CHARACTERS = 24;

/**
 * The number fields of a link the sheet cannot use as written: a whole number past a bound is
 * taken at that bound, anything else leaves the field to its default; each gets a note saying so.
 * @param {string} search
 * @returns {{values: Record<string, number>, notes: Record<string, string>}}
 */
function linkCorrections(search) {
  const raw = rawQuery(search);
  /** @type {Record<string, number>} */
  const values = {};
  /** @type {Record<string, string>} */
  const notes = {};
  for (const name of Object.keys(SCHEMA)) {
    const input = field(name);
    if (!raw.has(name) || !(input instanceof HTMLInputElement) || input.type !== "number") continue;
    if (SCHEMA[name].decode(raw.get(name)) !== null) continue;
    const text = safeDecode(/** @type {string} */ (raw.get(name))).trim();
    const quoted = text.length > QUOTED_CHARACTERS ? `${text.slice(0, QUOTED_CHARACTERS)}…` : text;
    const [low, high] = [Number(input.min), Number(input.max)];
    if (/^\d+$/.test(text) && name !== "seed") {
      values[name] = Number(text) > high ? high : low;
      notes[name] = `The link asked for ${quoted}; the ${Number(text) > high ? `most is ${high}` : `fewest is ${low}`}.`;
    } else {
      const instead = name === "seed" ? "a new seed" : input.defaultValue ? `the default, ${input.defaultValue}` : "the difficulty's own";
      notes[name] = `The link's “${quoted}” is not a whole number from ${low} to ${high}; the sheet uses ${instead}.`;
    }
  }
  return { values, notes };
}

/**
 * Say beside a field what became of the value asked for — `link`: the value in the link the page
 * was opened with; `size`: a count too large to print — until the field is changed.
 * @param {string} name
 * @param {"link"|"size"} about
 * @param {string} message
 */
function noteBeside(name, about, message) {
  const input = /** @type {HTMLInputElement} */ (field(name));
  const note = paragraph("field-note", message);
  note.id = `${name}-${about}-note`;
  document.getElementById(note.id)?.remove();
  /** @type {HTMLElement} */ (input.closest(".range, .field")).append(note);
  const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== note.id);
  input.setAttribute("aria-describedby", [...described, note.id].join(" "));
  input.addEventListener("input", () => removeNote(name, about), { once: true });
}

/**
 * Take a note away from beside its field.
 * @param {string} name
 * @param {"link"|"size"} about
 */
function removeNote(name, about) {
  const id = `${name}-${about}-note`;
  document.getElementById(id)?.remove();
  const input = field(name);
  const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((other) => other && other !== id);
  if (described.length) input.setAttribute("aria-describedby", described.join(" "));
  else input.removeAttribute("aria-describedby");
}

const opened = readQuery(SCHEMA, location.search);
const corrected = linkCorrections(location.search);
const presetKinds = kindBoxes().filter((box) => box.defaultChecked).map((box) => box.value);
writeForm({ ...opened, ...corrected.values, kinds: opened.kinds ?? presetKinds, seed: opened.seed ?? newSeed() });
for (const [name, message] of Object.entries(corrected.notes)) noteBeside(name, "link", message);
update();
