// Migration 0008_burn_on_read_index (burn on read index). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration, sql } from 'kysely';

const migration: Migration = {
  async up(db) {
    await db.schema.createIndex('conv_messages_bor').on('conv_messages').columns(['conv_id', 'seq']).where(sql.ref('bor'), 'is not', null).execute();
  },
};

// Retention holds (issue 7): a message deleted for everyone while a data retention bot has not yet
// received it is withdrawn (deleted_at) instead of deleted: members no longer get it, the bot still
// does, and the expiry job deletes it once every retention device is past it. A conversation deleted
// (or left by its last member) in that state is retired the same way: no members, the bot still
// reads it to its end. The partial indexes keep that job's look for them off the whole tables.

export default migration;
