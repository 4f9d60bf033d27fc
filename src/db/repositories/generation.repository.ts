import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type {
  GenerationRow,
  GenerationStatus,
  GenerationUpdate,
  NewGenerationRow,
} from '../tables/generations.table.ts';
import { claimDueRows, leaseFree, releaseHolderLeases, updateUnderLease } from './lease.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The states a worker still has to drive: create (or settle an unknown create), poll, deliver. */
const ACTIVE: GenerationStatus[] = ['pending', 'creating', 'unknown', 'running', 'succeeded'];

/** Inserts a generation and returns it. */
export async function insertGeneration(db: Db, row: NewGenerationRow): Promise<GenerationRow> {
  return db.insertInto('generations').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One generation by id. */
export async function findGenerationById(db: Db, id: string): Promise<GenerationRow | undefined> {
  return db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The generation paid for by a ledger charge (charge_entry_id is unique). */
export async function findGenerationByCharge(db: Db, chargeId: number): Promise<GenerationRow | undefined> {
  return db.selectFrom('generations').selectAll().where('charge_entry_id', '=', chargeId).executeTakeFirst();
}

/** The generation that holds a KIE task id (unique), if any. */
export async function findGenerationByTask(db: Db, kieTaskId: string): Promise<GenerationRow | undefined> {
  return db.selectFrom('generations').selectAll().where('kie_task_id', '=', kieTaskId).executeTakeFirst();
}

/** Locks one generation until the transaction ends. */
export async function lockGeneration(db: Db, id: string): Promise<GenerationRow | undefined> {
  return db.selectFrom('generations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Leases up to `limit` due, active, unleased rows to `workerId` until `lockedUntil` (see claimDueRows:
 * concurrent workers pick disjoint rows).
 */
export async function claimDueGenerations(
  trx: Transaction<Database>,
  claim: {
    now: Date;
    limit: number;
    workerId: string;
    lockedUntil: Date;
    /** Only these active statuses (the worker keeps creates apart from polls). @default all active */
    statuses?: readonly GenerationStatus[];
    /** Also ended rows whose user is still owed the message saying how. @default false */
    notices?: boolean;
  },
): Promise<GenerationRow[]> {
  return claimDueRows(trx, 'generations', {
    due: (eb) => {
      const active = eb('status', 'in', claim.statuses ? [...claim.statuses] : ACTIVE);
      return eb.and([
        claim.notices ? eb.or([active, eb('notice_pending', '=', true)]) : active,
        eb('next_run_at', '<=', claim.now),
        leaseFree(eb, claim.now),
      ]);
    },
    // New work (create) and finished work (deliver) first: behind thousands of overdue polls they
    // would wait minutes under KIE's 10 polls/s (measured by bench/generations.ts).
    orderBy: [sql`status = 'running'`, 'next_run_at'],
    limit: claim.limit,
    set: { locked_until: claim.lockedUntil, locked_by: claim.workerId, updated_at: claim.now },
  });
}

/**
 * Updates a row only while `workerId` still holds its lease and it is in `from`; returns undefined
 * otherwise (the lease expired and another worker took over, so this worker's result is dropped).
 */
export async function updateLeasedGeneration(
  db: Db,
  id: string,
  lease: { workerId: string; from: GenerationStatus },
  changes: GenerationUpdate,
): Promise<GenerationRow | undefined> {
  return updateUnderLease(db, 'generations', { id, holder: lease.workerId, status: lease.from }, changes);
}

/** A user's generations that have not reached KIE and no worker holds: the ones a Cancel may refund. */
export async function listCancellableGenerations(
  db: Db,
  userId: number,
  now: Date,
): Promise<GenerationRow[]> {
  return db
    .selectFrom('generations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .where((eb) => leaseFree(eb, now))
    .execute();
}

/** Moves a row from one status to another regardless of leases; undefined if it was not in `from`. */
export async function transitionGeneration(
  db: Db,
  id: string,
  from: GenerationStatus,
  changes: GenerationUpdate,
): Promise<GenerationRow | undefined> {
  return db
    .updateTable('generations')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/** Unfinished generations (not yet delivered or refunded): of one user, or of everyone. */
export async function countActiveGenerations(db: Db, userId?: number): Promise<number> {
  let query = db
    .selectFrom('generations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('status', 'in', ACTIVE);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of a user's generations, newest first, and the total count. */
export async function listUserGenerations(
  db: Db,
  userId: number,
  page: { limit: number; offset: number },
): Promise<{ rows: GenerationRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('generations')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('generations')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Makes a running generation due now (a KIE callback arrived); false when no running row has the task. */
export async function wakeGenerationByTask(db: Db, kieTaskId: string): Promise<boolean> {
  const result = await db
    .updateTable('generations')
    // Its creation time: due, and ahead of every overdue poll (the schedule counts from created_at).
    .set((eb) => ({ next_run_at: eb.ref('created_at') }))
    .where('kie_task_id', '=', kieTaskId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Gives a generation whose create outcome is unknown (or still in flight) the task KIE says it made:
 * it becomes running with that task id, due now. Undefined when the row is in neither status or already
 * has a task (adopted before, or the create answered). Throws on a task id another row holds (unique).
 */
export async function adoptGenerationTask(
  db: Db,
  id: string,
  kieTaskId: string,
  now: Date,
): Promise<GenerationRow | undefined> {
  return db
    .updateTable('generations')
    .set({
      status: 'running',
      kie_task_id: kieTaskId,
      poll_attempts: 0,
      next_run_at: now,
      locked_until: null,
      locked_by: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', 'in', ['creating', 'unknown'])
    .where('kie_task_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Stores what KIE reported it charged for a generation's task, once: undefined when it was stored
 * before (by the poll or the callback that came first) or no generation has the task.
 */
export async function recordKieCredits(
  db: Db,
  where: { readonly id: string } | { readonly kieTaskId: string },
  credits: number,
): Promise<GenerationRow | undefined> {
  let query = db
    .updateTable('generations')
    .set({ kie_credits_consumed: credits })
    .where('kie_credits_consumed', 'is', null);
  query = 'id' in where ? query.where('id', '=', where.id) : query.where('kie_task_id', '=', where.kieTaskId);
  return query.returningAll().executeTakeFirst();
}

/** Frees the leases a worker id holds (its previous process died holding them); returns how many. */
export async function releaseLeases(db: Db, workerId: string): Promise<number> {
  return releaseHolderLeases(db, 'generations', workerId, ACTIVE);
}
