/**
 * account.ts — owns signing in: registration with an invite code, login of the stored device (an
 * Ed25519 signature of `enclave-login-v1|<deviceId>|<timestamp>`) or of a new device, password
 * reset (a full account reset that wipes the local store), and the profile record kept in the
 * encrypted store. Sends the password only to the server's account routes over the transport;
 * never stores it, never logs it.
 */
import { SessionResponse, type IdentityKeyPair, type NewDevice, type Policy } from '@enclave/protocol';
import { loginSignature } from './codec.js';
import { EnclaveError, isEnclaveError } from './errors.js';
import { Http } from './http.js';
import { generateDeviceKeys, loadIdentity, newDeviceWire, saveDeviceKeys } from './keys.js';
import { silentLogger, type Logger } from './logger.js';
import { DEFAULT_KDF, EncryptedStore, type KdfParams } from './store/encrypted-store.js';
import type { LocalStore } from './store/local-store.js';
import type { Profile } from './types.js';

export const PROFILE_KEY = 'profile';
export const POLICY_KEY = 'policy';

export interface StoreOptions {
  /** The backend: MemoryStore, FileStore (node), IndexedDbStore (browser). Encrypted with the password. */
  store: LocalStore;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** scrypt cost of a new local store (tests lower it). */
  kdf?: KdfParams;
}

export interface DeviceOptions {
  deviceType: NewDevice['type'];
  clientName: string;
}

export interface SignedIn {
  store: EncryptedStore;
  profile: Profile;
  session: SessionResponse;
}

function httpFor(server: string, o: StoreOptions, token?: string): Http {
  return new Http({ server, logger: o.logger ?? silentLogger, ...(o.fetch ? { fetch: o.fetch } : {}), token: () => token });
}

/** The profile a device keeps after a sign-in (password or SSO). */
export function profileOf(server: string, s: SessionResponse, d: DeviceOptions): Profile {
  return {
    server: server.replace(/\/+$/, ''),
    email: s.email,
    userId: s.userId,
    networkId: s.networkId,
    firstName: s.firstName,
    lastName: s.lastName,
    deviceId: s.deviceId,
    deviceStatus: s.deviceStatus,
    token: s.token,
    expiresAt: s.expiresAt,
    deviceType: d.deviceType,
    clientName: d.clientName,
  };
}

/** Wipes the local store and opens a new one (new salt) with `password`. */
/** Keeps the signed-in profile and its policy, durably before the caller goes on. */
async function saveProfile(store: EncryptedStore, profile: Profile, policy: Policy): Promise<void> {
  await store.putJson(PROFILE_KEY, profile);
  await store.putJson(POLICY_KEY, policy);
  await store.flush();
}

async function freshStore(backend: LocalStore, password: string, kdf: KdfParams): Promise<EncryptedStore> {
  await backend.clear();
  return EncryptedStore.open(backend, password, kdf);
}

export async function registerAccount(
  o: StoreOptions & DeviceOptions & { server: string; email: string; inviteCode: string; password: string; firstName?: string; lastName?: string },
): Promise<SignedIn> {
  const kdf = o.kdf ?? DEFAULT_KDF;
  if (await EncryptedStore.exists(o.store)) {
    const existing = await EncryptedStore.open(o.store, o.password, kdf);
    if (await existing.get(PROFILE_KEY)) throw new EnclaveError('conflict', 'This profile already holds an account. Use a new profile or sign in.');
  }
  const keys = generateDeviceKeys();
  const session = await httpFor(o.server, o).json('POST', '/v1/accounts/register', SessionResponse, {
    anonymous: true,
    body: {
      email: o.email,
      inviteCode: o.inviteCode,
      password: o.password,
      ...(o.firstName !== undefined ? { firstName: o.firstName } : {}),
      ...(o.lastName !== undefined ? { lastName: o.lastName } : {}),
      device: newDeviceWire(keys, o.deviceType, o.clientName),
    },
  });
  const store = await freshStore(o.store, o.password, kdf);
  await saveDeviceKeys(store, keys, (o.now ?? Date.now)());
  const profile = profileOf(o.server, session, o);
  await saveProfile(store, profile, session.policy);
  return { store, profile, session };
}

