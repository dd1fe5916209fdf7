/**
 * archive/ids.ts — owns the durable set of archived record keys (message IDs) that makes the archive
 * exactly-once across restarts: an append-only journal in two generations (`ids-cur.log`,
 * `ids-prev.log`; the current one becomes the previous one after `perGeneration` keys, so memory stays
 * bounded; in memory each key is a 128-bit digest in a DigestSet, off the V8 heap) with a marker
 * `@<generation>:<offset>` after every commit telling how far the active
 * message file is covered. Keys only: never message content.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, rename, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DigestSet, digest } from './digest-set.js';

export interface Marker {
  gen: number;
  offset: number;
}

export class IdJournal {
  private cur = new DigestSet();
  private prev = new DigestSet();
  private fh?: FileHandle;
  private lastMarker?: Marker;
  /** Keys whose records are durable but whose journal write failed: retried with the next commit. */
  private backlog: string[] = [];

  private constructor(
    private readonly dir: string,
    private readonly perGeneration: number,
  ) {}

  static async open(dir: string, perGeneration = 200_000): Promise<IdJournal> {
    const j = new IdJournal(dir, perGeneration);
    j.prev = j.load(join(dir, 'ids-prev.log'));
    j.cur = await j.loadAndRepair(join(dir, 'ids-cur.log'));
    j.fh = await open(join(dir, 'ids-cur.log'), 'a', 0o600);
    return j;
  }

  private load(path: string): DigestSet {
    const set = new DigestSet();
    if (!existsSync(path)) return set;
    const text = readFileSync(path, 'utf8');
    const end = text.lastIndexOf('\n');
    for (const line of text.slice(0, end + 1).split('\n')) {
      if (!line) continue;
      if (line.startsWith('@')) {
        const [g, o] = line.slice(1).split(':');
        this.lastMarker = { gen: Number(g), offset: Number(o) };
      } else set.add(line);
    }
    return set;
  }

  /** Loads the current generation, cutting a torn last line (a commit that never completed). */
  private async loadAndRepair(path: string): Promise<DigestSet> {
    const set = this.load(path);
    if (existsSync(path)) {
      const buf = readFileSync(path);
      const end = buf.lastIndexOf(0x0a) + 1;
      if (end !== buf.length) await truncate(path, end);
    }
    return set;
  }

  has(key: string): boolean {
    const d = digest(key);
    return this.cur.hasDigest(d) || this.prev.hasDigest(d);
  }

  get size(): number {
    return this.cur.size + this.prev.size;
  }

  /** The last durable marker: the active file generation and the offset its keys are recorded to. */
  get marker(): Marker | undefined {
    return this.lastMarker;
  }

  /** Keys not yet on disk in the journal (their records are). */
  get pendingKeys(): number {
    return this.backlog.length;
  }

  /**
   * Appends keys and a marker durably (fsync). Call after the records themselves are durable: the
   * keys count as archived at once; when the write fails they stay in the backlog and go out with
   * the next commit (a restart recovers them from the message file, after the last marker).
   */
  async commit(keys: string[], marker: Marker, fault?: () => void): Promise<void> {
    for (const k of keys) {
      this.cur.add(k);
      this.backlog.push(k);
    }
    fault?.();
    let text = '';
    for (const k of this.backlog) text += k + '\n';
    text += `@${marker.gen}:${marker.offset}\n`;
    const fh = this.fh!;
    const before = (await fh.stat()).size;
    try {
      await fh.write(text);
      await fh.datasync();
    } catch (err) {
      await fh.truncate(before).catch(() => undefined);
      throw err;
    }
    this.backlog = [];
    this.lastMarker = marker;
    if (this.cur.size >= this.perGeneration) await this.switchGeneration();
  }

  private async switchGeneration(): Promise<void> {
    await this.fh!.close();
    await rename(join(this.dir, 'ids-cur.log'), join(this.dir, 'ids-prev.log'));
    this.prev = this.cur;
    this.cur = new DigestSet();
    this.fh = await open(join(this.dir, 'ids-cur.log'), 'a', 0o600);
    // Carry the marker into the new generation so a restart finds it.
    await this.fh.write(`@${this.lastMarker!.gen}:${this.lastMarker!.offset}\n`);
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}
