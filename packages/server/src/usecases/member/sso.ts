// Member sign-in over OpenID Connect (the guide's SSO; docs/sso.md). A member gives the company ID;
// the server finds the network's OIDC configuration and runs the authorization code flow with PKCE,
// state and nonce through openid-client: the ID token is validated (issuer, audience, JWS signature
// against the provider's JWKS, expiry, nonce). The username is the custom claim or the email; a user
// the IdP knows but Enclave does not is provisioned into the network's default security group. The
// callback hands the messenger a one-time ticket, redeemable only by the client that started the
// sign-in, for a member session on a device. What happens to the session afterwards (refresh, grace
// period, idle timeout) is in sso-sessions.ts.
//
// Never: holds or derives anything that decrypts messages (the device keys stay on the device), logs
// a token, or lets a ticket be redeemed twice or by another client.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import { bareCompanyId, type SessionResponse } from '@enclave/protocol';
import { autocommit, inTransaction, readTx, type ReadTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { checkIssuer, redirectUrl, type OidcConfigRow } from '../../domain/sso/oidc.js';
import * as ssoRepo from '../../domain/sso/repo.js';
import { usernameFromClaims } from '../../domain/sso/rules.js';
import { normalizeEmail, STATUS_ACTIVE, STATUS_PENDING } from '../../domain/users/users.js';
import * as usersRepo from '../../domain/users/repo.js';
import { findResetCodeNetwork } from '../../domain/member-accounts/repo.js';
import { codeHash } from '../../domain/member-accounts/rules.js';
import type { DomainEvents } from '../../kernel/events.js';
import { unameFor } from '../../kernel/ids.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import { signInDevice, type SignInDevice } from './accounts.js';
import { issueSession, tokenHash } from './member-auth.js';
import { policyFor } from './policy.js';

/** An authorization request must come back within 10 minutes; its ticket must be redeemed within 5. */
export const LOGIN_TTL_MS = 10 * 60_000;
export const TICKET_TTL_MS = 5 * 60_000;
/** When the provider gives no expires_in, refresh after 5 minutes. */
export const DEFAULT_REFRESH_S = 300;
export const PROVIDER_TIMEOUT_S = 10;

export interface SsoDeps {
  db: Kysely<Database>;
  secrets: SecretBox;
  now: () => number;
  /** The server's region: the company ID prefix (UE1- in us-east-1). */
  region: string;
}

// ---------------------------------------------------------------------------------------------------
// Errors in the guide's words (常見的 SSO 錯誤)

export const SSO_TEXTS = {
  companyIdUnknown: 'Company ID not found. Check the company ID your administrator sent you, including its prefix (for example UE1-DemoNetworkW_drqtvva).',
  userNotFound: 'User not found: your identity provider did not name you with an email address Enclave can use, or you are not assigned to the Enclave application. Ask your administrator.',
  invalidResponse: 'Invalid response: the identity provider answered in a way that does not match the SSO configuration (issuer, client ID or redirect URI). Ask your administrator to check the SSO configuration.',
  accessDenied: 'Access denied: your identity provider refused the sign-in (a group membership or application assignment is missing). Ask your administrator.',
  expired: 'The SSO sign-in expired or was already used. Start again.',
  ssoRequired: 'This network uses single sign-on: choose Sign in with SSO and enter your company ID. Your password is managed by your identity provider.',
} as const;

export class SsoError extends MessagingError {
  constructor(
    readonly reason: 'company_id' | 'user_not_found' | 'invalid_response' | 'access_denied' | 'expired',
    message: string,
    code: 'not_found' | 'user_not_found' | 'bad_request' | 'forbidden' = 'bad_request',
  ) {
    super(code, message, [{ field: 'sso', reason }]);
  }
}

// ---------------------------------------------------------------------------------------------------
// Company ID

// The prefix rule (UE1-DemoNetworkW_drqtvva in us-east-1) is @enclave/protocol's companyIdPrefix/bareCompanyId.

async function configForCompany(tx: ReadTx, companyId: string, region: string): Promise<OidcConfigRow> {
  const bare = bareCompanyId(companyId, region);
  if (!/^[A-Za-z0-9_]+$/.test(bare)) throw new SsoError('company_id', SSO_TEXTS.companyIdUnknown, 'not_found');
  const row = await ssoRepo.findOidcConfigByCompanyId(tx, bare);
  if (!row) throw new SsoError('company_id', SSO_TEXTS.companyIdUnknown, 'not_found');
  return row;
}

/** Whether the network signs members in with SSO (it has an OIDC configuration). */
export async function ssoEnabled(tx: ReadTx, networkId: string): Promise<boolean> {
  return ssoRepo.hasOidcConfig(tx, networkId);
}

/**
 * Password sign-in, registration with an invite code and password changes are refused when every
 * network the email address belongs to uses SSO (the password is the identity provider's).
 */
export async function refuseIfSsoOnly(tx: ReadTx, rawEmail: string, networkId?: string): Promise<void> {
  const email = normalizeEmail(rawEmail);
  if (!email) return;
  const rows = await ssoRepo.ssoOfUsername(tx, email, networkId);
  if (rows.length > 0 && rows.every((r) => r.company_id !== null)) throw new MessagingError('forbidden', SSO_TEXTS.ssoRequired, [{ field: 'sso', reason: 'required' }]);
}

/** A password-reset link sent before SSO was switched on cannot set a password afterwards. */
export async function refuseResetInSsoNetwork(tx: ReadTx, token: string): Promise<void> {
  const networkId = await findResetCodeNetwork(tx, codeHash('password_reset', token));
  if (networkId !== undefined && (await ssoEnabled(tx, networkId))) throw new MessagingError('forbidden', SSO_TEXTS.ssoRequired, [{ field: 'sso', reason: 'required' }]);
}

// ---------------------------------------------------------------------------------------------------
// openid-client

const isHttp = (u: string) => new URL(u).protocol === 'http:';

/** Discovered configurations, per network and configuration version, for 5 minutes (fewer round trips to the IdP). */
const DISCOVERY_TTL_MS = 5 * 60_000;
const discovered = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

/** The network's client configuration, discovered at most every 5 minutes (and again after a change). */
export function cachedClientConfig(row: OidcConfigRow, secrets: SecretBox): Promise<oidc.Configuration> {
  const key = `${row.network_id}|${row.modified}|${row.issuer}|${row.client_id}`;
  const hit = discovered.get(key);
  const now = Date.now();
  if (hit && now - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const config = clientConfig(row, secrets);
  discovered.set(key, { at: now, config });
  config.catch(() => discovered.delete(key)); // a failure is not remembered
  if (discovered.size > 1000) discovered.delete(discovered.keys().next().value!);
  return config;
}

/** Discovery and client metadata for a network's configuration (checkIssuer: https, or http on loopback). */
export async function clientConfig(row: Pick<OidcConfigRow, 'issuer' | 'client_id' | 'secret_ciphertext'>, secrets: SecretBox): Promise<oidc.Configuration> {
  const issuer = checkIssuer(row.issuer);
  const secret = row.secret_ciphertext ? secrets.open(row.secret_ciphertext) : undefined;
  const options: oidc.DiscoveryRequestOptions = { timeout: PROVIDER_TIMEOUT_S, ...(isHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}) };
  const probe = await oidc.discovery(new URL(issuer), row.client_id, secret, secret ? oidc.ClientSecretPost(secret) : oidc.None(), options);
  const methods = probe.serverMetadata().token_endpoint_auth_methods_supported;
  let config = probe;
  // client_secret_post unless the provider only speaks client_secret_basic (the RFC default).
  if (secret && methods && !methods.includes('client_secret_post') && methods.includes('client_secret_basic')) {
    config = new oidc.Configuration(probe.serverMetadata(), row.client_id, secret, oidc.ClientSecretBasic(secret));
    if (isHttp(issuer)) oidc.allowInsecureRequests(config);
  }
  // Verify ID-token signatures against the provider's JWKS even on the direct token-endpoint channel.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

/** Why the provider's answer was refused, for the log (never includes a token). */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; error?: string; error_description?: string; cause?: { message?: string } };
  return [e.code, e.error, e.error_description, e.message, e.cause?.message].filter(Boolean).join(': ');
}

