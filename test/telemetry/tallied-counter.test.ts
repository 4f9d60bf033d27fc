import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { talliedCounter } from '../../src/telemetry/tallied-counter.ts';

function setup() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async (name: string) => {
    exporter.reset();
    await reader.forceFlush();
    return exporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .find((m) => m.descriptor.name === name);
  };
  return { meter: provider.getMeter('test'), provider, collect };
}

it('exports per-key totals as a cumulative monotonic sum, building each attribute set once', async () => {
  const { meter, provider, collect } = setup();
  const counter = talliedCounter(meter, 'bot.updates', { unit: '{update}' });
  let built = 0;
  const attrs = (outcome: string) => () => {
    built++;
    return { outcome };
  };
  counter.add(1, 'ok', attrs('ok'));
  counter.add(1, 'ok', attrs('ok'));
  counter.add(2, 'error', attrs('error'));
  let metric = await collect('bot.updates');
  assert.equal(metric?.dataPointType, DataPointType.SUM);
  assert.equal(metric?.descriptor.unit, '{update}');
  assert.equal((metric as { isMonotonic?: boolean }).isMonotonic, true);
  const values = () =>
    Object.fromEntries((metric?.dataPoints ?? []).map((p) => [p.attributes.outcome, p.value]));
  assert.deepEqual(values(), { ok: 2, error: 2 });
  assert.equal(built, 2, 'the attribute factory runs once per key');

  counter.add(1, 'ok', attrs('ok'));
  metric = await collect('bot.updates');
  assert.deepEqual(values(), { ok: 3, error: 2 }, 'cumulative across exports');
  await provider.shutdown();
});

it('gives a second caller with the same meter and name the same totals (two apps in one process)', async () => {
  const { meter, provider, collect } = setup();
  const a = talliedCounter(meter, 'telegram.api.calls', {});
  const b = talliedCounter(meter, 'telegram.api.calls', {});
  a.add(1, 'sendMessage ok', () => ({ method: 'sendMessage' }));
  b.add(1, 'sendMessage ok', () => ({ method: 'sendMessage' }));
  const metric = await collect('telegram.api.calls');
  assert.deepEqual(
    metric?.dataPoints.map((p) => [p.attributes, p.value]),
    [[{ method: 'sendMessage' }, 2]],
  );
  await provider.shutdown();
});

it('folds keys beyond the cardinality limit into one overflow series, losing no count', async () => {
  const { meter, provider, collect } = setup();
  const counter = talliedCounter(meter, 'c', {});
  for (let i = 0; i < 2_010; i++) counter.add(1, `k${i}`, () => ({ k: i }));
  const points = (await collect('c'))?.dataPoints ?? [];
  assert.equal(points.length, 2_000, "the SDK's default cardinality limit");
  const overflow = points.find((p) => p.attributes['otel.metric.overflow'] === true);
  assert.equal(overflow?.value, 11);
  assert.equal(
    points.reduce((sum, p) => sum + (p.value as number), 0),
    2_010,
  );
  await provider.shutdown();
});
