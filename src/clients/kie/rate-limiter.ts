import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';

/** Options of a RateLimiter. */
export interface RateLimiterOptions {
  /** Admissions allowed in any window. */
  readonly limit: number;
  readonly windowMs: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Ends a slot's in-flight phase; its window starts then. Safe to call more than once. */
export type ReleaseSlot = () => void;

interface Waiter {
  readonly resolve: (release: ReleaseSlot) => void;
  readonly reject: (reason: unknown) => void;
  readonly onPosition: ((position: number) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  position: number;
}

/**
 * Sliding-window limiter with a FIFO queue, shared by every caller of one KIE key (kie-api.md §4,
 * §9 row 6). A slot counts from admission until `windowMs` after its release, i.e. after the answer
 * arrived: the server saw the request before that, so its window always closes before ours and the
 * bot never causes a 429 itself, whatever the network latency.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  /** Release times of finished slots still inside the window; in-flight slots are counted separately. */
  #released: number[] = [];
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  readonly #clock: Clock;
  #timer: ClockTimer | undefined;

  constructor(options: RateLimiterOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0)) {
      throw new RangeError('RateLimiter needs limit >= 1 and windowMs > 0');
    }
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Waits for a slot in FIFO order. `onPosition` gets the 1-based queue position whenever it changes
   * (never when a slot is free at once). Rejects with the signal's reason if aborted while waiting.
   */
  acquire(signal?: AbortSignal, onPosition?: (position: number) => void): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        onPosition,
        signal,
        position: 0,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at < 0) return;
          this.#queue.splice(at, 1);
          reject(signal?.reason);
          this.#pump();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #pump(): void {
    const now = this.#clock.now().getTime();
    this.#released = this.#released.filter((t) => now - t < this.#windowMs);
    while (this.#queue.length > 0 && this.#inFlight + this.#released.length < this.#limit) {
      const waiter = this.#queue.shift() as Waiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.#slot());
    }
    this.#queue.forEach((waiter, index) => {
      if (waiter.position === index + 1) return;
      waiter.position = index + 1;
      try {
        waiter.onPosition?.(waiter.position);
      } catch {
        // A broken progress hook must not stall the queue.
      }
    });
    this.#schedule(now);
  }

  #slot(): ReleaseSlot {
    this.#inFlight += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight -= 1;
      this.#released.push(this.#clock.now().getTime());
      this.#pump();
    };
  }

  // Wake up when the oldest released slot leaves the window; in-flight slots wake us on release.
  #schedule(now: number): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const oldest = this.#released[0];
    if (this.#queue.length === 0 || oldest === undefined) return;
    this.#timer = this.#clock.setTimeout(() => this.#pump(), Math.max(1, oldest + this.#windowMs - now));
  }
}
