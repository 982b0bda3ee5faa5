/**
 * The "Practise" panel of a layer page: "Check my answer" (check-mode.js), a new seeded exercise,
 * and the quiz link that hides chosen results (quiz.js). It decides which fields are withheld on
 * the page (withhold.js) — the quiz's and the one being answered — and tells the page when to
 * draw again. A page wires it in with a few lines: it reads its link with `openLink`, hands each
 * new answer to `update` before drawing it, and asks `conceal` before writing an equation.
 */

import { CheckMode, listWords } from "./check-mode.js";
import { button, element } from "./dom.js";
import { DIFFICULTIES } from "./quiz.js";
import { isHidden, onWithheldChange, revealFields, setHidden, stepless, stillHidden } from "./withhold.js";

export { openLink } from "./quiz.js";

/**
 * @typedef {import("./check-mode.js").Checkable} Checkable
 *
 * @typedef {object} PracticeOptions
 * @property {string} kind `conv`, `pool`, `activation` or `rnn`: the kind /api/v1/check and /api/v1/exercise take
 * @property {import("./quiz.js").QuizLink | import("./quiz.js").HideLink} link the page's link, read by
 *   `openLink` (or `hideLink` on a page without exercises)
 * @property {import("./timeline.js").Timeline} timeline
 * @property {import("./check-mode.js").CheckOptions["results"]} results what may be checked and hidden, in the
 *   page's order
 * @property {boolean} [exercises] whether the page has seeded exercises (default: it has)
 * @property {import("./check-mode.js").CheckOptions["value"]} [value] see CheckOptions
 * @property {import("./check-mode.js").CheckOptions["ask"]} [ask] see CheckOptions
 * @property {import("./check-mode.js").CheckOptions["place"]} [place] see CheckOptions
 * @property {Record<string, number>} stages the API's stage ids (`forward`, `grad_input` …) → timeline stages
 * @property {(step: any, field: string) => boolean} [matchStep] whether a timeline step is about a field
 *   (default: its `focus` is a cell of it)
 * @property {(full: boolean) => void} redraw draw the equations again; `full`: draw everything again
 *   (grids must lose numbers that are now withheld)
 */

export class Practice {
  /** @param {PracticeOptions} options */
  constructor(options) {
    this.options = options;
    const { link, results } = options;
    /** Which results the quiz hides, by their names in `results`. */
    this.quiz = new Set(link.hide);
    this.check = new CheckMode({
      kind: options.kind,
      results,
      stages: options.stages,
      timeline: options.timeline,
      matchStep: options.matchStep ?? ((step, field) => step.focus?.[0] === field),
      onWithhold: () => this.#apply(),
      value: options.value,
      ask: options.ask,
      place: options.place,
    });
    /** The page is about to draw an answer: it needs no redraw for what changes meanwhile. */
    this.updating = false;
    this.pending = /** @type {boolean|null} */ (null);

    const heading = element("h2", "", "Practise");
    heading.id = "practice-title";
    this.checkToggle = button("Check my answer", () => this.#toggleCheck());
    this.checkToggle.setAttribute("aria-pressed", "false");
    this.checkToggle.setAttribute("aria-controls", "check-mode");
    this.difficulty = document.createElement("select");
    this.difficulty.id = "exercise-difficulty";
    for (const value of DIFFICULTIES) {
      const option = /** @type {HTMLOptionElement} */ (element("option", "", value));
      option.value = value;
      option.selected = value === link.difficulty;
      this.difficulty.append(option);
    }
    const difficultyLabel = element("label", "", "Difficulty");
    /** @type {HTMLLabelElement} */ (difficultyLabel).htmlFor = this.difficulty.id;
    const fresh = button("New exercise", () => location.assign(link.newExerciseHref(this.difficulty.value)));
    this.exerciseNote = element("p", "practice-note");
    this.hiddenNote = element("p", "practice-note");
    this.hiddenNote.setAttribute("role", "status");
    this.check.element.id = "check-mode";

    const exercise = element("span", "practice-exercise", fresh, element("span", "practice-difficulty", difficultyLabel, this.difficulty));
    const bar = element("div", "practice-bar", heading, this.checkToggle);
    if (options.exercises ?? true) bar.append(exercise);
    this.element = element(
      "section",
      "practice",
      bar,
      this.exerciseNote,
      this.hiddenNote,
      this.#quizMaker(),
      this.check.element,
    );
    this.element.setAttribute("aria-labelledby", heading.id);
    this.#describeExercise();
    onWithheldChange(() => this.#schedule(false));
    setHidden(this.#quizPatterns()); // before the first answer is drawn: nothing to draw again
  }

  /**
   * A new answer from the layer's API, before the page draws it.
   * @param {Record<string, any>} body the request the page sent
   * @param {Record<string, any>} data the API's answer
   */
  update(body, data) {
    this.updating = true;
    this.check.update(body, data);
    this.updating = false;
    this.pending = null;
    if (this.check.available !== this.listed) this.#listChoices();
    this.#showHidden();
  }

  /**
   * Keep an equation out of a panel when it would show a withheld number; say so instead.
   * @param {HTMLElement} panel
   * @param {[string, any][]} refs the cells the equation writes out: the one it explains, its sources
   * @returns {boolean} whether it was kept out
   */
  conceal(panel, refs) {
    const field = refs.find(([name]) => isHidden(name))?.[0];
    if (field === undefined) return false;
    const words = "Its equation would give a hidden number away. Reveal the hidden results to see it.";
    panel.replaceChildren(element("p", "equation-note", words));
    panel.classList.remove("is-writing");
    return true;
  }

  /**
   * The result a name (as the quiz or the check writes it) is, if the page offers it.
   * @param {string} name `grad_input`, `steps[2].grad_h`, `layers[1].grad_input`
   */
  #resultOf(name) {
    const { all } = this.check;
    return all.find((result) => result.name === name) ?? all.find((result) => result.name === stepless(name));
  }

  /** The chosen results as the fields they withhold: each with the fields that show its numbers too. */
  #quizPatterns() {
    return [...this.quiz].flatMap((name) => {
      const step = /^steps\[(\d+)\]/.exec(name)?.[1];
      const gives = this.#resultOf(name)?.gives ?? [];
      return [name, ...gives.map((field) => (step === undefined ? field : field.replace("[]", `[${step}]`)))];
    });
  }

  /** Withhold the quiz's fields and the answered one's; draw again if numbers must leave the page. */
  #apply() {
    const added = setHidden([...this.#quizPatterns(), ...this.check.patterns()]);
    this.#schedule(added);
    this.#showHidden();
  }

  /**
   * Draw again once, after the current change: everything when `full`, else the equations.
   * @param {boolean} full
   */
  #schedule(full) {
    if (this.updating) return;
    if (this.pending === null) queueMicrotask(() => {
      const whole = this.pending;
      if (whole === null) return; // an answer came in meanwhile and is being drawn afresh
      this.pending = null;
      this.#showHidden();
      this.options.redraw(whole);
    });
    this.pending = Boolean(this.pending) || full;
  }

  #toggleCheck() {
    const on = !this.check.active;
    this.checkToggle.setAttribute("aria-pressed", String(on));
    this.check.toggle(on);
    if (on) this.check.element.querySelector("select")?.focus();
  }

