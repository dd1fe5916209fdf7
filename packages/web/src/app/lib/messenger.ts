// The messenger's state around one signed-in EnclaveClient: conversations, the decrypted messages kept
// on this device, unread counts and last activity, read receipts, presence, messages being sent (with
// retry), the lock, the consent pop-up and the connection. React reads it with useMessenger (hooks/).
// Plaintext lives only here (memory) and in the SDK's encrypted store.
import { isEnclaveError, type EnclaveClient, type Message } from '@enclave/client';
import type { Conversation, Policy } from '@enclave/protocol';
import { appLog, blobSource } from './session';

export type Presence = 'online' | 'away' | 'offline';

export interface Outgoing {
  key: string;
  conv: string;
  text?: string;
  file?: { name: string; size: number };
  location?: { latitude: number; longitude: number };
  /** Bytes uploaded so far (files). */
  progress?: number;
  state: 'sending' | 'failed';
  error?: { code: string; message: string };
  send: () => Promise<Message>;
}

export interface MessengerState {
  policy: Policy;
  conversations: Conversation[];
  loaded: boolean;
  messages: Record<string, Message[]>;
  pending: Record<string, Outgoing[]>;
  unread: Record<string, number>;
  lastActivity: Record<string, number>;
  /** Outgoing message IDs the peer has read (1:1 receipts; kept by the SDK as the message's readAt). */
  readBy: Record<string, true>;
  presence: Record<number, Presence>;
  connection: 'connecting' | 'ready' | 'reconnecting' | 'closed';
  locked?: 'resume' | 'session_timeout' | 'idle';
  consent?: NonNullable<Policy['consentPopup']>;
  /** The server ended the session for good (suspended, device reset, expired). */
  closed?: { code: string; message: string };
  /** A conversation this account was removed from while it was open. */
  removedFrom?: string;
  /** Last error of a background operation (shown as a status message). */
  notice?: { code: string; message: string };
}

const SEEN_PREFIX = 'enclave.app.seen.';

/** Where earlier versions kept read message IDs (now in the SDK's encrypted store): removed on start. */
const LEGACY_READ_PREFIX = 'enclave.app.read.';

export class Messenger {
  private state: MessengerState;
  private listeners = new Set<() => void>();
  private unsubs: (() => void)[] = [];
  private openConv?: string;
  private seen: Record<string, number>;
  private outKey = 0;

