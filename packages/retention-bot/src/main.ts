#!/usr/bin/env node
/**
 * main.ts — owns the `enclave-retention-bot` command line: `run` (the default; supervised with the
 * restart limit unless ENCLAVE_RESTART_LIMIT=0 or --no-supervise), `decrypt`, `--version`, `--help`.
 * Configuration comes from the environment (the guide's WICKRIO_* / AWS_* variables), not flags.
 */
import { fileURLToPath } from 'node:url';
import { EXIT_CONFIG, runBot } from './bot.js';
import { decryptCommand } from './decrypt.js';
import { VERSION } from './settings.js';
import { DEFAULT_RESTART_LIMIT, supervise } from './supervisor.js';

const HELP = `enclave-retention-bot ${VERSION} — the Enclave data retention (compliance) bot

Usage:
  enclave-retention-bot [run] [--no-supervise]   archive every message and file of the network
  enclave-retention-bot decrypt --help           restore a KMS-encrypted archive object
  enclave-retention-bot --version

Settings are environment variables (docs/retention-bot.md): WICKRIO_BOT_NAME (required),
WICKRIO_BOT_PASSWORD, WICKRIO_ROTATE_PASSWORD, WICKRIO_COMP_MESGDEST, WICKRIO_COMP_FILEDEST,
WICKRIO_COMP_BASENAME, WICKRIO_COMP_FILESIZE, WICKRIO_COMP_TIMEROTATE, WICKRIO_S3_BUCKET_NAME,
WICKRIO_S3_REGION, WICKRIO_S3_FOLDER_NAME, WICKRIO_KMS_MSTRKEY_ARN, WICKRIO_KMS_REGION,
WICKRIO_SNS_TOPIC_ARN, WICKRIO_METRICS_TYPE, AWS_SECRET_NAME, AWS_SECRET_REGION, AWS_DEFAULT_REGION,
ENCLAVE_SERVER_URL, ENCLAVE_PROMETHEUS_PORT, ENCLAVE_RESTART_LIMIT.
`;

async function runDirect(): Promise<number> {
  // SIGTERM (docker stop) / SIGINT: a graceful stop at any point, while signing in too.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return runBot({ env: process.env, prompt: { input: process.stdin, output: process.stdout }, signal: stop.signal });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'decrypt') return decryptCommand(rest, process.env, (s) => process.stdout.write(s));
  const args = cmd === 'run' ? rest : argv;
  if (cmd !== undefined && cmd !== 'run' && !cmd.startsWith('--')) {
    process.stderr.write(`enclave-retention-bot: unknown command "${cmd}"\n${HELP}`);
    return 2;
  }
  const limitRaw = process.env.ENCLAVE_RESTART_LIMIT;
  const limit = limitRaw === undefined || limitRaw === '' ? DEFAULT_RESTART_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0) {
    process.stderr.write('enclave-retention-bot: ENCLAVE_RESTART_LIMIT must be an integer ≥ 0.\n');
    return EXIT_CONFIG;
  }
  const supervised = process.env.ENCLAVE_SUPERVISED === '1' || args.includes('--no-supervise') || limit === 0;
  if (supervised) return runDirect();
  return supervise({ script: fileURLToPath(import.meta.url), args: ['run', '--no-supervise'], env: process.env, limit });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`enclave-retention-bot: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
