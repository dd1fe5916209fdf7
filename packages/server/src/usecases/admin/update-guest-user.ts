import { requireGuestNetwork, requireKnownGuest } from '../../domain/guests/guests.js';
import { deleteGuestBlock, insertGuestBlock } from '../../domain/guests/repo.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Blocks or unblocks a guest the network has seen (封鎖訪客使用者): a blocked guest cannot talk to
 * anyone in the network. The block records who did it (the caller's ARN) and when.
 */
export default defineCommand('UpdateGuestUser', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx.tx, ctx.actor.accountId, input.networkId, ctx.now);
  const usernameHash = input.usernameHash.toLowerCase();
  const guest = await requireKnownGuest(ctx.tx, network.network_id, usernameHash);
  if (input.block) {
    if (guest.block) throw badRequest('This user is already blocked in your network');
    await insertGuestBlock(ctx.tx, { network_id: network.network_id, username_hash: usernameHash, username: guest.username, admin: ctx.actor.principal.arn, modified: ctx.now });
  } else {
    if (!guest.block) throw badRequest('This user is not blocked in your network');
    await deleteGuestBlock(ctx.tx, network.network_id, usernameHash);
  }
  return { message: 'success' };
});
