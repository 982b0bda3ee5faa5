/**
 * How numbers read on screen. Cells keep the full float64 in `data-value`; their text may round.
 */

const MINUS = "\u2212";

/**
 * Short display text: whole numbers as they are, others to four significant digits,
 * very large or small ones in scientific notation, infinities as ∞; a true minus sign.
 * @param {number} x
 * @returns {string}
 */
export function formatNumber(x) {
  if (x === 0) return "0"; // also −0
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x < 0 ? `${MINUS}∞` : "∞";
  const abs = Math.abs(x);
  let text;
  if (Number.isInteger(x) && abs < 1e9) text = String(abs);
  else if (abs >= 1e6 || abs < 1e-3) text = abs.toExponential(2).replace(/\.?0+e/, "e");
  else text = String(Number(abs.toPrecision(4)));
  return x < 0 ? MINUS + text : text;
}

/**
 * The full-precision text of a float64: the shortest string that reads back as the same number.
 * @param {number} x
 * @returns {string}
 */
export function fullNumber(x) {
  return Object.is(x, -0) ? "0" : String(x);
}

/**
 * A subscript as the page writes it: a word or a single number as it is; a cell's 1-based
 * indices side by side, `12` for row 1, column 2, or with a comma once one of them has two
 * digits, `10,3`, so that the reader can tell where one index ends.
 * @param {string | number[]} sub
 * @returns {string}
 */
export function subscriptText(sub) {
  if (typeof sub === "string") return sub;
  return sub.join(sub.some((i) => String(i).length > 1) ? "," : "");
}
