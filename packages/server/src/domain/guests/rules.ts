// The rules of guest users, without I/O. Guests are members of other networks who talk to this
// network's members. The messaging layer records one guest_users row per guest per billing period
// ('YYYY-MM', UTC); the admin API lists them, counts them per month and blocks or unblocks them
// (guest_blocks, one row per blocked guest).
import type { Selectable } from 'kysely';
import type { BlockedGuestUser, GuestUser } from '@enclave/admin-api';
import type { GuestBlocksTable, GuestUsersTable } from '../../infra/schema.js';
import { validation } from '../../kernel/errors.js';

export type GuestUserRow = Selectable<GuestUsersTable>;
export type GuestBlockRow = Selectable<GuestBlocksTable>;

/** How many months GetGuestUserHistoryCount looks back, the current month included. */
export const HISTORY_MONTHS = 12;

const BILLING_PERIOD_RE = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

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
