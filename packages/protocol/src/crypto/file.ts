/**
 * file.ts — owns chunked file encryption: a random 32-byte file key, a
 * per-file AES-256-GCM subkey derived with HKDF, a nonce derived from the
 * chunk index and final-chunk flag, and additional data binding both, so
 * chunks cannot be reordered, moved between files, or the file truncated.
 */
import { check } from './errors.js';
import { concatBytes, u64be } from './bytes.js';
import { GCM_TAG_LEN, KEY_LEN, LABEL, type Rng, aesGcmDecrypt, aesGcmEncrypt, hkdfSha256, labelBytes, randomBytes } from './primitives.js';

/** Plaintext bytes per chunk; every chunk but the last is exactly this size. */
export const FILE_CHUNK_SIZE = 4 * 1024 * 1024;
export const FILE_CHUNK_OVERHEAD = GCM_TAG_LEN;

export function generateFileKey(rng?: Rng): Uint8Array {
  return randomBytes(KEY_LEN, rng);
}

/** Number of chunks for a plaintext of `plainSize` bytes (an empty file is one empty final chunk). */
export function chunkCount(plainSize: number): number {
  check(Number.isSafeInteger(plainSize) && plainSize >= 0, 'invalid_argument', 'bad size');
  return Math.max(1, Math.ceil(plainSize / FILE_CHUNK_SIZE));
}

export function encryptedSize(plainSize: number): number {
  return plainSize + chunkCount(plainSize) * FILE_CHUNK_OVERHEAD;
}

function chunkParams(key: Uint8Array, index: number, isLast: boolean): { subkey: Uint8Array; nonce: Uint8Array; ad: Uint8Array } {
  check(key.length === KEY_LEN, 'invalid_argument', 'file key must be 32 bytes');
  const idx = u64be(index);
  const flag = Uint8Array.of(isLast ? 1 : 0);
  return {
    // subkey = HKDF-SHA-256(salt = 0^32, ikm = fileKey, info = label("Enclave-v1/file/chunk-key"), 32)
    subkey: hkdfSha256(key, labelBytes(LABEL.file), KEY_LEN),
    // nonce = flag(1) || 0x000000 || u64be(index)
    nonce: concatBytes(flag, new Uint8Array(3), idx),
    // ad = label("Enclave-v1/file/chunk") || u64be(index) || flag(1)
    ad: concatBytes(labelBytes(LABEL.fileAd), idx, flag),
  };
}

export async function encryptFileChunk(key: Uint8Array, index: number, isLast: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  check(
    isLast ? plaintext.length <= FILE_CHUNK_SIZE : plaintext.length === FILE_CHUNK_SIZE,
    'invalid_argument',
    'non-final chunks must be exactly FILE_CHUNK_SIZE bytes',
  );
  const { subkey, nonce, ad } = chunkParams(key, index, isLast);
  return aesGcmEncrypt(subkey, nonce, plaintext, ad);
}

/** `isLast` must be true exactly for the final chunk of the received stream; truncation then fails. */
export async function decryptFileChunk(key: Uint8Array, index: number, isLast: boolean, ciphertext: Uint8Array): Promise<Uint8Array> {
  check(
    isLast ? ciphertext.length <= FILE_CHUNK_SIZE + FILE_CHUNK_OVERHEAD : ciphertext.length === FILE_CHUNK_SIZE + FILE_CHUNK_OVERHEAD,
    'malformed',
    'bad chunk length',
  );
  const { subkey, nonce, ad } = chunkParams(key, index, isLast);
  return aesGcmDecrypt(subkey, nonce, ciphertext, ad);
}
