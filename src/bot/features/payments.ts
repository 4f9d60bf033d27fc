import { Composer } from 'grammy';
import { starsTopUpKey } from '../../services/billing/stars-keys.ts';
import { RECONCILED_REASON } from '../../services/billing/stars-reconciler.ts';
import type { BotContext } from '../context.ts';
import { languageOf } from '../i18n.ts';
import { TOP_UP_ACTION } from '../keyboards/top-up.ts';
import { handledBy } from '../middlewares/handled-by.ts';
import { encodeInvoicePayload } from '../payments/invoice-payload.ts';
import { matchPack, STARS_CURRENCY } from '../payments/match-pack.ts';

const composer = new Composer<BotContext>();

// A pack button: send the invoice.
composer.callbackQuery(new RegExp(`^${TOP_UP_ACTION}:(.+)$`), handledBy('payments'), async (ctx) => {
  const pack = ctx.deps.packs.find((p) => p.id === ctx.match[1]);
  if (!pack) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-expired') });
    return;
  }
  await ctx.answerCallbackQuery();
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  await ctx.replyWithInvoice(
    ctx.t('invoice-title', { credits: pack.credits }),
    ctx.t('invoice-description', { title: pack.title[lang], credits: pack.credits }),
    encodeInvoicePayload({ packId: pack.id, userId: ctx.from.id }),
    STARS_CURRENCY,
    [{ label: pack.title[lang], amount: pack.stars }],
  );
});

// Telegram asks before taking the Stars; we must answer within 10 s.
composer.on('pre_checkout_query', handledBy('payments'), async (ctx) => {
  const query = ctx.preCheckoutQuery;
  const pack = matchPack(
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
  const pack = matchPack(
    {
      invoicePayload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
      payerId: ctx.from.id,
    },
    ctx.deps.packs,
  );
  if (!pack) {
    // We validated at pre-checkout, so this is a catalog change or a forgery: an operator must look.
    // The charge id lets them refund the Stars (refundStarPayment).
    ctx.deps.logger.error('Successful payment does not match a pack', {
      telegram_payment_charge_id: payment.telegram_payment_charge_id,
      currency: payment.currency,
      total_amount: payment.total_amount,
    });
    await ctx.reply(ctx.t('payment-unmatched', { charge: payment.telegram_payment_charge_id }));
    return;
  }
  // Handled at least once (a retry after a database blip, a redelivery after a crash): the key makes
  // every attempt, and the reconciliation job, credit the one entry.
  const entry = await ctx.deps.billing.topUp(ctx.from.id, pack.credits, {
    idempotencyKey: starsTopUpKey(payment.telegram_payment_charge_id),
    reference: payment.telegram_payment_charge_id,
  });
  // Reconciliation got there first and told the user already.
  if (entry.reason === RECONCILED_REASON) return;
  await ctx.reply(ctx.t('payment-credited', { credits: pack.credits, balance: entry.balanceAfter }));
});

/** Telegram Stars top-ups: invoice, pre-checkout validation, crediting. */
export const paymentsFeature = composer;
