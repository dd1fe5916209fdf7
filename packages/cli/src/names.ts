// Command and flag names as the AWS CLI derives them from the model: ListNetworks → list-networks,
// GetOidcInfo → get-oidc-info, networkId → network-id.

export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
