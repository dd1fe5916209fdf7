/**
 * chat/safety.ts — owns `enclave safety-number`, `enclave verify` and the device-list commands
 * `enclave devices pending|confirm|reset-identity|fingerprint` (docs/protocol.md, "Device lists and
 * safety numbers"): printing the safety number with a contact (digits and a terminal QR code),
 * marking a contact verified (only when the compared number matches, if one is given), clearing it,
 * accepting a verified contact's identity change, and approving a new device of this account into
 * its signed device list. Prints public fingerprints only, never keys.
 */
import type { Command } from 'commander';
import QRCode from 'qrcode';
import type { SafetyNumber } from '@enclave/client';
import { openClient, printJson, profileOptions, type ProfileFlags } from './common.js';

/** 60 digits as three lines of four groups (as Signal shows them). */
export function safetyLines(digits: string): string {
  const groups = digits.split(' ');
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '));
  return lines.join('\n');
}

function stateOf(sn: SafetyNumber): string {
  if (sn.confirmRequired) return 'CHANGED: this contact was verified and their safety number changed; sending waits for `enclave verify --confirm-change` or a new comparison.';
  return sn.verified ? 'Verified.' : 'Not verified. Compare it with your contact in person or over a trusted channel, then run `enclave verify`.';
}

export function registerSafetyCommands(program: Command, devices: Command): void {
  profileOptions(
    program
      .command('safety-number')
      .description('show the safety number with a contact (digits and a QR code) to compare with theirs')
      .requiredOption('--contact <email>', "the contact's email address")
      .option('--json', 'print { contact, userId, digits, qr, verified, confirmRequired } as JSON')
      .option('--no-qr', 'do not draw the QR code'),
  ).action(async (flags: ProfileFlags & { contact: string; json?: boolean; qr: boolean }) => {
    const { client, done } = await openClient(flags);
    try {
      const sn = await client.safetyNumber(flags.contact);
      if (flags.json) return printJson({ contact: flags.contact, userId: sn.userId, digits: sn.digits, qr: sn.qr, verified: sn.verified, confirmRequired: sn.confirmRequired });
      process.stdout.write(`Safety number with ${flags.contact}:\n\n${safetyLines(sn.digits)}\n\n`);
      if (flags.qr) process.stdout.write(`${await QRCode.toString(sn.qr, { type: 'terminal', small: true, errorCorrectionLevel: 'M' })}\n`);
      process.stdout.write(`${stateOf(sn)}\n`);
    } finally {
      await done();
    }
  });

  profileOptions(
    program
      .command('verify')
      .description('mark a contact verified after comparing safety numbers (or clear it, or accept a changed one)')
      .requiredOption('--contact <email>', "the contact's email address")
      .option('--safety-number <digits>', 'the number your contact read out, or the text of their scanned QR code: verified only if it matches')
      .option('--clear', 'clear the verification')
      .option('--confirm-change', "accept a verified contact's new safety number without comparing (sending resumes; not verified)"),
  ).action(async (flags: ProfileFlags & { contact: string; safetyNumber?: string; clear?: boolean; confirmChange?: boolean }) => {
    const { client, done } = await openClient(flags);
    try {
      if (flags.clear) {
        await client.clearVerification(flags.contact);
        process.stdout.write(`${flags.contact} is no longer marked verified.\n`);
      } else if (flags.confirmChange) {
        await client.confirmIdentityChange(flags.contact);
        process.stdout.write(`Accepted the new safety number of ${flags.contact} (not verified).\n`);
      } else {
        await client.markVerified(flags.contact, flags.safetyNumber);
        process.stdout.write(`${flags.contact} is verified.\n`);
      }
    } finally {
      await done();
    }
  });

  profileOptions(devices.command('pending').description("new devices of this account waiting to be approved into its signed device list").option('--json', 'one JSON object per device')).action(
    async (flags: ProfileFlags & { json?: boolean }) => {
      const { client, done } = await openClient(flags);
      try {
        for (const d of await client.pendingDevices()) {
          if (flags.json) printJson(d);
          else process.stdout.write(`${d.deviceId}\t${d.type}\t${d.client}\t${new Date(d.created).toISOString()}\tfingerprint ${d.fingerprint}\n`);
        }
      } finally {
        await done();
      }
    },
  );
  profileOptions(
    devices
      .command('confirm')
      .description('approve a new device of this account into its signed device list (compare its fingerprint first: `enclave devices fingerprint` on it)')
      .requiredOption('--device <id>', 'device ID'),
  ).action(async (flags: ProfileFlags & { device: string }) => {
    const { client, done } = await openClient(flags);
    try {
      await client.approveNewDevice(flags.device);
      process.stdout.write(`Device ${flags.device} is now in your signed device list.\n`);
    } finally {
      await done();
    }
  });
  profileOptions(devices.command('reset-identity').description('start your account over from this device: every contact sees a new safety number')).action(async (flags: ProfileFlags) => {
    const { client, done } = await openClient(flags);
    try {
      await client.resetIdentity();
      process.stdout.write('Your safety number was reset: your contacts see a new one and must compare it again.\n');
    } finally {
      await done();
    }
  });
  profileOptions(devices.command('fingerprint').description("this device's key fingerprint and whether it is in the account's signed device list").option('--json', 'print JSON')).action(
    async (flags: ProfileFlags & { json?: boolean }) => {
      const { client, done } = await openClient(flags);
      try {
        const state = await client.syncDevices();
        if (flags.json) return printJson({ deviceId: client.deviceId, fingerprint: client.deviceFingerprint, deviceList: state });
        process.stdout.write(`Device ${client.deviceId}\nFingerprint: ${client.deviceFingerprint}\n${state === 'trusted' ? 'In your signed device list.' : 'Not in your signed device list yet: approve it on another device with `enclave devices confirm --device ' + client.deviceId + '`, or run `enclave devices reset-identity`.'}\n`);
      } finally {
        await done();
      }
    },
  );
}