  constructor(readonly client: EnclaveClient) {
    this.seen = this.loadSeen();
    this.state = {
      policy: client.policy,
      conversations: [],
      loaded: false,
      messages: {},
      pending: {},
      unread: {},
      lastActivity: {},
      readBy: {},
      presence: {},
      connection: 'connecting',
      ...(client.consentRequired ? { consent: client.consentRequired } : {}),
      ...(client.locked ? { locked: 'session_timeout' as const } : {}),
    };
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  get = () => this.state;

  private set(patch: Partial<MessengerState> | ((s: MessengerState) => Partial<MessengerState>)) {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
  }

  // ---- seen positions (metadata only: conversation ID → last sequence seen) ------------------
  private loadSeen(): Record<string, number> {
    try {
      return JSON.parse(localStorage.getItem(SEEN_PREFIX + this.client.userId) ?? '{}') as Record<string, number>;
    } catch {
      return {};
    }
  }
  private saveSeen() {
    try {
      localStorage.setItem(SEEN_PREFIX + this.client.userId, JSON.stringify(this.seen));
    } catch {
      // no storage
    }
  }

  private dropLegacyRead() {
    try {
      localStorage.removeItem(LEGACY_READ_PREFIX + this.client.userId);
    } catch {
      // no storage
    }
  }

  private unreadOf(conv: string, list: Message[]): number {
    const seen = this.seen[conv] ?? 0;
    return list.filter((m) => !m.outgoing && m.seq > seen).length;
  }

  // ---- lifecycle ----------------------------------------------------------------------------
  async start(): Promise<void> {
    const c = this.client;
    this.dropLegacyRead();
    this.unsubs.push(
      c.on('message', (m) => this.onMessage(m)),
      c.on('edited', (e) => this.patchMessage(e.conv, e.messageId, (m) => ({ ...m, text: e.text, edited: e.edited }))),
      c.on('deleted', (e) => this.dropMessages(e.conv, [e.messageId])),
      c.on('burned', (e) => this.dropMessages(e.conv, [e.messageId])),
      c.on('expired', (e) => this.dropMessages(e.conv, e.messageIds)),
      c.on('receipt', (r) => this.onReceipt(r.conv, r.messageIds)),
      c.on('conversation', (conv) => this.upsertConversation(conv)),
      c.on('removed', (e) => this.onRemoved(e.conv)),
      c.on('policy', (p) => this.set({ policy: p })),
      c.on('presence', (p) => this.set((s) => ({ presence: { ...s.presence, [p.userId]: p.state } }))),
      c.on('locked', (l) => this.set({ locked: l.reason })),
      c.on('unlocked', () => {
        this.set({ locked: undefined });
        void this.markOpenRead();
      }),
      c.on('consent', (popup) => this.set({ consent: popup })),
      c.on('connection', (e) => {
        this.set({ connection: e.state });
        if (e.state === 'ready') void this.retryFailed();
      }),
      c.on('closed', (e) => this.set({ closed: e, connection: 'closed' })),
      c.on('system', (e) => {
        if (['members_added', 'members_removed', 'left', 'updated', 'moderators_changed'].includes(e.event.event)) void this.refreshConversation(e.conv);
      }),
    );
    if (!c.locked && !c.consentRequired) await this.load();
    try {
      await c.connect();
    } catch (err) {
      this.set({ connection: 'reconnecting', notice: errorInfo(err) });
    }
  }

  /** Loads conversations and their stored messages (needs the client unlocked and consent given). */
  async load(): Promise<void> {
    const c = this.client;
    const conversations = await c.conversations();
    const messages: Record<string, Message[]> = {};
    const unread: Record<string, number> = {};
    const lastActivity: Record<string, number> = {};
    const readBy: Record<string, true> = {};
    for (const conv of conversations) {
      const list = sortMessages(await c.messages(conv.id));
      messages[conv.id] = list;
      for (const m of list) if (m.readAt !== undefined) readBy[m.id] = true;
      unread[conv.id] = this.unreadOf(conv.id, list);
      lastActivity[conv.id] = Math.max(conv.createdAt, ...list.map((m) => m.receivedAt));
    }
    this.set((s) => ({
      conversations,
      loaded: true,
      readBy: { ...readBy, ...s.readBy },
      messages: mergeMessages(messages, s.messages),
      unread: { ...unread, ...pick(s.unread, Object.keys(s.messages)) },
      lastActivity: { ...lastActivity, ...pick(s.lastActivity, Object.keys(s.messages)) },
    }));
    await this.markOpenRead();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubs) u();
    this.unsubs = [];
    await this.client.close().catch(() => undefined);
  }

  // ---- consent and lock --------------------------------------------------------------------
  async acceptConsent(): Promise<void> {
    await this.client.acceptConsent(this.state.consent?.version);
    this.set({ consent: undefined });
    if (!this.state.loaded) await this.load();
    else await this.markOpenRead();
  }

  async unlock(password: string): Promise<void> {
    await this.client.unlock(password);
    this.set({ locked: undefined });
    if (!this.state.loaded) await this.load();
  }

  get usable(): boolean {
    return !this.state.locked && !this.state.consent && !this.state.closed;
  }

  // ---- conversations -----------------------------------------------------------------------
  private upsertConversation(conv: Conversation) {
    this.set((s) => {
      const exists = s.conversations.some((c) => c.id === conv.id);
      return {
        conversations: exists ? s.conversations.map((c) => (c.id === conv.id ? conv : c)) : [...s.conversations, conv],
        lastActivity: { ...s.lastActivity, [conv.id]: s.lastActivity[conv.id] ?? conv.createdAt },
      };
    });
  }

  async refreshConversation(id: string): Promise<void> {
    try {
      this.upsertConversation(await this.client.conversation(id));
    } catch (err) {
      if (isEnclaveError(err, 'not_member') || isEnclaveError(err, 'not_found')) this.forget(id);
    }
  }

  private forget(id: string) {
    this.set((s) => ({
      conversations: s.conversations.filter((c) => c.id !== id),
      messages: omit(s.messages, id),
      unread: omit(s.unread, id),
      pending: omit(s.pending, id),
    }));
  }

  private onRemoved(id: string) {
    this.forget(id);
    if (this.openConv === id) this.set({ removedFrom: id });
  }

  dismissRemoved() {
    this.set({ removedFrom: undefined });
  }
  dismissNotice() {
    this.set({ notice: undefined });
  }

