import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { AlreadyRefundedError, InsufficientBalanceError } from '../../../src/errors/billing-errors.ts';
import { type BillingService, createBillingService } from '../../../src/services/billing/billing.service.ts';
import { createUserService } from '../../../src/services/user.service.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';

/** Runs 50 one-credit charges at once over the services (round-robin) against a balance of 10. */
async function chargeRace(services: readonly BillingService[], userId: number) {
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) =>
      services[i % services.length]!.charge(userId, 1, { idempotencyKey: `race-${userId}-${i}` }),
    ),
  );
  const rejected = results.filter((r) => r.status === 'rejected');
  for (const r of rejected) assert.ok(r.reason instanceof InsufficientBalanceError, String(r.reason));
  return { ok: results.length - rejected.length, insufficient: rejected.length };
}

describe(`billing under concurrency (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  let billing: BillingService;
  const chargeCount = async (service: BillingService, userId: number) =>
    (await service.history(userId, { limit: 500 })).filter((e) => e.operation === 'charge').length;

  before(async () => {
    handle = await testDb.open();
    billing = createBillingService(handle.db);
  });
  after(() => testDb.dispose());

  it('lets exactly 10 of 50 concurrent 1-credit charges through a balance of 10', async () => {
    const user = (await createUserService(handle.db).touch(8001)).id;
    await billing.topUp(user, 10, { idempotencyKey: 'race-topup-8001' });
    assert.deepEqual(await chargeRace([billing], user), { ok: 10, insufficient: 40 });
    assert.equal(await billing.balance(user), 0);
    assert.equal(await chargeCount(billing, user), 10);
  });

  it('writes one entry when the same key races 10 times', async () => {
    const user = (await createUserService(handle.db).touch(8002)).id;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => billing.topUp(user, 7, { idempotencyKey: 'same-key-8002' })),
    );
    assert.equal(new Set(results.map((e) => e.id)).size, 1);
    for (const e of results) assert.deepEqual(e, results[0]);
    assert.equal(await billing.balance(user), 7);
    assert.equal((await billing.history(user, { limit: 500 })).length, 1);
  });

  it('writes one charge when the same charge key races 10 times on a small balance', async () => {
    const user = (await createUserService(handle.db).touch(8003)).id;
    await billing.topUp(user, 5, { idempotencyKey: 'same-charge-topup-8003' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => billing.charge(user, 5, { idempotencyKey: 'same-charge-8003' })),
    );
    assert.equal(new Set(results.map((e) => e.id)).size, 1);
    assert.equal(await billing.balance(user), 0);
  });

  it('refunds a charge once when 10 refunds with different keys race', async () => {
    const user = (await createUserService(handle.db).touch(8005)).id;
    await billing.topUp(user, 10, { idempotencyKey: 'refund-race-topup-8005' });
    const charge = await billing.charge(user, 4, { idempotencyKey: 'refund-race-charge-8005' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => billing.refund(charge.id, { idempotencyKey: `refund-race-${i}` })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof AlreadyRefundedError, String(r.reason));
    }
    assert.equal(await billing.balance(user), 10);
  });

  // Two pools on one schema behave like two bot instances; PGlite is one process, so PostgreSQL only.
  describe('across two database handles', {
    skip: DATABASE_KIND !== 'postgres' && 'needs PostgreSQL',
  }, () => {
    it('still lets exactly 10 of 50 charges through, and one entry per raced key', async () => {
      const second = await testDb.open();
      const billing2 = createBillingService(second.db);
      const user = (await createUserService(handle.db).touch(8004)).id;
      await billing.topUp(user, 10, { idempotencyKey: 'two-pools-topup-8004' });
      assert.deepEqual(await chargeRace([billing, billing2], user), { ok: 10, insufficient: 40 });
      assert.equal(await billing2.balance(user), 0);
      assert.equal(await chargeCount(billing2, user), 10);

      const keyed = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? billing2 : billing).topUp(user, 3, { idempotencyKey: 'two-pools-key-8004' }),
        ),
      );
      assert.equal(new Set(keyed.map((e) => e.id)).size, 1);
      assert.equal(await billing.balance(user), 3);
    });
  });
});
