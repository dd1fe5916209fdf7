/**
 * archive/archiver.ts — owns turning what the bot receives into durable archive records exactly once:
 * de-duplication by record key (the message ID) against the durable journal and the records in
 * flight, the attachment first (into WICKRIO_COMP_FILEDEST), then the record (group-committed), and
 * only then resolving — the caller acknowledges the message after that. A failing disk is retried
 * until it works (nothing is dropped); a download that keeps failing is recorded as not saved. Counts
 * the guide's metrics. Never logs content.
 */
import type { Message, Received } from '@enclave/client';
import type { Events } from '../events.js';
import type { BotLog } from '../logs.js';
import type { Metrics } from '../metrics.js';
import { LocalWriteError, saveAttachment, type Download } from './attachments.js';
import type { MessageFiles } from './message-files.js';
import { deleteRecord, editRecord, messageRecord, recordKey, undecryptableRecord, type ArchiveRecord, type AttachmentInfo } from './record.js';

export interface ArchiverOptions {
  files: MessageFiles;
  fileDest: string;
  network: string;
  metrics: Metrics;
  log: BotLog;
  events?: Events;
  download?: Download;
  /** Called with an attachment's path once its record is durable (S3 upload). */
  onAttachment?: (path: string) => void;
  now?: () => number;
  /** First retry delay of a failing disk (doubles up to 30 s). */
  retryMs?: number;
  downloadAttempts?: number;
}

export class StoppedError extends Error {
  override name = 'StoppedError';
}

export class Archiver {
  private inflight = new Map<string, Promise<void>>();
  private stopped = false;
  private failing = false;
  /** Saving attachments to WICKRIO_COMP_FILEDEST fails (one critical event per failing spell). */
  private filesFailing = false;
  private readonly now: () => number;
  private wake = new Set<() => void>();

  constructor(private readonly o: ArchiverOptions) {
    this.now = o.now ?? Date.now;
  }

  get pending(): number {
    return this.inflight.size;
  }

  /** Archives a message; resolves once its record is on disk (then it may be acknowledged). */
  handle(m: Message): Promise<void> {
    return this.once(m.id, async () => {
      this.o.metrics.inc('Messages_Rx');
      const attachment = m.file ? await this.attachment(m) : undefined;
      await this.write(m.id, messageRecord(m, this.o.network, this.now(), attachment));
      this.o.metrics.inc('Messages_Saved');
      if (attachment?.saved && attachment.file) this.o.onAttachment?.(`${this.o.fileDest}/${attachment.file}`);
    });
  }

  /** An edit (its own record; the edited message's record stays as it was received). */
  handleEdit(e: Extract<Received, { kind: 'edit' }>): Promise<void> {
    const rec = editRecord(e, this.o.network, this.now());
    return this.once(recordKey(rec), () => this.write(recordKey(rec), rec));
  }

  /** A delete for everyone: recorded; the deleted message's record stays in the archive. */
  handleDelete(e: Extract<Received, { kind: 'delete' }>): Promise<void> {
    const rec = deleteRecord(e, this.o.network, this.now());
    return this.once(recordKey(rec), () => this.write(recordKey(rec), rec));
  }

  /** A message the bot received but could not decrypt: recorded so the gap is visible. */
  handleUndecryptable(e: Extract<Received, { kind: 'undecryptable' }>): Promise<void> {
    // A message already archived comes back after a restart when its acknowledgement was lost; its
    // keys were used up by the first decryption, so it fails now: nothing is missing, nothing to record.
    if (this.o.files.has(e.id)) return Promise.resolve();
    const running = this.inflight.get(e.id);
    if (running) return running;
    this.o.metrics.inc('Messages_Rx_Failed');
    const rec = undecryptableRecord(e, this.o.network, this.now());
    return this.once(recordKey(rec), () => this.write(recordKey(rec), rec));
  }

  private once(key: string, fn: () => Promise<void>): Promise<void> {
    if (this.o.files.has(key)) return Promise.resolve();
    const running = this.inflight.get(key);
    if (running) return running;
    if (this.stopped) return Promise.reject(new StoppedError('The archive is shutting down.'));
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async write(key: string, rec: ArchiveRecord): Promise<void> {
    const line = JSON.stringify(rec);
    let delay = this.o.retryMs ?? 1000;
    for (;;) {
      try {
        await this.o.files.append(key, line);
        if (this.failing) {
          this.failing = false;
          this.o.log.log('info', 'archive.write_recovered', {});
        }
        return;
      } catch (err) {
        this.o.metrics.inc('Messages_Saved_Failed');
        this.o.log.log('error', 'archive.write_failed', { messageId: rec.messageId, code: (err as NodeJS.ErrnoException).code, error: (err as Error).message });
        if (!this.failing) {
          this.failing = true;
          this.o.events?.emit(`Failed to save received messages to ${this.o.files.activePath}. Error: ${(err as Error).message}. The bot keeps the messages unacknowledged and retries.`, 'critical');
        }
        await this.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private async attachment(m: Message): Promise<AttachmentInfo> {
    const ref = m.file!;
    const info: AttachmentInfo = { fileId: ref.fileId, name: ref.name, mime: ref.mime, size: ref.size, saved: false };
    if (!this.o.download) return { ...info, error: 'downloads are not available' };
    const attempts = this.o.downloadAttempts ?? 5;
    let delay = this.o.retryMs ?? 1000;
    for (let i = 1; ; i++) {
      try {
        const saved = await saveAttachment(this.o.fileDest, m.id, ref, this.o.download);
        if (this.filesFailing) {
          this.filesFailing = false;
          this.o.log.log('info', 'archive.file_write_recovered', {});
        }
        this.o.metrics.inc('Files_Saved');
        this.o.metrics.inc('Files_Saved_Bytes', saved.bytes);
        return { ...info, saved: true, file: saved.file, sha256: saved.sha256 };
      } catch (err) {
        this.o.metrics.inc('Files_Saved_Failed');
        const local = err instanceof LocalWriteError;
        this.o.log.log('error', 'archive.file_failed', { messageId: m.id, fileId: ref.fileId, attempt: i, local, code: (err as { code?: string }).code, error: (err as Error).message });
        if (local && !this.filesFailing) {
          this.filesFailing = true;
          this.o.events?.emit(`Failed to save received files to ${this.o.fileDest}. Error: ${(err as Error).message}. The bot keeps the messages unacknowledged and retries.`, 'critical');
        }
        if (!local && i >= attempts) return { ...info, error: (err as { code?: string }).code ?? (err as Error).message };
        await this.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(new StoppedError('The archive is shutting down.'));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(t);
        this.wake.delete(done);
        if (this.stopped) reject(new StoppedError('The archive is shutting down.'));
        else resolve();
      };
      const t = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  /** Lets the records in flight finish (up to `graceMs`), then gives up on those still retrying. */
  async stop(graceMs = 10_000): Promise<void> {
    const all = Promise.allSettled([...this.inflight.values()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    for (const w of [...this.wake]) w();
    await all;
  }
}
