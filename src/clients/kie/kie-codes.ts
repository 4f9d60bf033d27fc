/**
 * The one retry table for KIE body codes (kie-api.md §3, §9 row 3). KIE does not say what is
 * retryable; the classification is inferred from the meanings, so keep every decision here.
 */

/** How a code is retried: after the rate-limit window, with (long) capped backoff, or never. */
export type KieRetryKind = 'window' | 'backoff' | 'long-backoff' | 'never';

const RETRY: Readonly<Record<number, KieRetryKind>> = {
  401: 'never', // bad key
  402: 'never', // top up first
  404: 'never',
  408: 'backoff', // upstream gave no result for 10 min
  422: 'never', // our request is invalid
  429: 'window', // §4: rejected, not queued
  433: 'never', // sub-key over its limit (meaning UNCERTAIN, §9 row 15)
  455: 'long-backoff', // maintenance
  500: 'backoff',
  501: 'never', // the task failed; a new task is needed
  505: 'never', // feature disabled
};

/** How to retry a KIE body code; codes outside the table are never retried. */
export function kieRetryKind(kieCode: number): KieRetryKind {
  return RETRY[kieCode] ?? 'never';
}

/** Codes whose user message is "come back later" rather than "something broke" (402, 455, 5xx). */
export function isUnavailableKieCode(kieCode: number): boolean {
  return kieCode === 402 || kieCode === 455 || kieCode >= 500;
}

/**
 * recordInfo codes that say the task itself is gone or failed (§2: 404 not found, 422 the original
 * request was invalid, 501 generation failed). Every other poll failure says nothing about the task,
 * which goes on running at KIE, so a poll that gets one tries again until the generation's deadline.
 */
export function meansTaskGone(kieCode: number): boolean {
  return kieCode === 404 || kieCode === 422 || kieCode === 501;
}
