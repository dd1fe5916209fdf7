// The policy language as Wickr supports it: every element, what is rejected and why, wildcards,
// unknown actions, and the guide's example policies.
import { describe, expect, it } from 'vitest';
import { knownActions } from '@enclave/admin-api';
import { WICKR_FULL_ACCESS_DOCUMENT } from './authorizer.js';
import { globMatch, MAX_PATTERN_STARS, MAX_POLICY_SIZE, parsePolicy, PolicyError, unknownActions } from './policy.js';

const json = (v: unknown) => JSON.stringify(v);
const stmt = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 'wickr:ListNetworks', Resource: '*', ...extra });

function parseError(v: unknown): PolicyError {
  try {
    parsePolicy(typeof v === 'string' ? v : json(v));
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

describe('parsePolicy: document elements', () => {
  it('reads Version, Id and a Statement object or array', () => {
    const one = parsePolicy(json({ Version: '2012-10-17', Id: 'my-policy', Statement: stmt() }));
    expect(one).toEqual({ version: '2012-10-17', statements: [{ effect: 'Allow', actions: ['wickr:ListNetworks'], resources: ['*'] }] });
    const many = parsePolicy(json({ Version: '2012-10-17', Statement: [stmt(), stmt({ Effect: 'Deny', Action: ['wickr:DeleteNetwork'] })] }));
    expect(many.statements.map((s) => s.effect)).toEqual(['Allow', 'Deny']);
  });

  it('defaults Version to 2008-10-17 and accepts only the two IAM versions', () => {
    expect(parsePolicy(json({ Statement: stmt() })).version).toBe('2008-10-17');
    expect(parsePolicy(json({ Version: '2008-10-17', Statement: stmt() })).version).toBe('2008-10-17');
    expect(parseError({ Version: '2020-01-01', Statement: stmt() }).message).toBe('Version must be one of 2012-10-17, 2008-10-17');
    expect(parseError({ Version: 2012, Statement: stmt() }).statementIndex).toBeUndefined();
  });

  it('rejects what is not a policy document', () => {
    expect(parseError('not json').message).toBe('The policy document is not valid JSON');
    expect(parseError('[]').message).toBe('The policy document must be a JSON object');
    expect(parseError('null').message).toBe('The policy document must be a JSON object');
    expect(parseError({ Version: '2012-10-17' }).message).toBe('Statement is required');
    expect(parseError({ Version: '2012-10-17', Statement: [] }).message).toBe('Statement must not be empty');
    expect(parseError({ Version: '2012-10-17', Statement: stmt(), Extra: 1 }).message).toBe('Unknown policy element Extra');
    expect(parseError({ Version: '2012-10-17', Id: 5, Statement: stmt() }).message).toBe('Id must be a string');
    expect(parseError(' '.repeat(MAX_POLICY_SIZE + 1)).message).toBe(`The policy document exceeds ${MAX_POLICY_SIZE} characters`);
  });
});

describe('parsePolicy: statement elements', () => {
  it('reads Sid, Effect, Action/NotAction and Resource/NotResource as strings or lists', () => {
    const doc = parsePolicy(
      json({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'First1', Effect: 'Allow', Action: ['wickr:Get*', 'wickr:List*'], Resource: 'arn:aws:wickr:us-east-1:123456789012:network/12345678' },
          { Sid: '', Effect: 'Deny', NotAction: 'wickr:ListNetworks', NotResource: ['arn:aws:wickr:*:*:network/1*'] },
        ],
      }),
    );
    expect(doc.statements).toEqual([
      { sid: 'First1', effect: 'Allow', actions: ['wickr:Get*', 'wickr:List*'], resources: ['arn:aws:wickr:us-east-1:123456789012:network/12345678'] },
      { sid: '', effect: 'Deny', notActions: ['wickr:ListNetworks'], notResources: ['arn:aws:wickr:*:*:network/1*'] },
    ]);
  });

  it('names the statement in every statement error', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ Effect: 'Maybe', Action: '*', Resource: '*' }, 'Effect must be Allow or Deny'],
      [{ Action: '*', Resource: '*' }, 'Effect must be Allow or Deny'],
      [{ Effect: 'Allow', Resource: '*' }, 'exactly one of Action or NotAction is required'],
      [{ Effect: 'Allow', Action: '*', NotAction: '*', Resource: '*' }, 'exactly one of Action or NotAction is required'],
      [{ Effect: 'Allow', Action: '*' }, 'exactly one of Resource or NotResource is required'],
      [{ Effect: 'Allow', Action: '*', Resource: '*', NotResource: '*' }, 'exactly one of Resource or NotResource is required'],
      [{ Effect: 'Allow', Action: [], Resource: '*' }, 'Action must be a non-empty string or a non-empty array of strings'],
      [{ Effect: 'Allow', Action: [''], Resource: '*' }, 'Action must be a non-empty string or a non-empty array of strings'],
      [{ Effect: 'Allow', Action: '*', NotResource: 5 }, 'NotResource must be a non-empty string or a non-empty array of strings'],
      [{ Effect: 'Allow', Action: 'ListNetworks', Resource: '*' }, 'Action "ListNetworks" must be "*" or "<service>:<action>"'],
      [{ Effect: 'Allow', Action: '*', Resource: 'network/1' }, 'Resource "network/1" must be "*" or an ARN'],
      [{ Sid: 'has space', Effect: 'Allow', Action: '*', Resource: '*' }, 'Sid must contain only letters and digits'],
      [{ Effect: 'Allow', Action: '*', Resource: '*', Extra: true }, 'Unknown statement element Extra'],
    ];
    for (const [bad, message] of cases) {
      const err = parseError({ Version: '2012-10-17', Statement: [stmt(), bad] });
      expect(err.statementIndex).toBe(1);
      expect(err.message).toBe(`Statement[1]: ${message}`);
    }
    expect(parseError({ Version: '2012-10-17', Statement: [stmt(), 'x'] }).message).toBe('Statement[1]: must be a JSON object');
  });

  it('rejects duplicate Sids', () => {
    expect(parseError({ Version: '2012-10-17', Statement: [stmt({ Sid: 'A' }), stmt({ Sid: 'A' })] }).message).toBe('Statement[1]: Sid A is used by more than one statement');
  });

  it('refuses Principal, NotPrincipal and Condition, which Wickr does not support, with the statement index', () => {
    const principal = parseError({ Version: '2012-10-17', Statement: [stmt(), stmt(), stmt({ Principal: { AWS: '*' } })] });
    expect(principal.statementIndex).toBe(2);
    expect(principal.message).toBe('Statement[2]: Principal is not supported: Wickr supports identity-based policies only, not resource-based policies');
    expect(parseError({ Statement: stmt({ NotPrincipal: '*' }) }).message).toBe(
      'Statement[0]: NotPrincipal is not supported: Wickr supports identity-based policies only, not resource-based policies',
    );
    expect(parseError({ Statement: [stmt({ Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } } })] }).message).toBe(
      'Statement[0]: Condition is not supported: Wickr has no policy condition keys (and no ABAC)',
    );
  });
});

