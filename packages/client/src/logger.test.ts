// Unit test: the client log never carries content or key fields.
import { describe, expect, it } from 'vitest';
import { jsonLineLogger } from './logger.js';

describe('jsonLineLogger', () => {
  it('writes JSON lines and drops content, key and token fields', () => {
    const lines: string[] = [];
    const log = jsonLineLogger((l) => lines.push(l), 'debug', () => 0);
    log.log('info', 'message.sent', { conv: 'c1', seq: 3, text: 'secret', body: 'ct', token: 't', key: 'k', password: 'p' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ ts: '1970-01-01T00:00:00.000Z', level: 'info', event: 'message.sent', conv: 'c1', seq: 3 });
  });
});
