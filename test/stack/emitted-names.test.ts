import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake } from '@tg-genbot/fakes/kie';
import { createLlmFake } from '@tg-genbot/fakes/llm';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { loadSloSpec } from '../../slo/generate.ts';
import {
  ATTR_BOT_ADMIN_ID,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_OUTCOME,
  ATTR_TELEGRAM_CHAT_ID,
  LOG_ADMIN_ID,
  LOG_CHAT_ID,
  LOG_USER_ID,
  METRIC_BOT_UPDATE_DURATION,
} from '../../src/telemetry/attributes.ts';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startTestBot } from '../support/bot-process.ts';
import { FAST, KIE_TEST_KEY, openConfirmation } from '../support/generation-e2e.ts';
import { fastExportEnv, type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import {
  type AppTelemetry,
  type InstrumentKind,
  type InstrumentSpec,
  prometheusName,
  storedLabels,
  storedNames,
} from './known-names.ts';
import { evaluateInstant, SampleStore } from './promql-eval.ts';
import {
  assertQueriedLabelsEmitted,
  assertQueriedNamesEmitted,
  emptyNames,
  queriedNames,
  type TelemetryNames,
} from './queried-names.ts';
import { SAMPLE_SERVICE } from './stack-queries.ts';

/**
 * The names dashboards and alerts query, checked against what a real bot process exports over
 * OTLP, so dashboards cannot drift from the code. Names of a feature not built yet can be listed
 * in PENDING rather than fail; none are today (generations and protocols both run below).
 */
const PENDING: readonly RegExp[] = [];
/** A tiny JPEG the user sends for the edit model. */
const PHOTO = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);
/** A distinctive LLM key, so the secret scan below can look for it. */
const LLM_TEST_KEY = 'sk-or-v1-stack-names-9a8b7c6d5e';
/** Distinctive user ids, so the scan for ids on metrics cannot match a count or a port by chance. */
const USER_ID = 740_019_283;
const BLOCKED_USER_ID = 740_019_284;
/** Attribute keys that hold a user's (or, in a private chat, the same) id: never on a metric. */
const USER_ID_KEYS = [
  ATTR_ENDUSER_ID,
  ATTR_TELEGRAM_CHAT_ID,
  ATTR_BOT_ADMIN_ID,
  'telegram.user.id',
  LOG_USER_ID,
  LOG_CHAT_ID,
  LOG_ADMIN_ID,
];
/**
 * How long one step of the scenario may take. A wait, not an assertion: each step ends on the
 * event it waits for, and the bound only keeps a broken run from hanging (a shared, loaded machine
 * took 40 s to start the bot once); the runner's --test-timeout bounds the whole scenario.
 */
const STEP = { timeoutMs: 90_000 };

type Kv = { key: string; value: unknown };
type OtlpMetric = {
  name: string;
  unit?: string;
  sum?: { isMonotonic?: boolean; dataPoints: Array<{ attributes?: Kv[] }> };
  gauge?: { dataPoints: Array<{ attributes?: Kv[] }> };
  histogram?: { dataPoints: Array<{ attributes?: Kv[] }> };
};

/** One exported data point: its metric and its attributes (scalar values as strings). */
interface MetricPoint {
  readonly metric: string;
  readonly attributes: Readonly<Record<string, string>>;
}

