/**
 * What the pages drawn in stages share: the stage sections with their equation panels, which
 * of them the timeline has reached, pointing at a cell, and lighting up the cells an equation
 * names. Only DOM building lives here, never a number of its own.
 */

import { bringIntoView, element, paragraph, span } from "../dom.js";
import { equationBlock, symbolNode } from "../equation.js";
import { subscriptText } from "../number-format.js";

/** @param {number} n @returns {number[]} 0 … n − 1 */
export const range = (n) => Array.from({ length: n }, (_, i) => i);

/**
 * A `<math>` holding one symbol, for captions.
 * @param {import("../equation.js").SymbolSpec} spec
 * @returns {Element}
 */
export function symbolMath(spec) {
  const math = document.createElementNS("http://www.w3.org/1998/Math/MathML", "math");
  math.append(symbolNode(spec));
  return math;
}

const SUBSCRIPTS = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉", ",": "," };
const SUPERSCRIPTS = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹", "(": "⁽", ")": "⁾", ",": "˒" };

/**
 * A symbol as plain text with Unicode sub- and superscripts, e.g. `∂L/∂I₂₁` or `O⁽²⁾₁₁`.
 * @param {import("../equation.js").SymbolSpec} spec
 * @returns {string}
 */
export function symbolPlain({ name, sub, sup, grad }) {
  const map = (text, table) => [...(text ?? "")].map((ch) => table[ch] ?? ch).join("");
  return `${grad ? "∂L/∂" : ""}${name}${map(sup, SUPERSCRIPTS)}${map(sub && subscriptText(sub), SUBSCRIPTS)}`;
}

/**
 * The subscript of cell (r, c): its 1-based indices, written `21`, or `10,3` once a number has
 * two digits, and read as two numbers.
 * @param {number} r 0-based
 * @param {number} c 0-based
 * @returns {number[]}
 */
export function subscript(r, c) {
  return [r + 1, c + 1];
}

/**
 * @typedef {[string, number[]]} CellRef a field and a canonical index
 *
 * @typedef {object} StageView
 * @property {HTMLElement} section
 * @property {HTMLElement} body lead text, notes and legends go here
 * @property {HTMLElement} grids rows of grids
 * @property {HTMLElement} panel where the equation of the cell in focus goes
 * @property {Map<string, HTMLElement[]>} cells every drawn copy of a cell, by `cellKey`
 * @property {{view: import("../matrix-view.js").MatrixView, field: string, phase: number, channel: number}[]} views
 *   grids, with the part of the stage they belong to and their channel
 * @property {HTMLElement[]} lit cells currently highlighted
 */

/**
 * The key of one cell: field and canonical index.
 * @param {string} field
 * @param {number[]} index
 */
export function cellKey(field, index) {
  return `${field}:${index.join(",")}`;
}

/**
 * An empty stage: a numbered heading that cites the chapter, a body, and an equation panel.
 * @param {number} stage 0-based
 * @param {string} title
 * @param {string} cite
 * @returns {StageView}
 */
export function stageSection(stage, title, cite) {
  const section = element("section", "stage");
  section.dataset.stage = String(stage);
  const heading = element("h2", "", span("stage-number", String(stage + 1)), ` ${title} `, span("cite", cite));
  heading.id = `stage-${stage + 1}`;
  section.setAttribute("aria-labelledby", heading.id);
  const panel = element("div", "equation-panel");
  panel.setAttribute("aria-live", "polite");
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", `Equation, stage ${stage + 1}`);
  panel.tabIndex = 0; // long equations scroll sideways, also by keyboard
  const body = element("div", "stage-body");
  const grids = element("div", "stage-grids");
  section.append(heading, body);
  return { section, body, grids, panel, cells: new Map(), views: [], lit: [] };
}

/**
 * Mark a stage done, current or future against the stage the timeline is at. What the timeline
 * has not reached yet is dimmed and inert: not computed yet, not to be used.
 * @param {HTMLElement} section
 * @param {number} stage
 * @param {number} at the timeline's stage
 * @returns {"done"|"current"|"future"}
 */
export function markStage(section, stage, at) {
  const state = at > stage ? "done" : at === stage ? "current" : "future";
  section.dataset.state = state;
  section.inert = state === "future";
  return state;
}

/**
 * Dock a stage's equation panel at the bottom edge of the window while the stage is taller than
 * the window, so the equation of the cell pointed at (or the timeline's) is in view however far
 * down the stage's grids go; a stage that fits keeps its panel after its grids. Called whenever
 * the stage is drawn: pointing happens on screen, where the stage's height is its real one.
 * @param {{section: HTMLElement, panel: HTMLElement}} view
 */
