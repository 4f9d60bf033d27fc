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

/** How the history names an entry: its operation, or for protocols their own charge and refund. */
export type LedgerLabel = LedgerOperation | 'protocol_charge' | 'protocol_refund';

/**
 * The history label of an entry. Protocol charges and refunds are told apart by the idempotency keys
 * the protocol service posts them under (`protocol:<job id>`, `refund:protocol:<job id>`); every
 * other charge is a generation's.
 */
export function ledgerLabel(entry: Pick<LedgerEntry, 'operation' | 'idempotencyKey'>): LedgerLabel {
  if (entry.operation === 'charge' && entry.idempotencyKey.startsWith('protocol:')) return 'protocol_charge';
  if (entry.operation === 'refund' && entry.idempotencyKey.startsWith('refund:protocol:'))
    return 'protocol_refund';
  return entry.operation;
}
