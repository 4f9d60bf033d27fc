import { creditsOf } from './parse-task-info.ts';
import { compact, isRecord, num, parseJsonString, str } from './read-fields.ts';
import { sunoTaskState } from './suno-status.ts';
import type { KieSunoTrack, KieTaskInfo } from './types.ts';

/** `response.sunoData[]` (camelCase, §7); entries without an id are skipped. */
function parseTracks(response: unknown): KieSunoTrack[] {
  const list = isRecord(response) && Array.isArray(response.sunoData) ? response.sunoData : [];
  return list.filter(isRecord).flatMap((t) => {
    const id = str(t.id);
    if (id === undefined) return [];
    return [
      compact({
        id,
        audioUrl: str(t.audioUrl),
        streamAudioUrl: str(t.streamAudioUrl),
        imageUrl: str(t.imageUrl),
        title: str(t.title),
        tags: str(t.tags),
        duration: num(t.duration),
      }) as KieSunoTrack,
    ];
  });
}

/**
 * Parses Suno record-info `data` into the Market shape: `state` normalised (suno-status.ts), `resultUrls`
 * the tracks' audio URLs once the task succeeded, `failCode`/`failMsg` from `errorCode`/`errorMessage`
 * (or the status itself when KIE gives no code), `sunoStatus` the raw status.
 */
export function parseSunoTaskInfo(
  data: Record<string, unknown>,
  taskId: string,
  model?: string,
): KieTaskInfo {
  const status = str(data.status) ?? 'unknown';
  const tracks = parseTracks(data.response);
  const hasAudio = tracks.length > 0 && tracks.every((t) => t.audioUrl !== undefined);
  const state = sunoTaskState(status, hasAudio);
  const param = parseJsonString(data.param);
  const paramModel = isRecord(param) ? str(param.model) : undefined;
  const failed = state === 'fail';
  const fields: Record<string, unknown> = {
    taskId: str(data.taskId) ?? taskId,
    model: paramModel ?? model ?? '',
    state,
    done: state === 'success' || failed,
    resultUrls: state === 'success' ? tracks.flatMap((t) => (t.audioUrl ? [t.audioUrl] : [])) : undefined,
    failCode: failed ? (str(data.errorCode) ?? status) : undefined,
    failMsg: failed ? (str(data.errorMessage) ?? status) : undefined,
    param,
    consumeCredits: creditsOf(data),
    createTime: num(data.createTime),
    updateTime: num(data.updateTime),
    sunoStatus: status,
    tracks: tracks.length > 0 ? tracks : undefined,
  };
  return compact(fields) as unknown as KieTaskInfo;
}