export function dockPanel({ section, panel }) {
  panel.classList.toggle("is-docked", section.getBoundingClientRect().height > innerHeight);
}

/**
 * What pointing at a cell does: the page remembers it and draws its stage again; leaving the
 * stage forgets it.
 * @param {{pointed: {stage: number}|null}} page
 * @param {(stage: number) => void} drawStage
 */
export function pointing(page, drawStage) {
  return {
    /** @param {number} stage @param {string} field @param {number[]} index @param {number} [group] */
    onPoint: (stage, field, index, group) => {
      page.pointed = { stage, field, index, group };
      drawStage(stage);
    },
    /** @param {number} stage */
    onLeave: (stage) => {
      if (page.pointed?.stage !== stage) return;
      page.pointed = null;
      drawStage(stage);
    },
  };
}

/**
 * Bring a step's cell into view, or its stage when it has none, while the timeline is driven.
 * @param {StageView[]} stages
 * @param {{stage: number, focus: CellRef|null}} step
 */
export function scrollToStep(stages, step) {
  const view = stages[step.stage];
  if (!view) return;
  bringIntoView((step.focus && view.cells.get(cellKey(...step.focus))?.[0]) || view.section, { block: "center", inline: "nearest" });
}

/**
 * Close a stage once its content is in: the grids, then the equation panel.
 * @param {StageView} view
 */
export function finishStage(view) {
  view.body.append(view.grids, view.panel);
}

/**
 * Remember a drawn cell under its key, so steps and pointers can light it up.
 * @param {StageView} view
 * @param {string} key
 * @param {HTMLElement} td
 */
export function addCell(view, key, td) {
  const list = view.cells.get(key);
  if (list) list.push(td);
  else view.cells.set(key, [td]);
}

/**
 * A row of grids and operators that wraps between terms on a narrow screen.
 * @param {...(Node|string)} parts grids, operator strings, or arrows
 * @returns {HTMLElement}
 */
export function gridRow(...parts) {
  const row = element("div", "grid-row");
  let term = null;
  for (const part of parts) {
    const operator = typeof part === "string" || /** @type {Element} */ (part).classList.contains("op");
    if (!term || operator) {
      term = span("term");
      row.append(term);
    }
    term.append(typeof part === "string" ? span("op", part) : part);
  }
  return row;
}

/**
 * An arrow with words under it, e.g. "→ max 2×2 →".
 * @param {string} words
 */
export function arrow(words) {
  return span("op op-arrow", "→", span("op-words", words));
}

/**
 * Legend entries: a sample cell drawn as the class draws it, and what the class means.
 * @param {...[string, string, string?]} entries class, words, and the text of the sample cell
 */
export function legend(...entries) {
  const list = element("ul", "legend");
  for (const [className, words, sample = ""] of entries) {
    const swatch = span(`swatch ${className}`, sample);
    swatch.setAttribute("aria-hidden", "true");
    list.append(element("li", "", swatch, words));
  }
  return list;
}

/**
 * Light up cells of a stage by class, clearing what was lit before.
 * @param {StageView} view
 * @param {[string, CellRef[]][]} marks class and the cells that get it, in drawing order
 */
export function light(view, marks) {
  for (const td of view.lit) td.classList.remove("is-focus", "is-source", "is-window", "is-target");
  view.lit = [];
  for (const [className, refs] of marks) {
    for (const [field, index] of refs) {
      for (const td of view.cells.get(cellKey(field, index)) ?? []) {
        td.classList.add(className);
        view.lit.push(td);
      }
    }
  }
}

/**
 * @typedef {object} Explanation
 * @property {string} title plain text naming the cell
 * @property {import("../equation.js").Token[][]} lines the equation, one line per row
 * @property {string} note one or two sentences in words
 * @property {string} cite where the chapter shows it
 * @property {CellRef[]} sources cells the value came from (or goes to)
 * @property {CellRef[]} window the window around them, when there is one
 */

/**
 * Put an explanation in an equation panel.
 * @param {HTMLElement} panel
 * @param {Explanation} explanation
 */
export function renderExplanation(panel, explanation) {
  const heading = paragraph("equation-title", explanation.title);
  if (explanation.cite) heading.append(" ", span("cite", explanation.cite));
  const parts = [heading, equationBlock(explanation.lines)];
  if (explanation.note) parts.push(paragraph("equation-note", explanation.note));
  panel.replaceChildren(...parts);
}
