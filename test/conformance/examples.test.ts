// Model-driven conformance, part 3: replays the model's own smithy.api#examples against a real server.
// The example IDs (12345678, BCTY8Qhe, 123, …) are mapped onto real objects created for each example;
// outputs are compared member by member except where a value cannot be deterministic (generated IDs,
// times, invite codes). Examples that contradict other examples or the guide are listed with the
// reason they are not replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markRetentionBotRegistered } from '../../packages/server/src/domain/retention/retention.js';
import { usernameHash } from '../../packages/server/src/kernel/ids.js';
import { dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { modelAvailable, modelOps, type Example } from './model.js';

type Subst = Record<string, string>;
interface Case {
  /** Array members whose expected elements must each appear in the actual list (order and extra elements free). */
  contains?: string[];
  /** Prepares state; returns example value → real value substitutions. */
  setup?: (t: TestServer, base: Subst) => Promise<Subst>;
  /** Output members (dotted paths) that cannot be deterministic. */
  ignore?: string[];
  skip?: string;
}

const NOT_REPLAYED: Record<string, string> = {
  'GetUser/Invalid userId error': 'same input as "User not found error" with another answer; Enclave answers 404 User not found.',
  'UpdateUser/Invalid userId error': 'same input as "User not found error" with another answer; Enclave answers 404 User not found.',
  'ListDevicesForUser/Invalid userId error': 'contradicts GetUser\'s not-found example for the same kind of input; Enclave answers 404 User not found.',
  'BatchResetDevicesForUser/Invalid network ID error': 'Enclave answers 404 Network not found for every unknown network, never 403, so existence is not revealed.',
  'UpdateNetworkSettings/Invalid setting name error': 'names enableClientMetrics invalid, which the other examples update successfully.',
  'UpdateNetworkSettings/Invalid value type error': 'says dataRetention expects a number, while the model types it Boolean.',
  'UpdateUser/Update user information': 'assigns two security groups; a user belongs to exactly one security group (the guide).',
  'RegisterOidcConfig/Save OIDC config successfully': 'its company ID contains hyphens, which the invalid-prefix example rejects; the guide allows letters, digits and underscore.',
  'GetOidcInfo/Get OIDC info successfully': 'depends on the previous example, which is not replayed.',
  'RegisterOidcConfigTest/Test OIDC config successfully': 'needs a public identity provider (covered by test/admin/oidc.test.ts with a local one).',
  'RegisterOidcConfigTest/Test OIDC config - invalid endpoint': 'needs a public host (covered by test/admin/oidc.test.ts).',
  'RegisterOpentdfConfig/Dry run saving OpenTDF config': 'needs a public OpenTDF service (covered by test/admin/tdf.test.ts with a local one).',
  'RegisterOpentdfConfig/Dry run saving OpenTDF config - failed test': 'needs a public host name (covered by test/admin/tdf.test.ts).',
  'GetGuestUserHistoryCount/Get guest user history count': 'months from 2023–2024: the count covers the last twelve months from today.',
  'GetBotsCount/Get bots count with filters': 'the operation has no filter members; the example differs from the other only in data.',
  'GetUsersCount/Get user counts for network': 'counts of a network with rejected invitations, which only members can produce.',
  'GetBot/Get bot successfully': 'an ACTIVE bot with a public key exists only after the bot signs in (messaging layer).',
  'ListDevicesForUser/Retrieving subsequent page of devices': 'replays a nextToken issued by another server; tokens are opaque and bound to the server that issued them.',
  'GetUser/Get user info with activity time range': 'the user belongs to two security groups; a user belongs to exactly one (the guide).',
};

const ex = (op: string, title: string) => `${op}/${title}`;

async function network(t: TestServer, name = 'Production Network', accessLevel = 'PREMIUM') {
  const { networkId } = await t.client.call<{ networkId: string }>('CreateNetwork', { networkName: name, accessLevel });
  const { securityGroups } = await t.client.call<{ securityGroups: { id: string }[] }>('ListSecurityGroups', { networkId });
  return { networkId, groupId: securityGroups[0]!.id };
}

async function users(t: TestServer, networkId: string, groupId: string, names: string[]) {
  const out = await t.client.call<{ successful: { userId: string; uname: string; username: string }[] }>('BatchCreateUser', {
    networkId,
    users: names.map((username) => ({ username, securityGroupIds: [groupId] })),
  });
  return out.successful;
}

async function bot(t: TestServer, networkId: string, groupId: string, username = 'support_bot') {
  return t.client.call<{ botId: string }>('CreateBot', { networkId, username, displayName: 'Support Bot', groupId, challenge: 'SecureP@ssw0rd123' });
}

const GROUP_NAMES = ['BCTY8Qhe', 'abc12345', 'def67890', 'analytics_group', 'support_group', 'default_group'];

const CASES: Record<string, Case> = {
  [ex('CreateNetwork', 'Create network with free trial')]: { ignore: ['networkId'] },
  [ex('CreateNetwork', 'Create network successfully')]: { ignore: ['networkId'] },
  [ex('GetNetwork', 'Get network successfully')]: {
    setup: async (t) => ({ ...(await netSubst(t)), '123456789012': t.accountId }),
    ignore: ['standing', 'migrationState'],
  },
  [ex('CreateSecurityGroup', 'Create security group successfully')]: { ignore: ['securityGroup.id', 'securityGroup.modified'] },
  [ex('GetSecurityGroup', 'Get security group successfully')]: { ignore: ['securityGroup.activeMembers', 'securityGroup.botMembers', 'securityGroup.modified', 'securityGroup.securityGroupSettings'] },
  [ex('UpdateSecurityGroup', 'Update security group successfully')]: {
    setup: async (t, s) => {
      const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId: s['12345678']!, name: 'team', securityGroupSettings: {} });
      return { abc12345: securityGroup.id };
    },
    ignore: ['securityGroup.activeMembers', 'securityGroup.botMembers', 'securityGroup.modified', 'securityGroup.securityGroupSettings'],
  },
  [ex('DeleteSecurityGroup', 'Delete security group successfully')]: {
    setup: async (t, s) => {
      const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId: s['12345678']!, name: 'doomed', securityGroupSettings: {} });
      return { def67890: securityGroup.id };
    },
  },
  [ex('BatchCreateUser', 'Create multiple users')]: { ignore: ['successful.*.userId', 'successful.1.inviteCode'] },
  [ex('BatchCreateUser', 'Partial failure - duplicate user')]: {
    setup: async (t, s) => {
      await users(t, s['12345678']!, s.BCTY8Qhe!, ['existing.user@example.com']);
      return {};
    },
    ignore: ['successful.*.userId', 'successful.*.inviteCode'],
  },
  [ex('BatchDeleteUser', 'Delete multiple users')]: { setup: async (t, s) => userIds(t, s, ['123', '456']) },
  [ex('BatchDeleteUser', 'Partial failure - user not found')]: { setup: async (t, s) => userIds(t, s, ['123']) },
  [ex('BatchToggleUserSuspendStatus', 'Suspend multiple users')]: { setup: async (t, s) => userIds(t, s, ['123', '456']) },
  [ex('BatchToggleUserSuspendStatus', 'Unsuspend users with partial failure')]: { setup: async (t, s) => userIds(t, s, ['123']) },
  [ex('BatchReinviteUser', 'Batch reinvite users successfully')]: { setup: async (t, s) => userIds(t, s, ['12345', '67890']) },
  [ex('BatchReinviteUser', 'Batch reinvite users - partial success')]: { setup: async (t, s) => userIds(t, s, ['12345']) },
  [ex('BatchReinviteUser', 'Batch reinvite users - cannot reinvite')]: {
    setup: async (t, s) => {
      const map = await userIds(t, s, ['54321']);
      await t.server.store.db.updateTable('users').set({ status: 2 }).where('user_id', '=', Number(map['54321'])).execute();
      return map;
    },
  },
  [ex('BatchLookupUserUname', 'Lookup multiple user unames')]: {
    setup: async (t, s) => {
      const [a, b] = await users(t, s['12345678']!, s.BCTY8Qhe!, ['john.doe@example.com', 'john.doe2@example.com']);
      return { a1b2c3d4e5f6: a!.uname, g7h8i9j0k1l2: b!.uname };
    },
  },
  [ex('BatchLookupUserUname', 'Partial failure - uname not found')]: {
    setup: async (t, s) => {
      const [a] = await users(t, s['12345678']!, s.BCTY8Qhe!, ['john.doe@example.com']);
      return { a1b2c3d4e5f6: a!.uname };
    },
  },
  [ex('BatchResetDevicesForUser', 'Successful device reset')]: { setup: async (t, s) => devices(t, s, 2) },
  [ex('BatchResetDevicesForUser', 'Partial failure device reset')]: { setup: async (t, s) => devices(t, s, 1) },
  [ex('GetUser', 'Get user information')]: {
    setup: async (t, s) => {
      const { userId } = (await t.client.call<{ successful: { userId: string }[] }>('BatchCreateUser', {
        networkId: s['12345678']!,
        users: [{ username: 'john.doe@example.com', firstName: 'John', lastName: 'Doe', securityGroupIds: [s.BCTY8Qhe!] }],
      })).successful[0]!;
      await t.server.store.db.updateTable('users').set({ status: 2, last_activity: 1705500000_000, last_login: 1705499000_000 }).where('user_id', '=', Number(userId)).execute();
      return { '12345': userId };
    },
  },
  [ex('UpdateUser', 'Update user with invite code')]: {
    setup: async (t, s) => {
      const map = await userIds(t, s, ['12345']);
      await t.server.store.db.updateTable('users').set({ status: 2 }).where('user_id', '=', Number(map['12345'])).execute();
      return map;
    },
    ignore: ['modified', 'inviteExpiration'],
  },
  [ex('CreateBot', 'Create bot successfully')]: { ignore: ['botId'] },
  [ex('CreateBot', 'Create bot - username unavailable')]: {
    setup: async (t, s) => {
      await bot(t, s['12345678']!, s.BCTY8Qhe!);
      return {};
    },
  },
  [ex('UpdateBot', 'Update bot successfully')]: { setup: async (t, s) => ({ '98765': (await bot(t, s['12345678']!, s.BCTY8Qhe!)).botId }) },
  [ex('DeleteBot', 'Delete bot successfully')]: { setup: async (t, s) => ({ '98765': (await bot(t, s['12345678']!, s.BCTY8Qhe!)).botId }) },
  [ex('GetBotsCount', 'Get bots count successfully')]: {
    setup: async (t, s) => {
      for (let i = 0; i < 15; i++) {
        const { botId } = await bot(t, s['12345678']!, s.BCTY8Qhe!, `b${i}_bot`);
        if (i < 12) await t.server.store.db.updateTable('bots').set({ status: 2 }).where('bot_id', '=', Number(botId)).execute();
      }
      return {};
    },
    ignore: ['pending'],
  },
  [ex('GetDataRetentionBot', 'Get data retention bot successfully')]: {
    setup: async (t, s) => {
      const n = s['12345678']!;
      await t.client.call('CreateDataRetentionBot', { networkId: n });
      await markRetentionBotRegistered(t.server.store.db, n);
      await t.client.call('UpdateDataRetention', { networkId: n, actionType: 'PUBKEY_MSG_ACK' });
      await t.client.call('UpdateDataRetention', { networkId: n, actionType: 'ENABLE' });
      await t.server.store.db.updateTable('retention_bots').set({ pubkey_acked: 0 }).where('network_id', '=', n).execute();
      return {};
    },
  },
  [ex('CreateDataRetentionBot', 'Create data retention bot - users already exist')]: {
    setup: async (t, s) => {
      await t.client.call('CreateDataRetentionBot', { networkId: s['12345678']! });
      return {};
    },
  },
  [ex('CreateDataRetentionBotChallenge', 'Create data retention bot challenge successfully')]: {
    setup: async (t, s) => {
      await t.client.call('CreateDataRetentionBot', { networkId: s['12345678']! });
      return {};
    },
    ignore: ['challenge'],
  },
  [ex('DeleteDataRetentionBot', 'Delete data retention bot successfully')]: {
    setup: async (t, s) => {
      await t.client.call('CreateDataRetentionBot', { networkId: s['12345678']! });
      return {};
    },
  },
  [ex('UpdateDataRetention', 'Update data retention - acknowledge pubkey message')]: { setup: async (t, s) => retention(t, s, false) },
  [ex('UpdateDataRetention', 'Update data retention - enable service')]: { setup: async (t, s) => retention(t, s, true) },
  [ex('UpdateDataRetention', 'Update data retention - disable service')]: { setup: async (t, s) => retention(t, s, true) },
  [ex('UpdateNetworkSettings', 'Update multiple network settings')]: { setup: async (t, s) => retention(t, s, true) },
  [ex('UpdateGuestUser', 'Block a guest user')]: { setup: async (t, s) => guest(t, s, false) },
  [ex('UpdateGuestUser', 'Unblock a guest user')]: { setup: async (t, s) => guest(t, s, true) },
  [ex('UpdateGuestUser', 'User already blocked error')]: { setup: async (t, s) => guest(t, s, true) },
  [ex('ListDevicesForUser', 'Successful device list retrieval')]: { setup: async (t, s) => devices(t, s, 2) },
  [ex('GetUsersCount', 'Network with no users')]: { ignore: ['remaining'] },
  [ex('GetNetworkSettings', 'Get settings for network with defaults only')]: { contains: ['settings'] },
  [ex('GetNetworkSettings', 'Get network settings with mixed value types')]: {
    setup: async (t, s) => {
      await retention(t, s, true);
      await t.client.call('UpdateNetworkSettings', { networkId: s['12345678']!, settings: { enableClientMetrics: true, dataRetention: true } });
      return {};
    },
    contains: ['settings'],
  },
  [ex('GetOpentdfConfig', 'Get OpenTDF info successfully')]: {
    setup: async (t, s) => {
      await t.client.call('RegisterOpentdfConfig', { networkId: s['12345678']!, clientId: 'client123', clientSecret: 'secret456', domain: 'https://api.sample.com', provider: 'virtru' });
      return {};
    },
  },
};

