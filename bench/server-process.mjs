// Runs one Enclave server for a benchmark in its own process (so client and server do not share an
// event loop). Configuration comes from the environment, like `enclave serve`. Prints the URL.
//
// Bench only: spawned with an IPC channel, it also answers `{ t: 'lastSeq', id, conv }` and takes
// `{ t: 'prefill', id, items }` — messages the members' SDKs encrypted as usual (SendMessage, with
// the sender's user and device and the sequence number the bench gave it) — and stores each batch in
// one transaction the way sendMessage stores a send (the conversation's sequence number, the
// sender-key body or the pairwise parts), then announces it to the connected devices as a send does;
// the socket and the per-message checks are left out. retention-e2e --prefill uses it to build a
// 10-million-message backlog in minutes instead of hours; what the bot then receives is what the
// server would have stored.
import { createServer, loadConfig } from '../packages/server/dist/index.js';

const config = loadConfig({ port: 0, host: '127.0.0.1' }, { ...process.env, ENCLAVE_LOG_LEVEL: 'silent' });
const server = await createServer(config, { logger: false });
const url = await server.listen();
console.log(`listening on ${url}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (process.send) {
  const db = server.store.db;
  /**
   * Stores one batch with the sequence numbers the bench gave it (it numbers each conversation's
   * messages from `lastSeq` on, in send order); refuses a batch that does not continue a
   * conversation exactly where it stands.
   */
  const prefill = (items) =>
    db.transaction().execute(async (trx) => {
      const span = new Map();
      for (const { seq, msg } of items) {
        const s = span.get(msg.conv);
        span.set(msg.conv, s ? { first: s.first, last: seq } : { first: seq, last: seq });
      }
      for (const [conv, { first, last }] of span) {
        const row = await trx.updateTable('conversations').set({ last_seq: last }).where('conv_id', '=', conv).where('last_seq', '=', first - 1).returning('last_seq').executeTakeFirst();
        if (!row) throw new Error(`prefill: ${conv} does not stand at ${first - 1}`);
      }
      const now = Date.now();
      const rows = [];
      const parts = [];
      for (const { userId, deviceId, seq, msg } of items) {
        rows.push({ conv_id: msg.conv, seq, message_id: msg.messageId, kind: msg.kind, sender_user_id: userId, sender_device_id: deviceId, sent_at: now, expires_at: msg.ttl !== undefined ? now + msg.ttl * 1000 : null, bor: msg.bor ?? null, body: msg.body ?? '', files: JSON.stringify(msg.files ?? []) });
        for (const [device_id, body] of Object.entries(msg.parts ?? {})) parts.push({ conv_id: msg.conv, seq, device_id, body });
      }
      // SQLite takes at most 32,766 bound values per statement: 11 columns × 2,000 rows is below.
      for (let i = 0; i < rows.length; i += 2000) await trx.insertInto('conv_messages').values(rows.slice(i, i + 2000)).execute();
      for (let i = 0; i < parts.length; i += 2000) await trx.insertInto('conv_message_parts').values(parts.slice(i, i + 2000)).execute();
      return span;
    });
  const answer = (id, work) =>
    work.then(
      (value) => process.send({ t: 'answer', id, value }),
      (err) => process.send({ t: 'answer', id, error: String(err?.stack ?? err) }),
    );
  process.on('message', (m) => {
    if (m?.t === 'lastSeq') {
      answer(m.id, db.selectFrom('conversations').select('last_seq').where('conv_id', '=', m.conv).executeTakeFirstOrThrow().then((r) => Number(r.last_seq)));
    } else if (m?.t === 'prefill') {
      answer(
        m.id,
        prefill(m.items).then((span) => {
          for (const [conv, { last }] of span) void server.messaging.hub.committed(conv, { seq: last });
          return m.items.length;
        }),
      );
    }
  });
}
