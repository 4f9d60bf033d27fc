import type { Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { AdminIncidentRow } from '../tables/admin-incidents.table.ts';

// An incident's row is read and written under its row lock, so these take the transaction that holds it.

/**
 * Locks an incident's row, creating it first if it is new. A new row was never alerted (alerted_at is
 * the epoch) and has no occurrences yet; concurrent first occurrences create it once.
 */
export async function lockIncident(
  trx: Transaction<Database>,
  incident: string,
  now: Date,
): Promise<AdminIncidentRow> {
  await trx
    .insertInto('admin_incidents')
    .values({ incident, alerted_at: new Date(0), occurrences: 0, last_seen_at: now })
    .onConflict((oc) => oc.column('incident').doNothing())
    .execute();
  return trx
    .selectFrom('admin_incidents')
    .selectAll()
    .where('incident', '=', incident)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Records that admins were alerted now: this occurrence is the first of a new quiet period. */
export async function markIncidentAlerted(
  trx: Transaction<Database>,
  incident: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('admin_incidents')
    .set({ alerted_at: now, occurrences: 1, last_seen_at: now })
    .where('incident', '=', incident)
    .execute();
}

/** Counts one more occurrence inside the quiet period, on the row `lockIncident` returned. */
export async function countIncidentOccurrence(
  trx: Transaction<Database>,
  locked: AdminIncidentRow,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('admin_incidents')
    .set({ occurrences: locked.occurrences + 1, last_seen_at: now })
    .where('incident', '=', locked.incident)
    .execute();
}
