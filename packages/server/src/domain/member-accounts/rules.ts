// Rules of member accounts that need no storage: how one-time codes and recovery keys are hashed, the
// recovery key's format, and the lockout rule (the lockoutThreshold-th failure locks for 24 hours).
import { createHash, randomBytes } from 'node:crypto';

export const LOCK_MS = 24 * 60 * 60_000;
export const RESET_TTL_MS = 24 * 60 * 60_000;

/** How a one-time code (device approval, emailed approval, password reset) is stored. */
export const codeHash = (purpose: string, code: string) => createHash('sha256').update(`${purpose}\0${code.trim().toUpperCase()}`).digest('base64url');

/** How a recovery key is stored (spaces, dashes and case do not matter). */
export const recoveryHash = (key: string) => createHash('sha256').update(`enclave-recovery\0${key.replace(/[\s-]/g, '').toUpperCase()}`).digest('base64url');

/** A master recovery key: 24 characters in groups of 4. */
export function newRecoveryKey(): string {
  const raw = randomBytes(20).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(24, 'X').slice(0, 24);
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * The account's failure count and lock after one more wrong password (a lock that ran out starts the
 * count again); `attemptsLeft` before the lock, when a threshold applies (0: none).
 */
export function afterFailedAttempt(account: { failed_attempts: number; locked_until: number | null }, threshold: number, now: number): { failures: number; lockedUntil: number | null; attemptsLeft: number | undefined } {
  const failures = (account.locked_until !== null ? 0 : account.failed_attempts) + 1;
  if (threshold > 0 && failures >= threshold) return { failures, lockedUntil: now + LOCK_MS, attemptsLeft: 0 };
  return { failures, lockedUntil: null, attemptsLeft: threshold > 0 ? threshold - failures : undefined };
}
