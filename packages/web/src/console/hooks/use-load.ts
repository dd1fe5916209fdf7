// Loads data for a page with loading / error states and a reload that keeps the old data visible.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (update: T | ((old: T | undefined) => T)) => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const out = await loadRef.current();
      if (n === seq.current) {
        setDataState(out);
        setError(undefined);
      }
    } catch (err) {
      if (n === seq.current) setError(err);
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setDataState(undefined);
    void reload();
  }, deps);

  const setData = useCallback((update: T | ((old: T | undefined) => T)) => {
    setDataState((old) => (typeof update === 'function' ? (update as (o: T | undefined) => T)(old) : update));
  }, []);

  return { data, error, loading, reload, setData };
}
