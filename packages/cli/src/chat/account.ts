/**
 * chat/account.ts — owns `enclave register`, `enclave login` and `enclave devices
 * list|approve|code|email-code|reset`: signing a profile in and managing its devices (the
 * device-list commands are in safety.ts). Prints the
 * master recovery key only when the server returns it at registration; never prints passwords.
 */
import type { Command } from 'commander';
import { EnclaveClient } from '@enclave/client';
import { CLIENT_NAME, finish, openClient, passwordOf, printJson, profileOptions, storeOptions, type ProfileFlags } from './common.js';

interface RegisterFlags extends ProfileFlags {
  server: string;
  email: string;
  inviteCode: string;
  firstName?: string;
  lastName?: string;
  json?: boolean;
}

function report(client: EnclaveClient, json: boolean | undefined, verb: string): void {
  const me = client.me;
  const out = { userId: me.member.userId, email: me.member.email, deviceId: client.deviceId, deviceStatus: client.pendingApproval ? 'PENDING_APPROVAL' : 'ACTIVE', ...(client.recoveryKey ? { recoveryKey: client.recoveryKey } : {}) };
  if (!client.pendingApproval && client.deviceListState === 'pending') {
    process.stderr.write(
      `This device is not in your account's signed device list yet, so your contacts do not encrypt to it. On one of your other devices, compare its fingerprint\n  ${client.deviceFingerprint}\n` +
        `and run \`enclave devices confirm --device ${client.deviceId}\`; or run \`enclave devices reset-identity\` here (your contacts then see a new safety number).\n`,
    );
  }
  if (json) return printJson(out);
  process.stdout.write(`${verb} ${out.email} (user ${out.userId}), device ${out.deviceId}${client.pendingApproval ? ' (waiting for approval)' : ''}\n`);
  if (client.recoveryKey) process.stdout.write(`Master recovery key: ${client.recoveryKey}\n`);
  if (client.pendingApproval) process.stderr.write('Approve this device with `enclave devices approve --code CODE` (a code from another device or your email) or --recovery-key.\n');
}

export function registerAccountCommands(program: Command): void {
  profileOptions(
    program
      .command('register')
      .description('register an invited account (invite code from BatchCreateUser) and create this profile')
      .requiredOption('--server <url>', 'Enclave server URL')
      .requiredOption('--email <email>', 'email address')
      .requiredOption('--invite-code <code>', 'invite code')
      .option('--first-name <name>', 'first name')
      .option('--last-name <name>', 'last name')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: RegisterFlags) => {
    const o = await storeOptions(flags);
    let client: EnclaveClient | undefined;
    try {
      client = await EnclaveClient.register({
        server: flags.server,
        email: flags.email,
        inviteCode: flags.inviteCode,
        password: passwordOf(flags),
        ...(flags.firstName !== undefined ? { firstName: flags.firstName } : {}),
        ...(flags.lastName !== undefined ? { lastName: flags.lastName } : {}),
        deviceType: 'cli',
        clientName: CLIENT_NAME,
        store: o.store,
        platform: o.platform,
        ...(o.logger ? { logger: o.logger } : {}),
      });
      report(client, flags.json, 'Registered');
    } finally {
      await finish(client, o.close);
    }
  });

  profileOptions(
    program
      .command('login')
      .description("sign in: the profile's device, or a new device (which may need approval)")
      .requiredOption('--server <url>', 'Enclave server URL')
      .requiredOption('--email <email>', 'email address')
      .option('--network-id <id>', 'network, when the address belongs to several')
      .option('--reset-identity', "a new device resets the account's safety number instead of waiting for approval by another device")
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: ProfileFlags & { server: string; email: string; networkId?: string; resetIdentity?: boolean; json?: boolean }) => {
    const o = await storeOptions(flags);
    let client: EnclaveClient | undefined;
    try {
      client = await EnclaveClient.login({
        server: flags.server,
        email: flags.email,
        password: passwordOf(flags),
        ...(flags.networkId ? { networkId: flags.networkId } : {}),
        ...(flags.resetIdentity ? { newDevice: 'reset' as const } : {}),
        deviceType: 'cli',
        clientName: CLIENT_NAME,
        store: o.store,
        platform: o.platform,
        ...(o.logger ? { logger: o.logger } : {}),
      });
      report(client, flags.json, 'Signed in');
    } finally {
      await finish(client, o.close);
    }
  });

  const devices = program.command('devices').description("this account's devices");
  profileOptions(devices.command('list').description('list the devices of this account').option('--json', 'one JSON object per device')).action(
    async (flags: ProfileFlags & { json?: boolean }) => {
      const { client, done } = await openClient(flags);
      try {
        for (const d of await client.devices()) {
          if (flags.json) printJson(d);
          else process.stdout.write(`${d.deviceId}\t${d.status}\t${d.type}\t${d.client}${d.deviceId === client.deviceId ? '\t(this device)' : ''}\n`);
        }
      } finally {
        await done();
      }
    },
  );
  profileOptions(
    devices.command('approve').description('approve this (pending) device').option('--code <code>', 'code from another device or from email').option('--recovery-key <key>', 'master recovery key'),
  ).action(async (flags: ProfileFlags & { code?: string; recoveryKey?: string }) => {
    if (!flags.code === !flags.recoveryKey) throw new Error('Give exactly one of --code and --recovery-key.');
    const { client, done } = await openClient(flags);
    try {
      await client.approveDevice(flags.code ? { code: flags.code } : { recoveryKey: flags.recoveryKey! });
      process.stdout.write(`Device ${client.deviceId} approved.\n`);
    } finally {
      await done();
    }
  });
  profileOptions(devices.command('code').description('create a code (valid 10 minutes) that approves a new device')).action(async (flags: ProfileFlags) => {
    const { client, done } = await openClient(flags);
    try {
      process.stdout.write(`${(await client.createApprovalCode()).code}\n`);
    } finally {
      await done();
    }
  });
  profileOptions(devices.command('email-code').description('email a code that approves this pending device')).action(async (flags: ProfileFlags) => {
    const { client, done } = await openClient(flags);
    try {
      await client.requestEmailCode();
      process.stdout.write('A code was sent to your email address.\n');
    } finally {
      await done();
    }
  });
  profileOptions(devices.command('reset').description('sign a device out and revoke its keys').requiredOption('--device <id>', 'device ID')).action(
    async (flags: ProfileFlags & { device: string }) => {
      const { client, done } = await openClient(flags);
      try {
        await client.resetDevice(flags.device);
        process.stdout.write(`Device ${flags.device} reset.\n`);
      } finally {
        await done();
      }
    },
  );
}
