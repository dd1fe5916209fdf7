// Shared helpers of the SDK end-to-end tests: invited members signed in with the SDK against a test
// server, collecting events, and waiting for a condition.
import { EnclaveClient, MemoryStore, type LocalStore, type Message } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import type { TestServer } from './harness.js';
import { GOOD_PASSWORD, invite } from './members.js';

/** A cheap scrypt cost for tests (the default costs half a second per profile). */
export const kdf = { N: 2 ** 10, r: 8, p: 1 };

/** Registers an invited member of `networkId` with the SDK (MemoryStore unless `store` is given). */
export async function sdkMember(t: TestServer, networkId: string, name: string, o: { store?: LocalStore; connect?: boolean } = {}): Promise<{ client: EnclaveClient; email: string }> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inviteCode } = await invite(t, networkId, email);
  const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: o.store ?? new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1' });
  if (o.connect ?? true) await client.connect();
  return { client, email };
}

export function collect(c: EnclaveClient): Message[] {
  const got: Message[] = [];
  c.on('message', (m) => got.push(m));
  return got;
}

export async function until(cond: () => boolean, ms = 10_000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
