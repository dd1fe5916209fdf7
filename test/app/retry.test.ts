// Browser: "Not sent" with Retry / Discard, produced deterministically by a send the server refuses
// (a DM across two networks of the server while the peer's security group stops allowing local
// federation). Discard removes the message for good; Retry while still refused stays "Not sent";
// Retry once federation is allowed again delivers it, exactly once.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, haveChromium, inviteAndJoin, messageItem, send, setupApp, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: "Not sent" with Retry and Discard (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let one: { networkId: string; defaultGroupId: string };
  let two: { networkId: string; defaultGroupId: string };
  let alice: Page;
  let bob: Page;
  const setGroup = (n: { networkId: string; defaultGroupId: string }, settings: Record<string, unknown>) =>
    env.t.client.call('UpdateSecurityGroup', { networkId: n.networkId, groupId: n.defaultGroupId, securityGroupSettings: settings });

  beforeAll(async () => {
    env = await setupApp();
    one = await createNetwork(env.t.client, 'Retry One');
    two = await createNetwork(env.t.client, 'Retry Two');
    for (const n of [one, two]) await setGroup(n, { showMasterRecoveryKey: false, federationMode: 1 });
    const ac = await env.newContext();
    // Counts the send frames Alice's page puts on the WebSocket (so a retry is seen to go out).
    await ac.context.addInitScript(`(() => { window.__sends = 0; const orig = WebSocket.prototype.send; WebSocket.prototype.send = function (d) { if (typeof d === 'string' && d.startsWith('{"t":"send"')) window.__sends++; return orig.call(this, d); }; })()`);
    alice = ac.page;
    bob = (await env.newContext()).page;
    const people = { from: { ...ALICE, email: 'alice@one.example' }, to: { ...BOB, email: 'bob@two.example' } };
    await inviteAndJoin(env, alice, { networkId: one.networkId, groupId: one.defaultGroupId }, people.from);
    await inviteAndJoin(env, bob, { networkId: two.networkId, groupId: two.defaultGroupId }, people.to);
    await startDm(alice, bob, 'hello across networks', people);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('discards a refused message, keeps it "Not sent" on a refused retry, and delivers it once on a retry that succeeds', async () => {
    const failed = (text: string) => messageItem(alice, text).getByRole('alert').filter({ hasText: 'Not sent' });
    await setGroup(two, { federationMode: 0 });
    await send(alice, 'refused then retried');
    await failed('refused then retried').filter({ hasText: 'does not allow local federation' }).waitFor();
    await send(alice, 'refused then discarded');
    await failed('refused then discarded').waitFor();
    expect(await failed('refused then retried').getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await env.shot('80-not-sent-retry-discard', alice);
    await env.axe('not sent', alice);

    // Discard: gone from the conversation.
    await failed('refused then discarded').getByRole('button', { name: 'Discard' }).click();
    await messageItem(alice, 'refused then discarded').waitFor({ state: 'detached' });

    // Retry while the peer's group still refuses: sent again, refused again, "Not sent" again.
    const sends = (await alice.evaluate('window.__sends')) as number;
    await failed('refused then retried').getByRole('button', { name: 'Retry' }).click();
    // A function, not a string: a string predicate that has to poll is evaluated with eval, which
    // the messenger's CSP (script-src 'self') refuses.
    await alice.waitForFunction((n) => (window as unknown as { __sends: number }).__sends > n, sends);
    await failed('refused then retried').filter({ hasText: 'does not allow local federation' }).waitFor();
    expect(await messageItem(alice, 'refused then retried').locator('.delivery.sent').count()).toBe(0);

    // Allowed again: Retry delivers it ("✓ Sent", received by Bob).
    await setGroup(two, { federationMode: 1 });
    await failed('refused then retried').getByRole('button', { name: 'Retry' }).click();
    await messageItem(alice, 'refused then retried').locator('.delivery.sent, .delivery.read').waitFor();
    expect(await failed('refused then retried').count()).toBe(0);
    await messageItem(bob, 'refused then retried').waitFor();
    await send(alice, 'after the retry');
    await messageItem(bob, 'after the retry').waitFor();
    // Exactly one copy of the retried message; the discarded one never arrives, nor stays on Alice's side.
    expect(await messageItem(bob, 'refused then retried').count()).toBe(1);
    expect(await messageItem(bob, 'refused then discarded').count()).toBe(0);
    expect(await messageItem(alice, 'refused then discarded').count()).toBe(0);
    await env.shot('81-retried-delivered', bob);
  });
});
