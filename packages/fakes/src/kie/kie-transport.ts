/** Messages used when a code is answered without a more specific one (wording from kie-api.md where known). */
export const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  200: 'success',
  400: 'Bad request',
  401: 'You do not have access permissions',
  402: 'The current credits are insufficient. Please top up.',
  404: 'Not Found',
  408: 'Upstream did not return a result for over 10 minutes',
  422: 'Parameter validation failed',
  429: 'Rate limit exceeded, please try again later',
  433: 'Sub-key usage exceeds the limit',
  455: 'Service unavailable, system maintenance in progress',
  500: 'server exception',
  501: 'Generation failed',
  505: 'This feature is currently disabled',
};

/** How body codes map to HTTP statuses and which key carries the message (§9 rows 1–2). */
export interface KieWire {
  readonly transport: 'body-code' | 'mirror';
  readonly messageKey: 'msg' | 'message';
  /** The key a finished task's cost goes under (§5 `consumeCredits`, §11 `creditsConsumed`). */
  readonly creditsKey: 'consumeCredits' | 'creditsConsumed';
}

/** The HTTP status KIE would send with body `code`. */
export function httpStatusFor(wire: KieWire, code: number): number {
  if (wire.transport === 'mirror') return code;
  // The docs put codes in the body only; the rate-limit text alone speaks of "HTTP 429" (§3, §9 row 2).
  return code === 429 ? 429 : 200;
}

/** The `{code, msg, data}` envelope with the configured message key. */
export function kieEnvelope(wire: KieWire, code: number, msg: string | undefined, data?: unknown): object {
  const body: Record<string, unknown> = { code, [wire.messageKey]: msg ?? DEFAULT_MESSAGES[code] ?? 'error' };
  if (data !== undefined) body.data = data;
  return body;
}
