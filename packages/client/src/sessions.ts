/**
 * sessions.ts — owns the pairwise Double Ratchet sessions of this device with every other device:
 * claiming and verifying prekey bundles, opening sessions, encrypting one part per device,
 * decrypting (accepting a peer's new session only from a device its account's verified device list
 * names, trying every kept session), and pinning each device's identity keys (a changed identity for
 * a known device ID is refused).
 * Callers hold ctx.crypto while calling. Never logs or uploads plaintext or private keys.
 */
import {
  ClaimBundlesResponse,
  deserializeSession,
  equalBytes,
  initiateSession,
  isPrekeyMessage,
  serializeSession,
  sessionAcceptInitial,
  sessionDecrypt,
  sessionEncrypt,
  type SessionState,
} from '@enclave/protocol';
import { b64, bundleFromWire, sessionAd, unb64 } from './codec.js';
import type { Context } from './context.js';
import { EnclaveError } from './errors.js';
import type { KeyManager } from './keys.js';

/** A device to encrypt to, as `GET /v1/conversations/{id}/devices` lists it. */
export interface DeviceRef {
  userId: number;
  deviceId: string;
  identitySignPub: string;
  identityDhPub: string;
}

interface SessionRecord {
  userId: number;
  /** Serialized sessions, the one to encrypt with first. */
  sessions: string[];
}

interface PinRecord {
  userId: number;
  signPub: string;
  dhPub: string;
}

/** Sessions kept per device (simultaneous setups converge on the one that last decrypted). */
const MAX_SESSIONS = 3;

const K = {
  sess: (d: string) => `sess/${d}`,
  pin: (d: string) => `pin/${d}`,
};

export class SessionManager {
  constructor(
    private readonly ctx: Context,
    private readonly keys: KeyManager,
  ) {}

  private get self(): string {
    return this.ctx.profile.deviceId;
  }

  /** Pins a device's identity on first sight; false when it contradicts the pin. */
  async checkPin(d: DeviceRef): Promise<boolean> {
    const pin = await this.ctx.store.getJson<PinRecord>(K.pin(d.deviceId));
    if (!pin) {
      await this.ctx.store.putJson(K.pin(d.deviceId), { userId: d.userId, signPub: d.identitySignPub, dhPub: d.identityDhPub });
      return true;
    }
    return pin.userId === d.userId && pin.signPub === d.identitySignPub && pin.dhPub === d.identityDhPub;
  }

  private async load(deviceId: string): Promise<{ userId: number; sessions: SessionState[] } | undefined> {
    const r = await this.ctx.store.getJson<SessionRecord>(K.sess(deviceId));
    if (!r) return undefined;
    return { userId: r.userId, sessions: r.sessions.map((s) => deserializeSession(unb64(s))) };
  }

  private async save(deviceId: string, userId: number, sessions: SessionState[]): Promise<void> {
    const rec: SessionRecord = { userId, sessions: sessions.slice(0, MAX_SESSIONS).map((s) => b64(serializeSession(s))) };
    await this.ctx.store.putJson(K.sess(deviceId), rec);
  }

  async hasSession(deviceId: string): Promise<boolean> {
    return (await this.ctx.store.get(K.sess(deviceId))) !== undefined;
  }

  /** Forgets the sessions with a device (reset or removed device). */
  async forget(deviceId: string): Promise<void> {
    await this.ctx.store.delete(K.sess(deviceId));
  }

