import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { assertSpan, childrenOf, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: undici must be instrumented before the client loads.
const otel = await setupTestTelemetry();
const {
  NANO_BANANA,
  SONG,
  TEST_KIE_KEY,
  VIDEO,
  pollMusicUntilDone,
  pollUntilDone,
  pollVideoUntilDone,
  rejectionOf,
  withKie,
} = await import('./kie-client-harness.ts');

/** Sum of a counter's points whose attributes include `match`. */
function countOf(metrics: MetricData[], name: string, match: Attributes): number {
  const metric = metrics.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? [])
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as number), 0);
}

/** Metrics are cumulative for the whole file: measure what `fn` added. */
async function counted(fn: () => Promise<void>) {
  const before = await otel.collectMetrics();
  await fn();
  const after = await otel.collectMetrics();
  return {
    after,
    delta: (name: string, match: Attributes) => countOf(after, name, match) - countOf(before, name, match),
  };
}

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

  it('counts polls by kie.model, kie.task.state and outcome (kie.polls, {poll})', () =>
    withKie({}, {}, async (fake, client) => {
      let polls = 0;
      const { after, delta } = await counted(async () => {
        const { taskId } = await client.createTask(NANO_BANANA);
        await pollUntilDone(client, taskId);
        polls = fake.tasks()[0]?.polls ?? 0;
        await rejectionOf(client.recordInfo('task_missing', { model: 'google/nano-banana' }));
      });
      assert.equal(after.find((m) => m.descriptor.name === 'kie.polls')?.descriptor.unit, '{poll}');
      const model = { 'kie.model': 'google/nano-banana' };
      assert.equal(delta('kie.polls', { ...model, 'kie.task.state': 'success', outcome: 'ok' }), 1);
      const running = ['waiting', 'queuing', 'generating'].map((state) =>
        delta('kie.polls', { ...model, 'kie.task.state': state, outcome: 'ok' }),
      );
      assert.equal(running.reduce((a, b) => a + b) + 1, polls, 'one count per poll, by the state it saw');
      assert.equal(delta('kie.polls', { ...model, outcome: 'error' }), 1);
      const failed = after.find((m) => m.descriptor.name === 'kie.polls')?.dataPoints ?? [];
      assert.deepEqual(
        failed.filter((p) => p.attributes.outcome === 'error').map((p) => p.attributes),
        [{ 'kie.model': 'google/nano-banana', outcome: 'error' }],
        'a failed poll has no state',
      );
    }));

  it('counts every failed exchange by error.type, retried ones included (kie.api.errors)', () =>
    withKie({}, {}, async (fake, client) => {
      const { after, delta } = await counted(async () => {
        fake.failNext('createTask', 500, { times: 2 });
        fake.failNext('createTask', 402);
        await rejectionOf(client.createTask(NANO_BANANA));
        fake.failNext('generate', 455);
        await client.createMusicTask(SONG);
        fake.failNext('fileStreamUpload', 400);
        await rejectionOf(client.uploadFile(Buffer.from('x'), { fileName: 'a.png', mimeType: 'image/png' }));
      });
      assert.equal(after.find((m) => m.descriptor.name === 'kie.api.errors')?.descriptor.unit, '{error}');
      const create = { 'kie.operation': 'create', 'kie.api': 'market' };
      assert.equal(delta('kie.api.errors', { ...create, 'error.type': 'kie.500' }), 2);
      assert.equal(delta('kie.api.errors', { ...create, 'error.type': 'kie.insufficient_credits' }), 1);
      assert.equal(
        delta('kie.api.errors', { 'kie.operation': 'create', 'kie.api': 'suno', 'error.type': 'kie.455' }),
        1,
      );
      assert.equal(
        delta('kie.api.errors', { 'kie.operation': 'upload', 'kie.api': 'file', 'error.type': 'kie.400' }),
        1,
      );
    }));

  it('traces Suno calls like Market ones, with kie.api=suno and the raw status', () =>
    withKie({}, {}, async (_fake, client) => {
      const { taskId } = await client.createMusicTask(SONG, { generationId: 'gen-9', userId: 7 });
      await pollMusicUntilDone(client, taskId);
      const spans = otel.spans.getFinishedSpans();
      assertSpan(findSpan(spans, 'kie.task.create'), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.api': 'suno',
          'kie.model': 'V4_5',
          'kie.task.id': taskId,
          'bot.generation.id': 'gen-9',
          'enduser.id': '7',
        },
      });
      assertSpan(spans.filter((s) => s.name === 'kie.task.poll').at(-1), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.api': 'suno',
          'kie.task.id': taskId,
          'kie.task.state': 'success',
          'kie.suno.status': 'SUCCESS',
          'kie.model': 'V4_5',
        },
      });
      const metrics = await otel.collectMetrics();
      assert.equal(
        countOf(metrics, 'kie.polls', { 'kie.model': 'V4_5', 'kie.task.state': 'success', outcome: 'ok' }),
        1,
        'the only Suno task of this file',
      );
    }));

  it('traces Veo calls like Market ones, with kie.api=veo and the raw successFlag; a refusal counts under veo', () =>
    withKie({}, {}, async (fake, client) => {
      const { delta } = await counted(async () => {
        const { taskId } = await client.createVideoTask(VIDEO, { generationId: 'gen-v', userId: 8 });
        await pollVideoUntilDone(client, taskId);
        fake.failNext('veoGenerate', 422);
        await rejectionOf(client.createVideoTask(VIDEO));
      });
      const spans = otel.spans.getFinishedSpans();
      const [ok, refused] = spans.filter((s) => s.name === 'kie.task.create');
      assertSpan(ok, {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.api': 'veo',
          'kie.model': 'veo3_fast',
          'bot.generation.id': 'gen-v',
          'enduser.id': '8',
        },
        status: SpanStatusCode.UNSET,
      });
      assertSpan(refused, {
        status: SpanStatusCode.ERROR,
        attributes: { 'kie.api': 'veo', 'error.type': 'kie.422', 'kie.code': 422 },
      });
      assertSpan(spans.filter((s) => s.name === 'kie.task.poll').at(-1), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.api': 'veo',
          'kie.task.state': 'success',
          'kie.veo.success_flag': 1,
          'kie.model': 'veo3_fast',
        },
      });
      assert.equal(
        delta('kie.api.errors', { 'kie.operation': 'create', 'kie.api': 'veo', 'error.type': 'kie.422' }),
        1,
      );
      assert.equal(
        delta('kie.polls', { 'kie.model': 'veo3_fast', 'kie.task.state': 'success', outcome: 'ok' }),
        1,
      );
    }));

  it('traces an upload as kie.file.upload with sizes only: no content, file URL or key', () =>
    withKie({}, {}, async (_fake, client) => {
      const bytes = Buffer.from('PHOTO-CONTENT-MARKER-0123456789');
      const { url } = await client.uploadFile(bytes, {
        fileName: 'secret-holiday.jpg',
        mimeType: 'image/jpeg',
        generationId: 'gen-3',
        userId: 42,
      });
      const spans = otel.spans.getFinishedSpans();
      const upload = assertSpan(findSpan(spans, 'kie.file.upload'), {
        kind: SpanKind.CLIENT,
        attributes: {
          'kie.api': 'file',
          'file.size': bytes.length,
          'kie.file.mime_type': 'image/jpeg',
          'bot.generation.id': 'gen-3',
          'enduser.id': '42',
        },
        status: SpanStatusCode.UNSET,
      });
      assert.ok((upload.attributes['http.request.body.size'] as number) > bytes.length, 'multipart overhead');
      assert.ok(childrenOf(spans, upload).length >= 1, 'the undici span is a child of kie.file.upload');
      const everything = JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
      );
      for (const secret of ['PHOTO-CONTENT-MARKER', url, 'secret-holiday', TEST_KIE_KEY]) {
        assert.ok(!everything.includes(secret), `${secret} leaked into a span`);
      }
    }));
});
