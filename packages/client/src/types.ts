/**
 * types.ts — owns the public data types of the SDK: the decrypted message as the app sees it, the
 * event map of EnclaveClient, the stored profile, and the platform hooks (WebSocket, files) that
 * keep the core isomorphic. Types (and one pure accessor of them), no I/O.
 */
import type { Conversation, FileRef, Member, Policy } from '@enclave/protocol';

export interface Sender {
  userId: number;
  deviceId: string;
  email?: string;
}

/**
 * A received record the app's `beforeAck` step gets, acknowledged to the server only once that step
 * resolved: a new message, an edit, a delete for everyone, or a message this device could not decrypt
 * (so an archive shows the gap). `id` / `seq` are the delivered record's own (an edit's `target` is
 * the message it changes). The retention bot archives every kind.
 */
export type Received =
  | { kind: 'message'; message: Message }
  | { kind: 'edit'; id: string; conv: string; seq: number; sender: Sender; target: string; text: string; edited: number; receivedAt: number }
  | { kind: 'delete'; id: string; conv: string; seq: number; target: string; by: number; receivedAt: number }
  | { kind: 'undecryptable'; id: string; conv: string; seq: number; sender: Sender; code: string; receivedAt: number };

/** The conversation and delivered record ID a `Received` belongs to. */
export function receivedRef(r: Received): { conv: string; id: string; seq: number } {
  return r.kind === 'message' ? { conv: r.message.conv, id: r.message.id, seq: r.message.seq } : { conv: r.conv, id: r.id, seq: r.seq };
}

/** A decrypted message (text, file or location) as shown to the app. */
export interface Message {
  id: string;
  conv: string;
  seq: number;
  sender: Sender;
  /** Sender's clock (epoch ms), from inside the encryption. */
  sentAt: number;
  /** Server's commit time (epoch ms). */
  receivedAt: number;
  text?: string;
  file?: FileRef;
  location?: { latitude: number; longitude: number; accuracy?: number };
  replyTo?: string;
  forwarded?: boolean;
  /** Epoch ms of the last edit. */
  edited?: number;
  /**
   * Epoch ms when the message expires, as the server stored it: its timer, else the sender's group
   * maximum. The same on every copy (sender's and recipients'); each is deleted locally then.
   */
  expiresAt?: number;
  /** Burn-on-read seconds. */
  bor?: number;
  /** Epoch ms when it burns (set once the app has read it). */
  burnAt?: number;
  /** True for messages this device sent. */
  outgoing?: boolean;
  /**
   * Epoch ms when the peer's read receipt for this account's message arrived (1:1). Receipts reach
   * every device of both members, so each device of the account records it in its own store.
   */
  readAt?: number;
}

/** This device and the account's signed device list: in it, or waiting for approval (or a reset). */
export type OwnDeviceState = 'trusted' | 'pending';

/** A device of this account that is not in its signed list yet (approve it with approveNewDevice). */
export interface PendingDevice {
  deviceId: string;
  type: string;
  client: string;
  created: number;
  /** ACTIVE, or PENDING_APPROVAL while account takeover protection holds it. */
  status: string;
  /** The 60-digit fingerprint of its identity key: compare it with the one the new device shows. */
  fingerprint: string;
}

/**
 * A line a conversation shows about a member's safety: their devices changed (a change signed by a
 * device they had), their identity reset (a new safety number), or this user's verification of them.
 * Kept in the local store with the conversation; `seq` places it among the messages.
 */
export interface SafetyNotice {
  id: string;
  conv: string;
  seq: number;
  at: number;
  kind: 'devices_changed' | 'identity_reset' | 'verified' | 'unverified';
  userId: number;
  email?: string;
  /** Device IDs added and removed (devices_changed, identity_reset). */
  added?: string[];
  removed?: string[];
}

/** The safety number between this account and a contact (docs/protocol.md). */
export interface SafetyNumber {
  userId: number;
  email?: string;
  /** 60 digits in twelve groups of five, the same on both sides. */
  digits: string;
  /** The QR code's text (ENCLAVE-SN:1:…). */
  qr: string;
  verified: boolean;
  /** The contact reset after being verified: sending waits for confirmIdentityChange or markVerified. */
  confirmRequired: boolean;
  /** Version of the contact's device list. */
  version: number;
}

