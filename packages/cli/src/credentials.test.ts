import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCredentials } from './credentials.js';

const dir = () => mkdtempSync(join(tmpdir(), 'enclave-creds-'));
const file = (d: string, body: unknown) => writeFileSync(join(d, 'bootstrap-credentials.json'), typeof body === 'string' ? body : JSON.stringify(body));

describe('credentials lookup', () => {
  const env = {
    AWS_ACCESS_KEY_ID: 'AWSKEY',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    ENCLAVE_ROOT_ACCESS_KEY_ID: 'ROOTKEY',
    ENCLAVE_ROOT_SECRET_ACCESS_KEY: 'root-secret',
  };

  it('prefers flags, then AWS_*, then ENCLAVE_ROOT_*, then the bootstrap file', () => {
    const d = dir();
    file(d, { accessKeyId: 'FILEKEY', secretAccessKey: 'file-secret' });
    expect(resolveCredentials({ accessKeyId: 'FLAG', secretAccessKey: 's', dataDir: d }, env)).toMatchObject({ accessKeyId: 'FLAG', source: '--access-key-id' });
    expect(resolveCredentials({ dataDir: d }, env)).toMatchObject({ accessKeyId: 'AWSKEY', secretAccessKey: 'aws-secret' });
    expect(resolveCredentials({ dataDir: d }, { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' })).toMatchObject({ accessKeyId: 'ROOTKEY' });
    expect(resolveCredentials({ dataDir: d }, {})).toEqual({ accessKeyId: 'FILEKEY', secretAccessKey: 'file-secret', source: join(d, 'bootstrap-credentials.json') });
  });

  it('finds the file in ENCLAVE_DATA_DIR, else ./data of the working directory', () => {
    const d = dir();
    file(d, { accessKeyId: 'A', secretAccessKey: 'B' });
    expect(resolveCredentials({}, { ENCLAVE_DATA_DIR: d }).accessKeyId).toBe('A');
    const cwd = dir();
    const data = join(cwd, 'data');
    expect(() => resolveCredentials({}, {}, cwd)).toThrow(new RegExp(`Unable to locate credentials.*${data.replace(/[/\\]/g, '.')}`));
  });

  it('rejects half a key pair and unreadable files with the right exit code', () => {
    const d = dir();
    expect(() => resolveCredentials({ accessKeyId: 'X', dataDir: d }, {})).toThrow(expect.objectContaining({ exitCode: 252 }));
    expect(() => resolveCredentials({ dataDir: d }, { AWS_ACCESS_KEY_ID: 'X' })).toThrow(expect.objectContaining({ exitCode: 253, message: expect.stringMatching(/AWS_SECRET_ACCESS_KEY/) }));
    expect(() => resolveCredentials({ dataDir: d }, {})).toThrow(expect.objectContaining({ exitCode: 253 }));
    file(d, '{nope');
    expect(() => resolveCredentials({ dataDir: d }, {})).toThrow(/invalid JSON/);
    file(d, { accessKeyId: 'only' });
    expect(() => resolveCredentials({ dataDir: d }, {})).toThrow(/accessKeyId and secretAccessKey are missing/);
  });
});
