// TOTP (RFC 6238) for console sign-in: SHA-1, 6 digits, 30-second steps, accepting the previous and
// the next step for clock drift. A code is single-use: the last accepted step is recorded per user in
// the database (table `counters`, row `totp_step:<principalId>`), and only a later step is accepted
// afterwards, so a code seen over a shoulder or in a proxy log cannot be replayed, on any node.
import { Secret, TOTP } from 'otpauth';
import type { WriteTx } from '../../infra/db.js';
import * as repo from './repo.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
const ALGORITHM = 'SHA1';

const CODE_RE = /^\d{6}$/;

/**
 * The time step (counter) the code belongs to, if it is valid at `now` within ±1 step; otherwise
 * undefined. Does not check for replay.
 */
export function totpStep(secretBase32: string, code: string, now: number): number | undefined {
  if (!CODE_RE.test(code)) return undefined;
  let secret: Secret;
  try {
    secret = Secret.fromBase32(secretBase32);
  } catch {
    return undefined;
  }
  const delta = TOTP.validate({ token: code, secret, algorithm: ALGORITHM, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return undefined;
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: now }) + delta;
}

/** The code for `timestamp` (tests and enrolment checks). */
export function totpCode(secretBase32: string, timestamp: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm: ALGORITHM, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, timestamp });
}

/**
 * Records `step` as used by the principal. True when it is later than every step accepted before
 * (the code is fresh); false for a replay (the same or an earlier step). Atomic across nodes: a
 * conditional update, or an insert for the first code ever.
 */
export async function claimTotpStep(db: WriteTx, principalId: string, step: number): Promise<boolean> {
  if (await repo.advanceTotpStep(db, principalId, step)) return true;
  if (await repo.hasTotpStep(db, principalId)) return false;
  if (await repo.insertTotpStep(db, principalId, step)) return true;
  // Another sign-in inserted the row at the same moment: it wins unless our step is later.
  return repo.advanceTotpStep(db, principalId, step);
}

/**
 * Verifies a code and consumes it. True only for a valid code of a step not used before by this
 * principal.
 */
export async function verifyTotp(db: WriteTx, principalId: string, secretBase32: string, code: string, now: number): Promise<boolean> {
  const step = totpStep(secretBase32, code, now);
  if (step === undefined) return false;
  return claimTotpStep(db, principalId, step);
}
