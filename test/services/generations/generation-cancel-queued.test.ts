import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KieClient } from '../../../src/clients/kie/index.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  createGenerationHarness,
  type GenerationHarness,
  MODEL,
  PRICE,
  runUntil,
} from './generation-harness.ts';

describe(`Cancel while the create waits for KIE's rate limit (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  before(async () => {
    h = await createGenerationHarness();
  });
  after(() => h.close());

  /**
   * A client whose createTask waits at a gate before it goes on, like a create queued behind KIE's
   * 20-per-10-s limit: the worker holds the row's lease all that time, and the row is still pending.
   */
  const gatedClient = () => {
    const gate = Promise.withResolvers<void>();
    const queued = Promise.withResolvers<void>();
    const kie: KieClient = {
      ...h.kie,
      createTask: async (request, ctx) => {
        queued.resolve();
        await gate.promise;
        return h.kie.createTask(request, ctx);
      },
    };
    return { kie, gate, queued };
  };

  it('refunds the row and nothing reaches KIE, though a worker holds its lease', async () => {
    const { kie, gate, queued } = gatedClient();
    const service = h.service({ kie });
    const userId = await h.user(100);
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a queued fox' },
      idempotencyKey: `cancel-queued-${userId}`,
    });
    const creates = h.createCalls();
    const step = service.runDue({ limit: 10, workerId: 'w-queue', statuses: ['pending'] });
    await queued.promise;
    const leased = await h.handle.db
      .selectFrom('generations')
      .select(['status', 'locked_by'])
      .where('id', '=', gen.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      leased,
      { status: 'pending', locked_by: 'w-queue' },
      'the worker holds it, still pending',
    );

    const result = await service.cancelOne(userId, gen.id);
    assert.equal(result.kind, 'cancelled');
    assert.equal(await h.billing.balance(userId), 100, 'refunded');

    gate.resolve();
    await step;
    assert.equal(h.createCalls(), creates, 'the create never left: the cancel took the row first');
    const [ended] = await runUntil(service, [gen.id], ['cancelled']);
    assert.equal(ended?.status, 'cancelled');
    assert.equal(await h.billing.balance(userId), 100, 'refunded once');
  });

  it('refuses once the create has left (the row is creating): the user keeps the running generation', async () => {
    let cancelAtSend: Awaited<ReturnType<typeof service.cancelOne>> | undefined;
    const userId = await h.user(100);
    const kie: KieClient = {
      ...h.kie,
      createTask: (request, ctx) =>
        h.kie.createTask(request, {
          ...ctx,
          onSending: async () => {
            await ctx?.onSending?.();
            cancelAtSend = await service.cancelOne(userId, gen.id);
          },
        }),
    };
    const service = h.service({ kie });
    h.script('success', 1);
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox on its way' },
      idempotencyKey: `cancel-sent-${userId}`,
    });
    const [done] = await runUntil(service, [gen.id], ['delivered', 'succeeded']);
    assert.equal(cancelAtSend?.kind, 'started');
    assert.ok(done);
    assert.equal(await h.billing.balance(userId), 100 - PRICE, 'charged, not refunded');
  });
});
