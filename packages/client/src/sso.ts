/**
 * sso.ts — signing in with single sign-on (docs/sso.md). The identity provider proves who the member
 * is; it cannot protect the keys on this device, because the server and the provider must never hold
 * anything that decrypts messages. So the local store of an SSO member is encrypted under a *device
 * passphrase* the member chooses on the first SSO sign-in on this device (scrypt → AES-256-GCM, the
 * same EncryptedStore as password members). The passphrase never leaves the device: it is not sent
 * to the server or the provider. Forgetting it loses this device's history only (a new device is
 * created at the next SSO sign-in, as after a device reset).
 *
 * Flow: startSso (company ID → the provider's authorization URL, and a binding secret kept by this
 * client) → the provider → /sso/callback → the messenger gets a one-time ticket → completeSso
 * (ticket + binding + this device, new or stored) → a profile in the encrypted store, which
 * EnclaveClient.open({ store, password: passphrase }) then opens.
 */
import { SessionResponse, toBase64Url, type Policy } from '@enclave/protocol';
import { loginSignature } from './codec.js';
import { EnclaveError, isEnclaveError } from './errors.js';
import { Http, type Schema } from './http.js';
import { generateDeviceKeys, loadIdentity, newDeviceWire, saveDeviceKeys } from './keys.js';
import { silentLogger, type Logger } from './logger.js';
import { DEFAULT_KDF, EncryptedStore, type KdfParams } from './store/encrypted-store.js';
import type { LocalStore } from './store/local-store.js';
import type { Profile } from './types.js';
import { profileOf, type DeviceOptions } from './account.js';

const PROFILE_KEY = 'profile';
const POLICY_KEY = 'policy';
/** Marks a store whose profile signs in with SSO (its key is the device passphrase, not a password). */
export const SSO_KEY = 'sso';

export interface SsoStartResult {
  authorizationUrl: string;
  state: string;
  /** Keep it (for example in sessionStorage) until completeSso: only this client can redeem the ticket. */
  binding: string;
}

const StartResponse: Schema<{ authorizationUrl: string; state: string; expiresAt: number }> = {
  safeParse(data) {
    const d = data as { authorizationUrl?: unknown; state?: unknown; expiresAt?: unknown } | null;
    return d && typeof d.authorizationUrl === 'string' && typeof d.state === 'string' && typeof d.expiresAt === 'number'
      ? { success: true, data: { authorizationUrl: d.authorizationUrl, state: d.state, expiresAt: d.expiresAt } }
      : { success: false };
  },
};

function http(server: string, o: { logger?: Logger; fetch?: typeof fetch }): Http {
  return new Http({ server, logger: o.logger ?? silentLogger, ...(o.fetch ? { fetch: o.fetch } : {}), token: () => undefined });
}

/** Asks the server for the provider's authorization URL for a company ID. */
export async function startSso(o: { server: string; companyId: string; client?: 'web' | 'cli'; logger?: Logger; fetch?: typeof fetch }): Promise<SsoStartResult> {
  const binding = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  // 'cli': the server's callback shows the ticket on a page for the member to paste (no redirect into the messenger).
  const res = await http(o.server, o).json('POST', '/v1/sso/start', StartResponse, { anonymous: true, body: { companyId: o.companyId.trim(), binding, ...(o.client ? { client: o.client } : {}) } });
  return { authorizationUrl: res.authorizationUrl, state: res.state, binding };
}

/**
 * Redeems the ticket for a session on this device. An existing store must open with `passphrase`
 * (a wrong passphrase is refused here, before anything is sent) and its device signs in; otherwise a
 * new device is created and the store is encrypted under `passphrase`. Returns the store, closed.
 */
export async function completeSso(
  o: DeviceOptions & { server: string; ticket: string; binding: string; passphrase: string; store: LocalStore; kdf?: KdfParams; logger?: Logger; fetch?: typeof fetch; now?: () => number },
): Promise<{ profile: Profile; policy: Policy }> {
  const kdf = o.kdf ?? DEFAULT_KDF;
  const now = o.now ?? Date.now;
  const server = o.server.replace(/\/+$/, '');
  const api = http(server, o);
  let store: EncryptedStore | undefined;
  if (await EncryptedStore.exists(o.store)) {
    store = await EncryptedStore.open(o.store, o.passphrase, kdf); // wrong passphrase: refused locally
    const prior = await store.getJson<Profile>(PROFILE_KEY);
    const identity = prior ? await loadIdentity(store) : undefined;
    if (prior && identity) {
      const timestamp = now();
      try {
        const session = await api.json('POST', '/v1/sso/session', SessionResponse, {
          anonymous: true,
          body: { ticket: o.ticket, binding: o.binding, device: { deviceId: prior.deviceId, timestamp, signature: await loginSignature(identity, prior.deviceId, timestamp) } },
        });
        if (session.email.toLowerCase() !== prior.email.toLowerCase()) throw new EnclaveError('conflict', 'This device holds another account.');
        return await keep(store, server, session, o);
      } catch (err) {
        // The device was reset or removed: a new device needs a new ticket (this one is spent).
        if (isEnclaveError(err, 'device_reset') || isEnclaveError(err, 'not_found')) {
          await o.store.clear();
          throw new EnclaveError('device_reset', 'This device was reset. Sign in with SSO again to set it up anew.');
        }
        throw err;
      } finally {
        await store.close().catch(() => undefined);
      }
    }
    await store.close().catch(() => undefined);
  }
  const keys = generateDeviceKeys();
  const session = await api.json('POST', '/v1/sso/session', SessionResponse, {
    anonymous: true,
    body: { ticket: o.ticket, binding: o.binding, device: newDeviceWire(keys, o.deviceType, o.clientName) },
  });
  await o.store.clear();
  store = await EncryptedStore.open(o.store, o.passphrase, kdf);
  try {
    await saveDeviceKeys(store, keys, now());
    return await keep(store, server, session, o);
  } finally {
    await store.close().catch(() => undefined);
  }
}

async function keep(store: EncryptedStore, server: string, s: SessionResponse, d: DeviceOptions): Promise<{ profile: Profile; policy: Policy }> {
  const profile = profileOf(server, s, d);
  await store.putJson(PROFILE_KEY, profile);
  await store.putJson(POLICY_KEY, s.policy);
  await store.putJson(SSO_KEY, { sso: true });
  await store.flush();
  return { profile, policy: s.policy };
}
