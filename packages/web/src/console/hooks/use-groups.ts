// A network's security groups (all pages), for pickers and names.
import { listAll, type SecurityGroup } from '../api/admin';
import { useLoad } from './use-load';

export function useGroups(networkId: string) {
  return useLoad(() => listAll('ListSecurityGroups', { networkId }, (o) => o.securityGroups as SecurityGroup[]), [networkId]);
}
