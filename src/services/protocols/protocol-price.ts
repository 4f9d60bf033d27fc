/** How a protocol is priced: a fixed part for the synthesis plus a part per segment. */
export interface ProtocolPricing {
  /** Credits per job (the synthesis call). @default 2 */
  readonly base: number;
  /** Credits per segment (one LLM call each). @default 1 */
  readonly perSegment: number;
}

/** The price in credits of a job of `segments` segments; the user sees it before anything is charged. */
export function protocolPrice(segments: number, pricing: ProtocolPricing): number {
  return pricing.base + pricing.perSegment * segments;
}
