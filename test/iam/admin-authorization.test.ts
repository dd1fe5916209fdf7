// Every admin operation goes through the one IAM evaluator and leaves a CloudTrail record: allowed
// with AWSWickrFullAccess, denied (403, AWS message form) without it, and each call's record carries
// the right eventName, readOnly flag, errorCode and redacted parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, allOperations, buildRequest } from '../../packages/server/src/index.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { minimal, modelAvailable } from '../conformance/model.js';
import { IamClient } from './iam-server.js';

interface Key {
  AccessKeyId: string;
  SecretAccessKey: string;
}
interface AuditRecord {
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  errorCode?: string;
  errorMessage?: string;
  requestID: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: unknown;
  userIdentity: { type: string; arn: string; accessKeyId: string; userName?: string; sessionContext?: { attributes: { mfaAuthenticated: string } } };
}

describe.skipIf(!modelAvailable)(`every admin operation is authorized and audited (${dialectName})`, () => {
  let t: TestServer;
  let iam: IamClient;
  let full: AdminClient;
  let none: AdminClient;
  let networkId: string;
  let groupId: string;

  async function userWithKey(name: string, policyArn?: string): Promise<AdminClient> {
    await iam.call('CreateUser', { UserName: name });
    if (policyArn) await iam.call('AttachUserPolicy', { UserName: name, PolicyArn: policyArn });
    const { AccessKey } = await iam.call<{ AccessKey: Key }>('CreateAccessKey', { UserName: name });
    return t.clientWith({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
  }

  /** The newest record of this event name (records of reads and failures are group-committed). */
  async function lastRecord(eventName: string): Promise<AuditRecord> {
    await t.server.audit.flush();
    const row = await t.server.store.db
      .selectFrom('audit_events')
      .select('record')
      .where('event_name', '=', eventName)
      .orderBy('event_time', 'desc')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.record) as AuditRecord;
  }

  async function inputFor(op: string): Promise<Record<string, unknown>> {
    const resourceArn = `arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}`;
    if (op === 'TagResource') return { resourceArn, tags: { team: 'blue' } };
    if (op === 'UntagResource') return { resourceArn, tagKeys: ['team'] };
    if (op === 'ListTagsForResource') return { resourceArn };
    const input = minimal(allOperations[op]!.input) as Record<string, unknown>;
    // DeleteNetwork gets a network of its own, so the others keep theirs.
    if ('networkId' in input) input.networkId = op === 'DeleteNetwork' ? (await createNetwork(t.client, 'Doomed')).networkId : networkId;
    if ('groupId' in input) input.groupId = groupId;
    return input;
  }

  beforeAll(async () => {
    t = await startTestServer();
    iam = new IamClient(t.client);
    ({ networkId, defaultGroupId: groupId } = await createNetwork(t.client, 'Authorized'));
    full = await userWithKey('full-admin', 'arn:aws:iam::aws:policy/AWSWickrFullAccess');
    none = await userWithKey('no-permissions');
  });
  afterAll(async () => {
    await t.close();
  });

  const ops = Object.keys(allOperations).sort();

  it.each(ops)('%s: denied without a policy, recorded as AccessDenied', async (op) => {
    const input = await inputFor(op);
    const resource = 'resourceArn' in input ? String(input.resourceArn) : 'networkId' in input ? `arn:aws:wickr:us-east-1:${t.accountId}:network/${String(input.networkId)}` : '*';
    const err = await expectApiError(none.call(op, input), 'ForbiddenError', 403);
    expect(err.body.message).toBe(`User: arn:aws:iam::${t.accountId}:user/no-permissions is not authorized to perform: wickr:${op} on resource: ${resource}`);
    const rec = await lastRecord(op);
    expect(rec).toMatchObject({ eventName: op, eventSource: 'wickr.amazonaws.com', readOnly: allOperations[op]!.readonly, errorCode: 'AccessDenied', requestID: err.requestId });
    expect(rec.userIdentity).toMatchObject({ type: 'IAMUser', userName: 'no-permissions' });
  });

  it.each(ops)('%s: allowed with AWSWickrFullAccess, recorded with its outcome', async (op) => {
    const res = await full.send(op, await inputFor(op)).then(
      (r) => ({ ok: true as const, requestId: r.headers.get('x-amzn-requestid') }),
      (e: { status: number; errorType: string; requestId: string }) => ({ ok: false as const, ...e }),
    );
    if (!res.ok) expect(res.status, `${op} must not be refused by IAM`).not.toBe(403);
    const rec = await lastRecord(op);
    expect(rec.eventName).toBe(op);
    expect(rec.readOnly).toBe(allOperations[op]!.readonly);
    expect(rec.requestID).toBe(res.requestId);
    expect(rec.userIdentity.arn).toBe(`arn:aws:iam::${t.accountId}:user/full-admin`);
    if (res.ok) expect(rec.errorCode).toBeUndefined();
    else expect(rec.errorCode).toBe(res.errorType);
    if (allOperations[op]!.readonly) expect(rec.responseElements).toBeNull();
  });

  it('redacts sensitive members in requests and responses', async () => {
    await full.call('CreateBot', { networkId, username: 'redact_bot', groupId, challenge: 'Sup3r-Secret-Challenge' });
    const bot = await lastRecord('CreateBot');
    expect(bot.requestParameters).toMatchObject({ networkId, username: 'redact_bot', challenge: '****' });
    expect(JSON.stringify(bot)).not.toContain('Sup3r-Secret-Challenge');
    await full.call('BatchCreateUser', { networkId, users: [{ username: 'secret.person@example.com', firstName: 'Hidden', lastName: 'Name', securityGroupIds: [groupId] }] });
    const users = await lastRecord('BatchCreateUser');
    const text = JSON.stringify(users);
    expect(text).not.toContain('Hidden');
    expect(text).toContain('secret.person@example.com');
  });

  it('an explicit Deny wins over AWSWickrFullAccess, and says so', async () => {
    await iam.call('CreateUser', { UserName: 'no-deletes' });
    await iam.call('AttachUserPolicy', { UserName: 'no-deletes', PolicyArn: 'arn:aws:iam::aws:policy/AWSWickrFullAccess' });
    await iam.call('PutUserPolicy', {
      UserName: 'no-deletes',
      PolicyName: 'NoDelete',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'wickr:Delete*', Resource: '*' }] }),
    });
    const { AccessKey } = await iam.call<{ AccessKey: Key }>('CreateAccessKey', { UserName: 'no-deletes' });
    const c = t.clientWith({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
    await c.call('GetNetwork', { networkId });
    const err = await expectApiError(c.call('DeleteNetwork', { networkId }), 'ForbiddenError');
    expect(err.body.message).toMatch(/with an explicit deny$/);
    await t.client.call('GetNetwork', { networkId });
  });

  it('governs UpdateNetwork by the guide\'s action name wickr:UpdateNetworkDetails too', async () => {
    await iam.call('CreateUser', { UserName: 'renamer' });
    await iam.call('PutUserPolicy', {
      UserName: 'renamer',
      PolicyName: 'Rename',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'wickr:UpdateNetworkDetails', Resource: '*' }] }),
    });
    const { AccessKey } = await iam.call<{ AccessKey: Key }>('CreateAccessKey', { UserName: 'renamer' });
    const c = t.clientWith({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
    await c.call('UpdateNetwork', { networkId, networkName: 'Renamed' });
    await iam.call('PutUserPolicy', {
      UserName: 'renamer',
      PolicyName: 'NoRename',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'wickr:UpdateNetwork', Resource: '*' }] }),
    });
    const err = await expectApiError(c.call('UpdateNetwork', { networkId, networkName: 'Again' }), 'ForbiddenError');
    expect(err.body.message).toMatch(/with an explicit deny$/);
    await t.client.call('UpdateNetwork', { networkId, networkName: 'Authorized' });
  });

  it('scopes a policy to one network by its ARN', async () => {
    const other = await createNetwork(t.client, 'Other');
    await iam.call('CreateUser', { UserName: 'one-network' });
    await iam.call('PutUserPolicy', {
      UserName: 'one-network',
      PolicyName: 'OneNetwork',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'wickr:Get*', Resource: `arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}` }],
      }),
    });
    const { AccessKey } = await iam.call<{ AccessKey: Key }>('CreateAccessKey', { UserName: 'one-network' });
    const c = t.clientWith({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
    await c.call('GetNetwork', { networkId });
    await expectApiError(c.call('GetNetwork', { networkId: other.networkId }), 'ForbiddenError');
    await expectApiError(c.call('ListNetworks', {}), 'ForbiddenError');
  });

  it('the guide\'s read-only example policy allows exactly its actions', async () => {
    await iam.call('CreateUser', { UserName: 'reader' });
    await iam.call('PutUserPolicy', {
      UserName: 'reader',
      PolicyName: 'WickrAPIReadOnlyAccess',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WickrAPIReadOnlyAccess',
            Effect: 'Allow',
            Action: ['wickr:ListNetworks', 'wickr:ListUsers', 'wickr:GetNetworkSettings', 'wickr:GetNetwork', 'wickr:GetUser', 'wickr:ListTagsForResource'],
            Resource: '*',
          },
        ],
      }),
    });
    const { AccessKey } = await iam.call<{ AccessKey: Key }>('CreateAccessKey', { UserName: 'reader' });
    const c = t.clientWith({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
    await c.call('ListNetworks', {});
    await c.call('GetNetworkSettings', { networkId });
    await c.call('ListUsers', { networkId });
    await expectApiError(c.call('UpdateNetwork', { networkId, networkName: 'Nope' }), 'ForbiddenError');
    await expectApiError(c.call('ListSecurityGroups', { networkId }), 'ForbiddenError');
  });

  it('records console sign-in and session calls with their session context', async () => {
    await iam.call('CreateUser', { UserName: 'console-user' });
    await iam.call('AttachUserPolicy', { UserName: 'console-user', PolicyArn: 'arn:aws:iam::aws:policy/AWSWickrFullAccess' });
    await iam.call('CreateLoginProfile', { UserName: 'console-user', Password: 'Console-Password-42' });
    const res = await fetch(`${t.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: t.accountId, userName: 'console-user', password: 'Console-Password-42' }),
    });
    expect(res.status).toBe(200);
    const signIn = await lastRecord('CreateAdminSession');
    expect(signIn).toMatchObject({ eventName: 'CreateAdminSession', userIdentity: { type: 'IAMUser', userName: 'console-user' } });
    expect(JSON.stringify(signIn)).not.toContain('Console-Password-42');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const list = await fetch(`${t.url}/networks`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const call = await lastRecord('ListNetworks');
    expect(call.eventName).toBe('ListNetworks');
    expect(call.userIdentity.accessKeyId).toMatch(/^ASIA/);
    expect(call.userIdentity.sessionContext?.attributes.mfaAuthenticated).toBe('false');

    const bad = await fetch(`${t.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: t.accountId, userName: 'console-user', password: 'wrong-password-123' }),
    });
    expect(bad.status).toBe(401);
    expect(await lastRecord('CreateAdminSession')).toMatchObject({ eventName: 'CreateAdminSession', errorCode: 'UnauthorizedError' });
  });

  it('serves LookupEvents over the trail, by event name and read-only flag', async () => {
    const built = buildRequest('ListNetworks', {});
    await t.client.sendRaw(built);
    const res = await t.client.sendRaw<{ events: AuditRecord[] }>({
      method: 'POST',
      path: '/audit/LookupEvents',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventName: 'ListNetworks', readOnly: true, maxResults: 5 }),
    });
    expect(res.body.events.length).toBeGreaterThan(0);
    for (const e of res.body.events) expect(e).toMatchObject({ eventName: 'ListNetworks', readOnly: true });
    await expectApiError(none.sendRaw({ method: 'POST', path: '/audit/LookupEvents', query: {}, headers: { 'content-type': 'application/json' }, body: '{}' }), 'ForbiddenError');
  });
});
