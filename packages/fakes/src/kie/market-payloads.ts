import type { TaskRecord } from './internal-types.ts';
import { RESULT_TYPES } from './result-files.ts';
import { stateAt, updatedAt } from './task-timeline.ts';

/** Absolute URLs of a market task's result files. */
export function marketResultUrls(task: TaskRecord, base: string): string[] {
  return [`${base}/files/${task.id}/0.${RESULT_TYPES[task.resultKind].ext}`];
}

/**
 * recordInfo `data` at `now`: the fields of the §2 table (`param`, `resultJson` are JSON strings), and
 * once the task ended what it cost (§2's extra `consumeCredits`, or §11's `creditsConsumed`): its price
 * on success, 0 on failure (§5).
 */
export function marketRecordData(
  task: TaskRecord,
  base: string,
  now: number,
  creditsKey: 'consumeCredits' | 'creditsConsumed' = 'consumeCredits',
): Record<string, unknown> {
  const state = stateAt(task.timeline, task.behaviour.outcome, now);
  const done = state === 'success' || state === 'fail';
  return {
    ...(done && { [creditsKey]: state === 'success' ? task.price : 0 }),
    taskId: task.id,
    model: task.model,
    state,
    param: JSON.stringify(task.request),
    resultJson: state === 'success' ? JSON.stringify({ resultUrls: marketResultUrls(task, base) }) : '',
    failCode: state === 'fail' ? (task.behaviour.failCode ?? '500') : '',
    failMsg: state === 'fail' ? (task.behaviour.failMsg ?? 'Internal server error') : '',
    createTime: task.timeline.createdAt,
    updateTime: updatedAt(task.timeline, now),
    completeTime: done ? (task.timeline.doneAt ?? null) : null,
  };
}

/** The §5 callback body for a finished market task, with the credit fields §9 row 5 asks for. */
export function marketCallbackBody(
  task: TaskRecord,
  base: string,
  remainedCredits: number,
  messageKey: 'msg' | 'message',
  creditsKey: 'consumeCredits' | 'creditsConsumed' = 'consumeCredits',
): Record<string, unknown> {
  const doneAt = task.timeline.doneAt ?? Date.now();
  const data = marketRecordData(task, base, doneAt, creditsKey);
  const success = data.state === 'success';
  return {
    code: success ? 200 : 501,
    [messageKey]: success ? 'Playground task completed successfully.' : 'Playground task failed.',
    data: {
      ...data,
      remainedCredits,
      // Seconds, as the §5 example suggests (§9 row 9).
      costTime: Math.round((doneAt - task.timeline.createdAt) / 1000),
    },
  };
}
