import type {
  Expression,
  ExpressionBuilder,
  Kysely,
  OrderByExpression,
  Selectable,
  SqlBool,
  Transaction,
  UpdateObject,
} from 'kysely';
import type { Database } from '../schema.ts';
import type { GenerationStatus } from '../tables/generations.table.ts';
import type { ProtocolJobStatus } from '../tables/protocol-jobs.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Tables whose rows are durable jobs: each row has an `id` and is held by one worker at a time
 * through `locked_by` (the worker's id) and `locked_until` (when another worker may take it over).
 */
export type LeasedTable = 'generations' | 'protocol_jobs';

/** The statuses of each leased table's rows. */
interface LeasedStatus {
  generations: GenerationStatus;
  protocol_jobs: ProtocolJobStatus;
}

/** A row of a leased table. */
export type LeasedRow<T extends LeasedTable> = Selectable<Database[T]>;

/** What a claim picks and what it writes into the picked rows (usually the lease). */
export interface ClaimDue<T extends LeasedTable> {
  /** Which rows are due; `leaseFree` is the usual half of it. */
  readonly due: (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool>;
  /** Which due rows go first when more are due than `limit`. */
  readonly orderBy: readonly OrderByExpression<Database, T, object>[];
  readonly limit: number;
  /** Written into every claimed row in the same transaction. */
  readonly set:
    | UpdateObject<Database, T, T>
    | ((eb: ExpressionBuilder<Database, T>) => UpdateObject<Database, T, T>);
}

/** Nobody holds the row: never leased, or its holder's lease ran out by `now`. */
export function leaseFree<T extends LeasedTable>(
  eb: ExpressionBuilder<Database, T>,
  now: Date,
): Expression<SqlBool> {
  // Kysely cannot resolve a column of a generic table name: both leased tables have these columns.
  const e = eb as unknown as ExpressionBuilder<Database, LeasedTable>;
  return e.or([e('locked_until', 'is', null), e('locked_until', '<=', now)]);
}

/**
 * Claims up to `limit` due rows in one transaction and returns them as written. FOR UPDATE SKIP
 * LOCKED lets concurrent workers (of any instance) pick disjoint rows; what `set` writes (the lease)
 * keeps them disjoint after the transaction commits.
 */
export async function claimDueRows<T extends LeasedTable>(
  trx: Transaction<Database>,
  table: T,
  claim: ClaimDue<T>,
): Promise<LeasedRow<T>[]> {
  // One implementation for every leased table: Kysely's column types do not resolve over a generic
  // table name, so the queries are built on the union and the callers' typed parts cast to it.
  const t = trx as unknown as Transaction<Database>;
  const name = table as LeasedTable;
  let select = t
    .selectFrom(name)
    .select('id')
    .where(claim.due as unknown as (eb: ExpressionBuilder<Database, LeasedTable>) => Expression<SqlBool>);
  for (const order of claim.orderBy) {
    select = select.orderBy(order as unknown as OrderByExpression<Database, LeasedTable, object>);
  }
  const due = await select.limit(claim.limit).forUpdate().skipLocked().execute();
  if (due.length === 0) return [];
  const rows = await t
    .updateTable(name)
    .set(claim.set as unknown as UpdateObject<Database, LeasedTable, LeasedTable>)
    .where(
      'id',
      'in',
      due.map((r) => r.id),
    )
    .returningAll()
    .execute();
  return rows as LeasedRow<T>[];
}

/** Who must hold a row for an update under its lease, and which status it must still be in. */
export interface LeaseHeld<T extends LeasedTable> {
  readonly id: string;
  /** The worker id in `locked_by`. */
  readonly holder: string;
  readonly status: LeasedStatus[T];
}

/**
 * Updates a row only while `holder` still holds its lease and it is in `status`; undefined otherwise
 * (the lease expired and another worker took over, so this worker's result is dropped).
 */
export async function updateUnderLease<T extends LeasedTable>(
  db: Db,
  table: T,
  held: LeaseHeld<T>,
  changes: UpdateObject<Database, T, T>,
): Promise<LeasedRow<T> | undefined> {
  const row = await leasedUpdate(db, table, held, changes).returningAll().executeTakeFirst();
  return row as LeasedRow<T> | undefined;
}

/** `updateUnderLease` that only says whether the lease was still held (no row read back). */
export async function updateIfLeaseHeld<T extends LeasedTable>(
  db: Db,
  table: T,
  held: LeaseHeld<T>,
  changes: UpdateObject<Database, T, T>,
): Promise<boolean> {
  const result = await leasedUpdate(db, table, held, changes).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function leasedUpdate<T extends LeasedTable>(
  db: Db,
  table: T,
  held: LeaseHeld<T>,
  changes: UpdateObject<Database, T, T>,
) {
  return (db as Kysely<Database>)
    .updateTable(table as LeasedTable)
    .set(changes as unknown as UpdateObject<Database, LeasedTable, LeasedTable>)
    .where('id', '=', held.id)
    .where('locked_by', '=', held.holder)
    .where('status', '=', held.status as never);
}

/**
 * Frees the leases `holder` still has on rows in `statuses` (its previous process died holding them),
 * so a restarted instance resumes its own work at once; returns how many.
 */
export async function releaseHolderLeases<T extends LeasedTable>(
  db: Db,
  table: T,
  holder: string,
  statuses: readonly LeaseHeld<T>['status'][],
): Promise<number> {
  const result = await (db as Kysely<Database>)
    .updateTable(table as LeasedTable)
    .set({ locked_until: null, locked_by: null })
    .where('locked_by', '=', holder)
    .where('status', 'in', [...statuses] as never[])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
