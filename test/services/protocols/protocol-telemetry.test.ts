import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { assertSpan, childrenOf, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: undici, pg and winston must load after the instrumentations.
const otel = await setupTestTelemetry();
const { createProtocolHarness, idle, LLM_KEY, meetingText } = await import('./protocol-harness.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');
const { getTracer } = await import('../../../src/telemetry/tracing.ts');

const CHAT = 'chat openai/gpt-4o-mini';
type Harness = Awaited<ReturnType<typeof createProtocolHarness>>;

/** Spans once the job span has been exported (export is asynchronous). */
async function jobSpans(): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const spans = otel.spans.getFinishedSpans();
    if (spans.some((s) => s.name === 'protocol.job') || Date.now() > deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return otel.spans.getFinishedSpans();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Confirms in the trace of a stand-in "update" span, as the Telegram flow does, and runs the job. */
async function runInTrace(h: Harness, userId: number, text: string) {
  const service = h.service();
  const quoted = await service.quote({ userId, chatId: userId, text, source: 'document', language: 'en' });
  const update = getTracer().startSpan('bot.update callback_query', { kind: SpanKind.CONSUMER, root: true });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), update), carrier);
  const confirmed = await service.confirm({
    jobId: quoted.id,
    userId,
    statusMessageId: 1,
    traceparent: carrier.traceparent,
  });
  assert.equal(confirmed.kind, 'started');
  await service.run(quoted.id);
  update.end();
  await service.settled(quoted.id);
  await idle(h.fake);
  return { jobId: quoted.id, spans: await jobSpans() };
}

describe(`protocol job telemetry (${DATABASE_KIND})`, () => {
  let h: Harness | undefined;
  beforeEach(() => otel.reset());
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('one protocol.job span in the confirming trace, a CLIENT chat span per segment and one for the synthesis', async () => {
    h = await createProtocolHarness({ latencyMs: 20 });
    const userId = await h.user(100);
    const { jobId, spans } = await runInTrace(h, userId, meetingText(6));
    const update = findSpan(spans, 'bot.update callback_query');
    const job = assertSpan(findSpan(spans, 'protocol.job'), {
      kind: SpanKind.INTERNAL,
      parent: update,
      status: SpanStatusCode.UNSET,
      attributes: {
        'protocol.job.id': jobId,
        'protocol.segments': 6,
        'protocol.concurrency': 4,
        'protocol.resumes': 0,
        'enduser.id': String(userId),
        outcome: 'ok',
      },
      absent: ['error.type', 'bot.error.ref'],
    });
    const chats = childrenOf(spans, job).filter((s) => s.name === CHAT);
    assert.equal(chats.length, 7);
    assert.deepEqual(
      chats.map((s) => s.attributes['protocol.segment.index']).sort((a, b) => Number(a) - Number(b)),
      [-1, 0, 1, 2, 3, 4, 5],
    );
    for (const chat of chats) {
      assertSpan(chat, {
        kind: SpanKind.CLIENT,
        parent: job,
        status: SpanStatusCode.UNSET,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openrouter',
          'gen_ai.request.model': 'openai/gpt-4o-mini',
          'gen_ai.response.model': 'openai/gpt-4o-mini',
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.usage.input_tokens': /^[1-9]\d*$/,
          'gen_ai.usage.output_tokens': /^[1-9]\d*$/,
          'protocol.job.id': jobId,
          'enduser.id': String(userId),
        },
        absent: ['gen_ai.input.messages', 'gen_ai.output.messages'],
      });
    }
    // No user text on any span.
    assert.ok(!JSON.stringify(spans.map((s) => s.attributes)).includes('quarterly plan'));

    const metrics = await otel.collectMetrics();
    const jobs = metrics.find((m) => m.descriptor.name === 'protocol.jobs');
    assert.equal(jobs?.descriptor.unit, '{job}');
    assert.deepEqual(
      jobs?.dataPoints.map((p) => [p.attributes.outcome, p.value]),
      [['ok', 1]],
    );
    const segments = metrics.find((m) => m.descriptor.name === 'protocol.segments');
    assert.deepEqual(
      segments?.dataPoints.map((p) => [p.attributes.outcome, p.value]),
      [['ok', 6]],
    );
  });

  it('a 402 marks the job ERROR with the reference, the 402 call ERROR, and the aborted calls UNSET with the reason', async () => {
    h = await createProtocolHarness({ latencyMs: 2000 });
    h.fake.inject({ kind: 'pass', times: 2 });
    h.fake.inject({ kind: 'status', status: 402, delayMs: 100 });
    const userId = await h.user(100);
    const { spans } = await runInTrace(h, userId, meetingText(12));
    const job = assertSpan(findSpan(spans, 'protocol.job'), {
      status: SpanStatusCode.ERROR,
      attributes: {
        'error.type': 'llm.insufficient_credits',
        'bot.error.ref': /^[0-9a-f]{8}$/,
        'protocol.abort.reason': 'llm.insufficient_credits',
        outcome: 'refunded',
      },
      events: ['exception'],
    });
    // The reference the user sees is the trace id's prefix, so Tempo finds this trace.
    assert.equal(job.attributes['bot.error.ref'], job.spanContext().traceId.slice(0, 8));
    const chats = childrenOf(spans, job).filter((s) => s.name === CHAT);
    assert.equal(chats.length, 4, 'no chat span for a segment that never started');
    const failed = chats.filter((s) => s.status.code === SpanStatusCode.ERROR);
    assert.equal(failed.length, 1);
    assertSpan(failed[0], {
      attributes: { 'error.type': 'llm.insufficient_credits' },
      events: ['exception'],
    });
    for (const aborted of chats.filter((s) => s !== failed[0])) {
      assertSpan(aborted, {
        status: SpanStatusCode.UNSET,
        attributes: { 'llm.abort.reason': 'llm.insufficient_credits' },
        events: ['aborted'],
        absent: ['error.type'],
      });
    }
    const segments = (await otel.collectMetrics()).find((m) => m.descriptor.name === 'protocol.segments');
    const byOutcome = Object.fromEntries(
      segments?.dataPoints.map((p) => [p.attributes.outcome, p.value]) ?? [],
    );
    // Cumulative over the file: no earlier test had errors or cancellations.
    assert.equal(byOutcome.error, 1);
    assert.equal(byOutcome.cancelled, 3);

    // One error log record for the job, over OTLP too, with the ids to find it by.
    const errors = otel.logs.getFinishedLogRecords().filter((r) => r.severityText === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.attributes.error_code, 'llm.insufficient_credits');
    assert.equal(errors[0]?.attributes.error_ref, job.attributes['bot.error.ref']);
    assert.equal(typeof errors[0]?.attributes.job_id, 'string');
  });

  it('never exports the LLM key, even when the provider echoes it', async () => {
    h = await createProtocolHarness({ latencyMs: 5 }, { retry: { maxAttempts: 1 } });
    h.fake.inject({ kind: 'status', status: 400, message: `invalid key ${LLM_KEY}` });
    const userId = await h.user(100);
    await runInTrace(h, userId, meetingText(3));
    const spans = otel.spans.getFinishedSpans();
    const exported = JSON.stringify([
      spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      otel.logs.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })),
      await otel.collectMetrics(),
    ]);
    assert.ok(exported.includes('llm.400'), 'the failure was exported');
    assert.ok(!exported.includes(LLM_KEY));
    assert.ok(!h.log.raw().includes(LLM_KEY));
  });
});
