/**
 * An editable stack of equally shaped grids of number text (the channels of one array).
 *
 * Cells are text inputs: arrow keys move between them (left and right once the caret reaches
 * the edge), Enter moves down and Shift+Enter up, Tab goes on in reading order. Rows and columns
 * are added or removed in every grid at once. Pasting text with several numbers into a cell fills
 * the grid from that cell (rows by newline or `;`, cells by space or `,`, a spreadsheet's cells
 * by tab), and the whole stack can be typed as text. The editor only knows strings: checking the
 * numbers is the API's job; it only refuses text whose rows cannot make a grid.
 */

/**
 * Split pasted or typed text into rows of cells. Text with tabs comes from a spreadsheet: rows
 * are lines and every single tab ends a cell, so a blank cell stays blank instead of pulling the
 * numbers after it to the left, and a comma inside a cell is a decimal comma (`1,5` → `1.5`).
 * Other text has rows by newline or `;` and cells by spaces or `,`.
 * @param {string} text
 * @returns {string[][]} possibly ragged; empty when there is no number-like text
 */
export function parseGridText(text) {
  if (text.includes("\t"))
    return text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((line) => line.split("\t").map((cell) => cell.trim().replace(/^([+\-\u2212]?\d+),(\d+)$/, "$1.$2")));
  return text
    .split(/\r?\n|;/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/[ ,]+/).filter((cell) => cell !== ""));
}

/**
 * Split text in the editor's own format into channels, each as rows of cells: channels are
 * separated by `|`, on a line of its own or between blocks (`gridsToText` writes the former).
 * @param {string} text
 * @returns {string[][][]} channels without any cells are left out
 */
export function parseGridsText(text) {
  return text.split("|").map(parseGridText).filter((rows) => rows.length);
}

/**
 * Why parsed channels cannot fill an editor, or null: every row of a grid needs the same length
 * and every channel the same shape, as in the API.
 * @param {string[][][]} blocks
 * @returns {string|null}
 */
export function raggedProblem(blocks) {
  const count = (n) => `${n} number${n === 1 ? "" : "s"}`;
  for (const [g, rows] of blocks.entries()) {
    const where = blocks.length > 1 ? `channel ${g + 1}, ` : "";
    const r = rows.findIndex((row) => row.length !== rows[0].length);
    if (r >= 0) return `${where}row ${r + 1} has ${count(rows[r].length)} but the first has ${rows[0].length}: every row needs the same length`;
  }
  const shape = (rows) => `${rows.length} × ${rows[0].length}`;
  const g = blocks.findIndex((rows) => shape(rows) !== shape(blocks[0]));
  if (g >= 0) return `channel ${g + 1} is ${shape(blocks[g])} but channel 1 is ${shape(blocks[0])}: every channel needs the same shape`;
  return null;
}

/**
 * The grids as text: rows on lines with cells separated by `, `, grids separated by a `|` line.
 * @param {string[][][]} grids
 * @returns {string}
 */
export function gridsToText(grids) {
  return grids.map((grid) => grid.map((row) => row.join(", ")).join("\n")).join("\n|\n");
}

/**
 * @typedef {object} MatrixEditorOptions
 * @property {string} id prefix of the element ids (`${id}-error` holds the field's message)
 * @property {Node|string} legend what the array is, e.g. "Input I"
 * @property {string} name short name for cell labels, e.g. "I"
 * @property {string[][][]} grids the starting value, one grid per channel
 * @property {(index: number) => string} [gridLabel] caption of grid `index` when there are several
 * @property {string} [hint] one line under the legend
 * @property {number} [maxRows] default 64
 * @property {number} [maxCols] default 64
 * @property {[number, number]} [randomRange] inclusive range of "Random", default [-4, 4]
 * @property {boolean} [blank] a grid to fill in by hand (an answer): no "Random", and "Clear"
 *   empties every cell instead of "Reset" going back to the example
 * @property {(grids: string[][][]) => void} onChange called after every edit
 */

