import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';

/** A job run now and then every `intervalMs`, one run at a time, that a stop lets finish (bounded). */
export interface PeriodicTask {
  /** Runs once now, then every interval. */
  start(): void;
  /** No further runs; waits up to `graceMs` for the one in progress. */
  stop(graceMs: number): Promise<void>;
  /** One run now (or the one in progress), whatever the timer says. */
  runNow(): Promise<void>;
}

export interface PeriodicTaskOptions {
  /** For the log line of a failed run. */
  readonly name: string;
  readonly intervalMs: number;
  readonly run: () => Promise<unknown>;
  readonly logger: Logger;
  /** The timers between runs (tests move time themselves). @default systemClock */
  readonly clock?: Clock;
}

export function createPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  const { name, intervalMs, run, logger } = options;
  const clock = options.clock ?? systemClock;
  let timer: ClockTimer | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runNow = (): Promise<void> => {
    if (running) return running;
    const current = run()
      .then(
        () => undefined,
        (error: unknown) => {
          logger.error(`${name} failed`, { err: error });
        },
      )
      .finally(() => {
        running = undefined;
      });
    running = current;
    return current;
  };

  const schedule = () => {
    if (stopped) return;
    // unref: a pending run never keeps the process alive on its own.
    timer = clock.setTimeout(() => void runNow().finally(schedule), intervalMs);
    timer.unref();
  };

  return {
    start() {
      stopped = false;
      void runNow().finally(schedule);
    },
    async stop(graceMs) {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      if (!running) return;
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (wait = setTimeout(resolve, graceMs)))]);
      clearTimeout(wait);
    },
    runNow,
  };
}
