/**
 * What a top-up was started from, so the user can go back to it once the Stars are in: a generation
 * draft's confirmation or a protocol quote. It travels in the callback data and the invoice payload
 * (Telegram keeps the payload with the payment), so it survives a restart and reaches the Stars
 * reconciler too, which reads the payload back from getStarTransactions.
 */
export interface TopUpTarget {
  readonly kind: 'draft' | 'protocol';
  readonly id: string;
}

const CODE = { draft: 'd', protocol: 'p' } as const;

/**
 * An encoded target in a regex: a kind letter and an id (draft ids are 12 base64url characters,
 * protocol job ids are UUIDs). Two capture groups.
 */
export const TARGET_PATTERN = '([dp]):([A-Za-z0-9_-]{1,36})';

/** `d:<draft id>` or `p:<protocol job id>`. */
export function encodeTarget(target: TopUpTarget): string {
  return `${CODE[target.kind]}:${target.id}`;
}

/** The target from TARGET_PATTERN's two groups; undefined when they did not match. */
export function decodeTarget(code: string | undefined, id: string | undefined): TopUpTarget | undefined {
  if (!id) return undefined;
  if (code === CODE.draft) return { kind: 'draft', id };
  if (code === CODE.protocol) return { kind: 'protocol', id };
  return undefined;
}
