// Shared helpers of the messaging benchmarks (bench/messaging-*.mjs): start the built server in its own
// process, make a network and members through the admin API and the client REST API, open
// authenticated raw WebSockets, read a process's memory from /proc, percentiles and machine facts.
// Wire-level only (no SDK): the same calls test/helpers/members.ts makes, on the built code.
import { spawn, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AdminClient } from '../packages/server/dist/index.js';
import { generateIdentity, generateOneTimePrekeys, generateSignedPrekey, publicSignedPrekey, toBase64Url } from '../packages/protocol/dist/index.js';

export const PASSWORD = 'Correct-Horse-9-battery';

export const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Starts `bench/server-process.mjs` (built server, logging off) on a fresh SQLite data directory. */
/** `options.ipc`: an IPC channel to the server process (retention-e2e --prefill stores messages through it). */
export async function startEnclave(extraEnv = {}, options = {}) {
  const dataDir = mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'enclave-msgbench-'));
  const accessKeyId = 'AKIABENCH' + randomBytes(6).toString('hex').toUpperCase();
  const secretAccessKey = randomBytes(30).toString('base64');
  const env = { ...process.env, ENCLAVE_DATA_DIR: dataDir, ENCLAVE_ROOT_ACCESS_KEY_ID: accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: secretAccessKey, ...extraEnv };
  // SERVER_NODE_ARGS: node flags for the server process (--cpu-prof, a heap cap), space-separated.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, new URL('./server-process.mjs', import.meta.url).pathname], { env, stdio: ['ignore', 'pipe', 'inherit', ...(options.ipc ? ['ipc'] : [])], detached: true });
  const url = await waitForLine(child, /listening on (\S+)/);
  const admin = new AdminClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
  return {
    url,
    pid: child.pid,
    child,
    admin,
    dataDir,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first capture of `re` on the child's stdout. */
export function waitForLine(child, re) {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before "${re}"`)));
  });
}

/** SIGTERM to the child's process group (it was spawned detached), SIGKILL after 10 s. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 10_000);
  await gone;
  clearTimeout(t);
}

/** A Premium network; presence can be switched off in its default security group. */
export async function createNetwork(admin, { presence = true } = {}) {
  const { networkId } = await admin.call('CreateNetwork', { networkName: `Bench ${randomBytes(3).toString('hex')}`, accessLevel: 'PREMIUM' });
  const { securityGroups } = await admin.call('ListSecurityGroups', { networkId });
  const groupId = securityGroups.find((g) => g.isDefault).id;
  if (!presence) await admin.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { presenceEnabled: false } });
  return { networkId, groupId };
}

/** Invites `emails` through BatchCreateUser, 50 per call. */
export async function inviteAll(admin, networkId, groupId, emails) {
  const out = [];
  for (let i = 0; i < emails.length; i += 50) {
    const users = emails.slice(i, i + 50).map((username) => ({ username, securityGroupIds: [groupId] }));
    const r = await admin.call('BatchCreateUser', { networkId, users });
    if (r.failed?.length) throw new Error(`BatchCreateUser failed: ${JSON.stringify(r.failed[0])}`);
    if (r.successful.length !== users.length) throw new Error('BatchCreateUser: fewer users than asked');
    // BatchCreateUser answers in request order.
    r.successful.forEach((s, k) => out.push({ email: users[k].username, userId: Number(s.userId), inviteCode: s.inviteCode }));
  }
  return out;
}

/** Device keys as a client makes them (identity, signed prekey with ML-KEM, a few one-time prekeys). */
export function newDevice(otpks = 5) {
  const identity = generateIdentity();
  const pub = publicSignedPrekey(generateSignedPrekey(identity, 1));
  return {
    identity,
    wire: {
      type: 'cli',
      client: 'enclave-bench/1',
      keys: {
        identitySignPub: toBase64Url(identity.signPub),
        identityDhPub: toBase64Url(identity.dhPub),
        signedPrekey: { id: pub.id, dhPub: toBase64Url(pub.dhPub), kemPublic: toBase64Url(pub.kemPublic), signature: toBase64Url(pub.signature) },
        oneTimePrekeys: generateOneTimePrekeys(1, otpks).map((k) => ({ id: k.id, dhPub: toBase64Url(k.dhPub) })),
      },
    },
  };
}

export async function api(url, method, path, token, body) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : {};
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return parsed;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Registers each invited member with one device (scrypt on the server: modest concurrency). */
export async function registerAll(url, invited, concurrency = 4) {
  let done = 0;
  return pool(invited, concurrency, async (inv) => {
    const device = newDevice();
    const s = await api(url, 'POST', '/v1/accounts/register', undefined, { email: inv.email, inviteCode: inv.inviteCode, password: PASSWORD, device: device.wire });
    if (++done % 100 === 0) log(`registered ${done}/${invited.length}`);
    return { email: inv.email, userId: s.userId, token: s.token, deviceId: s.deviceId, device };
  });
}

/** Signs in on a new device of an existing account (a new device and session). */
export async function loginNewDevice(url, email) {
  const device = newDevice(1);
  const s = await api(url, 'POST', '/v1/accounts/login', undefined, { email, password: PASSWORD, device: device.wire });
  if (s.deviceStatus !== 'ACTIVE') throw new Error(`device ${s.deviceId} is ${s.deviceStatus}`);
  return { email, userId: s.userId, token: s.token, deviceId: s.deviceId };
}

/** Opens /v1/socket and signs in with `hello`; resolves once `ready` arrived. */
export function openSocket(url, token, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/socket', { perMessageDeflate: false });
    const early = (data) => {
      const s = String(data);
      if (s.startsWith('{"t":"ready"')) {
        ws.off('message', early);
        if (onFrame) ws.on('message', onFrame);
        resolve(ws);
      } else if (s.startsWith('{"t":"error"') || s.startsWith('{"t":"closing"')) reject(new Error(`hello refused: ${s.slice(0, 200)}`));
    };
    ws.on('message', early);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', token })));
    ws.once('error', reject);
  });
}

/** VmRSS and VmHWM (peak) of a process, MiB. */
export function memoryOf(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssMiB: +(kb('VmRSS') / 1024).toFixed(1), peakRssMiB: +(kb('VmHWM') / 1024).toFixed(1) };
}

/** User + system CPU seconds a process has used so far (from /proc/<pid>/stat). */
export function cpuSecondsOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (100/s)
}

export const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const round = (x, d = 2) => +x.toFixed(d);

export function machine() {
  let ulimitN;
  try {
    ulimitN = execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim();
  } catch {
    ulimitN = undefined;
  }
  // Which code was measured: the commit, uncommitted changes under packages/, and when the server's
  // messaging code in dist was built (others may rebuild dist between runs).
  const sh = (c) => {
    try {
      return execSync(c, { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return undefined;
    }
  };
  const code = {
    commit: sh('git rev-parse --short HEAD'),
    uncommittedFilesUnderPackages: Number(sh('git status --porcelain packages | wc -l')),
    serverDistBuiltAt: sh('stat -c %y packages/server/dist/realtime/socket.js'),
  };
  return { nproc: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, ulimitN, when: new Date().toISOString(), code };
}

/** An opaque base64url string of `chars` characters (what an `sk` body looks like to the server). */
export const opaqueBody = (chars) => randomBytes(Math.ceil((chars * 3) / 4) + 3).toString('base64url').slice(0, chars);

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux: `5` to /proc/<pid>/clear_refs). */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat), to spot other load. */
export function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) / 100;
}

export const loadAverage = () => loadavg().map((x) => round(x, 2));

/**
 * Waits (up to `maxSeconds`) until the 1-minute load average is below `below`: other work on the
 * machine's two cores distorts every number here. Returns the load average it started with.
 */
export async function waitForQuiet(below = 0.8, maxSeconds = 600) {
  const start = loadAverage();
  const deadline = Date.now() + maxSeconds * 1000;
  while (loadavg()[0] >= below && Date.now() < deadline) {
    log(`waiting for an idle machine (load average ${loadAverage().join(' ')})`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
  return { loadAverageBefore: start, loadAverageAtStart: loadAverage() };
}
