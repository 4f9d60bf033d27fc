import type { TaskRecord } from './internal-types.ts';
import { RESULT_TYPES } from './result-files.ts';
import { stateAt } from './task-timeline.ts';

/** Veo's `successFlag` (kie-api.md §8): 0 generating, 1 success, 2 failed, 3 created but failed upstream. */
export type VeoSuccessFlag = 0 | 1 | 2 | 3;

const DEFAULT_ERROR_CODE = 501;
const DEFAULT_ERROR_MESSAGE = 'Video generation failed';

/** The flag at `now`, from the same clock-derived timeline as every other task. */
export function veoSuccessFlagAt(task: TaskRecord, now: number): VeoSuccessFlag {
  const state = stateAt(task.timeline, task.behaviour.outcome, now);
  if (state === 'success') return 1;
  if (state === 'fail') return task.behaviour.upstreamFailure ? 3 : 2;
  return 0;
}

/** `errorCode` of a failed task: the behaviour's numeric failCode (400, 422, 500, 501), else 501. */
function errorCodeOf(task: TaskRecord): number {
  const code = Number(task.behaviour.failCode);
  return Number.isInteger(code) && code > 0 ? code : DEFAULT_ERROR_CODE;
}

/** `2025-06-06 10:30:00`, as the record-info example writes its times (UTC here; the docs give no zone). */
function veoTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Result and original video URLs; `originUrls` is filled only when the aspect ratio is not 16:9 (§8). */
export function veoResultFiles(task: TaskRecord, base: string) {
  const file = (n: number) => `${base}/files/${task.id}/${n}.${RESULT_TYPES[task.resultKind].ext}`;
  const aspect = typeof task.request.aspectRatio === 'string' ? task.request.aspectRatio : '16:9';
  return {
    resultUrls: [file(0)],
    originUrls: aspect === '16:9' ? [] : [file(1)],
    resolution: typeof task.request.resolution === 'string' ? task.request.resolution : '720p',
  };
}

/** GET /api/v1/veo/record-info `data` at `now`, the fields of the docs' example (H `161-…`). */
export function veoRecordData(task: TaskRecord, base: string, now: number): Record<string, unknown> {
  const flag = veoSuccessFlagAt(task, now);
  const failed = flag === 2 || flag === 3;
  const files = veoResultFiles(task, base);
  const doneAt = task.timeline.doneAt;
  return {
    taskId: task.id,
    paramJson: JSON.stringify(task.request),
    completeTime: flag !== 0 && doneAt !== undefined ? veoTime(doneAt) : null,
    response: flag === 1 ? { taskId: task.id, ...files, fullResultUrls: files.resultUrls } : null,
    successFlag: flag,
    errorCode: failed ? errorCodeOf(task) : null,
    errorMessage: failed ? (task.behaviour.failMsg ?? DEFAULT_ERROR_MESSAGE) : '',
    createTime: veoTime(task.timeline.createdAt),
    fallbackFlag: false,
  };
}

/**
 * The Veo callback for a finished task (H `155-…`): code 200 with `info` on success; on failure the
 * error code (400 / 422 / 500 / 501) and only `taskId` and `fallbackFlag` in `data`.
 */
export function veoCallbackBody(
  task: TaskRecord,
  base: string,
  messageKey: 'msg' | 'message',
): Record<string, unknown> {
  const doneAt = task.timeline.doneAt ?? Date.now();
  if (veoSuccessFlagAt(task, doneAt) === 1) {
    return {
      code: 200,
      [messageKey]: 'Veo3.1 video generated successfully.',
      data: {
        taskId: task.id,
        promptJson: JSON.stringify(task.request),
        info: veoResultFiles(task, base),
        fallbackFlag: false,
      },
    };
  }
  return {
    code: errorCodeOf(task),
    [messageKey]: task.behaviour.failMsg ?? DEFAULT_ERROR_MESSAGE,
    data: { taskId: task.id, fallbackFlag: false },
  };
}