  /** A conversation created or opened here (DM, room): known at once, without waiting for the socket. */
  adopt(conv: Conversation) {
    this.upsertConversation(conv);
    this.set((s) => ({ messages: s.messages[conv.id] ? s.messages : { ...s.messages, [conv.id]: [] } }));
  }

  async leave(id: string) {
    await this.client.leave(id);
    this.forget(id);
  }

  async remove(id: string) {
    await this.client.deleteConversation(id);
    this.forget(id);
  }

  // ---- messages ----------------------------------------------------------------------------
  private onMessage(m: Message) {
    const isOpen = this.openConv === m.conv && document.visibilityState === 'visible';
    this.set((s) => {
      const list = s.messages[m.conv] ?? [];
      if (list.some((x) => x.id === m.id)) return {};
      return {
        messages: { ...s.messages, [m.conv]: sortMessages([...list, m]) },
        lastActivity: { ...s.lastActivity, [m.conv]: Math.max(s.lastActivity[m.conv] ?? 0, m.receivedAt) },
        unread: { ...s.unread, [m.conv]: (s.unread[m.conv] ?? 0) + (m.outgoing || isOpen ? 0 : 1) },
      };
    });
    if (!this.state.conversations.some((c) => c.id === m.conv)) void this.refreshConversation(m.conv);
    if (isOpen) void this.markOpenRead();
  }

  private patchMessage(conv: string, id: string, f: (m: Message) => Message) {
    this.set((s) => {
      const list = s.messages[conv];
      if (!list) return {};
      return { messages: { ...s.messages, [conv]: list.map((m) => (m.id === id ? f(m) : m)) } };
    });
  }

  private dropMessages(conv: string, ids: string[]) {
    this.set((s) => {
      const list = s.messages[conv];
      if (!list) return {};
      const next = list.filter((m) => !ids.includes(m.id));
      return { messages: { ...s.messages, [conv]: next }, unread: { ...s.unread, [conv]: this.unreadOf(conv, next) } };
    });
  }

  private onReceipt(conv: string, ids: string[]) {
    const now = Date.now();
    this.set((s) => {
      const readBy = { ...s.readBy };
      for (const id of ids) readBy[id] = true;
      // The sender's copy of a burn-on-read message burns once the peer has read it (the SDK's timer).
      const list = s.messages[conv];
      const messages = list
        ? { ...s.messages, [conv]: list.map((m) => (m.outgoing && m.bor && m.burnAt === undefined && ids.includes(m.id) ? { ...m, burnAt: now + m.bor * 1000 } : m)) }
        : s.messages;
      return { readBy, messages };
    });
  }

  /** The conversation shown on screen (its messages are read: receipts, burn-on-read timers). */
  setOpen(conv: string | undefined) {
    this.openConv = conv;
    if (conv) void this.markOpenRead();
  }

  private reading = false;
  private async markOpenRead(): Promise<void> {
    const conv = this.openConv;
    if (!conv || !this.usable || this.reading || document.visibilityState !== 'visible') return;
    this.reading = true;
    try {
      const list = this.state.messages[conv] ?? [];
      const seen = this.seen[conv] ?? 0;
      for (const m of list.filter((x) => !x.outgoing && (x.seq > seen || (x.bor && x.burnAt === undefined)))) {
        const read = await this.client.read(conv, m.id);
        if (read) this.patchMessage(conv, m.id, () => read);
      }
      const max = Math.max(seen, ...list.map((m) => m.seq));
      this.seen[conv] = max;
      this.saveSeen();
      this.set((s) => ({ unread: { ...s.unread, [conv]: 0 } }));
    } catch (err) {
      if (!isEnclaveError(err, 'reauthentication_required') && !isEnclaveError(err, 'consent_required')) this.set({ notice: errorInfo(err) });
    } finally {
      this.reading = false;
    }
    // Messages that arrived while reading.
    const list = this.state.messages[conv] ?? [];
    if (list.some((x) => !x.outgoing && x.seq > (this.seen[conv] ?? 0))) void this.markOpenRead();
  }

  private queue(conv: string, o: Omit<Outgoing, 'key' | 'conv' | 'state'>): Outgoing {
    const item: Outgoing = { key: `out-${++this.outKey}`, conv, state: 'sending', ...o };
    this.set((s) => ({ pending: { ...s.pending, [conv]: [...(s.pending[conv] ?? []), item] } }));
    return item;
  }

