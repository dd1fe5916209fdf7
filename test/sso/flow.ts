// Shared steps of the SSO tests: an Enclave test server whose clock the test moves, a network with
// an OIDC configuration pointing at a real oidc-provider, and a member signing in the way the
// messenger does (start → provider login page → callback → ticket → session).
import { randomBytes } from 'node:crypto';
import type { SessionResponse } from '../../packages/protocol/src/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { api, newDevice, type DeviceSecrets } from '../helpers/members.js';
import { signInAtProvider, startProvider, type TestProvider } from './provider.js';

export interface SsoWorld {
  t: TestServer;
  /** Milliseconds added to the server's clock. */
  clock: { offset: number };
  redirectUri: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<SsoWorld> {
  const clock = { offset: 0 };
  const t = await startTestServer({ now: () => Date.now() + clock.offset });
  // The redirect URI Enclave sends (and admins register at the provider) follows ENCLAVE_PUBLIC_URL.
  process.env.ENCLAVE_PUBLIC_URL = t.url;
  return {
    t,
    clock,
    redirectUri: `${t.url}/sso/callback`,
    async close() {
      delete process.env.ENCLAVE_PUBLIC_URL;
      await t.close();
    },
  };
}

export interface SsoNetwork {
  networkId: string;
  defaultGroupId: string;
  companyId: string;
  provider: TestProvider;
  clientId: string;
  clientSecret: string;
}

/** A network with SSO configured at a fresh provider (client with a secret, PKCE required). */
export async function ssoNetwork(w: SsoWorld, opts: { companyId?: string; customUsername?: string; graceMinutes?: number; users?: Record<string, Record<string, unknown>>; accessTokenTtl?: number; extraAuthParams?: string } = {}): Promise<SsoNetwork> {
  const clientId = `enclave-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = await startProvider([{ clientId, clientSecret, redirectUri: w.redirectUri }], opts.users ?? {}, opts.accessTokenTtl ? { accessTokenTtl: opts.accessTokenTtl } : {});
  const { networkId, defaultGroupId } = await createNetwork(w.t.client, 'SSO Network');
  const companyId = opts.companyId ?? `Co_${randomBytes(4).toString('hex')}`;
  await w.t.client.call('RegisterOidcConfig', {
    networkId,
    companyId,
    issuer: provider.issuer,
    userId: clientId,
    secret: clientSecret,
    scopes: 'openid profile email offline_access',
    ssoTokenBufferMinutes: opts.graceMinutes ?? 30,
    ...(opts.customUsername ? { customUsername: opts.customUsername } : {}),
    // OpenID Connect Core §11: offline_access (a refresh token) needs prompt=consent at spec-strict
    // providers such as oidc-provider; admins set it in the extra authorization parameters.
    extraAuthParams: opts.extraAuthParams ?? 'prompt=consent',
  });
  return { networkId, defaultGroupId, companyId, provider, clientId, clientSecret };
}

export interface SsoAttempt {
  authorizationUrl: URL;
  callbackUrl: string;
  /** The messenger fragment the callback redirected to: ticket + state, or error + message. */
  fragment: URLSearchParams;
  /** The session answer when a ticket was redeemed. */
  session?: { status: number; body: SessionResponse & { code?: string; message?: string } };
  device: DeviceSecrets;
  binding: string;
}

/** A member signs in with SSO as the messenger does; stops at the first refusal. */
export async function ssoSignIn(w: SsoWorld, companyId: string, login: string, opts: { abort?: boolean; redeem?: boolean } = {}): Promise<SsoAttempt> {
  const binding = randomBytes(32).toString('base64url');
  const start = await api<{ authorizationUrl: string; code?: string; message?: string }>(w.t, 'POST', '/v1/sso/start', undefined, { companyId, binding });
  if (start.status !== 200) throw Object.assign(new Error(`sso start: ${start.status} ${JSON.stringify(start.body)}`), { status: start.status, body: start.body });
  const { callbackUrl } = await signInAtProvider(start.body.authorizationUrl, w.redirectUri, login, opts);
  const res = await fetch(callbackUrl, { redirect: 'manual' });
  const location = res.headers.get('location') ?? '';
  if (res.status !== 303 || !location.startsWith('/app/#/sso?')) throw new Error(`unexpected callback answer ${res.status} ${location}`);
  const fragment = new URLSearchParams(location.slice('/app/#/sso?'.length));
  const device = newDevice('web');
  const out: SsoAttempt = { authorizationUrl: new URL(start.body.authorizationUrl), callbackUrl, fragment, device, binding };
  const ticket = fragment.get('ticket');
  if (ticket && opts.redeem !== false) out.session = await api(w.t, 'POST', '/v1/sso/session', undefined, { ticket, binding, device: device.wire });
  return out;
}

/** Signs in and expects a session. */
export async function ssoSession(w: SsoWorld, companyId: string, login: string): Promise<SessionResponse & { token: string }> {
  const a = await ssoSignIn(w, companyId, login);
  if (!a.session || a.session.status !== 200) throw new Error(`SSO sign-in failed: ${a.fragment.toString()} ${JSON.stringify(a.session?.body)}`);
  return a.session.body;
}
