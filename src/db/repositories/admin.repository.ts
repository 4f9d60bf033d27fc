import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { GenerationRow, GenerationStatus } from '../tables/generations.table.ts';
import type { LedgerOperation } from '../tables/ledger-entries.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

// The totals below scan whole tables: they serve an admin's command, not a user's hot path.
// Sums are cast back to bigint because sum(bigint) is numeric, which both drivers return as a string.

/** How many users exist and how many were seen since `activeSince`. */
export async function countUsers(db: Db, activeSince: Date): Promise<{ users: number; active: number }> {
  const row = await db
    .selectFrom('users')
    .select([
      sql<number>`count(*)`.as('users'),
      sql<number>`count(*) filter (where last_seen_at >= ${activeSince})`.as('active'),
    ])
    .executeTakeFirstOrThrow();
  return { users: row.users, active: row.active };
}

/** Credits held on every balance together. */
export async function sumBalances(db: Db): Promise<number> {
  const row = await db
    .selectFrom('balances')
    .select(sql<number>`coalesce(sum(balance), 0)::bigint`.as('total'))
    .executeTakeFirstOrThrow();
  return row.total;
}

/** Per ledger operation: entries, credits added and credits taken (both as positive numbers). */
export interface LedgerTotalRow {
  readonly operation: LedgerOperation;
  readonly entries: number;
  readonly credited: number;
  readonly debited: number;
}

/** Ledger totals by operation; operations without entries are absent. */
export async function sumLedgerByOperation(db: Db): Promise<LedgerTotalRow[]> {
  return db
    .selectFrom('ledger_entries')
    .select([
      'operation',
      sql<number>`count(*)`.as('entries'),
      sql<number>`coalesce(sum(amount) filter (where amount > 0), 0)::bigint`.as('credited'),
      sql<number>`coalesce(sum(-amount) filter (where amount < 0), 0)::bigint`.as('debited'),
    ])
    .groupBy('operation')
    .execute();
}

/** Generations per status; statuses without rows are absent. */
export async function countGenerationsByStatus(
  db: Db,
): Promise<Array<{ status: GenerationStatus; count: number }>> {
  return db
    .selectFrom('generations')
    .select(['status', sql<number>`count(*)`.as('count')])
    .groupBy('status')
    .execute();
}

/** A user's latest generations, newest first. */
export async function listUserGenerations(db: Db, userId: number, limit: number): Promise<GenerationRow[]> {
  return db
    .selectFrom('generations')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The latest generations in any of `statuses`, newest first. */
export async function listGenerationsByStatus(
  db: Db,
  statuses: readonly GenerationStatus[],
  limit: number,
): Promise<GenerationRow[]> {
  return db
    .selectFrom('generations')
    .selectAll()
    .where('status', 'in', [...statuses])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** A generation by its own id or by its KIE task id (an admin may paste either). */
export async function findGenerationByIdOrTask(db: Db, ref: string): Promise<GenerationRow | undefined> {
  return db
    .selectFrom('generations')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('kie_task_id', '=', ref)]))
    .executeTakeFirst();
}

/**
 * Makes a generation in one of the `active` statuses due now, so the next worker pass picks it up. A
 * row leased to a worker keeps its lease: that worker is handling it right now, and the claim query
 * skips it. Returns false when the generation is no longer active.
 */
export async function makeGenerationDue(
  db: Db,
  id: string,
  active: readonly GenerationStatus[],
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('generations')
    // least(): a row already due keeps its earlier time, so it does not lose its place in the queue.
    .set({ next_run_at: sql<Date>`least(next_run_at, ${now})`, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', [...active])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
