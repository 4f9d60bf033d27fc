import { type Counter, metrics, SpanKind } from '@opentelemetry/api';
import type { StarTransaction, TransactionPartnerUser } from 'grammy/types';
import type { Kysely } from 'kysely';
import { findLedgerEntryByKey } from '../../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../../db/schema.ts';
import { UnknownUserError } from '../../../errors/billing-errors.ts';
import type { Logger } from '../../../logger.ts';
import {
  ATTR_BILLING_RECONCILE_CREDITED,
  ATTR_BILLING_RECONCILE_PAGES,
  ATTR_BILLING_RECONCILE_SCANNED,
  INSTRUMENTATION_SCOPE,
  LOG_CHARGE_ID,
  LOG_USER_ID,
  METRIC_BILLING_RECONCILED,
  SPAN_BILLING_RECONCILE,
} from '../../../telemetry/attributes.ts';
import { withSpan } from '../../../telemetry/tracing.ts';
import type { BillingService } from '../../billing/billing.service.ts';
import { type CreditedPayment, creditPayment } from '../credit-payment.ts';
import type { TopUpPack } from '../top-up-pack.ts';
import { starsRefundKey } from './stars-keys.ts';
import { starsProvider } from './stars-provider.ts';

/** The `reason` of a top-up the reconciler posted: creditPayment tells it from the live handler's by this. */
export const RECONCILED_REASON = 'reconciled from getStarTransactions';
/** getStarTransactions' largest page. */
const PAGE_SIZE = 100;
/** At most 5,000 transactions a pass, whatever order Telegram lists them in. */
const MAX_PAGES = 50;

/** A payment the reconciler credited (target: the confirmation or quote its payload names, for Continue). */
export interface ReconciledPayment extends CreditedPayment {
  readonly stars: number;
}

/** What one pass saw and did. */
export interface ReconcileReport {
  readonly pages: number;
  readonly scanned: number;
  readonly credited: readonly ReconciledPayment[];
}

export interface StarsReconcilerDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly packs: readonly TopUpPack[];
  /** getStarTransactions(offset, limit). */
  readonly fetchTransactions: (offset: number, limit: number) => Promise<readonly StarTransaction[]>;
  /** Tells the user their payment was credited late; a failure is logged, the credit stands. */
  readonly notify: (payment: ReconciledPayment) => Promise<void>;
  readonly logger: Logger;
  /** Payments older than this are left alone. */
  readonly lookbackMs: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** One pass of reconciliation: every Stars payment of ours that Telegram took and the ledger lacks. */
export interface StarsReconciler {
  reconcile(): Promise<ReconcileReport>;
}

/**
 * Reads the bot's own record of Stars payments (getStarTransactions) and credits each incoming
 * payment whose invoice payload is one of our packs, for the user it was made for, at the pack's
 * price, and that has no `stars:<charge id>` entry: the successful_payment update that should have
 * credited it failed, or was lost with a crashed process. It credits through `creditPayment` under
 * the provider's charge key, as the live handler does, so a race between them credits once. A payment refunded
 * (an outgoing transaction under its id, or our `stars-refund:` entry) is never credited.
 */
