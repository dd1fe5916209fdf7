/**
 * bot.ts — owns one run of the data retention bot: settings (environment + Secrets Manager), the
 * password (environment, secret or TTY prompt), the AWS clients, events, metrics, the archive and the
 * S3 uploader, signing in, wiring the SDK's events to the archive (a message is acknowledged only
 * after its record is durable), the watchdog and health checks, and the graceful shutdown (SIGTERM).
 * Returns the process exit code: 0 after a requested stop, 78 for problems a restart cannot fix
 * (configuration, credentials), 1 for the rest (the supervisor restarts those, a limited number of times).
 */
import { join } from 'node:path';
import type { EnclaveClient, KdfParams, Received } from '@enclave/client';
import { awsConfig, cloudWatchClient, kmsClient, s3Client, snsClient } from './aws.js';
import { Archiver } from './archive/archiver.js';
import { MessageFiles } from './archive/message-files.js';
import { keyOfLine } from './archive/record.js';
import { EVENT_TEXT, Events } from './events.js';
import { createLog, sdkLogger, type BotLog } from './logs.js';
import { Metrics } from './metrics.js';
import { Watchdog, checkDevices, checkUpdates } from './monitor.js';
import { UserExited, promptPassword, type PromptIo } from './password.js';
import { readSecret, SecretUnavailable } from './secrets.js';
import { ConfigError, VERSION, loadSettings, networkOf, settingWarnings, type Env, type Settings } from './settings.js';
import { BotExit, rotateIfAsked, signIn } from './signin.js';
import { Uploader } from './storage/uploader.js';

export const EXIT_OK = 0;
export const EXIT_RESTART = 1;
export const EXIT_CONFIG = 78;

export interface BotIo {
  env: Env;
  /** The console (stdout): log lines and the generated-password banner. */
  print?: (text: string) => void;
  /** For the password prompt (a TTY). */
  prompt?: PromptIo;
  /** SIGTERM / SIGINT: the bot stops at any point, during sign-in too. */
  signal?: AbortSignal;
  /** Test hooks: a cheaper store KDF, shorter retry delays, the running bot. */
  kdf?: KdfParams;
  retryMs?: number;
  onStarted?: (bot: RetentionBot) => void;
}

export class RetentionBot {
  readonly events: Events;
  readonly metrics: Metrics;
  files?: MessageFiles;
  archiver?: Archiver;
  uploader?: Uploader;
  client?: EnclaveClient;
  prometheusPort?: number;
  private stopRequested?: (code: number) => void;
  private readonly stopped: Promise<number>;
  private timers: ReturnType<typeof setInterval>[] = [];
  private watchdog?: Watchdog;
  private password?: string;
  /** run() has returned: a sign-in still finishing closes what it opened and goes no further. */
  private abandoned = false;

  constructor(
    readonly settings: Settings,
    readonly log: BotLog,
    private readonly io: BotIo,
  ) {
    const s = settings;
    this.events = new Events(
      { botName: s.botName, device: s.device, dockerImage: s.dockerImage, dockerTag: s.dockerTag },
      log,
      s.snsTopicArn ? { client: snsClient(awsConfig(io.env, s.snsRegion, s.endpoints, 'sns')), topicArn: s.snsTopicArn } : undefined,
    );
    const dims = { Id: s.botName, Device: s.device, Product: s.product, BotType: 'Compliance', Network: networkOf(s.botName) };
    this.metrics = new Metrics(dims, log, s.metricsType === 'cloudwatch' ? cloudWatchClient(awsConfig(io.env, s.defaultRegion, s.endpoints, 'cloudwatch')) : undefined);
    this.stopped = new Promise<number>((resolve) => (this.stopRequested = resolve));
    if (io.signal?.aborted) this.stop(EXIT_OK);
    else io.signal?.addEventListener('abort', () => this.stop(EXIT_OK), { once: true });
  }

  /** Asks the bot to stop (SIGTERM): it finishes what it is writing, then returns `code`. */
  stop(code = EXIT_OK): void {
    this.stopRequested?.(code);
    this.stopRequested = undefined;
  }

  private print(text: string): void {
    (this.io.print ?? ((t: string) => process.stdout.write(t)))(text);
  }

