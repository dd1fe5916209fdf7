// Migration 0006_federation_boundary (federation boundary). Released: never edit it, add a new migration instead. The file name is
// the name recorded in each database's kysely_migration table.
import { type Migration } from 'kysely';

const migration: Migration = {
  async up(db) {
    await db.schema.alterTable('networks').addColumn('classification_boundary', 'text', (c) => c.notNull().defaultTo('')).execute();
  },
};

// Single sign-on for members (issue 8, docs/sso.md). sso_logins: one row per authorization request
// in flight (state, nonce and the PKCE verifier, sealed; then the one-time ticket the messenger trades
// for a session). sso_sessions: the IdP side of a member session signed in with SSO (the refresh
// token sealed at rest, when the next refresh is due, since when refreshing fails, last activity).

export default migration;
