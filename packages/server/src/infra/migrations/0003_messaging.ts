// Migration 0003_messaging (messaging). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration } from 'kysely';

const bool = 'integer' as const;

const migration: Migration = {
  async up(db) {
    await db.schema
      .createTable('member_accounts')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .addColumn('recovery_key_hash', 'text')
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_accounts_pk', ['network_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('device_keys')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('approved', bool, (c) => c.notNull())
      .addColumn('revoked', bool, (c) => c.notNull().defaultTo(0))
      .addColumn('identity_sign_pub', 'text', (c) => c.notNull())
      .addColumn('identity_dh_pub', 'text', (c) => c.notNull())
      .addColumn('spk_id', 'bigint', (c) => c.notNull())
      .addColumn('spk_pub', 'text', (c) => c.notNull())
      .addColumn('spk_kem_pub', 'text', (c) => c.notNull())
      .addColumn('spk_signature', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('device_keys_user').on('device_keys').columns(['network_id', 'user_id']).execute();
    await db.schema
      .createTable('one_time_prekeys')
      .addColumn('device_id', 'text', (c) => c.notNull().references('device_keys.device_id').onDelete('cascade'))
      .addColumn('key_id', 'bigint', (c) => c.notNull())
      .addColumn('dh_pub', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('one_time_prekeys_pk', ['device_id', 'key_id'])
      .execute();
    await db.schema
      .createTable('member_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull().references('device_keys.device_id').onDelete('cascade'))
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .execute();
    await db.schema.createIndex('member_sessions_user').on('member_sessions').columns(['network_id', 'user_id']).execute();
    await db.schema
      .createTable('member_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('conversations')
      .addColumn('conv_id', 'text', (c) => c.primaryKey())
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('dm_key', 'text', (c) => c.unique())
      .execute();
    await db.schema
      .createTable('conversation_members')
      .addColumn('conv_id', 'text', (c) => c.notNull().references('conversations.conv_id').onDelete('cascade'))
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_members_pk', ['conv_id', 'network_id', 'user_id'])
      .execute();
    await db.schema.createIndex('conversation_members_user').on('conversation_members').columns(['network_id', 'user_id']).execute();
    await db.schema
      .createTable('conv_messages')
      .addColumn('conv_id', 'text', (c) => c.notNull().references('conversations.conv_id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('sender_user_id', 'bigint', (c) => c.notNull())
      .addColumn('sender_device_id', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('bor', 'bigint')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('files', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conv_messages_pk', ['conv_id', 'seq'])
      .addUniqueConstraint('conv_messages_message_id', ['conv_id', 'message_id'])
      .execute();
    await db.schema.createIndex('conv_messages_expiry').on('conv_messages').columns(['expires_at']).execute();
    await db.schema
      .createTable('conv_message_parts')
      .addColumn('conv_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conv_message_parts_pk', ['conv_id', 'seq', 'device_id'])
      .addForeignKeyConstraint('conv_message_parts_msg', ['conv_id', 'seq'], 'conv_messages', ['conv_id', 'seq'], (c) => c.onDelete('cascade'))
      .execute();
    await db.schema
      .createTable('device_cursors')
      .addColumn('device_id', 'text', (c) => c.notNull().references('device_keys.device_id').onDelete('cascade'))
      .addColumn('conv_id', 'text', (c) => c.notNull().references('conversations.conv_id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_cursors_pk', ['device_id', 'conv_id'])
      .execute();
    await db.schema.createIndex('device_cursors_conv').on('device_cursors').columns(['conv_id']).execute();
    await db.schema
      .createTable('files')
      .addColumn('file_id', 'text', (c) => c.primaryKey())
      .addColumn('network_id', 'text', (c) => c.notNull())
      .addColumn('uploader_user_id', 'bigint', (c) => c.notNull())
      .addColumn('conv_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('chunk_count', 'integer', (c) => c.notNull())
      .addColumn('complete', bool, (c) => c.notNull())
      .addColumn('referenced', bool, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('file_refs')
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('conv_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('file_refs_pk', ['file_id', 'conv_id', 'seq'])
      .execute();
    await db.schema.createIndex('file_refs_msg').on('file_refs').columns(['conv_id', 'seq']).execute();
  },
};

// Network policies without a model member (docs/api-compat.md): the consent pop-up and the idle
// session timeout. consent_version moves whenever the pop-up's content changes (members see it again).

export default migration;