describe('wildcards', () => {
  it('* matches any run of characters and ? exactly one', () => {
    expect(globMatch('wickr:List*', 'wickr:ListNetworks', false)).toBe(true);
    expect(globMatch('wickr:List*', 'wickr:List', false)).toBe(true);
    expect(globMatch('wickr:Get?ser', 'wickr:GetUser', false)).toBe(true);
    expect(globMatch('wickr:Get?ser', 'wickr:GetUUser', false)).toBe(false);
    expect(globMatch('*', 'anything at all', false)).toBe(true);
    expect(globMatch('a.b', 'aXb', false)).toBe(false);
    expect(globMatch('arn:aws:wickr:*:*:network/(1)', 'arn:aws:wickr:us-east-1:1:network/(1)', false)).toBe(true);
  });

  it('case-insensitive for actions, case-sensitive for resources', () => {
    expect(globMatch('WICKR:listnetworks', 'wickr:ListNetworks', true)).toBe(true);
    expect(globMatch('arn:aws:iam::*:user/Alice', 'arn:aws:iam::1:user/alice', false)).toBe(false);
  });
});

describe('the wildcard limit (issue 17)', () => {
  // The pattern, 7 `*?` pairs, extended beyond the limit.
  const pathological = (pairs: number) => `arn:${'*?'.repeat(pairs)}Z`;

  it(`allows ${MAX_PATTERN_STARS} * wildcards in one Action or Resource and refuses more, naming the statement and element`, () => {
    expect(MAX_PATTERN_STARS).toBe(16);
    expect(parsePolicy(json({ Statement: stmt({ Resource: pathological(7) }) })).statements[0]!.resources).toEqual([pathological(7)]);
    expect(parsePolicy(json({ Statement: stmt({ Resource: pathological(16) }) })).statements).toHaveLength(1);
    const err = parseError({ Statement: [stmt(), stmt({ Resource: ['*', pathological(17)] })] });
    expect(err.statementIndex).toBe(1);
    expect(err.message).toBe(`Statement[1]: Resource "${pathological(17)}" has 17 * wildcards; at most 16 are allowed in one Resource`);
    expect(parseError({ Statement: stmt({ Resource: undefined, NotResource: pathological(40) }) }).message).toMatch(/^Statement\[0\]: NotResource "arn:\*\?.*" has 40 \* wildcards; at most 16 are allowed in one NotResource$/);
    const action = `wickr:${'*a'.repeat(17)}`;
    expect(parseError({ Statement: stmt({ Action: action }) }).message).toBe(`Statement[0]: Action "${action}" has 17 * wildcards; at most 16 are allowed in one Action`);
    expect(parseError({ Statement: stmt({ Action: undefined, NotAction: ['iam:*', action] }) }).message).toMatch(/NotAction ".*" has 17 \* wildcards/);
  });

  it('counts * only: ? matches exactly one character and costs nothing', () => {
    const resource = `arn:aws:wickr:*:${'?'.repeat(12)}:network/${'?'.repeat(30)}`;
    expect(parsePolicy(json({ Statement: stmt({ Resource: resource }) })).statements[0]!.resources).toEqual([resource]);
  });

  it('is not applied again to a stored document read for evaluation (it may predate the limit)', () => {
    const text = json({ Statement: stmt({ Resource: pathological(40) }) });
    expect(() => parsePolicy(text)).toThrow(PolicyError);
    expect(parsePolicy(text, { stored: true }).statements[0]!.resources).toEqual([pathological(40)]);
  });
});

