// The messenger's state (conversations, messages, presence, locks…) in a component, re-rendered as it changes.
import { useSyncExternalStore } from 'react';
import type { Messenger, MessengerState } from '../lib/messenger';

export function useMessenger(m: Messenger): MessengerState {
  return useSyncExternalStore(m.subscribe, m.get, m.get);
}
