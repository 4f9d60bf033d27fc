import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { dropUnobservedGauges } from '../../src/telemetry/observed-gauges.ts';

/** A gauge observed, then not, then again; and a counter; through `wrap(exporter)`. */
async function exports(wrap: (e: PushMetricExporter) => PushMetricExporter) {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: wrap(exporter),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  let observed: number | undefined;
  meter.createObservableGauge('g').addCallback((r) => {
    if (observed !== undefined) r.observe(observed);
  });
  const counter = meter.createCounter('c');
  const out: Array<{ gauge: unknown[]; counter: unknown[] }> = [];
  for (const value of [5, undefined, 7]) {
    observed = value;
    counter.add(1);
    exporter.reset();
    await reader.forceFlush();
    const metrics = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const points = (name: string) =>
      metrics.find((m) => m.descriptor.name === name)?.dataPoints.map((p) => p.value) ?? [];
    out.push({ gauge: points('g'), counter: points('c') });
  }
  await provider.shutdown();
  return out;
}

it('an observable gauge goes absent when its callback stops observing; counters stay cumulative', async () => {
  // The SDK alone keeps exporting the last value of a cumulative gauge (why the wrapper exists).
  assert.deepEqual(
    (await exports((e) => e)).map((x) => x.gauge),
    [[5], [5], [7]],
  );
  const wrapped = await exports(dropUnobservedGauges);
  assert.deepEqual(
    wrapped.map((x) => x.gauge),
    [[5], [], [7]],
  );
  assert.deepEqual(
    wrapped.map((x) => x.counter),
    [[1], [2], [3]],
  );
});
