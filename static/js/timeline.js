/**
 * A timeline over numbered steps grouped in stages: play, pause, step back and forward, a
 * scrubber, a speed control and a button per stage. One clock drives it; the page draws each
 * step from the index it is given, so playing, scrubbing and stepping all draw the same way.
 *
 * Keys (outside text fields): K play/pause, J or "," one step back, L or "." one step forward;
 * on the scrubber the arrow keys, Home and End work as on any slider.
 */

/**
 * @typedef {object} TimelineStep
 * @property {number} stage index into the stages
 * @property {string} label what the step shows, as plain text
 *
 * @typedef {object} TimelineOptions
 * @property {string} label accessible name of the whole control
 * @property {(index: number, playing: boolean) => void} onStep draw step `index`
 * @property {number[]} [speeds] steps per second, default 0.5 to 16
 * @property {number} [speed] the starting speed, default 1
 */

export class Timeline {
  /** @param {TimelineOptions} options */
  constructor({ label, onStep, speeds = [0.5, 1, 2, 4, 8, 16], speed = 1 }) {
    this.onStep = onStep;
    /** @type {TimelineStep[]} */
    this.steps = [];
    /** @type {string[]} */
    this.stages = [];
    this.index = 0;
    this.speed = speed;
    this.timer = 0;

    this.element = document.createElement("div");
    this.element.className = "timeline";
    this.element.setAttribute("role", "group");
    this.element.setAttribute("aria-label", label);

    this.stageBar = document.createElement("div");
    this.stageBar.className = "timeline-stages";

    const controls = document.createElement("div");
    controls.className = "timeline-controls";
    this.backButton = button("◂ Back", "j", () => this.go(this.index - 1));
    this.playButton = button("▶ Play", "k", () => this.toggle());
    this.forwardButton = button("Next ▸", "l", () => this.go(this.index + 1));
    this.scrubber = document.createElement("input");
    this.scrubber.type = "range";
    this.scrubber.min = "0";
    this.scrubber.className = "timeline-scrubber";
    this.scrubber.setAttribute("aria-label", "Step");
    this.scrubber.addEventListener("input", () => this.go(Number(this.scrubber.value)));

    const speedLabel = document.createElement("label");
    speedLabel.className = "timeline-speed";
    speedLabel.textContent = "Speed ";
    this.speedSelect = document.createElement("select");
    for (const value of speeds) {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = `${value}×`;
      option.selected = value === speed;
      this.speedSelect.append(option);
    }
    this.speedSelect.addEventListener("change", () => {
      this.speed = Number(this.speedSelect.value);
      if (this.playing) this.#schedule();
    });
    speedLabel.append(this.speedSelect);
    controls.append(this.backButton, this.playButton, this.forwardButton, this.scrubber, speedLabel);

    this.caption = document.createElement("p");
    this.caption.className = "timeline-label";
    this.caption.setAttribute("aria-live", "polite");

    this.element.append(this.stageBar, controls, this.caption);
    document.addEventListener("keydown", (event) => this.#shortcut(event));
  }

  get playing() {
    return this.timer !== 0;
  }

  /**
   * New steps (after a new result), showing step `index`.
   * @param {TimelineStep[]} steps
   * @param {string[]} stages titles, in order
   * @param {number} index
   */
  setSteps(steps, stages, index) {
    this.pause();
    this.steps = steps;
    this.stages = stages;
    this.scrubber.max = String(Math.max(0, steps.length - 1));
    this.stageBar.replaceChildren(
      ...stages.map((title, stage) => {
        const first = steps.findIndex((step) => step.stage === stage);
        const jump = button(`${stage + 1} ${title}`, null, () => this.go(first));
        jump.disabled = first < 0;
        return jump;
      }),
    );
    this.go(index);
  }

  /**
   * Show step `index` (clamped to the steps there are).
   * @param {number} index
   */
  go(index) {
    if (!this.steps.length) return;
    this.index = Math.max(0, Math.min(this.steps.length - 1, index));
    const step = this.steps[this.index];
    this.scrubber.value = String(this.index);
    const text = `Step ${this.index + 1} of ${this.steps.length}: ${step.label}`;
    this.scrubber.setAttribute("aria-valuetext", text);
    this.caption.textContent = text;
    this.backButton.disabled = this.index === 0;
    this.forwardButton.disabled = this.index === this.steps.length - 1;
    [...this.stageBar.children].forEach((jump, stage) =>
      stage === step.stage ? jump.setAttribute("aria-current", "step") : jump.removeAttribute("aria-current"),
    );
    this.onStep(this.index, this.playing);
  }

  play() {
    if (this.playing || !this.steps.length) return;
    if (this.index >= this.steps.length - 1) this.go(0);
    this.#schedule();
    this.#showPlaying();
  }

  pause() {
    if (!this.playing) return;
    clearTimeout(this.timer);
    this.timer = 0;
    this.#showPlaying();
    this.onStep(this.index, false);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  #schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = 0;
      if (this.index >= this.steps.length - 1) {
        this.#showPlaying();
        this.onStep(this.index, false);
        return;
      }
      this.#schedule();
      this.go(this.index + 1);
    }, 1000 / this.speed);
  }

  #showPlaying() {
    this.playButton.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    this.element.classList.toggle("is-playing", this.playing);
  }

  /** @param {KeyboardEvent} event */
  #shortcut(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !this.steps.length) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest?.("input, textarea, select, [contenteditable]") && target !== this.scrubber) return;
    const key = event.key.toLowerCase();
    if (key === "k") this.toggle();
    else if (key === "j" || key === ",") this.go(this.index - 1);
    else if (key === "l" || key === ".") this.go(this.index + 1);
    else return;
    event.preventDefault();
  }
}

/**
 * @param {string} text
 * @param {string|null} key its keyboard shortcut, if it has one
 * @param {() => void} action
 */
function button(text, key, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  if (key) element.setAttribute("aria-keyshortcuts", key);
  element.addEventListener("click", action);
  return element;
}
