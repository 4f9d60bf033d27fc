/** Sliding-window counter: at most `limit` admissions in any `windowMs`; rejections are not recorded. */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #hits = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Records a hit for `key` and returns true, or returns false when the window is full. */
  tryAcquire(key = '', now = this.#now()): boolean {
    const hits = (this.#hits.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    // Rejections are not queued and do not extend the window: KIE rejects the excess (§4).
    if (hits.length >= this.#limit) {
      this.#hits.set(key, hits);
      return false;
    }
    hits.push(now);
    this.#hits.set(key, hits);
    return true;
  }
}
