/**
 * "Check my answer": the learner picks a result of the page's problem, computes it by hand,
 * types it into a grid and sends it to `POST /api/v1/check`. Every cell comes back marked right
 * or wrong (a mark and words, not colour alone; the expected number and the difference on hover
 * and focus), with the counts and the known mistake that reproduces the wrong cells, and a button
 * that moves the timeline to the stage that shows the right way and outlines what to look at.
 * While a result is being answered it is withheld on the page (withhold.js).
 */

import { messageBesideField, messageLocation, postJson } from "./api.js";
import { bringIntoView, button, element } from "./dom.js";
import { MatrixEditor } from "./matrix-editor.js";
import { MatrixView } from "./matrix-view.js";
import { formatNumber, fullNumber } from "./number-format.js";
import { cellValue } from "./typed-numbers.js";
import { namesField } from "./withhold.js";

/**
 * @typedef {object} Checkable a result the learner may compute
 * @property {string} name as /api/v1/check names it; `steps[].h` for a result of one step (a step is chosen too)
 * @property {string} label words for the choice, e.g. "∂L/∂I, the input gradient"
 * @property {string[]} [gives] fields drawn on the page that show the same numbers, withheld with it
 * @property {(body: Record<string, any>) => boolean} [when] whether the problem asks for it (default: always)
 * @property {string} [group] the choices are listed under these headings (a network's layer), in order
 * @property {string} [symbol] how the page writes it, e.g. ∂L/∂I²; default the symbol /api/v1/check gives
 *
 * @typedef {{page: string, stage: string, field: string}} StageHint where /api/v1/check says the right way is drawn
 * @typedef {{at: number, field: string, words: string}} Place a timeline step, the field it draws, and words for it
 *
 * @typedef {object} CheckOptions
 * @property {string} kind `conv`, `pool`, `activation` or `rnn`
 * @property {Checkable[] | ((body: Record<string, any>, data: Record<string, any>) => Checkable[])} results
 *   what may be checked; a function when it depends on the problem (a network's layers)
 * @property {Record<string, number>} stages the API's stage ids (`grad_input` …) → timeline stages
 * @property {import("./timeline.js").Timeline} timeline
 * @property {(step: any, field: string) => boolean} matchStep whether a timeline step is about a field
 * @property {(patterns: string[]) => void} onWithhold the fields to withhold for the answer, now
 * @property {(data: Record<string, any>, name: string) => any} [value] a result's value in the page's
 *   answer (default: by its name, `grad_input` or `steps[2].grad_h`)
 * @property {(name: string, body: Record<string, any>, data: Record<string, any>) => {kind: string, problem: Record<string, any>, result: string}} [ask]
 *   what /api/v1/check is asked for a result (default: the page's kind and problem, the result's name)
 * @property {(hint: StageHint, result: string) => Place|null} [place] where the page's timeline shows a stage
 *   /api/v1/check names (default: the page's own stage of that id, the step about the field)
 */

const MAX_CELLS_LISTED = 8;

/**
 * A result of the layer's answer by name: `grad_input`, or `steps[2].grad_h`.
 * @param {Record<string, any>} data
 * @param {string} name
 */
function locate(data, name) {
  const step = /^steps\[(\d+)\]\.(.+)$/.exec(name);
  return step ? data.steps?.[Number(step[1])]?.[step[2]] : data[name];
}

/** @param {any} value @returns {number[]} */
function shapeOf(value) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

/**
 * A value nested as `shape` as the grids a person reads and types: a number or a vector as one
 * row, a matrix as one grid, channels (and kernels of channels) as one grid each.
 * @template T
 * @param {any} value
 * @param {number[]} shape
 * @returns {T[][][]}
 */
function gridsOf(value, shape) {
  if (shape.length === 0) return [[[value]]];
  if (shape.length === 1) return [[value]];
  if (shape.length === 2) return [value];
  return shape.length === 3 ? value : value.flat();
}

/**
 * The index in the nested value of cell (r, c) of grid g.
 * @param {number[]} shape
 * @param {number} g
 * @param {number} r
 * @param {number} c
 */
