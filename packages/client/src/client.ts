/**
 * Over 500 lines on purpose: the SDK's whole public surface is this one class, each method a few lines
 * delegating to the modules beside it (account, outbound, inbound, device-trust, own-devices…).
 *
 * client.ts — owns EnclaveClient, the SDK's entry point: signing in (delegating to account.ts),
 * wiring the modules together, the WebSocket lifecycle and the ordered processing of server frames,
 * policy updates, the SDK-enforced session timers (alwaysReauthenticate, absolute session timeout),
 * and the message API for apps. Plaintext exists only in memory and in the encrypted local store;
 * never sends plaintext or keys to the server, never logs content.
 */
import { SessionResponse, type Policy, type SendMessage, type ServerFrame } from '@enclave/protocol';
import {
  POLICY_KEY,
  PROFILE_KEY,
  completePasswordReset,
  loginAccount,
  loginRetentionBotAccount,
  openProfile,
  registerAccount,
  registerRetentionBotAccount,
  requestPasswordReset,
  signInStoredDevice,
  type DeviceOptions,
  type SignedIn,
  type StoreOptions,
} from './account.js';
import { Mutex, type Context } from './context.js';
import { Conversations, type ConversationPatch, type UserRef } from './conversations.js';
import { DeviceTrust } from './device-trust.js';
import { Directory } from './directory.js';
import { TypedEmitter, type Listener } from './emitter.js';
import { EnclaveError, enclaveError, isEnclaveError } from './errors.js';
import { Files } from './files.js';
import { Http, q } from './http.js';
import { Inbound } from './inbound.js';
import { SessionLock } from './lock.js';

import { KeyManager } from './keys.js';
import { LocalMessages } from './local-messages.js';
import { silentLogger } from './logger.js';
import { Messaging, type FileOptions, type TextOptions } from './messaging.js';
import { Outbound, type Delivered } from './outbound.js';
import { OwnDevices, type NewDeviceMode } from './own-devices.js';
import { ApprovalCode, DevicesResponse, MeResponse, ProfileResponse, SendResponse } from './schemas.js';
import { SenderKeys } from './sender-keys.js';
import { SessionManager } from './sessions.js';
import { Socket } from './socket.js';
import type { EncryptedStore } from './store/encrypted-store.js';
import type { FileRef } from '@enclave/protocol';
import type { ClientEvents, FileSink, FileSource, Me, Message, OwnDeviceState, PendingDevice, Platform, Progress, Received, SafetyNotice, SafetyNumber } from './types.js';

const CONSENT_KEY = 'consent';
/** Acknowledgements wait up to this long for more processed messages to share their store commit. */
/**
 * Acknowledgements wait up to this long for more to share their store commit (one fsync). A busy
 * receiver commits ~25 times a second instead of ~100 (each SQLite commit blocks the thread for
 * its fsync); the server's window (2,000 frames) covers far more than 40 ms of messages.
 */
const ACK_BATCH_MS = 40;
/**
 * Frames are processed one after another in promise callbacks, which never give the event loop a
 * turn: a backlog of thousands would hold back timers (the store's group commit, acknowledgements),
 * the socket and an app's own I/O until all of them were done. After this many ms of back-to-back
 * processing the loop gets a turn, so a receiver's writes and acknowledgements overlap its work.
 * (5 ms slices measured slower than 20 on the retention bot's backlog: more, smaller commits.)
 */
const FRAME_SLICE_MS = 20;
const nextTurn: (cb: () => void) => void = typeof setImmediate === 'function' ? (cb) => setImmediate(cb) : (cb) => setTimeout(cb, 0);