  /**
   * Encrypts `plaintextFor(device)` for every device (never this one). Devices without a session get
   * one from a claimed bundle; devices whose identity contradicts the pin or that have no bundle are
   * skipped and reported as `skipped`.
   */
  async encryptFor(devices: DeviceRef[], plaintextFor: (d: DeviceRef) => Uint8Array): Promise<{ parts: Record<string, string>; skipped: string[] }> {
    const targets = devices.filter((d) => d.deviceId !== this.self);
    const parts: Record<string, string> = {};
    const skipped: string[] = [];
    const fresh = new Map<string, SessionState>();
    const toClaim: DeviceRef[] = [];
    for (const d of targets) {
      if (!(await this.checkPin(d))) {
        skipped.push(d.deviceId);
        this.ctx.logger.log('warn', 'session.identity_mismatch', { deviceId: d.deviceId });
        continue;
      }
      if (!(await this.hasSession(d.deviceId))) toClaim.push(d);
    }
    for (let i = 0; i < toClaim.length; i += 1000) {
      const batch = toClaim.slice(i, i + 1000);
      const { bundles } = await this.ctx.http.json('POST', '/v1/keys/claim', ClaimBundlesResponse, { body: { deviceIds: batch.map((d) => d.deviceId) } });
      for (const d of batch) {
        const w = bundles.find((x) => x.deviceId === d.deviceId);
        if (!w || w.identitySignPub !== d.identitySignPub || w.identityDhPub !== d.identityDhPub) {
          skipped.push(d.deviceId);
          this.ctx.logger.log('warn', 'session.no_bundle', { deviceId: d.deviceId, mismatch: Boolean(w) });
          continue;
        }
        try {
          fresh.set(d.deviceId, initiateSession(this.keys.identity, bundleFromWire(w), sessionAd(this.self, d.deviceId)));
          this.ctx.logger.log('info', 'session.opened', { deviceId: d.deviceId, oneTimePrekey: Boolean(w.oneTimePrekey) });
        } catch {
          skipped.push(d.deviceId);
          this.ctx.logger.log('warn', 'session.bad_bundle', { deviceId: d.deviceId });
        }
      }
    }
    for (const d of targets) {
      if (skipped.includes(d.deviceId)) continue;
      const existing = await this.load(d.deviceId);
      const sessions = fresh.has(d.deviceId) ? [fresh.get(d.deviceId)!, ...(existing?.sessions ?? [])] : (existing?.sessions ?? []);
      const current = sessions[0];
      if (!current) {
        skipped.push(d.deviceId);
        continue;
      }
      const { state, message } = await sessionEncrypt(current, plaintextFor(d), sessionAd(this.self, d.deviceId));
      await this.save(d.deviceId, d.userId, [state, ...sessions.slice(1)]);
      parts[d.deviceId] = b64(message);
    }
    return { parts, skipped };
  }

  /**
   * Decrypts a pairwise message from `sender`. A prekey message of a new session is accepted only
   * from a device `identityOf` lists (the trusted devices) with the identity the message carries.
   */
  async decrypt(sender: { userId: number; deviceId: string }, message: Uint8Array, identityOf: (deviceId: string) => Promise<DeviceRef | undefined>): Promise<Uint8Array> {
    const ad = sessionAd(this.self, sender.deviceId);
    const existing = (await this.load(sender.deviceId))?.sessions ?? [];
    for (let i = 0; i < existing.length; i++) {
      try {
        const { state, plaintext } = await sessionDecrypt(existing[i]!, message, ad);
        await this.save(sender.deviceId, sender.userId, [state, ...existing.filter((_, j) => j !== i)]);
        return plaintext;
      } catch (err) {
        if (!isPrekeyMessage(message) && i === existing.length - 1) throw err;
      }
    }
    if (!isPrekeyMessage(message)) throw new EnclaveError('integrity', 'A message arrived for a session this device does not have.');
    const res = await sessionAcceptInitial(this.keys.identity, this.keys.prekeyStore(), message, ad);
    // A new session only from a device the sender's verified device list names (identityOf lists
    // trusted devices only), whatever was pinned for its ID before.
    const d = await identityOf(sender.deviceId);
    if (!d || d.userId !== sender.userId) throw new EnclaveError('integrity', 'A message came from a device that is not in its account\'s verified device list.');
    await this.checkPin(d);
    const pin = (await this.ctx.store.getJson<PinRecord>(K.pin(sender.deviceId))) ?? { userId: d.userId, signPub: d.identitySignPub, dhPub: d.identityDhPub };
    if (pin.userId !== sender.userId || !equalBytes(unb64(pin.signPub), res.theirIdentity.signPub) || !equalBytes(unb64(pin.dhPub), res.theirIdentity.dhPub)) {
      throw new EnclaveError('integrity', "A message's sender identity does not match the device's keys.");
    }
    if (res.usedOneTimePrekeyId !== undefined) await this.keys.consumeOneTimePrekey(res.usedOneTimePrekeyId);
    await this.save(sender.deviceId, sender.userId, [res.state, ...existing]);
    this.ctx.logger.log('info', 'session.accepted', { deviceId: sender.deviceId });
    return res.plaintext;
  }
}
