/** Counts running work so shutdown can wait for it, up to a deadline. */
export class InFlight {
  private _count = 0;
  private _waiters: Array<() => void> = [];

  get count(): number {
    return this._count;
  }

  /** Runs fn, counting it as in flight until it settles. */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this._count += 1;
    try {
      return await fn();
    } finally {
      this._count -= 1;
      if (this._count === 0) for (const wake of this._waiters.splice(0)) wake();
    }
  }

  /** Resolves true when nothing is in flight, false if the deadline passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this._count === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this._waiters.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
