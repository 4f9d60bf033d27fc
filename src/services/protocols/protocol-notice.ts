import { SpanKind } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { updateProtocolJob } from '../../db/repositories/protocol-job.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import { classifyError } from '../../errors/classify-error.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_NOTICE_ATTEMPT,
  ATTR_PROTOCOL_JOB_ID,
  LOG_JOB_ID,
  SPAN_PROTOCOL_NOTIFY,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { MAX_NOTICE_ATTEMPTS, noticeRetryDelayMs } from '../notice-retry.ts';
import { toProtocolJob } from './protocol-job.ts';
import type { ProtocolNotifier } from './protocol-notifier.ts';

export interface ProtocolNoticeTellerDeps {
  readonly db: Kysely<Database>;
  readonly notifier: ProtocolNotifier;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Sends the failure message a job owes its user and clears the debt; when Telegram does not take it
 * (and may later), the next try is scheduled for the sweep (5 s, 15 s, 45 s …); after the last, the
 * refund stands with one error line. Never throws.
 */
export function createProtocolNoticeTeller(
  deps: ProtocolNoticeTellerDeps,
): (row: ProtocolJobRow) => Promise<void> {
  const { db, notifier, logger } = deps;
  return async (row: ProtocolJobRow): Promise<void> => {
    const notice = row.notice;
    if (!notice) return;
    const attempt = row.notice_attempts + 1;
    const failure = await withSpan(
      SPAN_PROTOCOL_NOTIFY,
      {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTR_PROTOCOL_JOB_ID]: row.id, [ATTR_BOT_NOTICE_ATTEMPT]: attempt },
      },
      () => notifier.failed(toProtocolJob(row), notice),
      (error) => classifyError(error).code,
    ).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    // The database away for a moment leaves the notice due: told again rather than never.
    const settle = (changes: { notice_due_at: Date | null; clear: boolean }) =>
      updateProtocolJob(db, row.id, 'failed', {
        ...(changes.clear && { notice: null }),
        notice_attempts: attempt,
        notice_due_at: changes.notice_due_at,
        updated_at: deps.now(),
      }).then(
        () => undefined,
        (error: unknown) => {
          logger.warn('Could not record a protocol failure notice', { err: error, [LOG_JOB_ID]: row.id });
        },
      );
    if (!failure) return settle({ notice_due_at: null, clear: true });
    const fields = { err: failure.error, [LOG_JOB_ID]: row.id, attempt };
    if (attempt >= MAX_NOTICE_ATTEMPTS) {
      logger.error('Gave up telling the user a protocol failed', fields);
      return settle({ notice_due_at: null, clear: true });
    }
    logger.warn('Could not tell the user a protocol failed; will try again', fields);
    return settle({
      notice_due_at: new Date(deps.now().getTime() + noticeRetryDelayMs(attempt)),
      clear: false,
    });
  };
}
