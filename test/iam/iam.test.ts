// End to end: the /iam API against a real server (SQLite, or PostgreSQL with ENCLAVE_TEST_DATABASE_URL),
// and what its users, keys and policies then may do on the admin API and on /iam itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../packages/server/src/domain/accounts/repo.js';
import { verifyPassword } from '../../packages/server/src/infra/passwords.js';
import { WICKR_FULL_ACCESS_ARN } from '../../packages/server/src/domain/iam/authorizer.js';
import { totpCode } from '../../packages/server/src/domain/iam/totp.js';
import { iamActionNames } from '../../packages/server/src/api/iam/routes.js';
import { dialectName, expectApiError } from '../helpers/harness.js';
import { startIamServer, type Credentials, type IamTestServer } from './iam-server.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

interface User {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
}
interface AccessKey {
  UserName: string;
  AccessKeyId: string;
  Status: string;
  SecretAccessKey: string;
  CreateDate: string;
}
interface Policy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  CreateDate: string;
  UpdateDate: string;
}

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });
const deny = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Deny', Action: action, Resource: resource });

/** The guide's read-only API example (身分型政策範例). */
const READ_ONLY_EXAMPLE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'WickrAPIReadOnlyAccess',
      Effect: 'Allow',
      Action: ['wickr:ListNetworks', 'wickr:ListUsers', 'wickr:GetNetworkSettings', 'wickr:GetNetwork', 'wickr:GetUser', 'wickr:ListTagsForResource'],
      Resource: '*',
    },
  ],
});

/** The guide's "allow users to view their own permissions" example. */
const VIEW_OWN_EXAMPLE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ViewOwnUserInfo',
      Effect: 'Allow',
      Action: ['iam:GetUserPolicy', 'iam:ListGroupsForUser', 'iam:ListAttachedUserPolicies', 'iam:ListUserPolicies', 'iam:GetUser'],
      Resource: ['arn:aws:iam::*:user/${aws:username}'],
    },
    {
      Sid: 'NavigateInConsole',
      Effect: 'Allow',
      Action: ['iam:GetGroupPolicy', 'iam:GetPolicyVersion', 'iam:GetPolicy', 'iam:ListAttachedGroupPolicies', 'iam:ListGroupPolicies', 'iam:ListPolicyVersions', 'iam:ListPolicies', 'iam:ListUsers'],
      Resource: '*',
    },
  ],
});

