// The rows a member's policy is made of (usecases/member/policy.ts): the security group's settings,
// the network's settings and its retention bot's state, read in one statement.
import type { ReadTx } from '../../infra/db.js';
import { RETENTION_BOT_USER_ID } from '../retention/rules.js';

const COLUMNS = ['b.active as retention_active', 'g.group_id', 'g.settings', 'n.network_name', 'n.read_receipt_status', 'n.data_retention', 'n.consent_enabled', 'n.consent_title', 'n.consent_body', 'n.consent_button', 'n.consent_version', 'n.idle_timeout_minutes'] as const;

/**
 * The policy row of a member (their security group), or of the retention bot (user 0, which has no
 * user row: the network's default security group). Undefined when there is no such user.
 */
export async function findPolicyRow(tx: ReadTx, networkId: string, userId: number) {
  return userId === RETENTION_BOT_USER_ID
    ? await tx
        .selectFrom('security_groups as g')
        .innerJoin('networks as n', 'n.network_id', 'g.network_id')
        .leftJoin('retention_bots as b', 'b.network_id', 'n.network_id')
        .select(COLUMNS)
        .where('g.network_id', '=', networkId)
        .where('g.is_default', '=', 1)
        .executeTakeFirst()
    : await tx
        .selectFrom('users as u')
        .innerJoin('security_groups as g', (j) => j.onRef('g.network_id', '=', 'u.network_id').onRef('g.group_id', '=', 'u.security_group_id'))
        .innerJoin('networks as n', 'n.network_id', 'u.network_id')
        .leftJoin('retention_bots as b', 'b.network_id', 'n.network_id')
        .select(COLUMNS)
        .where('u.network_id', '=', networkId)
        .where('u.user_id', '=', userId)
        .executeTakeFirst();
}

export type PolicyRow = NonNullable<Awaited<ReturnType<typeof findPolicyRow>>>;
