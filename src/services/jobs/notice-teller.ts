import { type Attributes, SpanKind } from '@opentelemetry/api';
import { classifyError } from '../../errors/classify-error.ts';
import type { Logger } from '../../logger.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { MAX_NOTICE_ATTEMPTS, noticeRetryDelayMs } from '../notice-retry.ts';

/** What became of one try at an owed notice, for the job's own table. */
export type NoticeOutcome =
  /** Told, or given up after the last try: the debt is cleared. */
  | { readonly owed: false }
  /** Telegram did not take it and may later: try again at `retryAt`. */
  | { readonly owed: true; readonly retryAt: Date };

/** How one kind of job owes its user a notice; `createNoticeTeller` holds the retry algorithm. */
export interface NoticeTellerOptions<Row extends { readonly notice_attempts: number }, Result> {
  /** The span of one try (low-cardinality name) and its attributes. */
  readonly span: string;
  readonly attributes: (row: Row, attempt: number) => Attributes;
  /**
   * Tells the user (the port's `refunded`). Rejects only when telling may work later; resolves when
   * told, or when the user cannot be told at all.
   */
  readonly tell: (row: Row) => Promise<void>;
  /** Writes `attempt` and the outcome into the row (under the job's lease, if it has one). */
  readonly record: (row: Row, attempt: number, outcome: NoticeOutcome) => Promise<Result>;
  /** Log lines about the notice: their text, and the job's fields on them. */
  readonly messages: { readonly retry: string; readonly gaveUp: string };
  readonly logFields: (row: Row) => Record<string, unknown>;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
}

/**
 * The failure notice is owed until Telegram takes it: one try, in its own span; when Telegram does
 * not take it and may later, the next try is due after a backoff (5 s, 15 s, 45 s …); after the
 * last, the refund stands with one error line. Rejects only when `record` does.
 */
export function createNoticeTeller<Row extends { readonly notice_attempts: number }, Result>(
  options: NoticeTellerOptions<Row, Result>,
): (row: Row) => Promise<Result> {
  const { logger, clock } = options;
  return async (row) => {
    const attempt = row.notice_attempts + 1;
    const failure = await withSpan(
      options.span,
      { kind: SpanKind.INTERNAL, attributes: options.attributes(row, attempt) },
      () => options.tell(row),
      (error) => classifyError(error).code,
    ).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    if (!failure) return options.record(row, attempt, { owed: false });
    const fields = { ...options.logFields(row), err: failure.error, attempt };
    if (attempt >= MAX_NOTICE_ATTEMPTS) {
      // The refund stands; the user can still read the outcome in /history or the status message.
      logger?.error(options.messages.gaveUp, fields);
      return options.record(row, attempt, { owed: false });
    }
    logger?.warn(options.messages.retry, fields);
    return options.record(row, attempt, {
      owed: true,
      retryAt: new Date(clock().getTime() + noticeRetryDelayMs(attempt)),
    });
  };
}
