// Migration 0002_iam_audit_sessions (iam audit sessions). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Kysely, type Migration, sql } from 'kysely';

const bool = 'integer' as const;

const migration: Migration = {
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

export default migration;
