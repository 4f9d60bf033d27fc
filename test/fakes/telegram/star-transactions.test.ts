import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1008:test-token-star-transactions';

describe('Telegram fake: getStarTransactions and refundStarPayment', () => {
  let fake: TelegramFake;
  let bot: Bot;
  let running: Promise<void>;

  before(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
    bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
    bot.command('buy', (ctx) =>
      ctx.replyWithInvoice('credits', 'A pack', `pack:${ctx.match}`, 'XTR', [
        { label: 'pack', amount: Number(ctx.match) },
      ]),
    );
    bot.on('pre_checkout_query', (ctx) => ctx.answerPreCheckoutQuery(true));
    await bot.init();
    running = bot.start({ timeout: 1 });
  });
  after(async () => {
    await bot.stop();
    await running;
    await fake.stop();
  });

  async function buy(userId: number, stars: number): Promise<string> {
    const user = fake.user({ id: userId, token: TOKEN });
    await user.sendCommand('buy', String(stars));
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    const result = await user.pay(invoice.messageId);
    assert.equal(result.approved, true);
    return result.telegramPaymentChargeId as string;
  }

  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GrammyError);
    assert.equal(error.error_code, 400);
    return error.description;
  };

  it('lists payments as incoming transactions from the user with the invoice payload, newest first, paged', async () => {
    const first = await buy(50, 11);
    const second = await buy(51, 22);
    const third = await buy(50, 33);
    const all = (await bot.api.getStarTransactions()).transactions;
    assert.deepEqual(
      all.map((t) => [t.id, t.amount]),
      [
        [third, 33],
        [second, 22],
        [first, 11],
      ],
    );
    const [newest] = all;
    assert.equal(newest?.receiver, undefined);
    assert.deepEqual(
      { ...newest?.source, user: undefined },
      { type: 'user', transaction_type: 'invoice_payment', invoice_payload: 'pack:33', user: undefined },
    );
    assert.equal(newest?.source?.type === 'user' && newest.source.user.id, 50);
    assert.ok(Math.abs((newest?.date ?? 0) - Date.now() / 1000) < 60, 'a Unix date in seconds');
    // offset skips, limit bounds: pages of 2 then 1 give the same list.
    const page1 = (await bot.api.getStarTransactions({ offset: 0, limit: 2 })).transactions;
    const page2 = (await bot.api.getStarTransactions({ offset: 2, limit: 2 })).transactions;
    assert.deepEqual(
      [...page1, ...page2].map((t) => t.id),
      [third, second, first],
    );
    assert.deepEqual((await bot.api.getStarTransactions({ offset: 3 })).transactions, []);
  });

  it('refuses a limit outside 1–100 and a negative offset, as Telegram does', async () => {
    assert.match(await refusal(bot.api.getStarTransactions({ limit: 0 })), /invalid limit/);
    assert.match(await refusal(bot.api.getStarTransactions({ limit: 101 })), /invalid limit/);
    assert.match(await refusal(bot.api.getStarTransactions({ offset: -1 })), /invalid offset/);
  });

  it('refunds once, records the refund as an outgoing transaction under the payment id, refuses the rest', async () => {
    const charge = await buy(52, 44);
    assert.match(await refusal(bot.api.refundStarPayment(52, 'stx-no-such-charge')), /CHARGE_NOT_FOUND/);
    // Another user's payment is not found for this user either.
    assert.match(await refusal(bot.api.refundStarPayment(50, charge)), /CHARGE_NOT_FOUND/);
    assert.equal(await bot.api.refundStarPayment(52, charge), true);
    assert.match(await refusal(bot.api.refundStarPayment(52, charge)), /CHARGE_ALREADY_REFUNDED/);
    const [refund, payment] = (await bot.api.getStarTransactions({ limit: 2 })).transactions;
    assert.equal(refund?.id, charge);
    assert.equal(refund?.amount, 44);
    assert.equal(refund?.source, undefined);
    assert.equal(refund?.receiver?.type === 'user' && refund.receiver.user.id, 52);
    assert.equal(payment?.id, charge);
    assert.equal(payment?.source?.type, 'user');
  });
});
