import type { LlmFakeContext } from './internal-types.ts';
import type { LlmFault, LlmRequestRecord } from './types.ts';

/** How an authenticated call is to fail: `failAfter`'s status, or a queued fault other than `pass`. */
export type PickedFault = Exclude<LlmFault, { kind: 'pass' }> | { kind: 'failAfter'; status: 402 };

/**
 * Counts an authenticated call and picks its fault, naming it on the record. Once `failAfter` is
 * reached it answers every call and the queue is left untouched; a `pass` entry uses up a place in
 * the queue but answers normally.
 */
export function pickFault(ctx: LlmFakeContext, rec: LlmRequestRecord): PickedFault | undefined {
  ctx.calls += 1;
  if (ctx.failAfter && ctx.calls > ctx.failAfter.calls) {
    rec.fault = 'failAfter';
    return { kind: 'failAfter', status: ctx.failAfter.status };
  }
  const taken = ctx.faults.take();
  const fault = taken?.kind === 'pass' ? undefined : taken;
  if (fault) rec.fault = fault.kind === 'status' ? `status:${fault.status}` : fault.kind;
  return fault;
}