export interface ClientOptions extends StoreOptions {
  platform?: Platform;
  /**
   * Called for every received record an archive keeps (a new message, after its 'message' event; an
   * edit; a delete for everyone; a message this device could not decrypt — see `Received`); the
   * record is acknowledged to the server (and marked processed locally) only once the returned
   * promise resolves, in sequence order per conversation. Decryption of the following frames goes on
   * meanwhile. A rejection is retried (with backoff) until it resolves: an archiver keeps what it
   * could not write and tries again.
   */
  beforeAck?: (r: Received) => Promise<void>;
  /** Keep a local copy of every received message (default true; the retention bot says false). */
  keepMessages?: boolean;
  /**
   * Take messages whose expiry timer ran out before they arrived (default false: they are dropped).
   * The retention bot says true: the server keeps expired and deleted messages for a data retention
   * device until it has them, and the archive records them with their timers.
   */
  receiveExpired?: boolean;
  /**
   * What a new device does when the account already has a signed device list (docs/protocol.md):
   * 'await-approval' (default) — it is pending until an existing device approves it
   * (approveNewDevice) or the user calls resetIdentity(); 'reset' — it resets the account's identity
   * at once (every contact sees a new safety number). With no device of the list left (all reset) a
   * new device resets in either case.
   */
  newDevice?: NewDeviceMode;
}

export class EnclaveClient {
  /** The master recovery key, present only right after registration when the group shows it. */
  readonly recoveryKey?: string;
  private readonly ctx: Context;
  private readonly events: TypedEmitter<ClientEvents>;
  private readonly dir: Directory;
  private readonly local: LocalMessages;
  private readonly senderKeys: SenderKeys;
  private readonly convs: Conversations;
  private readonly files: Files;
  private readonly msgs: Messaging;
  private readonly trust: DeviceTrust;
  private own?: OwnDevices;
  private readonly newDeviceMode: NewDeviceMode;
  private keys?: KeyManager;
  private sessions?: SessionManager;
  private outbound?: Outbound;
  private inbound?: Inbound;
  private readonly ackBatches = new Map<Promise<void>, Map<string, number>>();
  private closing = false;
  private socket?: Socket;
  private frames: Promise<void> = Promise.resolve();
  /** When frame processing last gave the event loop a turn (performance.now()). */
  private sliceStart = 0;
  private member?: Me['member'];
  private readonly sessionLock: SessionLock;
  private readonly kdf: ClientOptions['kdf'];
  private readonly beforeAck: ClientOptions['beforeAck'];
  private readonly keepMessages: boolean;
  private readonly receiveExpired: boolean;

  private constructor(signed: { store: EncryptedStore; profile: SignedIn['profile']; policy: Policy; recoveryKey?: string }, opts: ClientOptions) {
    this.events = new TypedEmitter<ClientEvents>((err) => this.events.emit('error', { code: 'internal', message: (err as Error).message }));
    const logger = opts.logger ?? silentLogger;
    const profile = signed.profile;
    this.ctx = {
      http: new Http({
        server: profile.server,
        logger,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        token: () => this.ctx.profile.token,
        onAuthFailure: (err) => this.onAuthFailure(err),
      }),
      store: signed.store,
      logger,
      events: this.events,
      platform: opts.platform ?? {},
      profile,
      policy: signed.policy,
      crypto: new Mutex(),
      now: opts.now ?? Date.now,
    };
    if (signed.recoveryKey) this.recoveryKey = signed.recoveryKey;
    this.kdf = opts.kdf;
    this.beforeAck = opts.beforeAck;
    this.keepMessages = opts.keepMessages ?? true;
    this.receiveExpired = opts.receiveExpired ?? false;
    this.dir = new Directory(this.ctx);
    this.local = new LocalMessages(this.ctx);
    this.senderKeys = new SenderKeys(this.ctx);
    this.convs = new Conversations(this.ctx, this.dir, this.senderKeys, this.local);
    this.files = new Files(this.ctx);
    this.trust = new DeviceTrust(this.ctx, {
      emailOf: (u) => this.dir.emailOf(u),
      conversationsWith: (u) => this.dir.conversationsWith(u),
      positionOf: (conv) => this.local.position(conv),
      ownChanged: () => this.syncOwnSoon(),
    });
    this.dir.trustFilter = (devices, lists) => this.trust.filter(devices, lists);
    this.newDeviceMode = opts.newDevice ?? 'await-approval';
    this.sessionLock = new SessionLock(this.ctx, (pw) => this.signInAgain(pw));
    this.msgs = new Messaging({
      ctx: this.ctx,
      dir: this.dir,
      local: this.local,
      files: this.files,
      outbound: () => this.outbound!,
      socket: () => this.socket,
      guard: () => this.requireUnlocked(),
    });
  }

