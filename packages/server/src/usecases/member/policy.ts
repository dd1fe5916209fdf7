// The policy a member's clients enforce: the member's security group settings and the network's
// settings, as the wire contract's Policy (domain/policy). Delivered at sign-in, on connect and
// whenever it changes (the hub compares versions after every admin change of the network).
import type { Policy } from '@enclave/protocol';
import type { ReadTx } from '../../infra/db.js';
import { findPolicyRow } from '../../domain/policy/repo.js';
import { listsRetentionDevices, policyOf } from '../../domain/policy/rules.js';
import { listRetentionBotDevices } from '../../domain/retention/repo.js';
import { fail } from '../../kernel/member-errors.js';

export async function policyFor(tx: ReadTx, networkId: string, userId: number): Promise<Policy> {
  // The retention bot (user 0) has no user row: it gets the network's default security group.
  const row = await findPolicyRow(tx, networkId, userId);
  if (!row) throw fail('user_not_found');
  const retentionDevices = listsRetentionDevices(row) ? (await listRetentionBotDevices(tx, networkId)).map((d) => d.device_id) : [];
  return policyOf(networkId, row, retentionDevices);
}