export class MatrixEditor {
  /** @param {MatrixEditorOptions} options */
  constructor(options) {
    this.options = { maxRows: 64, maxCols: 64, randomRange: [-4, 4], gridLabel: (i) => `channel ${i + 1}`, ...options };
    const { id, legend, hint } = this.options;
    /** @type {string[][][]} */
    this.grids = clone(options.grids);
    this.initial = clone(options.grids);
    /** What a cell added by a new row or column holds. */
    this.fill = this.options.blank ? "" : "0";
    /** @type {HTMLInputElement[][][]} */
    this.inputs = [];

    this.element = document.createElement("fieldset");
    this.element.className = "editor";
    this.element.id = id;
    const legendElement = document.createElement("legend");
    legendElement.append(legend);
    this.element.append(legendElement);
    const described = [];
    if (hint) {
      const p = paragraph("editor-hint", hint);
      p.id = `${id}-hint`;
      described.push(p.id);
      this.element.append(p);
    }
    this.gridsElement = document.createElement("div");
    this.gridsElement.className = "editor-grids";
    this.shapeElement = paragraph("editor-shape", "");
    this.shapeElement.setAttribute("aria-live", "polite");
    this.errorElement = paragraph("field-error", "");
    this.errorElement.id = `${id}-error`;
    this.errorElement.hidden = true;
    described.push(this.errorElement.id);
    this.element.setAttribute("aria-describedby", described.join(" "));
    this.element.append(this.gridsElement, this.#toolbar(), this.shapeElement, this.#textPanel(), this.errorElement);
    this.#render();
  }

  /** @returns {string[][][]} a copy of the current grids */
  value() {
    return clone(this.grids);
  }

  /**
   * Replace the grids (a new shape or channel count is fine) without calling onChange.
   * @param {string[][][]} grids
   */
  setValue(grids) {
    this.grids = clone(grids);
    this.#render();
  }

  /**
   * Show `grids` unless the editor holds them already, so typing is never interrupted.
   * @param {string[][][]} grids
   */
  follow(grids) {
    if (JSON.stringify(this.grids) !== JSON.stringify(grids)) this.setValue(grids);
  }

  /**
   * The value "Reset" goes back to (grid by grid).
   * @param {string[][][]} grids
   */
  setInitial(grids) {
    this.initial = clone(grids);
  }

  /**
   * Show the API's message for this field, or clear it; `cell` marks one input as the culprit.
   * @param {string|null} message
   * @param {{grid: number, row: number, col: number}|null} [cell] 0-based
   */
  setError(message, cell = null) {
    this.errorElement.textContent = message ?? "";
    this.errorElement.hidden = !message;
    this.element.classList.toggle("has-error", Boolean(message));
    for (const input of this.element.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    const culprit = cell && this.inputs[cell.grid]?.[cell.row]?.[cell.col];
    if (message && culprit) culprit.setAttribute("aria-invalid", "true");
  }

  get rows() {
    return this.grids[0].length;
  }

  get cols() {
    return this.grids[0][0].length;
  }

  #toolbar() {
    const bar = document.createElement("div");
    bar.className = "editor-tools";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `${this.options.name}: shape and values`);
    const { name, blank } = this.options;
    const tools = [
      ["+ row", `Add a row to ${name}`, () => this.#resize(this.rows + 1, this.cols)],
      ["− row", `Remove the last row of ${name}`, () => this.#resize(this.rows - 1, this.cols)],
      ["+ col", `Add a column to ${name}`, () => this.#resize(this.rows, this.cols + 1)],
      ["− col", `Remove the last column of ${name}`, () => this.#resize(this.rows, this.cols - 1)],
      ...(blank
        ? [["Clear", `Empty every cell of ${name}`, () => this.#commit(this.grids.map((grid) => grid.map((row) => row.map(() => ""))))]]
        : [
            ["Random", `Fill ${name} with random small integers`, () => this.#randomize()],
            ["Reset", `Reset ${name} to the example`, () => this.#reset()],
          ]),
    ];
    this.buttons = {};
    for (const [text, label, action] of tools) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", action);
      this.buttons[text] = button;
      bar.append(button);
    }
    return bar;
  }

  #textPanel() {
    const details = document.createElement("details");
    details.className = "editor-text";
    const summary = document.createElement("summary");
    summary.textContent = "Type or paste as text";
    const label = document.createElement("label");
    label.textContent = `${this.options.name} as text: rows on lines or separated by ;, numbers by spaces, tabs or commas` +
      (this.grids.length > 1 ? "; channels separated by a | line" : "");
    const area = document.createElement("textarea");
    area.rows = 4;
    area.spellcheck = false;
    label.append(area);
    const apply = document.createElement("button");
    apply.type = "button";
    apply.textContent = "Apply";
    details.addEventListener("toggle", () => {
      if (details.open) area.value = this.grids.flat(2).some((cell) => cell !== "") ? gridsToText(this.grids) : "";
    });
    apply.addEventListener("click", () => this.#applyText(area.value));
    this.textError = paragraph("field-error", "");
    this.textError.id = `${this.options.id}-text-error`;
    this.textError.hidden = true;
    area.setAttribute("aria-describedby", this.textError.id);
    details.append(summary, label, apply, this.textError);
    this.textArea = area;
    return details;
  }

  /** @param {string} text */
  #applyText(text) {
    const blocks = parseGridsText(text);
    const problem = blocks.length ? raggedProblem(blocks.slice(0, this.grids.length)) : null;
    this.textError.textContent = problem ?? "";
    this.textError.hidden = !problem;
    if (problem) this.textArea.setAttribute("aria-invalid", "true");
    else this.textArea.removeAttribute("aria-invalid");
    if (!blocks.length || problem) return;
    const rows = Math.min(this.options.maxRows, blocks[0].length);
    const cols = Math.min(this.options.maxCols, Math.max(1, blocks[0][0].length));
    const grids = this.grids.map((_, g) => fitGrid(blocks[g] ?? [], rows, cols, this.fill));
    this.#commit(grids);
  }

  /** Back to the starting numbers, keeping the number of grids (channels are the page's business). */
  #reset() {
    const [rows, cols] = [this.initial[0].length, this.initial[0][0].length];
    this.#commit(this.grids.map((grid, g) => clone(this.initial[g] ?? fitGrid(grid, rows, cols, this.fill))));
  }

  #randomize() {
    const [lo, hi] = this.options.randomRange;
    const pick = () => String(lo + Math.floor(Math.random() * (hi - lo + 1)));
    this.#commit(this.grids.map((grid) => grid.map((row) => row.map(pick))));
  }

  /** @param {number} rows @param {number} cols */
  #resize(rows, cols) {
    const r = Math.max(1, Math.min(this.options.maxRows, rows));
    const c = Math.max(1, Math.min(this.options.maxCols, cols));
    if (r === this.rows && c === this.cols) return;
    this.#commit(this.grids.map((grid) => fitGrid(grid, r, c, this.fill)));
  }

  /** @param {string[][][]} grids */
  #commit(grids, focus = null) {
    this.grids = grids;
    this.#render(focus);
    this.options.onChange(this.value());
  }

  #render(focus = null) {
    const { name, gridLabel } = this.options;
    const several = this.grids.length > 1;
    this.inputs = this.grids.map((grid, g) => {
      const figure = document.createElement("figure");
      figure.className = "editor-grid";
      if (several) {
        const caption = document.createElement("figcaption");
        caption.textContent = gridLabel(g);
        figure.append(caption);
      }
      const table = document.createElement("table");
      const body = document.createElement("tbody");
      const inputs = grid.map((row, r) => {
        const tr = document.createElement("tr");
        const cells = row.map((text, c) => {
          const td = document.createElement("td");
          const input = document.createElement("input");
          input.type = "text";
          input.value = text;
          input.autocomplete = "off";
          input.spellcheck = false;
          input.setAttribute("aria-label", `${name}${several ? ` ${gridLabel(g)}` : ""}, row ${r + 1}, column ${c + 1}`);
          input.dataset.grid = String(g);
          input.dataset.row = String(r);
          input.dataset.col = String(c);
          td.append(input);
          tr.append(td);
          return input;
        });
        body.append(tr);
        return cells;
      });
      table.append(body);
      table.addEventListener("input", (event) => this.#typed(event.target));
      table.addEventListener("keydown", (event) => this.#key(event));
      table.addEventListener("paste", (event) => this.#paste(event));
      table.addEventListener("focusin", (event) => event.target.select?.());
      figure.append(table);
      return { figure, inputs };
    });
    this.gridsElement.replaceChildren(...this.inputs.map((g) => g.figure));
    this.inputs = this.inputs.map((g) => g.inputs);
    this.inputs.forEach((grid, g) => grid[0].forEach((_, c) => this.#fitColumn(g, c)));
    this.shapeElement.textContent =
      `${several ? `${this.grids.length} × ` : ""}${this.rows} × ${this.cols}`;
    this.buttons["− row"].disabled = this.rows <= 1;
    this.buttons["− col"].disabled = this.cols <= 1;
    this.buttons["+ row"].disabled = this.rows >= this.options.maxRows;
    this.buttons["+ col"].disabled = this.cols >= this.options.maxCols;
    if (focus) this.inputs[focus.grid]?.[focus.row]?.[focus.col]?.focus();
  }

  /** @param {HTMLInputElement} input */
  #typed(input) {
    const { grid, row, col } = input.dataset;
    this.grids[Number(grid)][Number(row)][Number(col)] = input.value.trim();
    this.#fitColumn(Number(grid), Number(col));
    this.options.onChange(this.value());
  }

  /**
   * Size column `c` of grid `g` to its longest text, so a number such as −0.1104 shows whole
   * and the column stays one width (the stylesheet keeps it between a minimum and a maximum).
   * @param {number} g
   * @param {number} c
   */
  #fitColumn(g, c) {
    const column = this.inputs[g].map((row) => row[c]);
    const chars = String(Math.max(...column.map((input) => input.value.length)));
    for (const input of column) input.style.setProperty("--chars", chars);
  }

  /** @param {KeyboardEvent} event */
  #key(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    const g = Number(input.dataset.grid);
    let r = Number(input.dataset.row);
    let c = Number(input.dataset.col);
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
    const all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (event.key === "ArrowUp") r -= 1;
    else if (event.key === "ArrowDown") r += 1;
    else if (event.key === "Enter") r += event.shiftKey ? -1 : 1;
    else if (event.key === "ArrowLeft" && (atStart || all)) c -= 1;
    else if (event.key === "ArrowRight" && (atEnd || all)) c += 1;
    else return;
    const target = this.inputs[g][r]?.[c];
    event.preventDefault();
    target?.focus();
  }

  /**
   * Paste several numbers: they fill the grid from the cell, growing it as far as the limits
   * allow; in a stack of several grids, channels separated by `|` fill the grids that follow.
   * @param {ClipboardEvent} event
   */
  #paste(event) {
    const input = event.target;
    const text = event.clipboardData?.getData("text") ?? "";
    if (!(input instanceof HTMLInputElement) || !/[\t\n;, |]/.test(text.trim())) return;
    const g = Number(input.dataset.grid);
    const blocks = (this.grids.length > 1 ? parseGridsText(text) : [parseGridText(text)]).slice(0, this.grids.length - g);
    if (!blocks.length || !blocks[0].length) return;
    event.preventDefault();
    const r0 = Number(input.dataset.row);
    const c0 = Number(input.dataset.col);
    const all = blocks.flat();
    const needRows = Math.min(this.options.maxRows, Math.max(this.rows, r0 + Math.max(...blocks.map((rows) => rows.length))));
    const needCols = Math.min(this.options.maxCols, Math.max(this.cols, c0 + Math.max(...all.map((row) => row.length))));
    const grids = this.grids.map((grid) => fitGrid(grid, needRows, needCols, this.fill));
    blocks.forEach((rows, k) =>
      rows.forEach((row, i) =>
        row.forEach((cell, j) => {
          if (r0 + i < needRows && c0 + j < needCols) grids[g + k][r0 + i][c0 + j] = cell;
        }),
      ),
    );
    this.#commit(grids, { grid: g, row: r0, col: c0 });
  }
}

/**
 * `grid` cut or extended to rows × cols, new cells set to `fill`.
 * @param {string[][]} grid
 * @param {number} rows
 * @param {number} cols
 * @param {string} fill
 * @returns {string[][]}
 */
export function fitGrid(grid, rows, cols, fill) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => grid[r]?.[c] ?? fill));
}

/** @template T @param {T} value @returns {T} */
function clone(value) {
  return structuredClone(value);
}

/** @param {string} className @param {string} text */
function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}
