import { creditsOf, parseTaskInfo } from './parse-task-info.ts';
import { veoResultUrls } from './parse-veo-task-info.ts';
import { compact, isRecord, str } from './read-fields.ts';
import type { KieTaskState } from './types.ts';

/** What a callback says about a task, in the vocabulary of KieTaskInfo. */
export interface KieCallbackInfo {
  readonly api: 'market' | 'suno' | 'veo';
  readonly taskId: string;
  /** `success`, `fail`, or a running state (Suno `text` / `first` are `generating`). */
  readonly state: KieTaskState | (string & {});
  readonly done: boolean;
  readonly resultUrls?: readonly string[];
  readonly failCode?: string;
  readonly failMsg?: string;
  /** Suno's stage: `text`, `first`, `complete` or `error`. */
  readonly callbackType?: string;
  /** What KIE says it charged (`consumeCredits` / `creditsConsumed`, §5, §11); optional. */
  readonly consumeCredits?: number;
  /**
   * `taskId:state`: equal for every re-send and duplicate of the same outcome (§9 row 11), so it can key
   * an idempotent insert. Suno's `text` and `first` stages share the `generating` key: neither is final.
   */
  readonly dedupeKey: string;
}

const SUNO_STAGE_STATE: Readonly<Record<string, KieTaskState>> = {
  text: 'generating',
  first: 'generating',
  complete: 'success',
  error: 'fail',
};

function toJson(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  try {
    return JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Suno: `data.task_id`, `data.callbackType`, snake_case tracks in `data.data[]`; errors carry code ≠ 200 (§7). */
function parseSuno(code: unknown, msg: string | undefined, data: Record<string, unknown>) {
  const taskId = str(data.task_id) as string;
  const callbackType = str(data.callbackType);
  const failed = code !== 200 || callbackType === 'error';
  const state = failed ? 'fail' : (SUNO_STAGE_STATE[callbackType ?? ''] ?? callbackType ?? 'unknown');
  const tracks = Array.isArray(data.data) ? data.data.filter(isRecord) : [];
  const audio = tracks.flatMap((t) => {
    const url = str(t.audio_url);
    return url ? [url] : [];
  });
  return {
    api: 'suno' as const,
    taskId,
    state,
    callbackType,
    resultUrls: state === 'success' ? audio : undefined,
    failCode: failed ? (str(code) ?? 'unknown') : undefined,
    failMsg: failed ? (msg ?? '') : undefined,
    consumeCredits: creditsOf(data),
  };
}

/** Market: recordInfo `data` plus credit fields; a failure has code 501 and `state: fail` (§5). */
function parseMarket(code: unknown, msg: string | undefined, data: Record<string, unknown>) {
  const info = parseTaskInfo(data, str(data.taskId) as string);
  // A non-200 callback without a state still reports a failure.
  const failed = info.state === 'fail' || (code !== 200 && !info.done);
  return {
    api: 'market' as const,
    taskId: info.taskId,
    state: failed ? 'fail' : info.state,
    resultUrls: info.state === 'success' ? info.resultUrls : undefined,
    failCode: failed ? (info.failCode ?? str(code) ?? 'unknown') : undefined,
    failMsg: failed ? (info.failMsg ?? msg ?? '') : undefined,
    consumeCredits: info.consumeCredits,
  };
}

/**
 * Veo: `data: {taskId, promptJson, info: {resultUrls, originUrls, resolution}, fallbackFlag}`; a failure
 * carries code 400 / 422 / 500 / 501 and no `info` (kie-api.md §8). Sent only when the task ended.
 */
function parseVeo(code: unknown, msg: string | undefined, data: Record<string, unknown>) {
  const failed = code !== 200;
  const info = isRecord(data.info) ? data.info : undefined;
  return {
    api: 'veo' as const,
    taskId: str(data.taskId) as string,
    state: failed ? 'fail' : 'success',
    resultUrls: failed ? undefined : (veoResultUrls(info?.resultUrls) ?? []),
    failCode: failed ? (str(code) ?? 'unknown') : undefined,
    failMsg: failed ? (msg ?? '') : undefined,
    consumeCredits: creditsOf(data),
  };
}

// Veo's callback has no `state` (Market's always has one) but `info`, `fallbackFlag` or `promptJson`.
const isVeo = (data: Record<string, unknown>): boolean =>
  data.state === undefined && ('info' in data || 'fallbackFlag' in data || 'promptJson' in data);

/**
 * Parses a Market, Suno or Veo callback body (a parsed object, or the raw text / bytes). Returns undefined
 * when it is neither. Pure: parsing the same body twice gives equal results, and re-sent bodies give
 * the same `dedupeKey`.
 */
export function parseKieCallback(body: unknown): KieCallbackInfo | undefined {
  const json = toJson(body);
  if (!isRecord(json) || !isRecord(json.data)) return undefined;
  const msg = str(json.msg) ?? str(json.message);
  const data = json.data;
  const parsed =
    str(data.task_id) !== undefined
      ? parseSuno(json.code, msg, data)
      : str(data.taskId) !== undefined
        ? isVeo(data)
          ? parseVeo(json.code, msg, data)
          : parseMarket(json.code, msg, data)
        : undefined;
  if (!parsed) return undefined;
  const done = parsed.state === 'success' || parsed.state === 'fail';
  return compact({ ...parsed, done, dedupeKey: `${parsed.taskId}:${parsed.state}` }) as KieCallbackInfo;
}
