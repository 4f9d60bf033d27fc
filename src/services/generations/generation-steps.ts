import { type Attributes, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { KieApiError, type KieClient, mayHaveCreatedTask, meansTaskGone } from '../../clients/kie/index.ts';
import {
  adoptGenerationTask,
  findGenerationById,
  lockGeneration,
  recordKieCredits,
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
  LOG_ERROR_CODE,
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
import { createKieTask, kieTaskInfo } from './kie-task-api.ts';
import type { PollSchedule } from './poll-schedule.ts';

/** Deliveries that fail for a reason other than a refusal are retried this many times, then refunded. */
const MAX_DELIVERY_ATTEMPTS = 3;
/** Who holds a settled row's lease when no worker settled it (/cancel), until the user is told. */
const SETTLED_BY_CANCEL = 'cancel';
/** Fail code of a create that may have made a task no callback ever named (kie-api.md §9 row 16). */
export const CREATE_UNKNOWN = 'kie.create_unknown';
/** Why a create's outcome is unknown when its worker died (or lost its lease) mid-call. */
const CREATE_INTERRUPTED = 'generation.create_interrupted';

/** The row's lease went to another worker before the create left: this worker drops the row. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

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
   * Stores what KIE reported it charged for a generation's task and counts it, once per generation
   * (whichever of poll and callback comes first); later reports change nothing.
   */
  noteCredits(
    where: { readonly id: string } | { readonly kieTaskId: string },
    credits: number,
  ): Promise<void>;
  /**
   * A task KIE says it made for a generation whose create outcome was unknown (or still in flight):
   * running with it, due now. Undefined when the row was in neither state or already has a task.
   */
  adopt(id: string, kieTaskId: string): Promise<StepResult>;
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
    metrics.finished(row.kie_model, row.status, clock().getTime() - row.created_at.getTime(), row);
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
      {
        next_run_at: nextRun(row, now),
        locked_until: null,
        locked_by: null,
        updated_at: now,
        // A create that certainly made no task (never sent, or KIE said no) may be sent again.
        ...(row.status === 'creating' && { status: 'pending' as const }),
        ...changes,
      },
    );
  };

  /** A create's KIE error (no task exists): final ones refund, transient ones come back until the deadline. */
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
    return later(row, workerId, {});
  };

  /**
   * A failed poll. Only KIE saying the task is gone (recordInfo 404 / 422 / 501, kie-api.md §2) refunds
   * now. Anything else, a garbled or non-object 2xx, a proxy's 5xx page, a timeout, even our key or
   * User-Agent refused, says nothing about a task that keeps running (and costing) at KIE: the poll
   * comes back on the schedule, and only the generation's deadline gives up on it.
   */
  const onPollError = async (row: GenerationRow, workerId: string, error: unknown, span: Span) => {
    if (!(error instanceof AppError)) throw error;
    if (error instanceof KieApiError && meansTaskGone(error.kieCode)) {
      return refundAndSettle(
        row,
        'running',
        'failed',
        { failCode: error.code, failMsg: error.msg },
        workerId,
      );
    }
    if (clock() >= row.deadline_at) {
      return refundAndSettle(row, 'running', 'timed_out', { failCode: error.code }, workerId);
    }
    span.addEvent('retry_later', { [ATTR_ERROR_TYPE]: error.code });
    return later(row, workerId, { poll_attempts: row.poll_attempts + 1 });
  };

  const noteCredits: GenerationSteps['noteCredits'] = async (where, credits) => {
    if (credits < 0) return;
    const stored = await recordKieCredits(db, where, credits);
    if (stored) metrics.creditsConsumed(stored.kie_model, credits);
  };

  const adopt: GenerationSteps['adopt'] = (id, kieTaskId) => adoptGenerationTask(db, id, kieTaskId, clock());

  /**
   * A create that left and got no usable answer may have made a task (kie-api.md §9 row 16): it is
   * never sent again. With callbacks, the row waits as `unknown` until its deadline for a callback that
   * names the task (`/kie/callback?generation=<id>`, then adopted). Without them nothing can ever name
   * it, so the user is refunded now rather than after a wait that cannot change anything.
   */
  const createUnknown = async (row: GenerationRow, workerId: string, cause: string, span: Span) => {
    span.addEvent('create_unknown', { [ATTR_ERROR_TYPE]: cause });
    const fields = { ...generationLogFields(row), [LOG_ERROR_CODE]: cause };
    const failMsg = `the create was sent and its outcome is unknown (${cause}); KIE may have made the task`;
    if (!callbackUrl || clock() >= row.deadline_at) {
      logger?.warn(
        'KIE create outcome unknown, nothing can name its task: refunded, never created again',
        fields,
      );
      return refundAndSettle(row, row.status, 'failed', { failCode: CREATE_UNKNOWN, failMsg }, workerId);
    }
    logger?.warn('KIE create outcome unknown: waiting for a callback to name its task', fields);
    return updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: row.status },
      {
        status: 'unknown',
        fail_msg: failMsg,
        // Nothing to poll: only a callback (or the deadline) moves it on.
        next_run_at: row.deadline_at,
        locked_until: null,
        locked_by: null,
        updated_at: clock(),
      },
    );
  };

  /** unknown → refunded once the deadline passed with no callback naming its task; earlier, back to wait. */
  const settleUnknown = async (row: GenerationRow, workerId: string): Promise<StepResult> => {
    if (clock() < row.deadline_at) {
      // Made due early (an admin's re-check): KIE cannot be asked about a task whose id we lack.
      return updateLeasedGeneration(
        db,
        row.id,
        { workerId, from: 'unknown' },
        { next_run_at: row.deadline_at, locked_until: null, locked_by: null, updated_at: clock() },
      );
    }
    logger?.warn(
      'No KIE callback named the task of a create with unknown outcome by the deadline: refunded',
      {
        ...generationLogFields(row),
        [LOG_ERROR_CODE]: CREATE_UNKNOWN,
      },
    );
    const failMsg = row.fail_msg ?? 'the create outcome was unknown and no callback named its task';
    return refundAndSettle(row, 'unknown', 'failed', { failCode: CREATE_UNKNOWN, failMsg }, workerId);
  };

  /**
   * The create answered with a task id after the row moved on without it (another worker found the
   * lease expired and marked it unknown, or a callback adopted it first): adopt it if still possible.
   */
  const lateTask = async (row: GenerationRow, taskId: string): Promise<StepResult> => {
    const adopted = await adopt(row.id, taskId);
    if (adopted) return adopted;
    const current = await findGenerationById(db, row.id);
    if (current?.kie_task_id !== taskId) {
      logger?.warn('KIE made a task for a generation that ended without it: KIE may charge for it', {
        ...generationLogFields(row),
        [LOG_TASK_ID]: taskId,
        status: current?.status,
      });
    }
    return undefined;
  };

  const progress = (row: StepResult, event: Parameters<NonNullable<GenerationHooks['onProgress']>>[1]) =>
    row && hooks.onProgress ? hooks.onProgress(toGeneration(row), event).catch(() => undefined) : undefined;

  /** pending → creating (as the request leaves) → running; or unknown when it left and no answer came. */
  const create = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    if (clock() >= row.deadline_at) {
      return refundAndSettle(row, 'pending', 'timed_out', { failCode: 'generation.timeout' }, workerId);
    }
    let taskId: string;
    // The row as marked `creating`, once the request is about to leave.
    let sending: GenerationRow | undefined;
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
          // From here a crash or a lost answer may leave a task at KIE: the row says so first, and a
          // `creating` row is never sent again (a later step treats it as unknown). The lease restarts
          // here, so it covers the call itself, not the queue before it.
          onSending: async () => {
            if (sending) return; // a resend after a refusal or a connect failure: still this step's
            const now = clock();
            sending = await updateLeasedGeneration(
              db,
              row.id,
              { workerId, from: 'pending' },
              { status: 'creating', locked_until: new Date(now.getTime() + leaseMs), updated_at: now },
            );
            if (!sending) throw new LeaseLostError('the lease passed to another worker before sending');
          },
        };
        // Suno and Veo have their own endpoints (kie-api.md §7, §8); createKieTask picks by `api`.
        ({ taskId } = await createKieTask(kie, row.api, request, ctx));
      } catch (error) {
        if (error instanceof LeaseLostError) return undefined;
        if (!sending) return onKieError(row, workerId, error, span);
        if (mayHaveCreatedTask(error)) {
          return createUnknown(sending, workerId, error instanceof AppError ? error.code : 'unknown', span);
        }
        // Never left, or KIE's own answer refused it: no task exists, so it may be sent again.
        return onKieError(sending, workerId, error, span);
      }
    }
    span.setAttribute(ATTR_KIE_TASK_ID, taskId);
    // A crash before this update leaves the row `creating`: never sent again, adopted by its callback.
    const now = clock();
    logger?.info('KIE task created', { ...generationLogFields(row), [LOG_TASK_ID]: taskId });
    const stored = await updateLeasedGeneration(
      db,
      row.id,
      { workerId, from: sending ? 'creating' : 'pending' },
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
    return stored ?? (sending ? lateTask(sending, taskId) : undefined);
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
    return kieTaskInfo(kie, row.api, taskId, poll);
  };

  /** running → succeeded | failed | timed_out, or another poll later. */
  const poll = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    const attempt = row.poll_attempts + 1;
    span.setAttribute(ATTR_KIE_POLL_ATTEMPT, attempt);
    let info: {
      state: string;
      resultUrls?: readonly string[];
      failCode?: string;
      failMsg?: string;
      consumeCredits?: number;
    };
    try {
      info = await recordInfo(row, attempt);
    } catch (error) {
      return onPollError(row, workerId, error, span);
    }
    span.setAttribute(ATTR_KIE_TASK_STATE, info.state);
    // The task's cost is known once it ended (a running task may report a partial or zero figure).
    const ended = info.state === 'success' || info.state === 'fail';
    if (ended && info.consumeCredits !== undefined) await noteCredits({ id: row.id }, info.consumeCredits);
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
        const run =
          row.status === 'pending'
            ? create
            : row.status === 'creating'
              ? // Claimed again only once its lease expired: its worker died or lost it mid-call.
                (r: GenerationRow, w: string, s: Span) => createUnknown(r, w, CREATE_INTERRUPTED, s)
              : row.status === 'unknown'
                ? settleUnknown
                : row.status === 'running'
                  ? poll
                  : deliver;
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

  return { step, refundAndSettle, progress, tell, noteCredits, adopt };
}
