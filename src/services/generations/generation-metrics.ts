import { type Counter, type Histogram, metrics } from '@opentelemetry/api';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import {
  ATTR_BOT_GENERATION_FAULT,
  ATTR_BOT_MODEL_ID,
  ATTR_KIE_MODEL,
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_BOT_GENERATION_CREDITS,
  METRIC_KIE_CREDITS_CONSUMED,
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

/** What `finished` reads of the row besides model and status: the charge and who ended it. */
export type FinishedRow = Pick<GenerationRow, 'model_id' | 'price' | 'charge_entry_id' | 'kie_task_id'>;

/**
 * Who ended a generation, for the generations SLO (slo/slos.yaml): a task KIE accepted and then
 * failed is refunded in time and is KIE's failure; a refused create, a passed deadline or a failed
 * delivery is ours.
 */
export function generationFault(status: GenerationStatus, row: FinishedRow): 'none' | 'kie' | 'bot' {
  if (status === 'delivered' || status === 'cancelled') return 'none';
  if (status === 'failed' && row.kie_task_id !== null) return 'kie';
  return 'bot';
}

/** Instruments of the generation lifecycle (a no-op when the SDK is disabled). */
export interface GenerationMetrics {
  /**
   * Counts one generation that reached a final status, with its duration from start; with the row,
   * also its charged credits (`bot.generation.credits`) and `bot.generation.fault` on `kie.tasks`.
   */
  finished(kieModel: string, status: GenerationStatus, durationMs: number, row?: FinishedRow): void;
  /** Counts what KIE charged for one generation's task; call once, when the row first stores it. */
  creditsConsumed(kieModel: string, credits: number): void;
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
  const credits: Counter = meter.createCounter(METRIC_KIE_CREDITS_CONSUMED, {
    unit: '{credit}',
    description: 'KIE credits KIE reported charging for generations, by model (compare with revenue)',
  });
  const charged: Counter = meter.createCounter(METRIC_BOT_GENERATION_CREDITS, {
    unit: '{credit}',
    description: 'User credits of finished paid generations, by model and outcome (ok = revenue)',
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
    finished(kieModel, status, durationMs, row) {
      const outcome = OUTCOME_OF[status];
      if (!outcome) return;
      const attributes = { [ATTR_KIE_MODEL]: kieModel, [ATTR_OUTCOME]: outcome };
      const fault = row && { [ATTR_BOT_GENERATION_FAULT]: generationFault(status, row) };
      tasks.add(1, { ...attributes, ...fault });
      duration.record(durationMs / 1000, attributes);
      // Dry runs charge nothing; a refunded charge counts under its outcome, so revenue is outcome="ok".
      if (row && row.charge_entry_id !== null && row.price > 0) {
        charged.add(row.price, { ...attributes, [ATTR_BOT_MODEL_ID]: row.model_id });
      }
    },
    creditsConsumed(kieModel, amount) {
      credits.add(amount, { [ATTR_KIE_MODEL]: kieModel });
    },
  };
}
