// One tab per account on this browser. Two tabs of one account would share its IndexedDB profile (the
// SDK's store, session, cursors) and both act on it; so a tab holds the account's Web Lock
// (navigator.locks, per origin) from signing in or registering until its client closes. Another tab of
// the same account is shown "Enclave is open in another tab" (components/tab-guard.tsx) with **Use here**, which asks
// the holder over a BroadcastChannel to let go: the holder closes its client (connection and store),
// releases the lock and shows that Enclave was moved; the asking tab then signs in (the password is
// needed again, as after any reload). A holder that does not answer (a frozen tab) loses the lock by
// `steal` after a while. Browsers without Web Locks are not coordinated.
import type { EnclaveClient } from '@enclave/client';

export type TabState = { kind: 'free' } | { kind: 'elsewhere'; email: string; taking?: boolean } | { kind: 'moved'; email: string; taking?: boolean };
type Note = { type: 'claimed'; lock: string } | { type: 'take'; lock: string };

/** How long the holder may take to close before its lock is stolen. */
const TAKE_TIMEOUT_MS = 5000;

const channel: BroadcastChannel | undefined = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('enclave.app.tabs');
const locks: LockManager | undefined = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;

let state: TabState = { kind: 'free' };
const listeners = new Set<() => void>();
function setState(next: TabState) {
  state = next;
  for (const l of listeners) l();
}

/** The lock that stands for one account's profile on this browser. */
export function lockName(email: string): string {
  return `enclave.profile.${email.trim().toLowerCase()}`;
}

interface Held {
  name: string;
  email: string;
  client?: EnclaveClient;
  release: () => void;
  /** Settles once the lock is released. */
  finished: Promise<unknown>;
}
let held: Held | undefined;

export class TabConflict extends Error {
  readonly code = 'open_in_another_tab';
  constructor() {
    super('Enclave is open in another tab.');
  }
}

/**
 * Takes the account's lock before its profile is opened here; throws TabConflict (and shows the
 * "open in another tab" page) while another tab holds it. Give the client to attach() once signed in,
 * or call drop() when signing in failed.
 */
export async function claimProfile(email: string): Promise<{ attach(client: EnclaveClient): void; drop(): void }> {
  if (!locks) return { attach: () => undefined, drop: () => undefined };
  const name = lockName(email);
  if (held?.name === name) await releaseHeld(); // this tab signs in again
  let release!: () => void;
  const until = new Promise<void>((r) => (release = r));
  let granted = false;
  let finished!: Promise<unknown>;
  const got = await new Promise<boolean>((resolve, reject) => {
    finished = locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (!lock) return resolve(false);
        granted = true;
        resolve(true);
        await until;
      })
      .catch((err: unknown) => {
        // Stolen by a tab that asked and got no answer: this one stops using the profile.
        if (granted) void movedAway(name);
        else reject(err);
      });
  });
  if (!got) {
    setState({ kind: 'elsewhere', email: email.trim() });
    throw new TabConflict();
  }
  const mine: Held = { name, email: email.trim(), release, finished };
  held = mine;
  channel?.postMessage({ type: 'claimed', lock: name } satisfies Note);
  return {
    attach(client) {
      mine.client = client;
      // Signed out or closed here: the account is free for other tabs.
      const off = client.on('stopped', () => {
        off();
        if (held === mine) void releaseHeld();
      });
    },
    drop() {
      if (held === mine) void releaseHeld();
      else release();
    },
  };
}

function releaseHeld(): Promise<unknown> {
  const h = held;
  held = undefined;
  h?.release();
  return h?.finished ?? Promise.resolve();
}

/** Another tab took the account: close the client here, let the lock go, say so. */
async function movedAway(name: string) {
  const h = held;
  if (!h || h.name !== name) return;
  held = undefined;
  setState({ kind: 'moved', email: h.email });
  await h.client?.close().catch(() => undefined);
  h.release();
}

/** The account this tab would sign in to (the remembered email): watched while signed out here. */
let watched = '';

channel?.addEventListener('message', (ev: MessageEvent<Note>) => {
  const note = ev.data;
  if (note.type === 'take') void movedAway(note.lock);
  else if (note.type === 'claimed' && state.kind === 'free' && !held && watched && note.lock === lockName(watched)) setState({ kind: 'elsewhere', email: watched });
});

/** On load: is the remembered account already open in another tab? (And later, when one opens it.) */
export async function watchAccount(email: string): Promise<void> {
  watched = email;
  if (!locks || !email || held) return;
  const heldElsewhere = async () => (await locks.query()).held?.some((l) => l.name === lockName(email)) ?? false;
  if (!(await heldElsewhere())) return;
  // Right after a reload the page being replaced may still be letting its lock go: ask again.
  await new Promise((r) => setTimeout(r, 500));
  if (!held && state.kind === 'free' && (await heldElsewhere())) setState({ kind: 'elsewhere', email });
}

/** "Use here": the holder is asked to let go; after TAKE_TIMEOUT_MS its lock is stolen. */
export async function takeOverHere() {
  if (state.kind === 'free') return;
  const email = state.email;
  const name = lockName(email);
  setState({ ...state, taking: true });
  channel?.postMessage({ type: 'take', lock: name } satisfies Note);
  if (locks) {
    const signal = AbortSignal.timeout(TAKE_TIMEOUT_MS);
    // Granted once the holder released it; given back at once (signing in takes it for good).
    await locks.request(name, { signal }, async () => undefined).catch(() => locks.request(name, { steal: true }, async () => undefined));
  }
  setState({ kind: 'free' });
}

/** This tab's state (useTabState in hooks/ reads it in components). */
export function tabState(): TabState {
  return state;
}

/** Calls `fn` whenever this tab's state changes; returns the unsubscribe. */
export function onTabState(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

