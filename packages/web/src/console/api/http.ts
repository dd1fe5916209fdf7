// The console's HTTP core: same-origin fetch with the console session cookie, the CSRF token on
// unsafe methods (docs/console-sessions.md), and AWS-shaped errors (x-amzn-errortype + {message,
// reasons}) turned into ApiError.

export interface Reason {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly reasons: Reason[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Header that carries the CSRF token of the session on POST/PUT/PATCH/DELETE. */
export const CSRF_HEADER = 'X-CSRF-Token';
const CSRF_KEY = 'enclave.console.csrf';

let csrfToken: string | null = readStored();
let onUnauthorized: ((err: ApiError) => void) | undefined;

function readStored(): string | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

export function setCsrfToken(token: string | null) {
  csrfToken = token;
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // storage unavailable: the token lives in memory for this page only
  }
}

/** Called when a request is refused because the session is missing or expired (401). */
export function setUnauthorizedHandler(handler: ((err: ApiError) => void) | undefined) {
  onUnauthorized = handler;
}

export interface RequestOptions {
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Do not report a 401 to the unauthorized handler (the sign-in calls themselves). */
  quiet401?: boolean;
}

export function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path + queryString(options.query), { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new ApiError('NetworkError', 0, err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const obj = (json && typeof json === 'object' ? json : {}) as { message?: unknown; Message?: unknown; reasons?: unknown };
    const type = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${res.status}`;
    const message = typeof obj.message === 'string' ? obj.message : typeof obj.Message === 'string' ? obj.Message : res.statusText || type;
    const reasons = Array.isArray(obj.reasons)
      ? obj.reasons.filter((r): r is Reason => !!r && typeof r === 'object' && typeof (r as Reason).reason === 'string').map((r) => ({ field: String(r.field ?? ''), reason: r.reason }))
      : [];
    const err = new ApiError(type, res.status, message, reasons);
    if (res.status === 401 && !options.quiet401) onUnauthorized?.(err);
    throw err;
  }
  return (json ?? {}) as T;
}

/** A random idempotency token (X-Client-Token): a retried create is done once. */
export function clientToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
