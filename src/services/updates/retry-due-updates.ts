import type { Update } from 'grammy/types';
import type { Logger } from '../../logger.ts';
import type { UpdateInbox } from './update-inbox.ts';

/** How many unfinished updates one pass takes at most; the rest wait for the next pass. */
const BATCH = 20;

/**
 * Runs again, through the whole middleware stack, the updates whose retry is due or whose holder
 * died (its lease ran out). Each goes through dedupe's claim like a redelivery, so an update another
 * instance (or Telegram's redelivery) took meanwhile is skipped there. Returns how many were run.
 */
export async function retryDueUpdates(deps: {
  readonly inbox: UpdateInbox;
  readonly botId: number;
  readonly handle: (update: Update) => Promise<void>;
  readonly logger: Logger;
  readonly stopped?: () => boolean;
}): Promise<number> {
  const { inbox, botId, handle, logger } = deps;
  const due = await inbox.due(botId, BATCH);
  let ran = 0;
  for (const update of due) {
    if (deps.stopped?.()) break;
    try {
      await handle(update);
    } catch (error) {
      // The claim failed (the database is away again): the update stays due for the next pass.
      logger.warn('Could not retry an update', { update_id: update.update_id, err: error });
    }
    ran++;
  }
  return ran;
}
