import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { assertSpan, childrenOf, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: undici must be instrumented before the client loads.
const otel = await setupTestTelemetry();
const { ask, rejectionOf, TEST_LLM_KEY, TEST_MODEL, withLlm } = await import('./llm-client-harness.ts');

const CHAT = `chat ${TEST_MODEL}`;

/** Finished spans once `count` chat spans (and their HTTP children) have been exported; export is async. */
async function exported(count = 1) {
  const deadline = Date.now() + 2000;
  for (;;) {
    const spans = otel.spans.getFinishedSpans();
    const chats = spans.filter((s) => s.name === CHAT).length;
    const http = spans.filter((s) => s.name === 'POST').length;
    if ((chats >= count && http >= 2 * count) || Date.now() > deadline) return spans;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('LLM client telemetry (GenAI conventions)', () => {
  beforeEach(() => otel.reset());

  it('traces a call as a CLIENT span `chat {model}` with the GenAI attributes, parent of the HTTP span', () =>
    withLlm({}, {}, async (fake, client) => {
      const result = await client.chat(
        { ...ask('A short meeting. Bob will send the slides.'), maxTokens: 300 },
        { attributes: { 'enduser.id': '42', 'protocol.job.id': 'job-1', 'protocol.segment.index': 3 } },
      );
      const spans = await exported();
      const span = assertSpan(findSpan(spans, CHAT), {
        kind: SpanKind.CLIENT,
        status: SpanStatusCode.UNSET,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openrouter',
          'gen_ai.request.model': TEST_MODEL,
          'gen_ai.request.max_tokens': 300,
          'gen_ai.response.model': TEST_MODEL,
          'gen_ai.response.id': result.id as string,
          'gen_ai.usage.input_tokens': result.usage.inputTokens,
          'gen_ai.usage.output_tokens': result.usage.outputTokens,
          'gen_ai.response.finish_reasons': ['stop'],
          'server.address': '127.0.0.1',
          'server.port': fake.port,
          'llm.cost': result.usage.cost as number,
          // The same figure under the key LLM observability tools read.
          'gen_ai.usage.cost': result.usage.cost as number,
          'llm.upstream_provider': 'FakeProvider',
          'llm.attempts': 1,
          'enduser.id': '42',
          'protocol.job.id': 'job-1',
          'protocol.segment.index': 3,
        },
        // Prompts and completions stay off spans unless LLM_CAPTURE_CONTENT turns capture on.
        absent: ['gen_ai.input.messages', 'gen_ai.output.messages', 'error.type'],
      });
      assert.ok(childrenOf(spans, span).length >= 1, 'the undici span is a child of the chat span');
      assert.ok(!JSON.stringify(spans.map((s) => s.attributes)).includes('Bob will send'));

      const metrics = await otel.collectMetrics();
      const usage = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage');
      assert.equal(usage?.descriptor.unit, '{token}');
      const types = new Set(usage?.dataPoints.map((p) => p.attributes['gen_ai.token.type']));
      assert.deepEqual(types, new Set(['input', 'output']));
      for (const p of usage?.dataPoints ?? []) {
        assert.equal(p.attributes['gen_ai.request.model'], TEST_MODEL);
        assert.equal(p.attributes['gen_ai.provider.name'], 'openrouter');
        assert.equal(p.attributes['gen_ai.operation.name'], 'chat');
      }
      const duration = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
      assert.equal(duration?.descriptor.unit, 's');
      const cost = metrics.find((m) => m.descriptor.name === 'gen_ai.client.cost');
      assert.equal(cost?.descriptor.unit, '{credit}');
      assert.ok(cost?.dataPoints.some((p) => p.attributes['gen_ai.request.model'] === TEST_MODEL));
    }));

  it('captures prompt and completion only when asked to', () =>
    withLlm({}, { captureContent: true }, async (_fake, client) => {
      await client.chat(ask('Capture me.'));
      const span = findSpan(await exported(), CHAT);
      const input = JSON.parse(String(span.attributes['gen_ai.input.messages']));
      assert.deepEqual(input, [{ role: 'user', parts: [{ type: 'text', content: 'Capture me.' }] }]);
      const output = JSON.parse(String(span.attributes['gen_ai.output.messages']));
      assert.equal(output[0].role, 'assistant');
      assert.match(output[0].parts[0].content, /Capture me\./);
    }));

  it('marks a 402 ERROR with error.type llm.insufficient_credits and an exception event, key nowhere', () =>
    withLlm({ failAfter: { calls: 0, status: 402 } }, {}, async (_fake, client) => {
      await rejectionOf(client.chat(ask('hi')));
      const spans = await exported();
      assertSpan(findSpan(spans, CHAT), {
        kind: SpanKind.CLIENT,
        status: SpanStatusCode.ERROR,
        attributes: { 'error.type': 'llm.insufficient_credits', 'gen_ai.request.model': TEST_MODEL },
        events: ['exception'],
        absent: ['gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.cost', 'llm.cost'],
      });
      const duration = (await otel.collectMetrics()).find(
        (m) => m.descriptor.name === 'gen_ai.client.operation.duration',
      );
      assert.ok(duration?.dataPoints.some((p) => p.attributes['error.type'] === 'llm.insufficient_credits'));
      const everything = JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      );
      assert.ok(!everything.includes(TEST_LLM_KEY));
    }));

  it('adds a retry event per resend', () =>
    withLlm({}, {}, async (fake, client) => {
      fake.inject({ kind: 'status', status: 503, times: 2 });
      await client.chat(ask('hi'));
      const span = assertSpan(findSpan(await exported(), CHAT), {
        status: SpanStatusCode.UNSET,
        attributes: { 'llm.attempts': 3 },
        events: ['retry', 'retry'],
      });
      assert.equal(span.events[0]?.attributes?.['error.type'], 'llm.503');
      assert.equal(span.events[0]?.attributes?.attempt, 1);
    }));

  it('ends an aborted call with status UNSET, an `aborted` event and the reason', () =>
    withLlm({ latencyMs: 5000 }, {}, async (fake, client) => {
      const ac = new AbortController();
      fake.on('request', () => setTimeout(() => ac.abort('shutdown'), 10));
      await rejectionOf(client.chat(ask('slow'), { signal: ac.signal }));
      assertSpan(findSpan(await exported(), CHAT), {
        status: SpanStatusCode.UNSET,
        attributes: { 'llm.abort.reason': 'shutdown' },
        events: ['aborted'],
        absent: ['error.type'],
      });
    }));
});