export interface ClientEvents {
  message: Message;
  edited: { conv: string; messageId: string; text: string; edited: number };
  deleted: { conv: string; messageId: string; by: number };
  receipt: { conv: string; userId: number; messageIds: string[]; state: 'read' };
  burned: { conv: string; messageId: string };
  expired: { conv: string; messageIds: string[] };
  conversation: Conversation;
  removed: { conv: string };
  policy: Policy;
  presence: { userId: number; state: 'online' | 'away' | 'offline' };
  /** A membership or device change recorded by the server in a conversation. */
  system: { conv: string; seq: number; event: Record<string, unknown> & { event: string } };
  /** The SDK locked itself (alwaysReauthenticate on resume, or the session timeout); call unlock(password). */
  locked: { reason: 'resume' | 'session_timeout' | 'idle' };
  /** The network's consent pop-up must be shown and accepted (after sign-in, and whenever it changes). */
  consent: NonNullable<import('@enclave/protocol').Policy['consentPopup']>;
  unlocked: Record<string, never>;
  connection: { state: 'connecting' | 'ready' | 'reconnecting' | 'closed' };
  closed: { code: string; message: string };
  /** close() or logout() finished: the connection and the local store are closed (this process may open the profile again). */
  stopped: Record<string, never>;
  error: { code: string; message: string; conv?: string; messageId?: string };
  /** A contact's (or, with self, this account's) devices changed by a list signed by one of their devices. */
  devices_changed: { userId: number; email?: string; added: string[]; removed: string[]; self: boolean };
  /** A contact's (or this account's) identity reset: a new chain, a new safety number. */
  identity_reset: { userId: number; email?: string; wasVerified: boolean; confirmRequired: boolean; self: boolean };
  /** A safety notice was added to a conversation (see notices(conv)). */
  notice: SafetyNotice;
  /** A contact was marked verified or its verification cleared. */
  verification: { userId: number; email?: string; verified: boolean };
  /** A new device of this account waits to be approved into its signed list. */
  device_approval_requested: PendingDevice;
  /** This device entered the account's signed list, or left it (pending: approve it elsewhere, or reset). */
  device_list: { state: OwnDeviceState };
}

/** What the SDK keeps about the signed-in account (encrypted in the local store). */
export interface Profile {
  server: string;
  email: string;
  userId: number;
  networkId: string;
  firstName: string;
  lastName: string;
  deviceId: string;
  deviceStatus: 'ACTIVE' | 'PENDING_APPROVAL';
  token?: string;
  expiresAt: number | null;
  deviceType: 'desktop' | 'web' | 'cli' | 'bot' | 'android' | 'ios';
  clientName: string;
  /** The network's data retention bot (signs in by bot name at /v1/bots/retention/*). */
  retentionBot?: boolean;
}

export interface Me {
  member: Member;
  deviceId: string;
  policy: Policy;
}

/** A readable source of bytes (a file on disk, a browser Blob, bytes in memory). */
export interface FileSource {
  size: number;
  /** Stable identity for resuming an interrupted upload (e.g. path + size + mtime). */
  resumeId?: string;
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** Where downloaded plaintext goes; abort() discards everything written. */
export interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** The subset of the WebSocket API the SDK uses (browser WebSocket and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** Platform hooks: Node passes `nodePlatform()` from '@enclave/client/node'. */
export interface Platform {
  createWebSocket?: (url: string) => WebSocketLike;
  /** Opens a file by path (Node): lets sendFile take a path. */
  openFile?: (path: string) => Promise<FileSource>;
  /** An incremental SHA-256 from the platform (Node: node:crypto, ~10x the pure-JS speed); else @noble/hashes. */
  sha256?: () => { update(data: Uint8Array): void; digest(): Uint8Array };
}

export interface Progress {
  bytes: number;
  total: number;
}
