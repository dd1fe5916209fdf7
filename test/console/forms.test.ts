// Component tests of the console's forms: the client checks that mirror the API's constraints, the
// mapping of API reasons to fields, the i18n dictionaries (same keys, no empty strings), and forms
// rendered to HTML with their labels, hints and errors wired for assistive technology.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  botProblems,
  groupNameProblem,
  inviteProblems,
  issuerProblem,
  networkNameProblem,
  normalizeCell,
  normalizeCountryCode,
  phoneProblems,
  policyJsonProblem,
  reasonsByField,
  ssoProblems,
  tagDiff,
  tagProblems,
  type SsoForm,
} from '../../packages/web/src/console/lib/forms.js';
import { en } from '../../packages/web/src/console/i18n/en.js';
import { zhTW } from '../../packages/web/src/console/i18n/zh-TW.js';
import { I18nProvider } from '../../packages/web/src/console/i18n/index.js';
import { CheckboxField, TextField } from '../../packages/web/src/shared/ui/index.js';
import { ConfirmDialog } from '../../packages/web/src/console/components/confirm-dialog.js';
import { ConsentPreview, consentValue, idleValue } from '../../packages/web/src/console/pages/policies.js';
import { fieldOf } from '../../packages/web/src/console/pages/invite-user.js';
import { TagRowsEditor } from '../../packages/web/src/console/components/tag-rows-editor.js';
import { PlanRadios } from '../../packages/web/src/console/components/plan.js';

const key = (p: { key: string } | null | undefined) => p?.key ?? null;

describe('network, tags, groups', () => {
  it('network name: 1–20 characters, no outer spaces', () => {
    expect(key(networkNameProblem(''))).toBe('v.networkNameRequired');
    expect(key(networkNameProblem(' Acme'))).toBe('v.networkNameSpaces');
    expect(key(networkNameProblem('x'.repeat(21)))).toBe('v.networkNameLength');
    expect(networkNameProblem('研發網路')).toBeNull();
    expect(networkNameProblem('x'.repeat(20))).toBeNull();
  });
  it('tags: key rules, reserved aws:, duplicates, value length, at most 50; the diff to send', () => {
    const rows = [
      { key: 'Env', value: 'prod', existing: true },
      { key: 'aws:x', value: '', existing: false },
      { key: 'Env', value: 'x', existing: false },
      { key: '', value: 'v'.repeat(257), existing: false },
      { key: 'bad#', value: 'ok', existing: false },
    ];
    expect(Object.fromEntries(Object.entries(tagProblems(rows)).map(([k, v]) => [k, v.key]))).toEqual({
      '1.key': 'v.tagKeyReserved',
      '2.key': 'v.tagKeyDuplicate',
      '3.key': 'v.tagKeyRequired',
      '3.value': 'v.tagValueLength',
      '4.key': 'v.tagChars',
    });
    expect(tagProblems(Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '', existing: false }))).tags?.key).toBe('v.tooManyTags');
    expect(
      tagDiff({ Env: 'prod', Owner: 'ops', Keep: 'same' }, [
        { key: 'Env', value: 'staging', existing: true },
        { key: 'Keep', value: 'same', existing: true },
        { key: 'New', value: '1', existing: false },
      ]),
    ).toEqual({ set: { Env: 'staging', New: '1' }, remove: ['Owner'] });
  });
  it('group names', () => {
    expect(key(groupNameProblem('  '))).toBe('v.groupNameRequired');
    expect(key(groupNameProblem('x'.repeat(65)))).toBe('v.groupNameLength');
    expect(key(groupNameProblem('a\u0007b'))).toBe('v.groupNameChars');
    expect(groupNameProblem('外勤小組')).toBeNull();
  });
});

