import { compact, isRecord, num, parseJsonString, str, urls } from './read-fields.ts';
import type { KieTaskInfo, KieTaskState } from './types.ts';

/** Veo's `successFlag` (kie-api.md §8): 0 generating, 1 success, 2 failed, 3 created but failed upstream. */
const FLAG_STATE: Readonly<Record<number, KieTaskState>> = {
  0: 'generating',
  1: 'success',
  2: 'fail',
  3: 'fail',
};

/**
 * Maps a `successFlag` to the Market state vocabulary (§2). A missing or unknown flag is reported as
 * `unknown` / `successFlag <n>`, which the caller treats as still running until its deadline (§9 row 4).
 */
export function veoTaskState(flag: unknown): KieTaskState | (string & {}) {
  const n = num(flag);
  if (n === undefined) return 'unknown';
  return FLAG_STATE[n] ?? `successFlag ${n}`;
}

/**
 * Result URLs as Veo sends them: an array (record-info, and the callback's examples), or, as the
 * callback's schema types `info.resultUrls`, a string holding `["…"]` or `[…]`.
 */
export function veoResultUrls(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return urls(value);
  const text = value.trim();
  if (!text.startsWith('[')) return /^https?:\/\//i.test(text) ? [text] : undefined;
  const parsed = urls(parseJsonString(text));
  if (parsed) return parsed;
  // `[http://a.mp4, http://b.mp4]`: the schema's own example is not JSON.
  return text
    .slice(1, text.endsWith(']') ? -1 : undefined)
    .split(',')
    .map((u) => u.trim())
    .filter((u) => /^https?:\/\//i.test(u));
}

/**
 * Parses Veo record-info `data` into the Market shape: `state` from `successFlag`, `resultUrls` from
 * `response.resultUrls` once it succeeded, `failCode`/`failMsg` from `errorCode`/`errorMessage` (or the
 * flag's meaning when KIE gives none), `param` from the `paramJson` string and `veoSuccessFlag` the raw
 * flag. Veo's times are date strings (`2025-06-06 10:30:00`, zone unstated), so only numeric ones are kept.
 */
export function parseVeoTaskInfo(data: Record<string, unknown>, taskId: string, model?: string): KieTaskInfo {
  const flag = num(data.successFlag);
  const state = veoTaskState(data.successFlag);
  const response = isRecord(data.response) ? data.response : undefined;
  const param = parseJsonString(data.paramJson);
  const paramModel = isRecord(param) ? str(param.model) : undefined;
  const failed = state === 'fail';
  const fields: Record<string, unknown> = {
    taskId: str(data.taskId) ?? taskId,
    model: paramModel ?? model ?? '',
    state,
    done: state === 'success' || failed,
    resultUrls: state === 'success' ? (veoResultUrls(response?.resultUrls) ?? []) : undefined,
    failCode: failed
      ? (str(data.errorCode) ?? (flag === 3 ? 'veo.upstream_failed' : 'veo.failed'))
      : undefined,
    failMsg: failed
      ? (str(data.errorMessage) ?? (flag === 3 ? 'Generation failed upstream' : 'Generation failed'))
      : undefined,
    param,
    createTime: num(data.createTime),
    completeTime: num(data.completeTime),
    veoSuccessFlag: flag,
  };
  return compact(fields) as unknown as KieTaskInfo;
}