function metricPointsOf(receiver: OtlpReceiver): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const body of receiver.json('metrics')) {
    for (const rm of body.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics as OtlpMetric[]) {
          for (const p of (m.histogram ?? m.gauge ?? m.sum)?.dataPoints ?? []) {
            const attributes: Record<string, string> = {};
            for (const a of p.attributes ?? []) {
              // AnyValue: { stringValue } | { intValue } | { boolValue } | { doubleValue } | …
              const value = Object.values((a.value ?? {}) as Record<string, unknown>)[0];
              attributes[a.key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
            }
            points.push({ metric: m.name, attributes });
          }
        }
      }
    }
  }
  return points;
}

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
  const kie = createKieFake({ apiKey: KIE_TEST_KEY, rateLimits: false });
  const llm = createLlmFake({ apiKey: LLM_TEST_KEY, latencyMs: 20 });
  let receiver: OtlpReceiver;
  let emitted: TelemetryNames = emptyNames();
  let emittedLabels = new Map<string, ReadonlySet<string>>();
  let points: MetricPoint[] = [];
  let dispose: () => Promise<void> = async () => {};

  before(async () => {
    await fake.start();
    await kie.start();
    await llm.start();
    receiver = await startOtlpReceiver();
    const bot = await startTestBot(fake.apiRoot, {
      ...fastExportEnv(receiver),
      KIE_API_KEY: KIE_TEST_KEY,
      KIE_BASE_URL: kie.baseUrl,
      KIE_UPLOAD_BASE_URL: kie.baseUrl,
      GENERATION_POLL_MS: '50',
      GENERATION_STATUS_INTERVAL_MS: '0',
      LLM_API_KEY: LLM_TEST_KEY,
      LLM_BASE_URL: llm.baseUrl,
      PROTOCOL_SEGMENT_CHARS: '300',
      PROTOCOL_MIN_CHARS: '500',
      // The KIE balance gauge is exported from the first (immediate) check on.
      KIE_BALANCE_CHECK_MS: '60000',
    });
    dispose = bot.dispose;
    await bot.waitFor(/Bot started/, STEP.timeoutMs);
    // Drive every path the dashboards watch today: updates, a 429, an error, a Stars top-up.
    const user = fake.user({ id: USER_ID, firstName: 'Dash' });
    await user.sendCommand('/start');
    await user.waitForMessage(undefined, STEP);
    fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1, times: 1 });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /balance/i.test(m.text ?? ''), STEP);
    await user.pressButton({ messageId: balance.messageId, data: 'topup:small' });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined, STEP);
    await user.pay(invoice.messageId);
    await user.waitForMessage((m) => /credits added/.test(m.text ?? ''), STEP);
    // A generation delivered, one failed and refunded, one KIE 402 (the operator alert's error.type).
    kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'a dashboard fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', STEP);
    // An edit with the user's photo: the bot downloads it by a URL that holds the bot token (the scan below).
    kie.script('google/nano-banana-edit', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    const editing = await openConfirmation(user, /Images/, /Nano Banana Edit/, 'make it night', PHOTO);
    await user.pressButton({ text: /Confirm/ });
    // The delivered photo, a message after this confirmation (the first generation's photo is older).
    await user.waitForMessage((m) => m.media?.kind === 'photo', {
      ...STEP,
      afterMessageId: editing.messageId,
    });
    kie.script('google/nano-banana', { outcome: 'fail', stateDurationsMs: FAST, times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'a failing fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => /❌/.test(m.text ?? ''), STEP);
    kie.failNext('createTask', 402, { times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'an unpaid fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => /out of credits on our side/.test(m.text ?? ''), STEP);
    // A protocol delivered, then one stopped by an LLM 402 (gen_ai.* with error.type, protocol.*, job_id).
    const paragraph = (n: number) =>
      `Topic ${n} opened the meeting. The team decided to adopt option ${n}. Ann will prepare the budget for topic ${n}. Who signs off on topic ${n}?`;
    const minutes = [1, 2, 3, 4].map(paragraph).join('\n\n');
    const quoted = () => user.waitForMessage((m) => /→ \d+ parts/.test(m.text ?? ''), STEP);
    await user.sendText(minutes);
    await user.pressButton({ messageId: (await quoted()).messageId, text: /Confirm/ });
    await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), STEP);
    llm.inject({ kind: 'status', status: 402 });
    await user.sendText(minutes);
    await user.pressButton({ messageId: (await quoted()).messageId, text: /Confirm/ });
    await user.waitForMessage(
      (m) => /out of credits on our side[\s\S]*returned to your balance/.test(m.text ?? ''),
      STEP,
    );
    // An update that fails for good (Telegram refuses the reply with a 400, not retried), which the
    // updates SLO must count bad. The fake has no 4xx kind: a 5xx fault given status 400 answers so.
    fake.faults.inject({
      method: 'sendMessage',
      chatId: USER_ID,
      kind: '5xx',
      status: 400,
      description: 'Bad Request: chat not found',
      times: 1,
    });
    await user.sendCommand('/balance');
    await bot.waitFor(/Update failed: telegram\.400/, STEP.timeoutMs);
    const gone = fake.user({ id: BLOCKED_USER_ID, firstName: 'Gone' });
    fake.faults.inject({ method: 'sendMessage', chatId: BLOCKED_USER_ID, kind: 'blocked', times: 1 });
    await gone.sendCommand('/start');
    await bot.waitFor(/Update failed: telegram.blocked/, STEP.timeoutMs);
    assert.equal(await bot.stop('SIGTERM'), 0);

    const spans = keysOf(receiver, 'traces');
    const logs = keysOf(receiver, 'logs');
    const app: AppTelemetry = {
      instruments: instrumentsOf(receiver),
      spanAttributes: spans.attributes,
      resourceAttributes: spans.resource,
      logFields: logs.attributes.map(prometheusName),
    };
    emitted = storedNames(app);
    emittedLabels = storedLabels(app);
    points = metricPointsOf(receiver);
  });
  after(async () => {
    await dispose();
    await fake.stop();
    await kie.stop();
    await llm.stop();
    await receiver.close();
  });

  it('exports every metric, label, span attribute and log field the dashboards query (pending features aside)', () => {
    const queried = queriedNames();
    const now: TelemetryNames = emptyNames();
    for (const key of ['metrics', 'labels', 'spanAttributes', 'logFields'] as const) {
      for (const name of queried[key]) {
        if (!PENDING.some((re) => re.test(name))) now[key].add(name);
      }
    }
    assert.ok(now.metrics.size >= 5 && now.labels.size >= 5, 'the dashboards query core names');
    assertQueriedNamesEmitted(now, emitted);
  });

  it('exports every label a query reads on the very series it reads it from, not just on some series', () => {
    assert.ok(emittedLabels.get('bot_errors_total')?.has('error_type'), 'bot_errors_total has error_type');
    assertQueriedLabelsEmitted(emittedLabels);
  });

  it("marks a failed update's duration point with error.type, so the updates SLO counts it bad", () => {
    const durations = points.filter((p) => p.metric === METRIC_BOT_UPDATE_DURATION);
    const seen = [...new Set(durations.map((p) => JSON.stringify(p.attributes)))];
    const failed = durations.filter((p) => p.attributes[ATTR_OUTCOME] === 'error');
    const succeeded = durations.filter((p) => p.attributes[ATTR_OUTCOME] === 'ok');
    assert.ok(failed.length > 0 && succeeded.length > 0, `failed and successful updates timed: ${seen}`);
    for (const p of failed) assert.ok(p.attributes[ATTR_ERROR_TYPE], `error.type on ${JSON.stringify(p)}`);
    for (const p of succeeded) assert.equal(p.attributes[ATTR_ERROR_TYPE], undefined, JSON.stringify(p));
    // The SLO's own "good" selector, evaluated on these points stored as Prometheus stores them
    // (each as its le="2" bucket, the one the SLO reads), picks exactly the ones it should.
    const good = loadSloSpec().slos.find((slo) => slo.name === 'updates')?.good;
    assert.ok(good, 'the updates SLO counts good events');
    const store = new SampleStore();
    const series = (p: MetricPoint) => ({
      __name__: 'bot_update_duration_seconds_bucket',
      le: '2',
      service_name: SAMPLE_SERVICE,
      ...Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [prometheusName(k), v])),
    });
    for (const p of durations) store.add(series(p), 0, 1);
    const counted = evaluateInstant(good, 0, store);
    assert.ok(Array.isArray(counted));
    const isGood = (p: MetricPoint) => {
      const want = series(p);
      return counted.some((e) =>
        Object.entries(want).every(([k, v]) => k === '__name__' || e.labels[k] === v),
      );
    };
    for (const p of succeeded) assert.ok(isGood(p), `good: ${JSON.stringify(p)}`);
    const blocked = failed.filter((p) => p.attributes[ATTR_ERROR_TYPE] === 'telegram.blocked');
    const ours = failed.filter((p) => p.attributes[ATTR_ERROR_TYPE] !== 'telegram.blocked');
    assert.ok(blocked.length > 0 && ours.length > 0, `a blocked and a failed update timed: ${seen}`);
    for (const p of blocked)
      assert.ok(isGood(p), `a user who blocked the bot is not our failure: ${JSON.stringify(p)}`);
    for (const p of ours) assert.ok(!isGood(p), `bad: ${JSON.stringify(p)}`);
  });

  it('puts no user id on any metric data point, under any key or as any value', () => {
    assert.ok(points.length > 100, 'the scan read real data points');
    const ids = [USER_ID, BLOCKED_USER_ID].map(String);
    const offenders = points.flatMap((p) =>
      Object.entries(p.attributes)
        .filter(([key, value]) => USER_ID_KEYS.includes(key) || ids.some((id) => value.includes(id)))
        .map(([key, value]) => `${p.metric} ${key}=${value}`),
    );
    assert.deepEqual([...new Set(offenders)], []);
    // Not vacuous: the ids are exported, on spans, under a key the scan looks for.
    assert.ok(emitted.spanAttributes.has(`span.${ATTR_ENDUSER_ID}`));
    assert.ok(receiver.raw().includes(String(USER_ID)), 'the user id is in the export');
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
    for (const name of [
      'kie_tasks_total',
      'kie_task_duration_seconds_bucket',
      'kie_polls_total',
      'kie_tasks_in_flight',
    ]) {
      assert.ok(emitted.metrics.has(name), `${name} exported`);
    }
    for (const field of ['generation_id', 'model_id', 'task_id', 'job_id'])
      assert.ok(emitted.logFields.has(field), field);
    for (const name of [
      'protocol_jobs_total',
      'protocol_segments_total',
      'gen_ai_client_token_usage_sum',
      'gen_ai_client_operation_duration_seconds_count',
      'gen_ai_client_cost_total',
    ]) {
      assert.ok(emitted.metrics.has(name), `${name} exported`);
    }
    // Cost and provider health (issue 13): balance gauge and its threshold, revenue by model, the
    // generations SLO's fault label, and the cost on LLM spans under the key LLM tools read.
    for (const name of [
      'kie_account_credits',
      'kie_account_credits_alert_below',
      'kie_balance_checks_total',
      'bot_generation_credits_total',
      'kie_credits_consumed_total',
    ]) {
      assert.ok(emitted.metrics.has(name), `${name} exported`);
    }
    for (const label of ['bot_generation_fault', 'bot_model_id']) assert.ok(emitted.labels.has(label), label);
    assert.ok(emitted.spanAttributes.has('span.gen_ai.usage.cost'));
    assert.ok(emitted.spanAttributes.has('span.llm.cost'));
    assert.ok(emitted.spanAttributes.has('span.gen_ai.operation.name'));
    assert.ok(emitted.spanAttributes.has('span.protocol.job.id'));
  });

  it('exported no secret: neither the bot token nor the KIE or LLM key, in any signal', () => {
    const raw = receiver.raw();
    assert.ok(raw.length > 10_000, 'the scan read real exports');
    assert.ok(!raw.includes(KIE_TEST_KEY), 'KIE key');
    assert.ok(!raw.includes(LLM_TEST_KEY), 'LLM key');
    assert.ok(!raw.includes(TEST_TOKEN.split(':')[1] as string), 'bot token');
  });
});
