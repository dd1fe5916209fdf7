/**
 * chat/sso.ts — owns `enclave sso-login`: signing a profile in with single sign-on (docs/sso.md). The
 * command asks the server for the identity provider's URL for a company ID and prints it; the member
 * signs in there in any browser, and the server's callback page shows a one-time sign-in code, which
 * the member pastes back (stdin). Only this command can redeem it (it holds the binding secret). The
 * profile is encrypted under --password, which for an SSO member is a device passphrase: it never
 * leaves this machine (not sent to Enclave, not to the identity provider). Never prints secrets.
 */
import type { Command } from 'commander';
import { completeSso, EnclaveClient, startSso } from '@enclave/client';
import { CliError, EXIT_USAGE } from '../errors.js';
import { CLIENT_NAME, finish, handleConsent, passwordOf, printJson, profileOptions, storeOptions, type ProfileFlags } from './common.js';

interface SsoFlags extends ProfileFlags {
  server: string;
  companyId: string;
  json?: boolean;
}

/** One line from stdin (the pasted sign-in code). */
async function readLine(prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  try {
    return (await rl.question(prompt)).trim();
  } finally {
    rl.close();
  }
}

export function registerSsoCommands(program: Command): void {
  profileOptions(
    program
      .command('sso-login')
      .description('sign in with SSO (company ID → identity provider in a browser → paste the sign-in code); --password is the device passphrase of this profile')
      .requiredOption('--server <url>', 'Enclave server URL')
      .requiredOption('--company-id <id>', 'company ID from your administrator (with or without its prefix, e.g. UE1-Acme_Ops)')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: SsoFlags) => {
    const passphrase = passwordOf(flags);
    if ([...passphrase].length < 10) throw new CliError('The device passphrase (--password) must have at least 10 characters: it is the only key of this profile.', EXIT_USAGE);
    const o = await storeOptions(flags);
    const logger = o.logger;
    const start = await startSso({ server: flags.server, companyId: flags.companyId, client: 'cli', ...(logger ? { logger } : {}) });
    process.stderr.write(`Open this address in a browser and sign in with your identity provider:\n\n  ${start.authorizationUrl}\n\nThen paste the sign-in code the page shows.\n`);
    const ticket = await readLine('Sign-in code: ');
    if (!ticket) {
      await o.close();
      throw new CliError('No sign-in code was entered.', EXIT_USAGE);
    }
    await completeSso({ server: flags.server, ticket, binding: start.binding, passphrase, store: o.store, deviceType: 'cli', clientName: CLIENT_NAME, ...(logger ? { logger } : {}) });
    // completeSso closed the store: open the profile again as the other commands do.
    const again = await storeOptions(flags);
    let client: EnclaveClient | undefined;
    try {
      client = await EnclaveClient.open({ store: again.store, platform: again.platform, password: passphrase, ...(again.logger ? { logger: again.logger } : {}) });
      await handleConsent(client, flags);
      const out = { userId: client.me.member.userId, email: client.me.member.email, deviceId: client.deviceId, deviceStatus: client.pendingApproval ? 'PENDING_APPROVAL' : 'ACTIVE', sso: true };
      if (flags.json) printJson(out);
      else process.stdout.write(`Signed in with SSO ${out.email} (user ${out.userId}), device ${out.deviceId}${client.pendingApproval ? ' (waiting for approval)' : ''}\n`);
    } finally {
      await finish(client, async () => {
        await again.close();
        await o.close().catch(() => undefined);
      });
    }
  });
}
