// The gateway's API as the console calls it: every call carries the admin key the
// person typed in (kept in sessionStorage only, never in a URL or localStorage), and
// every refusal becomes an ApiError {status, field, problem} a page can show.

const KEY_ITEM = "tailor.console.key";
const OPEN_ITEM = "tailor.console.open";

/** A refused or failed call: the gateway's `{"error":{status, field, problem}}`. */
export class ApiError extends Error {
  constructor(status, field, problem) {
    super(problem);
    this.status = status;
    this.field = field;
    this.problem = problem;
  }
}

/** The key this browser tab logged in with ("" in open mode, null when logged out). */
export function storedKey() {
  if (sessionStorage.getItem(OPEN_ITEM) === "1") return "";
  return sessionStorage.getItem(KEY_ITEM);
}

export function rememberKey(key) {
  if (key) {
    sessionStorage.setItem(KEY_ITEM, key);
    sessionStorage.removeItem(OPEN_ITEM);
  } else {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.setItem(OPEN_ITEM, "1");
  }
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
  sessionStorage.removeItem(OPEN_ITEM);
}

// Set by the app: called on every 401, to go back to the login.
let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/**
 * Calls `method path` with `body` (JSON) and answers the parsed JSON.
 * Throws ApiError on any non-2xx answer or network failure; a 401 also returns to the login.
 * `options.key` overrides the stored key (the login checks a key before keeping it);
 * `options.signal` aborts the call when the page is left.
 */
export async function api(method, path, body, options = {}) {
  const headers = { accept: "application/json" };
  const key = options.key !== undefined ? options.key : storedKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal: options.signal, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, undefined, `the gateway did not answer (${error.message})`);
  }
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : {}; } catch { json = undefined; }
  if (!response.ok) {
    const error = (json && json.error) || {};
    const failure = new ApiError(response.status, error.field, error.problem || `${response.status} ${response.statusText || "error"}`);
    if (response.status === 401 && options.key === undefined) onUnauthorized(failure);
    throw failure;
  }
  if (json === undefined) throw new ApiError(response.status, undefined, "the answer is not JSON");
  return json;
}

export const get = (path, options) => api("GET", path, undefined, options);
export const put = (path, body, options) => api("PUT", path, body, options);
export const post = (path, body, options) => api("POST", path, body, options);

/** `path` with the query parameters that have a value. */
export function withQuery(path, parameters) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** One path segment, escaped. */
export const segment = (value) => encodeURIComponent(value);
