// The delivery hub of one node: the sockets this node holds, which conversations each follows and how
// far each has been sent, and the bus subscriptions that tell it a conversation advanced, members
// changed, an administrator changed a network (its policy, or its classification boundary or local
// federation settings: the conversations with its members are sent again, marked per viewer), a member changed their name
// (their conversations are sent again), or an account changed. Reads ciphertext records from
// the database (the bus carries only "conversation X advanced", never payloads) and writes them to
// sockets in sequence order per conversation. Never decrypts anything. Also the publisher of the
// member plane's domain events (publish): each becomes the bus event every node's hub acts on.
import type { Kysely } from 'kysely';
import type { Policy, ServerFrame } from '@enclave/protocol';
import type { Bus } from './bus/index.js';
import { inTransaction, readTx, type ReadTx } from '../infra/db.js';
import type { Database } from '../infra/schema.js';
import { conversationIdsWithMembersOf, findCursor, listCursors, memberConversationIds } from '../domain/conversations/repo.js';
import { partsFor, recordsAfter } from '../domain/messages/repo.js';
import { hiddenFrom, toDelivered } from '../domain/messages/rules.js';
import { isRetentionBot } from '../domain/retention/rules.js';
import type { DomainEvent } from '../kernel/events.js';
import { MessagingError } from '../kernel/member-errors.js';
import { getConversation } from '../usecases/member/conversations.js';
import { markConversation, networkMarks } from '../usecases/member/federation.js';
import { authenticateMember, type Member } from '../usecases/member/member-auth.js';
import { advanceCursors, type SendResult } from '../usecases/member/messages.js';
import { policyFor } from '../usecases/member/policy.js';

/** A socket's send buffer above this means the client cannot keep up: it is closed and catches up on reconnect. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const PAGE = 1000;
/**
 * Flow control: at most this many sequence numbers delivered and not yet acknowledged per
 * conversation, and in all on one connection. A receiver that falls behind (a retention bot
 * catching up on a backlog) gets more as its acknowledgements arrive instead of a socket buffer
 * that grows until the connection must be closed. 2,000 frames keep a receiver archiving 3,000
 * messages/s busy (its acknowledgements come every ~10 ms) and bound what waits in its memory.
 */
export const CONV_WINDOW = 1000;
export const CONN_WINDOW = 2000;

export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

export class Connection {
  /** conversation → highest sequence written to this socket. */
  readonly convs = new Map<string, number>();
  /** conversation → sequence numbers written to this socket and not yet acknowledged, ascending. */
  readonly unacked = new Map<string, number[]>();
  /** Frames written and not yet acknowledged, over all conversations: the window in use. */
  inFlight = 0;
  /** Conversations whose delivery stopped at a window; resumed by acknowledgements. */
  readonly starved = new Set<string>();
  closed = false;
  constructor(
    readonly socket: SocketLike,
    readonly member: Member,
    readonly token: string,
    public policy: Policy,
  ) {}

  send(frame: ServerFrame | string): void {
    if (this.closed) return;
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
}

export interface HubOptions {
  db: Kysely<Database>;
  bus: Bus;
  now: () => number;
  log: { error(obj: unknown, msg?: string): void; debug?(obj: unknown, msg?: string): void };
  /** How often coalesced acknowledgements are written (ms). */
  ackFlushMs?: number;
  /** The server's region (the default classification boundary: conversations are marked per viewer). */
  region?: string;
}

export class Hub {
  private readonly conns = new Set<Connection>();
  private readonly byConv = new Map<string, Set<Connection>>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pendingAcks = new Map<string, { deviceId: string; convId: string; seq: number }>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  /** Re-checks started by bus events; stop() waits for them so none runs against a closed database. */
  private readonly rechecks = new Set<Promise<void>>();
  /** What of each network marks conversations (boundary, federation) as last seen: a change re-marks them. */
  private readonly marks = new Map<string, string>();
  private stopped = false;
  /** The store as a read handle. */
  private readonly read: ReadTx;

