import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { InsufficientBalanceError } from '../../../src/errors/billing-errors.ts';
import { DeliveryRejectedError } from '../../../src/services/generations/index.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  createGenerationHarness,
  type GenerationHarness,
  MODEL,
  PRICE,
  runUntil,
} from './generation-harness.ts';

describe(`generation service (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  const entries = async (userId: number) => {
    const r = await sql<{ operation: string; amount: number }>`
      select operation, amount from ledger_entries where user_id = ${userId} and operation <> 'topup'
      order by id`.execute(h.handle.db);
    return r.rows.map((e) => `${e.operation}:${e.amount}`);
  };
  const start = (userId: number, key: string) =>
    h
      .service()
      .start({ userId, chatId: userId, model: MODEL, input: { prompt: 'a fox' }, idempotencyKey: key });

  before(async () => {
    h = await createGenerationHarness();
  });
  after(() => h.close());

  it('charges once, polls to success, delivers', async () => {
    h.script('success');
    const user = await h.user(100);
    const delivered: string[][] = [];
    const service = h.service({
      notifier: {
        deliver: async (g) => {
          delivered.push([...(g.resultUrls ?? [])]);
          return { kind: 'photo', fileId: 'file-1' };
        },
      },
    });
    const gen = await start(user, `k-${user}`);
    assert.equal(gen.status, 'pending');
    assert.equal((await start(user, `k-${user}`)).id, gen.id, 'same key → same generation');
    const [done] = await runUntil(service, [gen.id], ['delivered']);
    assert.ok(done?.kieTaskId);
    assert.equal(done?.resultUrls?.length, 1);
    assert.equal(done?.resultFileId, 'file-1');
    assert.deepEqual(delivered, [[...(done?.resultUrls ?? [])]], 'delivered once, with the result URLs');
    await service.runDue({ limit: 50, workerId: 'w-test' });
    assert.equal(delivered.length, 1, 'a delivered generation is never claimed again');
    assert.equal(await h.billing.balance(user), 100 - PRICE);
    assert.deepEqual(await entries(user), [`charge:-${PRICE}`]);
  });

  it('refunds a task KIE reports as failed', async () => {
    h.script('fail');
    const user = await h.user(50);
    const gen = await start(user, `k-${user}`);
    const [done] = await runUntil(h.service(), [gen.id], ['failed']);
    assert.equal(done?.failCode, '500');
    assert.ok(done?.refundEntryId);
    assert.equal(await h.billing.balance(user), 50);
    assert.deepEqual(await entries(user), [`charge:-${PRICE}`, `refund:${PRICE}`]);
  });

  it('times out a hanging task and refunds it', async () => {
    h.script('hang');
    const user = await h.user(50);
    const service = h.service({ timeoutMs: 600 });
    const gen = await service.start({
      userId: user,
      chatId: user,
      model: MODEL,
      input: { prompt: 'x' },
      idempotencyKey: `k-${user}`,
    });
    const [done] = await runUntil(service, [gen.id], ['timed_out']);
    assert.equal(done?.failCode, 'generation.timeout');
    assert.ok((done?.pollAttempts ?? 0) > 0);
    assert.equal(await h.billing.balance(user), 50);
    assert.deepEqual(await entries(user), [`charge:-${PRICE}`, `refund:${PRICE}`]);
  });

  it('refunds when KIE answers 402 on createTask', async () => {
    h.script('success');
    h.fake.failNext('createTask', 402);
    const user = await h.user(50);
    const gen = await start(user, `k-${user}`);
    const [done] = await runUntil(h.service(), [gen.id], ['failed']);
    assert.equal(done?.failCode, 'kie.insufficient_credits');
    assert.equal(done?.kieTaskId, undefined);
    assert.equal(await h.billing.balance(user), 50);
    assert.deepEqual(await entries(user), [`charge:-${PRICE}`, `refund:${PRICE}`]);
  });

  it('refunds a result that could not be delivered', async () => {
    h.script('success');
    const user = await h.user(50);
    let attempts = 0;
    const service = h.service({
      notifier: {
        deliver: async () => {
          attempts += 1;
          throw new DeliveryRejectedError('Bad Request: wrong file identifier/HTTP URL specified');
        },
      },
    });
    const gen = await start(user, `k-${user}`);
    const [done] = await runUntil(service, [gen.id], ['refunded']);
    assert.equal(done?.failCode, 'generation.delivery_failed');
    assert.equal(attempts, 1, 'a refusal is not retried');
    await service.runDue({ limit: 50, workerId: 'w-test' });
    assert.equal(await h.billing.balance(user), 50);
    assert.deepEqual(await entries(user), [`charge:-${PRICE}`, `refund:${PRICE}`]);
  });

  it('writes nothing when the balance is too low', async () => {
    const user = await h.user(PRICE - 1);
    const before = await sql<{ n: number }>`select count(*)::int as n from generations`.execute(h.handle.db);
    await assert.rejects(start(user, `k-${user}`), InsufficientBalanceError);
    const afterRows = await sql<{ n: number }>`select count(*)::int as n from generations`.execute(
      h.handle.db,
    );
    assert.equal(afterRows.rows[0]?.n, before.rows[0]?.n);
    assert.deepEqual(await entries(user), []);
    assert.equal(await h.billing.balance(user), PRICE - 1);
  });
});
