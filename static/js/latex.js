/**
 * LaTeX for slides and handouts: a matrix as a `bmatrix`, an equation as an `align*` block with
 * its numbers (a vector in it, the RNN's hᵗ = [0.5, −0.2], as a column `bmatrix`), and the small
 * "TeX" button that puts either on the clipboard.
 *
 * Numbers keep their full float64 precision (the shortest text that reads back as the same
 * number), so a whole number is written without ".0" and a short decimal as it is. The symbols
 * of the equation module's tokens (I₁₁, ∂L/∂F₁₂, F¹⁸⁰₂₁, ỹ³) become their LaTeX spelling.
 */

import { fullNumber, subscriptText } from "./number-format.js";

/**
 * @typedef {import("./equation.js").Token} Token
 * @typedef {import("./equation.js").SymbolSpec} SymbolSpec
 */

/** Single characters and their LaTeX; a command is followed by a space where a letter may come next. */
const CHARACTERS = {
  "α": "\\alpha ", "β": "\\beta ", "γ": "\\gamma ", "δ": "\\delta ", "ε": "\\varepsilon ", "η": "\\eta ",
  "θ": "\\theta ", "λ": "\\lambda ", "μ": "\\mu ", "ρ": "\\rho ", "σ": "\\sigma ", "τ": "\\tau ",
  "φ": "\\varphi ", "ω": "\\omega ", "Δ": "\\Delta ", "Σ": "\\Sigma ", "∂": "\\partial ",
  "·": "\\cdot ", "−": "-", "×": "\\times ", "÷": "\\div ", "…": "\\dots ", "⌊": "\\lfloor ", "⌋": "\\rfloor ",
  "∑": "\\sum ", "⊙": "\\odot ", "‖": "\\| ", "⋆": "\\star ", "∗": "\\ast ", "→": "\\to ", "←": "\\leftarrow ",
  "≈": "\\approx ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "∞": "\\infty ", "↑": "\\uparrow ",
  "°": "^\\circ ", "′": "'", "{": "\\{", "}": "\\}", "%": "\\%", "#": "\\#", "&": "\\&", "_": "\\_",
  "—": "\\text{---}", "ŷ": "\\hat{y}", "ỹ": "\\tilde{y}",
};
const SUPERSCRIPTS = { "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁽": "(", "⁾": ")", "⁻": "-", "⁺": "+", "ᵀ": "T", "ᵗ": "t" };
const SUBSCRIPTS = { "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9", "ₜ": "t" };
/** Accents written as a combining mark after their letter (F̂, G̃). */
const ACCENTS = { "\u0302": "\\hat", "\u0303": "\\tilde" };
/** Words LaTeX has an upright operator for. */
const OPERATORS = new Set(["max", "min", "exp", "log", "tanh", "sin", "cos", "sup"]);

/**
 * A number as LaTeX: full precision, whole numbers without ".0", `1.5\times 10^{-7}` for an exponent.
 * @param {number} x
 * @returns {string}
 */
function latexNumber(x) {
  if (x === null) return "?"; // a number the page withholds (a quiz) stays unknown on the slide too
  if (Number.isNaN(x)) return "\\text{NaN}";
  if (!Number.isFinite(x)) return x < 0 ? "-\\infty" : "\\infty";
  const [mantissa, exponent] = fullNumber(x).split("e");
  return exponent === undefined ? mantissa : `${mantissa}\\times 10^{${Number(exponent)}}`;
}

/**
 * Text from a symbol or an operator (letters, digits, Greek, sub- and superscript digits,
 * combining accents) as LaTeX math.
 * @param {string} text
 * @returns {string}
 */
function latexMath(text) {
  let out = "";
  const chars = [...text];
  for (let k = 0; k < chars.length; k += 1) {
    const ch = chars[k];
    const word = /^[A-Za-z]{2,}/.exec(chars.slice(k).join(""));
    if (word) {
      out += OPERATORS.has(word[0]) ? `\\${word[0]} ` : `\\operatorname{${word[0]}}`;
      k += word[0].length - 1;
    } else if (ACCENTS[chars[k + 1]]) {
      out += `${ACCENTS[chars[k + 1]]}{${latexMath(ch)}}`;
      k += 1;
    } else if (SUPERSCRIPTS[ch] || SUBSCRIPTS[ch]) {
      const table = SUPERSCRIPTS[ch] ? SUPERSCRIPTS : SUBSCRIPTS;
      let run = "";
      for (; k < chars.length && table[chars[k]]; k += 1) run += table[chars[k]];
      k -= 1;
      out += `${table === SUPERSCRIPTS ? "^" : "_"}{${run}}`;
    } else {
      out += CHARACTERS[ch] ?? ch;
    }
  }
  return out.trimEnd();
}

/**
 * A symbol such as F¹⁸⁰₂₁ or ∂L/∂O₁₂ in LaTeX: `F^{180^\circ}_{21}`, `\frac{\partial L}{\partial O_{12}}`.
 * @param {SymbolSpec} spec
 * @returns {string}
 */
function latexSymbol({ name, sub, sup, grad }) {
  let symbol = latexMath(name);
  if (/\\operatorname|\s/.test(symbol) && (sub || sup)) symbol = `{${symbol}}`;
  if (sub) symbol += `_{${latexMath(subscriptText(sub))}}`;
  if (sup === "′") symbol += "'";
  else if (sup) symbol += `^{${latexMath(sup)}}`;
  return grad ? `\\frac{\\partial L}{\\partial ${symbol}}` : symbol;
}

