/**
 * The one way the pages talk to the JSON API. A 4xx comes back as a list of field messages,
 * never as an exception, so a page can put each message next to the field it names.
 */

/**
 * @typedef {{field: string, msg: string}} FieldError
 * @typedef {{ok: true, data: any} | {ok: false, status: number, errors: FieldError[]}} ApiResult
 */

/**
 * POST `body` as JSON to `path`.
 * @param {string} path
 * @param {unknown} body
 * @param {{signal?: AbortSignal}} [options] an aborted request rejects with an AbortError
 * @returns {Promise<ApiResult>}
 */
export function postJson(path, body, { signal } = {}) {
  return send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

/**
 * GET `path` (with its query) as JSON.
 * @param {string} path
 * @param {{signal?: AbortSignal}} [options] an aborted request rejects with an AbortError
 * @returns {Promise<ApiResult>}
 */
export function getJson(path, { signal } = {}) {
  return send(path, { headers: { Accept: "application/json" }, signal });
}

/**
 * @param {string} path
 * @param {RequestInit} init
 * @returns {Promise<ApiResult>}
 */
async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { ok: false, status: 0, errors: [{ field: "request", msg: "the server could not be reached" }] };
  }
  const payload = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: payload };
  return { ok: false, status: response.status, errors: fieldErrors(payload, response.status) };
}

/**
 * The API's `{"detail": [{field, msg}]}` as a list; anything else as one message about the request.
 * @param {any} payload
 * @param {number} status
 * @returns {FieldError[]}
 */
export function fieldErrors(payload, status) {
  const detail = payload && Array.isArray(payload.detail) ? payload.detail : null;
  if (!detail) return [{ field: "request", msg: `the server answered ${status}` }];
  return detail.map((item) => ({ field: String(item.field ?? "request"), msg: String(item.msg ?? "is invalid") }));
}

/**
 * The request field an error belongs to: `terms_at[0].index` → `terms_at`.
 * @param {string} field
 * @returns {string}
 */
export function topField(field) {
  return field.split(/[.[]/, 1)[0];
}

/**
 * The message without its leading `field: `, for showing right beside that field.
 * @param {FieldError} error
 * @returns {string}
 */
export function messageBesideField(error) {
  const prefix = `${error.field}: `;
  return error.msg.startsWith(prefix) ? error.msg.slice(prefix.length) : error.msg;
}

/**
 * Where in an array a message points, as the API words it ("kernel 2, channel 1, row 3, column 2").
 * Numbers are 1-based as in the message; absent parts are undefined.
 * @param {string} message
 * @returns {{kernel?: number, channel?: number, row?: number, column?: number} | null}
 */
export function messageLocation(message) {
  const found = {};
  for (const part of ["kernel", "channel", "row", "column"]) {
    const match = message.match(new RegExp(`\\b${part} (\\d+)\\b`));
    if (match) found[part] = Number(match[1]);
  }
  return Object.keys(found).length ? found : null;
}
