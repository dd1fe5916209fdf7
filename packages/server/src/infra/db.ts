// Opens the one storage interface (Kysely) on either dialect and brings the schema up to date.
// SQLite (embedded default): WAL journal with synchronous=FULL, so an acknowledged write survives
// a crash. PostgreSQL: a pool; bigint columns are parsed to numbers (all our bigints are epoch
// milliseconds or small ids, far below 2^53).
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, type Migration, type MigrationProvider, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

declare const readable: unique symbol;
declare const writable: unique symbol;
/**
 * A handle that reads: the store itself or any transaction. Repositories' reading functions take it;
 * the brand exists only in types (no runtime cost) and is given by `readTx` / `writeTx` / `inTransaction`.
 */
export type ReadTx = Kysely<Database> & { readonly [readable]: true };
/**
 * A handle inside a write transaction. Repositories' writing functions take only this, so a change
 * cannot be made on a read handle by accident; a WriteTx also reads.
 */
export type WriteTx = Transaction<Database> & { readonly [readable]: true; readonly [writable]: true };

/** The store (or a transaction) as a read handle. */
export const readTx = (db: Kysely<Database>): ReadTx => db as ReadTx;
/** A Kysely transaction as a write handle. */
export const writeTx = (trx: Transaction<Database>): WriteTx => trx as WriteTx;
/**
 * The store used for single autocommitted writes (each statement is its own transaction): only for
 * work that must not hold a transaction open, such as an operation that calls an outside service
 * and then writes one row (its change and idempotency record are then written one after the other).
 */
export const autocommit = (db: Kysely<Database>): WriteTx => db as unknown as WriteTx;
/** Runs `fn` in one transaction of the store. */
export function inTransaction<T>(db: Kysely<Database>, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => fn(trx as WriteTx));
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL connection string; when absent, SQLite in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL only: use (and create) this schema instead of public. */
  schema?: string | undefined;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export async function openStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    store = await openPostgres(options.databaseUrl, options.schema);
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    const file = join(options.dataDir, 'enclave.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Checkpoint the WAL every ~40 MB instead of every 4 MB: hot index pages are then copied into the
    // database once per many commits (a third less time per batch insert at 40k users), and the WAL is
    // truncated back to 64 MB after a checkpoint.
    sqlite.pragma('wal_autocheckpoint = 10000');
    sqlite.pragma('journal_size_limit = 67108864');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    // Keep the query planner's statistics current (SQLite's advice for long-running processes):
    // `PRAGMA optimize` analyzes only the tables whose contents changed enough to matter.
    const optimize = setInterval(() => {
      try {
        sqlite.pragma('optimize');
      } catch {
        // Busy or closing: the next round will do it.
      }
    }, 10 * 60_000);
    optimize.unref();
    store = {
      db,
      dialect: 'sqlite',
      close: async () => {
        clearInterval(optimize);
        try {
          sqlite.pragma('optimize');
        } catch {
          // Closing anyway.
        }
        await db.destroy();
      },
    };
  }
  await migrate(store.db, store.dialect === 'postgres' ? (options.schema ?? 'public') : undefined);
  if (store.dialect === 'sqlite') await sql`PRAGMA optimize=0x10002`.execute(store.db);
  return store;
}

async function openPostgres(url: string, schema: string | undefined): Promise<Store> {
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Fail fast with a clear message when the server is unreachable.
  await pool.query('select 1');
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * One migration per file in infra/migrations/, default-exporting a Kysely Migration, named as it is
 * recorded in the database (`0009_retention_holds.ts`), as Kysely's FileMigrationProvider reads a
 * folder. Ours imports from this module so that the test runner's loader handles the TypeScript sources.
 */
const migrationsDir = new URL('./migrations/', import.meta.url);
const migrationProvider: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(fileURLToPath(migrationsDir)).sort()) {
      if (!/^\d{4}_[a-z0-9_]+\.(ts|js)$/.test(file)) continue; // not .d.ts or .js.map
      const mod = (await import(new URL(file, migrationsDir).href)) as { default: Migration };
      migrations[file.replace(/\.(ts|js)$/, '')] = mod.default;
    }
    return migrations;
  },
};

async function migrate(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** Drops a PostgreSQL schema made for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
}