// ---------------------------------------------------------------------------------------------------
// Sign-in

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const randomToken = () => randomBytes(32).toString('base64url');

export interface SsoStart {
  authorizationUrl: string;
  state: string;
  expiresAt: number;
}

/**
 * Starts a sign-in for a company ID. `binding` is a random secret the client keeps; the ticket the
 * callback produces can only be redeemed with it (no one else can complete the sign-in).
 */
export async function startSso(deps: SsoDeps, input: { companyId: string; binding: string; client?: 'web' | 'cli' }): Promise<SsoStart> {
  const row = await configForCompany(readTx(deps.db), input.companyId, deps.region);
  let config: oidc.Configuration;
  try {
    config = await cachedClientConfig(row, deps.secrets);
  } catch (err) {
    throw new SsoError('invalid_response', `${SSO_TEXTS.invalidResponse} (${describe(err)})`);
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const params = new URLSearchParams(row.extra_auth_params);
  params.set('redirect_uri', redirectUrl());
  params.set('scope', row.scopes);
  params.set('state', state);
  params.set('nonce', nonce);
  params.set('code_challenge', await oidc.calculatePKCECodeChallenge(codeVerifier));
  params.set('code_challenge_method', 'S256');
  const url = oidc.buildAuthorizationUrl(config, params);
  const now = deps.now();
  const expiresAt = now + LOGIN_TTL_MS;
  await ssoRepo.deleteExpiredSsoLogins(autocommit(deps.db), now);
  await ssoRepo.insertSsoLogin(autocommit(deps.db), { state, network_id: row.network_id, secrets_ciphertext: deps.secrets.seal(JSON.stringify({ nonce, codeVerifier, client: input.client ?? 'web' })), binding_hash: sha256(input.binding), created_at: now, expires_at: expiresAt, ticket_hash: null, user_id: null, tokens_ciphertext: null });
  return { authorizationUrl: url.href, state, expiresAt };
}

interface SealedTokens {
  refreshToken?: string;
  expiresIn?: number;
}

/** Which client started a sign-in (the web messenger, or the CLI that shows the ticket to paste). */
export async function clientOfState(deps: SsoDeps, query: string): Promise<'web' | 'cli'> {
  const state = new URLSearchParams(query).get('state');
  const secrets = state ? await ssoRepo.findSsoLoginSecrets(readTx(deps.db), state) : undefined;
  if (secrets === undefined) return 'web';
  return (JSON.parse(deps.secrets.open(secrets)) as { client?: string }).client === 'cli' ? 'cli' : 'web';
}

/**
 * The provider redirected the browser back with `query` (code and state, or an error). Exchanges the
 * code, validates the ID token, finds or provisions the user, and answers with a one-time ticket.
 */
export async function completeCallback(deps: SsoDeps, query: string): Promise<{ ticket: string; state: string; email: string }> {
  const params = new URLSearchParams(query);
  const state = params.get('state') ?? '';
  const now = deps.now();
  const login = state ? await ssoRepo.findSsoLogin(readTx(deps.db), state) : undefined;
  if (!login || login.expires_at <= now || login.ticket_hash !== null) throw new SsoError('expired', SSO_TEXTS.expired);
  // One use: the state is spent whatever happens next (a replayed callback finds nothing).
  if (!(await ssoRepo.spendSsoLogin(autocommit(deps.db), state))) throw new SsoError('expired', SSO_TEXTS.expired);
  const error = params.get('error');
  if (error === 'access_denied' || error === 'unauthorized_client' || error === 'consent_required') throw new SsoError('access_denied', SSO_TEXTS.accessDenied, 'forbidden');
  if (error) throw new SsoError('invalid_response', `${SSO_TEXTS.invalidResponse} (${error})`);

  const row = await ssoRepo.findOidcConfigOfNetwork(readTx(deps.db), login.network_id);
  if (!row) throw new SsoError('company_id', SSO_TEXTS.companyIdUnknown, 'not_found');
  const { nonce, codeVerifier } = JSON.parse(deps.secrets.open(login.secrets_ciphertext)) as { nonce: string; codeVerifier: string };
  let claims: Record<string, unknown>;
  let tokens: SealedTokens;
  try {
    const config = await cachedClientConfig(row, deps.secrets);
    const currentUrl = new URL(`${redirectUrl()}?${params.toString()}`);
    const res = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    claims = (res.claims() ?? {}) as Record<string, unknown>;
    const expiresIn = res.expiresIn();
    tokens = { ...(res.refresh_token ? { refreshToken: res.refresh_token } : {}), ...(expiresIn !== undefined ? { expiresIn } : {}) };
  } catch (err) {
    throw new SsoError('invalid_response', `${SSO_TEXTS.invalidResponse} (${describe(err)})`);
  }
  const username = usernameFromClaims(claims, row.custom_username);
  if (!username) throw new SsoError('user_not_found', SSO_TEXTS.userNotFound, 'user_not_found');
  const userId = await findOrProvision(deps, row.network_id, username, claims);

  const ticket = randomToken();
  await ssoRepo.insertSsoLogin(autocommit(deps.db), { ...login, ticket_hash: sha256(ticket), user_id: userId, tokens_ciphertext: deps.secrets.seal(JSON.stringify(tokens)), expires_at: now + TICKET_TTL_MS });
  return { ticket, state, email: username };
}

/** The user of that username in the network; created in the default security group when the IdP knows them and Enclave does not. */
async function findOrProvision(deps: SsoDeps, networkId: string, username: string, claims: Record<string, unknown>): Promise<number> {
  const now = deps.now();
  return inTransaction(deps.db, async (tx) => {
    const user = await usersRepo.findNetworkMemberByUsername(tx, networkId, username);
    if (user) {
      if (user.suspended === 1) throw fail('account_suspended');
      if (user.status === STATUS_PENDING) await usersRepo.setMemberStatus(tx, networkId, user.user_id, STATUS_ACTIVE, now);
      return user.user_id;
    }
    const groupId = await ssoRepo.findDefaultGroupId(tx, networkId);
    if (groupId === undefined) throw new SsoError('user_not_found', SSO_TEXTS.userNotFound, 'user_not_found');
    const userId = await usersRepo.allocateMemberUserId(tx);
    const name = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string).slice(0, 100) : '');
    const firstName = name('given_name');
    const lastName = name('family_name');
    await usersRepo.insertProvisionedMember(tx, {
      network_id: networkId,
      user_id: userId,
      username,
      first_name: firstName,
      last_name: lastName,
      first_name_lc: firstName.toLowerCase(),
      last_name_lc: lastName.toLowerCase(),
      status: STATUS_ACTIVE,
      suspended: 0,
      is_admin: 0,
      security_group_id: groupId,
      // Never invited: an unguessable code that is already expired (registration is the IdP's).
      invite_code: randomToken(),
      invite_expiration: now,
      code_validation: 0,
      uname: unameFor(networkId, username),
      cell: '',
      country_code: '',
      otp_enabled: 0,
      challenge_failures: 0,
      rejected: 0,
      created_at: now,
      modified: now,
      last_login: null,
      last_activity: null,
    });
    return userId;
  });
}

