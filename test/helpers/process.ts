// Runs `enclave serve` (the built CLI) in a child process, for tests that need a real separate
// process: several nodes on one PostgreSQL + NATS, or a server killed with SIGKILL and restarted.
// The CLI must be built first (`npm test` builds before it runs vitest).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient } from '../../packages/server/src/index.js';

const CLI = join(import.meta.dirname, '../../packages/cli/dist/main.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  client: AdminClient;
  logs(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function cliBuilt(): boolean {
  return existsSync(CLI);
}

export async function startServerProcess(env: Record<string, string>, creds: { accessKeyId: string; secretAccessKey: string }, port = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, ENCLAVE_LOG_LEVEL: 'info', ...env, ENCLAVE_ROOT_ACCESS_KEY_ID: creds.accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: creds.secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => (out += d));
  child.stderr!.on('data', (d: string) => (out += d));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!url) {
    const m = /listening on (http:\/\/[^\s]+)/.exec(out);
    if (m) url = m[1];
    else if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out}`);
    else if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    client: new AdminClient({ endpoint: url, region: env.ENCLAVE_REGION ?? 'us-east-1', credentials: creds }),
    logs: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
