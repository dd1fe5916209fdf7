// Browser: GovCloud cross-boundary classification (the guide's GovCloud 跨邊界分類和聯合). A member of a
// network marked GOVCLOUD and a member of a COMMERCIAL network, with local federation allowed both
// ways: the GovCloud member sees the U tag in the conversation list, the UNCLASSIFIED banner and a
// confirmation before sending; the commercial member sees none; the marks go when the external member
// leaves; forwarding into the cross-boundary conversation is confirmed too; an administrator's change of
// the other network's boundary reaches the open messenger live. Federation refused by either side's security group is refused with an error naming the refusing security group.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { invite } from '../helpers/members.js';
import { haveChromium, joinInBrowser, messageItem, openDmWith, send, setupApp, skipReason, type AppEnv } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: cross-boundary marks (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let gov: { networkId: string; defaultGroupId: string };
  let com: { networkId: string; defaultGroupId: string };
  let gina: Page;
  let carl: Page;
  const setGroup = (n: { networkId: string; defaultGroupId: string }, settings: Record<string, unknown>) =>
    env.t.client.call('UpdateSecurityGroup', { networkId: n.networkId, groupId: n.defaultGroupId, securityGroupSettings: settings });

  beforeAll(async () => {
    env = await setupApp();
    gov = await createNetwork(env.t.client, 'Agency');
    com = await createNetwork(env.t.client, 'Contractor');
    await env.t.client.call('UpdateNetworkSettings', { networkId: gov.networkId, settings: { classificationBoundary: 'GOVCLOUD' } });
    for (const n of [gov, com]) await setGroup(n, { showMasterRecoveryKey: false, federationMode: 1 });
    gina = (await env.newContext()).page;
    carl = (await env.newContext()).page;
    const g = await invite(env.t, gov.networkId, 'gina@agency.example', gov.defaultGroupId, { firstName: 'Gina', lastName: 'Gov' });
    await joinInBrowser(env, gina, { email: 'gina@agency.example', code: g.inviteCode, firstName: 'Gina', lastName: 'Gov' });
    const c = await invite(env.t, com.networkId, 'carl@contractor.example', com.defaultGroupId, { firstName: 'Carl', lastName: 'Contractor' });
    await joinInBrowser(env, carl, { email: 'carl@contractor.example', code: c.inviteCode, firstName: 'Carl', lastName: 'Contractor' });
  });
  afterAll(async () => {
    await env?.close();
  });

  const uTag = (page: Page, name: RegExp) => page.getByRole('navigation').getByRole('link', { name }).locator('.tag-u');
  const banner = (page: Page) => page.getByRole('note').filter({ hasText: 'UNCLASSIFIED' });
  const confirmDialog = (page: Page) => page.getByRole('dialog', { name: 'Send an unclassified message?' });

  it('starts a DM with a federated member from the directory; only the GovCloud side sees the marks and confirms sends', async () => {
    // The directory search finds the member of the other network, marked as such.
    await gina.getByRole('link', { name: 'New message' }).click();
    await gina.getByLabel('Search the team directory').fill('carl');
    await gina.getByRole('button', { name: 'Message Carl Contractor' }).getByText('Other network').waitFor();
    await env.shot('70-directory-federated-member', gina);
    await openDmWith(gina, 'carl', 'Carl Contractor');

    await banner(gina).waitFor();
    await uTag(gina, /Carl Contractor/).waitFor();
    await gina.getByRole('textbox', { name: 'Message' }).fill('hello from GovCloud');
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).waitFor();
    await env.shot('71-unclassified-confirmation', gina);
    await env.axe('unclassified confirmation', gina);
    // Cancelled: nothing is sent, the text stays.
    await confirmDialog(gina).getByRole('button', { name: 'Cancel' }).click();
    await expect(gina.getByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(await gina.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('hello from GovCloud');
    expect(await messageItem(gina, 'hello from GovCloud').count()).toBe(0);
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await messageItem(gina, 'hello from GovCloud').waitFor();
    await env.shot('72-govcloud-dm-marked', gina);
    await env.axe('cross-boundary conversation', gina);

    // The commercial member: no tag, no banner, no confirmation.
    await carl.getByRole('link', { name: /Gina Gov/ }).click();
    await messageItem(carl, 'hello from GovCloud').waitFor();
    await send(carl, 'hello from the contractor');
    await messageItem(gina, 'hello from the contractor').waitFor();
    expect(await confirmDialog(carl).count()).toBe(0);
    expect(await banner(carl).count()).toBe(0);
    expect(await carl.locator('.tag-u').count()).toBe(0);
    await env.shot('73-commercial-dm-unmarked', carl);
  });

  it('marks a room while the external member is in it, and drops the marks when he leaves', async () => {
    await gina.getByRole('link', { name: 'New room' }).click();
    await gina.getByLabel('Room name').fill('Joint ops');
    await gina.getByLabel('Search the team directory').fill('carl');
    await gina.getByLabel(/^Carl Contractor/).check();
    await gina.getByRole('button', { name: 'Create room' }).click();
    await gina.getByRole('heading', { name: 'Joint ops' }).waitFor();
    await banner(gina).waitFor();
    await uTag(gina, /Joint ops/).waitFor();
    await gina.getByRole('textbox', { name: 'Message' }).fill('room briefing');
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await env.shot('74-govcloud-room-marked', gina);

    await carl.getByRole('link', { name: /Joint ops/ }).click();
    await messageItem(carl, 'room briefing').waitFor();
    expect(await banner(carl).count()).toBe(0);
    expect(await carl.locator('.tag-u').count()).toBe(0);
    await carl.getByRole('link', { name: 'Room settings' }).click();
    await carl.getByRole('button', { name: 'Leave room' }).click();
    await carl.getByRole('dialog').getByRole('button', { name: /^Leave/ }).click();
    await carl.getByRole('link', { name: /Joint ops/ }).waitFor({ state: 'detached' });

    // Gina's room loses the tag and the banner, and sends without confirmation again.
    await uTag(gina, /Joint ops/).waitFor({ state: 'detached' });
    await banner(gina).waitFor({ state: 'detached' });
    await send(gina, 'only GovCloud now');
    await messageItem(gina, 'only GovCloud now').waitFor();
    expect(await confirmDialog(gina).count()).toBe(0);
    // The DM with Carl still carries its tag.
    await uTag(gina, /Carl Contractor/).waitFor();
    await env.shot('75-govcloud-room-after-leave', gina);

    // Forwarding into the cross-boundary DM asks the same confirmation (cancel forwards nothing); into
    // the GovCloud-only room it does not.
    const forwardDialog = gina.getByRole('dialog', { name: 'Forward message' });
    await messageItem(gina, 'only GovCloud now').getByRole('button', { name: 'Forward' }).click();
    await forwardDialog.getByRole('button', { name: 'Joint ops' }).click();
    await forwardDialog.getByText('Forwarded to Joint ops.').waitFor();
    expect(await confirmDialog(gina).count()).toBe(0);
    await forwardDialog.getByRole('button', { name: 'Carl Contractor' }).click();
    await confirmDialog(gina).getByText('Forward to Carl Contractor.').waitFor();
    await env.axe('forward confirmation', gina);
    await env.shot('75b-forward-unclassified-confirmation', gina);
    await confirmDialog(gina).getByRole('button', { name: 'Cancel' }).click();
    await forwardDialog.getByRole('button', { name: 'Carl Contractor' }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await forwardDialog.getByText('Forwarded to Carl Contractor.').waitFor();
    await forwardDialog.getByRole('button', { name: 'Close' }).click();
    await carl.getByRole('link', { name: /Gina Gov/ }).click();
    await messageItem(carl, 'only GovCloud now').getByText('Forwarded').waitFor();
    await gina.getByRole('link', { name: /Carl Contractor/ }).click();
    await gina.getByRole('textbox', { name: 'Message' }).fill('after the forward');
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await messageItem(carl, 'after the forward').waitFor();
    // Cancelled once, confirmed once: exactly one copy arrived.
    expect(await messageItem(carl, 'only GovCloud now').count()).toBe(1);
  });

  it("refuses messages once either side's security group stops allowing federation", async () => {
    // English shows the server's specific text: who, and which security group refuses.
    const failed = (page: Page, text: string) => page.getByRole('alert').filter({ hasText: 'Not sent' }).filter({ hasText: text });
    const refusedNote = (page: Page) => page.getByRole('note').filter({ hasText: 'is no longer allowed, so nothing can be sent in this conversation' });
    // The commercial network's group turns federation off: Gina's open conversation says so at once
    // (no reload, nothing sent yet), and her message is refused.
    await gina.getByRole('link', { name: /Carl Contractor/ }).click();
    await gina.evaluate(() => ((window as unknown as { stillThisPage?: boolean }).stillThisPage = true));
    expect(await refusedNote(gina).count()).toBe(0);
    await setGroup(com, { federationMode: 0 });
    await refusedNote(gina).filter({ hasText: `The security group of carl@contractor.example (network ${com.networkId}) does not allow local federation` }).waitFor();
    expect(await gina.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
    await env.axe('federation refused note', gina);
    await gina.getByRole('textbox', { name: 'Message' }).fill('are you there?');
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await failed(gina, 'Federation with carl@contractor.example is no longer allowed').filter({ hasText: `The security group of carl@contractor.example (network ${com.networkId}) does not allow local federation` }).waitFor();
    await env.shot('76-federation-refused-other-side', gina);
    // Allowed again there, refused by the GovCloud network's group: Carl's message is refused.
    await setGroup(com, { federationMode: 1 });
    await setGroup(gov, { federationMode: 2, permittedNetworks: [] });
    await carl.getByRole('link', { name: /Gina Gov/ }).click();
    await send(carl, 'can you hear me?');
    await failed(carl, 'Federation with gina@agency.example is no longer allowed').filter({ hasText: 'restricts local federation to its permitted networks' }).waitFor();
    await env.shot('77-federation-refused-govcloud-side', carl);
    expect(await messageItem(gina, 'can you hear me?').count()).toBe(0);
    await refusedNote(carl).filter({ hasText: 'restricts local federation to its permitted networks' }).waitFor();
    // Both allow it again: the notes go (live) and messages flow.
    await setGroup(gov, { federationMode: 1, permittedNetworks: [] });
    await refusedNote(carl).waitFor({ state: 'detached' });
    await refusedNote(gina).waitFor({ state: 'detached' });
    await send(carl, 'back again');
    await messageItem(gina, 'back again').waitFor();
  });
  it("follows a change of the other network's classification boundary live, without a reload", async () => {
    await gina.getByRole('link', { name: /Carl Contractor/ }).click();
    await banner(gina).waitFor();
    await uTag(gina, /Carl Contractor/).waitFor();
    await gina.evaluate(() => ((window as unknown as { stillThisPage?: boolean }).stillThisPage = true));
    // The contractor's network becomes GOVCLOUD: Carl is inside Gina's boundary now.
    await env.t.client.call('UpdateNetworkSettings', { networkId: com.networkId, settings: { classificationBoundary: 'GOVCLOUD' } });
    await banner(gina).waitFor({ state: 'detached' });
    await uTag(gina, /Carl Contractor/).waitFor({ state: 'detached' });
    await send(gina, 'inside the boundary now');
    await messageItem(carl, 'inside the boundary now').waitFor();
    expect(await confirmDialog(gina).count()).toBe(0);
    await env.shot('78-boundary-changed-live', gina);
    // Back to COMMERCIAL: the marks and the confirmation return.
    await env.t.client.call('UpdateNetworkSettings', { networkId: com.networkId, settings: { classificationBoundary: 'COMMERCIAL' } });
    await banner(gina).waitFor();
    await uTag(gina, /Carl Contractor/).waitFor();
    await gina.getByRole('textbox', { name: 'Message' }).fill('outside again');
    await gina.getByRole('button', { name: 'Send', exact: true }).click();
    await confirmDialog(gina).getByRole('button', { name: 'Send unclassified' }).click();
    await messageItem(carl, 'outside again').waitFor();
    expect(await gina.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
  });
});
