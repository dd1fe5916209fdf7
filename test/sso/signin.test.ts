// Member sign-in over OpenID Connect against a real provider (oidc-provider on loopback): discovery,
// authorization code + PKCE + state + nonce, ID-token validation failures, the username claim,
// first-login provisioning and the guide's error texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/members.js';
import { ssoNetwork, ssoSession, ssoSignIn, startWorld, type SsoNetwork, type SsoWorld } from './flow.js';
import { jwtParts } from './provider.js';

let w: SsoWorld;
let net: SsoNetwork;

beforeAll(async () => {
  w = await startWorld();
  net = await ssoNetwork(w, {
    users: {
      alice: { email: 'Alice@Example.com', email_verified: true, given_name: 'Alice', family_name: 'Liddell' },
      bob: { email: 'bob@example.com' },
      noemail: { given_name: 'Nomail' },
      unverified: { email: 'alice@example.com', email_verified: false },
      mallory: { email: 'mallory@example.com' },
    },
  });
});

afterAll(async () => {
  await net?.provider.close();
  await w?.close();
});

describe('member sign-in with SSO', () => {
  it('runs the authorization code flow with PKCE, state and nonce at the discovered authorization endpoint', async () => {
    const a = await ssoSignIn(w, net.companyId, 'alice');
    const u = a.authorizationUrl;
    expect(u.origin + u.pathname).toBe(`${net.provider.issuer}/auth`); // from the discovery document
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('client_id')).toBe(net.clientId);
    expect(u.searchParams.get('redirect_uri')).toBe(w.redirectUri);
    expect(u.searchParams.get('scope')).toBe('openid profile email offline_access');
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(u.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(u.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(new URL(a.callbackUrl).searchParams.get('code')).toBeTruthy();
    expect(a.fragment.get('state')).toBe(u.searchParams.get('state'));
    expect(a.session!.status).toBe(200);
    const s = a.session!.body;
    expect(s).toMatchObject({ email: 'alice@example.com', networkId: net.networkId, deviceStatus: 'ACTIVE', expiresAt: null, sso: true });
    // The ID token the provider issued carried the nonce Enclave sent.
    const last = jwtParts(net.provider.issuedIdTokens.at(-1)!).claims;
    expect(last.nonce).toBe(u.searchParams.get('nonce'));
    expect(last.aud).toBe(net.clientId);
    const me = await api<{ member: { email: string; firstName: string } }>(w.t, 'GET', '/v1/me', s.token);
    expect(me.status).toBe(200);
    expect(me.body.member).toMatchObject({ email: 'alice@example.com', firstName: 'Alice' });
  });

  it('provisions a user the IdP knows into the default security group on first sign-in, once', async () => {
    const before = await w.t.client.call<{ users: { username: string }[] }>('ListUsers', { networkId: net.networkId });
    expect(before.users.map((u) => u.username)).not.toContain('bob@example.com');
    const first = await ssoSession(w, net.companyId, 'bob');
    const second = await ssoSession(w, net.companyId, 'bob');
    expect(second.userId).toBe(first.userId);
    const after = await w.t.client.call<{ users: { username: string; userId: string; status: number; securityGroups?: string[] }[] }>('ListUsers', { networkId: net.networkId });
    const bobs = after.users.filter((u) => u.username === 'bob@example.com');
    expect(bobs).toHaveLength(1);
    const user = await w.t.client.call<Record<string, unknown>>('GetUser', { networkId: net.networkId, userId: bobs[0]!.userId });
    expect(JSON.stringify(user)).toContain(net.defaultGroupId);
    expect(bobs[0]!.status).toBe(2); // active
  });

  it('activates an invited (pending) user on SSO sign-in instead of creating another', async () => {
    const r = await w.t.client.call<{ successful: { userId: string }[] }>('BatchCreateUser', { networkId: net.networkId, users: [{ username: 'mallory@example.com', securityGroupIds: [net.defaultGroupId] }] });
    const s = await ssoSession(w, net.companyId, 'mallory');
    expect(String(s.userId)).toBe(r.successful[0]!.userId);
  });

  it('accepts the company ID with the region prefix the console shows (UE1-…) and in any case', async () => {
    await expect(ssoSession(w, `UE1-${net.companyId}`, 'alice')).resolves.toMatchObject({ email: 'alice@example.com' });
    await expect(ssoSession(w, net.companyId.toUpperCase(), 'alice')).resolves.toMatchObject({ email: 'alice@example.com' });
  });

  it('refuses an unknown company ID with the guide\'s hint', async () => {
    const r = await api<{ code: string; message: string; details: { reason: string }[] }>(w.t, 'POST', '/v1/sso/start', undefined, { companyId: 'No_Such_Company', binding: 'x'.repeat(40) });
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/^Company ID not found/);
    expect(r.body.details[0]!.reason).toBe('company_id');
  });

  it('answers "User not found" when the ID token carries no usable username', async () => {
    const a = await ssoSignIn(w, net.companyId, 'noemail');
    expect(a.fragment.get('error')).toBe('user_not_found');
    expect(a.fragment.get('message')).toMatch(/^User not found/);
    expect(a.fragment.get('ticket')).toBeNull();
  });

  it('does not take an email address the provider marks unverified (it could name someone else)', async () => {
    const a = await ssoSignIn(w, net.companyId, 'unverified');
    expect(a.fragment.get('error')).toBe('user_not_found');
    expect(a.fragment.get('ticket')).toBeNull();
  });

  it('answers "Access denied" when the provider refuses the sign-in', async () => {
    const a = await ssoSignIn(w, net.companyId, 'alice', { abort: true });
    expect(new URL(a.callbackUrl).searchParams.get('error')).toBe('access_denied');
    expect(a.fragment.get('error')).toBe('access_denied');
    expect(a.fragment.get('message')).toMatch(/^Access denied/);
  });

  it('spends the state: replaying a callback yields no second ticket', async () => {
    const a = await ssoSignIn(w, net.companyId, 'alice');
    expect(a.session!.status).toBe(200);
    const again = await fetch(a.callbackUrl, { redirect: 'manual' });
    const fragment = new URLSearchParams(again.headers.get('location')!.split('?')[1]);
    expect(fragment.get('error')).toBe('expired');
    expect(fragment.get('ticket')).toBeNull();
  });

  it('redeems a ticket only once and only with the binding secret of the client that started', async () => {
    const a = await ssoSignIn(w, net.companyId, 'alice');
    const ticket = a.fragment.get('ticket')!;
    const again = await api(w.t, 'POST', '/v1/sso/session', undefined, { ticket, binding: a.binding, device: a.device.wire });
    expect(again.status).toBe(400);
    // Another client holding the ticket (for example from a leaked URL) but not the binding secret.
    const b = await ssoSignIn(w, net.companyId, 'alice', { redeem: false });
    const stolen = await api<{ details: { reason: string }[] }>(w.t, 'POST', '/v1/sso/session', undefined, { ticket: b.fragment.get('ticket'), binding: 'y'.repeat(43), device: b.device.wire });
    expect(stolen.status).toBe(400);
    expect(stolen.body.details[0]!.reason).toBe('expired');
    const owner = await api(w.t, 'POST', '/v1/sso/session', undefined, { ticket: b.fragment.get('ticket'), binding: b.binding, device: b.device.wire });
    expect(owner.status).toBe(200);
  });
});

