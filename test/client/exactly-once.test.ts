// Exactly-once hand-over across a crash: a receiver with beforeAck (what the retention bot uses)
// decrypts a DM — the Double Ratchet's message key is used up — and stops before its beforeAck step
// finished. The ratchet step and the decrypted message are one atomic unit of the store, so the
// restarted client hands the same message over from its kept copy (the redelivered ciphertext can no
// longer be decrypted), exactly once, and acknowledges it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, type Message } from '../../packages/client/src/index.js';
import { useVerifyAhead, verificationsAhead } from '@enclave/protocol';
import { workerVerifier } from '@enclave/protocol/node';
import { SqliteStore, nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD } from '../helpers/members.js';
import { kdf, sdkMember, until } from '../helpers/sdk.js';

let t: TestServer;
let networkId: string;
const dirs: string[] = [];
const open: EnclaveClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ({ networkId } = await createNetwork(t.client, 'Exactly Once'));
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await t?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function reopen(dir: string, beforeAck: (m: Message) => Promise<void>): Promise<{ client: EnclaveClient; errors: string[] }> {
  // Only new messages are sent here; the step sees them (edits and deletes have their own test).
  const client = await EnclaveClient.open({ store: await SqliteStore.open(dir), password: GOOD_PASSWORD, kdf, platform: nodePlatform(), keepMessages: false, beforeAck: (r) => (r.kind === 'message' ? beforeAck(r.message) : Promise.resolve()) });
  const errors: string[] = [];
  client.on('error', (e) => errors.push(e.code));
  return { client, errors };
}

/** A connected sender, and a receiver registered with a SQLite profile in `dir` and closed again. */
async function senderAndProfile(sender: string, receiver: string) {
  const dir = mkdtempSync(join(tmpdir(), 'enclave-once-'));
  dirs.push(dir);
  const alice = await sdkMember(t, networkId, sender);
  open.push(alice.client);
  const bob = await sdkMember(t, networkId, receiver, { store: await SqliteStore.open(dir), connect: false });
  await bob.client.close();
  return { dir, alice, bob };
}

