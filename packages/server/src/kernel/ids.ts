// Identifier formats: 12-digit account IDs, 8-digit network IDs, 8-character security-group IDs,
// AWS-style access keys, invite codes. All from the CSPRNG.
import { createHash, randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export const digits = (n: number) => String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(10)).join('');
export const newAccountId = () => digits(12);
export const newNetworkId = () => digits(8);
export const newSecurityGroupId = () => pick(ALNUM, 8);
export const newAccessKeyId = () => 'AKIA' + pick(UPPER_ALNUM, 16);
export const newSecretAccessKey = () => randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
export const newInviteCode = () => pick(UPPER_ALNUM, 12);
export const newPrincipalId = () => 'AIDA' + pick(UPPER_ALNUM, 17);

/** The stable, opaque per-network name of a member (the model's `uname`). */
export const unameFor = (networkId: string, username: string) =>
  createHash('sha256').update(`${networkId}\0${username.toLowerCase()}`).digest('hex').slice(0, 24);

/** Guest users are identified by the SHA-256 of their username, as the model's examples show. */
export const usernameHash = (username: string) => createHash('sha256').update(username.toLowerCase()).digest('hex');

export const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
