/**
 * errors.ts — owns ProtocolError, the single error type thrown by every
 * function in the Enclave crypto layer, and the closed set of error codes.
 */

export type ProtocolErrorCode =
  | 'malformed' // bytes do not parse, wrong length/version/type, bad encoding
  | 'bad_signature' // an Ed25519 signature did not verify
  | 'decrypt_failed' // AES-GCM authentication failed (tamper, wrong key, wrong ad)
  | 'replay' // the message key for this message was already used and deleted
  | 'too_many_skipped' // the message would require skipping more keys than allowed
  | 'unknown_prekey' // a prekey message names a signed/one-time prekey we do not hold
  | 'session_mismatch' // a prekey message does not belong to this session
  | 'unknown_key' // a sender-key message for a different sender key id
  | 'stale_iteration' // a sender-key message older than the point we imported the key at
  | 'invalid_argument' // caller passed an argument outside the allowed range
  | 'untrusted_signer' // a device list signed by a device the previous list does not hold
  | 'broken_chain' // a device list that does not link to its predecessor (hash, version or account)
  | 'rollback' // a device list older than the pinned one, or a different list at the pinned version
  | 'wrong_account'; // a device list of another account than expected

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** Throws ProtocolError(code) unless cond holds. */
export function check(cond: unknown, code: ProtocolErrorCode, message?: string): asserts cond {
  if (!cond) throw new ProtocolError(code, message);
}
