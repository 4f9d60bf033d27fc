import { GrammyError } from 'grammy';
import type { Kysely } from 'kysely';
import { findLedgerEntryByKey } from '../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../db/schema.ts';
import { InsufficientBalanceError } from '../../errors/billing-errors.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { starsRefundKey, starsRefundUndoKey } from '../payments/stars/stars-keys.ts';
import { starsProvider } from '../payments/stars/stars-provider.ts';
import { AdminActionError } from './admin-errors.ts';

/** What `/admin refund` did. */
export interface StarsRefundResult {
  readonly userId: number;
  readonly chargeId: string;
  /** Credits taken back (the pack's credits, as topped up). */
  readonly credits: number;
  readonly balanceAfter: number;
  /** The ledger entry that took them back. */
  readonly entryId: number;
  /** `already_refunded`: Telegram had refunded the Stars before (now or earlier); the credits are back too. */
  readonly outcome: 'refunded' | 'already_refunded';
}

export interface RefundStarsDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly refundStarPayment: (userId: number, chargeId: string) => Promise<unknown>;
}

/** Telegram's answer for a charge it refunded before (the MTProto error name the Bot API passes on). */
const ALREADY_REFUNDED = /CHARGE_ALREADY_REFUNDED/;

/**
 * Refunds a Stars payment and takes its credits back.
 *
 * Order, for money: the credits are taken first, then Telegram is asked. The debit checks the balance
 * and moves it in one transaction, so credits already spent refuse the refund before Telegram hears
 * of it, and nothing moved. If the process dies after the debit, the user has lost the credits but
 * still has no Stars back; running the command again finds the debit (same idempotency key, nothing
 * taken twice) and asks Telegram again, so it completes. The other order could refund the Stars and
 * then find the credits spent (or die before the debit), and the operator would have paid twice.
 *
 * Telegram's answer decides the rest: success or CHARGE_ALREADY_REFUNDED (the Stars are with the user
 * either way) keep the debit; any other refusal (a 4xx) is final, so the credits are given back
 * (`stars-refund-undo:`), and the refund stays closed; no answer (network, 5xx) says nothing about
 * whether Telegram refunded, so the credits stay taken and the admin is asked to run it again.
 */
export async function refundStars(
  deps: RefundStarsDeps,
  request: { readonly adminId: number; readonly chargeId: string },
): Promise<StarsRefundResult> {
  const { db, billing } = deps;
  const { adminId, chargeId } = request;
  const topUp = await findLedgerEntryByKey(db, starsProvider.chargeKey(chargeId));
  if (!topUp) throw new AdminActionError('admin.charge_not_found', { id: chargeId });
  const undo = await findLedgerEntryByKey(db, starsRefundUndoKey(chargeId));
  if (undo) throw new AdminActionError('admin.refund_closed', { id: chargeId, entry: String(undo.id) });

  const userId = topUp.user_id;
  const credits = topUp.amount;
  let debit: Awaited<ReturnType<BillingService['adjust']>>;
  try {
    debit = await billing.adjust(userId, -credits, {
      idempotencyKey: starsRefundKey(chargeId),
      reason: `Stars refund of payment ${chargeId}`,
      adminId,
    });
  } catch (error) {
    if (error instanceof InsufficientBalanceError) {
      throw new AdminActionError(
        'admin.refund_spent',
        { id: String(userId), balance: Number(error.details.balance), credits },
        { details: { user_id: userId, balance: Number(error.details.balance), credits }, cause: error },
      );
    }
    throw error;
  }

  let outcome: StarsRefundResult['outcome'] = 'refunded';
  try {
    await deps.refundStarPayment(userId, chargeId);
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code >= 500 || error.error_code === 429) {
      throw new AdminActionError(
        'admin.refund_unknown',
        { id: chargeId },
        { details: { user_id: userId }, cause: error },
      );
    }
    if (ALREADY_REFUNDED.test(error.description)) {
      outcome = 'already_refunded';
    } else {
      await billing.adjust(userId, credits, {
        idempotencyKey: starsRefundUndoKey(chargeId),
        reason: `Telegram refused the Stars refund of ${chargeId}`,
        adminId,
      });
      throw new AdminActionError(
        'admin.refund_refused',
        { id: chargeId, description: error.description },
        { details: { user_id: userId, telegram_error_code: error.error_code }, cause: error },
      );
    }
  }
  return { userId, chargeId, credits, balanceAfter: debit.balanceAfter, entryId: debit.id, outcome };
}
