/**
 * files.ts — owns file transfer: streaming encryption of a source in 4 MiB chunks under a fresh
 * per-file key, resumable upload (`POST /v1/files`, `PUT .../chunks/{i}` with x-enclave-sha256,
 * `GET /v1/files/{id}` to skip what arrived, `complete`), and streaming download that decrypts
 * each chunk and checks the SHA-256 of the whole ciphertext before the sink is closed. At most one
 * plaintext and one ciphertext chunk are in memory. The file key and plaintext never reach the
 * server or the log.
 */
import {
  FILE_CHUNK_SIZE,
  FileStatus,
  MAX_FILE_BYTES,
  chunkCount,
  decryptFileChunk,
  encryptFileChunk,
  encryptedSize,
  generateFileKey,
  type FileRef,
  type Policy,
} from '@enclave/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { b64, unb64 } from './codec.js';
import type { Context } from './context.js';
import { EnclaveError, enclaveError } from './errors.js';
import { q } from './http.js';
import type { FileSink, FileSource, Progress } from './types.js';

export interface UploadOptions {
  name: string;
  mime: string;
  onProgress?: (p: Progress) => void;
  voiceMemo?: { durationMs: number };
}

interface UploadRecord {
  fileId: string;
  key: string;
  conv: string;
  size: number;
}

/** MIME types the SDK previews in memory (images, audio, video, plain text, PDF). */
export function isPreviewable(mime: string): boolean {
  return /^(image|audio|video)\//i.test(mime) || /^text\/plain\b/i.test(mime) || /^application\/pdf\b/i.test(mime);
}

/**
 * The preview rule: a file may be returned as bytes for display (never saved by the SDK) when its
 * type is previewable and its size is at most policy.maxAutoDownloadSize, even when the security
 * group turns downloads off (enableFileDownload false).
 */
export function mayPreview(policy: Policy, ref: FileRef): boolean {
  return isPreviewable(ref.mime) && ref.size <= policy.maxAutoDownloadSize;
}

async function withRetries<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retry = err instanceof EnclaveError && (err.code === 'unable_to_connect' || err.code === 'internal' || err.code === 'rate_limited');
      if (!retry || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    }
  }
}

export class Files {
  constructor(private readonly ctx: Context) {}

  /** An incremental SHA-256: the platform's native one when it has one. */
  private hasher(): { update(data: Uint8Array): void; digest(): Uint8Array } {
    return this.ctx.platform.sha256?.() ?? sha256.create();
  }

