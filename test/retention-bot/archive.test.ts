// The archive: records are durable before the promise resolves, files rotate by size
// (WICKRIO_COMP_FILESIZE) and by time (WICKRIO_COMP_TIMEROTATE), a restart recovers torn lines and
// keys the journal missed, duplicates are dropped by message ID, and a failing disk is retried until
// it works (nothing lost, Messages_Saved_Failed counted, one critical event).
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Archiver } from '../../packages/retention-bot/src/archive/archiver.js';
import { MessageFiles, type MessageFilesOptions } from '../../packages/retention-bot/src/archive/message-files.js';
import { keyOfLine } from '../../packages/retention-bot/src/archive/record.js';
import { Events } from '../../packages/retention-bot/src/events.js';
import { Metrics } from '../../packages/retention-bot/src/metrics.js';
import { message, readArchive, recordingLog, tempDir } from './helpers.js';

function setup(extra: Partial<MessageFilesOptions> = {}) {
  const root = tempDir();
  const opts: MessageFilesOptions = { dir: join(root, 'messages'), stateDir: join(root, 'state'), baseName: 'receivedMessages', maxBytes: 1 << 30, rotateMs: 0, keyOf: keyOfLine, ...extra };
  return { root, opts };
}

function parts(log = recordingLog()) {
  const metrics = new Metrics({ Id: 'b', Device: 'd', Product: 'p', BotType: 'Compliance', Network: 'n' }, log);
  const events = new Events({ botName: 'b', device: 'd', dockerImage: 'i', dockerTag: 't' }, log);
  return { log, metrics, events };
}

