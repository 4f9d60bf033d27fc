import type { LlmFault } from './types.ts';

/** FIFO of injected faults; each entry answers `times` consecutive calls (default 1). */
export class FaultQueue {
  readonly #queue: Array<{ fault: LlmFault; remaining: number }> = [];

  /** Appends a fault. */
  push(fault: LlmFault): void {
    this.#queue.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Takes the fault for the next call, if any. */
  take(): LlmFault | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.#queue.shift();
    return head.fault;
  }
}
