// Client-side checks that mirror the admin API's constraints (the model and docs/api-compat.md), so an
// administrator sees a mistake before sending. The server's answer stays the truth: its reasons are
// shown next to the fields too. Each check returns an i18n key (with parameters) or null. Pure.
import { NETWORK_NAME_MAX } from '@enclave/admin-api';
import type { Reason } from '../api/http';
import { isEmail } from './csv';
import { normalizeCell, normalizeCountryCode } from './phone';

export { normalizeCell, normalizeCountryCode };

export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}
export type Problems = Record<string, Problem>;

const p = (key: string, params?: Problem['params']): Problem => (params ? { key, params } : { key });

export function networkNameProblem(name: string): Problem | null {
  if (name.length === 0 || name.trim().length === 0) return p('v.networkNameRequired');
  if (name !== name.trim()) return p('v.networkNameSpaces');
  if ([...name].length > NETWORK_NAME_MAX) return p('v.networkNameLength');
  return null;
}

export const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS = 50;

export interface TagRow {
  key: string;
  value: string;
  /** Existing tags keep their key (the guide: a key cannot be edited). */
  existing: boolean;
}

/** Problems per row index: `${i}.key` / `${i}.value`, and `tags` for the whole list. */
export function tagProblems(rows: TagRow[]): Problems {
  const out: Problems = {};
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r.key.length === 0) out[`${i}.key`] = p('v.tagKeyRequired');
    else if ([...r.key].length > 128) out[`${i}.key`] = p('v.tagKeyLength');
    else if (!TAG_KEY_RE.test(r.key)) out[`${i}.key`] = p('v.tagChars');
    else if (r.key.toLowerCase().startsWith('aws:')) out[`${i}.key`] = p('v.tagKeyReserved');
    else if (seen.has(r.key)) out[`${i}.key`] = p('v.tagKeyDuplicate');
    seen.add(r.key);
    if ([...r.value].length > 256) out[`${i}.value`] = p('v.tagValueLength');
    else if (!TAG_KEY_RE.test(r.value)) out[`${i}.value`] = p('v.tagChars');
  });
  if (rows.length > MAX_TAGS) out.tags = p('v.tooManyTags', { max: MAX_TAGS });
  return out;
}

/** What to send to save a tag list: TagResource for new and changed values, UntagResource for removed keys. */
export function tagDiff(before: Record<string, string>, rows: TagRow[]): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const keep = new Set<string>();
  for (const r of rows) {
    keep.add(r.key);
    if (before[r.key] !== r.value) set[r.key] = r.value;
  }
  return { set, remove: Object.keys(before).filter((k) => !keep.has(k)) };
}

export function groupNameProblem(name: string): Problem | null {
  const t = name.trim();
  if (!t) return p('v.groupNameRequired');
  if ([...t].length > 64) return p('v.groupNameLength');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(t)) return p('v.groupNameChars');
  return null;
}

export interface PhoneForm {
  countryCode: string;
  cell: string;
}

/** Country code and phone number, both optional (the guide's 國碼 and 電話號碼). */
export function phoneProblems(f: PhoneForm): Problems {
  const out: Problems = {};
  if (normalizeCountryCode(f.countryCode) === undefined) out.countryCode = p('v.countryCode');
  if (normalizeCell(f.cell) === undefined) out.cell = p('v.cell');
  return out;
}

export interface InviteForm extends PhoneForm {
  email: string;
  groupId: string;
  firstName: string;
  lastName: string;
}

export function inviteProblems(f: InviteForm): Problems {
  const out: Problems = {};
  if (!f.email.trim()) out.email = p('v.emailRequired');
  else if (!isEmail(f.email.trim())) out.email = p('v.emailInvalid');
  if (!f.groupId) out.groupId = p('v.groupRequired');
  return { ...out, ...phoneProblems(f) };
}

export interface BotForm {
  username: string;
  displayName: string;
  groupId: string;
  password: string;
}