  // ---- Signing in ------------------------------------------------------------------------------

  /** Registers with an invite code (BatchCreateUser); the new device is this one. */
  static async register(o: ClientOptions & DeviceOptions & { server: string; email: string; inviteCode: string; password: string; firstName?: string; lastName?: string }): Promise<EnclaveClient> {
    const s = await registerAccount(o);
    return EnclaveClient.start(s, o, s.session.recoveryKey);
  }

  /** Signs in (the stored device when the profile has one, else a new device). */
  static async login(o: ClientOptions & Partial<DeviceOptions> & { server: string; email: string; password: string; networkId?: string }): Promise<EnclaveClient> {
    return EnclaveClient.start(await loginAccount(o), o);
  }

  /**
   * Opens the stored profile. When its session ended (timeout), signs the stored device in again
   * with the same password.
   */
  static async open(o: ClientOptions & { password: string }): Promise<EnclaveClient> {
    const { store, profile, policy } = await openProfile(o);
    if (profile.deviceStatus === 'PENDING_APPROVAL' && policy) return EnclaveClient.start({ store, profile, session: undefined as never }, o, undefined, policy);
    const http = new Http({ server: profile.server, logger: o.logger ?? silentLogger, ...(o.fetch ? { fetch: o.fetch } : {}), token: () => profile.token });
    try {
      const me = await http.json('GET', '/v1/me', MeResponse);
      return EnclaveClient.start({ store, profile, session: undefined as never }, o, undefined, me.policy);
    } catch (err) {
      if (!isEnclaveError(err, 'session_expired') && !isEnclaveError(err, 'unauthorized')) throw err;
      await store.close().catch(() => undefined);
      if (profile.retentionBot) return EnclaveClient.loginRetentionBot({ ...o, server: profile.server, botName: profile.email });
      return EnclaveClient.login({ ...o, server: profile.server, email: profile.email, networkId: profile.networkId });
    }
  }

  static requestPasswordReset = requestPasswordReset;

  /**
   * The data retention bot's first sign-in (issue 7): the initial password from
   * CreateDataRetentionBotChallenge and the bot's own new password (≥ 12 characters, different).
   */
  static async registerRetentionBot(o: ClientOptions & { server: string; botName: string; initialPassword: string; newPassword: string; clientName?: string }): Promise<EnclaveClient> {
    return EnclaveClient.start(await registerRetentionBotAccount(o), o);
  }

  /** The data retention bot signs in again (its stored device when the profile has one). */
  static async loginRetentionBot(o: ClientOptions & { server: string; botName: string; password: string; clientName?: string }): Promise<EnclaveClient> {
    return EnclaveClient.start(await loginRetentionBotAccount(o), o);
  }

  /** Completes a password reset: a full account reset that wipes this profile's local store. */
  static async resetPassword(o: ClientOptions & DeviceOptions & { server: string; token: string; password: string }): Promise<EnclaveClient> {
    return EnclaveClient.start(await completePasswordReset(o), o);
  }

  private static async start(s: SignedIn, o: ClientOptions, recoveryKey?: string, policy?: Policy): Promise<EnclaveClient> {
    const c = new EnclaveClient({ store: s.store, profile: s.profile, policy: policy ?? s.session.policy, ...(recoveryKey ? { recoveryKey } : {}) }, o);
    if (s.profile.deviceStatus === 'ACTIVE') await c.init();
    return c;
  }

