import { loadConfig } from '@enclave/server';
import { describe, expect, it } from 'vitest';
import { describeListenError, describeStartupError, redactUrl } from './serve.js';

const pgConfig = loadConfig({ databaseUrl: 'postgres://enclave:hunter2@db.example:5432/enclave', dataDir: '/tmp/x' }, {});
const sqliteConfig = loadConfig({ dataDir: '/srv/enclave', port: 8443 }, {});

describe('serve error messages', () => {
  it('hides the database password', () => {
    expect(redactUrl('postgres://enclave:hunter2@db:5432/e')).toBe('postgres://enclave:***@db:5432/e');
    expect(redactUrl('postgres://db/e')).toBe('postgres://db/e');
  });

  it('names the setting behind a startup failure', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const msg = describeStartupError(refused, pgConfig);
    expect(msg).toContain('--database-url');
    expect(msg).not.toContain('hunter2');
    expect(describeStartupError(new AggregateError([refused, refused]), pgConfig)).toMatch(/--database-url.*ECONNREFUSED/);
    expect(describeStartupError(Object.assign(new Error('password authentication failed'), { code: '28P01' }), pgConfig)).toContain('--database-url');
    const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/srv/enclave'"), { code: 'EACCES', path: '/srv/enclave' });
    expect(describeStartupError(denied, sqliteConfig)).toContain('--data-dir');
    expect(describeStartupError(new Error('ENCLAVE_MASTER_KEY must be 32 bytes, base64-encoded'), sqliteConfig)).toContain('ENCLAVE_MASTER_KEY');
  });

  it('names --port or --host when listening fails', () => {
    expect(describeListenError(Object.assign(new Error('in use'), { code: 'EADDRINUSE' }), sqliteConfig)).toMatch(/127\.0\.0\.1:8443.*--port/);
    expect(describeListenError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }), sqliteConfig)).toContain('--host');
  });
});
