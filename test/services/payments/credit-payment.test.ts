import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StarTransaction } from 'grammy/types';
import { createBillingService } from '../../../src/services/billing/billing.service.ts';
import { creditPayment } from '../../../src/services/payments/credit-payment.ts';
import type { PaymentFacts } from '../../../src/services/payments/payment-provider.ts';
import { encodeInvoicePayload } from '../../../src/services/payments/stars/invoice-payload.ts';
import { starsProvider } from '../../../src/services/payments/stars/stars-provider.ts';
import { createStarsReconciler } from '../../../src/services/payments/stars/stars-reconciler.ts';
import { createUserService } from '../../../src/services/user.service.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';

const PACKS = [{ id: 'small', credits: 100, stars: 50, title: { en: 'Small', ru: 'Малый' } }];
const NOW = new Date('2026-12-03T12:00:00Z');
const TARGET = { kind: 'draft', id: 'AbC-123_xYz9' } as const;

/** One Stars payment, as successful_payment reports it and as getStarTransactions lists it. */
function payment(chargeId: string, userId: number) {
  const invoicePayload = encodeInvoicePayload({
    packId: 'small',
    userId,
    sold: { credits: 100, stars: 50 },
    target: TARGET,
  });
  const facts: PaymentFacts = { invoicePayload, currency: 'XTR', totalAmount: 50, payerId: userId };
  const tx: StarTransaction = {
    id: chargeId,
    amount: 50,
    date: Math.floor(NOW.getTime() / 1000) - 60,
    source: {
      type: 'user',
      transaction_type: 'invoice_payment',
      user: { id: userId, is_bot: false, first_name: 'Payer' },
      invoice_payload: invoicePayload,
    },
  };
  return { facts, tx };
}

// The seam: the successful_payment handler and the reconciler both credit through creditPayment,
// under the provider's charge key, so one payment reaching us both ways is credited and told once.
describe(`creditPayment: the update and the reconciler credit one payment once (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: Awaited<ReturnType<typeof testDb.open>>;
  let billing: ReturnType<typeof createBillingService>;
  before(async () => {
    handle = await testDb.open();
    billing = createBillingService(handle.db);
    for (const id of [9201, 9202, 9203]) await createUserService(handle.db).touch(id);
  });
  after(() => testDb.dispose());

  /** What the successful_payment handler does with the update's facts. */
  const fromUpdate = (chargeId: string, userId: number) => {
    const paid = starsProvider.verifyPaid(payment(chargeId, userId).facts, PACKS);
    assert.ok(paid, 'our payment');
    return creditPayment({ billing, provider: starsProvider }, { userId, chargeId, paid });
  };

  /** A reconciler over Telegram's list of these payments; `told` is who it notified. */
  const reconciler = (...transactions: StarTransaction[]) => {
    const told: string[] = [];
    const r = createStarsReconciler({
      db: handle.db,
      billing,
      packs: PACKS,
      fetchTransactions: async (offset, limit) => transactions.slice(offset, offset + limit),
      notify: async (p) => {
        told.push(p.chargeId);
      },
      logger: createCaptureLogger().logger,
      lookbackMs: 7 * 24 * 3600 * 1000,
      now: () => NOW,
    });
    return { reconcile: () => r.reconcile(), told };
  };

  it('the update first: it tells the user; the reconciler finds the entry and stays quiet', async () => {
    assert.deepEqual(await fromUpdate('stx-update-first', 9201), {
      userId: 9201,
      chargeId: 'stx-update-first',
      credits: 100,
      balanceAfter: 100,
      target: TARGET,
    });
    const { reconcile, told } = reconciler(payment('stx-update-first', 9201).tx);
    assert.deepEqual((await reconcile()).credited, []);
    assert.deepEqual(told, []);
    assert.equal(await billing.balance(9201), 100);
    const entries = await billing.history(9201, { limit: 5 });
    assert.deepEqual(
      entries.map((e) => e.idempotencyKey),
      [starsProvider.chargeKey('stx-update-first')],
      'one entry, under the charge key',
    );
    assert.equal(starsProvider.chargeKey('stx-update-first'), 'stars:stx-update-first');
  });

  it('the reconciler first: it tells the user; the update arriving later credits nothing and stays quiet', async () => {
    const { reconcile, told } = reconciler(payment('stx-reconciled-first', 9202).tx);
    assert.deepEqual(
      (await reconcile()).credited.map((p) => [p.chargeId, p.credits, p.balanceAfter, p.target]),
      [['stx-reconciled-first', 100, 100, TARGET]],
    );
    assert.deepEqual(told, ['stx-reconciled-first']);
    assert.equal(await fromUpdate('stx-reconciled-first', 9202), undefined);
    assert.equal(await billing.balance(9202), 100);
    assert.equal((await billing.history(9202, { limit: 5 })).length, 1, 'one entry');
  });

  it('a repeat of the update (a retry, a redelivery) tells again, without a second entry', async () => {
    assert.equal((await fromUpdate('stx-repeated', 9203))?.balanceAfter, 100);
    assert.equal((await fromUpdate('stx-repeated', 9203))?.balanceAfter, 100);
    assert.equal((await billing.history(9203, { limit: 5 })).length, 1);
  });
});
