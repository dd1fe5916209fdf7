// Browser: sign-in, 網路 (information page, create with plan and tags, list, ⋮ view details / delete),
// 網路首頁 (edit name and plan with the trial rules, manage tags: add, edit, remove) and delete network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, setupConsole, skipReason, type ConsoleEnv } from './browser.js';

describe.skipIf(!haveChromium)(`console: networks (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await setupConsole();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses a wrong password with the API message, then signs in', async () => {
    const { page, t } = env;
    await page.goto(env.url('/'));
    await page.getByLabel('Account ID').fill(t.accountId);
    await page.getByLabel('IAM user name').fill(env.userName);
    await page.getByLabel(/^Password/).fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Invalid user name or password.');
    await env.axe('sign-in');
    await env.shot('signin-error');
    await env.signIn();
  });

  it('shows the information page when there are no networks', async () => {
    const { page } = env;
    await page.getByText('You have no networks yet').waitFor();
    await env.axe('networks empty');
    await env.shot('networks-empty');
  });

  it('creates a network: validation, plan with the trial limits explained, tags', async () => {
    const { page } = env;
    await page.getByRole('button', { name: 'Create network' }).first().click();
    await page.getByRole('heading', { name: 'Create network' }).waitFor();
    await page.getByLabel(/^Network name/).fill('A name that is far too long');
    await page.getByRole('button', { name: 'Create network' }).click();
    await page.getByText('Network name must be between 1 and 20 characters.').waitFor();
    await page.getByLabel(/^Network name/).fill('Acme Ops');
    await page.getByText('Each account can enroll only one network in the free trial.').waitFor();
    await page.getByLabel('Premium', { exact: true }).check();
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Key').fill('Env');
    await page.getByLabel('Value').fill('prod');
    await env.axe('create network');
    await env.shot('network-create');
    await page.getByRole('button', { name: 'Create network' }).click();
    await page.getByRole('link', { name: 'Acme Ops' }).waitFor();
    const row = page.getByRole('row', { name: /Acme Ops/ });
    expect(await row.textContent()).toContain('Premium');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('0');
    await env.shot('networks-list');
    const { networks } = await env.t.client.call<{ networks: { networkId: string; networkArn: string }[] }>('ListNetworks', {});
    const tags = await env.t.client.call<{ tags: Record<string, string> }>('ListTagsForResource', { resourceArn: networks[0]!.networkArn });
    expect(tags.tags).toEqual({ Env: 'prod' });
  });

  it('opens the network home from the ⋮ menu (keyboard) and edits the name and plan', async () => {
    const { page } = env;
    await page.getByRole('button', { name: 'Actions for network Acme Ops' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('View details');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Acme Ops', level: 1 }).waitFor();
    await page.getByText('Network ID').waitFor();
    await env.axe('network home');
    await env.shot('network-home');

    await page.getByRole('button', { name: 'Edit network details' }).click();
    await page.getByLabel(/^Network name/).fill('Acme Field');
    await page.getByLabel('Premium free trial').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Acme Field', level: 1 }).waitFor();
    await page.getByText(/Premium free trial \(until/).waitFor();

    // Leaving the trial is explained; once used, the trial cannot be chosen again.
    await page.getByRole('button', { name: 'Edit network details' }).click();
    await page.getByText('Choosing Premium or Standard ends the trial').waitFor();
    await page.getByLabel('Standard', { exact: true }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Acme Field', level: 1 }).waitFor();
    // The account's one free trial is used: the server refuses, its message is shown, nothing changes.
    await page.getByRole('button', { name: 'Edit network details' }).click();
    await page.getByLabel('Premium free trial').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Nothing was saved').waitFor();
    await env.axe('edit network');
    await env.shot('network-edit-plan-refused');
    expect(await page.getByLabel('Premium free trial').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a plan change the server refuses shows its message and changes nothing', async () => {
    const { page, t } = env;
    // A second network cannot take the account's one free trial.
    const { networkId } = await t.client.call<{ networkId: string }>('CreateNetwork', { networkName: 'Second', accessLevel: 'STANDARD' });
    await page.goto(env.url(`/networks/${networkId}/edit`));
    await page.getByLabel('Premium free trial').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    await env.shot('network-plan-refused');
    const n = await t.client.call<{ accessLevel: string; freeTrialExpiration?: string }>('GetNetwork', { networkId });
    expect(n.accessLevel).toBe('STANDARD');
    expect(n.freeTrialExpiration).toBeUndefined();
    await t.client.call('DeleteNetwork', { networkId });
  });

  it('manages tags: add, edit a value (the key is locked), remove, save changes', async () => {
    const { page, t } = env;
    const { networks } = await t.client.call<{ networks: { networkId: string; networkArn: string; networkName: string }[] }>('ListNetworks', {});
    const net = networks.find((n) => n.networkName === 'Acme Field')!;
    await page.goto(env.url(`/networks/${net.networkId}`));
    await page.getByRole('button', { name: 'Manage tags' }).click();
    await page.getByRole('heading', { name: 'Manage tags', level: 1 }).waitFor();
    const keys = page.getByLabel('Key');
    expect(await keys.first().getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('Value').first().fill('staging');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await keys.nth(1).fill('aws:owner');
    await page.getByLabel('Value').nth(1).fill('ops');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Keys starting with aws: are reserved.').waitFor();
    await keys.nth(1).fill('Owner');
    await env.axe('manage tags');
    await env.shot('tags-manage');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Acme Field', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'staging' }).waitFor();
    expect((await t.client.call<{ tags: Record<string, string> }>('ListTagsForResource', { resourceArn: net.networkArn })).tags).toEqual({ Env: 'staging', Owner: 'ops' });

    await page.getByRole('button', { name: 'Manage tags' }).click();
    await page.getByRole('button', { name: 'Remove tag Env' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Acme Field', level: 1 }).waitFor();
    expect((await t.client.call<{ tags: Record<string, string> }>('ListTagsForResource', { resourceArn: net.networkArn })).tags).toEqual({ Owner: 'ops' });
  });

  it('deletes a network from the ⋮ menu only after typing "confirm"', async () => {
    const { page, t } = env;
    await page.getByRole('link', { name: 'Networks' }).first().click();
    await page.getByRole('button', { name: 'Actions for network Acme Field' }).click();
    await page.getByRole('menuitem', { name: 'Delete network' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Data that data retention already archived is kept');
    const del = dialog.getByRole('button', { name: 'Delete', exact: true });
    expect(await del.isDisabled()).toBe(true);
    await dialog.getByLabel('Type "confirm" to confirm').fill('confirm');
    await env.axe('delete network dialog');
    await env.shot('network-delete');
    await del.click();
    await page.getByText('You have no networks yet').waitFor();
    expect((await t.client.call<{ networks: unknown[] }>('ListNetworks', {})).networks).toHaveLength(0);
  });
});
