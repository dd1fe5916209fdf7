// Migration 0010: signed device lists (docs/protocol.md, "Device lists and safety numbers"). One row
// per list an account's device published: the chain since the account's last first list is served to
// clients, who verify it; `first_version` is the version of the first list of the row's chain.
// Schema builder only: runs unchanged on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';

export const migration0010DeviceLists: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('device_lists')
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('first_version', 'bigint', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('signer_device_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_lists_pk', ['user_id', 'network_id', 'version'])
      .execute();
  },
};
