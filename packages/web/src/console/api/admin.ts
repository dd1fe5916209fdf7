// The admin API as the console calls it: every operation at its restJson1 method and URI, labels in
// the path, query members in the query string, header members as headers and the rest as the JSON
// body, exactly as the model binds them (packages/server/src/model). Types come from the model.
import type { OperationTypes } from '../../../../server/src/model/types.generated';
import { request } from './http';

export type * from '../../../../server/src/model/types.generated';

/** Country code and phone number of a user (Enclave's extension of the invite and edit inputs). */
export interface UserPhone {
  /** 1–3 digits; a leading + is dropped by the server. '' clears it (UpdateUser). */
  countryCode?: string;
  /** 4–15 digits; spaces, dashes, dots and parentheses are dropped by the server. '' clears it (UpdateUser). */
  cell?: string;
}

/** The consent pop-up as UpdateNetworkSettings takes it and GetNetworkSettings lists it (JSON value). */
export interface ConsentPopup {
  enabled: boolean;
  title: string;
  body: string;
  buttonLabel: string;
}

type ModelInput<K extends keyof OperationTypes> = OperationTypes[K]['input'];

/** Enclave's documented extensions (docs/api-compat.md); they replace the members they widen. */
export interface Extensions {
  UpdateNetwork: { accessLevel?: 'STANDARD' | 'PREMIUM'; enablePremiumFreeTrial?: boolean };
  BatchCreateUser: { users: (ModelInput<'BatchCreateUser'>['users'][number] & UserPhone)[] };
  UpdateUser: { userDetails?: NonNullable<ModelInput<'UpdateUser'>['userDetails']> & UserPhone };
  UpdateNetworkSettings: { settings: ModelInput<'UpdateNetworkSettings'>['settings'] & { consentPopup?: Partial<ConsentPopup>; sessionIdleTimeoutMinutes?: number } };
}

interface TaggingTypes {
  TagResource: { input: { resourceArn: string; tags: Record<string, string> }; output: Record<string, never> };
  UntagResource: { input: { resourceArn: string; tagKeys: string[] }; output: Record<string, never> };
  ListTagsForResource: { input: { resourceArn: string }; output: { tags: Record<string, string> } };
}

type Ops = OperationTypes & TaggingTypes;
export type OperationName = keyof Ops;
export type Input<K extends OperationName> = K extends keyof Extensions ? Omit<Ops[K]['input'], keyof Extensions[K]> & Extensions[K] : Ops[K]['input'];
export type Output<K extends OperationName> = Ops[K]['output'];

export interface Binding {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  uri: string;
  /** member → query parameter name */
  query: Record<string, string>;
  /** member → header name */
  headers: Record<string, string>;
}

function b(method: Binding['method'], uri: string, query: string[] = [], headers: string[] = []): Binding {
  const pairs = (list: string[]) => Object.fromEntries(list.map((x) => (x.includes('=') ? (x.split('=') as [string, string]) : [x, x])));
  return { method, uri, query: pairs(query), headers: pairs(headers) };
}

