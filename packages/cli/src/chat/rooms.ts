/**
 * chat/rooms.ts — owns `enclave rooms create|list|add-member|remove-member|leave|delete`: room
 * administration through the SDK. Prints conversation IDs and metadata, never message content.
 */
import type { Command } from 'commander';
import type { Conversation } from '@enclave/protocol';
import { openClient, printJson, profileOptions, type ProfileFlags } from './common.js';

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

function line(c: Conversation): string {
  return `${c.id}\t${c.kind}\t${c.name || '-'}\t${c.members.map((m) => `${m.email}${m.role === 'moderator' ? '*' : ''}`).join(',')}\n`;
}

export function registerRoomCommands(program: Command): void {
  const rooms = program.command('rooms').description('rooms and group conversations');

  profileOptions(
    rooms
      .command('create')
      .description('create a room and print its ID')
      .requiredOption('--name <name>', 'room name')
      .option('--description <text>', 'room description')
      .option('--member <email...>', 'members to add (repeat or comma-separate)')
      .option('--json', 'print the conversation as JSON'),
  ).action(async (flags: ProfileFlags & { name: string; description?: string; member?: string[]; json?: boolean }) => {
    const { client, done } = await openClient(flags);
    try {
      const members = (flags.member ?? []).flatMap((m) => collect(m));
      const c = await client.createRoom({ name: flags.name, members, ...(flags.description !== undefined ? { description: flags.description } : {}) });
      if (flags.json) printJson(c);
      else process.stdout.write(`${c.id}\n`);
    } finally {
      await done();
    }
  });

  profileOptions(rooms.command('list').description('list conversations (ID, kind, name, members; * = moderator)').option('--json', 'one JSON object per conversation')).action(
    async (flags: ProfileFlags & { json?: boolean }) => {
      const { client, done } = await openClient(flags);
      try {
        for (const c of await client.conversations()) {
          if (flags.json) printJson(c);
          else process.stdout.write(line(c));
        }
      } finally {
        await done();
      }
    },
  );

  for (const [name, desc, key] of [
    ['add-member', 'add members to a room (moderators)', 'addMembers'],
    ['remove-member', 'remove members from a room (moderators)', 'removeMembers'],
  ] as const) {
    profileOptions(rooms.command(name).description(desc).requiredOption('--room <id>', 'room ID').requiredOption('--member <email...>', 'members (repeat or comma-separate)')).action(
      async (flags: ProfileFlags & { room: string; member: string[] }) => {
        const { client, done } = await openClient(flags);
        try {
          const c = await client.updateConversation(flags.room, { [key]: flags.member.flatMap((m) => collect(m)) });
          process.stdout.write(line(c));
        } finally {
          await done();
        }
      },
    );
  }

  profileOptions(rooms.command('leave').description('leave a room or group').requiredOption('--room <id>', 'room ID')).action(async (flags: ProfileFlags & { room: string }) => {
    const { client, done } = await openClient(flags);
    try {
      await client.leave(flags.room);
    } finally {
      await done();
    }
  });

  profileOptions(rooms.command('delete').description('delete a room (moderators) or group (its creator)').requiredOption('--room <id>', 'room ID')).action(
    async (flags: ProfileFlags & { room: string }) => {
      const { client, done } = await openClient(flags);
      try {
        await client.deleteConversation(flags.room);
      } finally {
        await done();
      }
    },
  );
}
