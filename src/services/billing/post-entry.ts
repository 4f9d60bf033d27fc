import type { Transaction } from 'kysely';
import { addToBalance, ensureBalanceRow, lockBalance } from '../../db/repositories/balance.repository.ts';
import { findLedgerEntryByKey, insertLedgerEntry } from '../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { LedgerEntryRow, LedgerOperation } from '../../db/tables/ledger-entries.table.ts';
import {
  BillingValidationError,
  IdempotencyConflictError,
  InsufficientBalanceError,
  UnknownUserError,
} from '../../errors/billing-errors.ts';

/** The entry a service operation wants to append. */
export interface EntryDraft {
  readonly userId: number;
  readonly operation: LedgerOperation;
  /** Signed, as stored. */
  readonly amount: number;
  readonly idempotencyKey: string;
  readonly reference?: string | undefined;
  readonly reason?: string | undefined;
  readonly adminId?: number | undefined;
  readonly refundOf?: number | undefined;
}

/** The stored entry, and whether it already existed under the idempotency key (nothing was written). */
export interface PostedEntry {
  readonly row: LedgerEntryRow;
  readonly replayed: boolean;
}

/**
 * Appends one entry and moves the balance, inside the caller's transaction. The balance row lock
 * serialises all writers of one user (across pools and processes), so the key check, the guard and
 * the balance check see every committed entry; the UNIQUE key, the conditional UPDATE and the CHECK
 * constraints still hold if that reasoning is ever wrong.
 */
export async function postEntry(
  trx: Transaction<Database>,
  draft: EntryDraft,
  guard?: () => Promise<void>,
): Promise<PostedEntry> {
  let balance = await lockBalance(trx, draft.userId);
  if (balance === undefined) {
    await ensureBalanceRow(trx, draft.userId);
    balance = await lockBalance(trx, draft.userId);
    if (balance === undefined) throw new UnknownUserError(draft.userId);
  }
  // Before the balance check: a retried charge returns its entry even if the balance is now too low.
  const existing = await findLedgerEntryByKey(trx, draft.idempotencyKey);
  if (existing) return { row: sameRequest(existing, draft), replayed: true };
  await guard?.();

  const next = balance + draft.amount;
  if (next < 0) throw new InsufficientBalanceError(balance, -draft.amount);
  if (!Number.isSafeInteger(next)) {
    throw new BillingValidationError('billing.invalid_amount', 'the balance would exceed 2^53 - 1 credits');
  }
  const row = await insertLedgerEntry(trx, {
    user_id: draft.userId,
    operation: draft.operation,
    amount: draft.amount,
    balance_after: next,
    idempotency_key: draft.idempotencyKey,
    reference: draft.reference ?? null,
    reason: draft.reason ?? null,
    admin_id: draft.adminId ?? null,
    refund_of: draft.refundOf ?? null,
  });
  if (!row) {
    // The key was taken after our check, which only another user's operation can do (ours is locked).
    const winner = await findLedgerEntryByKey(trx, draft.idempotencyKey);
    if (!winner) throw new Error('Idempotency key conflicted but no entry holds it');
    return { row: sameRequest(winner, draft), replayed: true };
  }
  const after = await addToBalance(trx, draft.userId, draft.amount);
  if (after !== next) {
    // Unreachable while the row is locked; throwing rolls the entry back rather than desync the ledger.
    throw new Error(`Balance of user ${draft.userId} changed under its row lock`);
  }
  return { row, replayed: false };
}

/** Returns the stored entry if it answers the same request, else refuses the reused key. */
function sameRequest(row: LedgerEntryRow, draft: EntryDraft): LedgerEntryRow {
  const same =
    row.user_id === draft.userId &&
    row.operation === draft.operation &&
    row.amount === draft.amount &&
    row.refund_of === (draft.refundOf ?? null);
  if (!same) throw new IdempotencyConflictError(row.id);
  return row;
}
