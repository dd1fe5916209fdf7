// Versioned schema migrations, run at start by Kysely's Migrator. Written with the schema builder
// only, so each migration runs unchanged on SQLite and PostgreSQL. Never edit a released migration:
// add a new one.
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { migration0010DeviceLists } from './migration-0010-device-lists.js';

const bool = 'integer' as const;

const m0001: Migration = {
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
const m0002: Migration = {
  async up(db: Kysely<unknown>) {
    // IAM users, groups and roles are principals (table principals, kind IAMUser / IAMGroup / IAMRole);
    // this table holds what only users have.
    await db.schema
      .createTable('iam_user_logins')
      .addColumn('principal_id', 'text', (c) => c.primaryKey().references('principals.principal_id').onDelete('cascade'))
      .addColumn('password_hash', 'text')
      .addColumn('mfa_secret_sealed', 'text')
      .addColumn('mfa_enabled', bool, (c) => c.notNull().defaultTo(0))
      .addColumn('password_changed_at', 'bigint')
      .execute();
    await db.schema
      .createTable('iam_group_members')
      .addColumn('group_principal_id', 'text', (c) => c.notNull().references('principals.principal_id').onDelete('cascade'))
      .addColumn('user_principal_id', 'text', (c) => c.notNull().references('principals.principal_id').onDelete('cascade'))
      .addPrimaryKeyConstraint('iam_group_members_pk', ['group_principal_id', 'user_principal_id'])
      .execute();
    await db.schema
      .createTable('iam_policies')
      .addColumn('policy_arn', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text')
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('policy_name', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('default_version_id', 'text', (c) => c.notNull())
      .addColumn('next_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('iam_policy_versions')
      .addColumn('policy_arn', 'text', (c) => c.notNull().references('iam_policies.policy_arn').onDelete('cascade'))
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('iam_policy_versions_pk', ['policy_arn', 'version_id'])
      .execute();
    await db.schema
      .createTable('iam_policy_attachments')
      .addColumn('policy_arn', 'text', (c) => c.notNull().references('iam_policies.policy_arn').onDelete('cascade'))
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.principal_id').onDelete('cascade'))
      .addPrimaryKeyConstraint('iam_policy_attachments_pk', ['policy_arn', 'principal_id'])
      .execute();
    await db.schema.createIndex('iam_policy_attachments_principal').on('iam_policy_attachments').columns(['principal_id']).execute();
    await db.schema
      .createTable('iam_inline_policies')
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.principal_id').onDelete('cascade'))
      .addColumn('policy_name', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('iam_inline_policies_pk', ['principal_id', 'policy_name'])
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('session_hash', 'text', (c) => c.primaryKey())
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.principal_id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('csrf_hash', 'text', (c) => c.notNull())
      .addColumn('mfa_authenticated', bool, (c) => c.notNull())
      .addColumn('source_ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('event_time', 'bigint', (c) => c.notNull())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('read_only', bool, (c) => c.notNull())
      .addColumn('principal_arn', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('record', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_time').on('audit_events').columns(['account_id', 'event_time']).execute();
    await db.schema.createIndex('audit_events_name').on('audit_events').columns(['account_id', 'event_name', 'event_time']).execute();
    await db.schema.createIndex('audit_events_principal').on('audit_events').columns(['account_id', 'principal_arn', 'event_time']).execute();
    // Delivery of log files and digests: how far each account's trail has been written out.
    await db.schema
      .createTable('audit_deliveries')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('delivered_seq', 'bigint', (c) => c.notNull())
      .addColumn('last_digest_at', 'bigint')
      .addColumn('last_digest_signature', 'text')
      .addColumn('last_digest_hash', 'text')
      .addColumn('last_digest_key', 'text')
      .execute();
    await db.schema
      .createTable('audit_log_files')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('object_key', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('first_event_time', 'bigint', (c) => c.notNull())
      .addColumn('last_event_time', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint', (c) => c.notNull())
      .addColumn('in_digest', bool, (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_files_pk', ['account_id', 'object_key'])
      .execute();
    await sql`insert into counters (name, value) values ('audit_seq', 0)`.execute(db);
  },
};


// Messaging (issue 4): member accounts and devices with their public keys, member sessions, device
// approval and password reset codes, conversations with one sequence each, messages stored once
// (pairwise parts per device beside them), per-device cursors, and encrypted files. Ciphertext only.
const m0003: Migration = {
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
const m0004: Migration = {
  async up(db) {
    await db.schema.alterTable('networks').addColumn('consent_enabled', bool, (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('networks').addColumn('consent_title', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('networks').addColumn('consent_body', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('networks').addColumn('consent_button', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('networks').addColumn('consent_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('networks').addColumn('idle_timeout_minutes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    // When an IAM user's MFA device was enabled (ListMFADevices EnableDate).
    await db.schema.alterTable('iam_user_logins').addColumn('mfa_enabled_at', 'bigint').execute();
  },
};

// Outgoing mail (issue 6): a durable queue, so an invitation acknowledged by BatchCreateUser or
// BatchReinviteUser is delivered even when the SMTP server is down at the time. A row is claimed
// with a lease (lease_owner, lease_until) by one node at a time; attempts back off exponentially.
// Registration pages look invitations up by their code (users_invite_code).
const m0005: Migration = {
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
const m0006: Migration = {
  async up(db) {
    await db.schema.alterTable('networks').addColumn('classification_boundary', 'text', (c) => c.notNull().defaultTo('')).execute();
  },
};

// Single sign-on for members (issue 8, docs/sso.md). sso_logins: one row per authorization request
// in flight (state, nonce and the PKCE verifier, sealed; then the one-time ticket the messenger trades
// for a session). sso_sessions: the IdP side of a member session signed in with SSO (the refresh
// token sealed at rest, when the next refresh is due, since when refreshing fails, last activity).
const m0007: Migration = {
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
const m0008: Migration = {
  async up(db) {
    await db.schema.createIndex('conv_messages_bor').on('conv_messages').columns(['conv_id', 'seq']).where(sql.ref('bor'), 'is not', null).execute();
  },
};

// Retention holds (issue 7): a message deleted for everyone while a data retention bot has not yet
// received it is withdrawn (deleted_at) instead of deleted: members no longer get it, the bot still
// does, and the expiry job deletes it once every retention device is past it. A conversation deleted
// (or left by its last member) in that state is retired the same way: no members, the bot still
// reads it to its end. The partial indexes keep that job's look for them off the whole tables.
const m0009: Migration = {
  async up(db) {
    await db.schema.alterTable('conv_messages').addColumn('deleted_at', 'bigint').execute();
    await db.schema.createIndex('conv_messages_withdrawn').on('conv_messages').columns(['conv_id', 'seq']).where(sql.ref('deleted_at'), 'is not', null).execute();
    await db.schema.alterTable('conversations').addColumn('deleted_at', 'bigint').execute();
    await db.schema.createIndex('conversations_retired').on('conversations').columns(['conv_id']).where(sql.ref('deleted_at'), 'is not', null).execute();
  },
};

export const migrations: Record<string, Migration> = {
  '0001_control_plane': m0001,
  '0002_iam_audit_sessions': m0002,
  '0003_messaging': m0003,
  '0004_network_policies': m0004,
  '0005_mail_queue': m0005,
  '0006_federation_boundary': m0006,
  '0007_sso_sign_in': m0007,
  '0008_burn_on_read_index': m0008,
  '0009_retention_holds': m0009,
  '0010_device_lists': migration0010DeviceLists,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
