// Browser, in Traditional Chinese: the language switch (remembered across reloads) and a smoke path
// through the guide's procedures with its zh-TW terms: 建立網路 → 安全群組 → 邀請使用者 → 大量暫停 →
// 網路政策 → 刪除網路 (輸入「確認」).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, setupConsole, skipReason, type ConsoleEnv } from './browser.js';

describe.skipIf(!haveChromium)(`console: zh-TW (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await setupConsole({ lang: 'en' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('switches to 繁體中文 on the sign-in page and remembers it after a reload', async () => {
    const { page } = env;
    await page.goto(env.url('/'));
    await page.getByLabel('Language').selectOption('zh-TW');
    await page.getByRole('heading', { name: '登入管理員主控台' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-TW');
    await page.reload();
    await page.getByRole('heading', { name: '登入管理員主控台' }).waitFor();
    await env.axe('sign-in zh-TW');
    await env.shot('zh-signin');
    await env.signIn();
    await page.getByText('您還沒有任何網路').waitFor();
  });

  it('建立網路, 安全群組, 邀請使用者, 大量暫停, 網路政策, 刪除網路', async () => {
    const { page, t } = env;
    await page.getByRole('button', { name: '建立網路' }).first().click();
    await page.getByLabel(/^網路名稱/).fill('');
    await page.getByRole('button', { name: '建立網路' }).click();
    await page.getByText('請輸入網路名稱。').waitFor();
    await page.getByLabel(/^網路名稱/).fill('研發網路');
    await page.getByLabel('Premium', { exact: true }).check();
    await page.getByText('在高級免費試用期間，無法使用訪客使用者功能。').waitFor();
    await env.axe('create network zh-TW');
    await env.shot('zh-network-create');
    await page.getByRole('button', { name: '建立網路' }).click();
    await page.getByRole('link', { name: '研發網路' }).click();
    await page.getByRole('heading', { name: '網路詳細資訊' }).waitFor();

    await page.getByRole('link', { name: '安全群組' }).click();
    await page.getByRole('button', { name: '建立安全群組' }).click();
    await page.getByRole('dialog').getByLabel(/^安全群組名稱/).fill('外勤小組');
    await page.getByRole('dialog').getByRole('button', { name: '建立安全群組' }).click();
    await page.getByRole('heading', { name: '外勤小組', level: 1 }).waitFor();
    await page.getByRole('tab', { name: '聯合' }).click();
    await page.getByRole('heading', { name: '本機聯合' }).waitFor();
    await page.getByRole('tab', { name: '安全', exact: true }).click();
    await page.getByRole('button', { name: '編輯安全', exact: true }).click();
    await page.getByLabel(/^非 SSO 逾時/).fill('60');
    await page.getByRole('button', { name: '儲存變更' }).click();
    await page.getByRole('button', { name: '編輯安全', exact: true }).waitFor();
    await env.axe('security group zh-TW');
    await env.shot('zh-security-group');

    await page.getByRole('link', { name: '使用者管理' }).click();
    await page.getByRole('tab', { name: '團隊目錄' }).waitFor();
    await page.getByRole('button', { name: '邀請使用者' }).click();
    await page.getByLabel(/^電子郵件地址/).fill('chen@example.com');
    await page.getByLabel(/^安全群組/).selectOption({ label: '外勤小組' });
    await page.getByLabel(/^國碼/).fill('+886');
    await page.getByLabel(/^電話號碼/).fill('12');
    await page.getByRole('button', { name: '邀請使用者' }).click();
    await page.getByText('請輸入 4 到 15 位數字（可包含空格、連字號、句點和括號）。').waitFor();
    await page.getByLabel(/^電話號碼/).fill('0912 345 678');
    await env.axe('invite user zh-TW');
    await page.getByRole('button', { name: '邀請使用者' }).click();
    await page.getByText('已傳送邀請給 chen@example.com。').waitFor();

    await page.goto(page.url().replace(/\/users\/invite$/, '/users/bulk/suspend'));
    await page.getByRole('heading', { name: '大量暫停使用者', level: 1 }).waitFor();
    await page.setInputFiles('#bulk-file', { name: 'suspend.csv', mimeType: 'text/csv', buffer: Buffer.from('email\nchen@example.com\n') });
    await page.getByText('1 列已就緒，0 列有問題，將略過。尚未變更任何內容。').waitFor();
    await page.getByRole('button', { name: '暫停使用者' }).click();
    await page.getByText('1 個成功，0 個失敗。').waitFor();
    await env.axe('bulk suspend zh-TW');
    await env.shot('zh-bulk-suspend');

    await page.getByRole('link', { name: '網路政策' }).click();
    await page.getByRole('heading', { name: '資料保留', exact: true }).waitFor();
    await page.getByRole('heading', { name: '同意快顯視窗' }).waitFor();
    const consent = page.locator('section', { has: page.getByRole('heading', { name: '同意快顯視窗' }) });
    await consent.getByRole('button', { name: '編輯同意快顯視窗' }).click();
    await consent.getByLabel('已啟用', { exact: true }).check();
    await consent.getByLabel('標題', { exact: true }).fill('使用條款');
    await consent.getByLabel('內文內容').fill('訊息會依法保留。');
    await consent.getByRole('group', { name: '預覽' }).getByText('訊息會依法保留。').waitFor();
    await consent.getByRole('button', { name: '儲存變更' }).click();
    await consent.getByRole('button', { name: '編輯同意快顯視窗' }).waitFor();
    const idle = page.locator('section', { has: page.getByRole('heading', { name: '工作階段逾時' }) });
    await idle.getByLabel('30 分鐘').check();
    await idle.getByRole('button', { name: '儲存變更' }).click();
    await idle.getByText('目前設定：30 分鐘。').waitFor();
    await env.axe('policies zh-TW');
    await env.shot('zh-policies');
    const settings = (await t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId: (await t.client.call<{ networks: { networkId: string }[] }>('ListNetworks', {})).networks[0]!.networkId })).settings;
    expect(JSON.parse(settings.find((s) => s.optionName === 'consentPopup')!.value)).toMatchObject({ enabled: true, title: '使用條款' });
    expect(settings.find((s) => s.optionName === 'sessionIdleTimeoutMinutes')!.value).toBe('30');

    await page.getByRole('link', { name: '網路首頁' }).click();
    await page.getByRole('button', { name: '刪除網路' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('輸入「確認」以確認').fill('確認');
    await dialog.getByRole('button', { name: '刪除', exact: true }).click();
    await page.getByText('您還沒有任何網路').waitFor();
    expect((await t.client.call<{ networks: unknown[] }>('ListNetworks', {})).networks).toHaveLength(0);
  });
});
