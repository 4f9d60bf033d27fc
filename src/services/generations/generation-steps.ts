import { type Attributes, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { KieClient } from '../../clients/kie/index.ts';
import {
  lockGeneration,
  transitionGeneration,
  updateLeasedGeneration,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_DRY_RUN,
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_GENERATION_ID,
  ATTR_BOT_GENERATION_PRICE,
  ATTR_BOT_GENERATION_STATUS,
  ATTR_BOT_MODEL_ID,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_KIE_MODEL,
  ATTR_KIE_POLL_ATTEMPT,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  LOG_TASK_ID,
  SPAN_GENERATION_STEP,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { ACTIVE_STATUSES, REFUNDED_STATUSES, toGeneration } from './generation.ts';
import { DeliveryRejectedError } from './generation-errors.ts';
import type { GenerationHooks, GenerationProgress } from './generation-hooks.ts';
import type { GenerationMetrics } from './generation-metrics.ts';
import { createNoticeTeller } from './generation-notice.ts';
import { generationContext, generationLogFields, generationRef } from './generation-trace.ts';
import type { PollSchedule } from './poll-schedule.ts';

/** Deliveries that fail for a reason other than a refusal are retried this many times, then refunded. */
const MAX_DELIVERY_ATTEMPTS = 3;
/** Who holds a settled row's lease when no worker settled it (/cancel), until the user is told. */
const SETTLED_BY_CANCEL = 'cancel';

type FailFields = { readonly failCode: string; readonly failMsg?: string | undefined };
/** A row after a step: undefined when another worker took it over, or nothing changed. */
export type StepResult = GenerationRow | undefined;

/** What the steps need; `createGenerationService` resolves the defaults. */
export interface StepContext {
  readonly db: Kysely<Database>;
  readonly billing: BillingService;
  readonly kie: KieClient | undefined;
  readonly hooks: GenerationHooks;
  readonly logger: Logger | undefined;
  readonly clock: () => Date;
  readonly schedule: PollSchedule;
  readonly dryRunDurationMs: number;
  readonly callbackUrl: ((generationId: string) => string) | undefined;
  readonly metrics: GenerationMetrics;
  /** How long the settling worker keeps a row to tell its user before another worker may. */
  readonly leaseMs: number;
}

/** The steps of a generation's life: each moves one leased row on, in the generation's own trace. */
export interface GenerationSteps {
  /** create (pending), poll (running) or deliver (succeeded), as a `bot.generation.step` span. */
  step(row: GenerationRow, workerId: string): Promise<StepResult>;
  /**
   * Refund and status change in one transaction; `guard` vetoes under the row lock. Undefined when
   * the row was no longer in `from` (or leased by another worker).
   */
  refundAndSettle(
    row: GenerationRow,
    from: GenerationStatus,
    to: GenerationStatus,
    fail: FailFields,
    workerId: string | undefined,
    guard?: (locked: GenerationRow) => boolean,
  ): Promise<StepResult>;
  /** Tells the hooks about a row's new state; never throws. */
  progress(row: StepResult, event: GenerationProgress): Promise<void> | undefined;
  /**
   * Tells the user how a settled row ended, under the lease `refundAndSettle` left; on a failure
   * that may pass, the row comes back to a worker later.
   */
  tell(row: GenerationRow): Promise<StepResult>;
}

export function createGenerationSteps(ctx: StepContext): GenerationSteps {
  const {
    db,
    billing,
    kie,
    hooks,
    logger,
    clock,
    schedule,
    dryRunDurationMs,
    metrics,
    callbackUrl,
    leaseMs,
  } = ctx;

  const nextRun = (row: GenerationRow, now: Date): Date =>
    new Date(now.getTime() + schedule(now.getTime() - row.created_at.getTime()));

  /** Metrics and one log line for a generation that reached a final status. */
  const finished = (row: GenerationRow | undefined): void => {
    if (!row) return;
    metrics.finished(row.kie_model, row.status, clock().getTime() - row.created_at.getTime());
    const failed = row.status !== 'delivered';
    logger?.log(failed ? 'warn' : 'info', `Generation ${row.status}`, {
      ...generationLogFields(row),
      status: row.status,
      ...(row.fail_code && { error_code: row.fail_code, error_ref: generationRef(row) }),
      ...(row.fail_msg && { fail_msg: row.fail_msg }),
    });
  };

  /**
   * Refund and status change in one transaction, so a charge never ends both refunded and delivered
   * (the refund key `refund:<id>` and the refund_of index make a repeat harmless anyway). The notice
   * the user is owed is written in it too, leased to the settler, who tries first (`tell`).
   */
  const refundAndSettle = async (
    row: GenerationRow,
    from: GenerationStatus,
    to: GenerationStatus,
    fail: FailFields,
    workerId: string | undefined,
    guard: (locked: GenerationRow) => boolean = () => true,
  ): Promise<StepResult> => {
    const settled = await db.transaction().execute(async (trx) => {
      const locked = await lockGeneration(trx, row.id);
      if (!locked || locked.status !== from || !guard(locked)) return undefined;
      if (workerId !== undefined && locked.locked_by !== workerId) return undefined;
      // A dry run charged nothing, so there is nothing to give back.
      const refund =
        locked.charge_entry_id === null
          ? undefined
          : await billing.refundIn(trx, locked.charge_entry_id, { idempotencyKey: `refund:${row.id}` });
      const now = clock();
      return transitionGeneration(trx, row.id, from, {
        status: to,
        refund_entry_id: refund?.id ?? null,
        fail_code: fail.failCode,
        fail_msg: fail.failMsg?.slice(0, 500) ?? null,
        notice_pending: true,
        notice_attempts: 0,
        next_run_at: now,
        locked_until: new Date(now.getTime() + leaseMs),
        locked_by: workerId ?? SETTLED_BY_CANCEL,
        updated_at: now,
      });
    });
    finished(settled);
    return settled;
  };

  const tell = createNoticeTeller({ db, hooks, logger, clock });

  /** Releases the lease and schedules the next run. */
  const later = (
    row: GenerationRow,
    workerId: string,
    changes: Parameters<typeof updateLeasedGeneration>[3],
  ) => {
    const now = clock();
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: row.status },
      { next_run_at: nextRun(row, now), locked_until: null, locked_by: null, updated_at: now, ...changes },
    );
  };

  /** A KIE error: final ones refund, transient ones (or none past the deadline) come back later. */
  const onKieError = async (row: GenerationRow, workerId: string, error: unknown, span: Span) => {
    if (!(error instanceof AppError)) throw error;
    if (!error.retryable) {
      const msg = 'msg' in error && typeof error.msg === 'string' ? error.msg : error.message;
      return refundAndSettle(row, row.status, 'failed', { failCode: error.code, failMsg: msg }, workerId);
    }
    if (clock() >= row.deadline_at) {
      return refundAndSettle(row, row.status, 'timed_out', { failCode: error.code }, workerId);
    }
    span.addEvent('retry_later', { [ATTR_ERROR_TYPE]: error.code });
    return later(row, workerId, {
      poll_attempts: row.status === 'running' ? row.poll_attempts + 1 : row.poll_attempts,
    });
  };

  const progress = (row: StepResult, event: Parameters<NonNullable<GenerationHooks['onProgress']>>[1]) =>
    row && hooks.onProgress ? hooks.onProgress(toGeneration(row), event).catch(() => undefined) : undefined;

  /** pending → running. createTask happens only here and its id is stored by the same worker step. */
  const create = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    if (clock() >= row.deadline_at) {
      return refundAndSettle(row, 'pending', 'timed_out', { failCode: 'generation.timeout' }, workerId);
    }
    let taskId: string;
    if (row.dry_run) {
      taskId = `dryrun-${row.id}`;
      span.addEvent('dry_run', { reason: 'DRY_RUN=true: KIE is not called' });
    } else {
      if (!kie) throw new Error('createGenerationService: no KIE client for a paid generation');
      try {
        const input = hooks.prepareInput
          ? await hooks.prepareInput(toGeneration(row)).catch((cause: unknown) => {
              // Telegram or KIE's upload host hiccuped: try again on the next run, bounded by the deadline.
              throw cause instanceof AppError
                ? cause
                : new AppError('Could not prepare the input', {
                    code: 'generation.input_unavailable',
                    retryable: true,
                    cause,
                  });
            })
          : row.input;
        const request = {
          model: row.kie_model,
          input,
          ...(callbackUrl && { callBackUrl: callbackUrl(row.id) }),
        };
        const ctx = {
          generationId: row.id,
          userId: row.user_id,
          onQueuePosition: (position: number) => void progress(row, { type: 'queued', position }),
        };
        // Suno has its own endpoints (kie-api.md §7); the client normalises them to the Market shape.
        ({ taskId } = await (row.api === 'suno'
          ? kie.createMusicTask(request, ctx)
          : kie.createTask(request, ctx)));
      } catch (error) {
        return onKieError(row, workerId, error, span);
      }
    }
    span.setAttribute(ATTR_KIE_TASK_ID, taskId);
    // Gap: if the process dies before this update, the task exists at KIE but not here, and the row
    // is created again when the lease expires. KIE has no idempotency key (kie-api.md §9 row 16).
    const now = clock();
    logger?.info('KIE task created', { ...generationLogFields(row), [LOG_TASK_ID]: taskId });
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: 'pending' },
      {
        status: 'running',
        kie_task_id: taskId,
        poll_attempts: 0,
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
      },
    );
  };

  /** What KIE says about the task; a dry run "succeeds" after dryRunDurationMs with no files. */
  const recordInfo = (row: GenerationRow, attempt: number) => {
    if (row.dry_run) {
      const done = clock().getTime() - row.created_at.getTime() >= dryRunDurationMs;
      return Promise.resolve({ state: done ? 'success' : 'generating', resultUrls: [] as string[] } as const);
    }
    if (!kie) throw new Error('createGenerationService: no KIE client for a paid generation');
    const poll = { attempt, model: row.kie_model };
    const taskId = row.kie_task_id ?? '';
    return row.api === 'suno' ? kie.musicRecordInfo(taskId, poll) : kie.recordInfo(taskId, poll);
  };

  /** running → succeeded | failed | timed_out, or another poll later. */
  const poll = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    const attempt = row.poll_attempts + 1;
    span.setAttribute(ATTR_KIE_POLL_ATTEMPT, attempt);
    let info: { state: string; resultUrls?: readonly string[]; failCode?: string; failMsg?: string };
    try {
      info = await recordInfo(row, attempt);
    } catch (error) {
      return onKieError(row, workerId, error, span);
    }
    span.setAttribute(ATTR_KIE_TASK_STATE, info.state);
    const now = clock();
    if (info.state === 'success') {
      return updateLeasedGeneration(
        db,
        row.id,
        { workerId, from: 'running' },
        {
          status: 'succeeded',
          poll_attempts: attempt,
          result_urls: JSON.stringify(info.resultUrls ?? []),
          // Deliver at once: the worker picks the row up again on its next pass.
          next_run_at: now,
          locked_until: null,
          locked_by: null,
          updated_at: now,
        },
      );
    }
    if (info.state === 'fail') {
      const fail = { failCode: info.failCode || 'kie.task_failed', failMsg: info.failMsg };
      return refundAndSettle(row, 'running', 'failed', fail, workerId);
    }
    // Unknown states count as still running, bounded by the deadline (kie-api.md §9 row 4).
    if (now >= row.deadline_at) {
      return refundAndSettle(row, 'running', 'timed_out', { failCode: 'generation.timeout' }, workerId);
    }
    return later(row, workerId, { poll_attempts: attempt });
  };

  /** succeeded → delivered, or refunded when Telegram will not take the result. */
  const deliver = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    if (!hooks.deliver) return undefined;
    try {
      const result = await hooks.deliver(toGeneration(row));
      const delivered = await updateLeasedGeneration(
        db,
        row.id,
        { workerId, from: 'succeeded' },
        {
          status: 'delivered',
          result_kind: result.kind,
          result_file_id: result.fileId ?? null,
          delivery_attempts: row.delivery_attempts + 1,
          locked_until: null,
          locked_by: null,
          updated_at: clock(),
        },
      );
      finished(delivered);
      return delivered;
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'generation.delivery_failed';
      span.addEvent('delivery_failed', { [ATTR_ERROR_TYPE]: code });
      if (error instanceof DeliveryRejectedError || row.delivery_attempts + 1 >= MAX_DELIVERY_ATTEMPTS) {
        const failMsg = error instanceof Error ? error.message : String(error);
        return refundAndSettle(
          row,
          'succeeded',
          'refunded',
          { failCode: 'generation.delivery_failed', failMsg },
          workerId,
        );
      }
      return later(row, workerId, { delivery_attempts: row.delivery_attempts + 1 });
    }
  };

  /** One step of one leased row, in the generation's own trace. */
  const step = (row: GenerationRow, workerId: string) => {
    const attributes: Attributes = {
      [ATTR_BOT_GENERATION_ID]: row.id,
      [ATTR_BOT_MODEL_ID]: row.model_id,
      [ATTR_KIE_MODEL]: row.kie_model,
      [ATTR_ENDUSER_ID]: String(row.user_id),
      [ATTR_BOT_GENERATION_PRICE]: row.price,
      ...(row.kie_task_id && { [ATTR_KIE_TASK_ID]: row.kie_task_id }),
      ...(row.dry_run && { [ATTR_BOT_DRY_RUN]: true }),
    };
    return context.with(generationContext(row.traceparent), () =>
      withSpan(SPAN_GENERATION_STEP, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
        // An ended row comes back only for the notice its user is still owed.
        if (!ACTIVE_STATUSES.includes(row.status)) {
          span.setAttribute(ATTR_BOT_GENERATION_STATUS, row.status);
          return row.notice_pending ? tell(row) : undefined;
        }
        const run = row.status === 'pending' ? create : row.status === 'running' ? poll : deliver;
        const after = await run(row, workerId, span);
        if (after) span.setAttribute(ATTR_BOT_GENERATION_STATUS, after.status);
        if (after?.fail_code && REFUNDED_STATUSES.includes(after.status)) {
          // The step that gave up is where on-call lands from the user's error reference.
          span.setAttributes({
            [ATTR_ERROR_TYPE]: after.fail_code,
            [ATTR_BOT_ERROR_REF]: generationRef(after),
          });
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${after.status}: ${after.fail_code}` });
        }
        if (after?.notice_pending) return tell(after);
        await progress(after, { type: 'step' });
        return after;
      }),
    );
  };

  return { step, refundAndSettle, progress, tell };
}
