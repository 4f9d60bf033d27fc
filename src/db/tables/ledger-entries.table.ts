import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** What a ledger entry records; the amount's sign follows it (CHECK constraint). */
export type LedgerOperation = 'topup' | 'charge' | 'refund' | 'adjustment';

/** The append-only credits ledger: rows are inserted, never updated or deleted. */
export interface LedgerEntriesTable {
  id: Generated<number>;
  user_id: ColumnType<number, number, never>;
  operation: ColumnType<LedgerOperation, LedgerOperation, never>;
  /** Signed credits: a charge is negative, a top-up or refund positive, an adjustment either. */
  amount: ColumnType<number, number, never>;
  /** The user's balance right after this entry. */
  balance_after: ColumnType<number, number, never>;
  /** Unique; the same key always resolves to this entry. */
  idempotency_key: ColumnType<string, string, never>;
  /** An outside id, e.g. a generation id or a payment charge id. */
  reference: ColumnType<string | null, string | null | undefined, never>;
  /** Why an admin adjusted the balance, or why the bot posted an entry off its usual path (a reconciled payment). */
  reason: ColumnType<string | null, string | null | undefined, never>;
  /** The admin who made an adjustment. */
  admin_id: ColumnType<number | null, number | null | undefined, never>;
  /** The charge a refund reverses; unique, so a charge is refunded at most once. */
  refund_of: ColumnType<number | null, number | null | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type LedgerEntryRow = Selectable<LedgerEntriesTable>;
export type NewLedgerEntryRow = Insertable<LedgerEntriesTable>;
