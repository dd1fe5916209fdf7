// Exactly-once archive across SIGKILL: the built bot (`enclave-retention-bot`, a child process)
// archives a stream of RETENTION_SIGKILL_MESSAGES (default the 100,000) room messages; it is killed with
// SIGKILL twice while the stream runs and restarted with its generated password each time; at the
// end the archive holds every message exactly once (no loss, no duplicate).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { tempDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'packages/retention-bot/dist/main.js');
// The 100,000 (about 8 minutes on SQLite here, bound by the one sender); CI's PostgreSQL pass sets 20,000.
const TOTAL = Number(process.env.RETENTION_SIGKILL_MESSAGES ?? 100_000);
const kdf = { N: 2 ** 10, r: 8, p: 1 };

/** Message IDs in the archive, with their number of occurrences. */
function archived(dir: string): Map<string, number> {
  const seen = new Map<string, number>();
  if (!existsSync(dir)) return seen;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const line of text.split('\n')) {
      const m = /"messageId":"([^"]+)"/.exec(line);
      if (m && line.endsWith('}')) seen.set(m[1]!, (seen.get(m[1]!) ?? 0) + 1);
    }
  }
  return seen;
}

/**
 * How many distinct messages are archived so far, reading only what was appended since the last
 * call (polling the whole archive every 50 ms made the test itself the bottleneck as it grew).
 */
function archiveCounter(dir: string): () => number {
  // By inode: rotation renames the active file and starts a new one under the old name.
  const offsets = new Map<number, number>();
  const ids = new Set<string>();
  return () => {
    if (!existsSync(dir)) return 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      const path = join(dir, f);
      const { ino, size } = statSync(path);
      const from = offsets.get(ino) ?? 0;
      if (size <= from) continue;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(path, 'r');
      readSync(fd, buf, 0, buf.length, from);
      closeSync(fd);
      const end = buf.lastIndexOf(10) + 1;
      offsets.set(ino, from + end);
      for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
        const m = /"messageId":"([^"]+)"/.exec(line);
        if (m && line.endsWith('}')) ids.add(m[1]!);
      }
    }
    return ids.size;
  };
}

describe('retention bot exactly-once across SIGKILL', () => {
  let t: TestServer;
  let child: ChildProcess | undefined;
  const home = tempDir();
  const clients: EnclaveClient[] = [];

  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/retention-bot'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  }, 300_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const c of clients) await c.close().catch(() => undefined);
    await t?.close();
  });

  function startBot(env: Record<string, string>): { child: ChildProcess; output: () => string } {
    const c = spawn(process.execPath, [MAIN, 'run', '--no-supervise'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // The start-up lines matter (bot.running, the generated password); keep the output bounded.
    const keep = (d: string) => (out = out.length < 1_000_000 ? out + d : out);
    c.stdout!.setEncoding('utf8').on('data', keep);
    c.stderr!.setEncoding('utf8').on('data', keep);
    child = c;
    return { child: c, output: () => out };
  }

  async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it(`archives ${TOTAL} messages exactly once though killed twice`, async () => {
    t = await startTestServer();
    const { networkId } = await createNetwork(t.client, 'SIGKILL', 'PREMIUM');
    const botName = `compliance_${networkId}_bot`;
    await t.client.call('CreateDataRetentionBot', { networkId });
    const { challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId });
    const messages = join(home, 'messages');
    const env = { WICKRIO_BOT_NAME: botName, ENCLAVE_SERVER_URL: t.url, ENCLAVE_RETENTION_HOME: home, WICKRIO_COMP_MESGDEST: messages, WICKRIO_COMP_FILEDEST: join(home, 'files'), WICKRIO_COMP_FILESIZE: '512' };

    let bot = startBot({ ...env, WICKRIO_BOT_PASSWORD: challenge });
    await waitFor(() => bot.output().includes('bot.running') || bot.child.exitCode !== null, 'the first start');
    const password = /"([A-Za-z0-9]{24})"/.exec(bot.output())?.[1];
    if (!password) throw new Error(`no generated password: ${bot.output()}`);
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });

    const members = [];
    for (const name of ['alice', 'bob']) {
      const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
      const { inviteCode } = await invite(t, networkId, email);
      const c = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'test/1' });
      clients.push(c);
      members.push({ c, email });
    }
    const [alice, bob] = members as [(typeof members)[0], (typeof members)[0]];
    await alice.c.connect();
    const room = await alice.c.createRoom({ name: 'stream', members: [bob.email] });

    const sentIds: string[] = [];
    const sending = (async () => {
      const window = 64;
      for (let i = 0; i < TOTAL; i += window) {
        const batch = [];
        for (let j = i; j < Math.min(TOTAL, i + window); j++) batch.push(alice.c.sendText(room.id, `m${j}`));
        for (const m of await Promise.all(batch)) sentIds.push(m.id);
      }
    })();

    const archivedSoFar = archiveCounter(messages);
    for (const fraction of [0.25, 0.6]) {
      await waitFor(() => archivedSoFar() >= TOTAL * fraction, `${fraction * 100}% archived`, 1_800_000);
      bot.child.kill('SIGKILL');
      await once(bot.child, 'exit');
      bot = startBot({ ...env, WICKRIO_BOT_PASSWORD: password });
      await waitFor(() => bot.output().includes('bot.running') || bot.child.exitCode !== null, 'a restart');
      if (bot.child.exitCode !== null) throw new Error(`restart failed: ${bot.output()}`);
    }
    await sending;
    await waitFor(() => archivedSoFar() >= TOTAL, 'every message archived', 1_800_000);
    await new Promise((r) => setTimeout(r, 1000));
    bot.child.kill('SIGTERM');
    await once(bot.child, 'exit');
    expect(bot.child.exitCode).toBe(0);

    const seen = archived(messages);
    const dup = [...seen].filter(([, n]) => n > 1);
    const missing = sentIds.filter((id) => !seen.has(id));
    expect({ duplicates: dup.length, missing: missing.length, archived: seen.size }).toEqual({ duplicates: 0, missing: 0, archived: TOTAL });
    expect(readdirSync(messages).length).toBeGreaterThan(1);
  }, 3_600_000);
});
