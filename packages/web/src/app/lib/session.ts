// The client SDK in the browser: one IndexedDB database per account on this browser (named by a hash
// of the email address), wrapped by the SDK in its EncryptedStore (scrypt from the password, AES-GCM
// per record), so keys, sessions and messages rest encrypted under the member's password. Signing in,
// registering, files as Blob sources (read a slice at a time), saving a Blob, and the support log (IDs and codes only).
import { EnclaveClient, EncryptedStore, jsonLineLogger, type FileSource } from '@enclave/client';
import { IndexedDbStore } from '@enclave/client/browser';
import { claimProfile } from './tab-lock';

export const APP_VERSION = '0.1.0';
export const CLIENT_NAME = `enclave-web/${APP_VERSION}`;
const LAST_EMAIL_KEY = 'enclave.app.email';

/** The support log: the SDK's JSON lines (no content, keys, tokens or passwords), the last 5,000. */
const logLines: string[] = [];
export const logger = jsonLineLogger((line) => {
  logLines.push(line);
  if (logLines.length > 5000) logLines.splice(0, logLines.length - 5000);
}, 'info');
export function supportLog(): string {
  return logLines.join('');
}
export function appLog(event: string, fields: Record<string, string | number | boolean> = {}) {
  logger.log('info', event, fields);
}

export function server(): string {
  return window.location.origin;
}

export function lastEmail(): string {
  try {
    return localStorage.getItem(LAST_EMAIL_KEY) ?? '';
  } catch {
    return '';
  }
}
function rememberEmail(email: string) {
  try {
    localStorage.setItem(LAST_EMAIL_KEY, email);
  } catch {
    // no storage
  }
}

async function profileDbName(email: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${server()}|${email.trim().toLowerCase()}`)));
  return `enclave-profile-${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function backendFor(email: string): Promise<IndexedDbStore> {
  return IndexedDbStore.open(await profileDbName(email));
}

/**
 * Signs in: the device stored in this browser for that account (its identity key signs the login),
 * or a new device (which may wait for approval). A wrong password against a stored profile is refused
 * by the store's key before anything is sent. A failed first sign-in leaves nothing behind.
 */
export async function signIn(email: string, password: string): Promise<EnclaveClient> {
  // One tab per account: refused (TabConflict) while another tab of this browser holds the profile.
  const tab = await claimProfile(email);
  const backend = await backendFor(email);
  const had = await EncryptedStore.exists(backend);
  try {
    const client = await EnclaveClient.login({ server: server(), email: email.trim(), password, store: backend, deviceType: 'web', clientName: CLIENT_NAME, logger });
    rememberEmail(email.trim());
    tab.attach(client);
    return client;
  } catch (err) {
    if (!had) await backend.clear().catch(() => undefined);
    await backend.close().catch(() => undefined);
    tab.drop();
    throw err;
  }
}

export async function register(o: { email: string; inviteCode: string; password: string; firstName: string; lastName: string }): Promise<EnclaveClient> {
  const tab = await claimProfile(o.email);
  const backend = await backendFor(o.email);
  const had = await EncryptedStore.exists(backend);
  try {
    const client = await EnclaveClient.register({
      server: server(),
      email: o.email.trim(),
      inviteCode: o.inviteCode.trim(),
      password: o.password,
      ...(o.firstName.trim() ? { firstName: o.firstName.trim() } : {}),
      ...(o.lastName.trim() ? { lastName: o.lastName.trim() } : {}),
      store: backend,
      deviceType: 'web',
      clientName: CLIENT_NAME,
      logger,
    });
    rememberEmail(o.email.trim());
    tab.attach(client);
    return client;
  } catch (err) {
    if (!had) await backend.clear().catch(() => undefined);
    await backend.close().catch(() => undefined);
    tab.drop();
    throw err;
  }
}

/** What GET /v1/invites/:code answers (the registration page prefills and explains with it). */
export interface InviteInfo {
  email: string;
  firstName?: string;
  lastName?: string;
  networkName?: string;
  passwordRequirements?: { minLength: number; lowercase: number; uppercase: number; numbers: number; symbols: number };
  showMasterRecoveryKey?: boolean;
  expiresAt?: number | string | null;
}

export type InviteLookup = { ok: true; invite: InviteInfo } | { ok: false; code: string; message: string } | { ok: 'unavailable' };

/** Looks the invite code up; 'unavailable' when the server cannot say (the form then asks for everything). */
export async function lookupInvite(code: string): Promise<InviteLookup> {
  try {
    const res = await fetch(`${server()}/v1/invites/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
    const body = (await res.json().catch(() => null)) as (InviteInfo & { code?: string; message?: string }) | null;
    if (res.ok && body && typeof body.email === 'string') return { ok: true, invite: body };
    if (body && (body.code === 'invite_invalid' || body.code === 'invite_expired' || body.code === 'already_registered')) return { ok: false, code: body.code, message: body.message ?? '' };
    return { ok: 'unavailable' };
  } catch {
    return { ok: 'unavailable' };
  }
}

/** A browser File / Blob as the SDK's FileSource (read a slice at a time; resumable by name, size, date). */
export function blobSource(file: File): FileSource {
  return {
    size: file.size,
    resumeId: `${file.name}|${file.size}|${file.lastModified}`,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}

/** Saves a Blob as a file (an object URL revoked right after the click). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
