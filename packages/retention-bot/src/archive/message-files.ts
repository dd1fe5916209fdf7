/**
 * archive/message-files.ts — owns the received-messages files: JSON lines appended to the active file
 * `<MESGDEST>/<basename>.jsonl` with group commit (many records, one fsync), each commit followed by
 * its keys in the IdJournal; rotation by size (WICKRIO_COMP_FILESIZE: a record that would pass the
 * limit starts a new file) and by time (WICKRIO_COMP_TIMEROTATE) into sealed files
 * `<basename>-<created UTC>-<generation>.jsonl`; crash recovery (a torn last line is cut, keys
 * written to the file but not yet to the journal are recovered). A commit's promise resolves only
 * when its records are on disk: that is when a message may be acknowledged.
 */
import { existsSync, readFileSync, mkdirSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { IdJournal } from './ids.js';

export interface MessageFilesOptions {
  dir: string;
  stateDir: string;
  baseName: string;
  maxBytes: number;
  /** 0 = never rotate by time. */
  rotateMs: number;
  now?: () => number;
  /** Called with the path of each sealed (rotated) file. */
  onSealed?: (path: string) => void;
  /** Test seam: throws to simulate a failing disk (ENOSPC) before a write. */
  fault?: (what: 'messages' | 'ids') => void;
  idsPerGeneration?: number;
  /** A journal write failed after its records were durable (retried with the next commit). */
  onJournalError?: (err: unknown) => void;
  /** Extracts a record's key from a stored line (recovery). */
  keyOf: (line: string) => string | undefined;
}

interface State {
  gen: number;
  createdAt: number;
}

interface Pending {
  key: string;
  line: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export class MessageFiles {
  private fh?: FileHandle;
  private size = 0;
  private state: State = { gen: 1, createdAt: 0 };
  private queue: Pending[] = [];
  private flushing?: Promise<void>;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private ids!: IdJournal;
  recoveredKeys = 0;

  private constructor(private readonly o: MessageFilesOptions) {
    this.now = o.now ?? Date.now;
  }

  get activePath(): string {
    return join(this.o.dir, `${this.o.baseName}.jsonl`);
  }
  private get statePath(): string {
    return join(this.o.stateDir, 'message-file.json');
  }

  static async open(o: MessageFilesOptions): Promise<MessageFiles> {
    const m = new MessageFiles(o);
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
    m.ids = await IdJournal.open(o.stateDir, o.idsPerGeneration);
    if (existsSync(m.statePath)) m.state = JSON.parse(readFileSync(m.statePath, 'utf8')) as State;
    else m.saveState({ gen: 1, createdAt: m.now() });
    await m.recover();
    m.fh = await open(m.activePath, 'a', 0o600);
    m.size = (await stat(m.activePath)).size;
    if (m.size === 0) m.saveState({ gen: m.state.gen, createdAt: m.now() });
    return m;
  }

  private saveState(s: State): void {
    const tmp = this.statePath + '.tmp';
    writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.statePath);
    fsyncDir(this.o.stateDir);
    this.state = s;
  }

  /** Cuts a torn last line; records keys the journal missed (a crash between the two fsyncs). */
  private async recover(): Promise<void> {
    if (!existsSync(this.activePath)) return;
    const buf = readFileSync(this.activePath);
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end !== buf.length) await truncate(this.activePath, end);
    const mk = this.ids.marker;
    const from = mk && mk.gen === this.state.gen && mk.offset <= end ? mk.offset : 0;
    const missing: string[] = [];
    for (const line of buf.subarray(from, end).toString('utf8').split('\n')) {
      if (!line) continue;
      const key = this.o.keyOf(line);
      if (key && !this.ids.has(key)) missing.push(key);
    }
    if (missing.length > 0 || from !== end) await this.ids.commit(missing, { gen: this.state.gen, offset: end });
    this.recoveredKeys = missing.length;
  }

  /** True when a record with this key is already archived. */
  has(key: string): boolean {
    return this.ids.has(key);
  }

  get generation(): number {
    return this.state.gen;
  }
  get activeSize(): number {
    return this.size;
  }

  /** Appends one record; resolves when it (and its key) is on disk. */
  append(key: string, line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ key, line: Buffer.from(line.endsWith('\n') ? line : line + '\n'), resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let appends made in the same tick join the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 4096);
      try {
        await this.exclusive(() => this.writeBatch(batch));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let seg: Pending[] = [];
    let segBytes = 0;
    for (const p of batch) {
      if (this.size + segBytes > 0 && this.size + segBytes + p.line.length > this.o.maxBytes) {
        if (seg.length > 0) await this.commit(seg, segBytes);
        seg = [];
        segBytes = 0;
        await this.rotate();
      }
      seg.push(p);
      segBytes += p.line.length;
    }
    if (seg.length > 0) await this.commit(seg, segBytes);
  }

  private async commit(seg: Pending[], bytes: number): Promise<void> {
    const buf = Buffer.concat(seg.map((p) => p.line), bytes);
    try {
      this.o.fault?.('messages');
      await this.fh!.write(buf, 0, buf.length, this.size);
      await this.fh!.datasync();
    } catch (err) {
      // Leave no partial record behind: the next attempt starts at the last good offset.
      await this.fh!.truncate(this.size).catch(() => undefined);
      throw err;
    }
    this.size += bytes;
    // The records are durable: a failed journal write is retried with the next commit, and a rotation
    // waits until it succeeded (below), so a restart always finds every key.
    await this.ids
      .commit(
        seg.map((p) => p.key),
        { gen: this.state.gen, offset: this.size },
        this.o.fault ? () => this.o.fault!('ids') : undefined,
      )
      .catch((err: unknown) => this.o.onJournalError?.(err));
  }

  /** Seals the active file (if it holds anything) and starts a new one. */
  private async rotate(): Promise<void> {
    if (this.size === 0) return;
    if (this.ids.pendingKeys > 0) await this.ids.commit([], { gen: this.state.gen, offset: this.size });
    const sealedGen = this.state.gen;
    const created = this.state.createdAt;
    await this.fh!.datasync();
    await this.fh!.close();
    this.saveState({ gen: sealedGen + 1, createdAt: this.now() });
    const base = join(this.o.dir, `${this.o.baseName}-${stamp(created)}-${String(sealedGen).padStart(6, '0')}`);
    let target = `${base}.jsonl`;
    for (let n = 1; existsSync(target); n++) target = `${base}-${n}.jsonl`;
    renameSync(this.activePath, target);
    this.fh = await open(this.activePath, 'a', 0o600);
    fsyncDir(this.o.dir);
    this.size = 0;
    this.o.onSealed?.(target);
  }

  /** Rotates by time when due (an empty file just starts a new window). */
  rotateIfDue(): Promise<void> {
    return this.exclusive(async () => {
      if (this.o.rotateMs <= 0) return;
      if (this.now() - this.state.createdAt < this.o.rotateMs) return;
      if (this.size === 0) this.saveState({ gen: this.state.gen, createdAt: this.now() });
      else await this.rotate();
    });
  }

  /** Seals the active file now (tests, operator tooling). */
  rotateNow(): Promise<void> {
    return this.exclusive(() => this.rotate());
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.exclusive(async () => {
      await this.fh?.close();
      this.fh = undefined;
      await this.ids.close();
    });
  }
}
