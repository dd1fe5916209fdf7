// A real OpenID provider for the SSO tests: the `oidc-provider` package on loopback, with its own
// login page (devInteractions), RS256 keys generated per provider, clients and users configured per
// test. A tamper hook can rewrite the ID token of a token-endpoint answer (re-signed with the
// provider's own key, or with a broken signature) to exercise Enclave's ID-token validation.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

export interface ProviderClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

export interface TestProvider {
  issuer: string;
  /** accountId → claims (email, given_name, upn, …); accounts may be added while running. */
  users: Map<string, Record<string, unknown>>;
  /** Rewrites the id_token of the next token-endpoint answers while set. */
  tamper: ((idToken: string) => Promise<string>) | undefined;
  /** Every id_token the token endpoint issued (before tampering). */
  issuedIdTokens: string[];
  /** Re-signs claims with the provider's own signing key (a valid signature). */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** Revokes every grant of an account (its refresh tokens stop working). */
  revokeGrants(accountId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startProvider(clients: ProviderClient[], users: Record<string, Record<string, unknown>> = {}, opts: { accessTokenTtl?: number } = {}): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(6).toString('hex');
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map(Object.entries(users));
  const grants = new Map<string, string[]>();
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_post' } : { token_endpoint_auth_method: 'none' }),
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'name', 'upn'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    pkce: { required: () => true },
    ttl: { AccessToken: opts.accessTokenTtl ?? 3600, IdToken: 3600, AuthorizationCode: 60, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 600 },
    async findAccount(_ctx, id) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    // Consent is implied for the test clients: the grant covers every requested scope and claim.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const existing = ctx.oidc.session!.grantIdFor(clientId);
      if (existing) {
        const found = await ctx.oidc.provider.Grant.find(existing);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      const id = await grant.save();
      ctx.oidc.session!.grantIdFor(clientId, id);
      grants.set(accountId, [...(grants.get(accountId) ?? []), id]);
      return grant;
    },
  });
  const callback = provider.callback();

  const t: TestProvider = {
    issuer,
    users: accounts,
    tamper: undefined,
    issuedIdTokens: [],
    async sign(claims) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey as KeyObject);
    },
    async revokeGrants(accountId) {
      for (const id of grants.get(accountId) ?? []) {
        const grant = await provider.Grant.find(id);
        if (grant) await grant.destroy();
        // Refresh tokens of the grant are revoked with it (revokeGrantPolicy).
        await provider.RefreshToken.adapter.revokeByGrantId(id);
      }
      grants.delete(accountId);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  handler = (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/token')) return void callback(req, res);
    // Record (and optionally rewrite) the ID token of token-endpoint answers.
    const chunks: Buffer[] = [];
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown) => {
      chunks.push(Buffer.from(chunk as Buffer));
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as Buffer));
      const text = Buffer.concat(chunks).toString('utf8');
      void (async () => {
        let out = text;
        try {
          const body = JSON.parse(text) as Record<string, unknown>;
          if (typeof body.id_token === 'string') {
            t.issuedIdTokens.push(body.id_token);
            if (t.tamper) {
              body.id_token = await t.tamper(body.id_token);
              out = JSON.stringify(body);
            }
          }
        } catch {
          // not JSON: pass through
        }
        if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
        write(out);
        end();
      })();
      return res;
    }) as typeof res.end;
    void callback(req, res);
  };
  return t;
}

/** The claims and header of a JWT (no verification). */
export function jwtParts(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  return { header: decodeProtectedHeader(jwt) as Record<string, unknown>, claims: decodeJwt(jwt) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------
// A scripted browser: follows redirects with a cookie jar and fills in the provider's login page.

export interface BrowserResult {
  /** The URL the provider redirected to at the redirect URI (with code and state, or error). */
  callbackUrl: string;
}

export async function signInAtProvider(authorizationUrl: string, redirectUri: string, login: string, opts: { abort?: boolean } = {}): Promise<BrowserResult> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  };
  let url = authorizationUrl;
  let method: 'GET' | 'POST' = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return { callbackUrl: url };
    const res = await fetch(url, { method, redirect: 'manual', headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(body ? { body } : {}) });
    keep(res);
    method = 'GET';
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the provider's page at ${url}: ${html.slice(0, 300)}`);
    if (opts.abort) {
      url = new URL(`${action.replace(/&amp;/g, '&')}/abort`, url).href;
      continue;
    }
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? 'login';
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }).toString();
  }
  throw new Error('too many redirects at the provider');
}
