import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type {
  NewProtocolJobRow,
  ProtocolJobRow,
  ProtocolJobStatus,
  ProtocolJobUpdate,
} from '../tables/protocol-jobs.table.ts';
import { claimDueRows, leaseFree, updateIfLeaseHeld } from './lease.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts a job and returns it. */
export async function insertProtocolJob(db: Db, row: NewProtocolJobRow): Promise<ProtocolJobRow> {
  return db.insertInto('protocol_jobs').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One job by id. */
export async function findProtocolJob(db: Db, id: string): Promise<ProtocolJobRow | undefined> {
  return db.selectFrom('protocol_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks one job until the transaction ends. */
export async function lockProtocolJob(db: Db, id: string): Promise<ProtocolJobRow | undefined> {
  return db.selectFrom('protocol_jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Changes a job only while it is in `from`; undefined when it was not. */
export async function updateProtocolJob(
  db: Db,
  id: string,
  from: ProtocolJobStatus,
  changes: ProtocolJobUpdate,
): Promise<ProtocolJobRow | undefined> {
  return db
    .updateTable('protocol_jobs')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/** Changes a running job only while `workerId` holds its lease; false when it does not any more. */
export async function updateLeasedProtocolJob(
  db: Db,
  id: string,
  workerId: string,
  changes: ProtocolJobUpdate,
): Promise<boolean> {
  return updateIfLeaseHeld(db, 'protocol_jobs', { id, holder: workerId, status: 'running' }, changes);
}

/**
 * Leases up to `limit` running jobs nobody holds (no lease, or an expired one) to `workerId` and
 * counts the pick-up in `resumes` (see claimDueRows: concurrent instances pick disjoint rows).
 */
export async function claimAbandonedProtocolJobs(
  trx: Transaction<Database>,
  claim: { now: Date; limit: number; workerId: string; lockedUntil: Date },
): Promise<ProtocolJobRow[]> {
  return claimDueRows(trx, 'protocol_jobs', {
    due: (eb) => eb.and([eb('status', '=', 'running'), leaseFree(eb, claim.now)]),
    orderBy: ['started_at'],
    limit: claim.limit,
    set: (eb) => ({
      locked_by: claim.workerId,
      locked_until: claim.lockedUntil,
      resumes: eb('resumes', '+', 1),
      updated_at: claim.now,
    }),
  });
}

/** Deletes quotes nobody confirmed before `before` (their text goes with them). */
export async function deleteStaleQuotes(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('protocol_jobs')
    .where('status', '=', 'quoted')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Stores a finished segment's notes; a repeat (two workers after a lease takeover) keeps the first. */
export async function insertSegmentNotes(db: Db, jobId: string, idx: number, notes: string): Promise<void> {
  await db
    .insertInto('protocol_segments')
    .values({ job_id: jobId, idx, notes })
    .onConflict((oc) => oc.columns(['job_id', 'idx']).doNothing())
    .execute();
}

/** The finished segments of a job, by index. */
export async function listSegmentNotes(db: Db, jobId: string): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('protocol_segments')
    .select(['idx', 'notes'])
    .where('job_id', '=', jobId)
    .execute();
  return new Map(rows.map((r) => [r.idx, r.notes]));
}

/** Drops a finished job's segment notes (they hold text derived from the user's). */
export async function deleteSegmentNotes(db: Db, jobId: string): Promise<void> {
  await db.deleteFrom('protocol_segments').where('job_id', '=', jobId).execute();
}

/**
 * Failed jobs whose user is still owed the failure message and whose next try is due; each claimed
 * row's next try moves to `dueAgain` (the notice's own lease), so no other instance tells the user
 * at the same time.
 */
export async function claimOwedProtocolNotices(
  trx: Transaction<Database>,
  claim: { now: Date; limit: number; dueAgain: Date },
): Promise<ProtocolJobRow[]> {
  return claimDueRows(trx, 'protocol_jobs', {
    due: (eb) => eb.and([eb('notice', 'is not', null), eb('notice_due_at', '<=', claim.now)]),
    orderBy: ['notice_due_at'],
    limit: claim.limit,
    set: { notice_due_at: claim.dueAgain, updated_at: claim.now },
  });
}
