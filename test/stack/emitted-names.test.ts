import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake } from '@tg-genbot/fakes/kie';
import { createLlmFake } from '@tg-genbot/fakes/llm';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startTestBot } from '../support/bot-process.ts';
import { FAST, KIE_TEST_KEY, openConfirmation } from '../support/generation-e2e.ts';
import { fastExportEnv, type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { type InstrumentKind, type InstrumentSpec, prometheusName, storedNames } from './known-names.ts';
import { assertQueriedNamesEmitted, emptyNames, queriedNames, type TelemetryNames } from './queried-names.ts';

/**
 * The names dashboards and alerts query, checked against what a real bot process exports over
 * OTLP, so dashboards cannot drift from the code. Names of a feature not built yet can be listed
 * in PENDING rather than fail; none are today (generations and protocols both run below).
 */
const PENDING: readonly RegExp[] = [];
/** A distinctive LLM key, so the secret scan below can look for it. */
/** A tiny JPEG the user sends for the edit model. */
const PHOTO = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);
const LLM_TEST_KEY = 'sk-or-v1-stack-names-9a8b7c6d5e';

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
  const kie = createKieFake({ apiKey: KIE_TEST_KEY, rateLimits: false });
  const llm = createLlmFake({ apiKey: LLM_TEST_KEY, latencyMs: 20 });
  let receiver: OtlpReceiver;
  let emitted: TelemetryNames = emptyNames();
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
    // A generation delivered, one failed and refunded, one KIE 402 (the operator alert's error.type).
    kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'a dashboard fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 15_000 });
    // An edit with the user's photo: the bot downloads it by a URL that holds the bot token (the scan below).
    kie.script('google/nano-banana-edit', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    const photos = () => user.messages().filter((m) => m.media?.kind === 'photo').length;
    const photosBefore = photos();
    await openConfirmation(user, /Images/, /Nano Banana Edit/, 'make it night', PHOTO);
    await user.pressButton({ text: /Confirm/ });
    for (const deadline = Date.now() + 15_000; photos() === photosBefore; ) {
      assert.ok(Date.now() < deadline, 'the edited photo was delivered');
      await new Promise((r) => setTimeout(r, 50));
    }
    kie.script('google/nano-banana', { outcome: 'fail', stateDurationsMs: FAST, times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'a failing fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => /❌/.test(m.text ?? ''), { timeoutMs: 15_000 });
    kie.failNext('createTask', 402, { times: 1 });
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'an unpaid fox');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => /out of credits on our side/.test(m.text ?? ''), { timeoutMs: 15_000 });
    // A protocol delivered, then one stopped by an LLM 402 (gen_ai.* with error.type, protocol.*, job_id).
    const paragraph = (n: number) =>
      `Topic ${n} opened the meeting. The team decided to adopt option ${n}. Ann will prepare the budget for topic ${n}. Who signs off on topic ${n}?`;
    const minutes = [1, 2, 3, 4].map(paragraph).join('\n\n');
    const quoted = () => user.waitForMessage((m) => /→ \d+ parts/.test(m.text ?? ''));
    await user.sendText(minutes);
    await user.pressButton({ messageId: (await quoted()).messageId, text: /Confirm/ });
    await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), { timeoutMs: 15_000 });
    llm.inject({ kind: 'status', status: 402 });
    await user.sendText(minutes);
    await user.pressButton({ messageId: (await quoted()).messageId, text: /Confirm/ });
    await user.waitForMessage(
      (m) => /out of credits on our side[\s\S]*returned to your balance/.test(m.text ?? ''),
      {
        timeoutMs: 15_000,
      },
    );
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
