/** Delay before the next run of a generation, given the time since it was started. */
export type PollSchedule = (elapsedMs: number) => number;

/**
 * KIE's suggested cadence (kie-api.md §2) from a first interval: every `firstMs` (~3 s) at first,
 * ×3⅓ (~10 s) after 30 s, ×10 (~30 s) after 2 min. The overall deadline, not the schedule, decides
 * when to give up.
 */
export function pollSchedule(firstMs = 3000): PollSchedule {
  return (elapsedMs) =>
    elapsedMs < 30_000 ? firstMs : elapsedMs < 120_000 ? Math.round((firstMs * 10) / 3) : firstMs * 10;
}

/** The default cadence: 3 s, then 10 s, then 30 s. */
export const defaultPollSchedule: PollSchedule = pollSchedule(3000);

/** With KIE callbacks (PUBLIC_URL set), polling only catches a callback that never came. */
export function callbackSafetyNetSchedule(firstMs = 3000): PollSchedule {
  return (elapsedMs) => (elapsedMs < 120_000 ? firstMs * 10 : firstMs * 20);
}
