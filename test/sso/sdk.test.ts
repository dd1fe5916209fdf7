// The SDK side of SSO: an SSO member has no Enclave password, so the local store (device keys,
// sessions, messages) is encrypted under a device passphrase chosen on this device and never sent
// anywhere. Signs in through the real provider, exchanges end-to-end encrypted messages with a
// password member, signs in again with the stored device, and refuses a wrong passphrase locally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSso, EnclaveClient, MemoryStore, startSso, type Message } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { kdf, until } from '../helpers/sdk.js';
import { ssoNetwork, startWorld, type SsoNetwork, type SsoWorld } from './flow.js';
import { signInAtProvider } from './provider.js';

let w: SsoWorld;
let net: SsoNetwork;
const PASSPHRASE = 'my device passphrase 42';
const open: EnclaveClient[] = [];

beforeAll(async () => {
  w = await startWorld();
  net = await ssoNetwork(w, { users: { sara: { email: 'sara@example.com', given_name: 'Sara' }, tom: { email: 'tom@example.com' } } });
});

afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await net?.provider.close();
  await w?.close();
});

/** What the messenger does: start, the provider's login page, the callback, then completeSso. */
async function ticketFor(login: string): Promise<{ ticket: string; binding: string }> {
  const start = await startSso({ server: w.t.url, companyId: net.companyId });
  const { callbackUrl } = await signInAtProvider(start.authorizationUrl, w.redirectUri, login);
  const res = await fetch(callbackUrl, { redirect: 'manual' });
  const fragment = new URLSearchParams(res.headers.get('location')!.split('?')[1]);
  expect(fragment.get('state')).toBe(start.state);
  return { ticket: fragment.get('ticket')!, binding: start.binding };
}

describe('SSO members in the SDK', () => {
  const backend = new MemoryStore();
  let deviceId = '';

  it('keeps the SSO member\'s keys under the device passphrase and messages end to end', async () => {
    const { ticket, binding } = await ticketFor('sara');
    const { profile } = await completeSso({ server: w.t.url, ticket, binding, passphrase: PASSPHRASE, store: backend, kdf, deviceType: 'cli', clientName: 'sso-test/1' });
    deviceId = profile.deviceId;
    expect(profile.email).toBe('sara@example.com');
    // Nothing in the store is in clear: not the passphrase, not the email address.
    const raw = JSON.stringify(backend.rawEntries().map(([k, v]) => [k, Buffer.from(v).toString('latin1')]));
    expect(raw).not.toContain('sara@example.com');
    expect(raw).not.toContain(PASSPHRASE);

    const sara = await EnclaveClient.open({ store: backend, password: PASSPHRASE, kdf, platform: nodePlatform() });
    open.push(sara);
    await sara.connect();
    // The peer is an SSO member too (password registration is refused in an SSO network).
    const tomStore = new MemoryStore();
    const t2 = await ticketFor('tom');
    await completeSso({ server: w.t.url, ...t2, passphrase: 'tom passphrase 7', store: tomStore, kdf, deviceType: 'cli', clientName: 'sso-test/1' });
    const tom = await EnclaveClient.open({ store: tomStore, password: 'tom passphrase 7', kdf, platform: nodePlatform() });
    open.push(tom);
    await tom.connect();
    const got: Message[] = [];
    sara.on('message', (m) => got.push(m));
    const dm = await tom.openDm('sara@example.com');
    await tom.sendText(dm.id, 'hello over SSO');
    await until(() => got.some((m) => m.text === 'hello over SSO'), 15_000, 'the message at the SSO member');
    await sara.close();
    open.splice(open.indexOf(sara), 1);
  });

  it('refuses a wrong passphrase on this device before contacting the server', async () => {
    await expect(EnclaveClient.open({ store: backend, password: 'not the passphrase', kdf, platform: nodePlatform() })).rejects.toThrow();
    const { ticket, binding } = await ticketFor('sara');
    await expect(completeSso({ server: w.t.url, ticket, binding, passphrase: 'not the passphrase', store: backend, kdf, deviceType: 'cli', clientName: 'sso-test/1' })).rejects.toThrow();
  });

  it('signs the stored device in again at the next SSO sign-in (same device, history kept)', async () => {
    const { ticket, binding } = await ticketFor('sara');
    const { profile } = await completeSso({ server: w.t.url, ticket, binding, passphrase: PASSPHRASE, store: backend, kdf, deviceType: 'cli', clientName: 'sso-test/1' });
    expect(profile.deviceId).toBe(deviceId);
    const sara = await EnclaveClient.open({ store: backend, password: PASSPHRASE, kdf, platform: nodePlatform() });
    open.push(sara);
    const convs = await sara.conversations();
    const msgs = await sara.messages(convs[0]!.id);
    expect(msgs.map((m) => m.text)).toContain('hello over SSO');
  });

  it('counts messages sent over the socket as activity for ssoMaxIdleMinutes', async () => {
    await w.t.client.call('UpdateSecurityGroup', { networkId: net.networkId, groupId: net.defaultGroupId, securityGroupSettings: { ssoMaxIdleMinutes: 15 } });
    const store = new MemoryStore();
    const t1 = await ticketFor('tom');
    await completeSso({ server: w.t.url, ...t1, passphrase: 'tom passphrase 7', store, kdf, deviceType: 'cli', clientName: 'sso-test/1' });
    // Tom's second device: it starts his identity over rather than wait for his first device's approval.
    const tom = await EnclaveClient.open({ store, password: 'tom passphrase 7', kdf, platform: nodePlatform(), newDevice: 'reset' });
    open.push(tom);
    await tom.connect();
    const dm = await tom.openDm('sara@example.com');
    await tom.sendText(dm.id, 'session set up'); // prekeys claimed, sessions open (REST) before the clock moves
    try {
      w.clock.offset = 10 * 60_000;
      await tom.sendText(dm.id, 'still here (socket)'); // over the socket: no REST request
      w.clock.offset = 20 * 60_000; // 20 minutes after the last REST request, 10 after the message
      await expect(tom.devices()).resolves.toBeTruthy();
      const closed = new Promise<{ code: string }>((resolve) => tom.on('closed', resolve));
      w.clock.offset = 60 * 60_000;
      await expect(tom.devices()).rejects.toMatchObject({ code: 'session_expired' });
      // The session's socket is closed too (the hub re-checks the account's sockets).
      await expect(Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open')), 10_000))])).resolves.toBeTruthy();
    } finally {
      w.clock.offset = 0;
    }
  });
});
