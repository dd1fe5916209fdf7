// The admin API as the console calls it: every operation at its restJson1 method and URI, labels in
// the path, query members in the query string, header members as headers and the rest as the JSON
// body, exactly as the model binds them. The route table and the types come from @enclave/admin-api
// (generated from the model, with Enclave's documented extensions); the model itself is not loaded.
import { routes, type ConsentPopupSetting, type OperationInput, type OperationName, type OperationOutput, type Route } from '@enclave/admin-api';
import { request } from './http';

export type * from '@enclave/admin-api';

/** The consent pop-up as UpdateNetworkSettings takes it and GetNetworkSettings lists it (JSON value). */
export type ConsentPopup = Required<ConsentPopupSetting>;

export type Input<K extends OperationName> = OperationInput<K>;
export type Output<K extends OperationName> = OperationOutput<K>;

export interface BuiltRequest {
  method: Route['method'];
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Splits an operation's input into path, query, headers and body as the model binds them. */
export function buildRequest(operation: OperationName, input: Record<string, unknown>): BuiltRequest {
  const route = routes[operation];
  const rest: Record<string, unknown> = { ...input };
  const path = route.uri.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = rest[name];
    delete rest[name];
    if (v === undefined || v === null || v === '') throw new Error(`${operation}: missing path label ${name}`);
    return encodeURIComponent(scalar(v));
  });
  const query: Record<string, string | string[]> = {};
  for (const [member, param] of Object.entries(route.query)) {
    const v = rest[member];
    delete rest[member];
    if (v === undefined || v === null || v === '') continue;
    query[param] = Array.isArray(v) ? v.map(scalar) : scalar(v);
  }
  const headers: Record<string, string> = {};
  for (const [member, header] of Object.entries(route.headers)) {
    const v = rest[member];
    delete rest[member];
    if (v !== undefined && v !== null && v !== '') headers[header] = scalar(v);
  }
  for (const k of Object.keys(rest)) if (rest[k] === undefined) delete rest[k];
  const hasBody = route.method !== 'GET' && (route.method !== 'DELETE' || Object.keys(rest).length > 0);
  return { method: route.method, path, query, headers, ...(hasBody ? { body: rest } : {}) };
}

/** Calls an admin API operation with the console session. */
export function call<K extends OperationName>(operation: K, input: Input<K>): Promise<Output<K>> {
  const r = buildRequest(operation, input as Record<string, unknown>);
  return request<Output<K>>(r.method, r.path, { query: r.query, headers: r.headers, body: r.body });
}

/** Follows nextToken until the end (at most `limit` items). */
export async function listAll<K extends OperationName, T>(
  operation: K,
  input: Input<K>,
  pick: (out: Output<K>) => T[] | undefined,
  limit = 100_000,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const out = await call(operation, { ...input, maxResults: 100, ...(nextToken ? { nextToken } : {}) } as Input<K>);
    items.push(...(pick(out) ?? []));
    nextToken = (out as { nextToken?: string }).nextToken;
  } while (nextToken && items.length < limit);
  return items;
}
