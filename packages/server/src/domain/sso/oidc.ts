// Single sign-on as the guide's SSO 組態 describes it: OpenID Connect only (no SAML). A network stores
// one OIDC configuration — company ID, issuer, client ID, optional client secret (sealed at rest, never
// returned), scopes, optional username claim, extra authorization parameters and the token-refresh
// grace period — and the admin API can test an issuer (real OIDC discovery) and exchange an
// authorization code at the provider's token endpoint. Also home of the small JSON-over-HTTP(S)
// client (timeout, optional custom CA) that the OpenTDF dry run uses as well.
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Selectable } from 'kysely';
import type { OidcConfigInfo, OidcTokenInfo, RegisterOidcConfigTestResponse } from '../../model/types.generated.js';
import type { OidcConfigsTable } from '../../infra/schema.js';
import { badRequest, validation } from '../../kernel/errors.js';

export type OidcConfigRow = Selectable<OidcConfigsTable>;

export const PROVIDER_TIMEOUT_MS = 5_000;
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const SSO_TOKEN_BUFFER_MAX_MINUTES = 1440;
export const COMPANY_ID_MAX = 64;
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8080';
export const REDIRECT_PATH = '/sso/callback';
/** Enclave stores one OIDC application per network; the model allows IDs 1–10. */
export const APPLICATION_ID = 1;

// ---------------------------------------------------------------------------------------------------
// JSON over HTTP(S)

export type FetchFailure = 'timeout' | 'network' | 'tls' | 'too-large';

