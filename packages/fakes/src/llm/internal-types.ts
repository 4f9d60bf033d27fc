import type { FaultQueue } from './fault-queue.ts';
import type { LlmFakeOptions } from './types.ts';

/** What every part of one LLM fake shares: its options, fault queue and running counters. */
export interface LlmFakeContext {
  readonly apiKey: string;
  /** The top-level `provider` of responses. */
  readonly provider: string;
  /** Delay between SSE content chunks. */
  readonly chunkDelayMs: number;
  /** Interval of `: OPENROUTER PROCESSING` comments while a stream waits. */
  readonly keepAliveMs: number;
  readonly faults: FaultQueue;
  // Switchable while running (the sandbox's web chat turns 402s and slowness on and off).
  failAfter: LlmFakeOptions['failAfter'];
  latencyMs: LlmFakeOptions['latencyMs'];
  /** Authenticated chat calls so far (what `failAfter` counts). */
  calls: number;
  /** Sum of `usage.cost` of successful calls, as `/key` reports it. */
  usage: number;
}
