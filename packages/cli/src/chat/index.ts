// The chat commands of `enclave` (register, login, send, listen, rooms, files, devices, safety-number, verify): a stable
// command-line contract over @enclave/client for people and scripts. See docs/client.md.
import type { Command } from 'commander';
import { registerAccountCommands } from './account.js';
import { registerMessageCommands } from './messages.js';
import { registerRoomCommands } from './rooms.js';
import { registerSafetyCommands } from './safety.js';
import { registerSsoCommands } from './sso.js';

export function registerChat(program: Command): void {
  registerAccountCommands(program);
  registerMessageCommands(program);
  registerRoomCommands(program);
  registerSafetyCommands(program, program.commands.find((c) => c.name() === 'devices')!);
  registerSsoCommands(program);
}
