// `enclave serve`: loads the configuration (flags over ENCLAVE_* variables), starts the server, shows
// the bootstrap credentials once on first start, and on SIGTERM/SIGINT drains in-flight requests and
// closes the database before exiting 0. A bad setting stops it with a message naming the setting.
import type { EnclaveServer, ServerConfig } from '@enclave/server';
import type { Command } from 'commander';
import { errorMessage } from './errors.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  region?: string;
  logLevel?: string;
}

const DB_SETTING = '--database-url / ENCLAVE_DATABASE_URL';
const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE'];

/** The database URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) return err.errors.map(codeOf).find(Boolean);
  return undefined;
}

/** Names the setting behind a failure to create the server. */
export function describeStartupError(err: unknown, config: ServerConfig): string {
  const msg = errorMessage(err);
  const code = codeOf(err);
  const path = (err as { path?: unknown })?.path;
  const fromDatabase =
    (code !== undefined && (NETWORK_CODES.includes(code) || /^[0-9A-Z]{5}$/.test(code))) ||
    err instanceof AggregateError ||
    /SASL|connection terminated|password|database|timeout/i.test(msg);
  if (config.databaseUrl && fromDatabase && typeof path !== 'string') {
    return `cannot use the database at ${redactUrl(config.databaseUrl)} (${DB_SETTING}): ${msg}`;
  }
  if (typeof path === 'string' || code?.startsWith('SQLITE_')) {
    return `cannot use the data directory ${config.dataDir} (--data-dir / ENCLAVE_DATA_DIR): ${msg}`;
  }
  return `cannot start: ${msg}`;
}

export function describeListenError(err: unknown, config: ServerConfig): string {
  const code = codeOf(err);
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the port is already in use (--port / ENCLAVE_PORT)`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (--port / ENCLAVE_PORT)`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot listen on ${where}: no such local address (--host / ENCLAVE_HOST)`;
  return `cannot listen on ${where} (--host / --port): ${errorMessage(err)}`;
}

export function bootstrapBanner(server: EnclaveServer, url: string): string | undefined {
  const b = server.bootstrap;
  if (!b.created) return undefined;
  if (!b.secretAccessKey) return `Created account ${b.accountId} with the access key ${b.accessKeyId} from ENCLAVE_ROOT_ACCESS_KEY_ID.\n`;
  const rule = '='.repeat(78);
  const region = server.config.region;
  return [
    rule,
    'First start: Enclave created an account and its root access key.',
    '',
    `  Account ID:          ${b.accountId}`,
    `  Access key ID:       ${b.accessKeyId}`,
    `  Secret access key:   ${b.secretAccessKey}`,
    '',
    'The secret access key is shown only this once. It is also written to',
    `  ${b.credentialsFile} (mode 0600)`,
    'Keep that file safe or delete it once the key is stored elsewhere.',
    '',
    'With the AWS CLI: run `aws configure` and enter the access key ID, the secret',
    `access key and the region ${region}, then call the server with --endpoint-url:`,
    `  aws wickr list-networks --endpoint-url ${url} --region ${region}`,
    'With this CLI (reads the credentials file):',
    `  enclave admin list-networks --endpoint-url ${url} --data-dir ${server.config.dataDir}`,
    rule,
    '',
  ].join('\n');
}

function fail(message: string, err?: unknown): never {
  process.stderr.write(`enclave serve: error: ${message}\n`);
  if (process.env.ENCLAVE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}

export async function serve(flags: ServeFlags): Promise<void> {
  // Loaded here, not at the top: `enclave admin …` never needs the server's dependencies.
  const { ConfigError, createServer, loadConfig } = await import('@enclave/server');
  let config: ServerConfig;
  try {
    config = loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, err);
    throw err;
  }

  const slow = config.databaseUrl
    ? setTimeout(() => process.stderr.write(`enclave serve: still connecting to the database at ${redactUrl(config.databaseUrl!)} (${DB_SETTING})…\n`), 10_000)
    : undefined;
  let server: EnclaveServer;
  try {
    server = await createServer(config);
  } catch (err) {
    fail(describeStartupError(err, config), err);
  } finally {
    clearTimeout(slow);
  }

  // Our own "listening on" line replaces Fastify's log line of the same news.
  const log = server.app.log;
  const level = log.level;
  if (['trace', 'debug', 'info'].includes(level)) log.level = 'warn';
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    await server.close().catch(() => undefined);
    fail(describeListenError(err, config), err);
  } finally {
    log.level = level;
  }

  const banner = bootstrapBanner(server, url);
  if (banner) process.stdout.write(banner);
  process.stdout.write(`Enclave admin API listening on ${url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`enclave serve: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    server.close().then(
      () => {
        log.info('stopped');
        // Exit on our own once the logs are flushed; force it if anything still holds the event loop.
        process.exitCode = 0;
        setTimeout(() => process.exit(0), 2000).unref();
      },
      (err: unknown) => {
        process.stderr.write(`enclave serve: error while shutting down: ${errorMessage(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

export function registerServe(program: Command): Command {
  return program
    .command('serve')
    .description('run the Enclave server (settings also from ENCLAVE_* environment variables)')
    .option('--port <port>', 'port to listen on, 0 = any free port (env ENCLAVE_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (env ENCLAVE_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory: SQLite database, master key, bootstrap credentials (env ENCLAVE_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL postgres://user@host:port/db instead of SQLite (env ENCLAVE_DATABASE_URL)')
    .option('--region <region>', 'region of ARNs and SigV4 signatures (env ENCLAVE_REGION, default us-east-1)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env ENCLAVE_LOG_LEVEL, default info)')
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}
