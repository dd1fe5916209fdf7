/**
 * logs.ts — owns the bot's log: one line per event, `<ISO time> <LEVEL> <event> key=value …`, to
 * stdout (what `docker logs` shows) and to /tmp/<botname>/logs/<botname>.log, rotated by size into
 * .1 … .4 so at most 5 files exist. Also adapts it as the SDK's Logger. Fields are IDs, counts,
 * codes and paths: never message text, file content, passwords or keys (such field names are dropped).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger as SdkLogger, LogLevel } from '@enclave/client';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface BotLog {
  log(level: Level, event: string, fields?: Fields): void;
  close(): void;
}

const FORBIDDEN = /^(text|body|content|plaintext|key|keys|token|password|secret|passphrase|recoverykey|distribution|signature)$/i;
export const MAX_LOG_FILES = 5;

function format(level: Level, event: string, fields: Fields, now: number): string {
  let line = `${new Date(now).toISOString()} ${level.toUpperCase()} ${event}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || FORBIDDEN.test(k)) continue;
    const s = String(v);
    line += ` ${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`;
  }
  return line + '\n';
}

export interface LogOptions {
  dir?: string;
  fileName?: string;
  maxBytes?: number;
  minLevel?: Level;
  stdout?: (line: string) => void;
  now?: () => number;
}

/** A log to stdout and (with `dir`) a rotated file; synchronous writes so nothing is lost on exit. */
export function createLog(o: LogOptions): BotLog {
  const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const min = order[o.minLevel ?? 'info'];
  const now = o.now ?? Date.now;
  const maxBytes = o.maxBytes ?? 10 * 1024 * 1024;
  let fd: number | undefined;
  let size = 0;
  const path = o.dir ? join(o.dir, o.fileName ?? 'bot.log') : undefined;
  const openFile = () => {
    if (!path || !o.dir) return;
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    fd = openSync(path, 'a', 0o600);
    size = statSync(path).size;
  };
  const rotate = () => {
    if (!path || fd === undefined) return;
    closeSync(fd);
    rmSync(`${path}.${MAX_LOG_FILES - 1}`, { force: true });
    for (let i = MAX_LOG_FILES - 2; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch {
        /* that generation does not exist yet */
      }
    }
    renameSync(path, `${path}.1`);
    openFile();
  };
  openFile();
  return {
    log(level, event, fields = {}) {
      if (order[level] < min) return;
      const line = format(level, event, fields, now());
      (o.stdout ?? ((l: string) => process.stdout.write(l)))(line);
      if (fd === undefined) return;
      try {
        if (size > 0 && size + line.length > maxBytes) rotate();
        writeSync(fd, line);
        size += Buffer.byteLength(line);
      } catch {
        /* a full disk must not stop archiving: stdout still has the line */
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The SDK's logger writing into the bot's log (SDK debug lines dropped below `min`). */
export function sdkLogger(log: BotLog, min: LogLevel = 'info'): SdkLogger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[min]) return;
      if (event === 'message.received') return; // one line per message would dwarf the archive
      log.log(level, `sdk.${event}`, fields as Fields);
    },
  };
}
