// Migration 0007_sso_sign_in (sso sign in). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration } from 'kysely';

const migration: Migration = {
  async up(db) {
    await db.schema
      .createTable('sso_logins')
      .addColumn('state', 'text', (c) => c.primaryKey())
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('secrets_ciphertext', 'text', (c) => c.notNull())
      .addColumn('binding_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('ticket_hash', 'text')
      .addColumn('user_id', 'bigint')
      .addColumn('tokens_ciphertext', 'text')
      .execute();
    await db.schema.createIndex('sso_logins_ticket').on('sso_logins').columns(['ticket_hash']).execute();
    await db.schema
      .createTable('sso_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey().references('member_sessions.token_hash').onDelete('cascade'))
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('refresh_ciphertext', 'text')
      .addColumn('refresh_due_at', 'bigint')
      .addColumn('refresh_failed_since', 'bigint')
      .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_sessions_user').on('sso_sessions').columns(['network_id', 'user_id']).execute();
  },
};

// The expiry job asks every second for burn-on-read messages every device has read: without an index
// that was a scan of every stored message (a retention bot's million-message backlog made the
// server spend ~40 % of its time there). A partial index holds only burn-on-read messages.

export default migration;
