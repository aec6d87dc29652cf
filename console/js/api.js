// The REST side of the server's public API (`/api/v1/...`), as Rocket.Chat's web client calls
// it: `X-User-Id` / `X-Auth-Token` from the login, kept in localStorage under the same keys
// Rocket.Chat's client uses, so a reload stays logged in.

const TOKEN_KEY = "Meteor.loginToken";
const USER_KEY = "Meteor.userId";

export class ApiError extends Error {
  constructor(status, body) {
    super(readableError(status, body));
    this.status = status;
    this.body = body;
    this.code = body?.errorType || body?.error;
  }
}

// Errors that are a bare code (no sentence), said the way a person would.
const READABLE_CODES = {
  "error-business-hours-are-closed": "The desk is closed now (business hours): you can become available when it opens.",
};

function readableError(status, body) {
  const known = READABLE_CODES[body?.errorType] ?? READABLE_CODES[body?.error];
  if (known) return known;
  if (status === 429) return "Too many attempts; wait a moment and try again.";
  if (status === 503) return "The server's database is unavailable; retrying may help.";
  if (body?.message && !body.error) return body.message;
  const error = String(body?.error ?? body?.message ?? `HTTP ${status}`);
  // Rocket.Chat's errors end with "[error-code]"; people read the sentence before it.
  const sentence = error.replace(/\s*\[[\w-]+\]\s*$/, "");
  return sentence || error;
}

export const session = {
  get userId() {
    return localStorage.getItem(USER_KEY);
  },
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  save(userId, token) {
    localStorage.setItem(USER_KEY, userId);
    localStorage.setItem(TOKEN_KEY, token);
    setFileCookies(userId, token);
  },
  clear() {
    localStorage.removeItem(USER_KEY);
    localStorage.removeItem(TOKEN_KEY);
    setFileCookies(null, null);
  },
};

/**
 * Uploaded files (`/file-upload/...`) are loaded by the browser itself (an <img>, a download
 * link), which cannot send headers: like Rocket.Chat's web client, the login also goes into
 * the `rc_uid` / `rc_token` cookies, for that path only, so no token appears in a URL.
 */
function setFileCookies(userId, token) {
  const attributes = "; path=/file-upload; SameSite=Strict";
  if (userId && token) {
    document.cookie = `rc_uid=${encodeURIComponent(userId)}${attributes}`;
    document.cookie = `rc_token=${encodeURIComponent(token)}${attributes}`;
  } else {
    for (const name of ["rc_uid", "rc_token"]) {
      document.cookie = `${name}=${attributes}; max-age=0`;
    }
  }
}
// A login kept from before this page loaded gets its cookies too.
if (session.token) setFileCookies(session.userId, session.token);

/** Called when the server says the stored login is no longer valid. */
let onLoggedOut = () => {};
export function whenLoggedOut(callback) {
  onLoggedOut = callback;
}

/**
 * One REST call. `query` becomes the query string (arrays as repeated `key[]=`), `body` JSON.
 * Resolves with the parsed body; rejects with an `ApiError` carrying the server's message.
 */
export async function call(method, path, { query, body } = {}) {
  const url = new URL(`/api/v1/${path}`, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(`${key}[]`, v));
    else url.searchParams.set(key, typeof value === "object" ? JSON.stringify(value) : value);
  }
  const headers = { Accept: "application/json" };
  if (session.token) {
    headers["X-User-Id"] = session.userId;
    headers["X-Auth-Token"] = session.token;
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: "The server cannot be reached." });
  }
  const parsed = await response.json().catch(() => ({}));
  if (response.status === 401 && session.token && path !== "login") onLoggedOut();
  if (!response.ok || parsed.success === false || parsed.status === "error") {
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

/** A multipart upload (`FormData`), with the login headers; answers like [`call`]. */
export async function upload(path, formData) {
  const headers = { Accept: "application/json" };
  if (session.token) {
    headers["X-User-Id"] = session.userId;
    headers["X-Auth-Token"] = session.token;
  }
  let response;
  try {
    response = await fetch(new URL(`/api/v1/${path}`, location.origin), {
      method: "POST",
      headers,
      body: formData,
    });
  } catch {
    throw new ApiError(0, { error: "The server cannot be reached." });
  }
  const parsed = await response.json().catch(() => ({}));
  if (!response.ok || parsed.success === false) throw new ApiError(response.status, parsed);
  return parsed;
}

export const get = (path, query) => call("GET", path, { query });
export const post = (path, body) => call("POST", path, { body: body ?? {} });

/**
 * Every item of a paginated list (`key` names the array in the answer), page by page, up to
 * `max` items.
 */
export async function getAll(path, key, query = {}, { pageSize = 100, max = Infinity } = {}) {
  const items = [];
  while (items.length < max) {
    const answer = await get(path, { ...query, offset: items.length, count: pageSize });
    const page = answer[key] ?? [];
    items.push(...page);
    if (page.length === 0 || items.length >= (answer.total ?? 0)) break;
  }
  return items;
}
