// The status of a user as the directory shows it.
import type { User } from '../../api/admin';

/** Status text of a user: suspended wins over pending / active. */
export function userStatusKey(u: Pick<User, 'status' | 'suspended'>): 'users.suspended' | 'users.pending' | 'users.active' {
  if (u.suspended) return 'users.suspended';
  return u.status === 2 ? 'users.active' : 'users.pending';
}
