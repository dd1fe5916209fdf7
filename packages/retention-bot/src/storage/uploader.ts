/**
 * storage/uploader.ts — owns delivering archive files to S3 (WICKRIO_S3_BUCKET_NAME, region
 * WICKRIO_S3_REGION, key prefix WICKRIO_S3_FOLDER_NAME): sealed message files and saved attachments
 * go to `<folder>/<file name>`, re-encrypted first with a KMS data key when WICKRIO_KMS_MSTRKEY_ARN is
 * set, and the local file is deleted only after S3 accepted the object. Failures are retried with
 * backoff forever (the data stays on disk), counted as S3_Post_Errors and reported once per file as
 * the guide's "Failed to put file … on S3 bucket" critical event. Files left from an earlier run are
 * found by scanning the directories at start.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KMSClient } from '@aws-sdk/client-kms';
import { awsErrorText } from '../aws.js';
import { EVENT_TEXT, type Events } from '../events.js';
import type { BotLog } from '../logs.js';
import type { Metrics } from '../metrics.js';
import { encryptFile } from './envelope.js';

export interface UploaderOptions {
  s3: S3Client;
  bucket: string;
  folder: string;
  kms?: { client: KMSClient; keyArn: string };
  botName: string;
  tmpDir: string;
  metrics: Metrics;
  log: BotLog;
  events: Events;
  retryMs?: number;
  maxRetryMs?: number;
}

export class Uploader {
  private queue: string[] = [];
  private queued = new Set<string>();
  private running?: Promise<void>;
  private stopped = false;
  private reported = new Set<string>();
  private wake?: () => void;
  uploaded = 0;

  constructor(private readonly o: UploaderOptions) {
    mkdirSync(o.tmpDir, { recursive: true, mode: 0o700 });
  }

  /** The S3 key of a local file. */
  keyOf(path: string): string {
    return (this.o.folder ? `${this.o.folder}/` : '') + basename(path);
  }

  add(path: string): void {
    if (this.queued.has(path) || this.stopped) return;
    this.queued.add(path);
    this.queue.push(path);
    this.running ??= this.loop();
  }

  /** Queues files left from an earlier run: sealed message files and saved attachments. */
  scan(mesgDest: string, activeName: string, fileDest: string): void {
    for (const dir of [mesgDest, fileDest]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.') || name === activeName) continue;
        if (!statSync(join(dir, name)).isFile()) continue;
        this.add(join(dir, name));
      }
    }
  }

  get backlog(): number {
    return this.queue.length;
  }

  private async loop(): Promise<void> {
    let delay = this.o.retryMs ?? 1000;
    while (this.queue.length > 0 && !this.stopped) {
      const path = this.queue[0]!;
      try {
        await this.put(path);
        this.queue.shift();
        this.queued.delete(path);
        this.reported.delete(path);
        this.uploaded++;
        delay = this.o.retryMs ?? 1000;
      } catch (err) {
        if (!existsSync(path)) {
          this.queue.shift();
          this.queued.delete(path);
          continue;
        }
        this.o.metrics.inc('S3_Post_Errors');
        const error = awsErrorText(err);
        this.o.log.log('error', 's3.put_failed', { file: basename(path), bucket: this.o.bucket, error, retryInMs: delay });
        if (!this.reported.has(path)) {
          this.reported.add(path);
          this.o.events.emit(EVENT_TEXT.s3Failure(basename(path), error), 'critical');
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = undefined;
        delay = Math.min(delay * 2, this.o.maxRetryMs ?? 60_000);
      }
    }
    this.running = undefined;
  }

  private async put(path: string): Promise<void> {
    const key = this.keyOf(path);
    let body = path;
    let tmp: string | undefined;
    if (this.o.kms) {
      tmp = join(this.o.tmpDir, `${basename(path)}.enc`);
      await encryptFile(this.o.kms.client, this.o.kms.keyArn, { service: 'enclave-retention-bot', bot: this.o.botName }, path, tmp);
      body = tmp;
    }
    try {
      const size = statSync(body).size;
      await this.o.s3.send(
        new PutObjectCommand({
          Bucket: this.o.bucket,
          Key: key,
          Body: createReadStream(body),
          ContentLength: size,
          ContentType: this.o.kms ? 'application/octet-stream' : path.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/octet-stream',
          ...(this.o.kms ? { Metadata: { 'enclave-envelope': 'ENCRET01', 'enclave-kms-key': this.o.kms.keyArn } } : {}),
        }),
      );
      this.o.log.log('info', 's3.put', { file: basename(path), key, bytes: size, encrypted: !!this.o.kms });
      await rm(path, { force: true });
    } finally {
      if (tmp) await rm(tmp, { force: true });
    }
  }

  /** Resolves when the queue is empty (or after `timeoutMs`). */
  async drain(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.running || this.queue.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.queue.length === 0;
  }

  /** Stops after the current upload; what is left stays on disk for the next run. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }
}
