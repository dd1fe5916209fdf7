// Rules of data retention that need no storage.
import { fail } from '../../kernel/member-errors.js';

// ---------------------------------------------------------------------------------------------------
// Member side: the retention bot as a device of its network (usecases/member/retention.ts)

/** The retention bot's user ID in its network (real users start at 1000). */
export const RETENTION_BOT_USER_ID = 0;
export const BOT_PASSWORD_MIN = 12;

export const isRetentionBot = (m: { userId: number }) => m.userId === RETENTION_BOT_USER_ID;

/** The bot's new password: at least 12 characters, different from the current one. */
export function checkBotPassword(current: string, next: string): void {
  if ([...next].length < BOT_PASSWORD_MIN) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: `Use at least ${BOT_PASSWORD_MIN} characters.` }]);
  if (next === current) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: 'The new password must differ from the current one.' }]);
}
