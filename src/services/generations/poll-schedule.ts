/** Delay before the next run of a generation, given the time since it was started. */
export type PollSchedule = (elapsedMs: number) => number;

/**
 * KIE's suggested cadence (kie-api.md §2): every ~3 s at first, 10 s after 30 s, 30 s after 2 min.
 * The overall deadline, not the schedule, decides when to give up.
 */
export const defaultPollSchedule: PollSchedule = (elapsedMs) =>
  elapsedMs < 30_000 ? 3_000 : elapsedMs < 120_000 ? 10_000 : 30_000;
