// Saving a decrypted file to disk as it downloads, with the download service worker (download-sw.ts,
// /app/download-sw.js, scope /app/dl/): the SDK decrypts and authenticates a chunk at a time and
// writes it to the sink made here, which hands it to the worker only when the worker's stream asks
// for one (so the page holds a chunk or two, whatever the file's size, up to the 5 GB limit). When the
// SDK finds a chunk or the whole file does not authenticate, the sink aborts: the browser's download
// fails (no file is kept) and the SDK's integrity error reaches the page.
//
// Without service workers (a page not served over HTTPS or localhost, or a browser that disables
// them or will not start this one), files up to IN_MEMORY_LIMIT are collected in memory and saved as
// a Blob; larger ones are refused with an explanation rather than exhausting the tab's memory.
import type { FileSink } from '@enclave/client';
import { saveBlob } from './session';

const WORKER_URL = '/app/download-sw.js';
const SCOPE = '/app/dl/';
/** The largest file saved through memory when the browser offers no service worker. */
export const IN_MEMORY_LIMIT = 256 * 1024 * 1024;
/** How long the worker may take to answer the download URL before the download is given up. */
const START_TIMEOUT_MS = 15_000;
/** Keeps the worker running during long downloads (browsers stop idle workers after ~30 s). */
const KEEPALIVE_MS = 10_000;

export class DownloadError extends Error {
  constructor(
    readonly code: 'download_unavailable' | 'download_cancelled' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}

let worker: Promise<ServiceWorker> | undefined;

/** Whether this browser can stream downloads to disk here. */
export function canStream(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && window.isSecureContext;
}

/** The active download worker (registered once per page). */
function downloadWorker(): Promise<ServiceWorker> {
  worker ??= (async () => {
    const reg = await navigator.serviceWorker.register(WORKER_URL, { scope: SCOPE }).catch(() => {
      throw new DownloadError('download_unavailable', 'The download worker could not be registered.');
    });
    const sw = reg.active ?? reg.waiting ?? reg.installing;
    if (!sw) throw new DownloadError('download_unavailable', 'The download worker could not be started.');
    if (sw.state !== 'activated') {
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (sw.state === 'activated') resolve();
          else if (sw.state === 'redundant') reject(new DownloadError('download_unavailable', 'The download worker could not be started.'));
        };
        sw.addEventListener('statechange', check);
        check();
      });
    }
    return sw;
  })();
  worker.catch(() => (worker = undefined));
  return worker;
}

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A sink that streams to a file the browser saves as `name`. Resolves once the browser has asked for
 * the download (the worker answered it); each write waits until the worker's stream wants more.
 */
export async function diskSink(file: { name: string; size: number }): Promise<FileSink> {
  const sw = await downloadWorker();
  const id = randomId();
  const channel = new MessageChannel();
  const port = channel.port1;
  let credits = 0;
  let cancelled = false;
  let wake: (() => void) | undefined;
  let started: (() => void) | undefined;
  const registered = new Promise<void>((resolve) => {
    port.onmessage = (ev: MessageEvent<{ type: string }>) => {
      const t = ev.data.type;
      if (t === 'registered') resolve();
      else if (t === 'started') started?.();
      else if (t === 'pull') credits++;
      else if (t === 'cancel') cancelled = true;
      wake?.();
      wake = undefined;
    };
  });
  sw.postMessage({ type: 'enclave-download', id, name: file.name, size: file.size }, [channel.port2]);
  await registered;

  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  const whenStarted = new Promise<void>((resolve, reject) => {
    started = resolve;
    setTimeout(() => reject(new DownloadError('download_unavailable', 'The browser did not start the download.')), START_TIMEOUT_MS);
  });
  frame.src = `${SCOPE}${id}/${encodeURIComponent(file.name)}`;
  document.body.appendChild(frame);
  const keepalive = setInterval(() => sw.postMessage({ type: 'keepalive' }), KEEPALIVE_MS);
  const done = () => {
    clearInterval(keepalive);
    // The browser's download manager owns the stream by now; the frame is no longer needed.
    setTimeout(() => frame.remove(), 1000);
  };
  try {
    await whenStarted;
  } catch (err) {
    done();
    port.close();
    throw err;
  }

  return {
    async write(chunk) {
      while (credits === 0 && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
      if (cancelled) throw new DownloadError('download_cancelled', 'The download was cancelled.');
      credits--;
      // Transferred, not copied: the SDK does not use a plaintext chunk after writing it.
      const bytes = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
      port.postMessage({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
    },
    async close() {
      port.postMessage({ type: 'end' });
      done();
    },
    async abort() {
      if (!cancelled) port.postMessage({ type: 'abort', message: 'The file failed its integrity check.' });
      done();
    },
  };
}

/** A sink that keeps the file in memory (no service worker here), for files up to IN_MEMORY_LIMIT. */
export function memorySink(file: { name: string; size: number; mime: string }): FileSink & { save(): void } {
  if (file.size > IN_MEMORY_LIMIT) throw new DownloadError('too_large', 'This browser cannot save files this large here.');
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let blob: Blob | undefined;
  return {
    write: async (chunk) => void parts.push(new Uint8Array(chunk)),
    close: async () => {
      blob = new Blob(parts, { type: file.mime });
      parts = [];
    },
    abort: async () => void (parts = []),
    save() {
      if (blob) saveBlob(blob, file.name);
    },
  };
}
