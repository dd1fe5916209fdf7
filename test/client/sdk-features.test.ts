// End-to-end tests of the SDK's message features against a real server: edits, delete for everyone,
// read receipts, burn-on-read, a DM reaching the sender's other device, live policy changes
// (forwarding, downloads and preview), and alwaysReauthenticate locking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { kdf, collect, until } from '../helpers/sdk.js';

let t: TestServer;
let networkId: string;
let groupId: string;
const open: EnclaveClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ({ networkId, defaultGroupId: groupId } = await createNetwork(t.client, 'SDK Features'));
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await t?.close();
});

async function member(name: string): Promise<{ client: EnclaveClient; email: string }> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inviteCode } = await invite(t, networkId, email);
  const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1' });
  open.push(client);
  await client.connect();
  return { client, email };
}

const setGroup = (settings: Record<string, unknown>) => t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });

describe('SDK message features', () => {
  it('edit, delete for everyone and read receipts in a DM', async () => {
    const a = await member('ea');
    const b = await member('eb');
    const bGot = collect(b.client);
    const dm = await a.client.openDm(b.email);
    const m = await a.client.sendText(dm.id, 'first draft');
    await until(() => bGot.length === 1);
    const edited = b.client.next('edited');
    await a.client.edit(dm.id, m.id, 'final text');
    expect(await edited).toMatchObject({ conv: dm.id, messageId: m.id, text: 'final text' });
    expect((await b.client.message(m.id, dm.id))?.text).toBe('final text');

    const enabled = b.client.next('policy', (p) => p.readReceipts === 'ENABLED');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    await enabled;
    const receipt = a.client.next('receipt');
    expect(await b.client.markRead(dm.id, [m.id])).toBe(true);
    expect(await receipt).toMatchObject({ conv: dm.id, userId: b.client.userId, messageIds: [m.id], state: 'read' });

    const deleted = b.client.next('deleted');
    await a.client.deleteForEveryone(dm.id, m.id);
    expect(await deleted).toMatchObject({ conv: dm.id, messageId: m.id, by: a.client.userId });
    expect(await b.client.message(m.id, dm.id)).toBeUndefined();
  });

  it('burn-on-read: deleted locally bor seconds after the first read, with a burned event', async () => {
    const a = await member('ba');
    const b = await member('bb');
    const bGot = collect(b.client);
    const dm = await a.client.openDm(b.email);
    const m = await a.client.sendText(dm.id, 'read me once', { bor: 1 });
    await until(() => bGot.length === 1);
    expect(bGot[0]!.bor).toBe(1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await b.client.message(m.id, dm.id)).toBeDefined(); // not read yet: still there
    const burned = b.client.next('burned');
    const read = await b.client.read(dm.id, m.id);
    expect(read?.burnAt).toBeGreaterThan(Date.now());
    expect(await burned).toEqual({ conv: dm.id, messageId: m.id });
    expect(await b.client.message(m.id, dm.id)).toBeUndefined();
  });

  it("a DM reaches the peer's devices and the sender's other device", async () => {
    const a = await member('ma');
    const b = await member('mb');
    const a2 = await EnclaveClient.login({ server: t.url, email: a.email, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform() });
    open.push(a2);
    expect(a2.pendingApproval).toBe(false);
    // The new device is in the account's signed device list once the first device approves it.
    await a.client.approveNewDevice(a2.deviceId);
    expect(await a2.syncDevices()).toBe('trusted');
    await a2.connect();
    const a2Got = collect(a2);
    const bGot = collect(b.client);
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'to everyone of us');
    await until(() => bGot.length === 1 && a2Got.length === 1);
    expect(a2Got[0]).toMatchObject({ text: 'to everyone of us', outgoing: true, sender: { deviceId: a.client.deviceId } });
  });

  it('policy changes apply at once: forwarding, downloads and preview', async () => {
    const a = await member('pa');
    const b = await member('pb');
    const bGot = collect(b.client);
    const dm = await a.client.openDm(b.email);
    await a.client.sendFile(dm.id, new TextEncoder().encode('tiny picture'), { name: 'p.png', mime: 'image/png' });
    await until(() => bGot.length === 1);
    const policy = b.client.next('policy', (p) => !p.messageForwardingEnabled);
    await setGroup({ messageForwardingEnabled: false, enableFileDownload: false });
    await policy;
    const other = await b.client.openDm(a.email);
    await expect(b.client.forward(other.id, bGot[0]!)).rejects.toMatchObject({ code: 'forwarding_disabled', message: 'Message forwarding is turned off by your security group.' });
    await expect(b.client.downloadFile(bGot[0]!.file!, { write: async () => {}, close: async () => {}, abort: async () => {} })).rejects.toMatchObject({ code: 'download_disabled' });
    expect(new TextDecoder().decode(await b.client.previewFile(bGot[0]!.file!))).toBe('tiny picture');
    await expect(b.client.previewFile({ ...bGot[0]!.file!, mime: 'application/zip' })).rejects.toMatchObject({ code: 'download_disabled' });
    await setGroup({ messageForwardingEnabled: true, enableFileDownload: true });
  });

  it('alwaysReauthenticate locks the client when the app returns until unlock(password)', async () => {
    const a = await member('la');
    await setGroup({ alwaysReauthenticate: true });
    await until(() => a.client.policy.alwaysReauthenticate);
    a.client.suspendApp();
    a.client.resumeApp();
    expect(a.client.locked).toBe(true);
    const dm = await a.client.openDm((await member('lb')).email);
    await expect(a.client.sendText(dm.id, 'x')).rejects.toMatchObject({ code: 'reauthentication_required' });
    await expect(a.client.unlock('Wrong-password-1')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await a.client.unlock(GOOD_PASSWORD);
    expect(a.client.locked).toBe(false);
    await a.client.sendText(dm.id, 'unlocked');
    await setGroup({ alwaysReauthenticate: false });
  });
});
