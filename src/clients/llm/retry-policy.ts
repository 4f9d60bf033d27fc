import { AppError } from '../../errors/app-error.ts';
import { LlmApiError } from './errors.ts';
import type { LlmRetryOptions } from './types.ts';

/** Resolved retry settings. */
export type LlmRetryPolicy = Required<LlmRetryOptions>;

/** Defaults: 3 attempts, 0.5 s doubling up to 8 s, a server's Retry-After honoured up to 30 s. */
export function resolveLlmRetryPolicy(options: LlmRetryOptions = {}): LlmRetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 8000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
  };
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or undefined to give up. Decided by class and
 * the `retryable` flag the error classes compute from the status table (llm-status.ts), never by
 * message. A server's `Retry-After` wins over the backoff; one longer than the cap is not waited out.
 */
export function llmRetryDelayMs(error: unknown, attempt: number, policy: LlmRetryPolicy): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (!(error instanceof AppError) || !error.retryable) return undefined;
  if (error instanceof LlmApiError && error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  }
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