/**
 * Signs in. The profile's own device signs in with its identity key; without one (or after the
 * device was reset) a new device is created, which may come back PENDING_APPROVAL.
 */
export async function loginAccount(o: StoreOptions & Partial<DeviceOptions> & { server: string; email: string; password: string; networkId?: string }): Promise<SignedIn> {
  const kdf = o.kdf ?? DEFAULT_KDF;
  const now = o.now ?? Date.now;
  const http = httpFor(o.server, o);
  let store = await EncryptedStore.open(o.store, o.password, kdf);
  const prior = await store.getJson<Profile>(PROFILE_KEY);
  const sameAccount = prior && prior.email.toLowerCase() === o.email.toLowerCase() && prior.server === o.server.replace(/\/+$/, '');
  if (prior && !sameAccount) throw new EnclaveError('conflict', 'This profile holds another account. Use a new profile.');
  const device: DeviceOptions = { deviceType: o.deviceType ?? prior?.deviceType ?? 'cli', clientName: o.clientName ?? prior?.clientName ?? 'enclave-sdk/0.1.0' };
  const base = { email: o.email, password: o.password, ...(o.networkId ? { networkId: o.networkId } : {}) };
  const identity = prior ? await loadIdentity(store) : undefined;
  if (prior && identity) {
    const timestamp = now();
    try {
      const session = await http.json('POST', '/v1/accounts/login', SessionResponse, {
        anonymous: true,
        body: { ...base, device: { deviceId: prior.deviceId, timestamp, signature: await loginSignature(identity, prior.deviceId, timestamp) } },
      });
      const profile = { ...profileOf(o.server, session, device) };
      await saveProfile(store, profile, session.policy);
      return { store, profile, session };
    } catch (err) {
      // The device was reset or removed: start over with a new device (its sessions are gone too).
      if (!isEnclaveError(err, 'device_reset') && !isEnclaveError(err, 'not_found')) throw err;
    }
  }
  const keys = generateDeviceKeys();
  const session = await http.json('POST', '/v1/accounts/login', SessionResponse, {
    anonymous: true,
    body: { ...base, device: newDeviceWire(keys, device.deviceType, device.clientName) },
  });
  store = await freshStore(o.store, o.password, kdf);
  await saveDeviceKeys(store, keys, now());
  const profile = profileOf(o.server, session, device);
  await saveProfile(store, profile, session.policy);
  return { store, profile, session };
}

/** Signs the profile's own device in again (after the absolute session timeout). */
export async function signInStoredDevice(http: Http, profile: Profile, identity: IdentityKeyPair, password: string, timestamp: number): Promise<SessionResponse> {
  return http.json('POST', '/v1/accounts/login', SessionResponse, {
    anonymous: true,
    body: {
      email: profile.email,
      password,
      networkId: profile.networkId,
      device: { deviceId: profile.deviceId, timestamp, signature: await loginSignature(identity, profile.deviceId, timestamp) },
    },
  });
}

/** Opens the stored profile without contacting the server. */
export async function openProfile(o: StoreOptions & { password: string }): Promise<{ store: EncryptedStore; profile: Profile; policy?: Policy }> {
  if (!(await EncryptedStore.exists(o.store))) throw new EnclaveError('unauthorized', 'This profile holds no account. Register or sign in first.');
  const store = await EncryptedStore.open(o.store, o.password, o.kdf ?? DEFAULT_KDF);
  const profile = await store.getJson<Profile>(PROFILE_KEY);
  if (!profile) throw new EnclaveError('unauthorized', 'This profile holds no account. Register or sign in first.');
  const policy = await store.getJson<Policy>(POLICY_KEY);
  return { store, profile, ...(policy ? { policy } : {}) };
}

/** Asks the server to e-mail a password reset link (always answered 202). */
export async function requestPasswordReset(o: { server: string; email: string; networkId?: string; fetch?: typeof fetch; logger?: Logger }): Promise<void> {
  await httpFor(o.server, { store: undefined as never, ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.logger ? { logger: o.logger } : {}) }).empty(
    'POST',
    '/v1/accounts/password-reset',
    { anonymous: true, body: { email: o.email, ...(o.networkId ? { networkId: o.networkId } : {}) } },
  );
}

