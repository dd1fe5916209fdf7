// Whether this tab may use the account (free), another tab has it (elsewhere) or took it (moved); see
// lib/tab-lock.ts. Re-renders when that changes.
import { useSyncExternalStore } from 'react';
import { onTabState, tabState, type TabState } from '../lib/tab-lock';

export function useTabState(): TabState {
  return useSyncExternalStore(onTabState, tabState);
}
