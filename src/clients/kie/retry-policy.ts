import { KieApiError, KieHttpError } from './errors.ts';
import { kieRetryKind } from './kie-codes.ts';
import type { KieRetryOptions } from './types.ts';

/** Resolved retry settings. */
export type RetryPolicy = Required<KieRetryOptions>;

/** Defaults: 4 attempts, 0.5 s doubling up to 8 s. */
export function resolveRetryPolicy(options: KieRetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 8000,
  };
}

// Maintenance (455) is slow to clear: start four times later, still under the cap.
const LONG_BACKOFF_FACTOR = 4;

/**
 * Milliseconds to wait before attempt `attempt + 1`, or undefined to give up. Decided by class and
 * code only (kie-codes.ts); `windowMs` is the rate-limit window of the endpoint, waited out after a 429.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  windowMs: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const backoff = (factor = 1) =>
    Math.min(policy.maxDelayMs, policy.baseDelayMs * factor * 2 ** (attempt - 1));
  if (error instanceof KieApiError) {
    const kind = kieRetryKind(error.kieCode);
    if (kind === 'window') return windowMs;
    if (kind === 'backoff') return backoff();
    if (kind === 'long-backoff') return backoff(LONG_BACKOFF_FACTOR);
    return undefined;
  }
  // KieHttpError.retryable already says whether a resend is safe (not sent, or an idempotent GET).
  if (error instanceof KieHttpError && error.retryable) return backoff();
  return undefined;
}
