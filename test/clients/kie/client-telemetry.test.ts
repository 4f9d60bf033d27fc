import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { assertSpan, childrenOf, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: undici must be instrumented before the client loads.
const otel = await setupTestTelemetry();
const { NANO_BANANA, TEST_KIE_KEY, pollUntilDone, rejectionOf, withKie } = await import(
  './kie-client-harness.ts'
);

describe('KIE client telemetry', () => {
  beforeEach(() => otel.reset());

  it('traces create and poll with their attributes, as parents of the HTTP spans', () =>
    withKie({}, {}, async (_fake, client) => {
      const { taskId } = await client.createTask(NANO_BANANA, { generationId: 'gen-1', userId: 42 });
      await pollUntilDone(client, taskId);
      const spans = otel.spans.getFinishedSpans();
      const create = assertSpan(findSpan(spans, 'kie.task.create'), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.model': 'google/nano-banana',
          'kie.task.id': taskId,
          'bot.generation.id': 'gen-1',
          'enduser.id': '42',
          'kie.queue.wait_ms': /^\d+$/,
        },
        status: SpanStatusCode.UNSET,
      });
      assert.ok(childrenOf(spans, create).length >= 1, 'the undici span is a child of kie.task.create');
      const polls = spans.filter((s) => s.name === 'kie.task.poll');
      assert.ok(polls.length >= 1);
      assertSpan(polls.at(-1), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.task.id': taskId,
          'kie.task.state': 'success',
          'kie.poll.attempt': polls.length,
          'kie.model': 'google/nano-banana',
        },
      });
      const wait = (await otel.collectMetrics()).find((m) => m.descriptor.name === 'kie.queue.wait');
      assert.ok(wait, 'kie.queue.wait histogram recorded');
      assert.equal(wait.descriptor.unit, 's');
      const operations = new Set(wait.dataPoints.map((p) => p.attributes['kie.operation']));
      assert.deepEqual(operations, new Set(['create', 'poll']));
    }));

  it('marks a failed create ERROR with error.type = the error code, a retry event per resend, and no key', () =>
    withKie({}, {}, async (fake, client) => {
      fake.failNext('createTask', 500, { times: 1, msg: `oops ${TEST_KIE_KEY}` });
      fake.failNext('createTask', 402);
      await rejectionOf(client.createTask(NANO_BANANA));
      const spans = otel.spans.getFinishedSpans();
      assertSpan(findSpan(spans, 'kie.task.create'), {
        status: SpanStatusCode.ERROR,
        attributes: { 'error.type': 'kie.insufficient_credits', 'kie.code': 402 },
        events: ['retry', 'exception'],
      });
      const everything = JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      );
      assert.ok(!everything.includes(TEST_KIE_KEY));
    }));
});
