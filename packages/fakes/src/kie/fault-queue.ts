import type { KieEndpoint, KieFault } from './types.ts';

/** A body code to answer instead of the real handler, or a transport fault (`KieFault`). */
export type InjectedFault =
  | { readonly kind: 'code'; readonly code: number; readonly httpStatus?: number; readonly msg?: string }
  | KieFault;

/** FIFO of injected faults per endpoint; each entry repeats `times` times. */
export class FaultQueue {
  readonly #queues = new Map<KieEndpoint, Array<{ fault: InjectedFault; remaining: number }>>();

  /** Appends a fault; `times` consecutive calls will get it. */
  push(endpoint: KieEndpoint, fault: InjectedFault, times = 1): void {
    const queue = this.#queues.get(endpoint) ?? [];
    queue.push({ fault, remaining: times });
    this.#queues.set(endpoint, queue);
  }

  /** Takes the next fault for `endpoint`, if any. */
  take(endpoint: KieEndpoint): InjectedFault | undefined {
    const queue = this.#queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }
}
