// Single sign-on in the browser (docs/sso.md). "Sign in with SSO" asks for the company ID, keeps the
// sign-in's binding secret and state in sessionStorage and goes to the identity provider; the server's
// /sso/callback sends the browser back to /app/#/sso?ticket=…&state=…&email=… (or error=…&message=…).
// The member then unlocks (or, on a new device, chooses) the *device passphrase* that encrypts this
// browser's store of keys and messages: the IdP proves who the member is, but nothing the server or
// the IdP holds may decrypt messages, so the store's key comes from a secret that stays here.
import { completeSso, EncryptedStore, EnclaveClient, startSso } from '@enclave/client';
import { IndexedDbStore } from '@enclave/client/browser';
import { CLIENT_NAME, logger, server } from './session';
import { claimProfile } from './tab-lock';

const PENDING_KEY = 'enclave.app.sso.pending';
const COMPANY_KEY = 'enclave.app.sso.companyId';
/** Minimum length of a device passphrase (it is the only key of this browser's store). */
export const MIN_PASSPHRASE = 10;

/** Whether the signed-in member came in with SSO (the lock screen then sends them back to the IdP). */
let ssoMember = false;
export const signedInWithSso = () => ssoMember;
export function forgetSso() {
  ssoMember = false;
}

export function lastCompanyId(): string {
  try {
    return localStorage.getItem(COMPANY_KEY) ?? '';
  } catch {
    return '';
  }
}

/** An SSO error as the messenger shows it: the server's English text, a translatable code. */
export function ssoError(err: unknown): { code: string; message: string } {
  const e = err as { code?: string; message?: string; details?: { field: string; reason: string }[] };
  const sso = e?.details?.find((d) => d.field === 'sso');
  return { code: sso ? `sso_${sso.reason}` : typeof e?.code === 'string' ? e.code : 'internal', message: typeof e?.message === 'string' ? e.message : String(err) };
}

/** Asks the server for the provider's URL and goes there (the page is left). */
export async function beginSso(companyId: string): Promise<void> {
  const s = await startSso({ server: server(), companyId, logger });
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state: s.state, binding: s.binding }));
    localStorage.setItem(COMPANY_KEY, companyId.trim());
  } catch {
    // without storage the ticket cannot be redeemed; the return page says so
  }
  window.location.assign(s.authorizationUrl);
}

export type SsoReturn = { kind: 'ticket'; ticket: string; binding: string; email: string } | { kind: 'error'; code: string; message: string };

/** Reads (once) what the callback put in the fragment, and removes it from the address bar. */
export function readSsoReturn(): SsoReturn | null {
  const hash = window.location.hash;
  if (!hash.startsWith('#/sso?')) return null;
  const p = new URLSearchParams(hash.slice('#/sso?'.length));
  window.history.replaceState(null, '', '/app/');
  let pending: { state?: string; binding?: string } = {};
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? '{}') as typeof pending;
    sessionStorage.removeItem(PENDING_KEY);
  } catch {
    // no storage
  }
  const error = p.get('error');
  if (error) return { kind: 'error', code: `sso_${error}`, message: p.get('message') ?? '' };
  const ticket = p.get('ticket');
  const email = p.get('email');
  if (!ticket || !email || !pending.binding || pending.state !== p.get('state')) return { kind: 'error', code: 'sso_expired', message: 'The SSO sign-in expired or was started in another tab. Start again.' };
  return { kind: 'ticket', ticket, binding: pending.binding, email };
}

/** The IndexedDB database of an account on this browser (the same one a password sign-in uses). */
async function backendFor(email: string): Promise<IndexedDbStore> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${server()}|${email.trim().toLowerCase()}`)));
  return IndexedDbStore.open(`enclave-profile-${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`);
}

/** Whether this browser already holds a store for the account (then the passphrase unlocks it). */
export async function hasDeviceStore(email: string): Promise<boolean> {
  const backend = await backendFor(email);
  try {
    return await EncryptedStore.exists(backend);
  } finally {
    await backend.close?.();
  }
}

/**
 * Redeems the ticket with this browser's device and opens the messenger. `fresh` wipes a store whose
 * passphrase is forgotten (its history on this device is lost; a new device is created).
 */
export async function finishSso(r: Extract<SsoReturn, { kind: 'ticket' }>, passphrase: string, fresh: boolean): Promise<EnclaveClient> {
  // One tab per account (tab-lock.ts): refused while another tab of this browser holds the profile.
  const tab = await claimProfile(r.email);
  const backend = await backendFor(r.email);
  try {
    if (fresh) await backend.clear();
    await completeSso({ server: server(), ticket: r.ticket, binding: r.binding, passphrase, store: backend, deviceType: 'web', clientName: CLIENT_NAME, logger });
    const client = await EnclaveClient.open({ store: await backendFor(r.email), password: passphrase, logger });
    tab.attach(client);
    ssoMember = true;
    return client;
  } catch (err) {
    await backend.close?.().catch(() => undefined);
    tab.drop();
    throw err;
  }
}
