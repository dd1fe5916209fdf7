// The WebSocket endpoint: a `hello` with the session token first (within 10 s), then sends, acks,
// deletions, receipts and presence. Every frame is validated; a bad frame gets an `error` with its
// request ID and changes nothing, and the connection stays usable. A `sent` answer is written only
// after the message is committed.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { WebSocket } from 'ws';
import type { Kysely } from 'kysely';
import { ClientFrame, MAX_FRAME_BYTES, type ServerFrame } from '@enclave/protocol';
import { readTx } from '../infra/db.js';
import type { Database } from '../infra/schema.js';
import { badRequestFrom, fail, MessagingError } from '../kernel/member-errors.js';
import { Connection, type Hub } from './hub.js';
import { authenticateMember } from '../usecases/member/member-auth.js';
import * as messages from '../usecases/member/messages.js';
import { policyFor } from '../usecases/member/policy.js';
import type { WriteQueue } from './write-queue.js';

const HELLO_TIMEOUT_MS = 10_000;

export interface SocketDeps {
  db: Kysely<Database>;
  hub: Hub;
  /** Group commit of sends, deletions and receipts. */
  writes: WriteQueue;
  now: () => number;
  log: { error(obj: unknown, msg?: string): void };
}

export function registerSocketRoute(app: FastifyInstance, d: SocketDeps): void {
  const read = readTx(d.db);
  app.get('/v1/socket', { websocket: true }, (socket: WebSocket) => {
    let conn: Connection | undefined;
    let closed = false;
    const raw = (frame: ServerFrame) => socket.send(JSON.stringify(frame));
    const refuse = (req: string | undefined, err: unknown) => {
      if (err instanceof MessagingError) {
        raw({ t: 'error', ...(req !== undefined ? { req } : {}), code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
        return;
      }
      d.log.error({ err }, 'socket frame failed');
      raw({ t: 'error', ...(req !== undefined ? { req } : {}), code: 'internal', message: 'An internal error occurred.' });
    };
    const helloTimer = setTimeout(() => {
      if (!conn) {
        raw({ t: 'closing', code: 'unauthorized', message: 'Sign in first.' });
        socket.close(4001, 'unauthorized');
      }
    }, HELLO_TIMEOUT_MS);
    helloTimer.unref();
    // Frames are handled one at a time, in order, so a send followed by an ack stays in that order.
    let chain = Promise.resolve();

    socket.on('message', (data, isBinary) => {
      chain = chain.then(() => handle(data as Buffer, isBinary)).catch((err: unknown) => d.log.error({ err }, 'socket frame failed'));
    });
    socket.on('close', () => {
      closed = true;
      clearTimeout(helloTimer);
      if (conn) d.hub.detach(conn);
    });
    socket.on('error', () => socket.terminate());

    const handle = async (data: Buffer, isBinary: boolean) => {
      if (closed) return;
      let req: string | undefined;
      try {
        if (isBinary || data.length > MAX_FRAME_BYTES) throw fail('bad_request', 'Frames are JSON text.');
        let json: unknown;
        try {
          json = JSON.parse(data.toString('utf8'));
        } catch {
          throw fail('bad_request', 'The frame is not valid JSON.');
        }
        if (json && typeof json === 'object' && 'req' in json && typeof json.req === 'string') req = json.req.slice(0, 64);
        const parsed = ClientFrame.safeParse(json);
        if (!parsed.success) throw badRequestFrom(parsed.error.issues);
        const frame = parsed.data;
        if (frame.t === 'hello') {
          if (conn) throw fail('conflict', 'Already signed in on this connection.');
          const member = await authenticateMember(read, frame.token, d.now());
          if (!member.approved) throw fail('device_approval_required');
          const policy = await policyFor(read, member.networkId, member.userId);
          clearTimeout(helloTimer);
          if (closed) return;
          conn = new Connection(socket, member, frame.token, policy);
          conn.send({ t: 'ready', userId: member.userId, deviceId: member.deviceId, policy });
          await d.hub.attach(conn);
          return;
        }
        if (!conn) throw fail('unauthorized');
        const c = conn;
        switch (frame.t) {
          // Writes go to the group-commit queue in frame order; the next frame is handled without
          // waiting for the commit, and each answer follows its own commit.
          case 'send': {
            const { msg, req: id } = frame;
            d.writes
              .submit((tx) => messages.sendMessage(tx, c.member, msg, c.policy, d.now()))
              .then((result) => {
                c.send({ t: 'sent', req: id, conv: msg.conv, messageId: msg.messageId, seq: result.seq, duplicate: result.duplicate, expiresAt: result.expiresAt });
                if (!result.duplicate) void d.hub.committed(msg.conv, result);
              }, (err: unknown) => refuse(id, err));
            return;
          }
          case 'ack':
            d.hub.ack(c, frame.conv, frame.seq);
            return;
          case 'delete': {
            const { conv, messageId, req: id } = frame;
            d.writes.submit((tx) => messages.deleteForEveryone(tx, c.member, conv, messageId, d.now())).then((r) => {
              c.send({ t: 'ok', req: id });
              void d.hub.committed(conv, r);
            }, (err: unknown) => refuse(id, err));
            return;
          }
          case 'receipt': {
            const { conv, messageIds, req: id } = frame;
            d.writes.submit((tx) => messages.sendReceipt(tx, c.member, conv, messageIds, c.policy, d.now())).then((r) => {
              c.send({ t: 'ok', req: id });
              void d.hub.committed(conv, r);
            }, (err: unknown) => refuse(id, err));
            return;
          }
          case 'presence':
            if (c.policy.presenceEnabled) d.hub.presence(c, frame.state);
            return;
          case 'ping': {
            // Answered after the writes submitted before it: a client can wait for its frames to be handled.
            const id = frame.req;
            void d.writes.submit(async () => undefined).then(() => c.send({ t: 'pong', ...(id !== undefined ? { req: id } : {}) }));
            return;
          }
        }
      } catch (err) {
        refuse(req, err);
        // A socket that cannot sign in is closed; every other error leaves it open.
        if (err instanceof MessagingError && !conn && ['unauthorized', 'account_suspended', 'device_reset', 'user_not_found', 'session_expired', 'device_approval_required'].includes(err.code)) socket.close(4001, err.code);
      }
    };
  });
}
