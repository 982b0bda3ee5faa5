/**
 * The worksheet drawn from its exercises: each exercise with its numbers as matrices, what to
 * compute and a blank grid for each result; then the answer key with the results in full and,
 * under each, the equations of a few cells that show every case. Only this module touches the
 * sheet's DOM.
 */

import { element, paragraph, span } from "../dom.js";
import { equationBlock, mathLine } from "../equation.js";
import { MatrixView } from "../matrix-view.js";
import { explorerLink, KINDS } from "./worksheet-kinds.js";

/**
 * @typedef {import("../equation.js").SymbolSpec} SymbolSpec
 * @typedef {import("./worksheet-kinds.js").Named} Named
 * @typedef {{index: number, endpoint: string, problem: Record<string, any>, asks: string[], answers: Record<string, any>}} Exercise
 * @typedef {{number: number, kind: string, exercise: Exercise, layer: {ok: boolean, data?: any}}} Entry
 *   an exercise, its place on the sheet (1-based) and the layer endpoint's answer to its problem
 * @typedef {{rows: any[][], prefix: number[], index: (r: number, c: number) => number[]}} Slice
 */

/**
 * The 2-D grids a nested array is drawn as: one per channel (and kernel); a vector is one row
 * and a single number a 1×1 grid. `index` gives a cell's index in the array as the API nests it.
 * @param {any} value
 * @returns {Slice[]}
 */
function slices(value) {
  if (!Array.isArray(value)) return [{ rows: [[value]], prefix: [], index: () => [] }];
  if (!Array.isArray(value[0])) return [{ rows: [value], prefix: [], index: (_, c) => [c] }];
  if (!Array.isArray(value[0][0])) return [{ rows: value, prefix: [], index: (r, c) => [r, c] }];
  return value.flatMap((item, i) =>
    slices(item).map((slice) => ({ ...slice, prefix: [i, ...slice.prefix], index: (r, c) => [i, ...slice.index(r, c)] })),
  );
}

/** A symbol as plain text: ∂L/∂I, h³ … @param {SymbolSpec} spec */
function plainSymbol({ name, sup, grad }) {
  const SUPERSCRIPT = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  const power = sup ? [...sup].map((ch) => SUPERSCRIPT[ch] ?? ch).join("") : "";
  return `${grad ? "∂L/∂" : ""}${name}${power}`;
}

/**
 * Caption and accessible name of one grid of a named array: "I⁽²⁾ input, channel 2".
 * @param {Named} named
 * @param {number[]} prefix the grid's channel (and kernel), 0-based
 */
function naming({ symbol, words }, prefix) {
  const sup = prefix.length ? `(${prefix.map((i) => i + 1).join(",")})` : symbol.sup;
  const where = prefix.length === 2 ? `, kernel ${prefix[0] + 1}, channel ${prefix[1] + 1}` : prefix.length ? `, channel ${prefix[0] + 1}` : "";
  const label = `${plainSymbol(symbol)} ${words}${where}`;
  const caption = span("", mathLine([{ sym: { ...symbol, sup } }]), ` ${words}`);
  return { label, caption };
}

/**
 * Grids of numbers for a named array, each with `data-matrix` and full-precision `data-value`s.
 * @param {string} field
 * @param {Named} named
 * @param {any} value
 * @returns {HTMLElement[]}
 */
function numberGrids(field, named, value) {
  return slices(value).map((slice) => {
    const { label, caption } = naming(named, slice.prefix);
    return new MatrixView({ field, values: slice.rows, apiIndex: slice.index, label, caption }).element;
  });
}

/**
 * Empty grids the shape of `value`, to compute by hand.
 * @param {Named} named
 * @param {any} value the answer, for its shape
 * @returns {HTMLElement[]}
 */
function blankGrids(named, value) {
  return slices(value).map((slice) => {
    const { caption } = naming(named, slice.prefix);
    const [rows, cols] = [slice.rows.length, slice.rows[0].length];
    caption.append(span("visually-hidden", `: an empty ${rows} × ${cols} grid to fill in`));
    const figure = element("figure", "matrix blank", element("figcaption", "", caption));
    const table = element("table", "");
    table.setAttribute("role", "presentation");
    table.append(...slice.rows.map((row) => element("tr", "", ...row.map(() => element("td", "")))));
    figure.append(table);
    return figure;
  });
}

/**
 * The task in words: paragraphs of words and math, with any equations set apart between them.
 * @param {import("./worksheet-kinds.js").TaskPart[]} parts
 */
function taskText(parts) {
  const task = element("div", "task");
  let words = null;
  for (const part of parts) {
    if (typeof part === "object" && "lines" in part) {
      task.append(equationBlock(part.lines, "equation task-equations"));
      words = null;
      continue;
    }
    if (words) words.append(" ");
    else task.append((words = paragraph("")));
    words.append(typeof part === "string" ? part : mathLine(part));
  }
  return task;
}

/**
 * One exercise: its numbers, the task, and a blank grid for each result.
 * @param {Entry} entry
 * @returns {HTMLElement}
 */