  constructor(private readonly o: HubOptions) {
    const { bus } = o;
    this.read = readTx(o.db);
    this.unsubscribe.push(
      bus.subscribe('conv.*', (subject) => this.enqueue(subject.slice(5), () => this.deliver(subject.slice(5)))),
      bus.subscribe('members.*', (subject, e) => this.enqueue(subject.slice(8), () => this.onMembers(subject.slice(8), e as MembersEvent))),
      bus.subscribe('expired.*', (subject, e) => this.onExpired(subject.slice(8), e as { messageIds: string[] })),
      bus.subscribe('admin.*', (subject) => {
        this.startRecheck((c) => c.member.networkId === subject.slice(6));
        this.startBackground(() => this.onNetworkMarks(subject.slice(6)));
      }),
      bus.subscribe('profile.*', (subject, e) => this.startBackground(() => this.onProfile(Number(subject.slice(8)), (e as { networkId: string }).networkId))),
      bus.subscribe('account.*.*', (subject) => {
        const [, networkId, userId] = subject.split('.');
        this.startRecheck((c) => c.member.networkId === networkId && String(c.member.userId) === userId);
      }),
      bus.subscribe('presence.*', (subject, e) => this.onPresence(subject.slice(9), e as { userId: number; state: 'online' | 'away' | 'offline' })),
    );
    this.timer = setInterval(() => void this.flushAcks(), o.ackFlushMs ?? 1000);
    this.timer.unref();
  }

  get size(): number {
    return this.conns.size;
  }

  /** Serializes work per conversation so records reach each socket in order. */
  private enqueue(convId: string, work: () => Promise<void>): void {
    if (this.stopped) return;
    const prev = this.chains.get(convId) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => this.o.log.error({ err, convId }, 'delivery failed'));
    this.chains.set(convId, next);
    void next.then(() => {
      if (this.chains.get(convId) === next) this.chains.delete(convId);
    });
  }

  /** Registers a signed-in socket and starts its catch-up from the device's cursors. */
  async attach(conn: Connection): Promise<void> {
    this.conns.add(conn);
    const cursors = await listCursors(this.read, conn.member.deviceId);
    for (const c of cursors) this.follow(conn, c.conv_id, c.seq);
    if (conn.policy.presenceEnabled) void this.o.bus.publish(`presence.${conn.member.networkId}`, { userId: conn.member.userId, state: 'online' });
  }

  private follow(conn: Connection, convId: string, from: number): void {
    this.track(conn, convId, from);
    this.enqueue(convId, () => this.deliver(convId));
  }

  /** Records that `conn` follows `convId` from position `from` (delivery is the caller's). */
  private track(conn: Connection, convId: string, from: number): void {
    this.forget(conn, convId);
    conn.convs.set(convId, from);
    let set = this.byConv.get(convId);
    if (!set) this.byConv.set(convId, (set = new Set()));
    set.add(conn);
  }

  /** Drops a conversation's share of the connection's window. */
  private forget(conn: Connection, convId: string): void {
    conn.inFlight -= conn.unacked.get(convId)?.length ?? 0;
    conn.unacked.delete(convId);
    conn.starved.delete(convId);
  }

  private unfollow(conn: Connection, convId: string): void {
    this.forget(conn, convId);
    conn.convs.delete(convId);
    const set = this.byConv.get(convId);
    set?.delete(conn);
    if (set && set.size === 0) this.byConv.delete(convId);
  }

  detach(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    conn.closed = true;
    for (const convId of [...conn.convs.keys()]) this.unfollow(conn, convId);
    if (conn.policy.presenceEnabled && ![...this.conns].some((c) => c.member.userId === conn.member.userId && c.member.networkId === conn.member.networkId)) {
      void this.o.bus.publish(`presence.${conn.member.networkId}`, { userId: conn.member.userId, state: 'offline' });
    }
  }

  presence(conn: Connection, state: 'online' | 'away'): void {
    void this.o.bus.publish(`presence.${conn.member.networkId}`, { userId: conn.member.userId, state });
  }

  private readonly toAnnounce = new Map<string, number>();
  private announcing = false;

  /**
   * Announces a committed record to every node. Announcements are coalesced per conversation (one
   * event carries the highest sequence of a burst), since a node reads from its own position anyway.
   */
  async committed(convId: string, result: Pick<SendResult, 'seq'>): Promise<void> {
    this.toAnnounce.set(convId, Math.max(this.toAnnounce.get(convId) ?? 0, result.seq));
    if (this.announcing) return;
    this.announcing = true;
    await new Promise((r) => setImmediate(r));
    const batch = [...this.toAnnounce];
    this.toAnnounce.clear();
    this.announcing = false;
    await Promise.all(batch.map(([conv, seq]) => this.o.bus.publish(`conv.${conv}`, { seq })));
  }

