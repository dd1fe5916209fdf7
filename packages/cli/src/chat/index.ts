// The chat commands of `enclave` (register, login, send, listen, rooms, files, devices): a stable
// command-line contract over @enclave/client for people and scripts. See docs/client.md.
import type { Command } from 'commander';
import { registerAccountCommands } from './account.js';
import { registerMessageCommands } from './messages.js';
import { registerRoomCommands } from './rooms.js';
import { registerSsoCommands } from './sso.js';

export function registerChat(program: Command): void {
  registerAccountCommands(program);
  registerMessageCommands(program);
  registerRoomCommands(program);
  registerSsoCommands(program);
}
