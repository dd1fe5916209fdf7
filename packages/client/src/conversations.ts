/**
 * conversations.ts — owns the directory and conversation routes: searching the network directory,
 * looking users up by e-mail, listing, creating (rooms, groups, DMs), updating, leaving and deleting
 * conversations. Members may be given as user IDs or e-mail addresses. After a removal the local
 * sender key is marked for rotation at once. Sends no message content.
 */
import { Conversation, CreateConversationRequest, UpdateConversationRequest, type Member } from '@enclave/protocol';
import type { Context } from './context.js';
import type { Directory } from './directory.js';
import { q } from './http.js';
import type { LocalMessages } from './local-messages.js';
import { DirectoryResponse, LookupResponse } from './schemas.js';
import type { SenderKeys } from './sender-keys.js';

export type UserRef = number | string;

export interface ConversationPatch {
  name?: string;
  description?: string;
  addMembers?: UserRef[];
  removeMembers?: UserRef[];
  addModerators?: UserRef[];
  removeModerators?: UserRef[];
}

export class Conversations {
  constructor(
    private readonly ctx: Context,
    private readonly dir: Directory,
    private readonly senderKeys: SenderKeys,
    private readonly local: LocalMessages,
  ) {}

  async directory(query = '', limit = 50): Promise<Member[]> {
    const { members } = await this.ctx.http.json('GET', `/v1/directory?q=${q(query)}&limit=${limit}`, DirectoryResponse);
    this.dir.rememberMembers(members);
    return members;
  }

  async lookup(email: string) {
    const r = await this.ctx.http.json('GET', `/v1/users/lookup?email=${q(email)}`, LookupResponse);
    this.dir.rememberMembers([r.member]);
    return r;
  }

  /** User IDs for IDs or e-mail addresses. */
  async resolve(users: UserRef[]): Promise<number[]> {
    const out: number[] = [];
    for (const u of users) {
      if (typeof u === 'number') out.push(u);
      else if (/^\d+$/.test(u)) out.push(Number(u));
      else out.push((await this.lookup(u)).member.userId);
    }
    return out;
  }

  list(): Promise<Conversation[]> {
    return this.dir.list();
  }

  get(id: string): Promise<Conversation> {
    return this.dir.get(id, true);
  }

  private async create(kind: Conversation['kind'], members: UserRef[], extra: { name?: string; description?: string } = {}): Promise<Conversation> {
    const body = CreateConversationRequest.parse({ kind, members: await this.resolve(members), ...extra });
    const c = await this.ctx.http.json('POST', '/v1/conversations', Conversation, { body });
    this.dir.remember(c);
    return c;
  }

  createRoom(o: { name: string; description?: string; members: UserRef[] }): Promise<Conversation> {
    return this.create('room', o.members, { name: o.name, ...(o.description !== undefined ? { description: o.description } : {}) });
  }

  createGroup(members: UserRef[], name?: string): Promise<Conversation> {
    return this.create('group', members, name !== undefined ? { name } : {});
  }

  /** The DM with a user (the server returns the existing one). */
  openDm(user: UserRef): Promise<Conversation> {
    return this.create('dm', [user]);
  }

  async update(conv: string, patch: ConversationPatch): Promise<Conversation> {
    const body = UpdateConversationRequest.parse({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.addMembers ? { addMembers: await this.resolve(patch.addMembers) } : {}),
      ...(patch.removeMembers ? { removeMembers: await this.resolve(patch.removeMembers) } : {}),
      ...(patch.addModerators ? { addModerators: await this.resolve(patch.addModerators) } : {}),
      ...(patch.removeModerators ? { removeModerators: await this.resolve(patch.removeModerators) } : {}),
    });
    const c = await this.ctx.http.json('PATCH', `/v1/conversations/${q(conv)}`, Conversation, { body });
    this.dir.remember(c);
    this.dir.invalidateDevices(conv);
    if (body.removeMembers?.length) await this.ctx.crypto.run(() => this.senderKeys.requireRotation(conv));
    return c;
  }

  async leave(conv: string): Promise<void> {
    await this.ctx.http.empty('POST', `/v1/conversations/${q(conv)}/leave`);
    await this.forgetLocally(conv);
  }

  async delete(conv: string): Promise<void> {
    await this.ctx.http.empty('DELETE', `/v1/conversations/${q(conv)}`);
    await this.forgetLocally(conv);
  }

  /** Drops keys, held and stored messages of a conversation this device no longer belongs to. */
  async forgetLocally(conv: string): Promise<void> {
    await this.ctx.crypto.run(() => this.senderKeys.forgetConversation(conv));
    await this.local.forgetConversation(conv);
    await this.dir.forget(conv);
  }
}
