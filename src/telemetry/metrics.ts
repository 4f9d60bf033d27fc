import { type Counter, type Histogram, metrics } from '@opentelemetry/api';
import {
  INSTRUMENTATION_SCOPE,
  METRIC_BOT_ERRORS,
  METRIC_BOT_UPDATE_DURATION,
  METRIC_BOT_UPDATES,
  METRIC_TELEGRAM_API_CALLS,
} from './attributes.ts';
import { type TalliedCounter, talliedCounter } from './tallied-counter.ts';

/**
 * Buckets of `bot.update.duration`, in seconds. 2 is the updates SLO's latency threshold
 * (slo/slos.yaml): its `le="2"` bucket counts the updates answered in time.
 */
export const UPDATE_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30,
];

/** Instruments of the bot core; names and units follow the README's telemetry table. */
export interface BotMetrics {
  /** Once per update: tallied, not a Counter (src/telemetry/tallied-counter.ts). */
  readonly updates: TalliedCounter;
  readonly updateDuration: Histogram;
  /** Once per Bot API call: tallied too. */
  readonly apiCalls: TalliedCounter;
  readonly errors: Counter;
}

/** Creates the instruments on the global meter provider (a no-op when the SDK is disabled). */
export function createBotMetrics(): BotMetrics {
  const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
  return {
    updates: talliedCounter(meter, METRIC_BOT_UPDATES, { unit: '{update}', description: 'Updates handled' }),
    updateDuration: meter.createHistogram(METRIC_BOT_UPDATE_DURATION, {
      unit: 's',
      description: 'Time to handle one update',
      advice: { explicitBucketBoundaries: [...UPDATE_DURATION_BUCKETS] },
    }),
    apiCalls: talliedCounter(meter, METRIC_TELEGRAM_API_CALLS, {
      unit: '{call}',
      description: 'Bot API calls',
    }),
    errors: meter.createCounter(METRIC_BOT_ERRORS, { unit: '{error}', description: 'Errors by error.type' }),
  };
}
