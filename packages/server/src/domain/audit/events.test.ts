import { describe, expect, it } from 'vitest';
import { shapes } from '@enclave/admin-api';
import { buildEvent, isSecretName, isoSeconds, redact, redactByName, type BuildEventInput } from './events.js';

const ACCOUNT = '123456789012';
const at = (iso: string) => Date.parse(iso);

/** The guide's records (了解 Wickr 日誌檔案項目): an assumed role in a console session. */
function guideInput(over: Partial<BuildEventInput> = {}): BuildEventInput {
  return {
    account: ACCOUNT,
    region: 'us-east-1',
    eventName: 'CreateNetwork',
    readOnly: false,
    eventTime: at('2023-03-10T07:54:09.734Z'),
    requestId: 'b83c0b6e-73ae-45b6-8c85-9910f64d33a1',
    eventId: '551277bb-87e0-4e66-b2a0-3cc1eff303f3',
    sourceIp: '198.51.100.7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    identity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:admin',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/WickrAdmin/admin`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLE',
      session: {
        creationDate: at('2023-03-10T07:53:17.100Z'),
        mfaAuthenticated: false,
        issuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/WickrAdmin`, accountId: ACCOUNT, userName: 'WickrAdmin' },
      },
    },
    operationInput: { shape: 'CreateNetworkRequest', value: { networkName: 'BOT_Network', accessLevel: 'PREMIUM' } },
    responseElements: { networkId: '56019692', networkName: 'BOT_Network' },
    outputShape: 'CreateNetworkResponse',
    ...over,
  };
}

const GUIDE_KEYS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'responseElements',
  'requestID',
  'eventID',
  'readOnly',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

