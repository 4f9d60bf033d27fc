import { decodeTarget, encodeTarget, TARGET_PATTERN, type TopUpTarget } from './top-up-target.ts';

/** What an invoice carries back to us in pre_checkout_query and successful_payment (≤128 bytes). */
export interface InvoicePayload {
  readonly packId: string;
  readonly userId: number;
  /** The confirmation or quote the top-up was started from; the receipt offers to go back to it. */
  readonly target?: TopUpTarget | undefined;
}

/** `topup:<pack id>:<user id>`, then `:<d|p>:<id>` with a target: at most 93 bytes. */
export function encodeInvoicePayload(payload: InvoicePayload): string {
  const base = `topup:${payload.packId}:${payload.userId}`;
  return payload.target ? `${base}:${encodeTarget(payload.target)}` : base;
}

const PAYLOAD = new RegExp(`^topup:([A-Za-z0-9_-]{1,32}):(\\d{1,15})(?::${TARGET_PATTERN})?$`);

/** Parses a payload we issued; undefined for anything else (another bot's, or forged). */
export function decodeInvoicePayload(raw: string): InvoicePayload | undefined {
  const match = raw.match(PAYLOAD);
  if (!match?.[1] || !match[2]) return undefined;
  const target = decodeTarget(match[3], match[4]);
  return { packId: match[1], userId: Number(match[2]), ...(target && { target }) };
}
