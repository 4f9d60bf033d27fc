import assert from 'node:assert/strict';
import { it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  createGenerationMetrics,
  type FinishedRow,
  generationFault,
} from '../../../src/services/generations/generation-metrics.ts';

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const row = (over: Partial<FinishedRow> = {}): FinishedRow => ({
  model_id: 'nano-banana',
  price: 12,
  charge_entry_id: 7,
  kie_task_id: 'task-1',
  ...over,
});

it('names who ended a generation for the SLO: KIE for a task it failed, the bot for the rest', () => {
  assert.equal(generationFault('delivered', row()), 'none');
  assert.equal(generationFault('cancelled', row({ kie_task_id: null })), 'none');
  assert.equal(
    generationFault('failed', row()),
    'kie',
    'KIE accepted the task and failed it: refunded, not ours',
  );
  assert.equal(
    generationFault('failed', row({ kie_task_id: null })),
    'bot',
    'KIE refused the create (402, 422…)',
  );
  assert.equal(generationFault('timed_out', row()), 'bot');
  assert.equal(generationFault('refunded', row()), 'bot', 'we could not deliver');
});

it('counts charged credits by model and outcome (revenue = ok), nothing for dry runs, fault on kie.tasks', async () => {
  const m = createGenerationMetrics(async () => 0);
  m.finished('google/nano-banana', 'delivered', 1000, row());
  m.finished('google/nano-banana', 'delivered', 1000, row({ price: 8 }));
  m.finished('google/nano-banana', 'failed', 1000, row());
  m.finished('google/nano-banana', 'delivered', 1000, row({ charge_entry_id: null })); // dry run
  m.finished('google/nano-banana', 'delivered', 1000); // a caller without the row: no fault, no credits
  await reader.forceFlush();
  const all = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
  const credits = all.find((x) => x.descriptor.name === 'bot.generation.credits');
  assert.equal(credits?.descriptor.unit, '{credit}');
  const byOutcome = Object.fromEntries(credits?.dataPoints.map((p) => [p.attributes.outcome, p.value]) ?? []);
  assert.deepEqual(byOutcome, { ok: 20, error: 12 });
  for (const p of credits?.dataPoints ?? []) {
    assert.equal(p.attributes['kie.model'], 'google/nano-banana');
    assert.equal(p.attributes['bot.model.id'], 'nano-banana');
  }
  const tasks = all.find((x) => x.descriptor.name === 'kie.tasks');
  const faults = tasks?.dataPoints.map(
    (p) => `${p.attributes.outcome}/${p.attributes['bot.generation.fault']}:${p.value}`,
  );
  assert.deepEqual(faults?.sort(), ['error/kie:1', 'ok/none:3', 'ok/undefined:1']);
});
