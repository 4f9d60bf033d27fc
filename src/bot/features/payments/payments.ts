import { Composer, GrammyError } from 'grammy';
import { creditPayment } from '../../../services/payments/credit-payment.ts';
import { decodeTarget, TARGET_PATTERN } from '../../../services/payments/top-up-target.ts';
import type { BotContext } from '../../context.ts';
import { languageOf } from '../../i18n.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import { protocolQuoteKeyboard } from '../protocol/protocol-keyboard.ts';
import { continueKeyboard, TOP_UP_ACTION, TOP_UP_CONTINUE } from './top-up-keyboard.ts';

const composer = new Composer<BotContext>();

// A pack button: send the invoice, carrying the confirmation or quote it was bought for, if any.
composer.callbackQuery(
  new RegExp(`^${TOP_UP_ACTION}:([a-z0-9_-]{1,32})(?::${TARGET_PATTERN})?$`),
  handledBy('payments'),
  async (ctx) => {
    const pack = ctx.deps.packs.find((p) => p.id === ctx.match[1]);
    if (!pack) {
      await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
      return;
    }
    await ctx.answerCallbackQuery();
    const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
    const invoice = ctx.deps.payments.invoice({
      pack,
      userId: ctx.from.id,
      target: decodeTarget(ctx.match[2], ctx.match[3]),
      lang,
      t: (key, args) => ctx.t(key, args),
    });
    await ctx.replyWithInvoice(invoice.title, invoice.description, invoice.payload, invoice.currency, [
      ...invoice.prices,
    ]);
  },
);

// Telegram asks before taking the Stars; we must answer within 10 s.
composer.on('pre_checkout_query', handledBy('payments'), async (ctx) => {
  const query = ctx.preCheckoutQuery;
  const pack = ctx.deps.payments.verifyCheckout(
    {
      invoicePayload: query.invoice_payload,
      currency: query.currency,
      totalAmount: query.total_amount,
      payerId: query.from.id,
    },
    ctx.deps.packs,
  );
  if (pack) await ctx.answerPreCheckoutQuery(true);
  else await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t('payment-invalid') });
});

// The Stars were taken: credit the pack exactly once, keyed by Telegram's charge id.
composer.on('message:successful_payment', handledBy('payments'), async (ctx) => {
  const payment = ctx.message.successful_payment;
  const paid = ctx.deps.payments.verifyPaid(
    {
      invoicePayload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
      payerId: ctx.from.id,
    },
    ctx.deps.packs,
  );
  if (!paid) {
    // Not our payload, or not this payer's: a forgery or another bot's; an operator must look.
    // The charge id lets them refund the Stars (refundStarPayment).
    ctx.deps.logger.error('Successful payment does not match a pack', {
      telegram_payment_charge_id: payment.telegram_payment_charge_id,
      currency: payment.currency,
      total_amount: payment.total_amount,
    });
    await ctx.reply(ctx.t('payment-unmatched', { charge: payment.telegram_payment_charge_id }));
    return;
  }
  // Handled at least once (a retry after a database blip, a redelivery after a crash): the charge key
  // makes every attempt, and the reconciliation job, credit the one entry.
  const credited = await creditPayment(
    { billing: ctx.deps.billing, provider: ctx.deps.payments },
    { userId: ctx.from.id, chargeId: payment.telegram_payment_charge_id, paid },
  );
  // Reconciliation got there first and told the user already.
  if (!credited) return;
  const { target } = credited;
  await ctx.reply(ctx.t('payment-credited', { credits: credited.credits, balance: credited.balanceAfter }), {
    ...(target && { reply_markup: continueKeyboard((key) => ctx.t(key), target) }),
  });
});

/** Telegram's answer to an edit that changes nothing: here, the second of two quick presses. */
const notModified = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && /not modified/i.test(error.description);

// Continue after a top-up for a protocol quote: the receipt becomes the quote, with the new balance.
// (A generation draft's Continue is the generate feature's.)
composer.callbackQuery(
  new RegExp(`^${TOP_UP_CONTINUE}:p:([\\w-]{1,36})$`),
  handledBy('payments'),
  async (ctx) => {
    const job = await ctx.deps.protocols?.get(ctx.match[1] as string);
    if (job && job.userId !== ctx.from.id) {
      ctx.deps.logger.warn("Refused a Continue on another user's protocol", { job_id: job.id });
      await ctx.answerCallbackQuery({ text: ctx.t('protocol-not-yours'), show_alert: true });
      return;
    }
    if (job?.status !== 'quoted') {
      // Confirmed, cancelled or expired meanwhile: say so, and take the dead button away.
      await ctx.answerCallbackQuery({ text: ctx.t('topup-continue-protocol-gone'), show_alert: true });
      await ctx.editMessageReplyMarkup().catch(() => {});
      return;
    }
    await ctx.answerCallbackQuery();
    const balance = await ctx.deps.billing.balance(job.userId);
    const short = balance < job.price;
    const args = { chars: job.inputChars, segments: job.segmentCount, price: job.price, balance };
    try {
      await ctx.editMessageText(ctx.t(short ? 'protocol-quote-short' : 'protocol-quote', args), {
        parse_mode: 'HTML',
        reply_markup: protocolQuoteKeyboard(ctx, job, short),
      });
    } catch (error) {
      // The same quote is already on screen: a double press shows it once.
      if (!notModified(error)) throw error;
    }
    // One live quote: the old one (with its Top up) loses its buttons, as a draft's old confirmation does.
    const old = job.quoteMessageId;
    const chatId = ctx.chat?.id;
    if (old !== undefined && chatId !== undefined && old !== ctx.callbackQuery.message?.message_id) {
      await ctx.api.editMessageReplyMarkup(chatId, old).catch(() => undefined);
    }
  },
);

/** Telegram Stars top-ups: invoice, pre-checkout validation, crediting, Continue back to a quote. */
export const paymentsFeature = composer;