/**
 * Completes a password reset: a full account reset. A new device is registered and the local
 * store is wiped (every session, key and message of the old password is gone).
 */
export async function completePasswordReset(o: StoreOptions & DeviceOptions & { server: string; token: string; password: string }): Promise<SignedIn> {
  const keys = generateDeviceKeys();
  const session = await httpFor(o.server, o).json('POST', '/v1/accounts/password-reset/complete', SessionResponse, {
    anonymous: true,
    body: { token: o.token, password: o.password, device: newDeviceWire(keys, o.deviceType, o.clientName) },
  });
  const store = await freshStore(o.store, o.password, o.kdf ?? DEFAULT_KDF);
  await saveDeviceKeys(store, keys, (o.now ?? Date.now)());
  const profile = profileOf(o.server, session, o);
  await saveProfile(store, profile, session.policy);
  return { store, profile, session };
}

/**
 * The data retention bot's first sign-in: the initial password (CreateDataRetentionBotChallenge), the
 * bot's own new password (the initial one stops working), a new device. The local store is
 * encrypted with the new password.
 */
export async function registerRetentionBotAccount(o: StoreOptions & { server: string; botName: string; initialPassword: string; newPassword: string; clientName?: string }): Promise<SignedIn> {
  const kdf = o.kdf ?? DEFAULT_KDF;
  const device: DeviceOptions = { deviceType: 'bot', clientName: o.clientName ?? 'enclave-retention-bot/0.1.0' };
  const keys = generateDeviceKeys();
  const session = await httpFor(o.server, o).json('POST', '/v1/bots/retention/register', SessionResponse, {
    anonymous: true,
    body: { botName: o.botName, password: o.initialPassword, newPassword: o.newPassword, device: newDeviceWire(keys, device.deviceType, device.clientName) },
  });
  const store = await freshStore(o.store, o.newPassword, kdf);
  await saveDeviceKeys(store, keys, (o.now ?? Date.now)());
  const profile: Profile = { ...profileOf(o.server, session, device), retentionBot: true };
  await saveProfile(store, profile, session.policy);
  return { store, profile, session };
}

/** Later sign-ins of the retention bot: its stored device (signature), else a new device. */
export async function loginRetentionBotAccount(o: StoreOptions & { server: string; botName: string; password: string; clientName?: string }): Promise<SignedIn> {
  const kdf = o.kdf ?? DEFAULT_KDF;
  const now = o.now ?? Date.now;
  const http = httpFor(o.server, o);
  let store = await EncryptedStore.open(o.store, o.password, kdf);
  const prior = await store.getJson<Profile>(PROFILE_KEY);
  if (prior && (!prior.retentionBot || prior.email !== o.botName)) throw new EnclaveError('conflict', 'This profile holds another account. Use a new profile.');
  const device: DeviceOptions = { deviceType: 'bot', clientName: o.clientName ?? prior?.clientName ?? 'enclave-retention-bot/0.1.0' };
  const identity = prior ? await loadIdentity(store) : undefined;
  if (prior && identity) {
    const timestamp = now();
    try {
      const session = await http.json('POST', '/v1/bots/retention/login', SessionResponse, {
        anonymous: true,
        body: { botName: o.botName, password: o.password, device: { deviceId: prior.deviceId, timestamp, signature: await loginSignature(identity, prior.deviceId, timestamp) } },
      });
      const profile: Profile = { ...profileOf(o.server, session, device), retentionBot: true };
      await saveProfile(store, profile, session.policy);
      return { store, profile, session };
    } catch (err) {
      if (!isEnclaveError(err, 'device_reset') && !isEnclaveError(err, 'not_found')) throw err;
    }
  }
  const keys = generateDeviceKeys();
  const session = await http.json('POST', '/v1/bots/retention/login', SessionResponse, {
    anonymous: true,
    body: { botName: o.botName, password: o.password, device: newDeviceWire(keys, device.deviceType, device.clientName) },
  });
  store = await freshStore(o.store, o.password, kdf);
  await saveDeviceKeys(store, keys, now());
  const profile: Profile = { ...profileOf(o.server, session, device), retentionBot: true };
  await saveProfile(store, profile, session.policy);
  return { store, profile, session };
}
