import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createKieClient, type KieClient } from '../../../src/clients/kie/index.ts';
import type { GenerationService } from '../../../src/services/generations/index.ts';
import { skippingClock } from '../../support/skipping-clock.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createGenerationHarness, type GenerationHarness, MODEL, runUntil } from './generation-harness.ts';

/**
 * A poll that gets no usable answer says nothing about the task, which goes on running (and costing)
 * at KIE: it is tried again on the schedule, and only the deadline gives up (issue 11). The clock is
 * the service's own, skipped ahead, so polls minutes apart take no time.
 */
describe(`polls never refund on a transient failure (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  // A short timeout, so the "no answer in time" poll costs a second, not the harness's two.
  let kie: KieClient;
  before(async () => {
    h = await createGenerationHarness();
    kie = createKieClient({
      baseUrl: h.fake.baseUrl,
      apiKey: 'kie-test-key',
      timeoutMs: 300,
      createPer10s: 1000,
      pollsPerSecond: 1000,
      retry: { maxAttempts: 1 },
    });
  });
  after(async () => {
    await kie.close();
    await h.close();
  });

  const row = (id: string) =>
    h.handle.db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const entries = async (userId: number) => {
    const r = await sql<{ operation: string; amount: number }>`
      select operation, amount from ledger_entries where user_id = ${userId} and operation <> 'topup'
      order by id`.execute(h.handle.db);
    return r.rows.map((e) => `${e.operation}:${e.amount}`);
  };
  /** Starts a generation and runs its create: running, with its task at the fake. */
  const started = async (service: GenerationService, userId: number) => {
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox' },
      idempotencyKey: `poll-fault-${userId}`,
    });
    await service.runDue({ limit: 10, workerId: 'w-a' });
    const created = await row(gen.id);
    assert.equal(created.status, 'running');
    return created;
  };
  /** One worker pass a second later (the schedule here is 20 ms). */
  const pass = async (service: GenerationService, clock: ReturnType<typeof skippingClock>, ms = 1000) => {
    clock.advance(ms);
    await service.runDue({ limit: 10, workerId: 'w-a' });
  };

  it('a malformed 200, a non-JSON 502 and a timeout, then success: delivered, charged once, never refunded', async () => {
    h.script('success');
    const clock = skippingClock();
    const delivered: string[] = [];
    const service = h.service({
      kie,
      now: clock.now,
      notifier: {
        deliver: async (g) => {
          delivered.push(g.id);
          return { kind: 'photo', fileId: 'f-1' };
        },
      },
    });
    const userId = await h.user(100);
    const gen = await started(service, userId);
    // Done at the fake before the first poll, so the fourth answer, the real one, says success.
    const taskId = gen.kie_task_id ?? '';
    while (h.fake.tasks().find((t) => t.id === taskId)?.state !== 'success') {
      await new Promise((r) => setTimeout(r, 10));
    }
    h.fake.faultNext('recordInfo', { kind: 'not-json' });
    h.fake.faultNext('recordInfo', { kind: 'not-json', httpStatus: 502 });
    h.fake.faultNext('recordInfo', { kind: 'slow', delayMs: 3000 });

    for (const attempt of [1, 2, 3]) {
      await pass(service, clock);
      const now = await row(gen.id);
      assert.equal(now.status, 'running', `after bad answer ${attempt}`);
      assert.equal(now.refund_entry_id, null);
      assert.equal(now.poll_attempts, attempt, 'each failed poll counted, the row released');
      assert.equal(now.locked_by, null);
    }
    const [done] = await runUntil(service, [gen.id], ['delivered'], 15_000, 'w-a');
    assert.equal(done?.kieTaskId, taskId);
    assert.deepEqual(delivered, [gen.id], 'delivered once');
    assert.equal(await h.billing.balance(userId), 100 - 7);
    assert.deepEqual(await entries(userId), ['charge:-7'], 'charged once, never refunded');
    assert.equal(h.fake.tasks().filter((t) => t.id === taskId).length, 1);
  });

  it('nothing but malformed answers until the deadline: timed out and refunded once, at the deadline', async () => {
    h.script('success');
    const clock = skippingClock();
    const service = h.service({ kie, now: clock.now, timeoutMs: 60_000 });
    const userId = await h.user(100);
    const gen = await started(service, userId);
    h.fake.faultNext('recordInfo', { kind: 'not-json' }, { times: 2 });
    h.fake.faultNext('recordInfo', { kind: 'bad-data' });

    await pass(service, clock);
    await pass(service, clock);
    const before = await row(gen.id);
    assert.deepEqual([before.status, before.refund_entry_id, before.poll_attempts], ['running', null, 2]);
    assert.equal(await h.billing.balance(userId), 93, 'not refunded while the deadline is ahead');

    // The third malformed answer comes after the deadline: only now is the generation given up on.
    await pass(service, clock, 60_000);
    const after = await row(gen.id);
    assert.equal(after.status, 'timed_out');
    assert.equal(after.fail_code, 'kie.bad_response');
    assert.ok(after.refund_entry_id);
    await pass(service, clock);
    await pass(service, clock);
    assert.equal(await h.billing.balance(userId), 100);
    assert.deepEqual(await entries(userId), ['charge:-7', 'refund:7'], 'refunded exactly once');
  });

  it('only KIE saying the task is gone (404, 422, 501) refunds a poll at once; a 401 or a 455 waits', async () => {
    h.script('hang');
    const clock = skippingClock();
    const service = h.service({ kie, now: clock.now });
    // The fault goes to whichever poll comes first: park each case's row once it has been checked.
    const park = (id: string) =>
      sql`update generations set next_run_at = next_run_at + interval '1 day' where id = ${id}`.execute(
        h.handle.db,
      );
    for (const code of [401, 455, 500]) {
      const userId = await h.user(100);
      const gen = await started(service, userId);
      h.fake.failNext('recordInfo', code);
      await pass(service, clock);
      const now = await row(gen.id);
      assert.deepEqual([now.status, now.refund_entry_id, now.poll_attempts], ['running', null, 1], `${code}`);
      await park(gen.id);
    }
    for (const code of [404, 422, 501]) {
      const userId = await h.user(100);
      const gen = await started(service, userId);
      h.fake.failNext('recordInfo', code);
      await pass(service, clock);
      const now = await row(gen.id);
      assert.equal(now.status, 'failed', `code ${code}`);
      assert.equal(now.fail_code, `kie.${code}`);
      assert.equal(await h.billing.balance(userId), 100);
    }
  });
});
