/**
 * Text a learner typed, read as the numbers a request sends. The pages keep what was typed; a
 * cell that is not a plain number still goes to the API as it is (so the API checks every field
 * at once), but the browser knows what was typed and says precisely what is wrong with it: an
 * empty cell, a number too big for a float, or text.
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITE = /^[+-]?(inf|infinity|∞)$/i;
const SHOWN_LENGTH = 24;

/**
 * Text that could not be read as a number: sent to the API as the text it is, and remembered
 * with the reason, which `typedErrors` reports beside the field.
 */
export class Unreadable {
  /** @param {string} text what was typed @param {string} problem what is wrong, in words */
  constructor(text, problem) {
    this.text = text;
    this.problem = problem;
  }

  toJSON() {
    return this.text;
  }
}

/**
 * What was typed, quoted and cut short, for a message.
 * @param {string} text
 */
export function quoted(text) {
  const plain = text.trim();
  return `“${plain.length > SHOWN_LENGTH ? `${plain.slice(0, SHOWN_LENGTH - 1)}…` : plain}”`;
}

/**
 * A cell's text as a number when it is one (a typographic minus is accepted), else the text,
 * which the API then names as the culprit.
 * @param {string} text
 * @returns {number|string}
 */
export function cellValue(text) {
  const plain = text.trim().replace(/\u2212/g, "-");
  if (!NUMBER.test(plain)) return text;
  const value = Number(plain);
  return Number.isFinite(value) ? value : text;
}

/**
 * Why a cell's text is not a number, or null when it is one.
 * @param {string} text
 * @returns {string|null}
 */
export function cellProblem(text) {
  if (typeof cellValue(text) === "number") return null;
  const plain = text.trim().replace(/\u2212/g, "-");
  if (plain === "") return "the cell is empty";
  if (NUMBER.test(plain) || INFINITE.test(plain)) return `${quoted(text)} is not a finite number`;
  return `${quoted(text)} is not a number`;
}

/**
 * A cell's text as a number, or as an Unreadable that says why it is not one.
 * @param {string} text
 * @returns {number|Unreadable}
 */
export function readCell(text) {
  const value = cellValue(text);
  return typeof value === "number" ? value : new Unreadable(text, /** @type {string} */ (cellProblem(text)));
}

/**
 * `"2"` → 2, `"0.5, -1"` → [0.5, -1]; `""` (or no text at all) → undefined (the API's default).
 * @param {string|undefined} text
 * @returns {number|Unreadable|(number|Unreadable)[]|undefined}
 */
export function listValue(text) {
  if (text === undefined || text.trim() === "") return undefined;
  const items = text.split(",").map(readCell);
  return items.length === 1 ? items[0] : items;
}

/**
 * The forms a setting of whole numbers may be typed in, with examples, for the message that
 * refuses one.
 * @param {number[]} counts how many numbers it takes: [1, 2] or [1, 2, 4]
 */
function forms(counts) {
  const four = counts.includes(4);
  return `type one whole number${four ? ", two (rows, columns) or four (top, bottom, left, right)" : " or two (rows, columns)"}, e.g. 2 · 2,1 · 2 1 · [2, 1] · (2, 1)${four ? " · 1,1,2,2" : ""}`;
}

/**
 * A stride, padding, dilation or window size: `2`, `2,1`, `2 1`, `[2, 1]` or `(2, 1)`. Empty
 * text is undefined (the API's default); text that is not numbers in one of these forms is an
 * Unreadable that quotes it and names the forms.
 * @param {string|undefined} text
 * @param {number[]} [counts] how many numbers the setting takes: [1, 2], or [1, 2, 4] for padding
 * @returns {number|number[]|Unreadable|undefined}
 */
export function settingValue(text, counts = [1, 2]) {
  if (text === undefined || text.trim() === "") return undefined;
  const plain = text.trim();
  const bracketed = plain.match(/^\[(.*)\]$|^\((.*)\)$/s);
  const inner = (bracketed ? (bracketed[1] ?? bracketed[2]) : plain).trim();
  const items = inner === "" ? [] : inner.split(/\s*,\s*|\s+/).map(cellValue);
  if (!items.length || !items.every((item) => typeof item === "number"))
    return new Unreadable(text, `${quoted(text)} cannot be read: ${forms(counts)}`);
  return items.length === 1 ? /** @type {number} */ (items[0]) : /** @type {number[]} */ (items);
}

/**
 * Nested arrays of typed text as numbers (where they are numbers).
 * @param {any} block
 * @returns {any}
 */
export function numbers(block) {
  return Array.isArray(block) ? block.map(numbers) : readCell(block);
}

/**
 * `text` as a pair of whole numbers [h, w] when it is one number or two, else null.
 * @param {string|undefined} text
 * @param {[number, number]|null|undefined} fallback for empty text
 * @returns {[number, number]|null|undefined}
 */
export function pairValue(text, fallback) {
  const value = settingValue(text);
  if (value === undefined) return fallback;
  const items = Array.isArray(value) ? value : [value, value];
  return items.length === 2 && items.every(Number.isInteger) ? /** @type {[number, number]} */ (items) : null;
}

/**
 * Padding per side [top, bottom, left, right] from `p`, `p_h, p_w` or `top, bottom, left, right`;
 * empty text is no padding.
 * @param {string|undefined} text
 * @returns {[number, number, number, number]|null}
 */
export function sidesValue(text) {
  const value = settingValue(text, [1, 2, 4]) ?? 0;
  const items = Array.isArray(value) ? value : [value];
  if (!items.every(Number.isInteger)) return null;
  if (items.length === 1) return [items[0], items[0], items[0], items[0]];
  if (items.length === 2) return [items[0], items[0], items[1], items[1]];
  if (items.length === 4) return /** @type {[number, number, number, number]} */ (items);
  return null;
}

/** The API's words for a place in an array of 1 to 4 dimensions. */
const PLACES = [[], ["element"], ["row", "column"], ["channel", "row", "column"], ["kernel", "channel", "row", "column"]];

/**
 * Messages for everything in a request body that was typed but could not be read, one per
 * field, worded like the API's (`input: channel 2, row 1, column 3: the cell is empty`).
 * Fields inside lists of objects are named as the API names them (`layers[0].kernel`).
 * @param {Record<string, any>} body
 * @returns {import("./api.js").FieldError[]}
 */
export function typedErrors(body) {
  /** @type {Map<string, string>} */
  const found = new Map();
  const visit = (value, field, indices) => {
    if (found.has(field)) return;
    const problem = value instanceof Unreadable ? value.problem : typeof value === "string" && indices.length ? cellProblem(value) : null;
    if (problem) {
      const names = PLACES[indices.length] ?? [];
      const place = indices.map((i, k) => `${names[k] ?? "index"} ${i + 1}`).join(", ");
      found.set(field, `${field}: ${place ? `${place}: ` : ""}${problem}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => (isRecord(item) ? visit(item, `${field}[${i}]`, []) : visit(item, field, [...indices, i])));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, field ? `${field}.${key}` : key, []);
    }
  };
  visit(body, "", []);
  return [...found].map(([field, msg]) => ({ field, msg }));
}

/** @param {unknown} value */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unreadable);
}