  /** Loads keys, fetches the account and policy, re-arms timers, retries held messages. */
  private async init(): Promise<void> {
    this.keys = await KeyManager.load(this.ctx);
    this.sessions = new SessionManager(this.ctx, this.keys);
    this.own = new OwnDevices(this.ctx, this.trust, this.keys.identity);
    this.outbound = new Outbound(this.ctx, this.dir, this.sessions, this.senderKeys, this.local, { deliver: (m) => this.deliver(m) }, async (members) => {
      if (this.own?.state === 'pending') throw enclaveError('device_not_in_list');
      await this.trust.assertSendable(members);
    });
    this.inbound = new Inbound(this.ctx, this.dir, this.sessions, this.senderKeys, this.local, {
      beforeAck: this.beforeAck,
      keepMessages: this.keepMessages,
      receiveExpired: this.receiveExpired,
      onDevicesChanged: (userId, at) => {
        if (userId === this.ctx.profile.userId) this.syncOwnSoon();
        else void this.trust.refresh([userId], at).catch((err: unknown) => this.ctx.logger.log('warn', 'device_list.refresh_failed', { userId, code: (err as EnclaveError).code }));
      },
    });
    this.inbound.onProcessed = (conv, seq) => this.ack(conv, seq);
    const me = await this.ctx.http.json('GET', '/v1/me', MeResponse);
    this.member = me.member;
    this.applyPolicy(me.policy, false);
    await this.loadConsent();
    await this.local.restoreTimers();
    for (const conv of await this.senderKeys.heldConversations()) await this.ctx.store.atomic(() => this.inbound!.retryHeld(conv));
    await this.inbound.resumePending();
    // This device and the account's signed device list (publishes the first list of an account;
    // a new device waits for approval or resets). A failure leaves it to the next sync.
    await this.own.sync(this.newDeviceMode).catch((err: unknown) => this.ctx.logger.log('warn', 'device_list.sync_failed', { code: (err as EnclaveError).code }));
    this.sessionLock.arm();
    void this.keys.replenish().catch((err: unknown) => this.ctx.logger.log('warn', 'keys.replenish_failed', { code: (err as EnclaveError).code }));
  }

  // ---- State -----------------------------------------------------------------------------------

