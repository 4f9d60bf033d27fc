/**
 * The one retry table for LLM answers (llm-api.md §3): which statuses are worth another attempt.
 * 400 (bad request), 401 (bad key), 403 (moderation, guardrails) and 404 are final; a 402 is final
 * unless it is the transient kind (see toLlmApiError).
 */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Whether an error status (or numeric body code) may succeed on another attempt. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** Statuses whose user message is "come back later": our account, the provider, or the network. */
export function isUnavailableStatus(status: number): boolean {
  return status === 401 || status === 402 || RETRYABLE_STATUS.has(status) || status >= 500;
}
