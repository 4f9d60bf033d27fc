import {
  type Attributes,
  type Counter,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
} from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { LlmClient } from '../../clients/llm/index.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_ENDUSER_ID,
  ATTR_PROTOCOL_CONCURRENCY,
  ATTR_PROTOCOL_JOB_ID,
  ATTR_PROTOCOL_RESUMES,
  ATTR_PROTOCOL_SEGMENTS,
  LOG_CHAT_ID,
  LOG_JOB_ID,
  LOG_UPDATE_ID,
  LOG_USER_ID,
  SPAN_PROTOCOL_JOB,
} from '../../telemetry/attributes.ts';
import { withLogContext } from '../../telemetry/log-context.ts';
import { getTracer } from '../../telemetry/tracing.ts';
import type { AdminAlerts } from '../admin/admin-alerts.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { SHUTDOWN } from './abort-reasons.ts';
import { createJobExecutor } from './execute-protocol-job.ts';
import { createJobFailer } from './fail-protocol-job.ts';
import type { ProtocolMetrics } from './protocol-metrics.ts';
import { createProtocolNoticeTeller } from './protocol-notice.ts';
import type { ProtocolNotifier } from './protocol-notifier.ts';

export { LEASE_LOST, SHUTDOWN } from './abort-reasons.ts';
export { findLeasedJob } from './find-leased-job.ts';

/** What the runner needs. */
export interface ProtocolRunnerDeps {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly llm: LlmClient;
  readonly notifier: ProtocolNotifier;
  readonly alerts: AdminAlerts;
  readonly logger: Logger;
  readonly metrics: ProtocolMetrics;
  /** The bot's `bot.errors` counter, so job failures count like update failures. */
  readonly errors: Counter | undefined;
  readonly workerId: string;
  readonly concurrency: number;
  readonly progressIntervalMs: number;
  readonly leaseMs: number;
  readonly maxResumes: number;
  readonly now: () => Date;
}

/** Runs confirmed jobs on this instance: segments in parallel, the synthesis, delivery, or one refund. */
export interface ProtocolRunner {
  /** Starts a leased running job in the background; a second call for the same job is ignored. */
  launch(row: ProtocolJobRow): void;
  /** Resolves when this instance's run of the job has finished (at once if none). */
  settled(jobId: string): Promise<void>;
  /** Tries again at a failure message a job still owes (claimed by the sweep), in the job's trace. */
  retryNotice(row: ProtocolJobRow): Promise<void>;
  /**
   * Starts no further LLM call, gives the calls in flight up to `graceMs` to finish and be stored (they
   * are paid for), then aborts what is left. The jobs stay running, lease released, for the next start.
   */
  stop(graceMs?: number): Promise<void>;
}

export function createProtocolRunner(deps: ProtocolRunnerDeps): ProtocolRunner {
  const { db, notifier, logger } = deps;
  const running = new Map<string, { ac: AbortController; done: Promise<void> }>();
  let stopped = false;
  const draining = new AbortController();

  const bestEffort = (what: string, promise: Promise<unknown>): Promise<void> =>
    promise.then(
      () => undefined,
      (error: unknown) => {
        logger.warn(`Could not ${what}`, { err: error });
      },
    );

  const tellFailure = createProtocolNoticeTeller({ db, notifier, logger, now: deps.now });
  const fail = createJobFailer({ ...deps, bestEffort, tellFailure });
  const execute = createJobExecutor({ ...deps, bestEffort, fail, draining: draining.signal });

  /** The job's span, in the confirming update's trace, with the job's ids on every log line. */
  const traced = (row: ProtocolJobRow, ac: AbortController): Promise<void> => {
    const parent = row.traceparent
      ? propagation.extract(ROOT_CONTEXT, { traceparent: row.traceparent })
      : ROOT_CONTEXT;
    const attributes: Attributes = {
      [ATTR_PROTOCOL_JOB_ID]: row.id,
      [ATTR_PROTOCOL_SEGMENTS]: row.segment_count,
      [ATTR_PROTOCOL_CONCURRENCY]: deps.concurrency,
      [ATTR_PROTOCOL_RESUMES]: row.resumes,
      [ATTR_ENDUSER_ID]: String(row.user_id),
    };
    const fields = {
      [LOG_JOB_ID]: row.id,
      [LOG_USER_ID]: row.user_id,
      [LOG_CHAT_ID]: row.chat_id,
      // A job outlives the update that confirmed it: its lines must not claim that update.
      [LOG_UPDATE_ID]: undefined,
    };
    return context.with(parent, () =>
      withLogContext(fields, () =>
        getTracer().startActiveSpan(
          SPAN_PROTOCOL_JOB,
          { kind: SpanKind.INTERNAL, attributes },
          async (span) => {
            try {
              await execute(row, ac, span);
            } finally {
              span.end();
            }
          },
        ),
      ),
    );
  };

  return {
    launch(row) {
      if (stopped || running.has(row.id)) return;
      const ac = new AbortController();
      const done = traced(row, ac)
        .catch((error: unknown) => {
          logger.error('Protocol job run crashed', { err: error, [LOG_JOB_ID]: row.id });
        })
        .finally(() => running.delete(row.id));
      running.set(row.id, { ac, done });
    },

    async settled(jobId) {
      await running.get(jobId)?.done;
    },

    retryNotice(row) {
      const parent = row.traceparent
        ? propagation.extract(ROOT_CONTEXT, { traceparent: row.traceparent })
        : ROOT_CONTEXT;
      const fields = { [LOG_JOB_ID]: row.id, [LOG_USER_ID]: row.user_id, [LOG_UPDATE_ID]: undefined };
      return context.with(parent, () => withLogContext(fields, () => tellFailure(row)));
    },

    async stop(graceMs = 0) {
      stopped = true;
      draining.abort(SHUTDOWN);
      const runs = [...running.values()];
      const allDone = Promise.allSettled(runs.map((r) => r.done));
      if (graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([allDone, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      for (const r of runs) r.ac.abort(SHUTDOWN);
      await allDone;
    },
  };
}
