import type { BillingService } from '../billing/billing.service.ts';
import type { PaidPayment, PaymentProvider } from './payment-provider.ts';
import type { TopUpTarget } from './top-up-target.ts';

export interface CreditPaymentDeps {
  readonly billing: BillingService;
  readonly provider: PaymentProvider;
}

/** One payment the provider has taken and verified (`verifyPaid`). */
export interface PaymentToCredit {
  readonly userId: number;
  /** The provider's id of the charge (Telegram's telegram_payment_charge_id). */
  readonly chargeId: string;
  readonly paid: PaidPayment;
  /**
   * The entry's reason: which way the payment reached us. Undefined for the payment's own update;
   * the reconciler sets its own. An entry posted the other way has the other reason.
   */
  readonly reason?: string;
}

/** A payment this call credited: what to tell the user. */
export interface CreditedPayment {
  readonly userId: number;
  readonly chargeId: string;
  readonly credits: number;
  readonly balanceAfter: number;
  /** The confirmation or quote to offer a Continue back to. */
  readonly target?: TopUpTarget | undefined;
}

/**
 * Credits a paid pack exactly once, under the provider's charge key, whichever way the payment
 * arrives: its update (successful_payment), a redelivery of it, or reconciliation. The credited
 * payment, for the caller to tell the user; undefined when the other way posted it first and has
 * told them already (the entry carries its reason). A repeat by the same way tells again: the first
 * attempt may have died before the user heard.
 */
export async function creditPayment(
  deps: CreditPaymentDeps,
  payment: PaymentToCredit,
): Promise<CreditedPayment | undefined> {
  const { userId, chargeId, paid, reason } = payment;
  const entry = await deps.billing.topUp(userId, paid.credits, {
    idempotencyKey: deps.provider.chargeKey(chargeId),
    reference: chargeId,
    ...(reason !== undefined && { reason }),
  });
  if (entry.reason !== reason) return undefined;
  return { userId, chargeId, credits: paid.credits, balanceAfter: entry.balanceAfter, target: paid.target };
}
