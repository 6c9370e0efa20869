// The one API client of the console: same-origin fetch with the session cookie, the CSRF proof on writes,
// and errors as ApiError (status, code, message, fields).
let csrfToken = null;
let onUnauthorized = () => {};

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `The server answered ${status}`);
    this.status = status;
    this.code = error.code ?? 'http_' + status;
    this.details = error.details ?? {};
    /** `{path: message}` of `details.fields`. */
    this.fields = Object.fromEntries((this.details.fields ?? []).map((f) => [f.path, f.message]));
  }
}

/** Sets the CSRF token of the current browser session (kept in memory only). */
export function setCsrf(token) { csrfToken = token; }
/** Called when an answer says the session has ended. */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/** Calls `/api/v1{path}`; resolves to the JSON answer (null for 204). With `{ quiet: true }` a 401 is only thrown,
 *  not reported as an ended session (a request sent alongside the session check). */
export async function api(method, path, body, { quiet = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: 'Spojka cannot be reached; check that the server runs.' } });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !quiet && !path.startsWith('/auth/') && path !== '/session') onUnauthorized(error);
    throw error;
  }
  return data;
}

/** A query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') q.set(key, value);
  // URLSearchParams writes a space as '+', which the server reads as a plus sign; a literal '+' is already %2B.
  const text = q.toString().replace(/\+/g, '%20');
  return text ? '?' + text : '';
}