  /** Encrypts and uploads `source` for `conv`; returns the FileRef to send in a `file` message. */
  async upload(conv: string, source: FileSource, opts: UploadOptions): Promise<FileRef> {
    if (!this.ctx.policy.filesEnabled) throw enclaveError('files_disabled');
    if (source.size > MAX_FILE_BYTES) throw enclaveError('too_large');
    const n = chunkCount(source.size);
    const total = encryptedSize(source.size);
    const recordKey = source.resumeId ? `upload/${bytesToHex(sha256(new TextEncoder().encode(`${conv}|${source.resumeId}`))).slice(0, 32)}` : undefined;
    let rec = recordKey ? await this.ctx.store.getJson<UploadRecord>(recordKey) : undefined;
    let received = new Set<number>();
    if (rec && rec.size === source.size && rec.conv === conv) {
      const status = await this.ctx.http.json('GET', `/v1/files/${q(rec.fileId)}`, FileStatus).catch(() => undefined);
      if (status && !status.complete) received = new Set(status.received);
      else rec = undefined;
      if (rec) this.ctx.logger.log('info', 'file.resume', { fileId: rec.fileId, have: received.size, chunks: n });
    } else rec = undefined;
    if (!rec) {
      const key = generateFileKey();
      const status = await this.ctx.http.json('POST', '/v1/files', FileStatus, { body: { size: total, conv } });
      rec = { fileId: status.fileId, key: b64(key), conv, size: source.size };
      if (recordKey) await this.ctx.store.putJson(recordKey, rec);
    }
    const key = unb64(rec.key);
    const digest = this.hasher();
    let sent = 0;
    for (let i = 0; i < n; i++) {
      const offset = i * FILE_CHUNK_SIZE;
      const plain = await source.read(offset, Math.min(FILE_CHUNK_SIZE, source.size - offset));
      const ct = await encryptFileChunk(key, i, i === n - 1, plain);
      digest.update(ct);
      if (!received.has(i)) {
        // The chunk's own digest (the upload check) with the platform's native SHA-256 (WebCrypto).
        const chunkHex = bytesToHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', ct as Uint8Array<ArrayBuffer>)));
        const fileId = rec.fileId;
        await withRetries(() =>
          this.ctx.http.empty('PUT', `/v1/files/${q(fileId)}/chunks/${i}`, { bytes: ct, headers: { 'x-enclave-sha256': chunkHex }, timeoutMs: 300_000 }),
        );
      }
      sent += ct.length;
      opts.onProgress?.({ bytes: sent, total });
    }
    await withRetries(() => this.ctx.http.json('POST', `/v1/files/${q(rec.fileId)}/complete`, FileStatus));
    if (recordKey) await this.ctx.store.delete(recordKey);
    this.ctx.logger.log('info', 'file.uploaded', { fileId: rec.fileId, chunks: n, bytes: total });
    return {
      fileId: rec.fileId,
      name: opts.name.slice(0, 255),
      mime: opts.mime.slice(0, 255),
      size: source.size,
      key: rec.key,
      digest: b64(digest.digest()),
      ...(opts.voiceMemo ? { voiceMemo: opts.voiceMemo } : {}),
    };
  }

  /** Streams, decrypts and verifies a file into `sink` (download_disabled when the group forbids it). */
  async download(ref: FileRef, sink: FileSink, opts: { onProgress?: (p: Progress) => void } = {}): Promise<void> {
    if (!this.ctx.policy.enableFileDownload) throw enclaveError('download_disabled');
    await this.fetchInto(ref, sink, opts.onProgress);
  }

  /** The bytes of a previewable file (see mayPreview); refused otherwise. */
  async preview(ref: FileRef): Promise<Uint8Array> {
    if (!mayPreview(this.ctx.policy, ref)) throw enclaveError(this.ctx.policy.enableFileDownload ? 'too_large' : 'download_disabled');
    const parts: Uint8Array[] = [];
    await this.fetchInto(ref, {
      write: async (c) => void parts.push(c),
      close: async () => {},
      abort: async () => void (parts.length = 0),
    });
    const out = new Uint8Array(ref.size);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  private async fetchInto(ref: FileRef, sink: FileSink, onProgress?: (p: Progress) => void): Promise<void> {
    const n = chunkCount(ref.size);
    const total = encryptedSize(ref.size);
    const key = unb64(ref.key);
    const digest = this.hasher();
    let got = 0;
    let plainBytes = 0;
    try {
      for (let i = 0; i < n; i++) {
        // `connection: close`: a kept-alive connection that served a streamed chunk kept the
        // server from shutting down (seen in tests); chunks are large, so a new connection is cheap.
        const ct = await withRetries(() => this.ctx.http.bytes('GET', `/v1/files/${q(ref.fileId)}/chunks/${i}`, { timeoutMs: 300_000, headers: { connection: 'close' } }));
        digest.update(ct);
        const plain = await decryptFileChunk(key, i, i === n - 1, ct).catch(() => {
          throw enclaveError('integrity');
        });
        plainBytes += plain.length;
        await sink.write(plain);
        got += ct.length;
        onProgress?.({ bytes: got, total });
      }
      const d = b64(digest.digest());
      if (d !== ref.digest || plainBytes !== ref.size) throw enclaveError('integrity');
      await sink.close();
      this.ctx.logger.log('info', 'file.downloaded', { fileId: ref.fileId, chunks: n });
    } catch (err) {
      await sink.abort().catch(() => undefined);
      throw err;
    }
  }
}
