/**
 * archive/attachments.ts — owns saving a message's file into WICKRIO_COMP_FILEDEST: the SDK decrypts
 * and checks it chunk by chunk into a sink that writes a hidden temporary file, hashes the plaintext
 * (SHA-256), fsyncs, renames into place and fsyncs the directory, so a saved attachment survives a
 * crash. A failed download leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSink } from '@enclave/client';
import type { FileRef } from '@enclave/protocol';
import { attachmentFileName } from './record.js';

export type Download = (ref: FileRef, sink: FileSink) => Promise<void>;

export interface SavedFile {
  path: string;
  file: string;
  bytes: number;
  sha256: string;
}

/** Errors of the local disk (retry forever) as opposed to the download (give up after a few tries). */
export class LocalWriteError extends Error {
  override name = 'LocalWriteError';
  constructor(override readonly cause: unknown) {
    super(`Cannot write the attachment: ${(cause as Error).message}`);
  }
}

export async function saveAttachment(dir: string, messageId: string, ref: FileRef, download: Download): Promise<SavedFile> {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new LocalWriteError(err);
  }
  const file = attachmentFileName(messageId, ref.name);
  const path = join(dir, file);
  const tmp = join(dir, `.${file}.part`);
  const hash = createHash('sha256');
  let fh: FileHandle | undefined;
  let bytes = 0;
  const local = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new LocalWriteError(err);
    }
  };
  const sink: FileSink = {
    async write(chunk) {
      fh ??= await local(() => open(tmp, 'w', 0o600));
      hash.update(chunk);
      bytes += chunk.length;
      await local(() => fh!.write(chunk));
    },
    async close() {
      fh ??= await local(() => open(tmp, 'w', 0o600));
      await local(async () => {
        await fh!.datasync();
        await fh!.close();
        fh = undefined;
        await rename(tmp, path);
        const d = openSync(dir, 'r');
        try {
          fsyncSync(d);
        } finally {
          closeSync(d);
        }
      });
    },
    async abort() {
      await fh?.close().catch(() => undefined);
      fh = undefined;
      // A disk that fails here too must not hide why the attachment failed (the caller retries).
      await rm(tmp, { force: true }).catch(() => undefined);
    },
  };
  try {
    await download(ref, sink);
  } catch (err) {
    await sink.abort();
    throw err;
  }
  return { path, file, bytes, sha256: hash.digest('hex') };
}
