/**
 * index.ts — public surface of the Enclave end-to-end cryptography
 * (see docs/protocol.md). Pure: bytes in, bytes out; no I/O, no clock.
 */
export { ProtocolError, type ProtocolErrorCode } from './errors.js';
export { toBase64Url, fromBase64Url, concatBytes, utf8Encode, utf8Decode, equalBytes } from './bytes.js';
export { type Rng, type NativeCrypto, type AheadVerifier, aesGcmEncrypt, aesGcmDecrypt, hmacSha256, useNativeCrypto, useVerifyAhead, verificationsAhead, verifiesAhead } from './primitives.js';
export {
  type IdentityKeyPair,
  type PublicIdentity,
  type SignedPrekeyPair,
  type PublicSignedPrekey,
  type OneTimePrekeyPair,
  type PrekeyBundle,
  generateIdentity,
  generateSignedPrekey,
  generateOneTimePrekeys,
  publicSignedPrekey,
  verifyPrekeyBundle,
  signDetached,
  verifyDetached,
  fingerprint,
} from './identity.js';
export {
  type PrekeyStore,
  MAX_SKIP_PER_CHAIN,
  MAX_SKIPPED_KEYS,
  initiateSession,
  sessionEncrypt,
  sessionDecrypt,
  sessionAcceptInitial,
} from './session.js';
export { type SessionState, type SkippedMessageKey, isPrekeyMessage, serializeSession, deserializeSession } from './session-format.js';
export {
  type SenderKeyState,
  MAX_SENDER_KEY_SKIP,
  createSenderKey,
  senderKeyDistribution,
  importSenderKey,
  senderKeyEncrypt,
  senderKeyDecrypt,
  senderKeyId,
  senderKeyVerifyAhead,
  serializeSenderKey,
  deserializeSenderKey,
} from './sender-key.js';
export { FILE_CHUNK_SIZE, generateFileKey, encryptFileChunk, decryptFileChunk, encryptedSize, chunkCount } from './file.js';
export {
  type ListedDevice,
  type DeviceList,
  type DeviceListCheck,
  DEVICE_LIST_FORMAT,
  MAX_LIST_DEVICES,
  SAFETY_NUMBER_ITERATIONS,
  SAFETY_QR_PREFIX,
  firstDeviceList,
  nextDeviceList,
  decodeDeviceList,
  verifyFirstDeviceList,
  verifyNextDeviceList,
  verifyDeviceListChain,
  checkDeviceListChain,
  diffDeviceLists,
  accountFingerprint,
  safetyNumber,
  matchesSafetyNumber,
} from './device-list.js';
