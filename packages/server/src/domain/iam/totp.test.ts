import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autocommit, dropPostgresSchema, openStore, type Store } from '../../infra/db.js';
import { claimTotpStep, totpCode, totpStep, verifyTotp } from './totp.js';

const DATABASE_URL = process.env.ENCLAVE_TEST_DATABASE_URL || undefined;
// A step boundary: steps are 30 s, so T0 + 1 s lies in step T0 / 30 s.
const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const STEP = 30_000;
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('totpStep', () => {
  const at = T0 + 1000;
  const step = T0 / STEP;

  it('accepts the current, previous and next step and reports which', () => {
    expect(totpStep(SECRET, totpCode(SECRET, at), at)).toBe(step);
    expect(totpStep(SECRET, totpCode(SECRET, at - STEP), at)).toBe(step - 1);
    expect(totpStep(SECRET, totpCode(SECRET, at + STEP), at)).toBe(step + 1);
  });

  it('refuses codes two steps away, malformed codes and unreadable secrets', () => {
    expect(totpStep(SECRET, totpCode(SECRET, at - 2 * STEP), at)).toBeUndefined();
    expect(totpStep(SECRET, totpCode(SECRET, at + 2 * STEP), at)).toBeUndefined();
    expect(totpStep(SECRET, '12345', at)).toBeUndefined();
    expect(totpStep(SECRET, '1234567', at)).toBeUndefined();
    expect(totpStep(SECRET, ' 123456', at)).toBeUndefined();
    expect(totpStep('not base32!', '123456', at)).toBeUndefined();
  });
});

describe(`TOTP replay guard (${DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let store: Store;
  let dataDir: string;
  const schema = DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'enclave-totp-'));
    store = await openStore({ databaseUrl: DATABASE_URL, dataDir, schema });
  });
  afterAll(async () => {
    await store.close();
    if (DATABASE_URL && schema) await dropPostgresSchema(DATABASE_URL, schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts a step once, then only later steps', async () => {
    expect(await claimTotpStep(autocommit(store.db), 'AIDAUSER1', 100)).toBe(true);
    expect(await claimTotpStep(autocommit(store.db), 'AIDAUSER1', 100)).toBe(false);
    expect(await claimTotpStep(autocommit(store.db), 'AIDAUSER1', 99)).toBe(false);
    expect(await claimTotpStep(autocommit(store.db), 'AIDAUSER1', 101)).toBe(true);
    // Per principal.
    expect(await claimTotpStep(autocommit(store.db), 'AIDAUSER2', 100)).toBe(true);
  });

  it('lets exactly one of concurrent claims of the same step win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => claimTotpStep(autocommit(store.db), 'AIDAUSER3', 500)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('verifies and consumes a code', async () => {
    const at = T0 + 1000;
    const code = totpCode(SECRET, at);
    expect(await verifyTotp(autocommit(store.db), 'AIDAUSER4', SECRET, code, at)).toBe(true);
    expect(await verifyTotp(autocommit(store.db), 'AIDAUSER4', SECRET, code, at + 5000)).toBe(false);
    expect(await verifyTotp(autocommit(store.db), 'AIDAUSER4', SECRET, totpCode(SECRET, at - STEP), at)).toBe(false);
    const next = totpCode(SECRET, at + STEP);
    const wrong = next.slice(0, 5) + String((Number(next[5]) + 1) % 10);
    expect(await verifyTotp(autocommit(store.db), 'AIDAUSER4', SECRET, wrong, at + STEP)).toBe(false);
    expect(await verifyTotp(autocommit(store.db), 'AIDAUSER4', SECRET, next, at + STEP)).toBe(true);
  });
});
