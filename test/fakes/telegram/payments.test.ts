import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Bot } from 'grammy';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1007:test-token-payments';

describe('Telegram fake: Stars payments', () => {
  let fake: TelegramFake;
  let bot: Bot;
  let running: Promise<void>;
  const paid: string[] = [];

  before(async () => {
    fake = createTelegramFake({ rateLimits: false, preCheckoutTimeoutMs: 300 });
    await fake.start();
    bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
    bot.command('buy', (ctx) =>
      ctx.replyWithInvoice('10 credits', 'A pack of credits', `pack:${ctx.match || 'ok'}`, 'XTR', [
        { label: '10 credits', amount: 50 },
      ]),
    );
    bot.on('pre_checkout_query', async (ctx) => {
      const payload = ctx.preCheckoutQuery.invoice_payload;
      if (payload === 'pack:silent') return; // never answers
      if (payload === 'pack:sold-out') await ctx.answerPreCheckoutQuery(false, { error_message: 'Sold out' });
      else await ctx.answerPreCheckoutQuery(true);
    });
    bot.on('message:successful_payment', (ctx) => {
      paid.push(ctx.message.successful_payment.invoice_payload);
    });
    await bot.init();
    running = bot.start({ timeout: 1 });
  });
  after(async () => {
    await bot.stop();
    await running;
    await fake.stop();
  });

  it('approves a payment and delivers successful_payment', async () => {
    const user = fake.user({ id: 40, token: TOKEN });
    await user.sendCommand('buy');
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.deepEqual(invoice.invoice, {
      title: '10 credits',
      description: 'A pack of credits',
      currency: 'XTR',
      totalAmount: 50,
      payload: 'pack:ok',
      prices: [{ label: '10 credits', amount: 50 }],
    });
    assert.equal((invoice.raw as { invoice?: { total_amount: number } }).invoice?.total_amount, 50);
    const result = await user.pay(invoice.messageId);
    assert.equal(result.approved, true);
    assert.match(result.telegramPaymentChargeId ?? '', /^stx/);
    await waitUntil(() => paid.includes('pack:ok'));
    assert.deepEqual(user.payments(), [
      {
        telegramPaymentChargeId: result.telegramPaymentChargeId,
        totalAmount: 50,
        invoicePayload: 'pack:ok',
        refunded: false,
      },
    ]);
    assert.equal(await bot.api.refundStarPayment(user.id, result.telegramPaymentChargeId!), true);
    assert.equal(user.payments()[0]?.refunded, true);
    await assert.rejects(
      bot.api.refundStarPayment(user.id, result.telegramPaymentChargeId!),
      /CHARGE_ALREADY_REFUNDED/,
    );
  });

  it('reports a rejection with the bot’s error message', async () => {
    const user = fake.user({ id: 41, token: TOKEN });
    await user.sendCommand('buy', 'sold-out');
    await user.waitForMessage((m) => m.invoice !== undefined);
    assert.deepEqual(await user.pay(), { approved: false, errorMessage: 'Sold out' });
    assert.deepEqual(user.payments(), []);
  });

  it('fails the payment when the bot does not answer in time', async () => {
    const user = fake.user({ id: 42, token: TOKEN });
    await user.sendCommand('buy', 'silent');
    await user.waitForMessage((m) => m.invoice !== undefined);
    const result = await user.pay();
    assert.equal(result.approved, false);
    assert.match(result.errorMessage ?? '', /did not answer the pre-checkout query/);
  });

  it('validates Stars invoices', async () => {
    fake.user({ id: 43, token: TOKEN });
    await assert.rejects(
      bot.api.sendInvoice(43, 't', 'd', 'p', 'XTR', [
        { label: 'a', amount: 1 },
        { label: 'b', amount: 2 },
      ]),
      /STARS_INVOICE_INVALID/,
    );
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
