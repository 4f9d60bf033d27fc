import type { PaymentFacts } from '../payment-provider.ts';
import type { TopUpPack } from '../top-up-pack.ts';
import { decodeInvoicePayload } from './invoice-payload.ts';

/** Telegram Stars: digital goods sold in a bot must be paid in XTR. */
export const STARS_CURRENCY = 'XTR';

/**
 * Before the Stars are taken (pre-checkout): the pack a payment is for, or undefined unless
 * everything matches: our payload, the payer the invoice was made for, Stars, and the pack as it is
 * now (price, and the credits the invoice promised). Refusing here costs the user nothing.
 */
export function matchPack(payment: PaymentFacts, packs: readonly TopUpPack[]): TopUpPack | undefined {
  const payload = ourPayload(payment);
  if (!payload) return undefined;
  const pack = packs.find((p) => p.id === payload.packId);
  if (!pack || pack.stars !== payment.totalAmount) return undefined;
  const { sold } = payload;
  return !sold || (sold.credits === pack.credits && sold.stars === pack.stars) ? pack : undefined;
}

/** What a payment Telegram has taken is owed. */
export interface PaidPack {
  readonly packId: string;
  readonly credits: number;
}

/**
 * After the Stars were taken (successful_payment, reconciliation): the credits the invoice sold, from
 * its payload, even if the pack changed or went since (a payment is credited, never dropped because
 * of a config change), as long as Telegram took the Stars the invoice asked. A payload from before
 * it carried what it sold must match the pack as it is now. Undefined for a payload that is not
 * ours, not this payer's, or an amount no invoice of ours asked: an operator must look.
 */
export function paidPack(payment: PaymentFacts, packs: readonly TopUpPack[]): PaidPack | undefined {
  const payload = ourPayload(payment);
  if (!payload) return undefined;
  if (payload.sold) {
    return payload.sold.stars === payment.totalAmount
      ? { packId: payload.packId, credits: payload.sold.credits }
      : undefined;
  }
  const pack = matchPack(payment, packs);
  return pack && { packId: pack.id, credits: pack.credits };
}

function ourPayload(payment: PaymentFacts) {
  const payload = decodeInvoicePayload(payment.invoicePayload);
  if (!payload || payload.userId !== payment.payerId || payment.currency !== STARS_CURRENCY) return undefined;
  return payload;
}
