// The messenger's download service worker (served as /app/download-sw.js, scope /app/dl/). It turns a
// file the page decrypts chunk by chunk into a download saved to disk as it arrives: the page
// announces a download over a MessageChannel, opens /app/dl/<id>/<name> in a hidden frame, and this
// worker answers that request with a ReadableStream (Content-Disposition: attachment) fed by the
// page's chunks. Backpressure: the worker asks for one chunk at a time ("pull") when the stream has
// room, so neither side holds more than a chunk or two. It never sees keys or ciphertext, only the
// plaintext bytes the page hands over for this one download, and keeps nothing once it ends.
//
// Built as its own entry by vite.app.config.ts; it imports nothing (a classic worker script).

// The few service-worker types used here (the app's tsconfig has the DOM library, not WebWorker).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', fn: (e: ExtendableMessageEvent) => void): void;
  skipWaiting(): Promise<void>;
  registration: { scope: string };
}

const worker = self as unknown as WorkerScope;

/** The page's messages on a download's port. */
type FromPage = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' } | { type: 'abort'; message: string };

interface Pending {
  name: string;
  size: number;
  port: MessagePort;
  /** Set once the download URL was requested (a download URL serves once). */
  started: boolean;
  created: number;
}

/** Downloads announced by a page and not yet requested (or running), by their random ID. */
const downloads = new Map<string, Pending>();
/** An announced download that is never requested is forgotten after this long. */
const UNCLAIMED_MS = 60_000;

worker.addEventListener('install', (e) => e.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', () => undefined);

worker.addEventListener('message', (e) => {
  const data = e.data as { type?: unknown; id?: unknown; name?: unknown; size?: unknown } | null;
  if (!data || data.type !== 'enclave-download') return; // keep-alive pings need no answer
  const port = e.ports[0];
  if (!port || typeof data.id !== 'string' || !/^[0-9a-f]{32}$/.test(data.id) || typeof data.name !== 'string') return;
  const now = Date.now();
  for (const [id, d] of downloads) if (!d.started && now - d.created > UNCLAIMED_MS) downloads.delete(id);
  downloads.set(data.id, { name: data.name, size: typeof data.size === 'number' && Number.isSafeInteger(data.size) && data.size >= 0 ? data.size : -1, port, started: false, created: now });
  port.postMessage({ type: 'registered' });
});

worker.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  const base = new URL(worker.registration.scope);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return;
  const id = url.pathname.slice(base.pathname.length).split('/')[0] ?? '';
  const d = downloads.get(id);
  if (!d || d.started) {
    e.respondWith(new Response('This download is no longer available.', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
    return;
  }
  d.started = true;
  e.respondWith(new Response(streamOf(id, d), { headers: headersFor(d) }));
});

/** The stream of one download: a chunk is asked for whenever the stream has room for one. */
function streamOf(id: string, d: Pending): ReadableStream<Uint8Array> {
  let waiting: (() => void) | undefined;
  const finish = () => {
    downloads.delete(id);
    d.port.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        d.port.onmessage = (ev: MessageEvent<FromPage>) => {
          const msg = ev.data;
          if (msg.type === 'chunk') controller.enqueue(msg.bytes);
          else if (msg.type === 'end') {
            controller.close();
            finish();
          } else if (msg.type === 'abort') {
            controller.error(new Error(msg.message));
            finish();
          }
          waiting?.();
          waiting = undefined;
        };
        d.port.postMessage({ type: 'started' });
      },
      pull() {
        // Resolved by the page's next message: the stream does not pull again before that.
        return new Promise<void>((resolve) => {
          waiting = resolve;
          d.port.postMessage({ type: 'pull' });
        });
      },
      cancel() {
        // The person cancelled the download in the browser (or the disk failed).
        d.port.postMessage({ type: 'cancel' });
        finish();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Saved, never shown: attachment, a safe ASCII file name plus the exact one (RFC 6266 / 5987). */
function headersFor(d: Pending): Headers {
  const name = Array.from(d.name, (c) => (c < ' ' || c === '\u007f' || c === '/' || c === '\\' ? '_' : c)).join('').slice(0, 255) || 'download';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const h = new Headers({
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
    'cache-control': 'no-store',
  });
  if (d.size >= 0) h.set('content-length', String(d.size));
  return h;
}
