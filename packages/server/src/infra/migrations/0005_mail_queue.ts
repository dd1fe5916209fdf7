// Migration 0005_mail_queue (mail queue). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration } from 'kysely';

const migration: Migration = {
  async up(db) {
    await db.schema
      .createTable('mail_queue')
      .addColumn('mail_id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('network_id', 'text', (c) => c.references('networks.network_id').onDelete('cascade'))
      .addColumn('user_id', 'bigint')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('mail_queue_due').on('mail_queue').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('mail_queue_user').on('mail_queue').columns(['network_id', 'user_id']).execute();
    await db.schema.createIndex('users_invite_code').on('users').columns(['invite_code']).execute();
  },
};

// The classification boundary of a network (GovCloud 跨邊界分類, an extension: docs/api-compat.md):
// '' follows the server's region (GOVCLOUD in us-gov-* regions), else 'GOVCLOUD' or 'COMMERCIAL'.
// Conversation members are stored with their own network (local federation), so members of a
// conversation may come from several networks.

export default migration;
