// Single sign-on towards the identity provider: real OIDC discovery of an issuer, its signing keys,
// a check of the client ID and secret at the token endpoint, and the authorization-code exchange. Also
// home of the small JSON-over-HTTP(S) client (timeout, optional custom CA) that the OpenTDF dry run
// uses as well. The checks of what an admin enters are in rules.ts, the stored configuration in repo.ts.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { OidcTokenInfo } from '@enclave/admin-api';
import { badRequest } from '../../kernel/errors.js';
import { discoveryUrl, looksLikeSaml, providerUrlProblem, sameIssuer, SAML_REFUSAL, type DiscoveryDocument } from './rules.js';

// Imported from here by the messaging side (usecases/member/sso.ts, api/member/sso-routes.ts) and tests.
export { checkIssuer, redirectUrl, REDIRECT_PATH, SAML_REFUSAL, type OidcConfigRow } from './rules.js';

export const PROVIDER_TIMEOUT_MS = 5_000;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

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
// Discovery and token exchange

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