describe('users, bots, SSO, policies', () => {
  it('invite: email and security group are required; country code and phone optional, checked as the server does', () => {
    const blank = { firstName: '', lastName: '', countryCode: '', cell: '' };
    expect(inviteProblems({ ...blank, email: '', groupId: '' })).toEqual({ email: { key: 'v.emailRequired' }, groupId: { key: 'v.groupRequired' } });
    expect(inviteProblems({ ...blank, email: 'a@b', groupId: 'g' }).email?.key).toBe('v.emailInvalid');
    expect(inviteProblems({ ...blank, email: 'a@b.co', groupId: 'g' })).toEqual({});
    expect(inviteProblems({ ...blank, email: 'a@b.co', groupId: 'g', countryCode: '+886', cell: '(02) 2345-6789' })).toEqual({});
    expect(inviteProblems({ ...blank, email: 'a@b.co', groupId: 'g', countryCode: '+1234', cell: '123' })).toEqual({ countryCode: { key: 'v.countryCode' }, cell: { key: 'v.cell' } });
    expect(phoneProblems({ countryCode: '1a', cell: '0912 345 678 x' })).toEqual({ countryCode: { key: 'v.countryCode' }, cell: { key: 'v.cell' } });
  });
  it('country code and phone: normalized like the server (leading + dropped; spaces, dashes, dots, parentheses dropped)', () => {
    expect(normalizeCountryCode(' +886 ')).toBe('886');
    expect(normalizeCountryCode('')).toBe('');
    expect(normalizeCountryCode('++1')).toBeUndefined();
    expect(normalizeCountryCode('0001')).toBeUndefined();
    expect(normalizeCell('(202) 555-0123')).toBe('2025550123');
    expect(normalizeCell('0912.345.678')).toBe('0912345678');
    expect(normalizeCell('1234')).toBe('1234');
    expect(normalizeCell('123')).toBeUndefined();
    expect(normalizeCell('1'.repeat(16))).toBeUndefined();
    expect(normalizeCell('+1 555 0100')).toBeUndefined();
  });
  it('invite: the server reason lands on the field BatchCreateUser names', () => {
    expect(fieldOf('countryCode')).toBe('countryCode');
    expect(fieldOf('users[0].cell')).toBe('cell');
    expect(fieldOf('securityGroupIds')).toBe('groupId');
    expect(fieldOf('username')).toBe('email');
    expect(fieldOf('users[0].username')).toBe('email');
  });
  it('bots: user name ending in bot, password length; editing may keep the password', () => {
    expect(Object.keys(botProblems({ username: 'helper', displayName: '', groupId: '', password: 'short' }, true)).sort()).toEqual(['groupId', 'password', 'username']);
    expect(botProblems({ username: 'Support_Bot', displayName: 'Support', groupId: 'g', password: 'long enough' }, true)).toEqual({});
    expect(botProblems({ username: 'x', displayName: 'Helpdesk', groupId: 'g', password: '' }, false)).toEqual({});
    expect(botProblems({ username: 'x', displayName: '   ', groupId: 'g', password: '' }, false).displayName?.key).toBe('v.botDisplayName');
  });
  it('SSO: https issuer (http for loopback), openid scope, company ID, extra parameters', () => {
    expect(key(issuerProblem('http://idp.example.com'))).toBe('v.issuerHttps');
    expect(issuerProblem('http://127.0.0.1:9000')).toBeNull();
    expect(key(issuerProblem('https://idp.example.com/?a=1'))).toBe('v.issuerInvalid');
    const f: SsoForm = { issuer: 'https://login.example.com/v2.0/', clientId: 'c', clientSecret: '', scopes: 'email profile', customUsername: 'up n', companyId: 'UE1-Demo', extraAuthParams: 'prompt=login&nonce=1', ssoTokenBufferMinutes: '30' };
    expect(Object.fromEntries(Object.entries(ssoProblems(f)).map(([k, v]) => [k, v.key]))).toEqual({
      scopes: 'v.scopesOpenid',
      companyId: 'v.companyIdInvalid',
      customUsername: 'v.customUsername',
      extraAuthParams: 'v.extraAuthReserved',
    });
    expect(ssoProblems({ ...f, scopes: 'openid,email', customUsername: 'upn', companyId: 'Demo_1', extraAuthParams: 'prompt=login' })).toEqual({});
  });
  it('policy JSON: parse errors, object, version, statement, size', () => {
    expect(key(policyJsonProblem('{"Version":'))).toBe('v.policyJson');
    expect(key(policyJsonProblem('[]'))).toBe('v.policyObject');
    expect(key(policyJsonProblem('{"Version":"2020-01-01","Statement":[]}'))).toBe('v.policyVersion');
    expect(key(policyJsonProblem('{"Version":"2012-10-17"}'))).toBe('v.policyStatement');
    expect(key(policyJsonProblem(`{"Version":"2012-10-17","Statement":[],"x":"${'a'.repeat(6200)}"}`))).toBe('v.policyTooLong');
    expect(policyJsonProblem('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"wickr:*","Resource":"*"}}')).toBeNull();
  });
  it('maps API reasons to fields by path (nested, indexed), the rest to the banner', () => {
    const { byField, rest } = reasonsByField(
      [
        { field: 'securityGroupSettings.calling.canVideoCall', reason: 'a' },
        { field: 'securityGroupSettings.permittedWickrAwsNetworks[0].region', reason: 'b' },
        { field: 'securityGroupSettings.passwordRequirements', reason: 'c' },
        { field: 'securityGroupSettings.other', reason: 'd' },
      ],
      ['calling.canVideoCall', 'permittedWickrAwsNetworks', 'passwordRequirements.minLength'],
      ['securityGroupSettings'],
    );
    expect(byField).toEqual({ 'calling.canVideoCall': 'a', permittedWickrAwsNetworks: 'b' });
    expect(rest.map((r) => r.reason)).toEqual(['c', 'd']);
  });
});

