import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import type { StarTransaction } from 'grammy/types';
import { assertSpan, findSpan } from '../../../support/assert-span.ts';
import { setupTestTelemetry } from '../../../support/otel.ts';

// Telemetry first, then the app: pg must load after its instrumentation.
const otel = await setupTestTelemetry();
const { createBillingService } = await import('../../../../src/services/billing/billing.service.ts');
const { createStarsReconciler, RECONCILED_REASON } = await import(
  '../../../../src/services/payments/stars/stars-reconciler.ts'
);
const { createUserService } = await import('../../../../src/services/user.service.ts');
const { encodeInvoicePayload } = await import('../../../../src/services/payments/stars/invoice-payload.ts');
const { createCaptureLogger } = await import('../../../support/capture-logger.ts');
const { createTestDatabase, DATABASE_KIND } = await import('../../../support/test-database.ts');

const PACKS = [
  { id: 'small', credits: 100, stars: 50, title: { en: 'small', ru: 'small' } },
  { id: 'large', credits: 1000, stars: 420, title: { en: 'large', ru: 'large' } },
];
const NOW = new Date('2026-12-03T12:00:00Z');
const DAY_S = 24 * 3600;
const nowS = Math.floor(NOW.getTime() / 1000);

const user = (id: number) => ({ id, is_bot: false, first_name: `U${id}` });
/** An incoming payment as getStarTransactions lists it. */
const payment = (id: string, userId: number, packId: string, stars: number, ageS = 60): StarTransaction => ({
  id,
  amount: stars,
  date: nowS - ageS,
  source: {
    type: 'user',
    transaction_type: 'invoice_payment',
    user: user(userId),
    invoice_payload: encodeInvoicePayload({ packId, userId }),
  },
});
const refund = (id: string, userId: number, stars: number, ageS = 30): StarTransaction => ({
  id,
  amount: stars,
  date: nowS - ageS,
  receiver: { type: 'user', transaction_type: 'invoice_payment', user: user(userId) },
});

/** Telegram's list in either order, served in pages like getStarTransactions; records the pages asked for. */
function telegram(transactions: StarTransaction[], order: 'newest' | 'oldest') {
  const sorted = [...transactions].sort((a, b) => (order === 'newest' ? b.date - a.date : a.date - b.date));
  const asked: number[] = [];
  return {
    asked,
    fetch: async (offset: number, limit: number) => {
      asked.push(offset);
      return sorted.slice(offset, offset + limit);
    },
  };
}

function reconciledCount(metrics: MetricData[]): number {
  const metric = metrics.find((m) => m.descriptor.name === 'billing.reconciled');
  if (!metric) return 0;
  assert.equal(metric.descriptor.unit, '{payment}');
  return (metric.dataPoints as DataPoint<number>[]).reduce((sum, p) => sum + p.value, 0);
}

