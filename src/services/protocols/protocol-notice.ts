import type { Kysely } from 'kysely';
import { updateProtocolJob } from '../../db/repositories/protocol-job.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_NOTICE_ATTEMPT,
  ATTR_PROTOCOL_JOB_ID,
  LOG_JOB_ID,
  SPAN_PROTOCOL_NOTIFY,
} from '../../telemetry/attributes.ts';
import { createNoticeTeller } from '../jobs/notice-teller.ts';
import { toProtocolJob } from './protocol-job.ts';
import type { ProtocolNotifier } from './protocol-notifier.ts';

export interface ProtocolNoticeTellerDeps {
  readonly db: Kysely<Database>;
  readonly notifier: ProtocolNotifier;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Sends the failure message a job owes its user and clears the debt; a notice still owed is left due
 * at the retry time for the sweep. Never throws.
 */
export function createProtocolNoticeTeller(
  deps: ProtocolNoticeTellerDeps,
): (row: ProtocolJobRow) => Promise<void> {
  const { db, notifier, logger } = deps;
  const tell = createNoticeTeller({
    span: SPAN_PROTOCOL_NOTIFY,
    attributes: (row: ProtocolJobRow & { notice: NonNullable<ProtocolJobRow['notice']> }, attempt) => ({
      [ATTR_PROTOCOL_JOB_ID]: row.id,
      [ATTR_BOT_NOTICE_ATTEMPT]: attempt,
    }),
    tell: (row) => notifier.refunded(toProtocolJob(row), row.notice),
    // The database away for a moment leaves the notice due: told again rather than never.
    record: (row, attempt, outcome) =>
      updateProtocolJob(db, row.id, 'failed', {
        ...(!outcome.owed && { notice: null }),
        notice_attempts: attempt,
        notice_due_at: outcome.owed ? outcome.retryAt : null,
        updated_at: deps.now(),
      }).then(
        () => undefined,
        (error: unknown) => {
          logger.warn('Could not record a protocol failure notice', { err: error, [LOG_JOB_ID]: row.id });
        },
      ),
    messages: {
      retry: 'Could not tell the user a protocol failed; will try again',
      gaveUp: 'Gave up telling the user a protocol failed',
    },
    logFields: (row) => ({ [LOG_JOB_ID]: row.id }),
    logger,
    clock: deps.now,
  });
  return async (row) => {
    const notice = row.notice;
    if (notice) await tell({ ...row, notice });
  };
}
