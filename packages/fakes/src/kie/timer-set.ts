/** Timers the fake owns, so `stop()` can cancel every pending state change and delay at once. */
export class TimerSet {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` at epoch ms `when` (at once if it has passed). */
  at(when: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        fn();
      },
      Math.max(0, when - Date.now()),
    );
    this.#timers.add(timer);
  }

  /** Resolves after `ms`; never resolves once cleared (the server is going away). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(Date.now() + ms, resolve));
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
