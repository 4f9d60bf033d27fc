import { type Attributes, type Counter, metrics, type Span, SpanKind } from '@opentelemetry/api';
import type { Kysely, Transaction } from 'kysely';
import { findBalance } from '../../db/repositories/balance.repository.ts';
import {
  findLedgerEntryById,
  findLedgerEntryByKey,
  findRefundOf,
  listLedgerEntries,
} from '../../db/repositories/ledger-entry.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { LedgerOperation } from '../../db/tables/ledger-entries.table.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  AlreadyRefundedError,
  LedgerEntryNotFoundError,
  NotRefundableError,
} from '../../errors/billing-errors.ts';
import {
  ATTR_BILLING_AMOUNT,
  ATTR_BILLING_BALANCE_AFTER,
  ATTR_BILLING_IDEMPOTENCY_KEY,
  ATTR_BILLING_OPERATION,
  ATTR_ENDUSER_ID,
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_BILLING_CREDITS,
  SPAN_BILLING_PREFIX,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { assertAmount, assertId, assertLimit, assertSignedAmount, assertText } from './billing-input.ts';
import { type LedgerEntry, toLedgerEntry } from './ledger-entry.ts';
import { type PostedEntry, postEntry } from './post-entry.ts';

/** Options of a top-up or a charge. */
export interface PostOptions {
  /** Unique per business event (e.g. `charge:<generation id>`); a repeat returns the first entry. */
  readonly idempotencyKey: string;
  /** An outside id kept on the entry (generation id, payment charge id). */
  readonly reference?: string;
  /** Why the system posted it, when that is not the obvious path (e.g. a reconciled payment). */
  readonly reason?: string;
}

/** Options of an admin adjustment. */
export interface AdjustOptions {
  readonly idempotencyKey: string;
  /** Why the balance was changed; required, for the audit trail. */
  readonly reason: string;
  readonly adminId: number;
}

/** The credits ledger: every change is one append-only entry, written with the balance in one transaction. */
export interface BillingService {
  /** Adds credits (a payment). */
  topUp(userId: number, amount: number, options: PostOptions): Promise<LedgerEntry>;
  /** Takes credits; throws InsufficientBalanceError rather than go below zero. */
  charge(userId: number, amount: number, options: PostOptions): Promise<LedgerEntry>;
  /** `charge` inside the caller's transaction, so the entry commits or rolls back with the caller's rows. */
  chargeIn(
    trx: Transaction<Database>,
    userId: number,
    amount: number,
    options: PostOptions,
  ): Promise<LedgerEntry>;
  /** Gives back exactly what a charge took, at most once; the charge is its entry id or idempotency key. */
  refund(charge: number | string, options: { readonly idempotencyKey: string }): Promise<LedgerEntry>;
  /** `refund` inside the caller's transaction. */
  refundIn(
    trx: Transaction<Database>,
    charge: number | string,
    options: { readonly idempotencyKey: string },
  ): Promise<LedgerEntry>;
  /** Moves the balance either way on an admin's decision; never below zero. */
  adjust(userId: number, signedAmount: number, options: AdjustOptions): Promise<LedgerEntry>;
  /** The current balance; 0 for a user without entries. */
  balance(userId: number): Promise<number>;
  /** Entries newest first; pass the last entry's id as `before` for the next page. */
  history(userId: number, page: { readonly limit: number; readonly before?: number }): Promise<LedgerEntry[]>;
}

/** The span's `error.type`: our stable code, or the class name for anything else. */
function billingErrorType(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** Creates the service and its `billing.credits` counter (a no-op when the SDK is disabled). */
export function createBillingService(db: Kysely<Database>): BillingService {
  const credits: Counter = metrics.getMeter(INSTRUMENTATION_SCOPE).createCounter(METRIC_BILLING_CREDITS, {
    unit: '{credit}',
    description: 'Credits moved by the ledger, by operation',
  });

  /** One `billing.{operation}` span around one transaction; counts credits only for new entries. */
  const traced = (
    operation: LedgerOperation,
    attributes: Attributes,
    fn: (span: Span) => Promise<PostedEntry>,
  ): Promise<LedgerEntry> =>
    withSpan(
      `${SPAN_BILLING_PREFIX}.${operation}`,
      { kind: SpanKind.INTERNAL, attributes: { [ATTR_BILLING_OPERATION]: operation, ...attributes } },
      async (span) => {
        const { row, replayed } = await fn(span);
        span.setAttributes({
          [ATTR_BILLING_BALANCE_AFTER]: row.balance_after,
          [ATTR_OUTCOME]: replayed ? 'duplicate' : 'ok',
        });
        if (!replayed) credits.add(Math.abs(row.amount), { [ATTR_BILLING_OPERATION]: operation });
        return toLedgerEntry(row);
      },
      billingErrorType,
    );

  // `billing.amount` is the amount as the caller passed it (positive, signed only for adjustments).
  const spanAttributes = (userId: unknown, amount: unknown, idempotencyKey: unknown): Attributes => ({
    [ATTR_ENDUSER_ID]: String(userId),
    ...(typeof amount === 'number' ? { [ATTR_BILLING_AMOUNT]: amount } : {}),
    ...(typeof idempotencyKey === 'string' ? { [ATTR_BILLING_IDEMPOTENCY_KEY]: idempotencyKey } : {}),
  });

  const validateCharge = (userId: number, amount: number, options: PostOptions): void => {
    assertId('userId', userId);
    assertAmount(amount);
    assertText('idempotencyKey', options.idempotencyKey);
    if (options.reference !== undefined) assertText('reference', options.reference);
  };

  const validateRefund = (charge: number | string, idempotencyKey: string): void => {
    if (typeof charge === 'number') assertId('charge entry id', charge);
    else assertText('charge idempotency key', charge);
    assertText('idempotencyKey', idempotencyKey);
  };

  /** The refund's work inside a transaction: find the charge, then post under the balance lock. */
  const postRefund = async (
    trx: Transaction<Database>,
    span: Span,
    charge: number | string,
    idempotencyKey: string,
  ): Promise<PostedEntry> => {
    const target =
      typeof charge === 'number'
        ? await findLedgerEntryById(trx, charge)
        : await findLedgerEntryByKey(trx, charge);
    if (!target) {
      throw new LedgerEntryNotFoundError(
        typeof charge === 'number' ? { entryId: charge } : { idempotencyKey: charge },
      );
    }
    span.setAttributes(spanAttributes(target.user_id, -target.amount, idempotencyKey));
    if (target.operation !== 'charge') throw new NotRefundableError(target.id, target.operation);
    return postEntry(
      trx,
      {
        userId: target.user_id,
        operation: 'refund',
        amount: -target.amount,
        idempotencyKey,
        reference: target.reference ?? undefined,
        refundOf: target.id,
      },
      // Runs under the user's balance lock, so two refunds of one charge cannot both pass it.
      async () => {
        const prior = await findRefundOf(trx, target.id);
        if (prior) throw new AlreadyRefundedError(target.id, prior.id);
      },
    );
  };

  return {
    topUp: (userId, amount, options) =>
      traced('topup', spanAttributes(userId, amount, options.idempotencyKey), async () => {
        assertId('userId', userId);
        assertAmount(amount);
        assertText('idempotencyKey', options.idempotencyKey);
        if (options.reference !== undefined) assertText('reference', options.reference);
        if (options.reason !== undefined) assertText('reason', options.reason);
        return db
          .transaction()
          .execute((trx) => postEntry(trx, { userId, operation: 'topup', amount, ...options }));
      }),

    charge: (userId, amount, options) =>
      traced('charge', spanAttributes(userId, amount, options.idempotencyKey), async () => {
        validateCharge(userId, amount, options);
        return db
          .transaction()
          .execute((trx) => postEntry(trx, { userId, operation: 'charge', amount: -amount, ...options }));
      }),

    // The In variants post inside the caller's transaction; `billing.credits` may then count an entry
    // the caller later rolls back, which only a caller failing after the post can cause.
    chargeIn: (trx, userId, amount, options) =>
      traced('charge', spanAttributes(userId, amount, options.idempotencyKey), async () => {
        validateCharge(userId, amount, options);
        return postEntry(trx, { userId, operation: 'charge', amount: -amount, ...options });
      }),

    refund: (charge, { idempotencyKey }) =>
      traced('refund', spanAttributes(undefined, undefined, idempotencyKey), async (span) => {
        validateRefund(charge, idempotencyKey);
        return db.transaction().execute((trx) => postRefund(trx, span, charge, idempotencyKey));
      }),

    refundIn: (trx, charge, { idempotencyKey }) =>
      traced('refund', spanAttributes(undefined, undefined, idempotencyKey), async (span) => {
        validateRefund(charge, idempotencyKey);
        return postRefund(trx, span, charge, idempotencyKey);
      }),

    adjust: (userId, signedAmount, options) =>
      traced('adjustment', spanAttributes(userId, signedAmount, options.idempotencyKey), async () => {
        assertId('userId', userId);
        assertSignedAmount(signedAmount);
        assertText('idempotencyKey', options.idempotencyKey);
        assertText('reason', options.reason);
        assertId('adminId', options.adminId);
        return db
          .transaction()
          .execute((trx) =>
            postEntry(trx, { userId, operation: 'adjustment', amount: signedAmount, ...options }),
          );
      }),

    balance: async (userId) => {
      assertId('userId', userId);
      return (await findBalance(db, userId)) ?? 0;
    },

    history: async (userId, page) => {
      assertId('userId', userId);
      assertLimit(page.limit);
      if (page.before !== undefined) assertId('before', page.before);
      return (await listLedgerEntries(db, userId, page)).map(toLedgerEntry);
    },
  };
}