  /** What exercise this is, or why the link's seed gave none. */
  #describeExercise() {
    const { link } = this.options;
    if (link.error) {
      this.exerciseNote.textContent = `The link's exercise could not be loaded (${link.error}); here is the example instead.`;
      this.exerciseNote.classList.add("is-error");
      return;
    }
    if (!link.exercise) {
      this.exerciseNote.hidden = true;
      return;
    }
    const asked = [...new Set(link.exercise.asks.map((name) => this.#resultOf(name)?.label.split(",")[0] ?? name))];
    this.exerciseNote.textContent = `Exercise ${link.seed} (${link.difficulty}): compute ${listWords(asked)} by hand, then check your answer.`;
  }

  /** The line that says what is hidden, with "Reveal all". */
  #showHidden() {
    const hidden = stillHidden();
    const label = (name) => {
      const words = this.#resultOf(name)?.label.split(",")[0] ?? name;
      const step = /^steps\[(\d+)\]/.exec(name)?.[1];
      return step === undefined ? words : `${words} at t = ${Number(step) + 1}`;
    };
    const names = [...new Set([...this.quiz].filter((name) => hidden.includes(name)).map(label))];
    const { check } = this;
    if (check.active && check.choice && hidden.includes(check.result) && !this.quiz.has(check.result)) names.push(`${label(check.result)} while you answer it`);
    this.hiddenNote.hidden = !names.length;
    if (!names.length) {
      this.hiddenNote.replaceChildren();
      return;
    }
    const reveal = button("Reveal all", () => {
      revealFields(stillHidden());
      this.#schedule(true);
    });
    this.hiddenNote.replaceChildren(`Hidden: ${listWords(names)}. Click a ? cell, or tab to the grid and press Enter on it, to reveal one number. `, reveal);
  }

  /** "Make a quiz link": which results to hide, and the link that hides them. */
  #quizMaker() {
    const { link } = this.options;
    this.quizChoices = element("fieldset", "quiz-choices");
    const said = element("p", "copy-status");
    said.setAttribute("role", "status");
    const copy = button("Copy quiz link", async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        said.textContent = "Quiz link copied: whoever opens it sees these results blank until they reveal them.";
      } catch {
        said.textContent = `Copy this link: ${location.href}`;
      }
    });
    const actions = element("div", "quiz-actions", copy);
    if (link.exercise) {
      const asked = link.exercise.asks.map(stepless);
      actions.prepend(button("Hide what the exercise asks", () => this.#setQuiz(asked)));
    }
    const hint = element("p", "field-hint", "Results ticked here are drawn blank, on this page and for whoever opens the link.");
    return element("details", "quiz-maker", element("summary", "", "Make a quiz link"), hint, this.quizChoices, actions, said);
  }

  /** A box for each result this problem has, ticked when the quiz hides it. */
  #listChoices() {
    this.listed = this.check.available;
    const ticked = () => [...this.quizChoices.querySelectorAll("input:checked")].map((box) => /** @type {HTMLInputElement} */ (box).value);
    const labels = this.check.available.map((result) => {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = result.name;
      box.checked = [...this.quiz].some((name) => name === result.name || stepless(name) === result.name);
      box.addEventListener("change", () => this.#setQuiz(ticked()));
      const every = result.name.startsWith("steps[]") ? " (every step)" : "";
      return element("label", "quiz-choice", box, ` ${result.label}${every}`);
    });
    this.quizChoices.replaceChildren(element("legend", "", "Hide on the page"), ...labels);
  }

  /** @param {string[]} names */
  #setQuiz(names) {
    this.quiz = new Set(names);
    this.options.link.setHide(names);
    for (const box of this.quizChoices.querySelectorAll("input")) box.checked = this.quiz.has(box.value);
    this.#apply();
  }
}