describe(`Stars reconciliation (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: Awaited<ReturnType<typeof testDb.open>>;
  let billing: ReturnType<typeof createBillingService>;
  before(async () => {
    handle = await testDb.open();
    billing = createBillingService(handle.db);
    const users = createUserService(handle.db);
    for (const id of [9101, 9102, 9103, 9104, 9105, 9106, 9107]) await users.touch(id);
  });
  after(() => testDb.dispose());
  beforeEach(() => otel.reset());

  function reconciler(fetch: (o: number, l: number) => Promise<readonly StarTransaction[]>) {
    const told: Array<{ userId: number; credits: number; balanceAfter: number }> = [];
    const log = createCaptureLogger();
    const r = createStarsReconciler({
      db: handle.db,
      billing,
      packs: PACKS,
      fetchTransactions: fetch,
      notify: async (p) => {
        told.push({ userId: p.userId, credits: p.credits, balanceAfter: p.balanceAfter });
      },
      logger: log.logger,
      lookbackMs: 7 * DAY_S * 1000,
      now: () => NOW,
    });
    return { r, told, log };
  }

  it('credits each of our payments that the ledger lacks, once, tells the user, logs at warn, counts and traces it', async () => {
    await billing.topUp(9102, 100, { idempotencyKey: 'stars:stx-handled', reference: 'stx-handled' });
    const tg = telegram(
      [
        payment('stx-lost', 9101, 'small', 50),
        payment('stx-handled', 9102, 'small', 50),
        // Not ours to credit: another user's payload, a price that is not the pack's, another bot's payload.
        {
          ...payment('stx-forged', 9103, 'small', 50),
          source: {
            type: 'user',
            transaction_type: 'invoice_payment',
            user: user(9103),
            invoice_payload: encodeInvoicePayload({ packId: 'small', userId: 9104 }),
          },
        },
        payment('stx-cheap', 9105, 'large', 1),
        {
          ...payment('stx-foreign', 9105, 'small', 50),
          source: {
            type: 'user',
            transaction_type: 'invoice_payment',
            user: user(9105),
            invoice_payload: 'other-bot:1',
          },
        },
      ],
      'newest',
    );
    const { r, told, log } = reconciler(tg.fetch);
    const report = await r.reconcile();
    assert.deepEqual(
      report.credited.map((p) => [p.chargeId, p.userId, p.credits, p.stars, p.balanceAfter]),
      [['stx-lost', 9101, 100, 50, 100]],
    );
    assert.deepEqual(told, [{ userId: 9101, credits: 100, balanceAfter: 100 }]);
    assert.equal(await billing.balance(9101), 100);
    assert.equal(await billing.balance(9102), 100, 'the handled one is not credited twice');
    for (const id of [9103, 9104, 9105]) assert.equal(await billing.balance(id), 0, `user ${id}`);
    const [entry] = await billing.history(9101, { limit: 5 });
    assert.equal(entry?.idempotencyKey, 'stars:stx-lost');
    assert.equal(entry?.reason, RECONCILED_REASON);
    const warn = log.lines().filter((l) => l.level === 'warn');
    assert.deepEqual(
      warn.map((l) => [l.message, l.user_id, l.telegram_payment_charge_id, l.credits]),
      [['Stars payment credited by reconciliation', 9101, 'stx-lost', 100]],
    );
    assertSpan(findSpan(otel.spans.getFinishedSpans(), 'billing.reconcile'), {
      kind: SpanKind.INTERNAL,
      attributes: {
        'billing.reconcile.pages': 1,
        'billing.reconcile.scanned': 5,
        'billing.reconcile.credited': 1,
      },
    });
    assert.equal(reconciledCount(await otel.collectMetrics()), 1);

    // The next pass finds everything in the ledger: nothing moves, nobody is told again.
    const again = await r.reconcile();
    assert.deepEqual(again.credited, []);
    assert.deepEqual(told.length, 1);
    assert.equal(await billing.balance(9101), 100);
  });

  it('credits what the invoice sold though the pack was repriced since, and nothing for an amount it did not ask', async () => {
    // Paid when "small" was 100 credits for 50 Stars; the operator made it 80 for 60 before the
    // reconciler ran. The Stars were taken: the 100 credits are owed.
    const sold = (id: string, stars: number): StarTransaction => ({
      ...payment(id, 9107, 'small', stars),
      source: {
        type: 'user',
        transaction_type: 'invoice_payment',
        user: user(9107),
        invoice_payload: encodeInvoicePayload({
          packId: 'small',
          userId: 9107,
          sold: { credits: 100, stars: 50 },
        }),
      },
    });
    const tg = telegram([sold('stx-repriced', 50), sold('stx-odd-amount', 5)], 'newest');
    const told: number[] = [];
    const r = createStarsReconciler({
      db: handle.db,
      billing,
      packs: [{ ...PACKS[0]!, credits: 80, stars: 60 }],
      fetchTransactions: tg.fetch,
      notify: async (p) => {
        told.push(p.credits);
      },
      logger: createCaptureLogger().logger,
      lookbackMs: 7 * DAY_S * 1000,
      now: () => NOW,
    });
    const report = await r.reconcile();
    assert.deepEqual(
      report.credited.map((p) => [p.chargeId, p.credits]),
      [['stx-repriced', 100]],
    );
    assert.deepEqual(told, [100]);
    assert.equal(await billing.balance(9107), 100);
  });

  it('never credits a payment Telegram lists as refunded (an outgoing transaction under its id)', async () => {
    const tg = telegram(
      [payment('stx-refunded', 9106, 'small', 50, 120), refund('stx-refunded', 9106, 50)],
      'newest',
    );
    const { r, told } = reconciler(tg.fetch);
    assert.deepEqual((await r.reconcile()).credited, []);
    assert.deepEqual(told, []);
    assert.equal(await billing.balance(9106), 0);
  });

  it('credits once when the live handler posts the same payment at the same time', async () => {
    const tg = telegram([payment('stx-race', 9104, 'small', 50)], 'newest');
    const { r, told } = reconciler(async (offset, limit) => {
      const page = await tg.fetch(offset, limit);
      // The successful_payment handler wins the race between the reconciler's check and its top-up.
      await billing.topUp(9104, 100, { idempotencyKey: 'stars:stx-race', reference: 'stx-race' });
      return page;
    });
    assert.deepEqual((await r.reconcile()).credited, [], 'the handler told the user, not the reconciler');
    assert.deepEqual(told, []);
    assert.equal(await billing.balance(9104), 100);
  });

  it('reads every page oldest first, and stops past the look-back when Telegram lists newest first', async () => {
    // 250 old payments (beyond the 7-day look-back, already handled or not: not ours to touch now) and one lost recent one.
    const old = Array.from({ length: 250 }, (_, i) =>
      payment(`stx-old-${i}`, 9105, 'small', 50, 30 * DAY_S + i),
    );
    const recent = payment('stx-recent', 9103, 'small', 50, 10);
    for (const order of ['oldest', 'newest'] as const) {
      const before = await billing.balance(9103);
      const tg = telegram([...old, { ...recent, id: `${recent.id}-${order}` }], order);
      const { r } = reconciler(tg.fetch);
      const report = await r.reconcile();
      assert.deepEqual(
        report.credited.map((p) => p.chargeId),
        [`stx-recent-${order}`],
        order,
      );
      assert.equal(await billing.balance(9103), before + 100);
      assert.equal(await billing.balance(9105), 0, 'nothing older than the look-back is credited');
      // Oldest first: pages 0, 100, 200 (the last is short). Newest first: the first page already ends past the cutoff.
      assert.deepEqual(tg.asked, order === 'oldest' ? [0, 100, 200] : [0], order);
    }
  });
});
