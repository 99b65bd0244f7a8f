// The signed-in token, kept for this browser tab only (sessionStorage), and the one way the pages
// call the API: with it as a bearer token. A 401 ends the session.

const TOKEN_KEY = 'caretrail.console.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token.trim().replace(/^Bearer\s+/i, ''));
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Who the token says it is, for display only: the API decides what it may do. */
  subject() {
    try {
      const payload = JSON.parse(atob(this.token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return { userId: String(payload.sub ?? '?'), role: String(payload.role ?? '') };
    } catch {
      return { userId: '?', role: '' };
    }
  },
};

/** A refused or failed call: the status and the API's problem+json (`code`, `detail`). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The API answered ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

let onUnauthorised = () => undefined;

/** What to do when the API refuses the token (401): the app shows the sign-in page. */
export function whenUnauthorised(handler) {
  onUnauthorised = handler;
}

/** Calls the API with the session's token; answers the parsed JSON (or the raw Response with `raw`). */
export async function api(path, { method = 'GET', body, raw = false, accept } = {}) {
  const headers = { Authorization: `Bearer ${session.token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = await response.json().catch(() => undefined);
    const error = new ApiError(response.status, problem);
    if (response.status === 401) onUnauthorised(error);
    throw error;
  }
  if (raw) return response;
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}
