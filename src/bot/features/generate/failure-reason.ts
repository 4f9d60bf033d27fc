import type { Generation } from '../../../services/generations/index.ts';

/** Why a generation ended without a result, in terms of what the user can do about it. */
export type FailureCause =
  /** KIE or the model failed on its side: nothing to change, try again later. */
  | 'provider'
  /** The request or its content was refused: change the prompt or photo. */
  | 'content'
  /** Our deadline passed before a result came. */
  | 'timeout'
  /** The operator's KIE account is out of credits (KIE 402): the admins are told. */
  | 'service-credits'
  /** The result was made but Telegram would not take it. */
  | 'delivery'
  | 'cancelled';

/** The locale key of each cause's plain-words reason: literal keys, so the locale scan sees them. */
export const FAILURE_REASON_KEY: Readonly<Record<FailureCause, string>> = {
  provider: 'gen-reason-provider',
  content: 'gen-reason-content',
  timeout: 'gen-reason-timeout',
  'service-credits': 'gen-reason-service-credits',
  delivery: 'gen-reason-delivery',
  cancelled: 'gen-reason-cancelled',
};

/**
 * KIE's own task failCodes that mean the content was refused: Suno's SENSITIVE_WORD_ERROR, Veo's and
 * the market's 400 (flagged prompt or image) and 422 (input the model will not take). Market models
 * put free-form codes here too, so the words moderation services use are matched as well.
 */
const CONTENT_TASK_CODES: ReadonlySet<string> = new Set(['SENSITIVE_WORD_ERROR', '400', '422']);
const CONTENT_WORDS = /sensitive|nsfw|safety|policy|moderat|prohibit|flagged/i;

/** Decides the cause from the stored status and fail code (see generation-steps: `kie.*`, `generation.*` or KIE's task code). */
export function failureCause(g: Pick<Generation, 'status' | 'failCode'>): FailureCause {
  const code = g.failCode ?? '';
  if (g.status === 'cancelled' || code === 'generation.cancelled') return 'cancelled';
  if (code === 'kie.insufficient_credits') return 'service-credits';
  // A timed-out row may carry the last transient error (kie.network…): the deadline is what ended it.
  if (g.status === 'timed_out' || code === 'generation.timeout') return 'timeout';
  if (code === 'generation.delivery_failed') return 'delivery';
  // createTask refused the input (400 / 422): the request itself must change.
  if (code === 'kie.400' || code === 'kie.422') return 'content';
  if (!code.startsWith('kie.') && !code.startsWith('generation.')) {
    if (CONTENT_TASK_CODES.has(code) || CONTENT_WORDS.test(code)) return 'content';
  }
  // Our account's limits, KIE down, a create of unknown outcome, a task KIE failed: try later.
  return 'provider';
}

/** The locale key of the plain-words reason for a generation that ended without a result. */
export function failureReasonKey(g: Pick<Generation, 'status' | 'failCode'>): string {
  return FAILURE_REASON_KEY[failureCause(g)];
}