describe('unknownActions', () => {
  const known = knownActions();

  it('knows every admin operation, the console actions and every /iam action', () => {
    expect(known).toContain('wickr:ListNetworks');
    expect(known).toContain('wickr:TagResource');
    expect(known).toContain('wickr:CreateAdminSession');
    expect(known).toContain('wickr:UpdateNetworkDetails');
    expect(known).toContain('iam:CreateUser');
    expect(known).toContain('iam:ValidatePolicy');
  });

  it('reports exact names that are not known (case-insensitively) and patterns that match nothing', () => {
    const doc = parsePolicy(
      json({
        Statement: [
          { Effect: 'Allow', Action: ['wickr:listnetworks', 'wickr:ListNetwork', 'wickr:Get*', 'ec2:*', '*'], Resource: '*' },
          { Effect: 'Deny', NotAction: ['iam:Create?ser', 'iam:Nope?'], Resource: '*' },
        ],
      }),
    );
    expect(unknownActions(doc, known)).toEqual(['wickr:ListNetwork', 'ec2:*', 'iam:Nope?']);
  });
});

describe("the guide's example policies parse", () => {
  it('AWSWickrFullAccess', () => {
    const doc = parsePolicy(WICKR_FULL_ACCESS_DOCUMENT);
    expect(doc.statements).toEqual([{ effect: 'Allow', actions: ['wickr:*'], resources: ['*'] }]);
    expect(unknownActions(doc, knownActions())).toEqual([]);
  });

  it('CreateAdminSession + ListNetworks, the read-only API example and view-own-permissions, without warnings', () => {
    const docs = [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['wickr:CreateAdminSession', 'wickr:ListNetworks'], Resource: '*' }] },
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WickrAPIReadOnlyAccess',
            Effect: 'Allow',
            Action: ['wickr:ListNetworks', 'wickr:ListUsers', 'wickr:GetNetworkSettings', 'wickr:GetNetwork', 'wickr:GetUser', 'wickr:ListTagsForResource'],
            Resource: '*',
          },
        ],
      },
      {
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
      },
    ];
    for (const d of docs) {
      const doc = parsePolicy(json(d));
      expect(doc.statements.length).toBe(d.Statement.length);
      expect(unknownActions(doc, knownActions())).toEqual([]);
    }
  });
});
