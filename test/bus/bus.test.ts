// The cross-node notification bus, one behavioural suite run against both transports: the in-process
// bus of a single node and NATS (nats://127.0.0.1:4222, each test in its own namespace). Subjects
// and wildcards follow NATS ('*' one token, '>' the rest); unsubscribing stops delivery; a handler
// that throws is reported and harms no other handler; delivery is never synchronous with publish.
// For NATS, two buses on one namespace are two nodes that hear each other, and buses on different
// namespaces never hear each other. "Not delivered" is checked with a barrier event published after
// it on the same connection (delivery keeps publish order), never by waiting.
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus, MAX_EVENT_BYTES, NatsBus, openBus, type BusErrorHandler, type FlushableBus } from '../../packages/server/src/realtime/bus/index.js';

const NATS_URL = 'nats://127.0.0.1:4222';

interface Received {
  subject: string;
  event: unknown;
}

/** A handler that records what it receives; until(n) resolves once n events have arrived. */
function recorder() {
  const got: Received[] = [];
  let wake: (() => void) | undefined;
  return {
    got,
    handler: (subject: string, event: unknown) => {
      got.push({ subject, event });
      wake?.();
    },
    subjects: () => got.map((g) => g.subject),
    async until(n: number, what = `${n} events`): Promise<Received[]> {
      const deadline = Date.now() + 5000;
      while (got.length < n) {
        // The deadline only turns a lost event into a failure instead of a hang.
        if (Date.now() > deadline) throw new Error(`expected ${what}, received ${JSON.stringify(got)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return got;
    },
  };
}

/** An onError that records what it is given. */
function errorRecorder() {
  const errors: { err: unknown; subject: string }[] = [];
  const onError: BusErrorHandler = (err, subject) => {
    errors.push({ err, subject });
  };
  return { errors, onError };
}

const opened: FlushableBus[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

function newNamespace(): string {
  return `test-${randomUUID()}`;
}

const TRANSPORTS: [string, (onError?: BusErrorHandler) => Promise<FlushableBus>][] = [
  ['in process', async (onError) => new InProcessBus(onError ? { onError } : {})],
  ['NATS', async (onError) => NatsBus.connect({ servers: NATS_URL, namespace: newNamespace(), ...(onError ? { onError } : {}) })],
];

describe.each(TRANSPORTS)('the %s bus', (_name, open) => {
  async function newBus(onError?: BusErrorHandler): Promise<FlushableBus> {
    const bus = await open(onError);
    opened.push(bus);
    return bus;
  }

  /** Publishes a barrier event and waits for it: every event published before it has been delivered by then. */
  async function barrier(bus: FlushableBus): Promise<void> {
    const r = recorder();
    const off = bus.subscribe('barrier.>', r.handler);
    await bus.flush();
    await bus.publish(`barrier.${randomUUID()}`, {});
    await r.until(1, 'the barrier event');
    off();
  }

  it('delivers an event to a subscriber of its subject, as a copy of the JSON value published', async () => {
    const bus = await newBus();
    const r = recorder();
    bus.subscribe('conv.c1.seq', r.handler);
    await bus.flush();
    const event = { conversation: 'c1', seq: 42, nested: { ok: true, list: [1, 'two', null] } };
    await bus.publish('conv.c1.seq', event);
    const [got] = await r.until(1);
    expect(got?.subject).toBe('conv.c1.seq');
    expect(got?.event).toEqual(event);
    expect(got?.event).not.toBe(event);
  });

  it('never delivers during publish: handlers run after the publishing code has moved on', async () => {
    const bus = await newBus();
    const r = recorder();
    bus.subscribe('inbox.d1', r.handler);
    await bus.flush();
    const publishing = bus.publish('inbox.d1', { seq: 1 });
    expect(r.got).toHaveLength(0);
    await publishing;
    await r.until(1);
  });

  it("matches '*' against exactly one token", async () => {
    const bus = await newBus();
    const r = recorder();
    bus.subscribe('conv.*.seq', r.handler);
    await bus.flush();
    for (const subject of ['conv.c1.seq', 'conv.c1.x.seq', 'conv.seq', 'conv.c2.seq', 'conv.c3.seqs', 'other.c1.seq']) await bus.publish(subject, { subject });
    await barrier(bus);
    expect(r.subjects()).toEqual(['conv.c1.seq', 'conv.c2.seq']);
  });

  it("matches '>' against one or more remaining tokens", async () => {
    const bus = await newBus();
    const r = recorder();
    bus.subscribe('user.>', r.handler);
    const all = recorder();
    bus.subscribe('>', all.handler);
    await bus.flush();
    for (const subject of ['user.u1', 'user', 'user.u1.suspended', 'users.u1', 'group.g1.policy']) await bus.publish(subject, {});
    await barrier(bus);
    expect(r.subjects()).toEqual(['user.u1', 'user.u1.suspended']);
    expect(all.subjects().filter((s) => !s.startsWith('barrier.'))).toEqual(['user.u1', 'user', 'user.u1.suspended', 'users.u1', 'group.g1.policy']);
  });

  it('stops delivering to a subscription once it is unsubscribed, and unsubscribing twice is harmless', async () => {
    const bus = await newBus();
    const kept = recorder();
    const dropped = recorder();
    bus.subscribe('group.*.policy', kept.handler);
    const off = bus.subscribe('group.*.policy', dropped.handler);
    await bus.flush();
    await bus.publish('group.g1.policy', { n: 1 });
    await kept.until(1);
    await dropped.until(1);
    off();
    off();
    await bus.publish('group.g1.policy', { n: 2 });
    await kept.until(2);
    await barrier(bus);
    expect(dropped.got.map((g) => g.event)).toEqual([{ n: 1 }]);
    expect(kept.got.map((g) => g.event)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('does not deliver an event published before the unsubscription but not yet delivered', async () => {
    const bus = await newBus();
    const r = recorder();
    const off = bus.subscribe('late.x', r.handler);
    await bus.flush();
    const publishing = bus.publish('late.x', {});
    off();
    await publishing;
    await barrier(bus);
    // NATS may have the message in flight already; either way nothing arrives after off().
    expect(r.got).toHaveLength(0);
  });

  it('delivers one event to every matching subscription, each once', async () => {
    const bus = await newBus();
    const exact = recorder();
    const star = recorder();
    const rest = recorder();
    const other = recorder();
    bus.subscribe('conv.c9.seq', exact.handler);
    bus.subscribe('conv.*.seq', star.handler);
    bus.subscribe('conv.>', rest.handler);
    bus.subscribe('conv.c8.seq', other.handler);
    await bus.flush();
    await bus.publish('conv.c9.seq', { seq: 7 });
    await barrier(bus);
    for (const r of [exact, star, rest]) expect(r.got).toEqual([{ subject: 'conv.c9.seq', event: { seq: 7 } }]);
    expect(other.got).toHaveLength(0);
  });

  it('keeps publish order for a subscriber', async () => {
    const bus = await newBus();
    const r = recorder();
    bus.subscribe('conv.c1.seq', r.handler);
    await bus.flush();
    for (let seq = 1; seq <= 50; seq++) void bus.publish('conv.c1.seq', { seq });
    await r.until(50);
    expect(r.got.map((g) => (g.event as { seq: number }).seq)).toEqual([...Array(50).keys()].map((i) => i + 1));
  });

  it('reports a handler that throws to onError and still delivers to the other handlers, and to it again later', async () => {
    const { errors, onError } = errorRecorder();
    const bus = await newBus(onError);
    const before = recorder();
    const after = recorder();
    let calls = 0;
    bus.subscribe('user.>', before.handler);
    bus.subscribe('user.*.suspended', () => {
      calls += 1;
      throw new Error(`handler failure ${calls}`);
    });
    bus.subscribe('user.>', after.handler);
    await bus.flush();
    await bus.publish('user.u1.suspended', { user: 'u1' });
    await bus.publish('user.u2.suspended', { user: 'u2' });
    await before.until(2);
    await after.until(2);
    await barrier(bus);
    expect(calls).toBe(2);
    expect(errors.map((e) => [e.subject, (e.err as Error).message])).toEqual([
      ['user.u1.suspended', 'handler failure 1'],
      ['user.u2.suspended', 'handler failure 2'],
    ]);
  });

  it('survives an onError that throws', async () => {
    const bus = await newBus(() => {
      throw new Error('onError failed too');
    });
    const r = recorder();
    bus.subscribe('x.y', () => {
      throw new Error('handler failed');
    });
    bus.subscribe('x.y', r.handler);
    await bus.flush();
    await bus.publish('x.y', 1);
    await bus.publish('x.y', 2);
    await r.until(2);
  });

  it('refuses malformed subjects and patterns, values JSON cannot carry and oversized events', async () => {
    const bus = await newBus();
    for (const subject of ['', 'a..b', '.a', 'a.', 'a.*', 'a.>', 'a*b', 'has space', 'tab\there']) {
      await expect(bus.publish(subject, {}), subject).rejects.toBeInstanceOf(TypeError);
    }
    for (const pattern of ['', 'a.>.b', '>.a', 'a*', 'a.b*', 'a..b', 'sp ace']) {
      expect(() => bus.subscribe(pattern, () => undefined), pattern).toThrow(TypeError);
    }
    await expect(bus.publish('a.b', undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(bus.publish('a.b', () => 1)).rejects.toBeInstanceOf(TypeError);
    await expect(bus.publish('a.b', { n: 1n })).rejects.toBeInstanceOf(TypeError);
    await expect(bus.publish('a.b', { big: 'x'.repeat(MAX_EVENT_BYTES) })).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses to publish or subscribe once closed, and closing twice is harmless', async () => {
    const bus = await open();
    await bus.close();
    await bus.close();
    await expect(bus.publish('a.b', {})).rejects.toThrow(/closed/);
    expect(() => bus.subscribe('a.b', () => undefined)).toThrow(/closed/);
  });
});

describe('NATS buses as nodes', () => {
  const raw: NatsConnection[] = [];
  afterEach(async () => {
    await Promise.all(raw.splice(0).map((nc) => nc.close()));
  });

  async function node(namespace: string, onError?: BusErrorHandler): Promise<NatsBus> {
    const bus = await NatsBus.connect({ servers: NATS_URL, namespace, ...(onError ? { onError } : {}) });
    opened.push(bus);
    return bus;
  }

  it('on one namespace deliver to each other and to themselves: an event reaches every node', async () => {
    const ns = newNamespace();
    const a = await node(ns);
    const b = await node(ns);
    const atA = recorder();
    const atB = recorder();
    a.subscribe('conv.*.seq', atA.handler);
    b.subscribe('conv.*.seq', atB.handler);
    await Promise.all([a.flush(), b.flush()]);
    await a.publish('conv.c1.seq', { seq: 1, from: 'a' });
    await b.publish('conv.c1.seq', { seq: 2, from: 'b' });
    await atA.until(2);
    await atB.until(2);
    for (const r of [atA, atB]) {
      expect(r.got.map((g) => g.subject)).toEqual(['conv.c1.seq', 'conv.c1.seq']);
      expect(r.got.map((g) => g.event)).toEqual(expect.arrayContaining([{ seq: 1, from: 'a' }, { seq: 2, from: 'b' }]));
    }
  });

  it('on different namespaces never see each other’s events', async () => {
    const a = await node(newNamespace());
    const b = await node(newNamespace());
    const peerOfA = await node(a.namespace);
    const atA = recorder();
    const atB = recorder();
    const atPeer = recorder();
    a.subscribe('>', atA.handler);
    b.subscribe('>', atB.handler);
    peerOfA.subscribe('>', atPeer.handler);
    await Promise.all([a.flush(), b.flush(), peerOfA.flush()]);
    await a.publish('user.u1.suspended', { user: 'u1' });
    // Once a's event has reached a and its peer, the NATS server has routed it to every subscriber;
    // an event b then publishes to itself arrives after anything routed to b before it.
    await atA.until(1);
    await atPeer.until(1);
    await b.publish('sentinel', {});
    await atB.until(1);
    expect(atB.subjects()).toEqual(['sentinel']);
    expect(atA.subjects()).toEqual(['user.u1.suspended']);
    expect(atPeer.subjects()).toEqual(['user.u1.suspended']);
  });

  it('puts every subject under the namespace on the wire, and subscribers see it without', async () => {
    const ns = newNamespace();
    const bus = await node(ns);
    const nc = await connect({ servers: NATS_URL });
    raw.push(nc);
    const wire: string[] = [];
    nc.subscribe(`${ns}.>`, { callback: (_err, msg) => wire.push(`${msg.subject} ${new TextDecoder().decode(msg.data)}`) });
    await nc.flush();
    const r = recorder();
    bus.subscribe('device.*.inbox', r.handler);
    await bus.flush();
    await bus.publish('device.d1.inbox', { seq: 3 });
    await r.until(1);
    nc.publish(`${ns}.device.d2.inbox`, new TextEncoder().encode('{"seq":4}'));
    nc.publish('device.d3.inbox', new TextEncoder().encode('{"seq":5}'));
    await nc.flush();
    await r.until(2);
    await bus.publish('device.d4.inbox', { seq: 6 });
    await r.until(3);
    expect(wire.slice(0, 1)).toEqual([`${ns}.device.d1.inbox {"seq":3}`]);
    expect(r.got).toEqual([
      { subject: 'device.d1.inbox', event: { seq: 3 } },
      { subject: 'device.d2.inbox', event: { seq: 4 } },
      { subject: 'device.d4.inbox', event: { seq: 6 } },
    ]);
  });

  it('reports an event that is not JSON to onError instead of delivering it', async () => {
    const ns = newNamespace();
    const { errors, onError } = errorRecorder();
    const bus = await node(ns, onError);
    const r = recorder();
    bus.subscribe('conv.>', r.handler);
    await bus.flush();
    const nc = await connect({ servers: NATS_URL });
    raw.push(nc);
    nc.publish(`${ns}.conv.c1.seq`, new TextEncoder().encode('{not json'));
    nc.publish(`${ns}.conv.c1.seq`, new TextEncoder().encode('{"seq":9}'));
    await nc.flush();
    await r.until(1);
    expect(r.got).toEqual([{ subject: 'conv.c1.seq', event: { seq: 9 } }]);
    expect(errors.map((e) => e.subject)).toEqual(['conv.c1.seq']);
    expect(errors[0]?.err).toBeInstanceOf(SyntaxError);
  });

  it('delivers what a node published before it closed', async () => {
    const ns = newNamespace();
    const listener = await node(ns);
    const r = recorder();
    listener.subscribe('conv.>', r.handler);
    await listener.flush();
    const leaving = await NatsBus.connect({ servers: NATS_URL, namespace: ns });
    for (let seq = 1; seq <= 10; seq++) void leaving.publish('conv.c1.seq', { seq });
    await leaving.close();
    await r.until(10);
    expect(r.got.map((g) => (g.event as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a namespace that is not a single plain token', async () => {
    for (const namespace of ['', 'a.b', 'a*', '>', 'has space', 'x'.repeat(65)]) {
      await expect(NatsBus.connect({ servers: NATS_URL, namespace }), namespace).rejects.toBeInstanceOf(TypeError);
    }
  });
});

describe('openBus', () => {
  it('opens an in-process bus', async () => {
    const bus = await openBus({ kind: 'memory' });
    opened.push(bus);
    expect(bus).toBeInstanceOf(InProcessBus);
    const r = recorder();
    bus.subscribe('a.b', r.handler);
    await bus.publish('a.b', { ok: 1 });
    await r.until(1);
  });

  it('opens NATS buses that reach each other through the server', async () => {
    const ns = newNamespace();
    const a = await openBus({ kind: 'nats', servers: NATS_URL, namespace: ns });
    const b = await openBus({ kind: 'nats', servers: ` ${NATS_URL} , ${NATS_URL}`, namespace: ns });
    opened.push(a, b);
    expect(a).toBeInstanceOf(NatsBus);
    const r = recorder();
    b.subscribe('a.b', r.handler);
    await b.flush();
    await a.publish('a.b', { ok: 2 });
    expect(await r.until(1)).toEqual([{ subject: 'a.b', event: { ok: 2 } }]);
  });
});
