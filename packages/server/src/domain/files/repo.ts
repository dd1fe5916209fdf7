// Encrypted files: the rows of `files` (an upload's size, chunk count, completeness, whether a message
// references it) and `file_refs` (which message records reference which file). The chunks themselves
// are in the blob store (infra/blobs); the server never holds a file key.
import type { Insertable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { FilesTable } from '../../infra/schema.js';

export async function insertFile(tx: WriteTx, row: Insertable<FilesTable>): Promise<void> {
  await tx.insertInto('files').values(row).execute();
}

export async function findFile(tx: ReadTx, fileId: string) {
  return tx.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
}

export async function markFileComplete(tx: WriteTx, fileId: string): Promise<void> {
  await tx.updateTable('files').set({ complete: 1 }).where('file_id', '=', fileId).execute();
}

/** What a send checks of the files it references: complete, and uploaded by the sender in its network. */
export async function findFilesToSend(tx: ReadTx, fileIds: string[]) {
  return tx.selectFrom('files').select(['file_id', 'complete', 'uploader_user_id', 'network_id']).where('file_id', 'in', fileIds).execute();
}

/** Records that message `seq` of a conversation references these files. */
export async function addFileRefs(tx: WriteTx, fileIds: string[], convId: string, seq: number): Promise<void> {
  await tx.insertInto('file_refs').values(fileIds.map((f) => ({ file_id: f, conv_id: convId, seq }))).execute();
  await tx.updateTable('files').set({ referenced: 1 }).where('file_id', 'in', fileIds).execute();
}

/** Drops the references of a deleted record. */
export async function deleteFileRefs(tx: WriteTx, convId: string, seq: number): Promise<void> {
  await tx.deleteFrom('file_refs').where('conv_id', '=', convId).where('seq', '=', seq).execute();
}

/** Does any message reference the file? */
export async function isFileReferenced(tx: ReadTx, fileId: string): Promise<boolean> {
  return (await tx.selectFrom('file_refs').select('file_id').where('file_id', '=', fileId).executeTakeFirst()) !== undefined;
}

/** Does a message of a conversation the member is in reference the file? */
export async function isFileReferencedFor(tx: ReadTx, fileId: string, member: { networkId: string; userId: number }): Promise<boolean> {
  const ref = await tx
    .selectFrom('file_refs as r')
    .innerJoin('conversation_members as cm', 'cm.conv_id', 'r.conv_id')
    .innerJoin('conv_messages as m', (j) => j.onRef('m.conv_id', '=', 'r.conv_id').onRef('m.seq', '=', 'r.seq'))
    .select('r.file_id')
    .where('r.file_id', '=', fileId)
    .where('cm.network_id', '=', member.networkId)
    .where('cm.user_id', '=', member.userId)
    .executeTakeFirst();
  return ref !== undefined;
}

/** Deletes the references of messages that no longer exist (deleted conversations cascade the messages only). */
export async function deleteDanglingFileRefs(tx: WriteTx): Promise<void> {
  await tx
    .deleteFrom('file_refs')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conv_messages as m').select('m.seq').whereRef('m.conv_id', '=', 'file_refs.conv_id').whereRef('m.seq', '=', 'file_refs.seq'))))
    .execute();
}

/**
 * Files nobody needs (up to `limit`): referenced once and by no message now, never sent and created
 * at or before `abandonedBefore`, or of a network that was deleted.
 */
export async function listOrphanFiles(tx: ReadTx, abandonedBefore: number, limit: number): Promise<string[]> {
  const orphans = await tx
    .selectFrom('files as f')
    .select('f.file_id')
    .where(({ or, and, eb, not, exists, selectFrom }) =>
      or([
        and([eb('f.referenced', '=', 1), not(exists(selectFrom('file_refs as r').select('r.file_id').whereRef('r.file_id', '=', 'f.file_id')))]),
        and([eb('f.referenced', '=', 0), eb('f.created_at', '<=', abandonedBefore)]),
        // The network was deleted.
        not(exists(selectFrom('networks as n').select('n.network_id').whereRef('n.network_id', '=', 'f.network_id'))),
      ]),
    )
    .limit(limit)
    .execute();
  return orphans.map((o) => o.file_id);
}

export async function deleteFile(tx: WriteTx, fileId: string): Promise<void> {
  await tx.deleteFrom('files').where('file_id', '=', fileId).execute();
}
