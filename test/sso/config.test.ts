// SSO configuration against a real provider: RegisterOidcConfigTest really discovers the provider,
// fetches its signing keys and checks the stored client ID and secret at its token endpoint, saying
// what failed; SAML-only providers are refused with an explanation; the redirect URI admins register
// follows ENCLAVE_PUBLIC_URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAML_REFUSAL } from '../../packages/server/src/domain/sso/oidc.js';
import { createNetwork, expectApiError } from '../helpers/harness.js';
import { api } from '../helpers/members.js';
import { startWorld, type SsoWorld } from './flow.js';
import { startProvider, type TestProvider } from './provider.js';

let w: SsoWorld;
let p: TestProvider;
let saml: http.Server;
let samlUrl = '';
const CLIENT = { clientId: 'enclave-config', clientSecret: 'config-secret-0123456789abcdef' };

beforeAll(async () => {
  w = await startWorld();
  p = await startProvider([{ ...CLIENT, redirectUri: w.redirectUri }]);
  // A SAML-only identity provider: SAML metadata where OIDC discovery would be.
  saml = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
    res.end('<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example"></md:EntityDescriptor>');
  });
  await new Promise<void>((resolve) => saml.listen(0, '127.0.0.1', resolve));
  samlUrl = `http://127.0.0.1:${(saml.address() as AddressInfo).port}/idp`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => saml?.close(() => resolve()));
  await p?.close();
  await w?.close();
});

const register = (networkId: string, extra: Record<string, unknown> = {}) =>
  w.t.client.call<Record<string, unknown>>('RegisterOidcConfig', { networkId, companyId: `Cfg_${networkId}`, issuer: p.issuer, userId: CLIENT.clientId, secret: CLIENT.clientSecret, scopes: 'openid profile email offline_access', ...extra });
const testConnection = (networkId: string, issuer = p.issuer) => w.t.client.call<Record<string, unknown>>('RegisterOidcConfigTest', { networkId, issuer, scopes: 'openid profile email offline_access' });

describe('SSO configuration against a real provider', () => {
  it('tests the connection: discovery, signing keys, and the stored client at the token endpoint', async () => {
    const { networkId } = await createNetwork(w.t.client, 'Config OK');
    const before = await testConnection(networkId); // nothing stored yet: discovery and keys only
    expect(before).toMatchObject({ issuer: p.issuer, authorizationEndpoint: `${p.issuer}/auth`, tokenEndpoint: `${p.issuer}/token` });
    const saved = await register(networkId);
    expect(saved.redirectUrl).toBe(w.redirectUri);
    expect(saved).not.toHaveProperty('secret');
    await expect(testConnection(networkId)).resolves.toMatchObject({ issuer: p.issuer });
  });

  it('reports a client secret the provider does not accept', async () => {
    const { networkId } = await createNetwork(w.t.client, 'Wrong secret');
    await register(networkId, { secret: 'not-the-secret' });
    const e = await expectApiError(testConnection(networkId), 'BadRequestError', 400);
    expect(e.body.message).toMatch(/^the provider does not accept the client ID enclave-config with the stored client secret \(invalid_client/);
  });

  it('reports a client ID the provider does not know', async () => {
    const { networkId } = await createNetwork(w.t.client, 'Wrong client');
    await register(networkId, { userId: 'no-such-client' });
    const e = await expectApiError(testConnection(networkId), 'BadRequestError', 400);
    expect(e.body.message).toMatch(/does not accept the client ID no-such-client/);
  });

  it('refuses SAML-only providers with an explanation', async () => {
    const { networkId } = await createNetwork(w.t.client, 'SAML');
    const e = await expectApiError(testConnection(networkId, samlUrl), 'BadRequestError', 400);
    expect(e.body.message).toBe(SAML_REFUSAL);
    const e2 = await expectApiError(register(networkId, { issuer: 'https://login.example.com/saml2/metadata.xml' }), 'BadRequestError', 400);
    expect(e2.body.message).toMatch(/supports only OpenID Connect/);
  });

  it('slows down guessing of company IDs: after 5 unknown ones an address waits', async () => {
    const start = (companyId: string) => api<{ code: string; message: string }>(w.t, 'POST', '/v1/sso/start', undefined, { companyId, binding: 'b'.repeat(43) });
    for (let i = 0; i < 5; i++) expect((await start(`Guess_${i}`)).status).toBe(404);
    const limited = await start('Guess_5');
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/Too many unknown company IDs from this address/);
  });
});
