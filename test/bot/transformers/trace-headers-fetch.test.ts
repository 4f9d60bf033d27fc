import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';
import { waitUntil } from '../../support/wait-until.ts';

// Telemetry first, then the app: its modules must load after the instrumentations.
const otel = await setupTestTelemetry();
const { traceHeadersFetch } = await import('../../../src/bot/transformers/trace-headers-fetch.ts');
const { withLogContext } = await import('../../../src/telemetry/log-context.ts');
const { getTracer } = await import('../../../src/telemetry/tracing.ts');
const { startBotHarness, TEST_TOKEN } = await import('../../support/bot-harness.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

type Init = { headers?: Record<string, string> } | undefined;

/** The wrapped fetch over a stub that records the headers of each request. */
function recordingFetch() {
  const seen: Array<Record<string, string>> = [];
  const base = (async (_url: unknown, init: Init) => {
    seen.push({ ...init?.headers });
    return new Response('{"ok":true,"result":true}');
  }) as unknown as Parameters<typeof traceHeadersFetch>[0];
  return { fetch: traceHeadersFetch(base), seen };
}

describe('Bot API requests carry the trace context', () => {
  it("sends the active span's traceparent, and the update id as baggage inside an update", async () => {
    const { fetch, seen } = recordingFetch();
    const json = { 'content-type': 'application/json' };
    await getTracer().startActiveSpan('telegram.api sendMessage', async (span) => {
      await fetch('http://fake/bot1:x/sendMessage', { method: 'POST', headers: json });
      await withLogContext({ update_id: 4242 }, () =>
        fetch('http://fake/bot1:x/sendMessage', { method: 'POST', headers: json }),
      );
      span.end();
      const { traceId, spanId } = span.spanContext();
      assert.deepEqual(seen, [
        { ...json, traceparent: `00-${traceId}-${spanId}-01` },
        { ...json, traceparent: `00-${traceId}-${spanId}-01`, baggage: 'telegram.update.id=4242' },
      ]);
    });
  });

  it('adds nothing without a span, or with tracing suppressed (long polls)', async () => {
    const { fetch, seen } = recordingFetch();
    await fetch('http://fake/bot1:x/getMe', { headers: { a: '1' } });
    await getTracer().startActiveSpan('outer', async (span) => {
      await context.with(suppressTracing(context.active()), () =>
        fetch('http://fake/bot1:x/getUpdates', { headers: { a: '2' } }),
      );
      span.end();
    });
    assert.deepEqual(seen, [{ a: '1' }, { a: '2' }]);
  });

  describe(`the real bot against the Telegram fake (${DATABASE_KIND})`, () => {
    let harness: Awaited<ReturnType<typeof startBotHarness>> | undefined;
    after(() => harness?.dispose());

    it("records each reply under its telegram.api span's trace and the update it answers", async () => {
      harness = await startBotHarness();
      otel.reset();
      const user = harness.fake.user({ id: 3131, firstName: 'Tia', languageCode: 'en' });
      const update = await user.sendCommand('/start');
      const reply = await user.waitForMessage();

      // The fake records a call once its answer is written, a moment after the message exists; the
      // update's root span ends after its handler returns, later still on a loaded machine.
      const findCall = () =>
        harness?.fake.calls(TEST_TOKEN).find((c) => c.method === 'sendMessage' && c.payload.chat_id === 3131);
      const ended = (name: string) => otel.spans.getFinishedSpans().some((s) => s.name === name);
      await waitUntil(
        'the recorded sendMessage and the ended update span',
        () => findCall() !== undefined && ended('bot.update message') && ended('telegram.api sendMessage'),
      );
      const call = findCall();
      assert.ok(call?.traceId, 'sendMessage carried a traceparent');
      assert.equal(call.updateId, update.update_id);
      assert.deepEqual(reply.traceIds, [call.traceId]);
      assert.equal(harness.fake.updateTrace(TEST_TOKEN, update.update_id), call.traceId);

      const api = findSpan(otel.spans.getFinishedSpans(), 'telegram.api sendMessage');
      const root = findSpan(otel.spans.getFinishedSpans(), 'bot.update message');
      assert.equal(api.spanContext().traceId, call.traceId);
      assert.equal(root.spanContext().traceId, call.traceId);
      assert.equal(root.attributes['telegram.update.id'], update.update_id);
      assert.ok(
        harness.fake
          .calls(TEST_TOKEN)
          .filter((c) => c.method === 'getUpdates')
          .every((c) => c.traceId === undefined),
        'long polls carry no trace context',
      );
      assert.equal(trace.getActiveSpan(), undefined);
    });
  });
});