  /**
   * Announces the member plane's committed domain events to every node: records (coalesced as
   * committed() does) and account changes without waiting; membership and profile changes and
   * expiries awaited, so a caller answers only once they are out (their failure is the caller's).
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      switch (e.type) {
        case 'records-added':
          for (const r of e.records) void this.committed(r.convId, r).catch((err: unknown) => this.o.log.error({ err }, 'could not announce a record'));
          break;
        case 'account-changed':
          void this.o.bus.publish(`account.${e.networkId}.${e.userId}`, {}).catch((err: unknown) => this.o.log.error({ err }, 'could not announce an account change'));
          break;
        case 'members-changed':
          await this.o.bus.publish(`members.${e.convId}`, { networkId: e.networkId, added: e.added, removed: e.removed, deleted: e.deleted } satisfies MembersEvent);
          if (e.seq !== undefined) await this.o.bus.publish(`conv.${e.convId}`, { seq: e.seq });
          break;
        case 'profile-changed':
          await this.profileChanged(e);
          break;
        case 'messages-expired':
          await this.o.bus.publish(`expired.${e.convId}`, { messageIds: e.messageIds });
          break;
        case 'network-changed':
          // The admin API's: announced by the messaging plane's adminChanged (messaging.ts).
          break;
      }
    }
  }

  ack(conn: Connection, convId: string, seq: number): void {
    const sent = conn.convs.get(convId);
    if (sent === undefined) return;
    const upTo = Math.min(seq, sent);
    const key = `${conn.member.deviceId}\0${convId}`;
    const prior = this.pendingAcks.get(key);
    if (!prior || prior.seq < upTo) this.pendingAcks.set(key, { deviceId: conn.member.deviceId, convId, seq: upTo });
    const q = conn.unacked.get(convId);
    if (q && q.length > 0 && q[0]! <= upTo) {
      let n = 0;
      while (n < q.length && q[n]! <= upTo) n++;
      q.splice(0, n);
      conn.inFlight -= n;
    }
    // Resume what the window held back, once half of it is free again.
    if (conn.starved.size > 0 && conn.inFlight <= CONN_WINDOW / 2) {
      const resume = [...conn.starved].filter((c) => (conn.unacked.get(c)?.length ?? 0) <= CONV_WINDOW / 2);
      for (const c of resume) {
        conn.starved.delete(c);
        this.enqueue(c, () => this.deliver(c));
      }
    }
  }

  async flushAcks(): Promise<void> {
    if (this.pendingAcks.size === 0) return;
    const entries = [...this.pendingAcks.values()];
    this.pendingAcks.clear();
    try {
      await inTransaction(this.o.db, (tx) => advanceCursors(tx, entries));
    } catch (err) {
      for (const e of entries) {
        const key = `${e.deviceId}\0${e.convId}`;
        const now = this.pendingAcks.get(key);
        if (!now || now.seq < e.seq) this.pendingAcks.set(key, e);
      }
      this.o.log.error({ err }, 'could not write acknowledgements; retrying');
    }
  }

  /**
   * Writes every record after each follower's position to it, in order, reading each page once, as
   * far as each follower's flow-control window allows (the rest follows its acknowledgements).
   */
  private async deliver(convId: string): Promise<void> {
    for (;;) {
      const followers = [...(this.byConv.get(convId) ?? [])].filter((c) => !c.closed && !c.starved.has(convId));
      if (followers.length === 0) return;
      const from = Math.min(...followers.map((c) => c.convs.get(convId) ?? Number.MAX_SAFE_INTEGER));
      const rows = await recordsAfter(this.read, convId, from, PAGE);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!.seq;
      const pwSeqs = rows.filter((r) => r.kind === 'pw').map((r) => r.seq);
      const parts = new Map<string, string>();
      if (pwSeqs.length > 0) {
        const devices = [...new Set(followers.map((c) => c.member.deviceId))];
        const found = await partsFor(this.read, convId, from, last, devices);
        for (const p of found) parts.set(`${p.seq}\0${p.device_id}`, p.body);
      }
      const now = this.o.now();
      const shared = new Map<number, string>();
      for (const conn of followers) {
        const sent = conn.convs.get(convId);
        if (sent === undefined || conn.closed) continue;
        let unacked = conn.unacked.get(convId);
        if (!unacked) conn.unacked.set(convId, (unacked = []));
        let position = sent;
        const retention = isRetentionBot(conn.member);
        for (const r of rows) {
          if (r.seq <= sent) continue;
          if (unacked.length >= CONV_WINDOW || conn.inFlight >= CONN_WINDOW) {
            conn.starved.add(convId);
            break;
          }
          position = r.seq;
          if (hiddenFrom(r, now, retention)) continue;
          if (r.kind === 'sk' && r.sender_device_id === conn.member.deviceId) continue;
          let frame: string | undefined;
          if (r.kind === 'pw') {
            const part = parts.get(`${r.seq}\0${conn.member.deviceId}`);
            if (part === undefined) continue;
            frame = JSON.stringify({ t: 'msg', m: toDelivered(convId, { ...r, part }) } satisfies ServerFrame);
          } else {
            frame = shared.get(r.seq);
            if (frame === undefined) shared.set(r.seq, (frame = JSON.stringify({ t: 'msg', m: toDelivered(convId, { ...r, part: null }) } satisfies ServerFrame)));
          }
          conn.send(frame);
          unacked.push(r.seq);
          conn.inFlight++;
        }
        conn.convs.set(convId, position);
        if (conn.socket.bufferedAmount > MAX_BUFFERED_BYTES) this.close(conn, 'rate_limited', 'The connection cannot keep up; reconnect to continue.');
      }
      if (rows.length < PAGE) return;
    }
  }

