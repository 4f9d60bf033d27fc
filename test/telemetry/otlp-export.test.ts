import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startTestBot } from '../support/bot-process.ts';
import { fastExportEnv, type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';

type KeyValue = { key: string; value: Record<string, unknown> };
const attr = (attrs: KeyValue[] | undefined, key: string) => {
  const v = attrs?.find((a) => a.key === key)?.value;
  return v && (v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue);
};

describe('the bot process exporting over OTLP/HTTP (http/json) to a local receiver', () => {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
  let receiver: OtlpReceiver;
  let exitCode: number | null = null;
  let dispose: () => Promise<void> = async () => {};

  before(async () => {
    await fake.start();
    receiver = await startOtlpReceiver();
    const bot = await startTestBot(fake.apiRoot, {
      ...fastExportEnv(receiver),
      OTEL_SERVICE_NAME: 'tg-genbot-test',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci',
    });
    dispose = bot.dispose;
    await bot.waitFor(/Bot started/);
    const user = fake.user({ id: 4001, firstName: 'Otto' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    // A user pasting the token into a chat must not get it exported either.
    await user.sendText(`my token is ${TEST_TOKEN}`);
    await user.waitForMessage();
    fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1, times: 1 });
    await user.sendCommand('/help');
    await user.waitForMessage(undefined, { timeoutMs: 8000 });
    // A user who blocked the bot: the error handler logs inside the update's trace.
    const gone = fake.user({ id: 4002, firstName: 'Gone' });
    fake.faults.inject({ method: 'sendMessage', chatId: 4002, kind: 'blocked', times: 1 });
    await gone.sendCommand('/start');
    await bot.waitFor(/Update failed: telegram.blocked/);
    exitCode = await bot.stop('SIGTERM');
  });
  after(async () => {
    await dispose();
    await fake.stop();
    await receiver.close();
  });

  it('exits cleanly on SIGTERM after flushing', () => {
    assert.equal(exitCode, 0);
  });

  it('exports the update span tree with the resource attributes', () => {
    const resourceSpans = receiver.json('traces').flatMap((b) => b.resourceSpans);
    assert.ok(resourceSpans.length > 0, 'traces arrived');
    const resource = resourceSpans[0].resource.attributes as KeyValue[];
    assert.equal(attr(resource, 'service.name'), 'tg-genbot-test');
    assert.equal(attr(resource, 'service.version'), '0.1.0');
    assert.equal(attr(resource, 'deployment.environment.name'), 'ci');
    const spans = resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss: { spans: unknown[] }) => ss.spans),
    ) as Array<{
      name: string;
      kind: number;
      spanId: string;
      traceId: string;
      parentSpanId?: string;
      attributes: KeyValue[];
      events?: Array<{ name: string }>;
    }>;
    const update = spans.find(
      (s) => s.name === 'bot.update message' && attr(s.attributes, 'bot.command') === 'start',
    );
    assert.ok(update, spans.map((s) => s.name).join(', '));
    assert.equal(update.kind, 5, 'CONSUMER');
    assert.ok(!update.parentSpanId, 'root span');
    const send = spans.find((s) => s.name === 'telegram.api sendMessage' && s.parentSpanId === update.spanId);
    assert.ok(send, 'sendMessage under the update');
    assert.equal(send.kind, 3, 'CLIENT');
    const retried = spans.find(
      (s) => s.name === 'telegram.api sendMessage' && s.events?.some((e) => e.name === 'retry'),
    );
    assert.ok(retried, 'the 429 retry is an event');
    // The Bot API span is the client span: no http span is nested under it (README, "Reading a trace").
    assert.equal(spans.filter((s) => s.parentSpanId === send.spanId).length, 0);
  });

  it('exports logs correlated with traces', () => {
    const records = receiver
      .json('logs')
      .flatMap((b) =>
        b.resourceLogs.flatMap((rl: { scopeLogs: Array<{ logRecords: unknown[] }> }) =>
          rl.scopeLogs.flatMap((sl) => sl.logRecords),
        ),
      ) as Array<{
      body?: { stringValue?: string };
      traceId?: string;
    }>;
    assert.ok(records.some((r) => r.body?.stringValue === 'Bot started'));
    const blockedRecords = records.filter((r) => r.body?.stringValue === 'Update failed: telegram.blocked');
    assert.equal(blockedRecords.length, 1, 'each log line is exported once, not twice');
    const blocked = blockedRecords[0];
    assert.ok(blocked?.traceId, 'the log inside an update carries its trace id');
    const spans = receiver
      .json('traces')
      .flatMap((b) =>
        b.resourceSpans.flatMap(
          (rs: {
            scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; attributes: KeyValue[] }> }>;
          }) => rs.scopeSpans.flatMap((ss) => ss.spans),
        ),
      );
    const update = spans.find(
      (s) => s.name === 'bot.update message' && attr(s.attributes, 'enduser.id') === '4002',
    );
    assert.equal(blocked.traceId, update?.traceId);
    assert.equal(attr(update?.attributes, 'error.type'), 'telegram.blocked');
    assert.ok(
      records.some((r) => r.body?.stringValue === 'Stopped'),
      'shutdown logs flushed',
    );
  });

  it('exports the bot metrics', () => {
    const names = new Set(
      receiver
        .json('metrics')
        .flatMap((b) =>
          b.resourceMetrics.flatMap((rm: { scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }) =>
            rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)),
          ),
        ),
    );
    for (const name of ['bot.updates', 'bot.update.duration', 'telegram.api.calls'])
      assert.ok(names.has(name), `${name} in ${[...names]}`);
    // The auto-instrumentations' per-call metrics are queried nowhere and are not recorded (pg's
    // db.client.* on PostgreSQL); the runtime's gauges, read at export time, still are.
    const instrumentationMetrics = [...names].filter((n) => /^(db\.client|http|undici)\./.test(n));
    assert.deepEqual(instrumentationMetrics, []);
    assert.ok(
      [...names].some((n) => n.startsWith('nodejs.') || n.startsWith('v8js.')),
      `runtime metrics in ${[...names]}`,
    );
  });

  it('never sends the bot token, in any signal', () => {
    const raw = receiver.raw();
    assert.ok(raw.length > 1000, 'something was received');
    assert.ok(!raw.includes(TEST_TOKEN), 'full token');
    assert.ok(!raw.includes(TEST_TOKEN.split(':')[1] as string), 'token secret part');
    assert.match(raw, /Update failed: telegram.blocked/, 'log bodies were scanned too');
  });
});

describe('standard OTEL_* variables', () => {
  it('honours OTEL_TRACES_SAMPLER=always_off: no spans leave, logs and metrics still do', async () => {
    const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
    await fake.start();
    const receiver = await startOtlpReceiver();
    const bot = await startTestBot(fake.apiRoot, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_off',
    });
    try {
      await bot.waitFor(/Bot started/);
      const user = fake.user({ id: 4101, firstName: 'Sam' });
      await user.sendCommand('/start');
      await user.waitForMessage();
      assert.equal(await bot.stop('SIGTERM'), 0);
      const spans = receiver.json('traces').flatMap((b) => b.resourceSpans ?? []);
      assert.equal(spans.length, 0);
      assert.ok(receiver.json('logs').length > 0, 'logs exported');
      assert.ok(receiver.json('metrics').length > 0, 'metrics exported');
    } finally {
      await bot.dispose();
      await fake.stop();
      await receiver.close();
    }
  });
});
