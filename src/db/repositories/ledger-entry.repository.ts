import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { LedgerEntryRow, NewLedgerEntryRow } from '../tables/ledger-entries.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Appends an entry unless its idempotency key is taken; returns undefined then. Only the key's
 * conflict is absorbed: a second refund of one charge still fails on the refund_of index.
 */
export async function insertLedgerEntry(
  db: Db,
  entry: NewLedgerEntryRow,
): Promise<LedgerEntryRow | undefined> {
  return db
    .insertInto('ledger_entries')
    .values(entry)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The entry written under an idempotency key. */
export async function findLedgerEntryByKey(db: Db, key: string): Promise<LedgerEntryRow | undefined> {
  return db.selectFrom('ledger_entries').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

/** One entry by id. */
export async function findLedgerEntryById(db: Db, id: number): Promise<LedgerEntryRow | undefined> {
  return db.selectFrom('ledger_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The refund of a charge, if there is one. */
export async function findRefundOf(db: Db, chargeId: number): Promise<LedgerEntryRow | undefined> {
  return db.selectFrom('ledger_entries').selectAll().where('refund_of', '=', chargeId).executeTakeFirst();
}

/** A user's entries, newest first; `before` is the id of the last entry of the previous page. */
export async function listLedgerEntries(
  db: Db,
  userId: number,
  page: { limit: number; before?: number | undefined },
): Promise<LedgerEntryRow[]> {
  let query = db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit);
  if (page.before !== undefined) {
    // Keyset paging on the index order (created_at desc, id desc): stable while entries are added.
    const cursor = db.selectFrom('ledger_entries').select(['created_at', 'id']).where('id', '=', page.before);
    query = query.where(sql<boolean>`(created_at, id) < (${cursor})`);
  }
  return query.execute();
}
