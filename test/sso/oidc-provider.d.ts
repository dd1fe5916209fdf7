// oidc-provider ships no type declarations: the little of it the SSO tests use, loosely typed.
declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http';

  interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }
  interface Context {
    oidc: {
      session?: { accountId?: string; grantIdFor(clientId: string, grantId?: string): string | undefined };
      client?: { clientId: string };
      params?: Record<string, unknown>;
      provider: Provider;
    };
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & {
      findAccount?: (ctx: Context, id: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>;
      loadExistingGrant?: (ctx: Context) => Promise<GrantInstance | undefined>;
    });
    callback(): RequestListener;
    Grant: { new (o: { clientId: string; accountId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
    RefreshToken: { adapter: { revokeByGrantId(grantId: string): Promise<void> } };
  }
}
