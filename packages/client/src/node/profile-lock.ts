/**
 * node/profile-lock.ts — owns the `.lock` file of a Node profile directory: two processes must never
 * drive the same device (their ratchet states would diverge). The lock holds the owner's PID; a lock
 * left by a process that no longer runs is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EnclaveError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ProfileLock {
  private held = true;
  private readonly onExit = () => this.release();

  private constructor(private readonly path: string) {
    process.once('exit', this.onExit);
  }

  /** Takes the lock of `dir`, waiting up to `waitMs` for another live process to release it. */
  static async acquire(dir: string, waitMs: number): Promise<ProfileLock> {
    const path = join(dir, '.lock');
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new ProfileLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder = NaN;
      try {
        holder = Number(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
        try {
          unlinkSync(path);
        } catch {
          /* someone else removed it */
        }
        continue;
      }
      if (Date.now() >= deadline) throw new EnclaveError('conflict', `The profile ${dir} is in use by process ${holder}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.removeListener('exit', this.onExit);
    try {
      if (Number(readFileSync(this.path, 'utf8')) === process.pid) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}
