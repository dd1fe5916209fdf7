import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

const SECRET = 'tdf-client-secret-9d8e7f6a5b';

/**
 * A stand-in OpenTDF platform on 127.0.0.1: `/<mode>/.well-known/opentdf-configuration` answers
 * according to mode — ok (a JSON object), error (HTTP 500), html (not JSON), slow (never answers).
 */
class TdfService {
  server!: Server;
  base = '';
  hits: string[] = [];

  async start() {
    this.server = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, mode = '', ...rest] = url.pathname.split('/');
      this.hits.push(`${req.method} ${url.pathname}`);
      if (req.method !== 'GET' || '/' + rest.join('/') !== '/.well-known/opentdf-configuration') {
        res.writeHead(404).end();
        return;
      }
      if (mode === 'slow') return;
      if (mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
        return;
      }
      if (mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ platform_issuer: `${this.base}/idp`, health: { endpoint: '/healthz' } }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  domain(mode: string) {
    return `${this.base}/${mode}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe(`OpenTDF (${dialectName})`, () => {
  let t: TestServer;
  let svc: TdfService;
  beforeAll(async () => {
    t = await startTestServer();
    svc = await new TdfService().start();
  });
  afterAll(async () => {
    await svc.stop();
    await t.close();
  });

  const row = (networkId: string) => t.server.store.db.selectFrom('tdf_configs').selectAll().where('network_id', '=', networkId).executeTakeFirst();
  const get = (networkId: string) => t.client.call<Record<string, string>>('GetOpentdfConfig', { networkId });
  const input = (networkId: string, extra: Record<string, unknown> = {}) => ({
    networkId,
    clientId: 'client123',
    clientSecret: SECRET,
    domain: svc.domain('ok'),
    provider: 'virtru',
    ...extra,
  });
  const EMPTY = { clientId: '', clientSecret: '', domain: '', provider: '' };

  it('answers an unconfigured network with empty strings, as the model example', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF none');
    expect(await get(networkId)).toEqual(EMPTY);
  });

  it('saves the configuration with the secret sealed, without contacting the service', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF save');
    const hits = svc.hits.length;
    const out = await t.client.call('RegisterOpentdfConfig', input(networkId));
    const expected = { clientId: 'client123', clientSecret: SECRET, domain: svc.domain('ok'), provider: 'virtru' };
    expect(out).toEqual(expected);
    expect(await get(networkId)).toEqual(expected);
    expect(svc.hits.length).toBe(hits);

    const stored = await row(networkId);
    expect(stored!.client_secret_ciphertext).not.toContain(SECRET);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(t.server.secrets.open(stored!.client_secret_ciphertext)).toBe(SECRET);

    // Saving again replaces the configuration.
    await t.client.call('RegisterOpentdfConfig', input(networkId, { clientId: 'client456', clientSecret: 'second-secret', domain: 'https://api.sample.com' }));
    expect(await get(networkId)).toEqual({ clientId: 'client456', clientSecret: 'second-secret', domain: 'https://api.sample.com', provider: 'virtru' });
    const rows = await t.server.store.db.selectFrom('tdf_configs').selectAll().where('network_id', '=', networkId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.client_secret_ciphertext).not.toContain('second-secret');
  });

  it('accepts only the virtru provider (ValidationError "Invalid input provided") and stores nothing else', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF provider');
    for (const provider of ['invalid provider', 'opentdf', '']) {
      const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input(networkId, { provider })), 'ValidationError', 422);
      expect(e.body.message).toBe('Invalid input provided');
      expect(e.body.reasons).toEqual([{ field: 'provider', reason: 'must be one of: virtru' }]);
    }
    expect(await row(networkId)).toBeUndefined();
    expect(await get(networkId)).toEqual(EMPTY);
    expect((await t.client.call<{ provider: string }>('RegisterOpentdfConfig', input(networkId, { provider: 'Virtru' }))).provider).toBe('virtru');
    expect((await get(networkId)).provider).toBe('virtru');
  });

  it('requires an https domain (http only for loopback hosts) and non-empty credentials', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF domain');
    await t.client.call('RegisterOpentdfConfig', input(networkId));
    const before = await row(networkId);
    for (const domain of ['http://api.sample.com', 'api.sample.com', 'ftp://api.sample.com', '', 'https://api.sample.com/?x=1']) {
      const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input(networkId, { domain })), 'ValidationError', 422);
      expect(e.body.message).toBe('Invalid input provided');
      expect(e.body.reasons?.map((r) => r.field)).toEqual(['domain']);
    }
    for (const [field, value] of [
      ['clientId', ''],
      ['clientId', '   '],
      ['clientSecret', ''],
    ] as const) {
      const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input(networkId, { [field]: value })), 'ValidationError', 422);
      expect(e.body.reasons?.map((r) => r.field)).toEqual([field]);
    }
    await expectApiError(t.client.call('RegisterOpentdfConfig', { networkId, clientId: 'a', domain: svc.domain('ok'), provider: 'virtru' }), 'ValidationError', 422);
    expect(await row(networkId)).toEqual(before);
    for (const domain of ['https://api.sample.com', 'http://localhost:8443', 'http://[::1]:8443']) {
      expect((await t.client.call<{ domain: string }>('RegisterOpentdfConfig', input(networkId, { domain }))).domain).toBe(domain);
    }
  });

  it('dry run: really contacts the service and stores nothing', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF dry');
    svc.hits = [];
    const out = await t.client.call('RegisterOpentdfConfig', input(networkId, { dryRun: true }));
    expect(out).toEqual({ clientId: 'client123', clientSecret: SECRET, domain: svc.domain('ok'), provider: 'virtru' });
    expect(svc.hits).toEqual(['GET /ok/.well-known/opentdf-configuration']);
    expect(await row(networkId)).toBeUndefined();
    expect(await get(networkId)).toEqual(EMPTY);

    // A trailing slash on the domain makes no double slash.
    svc.hits = [];
    await t.client.call('RegisterOpentdfConfig', input(networkId, { domain: svc.domain('ok') + '/', dryRun: true }));
    expect(svc.hits).toEqual(['GET /ok/.well-known/opentdf-configuration']);

    // A dry run leaves an existing configuration alone.
    await t.client.call('RegisterOpentdfConfig', input(networkId, { clientId: 'kept' }));
    await t.client.call('RegisterOpentdfConfig', input(networkId, { clientId: 'dry', clientSecret: 'dry-secret', dryRun: true }));
    expect(await get(networkId)).toMatchObject({ clientId: 'kept', clientSecret: SECRET });
  });

  it('dry run: "Failed to communicate with OpenTDF service" when the service fails, changing nothing', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF dry fail');
    await t.client.call('RegisterOpentdfConfig', input(networkId, { clientId: 'kept' }));
    const before = await row(networkId);
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const [domain, reason] of [
      [svc.domain('error'), /answered HTTP 500/],
      [svc.domain('html'), /did not answer with a JSON object/],
      [`http://127.0.0.1:${port}`, /ECONNREFUSED/],
    ] as const) {
      const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input(networkId, { domain, dryRun: true, clientId: 'new' })), 'ValidationError', 422);
      expect(e.body.message).toBe('Failed to communicate with OpenTDF service');
      expect(e.body.reasons?.[0]?.field).toBe('domain');
      expect(e.body.reasons?.[0]?.reason).toMatch(reason);
    }
    expect(await row(networkId)).toEqual(before);
  });

  it('dry run: gives up after 5 seconds', async () => {
    const { networkId } = await createNetwork(t.client, 'TDF slow');
    const started = Date.now();
    const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input(networkId, { domain: svc.domain('slow'), dryRun: true })), 'ValidationError', 422);
    const took = Date.now() - started;
    expect(e.body.message).toBe('Failed to communicate with OpenTDF service');
    expect(e.body.reasons?.[0]?.reason).toMatch(/did not answer within 5 seconds/);
    expect(took).toBeGreaterThanOrEqual(4900);
    expect(took).toBeLessThan(15000);
    expect(await row(networkId)).toBeUndefined();
  });

  it('answers 404 "Network not found" for unknown networks and networks of another account', async () => {
    const e = await expectApiError(t.client.call('RegisterOpentdfConfig', input('99999999')), 'ResourceNotFoundError', 404);
    expect(e.body.message).toBe('Network not found');
    await expectApiError(t.client.call('GetOpentdfConfig', { networkId: '99999999' }), 'ResourceNotFoundError', 404);
    const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
    const acct = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
    const other = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
    const { networkId } = await createNetwork(t.client, 'TDF mine');
    await t.client.call('RegisterOpentdfConfig', input(networkId));
    await expectApiError(other.call('GetOpentdfConfig', { networkId }), 'ResourceNotFoundError', 404);
    await expectApiError(other.call('RegisterOpentdfConfig', input(networkId, { clientId: 'theirs' })), 'ResourceNotFoundError', 404);
    expect((await get(networkId)).clientId).toBe('client123');
  });
});