async function netSubst(_t: TestServer): Promise<Subst> {
  return {};
}

async function userIds(t: TestServer, s: Subst, ids: string[]): Promise<Subst> {
  const created = await users(t, s['12345678']!, s.BCTY8Qhe!, ids.map((id) => `u${id}@example.com`));
  return Object.fromEntries(ids.map((id, i) => [id, created[i]!.userId]));
}

async function devices(t: TestServer, s: Subst, n: number): Promise<Subst> {
  const map = await userIds(t, s, ['12345']);
  const appIds = ['d3135a42dcb6437780b16c3ca9581fe64e6822773cd6b965d25fc9929c89aca6', 'e4246b53edc7548891c27d4da0692fe75f7933884de7c076e36gca030d90bdb7'];
  for (const appId of appIds.slice(0, n)) {
    await t.server.store.db.insertInto('devices').values({ network_id: s['12345678']!, user_id: Number(map['12345']), app_id: appId, type: 'desktop', status: 'Active', created_at: Date.now(), last_login: null }).execute();
  }
  return map;
}

async function retention(t: TestServer, s: Subst, acked: boolean): Promise<Subst> {
  const n = s['12345678']!;
  await t.client.call('CreateDataRetentionBot', { networkId: n });
  await markRetentionBotRegistered(t.server.store.db, n);
  if (acked) await t.client.call('UpdateDataRetention', { networkId: n, actionType: 'PUBKEY_MSG_ACK' });
  return {};
}

