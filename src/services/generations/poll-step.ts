import type { Span } from '@opentelemetry/api';
import { KieApiError, meansTaskGone } from '../../clients/kie/index.ts';
import { updateLeasedGeneration } from '../../db/repositories/generation.repository.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import { ATTR_ERROR_TYPE, ATTR_KIE_POLL_ATTEMPT, ATTR_KIE_TASK_STATE } from '../../telemetry/attributes.ts';
import { kieTaskInfo } from './kie-task-api.ts';
import type { StepKit, StepResult } from './step-kit.ts';

/** running → succeeded | failed | timed_out, or another poll later. */
export function createPollStep(
  kit: StepKit,
): (row: GenerationRow, workerId: string, span: Span) => Promise<StepResult> {
  const { db, kie, clock, dryRunDurationMs, refundAndSettle, later, noteCredits } = kit;

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

  return poll;
}
