// The company ID as the console shows it: with the network's region prefix (the guide's
// UE1-DemoNetworkW_drqtvva). The prefix rule is @enclave/protocol's, the one the server accepts.
import { companyIdPrefix } from '@enclave/protocol';

/** The region of a network ARN (arn:aws:wickr:<region>:<account>:network/<id>). */
export function regionOfArn(arn: string | undefined): string {
  return arn?.split(':')[3] ?? 'us-east-1';
}

export function prefixedCompanyId(companyId: string, networkArn: string | undefined): string {
  return companyId ? `${companyIdPrefix(regionOfArn(networkArn))}-${companyId}` : '';
}