  get policy(): Policy {
    return this.ctx.policy;
  }
  get me(): Me {
    const p = this.ctx.profile;
    return { member: this.member ?? { userId: p.userId, email: p.email, firstName: p.firstName, lastName: p.lastName }, deviceId: p.deviceId, policy: this.ctx.policy };
  }
  get userId(): number {
    return this.ctx.profile.userId;
  }
  get deviceId(): string {
    return this.ctx.profile.deviceId;
  }
  get pendingApproval(): boolean {
    return this.ctx.profile.deviceStatus === 'PENDING_APPROVAL';
  }
  get locked(): boolean {
    return this.sessionLock.locked;
  }

  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.events.on(event, listener);
  }
  once<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.events.once(event, listener);
  }
  off<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): void {
    this.events.off(event, listener);
  }
  /** The next event of a kind (optionally matching a filter). */
  next<K extends keyof ClientEvents>(event: K, filter?: (p: ClientEvents[K]) => boolean): Promise<ClientEvents[K]> {
    return this.events.next(event, filter);
  }

  private applyPolicy(p: Policy, emit = true): void {
    const changed = p.version !== this.ctx.policy.version;
    this.ctx.policy = p;
    if (changed || emit) this.ctx.logger.log('info', 'policy.applied', { version: p.version });
    if (changed && emit) this.events.emit('policy', p);
    if (p.consentPopup && this.consentAccepted !== p.consentPopup.version && emit) this.events.emit('consent', p.consentPopup);
  }

  /**
   * The consent pop-up version accepted in this session (the session token it was accepted under is
   * kept with it: a new sign-in is a new token, so the pop-up shows again).
   */
  private consentAccepted?: number;

  private async loadConsent(): Promise<void> {
    const saved = await this.ctx.store.getJson<{ version: number; token?: string }>(CONSENT_KEY);
    if (saved && saved.token === this.ctx.profile.token) this.consentAccepted = saved.version;
  }

  /**
   * The network's consent pop-up waiting to be shown and accepted, or undefined. Until it is
   * accepted, sending, reading and downloading throw `consent_required` (the retention bot is exempt).
   */
  get consentRequired(): Policy['consentPopup'] | undefined {
    const c = this.ctx.policy.consentPopup;
    if (!c || this.ctx.profile.retentionBot || this.consentAccepted === c.version) return undefined;
    return c;
  }

  /** The member accepted the consent pop-up they were shown (its version); kept until the next sign-in. */
  async acceptConsent(version = this.ctx.policy.consentPopup?.version): Promise<void> {
    if (version === undefined) return;
    this.consentAccepted = version;
    await this.ctx.store.putJson(CONSENT_KEY, { version, token: this.ctx.profile.token });
    this.ctx.logger.log('info', 'consent.accepted', { version });
  }

  /** The member did something: keeps the network's idle timeout from locking the client. */
  activity(): void {
    this.sessionLock.touch();
  }

  private async saveProfile(): Promise<void> {
    await this.ctx.store.putJson(PROFILE_KEY, this.ctx.profile);
    await this.ctx.store.putJson(POLICY_KEY, this.ctx.policy);
    await this.ctx.store.flush();
  }

  // ---- Devices ---------------------------------------------------------------------------------

  /** Approves this PENDING device with a code (other device or e-mail) or the master recovery key. */
  async approveDevice(proof: { code: string } | { recoveryKey: string }): Promise<void> {
    const s = await this.ctx.http.json('POST', '/v1/devices/approve', SessionResponse, { body: proof });
    Object.assign(this.ctx.profile, { token: s.token, deviceStatus: s.deviceStatus, expiresAt: s.expiresAt });
    await this.saveProfile();
    this.applyPolicy(s.policy, false);
    if (s.deviceStatus === 'ACTIVE') await this.init();
  }
  async requestEmailCode(): Promise<void> {
    await this.ctx.http.empty('POST', '/v1/devices/email-code');
  }
  async createApprovalCode(): Promise<{ code: string; expiresAt: number }> {
    return this.ctx.http.json('POST', '/v1/devices/approval-codes', ApprovalCode);
  }
  /** Changes this member's own first and/or last name (PATCH /v1/me); `me` shows the new name. */
  async updateProfile(o: { firstName?: string; lastName?: string }): Promise<Me['member']> {
    this.requireUnlocked();
    const { member } = await this.ctx.http.json('PATCH', '/v1/me', ProfileResponse, { body: o });
    this.member = member;
    Object.assign(this.ctx.profile, { firstName: member.firstName, lastName: member.lastName });
    await this.saveProfile();
    return member;
  }
  async devices() {
    return (await this.ctx.http.json('GET', '/v1/devices', DevicesResponse)).devices;
  }
  /** Signs a device of this account out (its keys revoked) and signs it out of the account's device list. */
  async resetDevice(deviceId: string): Promise<void> {
    await this.ctx.http.empty('DELETE', `/v1/devices/${q(deviceId)}`);
    if (deviceId !== this.deviceId) await this.syncDevices().catch(() => undefined);
  }

  // ---- Device lists and safety numbers (device-trust.ts, own-devices.ts) ----------------------

  /** 'pending' while this device is not in the account's signed device list (approve it on another device, or resetIdentity()). */
  get deviceListState(): OwnDeviceState {
    return this.own?.state ?? 'trusted';
  }
  /** This device's identity key fingerprint (a new device shows it; the approving device compares it). */
  get deviceFingerprint(): string | undefined {
    return this.own?.fingerprint;
  }
  /** Reads the account's device list again (a pending device learns it was approved). */
  async syncDevices(): Promise<OwnDeviceState> {
    this.requireActive();
    return this.own!.sync('await-approval');
  }
  private syncOwnSoon(): void {
    if (!this.own || this.closing) return;
    void this.own.sync().catch((err: unknown) => this.ctx.logger.log('warn', 'device_list.sync_failed', { code: (err as EnclaveError).code }));
  }
  /** New devices of this account waiting to be approved into its device list. */
  async pendingDevices(): Promise<PendingDevice[]> {
    this.requireActive();
    return this.own!.pending();
  }
  /** Approves a new device of this account: this device signs the next device list with it (compare its fingerprint first). */
  async approveNewDevice(deviceId: string): Promise<void> {
    this.requireUnlocked();
    await this.own!.approve(deviceId);
  }
  /** Starts the account's identity over from this device: every contact sees a new safety number. */
  async resetIdentity(): Promise<void> {
    this.requireActive();
    await this.own!.reset();
  }
  /** The safety number with a contact (60 digits and the QR code's text), and whether it is verified. */
  async safetyNumber(contact: UserRef): Promise<SafetyNumber> {
    this.requireUnlocked();
    const [userId] = await this.convs.resolve([contact]);
    return this.trust.safetyNumber(userId!);
  }
  /**
   * Marks a contact verified after comparing safety numbers; with `compared` (the digits read out or
   * the scanned QR text) only when it matches. Also ends a "block until confirmed".
   */
  async markVerified(contact: UserRef, compared?: string): Promise<SafetyNumber> {
    this.requireUnlocked();
    const [userId] = await this.convs.resolve([contact]);
    return this.trust.markVerified(userId!, compared);
  }
  async clearVerification(contact: UserRef): Promise<void> {
    this.requireUnlocked();
    const [userId] = await this.convs.resolve([contact]);
    await this.trust.clearVerification(userId!);
  }
  /** Accepts a verified contact's identity reset without comparing again (sending resumes; the contact is no longer verified). */
  async confirmIdentityChange(contact: UserRef): Promise<void> {
    this.requireUnlocked();
    const [userId] = await this.convs.resolve([contact]);
    await this.trust.confirm(userId!);
  }
  /** What this device knows about a contact's safety without asking the server: has a list, verified, waiting for confirmation. */
  async contactTrust(userId: number): Promise<{ listed: boolean; verified: boolean; confirmRequired: boolean }> {
    return this.trust.status(userId);
  }
  /** Whether sending to a verified contact whose identity resets waits for confirmation (default true). */
  async setBlockUntilConfirmed(on: boolean): Promise<void> {
    await this.trust.setBlockUntilConfirmed(on);
  }
  async blockUntilConfirmed(): Promise<boolean> {
    return (await this.trust.settings()).blockUntilConfirmed;
  }
  /** The safety notices of a conversation (devices changed, identity reset, verification), in order. */
  notices(conv: string): Promise<SafetyNotice[]> {
    return this.trust.notices(conv);
  }

  // ---- Connection ------------------------------------------------------------------------------

  /** Opens the WebSocket; resolves when the server is ready. Reconnects on its own until close(). */
  async connect(): Promise<void> {
    this.requireActive();
    if (this.socket) return;
    const create = this.ctx.platform.createWebSocket ?? ((url: string) => new (globalThis as unknown as { WebSocket: new (u: string) => never }).WebSocket(url));
    this.socket = new Socket({
      url: this.ctx.http.socketUrl(),
      token: () => this.ctx.profile.token,
      create,
      logger: this.ctx.logger,
      onFrame: (f) => this.enqueue(f),
      onState: (state) => {
        if (state === 'ready') this.syncOwnSoon();
        this.events.emit('connection', { state });
      },
      onTerminal: (code, message) => this.onTerminal(code, message),
    });
    try {
      await this.socket.start();
    } catch (err) {
      this.socket = undefined;
      throw err;
    }
  }

  private enqueue(f: ServerFrame): void {
    // Frames the socket still hands over while closing are left for the next start (unacknowledged,
    // the server delivers them again).
    if (this.closing) return;
    if (f.t === 'msg') this.inbound?.arrived(f.m);
    this.frames = this.frames.then(() => this.turn()).then(() => this.handleFrame(f)).catch((err: unknown) => {
      this.ctx.logger.log('error', 'frame.failed', { t: f.t, error: (err as Error).name });
      this.events.emit('error', { code: err instanceof EnclaveError ? err.code : 'internal', message: (err as Error).message });
    });
  }

  /** Gives the event loop a turn once frames have been processed back to back for FRAME_SLICE_MS. */
  private turn(): Promise<void> | undefined {
    if (performance.now() - this.sliceStart < FRAME_SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      nextTurn(() => {
        this.sliceStart = performance.now();
        resolve();
      }),
    );
  }

  /** Resolves once every frame received so far has been processed (and, with beforeAck, acknowledged). */
  async idle(): Promise<void> {
    await this.frames;
    await this.inbound?.settled();
    await Promise.allSettled([...this.ackBatches.keys()]);
  }

  private async handleFrame(f: ServerFrame): Promise<void> {
    switch (f.t) {
      case 'ready':
        return this.applyPolicy(f.policy);
      case 'msg':
        return this.inbound?.process(f.m);
      case 'conversation':
        this.dir.remember(f.conversation);
        this.dir.invalidateDevices(f.conversation.id);
        return this.events.emit('conversation', f.conversation);
      case 'removed':
        await this.convs.forgetLocally(f.conv);
        await this.trust.forgetConversation(f.conv);
        return this.events.emit('removed', { conv: f.conv });
      case 'expired': {
        // The server also drops burn-on-read records once every device has them: a bor message
        // stays until its local burn timer (started by read()) fires.
        const gone: string[] = [];
        for (const id of f.messageIds) {
          const m = await this.local.get(f.conv, id);
          if (m?.bor && !(m.expiresAt && m.expiresAt <= this.ctx.now() + 5000)) continue;
          if (await this.local.delete(f.conv, id)) gone.push(id);
        }
        if (gone.length > 0) this.events.emit('expired', { conv: f.conv, messageIds: gone });
        return;
      }
      case 'policy':
        return this.applyPolicy(f.policy);
      case 'presence':
        return this.events.emit('presence', { userId: f.userId, state: f.state });
      case 'error':
        return this.events.emit('error', { code: f.code, message: f.message });
      default:
        return;
    }
  }

  /**
   * Acknowledges (conv, seq) once the store's flush that covers its processing is durable; the
   * acknowledgements that share a flush go out together, the highest per conversation.
   */
  private ack(conv: string, seq: number): void {
    const flushed = this.ctx.store.flushWithin(ACK_BATCH_MS);
    let batch = this.ackBatches.get(flushed);
    if (!batch) {
      const acks = new Map<string, number>();
      batch = acks;
      this.ackBatches.set(flushed, acks);
      flushed.then(
        () => {
          this.ackBatches.delete(flushed);
          for (const [c, s] of acks) this.socket?.send({ t: 'ack', conv: c, seq: s });
        },
        (err: unknown) => {
          this.ackBatches.delete(flushed);
          // Nothing is acknowledged that is not durable; the store keeps the changes and retries.
          this.ctx.logger.log('warn', 'store.flush_failed', { error: (err as Error).name });
          const retry = setTimeout(() => { for (const [c, s] of acks) this.ack(c, s); }, 1000);
          (retry as { unref?: () => void }).unref?.();
        },
      );
    }
    batch.set(conv, Math.max(batch.get(conv) ?? 0, seq));
  }

  private async deliver(msg: SendMessage): Promise<Delivered> {
    // The ratchet / sender-key step that produced this ciphertext is durable before it leaves.
    await this.ctx.store.flush();
    if (this.socket) {
      const f = await this.socket.request({ t: 'send', msg });
      if (f.t !== 'sent') throw new EnclaveError('internal', 'Unexpected answer to a send.');
      return { seq: f.seq, duplicate: f.duplicate, ...(f.expiresAt !== undefined ? { expiresAt: f.expiresAt } : {}) };
    }
    return this.ctx.http.json('POST', `/v1/conversations/${q(msg.conv)}/messages`, SendResponse, { body: msg });
  }

  private onTerminal(code: string, message: string): void {
    this.socket = undefined;
    if (code === 'session_expired') this.sessionLock.lock('session_timeout');
    this.events.emit('closed', { code, message });
  }

  private onAuthFailure(err: EnclaveError): void {
    if (err.code === 'session_expired') this.sessionLock.lock('session_timeout');
  }

  /** Closes the connection and the local store; the profile stays signed in. */
  async close(): Promise<void> {
    this.closing = true;
    this.socket?.stop();
    this.socket = undefined;
    await this.frames;
    this.local.stop();
    this.sessionLock.stop();
    await this.ctx.store.close();
    this.events.emit('stopped', {});
  }

  /** Ends the session on the server (the device stays registered) and closes. */
  async logout(): Promise<void> {
    await this.ctx.http.empty('POST', '/v1/accounts/logout').catch(() => undefined);
    delete this.ctx.profile.token;
    await this.saveProfile();
    await this.close();
  }

  setPresence(state: 'online' | 'away'): void {
    this.socket?.send({ t: 'presence', state });
  }

  // ---- Locking (lock.ts) ----------------------------------------------------------------------

  /** The app went to the background. */
  suspendApp(): void {
    this.sessionLock.suspend();
  }
  /** The app came back: with alwaysReauthenticate the client locks until unlock(password). */
  resumeApp(): void {
    this.sessionLock.resume();
  }
  /**
   * Changes the account password (the security group's rules; the retention bot: ≥ 12 characters,
   * different), then re-encrypts the local store under the new password.
   */
  async changePassword(current: string, next: string): Promise<void> {
    this.requireUnlocked();
    await this.ctx.http.empty('POST', '/v1/accounts/password', { body: { password: current, newPassword: next } });
    await this.ctx.crypto.run(async () => {
      this.ctx.store = await this.ctx.store.rekey(next, this.kdf);
    });
    this.ctx.logger.log('info', 'account.password_changed', {});
  }

  /** Unlocks with the password: re-authenticates, or signs the device in again after the timeout. */
  unlock(password: string): Promise<void> {
    return this.sessionLock.unlock(password);
  }

  private async signInAgain(password: string): Promise<void> {
    if (!this.keys) throw enclaveError('unauthorized');
    const session = await signInStoredDevice(this.ctx.http, this.ctx.profile, this.keys.identity, password, this.ctx.now());
    Object.assign(this.ctx.profile, { token: session.token, expiresAt: session.expiresAt, deviceStatus: session.deviceStatus });
    this.applyPolicy(session.policy);
    await this.saveProfile();
  }

  private requireActive(): void {
    if (this.pendingApproval) throw enclaveError('device_approval_required');
    if (!this.outbound) throw enclaveError('unauthorized');
  }

  private requireUnlocked(): void {
    this.requireActive();
    this.sessionLock.check();
    if (this.sessionLock.locked) throw enclaveError('reauthentication_required');
    if (this.consentRequired) throw enclaveError('consent_required');
    this.sessionLock.touch();
  }

  // ---- Conversations ---------------------------------------------------------------------------

  directory(query?: string, limit?: number) { return this.convs.directory(query, limit); }
  lookup(email: string) { return this.convs.lookup(email); }
  conversations() { return this.convs.list(); }
  conversation(id: string) { return this.convs.get(id); }
  createRoom(o: { name: string; description?: string; members: UserRef[] }) { return this.convs.createRoom(o); }
  createGroup(members: UserRef[], name?: string) { return this.convs.createGroup(members, name); }
  openDm(user: UserRef) { return this.convs.openDm(user); }
  updateConversation(conv: string, patch: ConversationPatch) { return this.convs.update(conv, patch); }
  async leave(conv: string) { await this.convs.leave(conv); await this.trust.forgetConversation(conv); }
  async deleteConversation(conv: string) { await this.convs.delete(conv); await this.trust.forgetConversation(conv); }

  // ---- Messages (messaging.ts) -----------------------------------------------------------------

  sendText(conv: string, text: string, o?: TextOptions): Promise<Message> { return this.msgs.sendText(conv, text, o); }
  edit(conv: string, messageId: string, text: string): Promise<void> { return this.msgs.edit(conv, messageId, text); }
  deleteForEveryone(conv: string, messageId: string): Promise<void> { return this.msgs.deleteForEveryone(conv, messageId); }
  forward(conv: string, message: Message, o?: TextOptions): Promise<Message> { return this.msgs.forward(conv, message, o); }
  sendLocation(conv: string, lat: number, lon: number, o?: TextOptions & { accuracy?: number }): Promise<Message> { return this.msgs.sendLocation(conv, lat, lon, o); }
  sendFile(conv: string, file: string | FileSource | Uint8Array, o?: FileOptions): Promise<Message> { return this.msgs.sendFile(conv, file, o); }
  markRead(conv: string, messageIds: string[]): Promise<boolean> { return this.msgs.markRead(conv, messageIds); }
  read(conv: string, messageId: string): Promise<Message | undefined> { return this.msgs.read(conv, messageId); }
  messages(conv: string): Promise<Message[]> { return this.msgs.messages(conv); }
  message(id: string, conv?: string): Promise<Message | undefined> { return this.msgs.message(id, conv); }
  downloadFile(ref: FileRef, sink: FileSink, o?: { onProgress?: (p: Progress) => void }): Promise<void> { return this.msgs.downloadFile(ref, sink, o); }
  previewFile(ref: FileRef): Promise<Uint8Array> { return this.msgs.previewFile(ref); }
}
