import {
  type Attributes,
  type Counter,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
} from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { abortReason, LlmAbortError, type LlmClient, LlmHttpError } from '../../clients/llm/index.ts';
import {
  deleteSegmentNotes,
  findProtocolJob,
  insertSegmentNotes,
  listSegmentNotes,
  lockProtocolJob,
  updateLeasedProtocolJob,
  updateProtocolJob,
} from '../../db/repositories/protocol-job.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { ProtocolJobRow, StoredProtocolNotice } from '../../db/tables/protocol-jobs.table.ts';
import { classifyError } from '../../errors/classify-error.ts';
import { errorRefFor } from '../../errors/error-ref.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_FEATURE,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_OUTCOME,
  ATTR_PROTOCOL_ABORT_REASON,
  ATTR_PROTOCOL_CONCURRENCY,
  ATTR_PROTOCOL_JOB_ID,
  ATTR_PROTOCOL_RESUMES,
  ATTR_PROTOCOL_SEGMENT_INDEX,
  ATTR_PROTOCOL_SEGMENTS,
  LOG_CHAT_ID,
  LOG_ERROR_CODE,
  LOG_ERROR_REF,
  LOG_JOB_ID,
  LOG_UPDATE_ID,
  LOG_USER_ID,
  SPAN_PROTOCOL_JOB,
} from '../../telemetry/attributes.ts';
import { withLogContext } from '../../telemetry/log-context.ts';
import { getTracer, markSpanError } from '../../telemetry/tracing.ts';
import type { AdminAlerts } from '../admin/admin-alerts.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { parseProtocol } from './parse-protocol.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import { ProtocolDeliveryError, ProtocolInterruptedError, ProtocolTimeoutError } from './protocol-errors.ts';
import { toProtocolJob } from './protocol-job.ts';
import type { ProtocolMetrics, SegmentOutcome } from './protocol-metrics.ts';
import { createProtocolNoticeTeller } from './protocol-notice.ts';
import type { ProtocolNotifier } from './protocol-notifier.ts';
import { segmentRequest, synthesisRequest } from './protocol-prompts.ts';
import { runSegments } from './run-segments.ts';
import { segmentText } from './segment-text.ts';

/** Abort reasons that stop a run without failing the job: it stays `running` for the next worker. */
export const SHUTDOWN = 'shutdown';
export const LEASE_LOST = 'lease_lost';

