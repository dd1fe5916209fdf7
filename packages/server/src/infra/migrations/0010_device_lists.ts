// Migration 0010_device_lists (signed device lists: docs/protocol.md, "Device lists and safety
// numbers"). One row per list an account's device published; the chain since the account's last first
// list is served to clients, who verify it; `first_version` is the version of the first list of the
// row's chain. Released: never edit it, add a new migration instead. The file name is the name
// recorded in each database's kysely_migration table.
import type { Kysely, Migration } from 'kysely';

const migration: Migration = {
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

export default migration;
