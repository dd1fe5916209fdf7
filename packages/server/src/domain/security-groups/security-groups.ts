// Security groups: every network has exactly one default group, created with the network and never
// deleted. Settings are stored as one JSON document (the model's SecurityGroupSettings); the rules for
// names and settings live in securityGroupSettings.ts.
import type { Selectable } from 'kysely';
import type { SecurityGroup, SecurityGroupSettings } from '../../model/types.generated.js';
import type { SecurityGroupsTable } from '../../infra/schema.js';
import { newSecurityGroupId } from '../../kernel/ids.js';
import { notFound } from '../../kernel/errors.js';
import type { CommandContext } from '../../usecases/context.js';
import { mergeSettings, sameGroupName, type EffectiveSettings } from './settings.js';

export type SecurityGroupRow = Selectable<SecurityGroupsTable>;

export const DEFAULT_GROUP_NAME = 'default';

/** Settings a new group starts from (the guide's defaults for a fresh network). */
export function defaultSecurityGroupSettings(): EffectiveSettings {
  return {
    alwaysReauthenticate: false,
    atakPackageValues: [],
    calling: { canStart11Call: true, canVideoCall: true, forceTcpCall: false },
    checkForUpdates: true,
    enableAtak: false,
    enableCrashReports: true,
    enableFileDownload: true,
    enableGuestFederation: false,
    enableNotificationPreview: true,
    enableOpenAccessOption: false,
    enableRestrictedGlobalFederation: false,
    filesEnabled: true,
    forceDeviceLockout: 0,
    forceOpenAccess: false,
    forceReadReceipts: false,
    globalFederation: false,
    isAtoEnabled: false,
    isLinkPreviewEnabled: true,
    locationAllowMaps: true,
    locationEnabled: true,
    maxAutoDownloadSize: 7340032,
    maxBor: 86400,
    maxTtl: 31536000,
    messageForwardingEnabled: true,
    passwordRequirements: { lowercase: 1, minLength: 8, numbers: 1, symbols: 0, uppercase: 1 },
    presenceEnabled: true,
    quickResponses: [],
    showMasterRecoveryKey: true,
    shredder: { canProcessManually: true, intensity: 50 },
    ssoMaxIdleMinutes: 0,
    nonSsoTimeoutMinutes: 0,
    federationMode: 0,
    lockoutThreshold: 10,
    permittedNetworks: [],
    permittedWickrAwsNetworks: [],
    permittedWickrEnterpriseNetworks: [],
  };
}

export async function insertSecurityGroup(
  ctx: Pick<CommandContext, 'tx' | 'now'>,
  networkId: string,
  name: string,
  isDefault: boolean,
  settings: SecurityGroupSettings,
): Promise<SecurityGroupRow> {
  const row: SecurityGroupRow = {
    network_id: networkId,
    group_id: newSecurityGroupId(),
    name,
    is_default: isDefault ? 1 : 0,
    settings: JSON.stringify(settings),
    modified: ctx.now,
    created_at: ctx.now,
  };
  await ctx.tx.insertInto('security_groups').values(row).execute();
  return row;
}

export async function requireSecurityGroup(ctx: Pick<CommandContext, 'tx'>, networkId: string, groupId: string): Promise<SecurityGroupRow> {
  const row = await ctx.tx.selectFrom('security_groups').selectAll().where('network_id', '=', networkId).where('group_id', '=', groupId).executeTakeFirst();
  if (!row) throw notFound('Security group not found');
  return row;
}

/** The settings a stored group enforces: its document over the defaults (members added later get their default). */
export function storedSettings(row: Pick<SecurityGroupRow, 'settings'>): EffectiveSettings {
  return mergeSettings(defaultSecurityGroupSettings(), JSON.parse(row.settings) as SecurityGroupSettings);
}

/**
 * Serializes changes to a network's security groups (name uniqueness is checked by reading): a no-op
 * write to the network row takes its row lock on PostgreSQL and the write lock on SQLite, so two
 * concurrent creates or renames in one network cannot both pass the check.
 */
export async function lockNetworkGroups(ctx: Pick<CommandContext, 'tx'>, networkId: string): Promise<void> {
  await ctx.tx.updateTable('networks').set({ network_id: networkId }).where('network_id', '=', networkId).execute();
}

/** The group of the network whose name equals `name` case-insensitively (other than `exceptGroupId`). */
export async function groupNamed(
  ctx: Pick<CommandContext, 'tx'>,
  networkId: string,
  name: string,
  exceptGroupId?: string,
): Promise<Pick<SecurityGroupRow, 'group_id' | 'name'> | undefined> {
  const rows = await ctx.tx.selectFrom('security_groups').select(['group_id', 'name']).where('network_id', '=', networkId).execute();
  return rows.find((r) => r.group_id !== exceptGroupId && sameGroupName(r.name, name));
}

export async function defaultGroupOf(ctx: Pick<CommandContext, 'tx'>, networkId: string): Promise<SecurityGroupRow> {
  return ctx.tx.selectFrom('security_groups').selectAll().where('network_id', '=', networkId).where('is_default', '=', 1).executeTakeFirstOrThrow();
}

export async function memberCounts(ctx: Pick<CommandContext, 'tx'>, networkId: string, groupId: string): Promise<{ active: number; bots: number }> {
  const [u, b] = await Promise.all([
    ctx.tx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('network_id', '=', networkId)
      .where('security_group_id', '=', groupId)
      .where('status', '=', 2)
      .executeTakeFirstOrThrow(),
    ctx.tx
      .selectFrom('bots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('network_id', '=', networkId)
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow(),
  ]);
  return { active: Number(u.n), bots: Number(b.n) };
}

export function toSecurityGroup(row: SecurityGroupRow, counts: { active: number; bots: number }): SecurityGroup {
  return {
    id: row.group_id,
    name: row.name,
    isDefault: row.is_default === 1,
    activeMembers: counts.active,
    botMembers: counts.bots,
    modified: Math.floor(row.modified / 1000),
    securityGroupSettings: storedSettings(row),
  };
}
