// Migration 0001_control_plane (control plane). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Kysely, type Migration, sql } from 'kysely';

const bool = 'integer' as const;

const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('premium_trial_used', bool, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('principals')
      .addColumn('principal_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('arn', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('access_keys')
      .addColumn('access_key_id', 'text', (c) => c.primaryKey())
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.principal_id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema
      .createTable('networks')
      .addColumn('network_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('network_name', 'text', (c) => c.notNull())
      .addColumn('access_level', 'text', (c) => c.notNull())
      .addColumn('premium_free_trial', bool, (c) => c.notNull())
      .addColumn('free_trial_expiration', 'bigint')
      .addColumn('standing', 'integer', (c) => c.notNull())
      .addColumn('migration_state', 'integer', (c) => c.notNull())
      .addColumn('encryption_key_arn', 'text')
      .addColumn('enable_client_metrics', bool, (c) => c.notNull())
      .addColumn('read_receipt_status', 'text', (c) => c.notNull())
      .addColumn('data_retention', bool, (c) => c.notNull())
      .addColumn('enable_trusted_data_format', bool, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('networks_account').on('networks').columns(['account_id', 'network_id']).execute();
    await db.schema
      .createTable('network_tags')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('tag_value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('network_tags_pk', ['network_id', 'tag_key'])
      .execute();
    await db.schema
      .createTable('security_groups')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('is_default', bool, (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('security_groups_pk', ['network_id', 'group_id'])
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('first_name_lc', 'text', (c) => c.notNull())
      .addColumn('last_name_lc', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('suspended', bool, (c) => c.notNull())
      .addColumn('is_admin', bool, (c) => c.notNull())
      .addColumn('security_group_id', 'text', (c) => c.notNull())
      .addColumn('invite_code', 'text', (c) => c.notNull())
      .addColumn('invite_expiration', 'bigint', (c) => c.notNull())
      .addColumn('code_validation', bool, (c) => c.notNull())
      .addColumn('uname', 'text', (c) => c.notNull())
      .addColumn('cell', 'text', (c) => c.notNull())
      .addColumn('country_code', 'text', (c) => c.notNull())
      .addColumn('otp_enabled', bool, (c) => c.notNull())
      .addColumn('challenge_failures', 'integer', (c) => c.notNull())
      .addColumn('rejected', bool, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .addColumn('last_login', 'bigint')
      .addColumn('last_activity', 'bigint')
      .addPrimaryKeyConstraint('users_pk', ['network_id', 'user_id'])
      .execute();
    await db.schema.createIndex('users_username').unique().on('users').columns(['network_id', 'username']).execute();
    await db.schema.createIndex('users_uname').on('users').columns(['network_id', 'uname']).execute();
    await db.schema.createIndex('users_status').on('users').columns(['network_id', 'status', 'username']).execute();
    await db.schema.createIndex('users_group').on('users').columns(['network_id', 'security_group_id', 'username']).execute();
    await db.schema.createIndex('users_first').on('users').columns(['network_id', 'first_name_lc', 'user_id']).execute();
    await db.schema.createIndex('users_last').on('users').columns(['network_id', 'last_name_lc', 'user_id']).execute();
    await db.schema
      .createTable('bots')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('bot_id', 'bigint', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('uname', 'text', (c) => c.notNull())
      .addColumn('pubkey', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('challenge_hash', 'text', (c) => c.notNull())
      .addColumn('suspended', bool, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login', 'bigint')
      .addPrimaryKeyConstraint('bots_pk', ['network_id', 'bot_id'])
      .execute();
    await db.schema.createIndex('bots_username').unique().on('bots').columns(['network_id', 'username']).execute();
    await db.schema
      .createTable('devices')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login', 'bigint')
      .addPrimaryKeyConstraint('devices_pk', ['network_id', 'user_id', 'app_id'])
      .execute();
    await db.schema
      .createTable('guest_users')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('username_hash', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('billing_period', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('guest_users_pk', ['network_id', 'username_hash', 'billing_period'])
      .execute();
    await db.schema
      .createTable('guest_blocks')
      .addColumn('network_id', 'text', (c) => c.notNull().references('networks.network_id').onDelete('cascade'))
      .addColumn('username_hash', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('admin', 'text', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('guest_blocks_pk', ['network_id', 'username_hash'])
      .execute();
    await db.schema
      .createTable('oidc_configs')
      .addColumn('network_id', 'text', (c) => c.primaryKey().references('networks.network_id').onDelete('cascade'))
      .addColumn('company_id', 'text', (c) => c.notNull().unique())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('secret_ciphertext', 'text')
      .addColumn('custom_username', 'text', (c) => c.notNull())
      .addColumn('extra_auth_params', 'text', (c) => c.notNull())
      .addColumn('sso_token_buffer_minutes', 'integer')
      .addColumn('application_id', 'integer', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('tdf_configs')
      .addColumn('network_id', 'text', (c) => c.primaryKey().references('networks.network_id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('retention_bots')
      .addColumn('network_id', 'text', (c) => c.primaryKey().references('networks.network_id').onDelete('cascade'))
      .addColumn('bot_name', 'text', (c) => c.notNull())
      .addColumn('challenge_hash', 'text')
      .addColumn('registered', bool, (c) => c.notNull())
      .addColumn('active', bool, (c) => c.notNull())
      .addColumn('pubkey_acked', bool, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('idempotency_records')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('client_token', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('response_body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_pk', ['account_id', 'operation', 'client_token'])
      .execute();
    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into counters (name, value) values ('user_id', 1000), ('bot_id', 1000)`.execute(db);
  },
};


// Identity and access (IAM principals, policies), console sessions and the CloudTrail-format audit trail.

export default migration;
