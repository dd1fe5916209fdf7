// Identity-policy evaluation: default deny, explicit-deny precedence over any Allow, Action/NotAction,
// Resource/NotResource, wildcards, policy variables, several policies, and the guide's examples.
import { describe, expect, it } from 'vitest';
import { WICKR_FULL_ACCESS_DOCUMENT } from './authorizer.js';
import { denialMessage, evaluate, type RequestContext } from './evaluate.js';
import { parsePolicy } from './policy.js';

const policy = (name: string, ...statements: Record<string, unknown>[]) => ({ name, document: parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements })) });
const raw = (name: string, text: string) => ({ name, document: parsePolicy(text) });
const req = (action: string, resource = '*', variables?: RequestContext['variables']): RequestContext => ({ action, resource, ...(variables ? { variables } : {}) });

const ACCOUNT = '123456789012';
const NET = (id: string) => `arn:aws:wickr:us-east-1:${ACCOUNT}:network/${id}`;
const USER = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:user${path}${name}`;

describe('evaluate', () => {
  it('denies by default: no policies, or no statement matching', () => {
    expect(evaluate([], req('wickr:ListNetworks'))).toEqual({ decision: 'ImplicitDeny' });
    expect(evaluate([policy('p', { Effect: 'Allow', Action: 'wickr:GetNetwork', Resource: '*' })], req('wickr:ListNetworks'))).toEqual({ decision: 'ImplicitDeny' });
  });

  it('allows with a matching Allow and names the statement that decided', () => {
    const p = policy('p', { Sid: 'Read', Effect: 'Allow', Action: 'wickr:ListNetworks', Resource: '*' });
    expect(evaluate([p], req('wickr:ListNetworks'))).toEqual({ decision: 'Allow', matched: { policy: 'p', sid: 'Read' } });
  });

  it('an explicit Deny wins over any Allow, in the same or another policy, in any order', () => {
    const allowAll = policy('allow', { Effect: 'Allow', Action: '*', Resource: '*' });
    const denyDelete = policy('deny', { Sid: 'NoDelete', Effect: 'Deny', Action: 'wickr:Delete*', Resource: '*' });
    for (const set of [
      [allowAll, denyDelete],
      [denyDelete, allowAll],
    ]) {
      expect(evaluate(set, req('wickr:DeleteNetwork', NET('1')))).toEqual({ decision: 'ExplicitDeny', matched: { policy: 'deny', sid: 'NoDelete' } });
      expect(evaluate(set, req('wickr:GetNetwork', NET('1'))).decision).toBe('Allow');
    }
    const both = policy('both', { Effect: 'Allow', Action: 'wickr:DeleteNetwork', Resource: '*' }, { Effect: 'Deny', Action: 'wickr:DeleteNetwork', Resource: NET('1') });
    expect(evaluate([both], req('wickr:DeleteNetwork', NET('1'))).decision).toBe('ExplicitDeny');
    expect(evaluate([both], req('wickr:DeleteNetwork', NET('2'))).decision).toBe('Allow');
  });

  it('combines several policies: any Allow of any of them is enough', () => {
    const a = policy('a', { Effect: 'Allow', Action: 'wickr:ListNetworks', Resource: '*' });
    const b = policy('b', { Effect: 'Allow', Action: 'wickr:GetNetwork', Resource: '*' });
    expect(evaluate([a, b], req('wickr:GetNetwork', NET('1')))).toEqual({ decision: 'Allow', matched: { policy: 'b' } });
    expect(evaluate([a, b], req('wickr:UpdateNetwork', NET('1'))).decision).toBe('ImplicitDeny');
  });

  it('matches actions case-insensitively with * and ?', () => {
    const p = policy('p', { Effect: 'Allow', Action: ['WICKR:list*', 'wickr:Get?ser'], Resource: '*' });
    expect(evaluate([p], req('wickr:ListNetworks')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:listusers')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetUser')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetUsersCount')).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('iam:ListUsers')).decision).toBe('ImplicitDeny');
  });

  it('NotAction: everything except the listed actions', () => {
    const p = policy('p', { Effect: 'Allow', NotAction: ['wickr:Delete*', 'iam:*'], Resource: '*' });
    expect(evaluate([p], req('wickr:CreateNetwork')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:DeleteNetwork', NET('1'))).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('iam:CreateUser', USER('a'))).decision).toBe('ImplicitDeny');
    const denyAllBut = policy('d', { Effect: 'Deny', NotAction: 'wickr:Get*', Resource: '*' });
    const all = policy('all', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(evaluate([all, denyAllBut], req('wickr:UpdateNetwork', NET('1'))).decision).toBe('ExplicitDeny');
    expect(evaluate([all, denyAllBut], req('wickr:GetNetwork', NET('1'))).decision).toBe('Allow');
  });

  it('matches resources case-sensitively with * and ?', () => {
    const p = policy('p', { Effect: 'Allow', Action: 'wickr:*', Resource: [`arn:aws:wickr:*:${ACCOUNT}:network/1234567?`, NET('99*')] });
    expect(evaluate([p], req('wickr:GetNetwork', NET('12345678'))).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetNetwork', NET('99000000'))).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetNetwork', NET('123456789'))).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('wickr:GetNetwork', NET('55555555'))).decision).toBe('ImplicitDeny');
    // Operations without a resource are evaluated against `*`, which only `*` (or NotResource) matches.
    expect(evaluate([p], req('wickr:ListNetworks')).decision).toBe('ImplicitDeny');
    const iam = policy('i', { Effect: 'Allow', Action: 'iam:GetUser', Resource: USER('Alice') });
    expect(evaluate([iam], req('iam:GetUser', USER('Alice'))).decision).toBe('Allow');
    expect(evaluate([iam], req('iam:GetUser', USER('alice'))).decision).toBe('ImplicitDeny');
  });

  it('NotResource: every resource except the listed ones', () => {
    const p = policy('p', { Effect: 'Allow', Action: 'wickr:*', NotResource: NET('1*') });
    expect(evaluate([p], req('wickr:GetNetwork', NET('20000000'))).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetNetwork', NET('10000000'))).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('wickr:ListNetworks', '*')).decision).toBe('Allow');
    const star = policy('s', { Effect: 'Allow', Action: 'wickr:*', NotResource: '*' });
    expect(evaluate([star], req('wickr:GetNetwork', NET('1'))).decision).toBe('ImplicitDeny');
  });

  it('replaces ${aws:username} and ${aws:userid} per request; without a value they match nothing', () => {
    const p = policy('p', { Effect: 'Allow', Action: 'iam:*', Resource: ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:user/by-id/${aws:userid}'] });
    expect(evaluate([p], req('iam:GetUser', USER('alice'), { username: 'alice', userid: 'AIDA1' })).decision).toBe('Allow');
    expect(evaluate([p], req('iam:GetUser', USER('bob'), { username: 'alice', userid: 'AIDA1' })).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('iam:GetUser', USER('AIDA1', '/by-id/'), { username: 'alice', userid: 'AIDA1' })).decision).toBe('Allow');
    expect(evaluate([p], req('iam:GetUser', USER('alice'))).decision).toBe('ImplicitDeny');
  });

  it('the denial message has the AWS form', () => {
    expect(denialMessage(USER('alice'), 'wickr:ListNetworks', '*', 'ImplicitDeny')).toBe(
      `User: ${USER('alice')} is not authorized to perform: wickr:ListNetworks on resource: *`,
    );
    expect(denialMessage(USER('alice'), 'wickr:DeleteNetwork', NET('1'), 'ExplicitDeny')).toBe(
      `User: ${USER('alice')} is not authorized to perform: wickr:DeleteNetwork on resource: ${NET('1')} with an explicit deny`,
    );
  });
});

describe("the guide's example policies", () => {
  it('AWSWickrFullAccess allows every Wickr action on every resource, and nothing else', () => {
    const p = raw('AWSWickrFullAccess', WICKR_FULL_ACCESS_DOCUMENT);
    for (const action of ['wickr:CreateNetwork', 'wickr:DeleteNetwork', 'wickr:CreateAdminSession', 'wickr:BatchCreateUser']) {
      expect(evaluate([p], req(action, NET('12345678'))).decision).toBe('Allow');
    }
    expect(evaluate([p], req('wickr:ListNetworks')).decision).toBe('Allow');
    expect(evaluate([p], req('iam:CreateUser', USER('x'))).decision).toBe('ImplicitDeny');
  });

  it('CreateAdminSession + ListNetworks: the console and the network list only', () => {
    const p = raw('console', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['wickr:CreateAdminSession', 'wickr:ListNetworks'], Resource: '*' }] }));
    expect(evaluate([p], req('wickr:CreateAdminSession')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:ListNetworks')).decision).toBe('Allow');
    expect(evaluate([p], req('wickr:GetNetwork', NET('1'))).decision).toBe('ImplicitDeny');
  });

  it('WickrAPIReadOnlyAccess: reads, no writes', () => {
    const p = raw(
      'read-only',
      JSON.stringify({
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
    );
    for (const action of ['wickr:ListNetworks', 'wickr:ListUsers', 'wickr:GetNetworkSettings', 'wickr:GetNetwork', 'wickr:GetUser', 'wickr:ListTagsForResource']) {
      expect(evaluate([p], req(action, NET('12345678')))).toEqual({ decision: 'Allow', matched: { policy: 'read-only', sid: 'WickrAPIReadOnlyAccess' } });
    }
    for (const action of ['wickr:UpdateNetwork', 'wickr:DeleteNetwork', 'wickr:BatchCreateUser', 'wickr:TagResource', 'wickr:GetBot']) {
      expect(evaluate([p], req(action, NET('12345678'))).decision).toBe('ImplicitDeny');
    }
  });

  it('view your own permissions: own user only for user actions, anything for navigation', () => {
    const p = raw(
      'view-own',
      JSON.stringify({
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
      }),
    );
    const me = { username: 'alice', userid: 'AIDAALICE' };
    expect(evaluate([p], req('iam:GetUser', USER('alice'), me))).toEqual({ decision: 'Allow', matched: { policy: 'view-own', sid: 'ViewOwnUserInfo' } });
    expect(evaluate([p], req('iam:ListAttachedUserPolicies', USER('alice'), me)).decision).toBe('Allow');
    expect(evaluate([p], req('iam:GetUser', USER('bob'), me)).decision).toBe('ImplicitDeny');
    // The example's resource has no path: a user under /ops/ is not matched by user/${aws:username}.
    expect(evaluate([p], req('iam:GetUser', USER('alice', '/ops/'), me)).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('iam:ListPolicies', '*', me))).toEqual({ decision: 'Allow', matched: { policy: 'view-own', sid: 'NavigateInConsole' } });
    expect(evaluate([p], req('iam:CreateUser', USER('alice'), me)).decision).toBe('ImplicitDeny');
    expect(evaluate([p], req('iam:ListUsers', '*', me)).decision).toBe('Allow');
  });
});

describe('policy variables are values, not patterns', () => {
  const doc = (version: string) =>
    parsePolicy(JSON.stringify({ Version: version, Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }] }));
  it('takes a * in the caller\'s name literally', () => {
    const policies = [{ name: 'p', document: doc('2012-10-17') }];
    expect(evaluate(policies, { action: 'iam:GetUser', resource: 'arn:aws:iam::1:user/a*', variables: { username: 'a*' } }).decision).toBe('Allow');
    expect(evaluate(policies, { action: 'iam:GetUser', resource: 'arn:aws:iam::1:user/alice', variables: { username: 'a*' } }).decision).toBe('ImplicitDeny');
  });
  it('does not substitute in Version 2008-10-17 policies', () => {
    const policies = [{ name: 'p', document: doc('2008-10-17') }];
    expect(evaluate(policies, { action: 'iam:GetUser', resource: 'arn:aws:iam::1:user/bob', variables: { username: 'bob' } }).decision).toBe('ImplicitDeny');
  });
});

describe('wildcards without backtracking (issue 17)', () => {
  const allow = (resource: string, version = '2012-10-17') => [
    { name: 'p', document: parsePolicy(JSON.stringify({ Version: version, Statement: [{ Effect: 'Allow', Action: 'wickr:*', Resource: resource }] }), { stored: true }) },
  ];
  // 126 characters, as in the issue (828 ms for one authorization with a backtracking RegExp).
  const network = `arn:aws:wickr:us-east-1:123456789012:network/${'a'.repeat(81)}`;

  it("decides the issue's pathological pattern, and far longer ones, correctly", () => {
    for (const pairs of [7, 16, 100]) {
      const policies = allow(`arn:${'*?'.repeat(pairs)}Z`);
      expect(evaluate(policies, { action: 'wickr:GetNetwork', resource: network }).decision).toBe('ImplicitDeny');
      expect(evaluate(policies, { action: 'wickr:GetNetwork', resource: `${network}Z` }).decision).toBe('Allow');
    }
  });

  it('with policy variables: wildcards around the value, the value literal', () => {
    const policies = allow('arn:aws:iam::*:user/*/${aws:username}?');
    const req = (resource: string, username: string) => evaluate(policies, { action: 'wickr:X', resource, variables: { username } }).decision;
    expect(req('arn:aws:iam::1:user/ops/alice1', 'alice')).toBe('Allow');
    expect(req('arn:aws:iam::1:user/ops/x/alice1', 'alice')).toBe('Allow');
    expect(req('arn:aws:iam::1:user/ops/alice', 'alice')).toBe('ImplicitDeny');
    expect(req('arn:aws:iam::1:user/ops/a?c*1', 'a?c*')).toBe('Allow');
    expect(req('arn:aws:iam::1:user/ops/abcd1', 'a?c*')).toBe('ImplicitDeny');
    // ${aws:…} is case-insensitive, as in IAM; the pattern around it is matched with many wildcards too.
    const many = allow(`arn:${'*?'.repeat(30)}/\${AWS:UserName}`);
    expect(evaluate(many, { action: 'wickr:X', resource: `${network}/bob`, variables: { username: 'bob' } }).decision).toBe('Allow');
    expect(evaluate(many, { action: 'wickr:X', resource: `${network}/bob`, variables: { username: 'bo' } }).decision).toBe('ImplicitDeny');
  });
});
