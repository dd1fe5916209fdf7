import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

interface RawOptions {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: string;
  region?: string;
  service?: string;
  secret?: string;
  accessKeyId?: string;
  signingDate?: Date;
  extraHeaders?: Record<string, string>;
  /** Change the request after signing. */
  mutate?: (r: { path: string; query: Record<string, string>; headers: Record<string, string>; body?: string }) => void;
}

async function raw(t: TestServer, o: RawOptions = {}) {
  const url = new URL(t.url);
  const method = o.method ?? 'GET';
  const req = new HttpRequest({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: o.path ?? '/networks',
    query: o.query ?? {},
    headers: { host: url.host, ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.extraHeaders },
    ...(o.body !== undefined ? { body: o.body } : {}),
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? t.accessKeyId, secretAccessKey: o.secret ?? t.secretAccessKey },
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'wickr',
    sha256: Sha256,
  });
  const signed = await signer.sign(req, o.signingDate ? { signingDate: o.signingDate } : {});
  const parts = { path: signed.path, query: { ...(signed.query as Record<string, string>) }, headers: { ...signed.headers }, body: o.body };
  o.mutate?.(parts);
  delete parts.headers.host;
  const qs = new URLSearchParams(parts.query).toString();
  const res = await fetch(`${t.url}${parts.path}${qs ? `?${qs}` : ''}`, { method, headers: parts.headers, ...(parts.body !== undefined ? { body: parts.body } : {}) });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as { message?: string } };
}

describe(`SigV4 authentication (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts a request signed by the AWS signer', async () => {
    const r = await raw(t);
    expect(r.status).toBe(200);
  });

  it('answers an unsigned request with 401 UnauthorizedError', async () => {
    const res = await fetch(`${t.url}/networks`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
    expect(((await res.json()) as { message: string }).message).toMatch(/Missing Authentication Token/);
  });

  it('answers an unknown access key with 401 and a wrong secret with 403', async () => {
    expect(await raw(t, { accessKeyId: 'AKIAUNKNOWNKEY000000' })).toMatchObject({ status: 401, type: 'UnauthorizedError' });
    const r = await raw(t, { secret: 'not-the-secret-at-all-000000' });
    expect(r).toMatchObject({ status: 403, type: 'ForbiddenError' });
    expect(r.body.message).toMatch(/signature we calculated does not match/);
  });

  it('rejects a body changed after signing, and creates nothing', async () => {
    const before = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    const r = await raw(t, {
      method: 'POST',
      path: '/networks',
      body: JSON.stringify({ networkName: 'Signed', accessLevel: 'STANDARD' }),
      mutate: (p) => {
        p.body = JSON.stringify({ networkName: 'Tampered', accessLevel: 'STANDARD' });
      },
    });
    expect(r.status).toBe(403);
    const after = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    expect(after.networks.length).toBe(before.networks.length);
  });

  it('rejects a query string changed after signing', async () => {
    const r = await raw(t, { query: { maxResults: '5' }, mutate: (p) => (p.query.maxResults = '6') });
    expect(r.status).toBe(403);
  });

  it('rejects a path changed after signing', async () => {
    const { networkId } = await createNetwork(t.client, 'Path');
    const r = await raw(t, { path: `/networks/${networkId}`, mutate: (p) => (p.path = '/networks') });
    expect(r.status).toBe(403);
  });

  it('rejects a payload hash header that does not match the body', async () => {
    const r = await raw(t, {
      method: 'POST',
      path: '/networks',
      body: '{"networkName":"H","accessLevel":"STANDARD"}',
      extraHeaders: { 'x-amz-content-sha256': 'a'.repeat(64) },
    });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/x-amz-content-sha256/);
  });

  it('accepts UNSIGNED-PAYLOAD only over HTTPS', async () => {
    const r = await raw(t, { extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/UNSIGNED-PAYLOAD/);
  });

  it('rejects a credential scoped to another region or service', async () => {
    expect((await raw(t, { region: 'eu-west-1' })).status).toBe(403);
    expect((await raw(t, { service: 's3' })).status).toBe(403);
  });

  it('rejects a signature older or newer than 15 minutes, accepts 14 minutes', async () => {
    const now = Date.now();
    expect((await raw(t, { signingDate: new Date(now - 16 * 60_000) })).status).toBe(403);
    expect((await raw(t, { signingDate: new Date(now + 16 * 60_000) })).body.message).toMatch(/Signature expired/);
    expect((await raw(t, { signingDate: new Date(now - 14 * 60_000) })).status).toBe(200);
  });

  it('stops accepting a key as soon as it is deactivated', async () => {
    const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
    const acct = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
    const c = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
    await c.call('ListNetworks');
    await t.server.store.db.updateTable('access_keys').set({ status: 'Inactive' }).where('access_key_id', '=', acct.accessKeyId).execute();
    await expectApiError(c.call('ListNetworks'), 'UnauthorizedError', 401);
  });

  it('stores access-key secrets sealed, never in plaintext', async () => {
    const rows = await t.server.store.db.selectFrom('access_keys').select('secret_ciphertext').execute();
    for (const r of rows) expect(r.secret_ciphertext).not.toContain(t.secretAccessKey);
    expect(rows.some((r) => r.secret_ciphertext.startsWith('v1.'))).toBe(true);
  });

  it('signs and verifies percent-encoded ARNs in the path (tagging)', async () => {
    const { networkId } = await createNetwork(t.client, 'Tagged');
    const resourceArn = `arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}`;
    await t.client.call('TagResource', { resourceArn, tags: { Team: 'blue' } });
    expect(await t.client.call('ListTagsForResource', { resourceArn })).toEqual({ tags: { Team: 'blue' } });
  });
});
