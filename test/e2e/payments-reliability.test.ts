import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FakeUser } from '@tg-genbot/fakes/telegram';
import type { Update } from 'grammy/types';
import type { BillingService } from '../../src/services/billing/billing.service.ts';
import { type BotHarness, type HarnessOptions, startBotHarness, TEST_TOKEN } from '../support/bot-harness.ts';
import { databaseBlip } from '../support/database-blip.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const ADMIN = 6990;

/** A clock that moves only when the test says so: no retry or reconciliation happens on its own. */
function manualClock() {
  let now = Date.now();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The ledger with its first `n` top-ups failing as a database restart would fail them. */
function failingTopUps(n: number) {
  let left = n;
  return (billing: BillingService): BillingService => ({
    ...billing,
    topUp: async (...args) => {
      if (left > 0) {
        left--;
        throw databaseBlip();
      }
      return billing.topUp(...args);
    },
  });
}

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`Stars are never lost (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  const start = (options: HarnessOptions) =>
    startBotHarness({ ...options, env: { ADMIN_IDS: String(ADMIN), ...options.env } });

  /** Buys the first (small) pack through the real flow; returns the charge id and the pack's credits. */
  async function buy(
    user: FakeUser,
  ): Promise<{ charge: string; credits: number; update: () => Update | undefined }> {
    const harness = h as BotHarness;
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /balance/i.test(m.text ?? ''));
    await user.pressButton({ messageId: balance.messageId, text: /credits · \d+ ⭐/ });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    let update: Update | undefined;
    const capture = (e: { update: Update }) => {
      if (e.update.message?.successful_payment) update = e.update;
    };
    harness.fake.on('update', capture);
    const result = await user.pay(invoice.messageId);
    harness.fake.off('update', capture);
    assert.equal(result.approved, true);
    return { charge: result.telegramPaymentChargeId as string, credits: 100, update: () => update };
  }

  const logged = (message: string) => () => (h as BotHarness).log.lines().some((l) => l.message === message);
  const texts = (user: FakeUser, pattern: RegExp) =>
    user.messages().filter((m) => pattern.test(m.text ?? ''));
  const topUps = async (charge: string) =>
    (
      await (h as BotHarness).database.db
        .selectFrom('ledger_entries')
        .select('amount')
        .where('idempotency_key', '=', `stars:${charge}`)
        .execute()
    ).map((r) => r.amount);
  const balanceOf = async (user: FakeUser) => {
    await user.sendCommand('/balance');
    const text = (await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''))).text ?? '';
    return Number(text.match(/Your balance: (\d+)/)?.[1]);
  };

  it('a database failure at the top-up: one reconciliation pass credits it once and tells the user once', async () => {
    const clock = manualClock();
    h = await start({ app: { now: clock.now, decorateBilling: failingTopUps(1) } });
    const user = h.fake.user({ id: 6901, firstName: 'Lost' });
    const { charge, credits } = await buy(user);
    await until('the failed top-up', logged('Update failed, will be retried: db.unavailable'));
    assert.deepEqual(await topUps(charge), [], 'the Stars are taken, the credits are not there yet');
    assert.deepEqual(
      texts(user, /ref |went wrong|could not reach/),
      [],
      'no error reply for an update that will be retried',
    );

    const report = await h.app.reconcileStars({ force: true });
    assert.deepEqual(
      report?.credited.map((p) => [p.chargeId, p.userId, p.credits]),
      [[charge, 6901, credits]],
    );
    await user.waitForMessage((m) => /has been credited/.test(m.text ?? ''));
    assert.deepEqual(await topUps(charge), [credits]);
    const warn = h.log.lines().find((l) => l.message === 'Stars payment credited by reconciliation');
    assert.equal(warn?.level, 'warn');

    // The update's own retry comes later: it finds the entry and stays quiet.
    clock.advance(60_000);
    assert.equal(await h.app.retryUpdates(), 1);
    assert.deepEqual((await h.app.reconcileStars({ force: true }))?.credited, []);
    assert.deepEqual(await topUps(charge), [credits], 'credited exactly once');
    assert.equal(await balanceOf(user), credits);
    assert.equal(texts(user, /has been credited/).length, 1, 'told once');
    assert.equal(texts(user, /^✅ \d+ credits added\./).length, 0, 'not told twice');
  });

  it('polling: the failed update is retried after its backoff and credited once; a redelivery after that is skipped', async () => {
    const clock = manualClock();
    h = await start({ app: { now: clock.now, decorateBilling: failingTopUps(1) } });
    const user = h.fake.user({ id: 6902, firstName: 'Retry' });
    const { charge, credits, update } = await buy(user);
    await until('the failed top-up', logged('Update failed, will be retried: db.unavailable'));
    assert.equal(await h.app.retryUpdates(), 0, 'not due before its backoff');
    clock.advance(5_000);
    assert.equal(await h.app.retryUpdates(), 1);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    assert.deepEqual(await topUps(charge), [credits]);

    // Telegram delivers the same update again: skipped, and reconciliation has nothing to add.
    const payment = update();
    assert.ok(payment);
    await h.fake.enqueueRaw(TEST_TOKEN, payment);
    await until('the duplicate', logged('Duplicate update skipped'));
    assert.deepEqual((await h.app.reconcileStars({ force: true }))?.credited, []);
    assert.equal(await balanceOf(user), credits);
    assert.equal(texts(user, /credits added/).length, 1);
  });

  it('webhook: an infrastructure failure answers 503, Telegram redelivers, it is handled once; a completed update redelivered is skipped', async () => {
    h = await start({ mode: 'webhook', app: { decorateBilling: failingTopUps(1) } });
    const user = h.fake.user({ id: 6903, firstName: 'Hook' });
    const { charge, credits, update } = await buy(user);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    assert.ok(logged('Update failed, will be retried: db.unavailable')());
    const info = await h.app.bot.api.getWebhookInfo();
    assert.match(info.last_error_message ?? '', /503/, 'the first delivery was answered 503');
    assert.deepEqual(await topUps(charge), [credits]);

    const payment = update();
    assert.ok(payment);
    const errorDate = info.last_error_date;
    await h.fake.enqueueRaw(TEST_TOKEN, payment);
    await until('the duplicate', logged('Duplicate update skipped'));
    assert.equal((await h.app.bot.api.getWebhookInfo()).last_error_date, errorDate, 'answered 2xx');
    assert.equal(await balanceOf(user), credits);
    assert.equal(texts(user, /credits added/).length, 1);
    assert.deepEqual(texts(user, /ref /), []);
  });

  it('/admin refund: spent credits are refused, an unknown id is answered, a refund moves Stars and credits back', async () => {
    h = await start({});
    const admin = h.fake.user({ id: ADMIN, firstName: 'Admin' });
    const user = h.fake.user({ id: 6904, firstName: 'Refund' });
    const { charge, credits } = await buy(user);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));

    await admin.sendCommand('/admin', 'refund stx-unknown-charge');
    await admin.waitForMessage((m) =>
      /No Stars payment stx-unknown-charge in the ledger: nothing was changed/.test(m.text ?? ''),
    );

    await admin.sendCommand('/admin', 'adjust 6904 -30 spent on a generation');
    await admin.waitForMessage((m) => /changed by/.test(m.text ?? ''));
    await admin.sendCommand('/admin', `refund ${charge}`);
    await admin.waitForMessage((m) =>
      /has 70 credits, fewer than the 100 this payment brought/.test(m.text ?? ''),
    );
    assert.equal(user.payments()[0]?.refunded, false, 'Telegram was not asked');

    await admin.sendCommand('/admin', 'adjust 6904 +30 given back');
    await admin.waitForMessage((m) => /changed by <b>\+30|changed by \+30/.test(m.text ?? ''));
    await admin.sendCommand('/admin', `refund ${charge}`);
    await admin.waitForMessage((m) => /refunded: Telegram returned the Stars/.test(m.text ?? ''));
    assert.equal(user.payments()[0]?.refunded, true);
    assert.equal(await balanceOf(user), 0);
    const entry = await h.database.db
      .selectFrom('ledger_entries')
      .select(['amount', 'admin_id'])
      .where('idempotency_key', '=', `stars-refund:${charge}`)
      .executeTakeFirst();
    assert.deepEqual(entry, { amount: -credits, admin_id: ADMIN });

    await admin.sendCommand('/admin', `refund ${charge}`);
    await admin.waitForMessage((m) => /was already refunded in Telegram/.test(m.text ?? ''));
    assert.equal(await balanceOf(user), 0, 'nothing taken twice');
    assert.deepEqual(
      (await h.app.reconcileStars({ force: true }))?.credited,
      [],
      'a refunded payment is not re-credited',
    );
  });

  it('a forged payment payload at successful_payment credits nothing and says so clearly', async () => {
    h = await start({});
    const user = h.fake.user({ id: 6905, firstName: 'Forger' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    // Another user's pack payload: Telegram would never send this, a forged update would.
    await h.fake.enqueueRaw(TEST_TOKEN, {
      update_id: 900_001,
      message: {
        message_id: 900,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 6905, type: 'private', first_name: 'Forger' },
        from: { id: 6905, is_bot: false, first_name: 'Forger' },
        successful_payment: {
          currency: 'XTR',
          total_amount: 50,
          invoice_payload: 'topup:small:6999',
          telegram_payment_charge_id: 'stx-forged',
          provider_payment_charge_id: '',
        },
      },
    });
    const reply = await user.waitForMessage((m) => /does not match any of our packs/.test(m.text ?? ''));
    assert.match(reply.text ?? '', /no credits were added/);
    assert.match(reply.text ?? '', /\/paysupport/);
    assert.match(reply.text ?? '', /stx-forged/);
    assert.equal(await balanceOf(user), 0);
  });

  it('/paysupport explains help and refunds, lists the payment ids, is in the menu and /help, and passes a message to admins', async () => {
    h = await start({});
    const admin = h.fake.user({ id: ADMIN, firstName: 'Admin' });
    const user = h.fake.user({ id: 6906, firstName: 'Help' });
    const { charge } = await buy(user);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    await user.sendCommand('/paysupport');
    const help = await user.waitForMessage((m) => /Payments and refunds/.test(m.text ?? ''));
    assert.match(help.text ?? '', /refunded to your balance automatically/);
    assert.match(help.text ?? '', /Write to support right here: \/paysupport/);
    assert.match(help.text ?? '', new RegExp(`100 credits · id ${charge}`));

    await user.sendCommand('/paysupport', 'my <b>payment</b> did not arrive');
    await user.waitForMessage((m) => /passed on to support/.test(m.text ?? ''));
    const forwarded = await admin.waitForMessage((m) => /\/paysupport from user/.test(m.text ?? ''));
    assert.match(
      forwarded.text ?? '',
      /6906[\s\S]*my <b>payment<\/b> did not arrive/,
      'the user text arrives as text',
    );

    const ru = h.fake.user({ id: 6907, firstName: 'Помощь', languageCode: 'ru' });
    await ru.sendCommand('/paysupport');
    const ruHelp = await ru.waitForMessage((m) => /Платежи и возвраты/.test(m.text ?? ''));
    assert.match(ruHelp.text ?? '', /нет платежей звёздами/);

    await user.sendCommand('/help');
    await user.waitForMessage((m) => /\/paysupport: help with payments and refunds/.test(m.text ?? ''));
    const menus = h.fake
      .calls(TEST_TOKEN)
      .filter((c) => c.method === 'setMyCommands')
      .map((c) => JSON.stringify(c.payload));
    assert.ok(
      menus.length > 0 && menus.every((m) => m.includes('paysupport')),
      'every command menu lists /paysupport',
    );
  });
});
