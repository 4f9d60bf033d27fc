/** The ledger's idempotency key of a Stars payment's top-up: one per Telegram charge, whoever posts it. */
export function starsTopUpKey(chargeId: string): string {
  return `stars:${chargeId}`;
}

/** The key of the entry that takes a refunded payment's credits back (`/admin refund`). */
export function starsRefundKey(chargeId: string): string {
  return `stars-refund:${chargeId}`;
}

/** The key of the entry that gives those credits back when Telegram refused the refund for good. */
export function starsRefundUndoKey(chargeId: string): string {
  return `stars-refund-undo:${chargeId}`;
}