describe('ID token validation', () => {
  const refused = async (tamper: (idToken: string) => Promise<string>) => {
    net.provider.tamper = tamper;
    try {
      const a = await ssoSignIn(w, net.companyId, 'alice');
      expect(a.fragment.get('ticket')).toBeNull();
      expect(a.fragment.get('error')).toBe('invalid_response');
      expect(a.fragment.get('message')).toMatch(/^Invalid response/);
      return a.fragment.get('message')!;
    } finally {
      net.provider.tamper = undefined;
    }
  };

  it('refuses an ID token for another audience (validly signed by the provider)', async () => {
    const msg = await refused(async (tok) => net.provider.sign({ ...jwtParts(tok).claims, aud: 'some-other-client' }));
    expect(msg).toMatch(/aud/i);
  });

  it('refuses an expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const msg = await refused(async (tok) => net.provider.sign({ ...jwtParts(tok).claims, iat: now - 7200, exp: now - 3600 }));
    expect(msg).toMatch(/exp/i);
  });

  it('refuses an ID token with a bad signature', async () => {
    await refused(async (tok) => {
      const [h, p, s] = tok.split('.');
      const sig = Buffer.from(s!, 'base64url');
      sig[10] = sig[10]! ^ 0xff;
      return `${h}.${p}.${sig.toString('base64url')}`;
    });
  });

  it('refuses an ID token signed by another key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { SignJWT } = await import('jose');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refused(async (tok) => new SignJWT(jwtParts(tok).claims).setProtectedHeader({ alg: 'RS256', kid: String(jwtParts(tok).header.kid) }).sign(privateKey));
  });

  it('refuses a replayed ID token (the nonce of an earlier sign-in)', async () => {
    const earlier = net.provider.issuedIdTokens.at(-1)!;
    expect(jwtParts(earlier).claims.nonce).toBeTruthy();
    await refused(async () => earlier);
  });

  it('refuses an ID token from another issuer', async () => {
    await refused(async (tok) => net.provider.sign({ ...jwtParts(tok).claims, iss: 'https://evil.example' }));
  });

  it('signs in again once the provider answers correctly', async () => {
    await expect(ssoSession(w, net.companyId, 'alice')).resolves.toMatchObject({ email: 'alice@example.com' });
  });
});

describe('username claim', () => {
  it('takes the username from the custom claim (upn) when configured', async () => {
    const n = await ssoNetwork(w, { customUsername: 'upn', users: { carol: { email: 'carol@private.example', upn: 'Carol.Upn@Corp.Example' }, dave: { email: 'dave@corp.example' } } });
    try {
      const s = await ssoSession(w, n.companyId, 'carol');
      expect(s.email).toBe('carol.upn@corp.example');
      // Without the claim there is no username: the guide's "User not found".
      const a = await ssoSignIn(w, n.companyId, 'dave');
      expect(a.fragment.get('error')).toBe('user_not_found');
    } finally {
      await n.provider.close();
    }
  });

  it('passes extra authorization parameters to the provider', async () => {
    const n = await ssoNetwork(w, { extraAuthParams: 'prompt=login&ui_locales=zh-TW', users: { erin: { email: 'erin@example.com' } } });
    try {
      const a = await ssoSignIn(w, n.companyId, 'erin');
      expect(a.authorizationUrl.searchParams.get('prompt')).toBe('login');
      expect(a.authorizationUrl.searchParams.get('ui_locales')).toBe('zh-TW');
      expect(a.session!.status).toBe(200);
    } finally {
      await n.provider.close();
    }
  });
});
