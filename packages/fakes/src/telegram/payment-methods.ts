import type { LabeledPrice } from 'grammy/types';
import { badRequest, queryTooOld } from './api-error.ts';
import { addUserMessage, nowSeconds, readReplyTo, sendBotMessage } from './message-builder.ts';
import type { MethodContext } from './method-context.ts';
import { readReplyMarkup } from './reply-markup.ts';

/** sendInvoice. Error codes like STARS_INVOICE_INVALID follow Telegram's style; exact texts are guesses. */
export function sendInvoice(ctx: MethodContext): unknown {
  const chatId = ctx.params.chatId();
  const title = ctx.params.required('title');
  const description = ctx.params.required('description');
  const payload = ctx.params.required('payload');
  const currency = ctx.params.required('currency');
  const prices = ctx.params.json<LabeledPrice[]>('prices', 'prices');
  if (!Array.isArray(prices) || prices.length === 0) throw badRequest('prices is empty');
  if (!prices.every((p) => typeof p.label === 'string' && Number.isInteger(p.amount) && p.amount > 0)) {
    throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  }
  // Stars invoices take exactly one price and no provider (https://core.telegram.org/bots/payments-stars).
  if (currency === 'XTR' && prices.length !== 1) throw badRequest('STARS_INVOICE_INVALID');
  if (currency !== 'XTR' && !ctx.params.has('provider_token')) throw badRequest('PAYMENT_PROVIDER_INVALID');
  const totalAmount = prices.reduce((sum, p) => sum + p.amount, 0);
  const replyMarkup = readReplyMarkup(ctx.params);
  const replyTo = readReplyTo(ctx.params, ctx.bot.chat(chatId));
  const entry = sendBotMessage(
    ctx,
    chatId,
    {
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      invoice: {
        title,
        description,
        start_parameter: ctx.params.string('start_parameter') ?? '',
        currency,
        total_amount: totalAmount,
      },
    },
    { invoice: { title, description, currency, totalAmount, payload, prices }, replyMarkup },
  );
  return entry.raw;
}

/** answerPreCheckoutQuery: settles the pending `pay()`. */
export function answerPreCheckoutQuery(ctx: MethodContext): unknown {
  const queryId = ctx.params.required('pre_checkout_query_id');
  const pending = ctx.bot.preCheckouts.get(queryId);
  if (!pending) throw queryTooOld();
  const ok = ctx.params.bool('ok');
  const errorMessage = ctx.params.string('error_message');
  if (!ok && !errorMessage) throw badRequest('ERROR_MESSAGE_EMPTY');
  ctx.bot.preCheckouts.delete(queryId);
  pending.resolve({ ok, ...(errorMessage ? { errorMessage } : {}) });
  return true;
}

/** refundStarPayment: also posts the refunded_payment service message, as Telegram does. */
export function refundStarPayment(ctx: MethodContext): unknown {
  const userId = ctx.params.int('user_id');
  if (userId === undefined) throw badRequest('user_id is empty');
  const charge = ctx.bot.charges.get(ctx.params.required('telegram_payment_charge_id'));
  if (!charge || charge.userId !== userId) throw badRequest('CHARGE_NOT_FOUND');
  if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
  charge.refunded = true;
  const user = ctx.core.users.get(userId);
  // The refund is an outgoing transaction carrying the payment's own id (StarTransaction.id).
  ctx.bot.starTransactions.push({
    id: charge.chargeId,
    amount: charge.totalAmount,
    date: nowSeconds(),
    receiver: {
      type: 'user',
      transaction_type: 'invoice_payment',
      user: user ?? { id: userId, is_bot: false, first_name: '' },
      invoice_payload: charge.payload,
    },
  });
  addUserMessage(ctx.core, ctx.bot, userId, {
    refunded_payment: {
      currency: charge.currency,
      total_amount: charge.totalAmount,
      invoice_payload: charge.payload,
      telegram_payment_charge_id: charge.chargeId,
    },
  });
  return true;
}

/**
 * getStarTransactions: the bot's transactions, newest first, `offset` skipped, at most `limit`
 * (1–100, default 100). Telegram's page says "in chronological order" without saying which end comes
 * first; the underlying API lists newest first by default, which the fake follows (the reconciler
 * works with either order).
 */
export function getStarTransactions(ctx: MethodContext): unknown {
  const offset = ctx.params.has('offset') ? ctx.params.int('offset') : 0;
  const limit = ctx.params.has('limit') ? ctx.params.int('limit') : 100;
  if (offset === undefined || offset < 0) throw badRequest('invalid offset');
  if (limit === undefined || limit < 1 || limit > 100) throw badRequest('invalid limit');
  const newestFirst = [...ctx.bot.starTransactions].reverse();
  return { transactions: structuredClone(newestFirst.slice(offset, offset + limit)) };
}