export type SsoDevice = SignInDevice;

/**
 * Trades the ticket (with the client's binding secret) for a member session on a new or known device.
 * A new device waits for approval under account takeover protection when the account has another
 * approved device, as with password sign-in.
 */
export async function redeemTicket(deps: SsoDeps, events: DomainEvents, input: { ticket: string; binding: string; device: SsoDevice }): Promise<SessionResponse & { sso: true }> {
  const now = deps.now();
  let records: { convId: string; seq: number }[] = [];
  const out = await inTransaction(deps.db, async (db) => {
    const login = await ssoRepo.findSsoLoginByTicket(db, sha256(input.ticket));
    if (!login || login.expires_at <= now || login.user_id === null || login.binding_hash !== sha256(input.binding)) throw new SsoError('expired', SSO_TEXTS.expired);
    await ssoRepo.deleteSsoLogin(db, login.state);
    const m = { networkId: login.network_id, userId: Number(login.user_id) };
    const user = await usersRepo.findMemberStatus(db, m.networkId, m.userId);
    if (!user || user.status !== STATUS_ACTIVE) throw fail('user_not_found');
    if (user.suspended === 1) throw fail('account_suspended');
    const policy = await policyFor(db, m.networkId, m.userId);
    // SSO members have no recovery key (it comes with password registration): only another approved
    // device approves a new one.
    const signedIn = await signInDevice(db, m, input.device, now, { recoveryKeyApproves: false, policy });
    const { deviceId, approved } = signedIn;
    records = signedIn.records;
    // SSO sessions end by idle time and refresh failure, not by the non-SSO timeout.
    const token = await issueSession(db, { ...m, deviceId }, now, null);
    const tokens = login.tokens_ciphertext ? (JSON.parse(deps.secrets.open(login.tokens_ciphertext)) as SealedTokens) : {};
    await ssoRepo.insertSsoSession(db, {
      token_hash: tokenHash(token),
      network_id: m.networkId,
      user_id: m.userId,
      refresh_ciphertext: tokens.refreshToken ? deps.secrets.seal(tokens.refreshToken) : null,
      // Due when the access token expires; without a refresh token that ends the session (after the grace period).
      refresh_due_at: now + (tokens.expiresIn ?? DEFAULT_REFRESH_S) * 1000,
      refresh_failed_since: null,
      last_activity_at: now,
    });
    const u = await usersRepo.memberNameOf(db, m.networkId, m.userId);
    return {
      token,
      userId: m.userId,
      networkId: m.networkId,
      email: u.username,
      firstName: u.first_name,
      lastName: u.last_name,
      deviceId,
      deviceStatus: approved ? ('ACTIVE' as const) : ('PENDING_APPROVAL' as const),
      expiresAt: null,
      policy,
      sso: true as const,
    };
  });
  if (records.length > 0) events.emit({ type: 'records-added', records });
  return out;
}