describe(`IAM API (${dialectName})`, () => {
  let t: IamTestServer;
  let n = 0;
  /** A unique name per test, so tests do not depend on each other. */
  const uniq = (prefix: string) => `${prefix}${++n}`;

  async function newUser(path = '/'): Promise<User> {
    return (await t.iam.call<{ User: User }>('CreateUser', { UserName: uniq('user'), Path: path })).User;
  }
  async function newKey(userName: string): Promise<Credentials> {
    const { AccessKey } = await t.iam.call<{ AccessKey: AccessKey }>('CreateAccessKey', { UserName: userName });
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  }
  async function newPolicy(document: string, extra: Record<string, unknown> = {}): Promise<Policy> {
    return (await t.iam.call<{ Policy: Policy }>('CreatePolicy', { PolicyName: uniq('policy'), PolicyDocument: document, ...extra })).Policy;
  }
  /** A user with one key and, optionally, an inline policy. */
  async function principal(document?: string) {
    const user = await newUser();
    if (document) await t.iam.call('PutUserPolicy', { UserName: user.UserName, PolicyName: 'main', PolicyDocument: document });
    const key = await newKey(user.UserName);
    return { user, key, iam: t.iamWith(key), admin: t.adminWith(key) };
  }

  beforeAll(async () => {
    t = await startIamServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates users with IAM IDs, ARNs with the path, and case-insensitively unique names', async () => {
    const { User } = await t.iam.call<{ User: User }>('CreateUser', { UserName: 'Alice', Path: '/ops/' });
    expect(User).toMatchObject({ UserName: 'Alice', Path: '/ops/', Arn: `arn:aws:iam::${t.accountId}:user/ops/Alice` });
    expect(User.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(new Date(User.CreateDate).toISOString()).toBe(User.CreateDate);
    expect((await t.iam.call<{ User: User }>('GetUser', { UserName: 'alice' })).User).toEqual(User);
    const err = await expectApiError(t.iam.call('CreateUser', { UserName: 'ALICE' }), 'BadRequestError', 400);
    expect(err.body.message).toBe('User with name ALICE already exists.');
    const listed = await t.iam.call<{ Users: User[]; IsTruncated: boolean }>('ListUsers', { PathPrefix: '/ops/' });
    expect(listed).toEqual({ Users: [User], IsTruncated: false });
    const row = await t.server.store.db.selectFrom('principals').selectAll().where('principal_id', '=', User.UserId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ account_id: t.accountId, kind: 'IAMUser', name: 'Alice', arn: User.Arn });
  });

  it('validates names and paths with every reason at once, and reports missing entities in IAM words', async () => {
    const err = await expectApiError(t.iam.call('CreateUser', { UserName: 'bad name!', Path: 'nopath', Extra: 1 }), 'ValidationError', 422);
    expect(err.body.reasons?.map((r) => r.field).sort()).toEqual(['Extra', 'Path', 'UserName']);
    await expectApiError(t.iam.call('CreateUser', { UserName: 'x'.repeat(65) }), 'ValidationError', 422);
    await expectApiError(t.iam.call('CreateGroup', {}), 'ValidationError', 422);
    const nf = await expectApiError(t.iam.call('GetUser', { UserName: 'nobody' }), 'ResourceNotFoundError', 404);
    expect(nf.body.message).toBe('The user with name nobody cannot be found.');
    expect((await expectApiError(t.iam.call('GetGroup', { GroupName: 'nogroup' }), 'ResourceNotFoundError', 404)).body.message).toBe(
      'The group with name nogroup cannot be found.',
    );
    // GetUser without UserName is for IAM users (it means "me"); the root must name one.
    await expectApiError(t.iam.call('GetUser', {}), 'ValidationError', 422);
  });

  it('pages lists with Marker and MaxItems', async () => {
    const names = [uniq('page'), uniq('page'), uniq('page')];
    for (const UserName of names) await t.iam.call('CreateUser', { UserName, Path: '/paged/' });
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const p: { Users: User[]; IsTruncated: boolean; Marker?: string } = await t.iam.call('ListUsers', { PathPrefix: '/paged/', MaxItems: 2, ...(Marker ? { Marker } : {}) });
      expect(p.Users.length).toBeLessThanOrEqual(2);
      expect(p.IsTruncated).toBe(p.Marker !== undefined);
      seen.push(...p.Users.map((u) => u.UserName));
      Marker = p.Marker;
    } while (Marker);
    expect(seen).toEqual([...names].sort());
    await expectApiError(t.iam.call('ListUsers', { Marker: '!!' }), 'ValidationError', 422);
  });

  it('denies a new user everything (default deny), /iam and admin API alike, in the AWS message form', async () => {
    const p = await principal();
    const err = await expectApiError(p.iam.call('ListUsers'), 'ForbiddenError', 403);
    expect(err.body.message).toBe(`User: ${p.user.Arn} is not authorized to perform: iam:ListUsers on resource: *`);
    const target = `arn:aws:iam::${t.accountId}:user/x`;
    // Authorization comes before validation: an invalid input is still a 403.
    const e2 = await expectApiError(p.iam.call('CreateUser', { UserName: 'x', Path: 'bad' }), 'ForbiddenError', 403);
    expect(e2.body.message).toBe(`User: ${p.user.Arn} is not authorized to perform: iam:CreateUser on resource: ${target}`);
    const e3 = await expectApiError(p.admin.call('ListNetworks', { maxResults: 10 }), 'ForbiddenError', 403);
    expect(e3.body.message).toBe(`User: ${p.user.Arn} is not authorized to perform: wickr:ListNetworks on resource: *`);
  });

  it('grants through a managed policy attached to the user (the guide read-only example)', async () => {
    const p = await principal();
    const { networkId } = await t.admin.call<{ networkId: string }>('CreateNetwork', { networkName: 'Readable', accessLevel: 'STANDARD' });
    const policy = await newPolicy(READ_ONLY_EXAMPLE);
    expect(policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, Arn: `arn:aws:iam::${t.accountId}:policy/${policy.PolicyName}` });
    expect(policy.PolicyId).toMatch(/^ANPA/);
    await t.iam.call('AttachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn });
    expect((await t.iam.call<{ Policy: Policy }>('GetPolicy', { PolicyArn: policy.Arn })).Policy.AttachmentCount).toBe(1);
    const attached = await t.iam.call<{ AttachedPolicies: unknown[] }>('ListAttachedUserPolicies', { UserName: p.user.UserName });
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }]);

    expect((await p.admin.call<{ networkId: string }>('GetNetwork', { networkId })).networkId).toBe(networkId);
    await p.admin.call('ListNetworks', { maxResults: 10 });
    const denied = await expectApiError(p.admin.call('UpdateNetwork', { networkId, networkName: 'Nope' }), 'ForbiddenError', 403);
    expect(denied.body.message).toBe(
      `User: ${p.user.Arn} is not authorized to perform: wickr:UpdateNetwork on resource: arn:aws:wickr:us-east-1:${t.accountId}:network/${networkId}`,
    );

    await t.iam.call('DetachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn });
    await expectApiError(p.admin.call('GetNetwork', { networkId }), 'ForbiddenError', 403);
    await expectApiError(t.iam.call('DetachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn }), 'ResourceNotFoundError', 404);
  });

  it('grants through a group: AWSWickrFullAccess on the group applies to its members only while they are members', async () => {
    const p = await principal();
    const group = uniq('admins');
    const { Group } = await t.iam.call<{ Group: { GroupId: string; Arn: string } }>('CreateGroup', { GroupName: group });
    expect(Group.GroupId).toMatch(/^AGPA/);
    expect(Group.Arn).toBe(`arn:aws:iam::${t.accountId}:group/${group}`);
    await t.iam.call('AttachGroupPolicy', { GroupName: group, PolicyArn: WICKR_FULL_ACCESS_ARN });
    await expectApiError(p.admin.call('CreateNetwork', { networkName: 'Group net', accessLevel: 'STANDARD' }), 'ForbiddenError', 403);

    await t.iam.call('AddUserToGroup', { GroupName: group, UserName: p.user.UserName });
    await t.iam.call('AddUserToGroup', { GroupName: group, UserName: p.user.UserName });
    const got = await t.iam.call<{ Users: User[] }>('GetGroup', { GroupName: group });
    expect(got.Users.map((u) => u.UserName)).toEqual([p.user.UserName]);
    const groups = await t.iam.call<{ Groups: { GroupName: string }[] }>('ListGroupsForUser', { UserName: p.user.UserName });
    expect(groups.Groups.map((g) => g.GroupName)).toEqual([group]);
    const { networkId } = await p.admin.call<{ networkId: string }>('CreateNetwork', { networkName: 'Group net', accessLevel: 'STANDARD' });
    // wickr:* grants nothing on /iam.
    await expectApiError(p.iam.call('ListUsers'), 'ForbiddenError', 403);

    // A group's inline Deny wins over the Allow of AWSWickrFullAccess.
    await t.iam.call('PutGroupPolicy', { GroupName: group, PolicyName: 'no-delete', PolicyDocument: doc(deny('wickr:Delete*')) });
    const e = await expectApiError(p.admin.call('DeleteNetwork', { networkId }), 'ForbiddenError', 403);
    expect(e.body.message).toMatch(/ with an explicit deny$/);
    expect(await t.iam.call('ListGroupPolicies', { GroupName: group })).toEqual({ PolicyNames: ['no-delete'], IsTruncated: false });
    expect(await t.iam.call('GetGroupPolicy', { GroupName: group, PolicyName: 'no-delete' })).toEqual({
      GroupName: group,
      PolicyName: 'no-delete',
      PolicyDocument: doc(deny('wickr:Delete*')),
    });

    await t.iam.call('RemoveUserFromGroup', { GroupName: group, UserName: p.user.UserName });
    await expectApiError(p.admin.call('GetNetwork', { networkId }), 'ForbiddenError', 403);
    await expectApiError(t.iam.call('RemoveUserFromGroup', { GroupName: group, UserName: p.user.UserName }), 'ResourceNotFoundError', 404);
  });

  it('inline user policies: put, get, list, replace, delete — each change applies on the next request', async () => {
    const p = await principal();
    await expectApiError(p.iam.call('ListUsers'), 'ForbiddenError', 403);
    await t.iam.call('PutUserPolicy', { UserName: p.user.UserName, PolicyName: 'lister', PolicyDocument: { Version: '2012-10-17', Statement: allow('iam:List*') } });
    await p.iam.call('ListUsers');
    expect(await t.iam.call('ListUserPolicies', { UserName: p.user.UserName })).toEqual({ PolicyNames: ['lister'], IsTruncated: false });
    const got = await t.iam.call<{ PolicyDocument: string }>('GetUserPolicy', { UserName: p.user.UserName, PolicyName: 'lister' });
    expect(JSON.parse(got.PolicyDocument)).toEqual({ Version: '2012-10-17', Statement: allow('iam:List*') });

    await t.iam.call('PutUserPolicy', { UserName: p.user.UserName, PolicyName: 'lister', PolicyDocument: doc(allow('iam:GetUser')) });
    await expectApiError(p.iam.call('ListUsers'), 'ForbiddenError', 403);
    await p.iam.call('GetUser');
    await t.iam.call('DeleteUserPolicy', { UserName: p.user.UserName, PolicyName: 'lister' });
    await expectApiError(p.iam.call('GetUser'), 'ForbiddenError', 403);
    const nf = await expectApiError(t.iam.call('GetUserPolicy', { UserName: p.user.UserName, PolicyName: 'lister' }), 'ResourceNotFoundError', 404);
    expect(nf.body.message).toBe('The user policy with name lister cannot be found.');
  });

  it('the guide example "view their own permissions" with ${aws:username}', async () => {
    const p = await principal();
    const other = await newUser();
    const policy = await newPolicy(VIEW_OWN_EXAMPLE);
    await t.iam.call('AttachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn });
    expect((await p.iam.call<{ User: User }>('GetUser')).User.UserName).toBe(p.user.UserName);
    expect((await p.iam.call<{ User: User }>('GetUser', { UserName: p.user.UserName })).User.Arn).toBe(p.user.Arn);
    const attached = await p.iam.call<{ AttachedPolicies: { PolicyArn: string }[] }>('ListAttachedUserPolicies', { UserName: p.user.UserName });
    expect(attached.AttachedPolicies.map((a) => a.PolicyArn)).toEqual([policy.Arn]);
    await p.iam.call('ListGroupsForUser', { UserName: p.user.UserName });
    await p.iam.call('GetPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v1' });
    await p.iam.call('ListUsers');
    const e = await expectApiError(p.iam.call('GetUser', { UserName: other.UserName }), 'ForbiddenError', 403);
    expect(e.body.message).toBe(`User: ${p.user.Arn} is not authorized to perform: iam:GetUser on resource: ${other.Arn}`);
    await expectApiError(p.iam.call('ListAttachedUserPolicies', { UserName: other.UserName }), 'ForbiddenError', 403);
    await expectApiError(p.iam.call('CreateUser', { UserName: uniq('nope') }), 'ForbiddenError', 403);
  });

  it('policy versions: at most five, switching the default changes what is allowed, the default cannot be deleted', async () => {
    const p = await principal();
    const policy = await newPolicy(doc(allow('iam:ListUsers')), { Path: '/team/', Description: 'listing' });
    expect(policy.Arn).toBe(`arn:aws:iam::${t.accountId}:policy/team/${policy.PolicyName}`);
    await t.iam.call('AttachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn });
    await p.iam.call('ListUsers');

    const v2 = await t.iam.call<{ PolicyVersion: { VersionId: string; IsDefaultVersion: boolean } }>('CreatePolicyVersion', {
      PolicyArn: policy.Arn,
      PolicyDocument: doc(allow('iam:ListGroups')),
    });
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: false });
    await p.iam.call('ListUsers');
    await t.iam.call('SetDefaultPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v2' });
    await expectApiError(p.iam.call('ListUsers'), 'ForbiddenError', 403);
    await p.iam.call('ListGroups');
    expect((await t.iam.call<{ Policy: Policy }>('GetPolicy', { PolicyArn: policy.Arn })).Policy).toMatchObject({ DefaultVersionId: 'v2', AttachmentCount: 1 });
    const v1 = await t.iam.call<{ PolicyVersion: { Document: string; IsDefaultVersion: boolean } }>('GetPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v1' });
    expect(v1.PolicyVersion).toMatchObject({ Document: doc(allow('iam:ListUsers')), IsDefaultVersion: false });

    const v3 = await t.iam.call<{ PolicyVersion: { VersionId: string; IsDefaultVersion: boolean } }>('CreatePolicyVersion', {
      PolicyArn: policy.Arn,
      PolicyDocument: doc(allow('iam:ListRoles')),
      SetAsDefault: true,
    });
    expect(v3.PolicyVersion).toMatchObject({ VersionId: 'v3', IsDefaultVersion: true });
    await p.iam.call('ListRoles');
    await expectApiError(p.iam.call('ListGroups'), 'ForbiddenError', 403);

    await t.iam.call('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: doc(allow('iam:GetUser')) });
    await t.iam.call('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: doc(allow('iam:GetUser')) });
    const limit = await expectApiError(t.iam.call('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: doc(allow('iam:GetUser')) }), 'BadRequestError', 400);
    expect(limit.body.message).toBe('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
    const versions = await t.iam.call<{ Versions: { VersionId: string; IsDefaultVersion: boolean }[] }>('ListPolicyVersions', { PolicyArn: policy.Arn });
    expect(versions.Versions.map((v) => v.VersionId)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    expect(versions.Versions.filter((v) => v.IsDefaultVersion).map((v) => v.VersionId)).toEqual(['v3']);

    const def = await expectApiError(t.iam.call('DeletePolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v3' }), 'BadRequestError', 400);
    expect(def.body.message).toBe('Cannot delete the default version of a policy.');
    await t.iam.call('DeletePolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v5' });
    expect((await t.iam.call<{ PolicyVersion: { VersionId: string } }>('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: doc(allow('iam:GetUser')) })).PolicyVersion.VersionId).toBe('v6');
    await expectApiError(t.iam.call('GetPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v5' }), 'ResourceNotFoundError', 404);

    const attachedErr = await expectApiError(t.iam.call('DeletePolicy', { PolicyArn: policy.Arn }), 'BadRequestError', 400);
    expect(attachedErr.body.message).toBe('Cannot delete a policy attached to entities.');
    await t.iam.call('DetachUserPolicy', { UserName: p.user.UserName, PolicyArn: policy.Arn });
    const versionsErr = await expectApiError(t.iam.call('DeletePolicy', { PolicyArn: policy.Arn }), 'BadRequestError', 400);
    expect(versionsErr.body.message).toMatch(/^This policy has more than one version/);
    for (const VersionId of ['v1', 'v2', 'v4', 'v6']) await t.iam.call('DeletePolicyVersion', { PolicyArn: policy.Arn, VersionId });
    await t.iam.call('DeletePolicy', { PolicyArn: policy.Arn });
    await expectApiError(t.iam.call('GetPolicy', { PolicyArn: policy.Arn }), 'ResourceNotFoundError', 404);
  });

  it('policy names are unique in the account; malformed documents are a 422 naming the statement; unknown actions are accepted', async () => {
    const policy = await newPolicy(doc(allow('wickr:ListNetworks')));
    const dup = await expectApiError(t.iam.call('CreatePolicy', { PolicyName: policy.PolicyName.toUpperCase(), Path: '/other/', PolicyDocument: doc(allow('*')) }), 'BadRequestError', 400);
    expect(dup.body.message).toBe(`A policy called ${policy.PolicyName.toUpperCase()} already exists. Duplicate names are not allowed.`);
    const bad = await expectApiError(
      t.iam.call('CreatePolicy', { PolicyName: uniq('bad'), PolicyDocument: doc(allow('iam:GetUser'), { ...allow('wickr:ListNetworks'), Principal: '*' }) }),
      'ValidationError',
      422,
    );
    expect(bad.body.reasons).toEqual([{ field: 'PolicyDocument', reason: expect.stringMatching(/^Statement\[1\]: Principal is not supported/) }]);
    const cond = await expectApiError(
      t.iam.call('PutUserPolicy', { UserName: (await newUser()).UserName, PolicyName: 'c', PolicyDocument: doc({ ...allow('*'), Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) }),
      'ValidationError',
      422,
    );
    expect(cond.body.reasons?.[0]?.reason).toMatch(/^Statement\[0\]: Condition is not supported/);
    await expectApiError(t.iam.call('CreatePolicy', { PolicyName: uniq('bad'), PolicyDocument: 'not json' }), 'ValidationError', 422);
    // Unknown actions are accepted, as IAM does; ValidatePolicy reports them.
    await newPolicy(doc(allow(['wickr:ListNetworks', 'wickr:MadeUpAction', 's3:GetObject'])));
  });

  it('ValidatePolicy reports parse errors with the statement and unknown actions as warnings', async () => {
    const ok = await t.iam.call('ValidatePolicy', { PolicyDocument: doc(allow(['wickr:ListNetworks', 'wickr:CreateAdminSession', 'iam:CreateUser', 'wickr:List*'])) });
    expect(ok).toEqual({ Valid: true, Errors: [], Warnings: [] });
    const warn = await t.iam.call<{ Valid: boolean; Warnings: { Message: string }[] }>('ValidatePolicy', {
      PolicyDocument: doc(allow(['wickr:ListNetwork', 'iam:Nothing*', 'WICKR:listnetworks'])),
    });
    expect(warn.Valid).toBe(true);
    expect(warn.Warnings.map((w) => w.Message)).toEqual([
      'Action "wickr:ListNetwork" is not an action known to Enclave; it will never match a request.',
      'Action "iam:Nothing*" matches no action known to Enclave.',
    ]);
    const invalid = await t.iam.call('ValidatePolicy', { PolicyDocument: doc(allow('wickr:ListNetworks'), { Effect: 'Allow', Action: '*', NotPrincipal: '*', Resource: '*' }) });
    expect(invalid).toEqual({
      Valid: false,
      Errors: [{ Statement: 1, Message: 'Statement[1]: NotPrincipal is not supported: Wickr supports identity-based policies only, not resource-based policies' }],
      Warnings: [],
    });
    expect(await t.iam.call('ValidatePolicy', { PolicyDocument: '{' })).toEqual({ Valid: false, Errors: [{ Message: 'The policy document is not valid JSON' }], Warnings: [] });
    // Every /iam action is a known action.
    const all = await t.iam.call<{ Warnings: unknown[] }>('ValidatePolicy', { PolicyDocument: doc(allow(iamActionNames().map((a) => `iam:${a}`))) });
    expect(all.Warnings).toEqual([]);
  });

  it('refuses more than 16 * wildcards in one Action or Resource everywhere a document is written, and ValidatePolicy reports it (issue 17)', async () => {
    // The pathological pattern (7 `*?` pairs), extended beyond the limit.
    const resource = `arn:${'*?'.repeat(17)}Z`;
    const reason = `Statement[1]: Resource "${resource}" has 17 * wildcards; at most 16 are allowed in one Resource`;
    const bad = doc(allow('wickr:ListNetworks'), allow('wickr:GetNetwork', resource));
    const refused = async (call: Promise<unknown>) => {
      const err = await expectApiError(call, 'ValidationError', 422);
      expect(err.body.reasons).toEqual([{ field: 'PolicyDocument', reason }]);
    };
    await refused(t.iam.call('CreatePolicy', { PolicyName: uniq('glob'), PolicyDocument: bad }));
    const policy = await newPolicy(doc(allow('wickr:ListNetworks')));
    await refused(t.iam.call('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: bad }));
    const user = await newUser();
    await refused(t.iam.call('PutUserPolicy', { UserName: user.UserName, PolicyName: 'glob', PolicyDocument: bad }));
    const group = uniq('group');
    await t.iam.call('CreateGroup', { GroupName: group });
    await refused(t.iam.call('PutGroupPolicy', { GroupName: group, PolicyName: 'glob', PolicyDocument: bad }));
    const role = uniq('role');
    await t.iam.call('CreateRole', { RoleName: role });
    await refused(t.iam.call('PutRolePolicy', { RoleName: role, PolicyName: 'glob', PolicyDocument: bad }));
    expect(await t.iam.call('ValidatePolicy', { PolicyDocument: bad })).toEqual({ Valid: false, Errors: [{ Statement: 1, Message: reason }], Warnings: [] });
  });

  it('decides a policy with 16 *? pairs (the limit) quickly and correctly: the pattern is not a backtracking RegExp (issue 17)', async () => {
    const p = await principal();
    const self = p.user;
    await t.iam.call('PutUserPolicy', { UserName: self.UserName, PolicyName: 'glob', PolicyDocument: doc(allow('iam:GetUser', `arn:${'*?'.repeat(16)}:user/${self.UserName}`)) });
    expect((await p.iam.call<{ User: User }>('GetUser', { UserName: self.UserName })).User.UserName).toBe(self.UserName);
    // Every other user's ARN fails to match: the case a backtracking RegExp takes exponential time on.
    const other = await newUser();
    const denied = await expectApiError(p.iam.call('GetUser', { UserName: other.UserName }), 'ForbiddenError', 403);
    expect(denied.body.message).toMatch(/is not authorized to perform: iam:GetUser/);
  });

  it('AWSWickrFullAccess exists for every account and cannot be changed', async () => {
    const { Policy } = await t.iam.call<{ Policy: Policy }>('GetPolicy', { PolicyArn: WICKR_FULL_ACCESS_ARN });
    expect(Policy).toMatchObject({ PolicyName: 'AWSWickrFullAccess', DefaultVersionId: 'v1', Path: '/' });
    const v1 = await t.iam.call<{ PolicyVersion: { Document: string } }>('GetPolicyVersion', { PolicyArn: WICKR_FULL_ACCESS_ARN, VersionId: 'v1' });
    expect(JSON.parse(v1.PolicyVersion.Document)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'wickr:*', Resource: '*' }] });
    const aws = await t.iam.call<{ Policies: Policy[] }>('ListPolicies', { Scope: 'AWS' });
    expect(aws.Policies.map((p) => p.Arn)).toEqual([WICKR_FULL_ACCESS_ARN]);
    const local = await t.iam.call<{ Policies: Policy[] }>('ListPolicies', { Scope: 'Local' });
    expect(local.Policies.some((p) => p.Arn === WICKR_FULL_ACCESS_ARN)).toBe(false);
    for (const [action, input] of [
      ['CreatePolicyVersion', { PolicyArn: WICKR_FULL_ACCESS_ARN, PolicyDocument: doc(allow('*')), SetAsDefault: true }],
      ['DeletePolicy', { PolicyArn: WICKR_FULL_ACCESS_ARN }],
      ['SetDefaultPolicyVersion', { PolicyArn: WICKR_FULL_ACCESS_ARN, VersionId: 'v1' }],
      ['DeletePolicyVersion', { PolicyArn: WICKR_FULL_ACCESS_ARN, VersionId: 'v1' }],
    ] as const) {
      const e = await expectApiError(t.iam.call(action, input), 'BadRequestError', 400);
      expect(e.body.message).toBe(`Policy ${WICKR_FULL_ACCESS_ARN} is an AWS managed policy: it cannot be changed or deleted.`);
    }
    const versions = await t.iam.call<{ Versions: unknown[] }>('ListPolicyVersions', { PolicyArn: WICKR_FULL_ACCESS_ARN });
    expect(versions.Versions).toHaveLength(1);
  });

  it('two access keys per user; a deactivated or deleted key stops working on the next request', async () => {
    const user = await newUser();
    await t.iam.call('PutUserPolicy', { UserName: user.UserName, PolicyName: 'self', PolicyDocument: doc(allow(['iam:GetUser', 'iam:ListAccessKeys', 'wickr:ListNetworks'])) });
    const { AccessKey } = await t.iam.call<{ AccessKey: AccessKey }>('CreateAccessKey', { UserName: user.UserName });
    expect(AccessKey).toMatchObject({ UserName: user.UserName, Status: 'Active' });
    expect(AccessKey.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const second = await newKey(user.UserName);
    const quota = await expectApiError(t.iam.call('CreateAccessKey', { UserName: user.UserName }), 'BadRequestError', 400);
    expect(quota.body.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');

    // The secret is sealed at rest and never listed.
    const row = await t.server.store.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', AccessKey.AccessKeyId).executeTakeFirstOrThrow();
    expect(row.secret_ciphertext).not.toContain(AccessKey.SecretAccessKey);
    expect(t.server.secrets.open(row.secret_ciphertext)).toBe(AccessKey.SecretAccessKey);
    expect(row).toMatchObject({ principal_id: user.UserId, account_id: t.accountId, status: 'Active' });

    const key = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    const iam = t.iamWith(key);
    const admin = t.adminWith(key);
    expect((await iam.call<{ User: User }>('GetUser')).User.UserName).toBe(user.UserName);
    await admin.call('ListNetworks', { maxResults: 10 });
    const listed = await iam.call<{ AccessKeyMetadata: { AccessKeyId: string; Status: string; LastUsedDate?: string }[] }>('ListAccessKeys');
    expect(listed.AccessKeyMetadata.map((k) => k.AccessKeyId).sort()).toEqual([AccessKey.AccessKeyId, second.accessKeyId].sort());
    expect(JSON.stringify(listed)).not.toContain(AccessKey.SecretAccessKey);
    expect(listed.AccessKeyMetadata.find((k) => k.AccessKeyId === AccessKey.AccessKeyId)?.LastUsedDate).toBeDefined();
    const lastUsed = await t.iam.call('GetAccessKeyLastUsed', { AccessKeyId: AccessKey.AccessKeyId });
    expect(lastUsed).toMatchObject({ UserName: user.UserName, AccessKeyLastUsed: { ServiceName: 'wickr', Region: 'us-east-1' } });
    expect(await t.iam.call('GetAccessKeyLastUsed', { AccessKeyId: second.accessKeyId })).toEqual({
      UserName: user.UserName,
      AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
    });

    await t.iam.call('UpdateAccessKey', { UserName: user.UserName, AccessKeyId: AccessKey.AccessKeyId, Status: 'Inactive' });
    await expectApiError(iam.call('GetUser'), 'UnauthorizedError', 401);
    await expectApiError(admin.call('ListNetworks', { maxResults: 10 }), 'UnauthorizedError', 401);
    const meta = await t.iam.call<{ AccessKeyMetadata: { AccessKeyId: string; Status: string }[] }>('ListAccessKeys', { UserName: user.UserName });
    expect(meta.AccessKeyMetadata.find((k) => k.AccessKeyId === AccessKey.AccessKeyId)?.Status).toBe('Inactive');
    await t.iam.call('UpdateAccessKey', { UserName: user.UserName, AccessKeyId: AccessKey.AccessKeyId, Status: 'Active' });
    await iam.call('GetUser');

    await t.iam.call('DeleteAccessKey', { UserName: user.UserName, AccessKeyId: AccessKey.AccessKeyId });
    await expectApiError(iam.call('GetUser'), 'UnauthorizedError', 401);
    await expectApiError(admin.call('ListNetworks', { maxResults: 10 }), 'UnauthorizedError', 401);
    await expectApiError(t.iam.call('DeleteAccessKey', { UserName: user.UserName, AccessKeyId: AccessKey.AccessKeyId }), 'ResourceNotFoundError', 404);
    // Another user's key is not found through this user, and the root key is not an IAM user's key.
    const other = await newUser();
    await expectApiError(t.iam.call('UpdateAccessKey', { UserName: other.UserName, AccessKeyId: second.accessKeyId, Status: 'Inactive' }), 'ResourceNotFoundError', 404);
    await expectApiError(t.iam.call('GetAccessKeyLastUsed', { AccessKeyId: t.root.accessKeyId }), 'ResourceNotFoundError', 404);
    // With room again, a new key can be made.
    await newKey(user.UserName);
  });

  it('refuses to delete users, groups and roles while something still hangs on them, as IAM does', async () => {
    const user = await newUser();
    const key = await newKey(user.UserName);
    const group = uniq('g');
    await t.iam.call('CreateGroup', { GroupName: group });
    await t.iam.call('AddUserToGroup', { GroupName: group, UserName: user.UserName });
    await t.iam.call('AttachUserPolicy', { UserName: user.UserName, PolicyArn: WICKR_FULL_ACCESS_ARN });
    await t.iam.call('PutUserPolicy', { UserName: user.UserName, PolicyName: 'p', PolicyDocument: doc(allow('iam:GetUser')) });
    await t.iam.call('CreateLoginProfile', { UserName: user.UserName, Password: 'Correct-horse-42' });

    const steps: [string, () => Promise<unknown>][] = [
      ['Cannot delete entity, must delete access keys first.', () => t.iam.call('DeleteAccessKey', { UserName: user.UserName, AccessKeyId: key.accessKeyId })],
      ['Cannot delete entity, must delete login profile first.', () => t.iam.call('DeleteLoginProfile', { UserName: user.UserName })],
      ['Cannot delete entity, must detach all policies first.', () => t.iam.call('DetachUserPolicy', { UserName: user.UserName, PolicyArn: WICKR_FULL_ACCESS_ARN })],
      ['Cannot delete entity, must delete policies first.', () => t.iam.call('DeleteUserPolicy', { UserName: user.UserName, PolicyName: 'p' })],
      ['Cannot delete entity, must remove user from all groups first.', () => t.iam.call('RemoveUserFromGroup', { GroupName: group, UserName: user.UserName })],
    ];
    for (const [message, fix] of steps) {
      expect((await expectApiError(t.iam.call('DeleteUser', { UserName: user.UserName }), 'BadRequestError', 400)).body.message).toBe(message);
      await fix();
    }
    await t.iam.call('AddUserToGroup', { GroupName: group, UserName: user.UserName });
    expect((await expectApiError(t.iam.call('DeleteGroup', { GroupName: group }), 'BadRequestError', 400)).body.message).toBe(
      'Cannot delete entity, must remove users from group first.',
    );
    await t.iam.call('RemoveUserFromGroup', { GroupName: group, UserName: user.UserName });
    await t.iam.call('DeleteUser', { UserName: user.UserName });
    await expectApiError(t.iam.call('GetUser', { UserName: user.UserName }), 'ResourceNotFoundError', 404);
    await t.iam.call('DeleteGroup', { GroupName: group });
    expect(await t.server.store.db.selectFrom('iam_user_logins').selectAll().where('principal_id', '=', user.UserId).execute()).toEqual([]);
  });

  it('roles hold policies but cannot be assumed, and say so', async () => {
    const role = uniq('role');
    const { Role } = await t.iam.call<{ Role: { RoleId: string; Arn: string; Description: string } }>('CreateRole', { RoleName: role, Path: '/svc/' });
    expect(Role.RoleId).toMatch(/^AROA/);
    expect(Role.Arn).toBe(`arn:aws:iam::${t.accountId}:role/svc/${role}`);
    expect(Role.Description).toMatch(/cannot be assumed.*temporary credentials/);
    const refused = await expectApiError(
      t.iam.call('CreateRole', { RoleName: uniq('role'), AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) }),
      'ValidationError',
      422,
    );
    expect(refused.body.reasons?.[0]).toMatchObject({ field: 'AssumeRolePolicyDocument', reason: expect.stringMatching(/temporary credentials/) });
    await t.iam.call('AttachRolePolicy', { RoleName: role, PolicyArn: WICKR_FULL_ACCESS_ARN });
    await t.iam.call('PutRolePolicy', { RoleName: role, PolicyName: 'inline', PolicyDocument: doc(allow('iam:GetUser')) });
    expect(await t.iam.call('ListAttachedRolePolicies', { RoleName: role })).toEqual({
      AttachedPolicies: [{ PolicyName: 'AWSWickrFullAccess', PolicyArn: WICKR_FULL_ACCESS_ARN }],
      IsTruncated: false,
    });
    expect(await t.iam.call('ListRolePolicies', { RoleName: role })).toEqual({ PolicyNames: ['inline'], IsTruncated: false });
    expect((await t.iam.call<{ PolicyName: string }>('GetRolePolicy', { RoleName: role, PolicyName: 'inline' })).PolicyName).toBe('inline');
    expect((await t.iam.call<{ Roles: { RoleName: string }[] }>('ListRoles', { PathPrefix: '/svc/' })).Roles.map((r) => r.RoleName)).toEqual([role]);
    expect((await expectApiError(t.iam.call('DeleteRole', { RoleName: role }), 'BadRequestError', 400)).body.message).toBe(
      'Cannot delete entity, must detach all policies first.',
    );
    await t.iam.call('DetachRolePolicy', { RoleName: role, PolicyArn: WICKR_FULL_ACCESS_ARN });
    await t.iam.call('DeleteRolePolicy', { RoleName: role, PolicyName: 'inline' });
    await t.iam.call('DeleteRole', { RoleName: role });
    await expectApiError(t.iam.call('GetRole', { RoleName: role }), 'ResourceNotFoundError', 404);
  });

  it('console passwords: checked, scrypt-hashed, one per user', async () => {
    const user = await newUser();
    const weak = await expectApiError(t.iam.call('CreateLoginProfile', { UserName: user.UserName, Password: 'short' }), 'ValidationError', 422);
    expect(weak.body.reasons?.map((r) => r.reason)).toEqual([
      'must be at least 12 characters long',
      'must contain characters of at least 3 of these kinds: lower-case letters, upper-case letters, digits, symbols',
    ]);
    await expectApiError(t.iam.call('CreateLoginProfile', { UserName: user.UserName, Password: 'alllowercaseletters' }), 'ValidationError', 422);
    await expectApiError(t.iam.call('GetLoginProfile', { UserName: user.UserName }), 'ResourceNotFoundError', 404);
    const created = await t.iam.call<{ LoginProfile: { UserName: string; PasswordResetRequired: boolean } }>('CreateLoginProfile', {
      UserName: user.UserName,
      Password: 'lower UPPER 1234',
    });
    expect(created.LoginProfile).toMatchObject({ UserName: user.UserName, PasswordResetRequired: false });
    const again = await expectApiError(t.iam.call('CreateLoginProfile', { UserName: user.UserName, Password: 'lower UPPER 1234' }), 'BadRequestError', 400);
    expect(again.body.message).toBe(`Login Profile for user ${user.UserName} already exists.`);
    const login = async () => t.server.store.db.selectFrom('iam_user_logins').selectAll().where('principal_id', '=', user.UserId).executeTakeFirstOrThrow();
    expect(await verifyPassword('lower UPPER 1234', (await login()).password_hash!)).toBe(true);
    await t.iam.call('UpdateLoginProfile', { UserName: user.UserName, Password: 'Another-secret-99' });
    const row = await login();
    expect(await verifyPassword('Another-secret-99', row.password_hash!)).toBe(true);
    expect(await verifyPassword('lower UPPER 1234', row.password_hash!)).toBe(false);
    expect(row.password_changed_at).toBeGreaterThan(0);
    await t.iam.call('GetLoginProfile', { UserName: user.UserName });
    await t.iam.call('DeleteLoginProfile', { UserName: user.UserName });
    expect((await login()).password_hash).toBeNull();
    await expectApiError(t.iam.call('UpdateLoginProfile', { UserName: user.UserName, Password: 'Another-secret-99' }), 'ResourceNotFoundError', 404);
  });

  it('virtual MFA: a pending TOTP seed, enabled by two consecutive codes, deactivated', async () => {
    const user = await newUser();
    const enabled = await t.iam.call<{ SerialNumber: string; Base32StringSeed: string; QRCodeUri: string }>('EnableMFADevice', { UserName: user.UserName });
    expect(enabled.SerialNumber).toBe(`arn:aws:iam::${t.accountId}:mfa/${user.UserName}`);
    expect(enabled.Base32StringSeed).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enabled.QRCodeUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(enabled.Base32StringSeed);
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    const row = async () => t.server.store.db.selectFrom('iam_user_logins').selectAll().where('principal_id', '=', user.UserId).executeTakeFirstOrThrow();
    const devices = async () => (await t.iam.call<{ MFADevices: { UserName: string; SerialNumber: string; EnableDate: string }[] }>('ListMFADevices', { UserName: user.UserName })).MFADevices;
    expect(await devices()).toEqual([]); // pending, not enabled yet
    const pending = await row();
    expect(pending.mfa_enabled).toBe(0);
    expect(pending.mfa_secret_sealed).not.toContain(enabled.Base32StringSeed);
    expect(t.server.secrets.open(pending.mfa_secret_sealed!)).toBe(enabled.Base32StringSeed);

    const now = Date.now();
    const code1 = totpCode(enabled.Base32StringSeed, now - 30_000);
    const code2 = totpCode(enabled.Base32StringSeed, now);
    const wrong = await expectApiError(
      t.iam.call('ConfirmMFADevice', { UserName: user.UserName, AuthenticationCode1: code2, AuthenticationCode2: code1 === code2 ? '000000' : code1 }),
      'BadRequestError',
      400,
    );
    expect(wrong.body.message).toBe('Authentication code for device is not valid.');
    await expectApiError(t.iam.call('ConfirmMFADevice', { UserName: user.UserName, AuthenticationCode1: '12345', AuthenticationCode2: 'abcdef' }), 'ValidationError', 422);
    expect(await t.iam.call('ConfirmMFADevice', { UserName: user.UserName, AuthenticationCode1: code1, AuthenticationCode2: code2 })).toEqual({ SerialNumber: enabled.SerialNumber });
    expect((await row()).mfa_enabled).toBe(1);
    const listed = await devices();
    expect(listed).toEqual([{ UserName: user.UserName, SerialNumber: enabled.SerialNumber, EnableDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(Math.abs(Date.parse(listed[0]!.EnableDate) - Date.now())).toBeLessThan(60_000);
    await expectApiError(t.iam.call('EnableMFADevice', { UserName: user.UserName }), 'BadRequestError', 400);
    expect((await expectApiError(t.iam.call('DeleteUser', { UserName: user.UserName }), 'BadRequestError', 400)).body.message).toBe(
      'Cannot delete entity, must delete MFA device first.',
    );
    await expectApiError(t.iam.call('DeactivateMFADevice', { UserName: user.UserName, SerialNumber: 'arn:aws:iam::1:mfa/x' }), 'ResourceNotFoundError', 404);
    await t.iam.call('DeactivateMFADevice', { UserName: user.UserName, SerialNumber: enabled.SerialNumber });
    expect(await row()).toMatchObject({ mfa_enabled: 0, mfa_secret_sealed: null });
    expect(await devices()).toEqual([]);
    await expectApiError(t.iam.call('ConfirmMFADevice', { UserName: user.UserName, AuthenticationCode1: code1, AuthenticationCode2: code2 }), 'ResourceNotFoundError', 404);
    await t.iam.call('DeleteUser', { UserName: user.UserName });
  });

  it('an account sees only its own principals and policies (plus AWS managed ones)', async () => {
    const mine = await newUser();
    const myPolicy = await newPolicy(doc(allow('wickr:ListNetworks')));
    await t.iam.call('AttachUserPolicy', { UserName: mine.UserName, PolicyArn: WICKR_FULL_ACCESS_ARN });
    const other = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
    const theirs = t.iamWith(other);

    const users = await theirs.call<{ Users: User[] }>('ListUsers');
    expect(users.Users).toEqual([]);
    await expectApiError(theirs.call('GetUser', { UserName: mine.UserName }), 'ResourceNotFoundError', 404);
    await expectApiError(theirs.call('GetPolicy', { PolicyArn: myPolicy.Arn }), 'ResourceNotFoundError', 404);
    await expectApiError(theirs.call('DeleteUser', { UserName: mine.UserName }), 'ResourceNotFoundError', 404);
    expect((await theirs.call<{ Policies: Policy[] }>('ListPolicies', { Scope: 'Local' })).Policies).toEqual([]);
    // The same name is free in another account.
    const { User } = await theirs.call<{ User: User }>('CreateUser', { UserName: mine.UserName });
    expect(User.Arn).toBe(`arn:aws:iam::${other.accountId}:user/${mine.UserName}`);
    await expectApiError(theirs.call('AttachUserPolicy', { UserName: User.UserName, PolicyArn: myPolicy.Arn }), 'ResourceNotFoundError', 404);
    // AWS managed policies are there for everyone; their AttachmentCount counts the account's own attachments.
    const full = await theirs.call<{ Policy: Policy }>('GetPolicy', { PolicyArn: WICKR_FULL_ACCESS_ARN });
    expect(full.Policy.AttachmentCount).toBe(0);
    expect((await t.iam.call<{ Policy: Policy }>('GetPolicy', { PolicyArn: WICKR_FULL_ACCESS_ARN })).Policy.AttachmentCount).toBeGreaterThan(0);
    await theirs.call('AttachUserPolicy', { UserName: User.UserName, PolicyArn: WICKR_FULL_ACCESS_ARN });
    const otherKey = await theirs.call<{ AccessKey: AccessKey }>('CreateAccessKey', { UserName: User.UserName });
    await expectApiError(t.iam.call('DeleteAccessKey', { UserName: mine.UserName, AccessKeyId: otherKey.AccessKey.AccessKeyId }), 'ResourceNotFoundError', 404);
    await expectApiError(t.iam.call('GetAccessKeyLastUsed', { AccessKeyId: otherKey.AccessKey.AccessKeyId }), 'ResourceNotFoundError', 404);
    // Our user still exists, untouched.
    expect((await t.iam.call<{ User: User }>('GetUser', { UserName: mine.UserName })).User.Arn).toBe(mine.Arn);
  });

  it('answers unknown actions, bad bodies and unsigned requests in the AWS error shape', async () => {
    const unknown = await expectApiError(t.iam.call('AssumeRole', {}), 'ResourceNotFoundError', 404);
    expect(unknown.body.message).toMatch(/^No IAM action named AssumeRole/);
    const raw = await t.admin.sendRaw({ method: 'POST', path: '/iam/ListUsers', query: {}, headers: { 'content-type': 'application/json' }, body: '{' }).catch((e: unknown) => e);
    expect(raw).toMatchObject({ status: 400, errorType: 'BadRequestError' });
    const arr = await t.admin.sendRaw({ method: 'POST', path: '/iam/ListUsers', query: {}, headers: { 'content-type': 'application/json' }, body: '[]' }).catch((e: unknown) => e);
    expect(arr).toMatchObject({ status: 400, errorType: 'BadRequestError' });
    const res = await fetch(`${t.url}/iam/ListUsers`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
    // An empty body is an empty input.
    await t.admin.sendRaw({ method: 'POST', path: '/iam/ListUsers', query: {}, headers: {} });
  });

  it('records each call in the audit trail, in CloudTrail form and without secrets', async () => {
    const user = await newUser();
    const { AccessKey } = await t.iam.call<{ AccessKey: AccessKey }>('CreateAccessKey', { UserName: user.UserName });
    await t.iam.call('CreateLoginProfile', { UserName: user.UserName, Password: 'Secret-password-1' });
    await expectApiError(t.iam.call('GetUser', { UserName: 'missing-user' }), 'ResourceNotFoundError');
    await t.server.audit.flush(); // records of reads and failures are group-committed
    // The newest record of each of the three calls (group-committed records of earlier reads may be
    // written after them, so sequence order is not call order).
    const events = [];
    for (const name of ['CreateAccessKey', 'CreateLoginProfile', 'GetUser']) {
      const row = await t.server.store.db
        .selectFrom('audit_events')
        .select('record')
        .where('event_name', '=', name)
        .orderBy('event_time', 'desc')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      events.push(JSON.parse(row.record) as { eventSource: string; eventName: string; readOnly: boolean; errorCode?: string; responseElements: unknown; userIdentity: { arn: string } });
    }
    expect(events.map((e) => [e.eventSource, e.eventName, e.readOnly, e.errorCode])).toEqual([
      ['iam.amazonaws.com', 'CreateAccessKey', false, undefined],
      ['iam.amazonaws.com', 'CreateLoginProfile', false, undefined],
      ['iam.amazonaws.com', 'GetUser', true, 'ResourceNotFoundError'],
    ]);
    expect(events[0]!.responseElements).toMatchObject({ AccessKey: { AccessKeyId: AccessKey.AccessKeyId, UserName: user.UserName } });
    expect(events[0]!.userIdentity.arn).toBe(`arn:aws:iam::${t.accountId}:root`);
    const text = JSON.stringify(events);
    expect(text).not.toContain(AccessKey.SecretAccessKey);
    expect(text).not.toContain('Secret-password-1');
  });
});