function indexOf(shape, g, r, c) {
  if (shape.length === 0) return [];
  if (shape.length === 1) return [c];
  if (shape.length === 2) return [r, c];
  if (shape.length === 3) return [g, r, c];
  return [Math.floor(g / shape[1]), g % shape[1], r, c];
}

/**
 * What the learner typed, nested as the result is: the grids' own shape, so an answer of the
 * wrong size reaches the API and is named there.
 * @param {string[][][]} grids
 * @param {number[]} shape the result's
 */
function answerOf(grids, shape) {
  const values = grids.map((grid) => grid.map((row) => row.map(cellValue)));
  const [first] = values;
  if (shape.length === 0 && first.length === 1 && first[0].length === 1) return first[0][0];
  if (shape.length === 1 && first.length === 1) return first[0];
  if (shape.length <= 2) return first;
  if (shape.length === 3) return values;
  return Array.from({ length: shape[0] }, (_, k) => values.slice(k * shape[1], (k + 1) * shape[1]));
}

/**
 * The caption of grid g of a result that is drawn as several grids.
 * @param {number[]} shape the result's
 * @param {number} g
 */
function gridName(shape, g) {
  return shape.length === 4 ? `kernel ${Math.floor(g / shape[1]) + 1}, channel ${(g % shape[1]) + 1}` : `channel ${g + 1}`;
}

/** @param {number} x a difference, with its sign */
function signed(x) {
  return x > 0 ? `+${formatNumber(x)}` : formatNumber(x);
}