describe('buildEvent', () => {
  it("lays a record out as the guide's CreateNetwork example, field for field", () => {
    const r = buildEvent(guideInput());
    expect(Object.keys(r)).toEqual(GUIDE_KEYS);
    expect(Object.keys(r.userIdentity)).toEqual(['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'sessionContext']);
    expect(Object.keys(r.userIdentity.sessionContext!)).toEqual(['sessionIssuer', 'webIdFederationData', 'attributes']);
    expect(r).toMatchObject({
      eventVersion: '1.08',
      eventTime: '2023-03-10T07:54:09Z',
      eventSource: 'wickr.amazonaws.com',
      eventName: 'CreateNetwork',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      requestParameters: { networkName: 'BOT_Network', accessLevel: 'PREMIUM' },
      responseElements: { networkId: '56019692', networkName: 'BOT_Network' },
      requestID: 'b83c0b6e-73ae-45b6-8c85-9910f64d33a1',
      eventID: '551277bb-87e0-4e66-b2a0-3cc1eff303f3',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    });
    expect(r.userIdentity.sessionContext).toEqual({
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/WickrAdmin`, accountId: ACCOUNT, userName: 'WickrAdmin' },
      webIdFederationData: {},
      attributes: { creationDate: '2023-03-10T07:53:17Z', mfaAuthenticated: 'false' },
    });
    // The record survives JSON unchanged (what the store and the log files hold).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('gives a root key call no session context and an IAM user its userName; event IDs are UUIDs', () => {
    const root = buildEvent(
      guideInput({ identity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'AKIAROOT' }, eventId: undefined }),
    );
    expect(Object.keys(root.userIdentity)).toEqual(['type', 'principalId', 'arn', 'accountId', 'accessKeyId']);
    expect(root.eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const user = buildEvent(
      guideInput({
        identity: {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLE',
          arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          accountId: ACCOUNT,
          accessKeyId: 'ASIACONSOLE',
          userName: 'alice',
          session: { creationDate: at('2024-01-02T03:04:05Z'), mfaAuthenticated: true },
        },
      }),
    );
    expect(Object.keys(user.userIdentity)).toEqual(['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName', 'sessionContext']);
    expect(user.userIdentity.sessionContext).toEqual({
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: '2024-01-02T03:04:05Z', mfaAuthenticated: 'true' },
    });
  });

  it('logs no response for read-only calls and null parameters when none were given (the ListNetworks example)', () => {
    const r = buildEvent(
      guideInput({ eventName: 'ListNetworks', readOnly: true, operationInput: { shape: 'ListNetworksRequest', value: {} }, responseElements: { networks: [] }, outputShape: 'ListNetworksResponse' }),
    );
    expect(r.requestParameters).toBeNull();
    expect(r.responseElements).toBeNull();
    expect(r.readOnly).toBe(true);
  });

  it('puts errorCode and errorMessage after userAgent and no response for a failed call', () => {
    const r = buildEvent(
      guideInput({
        eventName: 'ListTagsForResource',
        operationInput: { shape: 'ListTagsForResourceRequest', value: { resourceArn: `arn:aws:wickr:us-east-1:${ACCOUNT}:network/12345678` } },
        errorCode: 'ForbiddenError',
        errorMessage: 'User: x is not authorized to perform: wickr:ListTagsForResource',
      }),
    );
    expect(Object.keys(r)).toEqual([...GUIDE_KEYS.slice(0, 8), 'errorCode', 'errorMessage', ...GUIDE_KEYS.slice(8)]);
    expect(r.errorCode).toBe('ForbiddenError');
    expect(r.responseElements).toBeNull();
    // The tagging operations log their URI label as the guide shows it.
    expect(r.requestParameters).toEqual({ 'resource-arn': `arn:aws:wickr:us-east-1:${ACCOUNT}:network/12345678` });
  });

  it('logs TagResource parameters as the guide: resource-arn and the tags', () => {
    const r = buildEvent(
      guideInput({
        eventName: 'TagResource',
        operationInput: { shape: 'TagResourceRequest', value: { resourceArn: 'arn:x', tags: { 'some-existing-key-3': 'value 1' } } },
        responseElements: {},
        outputShape: 'TagResourceResponse',
      }),
    );
    expect(r.requestParameters).toEqual({ 'resource-arn': 'arn:x', tags: { 'some-existing-key-3': 'value 1' } });
    expect(r.responseElements).toBeNull();
  });

  it('formats times as ISO 8601 UTC to the second', () => {
    expect(isoSeconds(at('2023-03-10T08:19:24.999Z'))).toBe('2023-03-10T08:19:24Z');
    expect(isoSeconds(0)).toBe('1970-01-01T00:00:00Z');
  });
});

describe('redaction', () => {
  it('replaces sensitive members in nested lists of structures (BatchCreateUser users)', () => {
    const input = {
      networkId: '12345678',
      users: [
        { username: 'a@example.com', firstName: 'Ann', lastName: 'Lee', securityGroupIds: ['g1'], inviteCode: 'x' },
        { username: 'b@example.com', firstName: 'Bo', securityGroupIds: ['g2'] },
      ],
    };
    const copy = structuredClone(input);
    expect(redact('BatchCreateUserRequest', input)).toEqual({
      networkId: '12345678',
      users: [
        { username: 'a@example.com', firstName: '****', lastName: '****', securityGroupIds: ['g1'], inviteCode: 'x' },
        { username: 'b@example.com', firstName: '****', securityGroupIds: ['g2'] },
      ],
    });
    expect(input).toEqual(copy);
  });

  it('replaces sensitive members of outputs, also inside nested structures', () => {
    expect(redact('CreateDataRetentionBotChallengeResponse', { challenge: 'abc' })).toEqual({ challenge: '****' });
    expect(redact('RegisterOidcConfigRequest', { networkId: '1', companyId: 'c', issuer: 'https://idp', scopes: 'openid', secret: 's3cr3t' })).toEqual({
      networkId: '1',
      companyId: 'c',
      issuer: 'https://idp',
      scopes: 'openid',
      secret: '****',
    });
    const out = redact('GetOidcInfoResponse', {
      openidConnectInfo: { clientSecret: 'cs', secret: 's', issuer: 'https://idp', clientId: 'id' },
      tokenInfo: { codeVerifier: 'v', codeChallenge: 'c', accessToken: 'a', idToken: 'i', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 3600 },
    });
    expect(out).toEqual({
      openidConnectInfo: { clientSecret: '****', secret: '****', issuer: 'https://idp', clientId: 'id' },
      // Not sensitive in the model, but secrets by name.
      tokenInfo: { codeVerifier: '****', codeChallenge: '****', accessToken: '****', idToken: '****', refreshToken: '****', tokenType: 'Bearer', expiresIn: 3600 },
    });
  });

  it('walks map values and lists of lists by their shapes', () => {
    Object.assign(shapes, {
      AuditTestSecretMap: { type: 'map', key: 'GenericString', value: 'SensitiveString' },
      AuditTestSecretLists: { type: 'list', member: 'AuditTestSecretList' },
      AuditTestSecretList: { type: 'list', member: 'SensitiveString' },
      AuditTestRequest: {
        type: 'structure',
        members: { byKey: { target: 'AuditTestSecretMap' }, grid: { target: 'AuditTestSecretLists' }, plain: { target: 'GenericString' } },
      },
    });
    expect(redact('AuditTestRequest', { byKey: { a: 'x', b: 'y' }, grid: [['p', 'q'], []], plain: 'ok', extra: { password: 'pw', note: 'n' } })).toEqual({
      byKey: { a: '****', b: '****' },
      grid: [['****', '****'], []],
      plain: 'ok',
      // A member the shape does not know: the name rule still applies inside it.
      extra: { password: '****', note: 'n' },
    });
  });

  it('always redacts secret names, even without a model shape, but keeps paging and idempotency tokens and flags', () => {
    expect(
      redactByName({
        password: 'p',
        Password: 'p',
        newPassword: 'p',
        mfa_secret: 's',
        secretAccessKey: 's',
        SecretAccessKey: 's',
        clientSecret: 's',
        challenge: 'c',
        token: 't',
        sessionToken: 't',
        nextToken: 'n',
        clientToken: 'c',
        hasChallenge: true,
        tokenType: 'Bearer',
        secretary: 'Sam',
        nested: [{ deeper: { password: { any: 'thing' } } }],
      }),
    ).toEqual({
      password: '****',
      Password: '****',
      newPassword: '****',
      mfa_secret: '****',
      secretAccessKey: '****',
      SecretAccessKey: '****',
      clientSecret: '****',
      challenge: '****',
      token: '****',
      sessionToken: '****',
      nextToken: 'n',
      clientToken: 'c',
      hasChallenge: true,
      tokenType: 'Bearer',
      secretary: 'Sam',
      nested: [{ deeper: { password: '****' } }],
    });
    expect(isSecretName('passwordPolicy')).toBe(false);
    expect(redact('NoSuchShape', { password: 'x', a: 1 })).toEqual({ password: '****', a: 1 });
  });

  it('redacts request parameters and response elements of records', () => {
    const r = buildEvent(
      guideInput({
        eventName: 'UpdateUser',
        operationInput: { shape: 'UpdateUserRequest', value: { networkId: '12345678', userId: 'u1', userDetails: { firstName: 'Ann', lastName: 'Lee', username: 'ann@example.com' } } },
        responseElements: { userId: 'u1', networkId: '12345678', firstName: 'Ann', lastName: 'Lee', middleName: 'x' },
        outputShape: 'UpdateUserResponse',
      }),
    );
    expect(r.requestParameters).toEqual({ networkId: '12345678', userId: 'u1', userDetails: { firstName: '****', lastName: '****', username: 'ann@example.com' } });
    expect(r.responseElements).toEqual({ userId: 'u1', networkId: '12345678', firstName: '****', lastName: '****', middleName: 'x' });
    const bot = buildEvent(
      guideInput({
        eventName: 'CreateBot',
        operationInput: { shape: 'CreateBotRequest', value: { networkId: '1', username: 'bot', groupId: 'g', challenge: 'hunter2' } },
        responseElements: undefined,
      }),
    );
    expect(bot.requestParameters).toMatchObject({ challenge: '****' });
    expect(JSON.stringify(bot)).not.toContain('hunter2');
    const free = buildEvent(guideInput({ operationInput: undefined, requestParameters: { userName: 'bob', password: 'pw' }, outputShape: undefined, responseElements: { secretAccessKey: 'sk', accessKeyId: 'AKIA' } }));
    expect(free.requestParameters).toEqual({ userName: 'bob', password: '****' });
    expect(free.responseElements).toEqual({ secretAccessKey: '****', accessKeyId: 'AKIA' });
  });
});
