// Migration 0009_retention_holds (retention holds). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration, sql } from 'kysely';

const migration: Migration = {
  async up(db) {
    await db.schema.alterTable('conv_messages').addColumn('deleted_at', 'bigint').execute();
    await db.schema.createIndex('conv_messages_withdrawn').on('conv_messages').columns(['conv_id', 'seq']).where(sql.ref('deleted_at'), 'is not', null).execute();
    await db.schema.alterTable('conversations').addColumn('deleted_at', 'bigint').execute();
    await db.schema.createIndex('conversations_retired').on('conversations').columns(['conv_id']).where(sql.ref('deleted_at'), 'is not', null).execute();
  },
};

export default migration;
