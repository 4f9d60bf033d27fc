import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { NewLedgerEntryRow } from '../../src/db/tables/ledger-entries.table.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';

// The constraints are the last line of defence, so they are tested by writing around the service.
describe(`ledger schema constraints (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  let key = 0;
  const entry = (over: Partial<NewLedgerEntryRow>): NewLedgerEntryRow => ({
    user_id: 1,
    operation: 'topup',
    amount: 10,
    balance_after: 10,
    idempotency_key: `schema-${key++}`,
    ...over,
  });
  const insert = (over: Partial<NewLedgerEntryRow>) =>
    handle.db.insertInto('ledger_entries').values(entry(over)).returning('id').executeTakeFirstOrThrow();

  before(async () => {
    handle = await testDb.open();
    await handle.db.insertInto('users').values({ id: 1 }).execute();
  });
  after(() => testDb.dispose());

  it('keeps a balance from going negative', async () => {
    await handle.db.insertInto('balances').values({ user_id: 1, balance: 5 }).execute();
    await assert.rejects(
      handle.db.updateTable('balances').set({ balance: -1 }).where('user_id', '=', 1).execute(),
      /balances_balance_non_negative/,
    );
  });

  it('requires an existing user', async () => {
    await assert.rejects(handle.db.insertInto('balances').values({ user_id: 2 }).execute(), /foreign key/);
    await assert.rejects(insert({ user_id: 2 }), /foreign key/);
  });

  it('ties the amount sign, the reason and refund_of to the operation', async () => {
    await assert.rejects(insert({ operation: 'charge', amount: 5 }), /ledger_entries_amount_sign/);
    await assert.rejects(insert({ operation: 'topup', amount: -5 }), /ledger_entries_amount_sign/);
    await assert.rejects(insert({ operation: 'adjustment', amount: 1 }), /ledger_entries_adjustment_reason/);
    await assert.rejects(insert({ operation: 'refund', amount: 5 }), /ledger_entries_refund_of/);
    // PostgreSQL checks constraints in name order, so the sign check may report first.
    await assert.rejects(insert({ operation: 'bonus' as 'topup' }), /ledger_entries_(operation|amount_sign)/);
  });

  it('allows one entry per idempotency key and one refund per charge', async () => {
    await insert({ idempotency_key: 'once' });
    await assert.rejects(insert({ idempotency_key: 'once' }), /unique|duplicate/i);
    const charge = await insert({ operation: 'charge', amount: -3, balance_after: 7 });
    await insert({ operation: 'refund', amount: 3, refund_of: charge.id });
    await assert.rejects(
      insert({ operation: 'refund', amount: 3, refund_of: charge.id }),
      /ledger_entries_refund_of_uq/,
    );
  });
});