  private async onMembers(convId: string, e: MembersEvent): Promise<void> {
    const removed = new Set(e.removed);
    // User IDs are unique across networks (members of other networks take part through federation).
    for (const conn of [...(this.byConv.get(convId) ?? [])]) {
      // A deleted conversation the retention device has not read to its end is retired, not gone: its
      // cursor is still there, and it goes on reading.
      if (e.deleted && isRetentionBot(conn.member) && (await findCursor(this.read, conn.member.deviceId, convId)) !== undefined) continue;
      if (e.deleted || (conn.member.userId !== 0 && removed.has(conn.member.userId))) {
        this.unfollow(conn, convId);
        conn.send({ t: 'removed', conv: convId });
      }
    }
    if (e.deleted) return;
    const added = new Set(e.added);
    // New members' devices (of any network), and retention bots (user 0: they follow every conversation
    // of their network while retention is on; the cursor says whether this one is theirs).
    const joining = [...this.conns].filter((c) => (added.has(c.member.userId) || c.member.userId === 0) && !c.convs.has(convId));
    for (const conn of joining) {
      const cursor = await findCursor(this.read, conn.member.deviceId, convId);
      if (cursor !== undefined) this.track(conn, convId, cursor);
    }
    await this.sendConversation(convId);
    await this.deliver(convId);
  }

  /** Sends a conversation's current state (members, names, marks) to the sockets following it here. */
  private async sendConversation(convId: string): Promise<void> {
    const followers = [...(this.byConv.get(convId) ?? [])];
    if (followers.length === 0) return;
    try {
      const conversation = await getConversation(this.read, followers[0]!.member, convId);
      // Marks depend on the viewer: external members and the boundary on the network, a federation
      // refusal on the member's own security group.
      const frames = new Map<string, string>();
      for (const conn of followers) {
        const viewer = `${conn.member.networkId}:${conn.member.userId}`;
        let frame = frames.get(viewer);
        if (frame === undefined) {
          const marked = await markConversation(this.read, this.o.region ?? 'us-east-1', conn.member, conversation);
          frames.set(viewer, (frame = JSON.stringify({ t: 'conversation', conversation: marked } satisfies ServerFrame)));
        }
        conn.send(frame);
      }
    } catch (err) {
      if (!(err instanceof MessagingError)) throw err;
    }
  }

  /** Sends again those of `convIds` that sockets of this node follow (in order with their records). */
  private refreshConversations(convIds: Iterable<string>): void {
    for (const convId of new Set(convIds)) if (this.byConv.has(convId)) this.enqueue(convId, () => this.sendConversation(convId));
  }

