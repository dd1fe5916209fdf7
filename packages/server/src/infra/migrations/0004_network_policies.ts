// Migration 0004_network_policies (network policies). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration } from 'kysely';

const bool = 'integer' as const;

const migration: Migration = {
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

export default migration;
