// Model-driven conformance, part 2: one scenario that calls every operation successfully, checking
// each answer's status code and body against the model's output shape (member names, types, enums,
// required members), and replaying the model's own examples where they are deterministic.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markRetentionBotRegistered } from '../../packages/server/src/domain/retention/retention.js';
import { dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { conformsTo, modelAvailable, modelOps } from './model.js';

const opByName = new Map(modelOps.map((o) => [o.name, o]));

/** A small real HTTP server standing in for an OpenID provider and an OpenTDF service. */
async function providerServer(): Promise<{ url: string; server: Server }> {
  const server = createHttpServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          userinfo_endpoint: `${base}/userinfo`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        }),
      );
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] }));
    } else if (req.url === '/token' && req.method === 'POST') {
      res.end(JSON.stringify({ access_token: 'at', id_token: 'it', refresh_token: 'rt', token_type: 'Bearer', expires_in: 3600 }));
    } else if (req.url === '/.well-known/opentdf-configuration') {
      res.end(JSON.stringify({ platform_issuer: base }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!modelAvailable)(`conformance: every operation's output matches the model (${dialectName})`, () => {
  let t: TestServer;
  let provider: { url: string; server: Server };
  const called = new Set<string>();

  async function call<T = Record<string, unknown>>(name: string, input: Record<string, unknown>): Promise<T> {
    const op = opByName.get(name)!;
    const res = await t.client.send<T>(name, input);
    expect(res.status, name).toBe(op.code);
    expect(res.headers.get('content-type'), name).toMatch(/application\/json/);
    expect(conformsTo(op.output, res.body), `${name} output`).toEqual([]);
    called.add(name);
    return res.body;
  }

  beforeAll(async () => {
    t = await startTestServer();
    provider = await providerServer();
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => provider.server.close(r));
  });

  it('calls all 44 operations successfully with modelled outputs', async () => {
    const { networkId } = await call<{ networkId: string }>('CreateNetwork', { networkName: 'Conformance', accessLevel: 'PREMIUM' });
    await call('ListNetworks', { maxResults: 10 });
    await call('GetNetwork', { networkId });
    await call('UpdateNetwork', { networkId, networkName: 'Conformance 2' });
    await call('GetNetworkSettings', { networkId });
    await call('UpdateNetworkSettings', { networkId, settings: { enableClientMetrics: true, readReceiptConfig: { status: 'ENABLED' } } });

    const { securityGroup } = await call<{ securityGroup: { id: string } }>('CreateSecurityGroup', {
      networkId,
      name: 'engineering',
      securityGroupSettings: { federationMode: 1, lockoutThreshold: 10 },
    });
    const groupId = securityGroup.id;
    await call('GetSecurityGroup', { networkId, groupId });
    await call('ListSecurityGroups', { networkId, maxResults: 10, sortFields: 'name', sortDirection: 'ASC' });
    await call('UpdateSecurityGroup', { networkId, groupId, name: 'eng', securityGroupSettings: { lockoutThreshold: 15, maxTtl: 86400 } });

    const created = await call<{ successful: { userId: string; uname: string }[] }>('BatchCreateUser', {
      networkId,
      users: [
        { username: 'john.doe@example.com', firstName: 'John', lastName: 'Doe', securityGroupIds: [groupId], inviteCode: 'INVITE123', inviteCodeTtl: 7, codeValidation: true },
        { username: 'jane.smith@example.com', firstName: 'Jane', lastName: 'Smith', securityGroupIds: [groupId] },
      ],
    });
    const [john, jane] = created.successful as [{ userId: string; uname: string }, { userId: string; uname: string }];
    await call('GetUser', { networkId, userId: john.userId });
    await call('GetUsersCount', { networkId });
    await call('ListUsers', { networkId, maxResults: 20, sortFields: 'username', sortDirection: 'ASC' });
    await call('ListSecurityGroupUsers', { networkId, groupId, maxResults: 10 });
    await call('UpdateUser', { networkId, userId: jane.userId, userDetails: { firstName: 'Janet', lastName: 'Smith' } });
    await call('BatchLookupUserUname', { networkId, unames: [john.uname] });
    await call('BatchToggleUserSuspendStatus', { networkId, suspend: true, userIds: [john.userId] });
    await call('BatchReinviteUser', { networkId, userIds: [jane.userId] });
    const now = Date.now();
    await t.server.store.db
      .insertInto('devices')
      .values({ network_id: networkId, user_id: Number(john.userId), app_id: 'd3135a42dcb6437780b16c3ca9581fe6', type: 'desktop', status: 'Active', created_at: now, last_login: now })
      .execute();
    await call('ListDevicesForUser', { networkId, userId: john.userId, maxResults: 10 });
    await call('BatchResetDevicesForUser', { networkId, userId: john.userId, appIds: ['d3135a42dcb6437780b16c3ca9581fe6'] });
    await call('BatchDeleteUser', { networkId, userIds: [jane.userId] });

    const bot = await call<{ botId: string }>('CreateBot', { networkId, username: 'analytics_bot', displayName: 'Analytics Bot', groupId, challenge: 'SecureP@ssw0rd123' });
    await call('GetBot', { networkId, botId: bot.botId });
    await call('ListBots', { networkId, maxResults: 10, sortFields: 'username', sortDirection: 'ASC' });
    await call('GetBotsCount', { networkId });
    await call('UpdateBot', { networkId, botId: bot.botId, displayName: 'Updated Bot' });
    await call('DeleteBot', { networkId, botId: bot.botId });

    const { usernameHash } = await import('../../packages/server/src/kernel/ids.js');
    const hash = usernameHash('guest1@example.org');
    await t.server.store.db.insertInto('guest_users').values({ network_id: networkId, username_hash: hash, username: 'guest1@example.org', billing_period: '2026-11' }).execute();
    await call('ListGuestUsers', { networkId, maxResults: 20 });
    await call('GetGuestUserHistoryCount', { networkId });
    await call('UpdateGuestUser', { networkId, usernameHash: hash, block: true });
    await call('ListBlockedGuestUsers', { networkId, maxResults: 10 });

    await call('CreateDataRetentionBot', { networkId });
    await call('CreateDataRetentionBotChallenge', { networkId });
    await call('GetDataRetentionBot', { networkId });
    await markRetentionBotRegistered(t.server.store.db, networkId);
    await call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    await call('UpdateDataRetention', { networkId, actionType: 'DISABLE' });
    await call('DeleteDataRetentionBot', { networkId });

    await call('RegisterOidcConfigTest', { networkId, issuer: provider.url, scopes: 'openid profile email' });
    await call('RegisterOidcConfig', { networkId, companyId: 'Conformance_1', issuer: provider.url, scopes: 'openid profile email', userId: 'client123', secret: 's3cr3t-value' });
    await call('GetOidcInfo', { networkId });
    await call('RegisterOpentdfConfig', { networkId, clientId: 'client123', clientSecret: 'secret456', domain: provider.url, provider: 'virtru', dryRun: true });
    await call('RegisterOpentdfConfig', { networkId, clientId: 'client123', clientSecret: 'secret456', domain: provider.url, provider: 'virtru' });
    await call('GetOpentdfConfig', { networkId });

    await call('DeleteSecurityGroup', { networkId, groupId });
    await call('DeleteNetwork', { networkId });

    expect([...called].sort()).toEqual(modelOps.map((o) => o.name).sort());
  });
});