export class ProviderFetchError extends Error {
  constructor(
    readonly kind: FetchFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface JsonFetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole-exchange deadline; defaults to 5 seconds. */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  ca?: string;
}

export interface JsonResponse {
  status: number;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  text: string;
}

const TLS_ERROR_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/**
 * One HTTP(S) request with a JSON answer. No redirects are followed, the answer is capped at 1 MiB,
 * and the whole exchange must finish within the timeout. Rejects with ProviderFetchError.
 */
export function fetchJson(url: URL, options: JsonFetchOptions = {}): Promise<JsonResponse> {
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<JsonResponse>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const finish = (err: Error | undefined, res?: JsonResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new ProviderFetchError('timeout', `${url.href} did not answer within ${timeoutMs / 1000} seconds`)), timeoutMs);
    const requestOptions: https.RequestOptions = { method: options.method ?? 'GET', headers, agent: false };
    if (isHttps && options.ca) requestOptions.ca = [...rootCertificates, options.ca];
    try {
      req = (isHttps ? https : http).request(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) finish(new ProviderFetchError('too-large', `the answer from ${url.href} exceeds ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          finish(undefined, { status: res.statusCode ?? 0, json, text });
        });
        res.on('error', (err) => finish(new ProviderFetchError('network', `reading the answer from ${url.href} failed: ${err.message}`)));
      });
    } catch (err) {
      finish(new ProviderFetchError('network', `could not send a request to ${url.href}: ${(err as Error).message}`));
      return;
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      const tls = err.code !== undefined && TLS_ERROR_CODES.has(err.code);
      const hint = tls ? ' (if the provider uses a private CA, pass its CA certificate in `certificate`)' : '';
      finish(new ProviderFetchError(tls ? 'tls' : 'network', `could not reach ${url.href}: ${err.message}${hint}`));
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------------
// Validation

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An identity or OpenTDF provider URL: https, or http for a loopback host only (local development and
 * tests). No credentials, query or fragment. Returns the reason when the URL is not acceptable.
 */
export function providerUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'it must be an https URL (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  if (url.username || url.password) return 'it must not contain credentials';
  if (url.search || url.hash) return 'it must not contain a query or fragment';
  return undefined;
}

/** The guide: only OpenID Connect providers; SAML is not supported. Said plainly when an admin tries. */
export const SAML_REFUSAL =
  'This looks like a SAML identity provider. Enclave, like AWS Wickr, supports only OpenID Connect (OIDC) providers for SSO; SAML is not supported. Use the OpenID Connect issuer of your provider (Entra ID, Okta, Amazon Cognito, IAM Identity Center and Keycloak all offer one).';

/** A SAML metadata URL (…/saml/…, …/FederationMetadata…, *.xml) or a SAML metadata document. */
export function looksLikeSaml(url: string, body?: string): boolean {
  if (body !== undefined && /<(?:\w+:)?EntityDescriptor\b|urn:oasis:names:tc:SAML/.test(body)) return true;
  try {
    const path = new URL(url).pathname.toLowerCase();
    return /(^|\/)saml2?(\/|$)|federationmetadata|\.xml$/.test(path);
  } catch {
    return false;
  }
}

/** Checks an issuer URL and returns it trimmed; BadRequestError 'issuer contains an invalid endpoint: …' otherwise. */
export function checkIssuer(raw: string): string {
  const issuer = raw.trim();
  if (issuer === '') throw badRequest('issuer is a required field');
  const problem = providerUrlProblem(issuer);
  if (problem) throw badRequest(`issuer contains an invalid endpoint: ${problem}`);
  if (looksLikeSaml(issuer)) throw badRequest(SAML_REFUSAL);
  return issuer;
}

const COMPANY_ID_RE = /^[A-Za-z0-9_]+$/;

/** The guide: "a unique text value of alphanumeric and underscore characters". */
export function checkCompanyId(companyId: string): void {
  if (companyId === '') throw badRequest('Company ID is required');
  if (!COMPANY_ID_RE.test(companyId) || companyId.length > COMPANY_ID_MAX) throw badRequest('Invalid companyId');
}

/** Scopes as a list; the input may separate them with spaces or commas. */
export function parseScopes(scopes: string): string[] {
  return scopes.split(/[\s,]+/).filter((s) => s !== '');
}

/** Checks the scopes (openid is mandatory) and returns them space-separated, as OAuth sends them. */
export function normalizeScopes(scopes: string): string {
  const list = parseScopes(scopes);
  if (list.length === 0) throw badRequest('scopes is a required field');
  if (!list.includes('openid')) throw badRequest('scopes must include openid');
  return [...new Set(list)].join(' ');
}

/** Authorization-request parameters Enclave sets itself; extraAuthParams cannot override them. */
export const RESERVED_AUTH_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];
const PARAM_KEY_RE = /^[A-Za-z0-9_.~-]+$/;
const PARAM_VALUE_RE = /^[^\s&=#]*$/;

/** Checks `k=v&k2=v2`; returns the trimmed string ('' when empty). */
export function checkExtraAuthParams(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (value === '') return '';
  const seen = new Set<string>();
  for (const pair of value.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const val = eq < 0 ? '' : pair.slice(eq + 1);
    if (eq < 0 || !PARAM_KEY_RE.test(key) || !PARAM_VALUE_RE.test(val)) {
      throw badRequest(`Invalid extraAuthParams: expected key=value pairs joined by & (for example prompt=login&domain_hint=example.com), got "${pair}"`);
    }
    if (RESERVED_AUTH_PARAMS.includes(key.toLowerCase())) throw badRequest(`Invalid extraAuthParams: ${key} is set by Enclave and cannot be overridden`);
    if (seen.has(key)) throw badRequest(`Invalid extraAuthParams: ${key} is given twice`);
    seen.add(key);
  }
  return value;
}

const CLAIM_RE = /^[^\s\p{Cc}]{1,256}$/u;

export function checkCustomUsername(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (value !== '' && !CLAIM_RE.test(value)) throw badRequest('Invalid customUsername: it must be the name of a claim in the ID token (for example upn)');
  return value;
}

export function checkTokenBuffer(minutes: number | undefined): number | null {
  if (minutes === undefined) return null;
  if (minutes < 0 || minutes > SSO_TOKEN_BUFFER_MAX_MINUTES) {
    throw validation('ssoTokenBufferMinutes', `must be between 0 and ${SSO_TOKEN_BUFFER_MAX_MINUTES} minutes`);
  }
  return minutes;
}

/** A PEM bundle of one or more X.509 certificates; BadRequestError otherwise. Returns undefined when empty. */
export function checkCertificate(pem: string | undefined): string | undefined {
  const value = (pem ?? '').trim();
  if (value === '') return undefined;
  const blocks = value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw badRequest('certificate is not a PEM-encoded X.509 certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw badRequest('certificate is not a PEM-encoded X.509 certificate');
    }
  }
  return blocks.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------
// Configuration

/** The public base URL of this server: ENCLAVE_PUBLIC_URL, else http://127.0.0.1:8080. */
export function publicBaseUrl(): string {
  const env = process.env.ENCLAVE_PUBLIC_URL?.trim();
  return (env || DEFAULT_PUBLIC_URL).replace(/\/+$/, '');
}

/** The redirect URI to register at the identity provider. */
export function redirectUrl(): string {
  return publicBaseUrl() + REDIRECT_PATH;
}

/** The stored configuration as admins see it: never the client secret. */
export function toOidcConfigInfo(row: OidcConfigRow): OidcConfigInfo {
  const out: OidcConfigInfo = {
    companyId: row.company_id,
    issuer: row.issuer,
    scopes: row.scopes,
    clientId: row.client_id,
    userId: row.client_id,
    redirectUrl: redirectUrl(),
    applicationId: row.application_id,
  };
  if (row.custom_username) out.customUsername = row.custom_username;
  if (row.extra_auth_params) out.extraAuthParams = row.extra_auth_params;
  if (row.sso_token_buffer_minutes !== null) out.ssoTokenBufferMinutes = row.sso_token_buffer_minutes;
  return out;
}

export const EMPTY_OIDC_INFO: OidcConfigInfo = { companyId: '', issuer: '', scopes: '' };

// ---------------------------------------------------------------------------------------------------
// Discovery and token exchange

export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  jwks_uri?: string;
  response_types_supported?: string[];
  scopes_supported?: string[];
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
}

const stripSlash = (s: string) => s.replace(/\/+$/, '');

/** Issuers compare equal up to a trailing slash (Entra's issuer is entered with one, the guide shows). */
export function sameIssuer(a: string, b: string): boolean {
  return stripSlash(a) === stripSlash(b);
}

export function discoveryUrl(issuer: string): URL {
  return new URL(`${stripSlash(issuer)}/.well-known/openid-configuration`);
}

function failure(err: unknown): never {
  if (err instanceof ProviderFetchError) throw badRequest(`OIDC discovery failed: ${err.message}`);
  throw err;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const strList = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/**
 * Fetches <issuer>/.well-known/openid-configuration and checks it: a JSON object naming the same
 * issuer, with an authorization and a token endpoint. Failures are BadRequestErrors saying what failed.
 */
export async function discover(issuer: string, ca?: string): Promise<DiscoveryDocument> {
  const url = discoveryUrl(issuer);
  const res = await fetchJson(url, { ca }).catch(failure);
  if (looksLikeSaml(issuer, res.text)) throw badRequest(SAML_REFUSAL);
  if (res.status < 200 || res.status > 299) throw badRequest(`OIDC discovery failed: ${url.href} answered HTTP ${res.status}`);
  const doc = res.json;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw badRequest(`OIDC discovery failed: ${url.href} did not answer with a JSON object`);
  const d = doc as Record<string, unknown>;
  const docIssuer = str(d.issuer);
  if (!docIssuer) throw badRequest(`OIDC discovery failed: the discovery document at ${url.href} has no issuer`);
  if (!sameIssuer(docIssuer, issuer)) {
    throw badRequest(`issuer mismatch: the discovery document names "${docIssuer}", but the given issuer is "${issuer}"`);
  }
  const out: DiscoveryDocument = { issuer: docIssuer };
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'end_session_endpoint', 'revocation_endpoint', 'jwks_uri'] as const) {
    const v = str(d[k]);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['response_types_supported', 'scopes_supported', 'grant_types_supported', 'token_endpoint_auth_methods_supported'] as const) {
    const v = strList(d[k]);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (!out[k]) throw badRequest(`OIDC discovery failed: the discovery document at ${url.href} has no ${k}`);
  }
  return out;
}

/** What RegisterOidcConfigTest checks beyond discovery: the requested scopes and the code flow. */
export function checkProviderSupports(doc: DiscoveryDocument, scopes: string[]): void {
  if (doc.scopes_supported) {
    for (const s of scopes) if (!doc.scopes_supported.includes(s)) throw badRequest(`scope ${s} is not supported by the provider`);
  }
  if (doc.response_types_supported && !doc.response_types_supported.includes('code')) {
    throw badRequest('the provider does not support the authorization code flow (response_types_supported lacks "code")');
  }
  if (doc.grant_types_supported && !doc.grant_types_supported.includes('authorization_code')) {
    throw badRequest('the provider does not support the authorization_code grant (grant_types_supported lacks it)');
  }
}

/**
 * The provider's signing keys (jwks_uri): ID tokens are verified against them, so a test connection
 * fails when they cannot be fetched or hold no key.
 */
export async function checkJwks(doc: DiscoveryDocument, ca?: string): Promise<void> {
  if (!doc.jwks_uri) throw badRequest('the discovery document has no jwks_uri: ID token signatures could not be verified');
  const problem = providerUrlProblem(doc.jwks_uri);
  if (problem) throw badRequest(`the provider's jwks_uri ${doc.jwks_uri} is not acceptable: ${problem}`);
  let res: JsonResponse;
  try {
    res = await fetchJson(new URL(doc.jwks_uri), { ca });
  } catch (err) {
    if (err instanceof ProviderFetchError) throw badRequest(`the provider's signing keys (jwks_uri) could not be fetched: ${err.message}`);
    throw err;
  }
  const keys = res.json && typeof res.json === 'object' ? (res.json as { keys?: unknown }).keys : undefined;
  if (res.status < 200 || res.status > 299) throw badRequest(`the provider's signing keys (jwks_uri ${doc.jwks_uri}) answered HTTP ${res.status}`);
  if (!Array.isArray(keys) || keys.length === 0) throw badRequest(`the provider's signing keys (jwks_uri ${doc.jwks_uri}) hold no key: ID token signatures could not be verified`);
}

/**
 * Checks the client ID and secret at the token endpoint without a user: a token request with a code
 * that cannot be valid. A provider that knows the client answers invalid_grant (the code); one that
 * does not accept the client answers invalid_client / unauthorized_client, which is reported.
 */
export async function checkClient(doc: DiscoveryDocument, client: { clientId: string; clientSecret?: string; redirectUri: string; ca?: string }): Promise<void> {
  try {
    await exchangeCode({
      tokenEndpoint: doc.token_endpoint!,
      authMethods: doc.token_endpoint_auth_methods_supported,
      grantType: 'authorization_code',
      code: 'enclave-connection-test',
      redirectUri: client.redirectUri,
      clientId: client.clientId,
      ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
      ...(client.ca ? { ca: client.ca } : {}),
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/token exchange failed: (invalid_client|unauthorized_client)\b/.test(message)) {
      throw badRequest(`the provider does not accept the client ID ${client.clientId}${client.clientSecret ? ' with the stored client secret' : ' without a client secret'} (${message.replace('token exchange failed: ', '')})`);
    }
    if (/token exchange failed: (could not reach|.* did not answer)/.test(message)) throw err;
    // invalid_grant and the like: the client was accepted, the made-up code was not (as expected).
  }
}

export function toTestResponse(doc: DiscoveryDocument): RegisterOidcConfigTestResponse {
  const out: RegisterOidcConfigTestResponse = { issuer: doc.issuer };
  if (doc.token_endpoint) out.tokenEndpoint = doc.token_endpoint;
  if (doc.userinfo_endpoint) out.userinfoEndpoint = doc.userinfo_endpoint;
  if (doc.authorization_endpoint) out.authorizationEndpoint = doc.authorization_endpoint;
  if (doc.end_session_endpoint) out.endSessionEndpoint = doc.end_session_endpoint;
  if (doc.revocation_endpoint) out.revocationEndpoint = doc.revocation_endpoint;
  if (doc.response_types_supported) out.responseTypesSupported = doc.response_types_supported;
  if (doc.scopes_supported) out.scopesSupported = doc.scopes_supported;
  if (doc.grant_types_supported) out.grantTypesSupported = doc.grant_types_supported;
  if (doc.token_endpoint_auth_methods_supported) out.tokenEndpointAuthMethodsSupported = doc.token_endpoint_auth_methods_supported;
  return out;
}

export interface TokenRequest {
  tokenEndpoint: string;
  authMethods?: string[];
  grantType: string;
  code: string;
  redirectUri: string;
  clientId: string;
  clientSecret?: string;
  codeVerifier?: string;
  ca?: string;
}

/**
 * The authorization-code exchange (RFC 6749 §4.1.3). A confidential client authenticates with
 * client_secret_post when the provider lists it, else with client_secret_basic (the RFC's default).
 */
export async function exchangeCode(req: TokenRequest): Promise<OidcTokenInfo> {
  const problem = providerUrlProblem(req.tokenEndpoint);
  if (problem) throw badRequest(`token exchange failed: the provider's token_endpoint ${req.tokenEndpoint} is not acceptable: ${problem}`);
  const form = new URLSearchParams({ grant_type: req.grantType, code: req.code, redirect_uri: req.redirectUri });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (req.clientSecret) {
    if (req.authMethods?.includes('client_secret_post')) {
      form.set('client_id', req.clientId);
      form.set('client_secret', req.clientSecret);
    } else {
      const enc = (s: string) => encodeURIComponent(s);
      headers.authorization = `Basic ${Buffer.from(`${enc(req.clientId)}:${enc(req.clientSecret)}`).toString('base64')}`;
    }
  } else {
    form.set('client_id', req.clientId);
  }
  if (req.codeVerifier) form.set('code_verifier', req.codeVerifier);
  const url = new URL(req.tokenEndpoint);
  let res: JsonResponse;
  try {
    res = await fetchJson(url, { method: 'POST', headers, body: form.toString(), ca: req.ca });
  } catch (err) {
    if (err instanceof ProviderFetchError) throw badRequest(`token exchange failed: ${err.message}`);
    throw err;
  }
  const body = res.json && typeof res.json === 'object' && !Array.isArray(res.json) ? (res.json as Record<string, unknown>) : undefined;
  if (res.status < 200 || res.status > 299) {
    const error = str(body?.error);
    const description = str(body?.error_description);
    if (error) throw badRequest(`token exchange failed: ${error}${description ? `: ${description}` : ''}`);
    throw badRequest(`token exchange failed: the token endpoint answered HTTP ${res.status}`);
  }
  const accessToken = str(body?.access_token);
  if (!body || !accessToken) throw badRequest('token exchange failed: the token endpoint answered without an access_token');
  const out: OidcTokenInfo = { accessToken };
  const idToken = str(body.id_token);
  const refreshToken = str(body.refresh_token);
  const tokenType = str(body.token_type);
  const expiresIn = typeof body.expires_in === 'string' && /^\d+$/.test(body.expires_in) ? Number(body.expires_in) : body.expires_in;
  if (idToken) out.idToken = idToken;
  if (refreshToken) out.refreshToken = refreshToken;
  if (tokenType) out.tokenType = tokenType;
  if (typeof expiresIn === 'number' && Number.isSafeInteger(expiresIn)) out.expiresIn = expiresIn;
  return out;
}
