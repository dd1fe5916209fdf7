/**
 * http.ts — owns the REST transport of the SDK: bearer-token requests to `/v1/...`, validation of
 * every answer with the wire schemas, mapping of error bodies to EnclaveError (the guide's texts)
 * and of network failures to `unable_to_connect`. Sends only what callers hand it (ciphertext and
 * routing metadata); never logs bodies or tokens.
 */
import { ErrorBody } from '@enclave/protocol';
import { EnclaveError, connectError, textFor } from './errors.js';
import type { Logger } from './logger.js';

/** Anything with zod's safeParse (the wire schemas); avoids a direct zod dependency. */
export interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
}

export interface HttpOptions {
  server: string;
  fetch?: typeof fetch;
  logger: Logger;
  token?: () => string | undefined;
  /** Called on 401 answers (session_expired, device_reset, unauthorized) before the error is thrown. */
  onAuthFailure?: (err: EnclaveError) => void;
}

export interface RequestOptions {
  body?: unknown;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Send without the bearer token (register, login). */
  anonymous?: boolean;
}

export class Http {
  readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: HttpOptions) {
    this.base = opts.server.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The WebSocket URL of the server (`ws(s)://host/v1/socket`). */
  socketUrl(): string {
    return this.base.replace(/^http/, 'ws') + '/v1/socket';
  }

  private async send(method: string, path: string, ro: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { ...ro.headers };
    const token = ro.anonymous ? undefined : this.opts.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: RequestInit['body'];
    if (ro.bytes) {
      headers['content-type'] = 'application/octet-stream';
      body = new Uint8Array(ro.bytes);
    } else if (ro.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(ro.body);
    }
    const started = Date.now();
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, { method, headers, body, signal: AbortSignal.timeout(ro.timeoutMs ?? 30_000) });
    } catch (err) {
      this.opts.logger.log('warn', 'http.unreachable', { method, path: redactPath(path), error: (err as Error).name });
      throw connectError();
    }
    this.opts.logger.log('debug', 'http', { method, path: redactPath(path), status: res.status, ms: Date.now() - started });
    if (!res.ok) throw await this.errorOf(res);
    return res;
  }

  private async errorOf(res: Response): Promise<EnclaveError> {
    let parsed: ErrorBody | undefined;
    try {
      const r = ErrorBody.safeParse(await res.json());
      if (r.success) parsed = r.data;
    } catch {
      /* not JSON */
    }
    const code = parsed?.code ?? (res.status === 401 ? 'unauthorized' : res.status === 404 ? 'not_found' : res.status >= 500 ? 'internal' : 'bad_request');
    const err = new EnclaveError(code, parsed?.message ?? textFor(code), {
      status: res.status,
      ...(parsed?.details ? { details: parsed.details } : {}),
      ...(parsed?.lockedUntil !== undefined ? { lockedUntil: parsed.lockedUntil } : {}),
    });
    if (res.status === 401) this.opts.onAuthFailure?.(err);
    return err;
  }

  /** A JSON request whose answer is validated with `schema`. */
  async json<T>(method: string, path: string, schema: Schema<T>, ro: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, ro);
    let data: unknown;
    try {
      data = await res.json();
    } catch {
      throw connectError();
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      this.opts.logger.log('error', 'http.bad_response', { method, path: redactPath(path) });
      throw new EnclaveError('internal', 'The server sent an answer this client does not understand.');
    }
    return parsed.data;
  }

  /** A request whose answer has no body (204/202). */
  async empty(method: string, path: string, ro: RequestOptions = {}): Promise<void> {
    const res = await this.send(method, path, ro);
    await res.arrayBuffer().catch(() => undefined);
  }

  async bytes(method: string, path: string, ro: RequestOptions = {}): Promise<Uint8Array> {
    const res = await this.send(method, path, ro);
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch {
      throw connectError();
    }
  }
}

/** Paths carry IDs only, but e-mail addresses in lookups are dropped from logs. */
function redactPath(path: string): string {
  return path.replace(/\?.*$/, '?…');
}

export function q(v: string | number): string {
  return encodeURIComponent(String(v));
}