/** "a", "a and b", "a, b and c" @param {string[]} items */
export function listWords(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** @param {number[]} index 0-based @returns {string} e.g. "(1, 2)" */
function cellWords(index) {
  return `(${index.map((i) => i + 1).join(", ")})`;
}

export class CheckMode {
  /** @param {CheckOptions} options */
  constructor(options) {
    this.options = options;
    this.active = false;
    /** @type {Record<string, any>|null} the problem as the page last sent it */
    this.body = null;
    /** @type {Record<string, any>|null} the page's last answer from the API */
    this.data = null;
    /** @type {Checkable|null} */
    this.choice = null;
    this.step = 0;
    /** @type {number[]|null} the shape the answer grid was made for */
    this.shape = null;
    /** @type {MatrixEditor|null} */
    this.editor = null;
    this.checkedBody = "";
    this.request = /** @type {AbortController|null} */ (null);
    /** @type {Checkable[]} the results this problem has */
    this.available = [];
    /** @type {Checkable[]} every result the page offers for this problem, before `when` */
    this.all = Array.isArray(options.results) ? options.results : [];
    /** How the page writes the result being checked. */
    this.symbol = "";

    this.resultSelect = document.createElement("select");
    this.resultSelect.id = "check-result";
    this.resultSelect.addEventListener("change", () => this.#choose(this.resultSelect.value, this.step));
    this.stepSelect = document.createElement("select");
    this.stepSelect.id = "check-step";
    this.stepSelect.addEventListener("change", () => this.#choose(this.choice?.name ?? "", Number(this.stepSelect.value)));
    this.stepField = this.#field("Step t", this.stepSelect);
    this.tolerance = document.createElement("input");
    this.tolerance.type = "text";
    this.tolerance.id = "check-tolerance";
    this.tolerance.value = "0.005";
    this.tolerance.inputMode = "decimal";
    this.tolerance.autocomplete = "off";
    this.toleranceError = element("p", "field-error");
    this.toleranceError.id = "check-tolerance-error";
    this.toleranceError.hidden = true;
    this.tolerance.setAttribute("aria-describedby", "check-tolerance-hint check-tolerance-error");
    const toleranceHint = element("p", "field-hint", "How far a cell may be from the exact number, for rounding.");
    toleranceHint.id = "check-tolerance-hint";
    const toleranceField = this.#field("Allowed error ±", this.tolerance);
    toleranceField.append(toleranceHint, this.toleranceError);

    this.editorSlot = element("div", "check-editor");
    this.checkButton = button("Check", () => this.check(), "primary");
    this.error = element("p", "field-error");
    this.error.hidden = true;
    this.outcome = element("div", "check-outcome");
    this.outcome.setAttribute("role", "region");
    this.outcome.setAttribute("aria-label", "Your answer, marked");
    /** What a screen reader hears after a check: the counts and the likely mistake. */
    this.said = element("p", "visually-hidden");
    this.said.setAttribute("role", "status");

    this.element = element(
      "div",
      "check-mode",
      element("div", "check-form", element("div", "check-choice", this.#field("Result you computed", this.resultSelect), this.stepField), this.editorSlot, element("div", "check-actions", toleranceField, this.checkButton), this.error),
      this.outcome,
      this.said,
    );
    this.element.hidden = true;
  }

  /**
   * Show or leave the mode; the answered result is withheld only while it is shown.
   * @param {boolean} on
   */
  toggle(on) {
    this.active = on;
    this.element.hidden = !on;
    if (on && this.data && !this.editor) this.#fit();
    this.options.onWithhold(this.patterns());
  }

  /** @returns {string[]} the fields withheld for the result being answered */
  patterns() {
    if (!this.active || !this.choice) return [];
    const atStep = (name) => name.replace("[]", `[${this.step}]`);
    return [atStep(this.choice.name), ...(this.choice.gives ?? []).map(atStep)];
  }

  /** The result's name as /api/v1/check takes it. */
  get result() {
    return this.choice ? this.choice.name.replace("[]", `[${this.step}]`) : "";
  }

  /**
   * A new answer from the page's API. Called before the page draws it, so the fields withheld
   * for the answer are known when the grids are drawn.
   * @param {Record<string, any>} body
   * @param {Record<string, any>} data
   */
  update(body, data) {
    this.body = body;
    this.data = data;
    const { results } = this.options;
    this.all = typeof results === "function" ? results(body, data) : results;
    this.#listResults();
    if (this.checkedBody && JSON.stringify(body) !== this.checkedBody) {
      this.checkedBody = "";
      this.outcome.replaceChildren(element("p", "note", "The layer's numbers changed: check your answer again."));
    }
    if (this.active) this.#fit();
    this.options.onWithhold(this.patterns());
  }

  /** Send the answer and show the marking. */
  async check() {
    if (!this.body || !this.editor || !this.choice) return;
    const shape = /** @type {number[]} */ (this.shape);
    const symbol = this.choice.symbol;
    const tolerance = cellValue(this.tolerance.value);
    const { kind, problem, result } = this.options.ask?.(this.result, this.body, /** @type {Record<string, any>} */ (this.data)) ?? {
      kind: this.options.kind,
      problem: this.body,
      result: this.result,
    };
    const request = {
      kind,
      problem,
      result,
      answer: answerOf(this.editor.value(), shape),
      ...(this.tolerance.value.trim() === "" ? {} : { tolerance: { absolute: tolerance } }),
    };
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    let answer;
    try {
      answer = await postJson("/api/v1/check", request, { signal: controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      throw error;
    }
    if (this.request !== controller) return;
    this.#showErrors(answer.ok ? [] : answer.errors);
    if (!answer.ok) return;
    this.checkedBody = JSON.stringify(this.body);
    this.symbol = symbol ?? answer.data.symbol;
    this.#showOutcome(answer.data, request.answer);
  }

  /**
   * @param {string} label
   * @param {HTMLInputElement|HTMLSelectElement} control
   */
  #field(label, control) {
    const labelElement = element("label", "", label);
    labelElement.htmlFor = control.id;
    return element("div", "field", labelElement, control);
  }

  /** The results this problem has, in the select; the choice kept if it still exists. */
  #listResults() {
    const data = /** @type {Record<string, any>} */ (this.data);
    const body = /** @type {Record<string, any>} */ (this.body);
    const available = this.all.filter((result) => {
      if (result.when && !result.when(body)) return false;
      const value = this.#value(result.name.replace("steps[]", "steps[0]"));
      return value !== undefined && value !== null;
    });
    const changed = listKey(available) !== listKey(this.available);
    if (changed) {
      this.available = available;
      this.resultSelect.replaceChildren(...optionsOf(available));
    }
    const steps = data.steps?.length ?? 0;
    if (steps !== this.stepSelect.options.length) {
      this.stepSelect.replaceChildren(
        ...Array.from({ length: steps }, (_, s) => {
          const option = /** @type {HTMLOptionElement} */ (element("option", "", `t = ${s + 1}`));
          option.value = String(s);
          return option;
        }),
      );
    }
    const kept = available.find((result) => result.name === this.choice?.name) ?? available[0] ?? null;
    this.choice = kept;
    this.step = Math.min(this.step, Math.max(0, steps - 1));
    this.resultSelect.value = kept?.name ?? "";
    this.stepSelect.value = String(this.step);
    this.stepField.hidden = !kept?.name.startsWith("steps[]");
  }

  /**
   * The learner picks another result (or step): a blank grid of its shape.
   * @param {string} name
   * @param {number} step
   */
  #choose(name, step) {
    this.choice = this.available.find((result) => result.name === name) ?? null;
    this.step = step;
    this.stepField.hidden = !this.choice?.name.startsWith("steps[]");
    this.shape = null;
    this.#fit();
    this.outcome.replaceChildren();
    this.checkedBody = "";
    this.options.onWithhold(this.patterns());
  }

  /** @param {string} name a result's name, its step filled in */
  #value(name) {
    const data = /** @type {Record<string, any>} */ (this.data);
    return this.options.value ? this.options.value(data, name) : locate(data, name);
  }

  /**
   * Where the timeline shows the right way for a stage /api/v1/check names, or null when this page does not.
   * @param {StageHint} hint
   * @returns {Place|null}
   */
  #place(hint) {
    const { timeline, matchStep, stages, place } = this.options;
    if (place) return place(hint, this.result);
    const index = stages[hint.stage];
    if (hint.page !== location.pathname || index === undefined) return null;
    const steps = timeline.steps;
    let at = steps.findIndex((step) => step.stage === index && matchStep(step, hint.field));
    if (at < 0) at = steps.findLastIndex((step) => step.stage === index);
    return at < 0 ? null : { at, field: hint.field, words: `stage ${index + 1}, ${timeline.stages[index] ?? ""}` };
  }

  /** A blank answer grid in the chosen result's shape, unless the one there already has it. */
  #fit() {
    if (!this.choice || !this.data) return;
    const shape = shapeOf(this.#value(this.result));
    if (this.editor && JSON.stringify(shape) === JSON.stringify(this.shape)) return;
    this.shape = shape;
    const option = this.resultSelect.selectedOptions[0];
    this.editor = new MatrixEditor({
      id: "check-answer",
      legend: `Your ${(option?.textContent ?? this.result).split(",")[0]}${this.stepField.hidden ? "" : `, t = ${this.step + 1}`}`,
      name: "answer",
      grids: gridsOf(blankOf(shape), shape),
      gridLabel: (g) => gridName(shape, g),
      hint: "Type your numbers; arrows, Tab and Enter move, and pasting rows of numbers fills the grid from the cell.",
      blank: true,
      onChange: () => this.editor?.setError(null),
    });
    this.editorSlot.replaceChildren(this.editor.element);
  }

  /** @param {import("./api.js").FieldError[]} errors */
  #showErrors(errors) {
    const own = { answer: null, tolerance: null, other: [] };
    for (const error of errors) {
      if (error.field === "answer") own.answer = error;
      else if (error.field.startsWith("tolerance")) own.tolerance = error;
      else own.other.push(error.msg);
    }
    const shape = /** @type {number[]} */ (this.shape);
    const where = own.answer && messageLocation(own.answer.msg);
    const grid = where && shape.length === 4 ? ((where.kernel ?? 1) - 1) * shape[1] + (where.channel ?? 1) - 1 : (where?.channel ?? 1) - 1;
    const cell = where?.row !== undefined && where.column !== undefined ? { grid, row: where.row - 1, col: where.column - 1 } : null;
    this.editor?.setError(own.answer && messageBesideField(own.answer), cell);
    this.toleranceError.textContent = own.tolerance ? `Allowed error: ${messageBesideField(own.tolerance).replace(/^tolerance\.absolute: /, "")}` : "";
    this.toleranceError.hidden = !own.tolerance;
    if (own.tolerance) this.tolerance.setAttribute("aria-invalid", "true");
    else this.tolerance.removeAttribute("aria-invalid");
    this.error.textContent = own.other.join(" ");
    this.error.hidden = !own.other.length;
    if (!errors.length) return;
    this.outcome.replaceChildren();
    this.said.textContent = `Not checked: ${errors.map((error) => error.msg).join(" ")}`;
  }

  /**
   * @param {any} result the check's answer
   * @param {any} answer what was sent, nested as the result
   */
  #showOutcome(result, answer) {
    const { counts } = result;
    const { symbol } = this;
    const verdict = counts.cells === 1 ? (result.all_correct ? "right" : "wrong") : `${counts.correct} of ${counts.cells} cells right`;
    const heading = element("h3", "", `${symbol}: ${verdict}`);
    const mistakes = result.diagnoses.map((diagnosis) => diagnosis.title);
    this.said.textContent = `${symbol}: ${verdict}.${mistakes.length ? ` Likely mistake: ${listWords(mistakes)}.` : ""}`;
    const parts = [heading, ...this.#marked(result, answer)];
    if (result.all_correct) parts.push(element("p", "check-verdict is-ok", "✓ All right. Every cell is within the allowed error."));
    else if (result.diagnoses.length) parts.push(...result.diagnoses.map((diagnosis) => this.#diagnosis(diagnosis, counts.wrong)));
    else if (result.diagnoses_omitted) parts.push(element("p", "note", `No mistake was looked for: ${result.diagnoses_omitted}.`));
    else parts.push(element("p", "check-verdict", "None of the known mistakes gives these numbers: compare the cells marked ✗ with the page's stages."));
    const where = result.all_correct ? null : this.#place(result.stage);
    if (where) parts.push(element("p", "", button(`Show how ${symbol} is computed (${where.words})`, () => this.showStage(result.stage), "link-button")));
    if (result.undetectable.length) {
      const list = element("ul", "", ...result.undetectable.map((item) => element("li", "", element("strong", "", item.title), item.detail ? ` (${item.detail})` : "", `: ${item.reason}`)));
      parts.push(element("details", "check-undetectable", element("summary", "", `Mistakes these numbers cannot show (${result.undetectable.length})`), list));
    }
    this.outcome.replaceChildren(...parts);
  }

  /**
   * The answer as marked grids, and a line that says what the pointed-at cell should be.
   * @param {any} result
   * @param {any} answer
   * @returns {HTMLElement[]}
   */
  #marked(result, answer) {
    const shape = result.shape;
    const [mine, expected, correct, difference] = [answer, result.expected, result.correct, result.difference].map((value) => gridsOf(value, shape));
    const detail = element("p", "check-cell", "Point at or tab to a cell to see the right number.");
    const grids = mine.map((grid, g) => {
      const view = new MatrixView({
        field: "answer",
        values: grid,
        apiIndex: (r, c) => indexOf(shape, g, r, c),
        label: `Your ${this.symbol}, marked${mine.length > 1 ? `, ${gridName(shape, g)}` : ""}`,
        caption: mine.length > 1 ? gridName(shape, g) : "",
        cellClasses: (r, c) => [correct[g][r][c] ? "is-right" : "is-wrong"],
        onPoint: (_, r, c) => {
          const [a, e, d] = [grid[r][c], expected[g][r][c], difference[g][r][c]];
          const where = `Cell ${cellWords(indexOf(shape, g, r, c))}`;
          detail.textContent = correct[g][r][c]
            ? `${where}: ${formatNumber(a)} is right (exactly ${fullNumber(e)}).`
            : `${where}: you wrote ${formatNumber(a)}, the right number is ${formatNumber(e)} (difference ${signed(d)}).`;
        },
      });
      view.cells.forEach((row, r) =>
        row.forEach((td, c) => {
          const [right, e, d] = [correct[g][r][c], expected[g][r][c], difference[g][r][c]];
          td.dataset.correct = String(right);
          td.dataset.expected = fullNumber(e);
          td.dataset.difference = fullNumber(d);
          td.title = right ? `right: ${fullNumber(e)}` : `wrong: the right number is ${fullNumber(e)} (difference ${signed(d)})`;
          const mark = element("span", "check-mark", right ? "✓" : "✗");
          mark.setAttribute("aria-hidden", "true");
          td.append(mark, element("span", "visually-hidden", right ? ", right" : `, wrong: ${formatNumber(e)} expected`));
        }),
      );
      return view.element;
    });
    const legend = element("p", "check-legend", "✓ right, ✗ wrong; the difference is yours minus the right number.");
    return [element("div", "check-grids", ...grids), detail, legend];
  }

  /**
   * One known mistake (or two made together) that reproduces wrong cells, with a button to the
   * stage that shows the right way (one for each of two mistakes).
   * @param {any} diagnosis
   * @param {number} wrong how many cells are wrong
   */
  #diagnosis(diagnosis, wrong) {
    const two = diagnosis.parts.length > 1;
    const cells = `${diagnosis.cells.slice(0, MAX_CELLS_LISTED).map(cellWords).join(", ")}${diagnosis.cells.length > MAX_CELLS_LISTED ? ", …" : ""}`;
    const how = {
      all: two ? "These two mistakes made together give exactly your numbers." : "This mistake gives exactly your numbers.",
      part: `${diagnosis.cells.length === 1 ? "This cell looks" : `These ${diagnosis.cells.length} cells look`} like this mistake, made there only: ${cells}. Your other cells are right.`,
      some: `This mistake gives your numbers in ${diagnosis.cells.length} of the ${wrong} wrong cells: ${cells}.`,
    }[/** @type {"all"|"part"|"some"} */ (diagnosis.explains)];
    const title = `${two ? "Likely mistakes" : "Likely mistake"}: ${diagnosis.title}`;
    const article = element("article", "diagnosis", element("h4", "", title), element("p", "", how), element("p", "", diagnosis.explanation));
    article.dataset.diagnosis = diagnosis.id;
    article.dataset.explains = diagnosis.explains;
    if (diagnosis.detail) article.append(element("p", "", diagnosis.detail));
    for (const part of two ? diagnosis.parts : [diagnosis]) {
      const where = this.#place(part.stage);
      if (!where) continue;
      const label = two ? `Show the right way for “${part.title}”: ${where.words}` : `Show the right way: ${where.words}`;
      article.append(button(label, () => this.showStage(part.stage)));
    }
    return article;
  }

  /**
   * Move the timeline to the stage that shows a field, outline the field and bring it into view.
   * @param {StageHint} hint
   */
  showStage(hint) {
    const { timeline } = this.options;
    const where = this.#place(hint);
    if (!where) return;
    const { at, field } = where;
    timeline.pause();
    timeline.go(at);
    for (const old of document.querySelectorAll(".is-pointed-out")) old.classList.remove("is-pointed-out");
    const figures = [...document.querySelectorAll("#stages [data-matrix]")].filter((figure) => namesField(field, /** @type {HTMLElement} */ (figure).dataset.matrix ?? ""));
    figures.forEach((figure) => figure.classList.add("is-pointed-out"));
    const target = figures.find((figure) => figure.closest('[data-state="current"]')) ?? figures[0] ?? document.querySelector('#stages [data-state="current"]');
    if (!target) return;
    bringIntoView(target, { block: "center" });
    const cell = /** @type {HTMLElement|null} */ (target.querySelector('td[tabindex="0"]'));
    (cell ?? /** @type {HTMLElement|null} */ (target.querySelector("h2")))?.focus({ preventScroll: true });
  }
}

/**
 * Nested empty cells of a shape.
 * @param {number[]} shape
 * @returns {any}
 */
function blankOf(shape) {
  return shape.length ? Array.from({ length: shape[0] }, () => blankOf(shape.slice(1))) : "";
}

/**
 * What the page shows of a list of results: a new problem with the same list keeps the choices.
 * @param {Checkable[]} results
 */
function listKey(results) {
  return JSON.stringify(results.map(({ name, label, group, gives }) => [name, label, group, gives]));
}

/**
 * The choices of the result select, under a heading per group when they have groups.
 * @param {Checkable[]} results
 * @returns {HTMLElement[]}
 */
function optionsOf(results) {
  const option = (result) => {
    const made = /** @type {HTMLOptionElement} */ (element("option", "", result.label));
    made.value = result.name;
    return made;
  };
  if (!results.some((result) => result.group)) return results.map(option);
  const groups = new Map();
  for (const result of results) {
    if (!groups.has(result.group)) groups.set(result.group, []);
    groups.get(result.group).push(option(result));
  }
  return [...groups].map(([label, options]) => {
    const group = document.createElement("optgroup");
    group.label = label;
    group.append(...options);
    return group;
  });
}
