/**
 * lock.ts — owns the session timers the SDK enforces for the security group and the network:
 * alwaysReauthenticate (locked whenever the app returns from the background), the absolute session
 * timeout (locked at the session's expiresAt), the network's idle timeout (locked after that long
 * without activity), and unlocking with the password (`POST /v1/accounts/reauthenticate`, or
 * signing the stored device in again once the session has ended). Never keeps the password.
 */
import type { Context } from './context.js';
import { isEnclaveError } from './errors.js';

export class SessionLock {
  private isLocked = false;
  private suspendedAt?: number;
  private timer?: ReturnType<typeof setTimeout>;
  private idleTimer?: ReturnType<typeof setInterval>;
  private lastActivity: number;

  constructor(
    private readonly ctx: Context,
    /** Signs the stored device in again with the password (new token and expiresAt). */
    private readonly signInAgain: (password: string) => Promise<void>,
  ) {
    this.lastActivity = ctx.now();
  }

  /** The member did something (the app calls this on input; SDK calls that act count too). */
  touch(): void {
    this.lastActivity = this.ctx.now();
  }

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
    // The network's idle timeout: no activity for that long locks the client.
    const idle = this.ctx.policy.idleTimeoutMinutes ?? 0;
    if (idle > 0 && this.ctx.now() - this.lastActivity >= idle * 60_000) this.lock('idle');
  }

  lock(reason: 'resume' | 'session_timeout' | 'idle'): void {
    if (this.isLocked) return;
    this.isLocked = true;
    this.ctx.logger.log('info', 'client.locked', { reason });
    this.ctx.events.emit('locked', { reason });
  }

  /** Arms the absolute session timeout from the profile's expiresAt, and the idle check. */
  arm(): void {
    this.stop();
    this.idleTimer = setInterval(() => this.check(), 15_000);
    (this.idleTimer as { unref?: () => void }).unref?.();
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
    this.touch();
    this.arm();
    this.ctx.events.emit('unlocked', {});
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }
}
