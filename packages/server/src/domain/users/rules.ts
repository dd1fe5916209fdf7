// The rules of users, without I/O. Users of a network as the guide's team directory shows them:
// invited by email address (the only required field; stored lower-cased), PENDING (1) until they
// register with their invite code, then ACTIVE (2); exactly one security group each. Invite
// expirations are kept in epoch seconds (as the API reports them); every other time is epoch
// milliseconds. Batch operations take at most 50 items and report per-item failures without failing
// the batch. Also the devices of a user as ListDevicesForUser shows them.
import type { Selectable } from 'kysely';
import type { BasicDeviceObject, User } from '@enclave/admin-api';
import type { DevicesTable, UsersTable } from '../../infra/schema.js';
import { newInviteCode } from '../../kernel/ids.js';
import { validation } from '../../kernel/errors.js';

export type UserRow = Selectable<UsersTable>;
export type DeviceRow = Selectable<DevicesTable>;

export const STATUS_PENDING = 1;
export const STATUS_ACTIVE = 2;
export const MAX_BATCH = 50;
export const DEFAULT_INVITE_TTL_DAYS = 7;
export const MIN_INVITE_TTL_DAYS = 1;
export const MAX_INVITE_TTL_DAYS = 365;
const DAY_SECONDS = 86_400;

export const REASON_EXISTS = 'User already exists';
export const REASON_NOT_FOUND = 'User not found';
export const REASON_INVALID_EMAIL = 'Invalid email address';
export const REASON_TRIAL_LIMIT = 'The premium free trial is limited to 30 users';
export const REASON_ONE_GROUP = 'A user must belong to exactly one security group';
export const REASON_INVITE_CODE = 'Invite code must be 6-64 characters of A-Z, a-z, 0-9, _ and -';
export const REASON_INVITE_TTL = `Invite code TTL must be between ${MIN_INVITE_TTL_DAYS} and ${MAX_INVITE_TTL_DAYS} days`;

export const REASON_COUNTRY_CODE = 'Country code must be 1 to 3 digits (an optional leading + is dropped)';
export const REASON_CELL = 'Phone number must be 4 to 15 digits (spaces, dashes, dots and parentheses are dropped)';

/** The stored country code ('' when not given), or undefined when it is not 1-3 digits. */
export function normalizeCountryCode(raw: string): string | undefined {
  const v = raw.trim().replace(/^\+/, '');
  if (v === '') return '';
  return /^[0-9]{1,3}$/.test(v) ? v : undefined;
}

/** The stored phone number (digits only; '' when not given), or undefined when it is not 4-15 digits. */
export function normalizeCell(raw: string): string | undefined {
  const v = raw.trim().replace(/[\s().-]/g, '');
  if (v === '') return '';
  return /^[0-9]{4,15}$/.test(v) ? v : undefined;
}

export const groupNotFoundReason = (groupId: string) => `Security group ${groupId} not found in this network`;

/** Rejects an empty list or one longer than 50 items: a ValidationError on the list field, nothing changed. */
export function checkBatchSize(field: string, items: readonly unknown[], noun: string): void {
  if (items.length === 0) throw validation(field, `at least one ${noun} is required`);
  if (items.length > MAX_BATCH) throw validation(field, `Maximum ${MAX_BATCH} ${noun}s per batch request (got ${items.length})`);
}

/** The batch answer: 'success' when every item succeeded, 'failed' when none did, else 'partial success'. */
export function batchResult<S, F>(successful: S[], failed: F[]): { message: string; successful: S[]; failed: F[] } {
  const message = failed.length === 0 ? 'success' : successful.length === 0 ? 'failed' : 'partial success';
  return { message, successful, failed };
}

/** Distinct items in request order: a batch reports each ID once. */
export function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The stored form of a username (trimmed, lower-cased email address), or undefined when it is not an email address. */
export function normalizeEmail(raw: string): string | undefined {
  const v = raw.trim().toLowerCase();
  if (v.length > 254 || !EMAIL_RE.test(v)) return undefined;
  const local = v.slice(0, v.lastIndexOf('@'));
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  return v;
}

const INVITE_CODE_RE = /^[A-Za-z0-9_-]{6,64}$/;
export const isValidInviteCode = (code: string) => INVITE_CODE_RE.test(code);
export const isValidInviteTtl = (days: number) => Number.isInteger(days) && days >= MIN_INVITE_TTL_DAYS && days <= MAX_INVITE_TTL_DAYS;

/** A fresh invite: the given code or a generated one, expiring ttlDays from now (epoch seconds). */
export function newInvite(nowMs: number, code?: string, ttlDays = DEFAULT_INVITE_TTL_DAYS): { code: string; expiration: number } {
  return { code: code ?? newInviteCode(), expiration: inviteExpiration(nowMs, ttlDays) };
}

export function inviteExpiration(nowMs: number, ttlDays: number): number {
  return Math.floor(nowMs / 1000) + ttlDays * DAY_SECONDS;
}

export const isInviteExpired = (row: Pick<UserRow, 'status' | 'invite_expiration'>, nowMs: number) =>
  row.status === STATUS_PENDING && row.invite_expiration <= Math.floor(nowMs / 1000);

/** Parses a modelled user ID (digits only, validated by the model) to the stored number. */
export const userIdNumber = (userId: string) => Number(userId);

/** The model's User for a row (what ListUsers, ListSecurityGroupUsers and BatchCreateUser return). */
export function toUser(row: UserRow, nowMs: number): User {
  const user: User = {
    userId: String(row.user_id),
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    securityGroups: [row.security_group_id],
    isAdmin: row.is_admin === 1,
    suspended: row.suspended === 1,
    status: row.status,
    otpEnabled: row.otp_enabled === 1,
    type: 'user',
    cell: row.cell,
    countryCode: row.country_code,
    challengeFailures: row.challenge_failures,
    isUser: true,
    codeValidation: row.code_validation === 1,
    uname: row.uname,
  };
  if (row.status === STATUS_PENDING) {
    user.inviteCode = row.invite_code;
    user.isInviteExpired = isInviteExpired(row, nowMs);
  }
  return user;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** "January 15th 2024, 2:30:45 pm" (UTC), the model's device time format. */
export function formatDeviceTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${ordinal(d.getUTCDate())} ${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'am' : 'pm'}`;
}

export const DEVICE_ACTIVE = 'Active';
export const DEVICE_RESET = 'Reset';
export const DEVICE_SUSPENDED = 'Suspended';

/** A device as ListDevicesForUser shows it: a reset device says 'Reset'; a suspended user suspends every device. */
export function toDevice(row: DeviceRow, user: Pick<UserRow, 'suspended'>): BasicDeviceObject {
  const suspend = user.suspended === 1 || row.status === DEVICE_SUSPENDED;
  const statusText = row.status === DEVICE_RESET ? DEVICE_RESET : suspend ? DEVICE_SUSPENDED : DEVICE_ACTIVE;
  const out: BasicDeviceObject = { appId: row.app_id, type: row.type, created: formatDeviceTime(row.created_at), statusText, suspend };
  if (row.last_login !== null) out.lastLogin = formatDeviceTime(row.last_login);
  return out;
}