export function botProblems(f: BotForm, creating: boolean): Problems {
  const out: Problems = {};
  if (creating) {
    if (!/^[A-Za-z0-9_.-]+$/.test(f.username) || !/bot$/i.test(f.username) || f.username.length > 255) out.username = p('v.botUsername');
  }
  if (f.displayName !== '' && (f.displayName.trim() === '' || f.displayName.length > 255)) out.displayName = p('v.botDisplayName');
  if (creating && !f.groupId) out.groupId = p('v.groupRequired');
  if (creating || f.password !== '') {
    if (f.password.length < 8) out.password = p('v.botPassword');
    else if (f.password.length > 1024) out.password = p('v.botPasswordLong');
  }
  return out;
}

export interface SsoForm {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  customUsername: string;
  companyId: string;
  extraAuthParams: string;
  ssoTokenBufferMinutes: '0' | '30' | '60';
}

const RESERVED_AUTH_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];

export function issuerProblem(issuer: string): Problem | null {
  const v = issuer.trim();
  if (!v) return p('v.issuerRequired');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return p('v.issuerInvalid');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return p('v.issuerHttps');
  if (url.username || url.password || url.search || url.hash) return p('v.issuerInvalid');
  return null;
}

export function ssoProblems(f: SsoForm): Problems {
  const out: Problems = {};
  const issuer = issuerProblem(f.issuer);
  if (issuer) out.issuer = issuer;
  if (!f.clientId.trim()) out.clientId = p('v.clientIdRequired');
  const scopes = f.scopes.split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes('openid')) out.scopes = p('v.scopesOpenid');
  const company = f.companyId.trim();
  if (!company) out.companyId = p('v.companyIdRequired');
  else if (!/^[A-Za-z0-9_]{1,64}$/.test(company)) out.companyId = p('v.companyIdInvalid');
  if (/\s/.test(f.customUsername) || f.customUsername.length > 256) out.customUsername = p('v.customUsername');
  if (f.extraAuthParams.trim()) {
    const keys = new Set<string>();
    for (const part of f.extraAuthParams.trim().split('&')) {
      const [k = '', v] = part.split('=');
      if (!k || v === undefined) out.extraAuthParams = p('v.extraAuthFormat');
      else if (RESERVED_AUTH_PARAMS.includes(k)) out.extraAuthParams = p('v.extraAuthReserved', { key: k });
      else if (keys.has(k)) out.extraAuthParams = p('v.extraAuthDuplicate', { key: k });
      keys.add(k);
    }
  }
  return out;
}

/** Parses an integer field; NaN when it is not a whole number. */
export function intValue(s: string): number {
  return /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : NaN;
}

export function rangeProblem(s: string, min: number, max: number): Problem | null {
  const n = intValue(s);
  if (Number.isNaN(n) || n < min || n > max) return p('v.range', { min, max });
  return null;
}

/**
 * A policy document as the JSON editor checks it before asking the server (ValidatePolicy): valid
 * JSON, an object, a Version and a Statement, at most 6144 characters.
 */
export function policyJsonProblem(text: string): Problem | null {
  if (!text.trim()) return p('v.policyRequired');
  if (text.length > 6144) return p('v.policyTooLong');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return p('v.policyJson', { detail: err instanceof Error ? err.message : String(err) });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return p('v.policyObject');
  const d = doc as Record<string, unknown>;
  if (d.Version !== '2012-10-17' && d.Version !== '2008-10-17') return p('v.policyVersion');
  if (d.Statement === undefined) return p('v.policyStatement');
  return null;
}

/**
 * Maps the server's ValidationError reasons to form fields: a reason for `securityGroupSettings.calling.canVideoCall`
 * lands on the field whose path is a suffix (`calling.canVideoCall`), else on the nearest parent; the
 * rest are returned for a banner.
 */
export function reasonsByField(reasons: Reason[], fields: string[], strip: string[] = []): { byField: Record<string, string>; rest: Reason[] } {
  const byField: Record<string, string> = {};
  const rest: Reason[] = [];
  for (const r of reasons) {
    let path = r.field;
    for (const prefix of strip) if (path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
    let target: string | undefined = fields.find((f) => f === path);
    let probe = path;
    while (!target && probe.includes('.')) {
      probe = probe.slice(0, probe.lastIndexOf('.'));
      target = fields.find((f) => f === probe);
    }
    if (!target) target = fields.find((f) => path.startsWith(`${f}[`) || path.startsWith(`${f}.`));
    if (target) byField[target] = byField[target] ? `${byField[target]}; ${r.reason}` : r.reason;
    else rest.push(r);
  }
  return { byField, rest };
}
