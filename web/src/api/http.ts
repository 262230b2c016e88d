/** Fetch helpers for the webmail: same-origin cookies, the CSRF header, RFC 9457 problem details. */

let csrfToken: string | null = null;

/** Remember the anti-CSRF token returned by the sign-in API (sent as X-CSRF-Token). */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
  try {
    if (token) sessionStorage.setItem('preau.csrf', token);
    else sessionStorage.removeItem('preau.csrf');
  } catch {
    // Storage may be disabled (private mode): keep it in memory only.
  }
}

export function getCsrfToken(): string | null {
  if (csrfToken) return csrfToken;
  try {
    csrfToken = sessionStorage.getItem('preau.csrf');
  } catch {
    csrfToken = null;
  }
  if (!csrfToken) {
    // Some servers also expose the token in a readable cookie (double-submit pattern).
    const m = /(?:^|;\s*)(?:preau_csrf|csrf|XSRF-TOKEN)=([^;]+)/.exec(document.cookie);
    if (m) csrfToken = decodeURIComponent(m[1]);
  }
  return csrfToken;
}

/** An HTTP error carrying the RFC 9457 problem details when the server sent them. */
export class HttpError extends Error {
  status: number;
  code: string;
  detail: string;
  body: unknown;
  constructor(status: number, body: unknown) {
    const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    super(String(p.title ?? p.detail ?? `HTTP ${status}`));
    this.status = status;
    this.code = String(p.code ?? p.type ?? '');
    this.detail = String(p.detail ?? '');
    this.body = body;
  }
}

let onUnauthorized: (() => void) | null = null;
/** Called when the server answers 401 to a signed-in request (expired session). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

/** JSON request with cookies and the CSRF header on state-changing methods. */
export async function requestJson<T>(method: string, url: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  // X-Requested-With tells the server this is the web client (no Basic challenge wanted).
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = getCsrfToken();
  if (method !== 'GET' && method !== 'HEAD' && token) headers['X-CSRF-Token'] = token;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { title: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw new HttpError(res.status, data);
  }
  return data as T;
}
