/**
 * signin.ts — owns signing the bot in through the SDK: the first setup (the initial password from
 * CreateDataRetentionBotChallenge, a generated password shown once in the guide's banner, a new
 * device) when the profile directory is empty, later sign-ins of the stored device, retries while the
 * server is unreachable, WICKRIO_ROTATE_PASSWORD after a successful sign-in, and the mapping of
 * failures onto the guide's login-failure events and the Login_Failures metric.
 */
import { existsSync, readdirSync } from 'node:fs';
import { EnclaveClient, isEnclaveError, type KdfParams, type Logger as SdkLogger, type Received } from '@enclave/client';
import { SqliteStore, nodePlatform } from '@enclave/client/node';
import { EVENT_TEXT, type Events } from './events.js';
import type { BotLog } from './logs.js';
import type { Metrics } from './metrics.js';
import { generatePassword, passwordBanner, rotateProblem } from './password.js';
import type { Settings } from './settings.js';
import { VERSION } from './settings.js';

/** The bot must stop; `restart` false for problems a restart cannot fix (credentials, configuration). */
export class BotExit extends Error {
  override name = 'BotExit';
  constructor(
    message: string,
    readonly restart: boolean,
  ) {
    super(message);
  }
}

export interface SignInDeps {
  log: BotLog;
  events: Events;
  metrics: Metrics;
  sdkLogger: SdkLogger;
  /** Where the generated-password banner goes (stdout: the console, never the log files). */
  print: (text: string) => void;
  kdf?: KdfParams;
  attempts?: number;
  retryMs?: number;
  generate?: () => string;
  /**
   * Awaited by the SDK before it acknowledges a received record — message, edit, delete,
   * undecryptable (exactly-once archive). Passed through as the SDK option `beforeAck`.
   */
  beforeAck?: (r: Received) => Promise<void>;
}

export interface SignedInBot {
  client: EnclaveClient;
  /** The password that now opens the profile and signs the bot in. */
  password: string;
  firstSetup: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function profileExists(dir: string, deps: SignInDeps): Promise<boolean> {
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.rec'))) return true; // an older profile, imported on open
  const store = await SqliteStore.open(dir, { lock: false }).catch((err: unknown) => fail(deps, EVENT_TEXT.configUnreadable, false, (err as Error).message));
  try {
    return (await store.list('')).length > 0;
  } finally {
    await store.close();
  }
}

function fail(deps: SignInDeps, text: string, restart: boolean, detail: string): never {
  deps.metrics.inc('Login_Failures');
  deps.events.emit(text, 'critical');
  throw new BotExit(`${text} ${detail}`.trim(), restart);
}

export async function signIn(s: Settings, password: string, deps: SignInDeps): Promise<SignedInBot> {
  const firstSetup = !(await profileExists(s.profileDir, deps));
  const common = { server: s.server, botName: s.botName, platform: nodePlatform(), logger: deps.sdkLogger, clientName: `enclave-retention-bot/${VERSION}`, keepMessages: false, receiveExpired: true, ...(deps.kdf ? { kdf: deps.kdf } : {}), ...(deps.beforeAck ? { beforeAck: deps.beforeAck } : {}) };
  const attempts = deps.attempts ?? 5;
  let delay = deps.retryMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    const store = await SqliteStore.open(s.profileDir).catch((err: unknown) => fail(deps, EVENT_TEXT.configUnreadable, false, (err as Error).message));
    try {
      if (firstSetup) {
        const generated = (deps.generate ?? generatePassword)();
        const client = await EnclaveClient.registerRetentionBot({ ...common, store, initialPassword: password, newPassword: generated });
        deps.print(passwordBanner(generated));
        deps.log.log('info', 'signin.first_setup', { userId: client.userId, deviceId: client.deviceId });
        return { client, password: generated, firstSetup: true };
      }
      try {
        const client = await EnclaveClient.loginRetentionBot({ ...common, store, password });
        return { client, password, firstSetup: false };
      } catch (err) {
        // A rotation that succeeded on an earlier start whose environment was not updated yet.
        const rotated = s.rotatePassword;
        if (!isEnclaveError(err, 'invalid_credentials') || rotated === undefined || rotated === password) throw err;
        await store.close?.().catch(() => undefined);
        const again = await SqliteStore.open(s.profileDir);
        const client = await EnclaveClient.loginRetentionBot({ ...common, store: again, password: rotated }).catch(async (e2: unknown) => {
          await again.close?.().catch(() => undefined);
          throw isEnclaveError(e2, 'invalid_credentials') ? err : e2;
        });
        deps.log.log('warn', 'signin.rotated_password_used', {});
        return { client, password: rotated, firstSetup: false };
      }
    } catch (err) {
      await store.close?.().catch(() => undefined);
      const code = isEnclaveError(err) ? err.code : 'internal';
      deps.log.log('error', 'signin.failed', { code, attempt, firstSetup, error: (err as Error).message });
      switch (code) {
        case 'invalid_credentials':
          return fail(deps, firstSetup ? EVENT_TEXT.badCredentials : EVENT_TEXT.configPassword, false, firstSetup ? '' : '(the password does not open the stored profile or is not the bot\'s password)');
        case 'user_not_found':
          return fail(deps, firstSetup ? EVENT_TEXT.userNotFound : EVENT_TEXT.newUserDbExists, false, firstSetup ? '' : `(remove ${s.profileDir} to set up the new bot)`);
        case 'account_suspended':
        case 'device_reset':
        case 'account_locked':
          return fail(deps, EVENT_TEXT.suspendedLogin, false, (err as Error).message);
        case 'conflict':
          return fail(deps, EVENT_TEXT.newUserDbExists, false, (err as Error).message);
        case 'unable_to_connect':
        case 'internal':
        case 'rate_limited':
          if (attempt >= attempts) return fail(deps, EVENT_TEXT.allFailed, true, (err as Error).message);
          deps.metrics.inc('Login_Failures');
          await sleep(delay);
          delay = Math.min(delay * 2, 60_000);
          continue;
        default:
          return fail(deps, EVENT_TEXT.allFailed, true, (err as Error).message);
      }
    }
  }
}

/** WICKRIO_ROTATE_PASSWORD after a successful sign-in; returns the password in force afterwards. */
export async function rotateIfAsked(s: Settings, bot: SignedInBot, deps: Pick<SignInDeps, 'log' | 'print'>): Promise<string> {
  const next = s.rotatePassword;
  if (next === undefined) return bot.password;
  if (next === bot.password) {
    deps.log.log('info', 'password.rotate_skipped', { reason: 'already the current password' });
    return bot.password;
  }
  const problem = rotateProblem(bot.password, next);
  if (problem) {
    deps.log.log('error', 'password.rotate_refused', { reason: problem });
    deps.print(`${problem} The password was not rotated.\n`);
    return bot.password;
  }
  await bot.client.changePassword(bot.password, next);
  deps.log.log('info', 'password.rotated', {});
  deps.print('The bot password was rotated: set WICKRIO_BOT_PASSWORD (or the secret\'s "password") to the new password before the next restart.\n');
  return next;
}