/** @param {string} text @returns {string} words as upright text, LaTeX's special characters escaped */
function latexText(text) {
  if (OPERATORS.has(text)) return `\\${text}`;
  if ([...text].every((ch) => SUPERSCRIPTS[ch] || SUBSCRIPTS[ch] || CHARACTERS[ch])) return latexMath(text);
  const escaped = text.replace(/[\\{}$&#^_%~]/g, (ch) => (ch === "\\" ? "\\textbackslash{}" : ch === "~" ? "\\textasciitilde{}" : ch === "^" ? "\\textasciicircum{}" : `\\${ch}`));
  return `\\text{${escaped}}`;
}

/**
 * One token of the equation module as LaTeX.
 * @param {Token} token
 * @returns {string}
 */
function latexToken(token) {
  if (typeof token === "string") return latexMath(token);
  if ("sym" in token) return latexSymbol(token.sym);
  if ("num" in token) {
    const number = latexNumber(token.num);
    return token.paren && token.num < 0 ? `(${number})` : number;
  }
  if ("frac" in token) return `\\frac{${latexRow(token.frac[0])}}{${latexRow(token.frac[1])}}`;
  return latexText(token.text);
}

/**
 * Where a vector written as "[", numbers between ",", "]" (the RNN's aᵗ, hᵗ …) ends, or -1.
 * "…" may stand for entries left out.
 * @param {Token[]} tokens
 * @param {number} start the index of a "["
 */
function vectorEnd(tokens, start) {
  for (let k = start + 1; k < tokens.length; k += 2) {
    const entry = tokens[k];
    if (!(entry === "…" || (typeof entry === "object" && "num" in entry))) return -1;
    if (tokens[k + 1] === "]") return k + 1;
    if (tokens[k + 1] !== ",") return -1;
  }
  return -1;
}

/**
 * A vector's entries as a column `bmatrix`, as the chapter writes hᵗ, aᵗ and their gradients.
 * @param {Token[]} entries numbers, and "…" for entries left out
 */
function columnLatex(entries) {
  const rows = entries.map((entry) => (typeof entry === "object" && "num" in entry ? latexNumber(entry.num) : "\\vdots"));
  return `\\begin{bmatrix} ${rows.join(" \\\\ ")} \\end{bmatrix}`;
}

/**
 * A row of tokens as LaTeX, one space between tokens; a vector of numbers becomes a column `bmatrix`.
 * @param {Token[]} tokens
 * @returns {string}
 */
function latexRow(tokens) {
  const parts = [];
  for (let k = 0; k < tokens.length; k += 1) {
    const end = tokens[k] === "[" ? vectorEnd(tokens, k) : -1;
    if (end < 0) {
      parts.push(latexToken(tokens[k]));
      continue;
    }
    parts.push(columnLatex(tokens.slice(k + 1, end).filter((token) => token !== ",")));
    k = end;
  }
  return parts.join(" ");
}

/**
 * An equation over several lines as an `align*` block, aligned on each line's first "=" as the
 * page draws it; a line without "=" continues the one above.
 * @param {Token[][]} lines
 * @returns {string}
 */
export function alignLatex(lines) {
  const rows = lines.map((tokens) => {
    const at = tokens.indexOf("=");
    if (at < 0) return `&\\quad ${latexRow(tokens)}`;
    const left = latexRow(tokens.slice(0, at));
    return `${left}${left ? " " : ""}&${latexRow(tokens.slice(at))}`;
  });
  return `\\begin{align*}\n${rows.join(" \\\\\n")}\n\\end{align*}`;
}

/**
 * A matrix (rows of numbers) as a `bmatrix`; `null` cells (withheld) are written `?`.
 * @param {(number|null)[][]} rows
 * @returns {string}
 */
export function bmatrixLatex(rows) {
  const body = rows.map((row) => row.map(latexNumber).join(" & ")).join(" \\\\\n");
  return `\\begin{bmatrix}\n${body}\n\\end{bmatrix}`;
}

/** @type {HTMLElement|null} */
let toast = null;
/** @type {number|undefined} */
let toastTimer;

/**
 * Say something briefly in a status line at the bottom of the window (read out by screen readers).
 * @param {string} message
 */
function announce(message) {
  if (!toast) {
    toast = document.createElement("p");
    toast.className = "latex-toast";
    toast.setAttribute("role", "status");
    document.body.append(toast);
  }
  toast.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    if (toast) toast.textContent = "";
  }, 2500);
}

/**
 * A small "TeX" button that copies `latex()` to the clipboard and says so.
 * @param {string} what what is copied, for its accessible name and the confirmation ("the output O")
 * @param {() => string} latex computed when the button is pressed
 * @returns {HTMLButtonElement}
 */
export function latexButton(what, latex) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "latex-copy";
  button.textContent = "TeX";
  button.title = `Copy ${what} as LaTeX`;
  button.setAttribute("aria-label", `Copy ${what} as LaTeX`);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(latex());
      announce(`Copied ${what} as LaTeX.`);
    } catch {
      announce("This browser did not let the page use the clipboard.");
    }
  });
  return button;
}
