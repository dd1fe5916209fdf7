import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

// A self-signed certificate for 127.0.0.1 / localhost (valid 2020–2120), acting as its own CA: the
// HTTPS provider below uses it, and RegisterOidcConfigTest must accept it only when it is passed as
// `certificate`.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKzrpJb7hmycmzxkM
hnoYTTGIQ1e9q0gJTfYSSzk5k6qhRANCAAR+SZSXMtiZ4nfrWuzOX6iYQy0JkNya
t8uVxSQl1jq70kdMNDj+zSy4mOwz0YmlzHoQjLySmZ71PSzpUxEeACBt
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIBATAKBggqhkjOPQQDAjAgMR4wHAYDVQQDDBVFbmNsYXZl
IHRlc3QgcHJvdmlkZXIwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEwMDAwMDBa
MCAxHjAcBgNVBAMMFUVuY2xhdmUgdGVzdCBwcm92aWRlcjBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABH5JlJcy2Jnid+ta7M5fqJhDLQmQ3Jq3y5XFJCXWOrvSR0w0
OP7NLLiY7DPRiaXMehCMvJKZnvU9LOlTER4AIG2jTjBMMBoGA1UdEQQTMBGHBH8A
AAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBQxGz6OJBVF
uJCSnIAGu/jOgHm/5jAKBggqhkjOPQQDAgNHADBEAiBMaS7JgKg1ofgjoJ7r7oLm
5hDQn3xwfj8kJ5OhDwS3NwIgUPwY2dDv5ALEkgiWIzZYYdEqbyimdlf6V/Iad/U5
Mw4=
-----END CERTIFICATE-----
`;

const SECRET = 'oidc-client-secret-7f3a9c2e1b';
const VALID_CODE = 'auth-code-123';

interface TokenCall {
  tenant: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

/**
 * A small OIDC provider on 127.0.0.1: every first path segment is a "tenant" with its own issuer
 * (`<base>/<tenant>`), discovery document and token endpoint. Tenants:
 *  good     — everything right, client_secret_post
 *  basic    — only client_secret_basic
 *  mismatch — the document names another issuer
 *  narrow   — scopes_supported lacks email
 *  implicit — response_types_supported lacks code
 *  noToken  — no token_endpoint
 *  missing  — 404
 *  notjson  — an HTML page
 *  slow     — never answers
 */
class Provider {
  server!: Server;
  base = '';
  tokenCalls: TokenCall[] = [];
  discoveryHits = 0;

  constructor(private readonly tls = false) {}

  async start() {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.tls ? createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  issuer(tenant: string) {
    return `${this.base}/${tenant}`;
  }

  document(tenant: string): Record<string, unknown> {
    const iss = this.issuer(tenant);
    const doc: Record<string, unknown> = {
      issuer: tenant === 'mismatch' ? 'https://evil.example.com' : iss,
      authorization_endpoint: `${iss}/authorize`,
      token_endpoint: `${iss}/token`,
      userinfo_endpoint: `${iss}/userinfo`,
      end_session_endpoint: `${iss}/logout`,
      revocation_endpoint: `${iss}/revoke`,
      jwks_uri: `${iss}/jwks`,
      response_types_supported: tenant === 'implicit' ? ['id_token', 'token id_token'] : ['code', 'id_token'],
      scopes_supported: tenant === 'narrow' ? ['openid', 'profile'] : ['openid', 'profile', 'email', 'offline_access'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: tenant === 'basic' ? ['client_secret_basic'] : ['client_secret_post', 'client_secret_basic'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
    if (tenant === 'noToken') delete doc.token_endpoint;
    return doc;
  }

  async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.base);
    const [, tenant = '', ...rest] = url.pathname.split('/');
    const path = '/' + rest.join('/');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      this.discoveryHits++;
      if (tenant === 'slow') return; // never answers
      if (tenant === 'missing') return json(404, { error: 'not_found' });
      if (tenant === 'notjson') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>login</html>');
      }
      return json(200, this.document(tenant));
    }
    if (req.method === 'GET' && path === '/jwks') return json(200, { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] });
    if (req.method === 'POST' && path === '/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = Object.fromEntries(new URLSearchParams(body));
      this.tokenCalls.push({ tenant, authorization: req.headers.authorization, form });
      if (form.grant_type !== 'authorization_code') return json(400, { error: 'unsupported_grant_type' });
      if (form.code !== VALID_CODE) return json(400, { error: 'invalid_grant', error_description: 'The authorization code is invalid or expired.' });
      return json(200, {
        access_token: `at-${tenant}`,
        id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln',
        refresh_token: `rt-${tenant}`,
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }
    json(404, { error: 'not_found' });
  }
}

interface OidcInfo {
  companyId: string;
  issuer: string;
  scopes: string;
  clientId?: string;
  userId?: string;
  redirectUrl?: string;
  customUsername?: string;
  extraAuthParams?: string;
  ssoTokenBufferMinutes?: number;
  applicationId?: number;
  secret?: string;
  clientSecret?: string;
}

describe(`SSO / OIDC (${dialectName})`, () => {
  let t: TestServer;
  let idp: Provider;
  let tlsIdp: Provider;
  const responses: unknown[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    idp = await new Provider().start();
    tlsIdp = await new Provider(true).start();
  });
  afterAll(async () => {
    // No response of any OIDC operation ever carried the client secret.
    const all = JSON.stringify(responses);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('other-secret');
    await idp.stop();
    await tlsIdp.stop();
    await t.close();
  });

  async function call<T>(op: string, input: Record<string, unknown>): Promise<T> {
    const out = await t.client.call<T>(op, input);
    responses.push(out);
    return out;
  }
  const info = async (networkId: string) => (await call<{ openidConnectInfo: OidcInfo }>('GetOidcInfo', { networkId })).openidConnectInfo;
  const row = (networkId: string) => t.server.store.db.selectFrom('oidc_configs').selectAll().where('network_id', '=', networkId).executeTakeFirst();

  let seq = 0;
  const base = (networkId: string, extra: Record<string, unknown> = {}) => ({
    networkId,
    companyId: `Company_${++seq}`,
    issuer: idp.issuer('good'),
    scopes: 'openid profile email',
    userId: 'client-abc',
    ...extra,
  });

  it('answers an unconfigured network with empty strings, as the model example', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO none');
    expect(await call('GetOidcInfo', { networkId })).toEqual({ openidConnectInfo: { companyId: '', issuer: '', scopes: '' } });
  });

  it('saves a configuration, seals the secret and never returns it', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO save');
    const out = await call<OidcInfo>('RegisterOidcConfig', {
      networkId,
      companyId: 'DemoNetworkW_drqtvva',
      issuer: idp.issuer('good'),
      scopes: 'openid profile email offline_access',
      userId: 'client-abc',
      secret: SECRET,
      customUsername: 'upn',
      extraAuthParams: 'prompt=login&domain_hint=example.com',
      ssoTokenBufferMinutes: 30,
    });
    const expected = {
      companyId: 'DemoNetworkW_drqtvva',
      issuer: idp.issuer('good'),
      scopes: 'openid profile email offline_access',
      clientId: 'client-abc',
      userId: 'client-abc',
      redirectUrl: 'http://127.0.0.1:8080/sso/callback',
      customUsername: 'upn',
      extraAuthParams: 'prompt=login&domain_hint=example.com',
      ssoTokenBufferMinutes: 30,
      applicationId: 1,
    };
    expect(out).toEqual(expected);
    expect(await info(networkId)).toEqual(expected);

    const stored = await row(networkId);
    expect(stored!.secret_ciphertext).toBeTruthy();
    expect(stored!.secret_ciphertext).not.toContain(SECRET);
    expect(t.server.secrets.open(stored!.secret_ciphertext!)).toBe(SECRET);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
  });

  it('builds the redirect URL from ENCLAVE_PUBLIC_URL when it is set', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO public');
    process.env.ENCLAVE_PUBLIC_URL = 'https://chat.example.org/';
    try {
      const out = await call<OidcInfo>('RegisterOidcConfig', base(networkId));
      expect(out.redirectUrl).toBe('https://chat.example.org/sso/callback');
      expect((await info(networkId)).redirectUrl).toBe('https://chat.example.org/sso/callback');
    } finally {
      delete process.env.ENCLAVE_PUBLIC_URL;
    }
    expect((await info(networkId)).redirectUrl).toBe('http://127.0.0.1:8080/sso/callback');
  });

  it('requires a company ID of letters, digits and underscores, and changes nothing otherwise', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO company');
    const ok = await call<OidcInfo>('RegisterOidcConfig', base(networkId, { companyId: 'Good_Co_1' }));
    const before = await row(networkId);
    const e1 = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { companyId: '', issuer: 'https://other.example.com' })), 'BadRequestError', 400);
    expect(e1.body.message).toBe('Company ID is required');
    for (const bad of ['invalid-company123', 'us-east-1-company123', 'has space', 'ümlaut', 'x'.repeat(65)]) {
      const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { companyId: bad })), 'BadRequestError', 400);
      expect(e.body.message).toBe('Invalid companyId');
    }
    await expectApiError(t.client.call('RegisterOidcConfig', { networkId, issuer: idp.issuer('good'), scopes: 'openid', userId: 'c' }), 'ValidationError', 422);
    expect(await row(networkId)).toEqual(before);
    expect((await info(networkId)).companyId).toBe(ok.companyId);
  });

  it('keeps company IDs unique across all networks (case-insensitively) but lets a network re-save its own', async () => {
    const a = await createNetwork(t.client, 'SSO unique A');
    const b = await createNetwork(t.client, 'SSO unique B');
    await call('RegisterOidcConfig', base(a.networkId, { companyId: 'Acme_Corp' }));
    for (const id of ['Acme_Corp', 'acme_corp', 'ACME_CORP']) {
      const e = await expectApiError(t.client.call('RegisterOidcConfig', base(b.networkId, { companyId: id })), 'BadRequestError', 400);
      expect(e.body.message).toBe('Company ID is already in use');
    }
    expect(await row(b.networkId)).toBeUndefined();
    expect(await info(b.networkId)).toEqual({ companyId: '', issuer: '', scopes: '' });

    // The owner can update its configuration under the same company ID.
    const again = await call<OidcInfo>('RegisterOidcConfig', base(a.networkId, { companyId: 'Acme_Corp', scopes: 'openid email' }));
    expect(again.scopes).toBe('openid email');
    // Another account's network is no exception.
    const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
    const acct = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
    const other = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
    const theirs = await createNetwork(other, 'Theirs');
    await expectApiError(other.call('RegisterOidcConfig', base(theirs.networkId, { companyId: 'acme_CORP' })), 'BadRequestError', 400);
    // … and it cannot see or change ours.
    await expectApiError(other.call('GetOidcInfo', { networkId: a.networkId }), 'ResourceNotFoundError', 404);
    await expectApiError(other.call('RegisterOidcConfig', base(a.networkId, { companyId: 'Stolen' })), 'ResourceNotFoundError', 404);
    expect((await info(a.networkId)).companyId).toBe('Acme_Corp');
  });

  it('accepts only https issuers (http only for loopback hosts)', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO issuer');
    for (const issuer of ['http://login.example.com', 'ftp://login.example.com', 'not a url', 'https://user:pw@login.example.com', 'https://login.example.com/?a=b']) {
      const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { issuer })), 'BadRequestError', 400);
      expect(e.body.message).toMatch(/^issuer contains an invalid endpoint/);
    }
    const empty = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { issuer: '' })), 'BadRequestError', 400);
    expect(empty.body.message).toBe('issuer is a required field');
    expect(await row(networkId)).toBeUndefined();
    for (const issuer of ['https://login.example.com', 'http://localhost:9999/realms/x', 'http://127.0.0.1:9999', 'http://[::1]:9999/x']) {
      expect((await call<OidcInfo>('RegisterOidcConfig', base(networkId, { issuer }))).issuer).toBe(issuer);
    }
  });

  it('requires the openid scope and stores scopes space-separated', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO scopes');
    const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { scopes: 'profile email' })), 'BadRequestError', 400);
    expect(e.body.message).toBe('scopes must include openid');
    await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { scopes: '' })), 'BadRequestError', 400);
    expect(await row(networkId)).toBeUndefined();
    const out = await call<OidcInfo>('RegisterOidcConfig', base(networkId, { scopes: 'openid,email  profile openid' }));
    expect(out.scopes).toBe('openid email profile');
  });

  it('requires the client ID (userId)', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO client');
    const { userId: _u, ...noClient } = base(networkId);
    const e = await expectApiError(t.client.call('RegisterOidcConfig', noClient), 'BadRequestError', 400);
    expect(e.body.message).toBe('Client ID (userId) is required');
    await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { userId: '  ' })), 'BadRequestError', 400);
    expect(await row(networkId)).toBeUndefined();
  });

  it('takes a token-refresh grace period of 0 to 1440 minutes', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO grace');
    for (const m of [-1, 1441]) {
      const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { ssoTokenBufferMinutes: m })), 'ValidationError', 422);
      expect(e.body.reasons?.[0]?.field).toBe('ssoTokenBufferMinutes');
    }
    expect(await row(networkId)).toBeUndefined();
    for (const m of [0, 60, 1440]) {
      expect((await call<OidcInfo>('RegisterOidcConfig', base(networkId, { ssoTokenBufferMinutes: m }))).ssoTokenBufferMinutes).toBe(m);
    }
    expect((await info(networkId)).ssoTokenBufferMinutes).toBe(1440);
    // Left out: no grace period.
    const none = await call<OidcInfo>('RegisterOidcConfig', base(networkId));
    expect(none.ssoTokenBufferMinutes).toBeUndefined();
    expect((await row(networkId))!.sso_token_buffer_minutes).toBeNull();
  });

  it('checks extraAuthParams (k=v&k2=v2, no overriding of the parameters Enclave sets) and customUsername', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO params');
    for (const bad of ['prompt', 'prompt=login&&x=y', '=x', 'a=b c', 'scope=email', 'redirect_uri=https://evil.example.com', 'a=1&a=2']) {
      const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { extraAuthParams: bad })), 'BadRequestError', 400);
      expect(e.body.message).toMatch(/^Invalid extraAuthParams/);
    }
    const e = await expectApiError(t.client.call('RegisterOidcConfig', base(networkId, { customUsername: 'two words' })), 'BadRequestError', 400);
    expect(e.body.message).toMatch(/^Invalid customUsername/);
    expect(await row(networkId)).toBeUndefined();
    const out = await call<OidcInfo>('RegisterOidcConfig', base(networkId, { extraAuthParams: 'prompt=select_account&acr_values=mfa', customUsername: 'preferred_username' }));
    expect(out).toMatchObject({ extraAuthParams: 'prompt=select_account&acr_values=mfa', customUsername: 'preferred_username' });
    const plain = await call<OidcInfo>('RegisterOidcConfig', base(networkId));
    expect(plain.extraAuthParams).toBeUndefined();
    expect(plain.customUsername).toBeUndefined();
  });

  it('keeps the stored secret when secret is left out and removes it when it is empty', async () => {
    const { networkId } = await createNetwork(t.client, 'SSO secret');
    await call('RegisterOidcConfig', base(networkId, { companyId: 'Secret_Co', secret: SECRET }));
    const first = (await row(networkId))!.secret_ciphertext!;
    await call('RegisterOidcConfig', base(networkId, { companyId: 'Secret_Co', scopes: 'openid' }));
    expect((await row(networkId))!.secret_ciphertext).toBe(first);
    await call('RegisterOidcConfig', base(networkId, { companyId: 'Secret_Co', secret: 'other-secret' }));
    const second = (await row(networkId))!.secret_ciphertext!;
    expect(second).not.toContain('other-secret');
    expect(t.server.secrets.open(second)).toBe('other-secret');
    await call('RegisterOidcConfig', base(networkId, { companyId: 'Secret_Co', secret: '' }));
    expect((await row(networkId))!.secret_ciphertext).toBeNull();
  });

  describe('RegisterOidcConfigTest', () => {
    let networkId: string;
    beforeAll(async () => {
      networkId = (await createNetwork(t.client, 'SSO test')).networkId;
    });
    const test = (issuer: string, extra: Record<string, unknown> = {}) => call<Record<string, unknown>>('RegisterOidcConfigTest', { networkId, issuer, scopes: 'openid profile email', ...extra });
    const testError = async (issuer: string, extra: Record<string, unknown> = {}) =>
      (await expectApiError(t.client.call('RegisterOidcConfigTest', { networkId, issuer, scopes: 'openid profile email', ...extra }), 'BadRequestError', 400)).body.message!;

    it('discovers the provider for real and returns its endpoints; stores nothing', async () => {
      const hits = idp.discoveryHits;
      const out = await test(idp.issuer('good'));
      expect(idp.discoveryHits).toBe(hits + 1);
      const iss = idp.issuer('good');
      expect(out).toEqual({
        issuer: iss,
        authorizationEndpoint: `${iss}/authorize`,
        tokenEndpoint: `${iss}/token`,
        userinfoEndpoint: `${iss}/userinfo`,
        endSessionEndpoint: `${iss}/logout`,
        revocationEndpoint: `${iss}/revoke`,
        responseTypesSupported: ['code', 'id_token'],
        scopesSupported: ['openid', 'profile', 'email', 'offline_access'],
        grantTypesSupported: ['authorization_code', 'refresh_token'],
        tokenEndpointAuthMethodsSupported: ['client_secret_post', 'client_secret_basic'],
      });
      expect(await row(networkId)).toBeUndefined();
    });

    it('tolerates a trailing slash on the issuer (as the guide enters Entra issuers)', async () => {
      expect((await test(idp.issuer('good') + '/')).issuer).toBe(idp.issuer('good'));
    });

    it('says exactly what failed', async () => {
      expect(await testError('')).toBe('issuer is a required field');
      expect(await testError('http://blocked-endpoint.com')).toMatch(/^issuer contains an invalid endpoint/);
      expect(await testError(idp.issuer('mismatch'))).toBe(`issuer mismatch: the discovery document names "https://evil.example.com", but the given issuer is "${idp.issuer('mismatch')}"`);
      expect(await testError(idp.issuer('narrow'))).toBe('scope email is not supported by the provider');
      expect(await testError(idp.issuer('good'), { scopes: 'profile email' })).toBe('scopes must include openid');
      expect(await testError(idp.issuer('implicit'))).toMatch(/authorization code flow/);
      expect(await testError(idp.issuer('noToken'))).toMatch(/has no token_endpoint/);
      expect(await testError(idp.issuer('missing'))).toMatch(/answered HTTP 404/);
      expect(await testError(idp.issuer('notjson'))).toMatch(/did not answer with a JSON object/);
      expect(await testError(idp.issuer('good'), { extraAuthParams: 'nonsense' })).toMatch(/^Invalid extraAuthParams/);
      // A port nobody listens on.
      const closed = createHttpServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await testError(`http://127.0.0.1:${port}`)).toMatch(/could not reach .*ECONNREFUSED/);
    });

    it('gives up after 5 seconds when the provider does not answer', async () => {
      const started = Date.now();
      expect(await testError(idp.issuer('slow'))).toMatch(/did not answer within 5 seconds/);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(4900);
      expect(took).toBeLessThan(15000);
    });

    it('trusts a private CA only when its certificate is passed', async () => {
      const iss = tlsIdp.issuer('good');
      expect(await testError(iss)).toMatch(/could not reach .*certificate/);
      const out = await test(iss, { certificate: TEST_CERT });
      expect(out.tokenEndpoint).toBe(`${iss}/token`);
      expect(await testError(iss, { certificate: 'not a certificate' })).toBe('certificate is not a PEM-encoded X.509 certificate');
    });
  });

  describe('GetOidcInfo token exchange', () => {
    it('exchanges an authorization code with the stored secret (client_secret_post) and returns the tokens', async () => {
      const { networkId } = await createNetwork(t.client, 'SSO code');
      await call('RegisterOidcConfig', base(networkId, { secret: SECRET }));
      idp.tokenCalls = [];
      const out = await call<{ openidConnectInfo: OidcInfo; tokenInfo: Record<string, unknown> }>('GetOidcInfo', { networkId, code: VALID_CODE, codeVerifier: 'verifier-xyz' });
      expect(out.tokenInfo).toEqual({
        accessToken: 'at-good',
        idToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln',
        refreshToken: 'rt-good',
        tokenType: 'Bearer',
        expiresIn: 3600,
      });
      expect(out.openidConnectInfo.clientId).toBe('client-abc');
      expect(idp.tokenCalls).toHaveLength(1);
      expect(idp.tokenCalls[0]!.form).toEqual({
        grant_type: 'authorization_code',
        code: VALID_CODE,
        redirect_uri: 'http://127.0.0.1:8080/sso/callback',
        client_id: 'client-abc',
        client_secret: SECRET,
        code_verifier: 'verifier-xyz',
      });
      expect(idp.tokenCalls[0]!.authorization).toBeUndefined();
    });

    it('uses client_secret_basic when the provider lists only that', async () => {
      const { networkId } = await createNetwork(t.client, 'SSO basic');
      await call('RegisterOidcConfig', base(networkId, { issuer: idp.issuer('basic'), secret: SECRET }));
      idp.tokenCalls = [];
      const out = await call<{ tokenInfo: { accessToken: string } }>('GetOidcInfo', { networkId, code: VALID_CODE, redirectUri: 'https://chat.example.org/sso/callback' });
      expect(out.tokenInfo.accessToken).toBe('at-basic');
      const c = idp.tokenCalls[0]!;
      expect(c.authorization).toBe(`Basic ${Buffer.from(`client-abc:${SECRET}`).toString('base64')}`);
      expect(c.form.client_secret).toBeUndefined();
      expect(c.form.redirect_uri).toBe('https://chat.example.org/sso/callback');
    });

    it("reports the provider's error and error_description", async () => {
      const { networkId } = await createNetwork(t.client, 'SSO bad code');
      await call('RegisterOidcConfig', base(networkId, { secret: SECRET }));
      const e = await expectApiError(t.client.call('GetOidcInfo', { networkId, code: 'wrong' }), 'BadRequestError', 400);
      expect(e.body.message).toBe('token exchange failed: invalid_grant: The authorization code is invalid or expired.');
      const g = await expectApiError(t.client.call('GetOidcInfo', { networkId, code: VALID_CODE, grantType: 'password' }), 'BadRequestError', 400);
      expect(g.body.message).toMatch(/grantType password is not supported/);
      expect(JSON.stringify([e.body, g.body])).not.toContain(SECRET);
    });

    it('never sends the stored secret to a provider named in url, but sends an explicit clientSecret', async () => {
      const { networkId } = await createNetwork(t.client, 'SSO url');
      await call('RegisterOidcConfig', base(networkId, { secret: SECRET }));
      idp.tokenCalls = [];
      await call('GetOidcInfo', { networkId, code: VALID_CODE, url: idp.issuer('basic') });
      expect(idp.tokenCalls[0]!.tenant).toBe('basic');
      expect(idp.tokenCalls[0]!.authorization).toBeUndefined();
      expect(idp.tokenCalls[0]!.form).toMatchObject({ client_id: 'client-abc' });
      expect(JSON.stringify(idp.tokenCalls)).not.toContain(SECRET);

      await call('GetOidcInfo', { networkId, code: VALID_CODE, url: idp.issuer('good'), clientId: 'other-client', clientSecret: 'given-secret' });
      expect(idp.tokenCalls[1]!.form).toMatchObject({ client_id: 'other-client', client_secret: 'given-secret' });
      expect(JSON.stringify(idp.tokenCalls)).not.toContain(SECRET);
    });

    it('exchanges a code for an unconfigured network only when url and clientId are given', async () => {
      const { networkId } = await createNetwork(t.client, 'SSO adhoc');
      const e = await expectApiError(t.client.call('GetOidcInfo', { networkId, code: VALID_CODE }), 'BadRequestError', 400);
      expect(e.body.message).toMatch(/SSO is not configured/);
      await expectApiError(t.client.call('GetOidcInfo', { networkId, code: VALID_CODE, url: idp.issuer('good') }), 'BadRequestError', 400);
      const out = await call<{ openidConnectInfo: OidcInfo; tokenInfo: { accessToken: string } }>('GetOidcInfo', { networkId, code: VALID_CODE, url: idp.issuer('good'), clientId: 'public-app' });
      expect(out.tokenInfo.accessToken).toBe('at-good');
      expect(out.openidConnectInfo).toEqual({ companyId: '', issuer: '', scopes: '' });
      const bad = await expectApiError(t.client.call('GetOidcInfo', { networkId, code: VALID_CODE, url: 'http://idp.example.com', clientId: 'x' }), 'BadRequestError', 400);
      expect(bad.body.message).toMatch(/^issuer contains an invalid endpoint/);
    });

    it('exchanges over HTTPS with a private CA given as certificate', async () => {
      const { networkId } = await createNetwork(t.client, 'SSO tls code');
      await call('RegisterOidcConfig', base(networkId, { issuer: tlsIdp.issuer('good'), secret: SECRET }));
      await expectApiError(t.client.call('GetOidcInfo', { networkId, code: VALID_CODE }), 'BadRequestError', 400);
      const out = await call<{ tokenInfo: { accessToken: string } }>('GetOidcInfo', { networkId, code: VALID_CODE, certificate: TEST_CERT });
      expect(out.tokenInfo.accessToken).toBe('at-good');
      expect(tlsIdp.tokenCalls.at(-1)!.form.client_secret).toBe(SECRET);
    });
  });

  it('answers 404 for an unknown network', async () => {
    for (const [op, input] of [
      ['GetOidcInfo', {}],
      ['RegisterOidcConfig', base('99999999')],
      ['RegisterOidcConfigTest', { issuer: idp.issuer('good'), scopes: 'openid' }],
    ] as const) {
      const e = await expectApiError(t.client.call(op, { ...input, networkId: '99999999' }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('Network not found');
    }
  });
});