/** The route table of the model (checked against the server's model in test/console/api.test.ts). */
export const bindings: Record<OperationName, Binding> = {
  BatchCreateUser: b('POST', '/networks/{networkId}/users', [], ['clientToken=X-Client-Token']),
  BatchDeleteUser: b('POST', '/networks/{networkId}/users/batch-delete', [], ['clientToken=X-Client-Token']),
  BatchLookupUserUname: b('POST', '/networks/{networkId}/users/uname-lookup', [], ['clientToken=X-Client-Token']),
  BatchReinviteUser: b('PATCH', '/networks/{networkId}/users/re-invite', [], ['clientToken=X-Client-Token']),
  BatchResetDevicesForUser: b('PATCH', '/networks/{networkId}/users/{userId}/devices', [], ['clientToken=X-Client-Token']),
  BatchToggleUserSuspendStatus: b('PATCH', '/networks/{networkId}/users/toggleSuspend', ['suspend'], ['clientToken=X-Client-Token']),
  CreateBot: b('POST', '/networks/{networkId}/bots'),
  CreateDataRetentionBot: b('POST', '/networks/{networkId}/data-retention-bots'),
  CreateDataRetentionBotChallenge: b('POST', '/networks/{networkId}/data-retention-bots/challenge'),
  CreateNetwork: b('POST', '/networks'),
  CreateSecurityGroup: b('POST', '/networks/{networkId}/security-groups', [], ['clientToken=X-Client-Token']),
  DeleteBot: b('DELETE', '/networks/{networkId}/bots/{botId}'),
  DeleteDataRetentionBot: b('DELETE', '/networks/{networkId}/data-retention-bots'),
  DeleteNetwork: b('DELETE', '/networks/{networkId}', [], ['clientToken=X-Client-Token']),
  DeleteSecurityGroup: b('DELETE', '/networks/{networkId}/security-groups/{groupId}'),
  GetBot: b('GET', '/networks/{networkId}/bots/{botId}'),
  GetBotsCount: b('GET', '/networks/{networkId}/bots/count'),
  GetDataRetentionBot: b('GET', '/networks/{networkId}/data-retention-bots'),
  GetGuestUserHistoryCount: b('GET', '/networks/{networkId}/guest-users/count'),
  GetNetwork: b('GET', '/networks/{networkId}'),
  GetNetworkSettings: b('GET', '/networks/{networkId}/settings'),
  GetOidcInfo: b('GET', '/networks/{networkId}/oidc', ['clientId', 'code', 'grantType', 'redirectUri', 'url', 'clientSecret', 'codeVerifier', 'certificate']),
  GetOpentdfConfig: b('GET', '/networks/{networkId}/tdf'),
  GetSecurityGroup: b('GET', '/networks/{networkId}/security-groups/{groupId}'),
  GetUser: b('GET', '/networks/{networkId}/users/{userId}', ['startTime', 'endTime']),
  GetUsersCount: b('GET', '/networks/{networkId}/users/count'),
  ListBlockedGuestUsers: b('GET', '/networks/{networkId}/guest-users/blocklist', ['maxResults', 'sortDirection', 'sortFields', 'username', 'admin', 'nextToken']),
  ListBots: b('GET', '/networks/{networkId}/bots', ['nextToken', 'maxResults', 'sortFields', 'sortDirection', 'displayName', 'username', 'status', 'groupId']),
  ListDevicesForUser: b('GET', '/networks/{networkId}/users/{userId}/devices', ['nextToken', 'maxResults', 'sortFields', 'sortDirection']),
  ListGuestUsers: b('GET', '/networks/{networkId}/guest-users', ['maxResults', 'sortDirection', 'sortFields', 'username', 'billingPeriod', 'nextToken']),
  ListNetworks: b('GET', '/networks', ['maxResults', 'sortFields', 'sortDirection', 'nextToken']),
  ListSecurityGroupUsers: b('GET', '/networks/{networkId}/security-groups/{groupId}/users', ['nextToken', 'maxResults', 'sortFields', 'sortDirection']),
  ListSecurityGroups: b('GET', '/networks/{networkId}/security-groups', ['nextToken', 'maxResults', 'sortFields', 'sortDirection']),
  ListUsers: b('GET', '/networks/{networkId}/users', ['nextToken', 'maxResults', 'sortFields', 'sortDirection', 'firstName', 'lastName', 'username', 'status', 'groupId']),
  RegisterOidcConfig: b('POST', '/networks/{networkId}/oidc/save'),
  RegisterOidcConfigTest: b('POST', '/networks/{networkId}/oidc/test'),
  RegisterOpentdfConfig: b('POST', '/networks/{networkId}/tdf', ['dryRun']),
  UpdateBot: b('PATCH', '/networks/{networkId}/bots/{botId}'),
  UpdateDataRetention: b('PATCH', '/networks/{networkId}/data-retention-bots'),
  UpdateGuestUser: b('PATCH', '/networks/{networkId}/guest-users/{usernameHash}'),
  UpdateNetwork: b('PATCH', '/networks/{networkId}', [], ['clientToken=X-Client-Token']),
  UpdateNetworkSettings: b('PATCH', '/networks/{networkId}/settings'),
  UpdateSecurityGroup: b('PATCH', '/networks/{networkId}/security-groups/{groupId}'),
  UpdateUser: b('PATCH', '/networks/{networkId}/users'),
  TagResource: b('POST', '/tags/{resourceArn}'),
  UntagResource: b('DELETE', '/tags/{resourceArn}', ['tagKeys']),
  ListTagsForResource: b('GET', '/tags/{resourceArn}'),
};

export interface BuiltRequest {
  method: Binding['method'];
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
  const binding = bindings[operation];
  const rest: Record<string, unknown> = { ...input };
  const path = binding.uri.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = rest[name];
    delete rest[name];
    if (v === undefined || v === null || v === '') throw new Error(`${operation}: missing path label ${name}`);
    return encodeURIComponent(scalar(v));
  });
  const query: Record<string, string | string[]> = {};
  for (const [member, param] of Object.entries(binding.query)) {
    const v = rest[member];
    delete rest[member];
    if (v === undefined || v === null || v === '') continue;
    query[param] = Array.isArray(v) ? v.map(scalar) : scalar(v);
  }
  const headers: Record<string, string> = {};
  for (const [member, header] of Object.entries(binding.headers)) {
    const v = rest[member];
    delete rest[member];
    if (v !== undefined && v !== null && v !== '') headers[header] = scalar(v);
  }
  for (const k of Object.keys(rest)) if (rest[k] === undefined) delete rest[k];
  const hasBody = binding.method !== 'GET' && (binding.method !== 'DELETE' || Object.keys(rest).length > 0);
  return { method: binding.method, path, query, headers, ...(hasBody ? { body: rest } : {}) };
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