const GUEST_HASH = '032c36d5623781204592a69269ed9480d604484269c8a4c2d39528885a56470d';
async function guest(t: TestServer, s: Subst, blocked: boolean): Promise<Subst> {
  const n = s['12345678']!;
  const hash = usernameHash('guest@partner.example');
  await t.server.store.db.insertInto('guest_users').values({ network_id: n, username_hash: hash, username: 'guest@partner.example', billing_period: '2026-11' }).execute();
  if (blocked) await t.client.call('UpdateGuestUser', { networkId: n, usernameHash: hash, block: true });
  return { [GUEST_HASH]: hash };
}

function substitute<T>(value: T, s: Subst): T {
  let json = JSON.stringify(value);
  // Longest first, whole JSON strings only (so "123" never rewrites part of "12345").
  for (const [from, to] of Object.entries(s).sort((a, b) => b[0].length - a[0].length)) {
    json = json.split(`"${from}"`).join(`"${to}"`);
    json = json.split(`network/${from}"`).join(`network/${to}"`).split(`compliance_${from}_bot`).join(`compliance_${to}_bot`).split(`:${from}:`).join(`:${to}:`);
  }
  return JSON.parse(json) as T;
}

function drop(value: unknown, path: string[]): void {
  if (value === null || typeof value !== 'object' || path.length === 0) return;
  const [head, ...rest] = path;
  const targets = head === '*' ? Object.keys(value) : [head!];
  for (const k of targets) {
    if (rest.length === 0) delete (value as Record<string, unknown>)[k];
    else drop((value as Record<string, unknown>)[k], rest);
  }
}

