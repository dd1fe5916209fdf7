// Cross-node notifications: small JSON events ("conversation X advanced to seq N", "user U
// suspended") published to every node that subscribed to a matching subject. One process uses the
// in-process bus; several nodes share NATS. The bus carries only notifications, never message
// content or anything a node could not recompute from the database after missing an event.
import { InProcessBus } from './memory.js';
import { NatsBus } from './nats.js';
import type { BusErrorHandler, FlushableBus } from './subjects.js';

export { InProcessBus, type InProcessBusOptions } from './memory.js';
export { NatsBus, type NatsBusOptions } from './nats.js';
export { checkPattern, checkSubject, MAX_EVENT_BYTES, subjectMatches, type Bus, type BusErrorHandler, type BusHandler, type FlushableBus } from './subjects.js';

export type BusConfig = { kind: 'memory' } | { kind: 'nats'; servers: string; namespace: string };

export async function openBus(config: BusConfig, options: { onError?: BusErrorHandler } = {}): Promise<FlushableBus> {
  switch (config.kind) {
    case 'memory':
      return new InProcessBus(options);
    case 'nats':
      return NatsBus.connect({ servers: config.servers, namespace: config.namespace, ...options });
  }
}
