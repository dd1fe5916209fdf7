// Users as operations look them up: one user of a network ("not found" is the API's NotFound error),
// several by ID, and a batch's user IDs split into those of the network and per-item failures. The
// queries are in repo.ts, the rules in rules.ts.
import type { BatchUserErrorResponseItem, BatchUserSuccessResponseItem } from '@enclave/admin-api';
import type { ReadTx } from '../../infra/db.js';
import { notFound } from '../../kernel/errors.js';
import { findUser, findUsers } from './repo.js';
import { distinct, REASON_NOT_FOUND, userIdNumber, type UserRow } from './rules.js';

// Imported from here by the messaging side (usecases/member, domain/federation).
export type { UserRow } from './rules.js';
export { DEVICE_ACTIVE, DEVICE_RESET, isInviteExpired, isValidInviteCode, normalizeEmail, STATUS_ACTIVE, STATUS_PENDING } from './rules.js';

export async function requireUser(tx: ReadTx, networkId: string, userId: string): Promise<UserRow> {
  const row = await findUser(tx, networkId, userIdNumber(userId));
  if (!row) throw notFound('User not found.');
  return row;
}

/** Users of the network among the given IDs, by ID. One query (none for an empty list). */
export async function usersByIds(tx: ReadTx, networkId: string, userIds: readonly string[]): Promise<Map<string, UserRow>> {
  const out = new Map<string, UserRow>();
  if (userIds.length === 0) return out;
  const rows = await findUsers(tx, networkId, userIds.map(userIdNumber));
  for (const r of rows) out.set(String(r.user_id), r);
  return out;
}

/**
 * The distinct user IDs of a batch, split into those of this network (`numbers` for the write) and
 * per-item 'User not found' failures, in request order.
 */
export async function partitionBatchUsers(tx: ReadTx, networkId: string, userIds: readonly string[]) {
  const ids = distinct(userIds);
  const found = await usersByIds(tx, networkId, ids);
  const successful: BatchUserSuccessResponseItem[] = [];
  const failed: BatchUserErrorResponseItem[] = [];
  for (const id of ids) {
    if (found.has(id)) successful.push({ userId: id });
    else failed.push({ userId: id, field: 'username', reason: REASON_NOT_FOUND });
  }
  return { successful, failed, numbers: successful.map((x) => userIdNumber(x.userId)) };
}
