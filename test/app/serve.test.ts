// The server serves the built messenger at /app/: the app shell for every /app path (SPA fallback),
// hashed assets with a long cache, a 404 for missing assets, a CSP that allows the same-origin API and
// WebSocket and blob: previews but nothing else, and / redirects to /app/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { appDist, ensureAppBuilt } from './browser.js';

describe('messenger served at /app/', () => {
  let t: TestServer;
  beforeAll(async () => {
    ensureAppBuilt();
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /app/ and any /app/* path with the app shell, with its CSP and no-cache', async () => {
    const host = new URL(t.url).host;
    for (const path of ['/app/', '/app/register?code=ABC123', '/app/c/some-conversation', '/app/settings']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves the download service worker from /app/ (not cached for long) and lets the app frame its own download URLs', async () => {
    const res = await fetch(`${t.url}/app/download-sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('enclave-download');
    const shell = await fetch(`${t.url}/app/`);
    const csp = shell.headers.get('content-security-policy') ?? '';
    await shell.text(); // read to the end: the connection is idle again when the server closes
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("frame-src 'self' blob:");
  });

  it('redirects / and /app to /app/', async () => {
    for (const path of ['/', '/app']) {
      const res = await fetch(t.url + path, { redirect: 'manual' });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/app/');
      await res.text();
    }
  });

  it('serves hashed assets with a long cache and 404s a missing one', async () => {
    const asset = readdirSync(join(appDist, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${t.url}/app/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    await res.text();
    const missing = await fetch(`${t.url}/app/assets/index-00000000.js`);
    expect(missing.status).toBe(404);
    await missing.text();
  });

  it('leaves the console, the client API and the admin API as they were', async () => {
    // Every body is read to the end, so no connection is left busy when the server closes.
    const consoleRes = await fetch(`${t.url}/console/`);
    expect(consoleRes.headers.get('content-security-policy')).toContain("connect-src 'self';");
    await consoleRes.text();
    const me = await fetch(`${t.url}/v1/me`);
    expect(me.status).toBe(401);
    await me.text();
    const api = await fetch(`${t.url}/networks`);
    expect(api.status).toBe(401);
    expect(api.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
    await api.text();
    const unknown = await fetch(`${t.url}/nope`);
    expect(unknown.status).toBe(404);
    await unknown.text();
  });
});
