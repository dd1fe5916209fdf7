// Virtual MFA enrolment for IAM users' console sign-in: a TOTP seed (RFC 6238 as auth/totp.ts checks
// it at sign-in: SHA-1, 6 digits, 30-second steps), sealed at rest with the server's SecretBox and
// shown once, when the device is enabled; it becomes active once two consecutive codes prove the
// device holds it.
import { timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { totpCode, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './totp.js';

export const mfaSerialNumber = (accountId: string, userName: string) => `arn:aws:iam::${accountId}:mfa/${userName}`;

export function newTotp(accountId: string, userName: string): TOTP {
  return new TOTP({ issuer: 'Enclave', label: `${userName}@${accountId}`, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: new Secret({ size: 20 }) });
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Two consecutive codes as a user reads them off the device: the second of the current step, or of
 * one step before or after it (clock drift). Returns the second code's step, or undefined.
 */
export function consecutiveCodesStep(base32Seed: string, code1: string, code2: string, nowMs: number): number | undefined {
  const step = TOTP_PERIOD_SECONDS * 1000;
  const n = Math.floor(nowMs / step);
  let found: number | undefined;
  for (let c = n - 2; c <= n; c++) {
    if (same(totpCode(base32Seed, c * step), code1) && same(totpCode(base32Seed, (c + 1) * step), code2)) found = c + 1;
  }
  return found;
}
