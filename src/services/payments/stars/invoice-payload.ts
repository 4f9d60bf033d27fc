import { decodeTarget, encodeTarget, TARGET_PATTERN, type TopUpTarget } from '../top-up-target.ts';

/** What an invoice carries back to us in pre_checkout_query and successful_payment (≤128 bytes). */
export interface InvoicePayload {
  readonly packId: string;
  readonly userId: number;
  /**
   * What the invoice sold: credits for Stars. Once Telegram has taken the Stars the credits are owed
   * whatever the pack is by then (its price or size changed, or it is gone). Absent in payloads
   * issued before it was carried.
   */
  readonly sold?: { readonly credits: number; readonly stars: number } | undefined;
  /** The confirmation or quote the top-up was started from; the receipt offers to go back to it. */
  readonly target?: TopUpTarget | undefined;
}

/**
 * `topup:<pack id>:<user id>`, then `:c<credits>x<stars>` for what it sold, then `:<d|p>:<id>` with a
 * target: at most 114 bytes.
 */
export function encodeInvoicePayload(payload: InvoicePayload): string {
  const sold = payload.sold ? `:c${payload.sold.credits}x${payload.sold.stars}` : '';
  const base = `topup:${payload.packId}:${payload.userId}${sold}`;
  return payload.target ? `${base}:${encodeTarget(payload.target)}` : base;
}

const PAYLOAD = new RegExp(
  `^topup:([A-Za-z0-9_-]{1,32}):(\\d{1,15})(?::c(\\d{1,9})x(\\d{1,9}))?(?::${TARGET_PATTERN})?$`,
);

/** Parses a payload we issued; undefined for anything else (another bot's, or forged). */
export function decodeInvoicePayload(raw: string): InvoicePayload | undefined {
  const match = raw.match(PAYLOAD);
  if (!match?.[1] || !match[2]) return undefined;
  const target = decodeTarget(match[5], match[6]);
  return {
    packId: match[1],
    userId: Number(match[2]),
    ...(match[3] !== undefined && { sold: { credits: Number(match[3]), stars: Number(match[4]) } }),
    ...(target && { target }),
  };
}
