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
