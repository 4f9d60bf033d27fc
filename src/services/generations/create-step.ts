import type { Span } from '@opentelemetry/api';
import { mayHaveCreatedTask } from '../../clients/kie/index.ts';
import { findGenerationById, updateLeasedGeneration } from '../../db/repositories/generation.repository.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_KIE_TASK_ID,
  LOG_ERROR_CODE,
  LOG_TASK_ID,
} from '../../telemetry/attributes.ts';
import { toGeneration } from './generation.ts';
import { generationLogFields } from './generation-trace.ts';
import { createKieTask } from './kie-task-api.ts';
import type { StepKit, StepResult } from './step-kit.ts';

/** Fail code of a create that may have made a task no callback ever named (kie-api.md §9 row 16). */
export const CREATE_UNKNOWN = 'kie.create_unknown';
/** Why a create's outcome is unknown when its worker died (or lost its lease) mid-call. */
export const CREATE_INTERRUPTED = 'generation.create_interrupted';

/** The row's lease went to another worker before the create left: this worker drops the row. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** The steps of a row on its way to KIE: create, and settling a create whose outcome is unknown. */
export interface CreateStep {
  /** pending → creating (as the request leaves) → running; or unknown when it left and no answer came. */
  create(row: GenerationRow, workerId: string, span: Span): Promise<StepResult>;
  /** A create that left and got no usable answer: waits for a callback, or refunds. */
  createUnknown(row: GenerationRow, workerId: string, cause: string, span: Span): Promise<StepResult>;
  /** unknown → refunded once the deadline passed with no callback naming its task. */
  settleUnknown(row: GenerationRow, workerId: string): Promise<StepResult>;
}

export function createCreateStep(kit: StepKit): CreateStep {
  const {
    db,
    kie,
    notifier,
    logger,
    clock,
    callbackUrl,
    leaseMs,
    refundAndSettle,
    later,
    nextRun,
    progress,
    adopt,
  } = kit;

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
        const input = notifier.prepareInput
          ? await notifier.prepareInput(toGeneration(row)).catch((cause: unknown) => {
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

  return { create, createUnknown, settleUnknown };
}
