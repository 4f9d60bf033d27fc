import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { AdminAlerts } from '../../src/services/admin/admin-alerts.ts';
import type { AdminService } from '../../src/services/admin/index.ts';
import type { DraftService } from '../../src/services/drafts/draft.service.ts';
import type { PaymentProvider } from '../../src/services/payments/payment-provider.ts';
import { assertSpan, childrenOf, findSpan } from '../support/assert-span.ts';
import { setupTestTelemetry } from '../support/otel.ts';
import { unused } from '../support/unused.ts';

// Telemetry first, then the app: pg, http and winston must load after the instrumentations.
const otel = await setupTestTelemetry();
const { createBot } = await import('../../src/bot/index.ts');
const { parseConfig } = await import('../../src/config.ts');
const { createTelegramFake } = await import('@tg-genbot/fakes/telegram');
const { createUserService } = await import('../../src/services/user.service.ts');
const { createBillingService } = await import('../../src/services/billing/billing.service.ts');
const { createBotMetrics } = await import('../../src/telemetry/metrics.ts');
const { createUpdateInbox } = await import('../../src/services/updates/update-inbox.ts');
const { createCaptureLogger } = await import('../support/capture-logger.ts');
const { createTestDatabase, DATABASE_KIND } = await import('../support/test-database.ts');
const { TEST_TOKEN } = await import('../support/bot-harness.ts');
const { TEST_BOT_INFO: BOT_INFO } = await import('../support/bot-info.ts');

type Update = Parameters<ReturnType<typeof createBot>['bot']['handleUpdate']>[0];

let nextUpdateId = 5000;
function commandUpdate(userId: number, text: string, language = 'en'): Update {
  const command = text.split(' ')[0] ?? text;
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Tess' },
      from: { id: userId, is_bot: false, first_name: 'Tess', language_code: language },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: command.length }],
    },
  } as Update;
}