  /**
   * After an administrator's change of a network: when its classification boundary or the local
   * federation settings of its security groups changed (or are seen for the first time since this
   * node started), its members' conversations are sent again so every viewer's cross-boundary marks
   * and federation refusals follow at once, in any network.
   */
  private async onNetworkMarks(networkId: string): Promise<void> {
    const marks = await networkMarks(this.read, this.o.region ?? 'us-east-1', networkId);
    if (marks === undefined || this.marks.get(networkId) === marks) return;
    this.marks.set(networkId, marks);
    if (this.byConv.size === 0) return;
    this.refreshConversations(await conversationIdsWithMembersOf(this.read, networkId));
  }

  /** A member changed their name: their conversations are sent again (other members see it at once). */
  private async onProfile(userId: number, networkId: string): Promise<void> {
    if (this.byConv.size === 0 || !Number.isSafeInteger(userId)) return;
    this.refreshConversations(await memberConversationIds(this.read, networkId, userId));
  }

  /** Tells every node that a member changed their profile (PATCH /v1/me). */
  async profileChanged(member: Pick<Member, 'networkId' | 'userId'>): Promise<void> {
    await this.o.bus.publish(`profile.${member.userId}`, { networkId: member.networkId });
  }

  private onExpired(convId: string, e: { messageIds: string[] }): void {
    const frame = JSON.stringify({ t: 'expired', conv: convId, messageIds: e.messageIds } satisfies ServerFrame);
    for (const conn of this.byConv.get(convId) ?? []) conn.send(frame);
  }

  private onPresence(networkId: string, e: { userId: number; state: 'online' | 'away' | 'offline' }): void {
    const frame = JSON.stringify({ t: 'presence', userId: e.userId, state: e.state } satisfies ServerFrame);
    for (const conn of this.conns) {
      if (conn.member.networkId === networkId && conn.policy.presenceEnabled && conn.member.userId !== e.userId) conn.send(frame);
    }
  }

  /**
   * Re-checks sockets after an administrator or account change: a suspended or deleted user, a reset
   * device or an ended session is told why and disconnected; a changed policy is sent at once.
   */
  /** Runs bus-started work that stop() waits for (none runs against a closed database). */
  private startBackground(work: () => Promise<void>): void {
    if (this.stopped) return;
    const run: Promise<void> = work().catch((err: unknown) => this.o.log.error({ err }, 'could not refresh conversations')).finally(() => this.rechecks.delete(run));
    this.rechecks.add(run);
  }

  private startRecheck(match: (c: Connection) => boolean): void {
    if (this.stopped) return;
    const run: Promise<void> = this.recheck(match)
      .catch((err: unknown) => this.o.log.error({ err }, 'could not re-check connections'))
      .finally(() => this.rechecks.delete(run));
    this.rechecks.add(run);
  }

  private async recheck(match: (c: Connection) => boolean): Promise<void> {
    for (const conn of [...this.conns].filter(match)) {
      if (this.stopped || conn.closed) continue;
      try {
        await authenticateMember(this.read, conn.token, this.o.now());
      } catch (err) {
        if (err instanceof MessagingError) {
          this.close(conn, err.code, err.message);
          continue;
        }
        this.o.log.error({ err }, 'could not re-check a connection');
        continue;
      }
      const policy = await policyFor(this.read, conn.member.networkId, conn.member.userId);
      if (policy.version !== conn.policy.version) {
        conn.policy = policy;
        conn.send({ t: 'policy', policy });
      }
      const cursors = await listCursors(this.read, conn.member.deviceId);
      const now = new Set(cursors.map((c) => c.conv_id));
      for (const convId of [...conn.convs.keys()]) if (!now.has(convId)) this.enqueue(convId, async () => { this.unfollow(conn, convId); conn.send({ t: 'removed', conv: convId }); });
      for (const c of cursors) if (!conn.convs.has(c.conv_id)) this.follow(conn, c.conv_id, c.seq);
      // Records an administrator's change wrote (removals) reach the members still connected.
      for (const convId of conn.convs.keys()) this.enqueue(convId, () => this.deliver(convId));
    }
  }

  close(conn: Connection, code: string, message: string): void {
    if (conn.closed) return;
    conn.send({ t: 'closing', code, message });
    this.detach(conn);
    conn.socket.close(4000, code);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    await Promise.allSettled([...this.rechecks]);
    for (const conn of [...this.conns]) this.close(conn, 'unable_to_connect', 'The server is shutting down.');
    await Promise.allSettled([...this.chains.values()]);
    await this.flushAcks();
  }
}

export interface MembersEvent {
  networkId: string;
  added: number[];
  removed: number[];
  deleted: boolean;
}
