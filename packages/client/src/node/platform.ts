/**
 * node/platform.ts — owns the Node side of the SDK's platform hooks: WebSocket from the `ws`
 * package, files on disk as streaming sources (read chunk by chunk, never whole) and sinks (a
 * temporary file renamed into place only after the digest checked out, mode 0600), and a JSON-lines
 * log file. Never logs content.
 */
import { createHash, scrypt } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '@enclave/protocol';
import { jsonLineLogger, type LogLevel, type Logger } from '../logger.js';
import { installNodeCrypto, installVerifyAhead } from '@enclave/protocol/node';
import { useNativeScrypt, type ScryptImpl } from '../store/encrypted-store.js';
import type { FileSink, FileSource, Platform, WebSocketLike } from '../types.js';

/** OpenSSL scrypt on the libuv thread pool; its work area is freed as soon as it returns. */
const nodeScrypt: ScryptImpl = (password, salt, kdf, dkLen) =>
  new Promise((resolve, reject) =>
    scrypt(password, salt, dkLen, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 2 ** 30 }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key.buffer, key.byteOffset, key.length)))),
  );

/**
 * Platform hooks for Node: pass as `platform` to EnclaveClient. Also switches the protocol's
 * AES-GCM, Ed25519, HMAC and HKDF to node:crypto (OpenSSL), process-wide, and — on a machine with
 * more than one core, unless ENCLAVE_VERIFY_AHEAD=0 — verifies the signatures of queued sender-key
 * messages ahead of their turn on a low-priority worker thread (ENCLAVE_VERIFY_AHEAD=1 forces it on).
 */
export function nodePlatform(): Platform {
  installNodeCrypto();
  // Verifying ahead moves ~130-170 µs per message off the main thread onto another core; on a
  // single core it would only add the jobs' overhead (docs/benchmarks.md).
  const ahead = process.env.ENCLAVE_VERIFY_AHEAD;
  if (ahead === '1' || (ahead !== '0' && availableParallelism() > 1)) installVerifyAhead();
  useNativeScrypt(nodeScrypt);
  return {
    createWebSocket: (url) => new WebSocket(url, { maxPayload: MAX_FRAME_BYTES * 2 }) as unknown as WebSocketLike,
    openFile: fileSource,
    sha256: () => {
      const h = createHash('sha256');
      return {
        update: (data: Uint8Array) => void h.update(data),
        digest: () => new Uint8Array(h.digest()),
      };
    },
  };
}

/** A file on disk as a FileSource (resumable: its resumeId is path, size and mtime). */
export async function fileSource(path: string): Promise<FileSource> {
  const st = await stat(path);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  const fh = await open(path, 'r');
  return {
    size: st.size,
    resumeId: `${path}|${st.size}|${st.mtimeMs}`,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new Error(`${path} changed while it was being sent`);
        got += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

/** Writes to `<path>.part-<pid>` and renames to `path` on close; abort removes the partial file. */
export function fileSink(path: string): FileSink {
  const tmp = join(dirname(path), `.${basename(path)}.part-${process.pid}`);
  let stream: WriteStream | undefined;
  const ws = (): WriteStream => (stream ??= createWriteStream(tmp, { mode: 0o600 }));
  const finish = () =>
    new Promise<void>((resolve, reject) => {
      const s = ws();
      s.once('error', reject);
      s.end(() => resolve());
    });
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        ws().write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
    async close() {
      await finish();
      await rename(tmp, path);
    },
    async abort() {
      await finish().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}

/** A JSON-lines client log appended to `path` (the CLI's --logging FILE). */
export function fileLogger(path: string, level: LogLevel = 'debug'): Logger & { close(): Promise<void> } {
  const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  const logger = jsonLineLogger((line) => out.write(line), level);
  return { ...logger, close: () => new Promise<void>((r) => out.end(() => r())) };
}
