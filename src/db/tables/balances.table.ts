import type { ColumnType, Selectable } from 'kysely';

/** One row per user who ever had a ledger entry: the current balance, kept equal to the ledger sum. */
export interface BalancesTable {
  user_id: ColumnType<number, number, never>;
  /** Credits; never negative (CHECK constraint). */
  balance: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type BalanceRow = Selectable<BalancesTable>;
