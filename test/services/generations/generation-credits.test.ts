import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Attributes, SpanKind } from '@opentelemetry/api';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { assertSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: undici and pg must be instrumented before they load.
const otel = await setupTestTelemetry();
const { createGenerationHarness, MODEL, runUntil } = await import('./generation-harness.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

type Harness = Awaited<ReturnType<typeof createGenerationHarness>>;

/** Sum of the `kie.credits.consumed` points whose attributes include `match`. */
function creditsOf(metrics: MetricData[], match: Attributes): number {
  const metric = metrics.find((m) => m.descriptor.name === 'kie.credits.consumed');
  return (metric?.dataPoints ?? [])
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as number), 0);
}

/**
 * KIE's reported cost of each generation (consumeCredits / creditsConsumed, kie-api.md §5, §11): on the
 * row once, on the poll span, and counted once per generation by model, whichever of the poll and the
 * callback brings it first. The fake charges §10's prices: nano-banana 4 KIE credits.
 */
describe(`KIE's reported cost per generation (${DATABASE_KIND})`, () => {
  let h: Harness;
  before(async () => {
    h = await createGenerationHarness();
    h.script('success');
  });
  after(() => h.close());

  const row = (id: string) =>
    h.handle.db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const startOne = async (key: string) => {
    const userId = await h.user(50);
    return h
      .service()
      .start({ userId, chatId: userId, model: MODEL, input: { prompt: 'a fox' }, idempotencyKey: key });
  };
  const model = { 'kie.model': MODEL.kieModel };

  it('stored from the poll that saw the task end, on its span, counted once with unit {credit}', async () => {
    otel.reset();
    const before = creditsOf(await otel.collectMetrics(), model);
    const gen = await startOne('credits-poll');
    const service = h.service({ notifier: { deliver: async () => ({ kind: 'photo' }) } });
    await runUntil(service, [gen.id], ['delivered']);
    const stored = await row(gen.id);
    assert.equal(stored.kie_credits_consumed, 4);
    assert.equal((await service.get(gen.id))?.kieCreditsConsumed, 4);

    const polls = otel.spans
      .getFinishedSpans()
      .filter((s) => s.name === 'kie.task.poll' && s.attributes['kie.task.id'] === stored.kie_task_id);
    const last = polls.find((s) => s.attributes['kie.task.state'] === 'success');
    assertSpan(last, {
      kind: SpanKind.CLIENT,
      attributes: { 'kie.credits.consumed': 4, 'kie.model': MODEL.kieModel },
    });
    for (const running of polls.filter((s) => s !== last)) {
      assertSpan(running, { absent: ['kie.credits.consumed'] });
    }

    const metrics = await otel.collectMetrics();
    assert.equal(
      metrics.find((m) => m.descriptor.name === 'kie.credits.consumed')?.descriptor.unit,
      '{credit}',
    );
    assert.equal(creditsOf(metrics, model) - before, 4);

    // KIE re-sends its callback: neither the row nor the counter moves, even on a different figure.
    await service.callback(
      {
        api: 'market',
        taskId: stored.kie_task_id ?? '',
        state: 'success',
        done: true,
        consumeCredits: 9,
        dedupeKey: 'x',
      },
      gen.id,
    );
    assert.equal((await row(gen.id)).kie_credits_consumed, 4, 'set once');
    assert.equal(creditsOf(await otel.collectMetrics(), model) - before, 4, 'counted once');
  });

  it('stored from the callback when it comes before the poll; the poll then counts nothing more', async () => {
    const before = creditsOf(await otel.collectMetrics(), model);
    const gen = await startOne('credits-callback');
    const service = h.service({ notifier: { deliver: async () => ({ kind: 'photo' }) } });
    await service.runDue({ limit: 10, workerId: 'w-a' });
    const running = await row(gen.id);
    assert.equal(running.status, 'running');
    const taskId = running.kie_task_id ?? '';
    const outcome = await service.callback(
      {
        api: 'market',
        taskId,
        state: 'success',
        done: true,
        consumeCredits: 4,
        dedupeKey: `${taskId}:success`,
      },
      gen.id,
    );
    assert.equal(outcome, 'woken');
    assert.equal((await row(gen.id)).kie_credits_consumed, 4);
    await runUntil(service, [gen.id], ['delivered']);
    assert.equal((await row(gen.id)).kie_credits_consumed, 4);
    assert.equal(creditsOf(await otel.collectMetrics(), model) - before, 4);
  });

  it('a stage callback of a running task stores nothing: the cost is known once the task ended', async () => {
    h.script('hang', 1);
    const gen = await startOne('credits-stage');
    const service = h.service();
    await service.runDue({ limit: 10, workerId: 'w-a' });
    const taskId = (await row(gen.id)).kie_task_id ?? '';
    await service.callback(
      {
        api: 'suno',
        taskId,
        state: 'generating',
        done: false,
        consumeCredits: 3,
        dedupeKey: `${taskId}:generating`,
      },
      gen.id,
    );
    assert.equal((await row(gen.id)).kie_credits_consumed, null);
  });
});
