import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createBillingService } from '../../../src/services/billing/billing.service.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  createGenerationHarness,
  type GenerationHarness,
  MODEL,
  PRICE,
  runUntil,
} from './generation-harness.ts';

describe(`generation restart and concurrency (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  beforeEach(async () => {
    h = await createGenerationHarness();
    h.script('success');
  });
  afterEach(() => h.close());

  const startMany = async (n: number) => {
    const ids: string[] = [];
    const users: number[] = [];
    const service = h.service();
    for (let i = 0; i < n; i += 1) {
      const user = await h.user(20);
      users.push(user);
      const input = { prompt: `p${i}` };
      const gen = await service.start({
        userId: user,
        chatId: user,
        model: MODEL,
        input,
        idempotencyKey: `k${i}`,
      });
      ids.push(gen.id);
    }
    return { ids, users };
  };
  const chargesAndRefunds = async () => {
    const r = await sql<{ operation: string; n: number }>`
      select operation, count(*)::int as n from ledger_entries group by operation order by 1`.execute(
      h.handle.db,
    );
    return Object.fromEntries(r.rows.map((e) => [e.operation, e.n]));
  };

  it('a new instance on a new handle finishes what a killed one left, creating each task once', async () => {
    const { ids, users } = await startMany(20);
    const first = h.service({ leaseMs: 300 });
    for (let i = 0; i < 3; i += 1) {
      await first.runDue({ limit: 4, workerId: 'w-first' });
      await new Promise((r) => setTimeout(r, 10));
    }
    // The crash: three more rows leased by a worker that never reports back.
    await sql`update generations set locked_by = 'w-dead', locked_until = now() + interval '300 milliseconds'
      where id in (select id from generations where status = 'pending' and locked_by is null limit 3)`.execute(
      h.handle.db,
    );
    const createdBeforeCrash = h.createCalls();
    assert.ok(createdBeforeCrash > 0 && createdBeforeCrash < 20, `created ${createdBeforeCrash}`);
    await h.handle.destroy();

    h.handle = await h.testDb.open();
    h.billing = createBillingService(h.handle.db);
    const done = await runUntil(h.service(), ids, ['succeeded'], 20_000, 'w-second');
    assert.equal(done.length, 20);
    assert.equal(h.createCalls(), 20, 'the fake saw exactly 20 createTask');
    assert.equal(new Set(done.map((g) => g.kieTaskId)).size, 20);
    assert.deepEqual(await chargesAndRefunds(), { charge: 20, topup: 20 });
    for (const user of users) assert.equal(await h.billing.balance(user), 20 - PRICE);
  });

  it('two instances running runDue concurrently create each task once', async () => {
    const { ids } = await startMany(12);
    const a = h.service();
    const b = h.service();
    await Promise.all([
      runUntil(a, ids, ['succeeded'], 20_000, 'w-a'),
      runUntil(b, ids, ['succeeded'], 20_000, 'w-b'),
    ]);
    assert.equal(h.createCalls(), 12);
    assert.equal(h.fake.tasks().length, 12);
    assert.deepEqual(await chargesAndRefunds(), { charge: 12, topup: 12 });
  });
});
