import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { userRow } from '../helpers/rows.js';

async function insertUsers(t: TestServer, networkId: string, groupId: string, n: number, start = 900000) {
  const rows = Array.from({ length: n }, (_, i) =>
    userRow({ network_id: networkId, user_id: start + i, username: `seed${start + i}@example.com`, security_group_id: groupId, status: 1 }),
  );
  await t.server.store.db.insertInto('users').values(rows).execute();
}

describe(`plans and the premium free trial (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts a three-month trial once per account, never again even after deleting it', async () => {
    await expectApiError(
      t.client.call('CreateNetwork', { networkName: 'Std trial', accessLevel: 'STANDARD', enablePremiumFreeTrial: true }),
      'ValidationError',
    );
    const { networkId } = await t.client.call<{ networkId: string }>('CreateNetwork', { networkName: 'Trial', accessLevel: 'PREMIUM', enablePremiumFreeTrial: true });
    const n = await t.client.call<{ freeTrialExpiration: string; accessLevel: string }>('GetNetwork', { networkId });
    expect(n.accessLevel).toBe('PREMIUM');
    const days = (Date.parse(n.freeTrialExpiration) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(88);
    expect(days).toBeLessThan(93);
    const second = await expectApiError(
      t.client.call('CreateNetwork', { networkName: 'Trial 2', accessLevel: 'PREMIUM', enablePremiumFreeTrial: true }),
      'BadRequestError',
      400,
    );
    expect(second.body.message).toMatch(/already used its premium free trial/);
    await t.client.call('DeleteNetwork', { networkId });
    await expectApiError(t.client.call('CreateNetwork', { networkName: 'Trial 3', accessLevel: 'PREMIUM', enablePremiumFreeTrial: true }), 'BadRequestError');
  });

  it('refuses to move a network with more than 30 users to the trial, allows 30', async () => {
    const fresh = await startTestServer();
    try {
      const big = await createNetwork(fresh.client, 'Big', 'STANDARD');
      await insertUsers(fresh, big.networkId, big.defaultGroupId, 31);
      const err = await expectApiError(
        fresh.client.call('UpdateNetwork', { networkId: big.networkId, networkName: 'Big', enablePremiumFreeTrial: true }),
        'BadRequestError',
      );
      expect(err.body.message).toMatch(/more than 30 users/);
      expect((await fresh.client.call<{ accessLevel: string }>('GetNetwork', { networkId: big.networkId })).accessLevel).toBe('STANDARD');
      const small = await createNetwork(fresh.client, 'Small', 'STANDARD');
      await insertUsers(fresh, small.networkId, small.defaultGroupId, 30, 800000);
      await fresh.client.call('UpdateNetwork', { networkId: small.networkId, networkName: 'Small', enablePremiumFreeTrial: true });
      const n = await fresh.client.call<{ accessLevel: string; freeTrialExpiration?: string }>('GetNetwork', { networkId: small.networkId });
      expect(n.accessLevel).toBe('PREMIUM');
      expect(n.freeTrialExpiration).toBeDefined();
      // During the trial the plan can be upgraded to paid Premium, which ends the trial.
      await fresh.client.call('UpdateNetwork', { networkId: small.networkId, networkName: 'Small', accessLevel: 'PREMIUM' });
      const paid = await fresh.client.call<{ accessLevel: string; freeTrialExpiration?: string }>('GetNetwork', { networkId: small.networkId });
      expect(paid).toMatchObject({ accessLevel: 'PREMIUM' });
      expect(paid.freeTrialExpiration).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('changes the plan between Standard and Premium', async () => {
    const { networkId } = await createNetwork(t.client, 'Planned', 'STANDARD');
    await t.client.call('UpdateNetwork', { networkId, networkName: 'Planned', accessLevel: 'PREMIUM' });
    expect((await t.client.call<{ accessLevel: string }>('GetNetwork', { networkId })).accessLevel).toBe('PREMIUM');
    await t.client.call('UpdateNetwork', { networkId, networkName: 'Planned', accessLevel: 'STANDARD' });
    expect((await t.client.call<{ accessLevel: string }>('GetNetwork', { networkId })).accessLevel).toBe('STANDARD');
  });

  it('refuses data retention on a Standard network', async () => {
    const { networkId } = await createNetwork(t.client, 'No retention', 'STANDARD');
    const err = await expectApiError(t.client.call('UpdateNetworkSettings', { networkId, settings: { dataRetention: true } }), 'BadRequestError');
    expect(err.body.message).toMatch(/Premium/);
    const s = await t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId });
    expect(s.settings.find((x) => x.optionName === 'dataRetention')?.value).toBe('false');
  });
});

describe(`network settings (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every setting with its type, and updates only what is given', async () => {
    const { networkId } = await createNetwork(t.client, 'Settings');
    const s = await t.client.call<{ settings: { optionName: string; value: string; type: string }[] }>('GetNetworkSettings', { networkId });
    expect(s.settings).toEqual([
      { optionName: 'enableClientMetrics', value: 'false', type: 'boolean' },
      { optionName: 'readReceiptConfig', value: '{"status":"DISABLED"}', type: 'object' },
      { optionName: 'dataRetention', value: 'false', type: 'boolean' },
      { optionName: 'enableTrustedDataFormat', value: 'false', type: 'boolean' },
      // Documented extensions (docs/api-compat.md): the consent pop-up, the idle session timeout and
      // the classification boundary (COMMERCIAL: the test server's region is not a us-gov-* one).
      { optionName: 'consentPopup', value: '{"enabled":false,"title":"","body":"","buttonLabel":""}', type: 'object' },
      { optionName: 'sessionIdleTimeoutMinutes', value: '0', type: 'number' },
      { optionName: 'classificationBoundary', value: 'COMMERCIAL', type: 'string' },
    ]);
    const u = await t.client.call<{ settings: unknown[] }>('UpdateNetworkSettings', {
      networkId,
      settings: { enableClientMetrics: true, readReceiptConfig: { status: 'FORCE_ENABLED' } },
    });
    expect(u.settings).toEqual([
      { optionName: 'enableClientMetrics', value: 'true', type: 'boolean' },
      { optionName: 'readReceiptConfig', value: '{"status":"FORCE_ENABLED"}', type: 'object' },
    ]);
    const again = await t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId });
    expect(again.settings.find((x) => x.optionName === 'readReceiptConfig')?.value).toBe('{"status":"FORCE_ENABLED"}');
  });

  it('rejects an empty settings object and an unknown read-receipt status', async () => {
    const { networkId } = await createNetwork(t.client, 'Settings 2');
    await expectApiError(t.client.call('UpdateNetworkSettings', { networkId, settings: {} }), 'ValidationError');
    const err = await expectApiError(
      t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'SOMETIMES' } } }),
      'ValidationError',
    );
    expect(err.body.reasons?.[0]?.field).toBe('settings.readReceiptConfig.status');
  });
});

