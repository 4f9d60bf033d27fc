import type { Clock, ClockTimer } from '../../src/clock.ts';

interface PendingTimer extends ClockTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** A `Clock` whose time moves only in `advance`: timers fire there, in due order, and nowhere else. */
export interface ManualClock extends Clock {
  /** Milliseconds since the epoch. */
  readonly ms: () => number;
  /** Moves time forward, running every timer that falls due on the way (including ones those set). */
  readonly advance: (ms: number) => void;
  /** Timers not yet fired or cleared. */
  readonly pending: () => number;
}

export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Set<PendingTimer>();
  const next = (until: number): PendingTimer | undefined => {
    let first: PendingTimer | undefined;
    for (const t of timers) {
      if (t.at <= until && (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq))) first = t;
    }
    return first;
  };
  return {
    now: () => new Date(now),
    ms: () => now,
    setTimeout: (callback, ms) => {
      const timer: PendingTimer = { at: now + Math.max(0, ms), seq: seq++, callback, unref: () => {} };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      timers.delete(timer as PendingTimer);
    },
    advance: (ms) => {
      const until = now + ms;
      for (let t = next(until); t; t = next(until)) {
        timers.delete(t);
        now = t.at;
        t.callback();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

/** Lets promise callbacks queued so far (and the ones they queue) run; no time passes on any clock. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
