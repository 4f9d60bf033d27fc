import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type {
  GenerationRow,
  GenerationStatus,
  GenerationUpdate,
  NewGenerationRow,
} from '../tables/generations.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The states a worker still has to drive. */
const ACTIVE: GenerationStatus[] = ['pending', 'running'];

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

/** Locks one generation until the transaction ends. */
export async function lockGeneration(db: Db, id: string): Promise<GenerationRow | undefined> {
  return db.selectFrom('generations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Leases up to `limit` due, active, unleased rows to `workerId` until `lockedUntil`. SKIP LOCKED lets
 * concurrent workers pick disjoint rows; the lease keeps them disjoint after this transaction commits.
 */
export async function claimDueGenerations(
  trx: Transaction<Database>,
  claim: { now: Date; limit: number; workerId: string; lockedUntil: Date },
): Promise<GenerationRow[]> {
  const due = await trx
    .selectFrom('generations')
    .select('id')
    .where('status', 'in', ACTIVE)
    .where('next_run_at', '<=', claim.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', claim.now)]))
    .orderBy('next_run_at')
    .limit(claim.limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (due.length === 0) return [];
  return trx
    .updateTable('generations')
    .set({ locked_until: claim.lockedUntil, locked_by: claim.workerId, updated_at: claim.now })
    .where(
      'id',
      'in',
      due.map((r) => r.id),
    )
    .returningAll()
    .execute();
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
  return db
    .updateTable('generations')
    .set(changes)
    .where('id', '=', id)
    .where('locked_by', '=', lease.workerId)
    .where('status', '=', lease.from)
    .returningAll()
    .executeTakeFirst();
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
