// A real SMTP server for tests (the smtp-server package): accepts messages into an array, parses
// their headers and plain-text body minimally (unfolded headers, RFC 2047 encoded words,
// quoted-printable and base64 bodies), and can refuse messages (451 "try later", 550 "no such
// user") or stop listening and come back on the same port, to exercise retries. Start the Enclave
// server with `ENCLAVE_SMTP_URL: receiver.url`.
//
//   const smtp = await startSmtpReceiver();
//   const t = await startTestServer({ env: { ENCLAVE_SMTP_URL: smtp.url } });
//   ... BatchCreateUser ...
//   const mail = await smtp.waitFor((m) => m.to === 'alice@example.com');
//   const { link, code } = invitationOf(mail);   // `${t.url}/app/register?code=…`
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO of the SMTP transaction. */
  envelope: { from: string; to: string[] };
  /** The user that authenticated (AUTH), if any. */
  user: string | undefined;
  /** Header fields by lower-case name (the first of each), unfolded and decoded. */
  headers: Record<string, string>;
  from: string;
  /** The To header's address (angle brackets removed). */
  to: string;
  subject: string;
  messageId: string;
  /** The plain-text body, decoded, with \n line ends. */
  text: string;
  raw: string;
}

export interface SmtpReceiverOptions {
  /** Listen on this port (default: any free port). */
  port?: number;
  /** Credentials the server requires (default test/secret; null: no authentication). */
  auth?: { user: string; password: string } | null;
  /** Wait this long before accepting each message (to let deliveries overlap). */
  delayMs?: number;
}

export interface Refusal {
  /** SMTP reply code: 451 (transient) or 550 (permanent), …*/
  code: number;
  /** Refuse only mail to this address (default: every recipient). */
  to?: string;
  /** How many more refusals (default: until accept() is called). */
  count?: number;
}

export interface SmtpReceiver {
  readonly port: number;
  /** smtp://user:password@127.0.0.1:port (no credentials when auth is null). */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** RCPT TO commands refused so far (with their codes). */
  readonly refusals: { to: string; code: number }[];
  /** Refuse recipients with this reply from now on. */
  refuse(refusal: Refusal): void;
  /** Stop refusing. */
  accept(): void;
  /** Stop listening: connections are refused (ECONNREFUSED) until restart(). */
  stop(): Promise<void>;
  /** Listen again on the same port, keeping the messages received so far. */
  restart(): Promise<void>;
  /** The first message (received from index `from` on) matching, waiting up to `ms`. */
  waitFor(match: (m: ReceivedMail) => boolean, ms?: number, from?: number): Promise<ReceivedMail>;
  /** Messages to this address. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const auth = options.auth === undefined ? { user: 'test', password: 'secret' } : options.auth;
  const port = options.port ?? (await freePort());
  const messages: ReceivedMail[] = [];
  const refusals: { to: string; code: number }[] = [];
  let refusal: Refusal | undefined;
  let server: SMTPServer | undefined;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

  const listen = async () => {
    const s = new SMTPServer({
      logger: false,
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      closeTimeout: 200,
      onAuth(a, _session, callback) {
        if (auth && a.username === auth.user && a.password === auth.password) return callback(null, { user: a.username });
        return callback(smtpError(535, 'Authentication failed'));
      },
      onRcptTo(address, _session, callback) {
        const r = refusal;
        if (r && (r.to === undefined || r.to.toLowerCase() === address.address.toLowerCase())) {
          refusals.push({ to: address.address, code: r.code });
          if (r.count !== undefined && --r.count <= 0) refusal = undefined;
          return callback(smtpError(r.code, r.code >= 500 ? 'No such user here' : 'Try again later'));
        }
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const finish = () => {
            messages.push(parseMail(raw, { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) }, session.user as string | undefined));
            callback();
            wake();
          };
          if (options.delayMs) setTimeout(finish, options.delayMs);
          else finish();
        });
      },
    });
    s.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      const net = s.listen(port, '127.0.0.1', () => resolve());
      net.once('error', reject);
    });
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : '';
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    refusals,
    refuse(r) {
      refusal = { ...r };
    },
    accept() {
      refusal = undefined;
    },
    stop,
    async restart() {
      if (!server) await listen();
    },
    async waitFor(match, ms = 15_000, from = 0) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = messages.slice(from).find(match);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching mail within ${ms} ms; received: ${JSON.stringify(messages.map((m) => ({ to: m.to, subject: m.subject })))}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    to(address) {
      return messages.filter((m) => m.envelope.to.some((a) => a.toLowerCase() === address.toLowerCase()));
    },
    close: stop,
  };
}

/** The registration link and invite code of an invitation email. */
export function invitationOf(mail: Pick<ReceivedMail, 'text'>): { link: string; code: string } {
  const m = /(https?:\/\/\S+\/app\/register\?code=([A-Za-z0-9_%-]+))/.exec(mail.text);
  if (!m) throw new Error(`no registration link in the mail:\n${mail.text}`);
  return { link: m[1]!, code: decodeURIComponent(m[2]!) };
}

/** Parses a message minimally: headers (unfolded, encoded words decoded) and a text/plain body. */
export function parseMail(raw: string, envelope: ReceivedMail['envelope'] = { from: '', to: [] }, user?: string): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const bodyRaw = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(i + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text: string;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(bodyRaw);
  else if (encoding === 'base64') text = Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8');
  else text = bodyRaw;
  const to = headers.to ?? '';
  return {
    envelope,
    user,
    headers,
    from: headers.from ?? '',
    to: (/<([^>]+)>/.exec(to)?.[1] ?? to).trim(),
    subject: headers.subject ?? '',
    messageId: headers['message-id'] ?? '',
    text: text.replace(/\r\n/g, '\n'),
    raw,
  };
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (=?utf-8?Q?…?= and =?utf-8?B?…?=); whitespace between adjacent words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
