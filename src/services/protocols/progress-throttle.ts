import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';

/**
 * Rate-limits progress reports to one per `intervalMs`: the first goes out at once, later ones
 * within the interval are coalesced into one trailing report with the latest value. Reports run one
 * at a time, in order, and a failing report never reaches the caller (Telegram edits are best effort).
 */
export class ProgressThrottle<T> {
  readonly #intervalMs: number;
  readonly #report: (value: T) => Promise<void>;
  #lastAt = Number.NEGATIVE_INFINITY;
  #pending: { value: T } | undefined;
  readonly #clock: Clock;
  #timer: ClockTimer | undefined;
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;

  /**
   * `reportedAt`: when (epoch ms, by `clock`) the value was last shown by someone else (e.g. the message
   * just sent), if recently.
   */
  constructor(
    intervalMs: number,
    report: (value: T) => Promise<void>,
    reportedAt?: number,
    clock: Clock = systemClock,
  ) {
    this.#intervalMs = intervalMs;
    this.#report = report;
    this.#clock = clock;
    if (reportedAt !== undefined) this.#lastAt = reportedAt;
  }

  /** Offers a new value. */
  update(value: T): void {
    if (this.#stopped) return;
    const wait = this.#lastAt + this.#intervalMs - this.#clock.now().getTime();
    if (wait <= 0 && !this.#timer) {
      this.#send(value);
      return;
    }
    this.#pending = { value };
    this.#timer ??= this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        const next = this.#pending;
        this.#pending = undefined;
        if (next && !this.#stopped) this.#send(next.value);
      },
      Math.max(0, wait),
    );
    this.#timer.unref();
  }

  /** Drops any pending report and waits for the one in progress; later updates are ignored. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    await this.#chain;
  }

  #send(value: T): void {
    this.#lastAt = this.#clock.now().getTime();
    this.#chain = this.#chain.then(() => this.#report(value)).catch(() => {});
  }
}
