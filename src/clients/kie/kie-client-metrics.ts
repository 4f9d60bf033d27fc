import { type Attributes, metrics } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_KIE_API,
  ATTR_KIE_MODEL,
  ATTR_KIE_OPERATION,
  ATTR_KIE_TASK_STATE,
  ATTR_OUTCOME,
  INSTRUMENTATION_SCOPE,
  METRIC_KIE_API_ERRORS,
  METRIC_KIE_POLLS,
  METRIC_KIE_QUEUE_WAIT,
} from '../../telemetry/attributes.ts';

/** Which KIE call: `create` (Market, Suno or Veo), `poll`, `credit` or `upload`. */
export type KieOperation = 'create' | 'poll' | 'credit' | 'upload';
/** Which KIE API: Market jobs, Suno's or Veo's own endpoints, or the upload host. */
export type KieApiName = 'market' | 'suno' | 'veo' | 'file';

/** The client's instruments, each record call guarded: telemetry never fails a generation. */
export interface KieClientMetrics {
  /** Time one attempt waited for the rate limiter (`kie.queue.wait`, seconds). */
  queueWait(operation: KieOperation, ms: number): void;
  /** One logical poll; `state` is what KIE answered, absent when the poll failed. */
  poll(model: string, state: string | undefined, outcome: 'ok' | 'error'): void;
  /** One failed HTTP exchange, retried or not. */
  apiError(operation: KieOperation, api: KieApiName, errorType: string): void;
}

const guard =
  <A extends unknown[]>(fn: (...args: A) => void) =>
  (...args: A): void => {
    try {
      fn(...args);
    } catch {
      // Telemetry never fails a generation.
    }
  };

const NOOP: KieClientMetrics = { queueWait: () => {}, poll: () => {}, apiError: () => {} };

/** Creates the instruments on the global meter provider (a no-op when the SDK is off). */
export function createKieClientMetrics(): KieClientMetrics {
  try {
    return createInstruments();
  } catch {
    return NOOP;
  }
}

function createInstruments(): KieClientMetrics {
  const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
  const queueWait = meter.createHistogram(METRIC_KIE_QUEUE_WAIT, {
    unit: 's',
    description: 'Time a KIE call waited for the client-side rate limiter',
    advice: { explicitBucketBoundaries: [0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60] },
  });
  const polls = meter.createCounter(METRIC_KIE_POLLS, {
    unit: '{poll}',
    description: 'KIE task status polls (recordInfo, Suno and Veo record-info)',
  });
  const apiErrors = meter.createCounter(METRIC_KIE_API_ERRORS, {
    unit: '{error}',
    description: 'Failed KIE HTTP exchanges by error.type (kie.<body code>, kie.timeout…), retries included',
  });
  return {
    queueWait: guard((operation, ms) => queueWait.record(ms / 1000, { [ATTR_KIE_OPERATION]: operation })),
    poll: guard((model, state, outcome) => {
      const attributes: Attributes = { [ATTR_KIE_MODEL]: model, [ATTR_OUTCOME]: outcome };
      if (state !== undefined) attributes[ATTR_KIE_TASK_STATE] = state;
      polls.add(1, attributes);
    }),
    apiError: guard((operation, api, errorType) =>
      apiErrors.add(1, {
        [ATTR_KIE_OPERATION]: operation,
        [ATTR_KIE_API]: api,
        [ATTR_ERROR_TYPE]: errorType,
      }),
    ),
  };
}
