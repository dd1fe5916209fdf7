/**
 * chat/messages.ts — owns `enclave send`, `enclave listen` and `enclave files download`: sending a
 * text or file to a person (DM) or a room, printing received messages (one JSON object per line
 * with --json) and safety notices (a contact's devices changed, an identity reset) until a count or
 * a timeout, and saving a received file after its digest checked
 * out. Plaintext goes to stdout only when the user asks for it; never into the log.
 */
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { EnclaveClient, Message, SafetyNotice } from '@enclave/client';
import { fileSink } from '@enclave/client/node';
import { CliError, EXIT_USAGE } from '../errors.js';
import { byteProgress, openClient, positiveInt, printJson, profileOptions, type ProfileFlags } from './common.js';

interface SendFlags extends ProfileFlags {
  to?: string;
  room?: string;
  ttl?: number;
  bor?: number;
  file?: string;
  mime?: string;
  replyTo?: string;
}

const MIME: Record<string, string> = {
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

/** The record `listen` prints for a message (the scripts' contract). */
export function messageRecord(m: Message) {
  return {
    id: m.id,
    conversation: m.conv,
    sender: m.sender,
    text: m.text ?? null,
    sentAt: m.sentAt,
    ...(m.file ? { file: { fileId: m.file.fileId, name: m.file.name, mime: m.file.mime, size: m.file.size } } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    ...(m.forwarded ? { forwarded: true } : {}),
    ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
    ...(m.bor ? { bor: m.bor } : {}),
  };
}

/** The record `listen --json` prints for a safety notice: `{ notice, conversation, userId, email?, added?, removed? }`. */
export function noticeRecord(n: SafetyNotice) {
  return { notice: n.kind, conversation: n.conv, userId: n.userId, ...(n.email ? { email: n.email } : {}), ...(n.added ? { added: n.added } : {}), ...(n.removed ? { removed: n.removed } : {}), at: n.at };
}

function noticeText(n: SafetyNotice): string {
  const who = n.email ?? `user ${n.userId}`;
  if (n.kind === 'identity_reset') return `NOTICE: the safety number of ${who} changed (their identity was reset). Run \`enclave safety-number --contact ${who}\` and compare it.`;
  return `NOTICE: ${who}'s devices changed (${n.added?.length ?? 0} added, ${n.removed?.length ?? 0} removed), signed by one of their devices.`;
}

async function conversationOf(client: EnclaveClient, flags: SendFlags): Promise<string> {
  if (!flags.to === !flags.room) throw new CliError('Give exactly one of --to EMAIL and --room ID.', EXIT_USAGE);
  if (flags.room) return flags.room;
  return (await client.openDm(flags.to!)).id;
}

export function registerMessageCommands(program: Command): void {
  profileOptions(
    program
      .command('send')
      .description('send an end-to-end encrypted message to a person (--to) or a room or group (--room)')
      .argument('[text]', 'message text (the caption with --file)')
      .option('--to <email>', 'recipient (a direct message)')
      .option('--room <id>', 'room or group conversation ID')
      .option('--ttl <seconds>', 'expiration timer', positiveInt('--ttl'))
      .option('--bor <seconds>', 'burn-on-read timer', positiveInt('--bor'))
      .option('--file <path>', 'send a file (progress on stderr)')
      .option('--mime <type>', 'MIME type of --file (guessed from the extension)')
      .option('--reply-to <messageId>', 'reply to a message'),
  ).action(async (text: string | undefined, flags: SendFlags) => {
    if (!flags.file && (text === undefined || text === '')) throw new CliError('Give the message text (or --file PATH).', EXIT_USAGE);
    const { client, done } = await openClient(flags);
    try {
      const conv = await conversationOf(client, flags);
      const timers = { ...(flags.ttl ? { ttl: flags.ttl } : {}), ...(flags.bor ? { bor: flags.bor } : {}), ...(flags.replyTo ? { replyTo: flags.replyTo } : {}) };
      let m: Message;
      if (flags.file) {
        const progress = byteProgress(`Sending ${basename(flags.file)}`);
        try {
          m = await client.sendFile(conv, flags.file, {
            ...timers,
            name: basename(flags.file),
            mime: flags.mime ?? MIME[extname(flags.file).toLowerCase()] ?? 'application/octet-stream',
            ...(text ? { text } : {}),
            onProgress: (p) => progress.update(p.bytes, p.total),
          });
        } finally {
          progress.stop();
        }
      } else m = await client.sendText(conv, text!, timers);
      printJson({ id: m.id, conversation: m.conv, seq: m.seq, ...(m.file ? { fileId: m.file.fileId } : {}) });
    } finally {
      await done();
    }
  });

  profileOptions(
    program
      .command('listen')
      .description('receive messages: one JSON object per message with --json')
      .option('--json', 'one JSON object per message on stdout')
      .option('--count <n>', 'exit after N messages', positiveInt('--count'))
      .option('--timeout <seconds>', 'exit after this many seconds', positiveInt('--timeout')),
  ).action(async (flags: ProfileFlags & { json?: boolean; count?: number; timeout?: number }) => {
    const { client, done } = await openClient(flags);
    let seen = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = flags.timeout ? setTimeout(resolve, flags.timeout * 1000) : undefined;
        const stop = (fn: () => void) => {
          if (timer) clearTimeout(timer);
          fn();
        };
        client.on('message', (m) => {
          if (flags.count !== undefined && seen >= flags.count) return;
          seen++;
          if (flags.json) printJson(messageRecord(m));
          else process.stdout.write(`${new Date(m.sentAt).toISOString()} ${m.sender.email ?? m.sender.userId} [${m.conv}]: ${m.text ?? ''}${m.file ? ` (file ${m.file.name}, ${m.file.size} bytes, id ${m.file.fileId})` : ''}\n`);
          if (flags.count !== undefined && seen >= flags.count) stop(resolve);
        });
        // Safety notices: a contact's devices changed or their identity reset (not counted as messages).
        client.on('notice', (n) => {
          if (n.kind !== 'devices_changed' && n.kind !== 'identity_reset') return;
          if (flags.json) printJson(noticeRecord(n));
          else process.stdout.write(`${new Date(n.at).toISOString()} [${n.conv}] ${noticeText(n)}\n`);
        });
        client.on('device_approval_requested', (d) => process.stderr.write(`enclave: a new device of your account waits for approval: ${d.deviceId} (${d.client}), fingerprint ${d.fingerprint}. Run \`enclave devices confirm --device ${d.deviceId}\` if it is yours.\n`));
        client.on('closed', (e) => stop(() => reject(new CliError(e.message, 1))));
        client.on('error', (e) => process.stderr.write(`enclave: warning: ${e.message}${e.messageId ? ` (message ${e.messageId})` : ''}\n`));
        client.connect().catch((err: unknown) => stop(() => reject(err as Error)));
      });
      // Let the acknowledgement of the last message leave before closing.
      await client.idle();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await done();
    }
  });

  const files = program.command('files').description('files received in messages');
  profileOptions(
    files
      .command('download')
      .description('download, decrypt and verify a received file (from a message this profile received)')
      .option('--message <id>', 'message ID (as printed by listen)')
      .option('--file <id>', 'file ID (as printed by listen)')
      .requiredOption('--out <path>', 'where to save the file'),
  ).action(async (flags: ProfileFlags & { message?: string; file?: string; out: string }) => {
    if (!flags.message === !flags.file) throw new CliError('Give exactly one of --message ID and --file ID.', EXIT_USAGE);
    const { client, done } = await openClient(flags);
    try {
      const m = await client.message((flags.message ?? flags.file)!);
      if (!m?.file) throw new CliError('No received file with this ID in this profile (run `enclave listen` first).', 1);
      const progress = byteProgress(`Downloading ${m.file.name}`);
      try {
        await client.downloadFile(m.file, fileSink(flags.out), { onProgress: (p) => progress.update(p.bytes, p.total) });
      } finally {
        progress.stop();
      }
      printJson({ path: flags.out, name: m.file.name, mime: m.file.mime, size: m.file.size });
    } finally {
      await done();
    }
  });
}
