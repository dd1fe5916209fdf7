/**
 * lock.ts — owns the session timers the SDK enforces for the security group: alwaysReauthenticate
 * (locked whenever the app returns from the background) and the absolute session timeout (locked at
 * the session's expiresAt), and unlocking with the password (`POST /v1/accounts/reauthenticate`, or
 * signing the stored device in again once the session has ended). Never keeps the password.
 */
import type { Context } from './context.js';
import { isEnclaveError } from './errors.js';

export class SessionLock {
  private isLocked = false;
  private suspendedAt?: number;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly ctx: Context,
    /** Signs the stored device in again with the password (new token and expiresAt). */
    private readonly signInAgain: (password: string) => Promise<void>,
  ) {}

  get locked(): boolean {
    return this.isLocked;
  }

  suspend(): void {
    this.suspendedAt = this.ctx.now();
  }

  resume(): void {
    if (this.suspendedAt !== undefined && this.ctx.policy.alwaysReauthenticate) this.lock('resume');
    this.suspendedAt = undefined;
    this.check();
  }

  /**
   * Locks when the absolute session timeout has passed. The timer alone is not enough: a device that
   * slept, or whose clock jumped, wakes past expiresAt without the timer having fired.
   */
  check(): void {
    const at = this.ctx.profile.expiresAt;
    if (at && this.ctx.now() >= at) this.lock('session_timeout');
  }

  lock(reason: 'resume' | 'session_timeout'): void {
    if (this.isLocked) return;
    this.isLocked = true;
    this.ctx.logger.log('info', 'client.locked', { reason });
    this.ctx.events.emit('locked', { reason });
  }

  /** Arms the absolute session timeout from the profile's expiresAt. */
  arm(): void {
    this.stop();
    const at = this.ctx.profile.expiresAt;
    if (!at) return;
    const delay = Math.min(Math.max(0, at - this.ctx.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => (this.ctx.now() >= at ? this.lock('session_timeout') : this.arm()), delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  async unlock(password: string): Promise<void> {
    const expiresAt = this.ctx.profile.expiresAt;
    let ended = expiresAt !== null && this.ctx.now() >= expiresAt;
    if (!ended) {
      try {
        await this.ctx.http.empty('POST', '/v1/accounts/reauthenticate', { body: { password } });
      } catch (err) {
        if (!isEnclaveError(err, 'session_expired')) throw err;
        ended = true;
      }
    }
    if (ended) await this.signInAgain(password);
    this.isLocked = false;
    this.arm();
    this.ctx.events.emit('unlocked', {});
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
