// End-to-end security properties through the SDK against a real server, with the server treated as
// the adversary it may be: plaintext canaries never reach the database, the blob store or the server
// log; a removed member cannot read what is sent after the removal even if the server delivers it;
// tampered, replayed and forged-sender envelopes are refused and do not break later messages; every
// device of sender and recipients gets each message and a reset device gets nothing more.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, type Message } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { AdminClient } from '../../packages/server/src/index.js';
import { dialectName, TEST_DATABASE_URL } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { kdf, until } from '../helpers/sdk.js';


const settle = () => new Promise((r) => setTimeout(r, 400));

describe(`end-to-end security through the SDK (${dialectName})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'enclave-e2e-'));
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const logLines: string[] = [];
  let server: EnclaveServer;
  let url: string;
  let admin: AdminClient;
  let networkId: string;
  const clients: EnclaveClient[] = [];

  beforeAll(async () => {
    const creds = { accessKeyId: 'AKIAE2E' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
    const config = loadConfig(
      { host: '127.0.0.1', port: 0, dataDir, databaseUrl: TEST_DATABASE_URL },
      { ENCLAVE_ROOT_ACCESS_KEY_ID: creds.accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: creds.secretAccessKey, ENCLAVE_LOG_LEVEL: 'trace', ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}) },
    );
    // The server's own log, at its most verbose, captured for the canary scan.
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString('utf8')), done()) });
    server = await createServer(config, { logger: { level: 'trace', stream } });
    url = await server.listen();
    admin = new AdminClient({ endpoint: url, region: config.region, credentials: creds });
    networkId = (await admin.call<{ networkId: string }>('CreateNetwork', { networkName: 'E2E', accessLevel: 'PREMIUM' })).networkId;
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await server?.close();
    if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function member(name: string) {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
    const { inviteCode, userId } = await invite({ client: admin }, networkId, email);
    const store = new MemoryStore();
    const client = await EnclaveClient.register({ server: url, email, inviteCode, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'e2e-test/1' });
    clients.push(client);
    return { client, email, userId, store };
  }
  /** A new device of the account, approved into its signed device list by `first`. */
  async function secondDevice(first: EnclaveClient, email: string) {
    const client = await EnclaveClient.login({ server: url, email, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'e2e-test/1' });
    clients.push(client);
    await first.approveNewDevice(client.deviceId);
    await client.syncDevices();
    return client;
  }
  function inbox(c: EnclaveClient) {
    const messages: Message[] = [];
    const errors: { code: string; messageId?: string }[] = [];
    c.on('message', (m) => messages.push(m));
    c.on('error', (e) => errors.push(e as { code: string; messageId?: string }));
    return { messages, errors, texts: () => messages.map((m) => m.text) };
  }
  const db = () => server.store.db;

  it('never lets a plaintext canary reach the database, the blob store or the server log', async () => {
    const canary = (what: string) => `CANARY-${what}-${randomBytes(8).toString('hex')}`;
    const canaries: string[] = [];
    const a = await member('ca');
    const b = await member('cb');
    const c = await member('cc');
    const bIn = inbox(b.client);
    await b.client.connect();
    await a.client.connect();
    const dm = await a.client.openDm(b.email);
    const group = await a.client.createGroup([b.email, c.email], 'Canary group');
    const room = await a.client.createRoom({ name: 'Canary room', members: [b.email, c.email] });
    const send = async (conv: string, what: string) => {
      const text = canary(what);
      canaries.push(text);
      return a.client.sendText(conv, text);
    };
    const first = await send(dm.id, 'dm');
    await send(group.id, 'group');
    await send(room.id, 'room');
    const editText = canary('edit');
    canaries.push(editText);
    await a.client.edit(dm.id, first.id, editText);
    const fileText = canary('file');
    canaries.push(fileText);
    const fileName = canary('filename');
    canaries.push(fileName);
    const fileBytes = new TextEncoder().encode(`${fileText}\n`.repeat(2000));
    await a.client.sendFile(room.id, fileBytes, { name: fileName, mime: 'text/plain' });
    await until(() => bIn.messages.length >= 4);
    expect(bIn.texts()).toEqual(expect.arrayContaining([canaries[0]!.replace(/.*/, canaries[0]!)]));
    await server.audit.flush();

    const haystacks: { where: string; bytes: Buffer }[] = [];
    if (TEST_DATABASE_URL) {
      const tables = await db().introspection.getTables();
      for (const table of tables) {
        const rows = await db().selectFrom(table.name as never).selectAll().execute();
        haystacks.push({ where: `table ${table.name}`, bytes: Buffer.from(JSON.stringify(rows)) });
      }
    }
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    for (const file of walk(dataDir)) haystacks.push({ where: file, bytes: readFileSync(file) }); // SQLite + WAL, blobs, outbox, trail
    haystacks.push({ where: 'server log', bytes: Buffer.from(logLines.join('')) });
    expect(logLines.length).toBeGreaterThan(10);
    expect(walk(join(dataDir, 'blobs')).length).toBeGreaterThan(0);
    for (const text of canaries) {
      const forms = [text, Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url'), Buffer.from(text).toString('hex')];
      for (const h of haystacks) for (const f of forms) expect(h.bytes.includes(f), `${f} found in ${h.where}`).toBe(false);
    }
  });

  it('keeps a removed member from reading what is sent after the removal, even when the server delivers it', async () => {
    const a = await member('ra');
    const b = await member('rb');
    const c = await member('rc');
    const cIn = inbox(c.client);
    await Promise.all([a.client.connect(), b.client.connect(), c.client.connect()]);
    const room = await a.client.createRoom({ name: 'Removal', members: [b.email, c.email] });
    await a.client.sendText(room.id, 'before removal');
    await until(() => cIn.texts().includes('before removal'));
    await a.client.updateConversation(room.id, { removeMembers: [c.email] });
    await a.client.sendText(room.id, 'after removal: secret');
    // A malicious server re-adds c's device behind everyone's back and delivers the new message.
    const { seq: removedAt } = await db().selectFrom('conv_messages').select('seq').where('conv_id', '=', room.id).where('kind', '=', 'sys').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await db().insertInto('conversation_members').values({ conv_id: room.id, network_id: networkId, user_id: c.userId, role: 'member', joined_at: Date.now() }).execute();
    await db().insertInto('device_cursors').values({ device_id: c.client.deviceId, conv_id: room.id, seq: removedAt! }).execute();
    await c.client.close();
    const reader = await EnclaveClient.open({ store: c.store, password: GOOD_PASSWORD, kdf, platform: nodePlatform() });
    clients.push(reader);
    const seen = inbox(reader);
    await reader.connect();
    await settle();
    await reader.idle();
    // The record did reach c's device (its cursor moved past it) ...
    const secretSeq = (await db().selectFrom('conv_messages').select('seq').where('conv_id', '=', room.id).where('kind', '=', 'sk').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq;
    await server.messaging.hub.flushAcks();
    const cursor = await db().selectFrom('device_cursors').select('seq').where('device_id', '=', reader.deviceId).where('conv_id', '=', room.id).executeTakeFirst();
    expect(cursor?.seq ?? 0).toBeGreaterThanOrEqual(secretSeq);
    // ... and c could not read it: the fresh sender key never went to c.
    expect(seen.texts()).not.toContain('after removal: secret');
    expect([...cIn.texts(), ...seen.texts()]).not.toContain('after removal: secret');
  });

  it('refuses tampered, replayed and forged-sender envelopes, and later messages still arrive', async () => {
    const a = await member('ta');
    const b = await member('tb');
    const x = await member('tx');
    const dm = await a.client.openDm(b.email);
    const room = await a.client.createRoom({ name: 'Tamper', members: [b.email, x.email] });
    const bIn = inbox(b.client);
    // b is offline: the "server" rewrites what it stores before b reads it.
    const m1 = await a.client.sendText(dm.id, 'genuine one');
    const m2 = await a.client.sendText(dm.id, 'to be tampered');
    const r1 = await a.client.sendText(room.id, 'room genuine');
    const r2 = await a.client.sendText(room.id, 'room tampered');
    // Tamper: flip one byte of b's part of m2 and of the room ciphertext r2.
    const part = await db().selectFrom('conv_message_parts as p').innerJoin('conv_messages as m', (j) => j.onRef('m.conv_id', '=', 'p.conv_id').onRef('m.seq', '=', 'p.seq'))
      .select(['p.seq', 'p.body']).where('m.message_id', '=', m2.id).where('p.device_id', '=', b.client.deviceId).executeTakeFirstOrThrow();
    const flip = (b64: string) => { const buf = Buffer.from(b64, 'base64url'); buf[buf.length - 20]! ^= 0x01; return buf.toString('base64url'); };
    await db().updateTable('conv_message_parts').set({ body: flip(part.body) }).where('conv_id', '=', dm.id).where('seq', '=', part.seq).where('device_id', '=', b.client.deviceId).execute();
    const skRow = await db().selectFrom('conv_messages').select(['seq', 'body']).where('conv_id', '=', room.id).where('message_id', '=', r2.id).executeTakeFirstOrThrow();
    await db().updateTable('conv_messages').set({ body: flip(skRow.body) }).where('conv_id', '=', room.id).where('seq', '=', skRow.seq).execute();
    // Replay: the genuine ciphertexts again as new records with new message IDs.
    const replay = async (conv: string, messageId: string) => {
      const row = await db().selectFrom('conv_messages').selectAll().where('conv_id', '=', conv).where('message_id', '=', messageId).executeTakeFirstOrThrow();
      const parts = await db().selectFrom('conv_message_parts').selectAll().where('conv_id', '=', conv).where('seq', '=', row.seq).execute();
      const next = await db().updateTable('conversations').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('conv_id', '=', conv).returning('last_seq').executeTakeFirstOrThrow();
      await db().insertInto('conv_messages').values({ ...row, seq: next.last_seq, message_id: `replay${next.last_seq}` }).execute();
      for (const p of parts) await db().insertInto('conv_message_parts').values({ ...p, seq: next.last_seq }).execute();
      return next.last_seq;
    };
    await replay(dm.id, m1.id);
    await replay(room.id, r1.id);
    // Forged sender: x's genuine room message, relabelled as sent by a's device.
    const x1 = await x.client.sendText(room.id, 'from x');
    await db().updateTable('conv_messages').set({ sender_user_id: a.userId, sender_device_id: a.client.deviceId }).where('conv_id', '=', room.id).where('message_id', '=', x1.id).execute();

    await b.client.connect();
    await settle();
    await b.client.idle();
    const shown = () => bIn.messages.map((m) => `${m.sender.userId}:${m.text}`);
    expect(shown().sort()).toEqual([`${a.userId}:genuine one`, `${a.userId}:room genuine`]);
    expect(bIn.errors.length).toBeGreaterThanOrEqual(3);
    // The sessions survived the attacks: new messages arrive.
    await a.client.sendText(dm.id, 'still working');
    await a.client.sendText(room.id, 'room still working');
    await until(() => bIn.texts().includes('still working') && bIn.texts().includes('room still working'));
    expect(bIn.texts().filter((t) => t === 'genuine one')).toHaveLength(1);
  });

  it("reaches every device of the sender and the recipients; a reset device gets nothing more", async () => {
    const a = await member('ma');
    const b = await member('mb');
    const a2 = await secondDevice(a.client, a.email);
    const b2 = await secondDevice(b.client, b.email);
    const [inA2, inB, inB2] = [inbox(a2), inbox(b.client), inbox(b2)];
    await Promise.all([a.client.connect(), a2.connect(), b.client.connect(), b2.connect()]);
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'to every device');
    await until(() => [inA2, inB, inB2].every((i) => i.texts().includes('to every device')));
    const room = await a.client.createRoom({ name: 'Devices', members: [b.email] });
    await a.client.sendText(room.id, 'room to every device');
    await until(() => [inA2, inB, inB2].every((i) => i.texts().includes('room to every device')));
    const closed = b2.next('closed');
    await admin.call('BatchResetDevicesForUser', { networkId, userId: String(b.userId), appIds: [b2.deviceId] });
    expect(await closed).toMatchObject({ code: 'device_reset' });
    await a.client.sendText(dm.id, 'after reset');
    await a.client.sendText(room.id, 'room after reset');
    await until(() => inB.texts().includes('after reset') && inB.texts().includes('room after reset'));
    await settle();
    expect(inB2.texts()).not.toContain('after reset');
    expect(inB2.texts()).not.toContain('room after reset');
    const lastParts = await db().selectFrom('conv_message_parts').select('device_id').where('device_id', '=', b2.deviceId).where('conv_id', '=', dm.id).execute();
    expect(lastParts.length).toBe(1); // only 'to every device' was ever encrypted to it
  });
});
