/**
 * supervisor.ts — owns the restart policy of the plain-`node` deployment, the same as the guide's
 * `docker run --restart on-failure:5`: the bot runs in a child process; a failure exit (1) is restarted
 * after a growing delay, at most ENCLAVE_RESTART_LIMIT times (default 5); a clean stop (0) or a
 * problem a restart cannot fix (78: configuration, credentials) ends the supervisor with that code.
 * SIGTERM / SIGINT are passed to the child, which shuts down gracefully.
 */
import { spawn } from 'node:child_process';
import type { Env } from './settings.js';

export const DEFAULT_RESTART_LIMIT = 5;

/**
 * V8 heap limits of the bot process (MiB): the bot's live data is small, and without a limit V8 sizes
 * its heap lazily to well above the 200 MB the bot is meant to stay under (docs/benchmarks.md).
 * ENCLAVE_BOT_HEAP_MIB changes the old-space limit; flags given in NODE_OPTIONS win.
 */
export function heapFlags(env: Env): string[] {
  const options = env.NODE_OPTIONS ?? '';
  const mib = Number(env.ENCLAVE_BOT_HEAP_MIB ?? 64);
  const flags: string[] = [];
  if (!/--max-old-space-size/.test(options) && Number.isInteger(mib) && mib >= 64) flags.push(`--max-old-space-size=${mib}`);
  if (!/--max-semi-space-size/.test(options)) flags.push('--max-semi-space-size=8');
  return flags;
}

export interface SuperviseOptions {
  script: string;
  args: string[];
  env: Env;
  limit: number;
  /** First restart delay (doubles, at most 60 s). */
  delayMs?: number;
  log?: (line: string) => void;
}

export async function supervise(o: SuperviseOptions): Promise<number> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  let restarts = 0;
  let stopping = false;
  let child: ReturnType<typeof spawn> | undefined;
  const forward = (sig: NodeJS.Signals) => () => {
    stopping = true;
    child?.kill(sig);
  };
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    for (;;) {
      child = spawn(process.execPath, [...heapFlags(o.env), o.script, ...o.args], { env: { ...o.env, ENCLAVE_SUPERVISED: '1' } as NodeJS.ProcessEnv, stdio: 'inherit' });
      const code = await new Promise<number>((resolve) => child!.once('exit', (c, sig) => resolve(c ?? (sig === 'SIGTERM' || sig === 'SIGINT' ? 0 : 1))));
      if (stopping || code === 0 || code === 78) return code;
      if (restarts >= o.limit) {
        log(`enclave-retention-bot: exited with code ${code}; restart limit (${o.limit}) reached, giving up.`);
        return code;
      }
      restarts++;
      const delay = Math.min((o.delayMs ?? 1000) * 2 ** (restarts - 1), 60_000);
      log(`enclave-retention-bot: exited with code ${code}; restart ${restarts} of ${o.limit} in ${delay} ms.`);
      await new Promise((r) => setTimeout(r, delay));
      if (stopping) return 0;
    }
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
}
