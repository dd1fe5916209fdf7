// Process-level behaviour of the retention bot: the TTY double-entry password prompt, the generated
// password and WICKRIO_ROTATE_PASSWORD rules, logs rotated into at most 5 files, the watchdog, the
// device-added and update checks, and the supervisor's restart limit (the guide's
// `--restart on-failure:5`), with configuration failures (exit 78) never restarted.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Events } from '../../packages/retention-bot/src/events.js';
import { createLog, MAX_LOG_FILES } from '../../packages/retention-bot/src/logs.js';
import { Metrics } from '../../packages/retention-bot/src/metrics.js';
import { Watchdog, checkDevices, checkUpdates, newerThan } from '../../packages/retention-bot/src/monitor.js';
import { UserExited, generatePassword, promptPassword, rotateProblem } from '../../packages/retention-bot/src/password.js';
import { supervise } from '../../packages/retention-bot/src/supervisor.js';
import { recordingLog, tempDir } from './helpers.js';

function tty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(raw: boolean) { input.rawModes.push(raw); return input; } });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  return { input, output, shown: () => shown };
}

const parts = () => {
  const log = recordingLog();
  return { log, metrics: new Metrics({ Id: 'b', Device: 'd', Product: 'p', BotType: 'Compliance', Network: 'n' }, log), events: new Events({ botName: 'b', device: 'd', dockerImage: 'i', dockerTag: '1.0.0' }, log) };
};

