import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../src/db/database.ts';
import {
  claimDueGenerations,
  insertGeneration,
  wakeGenerationByTask,
} from '../../src/db/repositories/generation.repository.ts';
import type { GenerationStatus } from '../../src/db/tables/generations.table.ts';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import { createUserService } from '../../src/services/user.service.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';

describe(`the worker's claim order (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  let n = 0;
  const t0 = new Date('2026-11-22T10:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  async function row(status: GenerationStatus, nextRunAt: Date, taskId?: string) {
    const userId = 9100 + n;
    await createUserService(handle.db).touch(userId);
    const billing = createBillingService(handle.db);
    await billing.topUp(userId, 10, { idempotencyKey: `claim-seed-${n}` });
    const charge = await billing.charge(userId, 1, { idempotencyKey: `claim-charge-${n}` });
    n += 1;
    return insertGeneration(handle.db, {
      id: `g-${status}-${n}`,
      user_id: userId,
      chat_id: userId,
      model_id: 'm',
      kie_model: 'm',
      input: '{}',
      price: 1,
      status,
      charge_entry_id: charge.id,
      kie_task_id: taskId ?? null,
      next_run_at: nextRunAt,
      deadline_at: at(3600),
      created_at: at(-60),
      updated_at: at(-60),
    });
  }
  const claim = (limit: number) =>
    handle.db
      .transaction()
      .execute((trx) => claimDueGenerations(trx, { now: at(0), limit, workerId: 'w', lockedUntil: at(300) }));

  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  it('claims new and finished work before overdue polls, and a woken task before other polls', async () => {
    for (let i = 0; i < 5; i++) await row('running', at(-50 + i), `t-${i}`);
    const woken = await row('running', at(-1), 't-woken');
    const pending = await row('pending', at(0));
    const succeeded = await row('succeeded', at(0));
    assert.equal(await wakeGenerationByTask(handle.db, 't-woken'), true);
    assert.equal(await wakeGenerationByTask(handle.db, 'no-such-task'), false);

    const first = await claim(3);
    assert.deepEqual(new Set(first.map((r) => r.id)), new Set([pending.id, succeeded.id, woken.id]));
    const rest = await claim(10);
    assert.equal(rest.length, 5, 'the overdue polls come next, none claimed twice');
  });
});
