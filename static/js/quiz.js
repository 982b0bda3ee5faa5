/**
 * Quiz links and seeded exercises. Besides its problem, a page's link may carry:
 *
 * - `seed=42` (and `difficulty=medium`): the problem is exercise 42 of `GET /api/v1/exercise`,
 *   small integers whose answers are short, the same on every machine. Once the numbers are
 *   edited the seed no longer describes them, and the link spells them out instead.
 * - `hide=grad_input,grad_kernel`: these results are drawn blank until revealed (withhold.js);
 *   `steps[].grad_h` hides that result of every step, and on /network `layers[1].grad_input`
 *   (or `layers[0].param_grads.kernel`) a result of one layer.
 *
 * A seed wins over numbers written in the same link.
 */

import { getJson } from "./api.js";
import { choiceCodec, integerCodec, readQuery, safeDecode, toQuery, writeQuery } from "./state.js";

/** The exercise endpoint's difficulties; a link without one is "easy". */
export const DIFFICULTIES = ["easy", "medium", "hard"];
const MAX_SEED = 2 ** 53 - 1;
/**
 * A result's name as a link may write it: `grad_input`, `grad_W`, `steps[2].grad_h`, `steps[].grad_h`,
 * `layers[1].output`, `layers[0].param_grads.kernel`.
 */
const RESULT_NAME = /^(steps\[\d*\]\.|layers\[\d*\]\.(param_grads\.)?)?[A-Za-z_]+$/;

/** The list of hidden results, `a,b`; names that could be no result are dropped. */
export const hideCodec = {
  decode: (raw) => [...new Set(safeDecode(raw).split(",").map((name) => name.trim()).filter((name) => RESULT_NAME.test(name)))],
  encode: (names) => (names?.length ? names.join(",") : null),
};

const SEED_SCHEMA = { seed: integerCodec(0, MAX_SEED), difficulty: choiceCodec(DIFFICULTIES, "easy") };

/**
 * A share link's nested value as the share-link format writes it: rows by `;`, cells by `,`,
 * channels by `|`, kernels by `/`.
 * @param {any} value
 * @returns {string}
 */
function linkText(value) {
  if (!Array.isArray(value)) return encodeURIComponent(String(value));
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return value.map(linkText).join([",", ";", "|", "/"][depth - 1]);
}

/**
 * An API body as the query of a share link.
 * @param {Record<string, any>} body
 * @returns {string}
 */
export function bodyQuery(body) {
  return Object.entries(body)
    .map(([name, value]) => `${encodeURIComponent(name)}=${linkText(value)}`)
    .join("&");
}

/**
 * @typedef {object} Exercise one exercise of GET /api/v1/exercise
 * @property {number} index
 * @property {Record<string, any>} problem the layer endpoint's body
 * @property {string[]} asks results to compute, as /api/v1/check names them
 */

export class QuizLink {
  /**
   * @param {Record<string, import("./state.js").Codec>} schema the page's link fields
   * @param {Record<string, any>} extra what the link says beyond the problem
   */
  constructor(schema, extra) {
    this.schema = schema;
    this.fullSchema = { ...SEED_SCHEMA, ...schema, hide: hideCodec };
    /** @type {number|null} */
    this.seed = extra.seed ?? null;
    /** @type {string} */
    this.difficulty = extra.difficulty ?? "easy";
    /** @type {string[]} */
    this.hide = extra.hide ?? [];
    /** @type {Exercise|null} */
    this.exercise = null;
    /** @type {string|null} why the seed's exercise could not be loaded */
    this.error = null;
    /** @type {Record<string, any>} the page's fields, as read from the link */
    this.query = {};
    /** The problem's part of the link while it is still the seed's exercise. */
    this.seededProblem = "";
    /** @type {Record<string, any>|null} the fields last written */
    this.fields = null;
  }

  /**
   * Put the page's fields in the address bar: the seed while they are still its exercise, else
   * the numbers; the hidden results either way.
   * @param {Record<string, any>} fields what the page's schema writes
   */
  write(fields) {
    this.fields = fields;
    const seeded = this.seed !== null && this.problemQuery(fields) === this.seededProblem;
    const shown = seeded ? { seed: this.seed, difficulty: this.difficulty, step: fields.step } : fields;
    writeQuery(this.fullSchema, { ...shown, hide: this.hide });
  }

  /**
   * The problem's part of a link, without the view's step.
   * @param {Record<string, any>} fields
   */
  problemQuery(fields) {
    return toQuery(this.schema, { ...fields, step: null });
  }

  /**
   * Hide other results from now on (written to the address bar at once).
   * @param {string[]} names
   */
  setHide(names) {
    this.hide = [...new Set(names)];
    if (this.fields) this.write(this.fields);
  }

  /**
   * The link of a fresh exercise: a new seed, this difficulty, the same hidden results.
   * @param {string} difficulty
   */
  newExerciseHref(difficulty) {
    const seed = Math.floor(Math.random() * 1_000_000);
    const query = toQuery(this.fullSchema, { seed, difficulty, hide: this.hide });
    return `${location.pathname}?${query}`;
  }
}

/**
 * @typedef {object} HideLink the quiz part of the link of a page without exercises (/network)
 * @property {null} seed
 * @property {string} difficulty
 * @property {null} exercise
 * @property {null} error
 * @property {string[]} hide the results drawn blank
 * @property {(names: string[]) => void} setHide hide other results, and write the link at once
 */

/**
 * The results a link hides, on a page whose own code writes its link (with `hideCodec` for `hide`).
 * @param {string} search `location.search`
 * @param {() => void} write put the page's link, these results included, in the address bar
 * @returns {HideLink}
 */
export function hideLink(search, write) {
  return {
    seed: null,
    difficulty: "easy",
    exercise: null,
    error: null,
    hide: readQuery({ hide: hideCodec }, search).hide ?? [],
    setHide(names) {
      this.hide = [...new Set(names)];
      write();
    },
  };
}

/**
 * Read a page's link: its own fields, or those of the exercise its seed names.
 * @param {string} kind `conv`, `pool`, `activation` or `rnn`
 * @param {Record<string, import("./state.js").Codec>} schema the page's link fields
 * @param {string} search `location.search`
 * @param {(query: Record<string, any>) => Record<string, any>} toFields what the page writes back for
 *   a query it read (its state's link fields), so the link can tell when the problem has been edited
 * @returns {Promise<QuizLink>}
 */
export async function openLink(kind, schema, search, toFields) {
  const link = new QuizLink(schema, readQuery({ ...SEED_SCHEMA, hide: hideCodec }, search));
  const own = readQuery(schema, search);
  link.query = own;
  if (link.seed === null) return link;
  const params = new URLSearchParams({ kind, seed: String(link.seed), difficulty: link.difficulty });
  const answer = await getJson(`/api/v1/exercise?${params}`);
  if (!answer.ok) {
    link.error = answer.errors.map((error) => error.msg).join(" ");
    link.seed = null;
    return link;
  }
  link.exercise = answer.data.exercises[0];
  link.query = { ...readQuery(schema, `?${bodyQuery(link.exercise.problem)}`), step: own.step };
  link.seededProblem = link.problemQuery(toFields(link.query));
  return link;
}
