// Member accounts at the wire level: registration with the invite code, password rules, sign-in,
// lockout, suspension (sockets closed within a second), deletion, devices, account takeover
// protection with approval codes and the recovery key, and the password reset that resets the account.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { addDevice, api, GOOD_PASSWORD, invite, loginSignature, newDevice, RawSocket, registerMember } from '../helpers/members.js';

describe(`member accounts (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  let group: string;
  let n = 0;
  const email = () => `member${++n}@example.com`;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net, defaultGroupId: group } = await createNetwork(t.client, 'Accounts'));
  });
  afterAll(async () => {
    await t.close();
  });

  const setGroup = (settings: Record<string, unknown>, groupId = group) => t.client.call('UpdateSecurityGroup', { networkId: net, groupId, securityGroupSettings: settings });
  /** A new security group with these settings (CreateSecurityGroup takes only a few; the rest is an update). */
  const newGroup = async (name: string, settings: Record<string, unknown> = {}) => {
    const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId: net, name, securityGroupSettings: {} });
    if (Object.keys(settings).length > 0) await setGroup(settings, securityGroup.id);
    return securityGroup.id;
  };
  const userStatus = async (userId: number) => (await t.client.call<{ status: number }>('GetUser', { networkId: net, userId: String(userId) })).status;
  const outbox = () => readdirSync(join(t.dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(t.dataDir, 'outbox', f), 'utf8'));

  it('registers with the invite code: the user goes from PENDING to ACTIVE and gets a session and the policy', async () => {
    const e = email();
    const { userId, inviteCode } = await invite(t, net, e);
    expect(await userStatus(userId)).toBe(1);
    const r = await api(t, 'POST', '/v1/accounts/register', undefined, { email: e.toUpperCase(), inviteCode, password: GOOD_PASSWORD, firstName: 'Ada', lastName: 'Lovelace', device: newDevice().wire });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ userId, networkId: net, email: e, firstName: 'Ada', deviceStatus: 'ACTIVE' });
    expect((r.body.policy as { securityGroupId: string }).securityGroupId).toBe(group);
    expect(await userStatus(userId)).toBe(2);
    const devices = await t.client.call<{ devices: { appId: string; type: string; status: string; created: string; lastLogin: string }[] }>('ListDevicesForUser', { networkId: net, userId: String(userId) });
    expect(devices.devices).toEqual([expect.objectContaining({ appId: r.body.deviceId, type: 'cli', statusText: 'Active', suspend: false })]);
    const again = await api(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode, password: GOOD_PASSWORD, device: newDevice().wire });
    expect(again).toMatchObject({ status: 409, body: { code: 'already_registered' } });
  });

  it('refuses a wrong or expired invite code, and an unknown email, changing nothing', async () => {
    const e = email();
    const { userId, inviteCode } = await invite(t, net, e);
    expect(await api(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode: 'WRONGCODE123', password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 400, body: { code: 'invite_invalid' } });
    expect(await api(t, 'POST', '/v1/accounts/register', undefined, { email: 'nobody@example.com', inviteCode, password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 404, body: { code: 'user_not_found', message: 'User not found' } });
    await t.server.store.db.updateTable('users').set({ invite_expiration: Math.floor(Date.now() / 1000) - 1 }).where('network_id', '=', net).where('user_id', '=', userId).execute();
    expect(await api(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode, password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 400, body: { code: 'invite_expired' } });
    expect(await userStatus(userId)).toBe(1);
    const rows = await t.server.store.db.selectFrom('member_accounts').selectAll().where('network_id', '=', net).where('user_id', '=', userId).execute();
    expect(rows).toEqual([]);
  });

  it("explains every violated password rule of the user's security group, inline", async () => {
    const securityGroup = { id: await newGroup('Strict', { passwordRequirements: { minLength: 12, lowercase: 1, uppercase: 2, numbers: 2, symbols: 1 } }) };
    const e = email();
    const { inviteCode } = await invite(t, net, e, securityGroup.id);
    const r = await api<{ code: string; details: { field: string; reason: string }[] }>(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode, password: 'abcdefgH1', device: newDevice().wire });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('password_policy');
    expect(r.body.details.map((d) => d.reason)).toEqual([
      'Use at least 12 characters (you have 9).',
      'Use at least 2 uppercase letters.',
      'Use at least 2 numbers.',
      'Use at least 1 symbol (such as ! # % or @).',
    ]);
    const ok = await api(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode, password: 'abcdefGH12!x', device: newDevice().wire });
    expect(ok.status).toBe(201);
  });

  it('signs in with email and password; a pending user is told to verify the email; an unknown one is not found', async () => {
    const m = await registerMember(t, net, email());
    const second = await addDevice(t, m);
    expect(second.status).toBe(200);
    expect(second.session.deviceStatus).toBe('ACTIVE');
    expect(second.deviceId).not.toBe(m.deviceId);
    const e = email();
    await invite(t, net, e);
    expect(await api(t, 'POST', '/v1/accounts/login', undefined, { email: e, password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 428, body: { code: 'email_verification_required', message: 'Email verification required' } });
    expect(await api(t, 'POST', '/v1/accounts/login', undefined, { email: 'ghost@example.com', password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 404, body: { code: 'user_not_found' } });
  });

  it('signs an existing device back in only with a valid signature of its identity key', async () => {
    const m = await registerMember(t, net, email());
    const ts = Date.now();
    const good = await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: { deviceId: m.deviceId, timestamp: ts, signature: loginSignature(m.device.identity, m.deviceId, ts) } });
    expect(good.status).toBe(200);
    expect(good.body.deviceId).toBe(m.deviceId);
    const other = newDevice();
    const forged = await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: { deviceId: m.deviceId, timestamp: ts, signature: loginSignature(other.identity, m.deviceId, ts) } });
    expect(forged).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const stale = Date.now() - 10 * 60_000;
    const old = await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: { deviceId: m.deviceId, timestamp: stale, signature: loginSignature(m.device.identity, m.deviceId, stale) } });
    expect(old.status).toBe(403);
  });

  it('locks the account after lockoutThreshold failures for 24 hours, even for the right password; an admin unsuspend unlocks it', async () => {
    const securityGroup = { id: await newGroup('Lockout3', { lockoutThreshold: 3 }) };
    const m = await registerMember(t, net, email(), { groupId: securityGroup.id });
    const attempt = (password: string) => api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password, device: newDevice().wire });
    const first = await attempt('wrong-password-1');
    expect(first).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    expect(first.body.message).toContain('2 attempts left');
    expect((await attempt('wrong-password-2')).status).toBe(401);
    const locked = await attempt('wrong-password-3');
    expect(locked).toMatchObject({ status: 423, body: { code: 'account_locked' } });
    const until = locked.body.lockedUntil as number;
    expect(until - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(await attempt(GOOD_PASSWORD)).toMatchObject({ status: 423, body: { code: 'account_locked' } });
    // 24 hours later the lock is gone.
    await t.server.store.db.updateTable('member_accounts').set({ locked_until: Date.now() - 1 }).where('network_id', '=', net).where('user_id', '=', m.userId).execute();
    expect((await attempt(GOOD_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) await attempt('wrong-again');
    expect((await attempt(GOOD_PASSWORD)).status).toBe(423);
    await t.client.call('BatchToggleUserSuspendStatus', { networkId: net, suspend: false, userIds: [String(m.userId)] });
    expect((await attempt(GOOD_PASSWORD)).status).toBe(200);
  });

  it('refuses a suspended user ("Account suspended") and closes their open sockets within a second', async () => {
    const m = await registerMember(t, net, email());
    const ws = await RawSocket.open(t, m.token);
    expect(ws.frames[0]?.t).toBe('ready');
    const before = Date.now();
    await t.client.call('BatchToggleUserSuspendStatus', { networkId: net, suspend: true, userIds: [String(m.userId)] });
    const closing = await ws.next((f) => f.t === 'closing', 1000);
    expect(closing).toMatchObject({ code: 'account_suspended', message: 'Account suspended' });
    await ws.closed(1000);
    expect(Date.now() - before).toBeLessThan(1000);
    expect(await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 403, body: { code: 'account_suspended', message: 'Account suspended' } });
    expect(await api(t, 'GET', '/v1/me', m.token)).toMatchObject({ status: 403, body: { code: 'account_suspended' } });
    await t.client.call('BatchToggleUserSuspendStatus', { networkId: net, suspend: false, userIds: [String(m.userId)] });
    expect((await api(t, 'GET', '/v1/me', m.token)).status).toBe(200);
  });

  it('refuses a deleted user everywhere and closes their sockets', async () => {
    const m = await registerMember(t, net, email());
    const ws = await RawSocket.open(t, m.token);
    await t.client.call('BatchDeleteUser', { networkId: net, userIds: [String(m.userId)] });
    await ws.next((f) => f.t === 'closing', 1000);
    expect(await api(t, 'GET', '/v1/me', m.token)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: newDevice().wire })).toMatchObject({ status: 404, body: { code: 'user_not_found' } });
  });

  it('BatchResetDevicesForUser signs the device out, revokes its keys and stops delivery to it', async () => {
    const m = await registerMember(t, net, email());
    const d2 = await addDevice(t, m);
    const ws = await RawSocket.open(t, d2.token);
    await t.client.call('BatchResetDevicesForUser', { networkId: net, userId: String(m.userId), appIds: [d2.deviceId] });
    expect(await ws.next((f) => f.t === 'closing', 1000)).toMatchObject({ code: 'device_reset' });
    expect(await api(t, 'GET', '/v1/me', d2.token)).toMatchObject({ status: 401, body: { code: 'device_reset' } });
    const prekeys = await t.server.store.db.selectFrom('one_time_prekeys').selectAll().where('device_id', '=', d2.deviceId).execute();
    expect(prekeys).toEqual([]);
    const peer = await registerMember(t, net, email());
    const claim = await api<{ bundles: { deviceId: string }[] }>(t, 'POST', '/v1/keys/claim', peer.token, { deviceIds: [m.deviceId, d2.deviceId] });
    expect(claim.body.bundles.map((b) => b.deviceId)).toEqual([m.deviceId]);
    const devices = await t.client.call<{ devices: { appId: string; statusText: string }[] }>('ListDevicesForUser', { networkId: net, userId: String(m.userId) });
    expect(devices.devices.find((d) => d.appId === d2.deviceId)?.statusText).toBe('Reset');
    // The member can sign in again (as a new device).
    expect((await addDevice(t, m)).status).toBe(200);
  });

  it('with account takeover protection a new device waits for a code from an existing device', async () => {
    const securityGroup = { id: await newGroup('ATO', { isAtoEnabled: true }) };
    const m = await registerMember(t, net, email(), { groupId: securityGroup.id });
    const d2 = await addDevice(t, m);
    expect(d2.session.deviceStatus).toBe('PENDING_APPROVAL');
    expect(await api(t, 'GET', '/v1/conversations', d2.token)).toMatchObject({ status: 428, body: { code: 'device_approval_required' } });
    const ws = await RawSocket.open(t);
    ws.send({ t: 'hello', token: d2.token });
    expect(await ws.next((f) => f.t === 'error')).toMatchObject({ code: 'device_approval_required' });
    // A pending device is not offered to senders.
    const peer = await registerMember(t, net, email());
    const claim = await api<{ bundles: unknown[] }>(t, 'POST', '/v1/keys/claim', peer.token, { deviceIds: [d2.deviceId] });
    expect(claim.body.bundles).toEqual([]);
    expect(await api(t, 'POST', '/v1/devices/approve', d2.token, { code: 'ABCDEFGH' })).toMatchObject({ status: 403 });
    const code = await api<{ code: string }>(t, 'POST', '/v1/devices/approval-codes', m.token);
    expect(code.status).toBe(201);
    const approved = await api(t, 'POST', '/v1/devices/approve', d2.token, { code: code.body.code });
    expect(approved).toMatchObject({ status: 200, body: { deviceStatus: 'ACTIVE' } });
    expect((await api(t, 'GET', '/v1/conversations', d2.token)).status).toBe(200);
    // A code works once.
    const d3 = await addDevice(t, m);
    expect(await api(t, 'POST', '/v1/devices/approve', d3.token, { code: code.body.code })).toMatchObject({ status: 403 });
  });

  it('with account takeover protection a new device can be approved by an emailed code', async () => {
    const securityGroup = { id: await newGroup('ATO-mail', { isAtoEnabled: true }) };
    const m = await registerMember(t, net, email(), { groupId: securityGroup.id });
    const d2 = await addDevice(t, m);
    // Invitations land in the outbox too (delivered by the mail queue): count this account's codes only.
    const codeMails = () => outbox().filter((x) => x.includes(`To: ${m.email}`) && x.includes('Verification code'));
    expect(codeMails()).toHaveLength(0);
    expect((await api(t, 'POST', '/v1/devices/email-code', d2.token)).status).toBe(202);
    const mails = codeMails();
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    const code = /Verification code: ([A-Z0-9]{8})/.exec(mail)![1]!;
    // The emailed code is bound to the device that asked for it.
    const d3 = await addDevice(t, m);
    expect((await api(t, 'POST', '/v1/devices/approve', d3.token, { code })).status).toBe(403);
    expect(await api(t, 'POST', '/v1/devices/approve', d2.token, { code })).toMatchObject({ status: 200, body: { deviceStatus: 'ACTIVE' } });
  });

  it('gives a master recovery key at sign-up when the group asks for it; it approves a new device when no other exists', async () => {
    const securityGroup = { id: await newGroup('Recovery', { isAtoEnabled: true, showMasterRecoveryKey: true }) };
    const e = email();
    const { inviteCode } = await invite(t, net, e, securityGroup.id);
    const reg = await api<{ recoveryKey: string; deviceId: string; userId: number }>(t, 'POST', '/v1/accounts/register', undefined, { email: e, inviteCode, password: GOOD_PASSWORD, device: newDevice().wire });
    expect(reg.body.recoveryKey).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){5}$/);
    // The only device is reset: nothing else can approve.
    await t.client.call('BatchResetDevicesForUser', { networkId: net, userId: String(reg.body.userId), appIds: [reg.body.deviceId] });
    const d2 = await addDevice(t, { email: e });
    expect(d2.session.deviceStatus).toBe('PENDING_APPROVAL');
    expect((await api(t, 'POST', '/v1/devices/approve', d2.token, { recoveryKey: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' })).status).toBe(403);
    expect(await api(t, 'POST', '/v1/devices/approve', d2.token, { recoveryKey: reg.body.recoveryKey.toLowerCase() })).toMatchObject({ status: 200, body: { deviceStatus: 'ACTIVE' } });
  });

  it('password reset is a full account reset: devices cleared, removed from every room, new password works', async () => {
    const m = await registerMember(t, net, email());
    const peer = await registerMember(t, net, email());
    const room = await api<{ id: string }>(t, 'POST', '/v1/conversations', peer.token, { kind: 'room', name: 'Ops', members: [m.userId] });
    expect(room.status).toBe(201);
    const ws = await RawSocket.open(t, m.token);
    expect((await api(t, 'POST', '/v1/accounts/password-reset', undefined, { email: m.email })).status).toBe(202);
    expect((await api(t, 'POST', '/v1/accounts/password-reset', undefined, { email: 'ghost@example.com' })).status).toBe(202);
    const mail = outbox().reverse().find((x) => x.includes(`To: ${m.email}`) && x.includes('reset-password'))!;
    expect(mail).toContain('full account reset');
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail)![1]!;
    const weak = await api(t, 'POST', '/v1/accounts/password-reset/complete', undefined, { token, password: 'short', device: newDevice().wire });
    expect(weak).toMatchObject({ status: 400, body: { code: 'password_policy' } });
    const done = await api<{ deviceId: string; token: string }>(t, 'POST', '/v1/accounts/password-reset/complete', undefined, { token, password: 'A-new-password-77', device: newDevice().wire });
    expect(done.status).toBe(200);
    await ws.next((f) => f.t === 'closing', 2000);
    expect(await api(t, 'GET', '/v1/me', m.token)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    const conv = await api<{ members: { userId: number }[] }>(t, 'GET', `/v1/conversations/${room.body.id}`, peer.token);
    expect(conv.body.members.map((x) => x.userId)).toEqual([peer.userId]);
    const devices = await api<{ devices: { deviceId: string }[] }>(t, 'GET', '/v1/devices', done.body.token);
    expect(devices.body.devices.map((d) => d.deviceId)).toEqual([done.body.deviceId]);
    expect((await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: GOOD_PASSWORD, device: newDevice().wire })).status).toBe(401);
    expect((await api(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password: 'A-new-password-77', device: newDevice().wire })).status).toBe(200);
    // The link works once.
    expect((await api(t, 'POST', '/v1/accounts/password-reset/complete', undefined, { token, password: 'Another-pass-88', device: newDevice().wire })).status).toBe(403);
  });

  it('delivers alwaysReauthenticate and policy changes to connected clients at once', async () => {
    const securityGroup = { id: await newGroup('Live policy') };
    const m = await registerMember(t, net, email(), { groupId: securityGroup.id });
    const ws = await RawSocket.open(t, m.token);
    await setGroup({ alwaysReauthenticate: true, maxTtl: 3600 }, securityGroup.id);
    const frame = await ws.next((f) => f.t === 'policy', 1000);
    expect(frame).toMatchObject({ policy: { alwaysReauthenticate: true, maxTtl: 3600 } });
    expect((await api(t, 'POST', '/v1/accounts/reauthenticate', m.token, { password: 'nope-nope-nope' })).status).toBe(401);
    expect((await api(t, 'POST', '/v1/accounts/reauthenticate', m.token, { password: GOOD_PASSWORD })).status).toBe(204);
    ws.close();
  });

  it('ends a password session after the non-SSO timeout, whatever the member does', async () => {
    await expect(newGroup('Bad timeout', { nonSsoTimeoutMinutes: 50_000 })).rejects.toMatchObject({ errorType: 'ValidationError' });
    const groupId = await newGroup('Timeout', { nonSsoTimeoutMinutes: 30 });
    const m = await registerMember(t, net, email(), { groupId });
    expect(m.session.policy.sessionTimeoutMinutes).toBe(30);
    expect(m.session.expiresAt! - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(m.session.expiresAt! - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const g = await t.client.call<{ securityGroup: { securityGroupSettings: { nonSsoTimeoutMinutes: number } } }>('GetSecurityGroup', { networkId: net, groupId });
    expect(g.securityGroup.securityGroupSettings.nonSsoTimeoutMinutes).toBe(30);
    expect((await api(t, 'GET', '/v1/me', m.token)).status).toBe(200);
    await t.server.store.db.updateTable('member_sessions').set({ expires_at: Date.now() - 1 }).where('device_id', '=', m.deviceId).execute();
    expect(await api(t, 'GET', '/v1/me', m.token)).toMatchObject({ status: 401, body: { code: 'session_expired', message: 'Your session has expired. Sign in again.' } });
  });
});