describe(`network tags (${dialectName})`, () => {
  let t: TestServer;
  let arn: string;
  beforeAll(async () => {
    t = await startTestServer();
    const { networkId } = await createNetwork(t.client, 'Tags');
    arn = `arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('adds tags with case-sensitive keys and edits values in place', async () => {
    await t.client.call('TagResource', { resourceArn: arn, tags: { Env: 'prod', env: 'lower' } });
    await t.client.call('TagResource', { resourceArn: arn, tags: { Env: 'staging' } });
    expect(await t.client.call('ListTagsForResource', { resourceArn: arn })).toEqual({ tags: { Env: 'staging', env: 'lower' } });
  });

  it('removes tags, ignoring keys that are not there', async () => {
    await t.client.call('TagResource', { resourceArn: arn, tags: { Gone: 'soon' } });
    await t.client.call('UntagResource', { resourceArn: arn, tagKeys: ['Gone', 'NeverThere'] });
    const { tags } = await t.client.call<{ tags: Record<string, string> }>('ListTagsForResource', { resourceArn: arn });
    expect(tags.Gone).toBeUndefined();
  });

  it('holds at most 50 tags per network and rejects the 51st without a change', async () => {
    const { networkId } = await createNetwork(t.client, 'Many tags');
    const a = `arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}`;
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
    await t.client.call('TagResource', { resourceArn: a, tags: fifty });
    await expectApiError(t.client.call('TagResource', { resourceArn: a, tags: { k50: 'x' } }), 'ValidationError');
    const { tags } = await t.client.call<{ tags: Record<string, string> }>('ListTagsForResource', { resourceArn: a });
    expect(Object.keys(tags)).toHaveLength(50);
    // Editing a value at the cap is still allowed.
    await t.client.call('TagResource', { resourceArn: a, tags: { k0: 'changed' } });
  });

  it('rejects reserved aws: keys, malformed ARNs, and ARNs of other accounts or regions', async () => {
    await expectApiError(t.client.call('TagResource', { resourceArn: arn, tags: { 'aws:owner': 'x' } }), 'ValidationError');
    await expectApiError(t.client.call('ListTagsForResource', { resourceArn: 'arn:aws:wickr:us-east-1:123:network/1' }), 'ValidationError');
    await expectApiError(t.client.call('ListTagsForResource', { resourceArn: arn.replace(t.accountId, '999999999999') }), 'ResourceNotFoundError');
    await expectApiError(t.client.call('ListTagsForResource', { resourceArn: arn.replace('us-east-1', 'eu-west-2') }), 'ResourceNotFoundError');
  });
});

describe(`X-Client-Token idempotency (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns the first result for a retried CreateNetwork and creates one network', async () => {
    const c = t.clientWith({ accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey });
    const call = () =>
      c.sendRaw<{ networkId: string }>({
        method: 'POST',
        path: '/networks',
        query: {},
        headers: { 'content-type': 'application/json', 'x-client-token': 'retry-1' },
        body: JSON.stringify({ networkName: 'Once', accessLevel: 'STANDARD' }),
      });
    const a = await call();
    const b = await call();
    expect(b.body.networkId).toBe(a.body.networkId);
    const { networks } = await t.client.call<{ networks: { networkName: string }[] }>('ListNetworks', { maxResults: 100 });
    expect(networks.filter((n) => n.networkName === 'Once')).toHaveLength(1);
  });

  it('answers a retried DeleteNetwork with the first answer instead of not-found', async () => {
    const { networkId } = await createNetwork(t.client, 'Delete twice');
    const first = await t.client.call('DeleteNetwork', { networkId, clientToken: 'del-1' });
    const second = await t.client.call('DeleteNetwork', { networkId, clientToken: 'del-1' });
    expect(second).toEqual(first);
  });

  it('refuses a token reused with different parameters', async () => {
    const a = await createNetwork(t.client, 'Tok A');
    const b = await createNetwork(t.client, 'Tok B');
    await t.client.call('UpdateNetwork', { networkId: a.networkId, networkName: 'Renamed A', clientToken: 'tok-2' });
    await expectApiError(t.client.call('UpdateNetwork', { networkId: b.networkId, networkName: 'Renamed B', clientToken: 'tok-2' }), 'BadRequestError');
    expect((await t.client.call<{ networkName: string }>('GetNetwork', { networkId: b.networkId })).networkName).toBe('Tok B');
  });

  it('validates the token format', async () => {
    const { networkId } = await createNetwork(t.client, 'Tok C');
    await expectApiError(t.client.call('UpdateNetwork', { networkId, networkName: 'x', clientToken: 'has spaces' }), 'ValidationError');
  });
});
