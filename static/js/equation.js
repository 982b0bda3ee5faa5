/**
 * Equations as native MathML, built node by node (never from markup), so a screen reader reads
 * real mathematics. A page describes an equation as lines of tokens; this module draws them.
 *
 * Tokens:
 * - `{sym: {name, sub?, sup?, grad?}}` a symbol such as I₁₁; `grad` writes ∂L/∂name_sub. A cell's
 *   subscript is its list of 1-based indices, `sub: [1, 1]`: each index is a number of its own, so
 *   I₁₁ reads "I sub 1 1" (row 1, column 1), not "I sub 11"
 * - `{num: x, paren?}` a number, rounded for display; `paren` wraps a negative one in parentheses
 * - `{frac: [tokens, tokens]}` a fraction
 * - `{text: "..."}` words inside the equation
 * - any string: an operator such as "+", "−", "·", "=", "(", ")", "…", "⌊", "⌋"
 */

import { alignLatex, latexButton } from "./latex.js";
import { formatNumber, subscriptText } from "./number-format.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

/**
 * @typedef {{name: string, sub?: string | number[], sup?: string, grad?: boolean}} SymbolSpec
 *   `sub`: a letter, a word or one number as text, or a cell's 1-based indices
 * @typedef {string | {sym: SymbolSpec} | {num: number, paren?: boolean} | {frac: [Token[], Token[]]} | {text: string}} Token
 */

/**
 * A MathML element with children (nodes or text).
 * @param {string} tag
 * @param {...(Node|string)} children
 * @returns {Element}
 */
export function mathElement(tag, ...children) {
  const element = document.createElementNS(MATHML, tag);
  element.append(...children);
  return element;
}

/**
 * The subscript of a symbol. A cell's indices are separate numbers between invisible separators
 * (U+2063), or between the commas the page shows once an index has two digits (I₁₀,₃). Neither
 * separator adds space (a comma operator would get a thin space after it), so the indices sit where
 * one number's digits did; only a font's kerning between two digits, such as "11", no longer applies.
 * @param {string | number[]} sub
 * @returns {Element}
 */
function subscriptNode(sub) {
  if (typeof sub === "string") return mathElement(/^\d+$/.test(sub) ? "mn" : "mi", sub);
  const separator = subscriptText(sub).includes(",") ? "," : "\u2063";
  const parts = sub.flatMap((index, k) => {
    const number = mathElement("mn", String(index));
    if (!k) return [number];
    const mark = mathElement("mo", separator);
    mark.setAttribute("lspace", "0");
    mark.setAttribute("rspace", "0");
    return [mark, number];
  });
  return parts.length === 1 ? parts[0] : mathElement("mrow", ...parts);
}

/** @param {SymbolSpec} spec @returns {Element} */
export function symbolNode({ name, sub, sup, grad }) {
  const base = mathElement("mi", name);
  const subNode = sub ? subscriptNode(sub) : null;
  const supNode = sup ? mathElement(sup.length === 1 ? "mo" : "mtext", sup) : null;
  let node = base;
  if (subNode && supNode) node = mathElement("msubsup", base, subNode, supNode);
  else if (subNode) node = mathElement("msub", base, subNode);
  else if (supNode) node = mathElement("msup", base, supNode);
  if (!grad) return node;
  return mathElement(
    "mfrac",
    mathElement("mrow", mathElement("mo", "∂"), mathElement("mi", "L")),
    mathElement("mrow", mathElement("mo", "∂"), node),
  );
}

/** @param {Token} token @returns {Element} */
function tokenNode(token) {
  if (typeof token === "string") return mathElement("mo", token);
  if ("sym" in token) return symbolNode(token.sym);
  if ("num" in token) {
    const number = mathElement("mn", formatNumber(token.num));
    if (!(token.paren && token.num < 0)) return number;
    return mathElement("mrow", mathElement("mo", "("), number, mathElement("mo", ")"));
  }
  if ("frac" in token) return mathElement("mfrac", row(token.frac[0]), row(token.frac[1]));
  return mathElement("mtext", token.text);
}

/** @param {Token[]} tokens @returns {Element} */
function row(tokens) {
  return mathElement("mrow", ...tokens.map(tokenNode));
}

/**
 * A `<math>` in display style for one line of tokens. It is inline, so it starts at the left
 * like the text around it; put it in a block of its own.
 * @param {Token[]} tokens
 * @returns {Element}
 */
export function mathLine(tokens) {
  const math = mathElement("math", row(tokens));
  math.setAttribute("displaystyle", "true");
  return math;
}

/**
 * An equation over several lines (symbols, then numbers, then the result), aligned on the
 * first "=" of each line as in a textbook derivation, with a "TeX" button that copies it as an
 * `align*` block.
 * @param {Token[][]} lines
 * @param {string} [className]
 * @returns {HTMLDivElement}
 */
export function equationBlock(lines, className = "equation") {
  const table = mathElement(
    "mtable",
    ...lines.map((tokens) => {
      const at = Math.max(0, tokens.indexOf("="));
      const left = mathElement("mtd", row(tokens.slice(0, at)));
      const right = mathElement("mtd", row(tokens.slice(at)));
      left.classList.add("lhs");
      right.classList.add("rhs");
      for (const cell of [left, right]) cell.setAttribute("displaystyle", "true");
      return mathElement("mtr", left, right);
    }),
  );
  const math = mathElement("math", table);
  math.setAttribute("displaystyle", "true");
  const block = document.createElement("div");
  block.className = className;
  block.append(math, latexButton("the equation", () => alignLatex(lines)));
  return block;
}

/**
 * `a·b + c·d + …` as tokens, with at most `limit` products: the first ones, "…", then the last.
 * @param {[Token, Token][]} products
 * @param {number} [limit]
 * @returns {Token[]}
 */
export function sumOfProducts(products, limit = Infinity) {
  const shown =
    products.length <= limit
      ? products
      : [...products.slice(0, Math.max(1, limit - 2)), null, ...products.slice(products.length - 1)];
  return shown.flatMap((pair, i) => [...(i ? ["+"] : []), ...(pair ? [pair[0], "·", pair[1]] : ["…"])]);
}
