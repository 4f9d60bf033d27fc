import type { LedgerEntryRow, LedgerOperation } from '../../db/tables/ledger-entries.table.ts';

export type { LedgerOperation };

/** One ledger entry as the rest of the bot sees it. */
export interface LedgerEntry {
  readonly id: number;
  readonly userId: number;
  readonly operation: LedgerOperation;
  /** Signed credits: negative for a charge, positive for a top-up or refund, either for an adjustment. */
  readonly amount: number;
  readonly balanceAfter: number;
  readonly idempotencyKey: string;
  readonly reference: string | undefined;
  readonly reason: string | undefined;
  readonly adminId: number | undefined;
  /** For a refund, the id of the charge it reverses. */
  readonly refundOf: number | undefined;
  readonly createdAt: Date;
}

/** The one row → domain mapping of the ledger. */
export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  return {
    id: row.id,
    userId: row.user_id,
    operation: row.operation,
    amount: row.amount,
    balanceAfter: row.balance_after,
    idempotencyKey: row.idempotency_key,
    reference: row.reference ?? undefined,
    reason: row.reason ?? undefined,
    adminId: row.admin_id ?? undefined,
    refundOf: row.refund_of ?? undefined,
    createdAt: row.created_at,
  };
}
