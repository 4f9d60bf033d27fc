import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createKieFake } from '@tg-genbot/fakes/kie';
import { createKieClient, type KieClient } from '../../../src/clients/kie/index.ts';
import {
  createKieBalanceMetrics,
  type KieBalanceMetrics,
} from '../../../src/services/kie-balance/kie-balance-metrics.ts';
import {
  createKieBalancePoller,
  type KieBalancePoller,
} from '../../../src/services/kie-balance/kie-balance-poller.ts';
import { dropUnobservedGauges } from '../../../src/telemetry/observed-gauges.ts';
import { recordExport } from '../../stack/metric-samples.ts';
import { SampleStore } from '../../stack/promql-eval.ts';
import { evaluateRule } from '../../stack/rule-eval.ts';
import { type AlertRule, loadAlertGroups } from '../../stack/stack-files.ts';
import { assertSpan, findSpan } from '../../support/assert-span.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';

const KEY = 'kie-balance-test-key';
const ALERT_BELOW = 1000;
const RESOURCE = { service_name: 'tg-genbot', service_instance_id: 'bot-1' };

// The app's exporter setup: a cumulative exporter behind dropUnobservedGauges (telemetry/sdk.ts).
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: dropUnobservedGauges(exporter),
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
metrics.setGlobalMeterProvider(meterProvider);
trace.setGlobalTracerProvider(tracerProvider);

const rules = new Map(
  loadAlertGroups()
    .flatMap((g) => g.rules)
    .map((r) => [r.uid, r]),
);
const low = rules.get('tg-genbot-kie-balance-low') as AlertRule;
const unknown = rules.get('tg-genbot-kie-balance-unknown') as AlertRule;

describe('KIE balance check', () => {
  const fake = createKieFake({ apiKey: KEY, rateLimits: false, credits: 5000 });
  const logs = createCaptureLogger('info');
  let kie: KieClient;
  let balance: KieBalanceMetrics;
  let poller: KieBalancePoller;
  const store = new SampleStore();
  /** The simulated clock of the recorded samples (the bot exports every 15 s). */
  let now = 0;

  /** One metrics export recorded at the simulated `now`; returns the exported names. */
  const exportAt = async (): Promise<string[]> => {
    exporter.reset();
    await reader.forceFlush();
    const exported = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    recordExport(store, exported, now, RESOURCE);
    return exported.filter((m) => m.dataPoints.length > 0).map((m) => m.descriptor.name);
  };
  /** Exports every 15 s for `minutes` of simulated time. */
  const run = async (minutes: number) => {
    for (let i = 0; i < minutes * 4; i++) {
      now += 15_000;
      await exportAt();
    }
  };

  before(async () => {
    await fake.start();
    kie = createKieClient({
      baseUrl: fake.baseUrl,
      apiKey: KEY,
      timeoutMs: 2000,
      createPer10s: 20,
      pollsPerSecond: 10,
      retry: { maxAttempts: 1 },
    });
    balance = createKieBalanceMetrics(ALERT_BELOW);
    poller = createKieBalancePoller({ kie, intervalMs: 3_600_000, metrics: balance, logger: logs.logger });
  });
  after(async () => {
    await poller.stop(1000);
    await kie.close();
    await fake.stop();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });
  beforeEach(() => spans.reset());

  it('reads GET /api/v1/chat/credit into the kie.account.credits gauge, with its threshold', async () => {
    assert.equal(await poller.check(), 5000);
    const names = await exportAt();
    for (const name of ['kie.account.credits', 'kie.account.credits.alert_below', 'kie.balance.checks'])
      assert.ok(names.includes(name), `${name} exported`);
    const gauge = exporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .find((m) => m.descriptor.name === 'kie.account.credits');
    assert.equal(gauge?.descriptor.unit, '{credit}');
    assert.deepEqual(
      gauge?.dataPoints.map((p) => p.value),
      [5000],
    );
    assert.ok(fake.requests().some((r) => r.path === '/api/v1/chat/credit' && r.status === 200));
    assertSpan(findSpan(spans.getFinishedSpans(), 'kie.balance.check'), {
      parent: null,
      status: SpanStatusCode.UNSET,
      attributes: { 'kie.account.credits': 5000 },
    });
  });

  it('fires "KIE balance low" once the balance drops under KIE_BALANCE_ALERT_BELOW, not before', async () => {
    await run(10);
    assert.equal(evaluateRule(low, now, store).firing.length, 0, '5000 credits');
    fake.setCredits(800);
    assert.equal(await poller.check(), 800);
    await run(2);
    const firing = evaluateRule(low, now, store).firing;
    assert.deepEqual(
      firing.map((f) => f.labels),
      [{ service_name: 'tg-genbot' }],
    );
    const values = evaluateRule(low, now, store).results;
    assert.deepEqual([values.get('A')?.[0]?.value, values.get('B')?.[0]?.value], [800, ALERT_BELOW]);
  });

  it('drops the gauge (absent, not zero) while the endpoint fails, and says so once', async () => {
    fake.failNext('credit', 500, { times: 1 });
    assert.equal(await poller.check(), undefined);
    fake.faultNext('credit', { kind: 'bad-data', data: null });
    assert.equal(await poller.check(), undefined, 'a 200 without a number is a failed check too');
    const names = await exportAt();
    assert.ok(!names.includes('kie.account.credits'), 'no stale or zero balance is exported');
    assert.ok(names.includes('kie.balance.checks'));
    assert.equal(balance.credits, undefined);
    const failedSpan = spans.getFinishedSpans().filter((s) => s.name === 'kie.balance.check');
    assert.equal(failedSpan.length, 2);
    assertSpan(failedSpan[0], {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'kie.500' },
      absent: ['kie.account.credits'],
    });
    assertSpan(failedSpan[1], {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'kie.bad_response' },
    });
    const warnings = logs.lines().filter((l) => /KIE balance check failed/.test(String(l.message)));
    assert.equal(warnings.length, 1, 'one warning while failing, not one per check');
    assert.equal(warnings[0]?.error_code, 'kie.500');
    assert.ok(!logs.raw().includes(KEY), 'the key stays out of the logs');

    // Past Prometheus's 5-minute lookback the last balance is gone: "low" cannot fire on a guess,
    // and "unknown" makes the failure itself visible.
    await run(6);
    assert.equal(evaluateRule(low, now, store).noData, true);
    assert.deepEqual(
      evaluateRule(unknown, now, store).firing.map((f) => f.labels),
      [{ service_name: 'tg-genbot' }],
    );
  });

  it('recovers: the next good check brings the gauge back and clears "unknown"', async () => {
    fake.setCredits(4000);
    assert.equal(await poller.check(), 4000);
    await run(1);
    assert.equal(evaluateRule(unknown, now, store).firing.length, 0);
    assert.equal(evaluateRule(low, now, store).firing.length, 0);
    assert.ok(
      logs.lines().some((l) => l.message === 'KIE balance check works again' && l.kie_credits === 4000),
    );
  });

  it('checks as soon as it starts (the app starts it with the other periodic work), and stops', async () => {
    const answered = new Promise<void>((resolve) => {
      const listener = (e: { path: string }) => {
        if (e.path !== '/api/v1/chat/credit') return;
        fake.off('request', listener);
        resolve();
      };
      fake.on('request', listener);
    });
    fake.setCredits(3000);
    // The interval is long: only the first, immediate check can happen during this test.
    const started = createKieBalancePoller({
      kie,
      intervalMs: 3_600_000,
      metrics: balance,
      logger: logs.logger,
    });
    started.start();
    await answered;
    await started.stop(1000);
    assert.equal(balance.credits, 3000);
  });
});
