import { type Counter, metrics } from '@opentelemetry/api';
import {
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_PROTOCOL_JOBS,
  METRIC_PROTOCOL_SEGMENTS,
} from '../../telemetry/attributes.ts';

/** Outcome of a finished job run. */
export type JobOutcome = 'ok' | 'refunded';
/** Outcome of one segment call; `cancelled` = aborted because the job stopped. */
export type SegmentOutcome = 'ok' | 'error' | 'timeout' | 'cancelled';

/** `protocol.jobs` and `protocol.segments` counters; never throw. */
export interface ProtocolMetrics {
  job(outcome: JobOutcome): void;
  segment(outcome: SegmentOutcome): void;
}

export function createProtocolMetrics(): ProtocolMetrics {
  let jobs: Counter | undefined;
  let segments: Counter | undefined;
  try {
    const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
    jobs = meter.createCounter(METRIC_PROTOCOL_JOBS, {
      unit: '{job}',
      description: 'Protocol jobs by outcome',
    });
    segments = meter.createCounter(METRIC_PROTOCOL_SEGMENTS, {
      unit: '{segment}',
      description: 'Protocol segment calls by outcome',
    });
  } catch {
    // No instruments: jobs still run.
  }
  const add = (counter: Counter | undefined, outcome: string) => {
    try {
      counter?.add(1, { [ATTR_OUTCOME]: outcome });
    } catch {
      // Telemetry never fails a job.
    }
  };
  return { job: (o) => add(jobs, o), segment: (o) => add(segments, o) };
}
