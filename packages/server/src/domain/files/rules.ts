// Rules of encrypted files that need no storage: sizes and chunking (4 MiB + 16 bytes of ciphertext
// per chunk, up to 5 GB of plaintext), file IDs, and how long an unsent upload is kept.
import { randomBytes } from 'node:crypto';
import { FILE_CHUNK_CIPHERTEXT, FILE_CHUNK_PLAINTEXT, MAX_FILE_BYTES } from '@enclave/protocol';

/** Largest ciphertext a 5 GB file encrypts to. */
export const MAX_CIPHERTEXT_BYTES = MAX_FILE_BYTES + 16 * Math.ceil(MAX_FILE_BYTES / FILE_CHUNK_PLAINTEXT);
/** Uploads never completed or never sent are removed after this long. */
export const ABANDONED_UPLOAD_MS = 24 * 60 * 60_000;

export const newFileId = () => `f${randomBytes(16).toString('base64url')}`;
export const chunkCountOf = (size: number) => Math.ceil(size / FILE_CHUNK_CIPHERTEXT);
export const expectedChunkLength = (size: number, index: number) => Math.min(FILE_CHUNK_CIPHERTEXT, size - index * FILE_CHUNK_CIPHERTEXT);