describe('exactly-once hand-over with beforeAck', () => {
  it('hands a message decrypted before a stop over again from the kept copy, once', async () => {
    const { dir, alice, bob } = await senderAndProfile('alice', 'bob');

    // First run: beforeAck never finishes (the archive write did not happen before the stop).
    const started: string[] = [];
    const first = await reopen(dir, async (m) => {
      started.push(m.text ?? '');
      await new Promise(() => undefined);
    });
    await first.client.connect();
    const dm = await alice.client.openDm(bob.email);
    await alice.client.sendText(dm.id, 'once-only 7f3a');
    await until(() => started.length === 1, 10_000, 'the first hand-over');
    await first.client.close(); // the unit (ratchet step + kept message) is durable; nothing was acknowledged

    // Second run: the server redelivers the unacknowledged ciphertext; the client hands over its kept copy.
    const handed: Message[] = [];
    const second = await reopen(dir, async (m) => {
      handed.push(m);
    });
    await second.client.connect();
    await until(() => handed.length >= 1, 10_000, 'the hand-over after the restart');
    await second.client.idle();
    expect(handed.map((m) => m.text)).toEqual(['once-only 7f3a']);
    expect(handed[0]).toMatchObject({ conv: dm.id, sender: { userId: alice.client.userId } });
    expect(second.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    await second.client.close();

    // Third run: acknowledged and forgotten — nothing is handed over again.
    const again: Message[] = [];
    const third = await reopen(dir, async (m) => {
      again.push(m);
    });
    await third.client.connect();
    await alice.client.sendText(dm.id, 'after the restart');
    await until(() => again.length >= 1, 10_000, 'the next message');
    await third.client.idle();
    expect(again.map((m) => m.text)).toEqual(['after the restart']);
    expect(third.errors).toEqual([]);
    await third.client.close();
  });

  /**
   * A receiver on `dir` that collects the texts it hands over, with the SDK's verifier (as
   * nodePlatform installs it) counting the signatures started ahead.
   */
  async function countingReceiver(dir: string) {
    const handed: string[] = [];
    const rx = await reopen(dir, async (m) => {
      handed.push(m.text ?? '');
    });
    open.push(rx.client);
    const verifier = workerVerifier();
    let ahead = 0;
    useVerifyAhead((p, m, sig) => (ahead++, verifier(p, m, sig)));
    return {
      rx,
      handed,
      ahead: () => ahead,
      async stop() {
        useVerifyAhead(undefined);
        await verifier.close();
      },
    };
  }

  it('a receiver keeps nothing per message once it is acknowledged; early signature checks are all used', async () => {
    const { dir, alice, bob } = await senderAndProfile('carol', 'dave');
    const { rx, handed, ahead, stop } = await countingReceiver(dir);
    await rx.client.connect();
    const room = await alice.client.createRoom({ name: 'Backlog', members: [bob.email] });
    const total = 300;
    for (let i = 0; i < total; i++) await alice.client.sendText(room.id, `m${i}`);
    await until(() => handed.length >= total, 30_000, 'every room message');
    await rx.client.idle();
    expect(handed).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    expect(rx.errors).toEqual([]);
    // Before the fix every acknowledged message stayed referenced for the life of the client.
    const internals = rx.client as unknown as { inbound: { waiting: Set<unknown> } };
    expect(internals.inbound.waiting.size).toBe(0);
    // Signatures started ahead were all asked for (none left over, none leaked).
    // Every message after the first of the sender key was checked ahead; each check was used.
    expect(ahead()).toBeGreaterThanOrEqual(total - 1);
    expect(verificationsAhead()).toBe(0);
    await stop();
  });

  it('a receiver starting on a backlog checks ahead the messages that arrived before it knew their signing key', async () => {
    const { dir, alice, bob } = await senderAndProfile('erin', 'frank');
    const room = await alice.client.createRoom({ name: 'Backlog before start', members: [bob.email] });
    const total = 300;
    for (let i = 0; i < total; i++) await alice.client.sendText(room.id, `b${i}`);
    const { rx, handed, ahead, stop } = await countingReceiver(dir);
    // The whole backlog arrives at once, before the first message (and with it the sender's
    // signing key) is decrypted: those checks start as soon as the key is known.
    await rx.client.connect();
    await until(() => handed.length >= total, 30_000, 'the backlog');
    await rx.client.idle();
    expect(handed).toEqual(Array.from({ length: total }, (_, i) => `b${i}`));
    expect(rx.errors).toEqual([]);
    expect(ahead()).toBe(total - 1);
    expect(verificationsAhead()).toBe(0);
    await stop();
  });
});

describe('a burst of frames', () => {
  it('gives the event loop a turn every 20 ms while it is processed (timers, store commits, acknowledgements)', async () => {
    const erin = await sdkMember(t, networkId, 'erin');
    open.push(erin.client);
    let handled = 0;
    erin.client.on('presence', () => {
      handled++;
      const end = performance.now() + 0.2; // ~200 ms of work for the burst
      while (performance.now() < end);
    });
    // Frames handled between two turns of the event loop, turn after turn.
    const perTurn: number[] = [];
    let last = 0;
    let counting = true;
    const count = () => {
      perTurn.push(handled - last);
      last = handled;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const internals = erin.client as unknown as { enqueue(f: unknown): void };
    for (let i = 0; i < 1000; i++) internals.enqueue({ t: 'presence', userId: 1, state: 'online' });
    await erin.client.idle();
    counting = false;
    perTurn.push(handled - last); // what ran since the last turn
    expect(handled).toBe(1000);
    // Processed in promise callbacks alone, the burst would run to its end in one turn (1,000 here);
    // with a turn every 20 ms of processing, about 100 of these frames go by between turns.
    expect(Math.max(...perTurn)).toBeLessThan(400);
    expect(perTurn.filter((n) => n > 0).length).toBeGreaterThan(3);
  });
});
