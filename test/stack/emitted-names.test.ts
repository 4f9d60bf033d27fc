import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake } from '../../src/fakes/telegram/index.ts';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startTestBot } from '../support/bot-process.ts';
import { fastExportEnv, type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { type InstrumentKind, type InstrumentSpec, prometheusName, storedNames } from './known-names.ts';
import { assertQueriedNamesEmitted, emptyNames, queriedNames, type TelemetryNames } from './queried-names.ts';

/**
 * The names dashboards and alerts query, checked against what a real bot process exports over
 * OTLP, so dashboards cannot drift from the code. Features that do not exist yet (generations,
 * protocols: `kie.*`, `protocol.*`, `gen_ai.*`) are listed as pending rather than failing; once
 * their code emits the names, remove them from PENDING.
 */
const PENDING = /^(span\.|resource\.)?(kie|protocol|gen_ai)[._]|^(model_id|task_id|generation_id|job_id)$/;

type Kv = { key: string; value: unknown };
type OtlpMetric = {
  name: string;
  unit?: string;
  sum?: { isMonotonic?: boolean; dataPoints: Array<{ attributes?: Kv[] }> };
  gauge?: { dataPoints: Array<{ attributes?: Kv[] }> };
  histogram?: { dataPoints: Array<{ attributes?: Kv[] }> };
};

function instrumentsOf(receiver: OtlpReceiver): InstrumentSpec[] {
  const byName = new Map<string, InstrumentSpec>();
  for (const body of receiver.json('metrics')) {
    for (const rm of body.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics as OtlpMetric[]) {
          const kind: InstrumentKind = m.histogram
            ? 'histogram'
            : m.gauge
              ? 'gauge'
              : m.sum?.isMonotonic
                ? 'counter'
                : 'updowncounter';
          const points = (m.histogram ?? m.gauge ?? m.sum)?.dataPoints ?? [];
          const attributes = new Set(byName.get(m.name)?.attributes ?? []);
          for (const p of points) for (const a of p.attributes ?? []) attributes.add(a.key);
          byName.set(m.name, { name: m.name, kind, unit: m.unit ?? '', attributes: [...attributes] });
        }
      }
    }
  }
  return [...byName.values()];
}

function keysOf(receiver: OtlpReceiver, signal: 'traces' | 'logs') {
  const attributes = new Set<string>();
  const resource = new Set<string>();
  for (const body of receiver.json(signal)) {
    for (const r of signal === 'traces' ? (body.resourceSpans ?? []) : (body.resourceLogs ?? [])) {
      for (const a of r.resource?.attributes ?? []) resource.add(a.key);
      for (const scope of signal === 'traces' ? r.scopeSpans : r.scopeLogs) {
        for (const item of signal === 'traces' ? scope.spans : scope.logRecords) {
          for (const a of item.attributes ?? []) attributes.add(a.key);
        }
      }
    }
  }
  return { attributes: [...attributes], resource: [...resource] };
}

describe('dashboards and alerts query only names a running bot exports', () => {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
  let receiver: OtlpReceiver;
  let emitted: TelemetryNames = emptyNames();
  let dispose: () => Promise<void> = async () => {};

  before(async () => {
    await fake.start();
    receiver = await startOtlpReceiver();
    const bot = await startTestBot(fake.apiRoot, fastExportEnv(receiver));
    dispose = bot.dispose;
    await bot.waitFor(/Bot started/);
    // Drive every path the dashboards watch today: updates, a 429, an error, a Stars top-up.
    const user = fake.user({ id: 7001, firstName: 'Dash' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1, times: 1 });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /balance/i.test(m.text ?? ''), { timeoutMs: 8000 });
    await user.pressButton({ messageId: balance.messageId, data: 'topup:small' });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    await user.pay(invoice.messageId);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    const gone = fake.user({ id: 7002, firstName: 'Gone' });
    fake.faults.inject({ method: 'sendMessage', chatId: 7002, kind: 'blocked', times: 1 });
    await gone.sendCommand('/start');
    await bot.waitFor(/Update failed: telegram.blocked/);
    assert.equal(await bot.stop('SIGTERM'), 0);

    const spans = keysOf(receiver, 'traces');
    const logs = keysOf(receiver, 'logs');
    emitted = storedNames({
      instruments: instrumentsOf(receiver),
      spanAttributes: spans.attributes,
      resourceAttributes: spans.resource,
      logFields: logs.attributes.map(prometheusName),
    });
  });
  after(async () => {
    await dispose();
    await fake.stop();
    await receiver.close();
  });

  it('exports every metric, label, span attribute and log field the dashboards query (pending features aside)', () => {
    const queried = queriedNames();
    const now: TelemetryNames = emptyNames();
    for (const key of ['metrics', 'labels', 'spanAttributes', 'logFields'] as const) {
      for (const name of queried[key]) {
        if (!PENDING.test(name)) now[key].add(name);
      }
    }
    assert.ok(now.metrics.size >= 5 && now.labels.size >= 5, 'the dashboards query core names');
    assertQueriedNamesEmitted(now, emitted);
  });

  it('saw the core instruments, so the comparison above is not vacuous', () => {
    for (const name of [
      'bot_updates_total',
      'bot_update_duration_seconds_bucket',
      'telegram_api_calls_total',
      'bot_errors_total',
      'billing_credits_total',
    ]) {
      assert.ok(emitted.metrics.has(name), `${name} exported`);
    }
    assert.ok(emitted.spanAttributes.has('span.bot.error.ref'));
    assert.ok(emitted.logFields.has('error_ref'));
  });
});
