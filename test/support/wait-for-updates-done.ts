import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { waitUntil } from './wait-until.ts';

/**
 * Waits until the bot has finished handling every one of `updateIds` (the inbox marks an update
 * `done` only after its handler returned): whatever those updates were going to send has been sent.
 * Use it before asserting that an update did NOT cause something, instead of sleeping.
 */
export function waitForUpdatesDone(
  db: Kysely<Database>,
  updateIds: readonly number[],
  timeoutMs?: number,
): Promise<void> {
  return waitUntil(
    `updates ${updateIds.join(', ')} handled`,
    async () => {
      const done = await db
        .selectFrom('processed_updates')
        .select('update_id')
        .where('update_id', 'in', [...updateIds])
        .where('state', '=', 'done')
        .execute();
      return done.length === updateIds.length;
    },
    timeoutMs,
  );
}
