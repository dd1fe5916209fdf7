/**
 * sender-keys.ts — owns sender keys of rooms and groups: this device's own key per conversation
 * (created before the first message, rotated after a removal or a device change, and to which
 * devices it was distributed), the keys received from other devices, and the messages held until
 * their sender's key arrives. Callers hold ctx.crypto. Distributions travel only inside pairwise
 * ciphertexts; never uploads or logs a chain key.
 */
import {
  createSenderKey,
  deserializeSenderKey,
  equalBytes,
  importSenderKey,
  senderKeyDecrypt,
  senderKeyDistribution,
  senderKeyEncrypt,
  senderKeyId,
  senderKeyVerifyAhead,
  serializeSenderKey,
  type DeliveredMessage,
  type SenderKeyState,
} from '@enclave/protocol';
import { b64, unb64 } from './codec.js';
import type { Context } from './context.js';
import { EnclaveError } from './errors.js';

interface OwnRecord {
  state: string;
  /** Devices that received this key. */
  distributedTo: string[];
  /** Set by a removal or device change: the next send creates a fresh key. */
  rotate: boolean;
  created: number;
}

interface PeerRecord {
  /** Newest first; a few old keys stay for messages in flight across a rotation. */
  keys: string[];
}

const MAX_PEER_KEYS = 4;

const signingKey = (conv: string, device: string, keyId: Uint8Array) => `${conv}|${device}|${b64(keyId)}`;

const K = {
  own: (conv: string) => `skown/${conv}`,
  peer: (conv: string, device: string) => `skpeer/${conv}/${device}`,
  heldFolder: (conv: string) => `held/${conv}/`,
  held: (conv: string, seq: number) => `held/${conv}/${String(seq).padStart(15, '0')}`,
  heldConvs: 'heldconv/',
  heldConv: (conv: string) => `heldconv/${conv}`,
};

/** Signing keys remembered for verifying ahead, by conversation, device and key ID (public data). */
const MAX_SIGNING_KEYS = 1024;
/** Queued messages remembered until their signing key is known (a receiver starting on a backlog). */
const MAX_EARLY = 2048;

export class SenderKeys {
  private readonly signing = new Map<string, Uint8Array>();
  /** Messages that arrived before this device knew their signing key, by signingKey(); oldest first. */
  private readonly early = new Map<string, { message: Uint8Array; ad: Uint8Array }[]>();
  private earlyCount = 0;

  constructor(private readonly ctx: Context) {}

  /**
   * Starts verifying the signature of a queued sender-key message whose key this device has used
   * before (the platform's verifier, off the main thread where there is one). Synchronous and
   * best-effort: decrypt() still verifies, and uses the early result only for the same bytes.
   */
  verifyAhead(conv: string, device: string, message: Uint8Array, ad: Uint8Array): void {
    let keyId: Uint8Array;
    try {
      keyId = senderKeyId(message);
    } catch {
      return;
    }
    const id = signingKey(conv, device, keyId);
    const signPub = this.signing.get(id);
    if (signPub) {
      senderKeyVerifyAhead(signPub, message, ad);
      return;
    }
    // Not known yet (the first messages after a start): verified ahead once decrypt() learns it.
    let list = this.early.get(id);
    if (!list) this.early.set(id, (list = []));
    list.push({ message, ad });
    if (++this.earlyCount > MAX_EARLY) {
      const [oldest, dropped] = this.early.entries().next().value!;
      this.early.delete(oldest);
      this.earlyCount -= dropped.length;
    }
  }

  /**
   * The key to send with in `conv` and the devices (of `current`) still missing it. A fresh key is
   * created the first time and after a removal; it then has to go to every current device.
   */
  async prepare(conv: string, current: string[]): Promise<{ distribution: Uint8Array; missing: string[] }> {
    let rec = await this.ctx.store.getJson<OwnRecord>(K.own(conv));
    // A device that held the key is gone (member removed, device reset): rotate even when the
    // membership record has not been seen yet (a device that only sends never reads it).
    const now = new Set(current);
    const gone = rec ? rec.distributedTo.some((d) => !now.has(d)) : false;
    if (!rec || rec.rotate || gone) {
      const state = createSenderKey();
      rec = { state: b64(serializeSenderKey(state)), distributedTo: [], rotate: false, created: this.ctx.now() };
      await this.ctx.store.putJson(K.own(conv), rec);
      this.ctx.logger.log('info', 'sender_key.created', { conv });
    }
    const state = deserializeSenderKey(unb64(rec.state));
    const have = new Set(rec.distributedTo);
    return { distribution: senderKeyDistribution(state), missing: current.filter((d) => d !== this.ctx.profile.deviceId && !have.has(d)) };
  }

  async markDistributed(conv: string, devices: string[]): Promise<void> {
    const rec = await this.ctx.store.getJson<OwnRecord>(K.own(conv));
    if (!rec) return;
    rec.distributedTo = [...new Set([...rec.distributedTo, ...devices])];
    await this.ctx.store.putJson(K.own(conv), rec);
  }

