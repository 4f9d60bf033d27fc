import { createHash } from 'node:crypto';
import type { TaskRecord } from './internal-types.ts';
import { stateAt, updatedAt } from './task-timeline.ts';
import type { SunoStatus } from './types.ts';

const TRACKS = 2;
const FAIL_STATUSES: ReadonlySet<string> = new Set([
  'CREATE_TASK_FAILED',
  'GENERATE_AUDIO_FAILED',
  'CALLBACK_EXCEPTION',
  'SENSITIVE_WORD_ERROR',
]);

/** Suno callback stages (§7). */
export type SunoCallbackType = 'text' | 'first' | 'complete' | 'error';

/**
 * Suno status at `now`. The generic timeline maps as waiting → PENDING, queuing → TEXT_SUCCESS,
 * generating → FIRST_SUCCESS, success → SUCCESS; a failure uses `failCode` when it names a Suno status.
 */
export function sunoStatusAt(task: TaskRecord, now: number): SunoStatus {
  const state = stateAt(task.timeline, task.behaviour.outcome, now);
  if (state === 'fail') {
    const code = task.behaviour.failCode ?? '';
    return FAIL_STATUSES.has(code) ? (code as SunoStatus) : 'GENERATE_AUDIO_FAILED';
  }
  const byState = {
    waiting: 'PENDING',
    queuing: 'TEXT_SUCCESS',
    generating: 'FIRST_SUCCESS',
    success: 'SUCCESS',
  } as const;
  return byState[state];
}

/** True once the status has published file URLs, so the fake may serve them. */
export function sunoFilesPublished(status: SunoStatus): boolean {
  return status === 'FIRST_SUCCESS' || status === 'SUCCESS';
}

// A stable UUID-shaped id per track, as Suno ids look like UUIDs.
function trackId(taskId: string, n: number): string {
  const h = createHash('sha256').update(`${taskId}#${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `sunoData[]` entries (camelCase) as record-info shows them at `status`. */
function tracksAt(task: TaskRecord, base: string, status: SunoStatus): Array<Record<string, unknown>> {
  if (status === 'PENDING' || FAIL_STATUSES.has(status)) return [];
  return Array.from({ length: TRACKS }, (_, n) => {
    const complete = status === 'SUCCESS' || (status === 'FIRST_SUCCESS' && n === 0);
    const streaming = status !== 'TEXT_SUCCESS';
    const file = `${base}/files/${task.id}/${n}`;
    return {
      id: trackId(task.id, n),
      audioUrl: complete ? `${file}.mp3` : '',
      streamAudioUrl: streaming ? `${file}.mp3?stream=1` : '',
      imageUrl: streaming ? `${file}.png` : '',
      prompt: typeof task.input.prompt === 'string' ? task.input.prompt : '',
      modelName: `chirp-${task.model.toLowerCase().replace(/_/g, '-')}`,
      title: typeof task.input.title === 'string' ? task.input.title : `Fake song ${n + 1}`,
      tags: typeof task.input.style === 'string' ? task.input.style : '',
      createTime: task.timeline.createdAt,
      duration: complete ? 30.04 : null,
    };
  });
}

/** GET /api/v1/generate/record-info `data` at `now`; a finished task also says what it cost (§9 row 5). */
export function sunoRecordData(
  task: TaskRecord,
  base: string,
  now: number,
  creditsKey: 'consumeCredits' | 'creditsConsumed' = 'consumeCredits',
): Record<string, unknown> {
  const status = sunoStatusAt(task, now);
  const failed = FAIL_STATUSES.has(status);
  return {
    ...(status === 'SUCCESS' && { [creditsKey]: task.price }),
    taskId: task.id,
    parentMusicId: '',
    param: JSON.stringify(task.request),
    response: { taskId: task.id, sunoData: tracksAt(task, base, status) },
    status,
    type: 'chirp',
    operationType: 'generate',
    errorCode: failed ? (task.behaviour.failCode ?? '501') : null,
    errorMessage: failed ? (task.behaviour.failMsg ?? 'Audio generation failed') : null,
    createTime: task.timeline.createdAt,
    updateTime: updatedAt(task.timeline, now),
  };
}

const CALLBACK_STATUS: Readonly<Record<Exclude<SunoCallbackType, 'error'>, SunoStatus>> = {
  text: 'TEXT_SUCCESS',
  first: 'FIRST_SUCCESS',
  complete: 'SUCCESS',
};

const CALLBACK_MSG: Readonly<Record<SunoCallbackType, string>> = {
  text: 'Text generation completed successfully.',
  first: 'First audio generated successfully.',
  complete: 'All generated successfully.',
  error: 'Audio generation failed.',
};

/**
 * A Suno callback body: `data.task_id` and snake_case tracks in `data.data[]` (§7).
 * The error callback keeps `task_id` and sets the inner `data` to null so the receiver can still correlate it.
 */
export function sunoCallbackBody(
  task: TaskRecord,
  base: string,
  type: SunoCallbackType,
  messageKey: 'msg' | 'message',
  creditsKey: 'consumeCredits' | 'creditsConsumed' = 'consumeCredits',
): Record<string, unknown> {
  const tracks =
    type === 'error'
      ? null
      : tracksAt(task, base, CALLBACK_STATUS[type]).map((t) => ({
          id: t.id,
          audio_url: t.audioUrl,
          source_audio_url: t.audioUrl,
          stream_audio_url: t.streamAudioUrl,
          source_stream_audio_url: t.streamAudioUrl,
          image_url: t.imageUrl,
          source_image_url: t.imageUrl,
          prompt: t.prompt,
          model_name: t.modelName,
          title: t.title,
          tags: t.tags,
          createTime: t.createTime,
          duration: t.duration,
        }));
  return {
    code: type === 'error' ? 501 : 200,
    [messageKey]: type === 'error' ? (task.behaviour.failMsg ?? CALLBACK_MSG.error) : CALLBACK_MSG[type],
    data: {
      callbackType: type,
      task_id: task.id,
      data: tracks,
      ...(type === 'complete' && { [creditsKey]: task.price }),
    },
  };
}
