/**
 * logger.ts — owns the SDK's client log: one JSON object per line ({ts, level, event, ...fields}).
 * Fields are routing metadata only (IDs, sequence numbers, counts, codes, durations). It must never
 * log message content, file names, keys, tokens or passwords: fields with such names are dropped
 * and only primitive values are written.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const FORBIDDEN = /^(text|body|content|plaintext|key|keys|token|password|secret|recoverykey|parts|name|file|distribution|signature|state)$/i;

/** A logger that writes JSON lines through `write` (a file, stderr, a test array). */
export function jsonLineLogger(write: (line: string) => void, minLevel: LogLevel = 'info', now: () => number = Date.now): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[minLevel]) return;
      const rec: Record<string, unknown> = { ts: new Date(now()).toISOString(), level, event };
      for (const [k, v] of Object.entries(fields)) {
        if (v === undefined || FORBIDDEN.test(k)) continue;
        if (v !== null && typeof v === 'object') continue;
        rec[k] = v;
      }
      write(JSON.stringify(rec) + '\n');
    },
  };
}

export const silentLogger: Logger = { log() {} };