  async run(): Promise<number> {
    const s = this.settings;
    this.metrics.start(s.metricsIntervalMs);
    if (s.prometheus) {
      this.prometheusPort = await this.metrics.serve(s.prometheus.host, s.prometheus.port);
      this.log.log('info', 'prometheus.listening', { url: `http://${s.prometheus.host}:${this.prometheusPort}/metrics` });
    }
    let code = EXIT_RESTART;
    try {
      // A stop asked for while still signing in (retries, a password prompt) does not wait for it.
      code = await Promise.race([this.main(), this.stopped.then((c) => ((this.abandoned = true), c))]);
    } catch (err) {
      code = this.exitCodeFor(err);
    }
    this.abandoned = true;
    await this.shutdown();
    return code;
  }

  private exitCodeFor(err: unknown): number {
    if (err instanceof BotExit) {
      this.log.log('error', 'bot.exit', { reason: err.message, restart: err.restart });
      return err.restart ? EXIT_RESTART : EXIT_CONFIG;
    }
    if (err instanceof ConfigError) {
      this.log.log('error', 'bot.config_error', { reason: err.message });
      this.metrics.inc('Login_Failures');
      this.events.emit(err.message, 'critical');
      return EXIT_CONFIG;
    }
    if (err instanceof UserExited) {
      this.metrics.inc('Login_Failures');
      this.events.emit(EVENT_TEXT.userExited, 'critical');
      return EXIT_CONFIG;
    }
    this.log.log('error', 'bot.failed', { error: (err as Error).stack ?? String(err) });
    return EXIT_RESTART;
  }

  private async main(): Promise<number> {
    const s = this.settings;
    this.log.log('info', 'bot.starting', { bot: s.botName, version: VERSION, server: s.server, messages: s.mesgDest, files: s.fileDest, s3: s.s3?.bucket, kms: !!s.kms, sns: !!s.snsTopicArn, metrics: s.metricsType });
    for (const w of settingWarnings(s)) this.log.log('warn', 'settings.warning', { message: w });

    let password = s.password;
    if (password === undefined) {
      const p = this.io.prompt;
      if (!p || !p.input.isTTY) throw new ConfigError('No password: set WICKRIO_BOT_PASSWORD, put "password" in the secret named by AWS_SECRET_NAME, or run the bot on a terminal (docker run -ti) to be prompted.');
      password = await promptPassword(p);
    }

    if (s.s3) {
      this.uploader = new Uploader({
        s3: s3Client(awsConfig(this.io.env, s.s3.region, s.endpoints, 's3')),
        bucket: s.s3.bucket,
        folder: s.s3.folder,
        ...(s.kms ? { kms: { client: kmsClient(awsConfig(this.io.env, s.kms.region, s.endpoints, 'kms')), keyArn: s.kms.keyArn } } : {}),
        botName: s.botName,
        tmpDir: join(s.stateDir, 'upload'),
        metrics: this.metrics,
        log: this.log,
        events: this.events,
        ...(this.io.retryMs ? { retryMs: this.io.retryMs, maxRetryMs: this.io.retryMs * 4 } : {}),
      });
    }
    this.files = await MessageFiles.open({
      dir: s.mesgDest,
      stateDir: s.stateDir,
      baseName: s.baseName,
      maxBytes: s.fileSizeBytes,
      rotateMs: s.timeRotateMs,
      keyOf: keyOfLine,
      onSealed: (path) => {
        this.log.log('info', 'archive.rotated', { file: path });
        this.uploader?.add(path);
      },
      onJournalError: (err) => this.log.log('warn', 'archive.journal_write_failed', { error: (err as Error).message }),
    });
    if (this.files.recoveredKeys > 0) this.log.log('info', 'archive.recovered', { keys: this.files.recoveredKeys });
    this.uploader?.scan(s.mesgDest, `${s.baseName}.jsonl`, s.fileDest);
    if (s.timeRotateMs > 0) this.every(Math.min(1000, s.timeRotateMs), () => void this.files?.rotateIfDue().catch((err: unknown) => this.log.log('error', 'archive.rotate_failed', { error: (err as Error).message })));

    this.archiver = new Archiver({
      files: this.files,
      fileDest: s.fileDest,
      network: networkOf(s.botName),
      metrics: this.metrics,
      log: this.log,
      events: this.events,
      download: (ref, sink) => this.client!.downloadFile(ref, sink),
      onAttachment: (path) => this.uploader?.add(path),
      ...(this.io.retryMs ? { retryMs: this.io.retryMs } : {}),
    });

    const signed = await signIn(s, password, {
      log: this.log,
      events: this.events,
      metrics: this.metrics,
      sdkLogger: sdkLogger(this.log),
      print: (t) => this.print(t),
      ...(this.io.kdf ? { kdf: this.io.kdf } : {}),
      ...(this.io.retryMs ? { retryMs: this.io.retryMs } : {}),
      // Asked of the SDK (issue 7): acknowledge a received record only after this resolves.
      beforeAck: (r: Received) => this.archiveForAck(r),
    });
    if (this.abandoned) {
      await signed.client.close().catch(() => undefined);
      return EXIT_OK;
    }
    const client = (this.client = signed.client);
    this.metrics.signedIn = true;
    this.metrics.inc('Logins');
    this.events.emit(EVENT_TEXT.loggedIn, 'normal');
    this.log.log('info', 'bot.signed_in', { userId: client.userId, deviceId: client.deviceId, firstSetup: signed.firstSetup });
    try {
      this.password = await rotateIfAsked(s, signed, { log: this.log, print: (t) => this.print(t) });
    } catch (err) {
      this.password = signed.password;
      this.log.log('error', 'password.rotate_failed', { code: (err as { code?: string }).code, error: (err as Error).message });
      this.print(`The password could not be rotated: ${(err as Error).message}\n`);
    }

    this.wire(client);
    await client.connect();
    await checkDevices({ stateDir: s.stateDir, ownDevice: client.deviceId, list: () => client.devices(), events: this.events, log: this.log, firstSetup: signed.firstSetup });
    if (s.updateFeed) {
      const feed = s.updateFeed;
      const check = () => void checkUpdates({ feed, current: s.dockerTag, events: this.events, log: this.log });
      check();
      this.every(24 * 3600_000, check);
    }
    this.watchdog = new Watchdog({ minutes: s.watchdogMinutes, metrics: this.metrics, events: this.events, log: this.log, onFailure: () => this.stop(EXIT_RESTART) });
    this.watchdog.start();
    this.log.log('info', 'bot.running', { bot: s.botName });
    this.io.onStarted?.(this);
    return this.stopped;
  }