  private updatePending(item: Outgoing, patch: Partial<Outgoing> | null) {
    this.set((s) => {
      const list = s.pending[item.conv] ?? [];
      return { pending: { ...s.pending, [item.conv]: patch === null ? list.filter((x) => x.key !== item.key) : list.map((x) => (x.key === item.key ? { ...x, ...patch } : x)) } };
    });
  }

  private async run(item: Outgoing): Promise<void> {
    this.updatePending(item, { state: 'sending' });
    this.client.activity();
    try {
      const m = await item.send();
      this.updatePending(item, null);
      this.set((s) => {
        const list = s.messages[m.conv] ?? [];
        return {
          messages: { ...s.messages, [m.conv]: sortMessages([...list.filter((x) => x.id !== m.id), m]) },
          lastActivity: { ...s.lastActivity, [m.conv]: Math.max(s.lastActivity[m.conv] ?? 0, m.receivedAt) },
        };
      });
    } catch (err) {
      appLog('app.send_failed', { code: errorInfo(err).code });
      this.updatePending(item, { state: 'failed', error: errorInfo(err) });
    }
  }

  /** Sends again every message that failed (called when the connection is back). */
  private async retryFailed() {
    for (const list of Object.values(this.state.pending)) for (const item of list) if (item.state === 'failed' && item.error?.code === 'unable_to_connect') void this.run(item);
  }

  retry(item: Outgoing) {
    void this.run(item);
  }
  discard(item: Outgoing) {
    this.updatePending(item, null);
  }

  sendText(conv: string, text: string, o: { replyTo?: string; ttl?: number; bor?: number } = {}) {
    const item = this.queue(conv, { text, send: () => this.client.sendText(conv, text, o) });
    void this.run(item);
  }

  /** Shares a position (only while the security group allows location sharing; the SDK refuses otherwise). */
  sendLocation(conv: string, latitude: number, longitude: number, o: { accuracy?: number; ttl?: number; bor?: number } = {}) {
    const item = this.queue(conv, { location: { latitude, longitude }, send: () => this.client.sendLocation(conv, latitude, longitude, o) });
    void this.run(item);
  }

  sendFile(conv: string, file: File, o: { ttl?: number; bor?: number } = {}) {
    const item: Outgoing = this.queue(conv, {
      file: { name: file.name, size: file.size },
      progress: 0,
      send: () =>
        this.client.sendFile(conv, blobSource(file), {
          name: file.name,
          mime: file.type || 'application/octet-stream',
          ...o,
          onProgress: (p) => this.updatePending(item, { progress: p.bytes }),
        }),
    });
    void this.run(item);
  }

  async edit(conv: string, id: string, text: string) {
    await this.client.edit(conv, id, text);
    this.patchMessage(conv, id, (m) => ({ ...m, text, edited: Date.now() }));
  }

  async deleteForEveryone(conv: string, id: string) {
    await this.client.deleteForEveryone(conv, id);
    this.dropMessages(conv, [id]);
  }

  async forward(to: string, m: Message) {
    const sent = await this.client.forward(to, m);
    this.set((s) => ({ messages: { ...s.messages, [to]: sortMessages([...(s.messages[to] ?? []), sent]) }, lastActivity: { ...s.lastActivity, [to]: sent.receivedAt } }));
  }
}

/** An error as the messenger shows it: the server's or SDK's code, a message, and what goes with it. */
export type ErrorInfo = { code: string; message: string; lockedUntil?: number; details?: { field: string; reason: string }[] };

export function errorInfo(err: unknown): ErrorInfo {
  const e = err as { code?: string; message?: string; lockedUntil?: number; details?: { field: string; reason: string }[] };
  return {
    code: typeof e?.code === 'string' ? e.code : 'internal',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(e?.lockedUntil !== undefined ? { lockedUntil: e.lockedUntil } : {}),
    ...(e?.details ? { details: e.details } : {}),
  };
}

function sortMessages(list: Message[]): Message[] {
  return [...list].sort((a, b) => a.seq - b.seq || a.receivedAt - b.receivedAt);
}

function mergeMessages(loaded: Record<string, Message[]>, live: Record<string, Message[]>): Record<string, Message[]> {
  const out = { ...loaded };
  for (const [conv, list] of Object.entries(live)) {
    const base = out[conv] ?? [];
    out[conv] = sortMessages([...base, ...list.filter((m) => !base.some((b) => b.id === m.id))]);
  }
  return out;
}

function omit<T>(r: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = r;
  return rest;
}

function pick<T>(r: Record<string, T>, keys: string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of keys) if (k in r) out[k] = r[k]!;
  return out;
}
