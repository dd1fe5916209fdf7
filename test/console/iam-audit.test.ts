// Browser: 存取與稽核 — IAM users (console password, access keys, MFA status with assign / remove),
// policies with the JSON editor
// (local and ValidatePolicy checks), versions, attaching and detaching; the audit log with filters and
// each event's JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../packages/server/src/domain/iam/totp.js';
import { haveChromium, setupConsole, skipReason, type ConsoleEnv } from './browser.js';

describe.skipIf(!haveChromium)(`console: IAM and audit (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await setupConsole();
    await env.signIn();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates an IAM user, sets a console password, creates and deactivates an access key', async () => {
    const { page } = env;
    await page.getByRole('link', { name: 'IAM users and policies' }).click();
    await page.getByRole('link', { name: 'console-admin' }).waitFor();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('dialog').getByLabel(/^User name/).fill('ops-reader');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'ops-reader', level: 1 }).waitFor();
    await page.locator('input[name="iamPassword"]').fill('short');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('alert').first().waitFor();
    await page.locator('input[name="iamPassword"]').fill('A long Passphrase 42!');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(/A console password is set/).waitFor();
    await page.getByRole('button', { name: 'Create access key' }).click();
    const secret = (await page.getByTestId('secret-key').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    const keyId = (await page.getByRole('row').nth(1).getByRole('cell').first().textContent())!;
    await page.getByRole('button', { name: `Actions for access key ${keyId}` }).click();
    await page.getByRole('menuitem', { name: 'Make inactive' }).click();
    await page.getByRole('row', { name: new RegExp(`${keyId}.*Inactive`) }).waitFor();
    await env.axe('iam user');
    await env.shot('iam-user');
    const keys = await env.iam<{ AccessKeyMetadata: { Status: string }[] }>('ListAccessKeys', { UserName: 'ops-reader' });
    expect(keys.AccessKeyMetadata[0]!.Status).toBe('Inactive');
  });

  it('MFA: status not enabled / enabled since; assign only when none, remove (confirmed) only when one exists', async () => {
    const { page } = env;
    const devices = async () => (await env.iam<{ MFADevices: { SerialNumber: string; EnableDate: string }[] }>('ListMFADevices', { UserName: 'ops-reader' })).MFADevices;
    await page.goto(env.url('/iam'));
    await page.getByRole('row', { name: /ops-reader.*Not enabled/ }).waitFor();
    await page.getByRole('link', { name: 'ops-reader' }).click();
    const mfa = page.locator('section', { has: page.getByRole('heading', { name: 'MFA (virtual device)' }) });
    await mfa.getByText('Not enabled').waitFor();
    expect(await mfa.getByRole('button', { name: 'Remove MFA device' }).count()).toBe(0);
    await mfa.getByRole('button', { name: 'Assign MFA device' }).click();
    const seed = (await mfa.getByTestId('mfa-seed').textContent())!;
    expect(seed).toMatch(/^[A-Z2-7]+=*$/);
    expect(await mfa.getByRole('button', { name: 'Assign MFA device' }).count()).toBe(0);
    // Two wrong codes: the server's answer, and still not enabled.
    await mfa.getByLabel('First code').fill('000000');
    await mfa.getByLabel('Next code').fill('000001');
    await mfa.getByRole('button', { name: 'Confirm MFA device' }).click();
    await mfa.getByText('Authentication code for device is not valid.').waitFor();
    expect(await devices()).toEqual([]);
    const now = Date.now();
    await mfa.getByLabel('First code').fill(totpCode(seed, now - 30_000));
    await mfa.getByLabel('Next code').fill(totpCode(seed, now));
    await env.axe('mfa assign');
    await env.shot('iam-mfa-assign');
    await mfa.getByRole('button', { name: 'Confirm MFA device' }).click();
    await mfa.getByText('The MFA device is enabled.').waitFor();
    await mfa.getByText(/^Enabled since /).waitFor();
    const [device] = await devices();
    expect(device!.SerialNumber).toMatch(/:mfa\/ops-reader$/);
    await mfa.getByText(device!.SerialNumber).waitFor();
    expect(await mfa.getByRole('button', { name: 'Assign MFA device' }).count()).toBe(0);
    await env.shot('iam-mfa-enabled');
    await page.goto(env.url('/iam'));
    await page.getByRole('row', { name: /ops-reader.*Enabled since/ }).waitFor();
    await page.getByRole('row', { name: /console-admin.*Not enabled/ }).waitFor();
    await env.axe('iam users with MFA');

    await page.getByRole('link', { name: 'ops-reader' }).click();
    await mfa.getByRole('button', { name: 'Remove MFA device' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Remove the MFA device of ops-reader?').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await devices()).toHaveLength(1);
    await mfa.getByRole('button', { name: 'Remove MFA device' }).click();
    await dialog.getByRole('button', { name: 'Remove MFA device' }).click();
    await mfa.getByText('The MFA device was removed.').waitFor();
    await mfa.getByText('Not enabled').waitFor();
    await mfa.getByRole('button', { name: 'Assign MFA device' }).waitFor();
    expect(await devices()).toEqual([]);
  });

  it('creates a policy in the JSON editor (invalid JSON refused, ValidatePolicy warnings), a new version, attaches and detaches it', async () => {
    const { page } = env;
    await page.goto(env.url('/iam?tab=policies'));
    await page.getByRole('button', { name: 'Create policy' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Policy name/).fill('WickrReadOnly');
    await dialog.getByLabel(/^Policy document/).fill('{"Version": "2012-10-17", "Statement": [');
    await dialog.getByText(/Not valid JSON/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
    await dialog
      .getByLabel(/^Policy document/)
      .fill(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['wickr:ListNetworks', 'wickr:NoSuchThing'], Resource: '*' }] }));
    await dialog.getByRole('button', { name: 'Validate policy' }).click();
    await dialog.getByText('The policy is valid').waitFor();
    await dialog.locator('.banner').getByText(/NoSuchThing/).waitFor();
    await env.axe('policy editor');
    await env.shot('iam-policy-editor');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'WickrReadOnly', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.getByRole('dialog').getByLabel(/^Policy document/).fill(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'wickr:List*', Resource: '*' }] }));
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /v2.*Yes/ }).waitFor();
    await page.getByRole('button', { name: 'Actions for version v2' }).click();
    await page.getByRole('menuitem', { name: 'View document' }).click();
    await page.getByText('"wickr:List*"').waitFor();
    await env.shot('iam-policy-versions');

    await page.goto(env.url('/iam/users/ops-reader'));
    await page.getByLabel('Policy to attach').selectOption({ label: 'WickrReadOnly (customer managed)' });
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await page.getByRole('link', { name: 'WickrReadOnly' }).waitFor();
    const attached = await env.iam<{ AttachedPolicies: { PolicyName: string }[] }>('ListAttachedUserPolicies', { UserName: 'ops-reader' });
    expect(attached.AttachedPolicies.map((p) => p.PolicyName)).toEqual(['WickrReadOnly']);
    await page.getByRole('button', { name: 'Detach WickrReadOnly' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Detach' }).click();
    await page.getByText('No attached policies.').waitFor();
  });

  it('audit log: filters by event name and principal, time range in UTC, shows each event’s JSON', async () => {
    const { page, t } = env;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel(/^Event name/).fill('CreateUser');
    await page.getByLabel(/^Principal ARN/).fill(`arn:aws:iam::${t.accountId}:user/console-admin`);
    const start = new Date(Date.now() - 3600_000).toISOString().slice(0, 16);
    await page.getByLabel(/^From \(UTC\)/).fill(start);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.getByRole('row', { name: /CreateUser/ });
    await row.first().waitFor();
    expect(await page.getByRole('row').count()).toBe(2);
    await row.getByRole('button', { name: /Show JSON/ }).click();
    const json = page.locator('pre.json');
    expect(JSON.parse((await json.textContent())!)).toMatchObject({ eventName: 'CreateUser', eventSource: 'iam.amazonaws.com', userIdentity: { userName: 'console-admin' } });
    await env.axe('audit log');
    await env.shot('audit-log');
    await page.getByLabel(/^To \(UTC\)/).fill(new Date(Date.now() - 7200_000).toISOString().slice(0, 16));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('The start must not be after the end.').waitFor();
  });
});
