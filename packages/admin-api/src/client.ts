// `@enclave/admin-api/client`: a model-driven AWS Wickr Admin API client. Serializes an operation's
// input into the restJson1 request (labels, query, headers, JSON body), signs it with the AWS SigV4
// signer and parses the answer. Used by the CLI, the tests and the benchmarks; any AWS SDK works
// against the server too. Its own entry point, so bundles of the package's main entry (the web
// console) never load the signer.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { allOperations as allOps, shapes, signingName } from './model.js';

export interface AdminClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Extra headers for every request (e.g. X-Client-Token is set per call instead). */
  headers?: Record<string, string>;
}

export interface AdminResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly body: { message?: string; reasons?: { field?: string; reason?: string }[] } & Record<string, unknown>,
    readonly requestId: string | null,
  ) {
    super(`${errorType} (${status}): ${body.message ?? JSON.stringify(body)}`);
  }
}

export function operationNames(): string[] {
  return Object.keys(allOps).sort();
}

export interface BuiltRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: string;
}

/** Serializes an operation's input into an HTTP request per the model's bindings. */
export function buildRequest(operation: string, input: Record<string, unknown>): BuiltRequest {
  const op = allOps[operation];
  if (!op) throw new Error(`unknown operation ${operation}`);
  const shape = shapes[op.input];
  if (!shape || shape.type !== 'structure') throw new Error(`no input shape for ${operation}`);
  let path = op.uri;
  const query: Record<string, string | string[]> = {};
  const headers: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  let hasBody = false;
  for (const [name, m] of Object.entries(shape.members)) {
    const v = input[name];
    if (m.location === 'label') {
      if (v === undefined || v === null || v === '') throw new Error(`${operation}: ${name} is required`);
      path = path.replace(`{${name}}`, encodeURIComponent(String(v)));
    } else if (v === undefined || v === null) {
      if (!m.location) hasBody = true;
      continue;
    } else if (m.location === 'query') {
      query[m.locationName ?? name] = Array.isArray(v) ? v.map(String) : String(v);
    } else if (m.location === 'header') {
      headers[(m.locationName ?? name).toLowerCase()] = String(v);
    } else {
      body[name] = v;
      hasBody = true;
    }
  }
  const req: BuiltRequest = { method: op.method, path, query, headers };
  if (hasBody) {
    req.body = JSON.stringify(body);
    req.headers['content-type'] = 'application/json';
  }
  return req;
}

export class AdminClient {
  readonly #signer: SignatureV4;
  readonly #url: URL;

  constructor(readonly options: AdminClientOptions) {
    this.#url = new URL(options.endpoint);
    this.#signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: signingName, sha256: Sha256 });
  }

  /** Calls an operation; throws AdminApiError for a modelled error. */
  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown> = {}): Promise<T> {
    return (await this.send<T>(operation, input)).body;
  }

  async send<T = Record<string, unknown>>(operation: string, input: Record<string, unknown> = {}): Promise<AdminResponse<T>> {
    return this.sendRaw<T>(buildRequest(operation, input));
  }

  /** Signs and sends an already-built request (tests use it to send what no SDK would). */
  async sendRaw<T = Record<string, unknown>>(built: BuiltRequest): Promise<AdminResponse<T>> {
    const basePath = this.#url.pathname.replace(/\/$/, '');
    const request = new HttpRequest({
      method: built.method,
      protocol: this.#url.protocol,
      hostname: this.#url.hostname,
      ...(this.#url.port ? { port: Number(this.#url.port) } : {}),
      path: basePath + built.path,
      query: built.query,
      headers: { host: this.#url.host, ...this.options.headers, ...built.headers },
      ...(built.body !== undefined ? { body: built.body } : {}),
    });
    const signed = await this.#signer.sign(request);
    const qs = Object.entries(built.query)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
      .join('&');
    const url = `${this.#url.protocol}//${this.#url.host}${basePath}${built.path}${qs ? `?${qs}` : ''}`;
    const headers = { ...signed.headers };
    delete headers.host;
    const res = await fetch(url, { method: built.method, headers, ...(built.body !== undefined ? { body: built.body } : {}) });
    const text = await res.text();
    let body: unknown = {};
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text };
      }
    }
    if (res.status >= 400) {
      throw new AdminApiError(res.status, res.headers.get('x-amzn-errortype') ?? 'UnknownError', body as AdminApiError['body'], res.headers.get('x-amzn-requestid'));
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }
}