describe('i18n dictionaries', () => {
  it('zh-TW has every English key, none empty, same {placeholders}', () => {
    const enKeys = Object.keys(en).sort();
    expect(Object.keys(zhTW).sort()).toEqual(enKeys);
    for (const k of enKeys) {
      const a = (en as Record<string, string>)[k]!;
      const b = (zhTW as Record<string, string>)[k]!;
      expect(b.trim(), k).not.toBe('');
      expect((b.match(/\{\w+\}/g) ?? []).sort(), k).toEqual((a.match(/\{\w+\}/g) ?? []).sort());
    }
  });
  it('uses the guide’s zh-TW terms', () => {
    expect(zhTW['nav.securityGroups']).toBe('安全群組');
    expect(zhTW['users.tab.directory']).toBe('團隊目錄');
    expect(zhTW['users.tab.guests']).toBe('訪客使用者');
    expect(zhTW['retention.title']).toBe('資料保留');
    expect(zhTW['networks.title']).toBe('網路');
    expect(zhTW['bulk.delete.understand']).toBe('我了解刪除使用者無法還原');
  });
});

describe('forms rendered', () => {
  const render = (node: ReturnType<typeof createElement>, lang: 'en' | 'zh-TW' = 'en') => renderToStaticMarkup(createElement(I18nProvider, { lang, children: node }));

  it('a text field: label for the input, required, hint and error in aria-describedby, aria-invalid', () => {
    const html = render(createElement(TextField, { label: 'Network name', value: '', onChange: () => undefined, required: true, hint: 'hint text', error: 'bad value' }));
    const id = /<input id="([^"]+)"/.exec(html)![1]!;
    expect(html).toContain(`<label for="${id}">Network name`);
    expect(html).toContain(`aria-describedby="${id}-hint ${id}-error"`);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-required="true"');
    expect(html).toContain('role="alert">bad value');
  });
  it('a checkbox with its label; the plan radios explain the free trial limits (zh-TW)', () => {
    expect(render(createElement(CheckboxField, { label: 'Enable ATAK', checked: true, onChange: () => undefined }))).toMatch(/type="checkbox"[^>]*checked=""/);
    const html = render(createElement(PlanRadios, { value: 'TRIAL', onChange: () => undefined, disabled: { STANDARD: true }, reasons: { STANDARD: 'why' } }), 'zh-TW');
    expect(html).toContain('<legend>計劃</legend>');
    expect(html).toContain('每個帳戶只能為一個網路註冊高級免費試用。');
    expect(html).toMatch(/<input[^>]*(value="STANDARD"[^>]*disabled=""|disabled=""[^>]*value="STANDARD")/);
  });
  it('the tag editor locks existing keys and labels its remove buttons', () => {
    const html = render(createElement(TagRowsEditor, { rows: [{ key: 'Env', value: 'prod', existing: true }], onChange: () => undefined, errors: {} }));
    expect(html).toMatch(/value="Env"[^>]*readOnly=""|readOnly=""[^>]*value="Env"/);
    expect(html).toContain('aria-label="Remove tag Env"');
  });
  it('reads the consent pop-up and the idle timeout as GetNetworkSettings lists them', () => {
    expect(consentValue('{"enabled":true,"title":"T","body":"B","buttonLabel":""}')).toEqual({ enabled: true, title: 'T', body: 'B', buttonLabel: '' });
    expect(consentValue(undefined)).toEqual({ enabled: false, title: '', body: '', buttonLabel: '' });
    expect(consentValue('not json').enabled).toBe(false);
    expect(idleValue('45')).toBe(45);
    expect(idleValue(undefined)).toBe(0);
  });
  it('the consent preview shows what a member sees', () => {
    const html = render(createElement(ConsentPreview, { consent: { enabled: true, title: 'Terms of use', body: 'Be nice.', buttonLabel: 'Accept' } }));
    expect(html).toContain('Terms of use');
    expect(html).toContain('Be nice.');
    expect(html).toContain('Accept');
  });
  it('a closed confirm dialog renders nothing', () => {
    expect(render(createElement(ConfirmDialog, { open: false, title: 'x', body: 'y', confirmLabel: 'Delete', onConfirm: async () => undefined, onClose: () => undefined }))).toBe('');
  });
});
