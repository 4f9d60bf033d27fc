/** A pending timer of a `Clock`; the system clock's is a Node timer. */
export interface ClockTimer {
  /** Lets the process exit while the timer is pending. */
  unref(): void;
}

/**
 * The time and the timers of code that waits on its own (the progress throttle, the KIE rate limiter).
 * `now` is the project's usual `() => Date`. Injected so a test moves time itself instead of sleeping
 * through it; production uses `systemClock`.
 */
export interface Clock {
  readonly now: () => Date;
  readonly setTimeout: (callback: () => void, ms: number) => ClockTimer;
  readonly clearTimeout: (timer: ClockTimer) => void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** `now` from the caller (often the service's injected clock) with the system's timers. */
export function clockWithNow(now: () => Date): Clock {
  return { ...systemClock, now };
}
