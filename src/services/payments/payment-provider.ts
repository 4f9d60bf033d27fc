import type { Language } from '../../i18n/languages.ts';
import type { TopUpPack } from './top-up-pack.ts';
import type { TopUpTarget } from './top-up-target.ts';

/** A message of locales/*.ftl in the reader's language (the bot's ctx.t, or the edge's i18n). */
export type Translate = (key: string, args?: Record<string, string | number>) => string;

/** What the payment platform reports about a payment (pre-checkout or successful). */
export interface PaymentFacts {
  readonly invoicePayload: string;
  readonly currency: string;
  readonly totalAmount: number;
  readonly payerId: number;
}

/** One invoice for one pack, as the platform's sendInvoice takes it. */
export interface Invoice {
  readonly title: string;
  readonly description: string;
  /** What comes back with the payment: the provider's own encoding, never shown to the user. */
  readonly payload: string;
  readonly currency: string;
  readonly prices: readonly { readonly label: string; readonly amount: number }[];
}

/** What an invoice is built from. */
export interface InvoiceRequest {
  readonly pack: TopUpPack;
  /** The user the invoice is for: only they can pay it. */
  readonly userId: number;
  /** The confirmation or quote the top-up was started from; the receipt offers to go back to it. */
  readonly target?: TopUpTarget | undefined;
  readonly lang: Language;
  readonly t: Translate;
}

/** What a payment the platform has taken is owed. */
export interface PaidPayment {
  readonly packId: string;
  readonly credits: number;
  /** Where the receipt's Continue leads, when the invoice carried it. */
  readonly target?: TopUpTarget | undefined;
}

/**
 * One way of selling packs (Telegram Stars today): the currency, the invoice, checking a payment
 * before and after the money is taken, and the ledger key that makes every credit of one charge one
 * entry. Crediting itself is the provider-neutral `creditPayment`.
 */
export interface PaymentProvider {
  /** The invoices' and payments' currency (`XTR` for Stars). */
  readonly currency: string;
  /** The invoice that sells `pack` to one user. */
  invoice(request: InvoiceRequest): Invoice;
  /**
   * Before the money is taken (pre-checkout): the pack the payment is for, or undefined to refuse it
   * (refusing costs the user nothing).
   */
  verifyCheckout(payment: PaymentFacts, packs: readonly TopUpPack[]): TopUpPack | undefined;
  /** After the money was taken: what is owed, or undefined for a payment that is not ours (an operator must look). */
  verifyPaid(payment: PaymentFacts, packs: readonly TopUpPack[]): PaidPayment | undefined;
  /** The ledger idempotency key of a payment's top-up: one per charge, whoever posts it. */
  chargeKey(chargeId: string): string;
}
