// Shared helpers of the retention bot tests: a temp directory, a silent log that records lines,
// synthetic SDK messages, and reading the archive back.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../../packages/client/src/index.js';
import type { BotLog, Fields, Level } from '../../packages/retention-bot/src/logs.js';

export const tempDir = (prefix = 'enclave-rb-') => mkdtempSync(join(tmpdir(), prefix));

export interface RecordingLog extends BotLog {
  lines: { level: Level; event: string; fields: Fields }[];
}

export function recordingLog(): RecordingLog {
  const lines: RecordingLog['lines'] = [];
  return { lines, log: (level, event, fields = {}) => lines.push({ level, event, fields }), close: () => undefined };
}

export function message(i: number, extra: Partial<Message> = {}): Message {
  return {
    id: `msg-${String(i).padStart(8, '0')}`,
    conv: 'conv-1',
    seq: i,
    sender: { userId: 7, deviceId: 'dev-7', email: 'alice@example.com' },
    sentAt: 1_700_000_000_000 + i,
    receivedAt: 1_700_000_000_500 + i,
    text: `hello ${i}`,
    ...extra,
  };
}

/** Every JSON record in a directory's .jsonl files (sealed and active), in file-name order. */
export function readArchive(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}
