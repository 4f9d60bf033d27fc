import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { assertSpan, childrenOf, findSpan } from '../support/assert-span.ts';
import { setupTestTelemetry } from '../support/otel.ts';
import { waitUntil } from '../support/wait-until.ts';

// Telemetry first, then the app: pg, http and winston must load after the instrumentations.
const otel = await setupTestTelemetry();
const { FAST, openConfirmation, startGenerationE2e } = await import('../support/generation-e2e.ts');
const { DATABASE_KIND } = await import('../support/test-database.ts');

type E2e = Awaited<ReturnType<typeof startGenerationE2e>>;

const attr = (s: ReadableSpan, key: string) => s.attributes[key];
const inTrace = (spans: readonly ReadableSpan[], traceId: string) =>
  spans.filter((s) => s.spanContext().traceId === traceId);

describe(`a generation is one trace, from the confirming update to delivery or refund (${DATABASE_KIND})`, () => {
  let h: E2e | undefined;
  after(() => h?.dispose());

  async function run(userId: number, prompt: string, waitFor: RegExp | 'photo') {
    const user = h!.fake.user({ id: userId, firstName: 'Trace' });
    await h!.fund(userId, 10);
    const confirm = await openConfirmation(user, /Images/, /^Nano Banana ·/, prompt);
    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    if (waitFor === 'photo')
      await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    else await user.waitForMessage((m) => waitFor.test(m.text ?? ''), { timeoutMs: 10_000 });
    // The worker's last step ends just after the message: wait for its span, which ends after its children.
    const lastStep = (s: ReadableSpan) =>
      s.name === 'bot.generation.step' &&
      attr(s, 'enduser.id') === String(userId) &&
      /^(delivered|failed|refunded|timed_out)$/.test(String(attr(s, 'bot.generation.status')));
    await waitUntil('the last generation step span', () => otel.spans.getFinishedSpans().some(lastStep));
    const spans = otel.spans.getFinishedSpans();
    const confirmUpdate = spans.find(
      (s) =>
        s.name === 'bot.update callback_query' &&
        attr(s, 'bot.generation.id') !== undefined &&
        attr(s, 'enduser.id') === String(userId),
    );
    assert.ok(confirmUpdate, 'the confirming update carries the generation id');
    return { spans: inTrace(spans, confirmUpdate.spanContext().traceId), confirmUpdate, user };
  }

  it('delivered: charge, create, every poll and the delivery are in the confirming update’s trace', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const { spans, confirmUpdate } = await run(8401, 'traced fox', 'photo');
    const generationId = attr(confirmUpdate, 'bot.generation.id') as string;
    assertSpan(confirmUpdate, {
      kind: SpanKind.CONSUMER,
      parent: null,
      attributes: {
        'telegram.update.type': 'callback_query',
        'bot.feature': 'generate',
        'bot.model.id': 'nano-banana',
      },
    });
    assertSpan(findSpan(spans, 'billing.charge'), { attributes: { 'billing.amount': 8 } });

    const steps = spans.filter((s) => s.name === 'bot.generation.step');
    assert.ok(steps.length >= 3, `create, polls and delivery steps (${steps.length})`);
    for (const step of steps) {
      assertSpan(step, {
        kind: SpanKind.INTERNAL,
        parent: confirmUpdate,
        attributes: {
          'bot.generation.id': generationId,
          'enduser.id': '8401',
          'kie.model': 'google/nano-banana',
          'bot.model.id': 'nano-banana',
          'bot.generation.price': 8,
        },
      });
    }
    const create = findSpan(spans, 'kie.task.create');
    const createStep = steps.find((s) => s.spanContext().spanId === create.parentSpanContext?.spanId);
    assertSpan(createStep, { attributes: { 'bot.generation.status': 'running', 'kie.task.id': /.+/ } });
    const taskId = attr(create, 'kie.task.id');
    assertSpan(create, {
      kind: SpanKind.CLIENT,
      attributes: { 'kie.task.id': taskId as string, 'kie.model': 'google/nano-banana' },
    });

    const polls = spans.filter((s) => s.name === 'kie.task.poll');
    assert.ok(polls.length >= 1);
    polls.forEach((poll, i) => {
      const parent = steps.find((s) => s.spanContext().spanId === poll.parentSpanContext?.spanId);
      assert.ok(parent, 'each poll under its own step');
      assertSpan(poll, {
        kind: SpanKind.CLIENT,
        attributes: { 'kie.task.id': taskId as string, 'kie.poll.attempt': i + 1 },
      });
    });
    assert.equal(attr(polls.at(-1) as ReadableSpan, 'kie.task.state'), 'success');

    const deliver = findSpan(spans, 'bot.generation.deliver');
    assertSpan(deliver, { attributes: { 'bot.delivery.method': 'url', 'kie.task.id': taskId as string } });
    const sendPhoto = spans.find((s) => s.name === 'telegram.api sendPhoto');
    assertSpan(sendPhoto, { parent: deliver });
    const deliveredStep = steps.find((s) => attr(s, 'bot.generation.status') === 'delivered');
    assertSpan(deliveredStep, { status: SpanStatusCode.UNSET });

    const metrics = await otel.collectMetrics();
    const tasks = metrics.find((m) => m.descriptor.name === 'kie.tasks');
    const ok = tasks?.dataPoints.find(
      (p) => p.attributes.outcome === 'ok' && p.attributes['kie.model'] === 'google/nano-banana',
    );
    assert.equal(ok?.value, 1);
    assert.ok(metrics.some((m) => m.descriptor.name === 'kie.task.duration'));
    assert.ok(metrics.some((m) => m.descriptor.name === 'kie.tasks.in_flight'));
    const logs = otel.logs.getFinishedLogRecords().filter((r) => r.attributes.generation_id === generationId);
    assert.ok(logs.some((r) => r.attributes.model_id === 'nano-banana' && r.attributes.task_id === taskId));
  });

  it('failed: the refund is in the same trace and the giving-up step is an ERROR with the user’s reference', async () => {
    otel.reset();
    h!.kie.script('google/nano-banana', {
      outcome: 'fail',
      failCode: '500',
      failMsg: 'boom',
      stateDurationsMs: FAST,
    });
    const { spans, confirmUpdate, user } = await run(8402, 'doomed fox', /❌/);
    const refund = findSpan(spans, 'billing.refund');
    const failedStep = spans.find(
      (s) => s.name === 'bot.generation.step' && attr(s, 'bot.generation.status') === 'failed',
    );
    assertSpan(failedStep, {
      parent: confirmUpdate,
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': '500', 'bot.error.ref': confirmUpdate.spanContext().traceId.slice(0, 8) },
    });
    assert.equal(refund.spanContext().traceId, confirmUpdate.spanContext().traceId);
    // Telling the user is its own span under the step that gave up, and the edit is under it.
    const notify = findSpan(spans, 'bot.generation.notify');
    assertSpan(notify, {
      parent: failedStep,
      status: SpanStatusCode.UNSET,
      attributes: { 'bot.generation.status': 'failed', 'bot.notice.attempt': 1 },
    });
    const edits = childrenOf(spans, notify).filter((s) => s.name === 'telegram.api editMessageText');
    assert.equal(edits.length, 1, 'the failure notice is one edit, made inside the notify span');
    const told = user.messages().find((m) => /❌/.test(m.text ?? ''));
    assert.match(told?.text ?? '', new RegExp(`ref ${confirmUpdate.spanContext().traceId.slice(0, 8)}`));
  });
});
