import { type Attributes, type Counter, type Histogram, metrics } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  INSTRUMENTATION_SCOPE,
  METRIC_GEN_AI_CLIENT_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '../../telemetry/attributes.ts';

/** The GenAI client instruments (gen-ai-metrics.md): token usage, operation duration, and our cost counter. */
export interface LlmMetrics {
  /** Records one finished call; `attributes` are the GenAI common ones (+ error.type on failure). */
  duration(seconds: number, attributes: Attributes): void;
  tokens(input: number, output: number, attributes: Attributes): void;
  cost(credits: number, attributes: Attributes): void;
}

// Bucket advice from the GenAI semantic conventions.
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Creates the instruments on the global meter provider; every record is guarded, telemetry never fails a call. */
export function createLlmMetrics(): LlmMetrics {
  let usage: Histogram | undefined;
  let duration: Histogram | undefined;
  let cost: Counter | undefined;
  try {
    const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
    usage = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      unit: '{token}',
      description: 'Number of input and output tokens used',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      unit: 's',
      description: 'GenAI operation duration (retries included)',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    cost = meter.createCounter(METRIC_GEN_AI_CLIENT_COST, {
      unit: '{credit}',
      description: 'Provider credits spent on LLM calls (usage.cost)',
    });
  } catch {
    // No instruments: calls still work.
  }
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch {
      // Telemetry never fails a call.
    }
  };
  return {
    duration: (seconds, attributes) => guard(() => duration?.record(seconds, attributes)),
    tokens: (input, output, attributes) =>
      guard(() => {
        usage?.record(input, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
        usage?.record(output, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
      }),
    cost: (credits, attributes) => guard(() => cost?.add(credits, attributes)),
  };
}
