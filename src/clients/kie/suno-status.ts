import type { KieTaskState } from './types.ts';

/** Suno record-info statuses that end a task as failed (kie-api.md §7). */
export const SUNO_FAIL_STATUSES: ReadonlySet<string> = new Set([
  'CREATE_TASK_FAILED',
  'GENERATE_AUDIO_FAILED',
  'CALLBACK_EXCEPTION',
  'SENSITIVE_WORD_ERROR',
]);

// Lyrics done (TEXT_SUCCESS) or one of two tracks done (FIRST_SUCCESS) is still "generating" for the
// user: the result is the complete set of tracks, which only SUCCESS promises.
const RUNNING: Readonly<Record<string, KieTaskState>> = {
  PENDING: 'waiting',
  TEXT_SUCCESS: 'generating',
  FIRST_SUCCESS: 'generating',
};

/**
 * Maps a Suno `status` to the Market state vocabulary (§2). Unknown statuses are returned as-is, so the
 * caller treats them as still running until its deadline, as for Market (§9 row 4).
 *
 * `hasAudio` says whether every track already has an audio URL. CALLBACK_EXCEPTION means KIE failed to
 * deliver its callback, not necessarily the music: with the audio present it counts as success (our
 * inference; the docs list it among the failures without saying what it leaves behind).
 */
export function sunoTaskState(status: string, hasAudio: boolean): KieTaskState | (string & {}) {
  if (status === 'SUCCESS') return 'success';
  if (status === 'CALLBACK_EXCEPTION' && hasAudio) return 'success';
  if (SUNO_FAIL_STATUSES.has(status)) return 'fail';
  return RUNNING[status] ?? status;
}
