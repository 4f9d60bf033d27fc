import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createKieClient, type KieCallbackInfo, type KieClient } from '../../../src/clients/kie/index.ts';
import type { GenerationService, GenerationServiceDeps } from '../../../src/services/generations/index.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { skippingClock } from '../../support/skipping-clock.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createGenerationHarness, type GenerationHarness, MODEL, runUntil } from './generation-harness.ts';

const FAST = { waiting: 100, queuing: 100, generating: 200 };
/** Where KIE would call back: nothing listens, the tests hand the callback to the service themselves. */
const callbackUrl = (id: string) => `http://127.0.0.1:9/kie/callback?generation=${id}`;

/**
 * A create that was sent and got no usable answer may have made a task (kie-api.md §9 row 16): it is
 * never sent again. A callback naming the task adopts it; otherwise the deadline refunds it, once.
 */
describe(`a create whose outcome is unknown is not blindly created again (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  let kie: KieClient;
  before(async () => {
    h = await createGenerationHarness();
    // Short enough that a slow create times out at once (undici may fire up to a second late).
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
  /** The callback KIE sends when the task ends, as the route hands it over (verified and parsed). */
  const successCallback = (taskId: string): KieCallbackInfo => ({
    api: 'market',
    taskId,
    state: 'success',
    done: true,
    consumeCredits: 4,
    dedupeKey: `${taskId}:success`,
  });
  /** A slow create: KIE makes the task at once and answers long after the client gave up. */
  const slowCreate = () =>
    h.fake.script(MODEL.kieModel, {
      outcome: 'success',
      stateDurationsMs: FAST,
      slowCreateMs: 3000,
      callback: 'none',
      times: 1,
    });
  const setup = async (overrides: Partial<GenerationServiceDeps> = {}) => {
    const clock = skippingClock();
    const log = createCaptureLogger('info');
    const delivered: string[] = [];
    const service = h.service({
      kie,
      now: clock.now,
      logger: log.logger,
      callbackUrl,
      notifier: {
        deliver: async (g) => {
          delivered.push(g.id);
          return { kind: 'photo', fileId: `file-${g.id}` };
        },
      },
      ...overrides,
    });
    const userId = await h.user(100);
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox' },
      idempotencyKey: `unknown-${userId}`,
    });
    return { clock, log, delivered, service, userId, gen };
  };
  const creates = () => h.createCalls();
  const tasksOf = (id: string) => h.fake.tasks().filter((t) => t.callBackUrl?.endsWith(id));
  const pass = async (service: GenerationService, clock: ReturnType<typeof skippingClock>, ms = 1000) => {
    clock.advance(ms);
    await service.runDue({ limit: 10, workerId: 'w-a' });
  };

  it('timed out after sending: marked unknown, not resent; its callback adopts the task, delivered once', async () => {
    slowCreate();
    const { clock, log, delivered, service, userId, gen } = await setup();
    const before = creates();
    await service.runDue({ limit: 10, workerId: 'w-a' });
    const marked = await row(gen.id);
    assert.equal(marked.status, 'unknown');
    assert.equal(marked.kie_task_id, null);
    assert.equal(marked.refund_entry_id, null);
    assert.equal(marked.next_run_at.getTime(), marked.deadline_at.getTime(), 'only the deadline is due');
    assert.match(marked.fail_msg ?? '', /kie\.timeout/);
    assert.ok(
      log
        .lines()
        .some((l) => l.level === 'warn' && l.error_code === 'kie.timeout' && l.generation_id === gen.id),
    );
    for (let i = 0; i < 3; i++) await pass(service, clock);
    assert.equal(creates() - before, 1, 'never sent again');
    const [task] = tasksOf(gen.id);
    assert.ok(task, 'KIE made the task, with our generation id in its callBackUrl');

    assert.equal(await service.callback(successCallback(task.id), gen.id), 'adopted');
    const adopted = await row(gen.id);
    assert.deepEqual([adopted.status, adopted.kie_task_id], ['running', task.id]);
    const [done] = await runUntil(service, [gen.id], ['delivered'], 15_000, 'w-a');
    assert.equal(done?.kieTaskId, task.id);
    // KIE re-sends and duplicates callbacks (§9 row 11): nothing more happens.
    assert.equal(await service.callback(successCallback(task.id), gen.id), 'ignored');
    await pass(service, clock);
    assert.deepEqual(delivered, [gen.id], 'delivered once');
    assert.equal(creates() - before, 1);
    assert.deepEqual(await entries(userId), ['charge:-7'], 'charged once, never refunded');
  });

  it('no callback by the deadline: refunded once as kie.create_unknown, with a warning', async () => {
    slowCreate();
    const { clock, log, service, userId, gen } = await setup({ timeoutMs: 60_000 });
    const before = creates();
    await service.runDue({ limit: 10, workerId: 'w-a' });
    assert.equal((await row(gen.id)).status, 'unknown');
    await pass(service, clock, 30_000);
    assert.equal((await row(gen.id)).status, 'unknown', 'still waiting half-way');
    assert.equal(await h.billing.balance(userId), 93);

    await pass(service, clock, 30_000);
    const refunded = await row(gen.id);
    assert.equal(refunded.status, 'failed');
    assert.equal(refunded.fail_code, 'kie.create_unknown');
    assert.ok(refunded.refund_entry_id);
    await pass(service, clock);
    await pass(service, clock);
    assert.deepEqual(await entries(userId), ['charge:-7', 'refund:7'], 'refunded exactly once');
    assert.equal(creates() - before, 1, 'never created twice');
    assert.ok(
      log
        .lines()
        .some(
          (l) => l.level === 'warn' && l.error_code === 'kie.create_unknown' && l.generation_id === gen.id,
        ),
    );

    // The task finished after all: its late callback must not deliver or refund anything again.
    const [task] = tasksOf(gen.id);
    assert.ok(task);
    assert.equal(await service.callback(successCallback(task.id), gen.id), 'refunded');
    await pass(service, clock);
    const after = await row(gen.id);
    assert.deepEqual(
      [after.status, after.kie_task_id, after.refund_entry_id],
      ['failed', null, refunded.refund_entry_id],
    );
    assert.deepEqual(await entries(userId), ['charge:-7', 'refund:7']);
    const warned = log.lines().find((l) => /KIE charged for a task we refunded/.test(String(l.message)));
    assert.equal(warned?.level, 'warn');
    assert.equal(warned?.task_id, task.id);
    assert.equal(warned?.generation_id, gen.id);
  });

  it('without callbacks nothing can name the task: a malformed create answer is refunded at once, never resent', async () => {
    h.script('success');
    h.fake.faultNext('createTask', { kind: 'not-json' });
    const { clock, service, userId, gen } = await setup({ callbackUrl: undefined });
    const before = creates();
    await service.runDue({ limit: 10, workerId: 'w-a' });
    const now = await row(gen.id);
    assert.deepEqual([now.status, now.fail_code], ['failed', 'kie.create_unknown']);
    await pass(service, clock);
    assert.equal(creates() - before, 1);
    assert.deepEqual(await entries(userId), ['charge:-7', 'refund:7']);
  });

  it('an error raised before the request left (a 429) is retried as before: pending again, then created', async () => {
    h.script('success');
    h.fake.failNext('createTask', 429);
    const { clock, service, gen } = await setup();
    await service.runDue({ limit: 10, workerId: 'w-a' });
    assert.equal((await row(gen.id)).status, 'pending', 'KIE said no: no task exists');
    await pass(service, clock);
    const created = await row(gen.id);
    assert.equal(created.status, 'running');
    assert.equal(tasksOf(gen.id).length, 1);
    await runUntil(service, [gen.id], ['delivered'], 15_000, 'w-a');
  });

  it('the worker dies mid-create (lease expiry): the next worker marks it unknown, never sends it again', async () => {
    h.fake.script(MODEL.kieModel, {
      outcome: 'success',
      stateDurationsMs: FAST,
      slowCreateMs: 4000,
      callback: 'none',
      times: 1,
    });
    // The "dead" worker's call outlives the lease: a long timeout, so it is still waiting when the
    // next worker comes; whatever it gets afterwards must change nothing.
    const slowKie = createKieClient({
      baseUrl: h.fake.baseUrl,
      apiKey: 'kie-test-key',
      timeoutMs: 2500,
      createPer10s: 1000,
      pollsPerSecond: 1000,
      retry: { maxAttempts: 1 },
    });
    try {
      const { clock, delivered, service, userId, gen } = await setup({ kie: slowKie, leaseMs: 60_000 });
      const before = creates();
      const dead = service.runDue({ limit: 10, workerId: 'w-dead' });
      while (tasksOf(gen.id).length === 0) await new Promise((r) => setTimeout(r, 10));
      const inFlight = await row(gen.id);
      assert.deepEqual([inFlight.status, inFlight.locked_by], ['creating', 'w-dead']);

      clock.advance(60_001);
      await service.runDue({ limit: 10, workerId: 'w-next' });
      const taken = await row(gen.id);
      assert.equal(taken.status, 'unknown', 'a creating row found after its lease expired');
      assert.match(taken.fail_msg ?? '', /generation\.create_interrupted/);
      await dead;
      assert.equal((await row(gen.id)).status, 'unknown', 'the dead worker’s late timeout changes nothing');
      assert.equal(creates() - before, 1, 'created once');

      const [task] = tasksOf(gen.id);
      assert.equal(await service.callback(successCallback(task?.id ?? ''), gen.id), 'adopted');
      await runUntil(service, [gen.id], ['delivered'], 15_000, 'w-next');
      assert.deepEqual(delivered, [gen.id]);
      assert.equal(creates() - before, 1);
      assert.deepEqual(await entries(userId), ['charge:-7']);
    } finally {
      await slowKie.close();
    }
  });

  it('a callback naming another generation’s task, or for no known generation, moves nothing', async () => {
    h.script('success');
    const { service, gen } = await setup();
    await runUntil(service, [gen.id], ['delivered'], 15_000, 'w-a');
    const mine = await row(gen.id);
    const other = await setup();
    assert.equal(await service.callback(successCallback(mine.kie_task_id ?? ''), other.gen.id), 'unmatched');
    assert.equal((await row(other.gen.id)).kie_task_id, null);
    assert.equal(
      await service.callback(successCallback('task_nobody_1'), '00000000-0000-4000-8000-000000000000'),
      'unmatched',
    );
    assert.equal(await service.callback(successCallback('task_nobody_2'), undefined), 'unmatched');
  });
});
