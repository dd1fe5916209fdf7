// Encrypted files: chunked, resumable uploads of ciphertext (4 MiB + 16 bytes per chunk, up to 5 GB of
// plaintext) into the blob store, downloads for members of a conversation that references the file,
// and garbage collection of files no message references any more. The server never holds more than
// one chunk in memory and never sees a file key.
import { FILE_CHUNK_CIPHERTEXT, type FileStatus, type Policy } from '@enclave/protocol';
import { BlobIntegrityError, type BlobStore } from '../../infra/blobs/index.js';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import * as repo from '../../domain/files/repo.js';
import { ABANDONED_UPLOAD_MS, chunkCountOf, expectedChunkLength, MAX_CIPHERTEXT_BYTES, newFileId } from '../../domain/files/rules.js';
import { isRetentionBot } from '../../domain/retention/rules.js';
import { fail } from '../../kernel/member-errors.js';
import { requireMembership } from './conversations.js';
import { requireFederatedPeers } from './federation.js';
import type { Member } from './member-auth.js';

/** Starts an upload (an autocommitted insert: `tx` may be the store's autocommit handle). */
export async function createFile(tx: WriteTx, member: Member, req: { size: number; conv: string }, policy: Policy, now: number): Promise<FileStatus> {
  if (!policy.filesEnabled) throw fail('files_disabled');
  if (req.size > MAX_CIPHERTEXT_BYTES) throw fail('too_large', 'Files can be at most 5 GB.');
  await requireMembership(tx, member, req.conv);
  await requireFederatedPeers(tx, member, req.conv);
  const fileId = newFileId();
  const chunkCount = chunkCountOf(req.size);
  await repo.insertFile(tx, { file_id: fileId, network_id: member.networkId, uploader_user_id: member.userId, conv_id: req.conv, size: req.size, chunk_count: chunkCount, complete: 0, referenced: 0, created_at: now });
  return { fileId, size: req.size, chunkSize: FILE_CHUNK_CIPHERTEXT, chunkCount, received: [], complete: false };
}

async function ownFile(tx: ReadTx, member: Member, fileId: string) {
  const row = await repo.findFile(tx, fileId);
  if (!row || row.network_id !== member.networkId || row.uploader_user_id !== member.userId) throw fail('not_found', 'File not found.');
  return row;
}

export async function putChunk(tx: ReadTx, blobs: BlobStore, member: Member, fileId: string, index: number, body: Uint8Array, sha256Hex: string | undefined, policy: Policy): Promise<void> {
  if (!policy.filesEnabled) throw fail('files_disabled');
  const row = await ownFile(tx, member, fileId);
  if (row.complete === 1) throw fail('conflict', 'The upload is already complete.');
  if (!Number.isInteger(index) || index < 0 || index >= row.chunk_count) throw fail('bad_request', `Chunk index must be between 0 and ${row.chunk_count - 1}.`);
  const expected = expectedChunkLength(row.size, index);
  if (body.byteLength !== expected) throw fail('bad_request', `Chunk ${index} must be ${expected} bytes (got ${body.byteLength}).`);
  if (!sha256Hex || !/^[0-9a-f]{64}$/.test(sha256Hex)) throw fail('bad_request', 'The x-enclave-sha256 header (hex SHA-256 of the chunk) is required.');
  try {
    await blobs.putChunk(fileId, index, body, expected, sha256Hex);
  } catch (err) {
    if (err instanceof BlobIntegrityError) throw fail('integrity', `Chunk ${index} does not match its SHA-256 digest; nothing was stored.`);
    throw err;
  }
}

export async function fileStatus(tx: ReadTx, blobs: BlobStore, member: Member, fileId: string): Promise<FileStatus> {
  const row = await ownFile(tx, member, fileId);
  const received = await blobs.listChunks(fileId);
  return { fileId, size: row.size, chunkSize: FILE_CHUNK_CIPHERTEXT, chunkCount: row.chunk_count, received, complete: row.complete === 1 };
}

/** Marks an upload complete once every chunk is stored (an autocommitted update). */
export async function completeFile(tx: WriteTx, blobs: BlobStore, member: Member, fileId: string): Promise<FileStatus> {
  const status = await fileStatus(tx, blobs, member, fileId);
  if (status.complete) return status;
  const missing: number[] = [];
  const have = new Set(status.received);
  for (let i = 0; i < status.chunkCount && missing.length < 20; i++) if (!have.has(i)) missing.push(i);
  if (missing.length > 0) throw fail('conflict', `Chunks missing: ${missing.join(', ')}${missing.length === 20 ? ', …' : ''}.`);
  const stored = await blobs.blobSize(fileId);
  if (stored !== status.size) throw fail('integrity', `The stored chunks hold ${stored} bytes, not ${status.size}.`);
  await repo.markFileComplete(tx, fileId);
  return { ...status, complete: true };
}

/** A member may download a file their own upload or a message of one of their conversations references. */
export async function requireDownload(tx: ReadTx, member: Member, fileId: string, index: number): Promise<{ length: number }> {
  const row = await repo.findFile(tx, fileId);
  // A file of another network is reachable through a federated conversation that references it.
  if (!row || row.complete !== 1 || (row.network_id !== member.networkId && isRetentionBot(member))) throw fail('not_found', 'File not found.');
  if (isRetentionBot(member)) {
    // The retention bot archives every file a message of its network references.
    if (!(await repo.isFileReferenced(tx, fileId))) throw fail('not_found', 'File not found.');
  } else if (row.uploader_user_id !== member.userId || row.network_id !== member.networkId) {
    if (!(await repo.isFileReferencedFor(tx, fileId, member))) throw fail('not_found', 'File not found.');
  }
  if (!Number.isInteger(index) || index < 0 || index >= row.chunk_count) throw fail('bad_request', `Chunk index must be between 0 and ${row.chunk_count - 1}.`);
  return { length: expectedChunkLength(row.size, index) };
}

/**
 * Deletes blobs nobody needs: files whose every referencing message is gone (expired, burned,
 * deleted, conversation deleted) and uploads never sent within a day. Returns the deleted file IDs.
 */
export async function collectFiles(tx: WriteTx, blobs: BlobStore, now: number): Promise<string[]> {
  // References of messages that no longer exist (deleted conversations cascade the messages only).
  await repo.deleteDanglingFileRefs(tx);
  const ids = await repo.listOrphanFiles(tx, now - ABANDONED_UPLOAD_MS, 500);
  for (const id of ids) {
    await blobs.deleteBlob(id);
    await repo.deleteFile(tx, id);
  }
  return ids;
}
