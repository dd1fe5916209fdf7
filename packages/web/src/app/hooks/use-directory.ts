// Searches the team directory as the member types (this network's active members, not oneself).
import type { Member } from '@enclave/protocol';
import { useEffect, useState } from 'react';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';

/** Searches the team directory as the member types (this network's active members, not oneself). */
export function useDirectory(messenger: Messenger, query: string): { members: Member[]; error: ErrorInfo | null; loading: boolean } {
  const [members, setMembers] = useState<Member[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      messenger.client.directory(query.trim(), 50).then(
        (list) => {
          if (!live) return;
          setMembers(list.filter((m) => m.userId !== messenger.client.userId));
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (!live) return;
          setError(errorInfo(err));
          setLoading(false);
        },
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [messenger, query]);
  return { members, error, loading };
}
