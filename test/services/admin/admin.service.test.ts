import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { GenerationRow } from '../../../src/db/tables/generations.table.ts';
import type { AdminService, AdminTotals } from '../../../src/services/admin/index.ts';
import { assertSpan, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: pg and undici must load after their instrumentations.
const otel = await setupTestTelemetry();
const { createKieClient } = await import('../../../src/clients/kie/index.ts');
const { createKieFake } = await import('@tg-genbot/fakes/kie');
const { claimDueGenerations, findGenerationById } = await import(
  '../../../src/db/repositories/generation.repository.ts'
);
const { AdminActionError, createAdminService } = await import('../../../src/services/admin/index.ts');
const { createBillingService } = await import('../../../src/services/billing/billing.service.ts');
const { createUserService } = await import('../../../src/services/user.service.ts');
const { createCaptureLogger } = await import('../../support/capture-logger.ts');
const { createTestDatabase, DATABASE_KIND } = await import('../../support/test-database.ts');
const { seedGeneration, traceparentFor } = await import('./admin-fixtures.ts');

const ADMIN = 900_001;
const MODEL = 'google/nano-banana';
const FAST = { waiting: 100, queuing: 100, generating: 200 };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe(`admin service (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  const fake = createKieFake({ timeScale: 0.05, rateLimits: false });
  const log = createCaptureLogger();
  let kie: ReturnType<typeof createKieClient>;
  let db: Awaited<ReturnType<typeof testDb.open>>['db'];
  let billing: ReturnType<typeof createBillingService>;
  let users: ReturnType<typeof createUserService>;
  let admin: AdminService;
  let nextUser = 8100;

  const newUser = async (credits: number, seenAt?: Date) => {
    const id = nextUser++;
    await createUserService(db, () => seenAt ?? new Date()).touch(id);
    if (credits > 0) await billing.topUp(id, credits, { idempotencyKey: `seed:${id}` });
    return id;
  };
  /** A real task at the fake KIE, in the given outcome. */
  const kieTask = async (outcome: 'hang' | 'fail' | 'success') => {
    fake.script(MODEL, { outcome, stateDurationsMs: FAST, times: 1 });
    return (await kie.createTask({ model: MODEL, input: { prompt: 'a fox' } })).taskId;
  };
  const kieState = async (taskId: string, state: string) => {
    for (let i = 0; i < 100 && fake.tasks().find((t) => t.id === taskId)?.state !== state; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  before(async () => {
    await fake.start();
    kie = createKieClient({
      baseUrl: fake.baseUrl,
      apiKey: 'kie-test-key',
      timeoutMs: 2000,
      createPer10s: 1000,
      pollsPerSecond: 1000,
      retry: { maxAttempts: 1 },
    });
    db = (await testDb.open()).db;
    billing = createBillingService(db);
    users = createUserService(db);
    admin = createAdminService({ db, billing, users, kie, adminIds: [ADMIN], logger: log.logger });
  });
  after(async () => {
    await kie.close();
    await fake.stop();
    await testDb.dispose();
  });
  beforeEach(() => otel.reset());

  it('counts users, credits and generations', async () => {
    const before = await admin.totals(ADMIN);
    const active = await newUser(100);
    const stale = await newUser(50, new Date(Date.now() - 2 * 24 * 3600_000));
    await seedGeneration(db, billing, { userId: active, status: 'running', price: 7 });
    await seedGeneration(db, billing, { userId: active, status: 'failed', price: 9 });
    await seedGeneration(db, billing, { userId: active, status: 'delivered', price: 4 });
    await billing.adjust(stale, 5, { idempotencyKey: 't-up', reason: 'goodwill', adminId: ADMIN });
    await billing.adjust(stale, -3, { idempotencyKey: 't-down', reason: 'correction', adminId: ADMIN });
    const now = await admin.totals(ADMIN);

    const delta = (key: keyof Omit<AdminTotals, 'generationsByStatus'>) => now[key] - before[key];
    const status = (s: string) =>
      (now.generationsByStatus[s as 'running'] ?? 0) - (before.generationsByStatus[s as 'running'] ?? 0);
    assert.equal(delta('users'), 2);
    assert.equal(delta('activeUsers'), 1, 'the user last seen two days ago is not active');
    assert.equal(delta('creditsHeld'), 100 + 50 - 7 - 4 + 5 - 3);
    assert.equal(delta('toppedUp'), 150);
    assert.equal(delta('charged'), 7 + 9 + 4);
    assert.equal(delta('refunded'), 9);
    assert.equal(delta('adjustedUp'), 5);
    assert.equal(delta('adjustedDown'), 3);
    assert.equal(delta('generations'), 3);
    assert.deepEqual([status('running'), status('failed'), status('delivered')], [1, 1, 1]);
    assert.equal(delta('inFlight'), 1);
    // The ledger and the balances agree: what is held is what came in minus what went out.
    assert.equal(
      now.creditsHeld,
      now.toppedUp - now.charged + now.refunded + now.adjustedUp - now.adjustedDown,
    );
  });

  it('looks a user up: balance, ledger with reasons, generations with task and trace ids', async () => {
    const userId = await newUser(100);
    const taskId = await kieTask('hang');
    const older = await seedGeneration(db, billing, {
      userId,
      status: 'delivered',
      modelId: 'veo3',
      kieModel: 'veo3',
      price: 30,
      createdAt: new Date(Date.now() - 60_000),
    });
    const newer = await seedGeneration(db, billing, {
      userId,
      status: 'running',
      price: 7,
      kieTaskId: taskId,
      traceparent: traceparentFor(TRACE_ID),
    });
    await admin.adjust({
      adminId: ADMIN,
      userId,
      amount: 11,
      reason: 'sorry',
      idempotencyKey: `k-${userId}`,
    });

    const report = await admin.lookupUser(ADMIN, userId);
    assert.ok(report);
    assert.equal(report.user.id, userId);
    assert.equal(report.balance, 100 - 30 - 7 + 11);
    assert.deepEqual(
      report.ledger.map((e) => [e.operation, e.amount, e.reason, e.adminId]),
      [
        ['adjustment', 11, 'sorry', ADMIN],
        ['charge', -7, undefined, undefined],
        ['charge', -30, undefined, undefined],
        ['topup', 100, undefined, undefined],
      ],
    );
    assert.deepEqual(
      report.generations.map((g) => [g.id, g.modelId, g.status, g.price, g.kieTaskId, g.traceId]),
      [
        [newer.id, 'nano-banana', 'running', 7, taskId, TRACE_ID],
        [older.id, 'veo3', 'delivered', 30, undefined, undefined],
      ],
    );
    assert.equal((await admin.lookupUser(ADMIN, userId, 1))?.generations.length, 1, 'limit');
    assert.equal(await admin.lookupUser(ADMIN, 1), undefined, 'a user who never wrote');
  });

  it('adjusts through the ledger with the reason, once per idempotency key, and logs it', async () => {
    const userId = await newUser(10);
    const request = {
      adminId: ADMIN,
      userId,
      amount: 25,
      reason: '  compensation for #42  ',
      idempotencyKey: 'adm-1',
    };
    const first = await admin.adjust(request);
    assert.equal(first.replayed, false);
    assert.deepEqual(
      [
        first.entry.operation,
        first.entry.amount,
        first.entry.balanceAfter,
        first.entry.reason,
        first.entry.adminId,
      ],
      ['adjustment', 25, 35, 'compensation for #42', ADMIN],
    );
    const again = await admin.adjust(request);
    assert.equal(again.replayed, true);
    assert.equal(again.entry.id, first.entry.id);
    assert.equal(await billing.balance(userId), 35, 'applied once');

    const down = await admin.adjust({ ...request, amount: -35, reason: 'clawback', idempotencyKey: 'adm-2' });
    assert.equal(down.entry.balanceAfter, 0);

    const logged = log.lines().filter((l) => l.user_id === userId && l.admin_id === ADMIN);
    assert.deepEqual(
      logged.map((l) => [l.message, l.amount, l.reason, l.balance_after]),
      [
        ['Balance adjusted by an admin', 25, 'compensation for #42', 35],
        ['Admin adjustment already applied', 25, 'compensation for #42', 35],
        ['Balance adjusted by an admin', -35, 'clawback', 0],
      ],
    );
  });

  it('refuses what the ledger must not do, writing nothing', async () => {
    const userId = await newUser(10);
    const base = { adminId: ADMIN, userId, reason: 'test', idempotencyKey: `r-${userId}` };
    const refused = async (request: Parameters<AdminService['adjust']>[0], code: string) => {
      const error = await admin.adjust(request).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AdminActionError, String(error));
      assert.equal(error.code, code);
      return error;
    };
    const negative = await refused({ ...base, amount: -11 }, 'admin.negative_balance');
    assert.equal(negative.userMessageKey, 'admin-error-negative-balance');
    assert.deepEqual(negative.userMessageArgs, { id: String(userId), balance: 10, amount: 11 });
    await refused({ ...base, amount: 0 }, 'admin.invalid_amount');
    await refused({ ...base, amount: 1.5 }, 'admin.invalid_amount');
    await refused({ ...base, amount: 5, reason: '   ' }, 'admin.invalid_reason');
    await refused({ ...base, amount: 5, reason: 'x'.repeat(201) }, 'admin.invalid_reason');
    await refused({ ...base, amount: 5, userId: 1 }, 'admin.user_not_found');
    await refused({ ...base, amount: 5, adminId: userId }, 'admin.forbidden');
    assert.equal(await billing.balance(userId), 10);
    assert.equal((await billing.history(userId, { limit: 10 })).length, 1, 'only the seed top-up');
    await assert.rejects(
      admin.totals(userId),
      (e: unknown) => e instanceof AdminActionError && e.code === 'admin.forbidden',
    );
  });

  it('re-checks a running task by generation id or KIE task id and makes it due at once', async () => {
    const userId = await newUser(50);
    const taskId = await kieTask('hang');
    const row = await seedGeneration(db, billing, { userId, status: 'running', kieTaskId: taskId });
    const claimNow = () =>
      db.transaction().execute((trx) =>
        claimDueGenerations(trx, {
          now: new Date(),
          limit: 100,
          workerId: 'w-admin-test',
          lockedUntil: new Date(Date.now() + 60_000),
        }),
      );
    assert.ok(!(await claimNow()).some((r) => r.id === row.id), 'not due before the re-check');

    const byId = await admin.recheck(ADMIN, row.id);
    assert.ok(byId);
    assert.equal(byId.madeDue, true);
    assert.equal(byId.kie.kind, 'state');
    assert.ok(['waiting', 'queuing', 'generating'].includes((byId.kie as { state: string }).state));
    assert.ok(byId.generation.nextRunAt.getTime() <= Date.now());
    assert.ok(
      (await claimNow()).some((r) => r.id === row.id),
      'the worker claims it on its next pass',
    );

    const byTask = await admin.recheck(ADMIN, taskId);
    assert.equal(byTask?.generation.id, row.id);
    assert.ok(
      fake.requests().filter((r) => r.url.includes(taskId) && r.path.endsWith('recordInfo')).length >= 2,
    );
  });

  it('re-checks settled, pending and unknown generations, and reports KIE errors', async () => {
    const userId = await newUser(50);
    const failedTask = await kieTask('fail');
    await kieState(failedTask, 'fail');
    const failed = await seedGeneration(db, billing, {
      userId,
      status: 'failed',
      kieTaskId: failedTask,
      failCode: '500',
    });
    const settled = await admin.recheck(ADMIN, failed.id);
    assert.equal(settled?.madeDue, false, 'nothing to poll');
    assert.deepEqual(settled?.kie, {
      kind: 'state',
      state: 'fail',
      failCode: '500',
      failMsg: 'Internal server error',
      resultCount: 0,
    });
    assert.equal((await findGenerationById(db, failed.id))?.status, 'failed', 'a re-check never settles');

    const pending = await seedGeneration(db, billing, { userId, status: 'pending' });
    const waiting = await admin.recheck(ADMIN, pending.id);
    assert.deepEqual([waiting?.kie.kind, waiting?.madeDue], ['not_created', true]);

    const running = await seedGeneration(db, billing, {
      userId,
      status: 'running',
      kieTaskId: await kieTask('hang'),
    });
    fake.failNext('recordInfo', 422);
    assert.deepEqual((await admin.recheck(ADMIN, running.id))?.kie, { kind: 'error', code: 'kie.422' });

    const noKie = createAdminService({
      db,
      billing,
      users,
      kie: undefined,
      adminIds: [ADMIN],
      logger: log.logger,
    });
    assert.deepEqual((await noKie.recheck(ADMIN, running.id))?.kie, { kind: 'unavailable' });
    assert.equal(await admin.recheck(ADMIN, 'no-such-task'), undefined);
  });

  it('re-checks a Veo generation at Veo’s own record-info (kie-api.md §8)', async () => {
    const userId = await newUser(50);
    fake.script('veo3_fast', {
      outcome: 'fail',
      failCode: '400',
      failMsg: 'policy',
      stateDurationsMs: FAST,
      times: 1,
    });
    const { taskId } = await kie.createVideoTask({ model: 'veo3_fast', input: { prompt: 'a fox running' } });
    await kieState(taskId, 'fail');
    const row = await seedGeneration(db, billing, {
      userId,
      status: 'running',
      api: 'veo',
      kieModel: 'veo3_fast',
      kieTaskId: taskId,
    });
    const report = await admin.recheck(ADMIN, row.id);
    assert.deepEqual(report?.kie, {
      kind: 'state',
      state: 'fail',
      failCode: '400',
      failMsg: 'policy',
      resultCount: 0,
    });
    assert.ok(
      fake.requests().some((r) => r.path === '/api/v1/veo/record-info' && r.url.includes(taskId)),
      'asked /api/v1/veo/record-info, not the Market recordInfo (which would answer 404)',
    );
  });

  it('lists in-flight and failed generations, newest first', async () => {
    const userId = await newUser(50);
    const rows: GenerationRow[] = [];
    const statuses = ['running', 'pending', 'timed_out', 'delivered'] as const;
    for (const [i, status] of statuses.entries()) {
      // Distinct times: ties would be ordered by the random ids.
      const createdAt = new Date(Date.now() - (statuses.length - i) * 1000);
      rows.push(await seedGeneration(db, billing, { userId, status, createdAt }));
    }
    const inFlight = (await admin.list(ADMIN, 'in_flight', 100)).map((g) => g.id);
    const failed = (await admin.list(ADMIN, 'failed', 100)).map((g) => g.id);
    assert.ok(inFlight.indexOf(rows[1]?.id ?? '') < inFlight.indexOf(rows[0]?.id ?? ''), 'newest first');
    assert.ok(inFlight.includes(rows[0]?.id ?? '') && inFlight.includes(rows[1]?.id ?? ''));
    assert.ok(failed.includes(rows[2]?.id ?? '') && !failed.includes(rows[3]?.id ?? ''));
    assert.ok(!inFlight.includes(rows[2]?.id ?? '') && !inFlight.includes(rows[3]?.id ?? ''));
  });

  it('records each action as a bot.admin.{action} span: the adjustment around its ledger span, the re-check linked to the generation trace', async () => {
    const userId = await newUser(20);
    await admin.adjust({
      adminId: ADMIN,
      userId,
      amount: -5,
      reason: 'secret words',
      idempotencyKey: `s-${userId}`,
    });
    const adjust = assertSpan(findSpan(otel.spans.getFinishedSpans(), 'bot.admin.adjust'), {
      kind: SpanKind.INTERNAL,
      attributes: {
        'bot.admin.action': 'adjust',
        'bot.admin.id': String(ADMIN),
        'enduser.id': String(userId),
        'billing.amount': -5,
        'billing.balance_after': 15,
        outcome: 'ok',
      },
    });
    assertSpan(findSpan(otel.spans.getFinishedSpans(), 'billing.adjustment'), { parent: adjust });
    assert.ok(!JSON.stringify(adjust.attributes).includes('secret words'), 'no free text on spans');

    await assert.rejects(
      admin.adjust({ adminId: ADMIN, userId, amount: -99, reason: 'x', idempotencyKey: `s2-${userId}` }),
    );
    const refused = otel.spans
      .getFinishedSpans()
      .filter((s) => s.name === 'bot.admin.adjust')
      .at(-1);
    assertSpan(refused, {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'admin.negative_balance' },
    });

    otel.reset();
    const taskId = await kieTask('hang');
    const row = await seedGeneration(db, billing, {
      userId,
      status: 'running',
      kieTaskId: taskId,
      traceparent: traceparentFor(TRACE_ID),
    });
    await admin.recheck(ADMIN, taskId);
    const spans = otel.spans.getFinishedSpans();
    const recheck = assertSpan(findSpan(spans, 'bot.admin.recheck'), {
      attributes: {
        'bot.admin.action': 'recheck',
        'bot.generation.id': row.id,
        'kie.task.id': taskId,
        'enduser.id': String(userId),
        'bot.admin.made_due': true,
        'kie.task.state': /^(waiting|queuing|generating)$/,
      },
    });
    assert.deepEqual(
      recheck.links.map((l) => l.context.traceId),
      [TRACE_ID],
    );
    assertSpan(findSpan(spans, 'kie.task.poll'), { kind: SpanKind.CLIENT, parent: recheck });
  });
});