  /** The archive step the SDK awaits before acknowledging each received record (exactly-once). */
  private archiveForAck(r: Received): Promise<void> {
    const archiver = this.archiver!;
    switch (r.kind) {
      case 'message':
        return archiver.handle(r.message);
      case 'edit':
        return archiver.handleEdit(r);
      case 'delete':
        return archiver.handleDelete(r);
      case 'undecryptable':
        return archiver.handleUndecryptable(r);
    }
  }

  private wire(client: EnclaveClient): void {
    // Messages, edits, deletes and undecryptable messages all arrive through the SDK's beforeAck hook
    // (archived, then acknowledged); archiving from the SDK's events as well would write them twice.
    client.on('error', (e) => this.log.log('warn', 'sdk.error', { code: e.code, conv: e.conv, messageId: e.messageId }));
    client.on('connection', ({ state }) => {
      this.log.log(state === 'ready' ? 'info' : 'warn', 'connection', { state });
      this.watchdog?.state(state);
    });
    client.on('locked', () => {
      if (this.password) void client.unlock(this.password).catch((err: unknown) => this.log.log('error', 'session.unlock_failed', { error: (err as Error).message }));
    });
    client.on('system', ({ event }) => {
      if (event.event === 'devices_changed' && event.userId === client.userId) {
        void checkDevices({ stateDir: this.settings.stateDir, ownDevice: client.deviceId, list: () => client.devices(), events: this.events, log: this.log, firstSetup: false });
      }
    });
    client.on('closed', ({ code, message }) => {
      this.metrics.signedIn = false;
      if (code === 'device_reset') this.events.emit(EVENT_TEXT.deviceSuspended, 'critical');
      else this.events.emit(EVENT_TEXT.adminSuspend(code, message), 'critical');
      this.stop(EXIT_RESTART);
    });
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  /** Graceful stop: no new deliveries, records in flight written, uploads given a moment, last metrics. */
  private async shutdown(): Promise<void> {
    this.events.emit(EVENT_TEXT.shuttingDown, 'normal');
    for (const t of this.timers) clearInterval(t);
    this.watchdog?.stop();
    const closing = this.client?.close().catch((err: unknown) => this.log.log('warn', 'sdk.close_failed', { error: (err as Error).message }));
    await this.archiver?.stop();
    await closing;
    this.metrics.signedIn = false;
    await this.files?.close();
    if (this.uploader) {
      await this.uploader.drain(5000);
      await this.uploader.stop();
    }
    await this.metrics.stop();
    await this.events.flush();
    this.log.log('info', 'bot.stopped', {});
  }
}

/** One run: settings, then the bot; never throws (the exit code says how it ended). */
export async function runBot(io: BotIo): Promise<number> {
  const print = io.print ?? ((t: string) => process.stdout.write(t));
  let log: BotLog = createLog({ stdout: print });
  try {
    const secret = await readSecret(io.env, {
      ...(io.retryMs ? { retryMs: io.retryMs } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onRetry: (reason, attempt) => log.log('warn', 'secret.read_retry', { reason, attempt }),
    });
    const settings = loadSettings(io.env, secret);
    log = createLog({ dir: settings.logDir, fileName: `${settings.botName}.log`, maxBytes: settings.logMaxBytes, stdout: print });
    const bot = new RetentionBot(settings, log, io);
    return await bot.run();
  } catch (err) {
    if (err instanceof SecretUnavailable && io.signal?.aborted) return EXIT_OK; // stopped while waiting for it
    if (err instanceof SecretUnavailable) {
      // Secrets Manager did not answer: not the configuration's fault; a restart tries again.
      log.log('error', 'bot.secret_unavailable', { reason: err.message });
      await reportEarlyFailure(io.env, err.message, log);
      return EXIT_RESTART;
    }
    if (!(err instanceof ConfigError)) throw err;
    log.log('error', 'bot.config_error', { reason: err.message });
    await reportEarlyFailure(io.env, err.message, log);
    return EXIT_CONFIG;
  } finally {
    log.close();
  }
}

/** A failure before the settings exist (configuration, secret unavailable): still the SNS event and the metric when possible. */
async function reportEarlyFailure(env: Env, message: string, log: BotLog): Promise<void> {
  const botName = env.WICKRIO_BOT_NAME?.trim() || 'unknown';
  const topic = env.WICKRIO_SNS_TOPIC_ARN?.trim();
  const endpoints = { sns: env.AWS_ENDPOINT_URL_SNS || env.AWS_ENDPOINT_URL, cloudwatch: env.AWS_ENDPOINT_URL_CLOUDWATCH || env.AWS_ENDPOINT_URL };
  const region = env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  const device = env.ENCLAVE_DEVICE_NAME?.trim() || 'Desktop';
  const ep = (svc: 'sns' | 'cloudwatch') => (endpoints[svc] ? { [svc]: endpoints[svc] } : {});
  const events = new Events(
    { botName, device, dockerImage: env.ENCLAVE_DOCKER_IMAGE?.trim() || 'enclave/retention-bot', dockerTag: env.ENCLAVE_DOCKER_TAG?.trim() || VERSION },
    log,
    topic ? { client: snsClient(awsConfig(env, topic.split(':')[3] || region, ep('sns'), 'sns')), topicArn: topic } : undefined,
  );
  events.emit(message, 'critical');
  const metrics = new Metrics(
    { Id: botName, Device: device, Product: env.ENCLAVE_PRODUCT?.trim() || 'WickrEnterprise_Production', BotType: 'Compliance', Network: networkOf(botName) },
    log,
    env.WICKRIO_METRICS_TYPE?.trim().toLowerCase() === 'cloudwatch' ? cloudWatchClient(awsConfig(env, region, ep('cloudwatch'), 'cloudwatch')) : undefined,
  );
  metrics.inc('Login_Failures');
  await metrics.publish();
  await events.flush();
}
