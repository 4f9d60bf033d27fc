/** What `runSegments` needs. */
export interface RunSegmentsOptions {
  /** Segment indices still to do, in the order to start them. */
  readonly indices: readonly number[];
  /** At most this many run at once. */
  readonly concurrency: number;
  /** The job's signal: once aborted, no further segment starts (in-flight ones watch it themselves). */
  readonly signal: AbortSignal;
  /**
   * Once aborted, no further segment starts but in-flight ones finish (a shutdown's grace period): what
   * was paid for is kept. If segments were left unstarted, the job signal is aborted with its reason.
   */
  readonly drain?: AbortSignal;
  /** Aborts the job's signal; called with the first failure, synchronously, so in-flight calls stop at once. */
  readonly abort: (reason: unknown) => void;
  /** Runs one segment; must reject promptly when `signal` aborts. */
  readonly run: (index: number) => Promise<void>;
}

/**
 * Runs segments in parallel lanes, `concurrency` at most. The first failure aborts the job signal
 * (every in-flight call is cancelled, no queued segment starts) and is what this rejects with;
 * rejections caused by that abort are not failures of their own. If the signal was aborted from
 * outside (shutdown, deadline), or a drain left segments unstarted, it rejects with that reason.
 */
export async function runSegments(options: RunSegmentsOptions): Promise<void> {
  const { indices, signal, drain, abort, run } = options;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!signal.aborted && !drain?.aborted && next < indices.length) {
      const index = indices[next++] as number;
      try {
        await run(index);
      } catch (error) {
        if (signal.aborted) return;
        failure = { error };
        abort(error);
        return;
      }
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency, indices.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure.error;
  if (!signal.aborted && drain?.aborted && next < indices.length) abort(drain.reason);
  if (signal.aborted) throw signal.reason;
}
