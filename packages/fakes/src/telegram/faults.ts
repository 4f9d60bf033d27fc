import type { Fault, FaultInjector } from './types.ts';

/** What a request looks like to fault matching. */
export interface FaultTarget {
  token: string;
  method: string;
  chatId?: number;
  url?: string;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

/** Holds injected faults and hands each out as many times as it was armed for. */
export class FaultRegistry implements FaultInjector {
  private armed: ArmedFault[] = [];

  inject(fault: Fault): void {
    this.armed.push({ fault, remaining: fault.times ?? 1 });
  }

  remove(fault: Fault): void {
    this.armed = this.armed.filter((a) => a.fault !== fault);
  }

  clear(): void {
    this.armed = [];
  }

  /** Total delay of all matching `delay` faults (each one used up). */
  takeDelayMs(target: FaultTarget): number {
    let total = 0;
    for (const armed of this.armed) {
      if (armed.fault.kind === 'delay' && matches(armed.fault, target)) {
        total += armed.fault.delayMs ?? 1000;
        armed.remaining--;
      }
    }
    this.prune();
    return total;
  }

  /** The first matching request-level fault (not `delay`, not `url-fail`), used up. */
  takeRequestFault(target: FaultTarget): Fault | undefined {
    return this.take(target, (kind) => kind !== 'delay' && kind !== 'url-fail');
  }

  /** The first matching `url-fail` fault for a media URL, used up. */
  takeUrlFault(target: FaultTarget & { url: string }): Fault | undefined {
    return this.take(target, (kind) => kind === 'url-fail');
  }

  private take(target: FaultTarget, kindOk: (kind: Fault['kind']) => boolean): Fault | undefined {
    const armed = this.armed.find((a) => kindOk(a.fault.kind) && matches(a.fault, target));
    if (!armed) return undefined;
    armed.remaining--;
    this.prune();
    return armed.fault;
  }

  private prune(): void {
    this.armed = this.armed.filter((a) => a.remaining > 0);
  }
}

function matches(fault: Fault, target: FaultTarget): boolean {
  if (fault.token !== undefined && fault.token !== target.token) return false;
  if (fault.chatId !== undefined && fault.chatId !== target.chatId) return false;
  if (!matchText(fault.method, target.method, true)) return false;
  if (fault.url !== undefined && (target.url === undefined || !matchText(fault.url, target.url, false))) {
    return false;
  }
  return true;
}

function matchText(pattern: string | RegExp | undefined, value: string, ignoreCase: boolean): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern !== 'string') {
    pattern.lastIndex = 0; // a global RegExp keeps state between test() calls
    return pattern.test(value);
  }
  return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
}
