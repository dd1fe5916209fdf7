// Network policies that reach members (docs/api-compat.md extensions): the consent pop-up (shown at
// sign-in and again when it changes, accepted before use) and the idle session timeout (the client
// locks after that long without activity), set through UpdateNetworkSettings and listed by
// GetNetworkSettings; the CLI asks for acceptance.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { kdf } from '../helpers/sdk.js';


describe(`network policies for members (${dialectName})`, () => {
  let t: TestServer;
  let networkId: string;
  const clients: EnclaveClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId } = await createNetwork(t.client, 'Policies'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await t.close();
  });

  async function member(name: string, opts: { now?: () => number; store?: MemoryStore } = {}) {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
    const { inviteCode } = await invite(t, networkId, email);
    const store = opts.store ?? new MemoryStore();
    const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'test/1', ...(opts.now ? { now: opts.now } : {}) });
    clients.push(client);
    return { client, email, store };
  }
  const settings = async () => Object.fromEntries((await t.client.call<{ settings: { optionName: string; value: string; type: string }[] }>('GetNetworkSettings', { networkId })).settings.map((s) => [s.optionName, s]));

  it('sets and lists the consent pop-up and the idle timeout, validating them', async () => {
    const before = await settings();
    expect(before.consentPopup).toEqual({ optionName: 'consentPopup', type: 'object', value: JSON.stringify({ enabled: false, title: '', body: '', buttonLabel: '' }) });
    expect(before.sessionIdleTimeoutMinutes).toEqual({ optionName: 'sessionIdleTimeoutMinutes', type: 'number', value: '0' });
    await expectApiError(t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: true, title: '' } } }), 'ValidationError');
    await expectApiError(t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: true, title: 'T', body: 'B', buttonLabel: 'x'.repeat(31) } } }), 'ValidationError');
    await expectApiError(t.client.call('UpdateNetworkSettings', { networkId, settings: { sessionIdleTimeoutMinutes: 1441 } }), 'ValidationError');
    const out = await t.client.call<{ settings: { optionName: string }[] }>('UpdateNetworkSettings', {
      networkId,
      settings: { consentPopup: { enabled: true, title: 'Acceptable use', body: 'Work conversations only. Messages are retained.', buttonLabel: 'Accept' }, sessionIdleTimeoutMinutes: 15 },
    });
    expect(out.settings.map((s) => s.optionName).sort()).toEqual(['consentPopup', 'sessionIdleTimeoutMinutes']);
    const after = await settings();
    expect(JSON.parse(after.consentPopup!.value)).toEqual({ enabled: true, title: 'Acceptable use', body: 'Work conversations only. Messages are retained.', buttonLabel: 'Accept' });
    expect(after.sessionIdleTimeoutMinutes!.value).toBe('15');
  });

  it('makes a member accept the consent pop-up after signing in and again after it changes', async () => {
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: true, title: 'Acceptable use', body: 'Work only.', buttonLabel: 'Accept' }, sessionIdleTimeoutMinutes: 0 } });
    const store = new MemoryStore();
    const a = await member('consent', { store });
    const b = await member('peer');
    const conv = await a.client.openDm(b.email);
    await expect(a.client.sendText(conv.id, 'before accepting')).rejects.toMatchObject({ code: 'consent_required', message: 'Read and accept the notice of your organization first.' });
    expect(a.client.consentRequired).toMatchObject({ title: 'Acceptable use', body: 'Work only.', buttonLabel: 'Accept' });
    await a.client.acceptConsent();
    expect(a.client.consentRequired).toBeUndefined();
    await b.client.acceptConsent();
    await a.client.sendText(conv.id, 'accepted');
    // The same session reopened: still accepted. A new sign-in: shown again.
    await a.client.close();
    const reopened = await EnclaveClient.open({ store, password: GOOD_PASSWORD, kdf, platform: nodePlatform() });
    clients.push(reopened);
    expect(reopened.consentRequired).toBeUndefined();
    await reopened.close();
    const again = await EnclaveClient.login({ server: t.url, email: a.email, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform() });
    clients.push(again);
    expect(again.consentRequired).toMatchObject({ title: 'Acceptable use' });
    await again.acceptConsent();
    // The administrator changes the text: connected members are asked again at once.
    await again.connect();
    const asked = again.next('consent');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { body: 'Work only. Updated terms.' } } });
    expect(await asked).toMatchObject({ body: 'Work only. Updated terms.' });
    await expect(again.sendText(conv.id, 'before accepting the new text')).rejects.toMatchObject({ code: 'consent_required' });
    await again.acceptConsent();
    await again.sendText(conv.id, 'after accepting the new text');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: false } } });
  });

  it('locks the client after the idle timeout without activity', async () => {
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { sessionIdleTimeoutMinutes: 10 } });
    let skew = 0;
    const a = await member('idle', { now: () => Date.now() + skew });
    const b = await member('idlepeer');
    expect(a.client.policy.idleTimeoutMinutes).toBe(10);
    const dm = await a.client.openDm(b.email);
    skew = 9 * 60_000;
    await a.client.sendText(dm.id, 'still active'); // activity resets the idle clock
    skew = 18 * 60_000;
    await a.client.sendText(dm.id, 'nine minutes later');
    skew = 29 * 60_000;
    await expect(a.client.sendText(dm.id, 'after eleven idle minutes')).rejects.toMatchObject({ code: 'reauthentication_required' });
    expect(a.client.locked).toBe(true);
    await a.client.unlock(GOOD_PASSWORD);
    await a.client.sendText(dm.id, 'unlocked');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { sessionIdleTimeoutMinutes: 0 } });
  });
});
