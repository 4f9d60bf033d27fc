import type { TopUpPack } from '../context.ts';
import { decodeInvoicePayload } from './invoice-payload.ts';

/** Telegram Stars: digital goods sold in a bot must be paid in XTR. */
export const STARS_CURRENCY = 'XTR';

/** What Telegram reports about a payment (pre-checkout or successful). */
export interface PaymentFacts {
  readonly invoicePayload: string;
  readonly currency: string;
  readonly totalAmount: number;
  readonly payerId: number;
}

/**
 * The pack a payment is for, or undefined unless everything matches: our payload, the payer the
 * invoice was made for, Stars, and the pack's current price.
 */
export function matchPack(payment: PaymentFacts, packs: readonly TopUpPack[]): TopUpPack | undefined {
  const payload = decodeInvoicePayload(payment.invoicePayload);
  if (!payload || payload.userId !== payment.payerId || payment.currency !== STARS_CURRENCY) return undefined;
  const pack = packs.find((p) => p.id === payload.packId);
  return pack && pack.stars === payment.totalAmount ? pack : undefined;
}