describe('retention bot process behaviour', () => {
  it('prompts twice on a TTY without echoing the password', async () => {
    const io = tty();
    const p = promptPassword(io);
    io.input.write('s3cret');
    io.input.write('\x7f');
    io.input.write('T\r');
    await new Promise((r) => setTimeout(r, 10));
    io.input.write('s3creT\r');
    expect(await p).toBe('s3creT');
    expect(io.shown()).toContain('Enter the password:');
    expect(io.shown()).toContain('Re-enter the password:');
    expect(io.shown()).not.toContain('s3cre');
    expect(io.input.rawModes).toEqual([true, false, true, false]);
  });

  it('asks again when the entries differ; Ctrl-C / end of input is "User exited command."', async () => {
    const io = tty();
    const p = promptPassword(io);
    io.input.write('one\rtwo\rsame\rsame\r');
    expect(await p).toBe('same');
    expect(io.shown()).toContain('The passwords do not match.');
    const io2 = tty();
    const q = promptPassword(io2);
    io2.input.write('\x03');
    await expect(q).rejects.toBeInstanceOf(UserExited);
    const io3 = tty();
    const r = promptPassword(io3);
    io3.input.end();
    await expect(r).rejects.toThrow('User exited command.');
  });

  it('generates 24-character passwords and applies the rotation rules', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(generatePassword()).not.toBe(a);
    expect(rotateProblem('current-password', 'short')).toMatch(/at least 12/);
    expect(rotateProblem('current-password', 'current-password')).toMatch(/must differ/);
    expect(rotateProblem('current-password', 'another-password')).toBeUndefined();
  });

  it('rotates its log files, keeping at most 5', () => {
    const dir = tempDir();
    const lines: string[] = [];
    const log = createLog({ dir, fileName: 'bot.log', maxBytes: 2000, stdout: (l) => lines.push(l) });
    for (let i = 0; i < 500; i++) log.log('info', 'tick', { i, password: 'never-logged', detail: 'x'.repeat(40) });
    log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['bot.log', 'bot.log.1', 'bot.log.2', 'bot.log.3', 'bot.log.4']);
    expect(files.length).toBeLessThanOrEqual(MAX_LOG_FILES);
    expect(lines).toHaveLength(500);
    expect(lines.join('')).not.toContain('never-logged');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO tick i=0 detail=x+\n$/);
  });

  it('watchdog: a warning after a minute down, the guide\'s critical event after N minutes, then a restart', () => {
    const { log, metrics, events } = parts();
    let now = 0;
    let failed = 0;
    const w = new Watchdog({ minutes: 5, metrics, events, log, now: () => now, onFailure: () => failed++ });
    w.state('ready');
    w.state('reconnecting');
    now = 59_000;
    w.check();
    expect(metrics.totals.Watchdog_Warnings).toBe(0);
    now = 61_000;
    w.check();
    w.check();
    expect(metrics.totals.Watchdog_Warnings).toBe(1);
    now = 5 * 60_000 + 1;
    w.check();
    w.check();
    expect(metrics.totals.Watchdog_Failures).toBe(1);
    expect(failed).toBe(1);
    expect(events.sent.at(-1)).toMatchObject({ severity: 'critical', message: 'SwitchBoard system is down for more than 5 minutes' });
    w.state('ready');
    now += 120_000;
    w.check();
    expect(metrics.totals.Watchdog_Warnings).toBe(1);
  });

  it('reports a device added to the bot account, once', async () => {
    const { log, events } = parts();
    const stateDir = tempDir();
    let devices = [{ deviceId: 'own' }];
    const check = (firstSetup: boolean) => checkDevices({ stateDir, ownDevice: 'own', list: async () => devices, events, log, firstSetup });
    await check(true);
    expect(events.sent.map((e) => e.message)).toEqual(['A device has been added to this account!']);
    await check(false);
    expect(events.sent).toHaveLength(1);
    devices = [{ deviceId: 'own' }, { deviceId: 'intruder' }];
    await check(false);
    await check(false);
    expect(events.sent).toHaveLength(2);
  });

  it('reports available updates from the feed with the versions array', async () => {
    const { log, events } = parts();
    const server = createServer((_req, res) => res.end(JSON.stringify({ versions: ['0.9.0', '1.0.0', '1.0.1', '2.0.0'] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    expect(await checkUpdates({ feed: `http://127.0.0.1:${port}/`, current: '1.0.0', events, log })).toEqual(['1.0.1', '2.0.0']);
    expect(events.sent.at(-1)).toMatchObject({ message: 'There are updates available', severity: 'normal', versions: ['1.0.1', '2.0.0'] });
    server.close();
    expect(newerThan('5.116.13.01', '5.116.10.01')).toBe(true);
    expect(newerThan('5.116.10.01', '5.116.13.01')).toBe(false);
  });

  it('supervisor: restarts a failing bot at most N times; exit 78 and a clean stop are final', async () => {
    const dir = tempDir();
    const script = join(dir, 'bot.mjs');
    writeFileSync(script, `import { appendFileSync } from 'node:fs'; appendFileSync(${JSON.stringify(join(dir, 'runs'))}, 'x'); process.exit(Number(process.env.CODE));`);
    const runs = () => readFileSync(join(dir, 'runs'), 'utf8').length;
    const logs: string[] = [];
    expect(await supervise({ script, args: [], env: { ...process.env, CODE: '1' }, limit: 5, delayMs: 5, log: (l) => logs.push(l) })).toBe(1);
    expect(runs()).toBe(6);
    expect(logs.at(-1)).toMatch(/restart limit \(5\) reached/);
    writeFileSync(join(dir, 'runs'), '');
    expect(await supervise({ script, args: [], env: { ...process.env, CODE: '78' }, limit: 5, delayMs: 5, log: (l) => logs.push(l) })).toBe(78);
    expect(runs()).toBe(1);
    writeFileSync(join(dir, 'runs'), '');
    expect(await supervise({ script, args: [], env: { ...process.env, CODE: '0' }, limit: 5, delayMs: 5 })).toBe(0);
    expect(runs()).toBe(1);
  });

  it('supervisor: runs the bot with heap limits (ENCLAVE_BOT_HEAP_MIB; NODE_OPTIONS wins)', async () => {
    const dir = tempDir();
    const script = join(dir, 'heap.mjs');
    const out = join(dir, 'limit');
    writeFileSync(script, `import { writeFileSync } from 'node:fs'; import v8 from 'node:v8'; writeFileSync(${JSON.stringify(out)}, String(v8.getHeapStatistics().heap_size_limit / 2 ** 20)); process.exit(0);`);
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const limit = async (extra: Record<string, string>) => {
      expect(await supervise({ script, args: [], env: { ...env, ...extra }, limit: 0, delayMs: 5 })).toBe(0);
      return Number(readFileSync(out, 'utf8'));
    };
    const standard = await limit({});
    expect(standard).toBeGreaterThan(64);
    expect(standard).toBeLessThan(128);
    const bigger = await limit({ ENCLAVE_BOT_HEAP_MIB: '512' });
    expect(bigger).toBeGreaterThan(512);
    expect(bigger).toBeLessThan(600);
    expect(await limit({ NODE_OPTIONS: '--max-old-space-size=256' })).toBeGreaterThan(256);
  });
});
