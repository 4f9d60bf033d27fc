import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Claims an update id; returns false when it was claimed before (a redelivery). */
export async function claimUpdate(db: Kysely<Database>, botId: number, updateId: number): Promise<boolean> {
  const row = await db
    .insertInto('processed_updates')
    .values({ bot_id: botId, update_id: updateId })
    .onConflict((oc) => oc.columns(['bot_id', 'update_id']).doNothing())
    .returning('update_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes claims older than the cutoff; Telegram keeps undelivered updates for 24 h at most. */
export async function pruneProcessedUpdates(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('processed_updates')
    .where('processed_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
