import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

describe(`networks (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a network with an 8-digit ID and shows it in GetNetwork and ListNetworks', async () => {
    const out = await t.client.call<{ networkId: string; networkName: string }>('CreateNetwork', { networkName: 'Acme', accessLevel: 'STANDARD' });
    expect(out.networkId).toMatch(/^[0-9]{8}$/);
    expect(out.networkName).toBe('Acme');
    const got = await t.client.call<Record<string, unknown>>('GetNetwork', { networkId: out.networkId });
    expect(got).toMatchObject({
      networkId: out.networkId,
      networkName: 'Acme',
      accessLevel: 'STANDARD',
      awsAccountId: t.accountId,
      networkArn: `arn:aws:wickr:us-east-1:${t.accountId}:network/${out.networkId}`,
      standing: 1,
    });
    const list = await t.client.call<{ networks: { networkId: string }[] }>('ListNetworks', { maxResults: 100 });
    expect(list.networks.map((n) => n.networkId)).toContain(out.networkId);
  });

  it('rejects network names outside 1–20 characters and creates nothing', async () => {
    const before = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    const err = await expectApiError(t.client.call('CreateNetwork', { networkName: 'This network name is way too long', accessLevel: 'STANDARD' }), 'ValidationError', 422);
    expect(err.body.reasons).toEqual([{ field: 'networkName', reason: 'Network name must be between 1 and 20 characters' }]);
    await expectApiError(t.client.call('CreateNetwork', { networkName: '', accessLevel: 'STANDARD' }), 'ValidationError', 422);
    await t.client.call('CreateNetwork', { networkName: 'x'.repeat(20), accessLevel: 'STANDARD' });
    const after = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    expect(after.networks.length).toBe(before.networks.length + 1);
  });

  it('creates every network with a default security group that cannot be deleted', async () => {
    const { networkId, defaultGroupId } = await createNetwork(t.client, 'With default');
    const g = await t.client.call<{ securityGroup: { isDefault: boolean } }>('GetSecurityGroup', { networkId, groupId: defaultGroupId });
    expect(g.securityGroup.isDefault).toBe(true);
    await expectApiError(t.client.call('DeleteSecurityGroup', { networkId, groupId: defaultGroupId }), 'BadRequestError', 400);
    await t.client.call('GetSecurityGroup', { networkId, groupId: defaultGroupId });
  });

  it('renames a network with UpdateNetwork and validates the new name', async () => {
    const { networkId } = await createNetwork(t.client, 'Old name');
    await t.client.call('UpdateNetwork', { networkId, networkName: 'New name' });
    expect((await t.client.call<{ networkName: string }>('GetNetwork', { networkId })).networkName).toBe('New name');
    await expectApiError(t.client.call('UpdateNetwork', { networkId, networkName: 'This name is way too long for a network' }), 'ValidationError');
    expect((await t.client.call<{ networkName: string }>('GetNetwork', { networkId })).networkName).toBe('New name');
  });

  it('deletes a network; afterwards it is not found', async () => {
    const { networkId } = await createNetwork(t.client, 'Doomed');
    const out = await t.client.call<{ message: string }>('DeleteNetwork', { networkId });
    expect(out.message).toBe('Network deletion initiated successfully');
    await expectApiError(t.client.call('GetNetwork', { networkId }), 'ResourceNotFoundError', 404);
    await expectApiError(t.client.call('DeleteNetwork', { networkId }), 'ResourceNotFoundError', 404);
  });

  it('paginates ListNetworks with nextToken and sorts by name', async () => {
    for (const n of ['pg-c', 'pg-a', 'pg-b']) await t.client.call('CreateNetwork', { networkName: n, accessLevel: 'STANDARD' });
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page: { networks: { networkName: string }[]; nextToken?: string } = await t.client.call('ListNetworks', {
        maxResults: 2,
        sortFields: 'networkName',
        sortDirection: 'ASC',
        ...(nextToken ? { nextToken } : {}),
      });
      expect(page.networks.length).toBeLessThanOrEqual(2);
      seen.push(...page.networks.map((n) => n.networkName));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((n) => n.startsWith('pg-'))).toEqual(['pg-a', 'pg-b', 'pg-c']);
    await expectApiError(t.client.call('ListNetworks', { maxResults: 0 }), 'ValidationError');
    await expectApiError(t.client.call('ListNetworks', { maxResults: 101 }), 'ValidationError');
    await expectApiError(t.client.call('ListNetworks', { sortFields: 'bogus' }), 'ValidationError');
  });

  it('never shows one account the networks of another', async () => {
    const other = await startTestServer();
    try {
      // Same database is not shared between servers; simulate a second account in this server instead.
      const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
      const acct = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
      const c2 = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
      const { networkId } = await createNetwork(t.client, 'Mine');
      const theirs = await c2.call<{ networks: { networkId: string }[] }>('ListNetworks', { maxResults: 100 });
      expect(theirs.networks.map((n) => n.networkId)).not.toContain(networkId);
      await expectApiError(c2.call('GetNetwork', { networkId }), 'ResourceNotFoundError');
      await expectApiError(c2.call('DeleteNetwork', { networkId }), 'ResourceNotFoundError');
      await t.client.call('GetNetwork', { networkId });
    } finally {
      await other.close();
    }
  });
});
