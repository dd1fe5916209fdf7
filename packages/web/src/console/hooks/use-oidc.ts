// A network's SSO (OpenID Connect) configuration (GetOidcInfo).
import { call } from '../api/admin';
import { useLoad } from './use-load';

export function useOidc(networkId: string) {
  return useLoad(() => call('GetOidcInfo', { networkId }), [networkId]);
}
