// Guest users: members of other networks who talk to this network's members. The messaging layer
// records one guest_users row per guest per billing period ('YYYY-MM', UTC); the admin API lists
// them, counts them per month and blocks or unblocks them (guest_blocks, one row per blocked guest).
// The feature is not available while the network is on the premium free trial (高級免費試用限制).
import type { Selectable } from 'kysely';
import type { BlockedGuestUser, GuestUser } from '../../model/types.generated.js';
import type { GuestBlocksTable, GuestUsersTable } from '../../infra/schema.js';
import { badRequest, notFound, validation } from '../../kernel/errors.js';
import type { CommandContext } from '../../usecases/context.js';
import { requireNetwork } from '../networks/networks.js';
import { trialActive, type NetworkRow } from '../networks/rules.js';

export type GuestUserRow = Selectable<GuestUsersTable>;
export type GuestBlockRow = Selectable<GuestBlocksTable>;

/** How many months GetGuestUserHistoryCount looks back, the current month included. */
export const HISTORY_MONTHS = 12;

const BILLING_PERIOD_RE = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** The network, when guest users are available on it. */
export async function requireGuestNetwork(ctx: Pick<CommandContext, 'tx' | 'actor' | 'now'>, networkId: string): Promise<NetworkRow> {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, networkId);
  if (trialActive(network, ctx.now)) throw badRequest('Guest users are not available during the premium free trial.');
  return network;
}

export function checkBillingPeriod(value: string): void {
  if (!BILLING_PERIOD_RE.test(value)) throw validation('billingPeriod', 'Billing period must be in the format YYYY-MM');
}

/** 'YYYY-MM' of the UTC month `monthsBack` months before the month of `ms`. */
export function billingPeriodOf(ms: number, monthsBack = 0): string {
  const d = new Date(ms);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1));
  return `${m.getUTCFullYear().toString().padStart(4, '0')}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC, as the model's examples show. */
export function formatModified(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function toGuestUser(row: Pick<GuestUserRow, 'billing_period' | 'username' | 'username_hash'>): GuestUser {
  return { billingPeriod: row.billing_period, username: row.username, usernameHash: row.username_hash };
}

export function toBlockedGuestUser(row: GuestBlockRow): BlockedGuestUser {
  return { username: row.username, admin: row.admin, modified: formatModified(Number(row.modified)), usernameHash: row.username_hash };
}

/** The guest's username as last recorded for this network; 404 when the network never saw the guest. */
export async function requireKnownGuest(ctx: Pick<CommandContext, 'tx'>, networkId: string, usernameHash: string): Promise<{ username: string; block: GuestBlockRow | undefined }> {
  const seen = await ctx.tx
    .selectFrom('guest_users')
    .select('username')
    .where('network_id', '=', networkId)
    .where('username_hash', '=', usernameHash)
    .orderBy('billing_period', 'desc')
    .executeTakeFirst();
  const block = await ctx.tx.selectFrom('guest_blocks').selectAll().where('network_id', '=', networkId).where('username_hash', '=', usernameHash).executeTakeFirst();
  // A blocked guest stays known (and can be unblocked) even if its usage rows are gone.
  if (!seen && !block) throw notFound('Guest user not found');
  return { username: seen?.username ?? block!.username, block };
}
