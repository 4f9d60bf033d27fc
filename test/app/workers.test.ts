import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BillingService } from '../../src/services/billing/billing.service.ts';
import { type BotHarness, startBotHarness } from '../support/bot-harness.ts';
import { manualClock } from '../support/manual-clock.ts';
import { DATABASE_KIND } from '../support/test-database.ts';
import { waitUntil } from '../support/wait-until.ts';

/** STARS_RECONCILE_INTERVAL_MS's default; the task itself wakes every minute. */
const RECONCILE_INTERVAL_MS = 300_000;
const TICK_MS = 60_000;
const msOf = (d: Date | null) => (d ? new Date(d).getTime() : undefined);

/** The ledger with its first top-up failing on a bug (not an infrastructure error: never retried). */
function brokenFirstTopUp(billing: BillingService): BillingService {
  let failed = false;
  return {
    ...billing,
    topUp: async (...args) => {
      if (!failed) {
        failed = true;
        throw new Error('top-up bug');
      }
      return billing.topUp(...args);
    },
  };
}

describe(`the periodic Stars reconciliation of a running bot (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('credits a payment whose successful_payment failed, on its own, once its interval is due', async () => {
    // Time and the periodic tasks' timers move only in advance(): nothing runs on wall-clock time.
    const clock = manualClock(Date.now());
    h = await startBotHarness({ app: { now: clock.now, timers: clock, decorateBilling: brokenFirstTopUp } });
    const harness = h;
    const lease = () =>
      harness.database.db
        .selectFrom('job_leases')
        .selectAll()
        .where('name', '=', 'stars.reconcile')
        .executeTakeFirstOrThrow();
    // The retry sweep's and the reconciliation's timers are both set again once their runs are over.
    const ticked = () => waitUntil('the periodic tasks idle', () => clock.pending() === 2);
    const topUps = async (charge: string) =>
      (
        await harness.database.db
          .selectFrom('ledger_entries')
          .select('amount')
          .where('idempotency_key', '=', `stars:${charge}`)
          .execute()
      ).map((r) => r.amount);
    const credited = () =>
      harness.log.lines().filter((l) => l.message === 'Stars payment credited by reconciliation');

    // The first pass runs at start, before the payment.
    await ticked();
    const first = await lease();
    assert.equal(msOf(first.last_run_at), clock.ms());
    assert.equal(msOf(first.next_run_at), clock.ms() + RECONCILE_INTERVAL_MS);

    const user = h.fake.user({ id: 7301, firstName: 'Lost' });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /balance/i.test(m.text ?? ''));
    await user.pressButton({ messageId: balance.messageId, text: /credits · \d+ ⭐/ });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    const paid = await user.pay(invoice.messageId);
    assert.equal(paid.approved, true);
    const charge = paid.telegramPaymentChargeId as string;
    await waitUntil('the failed top-up', () =>
      harness.log.lines().some((l) => l.message === 'Update failed: internal'),
    );
    assert.deepEqual(await topUps(charge), [], 'Stars taken, no ledger entry');

    // Every minute the task wakes; within the interval the lease says not due.
    for (let waited = TICK_MS; waited < RECONCILE_INTERVAL_MS; waited += TICK_MS) {
      clock.advance(TICK_MS);
      await ticked();
    }
    assert.deepEqual(await topUps(charge), [], 'not reconciled before the interval');
    assert.equal(msOf((await lease()).last_run_at), msOf(first.last_run_at));
    assert.equal(credited().length, 0);

    clock.advance(TICK_MS);
    await ticked();
    await waitUntil('the reconciled top-up', async () => (await topUps(charge)).length > 0);
    assert.deepEqual(await topUps(charge), [100]);
    await user.waitForMessage((m) => /has been credited/.test(m.text ?? ''));
    assert.equal(credited().length, 1);
    assert.equal(credited()[0]?.level, 'warn');
    const second = await lease();
    assert.equal(msOf(second.last_run_at), clock.ms());
    assert.equal(second.locked_by, null);

    // Another interval: the payment is in the ledger now and is not credited twice.
    for (let waited = 0; waited < RECONCILE_INTERVAL_MS; waited += TICK_MS) {
      clock.advance(TICK_MS);
      await ticked();
    }
    assert.ok((msOf((await lease()).last_run_at) ?? 0) > (msOf(second.last_run_at) ?? 0));
    assert.deepEqual(await topUps(charge), [100], 'credited exactly once');
    assert.equal(credited().length, 1);
  });
});
