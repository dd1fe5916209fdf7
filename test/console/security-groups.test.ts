// Browser: 安全群組 — create, every settings tab edited and saved section by section, an API
// validation reason shown next to its field (nothing changes), delete with "confirm".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { haveChromium, setupConsole, skipReason, type ConsoleEnv } from './browser.js';

interface Group {
  id: string;
  name: string;
  securityGroupSettings: Record<string, unknown> & { calling?: Record<string, boolean>; shredder?: Record<string, unknown>; passwordRequirements?: Record<string, number> };
}

describe.skipIf(!haveChromium)(`console: security groups (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: ConsoleEnv;
  let networkId: string;
  let groupId: string;
  beforeAll(async () => {
    env = await setupConsole();
    ({ networkId } = await createNetwork(env.t.client, 'Groups Net', 'PREMIUM'));
    await env.signIn();
  });
  afterAll(async () => {
    await env?.close();
  });

  const group = async () => (await env.t.client.call<{ securityGroup: Group }>('GetSecurityGroup', { networkId, groupId })).securityGroup;

  /** Opens a tab, presses Edit on one section, lets `fill` change it, saves and waits for the view. */
  async function editSection(tab: string, section: string, fill: () => Promise<void>) {
    const { page } = env;
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await page.getByRole('button', { name: `Edit ${section}`, exact: true }).click();
    await fill();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: `Edit ${section}`, exact: true }).waitFor();
  }

  it('lists groups and creates one', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${networkId}`));
    await page.getByRole('navigation', { name: 'Network Groups Net' }).getByRole('link', { name: 'Security groups' }).click();
    await page.getByRole('heading', { name: 'Security groups', level: 1 }).waitFor();
    await page.getByRole('row', { name: /default/ }).waitFor();
    await page.getByRole('button', { name: 'Create security group' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Security group name/).fill('DEFAULT');
    await dialog.getByRole('button', { name: 'Create security group' }).click();
    await dialog.getByRole('alert').first().waitFor();
    await dialog.getByLabel(/^Security group name/).fill('Field team');
    await env.axe('create group');
    await dialog.getByRole('button', { name: 'Create security group' }).click();
    await page.getByRole('heading', { name: 'Field team', level: 1 }).waitFor();
    groupId = new URL(page.url()).pathname.split('/').pop()!;
    await env.axe('group details');
    await env.shot('group-details');
  });

  it('messaging tab: burn-on-read, expiry, forwarding, quick responses, shredder', async () => {
    const { page } = env;
    await editSection('Messaging', 'Messaging', async () => {
      await page.getByLabel(/^Burn-on-read maximum/).fill('3600');
      await page.getByLabel(/^Expiration timer maximum/).fill('86400');
      await page.getByLabel('Message forwarding').uncheck();
      await page.getByLabel(/^Quick responses/).fill('On my way\nCall me');
    });
    await editSection('Messaging', 'Secure shredder', async () => {
      await page.getByLabel(/^Shredder intensity/).fill('60');
      await page.getByLabel('Members can run the shredder manually').check();
    });
    await env.axe('messaging tab');
    await env.shot('group-messaging');
    const s = (await group()).securityGroupSettings;
    expect(s.maxBor).toBe(3600);
    expect(s.maxTtl).toBe(86400);
    expect(s.messageForwardingEnabled).toBe(false);
    expect(s.quickResponses).toEqual(['On my way', 'Call me']);
    expect(s.shredder).toMatchObject({ intensity: 60, canProcessManually: true });
  });

  it('a value out of range is refused next to the field before sending', async () => {
    const { page } = env;
    await page.getByRole('button', { name: 'Edit Messaging', exact: true }).click();
    await page.getByLabel(/^Expiration timer maximum/).fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Enter a whole number from 1 to 31536000.').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await group()).securityGroupSettings.maxTtl).toBe(86400);
  });

  it('calling, media and links, location tabs', async () => {
    const { page } = env;
    await editSection('Calling', 'Calling', async () => {
      await page.getByLabel('Enable video calling and screen sharing').uncheck();
      await page.getByLabel('TCP calling').check();
    });
    await editSection('Media and links', 'Media and links', async () => {
      await page.getByLabel('File download', { exact: true }).uncheck();
      await page.getByLabel('Link previews').uncheck();
    });
    await env.shot('group-media');
    await editSection('Location', 'Location', async () => {
      await page.getByLabel('Show maps (otherwise a link with the GPS coordinates is shared)').uncheck();
    });
    const s = (await group()).securityGroupSettings;
    expect(s.calling).toMatchObject({ canVideoCall: false, forceTcpCall: true });
    expect(s.enableFileDownload).toBe(false);
    expect(s.isLinkPreviewEnabled).toBe(false);
    expect(s.locationAllowMaps).toBe(false);
  });

  it('security tab: account takeover, re-authenticate, recovery key, non-SSO timeout, password, lockout', async () => {
    const { page } = env;
    await editSection('Security', 'Security', async () => {
      await page.getByLabel('Always re-authenticate').check();
      await page.getByLabel(/^Non-SSO timeout/).fill('720');
    });
    await editSection('Security', 'Password complexity', async () => {
      await page.getByLabel(/^Minimum length/).fill('12');
      await page.getByLabel(/^Symbols/).fill('2');
    });
    await editSection('Security', 'Lockout', async () => {
      await page.getByLabel(/^Lockout threshold/).fill('10');
      await page.getByLabel(/^Device lockout/).fill('5');
    });
    await env.axe('security tab');
    await env.shot('group-security');
    const s = (await group()).securityGroupSettings;
    expect(s.alwaysReauthenticate).toBe(true);
    expect(s.nonSsoTimeoutMinutes).toBe(720);
    expect(s.passwordRequirements).toMatchObject({ minLength: 12, symbols: 2 });
    expect(s.lockoutThreshold).toBe(10);
    expect(s.forceDeviceLockout).toBe(5);
  });

  it('notifications, open access and integrations (ATAK) tabs', async () => {
    const { page } = env;
    await editSection('Notifications and visibility', 'Notifications and visibility', async () => {
      await page.getByLabel('Message preview in notifications').uncheck();
    });
    await editSection('Wickr open access', 'Wickr open access', async () => {
      await page.getByLabel('Enable Wickr open access').check();
      await page.getByLabel('Force Wickr open access').check();
    });
    await editSection('Integrations', 'ATAK plugin', async () => {
      await page.getByLabel('Enable the ATAK plugin').check();
      await page.getByLabel('com.atakmap.app.civ').check();
    });
    await env.shot('group-atak');
    const s = (await group()).securityGroupSettings;
    expect(s.enableNotificationPreview).toBe(false);
    expect(s.forceOpenAccess).toBe(true);
    expect(s.enableAtak).toBe(true);
    expect(s.atakPackageValues).toEqual(['com.atakmap.app.civ']);
  });

  it('federation tab: local restricted with permitted networks, global restricted; an API reason lands on its field', async () => {
    const { page } = env;
    await editSection('Federation', 'Local federation', async () => {
      await page.getByLabel('Restricted', { exact: true }).check();
      await page.getByLabel(/^Permitted networks/).fill('12345678\n87654321');
    });
    const before = JSON.stringify((await group()).securityGroupSettings);
    await page.getByRole('button', { name: 'Edit Global federation', exact: true }).click();
    await page.getByLabel('Enable global federation').check();
    await page.getByLabel('Restricted federation').check();
    await page.getByLabel(/^Permitted AWS Wickr networks/).fill('not a region, 12345678');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const fieldError = page.locator('.field-error').first();
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/region|Region/);
    await env.shot('group-federation-error');
    expect(JSON.stringify((await group()).securityGroupSettings)).toBe(before);
    await page.getByLabel(/^Permitted AWS Wickr networks/).fill('eu-west-2, 12345678');
    await page.getByLabel(/^Permitted Wickr Enterprise networks/).fill('wickr.example.com, 11112222');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Edit Global federation', exact: true }).waitFor();
    await editSection('Federation', 'Guest users', async () => {
      await page.getByLabel('Enable guest users').check();
    });
    await env.axe('federation tab');
    await env.shot('group-federation');
    const s = (await group()).securityGroupSettings;
    expect(s.federationMode).toBe(2);
    expect(s.permittedNetworks).toEqual(['12345678', '87654321']);
    expect(s.permittedWickrAwsNetworks).toEqual([{ region: 'eu-west-2', networkId: '12345678' }]);
    expect(s.permittedWickrEnterpriseNetworks).toEqual([{ domain: 'wickr.example.com', networkId: '11112222' }]);
    expect(s.enableGuestFederation).toBe(true);

    // Turning restriction off clears the list in the same request.
    await editSection('Federation', 'Local federation', async () => {
      await page.getByLabel('All networks in the Region').check();
    });
    const s2 = (await group()).securityGroupSettings;
    expect(s2.federationMode).toBe(1);
    expect(s2.permittedNetworks).toEqual([]);
  });

  it('renames the group on the details tab and deletes it after typing "confirm" (members move to default)', async () => {
    const { page, t } = env;
    await t.client.call('BatchCreateUser', { networkId, users: [{ username: 'member@example.com', securityGroupIds: [groupId] }] });
    await editSection('Details', 'Security group details', async () => {
      await page.getByLabel(/^Security group name/).fill('Field ops');
    });
    await page.getByRole('heading', { name: 'Field ops', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Security groups', exact: true }).first().click();
    await page.getByRole('button', { name: 'Actions for security group Field ops' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('moved to the default security group');
    await dialog.getByLabel('Type "confirm" to confirm').fill('confirm');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('row', { name: /Field ops/ }).waitFor({ state: 'detached' });
    const { users } = await t.client.call<{ users: { securityGroups: string[] }[] }>('ListUsers', { networkId });
    const { securityGroups } = await t.client.call<{ securityGroups: { id: string; isDefault: boolean }[] }>('ListSecurityGroups', { networkId });
    expect(securityGroups).toHaveLength(1);
    expect(users[0]!.securityGroups).toEqual([securityGroups[0]!.id]);
  });
});
