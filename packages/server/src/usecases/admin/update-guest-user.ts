import { requireGuestNetwork, requireKnownGuest } from '../../domain/guests/guests.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Blocks or unblocks a guest the network has seen (封鎖訪客使用者): a blocked guest cannot talk to
 * anyone in the network. The block records who did it (the caller's ARN) and when.
 */
export default defineCommand('UpdateGuestUser', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx, input.networkId);
  const usernameHash = input.usernameHash.toLowerCase();
  const guest = await requireKnownGuest(ctx, network.network_id, usernameHash);
  if (input.block) {
    if (guest.block) throw badRequest('This user is already blocked in your network');
    await ctx.tx
      .insertInto('guest_blocks')
      .values({ network_id: network.network_id, username_hash: usernameHash, username: guest.username, admin: ctx.actor.principal.arn, modified: ctx.now })
      .execute();
  } else {
    if (!guest.block) throw badRequest('This user is not blocked in your network');
    await ctx.tx.deleteFrom('guest_blocks').where('network_id', '=', network.network_id).where('username_hash', '=', usernameHash).execute();
  }
  return { message: 'success' };
});
