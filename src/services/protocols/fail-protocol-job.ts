import type { Span } from '@opentelemetry/api';
import {
  deleteSegmentNotes,
  lockProtocolJob,
  updateProtocolJob,
} from '../../db/repositories/protocol-job.repository.ts';
import type { ProtocolJobRow, StoredProtocolNotice } from '../../db/tables/protocol-jobs.table.ts';
import { classifyError } from '../../errors/classify-error.ts';
import { errorRefFor } from '../../errors/error-ref.ts';
import {
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_FEATURE,
  ATTR_ERROR_TYPE,
  ATTR_OUTCOME,
  LOG_ERROR_CODE,
  LOG_ERROR_REF,
} from '../../telemetry/attributes.ts';
import { markSpanError } from '../../telemetry/tracing.ts';
import type { ProtocolRunnerDeps } from './protocol-runner.ts';

/** The incident admins are alerted about, once per quiet period (admin-alert-llm-insufficient-credits). */
const CREDITS_INCIDENT = 'llm.insufficient_credits';

/** Settles a job that failed; logs a failure the caller cannot act on (`bestEffort`). */
export interface JobFailerDeps extends ProtocolRunnerDeps {
  readonly bestEffort: (what: string, promise: Promise<unknown>) => Promise<void>;
  /** Tells the user the notice their job owes (the notice teller). */
  readonly tellFailure: (row: ProtocolJobRow) => Promise<void>;
}

/** Refund and `failed` in one transaction, only while this worker holds the job; then tell everyone once. */
export function createJobFailer(
  deps: JobFailerDeps,
): (row: ProtocolJobRow, error: unknown, span: Span) => Promise<void> {
  const { db, billing, alerts, logger, metrics, workerId, bestEffort, tellFailure } = deps;
  return async (row, error, span) => {
    const classified = classifyError(error);
    const ref = errorRefFor(span);
    const settled = await db.transaction().execute(async (trx) => {
      const locked = await lockProtocolJob(trx, row.id);
      if (locked?.status !== 'running' || locked.locked_by !== workerId || locked.charge_entry_id === null) {
        return undefined;
      }
      const refund = await billing.refundIn(trx, locked.charge_entry_id, {
        idempotencyKey: `refund:protocol:${row.id}`,
      });
      const notice: StoredProtocolNotice = {
        messageKey: classified.userMessageKey ?? 'error-generic',
        messageArgs: classified.userMessageArgs,
        errorRef: ref,
      };
      const now = deps.now();
      return updateProtocolJob(trx, row.id, 'running', {
        status: 'failed',
        refund_entry_id: refund.id,
        fail_code: classified.code,
        error_ref: ref,
        input_text: null,
        // Owed from here on; this worker tries at once, the sweep only if it has not managed by then.
        notice: JSON.stringify(notice),
        notice_attempts: 0,
        notice_due_at: new Date(now.getTime() + deps.leaseMs),
        locked_by: null,
        locked_until: null,
        updated_at: now,
      });
    });
    if (!settled) return;
    await bestEffort('drop segment notes', deleteSegmentNotes(db, row.id));
    markSpanError(span, classified.error, classified.code, {
      [ATTR_BOT_ERROR_REF]: ref,
      [ATTR_OUTCOME]: 'refunded',
    });
    metrics.job('refunded');
    try {
      deps.errors?.add(1, { [ATTR_ERROR_TYPE]: classified.code, [ATTR_BOT_FEATURE]: 'protocol' });
    } catch {
      // Telemetry never fails a job.
    }
    // The one log line of a failed job, whatever number of segments were in flight.
    logger.log(classified.level, `Protocol job failed: ${classified.code}`, {
      ...classified.details,
      [LOG_ERROR_CODE]: classified.code,
      [LOG_ERROR_REF]: ref,
      refunded: row.price,
      ...(classified.level === 'error' ? { err: classified.error } : {}),
    });
    if (classified.code === CREDITS_INCIDENT)
      await alerts.raise({ incident: CREDITS_INCIDENT, errorRef: ref });
    await tellFailure(settled);
  };
}