  /** A member or device left: the next message goes out under a fresh key. */
  async requireRotation(conv: string): Promise<void> {
    const rec = await this.ctx.store.getJson<OwnRecord>(K.own(conv));
    if (rec && !rec.rotate) {
      rec.rotate = true;
      await this.ctx.store.putJson(K.own(conv), rec);
      this.ctx.logger.log('info', 'sender_key.rotation_required', { conv });
    }
  }

  async encrypt(conv: string, plaintext: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
    const rec = await this.ctx.store.getJson<OwnRecord>(K.own(conv));
    if (!rec) throw new EnclaveError('internal', 'No sender key for this conversation.');
    const { state, message } = await senderKeyEncrypt(deserializeSenderKey(unb64(rec.state)), plaintext, ad);
    rec.state = b64(serializeSenderKey(state));
    await this.ctx.store.putJson(K.own(conv), rec);
    return message;
  }

  /** Stores a key distributed by `device` for `conv` (newest first). */
  async importFrom(conv: string, device: string, distribution: Uint8Array): Promise<void> {
    const imported = importSenderKey(distribution);
    const rec = (await this.ctx.store.getJson<PeerRecord>(K.peer(conv, device))) ?? { keys: [] };
    const others = rec.keys.filter((k) => !equalBytes(deserializeSenderKey(unb64(k)).keyId, imported.keyId));
    rec.keys = [b64(serializeSenderKey(imported)), ...others].slice(0, MAX_PEER_KEYS);
    await this.ctx.store.putJson(K.peer(conv, device), rec);
    this.ctx.logger.log('info', 'sender_key.imported', { conv, deviceId: device });
  }

  /** Decrypts a sender-key message; undefined when its key has not arrived yet (hold it). */
  async decrypt(conv: string, device: string, message: Uint8Array, ad: Uint8Array): Promise<Uint8Array | undefined> {
    const keyId = senderKeyId(message);
    const rec = await this.ctx.store.getJson<PeerRecord>(K.peer(conv, device));
    if (!rec) return undefined;
    const states: SenderKeyState[] = rec.keys.map((k) => deserializeSenderKey(unb64(k)));
    const i = states.findIndex((s) => equalBytes(s.keyId, keyId));
    if (i < 0) return undefined;
    const { state, plaintext } = await senderKeyDecrypt(states[i]!, message, ad);
    const known = signingKey(conv, device, keyId);
    if (!this.signing.has(known)) {
      if (this.signing.size >= MAX_SIGNING_KEYS) this.signing.delete(this.signing.keys().next().value!);
      this.signing.set(known, state.signPub);
      const waiting = this.early.get(known);
      if (waiting) {
        this.early.delete(known);
        this.earlyCount -= waiting.length;
        for (const w of waiting) if (!equalBytes(w.message, message)) senderKeyVerifyAhead(state.signPub, w.message, w.ad);
      }
    }
    rec.keys[i] = b64(serializeSenderKey(state));
    await this.ctx.store.putJson(K.peer(conv, device), rec);
    return plaintext;
  }

  /** Keeps a message whose sender key is unknown until the distribution arrives. */
  async hold(m: DeliveredMessage): Promise<void> {
    await this.ctx.store.putJson(K.held(m.conv, m.seq), m);
    await this.ctx.store.putJson(K.heldConv(m.conv), { conv: m.conv });
    this.ctx.logger.log('info', 'message.held', { conv: m.conv, seq: m.seq, deviceId: m.senderDeviceId });
  }

  /** Held messages of `conv` (optionally only those from `device`), in sequence order. */
  async held(conv: string, device?: string): Promise<DeliveredMessage[]> {
    const out: DeliveredMessage[] = [];
    for (const key of await this.ctx.store.list(K.heldFolder(conv))) {
      const m = await this.ctx.store.getJson<DeliveredMessage>(key);
      if (m && (device === undefined || m.senderDeviceId === device)) out.push(m);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async release(m: DeliveredMessage): Promise<void> {
    await this.ctx.store.delete(K.held(m.conv, m.seq));
  }

  /** Conversations with held messages (for retrying at start-up). */
  async heldConversations(): Promise<string[]> {
    const out: string[] = [];
    for (const key of await this.ctx.store.list(K.heldConvs)) out.push(key.slice(K.heldConvs.length));
    return out;
  }

  /** Drops everything about a conversation this device left or was removed from. */
  async forgetConversation(conv: string): Promise<void> {
    await this.ctx.store.delete(K.own(conv));
    for (const key of await this.ctx.store.list(`skpeer/${conv}/`)) await this.ctx.store.delete(key);
    for (const key of await this.ctx.store.list(K.heldFolder(conv))) await this.ctx.store.delete(key);
    await this.ctx.store.delete(K.heldConv(conv));
  }
}
