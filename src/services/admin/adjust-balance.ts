import type { Span } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { findLedgerEntryByKey } from '../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../db/schema.ts';
import { InsufficientBalanceError, UnknownUserError } from '../../errors/billing-errors.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BILLING_BALANCE_AFTER,
  ATTR_OUTCOME,
  LOG_ADMIN_ID,
  LOG_USER_ID,
} from '../../telemetry/attributes.ts';
import type { BillingService } from '../billing/billing.service.ts';
import type { LedgerEntry } from '../billing/ledger-entry.ts';
import type { UserService } from '../user.service.ts';
import { AdminActionError } from './admin-errors.ts';

/** The ledger keeps at most 200 characters of a reason (billing-input.ts). */
export const ADMIN_REASON_MAX = 200;

/** An admin's balance change; the key makes a repeated request (a redelivered update) apply once. */
export interface AdjustRequest {
  readonly adminId: number;
  readonly userId: number;
  /** Signed, non-zero whole credits. */
  readonly amount: number;
  readonly reason: string;
  readonly idempotencyKey: string;
}

export interface AdjustResult {
  readonly entry: LedgerEntry;
  /** The key had already been used: nothing new was written. */
  readonly replayed: boolean;
}

export interface AdjustBalanceDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly users: UserService;
  readonly logger: Logger;
}

/**
 * Changes a balance through the ledger (`billing.adjust`), with the reason and the admin stored on
 * the entry and never below zero; refusals are AdminActionErrors the admin can act on. Records the
 * outcome on `span` (the action's `bot.admin.adjust`).
 */
export async function adjustBalance(
  deps: AdjustBalanceDeps,
  request: AdjustRequest,
  span: Span,
): Promise<AdjustResult> {
  const { db, billing, users, logger } = deps;
  const { adminId, userId, amount, idempotencyKey } = request;
  const reason = request.reason.trim();
  if (!Number.isSafeInteger(amount) || amount === 0) throw new AdminActionError('admin.invalid_amount');
  if (reason === '' || reason.length > ADMIN_REASON_MAX) {
    throw new AdminActionError('admin.invalid_reason', { max: ADMIN_REASON_MAX });
  }
  const notFound = (cause?: unknown) =>
    new AdminActionError(
      'admin.user_not_found',
      { id: String(userId) },
      { details: { user_id: userId }, cause },
    );
  if (!(await users.get(userId))) throw notFound();
  // Only for the reply and the log: the ledger itself makes a repeated key harmless.
  const replayed = (await findLedgerEntryByKey(db, idempotencyKey)) !== undefined;
  let entry: LedgerEntry;
  try {
    entry = await billing.adjust(userId, amount, { idempotencyKey, reason, adminId });
  } catch (error) {
    if (error instanceof InsufficientBalanceError) {
      const balance = Number(error.details.balance);
      throw new AdminActionError(
        'admin.negative_balance',
        { id: String(userId), balance, amount: -amount },
        { details: { user_id: userId, balance, amount }, cause: error },
      );
    }
    if (error instanceof UnknownUserError) throw notFound(error);
    throw error;
  }
  span.setAttributes({
    [ATTR_BILLING_BALANCE_AFTER]: entry.balanceAfter,
    [ATTR_OUTCOME]: replayed ? 'duplicate' : 'ok',
  });
  logger.info(replayed ? 'Admin adjustment already applied' : 'Balance adjusted by an admin', {
    [LOG_ADMIN_ID]: adminId,
    [LOG_USER_ID]: userId,
    amount,
    reason,
    balance_after: entry.balanceAfter,
    entry_id: entry.id,
    outcome: replayed ? 'duplicate' : 'ok',
  });
  return { entry, replayed };
}
