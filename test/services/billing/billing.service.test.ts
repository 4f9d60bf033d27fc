import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import {
  AlreadyRefundedError,
  BillingValidationError,
  IdempotencyConflictError,
  InsufficientBalanceError,
  NotRefundableError,
  UnknownUserError,
} from '../../../src/errors/billing-errors.ts';
import { type BillingService, createBillingService } from '../../../src/services/billing/billing.service.ts';
import { createUserService } from '../../../src/services/user.service.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';

describe(`billing service (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  let billing: BillingService;
  let nextUser = 9000;
  /** A fresh user, created the way the bot does, so tests never share a balance. */
  const newUser = async () => (await createUserService(handle.db).touch(nextUser++)).id;
  const ledgerSum = async (userId: number) => {
    const r = await sql<{ s: number | null }>`
      select sum(amount)::bigint as s from ledger_entries where user_id = ${userId}`.execute(handle.db);
    return Number(r.rows[0]?.s ?? 0);
  };
  const entryCount = async () => {
    const r = await sql<{ n: number }>`select count(*)::int as n from ledger_entries`.execute(handle.db);
    return r.rows[0]?.n;
  };

  before(async () => {
    handle = await testDb.open();
    billing = createBillingService(handle.db);
  });
  after(() => testDb.dispose());

  it('tops up, charges and refunds with exact balances, history and ledger sum', async () => {
    const user = await newUser();
    assert.equal(await billing.balance(user), 0);
    const topUp = await billing.topUp(user, 100, { idempotencyKey: `t-${user}`, reference: 'pay-1' });
    assert.equal(topUp.operation, 'topup');
    assert.equal(topUp.amount, 100);
    assert.equal(topUp.balanceAfter, 100);
    assert.equal(topUp.reference, 'pay-1');
    const charge = await billing.charge(user, 30, { idempotencyKey: `c-${user}`, reference: 'gen-1' });
    assert.equal(charge.amount, -30);
    assert.equal(charge.balanceAfter, 70);
    const refund = await billing.refund(charge.id, { idempotencyKey: `r-${user}` });
    assert.deepEqual(
      { operation: refund.operation, amount: refund.amount, balanceAfter: refund.balanceAfter },
      { operation: 'refund', amount: 30, balanceAfter: 100 },
    );
    assert.equal(refund.refundOf, charge.id);
    assert.equal(refund.reference, 'gen-1', 'a refund keeps the charge reference');
    assert.equal(await billing.balance(user), 100);
    assert.equal(await ledgerSum(user), 100);

    const history = await billing.history(user, { limit: 10 });
    assert.deepEqual(
      history.map((e) => [e.operation, e.amount, e.balanceAfter]),
      [
        ['refund', 30, 100],
        ['charge', -30, 70],
        ['topup', 100, 100],
      ],
    );
    assert.deepEqual(history[1], charge);
    const page2 = await billing.history(user, { limit: 2, before: history[1]!.id });
    assert.deepEqual(
      page2.map((e) => e.id),
      [topUp.id],
    );
  });

  it('adjusts either way with a reason and the admin, never below zero', async () => {
    const user = await newUser();
    const up = await billing.adjust(user, 15, {
      idempotencyKey: `a1-${user}`,
      reason: 'goodwill',
      adminId: 1,
    });
    assert.deepEqual([up.amount, up.balanceAfter, up.reason, up.adminId], [15, 15, 'goodwill', 1]);
    const down = await billing.adjust(user, -5, { idempotencyKey: `a2-${user}`, reason: 'fix', adminId: 1 });
    assert.equal(down.balanceAfter, 10);
    await assert.rejects(
      billing.adjust(user, -11, { idempotencyKey: `a3-${user}`, reason: 'too much', adminId: 1 }),
      InsufficientBalanceError,
    );
    assert.equal(await billing.balance(user), 10);
    assert.equal(await ledgerSum(user), 10);
  });

  it('returns the original entry for a repeated key and changes nothing', async () => {
    const user = await newUser();
    const first = await billing.topUp(user, 50, { idempotencyKey: `dup-${user}` });
    const again = await billing.topUp(user, 50, { idempotencyKey: `dup-${user}` });
    assert.deepEqual(again, first);
    const charge = await billing.charge(user, 50, { idempotencyKey: `dupc-${user}` });
    // The balance is 0 now, yet the retried charge answers with its entry instead of failing.
    assert.deepEqual(await billing.charge(user, 50, { idempotencyKey: `dupc-${user}` }), charge);
    const refund = await billing.refund(`dupc-${user}`, { idempotencyKey: `dupr-${user}` });
    assert.deepEqual(await billing.refund(charge.id, { idempotencyKey: `dupr-${user}` }), refund);
    assert.equal(await billing.balance(user), 50);
    assert.equal((await billing.history(user, { limit: 10 })).length, 3);
  });

  it('refuses a key reused for a different request', async () => {
    const user = await newUser();
    const other = await newUser();
    await billing.topUp(user, 5, { idempotencyKey: `k-${user}` });
    await assert.rejects(billing.topUp(user, 6, { idempotencyKey: `k-${user}` }), IdempotencyConflictError);
    await assert.rejects(billing.charge(user, 5, { idempotencyKey: `k-${user}` }), IdempotencyConflictError);
    await assert.rejects(billing.topUp(other, 5, { idempotencyKey: `k-${user}` }), IdempotencyConflictError);
    assert.equal(await billing.balance(user), 5);
    assert.equal(await billing.balance(other), 0);
  });

  it('throws InsufficientBalanceError with the balance and amount, writing nothing', async () => {
    const user = await newUser();
    await billing.topUp(user, 3, { idempotencyKey: `ib-t-${user}` });
    const before = await entryCount();
    await assert.rejects(billing.charge(user, 4, { idempotencyKey: `ib-c-${user}` }), (error) => {
      assert.ok(error instanceof InsufficientBalanceError);
      assert.equal(error.code, 'billing.insufficient_balance');
      assert.equal(error.userMessageKey, 'error-insufficient-balance');
      assert.equal(error.expected, true);
      assert.deepEqual(error.details, { balance: 3, amount: 4 });
      return true;
    });
    assert.equal(await entryCount(), before);
    assert.equal(await billing.balance(user), 3);
  });

  it('refunds a charge at most once and never a non-charge', async () => {
    const user = await newUser();
    const topUp = await billing.topUp(user, 10, { idempotencyKey: `rf-t-${user}` });
    const charge = await billing.charge(user, 4, { idempotencyKey: `rf-c-${user}` });
    const refund = await billing.refund(charge.id, { idempotencyKey: `rf-r1-${user}` });
    await assert.rejects(billing.refund(charge.id, { idempotencyKey: `rf-r2-${user}` }), (error) => {
      assert.ok(error instanceof AlreadyRefundedError);
      assert.equal(error.code, 'billing.already_refunded');
      assert.deepEqual(error.details, { chargeEntryId: charge.id, refundEntryId: refund.id });
      return true;
    });
    await assert.rejects(billing.refund(topUp.id, { idempotencyKey: `rf-r3-${user}` }), NotRefundableError);
    await assert.rejects(billing.refund(refund.id, { idempotencyKey: `rf-r4-${user}` }), NotRefundableError);
    await assert.rejects(
      billing.refund(`rf-t-${user}`, { idempotencyKey: `rf-r5-${user}` }),
      NotRefundableError,
    );
    await assert.rejects(billing.refund(999_999_999, { idempotencyKey: `rf-r6-${user}` }), {
      code: 'billing.entry_not_found',
    });
    assert.equal(await billing.balance(user), 10);
    assert.equal(await ledgerSum(user), 10);
  });

  it('refuses amounts that are not positive safe integers, writing nothing', async () => {
    const user = await newUser();
    const before = await entryCount();
    for (const amount of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      for (const call of [
        () => billing.topUp(user, amount, { idempotencyKey: `v-${user}-${amount}` }),
        () => billing.charge(user, amount, { idempotencyKey: `v-${user}-${amount}` }),
      ]) {
        await assert.rejects(call(), (error) => {
          assert.ok(error instanceof BillingValidationError);
          assert.equal(error.code, 'billing.invalid_amount');
          assert.equal(error.message, `amount must be a positive safe integer, got ${String(amount)}`);
          return true;
        });
      }
    }
    await assert.rejects(
      billing.adjust(user, 0, { idempotencyKey: `v-a-${user}`, reason: 'x', adminId: 1 }),
      /amount must be a non-zero safe integer, got 0/,
    );
    await assert.rejects(billing.topUp(user, 1, { idempotencyKey: ' ' }), {
      code: 'billing.invalid_argument',
    });
    await assert.rejects(billing.adjust(user, 1, { idempotencyKey: `v-r-${user}`, reason: '', adminId: 1 }), {
      code: 'billing.invalid_argument',
    });
    assert.equal(await entryCount(), before);
    assert.equal(await billing.balance(user), 0);
  });

  it('never creates users: an unknown user is refused', async () => {
    await assert.rejects(billing.topUp(123_456, 1, { idempotencyKey: 'nobody' }), UnknownUserError);
    const users = await handle.db.selectFrom('users').select('id').where('id', '=', 123_456).execute();
    assert.deepEqual(users, []);
  });

  it('refuses a balance beyond 2^53 - 1 so numbers stay exact', async () => {
    const user = await newUser();
    await billing.topUp(user, Number.MAX_SAFE_INTEGER, { idempotencyKey: `max-${user}` });
    await assert.rejects(billing.topUp(user, 1, { idempotencyKey: `max2-${user}` }), {
      code: 'billing.invalid_amount',
    });
    assert.equal(await billing.balance(user), Number.MAX_SAFE_INTEGER);
  });
});
