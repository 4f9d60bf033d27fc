import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The cached balance: the ledger is the truth, this row is what concurrent writers lock and check.
  await db.schema
    .createTable('balances')
    .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.id'))
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The last line of defence: no code path can leave a balance below zero.
    .addCheckConstraint('balances_balance_non_negative', sql`balance >= 0`)
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    // UNIQUE makes retries and racing duplicates collapse into one entry (ON CONFLICT relies on it).
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('reference', 'text')
    .addColumn('reason', 'text')
    .addColumn('admin_id', 'bigint')
    .addColumn('refund_of', 'bigint', (c) => c.references('ledger_entries.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'ledger_entries_operation',
      sql`operation in ('topup', 'charge', 'refund', 'adjustment')`,
    )
    // The sign follows the operation, so a sum over the ledger always equals the balance.
    .addCheckConstraint(
      'ledger_entries_amount_sign',
      sql`(operation in ('topup', 'refund') and amount > 0)
        or (operation = 'charge' and amount < 0)
        or (operation = 'adjustment' and amount <> 0)`,
    )
    .addCheckConstraint('ledger_entries_balance_after_non_negative', sql`balance_after >= 0`)
    .addCheckConstraint('ledger_entries_refund_of', sql`(operation = 'refund') = (refund_of is not null)`)
    .addCheckConstraint(
      'ledger_entries_adjustment_reason',
      sql`operation <> 'adjustment' or reason is not null`,
    )
    .execute();

  // History pages newest first; id breaks ties between entries of the same instant.
  await db.schema
    .createIndex('ledger_entries_user_created_idx')
    .on('ledger_entries')
    .columns(['user_id', 'created_at desc', 'id desc'])
    .execute();
  // A charge is refunded at most once, whatever the application does.
  await db.schema
    .createIndex('ledger_entries_refund_of_uq')
    .on('ledger_entries')
    .column('refund_of')
    .unique()
    .where(sql.ref('refund_of'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_entries').execute();
  await db.schema.dropTable('balances').execute();
}
