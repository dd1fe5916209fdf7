/**
 * context.ts — owns the shared state every SDK module works with (transport, encrypted store,
 * logger, profile, policy, events) and the mutex that serializes changes to cryptographic state
 * (ratchets, sender keys, prekeys), so no two operations ever advance the same state concurrently.
 */
import type { Policy } from '@enclave/protocol';
import type { TypedEmitter } from './emitter.js';
import type { Http } from './http.js';
import type { Logger } from './logger.js';
import type { EncryptedStore } from './store/encrypted-store.js';
import type { ClientEvents, Platform, Profile } from './types.js';

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface Context {
  http: Http;
  store: EncryptedStore;
  logger: Logger;
  events: TypedEmitter<ClientEvents>;
  platform: Platform;
  profile: Profile;
  policy: Policy;
  /** Serializes every change of cryptographic state. */
  crypto: Mutex;
  now: () => number;
}
