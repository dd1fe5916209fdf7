// Rows for tests that need members no admin operation creates (active users, which register through
// the messenger; bots seen by security groups): every NOT NULL column filled, the given ones overriding.
import type { Insertable } from 'kysely';
import type { UsersTable } from '../../packages/server/src/infra/schema.js';

export function userRow(r: { network_id: string; user_id: number; username: string; security_group_id: string } & Partial<Insertable<UsersTable>>): Insertable<UsersTable> {
  const now = Date.now();
  return {
    first_name: 'Test',
    last_name: 'User',
    first_name_lc: 'test',
    last_name_lc: 'user',
    status: 2,
    suspended: 0,
    is_admin: 0,
    invite_code: `INV${r.user_id}`,
    invite_expiration: Math.floor(now / 1000) + 86_400,
    code_validation: 0,
    uname: `uname${r.user_id}`,
    cell: '',
    country_code: '',
    otp_enabled: 0,
    challenge_failures: 0,
    rejected: 0,
    created_at: now,
    modified: now,
    last_login: null,
    last_activity: null,
    ...r,
  };
}
