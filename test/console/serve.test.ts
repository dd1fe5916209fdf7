// The server serves the built console at /console/: the app shell for every console path (SPA
// fallback), hashed assets with a long cache, a 404 for missing assets, security headers, and the
// admin API and session routes untouched.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { consoleDist, ensureConsoleBuilt } from './browser.js';

describe('console served at /console/', () => {
  let t: TestServer;
  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /console/ and any /console/* path with the app shell, with CSP and no-cache', async () => {
    for (const path of ['/console/', '/console/networks/12345678/security-groups/abc?tab=federation', '/console/iam/users/alice.smith@example.com']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    const redirect = await fetch(`${t.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');
  });

  it('serves hashed assets with a long cache and 404s a missing one', async () => {
    const asset = readdirSync(join(consoleDist, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${t.url}/console/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${t.url}/console/assets/index-00000000.js`);
    expect(missing.status).toBe(404);
  });

  it('leaves the session routes and the admin API at the root as they were', async () => {
    const session = await fetch(`${t.url}/console/session`);
    expect(session.status).toBe(401);
    expect(session.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
    const api = await fetch(`${t.url}/networks`);
    expect(api.status).toBe(401);
    expect(api.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
    const unknown = await fetch(`${t.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundError');
  });
});
