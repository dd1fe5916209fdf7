import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, expectApiError, snapshot, startTestServer, type TestServer } from '../helpers/harness.js';
import { userRow } from '../helpers/rows.js';

interface SecurityGroupOut {
  id: string;
  name: string;
  isDefault: boolean;
  activeMembers: number;
  botMembers: number;
  modified: number;
  securityGroupSettings: Record<string, unknown> & {
    calling: Record<string, boolean>;
    passwordRequirements: Record<string, number>;
    shredder: Record<string, unknown>;
  };
}

const FILE_PLAN_ERROR = 'File download control (enableFileDownload, maxAutoDownloadSize) requires the Premium plan or the Premium free trial.';

describe(`security groups (${dialectName})`, () => {
  let t: TestServer;
  /** Server clock offset, to make `modified` move between requests (well inside the SigV4 skew). */
  let clockOffset = 0;
  let networkId: string;
  let defaultGroupId: string;
  let seq = 7000;

  beforeAll(async () => {
    t = await startTestServer({ now: () => Date.now() + clockOffset });
    ({ networkId, defaultGroupId } = await createNetwork(t.client, 'Groups', 'PREMIUM'));
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.server.store.db;
  let nameSeq = 0;
  const uniqueName = (prefix: string) => `${prefix} ${++nameSeq}`;

  async function createGroup(settings: Record<string, unknown> = {}, name = uniqueName('group'), net = networkId) {
    return (await t.client.call<{ securityGroup: SecurityGroupOut }>('CreateSecurityGroup', { networkId: net, name, securityGroupSettings: settings })).securityGroup;
  }
  const getGroup = async (groupId: string, net = networkId) =>
    (await t.client.call<{ securityGroup: SecurityGroupOut }>('GetSecurityGroup', { networkId: net, groupId })).securityGroup;
  const updateGroup = async (groupId: string, input: Record<string, unknown>, net = networkId) =>
    (await t.client.call<{ securityGroup: SecurityGroupOut }>('UpdateSecurityGroup', { networkId: net, groupId, ...input })).securityGroup;
  const listGroups = async (net = networkId) =>
    (await t.client.call<{ securityGroups: SecurityGroupOut[] }>('ListSecurityGroups', { networkId: net, maxResults: 100 })).securityGroups;

  /** Expects the call to fail with a ValidationError and the database to be exactly as before; returns the reasons. */
  async function rejectedWithValidation(call: () => Promise<unknown>) {
    const before = await snapshot(t);
    const err = await expectApiError(call(), 'ValidationError', 422);
    expect(await snapshot(t)).toBe(before);
    return err.body.reasons ?? [];
  }
  async function rejectedWith(call: () => Promise<unknown>, errorType: string, status: number) {
    const before = await snapshot(t);
    const err = await expectApiError(call(), errorType, status);
    expect(await snapshot(t)).toBe(before);
    return err.body;
  }

  /** Users and bots are created by other modules; tests insert rows with every NOT NULL column. */
  async function insertUser(groupId: string, status = 2, net = networkId) {
    const userId = seq++;
    const username = `user${userId}@example.com`;
    await db()
      .insertInto('users')
      .values(userRow({ network_id: net, user_id: userId, username, status, security_group_id: groupId }))
      .execute();
    return userId;
  }
  async function insertBot(groupId: string, net = networkId) {
    const botId = seq++;
    await db()
      .insertInto('bots')
      .values({
        network_id: net,
        bot_id: botId,
        username: `bot${botId}bot`,
        display_name: `Bot ${botId}`,
        uname: `botuname${botId}`,
        pubkey: '',
        status: 1,
        group_id: groupId,
        challenge_hash: 'x',
        suspended: 0,
        created_at: Date.now(),
        last_login: null,
      })
      .execute();
    return botId;
  }
  const userGroup = async (userId: number, net = networkId) =>
    (await db().selectFrom('users').select('security_group_id').where('network_id', '=', net).where('user_id', '=', userId).executeTakeFirstOrThrow()).security_group_id;
  const botGroup = async (botId: number, net = networkId) =>
    (await db().selectFrom('bots').select('group_id').where('network_id', '=', net).where('bot_id', '=', botId).executeTakeFirstOrThrow()).group_id;

  describe('CreateSecurityGroup', () => {
    it('creates a group as in the model example, with the defaults for everything not given', async () => {
      const before = Math.floor(Date.now() / 1000);
      const group = await createGroup({ federationMode: 1, lockoutThreshold: 10 }, 'engineering');
      expect(group).toMatchObject({ name: 'engineering', isDefault: false, activeMembers: 0, botMembers: 0 });
      expect(group.id).toMatch(/^\S+$/);
      expect(group.modified).toBeGreaterThanOrEqual(before - 1);
      expect(group.securityGroupSettings).toMatchObject({ federationMode: 1, lockoutThreshold: 10, permittedNetworks: [] });
      const defaults = (await getGroup(defaultGroupId)).securityGroupSettings;
      expect({ ...group.securityGroupSettings, federationMode: defaults.federationMode }).toEqual(defaults);
      expect(await getGroup(group.id)).toEqual(group);
      expect((await listGroups()).map((g) => g.id)).toContain(group.id);
    });

    it('answers a missing name as the model example does and creates nothing', async () => {
      const reasons = await rejectedWithValidation(() =>
        t.client.call('CreateSecurityGroup', { networkId, name: '', securityGroupSettings: { federationMode: 1 } }),
      );
      expect(reasons).toEqual([{ field: 'name', reason: 'name is required' }]);
      expect(await rejectedWithValidation(() => t.client.call('CreateSecurityGroup', { networkId, name: '   ', securityGroupSettings: {} }))).toEqual([
        { field: 'name', reason: 'name is required' },
      ]);
    });

    it('accepts names of 1 to 64 characters, trimmed', async () => {
      expect((await createGroup({}, '  Padded  ')).name).toBe('Padded');
      expect((await createGroup({}, 'x'.repeat(64))).name).toBe('x'.repeat(64));
      const reasons = await rejectedWithValidation(() => t.client.call('CreateSecurityGroup', { networkId, name: 'y'.repeat(65), securityGroupSettings: {} }));
      expect(reasons).toEqual([{ field: 'name', reason: 'name must be between 1 and 64 characters' }]);
    });

    it('keeps names unique in a network, case-insensitively, but not across networks', async () => {
      await createGroup({}, 'Operations');
      const reasons = await rejectedWithValidation(() => t.client.call('CreateSecurityGroup', { networkId, name: ' OPERATIONS ', securityGroupSettings: {} }));
      expect(reasons).toEqual([{ field: 'name', reason: 'A security group named OPERATIONS already exists' }]);
      const other = await createNetwork(t.client, 'Other groups', 'STANDARD');
      expect((await createGroup({}, 'operations', other.networkId)).name).toBe('operations');
    });

    it('creates a group with restricted local federation and with restricted global federation', async () => {
      const local = await createGroup({ federationMode: 2, permittedNetworks: ['11112222', '33334444'] });
      expect(local.securityGroupSettings).toMatchObject({ federationMode: 2, permittedNetworks: ['11112222', '33334444'] });
      const global = await createGroup({
        globalFederation: true,
        enableRestrictedGlobalFederation: true,
        permittedWickrAwsNetworks: [{ region: 'eu-west-2', networkId: '55556666' }],
        permittedWickrEnterpriseNetworks: [{ domain: 'wickr.example.com', networkId: '77778888' }],
        enableGuestFederation: true,
      });
      expect((await getGroup(global.id)).securityGroupSettings).toMatchObject({
        globalFederation: true,
        enableRestrictedGlobalFederation: true,
        permittedWickrAwsNetworks: [{ region: 'eu-west-2', networkId: '55556666' }],
        permittedWickrEnterpriseNetworks: [{ domain: 'wickr.example.com', networkId: '77778888' }],
        enableGuestFederation: true,
      });
    });

    it('refuses inconsistent federation and lockout settings, reporting every problem, and creates nothing', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{ federationMode: 3 }, ['securityGroupSettings.federationMode']],
        [{ federationMode: 1, permittedNetworks: ['11112222'] }, ['securityGroupSettings.permittedNetworks']],
        [{ federationMode: 2, permittedNetworks: ['11112222', '11112222'] }, ['securityGroupSettings.permittedNetworks[1]']],
        [{ federationMode: 2, permittedNetworks: ['NETWORK'] }, ['securityGroupSettings.permittedNetworks[0]']],
        [{ enableRestrictedGlobalFederation: true }, ['securityGroupSettings.enableRestrictedGlobalFederation']],
        [{ globalFederation: true, permittedWickrAwsNetworks: [{ region: 'eu-west-2', networkId: '55556666' }] }, ['securityGroupSettings.permittedWickrAwsNetworks']],
        [
          { globalFederation: true, permittedWickrEnterpriseNetworks: [{ domain: 'wickr.example.com', networkId: '77778888' }] },
          ['securityGroupSettings.permittedWickrEnterpriseNetworks'],
        ],
        [{ enableGuestFederation: true }, ['securityGroupSettings.enableGuestFederation']],
        [{ lockoutThreshold: 0 }, ['securityGroupSettings.lockoutThreshold']],
        [{ lockoutThreshold: 101 }, ['securityGroupSettings.lockoutThreshold']],
        [
          { federationMode: 7, lockoutThreshold: 500, enableGuestFederation: true },
          ['securityGroupSettings.federationMode', 'securityGroupSettings.enableGuestFederation', 'securityGroupSettings.lockoutThreshold'],
        ],
      ];
      for (const [settings, expected] of cases) {
        const resolved = JSON.parse(JSON.stringify(settings).replace('NETWORK', networkId)) as Record<string, unknown>;
        const reasons = await rejectedWithValidation(() => t.client.call('CreateSecurityGroup', { networkId, name: uniqueName('bad'), securityGroupSettings: resolved }));
        expect(reasons.map((r) => r.field).sort(), JSON.stringify(settings)).toEqual([...expected].sort());
      }
    });

    it('is idempotent with X-Client-Token: a retry answers the same group and creates one', async () => {
      const input = { networkId, name: uniqueName('idem'), securityGroupSettings: { lockoutThreshold: 5 }, clientToken: `sg-${Date.now()}` };
      const first = await t.client.call<{ securityGroup: SecurityGroupOut }>('CreateSecurityGroup', input);
      const second = await t.client.call<{ securityGroup: SecurityGroupOut }>('CreateSecurityGroup', input);
      expect(second).toEqual(first);
      expect((await listGroups()).filter((g) => g.name === input.name)).toHaveLength(1);
    });

    it('answers 404 for an unknown network', async () => {
      await rejectedWith(() => t.client.call('CreateSecurityGroup', { networkId: '99999999', name: 'x', securityGroupSettings: {} }), 'ResourceNotFoundError', 404);
    });
  });

  describe('UpdateSecurityGroup', () => {
    it('renames a group, also to another case of its own name, and keeps names unique', async () => {
      const a = await createGroup({}, uniqueName('Alpha'));
      const b = await createGroup({}, uniqueName('Bravo'));
      expect((await updateGroup(a.id, { name: 'Field Team' })).name).toBe('Field Team');
      expect((await getGroup(a.id)).name).toBe('Field Team');
      expect((await updateGroup(a.id, { name: 'FIELD TEAM' })).name).toBe('FIELD TEAM');
      const reasons = await rejectedWithValidation(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: b.id, name: 'field team' }));
      expect(reasons).toEqual([{ field: 'name', reason: 'A security group named field team already exists' }]);
      expect(await rejectedWithValidation(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: b.id, name: '  ' }))).toEqual([
        { field: 'name', reason: 'name must not be empty' },
      ]);
      expect(await rejectedWithValidation(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: b.id, name: 'z'.repeat(65) }))).toEqual([
        { field: 'name', reason: 'name must be between 1 and 64 characters' },
      ]);
      expect((await getGroup(b.id)).name).toBe(b.name);
    });

    it('renames the default group, which stays the default', async () => {
      const { networkId: net, defaultGroupId: def } = await createNetwork(t.client, 'Rename default', 'STANDARD');
      const g = await updateGroup(def, { name: 'Everyone' }, net);
      expect(g).toMatchObject({ id: def, name: 'Everyone', isDefault: true });
    });

    it('merges a partial update over the stored settings, nested structures member by member, and bumps modified', async () => {
      const g = await createGroup({ federationMode: 1, lockoutThreshold: 8 });
      clockOffset += 5_000;
      try {
        const updated = await updateGroup(g.id, {
          securityGroupSettings: {
            calling: { forceTcpCall: true },
            passwordRequirements: { minLength: 12, symbols: 2 },
            shredder: { intensity: 20 },
            quickResponses: ['On my way', 'Call me'],
            maxTtl: 604800,
          },
        });
        expect(updated.modified).toBeGreaterThanOrEqual(g.modified + 4);
        const s = (await getGroup(g.id)).securityGroupSettings;
        expect(updated.securityGroupSettings).toEqual(s);
        expect(s).toEqual({
          ...g.securityGroupSettings,
          calling: { ...g.securityGroupSettings.calling, forceTcpCall: true },
          passwordRequirements: { ...g.securityGroupSettings.passwordRequirements, minLength: 12, symbols: 2 },
          shredder: { ...g.securityGroupSettings.shredder, intensity: 20 },
          quickResponses: ['On my way', 'Call me'],
          maxTtl: 604800,
        });
        expect(s).toMatchObject({ federationMode: 1, lockoutThreshold: 8 });
        expect((await getGroup(g.id)).name).toBe(g.name);
      } finally {
        clockOffset = 0;
      }
    });

    it('validates the merged settings: stored values count, and a change that conflicts with them is refused', async () => {
      const g = await createGroup({ federationMode: 2, permittedNetworks: ['11112222'], lockoutThreshold: 10 });
      await updateGroup(g.id, { securityGroupSettings: { forceDeviceLockout: 5 } });
      // Leaving restricted mode while networks are still listed; lowering the threshold to the device lockout.
      const reasons = await rejectedWithValidation(() =>
        t.client.call('UpdateSecurityGroup', { networkId, groupId: g.id, securityGroupSettings: { federationMode: 1, lockoutThreshold: 5 } }),
      );
      expect(reasons.map((r) => r.field).sort()).toEqual(['securityGroupSettings.forceDeviceLockout', 'securityGroupSettings.permittedNetworks']);
      const ok = await updateGroup(g.id, { securityGroupSettings: { federationMode: 1, permittedNetworks: [], lockoutThreshold: 6 } });
      expect(ok.securityGroupSettings).toMatchObject({ federationMode: 1, permittedNetworks: [], lockoutThreshold: 6, forceDeviceLockout: 5 });
    });

    it('refuses every inconsistent setting with its field path and changes nothing', async () => {
      const g = await createGroup();
      const cases: [Record<string, unknown>, string][] = [
        [{ calling: { canStart11Call: false } }, 'calling.canVideoCall'],
        [{ calling: { canStart11Call: false, canVideoCall: true } }, 'calling.canVideoCall'],
        [{ forceOpenAccess: true }, 'forceOpenAccess'],
        [{ federationMode: -1 }, 'federationMode'],
        [{ federationMode: 2, permittedNetworks: [networkId] }, 'permittedNetworks[0]'],
        [{ federationMode: 0, permittedNetworks: ['11112222'] }, 'permittedNetworks'],
        [{ enableRestrictedGlobalFederation: true }, 'enableRestrictedGlobalFederation'],
        [{ globalFederation: true, enableRestrictedGlobalFederation: true, permittedWickrAwsNetworks: [{ region: 'us-east-1', networkId }] }, 'permittedWickrAwsNetworks[0]'],
        [{ enableGuestFederation: true }, 'enableGuestFederation'],
        [{ maxAutoDownloadSize: 1048576 }, 'maxAutoDownloadSize'],
        [{ enableFileDownload: false, maxAutoDownloadSize: 512000 }, 'maxAutoDownloadSize'],
        [{ locationEnabled: false }, 'locationAllowMaps'],
        [{ maxTtl: 0 }, 'maxTtl'],
        [{ maxTtl: 31536001 }, 'maxTtl'],
        [{ maxBor: -1 }, 'maxBor'],
        [{ maxBor: 31536001 }, 'maxBor'],
        [{ lockoutThreshold: 0 }, 'lockoutThreshold'],
        [{ lockoutThreshold: 101 }, 'lockoutThreshold'],
        [{ forceDeviceLockout: 10 }, 'forceDeviceLockout'],
        [{ forceDeviceLockout: -1 }, 'forceDeviceLockout'],
        [{ passwordRequirements: { minLength: 7 } }, 'passwordRequirements.minLength'],
        [{ passwordRequirements: { minLength: 129 } }, 'passwordRequirements.minLength'],
        [{ passwordRequirements: { lowercase: 9 } }, 'passwordRequirements.lowercase'],
        [{ passwordRequirements: { uppercase: -1 } }, 'passwordRequirements.uppercase'],
        [{ passwordRequirements: { numbers: 9 } }, 'passwordRequirements.numbers'],
        [{ passwordRequirements: { symbols: 9 } }, 'passwordRequirements.symbols'],
        [{ passwordRequirements: { minLength: 8, lowercase: 3, uppercase: 3, numbers: 3 } }, 'passwordRequirements'],
        [{ shredder: { intensity: 101 } }, 'shredder.intensity'],
        [{ ssoMaxIdleMinutes: 10081 }, 'ssoMaxIdleMinutes'],
        [{ quickResponses: Array.from({ length: 21 }, (_, i) => `r${i}`) }, 'quickResponses'],
        [{ quickResponses: ['fine', ''] }, 'quickResponses[1]'],
        [{ quickResponses: ['x'.repeat(161)] }, 'quickResponses[0]'],
        [{ atakPackageValues: ['com.atakmap.app.pro'] }, 'atakPackageValues[0]'],
        [{ atakPackageValues: ['com.atakmap.app.civ', 'com.atakmap.app.civ'] }, 'atakPackageValues[1]'],
      ];
      for (const [settings, field] of cases) {
        const reasons = await rejectedWithValidation(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: g.id, securityGroupSettings: settings }));
        expect(reasons.map((r) => r.field), JSON.stringify(settings)).toEqual([`securityGroupSettings.${field}`]);
      }
      expect(await getGroup(g.id)).toEqual(g);
    });

    it('accepts the consistent counterparts of those settings', async () => {
      const g = await createGroup();
      const updated = await updateGroup(g.id, {
        securityGroupSettings: {
          calling: { canStart11Call: false, canVideoCall: false },
          enableOpenAccessOption: true,
          forceOpenAccess: true,
          locationEnabled: false,
          locationAllowMaps: false,
          maxTtl: 1,
          maxBor: 0,
          lockoutThreshold: 100,
          forceDeviceLockout: 99,
          passwordRequirements: { minLength: 128, lowercase: 32, uppercase: 32, numbers: 32, symbols: 32 },
          shredder: { intensity: 100 },
          ssoMaxIdleMinutes: 10080,
          quickResponses: Array.from({ length: 20 }, (_, i) => `r${i}`.padEnd(160, '.')),
          enableAtak: true,
          atakPackageValues: ['com.atakmap.app.civ', 'com.atakmap.app.mil'],
          maxAutoDownloadSize: 512000,
        },
      });
      expect(await getGroup(g.id)).toEqual(updated);
      expect(updated.securityGroupSettings).toMatchObject({ forceDeviceLockout: 99, maxAutoDownloadSize: 512000, atakPackageValues: ['com.atakmap.app.civ', 'com.atakmap.app.mil'] });
    });

    it('requires name or securityGroupSettings', async () => {
      const g = await createGroup();
      await rejectedWithValidation(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: g.id }));
    });

    it('answers 404 for an unknown group, another network’s group and an unknown network', async () => {
      const body = await rejectedWith(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: 'invalid99', name: 'New Name' }), 'ResourceNotFoundError', 404);
      expect(body.message).toBe('Security group not found');
      const other = await createNetwork(t.client, 'Elsewhere', 'STANDARD');
      await rejectedWith(() => t.client.call('UpdateSecurityGroup', { networkId, groupId: other.defaultGroupId, name: 'Stolen' }), 'ResourceNotFoundError', 404);
      await rejectedWith(() => t.client.call('UpdateSecurityGroup', { networkId: '99999999', groupId: defaultGroupId, name: 'x' }), 'ResourceNotFoundError', 404);
    });
  });

  describe('plans', () => {
    it('makes file download control a Premium feature: refused on Standard, allowed on Premium and during the trial', async () => {
      const standard = await createNetwork(t.client, 'Standard files', 'STANDARD');
      const g = await createGroup({}, 'Preview only', standard.networkId);
      for (const settings of [{ enableFileDownload: false }, { maxAutoDownloadSize: 512000 }]) {
        const body = await rejectedWith(
          () => t.client.call('UpdateSecurityGroup', { networkId: standard.networkId, groupId: g.id, securityGroupSettings: settings }),
          'BadRequestError',
          400,
        );
        expect(body.message).toBe(FILE_PLAN_ERROR);
      }
      expect((await getGroup(g.id, standard.networkId)).securityGroupSettings).toMatchObject({ enableFileDownload: true, maxAutoDownloadSize: 7340032 });
      // Echoing the stored values back is no change and allowed on Standard.
      await updateGroup(g.id, { securityGroupSettings: { enableFileDownload: true, maxAutoDownloadSize: 7340032 } }, standard.networkId);

      const premiumGroup = await createGroup({}, uniqueName('Preview premium'));
      const updated = await updateGroup(premiumGroup.id, { securityGroupSettings: { enableFileDownload: false } });
      expect(updated.securityGroupSettings.enableFileDownload).toBe(false);
      expect((await getGroup(premiumGroup.id)).securityGroupSettings.enableFileDownload).toBe(false);
    });

    it('refuses guest users during the Premium free trial but allows file download control', async () => {
      const trial = await createNetwork(t.client, 'Trial', 'PREMIUM', { enablePremiumFreeTrial: true });
      const guests = { globalFederation: true, enableGuestFederation: true };
      const body = await rejectedWith(
        () => t.client.call('CreateSecurityGroup', { networkId: trial.networkId, name: 'Guests', securityGroupSettings: guests }),
        'BadRequestError',
        400,
      );
      expect(body.message).toBe('Guest users are not available during the Premium free trial.');
      expect((await listGroups(trial.networkId)).map((g) => g.name)).not.toContain('Guests');

      const g = await createGroup({ globalFederation: true }, 'No guests', trial.networkId);
      await rejectedWith(
        () => t.client.call('UpdateSecurityGroup', { networkId: trial.networkId, groupId: g.id, securityGroupSettings: { enableGuestFederation: true } }),
        'BadRequestError',
        400,
      );
      expect((await getGroup(g.id, trial.networkId)).securityGroupSettings.enableGuestFederation).toBe(false);

      const files = await updateGroup(g.id, { securityGroupSettings: { enableFileDownload: false } }, trial.networkId);
      expect(files.securityGroupSettings.enableFileDownload).toBe(false);
      // Guest users are allowed outside the trial (Premium and Standard).
      expect((await createGroup(guests)).securityGroupSettings.enableGuestFederation).toBe(true);
      const standard = await createNetwork(t.client, 'Standard guests', 'STANDARD');
      expect((await createGroup(guests, 'Guests', standard.networkId)).securityGroupSettings.enableGuestFederation).toBe(true);
    });
  });

  describe('DeleteSecurityGroup', () => {
    it('moves the users and bots of the deleted group to the default group', async () => {
      const doomed = await createGroup({}, uniqueName('Doomed'));
      const other = await createGroup({}, uniqueName('Bystanders'));
      const active = [await insertUser(doomed.id), await insertUser(doomed.id)];
      const pending = await insertUser(doomed.id, 1);
      const bots = [await insertBot(doomed.id), await insertBot(doomed.id)];
      const bystander = await insertUser(other.id);
      const bystanderBot = await insertBot(other.id);
      expect(await getGroup(doomed.id)).toMatchObject({ activeMembers: 2, botMembers: 2 });
      const defaultBefore = await getGroup(defaultGroupId);

      const out = await t.client.call('DeleteSecurityGroup', { networkId, groupId: doomed.id });
      expect(out).toEqual({ message: 'success', networkId, groupId: doomed.id });

      await expectApiError(t.client.call('GetSecurityGroup', { networkId, groupId: doomed.id }), 'ResourceNotFoundError', 404);
      for (const u of [...active, pending]) expect(await userGroup(u)).toBe(defaultGroupId);
      for (const b of bots) expect(await botGroup(b)).toBe(defaultGroupId);
      expect(await userGroup(bystander)).toBe(other.id);
      expect(await botGroup(bystanderBot)).toBe(other.id);
      const defaultAfter = await getGroup(defaultGroupId);
      expect(defaultAfter.activeMembers).toBe(defaultBefore.activeMembers + 2);
      expect(defaultAfter.botMembers).toBe(defaultBefore.botMembers + 2);
      expect(await getGroup(other.id)).toMatchObject({ activeMembers: 1, botMembers: 1 });
      expect((await listGroups()).map((g) => g.id)).not.toContain(doomed.id);
      // The freed name can be used again.
      await createGroup({}, doomed.name);
    });

    it('never deletes the default group and leaves its members where they are', async () => {
      const member = await insertUser(defaultGroupId);
      const body = await rejectedWith(() => t.client.call('DeleteSecurityGroup', { networkId, groupId: defaultGroupId }), 'BadRequestError', 400);
      expect(body.message).toBe('The default security group cannot be deleted.');
      expect((await getGroup(defaultGroupId)).isDefault).toBe(true);
      expect(await userGroup(member)).toBe(defaultGroupId);
    });

    it('answers 404 for an unknown group, a group deleted before and another network’s group', async () => {
      const g = await createGroup();
      await t.client.call('DeleteSecurityGroup', { networkId, groupId: g.id });
      const body = await rejectedWith(() => t.client.call('DeleteSecurityGroup', { networkId, groupId: g.id }), 'ResourceNotFoundError', 404);
      expect(body.message).toBe('Security group not found');
      await rejectedWith(() => t.client.call('DeleteSecurityGroup', { networkId, groupId: 'invalid99' }), 'ResourceNotFoundError', 404);
      const other = await createNetwork(t.client, 'Not yours', 'STANDARD');
      const theirs = await createGroup({}, 'Theirs', other.networkId);
      await rejectedWith(() => t.client.call('DeleteSecurityGroup', { networkId, groupId: theirs.id }), 'ResourceNotFoundError', 404);
      await getGroup(theirs.id, other.networkId);
    });
  });
});
