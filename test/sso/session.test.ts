// The life of an SSO member session against a real provider: refresh tokens sealed at rest and
// refreshed on the server, the grace period when refreshing fails (0 / 30 minutes), the security
// group's ssoMaxIdleMinutes, switching SSO on signing password sessions out, and password sign-in,
// registration, change and reset left to the identity provider while SSO is on.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, GOOD_PASSWORD, invite, newDevice, RawSocket, registerMember } from '../helpers/members.js';
import { createNetwork } from '../helpers/harness.js';
import { ssoNetwork, ssoSession, startWorld, type SsoNetwork, type SsoWorld } from './flow.js';

let w: SsoWorld;
let net: SsoNetwork;
const MIN = 60_000;

beforeAll(async () => {
  w = await startWorld();
  net = await ssoNetwork(w, { graceMinutes: 30, users: { alice: { email: 'alice@example.com' }, bob: { email: 'bob@example.com' }, carol: { email: 'carol@example.com' }, dan: { email: 'dan@example.com' } } });
});

// Each test starts at the real time (admin calls are SigV4-signed with it) and moves the server's clock.
beforeEach(() => {
  w.clock.offset = 0;
});

afterAll(async () => {
  await net?.provider.close();
  await w?.close();
});

const outbox = () => (existsSync(join(w.t.dataDir, 'outbox')) ? readdirSync(join(w.t.dataDir, 'outbox')) : []);
const me = (token: string) => api<{ code?: string; message?: string }>(w.t, 'GET', '/v1/me', token);
const ssoRow = (token: string) =>
  w.t.server.store.db
    .selectFrom('sso_sessions')
    .selectAll()
    .where('token_hash', '=', createHashB64(token))
    .executeTakeFirst();

function createHashB64(token: string) {
  return createHash('sha256').update(token).digest('base64url');
}

describe('refresh tokens', () => {
  it('keeps the refresh token sealed at rest and refreshes it at the provider when the access token is due', async () => {
    const s = await ssoSession(w, net.companyId, 'alice');
    const row = await ssoRow(s.token);
    expect(row).toBeTruthy();
    expect(row!.refresh_ciphertext).toMatch(/^v1\./); // AES-256-GCM under the master key
    const refreshToken = w.t.server.secrets.open(row!.refresh_ciphertext!);
    expect(refreshToken.length).toBeGreaterThan(20);
    expect(JSON.stringify(row)).not.toContain(refreshToken);
    const issued = net.provider.issuedIdTokens.length;
    // An hour later the access token (3600 s) has expired: the next request refreshes it.
    w.clock.offset += 61 * MIN;
    expect((await me(s.token)).status).toBe(200);
    expect(net.provider.issuedIdTokens.length).toBe(issued + 1); // a real refresh_token grant at the provider
    const after = await ssoRow(s.token);
    expect(Number(after!.refresh_due_at)).toBeGreaterThan(Date.now() + w.clock.offset + 59 * MIN);
    expect(after!.refresh_failed_since).toBeNull();
    expect((await me(s.token)).status).toBe(200);
    expect(net.provider.issuedIdTokens.length).toBe(issued + 1); // not due again
  });

  it('keeps a member signed in for the grace period when refreshing fails, then signs them out', async () => {
    const s = await ssoSession(w, net.companyId, 'bob');
    await net.provider.revokeGrants('bob'); // the IdP no longer honours bob's refresh token
    w.clock.offset += 61 * MIN;
    expect((await me(s.token)).status).toBe(200); // within the 30-minute grace period
    const failing = await ssoRow(s.token);
    expect(failing!.refresh_failed_since).not.toBeNull();
    w.clock.offset += 20 * MIN;
    expect((await me(s.token)).status).toBe(200);
    w.clock.offset += 11 * MIN; // 31 minutes after the first failure
    const out = await me(s.token);
    expect(out.status).toBe(401);
    expect(out.body.code).toBe('session_expired');
    expect(out.body.message).toMatch(/identity provider/);
    expect((await me(s.token)).body.code).toBe('unauthorized'); // the session is gone
  });

  it('signs out at once when refreshing fails and the grace period is 0', async () => {
    const n = await ssoNetwork(w, { graceMinutes: 0, users: { erin: { email: 'erin@example.com' } } });
    try {
      const s = await ssoSession(w, n.companyId, 'erin');
      await n.provider.close(); // the provider is unreachable
      w.clock.offset += 61 * MIN;
      const out = await me(s.token);
      expect(out.status).toBe(401);
      expect(out.body.code).toBe('session_expired');
    } finally {
      await n.provider.close().catch(() => undefined);
    }
  });

  it('without a refresh token (no offline_access granted) ends the session when the access token expires, after the grace period', async () => {
    // No prompt=consent: the provider drops offline_access and issues no refresh token.
    const n = await ssoNetwork(w, { extraAuthParams: '', graceMinutes: 30, users: { gil: { email: 'gil@example.com' } } });
    try {
      const s = await ssoSession(w, n.companyId, 'gil');
      const row = await ssoRow(s.token);
      expect(row!.refresh_ciphertext).toBeNull();
      w.clock.offset += 30 * MIN;
      expect((await me(s.token)).status).toBe(200); // the access token (1 hour) is still valid
      w.clock.offset += 31 * MIN;
      expect((await me(s.token)).status).toBe(200); // expired: within the grace period
      w.clock.offset += 31 * MIN;
      expect((await me(s.token)).body.code).toBe('session_expired');
    } finally {
      await n.provider.close();
    }
  });

  it('retries a failing refresh at most once a minute within the grace period', async () => {
    const s = await ssoSession(w, net.companyId, 'dan');
    const row = await ssoRow(s.token);
    await w.t.server.store.db.updateTable('sso_sessions').set({ refresh_ciphertext: w.t.server.secrets.seal('not-a-refresh-token') }).where('token_hash', '=', row!.token_hash).execute();
    w.clock.offset += 61 * MIN;
    expect((await me(s.token)).status).toBe(200);
    const failed = await ssoRow(s.token);
    expect(Number(failed!.refresh_due_at)).toBe(Number(failed!.refresh_failed_since) + MIN);
  });

  it('recovers when the provider answers again within the grace period', async () => {
    const s = await ssoSession(w, net.companyId, 'dan');
    const row = await ssoRow(s.token);
    // The provider is momentarily refusing: simulate with a refresh token it does not know.
    await w.t.server.store.db.updateTable('sso_sessions').set({ refresh_ciphertext: w.t.server.secrets.seal('not-a-refresh-token') }).where('token_hash', '=', row!.token_hash).execute();
    w.clock.offset += 61 * MIN;
    expect((await me(s.token)).status).toBe(200);
    expect((await ssoRow(s.token))!.refresh_failed_since).not.toBeNull();
    // Put the real token back: the next due refresh succeeds and clears the failure.
    await w.t.server.store.db.updateTable('sso_sessions').set({ refresh_ciphertext: row!.refresh_ciphertext, refresh_due_at: 0 }).where('token_hash', '=', row!.token_hash).execute();
    expect((await me(s.token)).status).toBe(200);
    expect((await ssoRow(s.token))!.refresh_failed_since).toBeNull();
  });
});

