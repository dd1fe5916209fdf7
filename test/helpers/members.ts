// Test helpers for the messaging plane at the wire level (no SDK): invite a member through the admin
// API, register a device with real keys from @enclave/protocol, call the client REST API, and hold a
// raw WebSocket that records every frame. Tests of the SDK live in test/client.
import WebSocket from 'ws';
import {
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  publicSignedPrekey,
  signDetached,
  toBase64Url,
  utf8Encode,
  type IdentityKeyPair,
  type NewDevice,
  type ServerFrame,
  type SessionResponse,
} from '../../packages/protocol/src/index.js';
import type { TestServer } from './harness.js';

export const GOOD_PASSWORD = 'Correct-Horse-9-battery';

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(t: Pick<TestServer, 'url'>, method: string, path: string, token?: string, body?: unknown): Promise<ApiResult<T>> {
  const res = await fetch(t.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export async function invite(t: Pick<TestServer, 'client'>, networkId: string, email: string, groupId?: string, extra: Record<string, unknown> = {}): Promise<{ userId: number; inviteCode: string }> {
  const groups = groupId ? [groupId] : [(await t.client.call<{ securityGroups: { id: string; isDefault: boolean }[] }>('ListSecurityGroups', { networkId })).securityGroups.find((g) => g.isDefault)!.id];
  const r = await t.client.call<{ successful: { userId: string; inviteCode: string }[]; failed: unknown[] }>('BatchCreateUser', { networkId, users: [{ username: email, securityGroupIds: groups, ...extra }] });
  if (r.failed.length > 0) throw new Error(`invite failed: ${JSON.stringify(r.failed)}`);
  return { userId: Number(r.successful[0]!.userId), inviteCode: r.successful[0]!.inviteCode };
}

export interface DeviceSecrets {
  identity: IdentityKeyPair;
  wire: NewDevice;
}

export function newDevice(type: NewDevice['type'] = 'cli', otpks = 5): DeviceSecrets {
  const identity = generateIdentity();
  const spk = generateSignedPrekey(identity, 1);
  const pub = publicSignedPrekey(spk);
  const one = generateOneTimePrekeys(1, otpks);
  return {
    identity,
    wire: {
      type,
      client: 'enclave-test/1',
      keys: {
        identitySignPub: toBase64Url(identity.signPub),
        identityDhPub: toBase64Url(identity.dhPub),
        signedPrekey: { id: pub.id, dhPub: toBase64Url(pub.dhPub), kemPublic: toBase64Url(pub.kemPublic), signature: toBase64Url(pub.signature) },
        oneTimePrekeys: one.map((k) => ({ id: k.id, dhPub: toBase64Url(k.dhPub) })),
      },
    },
  };
}

export interface TestMember {
  email: string;
  userId: number;
  networkId: string;
  token: string;
  deviceId: string;
  device: DeviceSecrets;
  session: SessionResponse;
}

export async function registerMember(t: Pick<TestServer, 'url' | 'client'>, networkId: string, email: string, opts: { groupId?: string; password?: string } = {}): Promise<TestMember> {
  const { inviteCode } = await invite(t, networkId, email, opts.groupId);
  const device = newDevice();
  const r = await api<SessionResponse>(t, 'POST', '/v1/accounts/register', undefined, { email, inviteCode, password: opts.password ?? GOOD_PASSWORD, device: device.wire });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { email, userId: r.body.userId, networkId, token: r.body.token, deviceId: r.body.deviceId, device, session: r.body };
}

/** Signs in again on a new device of the same account. */
export async function addDevice(t: Pick<TestServer, 'url'>, m: Pick<TestMember, 'email'>, password = GOOD_PASSWORD): Promise<{ token: string; deviceId: string; device: DeviceSecrets; session: SessionResponse; status: number }> {
  const device = newDevice();
  const r = await api<SessionResponse>(t, 'POST', '/v1/accounts/login', undefined, { email: m.email, password, device: device.wire });
  return { token: r.body.token, deviceId: r.body.deviceId, device, session: r.body, status: r.status };
}

export function loginSignature(identity: IdentityKeyPair, deviceId: string, timestamp: number): string {
  return toBase64Url(signDetached(identity, 'enclave-login-v1', utf8Encode(`${deviceId}|${timestamp}`)));
}

/** A raw WebSocket that records every server frame. */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  closedWith: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closedWith = { code, reason: String(reason) };
      this.wake();
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async open(t: Pick<TestServer, 'url'>, token?: string): Promise<RawSocket> {
    const ws = new WebSocket(t.url.replace(/^http/, 'ws') + '/v1/socket');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const s = new RawSocket(ws);
    if (token) {
      s.send({ t: 'hello', token });
      await s.next((f) => f.t === 'ready' || f.t === 'error');
    }
    return s;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first recorded frame (from `from` on) matching, waiting up to `ms`. */
  async next<F extends ServerFrame = ServerFrame>(match: (f: ServerFrame) => boolean, ms = 5000, from = 0): Promise<F> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found as F;
      if (this.closedWith) throw new Error(`socket closed (${this.closedWith.code} ${this.closedWith.reason}) before a matching frame; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${ms} ms; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the server has handled every frame sent so far (frames are handled in order). */
  async sync(): Promise<void> {
    const req = `sync${Math.random().toString(36).slice(2)}`;
    this.send({ t: 'ping', req });
    await this.next((f) => f.t === 'pong' && f.req === req);
  }

  async closed(ms = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms;
    while (!this.closedWith) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closedWith;
  }

  close(): void {
    this.ws.close();
  }
}