function exerciseSection({ number, kind, exercise }) {
  const spec = KINDS[kind];
  const section = element("section", "exercise");
  section.dataset.exercise = String(number);
  section.dataset.kind = kind;
  const heading = element("h3", "", `Exercise ${number}`, span("kind-name", ` · ${spec.title}`));
  heading.id = `exercise-${number}`;
  section.setAttribute("aria-labelledby", heading.id);
  const link = element("a", "explorer-link", "Open in the explorer");
  link.href = explorerLink(kind, exercise.problem);
  link.setAttribute("aria-label", `Open exercise ${number} in the ${spec.title.toLowerCase()} explorer`);
  section.append(
    element("div", "exercise-head", heading, link),
    taskText(spec.task(exercise.problem)),
    element("div", "grid-row given", ...spec.given(exercise.problem).flatMap((given) => numberGrids(given.field, given, given.value))),
    paragraph("compute-title", "Your answers:"),
    element("div", "grid-row blanks", ...exercise.asks.flatMap((ask) => blankGrids(spec.result(ask), exercise.answers[ask]))),
  );
  return section;
}

/**
 * The key of one exercise: the results, then the equations of every number under each heading.
 * @param {Entry} entry
 * @returns {HTMLElement}
 */
function keySection({ number, kind, exercise, layer }) {
  const spec = KINDS[kind];
  const section = element("section", "key");
  section.dataset.key = String(number);
  const heading = element("h3", "", `Exercise ${number}`, span("kind-name", ` · ${spec.title}`));
  heading.id = `key-${number}`;
  section.setAttribute("aria-labelledby", heading.id);
  section.append(
    heading,
    element("div", "grid-row answers", ...exercise.asks.flatMap((ask) => numberGrids(ask, spec.result(ask), exercise.answers[ask]))),
  );
  if (!layer.ok) {
    section.append(paragraph("note warn", "The equations could not be fetched; the answers above are complete."));
    return section;
  }
  for (const part of spec.key(exercise.problem, layer.data, exercise.asks)) {
    const title =
      typeof part.title === "string" ? [part.title] : [mathLine([{ sym: part.title.symbol }]), ` ${part.title.words}`];
    section.append(
      element("h4", "", ...title, " ", span("cite", part.cite)),
      element("div", "key-equations", ...part.equations.map((lines) => equationBlock(lines, "equation key-equation"))),
    );
    if (part.more) {
      const cells = part.more === 1 ? "cell follows" : `${part.more} cells follow`;
      section.append(paragraph("key-more", `The other ${cells} the same pattern; every number is in the answers above.`));
    }
  }
  return section;
}

/** The width, in em of its own font, that a column of the printed key holds (two columns to a page). */
const COLUMN_EM = 21;

/**
 * Let an equation too wide for a printed column (a max over a 3×3 window, say) take the whole width.
 * @param {HTMLElement} keys
 */
function widenLongEquations(keys) {
  const maths = /** @type {HTMLElement[]} */ ([...keys.querySelectorAll(".key-equation > math")]);
  if (!maths.length) return;
  const em = parseFloat(getComputedStyle(maths[0]).fontSize);
  const wide = maths.filter((math) => math.scrollWidth / em > COLUMN_EM);
  for (const math of wide) /** @type {HTMLElement} */ (math.parentElement).classList.add("is-wide");
}

/** The height a printed page holds, in CSS pixels: worksheet.css's `@page a4` and `@page letter` less their margins. */
const PRINTED_HEIGHT = { a4: ((297 - 14 - 16) / 25.4) * 96, letter: (11 - 0.55 - 0.65) * 96 };

/**
 * Mark the exercises a printed page cannot hold whole, so that they break between their parts
 * rather than leave a page empty; exercise 1 shares its page with the sheet's heading. Called with
 * the print layout in force, whose heights are the printed ones.
 * @param {HTMLElement} exercises
 * @param {string} paper `a4` or `letter`
 */
export function fitToPages(exercises, paper) {
  const page = PRINTED_HEIGHT[paper === "letter" ? "letter" : "a4"];
  const sections = /** @type {HTMLElement[]} */ ([...exercises.querySelectorAll(".exercise")]);
  for (const section of sections) section.classList.remove("is-tall");
  const sheet = /** @type {HTMLElement} */ (exercises.closest(".sheet"));
  const heading = sections.length ? sections[0].getBoundingClientRect().top - sheet.getBoundingClientRect().top : 0;
  sections.forEach((section, k) => {
    const room = k === 0 ? page - heading : page;
    section.classList.toggle("is-tall", section.getBoundingClientRect().height > room);
  });
}

/**
 * Draw the sheet: the exercises in `exercises`, their key in `keys`.
 * @param {{exercises: HTMLElement, keys: HTMLElement}} places
 * @param {Entry[]} entries in sheet order
 */
export function renderSheet({ exercises, keys }, entries) {
  exercises.replaceChildren(...entries.map(exerciseSection));
  keys.replaceChildren(...entries.map(keySection));
  widenLongEquations(keys);
}