describe('retention archive', () => {
  it('writes one JSON record per message with the guide\'s content and dedupes by message ID', async () => {
    const { root, opts } = setup();
    const files = await MessageFiles.open(opts);
    const { log, metrics } = parts();
    const a = new Archiver({ files, fileDest: join(root, 'att'), network: '1234567890', metrics, log });
    await Promise.all([a.handle(message(1)), a.handle(message(2, { replyTo: 'msg-00000001', expiresAt: 1_800_000_000_000, bor: 30 })), a.handle(message(1))]);
    await a.handle(message(3, { text: undefined, location: { latitude: 1.5, longitude: 2.5 } }));
    await a.handle(message(2));
    await files.close();
    const recs = readArchive(opts.dir);
    expect(recs).toHaveLength(3);
    expect(recs[0]).toEqual({
      version: 1,
      type: 'text',
      messageId: 'msg-00000001',
      network: '1234567890',
      conversation: { id: 'conv-1', seq: 1 },
      sender: { userId: 7, deviceId: 'dev-7', email: 'alice@example.com' },
      sentAt: new Date(1_700_000_000_001).toISOString(),
      receivedAt: new Date(1_700_000_000_501).toISOString(),
      archivedAt: expect.any(String),
      text: 'hello 1',
    });
    expect(recs[1]).toMatchObject({ replyTo: 'msg-00000001', expiresAt: new Date(1_800_000_000_000).toISOString(), bor: 30 });
    expect(recs[2]).toMatchObject({ type: 'location', location: { latitude: 1.5, longitude: 2.5 } });
    expect(metrics.totals.Messages_Rx).toBe(3);
    expect(metrics.totals.Messages_Saved).toBe(3);
    // After a restart the journal still knows them.
    const again = await MessageFiles.open(opts);
    expect(again.has('msg-00000001') && again.has('msg-00000003')).toBe(true);
    await again.close();
  });

  it('rotates by size (KiB): no file passes the limit, every record kept once', async () => {
    const sealed: string[] = [];
    const { opts } = setup({ maxBytes: 1024, onSealed: (p) => sealed.push(p) });
    const files = await MessageFiles.open(opts);
    const { log, metrics } = parts();
    const a = new Archiver({ files, fileDest: '/nonexistent', network: 'n', metrics, log });
    await Promise.all(Array.from({ length: 100 }, (_, i) => a.handle(message(i))));
    await files.close();
    const names = readdirSync(opts.dir).sort();
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(statSync(join(opts.dir, n)).size).toBeLessThanOrEqual(1024);
    expect(sealed).toHaveLength(names.length - 1);
    expect(names.filter((n) => /^receivedMessages-\d{8}T\d{6}Z-\d{6}\.jsonl$/.test(n))).toHaveLength(names.length - 1);
    expect(names).toContain('receivedMessages.jsonl');
    const ids = readArchive(opts.dir).map((r) => r.messageId);
    expect(new Set(ids).size).toBe(100);
    expect(ids).toHaveLength(100);
  });

  it('rotates by time (minutes) and never seals an empty file', async () => {
    let now = 1_000_000;
    const sealed: string[] = [];
    const { opts } = setup({ rotateMs: 10 * 60_000, now: () => now, baseName: 'custom', onSealed: (p) => sealed.push(p) });
    const files = await MessageFiles.open(opts);
    await files.append('a', JSON.stringify({ messageId: 'a' }));
    now += 9 * 60_000;
    await files.rotateIfDue();
    expect(sealed).toHaveLength(0);
    now += 60_000;
    await files.rotateIfDue();
    expect(sealed).toHaveLength(1);
    expect(sealed[0]).toMatch(/custom-\d{8}T\d{6}Z-000001\.jsonl$/);
    now += 20 * 60_000;
    await files.rotateIfDue();
    expect(sealed).toHaveLength(1);
    await files.append('b', JSON.stringify({ messageId: 'b' }));
    now += 10 * 60_000;
    await files.rotateIfDue();
    expect(sealed).toHaveLength(2);
    expect(sealed[1]).toMatch(/-000002\.jsonl$/);
    await files.close();
  });

  it('recovers after a crash: cuts a torn line and learns keys written but not journaled', async () => {
    const { opts } = setup();
    const files = await MessageFiles.open(opts);
    await files.append('k1', JSON.stringify({ messageId: 'k1' }));
    await files.close();
    // A crash after the records' fsync but before the journal's, and a torn record after it.
    appendFileSync(join(opts.dir, 'receivedMessages.jsonl'), JSON.stringify({ messageId: 'k2' }) + '\n{"messageId":"k3","te');
    const again = await MessageFiles.open(opts);
    expect(again.recoveredKeys).toBe(1);
    expect(again.has('k1') && again.has('k2')).toBe(true);
    expect(again.has('k3')).toBe(false);
    expect(readFileSync(join(opts.dir, 'receivedMessages.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
    await again.append('k3', JSON.stringify({ messageId: 'k3' }));
    await again.close();
    expect(readArchive(opts.dir).map((r) => r.messageId)).toEqual(['k1', 'k2', 'k3']);
  });

  it('keeps the journal bounded in two generations', async () => {
    const { opts } = setup({ idsPerGeneration: 10 });
    const files = await MessageFiles.open(opts);
    for (let i = 0; i < 35; i++) await files.append(`id${i}`, JSON.stringify({ messageId: `id${i}` }));
    await files.close();
    const again = await MessageFiles.open(opts);
    expect(again.has('id34') && again.has('id25')).toBe(true);
    expect(again.has('id0')).toBe(false);
    await again.close();
  });

  it('a full disk: retried until it works, nothing lost, metric and one critical event', async () => {
    let full = true;
    const { root, opts } = setup({ fault: (what) => {
      if (full && what === 'messages') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    } });
    const files = await MessageFiles.open(opts);
    const { log, metrics, events } = parts();
    const a = new Archiver({ files, fileDest: join(root, 'att'), network: 'n', metrics, log, events, retryMs: 10 });
    let done = false;
    const p = Promise.all([a.handle(message(1)), a.handle(message(2))]).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    expect(metrics.totals.Messages_Saved_Failed).toBeGreaterThan(1);
    expect(events.sent.filter((e) => e.severity === 'critical')).toHaveLength(1);
    expect(events.sent[0]!.message).toMatch(/Failed to save received messages.*ENOSPC/);
    expect(log.lines.some((l) => l.event === 'archive.write_failed' && l.fields.code === 'ENOSPC')).toBe(true);
    full = false;
    await p;
    await files.close();
    expect(readArchive(opts.dir).map((r) => r.messageId)).toEqual(['msg-00000001', 'msg-00000002']);
    expect(metrics.totals.Messages_Saved).toBe(2);
  });

  it('records edits, deletes for everyone and undecryptable messages once each, keyed by their own record', async () => {
    const { root, opts } = setup();
    const files = await MessageFiles.open(opts);
    const { log, metrics } = parts();
    const a = new Archiver({ files, fileDest: join(root, 'att'), network: 'n', metrics, log });
    const sender = { userId: 7, deviceId: 'dev-7', email: 'alice@example.com' };
    const edit = (id: string, seq: number, text: string) => ({ kind: 'edit' as const, id, conv: 'conv-1', seq, sender, target: 'msg-00000001', text, edited: 1_700_000_100_000, receivedAt: 1_700_000_100_010 });
    await a.handle(message(1));
    // The same text twice is two edits (each its own record); a redelivered edit is written once.
    await Promise.all([a.handleEdit(edit('edit-1', 2, 'fixed')), a.handleEdit(edit('edit-1', 2, 'fixed'))]);
    await a.handleEdit(edit('edit-2', 3, 'fixed'));
    await a.handleDelete({ kind: 'delete', id: 'sys-1', conv: 'conv-1', seq: 4, target: 'msg-00000001', by: 7, receivedAt: 1_700_000_200_000 });
    await a.handleDelete({ kind: 'delete', id: 'sys-1', conv: 'conv-1', seq: 4, target: 'msg-00000001', by: 7, receivedAt: 1_700_000_200_000 });
    await a.handleUndecryptable({ kind: 'undecryptable', id: 'msg-00000005', conv: 'conv-1', seq: 5, sender, code: 'integrity', receivedAt: 1_700_000_300_000 });
    // An undecryptable redelivery of a message already archived records nothing.
    await a.handleUndecryptable({ kind: 'undecryptable', id: 'msg-00000001', conv: 'conv-1', seq: 1, sender, code: 'integrity', receivedAt: 1_700_000_300_000 });
    await files.close();
    const recs = readArchive(opts.dir);
    expect(recs.map((r) => [r.type, r.messageId])).toEqual([
      ['text', 'msg-00000001'],
      ['edit', 'msg-00000001'],
      ['edit', 'msg-00000001'],
      ['delete', 'msg-00000001'],
      ['undecryptable', 'msg-00000005'],
    ]);
    expect(recs[1]).toEqual({
      version: 1,
      type: 'edit',
      messageId: 'msg-00000001',
      editId: 'edit-1',
      network: 'n',
      conversation: { id: 'conv-1', seq: 2 },
      sender,
      receivedAt: new Date(1_700_000_100_010).toISOString(),
      edited: new Date(1_700_000_100_000).toISOString(),
      archivedAt: expect.any(String),
      text: 'fixed',
    });
    expect(recs[3]).toMatchObject({ conversation: { id: 'conv-1', seq: 4 }, by: 7 });
    expect(recs[4]).toMatchObject({ sender, error: 'integrity', conversation: { seq: 5 } });
    expect(metrics.totals.Messages_Rx_Failed).toBe(1);
    // After a restart the journal knows the edit by its own ID.
    const again = await MessageFiles.open(opts);
    expect(again.has('edit:edit-1') && again.has('edit:edit-2') && again.has('delete:msg-00000001')).toBe(true);
    await again.close();
  });

  it('an attachment directory that cannot be written: retried until it works, metric and one critical event', async () => {
    const { root, opts } = setup();
    const files = await MessageFiles.open(opts);
    const { log, metrics, events } = parts();
    // WICKRIO_COMP_FILEDEST where a plain file stands: every attempt to create it fails on the disk.
    const fileDest = join(root, 'att');
    writeFileSync(fileDest, 'in the way');
    const bytes = new TextEncoder().encode('attachment body');
    const download = async (_ref: unknown, sink: { write(c: Uint8Array): Promise<void>; close(): Promise<void> }) => {
      await sink.write(bytes);
      await sink.close();
    };
    const a = new Archiver({ files, fileDest, network: 'n', metrics, log, events, retryMs: 10, downloadAttempts: 2, download });
    let done = false;
    const file = { fileId: 'f1', name: 'report.txt', mime: 'text/plain', size: bytes.length, key: 'k', digest: 'd' } as unknown as NonNullable<ReturnType<typeof message>['file']>;
    const p = a.handle(message(1, { file })).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    // More failed attempts than downloadAttempts: a local failure never gives the attachment up.
    expect(done).toBe(false);
    expect(metrics.totals.Files_Saved_Failed).toBeGreaterThan(2);
    expect(events.sent.filter((e) => e.severity === 'critical').map((e) => e.message)).toEqual([expect.stringMatching(/^Failed to save received files to .*att\. Error: .*retries\.$/)]);
    rmSync(fileDest);
    await p;
    await files.close();
    expect(readFileSync(join(fileDest, 'msg-00000001-report.txt'), 'utf8')).toBe('attachment body');
    expect(readArchive(opts.dir)[0]).toMatchObject({ type: 'file', attachment: { saved: true, file: 'msg-00000001-report.txt' } });
    expect(log.lines.some((l) => l.event === 'archive.file_write_recovered')).toBe(true);
  });

  it('a failed journal write after durable records neither loses nor duplicates', async () => {
    let failIds = true;
    const { opts } = setup({ fault: (what) => {
      if (failIds && what === 'ids') throw new Error('EIO');
    } });
    const files = await MessageFiles.open(opts);
    await files.append('x1', JSON.stringify({ messageId: 'x1' }));
    expect(files.has('x1')).toBe(true);
    failIds = false;
    await files.append('x2', JSON.stringify({ messageId: 'x2' }));
    await files.close();
    const again = await MessageFiles.open(opts);
    expect(again.has('x1') && again.has('x2')).toBe(true);
    expect(again.recoveredKeys).toBe(0);
    await again.close();
  });
});
