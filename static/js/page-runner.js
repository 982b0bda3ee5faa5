/**
 * The cycle every explorer page runs around its own drawing. An edit becomes the page's state and
 * goes into the link at once, and to the API a moment later; a request still on its way is
 * dropped, and a slow one says "Computing…". The API's messages go beside the fields they name,
 * with a status line for the rest, and results already drawn turn stale until the settings work
 * again. The timeline opens at the step the link names, and the step a paused timeline shows
 * goes back into the link.
 */

import { postJson } from "./api.js";
import { setUpCopyLink } from "./state.js";
import { Timeline } from "./timeline.js";
import { typedErrors } from "./typed-numbers.js";

/**
 * @typedef {import("./api.js").FieldError} FieldError
 *
 * @typedef {object} PageForm the page's settings panel
 * @property {(state: any) => void} sync bring the controls in line with a state
 * @property {(errors: FieldError[]) => FieldError[]} setErrors show messages; returns the ones no field owns
 *
 * @typedef {object} RunnerOptions
 * @property {string} api the endpoint the page posts its request to
 * @property {Record<string, any> & {step: number|null}} state the state the link describes
 * @property {(state: any) => void} writeLink put a state in the address bar
 * @property {(state: any) => Record<string, any>} requestBody
 * @property {(state: any) => number} delay milliseconds to wait after an edit before asking the API
 * @property {string} timelineLabel the accessible name of the timeline
 * @property {(index: number, follow: boolean) => void} drawStep draw timeline step `index`;
 *   `follow`: the timeline was moved by the learner, so bring the step into view
 * @property {(body: Record<string, any>, data: any, more: any) => void} onAnswer a new answer to draw
 * @property {(body: Record<string, any>, signal: AbortSignal) => Promise<any>} [askMore] what else the
 *   page needs once the answer is good; aborted with it
 * @property {string} [noun] what the status line calls a field, default "field"
 */

export class PageRunner {
  /** @param {RunnerOptions} options */
  constructor(options) {
    this.options = options;
    this.state = options.state;
    /** @type {PageForm|null} */
    this.form = null;
    /** @type {AbortController|null} */
    this.request = null;
    this.timer = 0;
    /** Whether an answer has been drawn: a mistake in the settings then makes it stale. */
    this.answered = false;
    /** Off while a new answer opens the timeline at the link's step, so the page does not scroll. */
    this.followSteps = false;
    this.status = /** @type {HTMLElement} */ (document.getElementById("status"));
    this.results = /** @type {HTMLElement} */ (document.getElementById("results"));
    this.timeline = new Timeline({ label: options.timelineLabel, onStep: (index, playing) => this.#onStep(index, playing) });
    document.getElementById("timeline")?.append(this.timeline.element);
    setUpCopyLink(() => this.writeLink());
  }

  /**
   * Put the settings panel in the page: it follows every edit, and shows the API's messages.
   * @param {PageForm & {element: HTMLElement}} form
   */
  attach(form) {
    this.form = form;
    document.getElementById("editors")?.append(form.element);
  }

  /**
   * A new state from an edit: into the panel and the link now, to the API soon.
   * @param {Record<string, any>} next
   */
  edit(next) {
    this.state = { ...next, step: null };
    this.form?.sync(this.state);
    this.writeLink();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.compute(), this.options.delay(this.state));
  }

  /** Put the current state in the address bar. */
  writeLink() {
    this.options.writeLink(this.state);
  }

  /** Ask the API for the current state's answer; only the latest request's answer is drawn. */
  async compute() {
    const { api, requestBody, askMore, onAnswer, noun } = this.options;
    const body = requestBody(this.state);
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    const { signal } = controller;
    const slow = setTimeout(() => (this.status.textContent = "Computing…"), 300);
    let result;
    let more;
    try {
      result = await postJson(api, body, { signal });
      if (result.ok && askMore) more = await askMore(body, signal);
    } catch (error) {
      if (error.name === "AbortError") return;
      throw error;
    } finally {
      clearTimeout(slow);
    }
    if (this.request !== controller) return;
    const errors = result.ok ? [] : withTypedErrors(result.errors, typedErrors(body));
    showStatus(this.status, errors, this.form ? this.form.setErrors(errors) : errors, noun);
    this.results.classList.toggle("is-stale", !result.ok && this.answered);
    if (!result.ok) return;
    this.answered = true;
    onAnswer(body, result.data, more);
  }

  /**
   * New steps for the timeline, after a new answer: it opens at the link's step, else at the last.
   * @param {import("./timeline.js").TimelineStep[]} steps
   * @param {string[]} titles the stages' titles
   */
  showSteps(steps, titles) {
    const last = steps.length - 1;
    const start = this.state.step === null ? last : Math.min(last, this.state.step - 1);
    this.followSteps = false;
    this.timeline.setSteps(steps, titles, start);
    this.followSteps = true;
  }

  /**
   * Draw timeline step `index`; while paused, the step goes into the link.
   * @param {number} index
   * @param {boolean} playing
   */
  #onStep(index, playing) {
    this.options.drawStep(index, this.followSteps);
    if (!playing) {
      this.state.step = index === this.timeline.steps.length - 1 ? null : index + 1;
      this.writeLink();
    }
  }
}

/**
 * The API's messages, where the browser's own words replace those for fields it could not read:
 * the API only sees a string where a number belongs, the browser knows whether the cell was empty,
 * overflowed or held text.
 * @param {FieldError[]} errors from the API
 * @param {FieldError[]} typed from `typedErrors`
 * @returns {FieldError[]}
 */
function withTypedErrors(errors, typed) {
  const byField = new Map(typed.map((error) => [error.field, error]));
  const merged = errors.map((error) => byField.get(error.field) ?? error);
  for (const error of typed) if (!merged.includes(error)) merged.push(error);
  return [...new Set(merged)];
}

/**
 * The status line after an answer: empty when it is fine, else how many fields need attention
 * and any message that belongs to no field.
 * @param {HTMLElement} status
 * @param {FieldError[]} errors all of them
 * @param {FieldError[]} unplaced those shown nowhere else
 * @param {string} [noun] what the page calls a field
 */
function showStatus(status, errors, unplaced, noun = "field") {
  status.classList.toggle("is-error", errors.length > 0);
  if (!errors.length) {
    status.textContent = "";
    return;
  }
  const one = errors.length === 1;
  const rest = unplaced.map((error) => error.msg).join(" ");
  status.textContent = `${one ? `A ${noun} needs` : `${errors.length} ${noun}s need`} attention: see the message${one ? "" : "s"} beside ${one ? "it" : "them"}. ${rest}`;
}