/** The incident admins are alerted about, once per quiet period (admin-alert-llm-insufficient-credits). */
const CREDITS_INCIDENT = 'llm.insufficient_credits';

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
  const { db, billing, llm, notifier, alerts, logger, metrics, workerId } = deps;
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

  /** One segment call; its outcome is counted, its notes stored before it counts as done. */
  const runSegment = async (
    row: ProtocolJobRow,
    segment: string,
    index: number,
    total: number,
    signal: AbortSignal,
  ): Promise<string> => {
    let outcome: SegmentOutcome = 'ok';
    try {
      const result = await llm.chat(segmentRequest(segment, index, total), {
        signal,
        attributes: chatAttributes(row, index),
      });
      await insertSegmentNotes(db, row.id, index, result.content);
      return result.content;
    } catch (error) {
      outcome =
        error instanceof LlmAbortError
          ? 'cancelled'
          : error instanceof LlmHttpError && error.code === 'llm.timeout'
            ? 'timeout'
            : 'error';
      throw error;
    } finally {
      metrics.segment(outcome);
    }
  };

  const tellFailure = createProtocolNoticeTeller({ db, notifier, logger, now: deps.now });

  /** Refund and `failed` in one transaction, only while this worker holds the job; then tell everyone once. */
  const fail = async (row: ProtocolJobRow, error: unknown, span: Span): Promise<void> => {
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

  /** The job's run: resume check, segments in parallel, synthesis, delivery, settle. */
  const execute = async (row: ProtocolJobRow, ac: AbortController, span: Span): Promise<void> => {
    const job = toProtocolJob(row);
    const timers: NodeJS.Timeout[] = [];
    let throttle: ProgressThrottle<number> | undefined;
    try {
      if (row.resumes > deps.maxResumes) throw new ProtocolInterruptedError(row.id, row.resumes);
      const deadline = row.deadline_at
        ? row.deadline_at.getTime() - deps.now().getTime()
        : Number.POSITIVE_INFINITY;
      const timeoutMs =
        row.deadline_at && row.started_at ? row.deadline_at.getTime() - row.started_at.getTime() : 0;
      if (deadline <= 0) throw new ProtocolTimeoutError(row.id, timeoutMs);
      if (Number.isFinite(deadline)) {
        timers.push(setTimeout(() => ac.abort(new ProtocolTimeoutError(row.id, timeoutMs)), deadline));
      }
      // Keeps other instances off the job while it runs; losing the lease stops this run quietly.
      const heartbeat = setInterval(
        () => {
          updateLeasedProtocolJob(db, row.id, workerId, {
            locked_until: new Date(deps.now().getTime() + deps.leaseMs),
            updated_at: deps.now(),
          }).then(
            (held) => {
              if (!held) ac.abort(LEASE_LOST);
            },
            (error: unknown) => logger.warn('Could not renew a protocol job lease', { err: error }),
          );
        },
        Math.max(1000, Math.floor(deps.leaseMs / 3)),
      );
      timers.push(heartbeat);
      for (const t of timers) t.unref();

      const segments = segmentText(row.input_text ?? '', row.segment_chars);
      if (segments.length !== row.segment_count) {
        throw new Error(`Job ${row.id}: ${segments.length} segments, quoted ${row.segment_count}`);
      }
      const total = segments.length;
      const notes = await listSegmentNotes(db, row.id);
      let done = notes.size;
      // A first run starts right after the confirm handler showed 0/N: the next edit waits an interval.
      throttle = new ProgressThrottle<number>(
        deps.progressIntervalMs,
        (d) => notifier.progress(job, d, total),
        row.resumes === 0 ? Date.now() : undefined,
      );
      if (done > 0) throttle.update(done);
      notifier.running?.(job, done, total);
      await runSegments({
        indices: segments.map((_, i) => i).filter((i) => !notes.has(i)),
        concurrency: deps.concurrency,
        signal: ac.signal,
        drain: draining.signal,
        abort: (reason) => ac.abort(reason),
        run: async (index) => {
          notes.set(index, await runSegment(row, segments[index] as string, index, total, ac.signal));
          done += 1;
          throttle?.update(done);
        },
      });
      await throttle.stop();
      // Every segment is stored: the next start runs the synthesis rather than this one risking the cut.
      if (draining.signal.aborted) ac.abort(draining.signal.reason);
      if (ac.signal.aborted) throw ac.signal.reason;
      await bestEffort('show the synthesis step', notifier.synthesizing(job));
      const ordered = segments.map((_, i) => notes.get(i) ?? '');
      const synthesis = await llm.chat(synthesisRequest(ordered), {
        signal: ac.signal,
        attributes: chatAttributes(row, -1),
      });
      const protocol = parseProtocol(synthesis.content);
      if (ac.signal.aborted) throw ac.signal.reason;
      try {
        await notifier.deliver(job, protocol);
      } catch (error) {
        throw new ProtocolDeliveryError(row.id, error);
      }
      const delivered = await updateLeasedProtocolJob(db, row.id, workerId, {
        status: 'delivered',
        input_text: null,
        locked_by: null,
        locked_until: null,
        updated_at: deps.now(),
      });
      if (delivered) await bestEffort('drop segment notes', deleteSegmentNotes(db, row.id));
      span.setAttribute(ATTR_OUTCOME, 'ok');
      metrics.job('ok');
      logger.info('Protocol delivered', { segments: total, price: row.price });
    } catch (thrown) {
      await throttle?.stop();
      const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
      if (reason === SHUTDOWN || reason === LEASE_LOST) {
        span.setAttribute(ATTR_PROTOCOL_ABORT_REASON, reason);
        if (reason === SHUTDOWN) {
          // Released, so the next start (of any instance) resumes it at once rather than after the lease.
          await bestEffort(
            'release a protocol job',
            updateLeasedProtocolJob(db, row.id, workerId, {
              locked_by: null,
              locked_until: null,
              updated_at: deps.now(),
            }),
          );
        }
        logger.info('Protocol job paused', { reason });
        return;
      }
      // An abort-induced rejection (e.g. the synthesis cut by the deadline) fails with the abort's cause.
      const error = thrown instanceof LlmAbortError && reason !== undefined ? reason : thrown;
      if (reason !== undefined) span.setAttribute(ATTR_PROTOCOL_ABORT_REASON, abortReason(reason));
      await fail(row, error, span);
    } finally {
      for (const t of timers) clearTimeout(t);
      notifier.idle?.(job);
    }
  };

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

/** The chat span's link to the job: who, which job, which segment (-1 = synthesis). */
function chatAttributes(row: ProtocolJobRow, index: number): Attributes {
  return {
    [ATTR_ENDUSER_ID]: String(row.user_id),
    [ATTR_PROTOCOL_JOB_ID]: row.id,
    [ATTR_PROTOCOL_SEGMENT_INDEX]: index,
  };
}

/** Reloads a job this worker leased, for `launch` after a confirm in another call. */
export async function findLeasedJob(
  db: Kysely<Database>,
  jobId: string,
  workerId: string,
): Promise<ProtocolJobRow | undefined> {
  const row = await findProtocolJob(db, jobId);
  return row?.status === 'running' && row.locked_by === workerId ? row : undefined;
}
