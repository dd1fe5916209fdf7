/**
 * socket.ts — owns the WebSocket connection: the `hello` frame with the session token, validation
 * of every server frame, reconnection with exponential backoff and jitter, keep-alive pings, and
 * the requests awaiting an answer (`send` → `sent`, `delete`/`receipt` → `ok`), which are resent
 * after a reconnect until answered (message IDs make resends idempotent). Carries ciphertext only;
 * never logs frame bodies or the token.
 */
import { PROTOCOL_VERSION, ServerFrame, type ClientFrame } from '@enclave/protocol';
import { EnclaveError, connectError } from './errors.js';
import type { Logger } from './logger.js';
import type { WebSocketLike } from './types.js';

/** `closing` codes after which reconnecting is pointless. */
const TERMINAL = new Set(['account_suspended', 'device_reset', 'session_expired', 'unauthorized', 'forbidden', 'device_approval_required', 'user_not_found']);

type Ready = Extract<ServerFrame, { t: 'ready' }>;
type Answer = Extract<ServerFrame, { t: 'sent' | 'ok' }>;
type RequestFrame = Extract<ClientFrame, { req: string }>;
type WithoutReq<T> = T extends unknown ? Omit<T, 'req'> & { req?: string } : never;

export interface SocketOptions {
  url: string;
  token: () => string | undefined;
  create: (url: string) => WebSocketLike;
  logger: Logger;
  /** Every frame except answers to requests, in arrival order. */
  onFrame: (frame: ServerFrame) => void;
  onState: (state: 'connecting' | 'ready' | 'reconnecting' | 'closed') => void;
  /** The server ended the connection for good (suspension, reset, session end). */
  onTerminal: (code: string, message: string) => void;
  pingMs?: number;
  maxBackoffMs?: number;
}

interface Pending {
  frame: RequestFrame;
  resolve: (f: Answer) => void;
  reject: (e: Error) => void;
}

export class Socket {
  private ws?: WebSocketLike;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private reqCounter = 0;
  private readonly pending = new Map<string, Pending>();
  private pingTimer?: ReturnType<typeof setInterval>;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private lastFrameAt = 0;
  private firstReady?: { resolve: (r: Ready) => void; reject: (e: Error) => void };

  constructor(private readonly opts: SocketOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Opens the connection; resolves on the first `ready`, rejects if the first attempt fails for good. */
  start(): Promise<Ready> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      this.firstReady = { resolve, reject };
      this.open();
    });
  }

  private open(): void {
    if (this.stopped) return;
    this.opts.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocketLike;
    try {
      ws = this.opts.create(this.opts.url);
    } catch {
      return this.scheduleReconnect();
    }
    this.ws = ws;
    ws.onopen = () => {
      const token = this.opts.token();
      if (!token) return ws.close(4001, 'no token');
      ws.send(JSON.stringify({ t: 'hello', token, protocol: PROTOCOL_VERSION }));
    };
    ws.onmessage = (ev) => this.onMessage(ws, ev.data);
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.ready = false;
      this.stopPing();
      this.opts.logger.log('info', 'socket.closed', { code: ev.code });
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  private onMessage(ws: WebSocketLike, data: unknown): void {
    this.lastFrameAt = Date.now();
    let frame: ServerFrame;
    try {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array);
      const parsed = ServerFrame.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error('invalid frame');
      frame = parsed.data;
    } catch {
      this.opts.logger.log('warn', 'socket.bad_frame', {});
      return;
    }
    switch (frame.t) {
      case 'ready':
        this.ready = true;
        this.attempt = 0;
        this.startPing(ws);
        this.opts.logger.log('info', 'socket.ready', { deviceId: frame.deviceId, pending: this.pending.size });
        this.opts.onState('ready');
        this.firstReady?.resolve(frame);
        this.firstReady = undefined;
        this.opts.onFrame(frame);
        for (const p of this.pending.values()) ws.send(JSON.stringify(p.frame));
        return;
      case 'sent':
      case 'ok': {
        const p = this.pending.get(frame.req);
        if (p) {
          this.pending.delete(frame.req);
          p.resolve(frame);
        }
        return;
      }
      case 'error': {
        const p = frame.req !== undefined ? this.pending.get(frame.req) : undefined;
        const err = new EnclaveError(frame.code, frame.message, frame.details ? { details: frame.details } : {});
        if (p && frame.req !== undefined) {
          this.pending.delete(frame.req);
          p.reject(err);
          return;
        }
        if (!this.ready && TERMINAL.has(frame.code)) return this.terminal(frame.code, frame.message);
        this.opts.onFrame(frame);
        return;
      }
      case 'closing':
        if (TERMINAL.has(frame.code)) return this.terminal(frame.code, frame.message);
        this.opts.onFrame(frame);
        return;
      case 'pong':
        return;
      default:
        this.opts.onFrame(frame);
    }
  }

  private terminal(code: string, message: string): void {
    this.opts.logger.log('warn', 'socket.terminal', { code });
    const err = new EnclaveError(code, message);
    this.firstReady?.reject(err);
    this.firstReady = undefined;
    this.stop(err);
    this.opts.onTerminal(code, message);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const base = Math.min(max, 250 * 2 ** Math.min(this.attempt, 10));
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    if (this.attempt === 1) this.opts.onState('reconnecting');
    this.opts.logger.log('info', 'socket.reconnect', { attempt: this.attempt, delayMs: Math.round(delay) });
    // The first connect gives up after a few attempts so callers see unable_to_connect.
    if (this.firstReady && this.attempt > 4) {
      this.firstReady.reject(connectError());
      this.firstReady = undefined;
    }
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private startPing(ws: WebSocketLike): void {
    this.stopPing();
    const every = this.opts.pingMs ?? 20_000;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > every * 2.5) {
        this.opts.logger.log('warn', 'socket.stale', {});
        ws.close(4000, 'stale');
        return;
      }
      if (ws.readyState === 1) ws.send(JSON.stringify({ t: 'ping' }));
    }, every);
    (this.pingTimer as { unref?: () => void }).unref?.();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  /** A request answered by `sent`/`ok`; kept and resent across reconnects until answered. */
  request(frame: WithoutReq<RequestFrame>): Promise<Answer> {
    if (this.stopped) return Promise.reject(connectError());
    const req = frame.req ?? `r${++this.reqCounter}-${Date.now().toString(36)}`;
    const full = { ...frame, req } as RequestFrame;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { frame: full, resolve, reject });
      if (this.ready && this.ws?.readyState === 1) this.ws.send(JSON.stringify(full));
    });
  }

  /** A frame without an answer (ack, presence); dropped when not connected. */
  send(frame: ClientFrame): boolean {
    if (!this.ready || this.ws?.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  stop(err: Error = connectError()): void {
    this.stopped = true;
    this.ready = false;
    this.stopPing();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closed */
      }
    }
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.opts.onState('closed');
  }
}
