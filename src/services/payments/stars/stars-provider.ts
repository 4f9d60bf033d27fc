import type { PaymentProvider } from '../payment-provider.ts';
import { decodeInvoicePayload, encodeInvoicePayload } from './invoice-payload.ts';
import { matchPack, paidPack, STARS_CURRENCY } from './match-pack.ts';
import { starsTopUpKey } from './stars-keys.ts';

/**
 * Telegram Stars: invoices in XTR priced at the pack's Stars, a payload that carries the pack, the
 * payer, what it sold and the return target (invoice-payload.ts), and one `stars:<charge id>` entry
 * per Telegram charge.
 */
export const starsProvider: PaymentProvider = {
  currency: STARS_CURRENCY,

  invoice: ({ pack, userId, target, lang, t }) => ({
    title: t('invoice-title', { credits: pack.credits }),
    description: t('invoice-description', { title: pack.title[lang], credits: pack.credits }),
    payload: encodeInvoicePayload({
      packId: pack.id,
      userId,
      sold: { credits: pack.credits, stars: pack.stars },
      target,
    }),
    currency: STARS_CURRENCY,
    prices: [{ label: pack.title[lang], amount: pack.stars }],
  }),

  verifyCheckout: matchPack,

  verifyPaid: (payment, packs) => {
    const paid = paidPack(payment, packs);
    if (!paid) return undefined;
    const target = decodeInvoicePayload(payment.invoicePayload)?.target;
    return target ? { ...paid, target } : paid;
  },

  chargeKey: starsTopUpKey,
};
