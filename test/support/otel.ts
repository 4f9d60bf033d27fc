import { register } from 'node:module';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { startTelemetry } from '../../src/telemetry/sdk.ts';

/** In-memory exporters behind the app's real SDK setup (redaction and instrumentations included). */
export interface TestTelemetry {
  readonly spans: InMemorySpanExporter;
  readonly logs: InMemoryLogRecordExporter;
  /** Collects and returns every metric recorded so far (cumulative). */
  collectMetrics(): Promise<MetricData[]>;
  /** Waits for spans already ended to reach `spans` (the first export waits for the resource). */
  flushSpans(): Promise<void>;
  reset(): void;
}

let current: TestTelemetry | undefined;

/**
 * Starts telemetry like src/instrumentation.ts does, but exporting to memory through simple
 * processors. Call it before importing any app module (use dynamic `import()` in the test file),
 * so pg, http and winston are instrumented.
 */
export async function setupTestTelemetry(): Promise<TestTelemetry> {
  if (current) return current;
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const spanProcessor = new SimpleSpanProcessor({ exporter: spans });
  startTelemetry({
    env: { ...process.env, OTEL_SDK_DISABLED: 'false' },
    spanProcessors: [spanProcessor],
    logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
    metricReaders: [reader],
  });
  await waitForAllMessagesAcknowledged();
  current = {
    spans,
    logs,
    async collectMetrics() {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    },
    flushSpans: () => spanProcessor.forceFlush(),
    reset() {
      spans.reset();
      logs.reset();
    },
  };
  return current;
}
