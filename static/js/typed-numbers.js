/**
 * Text a learner typed, read as the numbers a request sends. The pages keep what was typed; a
 * cell that is not a plain number goes to the API as it is, so the API names what is wrong with it.
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

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
 * `"2"` → 2, `"2,1"` → [2, 1]; `""` (or no text at all) → undefined (the API's default).
 * @param {string|undefined} text
 * @returns {number|string|(number|string)[]|undefined}
 */
export function listValue(text) {
  if (text === undefined || text.trim() === "") return undefined;
  const items = text.split(",").map(cellValue);
  return items.length === 1 ? items[0] : items;
}

/**
 * Nested arrays of typed text as numbers (where they are numbers).
 * @param {any} block
 * @returns {any}
 */
export function numbers(block) {
  return Array.isArray(block) ? block.map(numbers) : cellValue(block);
}

/**
 * `text` as a pair of whole numbers [h, w] when it is one number or two, else null.
 * @param {string|undefined} text
 * @param {[number, number]|null} fallback for empty text
 * @returns {[number, number]|null}
 */
export function pairValue(text, fallback) {
  const value = listValue(text);
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
  const value = listValue(text) ?? 0;
  const items = Array.isArray(value) ? value : [value];
  if (!items.every(Number.isInteger)) return null;
  if (items.length === 1) return [items[0], items[0], items[0], items[0]];
  if (items.length === 2) return [items[0], items[0], items[1], items[1]];
  if (items.length === 4) return /** @type {[number, number, number, number]} */ (items);
  return null;
}