describe(`telemetry of updates and Bot API calls (${DATABASE_KIND})`, () => {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
  const testDb = createTestDatabase();
  const log = createCaptureLogger();
  let handle: Awaited<ReturnType<typeof testDb.open>>;
  let failLanguage = false;

  function makeBot(maxApiAttempts = 5) {
    const config = parseConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot });
    const users = createUserService(handle.db);
    return createBot(
      TEST_TOKEN,
      {
        config,
        logger: log.logger,
        users: {
          ...users,
          setLanguage: async (id, lang) => {
            if (failLanguage) throw new Error('disk on fire');
            return users.setLanguage(id, lang);
          },
        },
        inbox: createUpdateInbox({ db: handle.db, instanceId: 'update-trace-test' }),
        metrics: createBotMetrics(),
        billing: createBillingService(handle.db),
        packs: [],
        payments: unused<PaymentProvider>('payments'),
        alerts: unused<AdminAlerts>('alerts'),
        catalog: { models: [], packs: [] },
        generations: undefined,
        drafts: unused<DraftService>('drafts'),
        admin: unused<AdminService>('admin'),
        // No LLM configured: the protocol feature steps aside.
        protocols: undefined,
      },
      { botInfo: BOT_INFO, maxRetryDelaySeconds: 5, maxApiAttempts },
    ).bot;
  }

  before(async () => {
    await fake.start();
    handle = await testDb.open();
  });
  after(async () => {
    await fake.stop();
    await testDb.dispose();
  });
  beforeEach(() => {
    otel.reset();
    fake.faults.clear();
    failLanguage = false;
  });

  const spans = () => otel.spans.getFinishedSpans();
  const updateSpan = (): ReadableSpan => findSpan(spans(), /^bot\.update /);

  it('traces /start as update → Bot API sendMessage → http, with database queries under the update', async () => {
    const user = fake.user({ id: 3001, firstName: 'Tess' });
    const bot = makeBot();
    await bot.handleUpdate(commandUpdate(user.id, '/start'));
    await user.waitForMessage();

    const root = assertSpan(updateSpan(), {
      name: 'bot.update message',
      kind: SpanKind.CONSUMER,
      parent: null,
      status: SpanStatusCode.UNSET,
      attributes: {
        'telegram.update.type': 'message',
        'telegram.chat.id': 3001,
        'telegram.chat.type': 'private',
        'enduser.id': '3001',
        'telegram.user.language': 'en',
        'bot.command': 'start',
        'bot.feature': 'start',
      },
      absent: ['error.type', 'bot.error.ref'],
    });
    assert.equal(typeof root.attributes['telegram.update.id'], 'number');

    const api = assertSpan(findSpan(spans(), 'telegram.api sendMessage'), {
      kind: SpanKind.CLIENT,
      parent: root,
      status: SpanStatusCode.UNSET,
      attributes: { 'telegram.api.method': 'sendMessage', 'telegram.chat.id': 3001, 'telegram.api.ok': true },
    });
    assert.deepEqual(childrenOf(spans(), api), [], 'no http span duplicates the Bot API span');

    // The update's queries (claim, user, completion) are events on its span, not spans.
    assert.deepEqual(
      spans().filter((s) => s.attributes['db.system.name']),
      [],
      'no query span for queries that succeed',
    );
    const queries = root.events.filter((e) => e.name === 'pg.query');
    assert.ok(queries.length >= 3, `query events: ${queries.map((e) => e.attributes?.['db.query.text'])}`);
    assert.ok(queries.some((e) => /insert into "users"/i.test(String(e.attributes?.['db.query.text']))));
    for (const e of queries) assert.equal(typeof e.attributes?.['pg.query.duration_ms'], 'number');

    // Nothing the user typed or the bot wrote appears on any span.
    const everything = JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events]));
    assert.ok(!everything.includes('Hi, Tess'), 'reply text stays off spans');
    assert.ok(!everything.includes(TEST_TOKEN.split(':')[1] as string), 'token stays off spans');
  });

  it('records an error thrown in a handler: ERROR status, exception event, error.type, one log line, a reply with the reference', async () => {
    const user = fake.user({ id: 3002, firstName: 'Err' });
    const bot = makeBot();
    await bot.handleUpdate(commandUpdate(user.id, '/language'));
    await user.waitForMessage();
    // The fake issues the callback query (so Telegram would accept its answer); we hand it to the bot.
    const press = await user.pressButton({ data: 'lang:ru' });
    otel.reset();
    failLanguage = true;
    const before = log.lines().length;
    await bot.handleUpdate(press);

    const root = assertSpan(updateSpan(), {
      name: 'bot.update callback_query',
      status: SpanStatusCode.ERROR,
      events: ['exception'],
      attributes: { 'error.type': 'internal', 'bot.callback.action': 'lang', 'bot.feature': 'language' },
    });
    const ref = String(root.attributes['bot.error.ref']);
    assert.equal(ref, root.spanContext().traceId.slice(0, 8));
    const exception = root.events.find((e) => e.name === 'exception');
    assert.equal(exception?.attributes?.['exception.message'], 'disk on fire');

    const errorLines = log
      .lines()
      .slice(before)
      .filter((l) => l.level === 'error');
    assert.equal(errorLines.length, 1, JSON.stringify(errorLines));
    assert.equal(errorLines[0]?.trace_id, root.spanContext().traceId);
    assert.equal(errorLines[0]?.error_ref, ref);
    assert.equal(errorLines[0]?.error_code, 'internal');
    assert.equal(errorLines[0]?.user_id, 3002);

    const answer = user.callbackAnswers().at(-1);
    assert.equal(answer?.showAlert, true);
    assert.match(answer?.text ?? '', new RegExp(`ref ${ref}`));

    // The same line reached the OTLP log pipeline, inside the update's trace.
    // winston hands records to its transports asynchronously.
    await new Promise((r) => setTimeout(r, 50));
    const exported = otel.logs.getFinishedLogRecords().filter((r) => r.body === 'Update failed: internal');
    assert.equal(exported.length, 1);
    assert.equal(exported[0]?.spanContext?.traceId, root.spanContext().traceId);
  });

  it('shows a Bot API 400 on the call span and the update span, and the reply failure is swallowed', async () => {
    const bot = makeBot();
    // No fake user with this id exists, so Telegram answers "chat not found".
    await bot.handleUpdate(commandUpdate(3999, '/help'));
    const root = assertSpan(updateSpan(), {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'telegram.400' },
    });
    const calls = spans().filter((s) => s.name === 'telegram.api sendMessage');
    assert.equal(calls.length, 2, 'the failed reply and the failed error message');
    for (const call of calls) {
      assertSpan(call, {
        parent: root,
        status: SpanStatusCode.ERROR,
        attributes: {
          'telegram.api.ok': false,
          'telegram.api.error_code': 400,
          'telegram.api.description': 'Bad Request: chat not found',
          'error.type': 'telegram.400',
        },
      });
    }
    assert.ok(log.lines().some((l) => l.message === 'Could not tell the user about an error'));
  });

  it('shows a 429 that auto-retry resolved as one call span with a retry event', async () => {
    const user = fake.user({ id: 3003, firstName: 'Rate' });
    fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1, times: 1 });
    const bot = makeBot();
    await bot.handleUpdate(commandUpdate(user.id, '/help'));
    await user.waitForMessage();
    const call = assertSpan(findSpan(spans(), 'telegram.api sendMessage'), {
      status: SpanStatusCode.UNSET,
      events: ['retry'],
      attributes: { 'telegram.api.ok': true, 'telegram.api.attempt': 2 },
    });
    const retry = call.events.find((e) => e.name === 'retry');
    assert.deepEqual(retry?.attributes, {
      'telegram.api.attempt': 2,
      'telegram.api.error_code': 429,
      'telegram.api.retry_after': 1,
    });
    assert.equal(
      spans().filter((s) => s.name === 'telegram.api sendMessage').length,
      1,
      'one span for the logical call',
    );
    assertSpan(updateSpan(), { status: SpanStatusCode.UNSET });
  });

  it('settles a Bot API call whose connection keeps dropping: bounded attempts, ERROR spans, the update ends', async () => {
    const user = fake.user({ id: 3004, firstName: 'Net' });
    fake.faults.inject({
      method: 'sendMessage',
      chatId: user.id,
      kind: 'drop',
      times: Number.POSITIVE_INFINITY,
    });
    const bot = makeBot(2);
    await bot.handleUpdate(commandUpdate(user.id, '/help'));
    const root = assertSpan(updateSpan(), {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'telegram.network' },
    });
    const calls = spans().filter((s) => s.name === 'telegram.api sendMessage');
    assert.equal(calls.length, 2, 'the reply and the error message, each given up after 2 attempts');
    for (const call of calls) {
      assertSpan(call, {
        parent: root,
        status: SpanStatusCode.ERROR,
        events: ['retry'],
        attributes: { 'error.type': 'telegram.network' },
      });
    }
    assert.equal(
      fake.calls(TEST_TOKEN).filter((c) => c.method === 'sendMessage' && c.payload.chat_id === user.id)
        .length,
      4,
    );
  });

  it('scrubs the token from span names, attributes, events and status before export, and from log records', async () => {
    const { trace: traceApi } = await import('@opentelemetry/api');
    const url = `https://api.telegram.org/bot${TEST_TOKEN}/getMe`;
    const span = traceApi.getTracer('third-party').startSpan(`GET /bot${TEST_TOKEN}/getMe`, {
      attributes: { 'url.full': url, 'http.request.header.x': [`Bearer ${TEST_TOKEN}`] },
    });
    span.recordException(new Error(`request to ${url} failed`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `request to ${url} failed` });
    span.end();
    const [exported] = spans();
    assert.equal(exported?.name, 'GET /bot<redacted>/getMe');
    assert.equal(exported?.attributes['url.full'], 'https://api.telegram.org/bot<redacted>/getMe');
    assert.deepEqual(exported?.attributes['http.request.header.x'], ['Bearer <redacted>']);
    assert.equal(
      exported?.events[0]?.attributes?.['exception.message'],
      'request to https://api.telegram.org/bot<redacted>/getMe failed',
    );
    assert.equal(exported?.status.message, 'request to https://api.telegram.org/bot<redacted>/getMe failed');

    log.logger.warn(`pasted ${TEST_TOKEN}`, { url });
    await new Promise((r) => setTimeout(r, 50));
    const records = JSON.stringify(otel.logs.getFinishedLogRecords().map((r) => [r.body, r.attributes]));
    assert.ok(records.includes('pasted <redacted>'), records);
    assert.ok(!records.includes(TEST_TOKEN.split(':')[1] as string));
  });

  it('counts updates, Bot API calls and errors with low-cardinality attributes', async () => {
    const metrics = await otel.collectMetrics();
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    const updates = byName.get('bot.updates');
    assert.equal(updates?.descriptor.unit, '{update}');
    const points = updates?.dataPoints ?? [];
    assert.ok(
      points.some((p) => p.attributes.outcome === 'ok' && p.attributes['telegram.update.type'] === 'message'),
    );
    assert.ok(points.some((p) => p.attributes.outcome === 'error'));
    assert.equal(byName.get('bot.update.duration')?.descriptor.unit, 's');
    const calls = byName.get('telegram.api.calls')?.dataPoints ?? [];
    assert.ok(
      calls.some(
        (p) => p.attributes['telegram.api.method'] === 'sendMessage' && p.attributes.outcome === 'ok',
      ),
    );
    assert.ok(calls.some((p) => p.attributes['telegram.api.error_code'] === 400));
    const errors = byName.get('bot.errors')?.dataPoints ?? [];
    assert.deepEqual(
      new Set(errors.map((p) => p.attributes['error.type'])),
      new Set(['internal', 'telegram.400', 'telegram.network']),
    );
  });
});
