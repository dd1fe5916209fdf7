// Security groups as operations look them up and create them: one group of a network ("not found" is
// the API's NotFound error), the group whose name collides case-insensitively, and a new group's row.
// The queries are in repo.ts, the names and settings rules in rules.ts.
import type { SecurityGroupSettings } from '@enclave/admin-api';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { newSecurityGroupId } from '../../kernel/ids.js';
import { notFound } from '../../kernel/errors.js';
import { findSecurityGroup, groupNames, insertSecurityGroup } from './repo.js';
import { sameGroupName, type SecurityGroupRow } from './rules.js';

// Imported from here by the messaging side (usecases/member/policy.ts, domain/federation).
export { storedSettings } from './rules.js';

/** Stores a new group of the network with a fresh ID; returns its row. */
export async function createSecurityGroup(
  tx: WriteTx,
  networkId: string,
  name: string,
  isDefault: boolean,
  settings: SecurityGroupSettings,
  now: number,
): Promise<SecurityGroupRow> {
  const row: SecurityGroupRow = {
    network_id: networkId,
    group_id: newSecurityGroupId(),
    name,
    is_default: isDefault ? 1 : 0,
    settings: JSON.stringify(settings),
    modified: now,
    created_at: now,
  };
  await insertSecurityGroup(tx, row);
  return row;
}

export async function requireSecurityGroup(tx: ReadTx, networkId: string, groupId: string): Promise<SecurityGroupRow> {
  const row = await findSecurityGroup(tx, networkId, groupId);
  if (!row) throw notFound('Security group not found');
  return row;
}

/** The group of the network whose name equals `name` case-insensitively (other than `exceptGroupId`). */
export async function groupNamed(tx: ReadTx, networkId: string, name: string, exceptGroupId?: string): Promise<Pick<SecurityGroupRow, 'group_id' | 'name'> | undefined> {
  const rows = await groupNames(tx, networkId);
  return rows.find((r) => r.group_id !== exceptGroupId && sameGroupName(r.name, name));
}