export function createStarsReconciler(deps: StarsReconcilerDeps): StarsReconciler {
  const { db, billing, packs, fetchTransactions, notify, logger, lookbackMs } = deps;
  const clock = deps.now ?? (() => new Date());
  const reconciled: Counter = metrics
    .getMeter(INSTRUMENTATION_SCOPE)
    .createCounter(METRIC_BILLING_RECONCILED, {
      unit: '{payment}',
      description: 'Stars payments credited by reconciliation instead of their successful_payment update',
    });

  /** Reads pages until the end, or past the look-back when the list is newest first. */
  const scan = async (cutoffSeconds: number) => {
    const incoming = new Map<string, StarTransaction>();
    const refunded = new Set<string>();
    let pages = 0;
    let scanned = 0;
    for (let offset = 0; pages < MAX_PAGES; pages++) {
      const page = await fetchTransactions(offset, PAGE_SIZE);
      scanned += page.length;
      for (const tx of page) {
        if (tx.receiver?.type === 'user') refunded.add(tx.id);
        else if (tx.source?.type === 'user' && tx.date >= cutoffSeconds) incoming.set(tx.id, tx);
      }
      const first = page[0];
      const last = page[page.length - 1];
      if (page.length < PAGE_SIZE || !first || !last)
        return { incoming, refunded, pages: pages + 1, scanned };
      // Newest first: everything after this page is older still. Oldest first: keep reading.
      if (first.date >= last.date && last.date < cutoffSeconds) {
        return { incoming, refunded, pages: pages + 1, scanned };
      }
      offset += page.length;
    }
    logger.warn('Stars reconciliation stopped at its page bound', { pages, scanned });
    return { incoming, refunded, pages, scanned };
  };

  /** Credits one payment if it is ours and not yet in the ledger; the credited payment, or undefined. */
  const settle = async (tx: StarTransaction): Promise<ReconciledPayment | undefined> => {
    const source = tx.source as TransactionPartnerUser;
    if (source.transaction_type !== undefined && source.transaction_type !== 'invoice_payment')
      return undefined;
    const paid = starsProvider.verifyPaid(
      {
        invoicePayload: source.invoice_payload ?? '',
        currency: starsProvider.currency,
        totalAmount: tx.amount,
        payerId: source.user.id,
      },
      packs,
    );
    // Another bot's payload or a forged one: not ours to credit. (A pack changed since is still owed.)
    if (!paid) return undefined;
    if (await findLedgerEntryByKey(db, starsProvider.chargeKey(tx.id))) return undefined;
    if (await findLedgerEntryByKey(db, starsRefundKey(tx.id))) return undefined;
    let credited: CreditedPayment | undefined;
    try {
      credited = await creditPayment(
        { billing, provider: starsProvider },
        { userId: source.user.id, chargeId: tx.id, paid, reason: RECONCILED_REASON },
      );
    } catch (error) {
      if (!(error instanceof UnknownUserError)) throw error;
      logger.warn('Stars payment from a user the bot does not know', {
        [LOG_USER_ID]: source.user.id,
        [LOG_CHARGE_ID]: tx.id,
      });
      return undefined;
    }
    // The live handler posted it between our check and our top-up: it has told the user.
    return credited && { ...credited, stars: tx.amount };
  };

  return {
    reconcile: () =>
      withSpan(SPAN_BILLING_RECONCILE, { kind: SpanKind.INTERNAL }, async (span) => {
        const cutoffSeconds = Math.floor((clock().getTime() - lookbackMs) / 1000);
        const { incoming, refunded, pages, scanned } = await scan(cutoffSeconds);
        const credited: ReconciledPayment[] = [];
        for (const tx of incoming.values()) {
          if (refunded.has(tx.id)) continue;
          const payment = await settle(tx);
          if (!payment) continue;
          credited.push(payment);
          reconciled.add(1);
          logger.warn('Stars payment credited by reconciliation', {
            [LOG_USER_ID]: payment.userId,
            [LOG_CHARGE_ID]: payment.chargeId,
            credits: payment.credits,
            stars: payment.stars,
            balance_after: payment.balanceAfter,
          });
          try {
            await notify(payment);
          } catch (error) {
            logger.warn('Could not tell a user about a reconciled payment', {
              [LOG_USER_ID]: payment.userId,
              err: error,
            });
          }
        }
        span.setAttributes({
          [ATTR_BILLING_RECONCILE_PAGES]: pages,
          [ATTR_BILLING_RECONCILE_SCANNED]: scanned,
          [ATTR_BILLING_RECONCILE_CREDITED]: credited.length,
        });
        return { pages, scanned, credited };
      }),
  };
}
