import { type Counter, type Histogram, metrics } from '@opentelemetry/api';
import {
  ATTR_KIE_MODEL,
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_KIE_TASK_DURATION,
  METRIC_KIE_TASKS,
  METRIC_KIE_TASKS_IN_FLIGHT,
  type Outcome,
} from '../../telemetry/attributes.ts';
import type { GenerationStatus } from './generation.ts';

/** The metric outcome of each final status. */
export const OUTCOME_OF: Partial<Record<GenerationStatus, Outcome>> = {
  delivered: 'ok',
  failed: 'error',
  timed_out: 'timeout',
  refunded: 'refunded',
  cancelled: 'cancelled',
};

/** Instruments of the generation lifecycle (a no-op when the SDK is disabled). */
export interface GenerationMetrics {
  /** Counts one generation that reached a final status, with its duration from start. */
  finished(kieModel: string, status: GenerationStatus, durationMs: number): void;
}

/**
 * `countInFlight` is read at every export: the number of unfinished generations in the shared
 * database, so the gauge is right across restarts and instances (dashboards take max, not sum).
 */
export function createGenerationMetrics(countInFlight: () => Promise<number>): GenerationMetrics {
  const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
  const tasks: Counter = meter.createCounter(METRIC_KIE_TASKS, {
    unit: '{task}',
    description: 'Generations that reached a final status, by model and outcome',
  });
  const duration: Histogram = meter.createHistogram(METRIC_KIE_TASK_DURATION, {
    unit: 's',
    description: 'Time from confirmation to the final status',
    advice: { explicitBucketBoundaries: [5, 10, 20, 30, 60, 120, 180, 300, 600, 900, 1800] },
  });
  meter
    .createObservableUpDownCounter(METRIC_KIE_TASKS_IN_FLIGHT, {
      unit: '{task}',
      description: 'Generations not yet delivered or refunded (database-wide)',
    })
    .addCallback(async (result) => {
      try {
        result.observe(await countInFlight());
      } catch {
        // Telemetry never breaks the bot: a failed count just leaves a gap.
      }
    });
  return {
    finished(kieModel, status, durationMs) {
      const outcome = OUTCOME_OF[status];
      if (!outcome) return;
      const attributes = { [ATTR_KIE_MODEL]: kieModel, [ATTR_OUTCOME]: outcome };
      tasks.add(1, attributes);
      duration.record(durationMs / 1000, attributes);
    },
  };
}
