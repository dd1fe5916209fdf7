// Rules of member devices that need no storage: device IDs, the signed proof a registered device
// signs in with, and the short codes that approve a new device under account takeover protection.
import { randomBytes, randomInt } from 'node:crypto';
import { fromBase64Url, utf8Encode, verifyDetached } from '@enclave/protocol';

/** Detached-signature context of the sign-in proof of an existing device. */
export const LOGIN_SIGNATURE_CONTEXT = 'enclave-login-v1';
export const LOGIN_SIGNATURE_WINDOW_MS = 5 * 60_000;
export const APPROVAL_CODE_TTL_MS = 10 * 60_000;

export const newDeviceId = () => `d${randomBytes(12).toString('base64url')}`;

/**
 * Checks the sign-in proof of an existing device: signDetached(identity, 'enclave-login-v1',
 * UTF-8 `<deviceId>|<timestamp>`), the timestamp within 5 minutes of the server's clock.
 */
export function verifyLoginSignature(identitySignPub: string, deviceId: string, timestamp: number, signature: string, now: number): boolean {
  if (Math.abs(now - timestamp) > LOGIN_SIGNATURE_WINDOW_MS) return false;
  try {
    verifyDetached(fromBase64Url(identitySignPub), LOGIN_SIGNATURE_CONTEXT, utf8Encode(`${deviceId}|${timestamp}`), fromBase64Url(signature));
    return true;
  } catch {
    return false;
  }
}

/** A short code a member types on the new device: 8 characters without look-alikes. */
export function newApprovalCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
