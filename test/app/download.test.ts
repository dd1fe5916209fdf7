// Browser: downloads stream to disk. A 72 MB file sent between two members is saved through the
// download service worker (/app/dl/… answered with a stream), byte-identical (SHA-256), while the
// receiving page's JavaScript heap (V8 heap plus ArrayBuffer backing stores, sampled through CDP)
// grows by a small fraction of the file; a file whose stored chunk was changed on the server fails
// the browser's download and shows the integrity error instead of saving a corrupted file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, haveChromium, inviteAndJoin, messageItem, openDmWith, setupApp, skipReason } from './browser.js';

const MB = 1024 * 1024;
const BIG = 72 * MB + 12_345;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every chunk file of the blob store (LocalDirBlobStore: blobs/<h0h1>/<h2h3>/<h>/<index>). */
function blobDirs(dataDir: string): string[] {
  const root = join(dataDir, 'blobs');
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (!statSync(p).isDirectory()) continue;
      if (depth === 2) out.push(p);
      else walk(p, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

/**
 * The page's live JS memory: after a full garbage collection, the V8 heap plus the ArrayBuffer backing
 * stores (where fetched and decrypted chunks live). Collecting first measures what the page holds, not
 * the garbage V8 has not collected yet (spent 4 MiB chunks wait for the next collection).
 */
async function liveHeapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  if (u.backingStorageSize === undefined) throw new Error('this Chromium does not report backingStorageSize');
  return u.usedSize + u.backingStorageSize;
}

describe.skipIf(!haveChromium)(`messenger: streamed downloads (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let alice: Page;
  let bob: Page;
  let dir: string;

  beforeAll(async () => {
    env = await setupApp();
    const { networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Download Net');
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false, filesEnabled: true, enableFileDownload: true } });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
    for (const [page, who] of [[alice, ALICE], [bob, BOB]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    dir = mkdtempSync(join(tmpdir(), 'enclave-download-'));
  });
  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams a 72 MB file to disk: byte-identical, and the receiving page holds a few chunks at most', { timeout: 300_000 }, async () => {
    const path = join(dir, 'archive.bin');
    writeFileSync(path, randomBytes(BIG));
    const expected = await sha256File(path);

    await openDmWith(alice, 'bob', 'Bob Brown');
    await alice.getByLabel('Attach a file').setInputFiles(path);
    await messageItem(alice, 'archive.bin').locator('.delivery.sent').waitFor({ timeout: 180_000 });
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    const theirs = messageItem(bob, 'archive.bin');
    await theirs.getByRole('button', { name: 'Download' }).waitFor();

    const cdp = await bob.context().newCDPSession(bob);
    await cdp.send('HeapProfiler.enable');
    const baseline = await liveHeapBytes(cdp);
    let peak = baseline;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await liveHeapBytes(cdp));
        samples++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const [download] = await Promise.all([bob.waitForEvent('download', { timeout: 60_000 }), theirs.getByRole('button', { name: 'Download' }).click()]);
    // The worker answered the download URL (the app's own /app/dl/ path, not a blob: URL of the whole file).
    expect(download.url()).toMatch(/\/app\/dl\/[0-9a-f]{32}\/archive\.bin$/);
    expect(download.suggestedFilename()).toBe('archive.bin');
    const saved = await download.path();
    expect(await download.failure()).toBeNull();
    await theirs.getByRole('progressbar').waitFor({ state: 'detached', timeout: 60_000 });
    sampling = false;
    await sampler;

    expect(statSync(saved).size).toBe(BIG);
    expect(await sha256File(saved)).toBe(expected);
    const growth = peak - baseline;
    console.log(`[download] ${(BIG / MB).toFixed(1)} MiB saved; live page heap baseline ${(baseline / MB).toFixed(1)} MiB, peak growth ${(growth / MB).toFixed(1)} MiB over ${samples} samples`);
    // Collected in memory, the live heap grows with every chunk until the whole file (72 MiB) is held;
    // streamed, it holds a ciphertext and a plaintext chunk (4 MiB each) at a time.
    expect(samples).toBeGreaterThanOrEqual(5);
    expect(growth).toBeLessThan(24 * MB);
    expect(await theirs.getByRole('alert').count()).toBe(0);
    await env.shot('90-download-streamed', bob);
    await env.axe('streamed download', bob);
  });

  it('aborts the download of a file whose stored chunk was tampered with, and says so', { timeout: 180_000 }, async () => {
    const path = join(dir, 'ledger.bin');
    writeFileSync(path, randomBytes(18 * MB));
    const before = new Set(blobDirs(env.t.dataDir));
    await alice.getByLabel('Attach a file').setInputFiles(path);
    await messageItem(alice, 'ledger.bin').locator('.delivery.sent').waitFor({ timeout: 120_000 });
    const added = blobDirs(env.t.dataDir).filter((d) => !before.has(d));
    expect(added).toHaveLength(1);
    // Chunk 2 of 5 (the chunks before it are saved by then): one byte flipped, same length.
    const chunks = readdirSync(added[0]!).sort();
    expect(chunks).toHaveLength(5);
    const victim = join(added[0]!, chunks[2]!);
    const bytes = readFileSync(victim);
    bytes[1000] = bytes[1000]! ^ 0x01;
    writeFileSync(victim, bytes);

    const theirs = messageItem(bob, 'ledger.bin');
    const [download] = await Promise.all([bob.waitForEvent('download', { timeout: 60_000 }), theirs.getByRole('button', { name: 'Download' }).click()]);
    expect(download.url()).toMatch(/\/app\/dl\/[0-9a-f]{32}\/ledger\.bin$/);
    expect(await download.failure()).not.toBeNull();
    expect(await download.path().catch(() => null)).toBeNull();
    await theirs.getByRole('alert').filter({ hasText: 'The download of ledger.bin stopped: the file failed its integrity check' }).waitFor();
    await env.shot('91-download-tampered', bob);
  });
});
