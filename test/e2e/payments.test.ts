import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type BotHarness, startBotHarness, TEST_TOKEN } from '../support/bot-harness.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const buttons = (markup: unknown) =>
  (
    (markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)
      ?.inline_keyboard ?? []
  ).flat();

describe(`balance and Telegram Stars top-up (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('shows the balance, sells a pack for Stars and credits it exactly once, even if the payment update arrives twice', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 6001, firstName: 'Pay' });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage();
    assert.match(balance.text ?? '', /Your balance: 0 credits/);
    assert.match(balance.text ?? '', /No operations yet/);
    const packButtons = buttons(balance.replyMarkup).filter((b) => b.callback_data?.startsWith('topup:'));
    assert.ok(packButtons.length >= 3, 'a button per pack');
    const first = packButtons[0];
    const credits = Number(first?.text.match(/(\d+) credits/)?.[1]);
    const stars = Number(first?.text.match(/ · (\d+) ⭐/)?.[1]);

    await user.pressButton({ messageId: balance.messageId, data: first?.callback_data as string });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.equal(invoice.invoice?.currency, 'XTR');
    assert.equal(invoice.invoice?.totalAmount, stars);

    // Catch the successful_payment update so it can be delivered a second time.
    let paymentUpdate: unknown;
    const capture = (e: { update: { message?: { successful_payment?: unknown } } }) => {
      if (e.update.message?.successful_payment) paymentUpdate = e.update;
    };
    h.fake.on('update', capture);
    const result = await user.pay(invoice.messageId);
    assert.equal(result.approved, true);
    const credited = await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    assert.match(credited.text ?? '', new RegExp(`✅ ${credits} credits added. Your balance: ${credits}\\.`));
    h.fake.off('update', capture);

    assert.ok(paymentUpdate, 'saw the payment update');
    await h.fake.enqueueRaw(TEST_TOKEN, paymentUpdate as never);
    await user.sendCommand('/balance');
    const after = await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''));
    assert.match(after.text ?? '', new RegExp(`Your balance: ${credits} credits`));
    assert.equal((after.text?.match(/top-up/g) ?? []).length, 1, 'one top-up in the history');
    assert.equal(user.messages().filter((m) => /credits added/.test(m.text ?? '')).length, 1);
  });

  it('speaks the user’s language through the whole purchase', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 6002, firstName: 'Иван', languageCode: 'ru' });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage();
    assert.match(balance.text ?? '', /Ваш баланс: 0 кредитов/);
    const pack = buttons(balance.replyMarkup).find((b) => b.callback_data?.startsWith('topup:'));
    assert.match(pack?.text ?? '', /^\d+ кредитов · \d+ ⭐$/);
    await user.pressButton({ messageId: balance.messageId, data: pack?.callback_data as string });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.match(invoice.invoice?.title ?? '', /кредитов/);
    assert.equal((await user.pay(invoice.messageId)).approved, true);
    await user.waitForMessage((m) => /Начислено \d+ кредитов/.test(m.text ?? ''));
  });
});
