// Encrypted files: chunked, resumable uploads of ciphertext (4 MiB + 16 bytes per chunk, up to 5 GB of
// plaintext) into the blob store, downloads for members of a conversation that references the file,
// and garbage collection of files no message references any more. The server never holds more than
// one chunk in memory and never sees a file key.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { FILE_CHUNK_CIPHERTEXT, FILE_CHUNK_PLAINTEXT, MAX_FILE_BYTES, type FileStatus, type Policy } from '@enclave/protocol';
import { BlobIntegrityError, type BlobStore } from '../../infra/blobs/index.js';
import type { Database } from '../../infra/schema.js';
import { requireMembership } from './conversations.js';
import { fail } from '../../kernel/member-errors.js';
import { requireFederatedPeers } from '../../domain/federation/federation.js';
import type { Member } from './member-auth.js';
import { isRetentionBot } from './retention.js';

type Db = Kysely<Database>;

/** Largest ciphertext a 5 GB file encrypts to. */
export const MAX_CIPHERTEXT_BYTES = MAX_FILE_BYTES + 16 * Math.ceil(MAX_FILE_BYTES / FILE_CHUNK_PLAINTEXT);
/** Uploads never completed or never sent are removed after this long. */
export const ABANDONED_UPLOAD_MS = 24 * 60 * 60_000;

export const newFileId = () => `f${randomBytes(16).toString('base64url')}`;
const chunkCountOf = (size: number) => Math.ceil(size / FILE_CHUNK_CIPHERTEXT);
export const expectedChunkLength = (size: number, index: number) => Math.min(FILE_CHUNK_CIPHERTEXT, size - index * FILE_CHUNK_CIPHERTEXT);

export async function createFile(db: Db, member: Member, req: { size: number; conv: string }, policy: Policy, now: number): Promise<FileStatus> {
  if (!policy.filesEnabled) throw fail('files_disabled');
  if (req.size > MAX_CIPHERTEXT_BYTES) throw fail('too_large', 'Files can be at most 5 GB.');
  await requireMembership(db, member, req.conv);
  await requireFederatedPeers(db, member, req.conv);
  const fileId = newFileId();
  const chunkCount = chunkCountOf(req.size);
  await db.insertInto('files').values({ file_id: fileId, network_id: member.networkId, uploader_user_id: member.userId, conv_id: req.conv, size: req.size, chunk_count: chunkCount, complete: 0, referenced: 0, created_at: now }).execute();
  return { fileId, size: req.size, chunkSize: FILE_CHUNK_CIPHERTEXT, chunkCount, received: [], complete: false };
}

async function ownFile(db: Db, member: Member, fileId: string) {
  const row = await db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  if (!row || row.network_id !== member.networkId || row.uploader_user_id !== member.userId) throw fail('not_found', 'File not found.');
  return row;
}

export async function putChunk(db: Db, blobs: BlobStore, member: Member, fileId: string, index: number, body: Uint8Array, sha256Hex: string | undefined, policy: Policy): Promise<void> {
  if (!policy.filesEnabled) throw fail('files_disabled');
  const row = await ownFile(db, member, fileId);
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

export async function fileStatus(db: Db, blobs: BlobStore, member: Member, fileId: string): Promise<FileStatus> {
  const row = await ownFile(db, member, fileId);
  const received = await blobs.listChunks(fileId);
  return { fileId, size: row.size, chunkSize: FILE_CHUNK_CIPHERTEXT, chunkCount: row.chunk_count, received, complete: row.complete === 1 };
}

export async function completeFile(db: Db, blobs: BlobStore, member: Member, fileId: string): Promise<FileStatus> {
  const status = await fileStatus(db, blobs, member, fileId);
  if (status.complete) return status;
  const missing: number[] = [];
  const have = new Set(status.received);
  for (let i = 0; i < status.chunkCount && missing.length < 20; i++) if (!have.has(i)) missing.push(i);
  if (missing.length > 0) throw fail('conflict', `Chunks missing: ${missing.join(', ')}${missing.length === 20 ? ', …' : ''}.`);
  const stored = await blobs.blobSize(fileId);
  if (stored !== status.size) throw fail('integrity', `The stored chunks hold ${stored} bytes, not ${status.size}.`);
  await db.updateTable('files').set({ complete: 1 }).where('file_id', '=', fileId).execute();
  return { ...status, complete: true };
}

/** A member may download a file their own upload or a message of one of their conversations references. */
export async function requireDownload(db: Db, member: Member, fileId: string, index: number): Promise<{ length: number }> {
  const row = await db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  // A file of another network is reachable through a federated conversation that references it.
  if (!row || row.complete !== 1 || (row.network_id !== member.networkId && isRetentionBot(member))) throw fail('not_found', 'File not found.');
  if (isRetentionBot(member)) {
    // The retention bot archives every file a message of its network references.
    const ref = await db.selectFrom('file_refs').select('file_id').where('file_id', '=', fileId).executeTakeFirst();
    if (!ref) throw fail('not_found', 'File not found.');
  } else if (row.uploader_user_id !== member.userId || row.network_id !== member.networkId) {
    const ref = await db
      .selectFrom('file_refs as r')
      .innerJoin('conversation_members as cm', 'cm.conv_id', 'r.conv_id')
      .innerJoin('conv_messages as m', (j) => j.onRef('m.conv_id', '=', 'r.conv_id').onRef('m.seq', '=', 'r.seq'))
      .select('r.file_id')
      .where('r.file_id', '=', fileId)
      .where('cm.network_id', '=', member.networkId)
      .where('cm.user_id', '=', member.userId)
      .executeTakeFirst();
    if (!ref) throw fail('not_found', 'File not found.');
  }
  if (!Number.isInteger(index) || index < 0 || index >= row.chunk_count) throw fail('bad_request', `Chunk index must be between 0 and ${row.chunk_count - 1}.`);
  return { length: expectedChunkLength(row.size, index) };
}

/**
 * Deletes blobs nobody needs: files whose every referencing message is gone (expired, burned,
 * deleted, conversation deleted) and uploads never sent within a day. Returns the deleted file IDs.
 */
export async function collectFiles(db: Db, blobs: BlobStore, now: number): Promise<string[]> {
  // References of messages that no longer exist (deleted conversations cascade the messages only).
  await db
    .deleteFrom('file_refs')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conv_messages as m').select('m.seq').whereRef('m.conv_id', '=', 'file_refs.conv_id').whereRef('m.seq', '=', 'file_refs.seq'))))
    .execute();
  const orphans = await db
    .selectFrom('files as f')
    .select('f.file_id')
    .where(({ or, and, eb, not, exists, selectFrom }) =>
      or([
        and([eb('f.referenced', '=', 1), not(exists(selectFrom('file_refs as r').select('r.file_id').whereRef('r.file_id', '=', 'f.file_id')))]),
        and([eb('f.referenced', '=', 0), eb('f.created_at', '<=', now - ABANDONED_UPLOAD_MS)]),
        // The network was deleted.
        not(exists(selectFrom('networks as n').select('n.network_id').whereRef('n.network_id', '=', 'f.network_id'))),
      ]),
    )
    .limit(500)
    .execute();
  const ids = orphans.map((o) => o.file_id);
  for (const id of ids) {
    await blobs.deleteBlob(id);
    await db.deleteFrom('files').where('file_id', '=', id).execute();
  }
  return ids;
}
