import { randomBytes } from 'node:crypto';
import type { User } from 'grammy/types';
import type { BotState } from './bot-state.ts';
import type { FakeCore } from './fake-core.ts';
import { addUserMessage, nowSeconds } from './message-builder.ts';
import { newQueryId } from './query-id.ts';
import type { PaymentResult } from './types.ts';

type PreCheckoutAnswer = { ok: boolean; errorMessage?: string };

/**
 * What `FakeUser.pay()` does: a pre_checkout_query for the invoice (the latest one by default), then,
 * if the bot approves in time, the charge, its Star transaction and the successful_payment message.
 */
export async function payInvoice(
  core: FakeCore,
  bot: BotState,
  from: User,
  invoiceMessageId?: number,
): Promise<PaymentResult> {
  const userId = from.id;
  const chat = bot.chat(userId);
  const entry =
    invoiceMessageId !== undefined
      ? chat.messages.get(invoiceMessageId)
      : chat
          .botEntries()
          .reverse()
          .find((e) => e.invoice && !e.deleted);
  const invoice = entry?.invoice;
  if (!invoice) {
    throw new Error(
      `pay: no invoice ${invoiceMessageId !== undefined ? `#${invoiceMessageId} ` : ''}in chat ${userId}`,
    );
  }
  const queryId = newQueryId();
  const answer = awaitPreCheckout(core, bot, userId, queryId);
  chat.markUserAction();
  core.enqueue(bot, {
    pre_checkout_query: {
      id: queryId,
      from,
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
      invoice_payload: invoice.payload,
    },
  });
  const result = await answer;
  if (!result) {
    const seconds = core.options.preCheckoutTimeoutMs / 1000;
    return {
      approved: false,
      errorMessage: `the bot did not answer the pre-checkout query within ${seconds} s`,
    };
  }
  if (!result.ok)
    return { approved: false, ...(result.errorMessage ? { errorMessage: result.errorMessage } : {}) };
  const chargeId = `stx${randomBytes(30).toString('base64url')}`;
  bot.charges.set(chargeId, {
    userId,
    chargeId,
    currency: invoice.currency,
    totalAmount: invoice.totalAmount,
    payload: invoice.payload,
    refunded: false,
  });
  bot.starTransactions.push({
    id: chargeId,
    amount: invoice.totalAmount,
    date: nowSeconds(),
    source: {
      type: 'user',
      transaction_type: 'invoice_payment',
      user: from,
      invoice_payload: invoice.payload,
    },
  });
  addUserMessage(core, bot, userId, {
    successful_payment: {
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
      invoice_payload: invoice.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: '',
    },
  });
  return { approved: true, telegramPaymentChargeId: chargeId };
}

/** The bot's answerPreCheckoutQuery, or undefined when it does not come in time or the fake stops. */
function awaitPreCheckout(
  core: FakeCore,
  bot: BotState,
  userId: number,
  queryId: string,
): Promise<PreCheckoutAnswer | undefined> {
  return new Promise((resolve) => {
    const finish = (answer: PreCheckoutAnswer | undefined): void => {
      clearTimeout(timer);
      core.stopSignal.removeEventListener('abort', onStop);
      bot.preCheckouts.delete(queryId);
      resolve(answer);
    };
    const onStop = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), core.options.preCheckoutTimeoutMs);
    core.stopSignal.addEventListener('abort', onStop, { once: true });
    bot.preCheckouts.set(queryId, { userId, resolve: finish });
  });
}
