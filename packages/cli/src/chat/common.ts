/**
 * chat/common.ts — owns what every chat command shares: the profile options (--profile, --password
 * or ENCLAVE_PASSWORD, --logging FILE), opening the profile's client (FileStore + Node platform),
 * closing it so the process exits, JSON output, and a byte progress bar on stderr. Never prints
 * passwords or keys; the log file gets metadata only (the SDK's logger).
 */
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { EnclaveClient, type Logger } from '@enclave/client';
import { FileStore, fileLogger, nodePlatform } from '@enclave/client/node';
import { CliError, EXIT_USAGE } from '../errors.js';

export interface ProfileFlags {
  profile: string;
  password?: string;
  logging?: string;
  acceptConsent?: boolean;
}

export function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const CLIENT_NAME = `enclave-cli/${cliVersion()}`;

/** Adds --profile, --password and --logging to a command. */
export function profileOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--profile <dir>', 'profile directory (keys, sessions and messages, encrypted with the password)')
    .option('--password <password>', 'profile and account password (env ENCLAVE_PASSWORD)')
    .option('--logging <file>', 'append the client log (JSON lines, no message content) to FILE')
    .option('--accept-consent', "accept the network's consent notice (printed on stderr); also ENCLAVE_ACCEPT_CONSENT=1");
}

/**
 * The network's consent pop-up: printed on stderr, then accepted with --accept-consent (or
 * ENCLAVE_ACCEPT_CONSENT=1) or an answer on a terminal; refused otherwise, as the guide requires
 * acceptance before use.
 */
export async function handleConsent(client: EnclaveClient, flags: ProfileFlags): Promise<void> {
  const c = client.consentRequired;
  if (!c) return;
  process.stderr.write(`\n== ${c.title} ==\n${c.body}\n\n`);
  if (flags.acceptConsent || process.env.ENCLAVE_ACCEPT_CONSENT === '1') {
    await client.acceptConsent(c.version);
    process.stderr.write(`[${c.buttonLabel}] accepted (--accept-consent)\n`);
    return;
  }
  if (process.stdin.isTTY) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Type "yes" to ${c.buttonLabel}: `);
    rl.close();
    if (answer.trim().toLowerCase() === 'yes') {
      await client.acceptConsent(c.version);
      return;
    }
  }
  throw new CliError('Your network shows this notice and asks you to accept it before using Enclave: run again with --accept-consent to accept it.', 1);
}

export function passwordOf(flags: ProfileFlags): string {
  const pw = flags.password ?? process.env.ENCLAVE_PASSWORD;
  if (!pw) throw new CliError('Enter the password with --password or the ENCLAVE_PASSWORD environment variable.', EXIT_USAGE);
  return pw;
}

export interface Opened {
  client: EnclaveClient;
  done(): Promise<void>;
}

/** Common pieces of EnclaveClient options for a profile directory. */
export async function storeOptions(flags: ProfileFlags): Promise<{ store: FileStore; logger?: Logger; platform: ReturnType<typeof nodePlatform>; close(): Promise<void> }> {
  const logger = flags.logging ? fileLogger(flags.logging) : undefined;
  const store = await FileStore.open(flags.profile);
  return {
    store,
    ...(logger ? { logger } : {}),
    platform: nodePlatform(),
    async close() {
      await store.close();
      await logger?.close();
    },
  };
}

/** Opens the profile's signed-in client (signing the device in again if its session ended). */
export async function openClient(flags: ProfileFlags): Promise<Opened> {
  const o = await storeOptions(flags);
  try {
    const client = await EnclaveClient.open({ store: o.store, platform: o.platform, password: passwordOf(flags), ...(o.logger ? { logger: o.logger } : {}) });
    try {
      await handleConsent(client, flags);
    } catch (err) {
      await finish(client, o.close);
      throw err;
    }
    return { client, done: () => finish(client, o.close) };
  } catch (err) {
    await o.close();
    throw err;
  }
}

export async function finish(client: EnclaveClient | undefined, close: () => Promise<void>): Promise<void> {
  await client?.close().catch(() => undefined);
  await close();
  // Nothing should keep the process alive now; if a socket lingers, do not hang a script.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number.`, EXIT_USAGE);
    return n;
  };
}

/** A byte progress bar on stderr (a cli-progress bar on a terminal, plain lines otherwise). */
export function byteProgress(label: string): { update(bytes: number, total: number): void; stop(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let lastPrint = 0;
  let last = { bytes: 0, total: 0 };
  return {
    update(bytes, total) {
      last = { bytes, total };
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} bytes | {eta_formatted}`, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0);
        }
        bar.update(bytes);
      } else if (Date.now() - lastPrint >= 1000 || bytes >= total) {
        lastPrint = Date.now();
        process.stderr.write(`${label}: ${bytes}/${total} bytes\n`);
      }
    },
    stop() {
      bar?.stop();
      if (!tty && last.total > 0 && last.bytes < last.total) process.stderr.write(`${label}: stopped at ${last.bytes}/${last.total} bytes\n`);
    },
  };
}
