// The rules of single sign-on, without I/O. SSO as the guide's SSO 組態 describes it: OpenID Connect
// only (no SAML). A network stores one OIDC configuration — company ID, issuer, client ID, optional
// client secret (sealed at rest, never returned), scopes, optional username claim, extra
// authorization parameters and the token-refresh grace period. Here: the checks of what an admin
// enters, the redirect URL, the stored configuration as admins see it, and what a discovery document
// must offer. The provider is contacted in oidc.ts, the rows are read and written in repo.ts.
import { X509Certificate } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { OidcConfigInfo, RegisterOidcConfigTestResponse } from '@enclave/admin-api';
import type { OidcConfigsTable } from '../../infra/schema.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { normalizeEmail } from '../users/users.js';

export type OidcConfigRow = Selectable<OidcConfigsTable>;

export const SSO_TOKEN_BUFFER_MAX_MINUTES = 1440;
export const COMPANY_ID_MAX = 64;
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8080';
export const REDIRECT_PATH = '/sso/callback';
/** Enclave stores one OIDC application per network; the model allows IDs 1–10. */
export const APPLICATION_ID = 1;

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
// Discovery documents

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

// ---------------------------------------------------------------------------------------------------
// Member side (usecases/member/sso.ts)

/**
 * The username from the validated ID-token claims: the custom claim, else email. An email the
 * provider itself marks unverified (email_verified: false) names no one: anyone could have typed it.
 */
export function usernameFromClaims(claims: Record<string, unknown>, customClaim: string): string | undefined {
  if (!customClaim && claims.email_verified === false) return undefined;
  const raw = customClaim ? claims[customClaim] : claims.email;
  return typeof raw === 'string' ? normalizeEmail(raw) : undefined;
}
