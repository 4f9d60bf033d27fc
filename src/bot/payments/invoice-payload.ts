/** What an invoice carries back to us in pre_checkout_query and successful_payment (≤128 bytes). */
export interface InvoicePayload {
  readonly packId: string;
  readonly userId: number;
}

/** `topup:<pack id>:<user id>` */
export function encodeInvoicePayload(payload: InvoicePayload): string {
  return `topup:${payload.packId}:${payload.userId}`;
}

/** Parses a payload we issued; undefined for anything else (another bot's, or forged). */
export function decodeInvoicePayload(raw: string): InvoicePayload | undefined {
  const match = raw.match(/^topup:([A-Za-z0-9_-]{1,32}):(\d{1,15})$/);
  if (!match?.[1] || !match[2]) return undefined;
  return { packId: match[1], userId: Number(match[2]) };
}
