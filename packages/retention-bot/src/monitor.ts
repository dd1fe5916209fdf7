/**
 * monitor.ts — owns the bot's health checks: the watchdog over the server connection (a warning
 * after a minute down, the guide's "SwitchBoard system is down for more than N minutes" critical event
 * and Watchdog_Failures after ENCLAVE_WATCHDOG_MINUTES, then a restart), the "A device has been added
 * to this account!" event (device list compared with the one remembered in the state directory), and
 * the daily "There are updates available" check against ENCLAVE_UPDATE_FEED.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TEXT, type Events } from './events.js';
import type { BotLog } from './logs.js';
import type { Metrics } from './metrics.js';

export class Watchdog {
  private downSince?: number;
  private warned = false;
  private failed = false;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly o: { minutes: number; metrics: Metrics; events: Events; log: BotLog; onFailure: () => void; now?: () => number; warnAfterMs?: number; checkMs?: number },
  ) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Feed it the SDK's connection states. */
  state(state: 'connecting' | 'ready' | 'reconnecting' | 'closed'): void {
    if (state === 'ready') {
      if (this.downSince !== undefined) this.o.log.log('info', 'watchdog.connection_restored', { downMs: this.now() - this.downSince });
      this.downSince = undefined;
      this.warned = false;
      this.failed = false;
    } else if (state !== 'closed') this.downSince ??= this.now();
  }

  check(): void {
    if (this.downSince === undefined) return;
    const down = this.now() - this.downSince;
    if (!this.warned && down >= (this.o.warnAfterMs ?? 60_000)) {
      this.warned = true;
      this.o.metrics.inc('Watchdog_Warnings');
      this.o.log.log('warn', 'watchdog.warning', { downMs: down });
    }
    if (!this.failed && down >= this.o.minutes * 60_000) {
      this.failed = true;
      this.o.metrics.inc('Watchdog_Failures');
      this.o.events.emit(EVENT_TEXT.watchdog(this.o.minutes), 'critical');
      this.o.onFailure();
    }
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.o.checkMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** Compares the account's devices with the remembered ones; new foreign devices raise the event. */
export async function checkDevices(o: { stateDir: string; ownDevice: string; list: () => Promise<{ deviceId: string }[]>; events: Events; log: BotLog; firstSetup: boolean }): Promise<void> {
  const path = join(o.stateDir, 'devices.json');
  const known = new Set<string>(existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as string[]) : []);
  let devices: { deviceId: string }[];
  try {
    devices = await o.list();
  } catch (err) {
    o.log.log('warn', 'devices.list_failed', { error: (err as Error).message });
    return;
  }
  const ids = devices.map((d) => d.deviceId);
  const added = ids.filter((id) => !known.has(id) && (id !== o.ownDevice || o.firstSetup || known.size > 0));
  if (added.length > 0) {
    o.log.log('warn', 'devices.added', { count: added.length });
    o.events.emit(EVENT_TEXT.deviceAdded, 'normal');
  }
  writeFileSync(path, JSON.stringify(ids), { mode: 0o600 });
}

/** Numeric comparison of dotted versions ("5.116.13.01" > "5.116.10.01"). */
export function newerThan(a: string, b: string): boolean {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** Fetches the feed (a JSON array of versions, or { versions: [...] }) and reports newer ones. */
export async function checkUpdates(o: { feed: string; current: string; events: Events; log: BotLog }): Promise<string[]> {
  try {
    const res = await fetch(o.feed, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { versions?: unknown }).versions;
    const versions = (Array.isArray(list) ? list : []).filter((v): v is string => typeof v === 'string' && newerThan(v, o.current));
    if (versions.length > 0) o.events.emit(EVENT_TEXT.updates, 'normal', versions);
    return versions;
  } catch (err) {
    o.log.log('warn', 'updates.check_failed', { error: (err as Error).message });
    return [];
  }
}