describe('members who only hold a socket open', () => {
  it('the periodic sweep refreshes, applies the grace period and closes the socket, without counting as activity', async () => {
    const s = await ssoSession(w, net.companyId, 'carol');
    const socket = await RawSocket.open(w.t, s.token);
    expect(socket.frames.some((f) => f.t === 'ready')).toBe(true);
    const activity = Number((await ssoRow(s.token))!.last_activity_at);
    await net.provider.revokeGrants('carol');
    w.clock.offset += 61 * MIN;
    await w.t.server.messaging.runJobs({ files: false, sso: true }); // no request of the member
    const failing = await ssoRow(s.token);
    expect(failing!.refresh_failed_since).not.toBeNull();
    expect(Number(failing!.last_activity_at)).toBe(activity);
    expect(socket.closedWith).toBeUndefined(); // within the 30-minute grace period
    w.clock.offset += 31 * MIN;
    await w.t.server.messaging.runJobs({ files: false, sso: true });
    expect(await ssoRow(s.token)).toBeUndefined();
    const deadline = Date.now() + 10_000;
    while (!socket.closedWith && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(socket.closedWith).toBeTruthy();
  });
});

describe('idle timeout (ssoMaxIdleMinutes)', () => {
  it('signs out an SSO member idle longer than the security group allows; activity keeps the session', async () => {
    const n = await ssoNetwork(w, { users: { fay: { email: 'fay@example.com' } } });
    try {
      await w.t.client.call('UpdateSecurityGroup', { networkId: n.networkId, groupId: n.defaultGroupId, securityGroupSettings: { ssoMaxIdleMinutes: 15 } });
      const s = await ssoSession(w, n.companyId, 'fay');
      w.clock.offset += 10 * MIN;
      expect((await me(s.token)).status).toBe(200); // activity at +10
      w.clock.offset += 10 * MIN;
      expect((await me(s.token)).status).toBe(200); // 10 minutes after the last activity
      w.clock.offset += 16 * MIN;
      const out = await me(s.token);
      expect(out.status).toBe(401);
      expect(out.body.code).toBe('session_expired');
      expect(out.body.message).toMatch(/15 minutes without activity/);
    } finally {
      await n.provider.close();
    }
  });
});

describe('switching SSO on', () => {
  it('signs out the active password sessions of the network and requires SSO from then on', async () => {
    const { networkId } = await createNetwork(w.t.client, 'Going SSO');
    const m = await registerMember(w.t, networkId, 'gus@example.com');
    expect((await me(m.token)).status).toBe(200);
    const socket = await RawSocket.open(w.t, m.token);
    expect(socket.frames.some((f) => f.t === 'ready')).toBe(true);
    const { inviteCode } = await invite(w.t, networkId, 'hana@example.com');
    await w.t.client.call('RegisterOidcConfig', { networkId, companyId: `Going_${Date.now()}`, issuer: net.provider.issuer, userId: net.clientId, secret: net.clientSecret, scopes: 'openid email offline_access' });
    const out = await me(m.token);
    expect(out.status).toBe(401);
    // The open socket is closed too.
    const deadline = Date.now() + 10_000;
    while (!socket.closedWith && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(socket.closedWith).toBeTruthy();
    // Password sign-in, registration with an invite code, and password reset are the IdP's now.
    const login = await api<{ code: string; message: string }>(w.t, 'POST', '/v1/accounts/login', undefined, { email: 'gus@example.com', password: GOOD_PASSWORD, device: newDevice().wire });
    expect(login.status).toBe(403);
    expect(login.body.message).toMatch(/single sign-on/);
    const reg = await api<{ code: string; message: string }>(w.t, 'POST', '/v1/accounts/register', undefined, { email: 'hana@example.com', inviteCode, password: GOOD_PASSWORD, device: newDevice().wire });
    expect(reg.status).toBe(403);
    const before = outbox().length;
    const reset = await api(w.t, 'POST', '/v1/accounts/password-reset', undefined, { email: 'gus@example.com' });
    expect(reset.status).toBe(202); // the same answer, but no link: the password is reset at the IdP
    expect(outbox().length).toBe(before);
  });

  it('does not let a password-reset link sent before SSO was switched on set a password afterwards', async () => {
    const { networkId } = await createNetwork(w.t.client, 'Reset then SSO');
    await registerMember(w.t, networkId, 'jo@example.com');
    const before = new Set(outbox());
    expect((await api(w.t, 'POST', '/v1/accounts/password-reset', undefined, { email: 'jo@example.com' })).status).toBe(202);
    const mail = outbox().find((f) => !before.has(f))!;
    const text = readFileSync(join(w.t.dataDir, 'outbox', mail), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
    await w.t.client.call('RegisterOidcConfig', { networkId, companyId: `Reset_${Date.now()}`, issuer: net.provider.issuer, userId: net.clientId, scopes: 'openid email' });
    const done = await api<{ message: string }>(w.t, 'POST', '/v1/accounts/password-reset/complete', undefined, { token, password: 'Another-Passw0rd-42', device: newDevice().wire });
    expect(done.status).toBe(403);
    expect(done.body.message).toMatch(/single sign-on/);
  });

  it('does not sign out SSO sessions when an existing configuration is changed', async () => {
    const s = await ssoSession(w, net.companyId, 'carol');
    await w.t.client.call('RegisterOidcConfig', { networkId: net.networkId, companyId: net.companyId, issuer: net.provider.issuer, userId: net.clientId, scopes: 'openid profile email offline_access', ssoTokenBufferMinutes: 30 });
    expect((await me(s.token)).status).toBe(200);
  });

  it('leaves password members of networks without SSO alone', async () => {
    const { networkId } = await createNetwork(w.t.client, 'No SSO');
    const m = await registerMember(w.t, networkId, 'ivy@example.com');
    const login = await api(w.t, 'POST', '/v1/accounts/login', undefined, { email: 'ivy@example.com', password: GOOD_PASSWORD, device: newDevice().wire });
    expect(login.status).toBe(200);
    expect((await me(m.token)).status).toBe(200);
    const before = outbox().length;
    expect((await api(w.t, 'POST', '/v1/accounts/password-reset', undefined, { email: 'ivy@example.com' })).status).toBe(202);
    expect(outbox().length).toBe(before + 1);
  });
});

describe('account takeover protection for SSO members', () => {
  it('holds a second SSO device for approval; a code from the first device approves it, a recovery key cannot', async () => {
    const n = await ssoNetwork(w, { users: { kim: { email: 'kim@example.com' } } });
    try {
      await w.t.client.call('UpdateSecurityGroup', { networkId: n.networkId, groupId: n.defaultGroupId, securityGroupSettings: { isAtoEnabled: true } });
      const first = await ssoSession(w, n.companyId, 'kim');
      expect(first.deviceStatus).toBe('ACTIVE');
      const second = await ssoSession(w, n.companyId, 'kim');
      expect(second.deviceStatus).toBe('PENDING_APPROVAL');
      expect(second.deviceId).not.toBe(first.deviceId);
      // SSO members have no master recovery key: refused, not a server error.
      const byKey = await api<{ code: string }>(w.t, 'POST', '/v1/devices/approve', second.token, { recoveryKey: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' });
      expect(byKey.status).toBe(403);
      const code = await api<{ code: string }>(w.t, 'POST', '/v1/devices/approval-codes', first.token);
      expect(code.status).toBe(201);
      const approved = await api<{ deviceStatus: string }>(w.t, 'POST', '/v1/devices/approve', second.token, { code: code.body.code });
      expect(approved.status).toBe(200);
      expect(approved.body.deviceStatus).toBe('ACTIVE');
    } finally {
      await n.provider.close();
    }
  });
});