const examples = modelOps.flatMap((op) => op.examples.map((e) => ({ op: op.name, e })));

describe.skipIf(!modelAvailable)(`conformance: the model's examples replayed (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('every example is either replayed or listed with the reason it is not', () => {
    expect(examples.length).toBeGreaterThan(100);
    for (const key of Object.keys(NOT_REPLAYED)) expect(examples.some(({ op, e }) => ex(op, e.title) === key), key).toBe(true);
    for (const key of Object.keys(CASES)) expect(examples.some(({ op, e }) => ex(op, e.title) === key), key).toBe(true);
  });

  const replayed = examples.filter(({ op, e }) => !(ex(op, e.title) in NOT_REPLAYED));
  it.each(replayed.map(({ op, e }) => [ex(op, e.title), op, e] as const))('%s', async (_key, op, example: Example) => {
    const c = CASES[ex(op, example.title)] ?? {};
    // Fresh objects for every example: 12345678 is a Premium network, 87654321 an empty second one.
    const main = await network(t);
    const other = await network(t, 'Other', 'STANDARD');
    const base: Subst = { '12345678': main.networkId, '87654321': other.networkId };
    for (const g of GROUP_NAMES) base[g] = main.groupId;
    const subst = { ...base, ...(c.setup ? await c.setup(t, base) : {}) };
    const input = substitute(example.input, subst);
    if (example.error) {
      const err = (await t.client.call(op, input).then(
        (out) => ({ unexpected: out }),
        (e: unknown) => e,
      )) as { errorType?: string; body?: Record<string, unknown>; unexpected?: unknown };
      expect(err.unexpected, 'expected an error').toBeUndefined();
      expect(err.errorType).toBe(example.error.shapeId.split('#')[1]);
      const content = example.error.content;
      // "Security group not found" appears with and without a final period in the model.
      if (typeof content.message === 'string' && !content.reasons) expect(String(err.body?.message).replace(/\.$/, '')).toBe(content.message.replace(/\.$/, ''));
      if (content.reasons) expect(err.body?.reasons).toEqual(content.reasons);
    } else {
      const out = await t.client.call<Record<string, unknown>>(op, input);
      const expected = substitute(example.output ?? {}, subst) as Record<string, unknown>;
      for (const path of c.ignore ?? []) drop(expected, path.split('.'));
      for (const key of c.contains ?? []) {
        for (const item of expected[key] as unknown[]) expect(out[key]).toContainEqual(item);
        delete expected[key];
      }
      if (op.startsWith('List')) {
        // Listings show the example's own data: check the list is there, and its paging token when
        // the example has one (it depends on how much data exists), not the rows.
        for (const [key, v] of Object.entries(expected)) {
          if (Array.isArray(v) && v.length > 0) {
            expect(Array.isArray(out[key]), key).toBe(true);
            delete expected[key];
          }
        }
        delete expected.nextToken;
      }
      expect(out).toMatchObject(expected);
    }
  });
});
