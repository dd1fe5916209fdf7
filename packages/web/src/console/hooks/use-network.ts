// The network a page under /networks/<id>/ is about, loaded once by its layout (NetworkLayout) and
// read by the page with useNetwork().
import { createContext, useContext } from 'react';
import type { GetNetworkResponse } from '../api/admin';
import type { Loaded as LoadedState } from './use-load';

interface NetworkCtx {
  networkId: string;
  state: LoadedState<GetNetworkResponse>;
}

export const NetworkContext = createContext<NetworkCtx | null>(null);

export function useNetwork(): { networkId: string; network: GetNetworkResponse; reload: () => Promise<void>; setNetwork: (n: GetNetworkResponse) => void } {
  const ctx = useContext(NetworkContext);
  if (!ctx || !ctx.state.data) throw new Error('useNetwork outside a loaded network');
  return { networkId: ctx.networkId, network: ctx.state.data, reload: ctx.state.reload, setNetwork: ctx.state.setData };
}
